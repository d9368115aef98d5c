/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Which names carry secrets, for every decoder that shows names with values
 * (.flags, .env, .flat, .json, kubeconfig views). docs/spec.md §3: tokens,
 * passwords, secrets, key data. A value under such a name is shown as
 * KFS_REDACTED; the name itself stays so the reader sees it is set.
 */

#include <stdbool.h>
#include <stddef.h>

#define KFS_REDACTED "REDACTED"

/*
 * Whether a flag, variable or key name carries a secret. `name` is compared
 * case-insensitively, with leading dashes ignored and '_' and '-' alike:
 * names ending in "token" (token, agent-token, K3S_TOKEN, id-token,
 * bootstrapToken), containing "password"/"passwd" or "secret", the key
 * data names (client-key-data, *-key-data) and kubeadm's certificate key
 * (--certificate-key, certificateKey).
 * Names that point at files holding a secret (token-file, --token-auth-file,
 * K3S_TOKEN_FILE) are paths, not secrets, and are not matched.
 */
bool kfs_redact_name(const char *name, size_t len);
