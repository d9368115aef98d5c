/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The redacted form of a YAML/JSON document: what every view of a document
 * is built from (docs/spec.md §3: "generic views of a document that holds
 * secrets are built from the redacted document").
 *
 * - kubeconfigs: as `kubectl config view` does (`*-data` keys read
 *   DATA+OMITTED, `token` and `password` read REDACTED) and further, where
 *   kubectl leaks: auth-provider `config` values id-token, refresh-token,
 *   client-secret (and any secret-named key), and every exec `env` value;
 * - `kind: Secret` objects: every value under `data` and `stringData`;
 * - anywhere: a scalar under a key that kfs_redact_value() hides (the one
 *   rule set of redact.h, nested NAME=VALUE and user:password forms
 *   included), and the `value` of a `{name: X, value: Y}` pair whose name
 *   is secret (container env, exec env);
 * - inside every string: kfs_redact_text(), so that a document embedded in
 *   a value (JSON, YAML, INI/TOML, env text, a command line) loses its
 *   secrets at any depth, the text around them kept byte for byte.
 * Redaction replaces scalars only: a map or list under a secret name keeps
 * its keys and shape, its scalar leaves read REDACTED, but references
 * (secretKeyRef, secretRef, configMapKeyRef, valueFrom, existingSecret,
 * a {name, key} pair) are shown as written; an OpenAPI schema
 * (`openAPIV3Schema` and below) describes secrets and holds none, and is
 * shown as written (only its `default`/`example` text is scanned). Null,
 * empty ("") and boolean values are left as they are (they hold nothing).
 * A document whose root has `users` is redacted as a kubeconfig too (a
 * credentials fragment merged in through $KUBECONFIG), though it is not
 * recognised as one.
 *
 * kfs_yredact() works on any struct kfs_ydoc tree, whatever text it was
 * parsed from (a TOML decoder that builds a ydoc gets the same rules).
 */

#include <stdbool.h>

#include "ydoc.h"

#define KFS_DATA_OMITTED "DATA+OMITTED"

/* Rewrites every document of `doc` in place. Returns 0 or -ENOMEM. */
int kfs_yredact(struct kfs_ydoc *doc);

/* What kfs_yredact_opts() knows about the document besides its text. */
enum {
        KFS_YREDACT_K3S = 1,    /* a k3s/rke2 config.yaml: its top-level keys are flags, `t` is --token */
};

/* kfs_yredact() with KFS_YREDACT_* options. */
int kfs_yredact_opts(struct kfs_ydoc *doc, unsigned opts);

/* Whether a document root is a kubeconfig (kind: Config, or top-level
 * `clusters` with `contexts` or `users`). */
bool kfs_yredact_is_kubeconfig(const struct kfs_ynode *root);
