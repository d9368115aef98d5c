/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * ydoc: a YAML or JSON stream as a tree, for every decoder that reads
 * Kubernetes-style documents (kubeconfigs, manifests, kubelet configs, CNI
 * conflists, kubelet checkpoints, k3s config.yaml).
 *
 * - YAML is parsed with libyaml (YAML 1.1, as Kubernetes' go-yaml); input
 *   that starts with '{' or '[' is parsed as JSON with jansson first.
 * - Anchors and aliases are resolved by sharing nodes: an alias points at the
 *   anchored node, so the tree is a DAG and costs no more memory than the
 *   text. What walking it costs is bounded by KFS_YDOC_MAX_EXPANDED (the
 *   node count with every alias expanded): billion-laughs input is refused.
 * - Merge keys (`<<: *base`, `<<: [*a, *b]`) are applied: the merged map's
 *   entries appear where the `<<` key was, unless the map sets them itself.
 * - Duplicate keys are kept in document order; kfs_ymap_get() returns the
 *   last, as Go's decoders do.
 * - Hostile input meets named limits (below) and fails with a message that
 *   names the line and column, never with unbounded time or memory.
 *
 * All nodes and strings belong to the struct kfs_ydoc and live until
 * kfs_ydoc_free(); nothing in a tree is to be freed on its own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KFS_YDOC_MAX_DEPTH 512               /* nesting of sequences and maps */
#define KFS_YDOC_MAX_NODES 1000000           /* nodes held in memory (~50 bytes each) */
#define KFS_YDOC_MAX_EXPANDED 4000000        /* nodes reachable with aliases expanded */

enum kfs_ytype {
        KFS_YSCALAR,
        KFS_YSEQ,
        KFS_YMAP,
};

enum kfs_ystyle {
        KFS_YPLAIN,             /* unquoted: YAML 1.1 typing applies (true, 10, null, ~) */
        KFS_YQUOTED,            /* '...', "...", block scalars, JSON strings: always a string */
};

/* What a scalar means, as Kubernetes' YAML (go-yaml v2, YAML 1.1) reads it. */
enum kfs_ykind {
        KFS_YSTR,
        KFS_YNULL,
        KFS_YBOOL,
        KFS_YINT,
        KFS_YFLOAT,
};

struct kfs_ynode {
        uint8_t type;           /* enum kfs_ytype */
        uint8_t style;          /* enum kfs_ystyle, scalars */
        uint32_t line;          /* 1-based line in the source; 0 when unknown (JSON) */
        uint32_t n;             /* scalar: bytes; seq: items; map: key/value pairs */
        union {
                const char *str;                /* scalar: NUL-terminated (may hold NULs within n) */
                struct kfs_ynode **items;       /* seq: n items; map: 2n nodes, key0, value0, key1, ... */
        };
        const char *tag;        /* an explicit tag as written ("!!str", "!custom"), or NULL */
};

struct kfs_ydoc {
        struct kfs_ynode **docs;        /* one root per document of the stream */
        size_t n_docs;
        bool json;                      /* parsed as JSON */
        size_t n_nodes;                 /* nodes held */
        struct ydoc_arena *arena;       /* where nodes and strings live */
};

/*
 * Parses `len` bytes. On failure returns -EINVAL (or -ENOMEM/-E2BIG when a
 * limit trips) and writes a one-line reason, with line and column where
 * known, into err[errsize].
 */
int kfs_ydoc_parse(const char *data, size_t len, struct kfs_ydoc **ret, char *err, size_t errsize);
void kfs_ydoc_free(struct kfs_ydoc *doc);

/* A new quoted scalar holding `text`, owned by `doc` (for rewriting a tree). */
struct kfs_ynode *kfs_ydoc_new_scalar(struct kfs_ydoc *doc, const char *text);

/*
 * Building a tree by hand (parsers of other formats: toml.h). Nodes belong
 * to `doc` and count against KFS_YDOC_MAX_NODES; each returns NULL when out
 * of memory or past that limit.
 *   kfs_ydoc_new_node: a sequence of `n` items or a map of `n` pairs, whose
 *     items[] the caller fills (2n slots for a map: key0, value0, ...);
 *   kfs_ydoc_new_text: a scalar holding `len` bytes of `text`, with `style`
 *     and `tag` (a static string or NULL: "!!int" etc. type it as ykind
 *     says);
 *   kfs_ydoc_add_root: appends a document (0 or -ENOMEM).
 */
struct kfs_ydoc *kfs_ydoc_new(void);
struct kfs_ynode *kfs_ydoc_new_node(struct kfs_ydoc *doc, enum kfs_ytype type, size_t n);
struct kfs_ynode *kfs_ydoc_new_text(struct kfs_ydoc *doc, enum kfs_ystyle style, const char *tag,
                                    const char *text, size_t len);
int kfs_ydoc_add_root(struct kfs_ydoc *doc, struct kfs_ynode *root);

/* The scalar's text, or NULL if `n` is NULL or not a scalar. */
const char *kfs_yscalar(const struct kfs_ynode *n);

/* The value under `key` in map `map` (the last one, if the key repeats);
 * NULL when `map` is not a map or has no such key. */
const struct kfs_ynode *kfs_ymap_get(const struct kfs_ynode *map, const char *key);

/* The text of kfs_ymap_get(map, key) if it is a scalar, else NULL. */
const char *kfs_ymap_str(const struct kfs_ynode *map, const char *key);

/* Whether `n` is absent or a null (`~`, `null`, empty plain scalar). */
bool kfs_ynull(const struct kfs_ynode *n);

/* The meaning of a scalar (KFS_YSTR for quoted and explicitly !!str-tagged ones). */
enum kfs_ykind kfs_ykind(const struct kfs_ynode *n);

/* The value of a KFS_YBOOL scalar: true for YAML 1.1's y, yes, true, on in
 * any of their spellings. */
bool kfs_ybool(const struct kfs_ynode *n);

/* Go's strconv.ParseInt(s, 0, 64), else ParseUint(s, 0, 64), as go-yaml v2
 * tries them (on the text without '_'): 0x, 0o, 0b and 0 (octal) prefixes,
 * a sign. The value as sign and magnitude; false if neither would take it. */
bool kfs_yint_parse(const char *s, bool *ret_neg, uint64_t *ret_mag);
