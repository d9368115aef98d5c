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
 * - anywhere: a scalar under a key that kfs_redact_name() matches, and the
 *   `value` of a `{name: X, value: Y}` pair whose name matches (container
 *   env, exec env).
 * Non-scalar values under a secret key are replaced whole; null and empty
 * ("") values are left as they are (they hold nothing). A document whose
 * root has `users` is redacted as a kubeconfig too (a credentials fragment
 * merged in through $KUBECONFIG), though it is not recognised as one.
 */

#include <stdbool.h>

#include "ydoc.h"

#define KFS_DATA_OMITTED "DATA+OMITTED"

/* Rewrites every document of `doc` in place. Returns 0 or -ENOMEM. */
int kfs_yredact(struct kfs_ydoc *doc);

/* Whether a document root is a kubeconfig (kind: Config, or top-level
 * `clusters` with `contexts` or `users`). */
bool kfs_yredact_is_kubeconfig(const struct kfs_ynode *root);
