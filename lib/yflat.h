/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * yflat: a ydoc tree as text, for the generic YAML/JSON views.
 *
 * Values are JSON values as Kubernetes' YAML reads them (go-yaml v2 typing
 * through sigs.k8s.io/yaml): plain scalars become true/false, integers
 * (0x1F, 0o17, 0777, 1_000 -> decimal), floats (printed as Go's
 * encoding/json prints a float64: 1e3 -> 1000, 1e-7 -> 1e-7), null; quoted
 * scalars are strings. Map keys become strings as sigs.k8s.io/yaml makes
 * them (yes -> "true", 0x10 -> "16", 1.0 -> "1"). Key order is the
 * document's; a key given twice keeps its first place and its last value.
 *
 * .flat lines (docs/flat.md is the user-facing grammar):
 *     PATH = VALUE
 * PATH is `key.key2[0]["not an identifier"]`: keys matching
 * [A-Za-z_][A-Za-z0-9_]* are written bare after a '.', others as a JSON
 * string in brackets with '=' escaped as \u003d, list indices in brackets;
 * the document index `[N]` comes first when the stream has several
 * documents; the root itself is `.`. VALUE is the JSON value, `{}` or `[]`
 * for an empty map or list. Neither part can hold a newline, and ` = `
 * first appears on a line right after the path.
 *
 * All functions append to `out` and return 0 or a -errno (out's sticky
 * error, or -EINVAL/-E2BIG with a reason written to err[errsize]).
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ydoc.h"

/* A path longer than this is refused (with nesting capped at
 * KFS_YDOC_MAX_DEPTH, only long keys get there). */
#define KFS_YFLAT_MAX_PATH (256u << 10)
/* At most this many "# ..." notes about duplicate keys per view. */
#define KFS_YFLAT_MAX_NOTES 20

/* `s` (n bytes) as a JSON string literal: `"`, `\` and control characters
 * escaped (\n \t \r \b \f, else \u00XX), as are DEL, U+2028 and U+2029;
 * with `escape_eq`, '=' too (\u003d), for keys in .flat paths. Other UTF-8
 * is kept as is; bytes that are not UTF-8 become \u00XX of their value. */
int kfs_yjson_string(struct kfs_buf *out, const char *s, size_t n, bool escape_eq);

/* The JSON value of a scalar. Fails (-EINVAL) where Kubernetes would:
 * .inf/.nan (no JSON form), a !!int/!!float/!!bool tag on text that is not one. */
int kfs_yjson_scalar(struct kfs_buf *out, const struct kfs_ynode *n, char *err, size_t errsize);

/* The text a map key becomes in JSON (unquoted). -EINVAL for map and list keys. */
int kfs_yjson_key(struct kfs_buf *out, const struct kfs_ynode *k, char *err, size_t errsize);

/* Go's strconv.FormatFloat(v, 'g', -1, 64) ('g') or encoding/json's float64
 * form ('j'). Finite values only. Writes at most 32 bytes and a NUL. */
void kfs_yfloat_format(double v, char fmt, char buf[static 32]);

/* Every document as compact JSON, one per line. */
int kfs_yjson_render(struct kfs_ynode *const *docs, size_t n_docs, struct kfs_buf *out,
                     char *err, size_t errsize);

/* Every scalar as a .flat line; "[N]" prefixes when n_docs > 1. Notes
 * about duplicate keys ("# ...") are added to `notes`. */
int kfs_yflat_render(struct kfs_ynode *const *docs, size_t n_docs, struct kfs_buf *out,
                     struct kfs_buf *notes, char *err, size_t errsize);

/* Appends one path component for map key `key` (bare after '.', or ["..."]). */
int kfs_yflat_key(struct kfs_buf *path, const char *key, size_t n, bool first);
