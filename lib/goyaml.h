/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * goyaml: YAML as kubectl prints it. kubectl marshals its objects to JSON
 * (Go's encoding/json) and turns the JSON into YAML with sigs.k8s.io/yaml,
 * whose go-yaml v2 sorts map keys ("natural" order: a9 before a10, digits
 * and punctuation before letters), chooses each string's style (plain unless
 * it would read back as something else, "double-quoted" then, literal |
 * blocks for multi-line text) and lets the emitter fold long lines at 80
 * columns. go-yaml v2's emitter is a port of libyaml's, so libyaml writes
 * the text; this module supplies what go-yaml decides before the emitter.
 *
 * A struct kfs_gv is one JSON value as Go holds it. Trees own their nodes
 * and strings; builders take ownership of what they are given, also on
 * failure, so that code building a tree may check for -ENOMEM once at the
 * end (kfs_gv_failed()).
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "ydoc.h"

enum kfs_gv_type {
        KFS_GV_NULL,
        KFS_GV_BOOL,
        KFS_GV_NUM,             /* text as go-yaml prints the number ("1", "2.5", "1e+21") */
        KFS_GV_STR,
        KFS_GV_SEQ,
        KFS_GV_MAP,
};

struct kfs_gv {
        enum kfs_gv_type type;
        bool failed;            /* a builder call on this node (or below) ran out of memory */
        bool broken_key;        /* MAP: a key go-yaml cannot read back from JSON (see goyaml.c) */
        size_t n;               /* STR, NUM: bytes; SEQ: items; MAP: pairs */
        size_t alloc;
        union {
                char *str;                      /* STR, NUM: NUL-terminated after n bytes */
                bool b;                         /* BOOL */
                struct kfs_gv **items;          /* SEQ: n items; MAP: key0, value0, key1, ... */
        };
};

struct kfs_gv *kfs_gv_new(enum kfs_gv_type type);
struct kfs_gv *kfs_gv_bool(bool b);
/* A string (copied); NULL on allocation failure. */
struct kfs_gv *kfs_gv_strn(const char *s, size_t n);
struct kfs_gv *kfs_gv_str(const char *s);

/* Appends `item` to a sequence (ownership taken; NULL marks the sequence failed). */
void kfs_gv_append(struct kfs_gv *seq, struct kfs_gv *item);
/* Adds key/value to a map (value ownership taken; NULL marks the map failed).
 * When a key is given again, the last value is the one printed (a Go map's). */
void kfs_gv_setn(struct kfs_gv *map, const char *key, size_t keylen, struct kfs_gv *value);
void kfs_gv_set(struct kfs_gv *map, const char *key, struct kfs_gv *value);

/* Whether an allocation failed anywhere in the tree. */
bool kfs_gv_failed(const struct kfs_gv *v);

void kfs_gv_free(struct kfs_gv *v);

/*
 * What a YAML node becomes after kubectl's round trip through JSON
 * (sigs.k8s.io/yaml YAMLToJSON, then JSONToYAML): YAML 1.1 scalars typed as
 * go-yaml v2 types them, numbers as Go prints them, non-string keys turned
 * into strings. Returns NULL with a reason in err[] when Go fails too
 * (infinities, null keys), or on allocation failure (err[] empty).
 */
struct kfs_gv *kfs_gv_from_ynode(const struct kfs_ynode *n, char *err, size_t errsize);

/*
 * A YAML map key as the JSON object key sigs.k8s.io/yaml makes of it
 * (`y` -> "true", `0x10` -> "16"); -EINVAL with a reason for keys Go
 * refuses (null, collections). *ret points into `k` or into buf.
 */
int kfs_goyaml_key(const struct kfs_ynode *k, char *buf, size_t size, const char **ret, size_t *ret_n,
                   char *err, size_t errsize);

/*
 * Prints `v` as sigs.k8s.io/yaml.Marshal would. Returns 0, out's error, or
 * -EINVAL with a reason in err[] (what go-yaml refuses: control characters
 * kubectl's JSON step leaves raw, "yaml: control characters are not allowed").
 */
int kfs_goyaml_emit(const struct kfs_gv *v, struct kfs_buf *out, char *err, size_t errsize);

/* Whether go-yaml v2 writes the string unquoted: it would read back as a
 * string (not null, bool, number, timestamp or base-60 float). */
bool kfs_goyaml_plain_ok(const char *s, size_t n);

/* go-yaml v2's map key order (keyList.Less) for string keys. */
int kfs_goyaml_keycmp(const char *a, size_t an, const char *b, size_t bn);
