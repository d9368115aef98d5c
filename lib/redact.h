/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one rule set for secrets (docs/spec.md §3), shared by every decoder
 * and every view that shows names with values or raw text: .flags, .env,
 * .unit, .flat, .json, .yaml, .objects, kubeconfig views (flags.h and
 * yredact.h find the names; this file says which are secret and rewrites
 * what they hold). A value under a secret name is shown as KFS_REDACTED;
 * the name itself stays so the reader sees it is set.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define KFS_REDACTED "REDACTED"

/*
 * Whether a flag, variable or key name carries a secret. `name` is compared
 * case-insensitively, with leading dashes ignored and '_' and '-' alike.
 * Strong names (every non-empty value is secret):
 *   - ending in "token" (token, agent-token, K3S_TOKEN, id-token, bootstrapToken);
 *   - containing "password", "passwd" or "secret";
 *   - key data and private keys: *-key-data, *privatekey, *private-key;
 *   - kubeadm's certificate key (--certificate-key, certificateKey);
 *   - pre-shared keys: ending in "psk" (--flannel-ipsec-psk).
 * Weak names (their value is secret unless it is a boolean or a path,
 * kfs_redact_value()):
 *   - ending in "key" (API_KEY, apiKey, joinKey, --etcd-s3-access-key),
 *     except a bare "key", a file name ("tls.key") and names of lookup
 *     keys (topologyKey, labelFromKey, imageKey, sortKey, publicKey...);
 *   - ending in "auth" (--vpn-auth, --basic-auth, a registry's
 *     auth, HTTP_AUTH, basicAuth; --anonymous-auth=false is a boolean).
 * Names that point at files holding a secret (token-file, --token-auth-file,
 * K3S_TOKEN_FILE, --tls-private-key-file) are paths, not secrets.
 */
bool kfs_redact_name(const char *name, size_t len);

/*
 * Whether `value` under `name` is to be hidden: kfs_redact_name(), and the
 * value is not empty, and for weak names not "true"/"false" nor a path
 * ('/', './', '../', '~/' first, or a .key/.pem/.crt file name).
 */
bool kfs_redact_value(const char *name, size_t nlen, const char *value, size_t vlen);

/*
 * Adds `value`, the value of `name` (NAME=VALUE, a key's scalar), to `out`
 * with its secrets replaced; returns whether anything was replaced.
 *   - nested assignments ("oidc-client-secret=x" as the value of
 *     --kube-apiserver-arg, "name=tailscale,joinKey=x" of --vpn-auth):
 *     each comma-separated NAME=VALUE by the same rules; under a secret
 *     outer name every nested value but a *name one is hidden;
 *   - a secret weak "auth" name holding user:password: the password only;
 *   - otherwise a secret value whole.
 * A value under a name that is not secret, without nested assignments, is
 * added as it is (kfs_redact_text() still applies to it where the caller
 * scans text).
 */
bool kfs_redact_add_value(struct kfs_buf *out, const char *name, size_t nlen, const char *value, size_t vlen);

/*
 * Whether `flag` (a short flag as written, "-t") aliases a secret long flag
 * for the program `prog` (its path or name): k3s's and rke2's -t (--token).
 */
bool kfs_redact_short_flag(const char *prog, const char *flag, size_t flen);

/*
 * The text `s[0..n)` with the secrets it holds replaced, into `out`; returns
 * whether anything was replaced (`out` is untouched otherwise). The text may
 * be, or embed at any depth of quoting (\" and \\\" too), a document:
 *   - a private key block anywhere: the whole text reads REDACTED;
 *   - JWTs (service account tokens) and kubeadm bootstrap tokens;
 *   - the password of a URL (scheme://user:PASSWORD@host);
 *   - NAME=VALUE, --NAME=VALUE and --NAME VALUE (command lines, env text),
 *     nested forms as kfs_redact_add_value();
 *   - JSON "NAME": "VALUE" / "NAME": VALUE, YAML NAME: VALUE (to the end of
 *     the line, or its | / > block), INI/TOML NAME = VALUE;
 *   - the value of a {"name": SECRET_NAME, "value": X} pair (container env).
 * Only the value's bytes change: names, quotes, separators, spacing and
 * everything around stay byte for byte. Null, boolean, empty values and
 * values that are maps or lists ({, [) are left: the scan goes on inside.
 */
bool kfs_redact_text(const char *s, size_t n, struct kfs_buf *out);
