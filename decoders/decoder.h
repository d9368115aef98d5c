/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decoder interface: every file format kubefs understands is one
 * `const struct kfs_decoder` in its own file, listed once in registry.c.
 * Nothing in fs/ knows any format.
 *
 * Life of a decode (decode.c drives it):
 *   match()  -- cheap: the file's name and its first bytes; decides which
 *               sidecars a file has, so it runs for every file a directory
 *               listing shows. No I/O, no allocation.
 *   parse()  -- the whole file into a document of the decoder's own type.
 *               May read other files inside ROOT through the kfs_ctx_*()
 *               functions below (drop-ins, env files, referenced
 *               certificates); each such read is recorded, so the result is
 *               re-made when any of them changes.
 *   render() -- one view of the document into a kfs_buf. Every view of a
 *               decoder is rendered from the same parsed document.
 *   free()   -- NULL-safe.
 *
 * Errors are -errno. A decoder says why in words with kfs_ctx_fail(); the
 * framework turns the message into the view's error text ("error: ..." or
 * {"error": "..."}). Decoders never print and keep no global state.
 *
 * Safety contract for every decoder: no view ever contains private key
 * material, tokens, passwords or other secrets found in the input (see
 * SPEC.md section 3); nothing reads outside ROOT (use kfs_ctx_*()).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "root.h"

/* Bytes of a file's start that match() sees. */
#define KFS_HEAD_MAX (64u << 10)
/* Cap on one rendered view. */
#define KFS_MAX_OUTPUT (64u << 20)
/* At most this many decoders in the registry (match results are a bitmask). */
#define KFS_MAX_DECODERS 32

/* What match() may look at. */
struct kfs_probe {
        const char *path;       /* ROOT-relative path as shown in the mount ("etc/kubernetes/admin.conf") */
        const char *name;       /* its last component */
        const char *head;       /* the first head_len bytes of the content (a symlink's target's) */
        size_t head_len;        /* min(size, KFS_HEAD_MAX); head[head_len] == '\0' */
        uint64_t size;          /* the whole file's size */
};

/* A file a decode read or looked for; the decode is valid while none changes. */
struct kfs_dep {
        char *path;             /* ROOT-relative, normalized */
        bool exists;
        struct stat st;         /* when it exists (the symlink's target's for followed paths) */
};

/* The environment of one decode. */
struct kfs_ctx {
        const struct kfs_root *root;
        const char *path;       /* the source, ROOT-relative */
        char *dir;              /* the source's directory, ROOT-relative ("" at the top) */
        time_t now;             /* the time views are rendered for */
        time_t valid_until;     /* lowered by renders whose output changes with time */
        struct kfs_dep *deps;   /* files read besides the source */
        size_t n_deps, alloc_deps;
        bool lost_dep;          /* a dependency could not be recorded: the decode fails */
        char error[512];        /* why the decode failed, for the error view and the log */
};

struct kfs_view {
        const char *name;       /* "txt": the sidecar of F is F.txt. No dots. */
        int (*render)(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out);
        unsigned flags;         /* KFS_VIEW_* */
};

enum {
        KFS_VIEW_JSON = 1 << 0,         /* errors read {"error": "..."} */
};

struct kfs_decoder {
        const char *name;               /* "x509": logs, --view, tests */
        bool (*match)(const struct kfs_probe *p);
        /* `data` is NUL-terminated after `len` bytes. */
        int (*parse)(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc);
        void (*free)(void *doc);
        const struct kfs_view *views;   /* ends with { 0 } */
};

/* ---- for decoders: reading other files inside ROOT, recorded as deps ---- */

/*
 * Reads the regular file `path`: absolute paths are inside ROOT, relative
 * ones relative to the source's directory. Symlinks are followed inside
 * ROOT. Records the dependency, also when the file is missing (-ENOENT), so
 * that creating it later re-makes the decode.
 */
int kfs_ctx_read(struct kfs_ctx *ctx, const char *path, char **ret_data, size_t *ret_len);

/* stat(2) (following symlinks inside ROOT), recorded as a dependency. */
int kfs_ctx_stat(struct kfs_ctx *ctx, const char *path, struct stat *ret_st);

/* The symlink's target as stored (malloc'd); -EINVAL if not a symlink. Recorded. */
int kfs_ctx_readlink(struct kfs_ctx *ctx, const char *path, char **ret_target);

/* The names in directory `path` (no "." and ".."), sorted bytewise, as a
 * NULL-terminated malloc'd array (free with kfs_strv_free()). Recorded, so
 * adding or removing an entry re-makes the decode. */
int kfs_ctx_list(struct kfs_ctx *ctx, const char *path, char ***ret_names);

/* `path` as a normalized ROOT-relative path (the form kfs_dep and messages use). */
char *kfs_ctx_resolve(const struct kfs_ctx *ctx, const char *path);

/* Records why the decode failed; returns `err` (a -errno) for `return kfs_ctx_fail(...)`. */
int kfs_ctx_fail(struct kfs_ctx *ctx, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The output rendered now stops being right at time `t`. */
void kfs_ctx_expires(struct kfs_ctx *ctx, time_t t);

void kfs_strv_free(char **v);

/* ---- the registry (registry.c) ---- */

extern const struct kfs_decoder *const kfs_decoders[];  /* NULL-terminated, most specific first */

/* A view as a file sees it: which decoder offers it. */
struct kfs_viewref {
        const struct kfs_decoder *dec;
        const struct kfs_view *view;
};

/* Which decoders recognise the file: bit i set = kfs_decoders[i]. */
uint32_t kfs_registry_match(const struct kfs_probe *p);

/* The views of a file with match mask `mask`, in order, one per name (the
 * most specific decoder's wins). Returns how many were stored in ret[]. */
size_t kfs_registry_views(uint32_t mask, struct kfs_viewref *ret, size_t max);

/* The view called `name` among them; false if the file has no such view. */
bool kfs_registry_view(uint32_t mask, const char *name, struct kfs_viewref *ret);

/* The decoder called `name`, or NULL. */
const struct kfs_decoder *kfs_registry_find(const char *name);
int kfs_registry_index(const struct kfs_decoder *dec);
