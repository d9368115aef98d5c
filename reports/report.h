/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The node-wide reports of MNT/.kubefs: one file per report in reports/, one
 * line per report in the table (registry.c). A report is a function from
 * what a reader may see of the node to bytes; it knows nothing of FUSE. The
 * mount (fs/reports.c) and `kubefs report` (fs/cli.c) both run them, through
 * a struct kfs_report_env that says who reads, what the node shows and how
 * to decode its files.
 *
 * The rules every report keeps:
 * - It is made for its reader: it lists only what comes from files the
 *   reader could read in ROOT, the search permission of every directory on
 *   the way included (kfs_report_may_read()). Files it reads through
 *   kfs_report_decode() or kfs_report_read() are checked for it.
 * - It is made once per open (the caller holds the bytes for that open), so
 *   a reader never sees half of two versions. A report never renders to
 *   answer a stat.
 * - Output depending on the clock uses env->now only.
 * - It never shows key material or any other secret.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "decoder.h"
#include "locations.h"
#include "pipeline.h"
#include "root.h"

#define KFS_REPORTS_DIR ".kubefs"

/* Supplementary groups kept per reader; FUSE gives at most what the request's
 * process has, the kernel's limit is NGROUPS_MAX (65536). */
#define KFS_READER_MAX_GROUPS 256

/* Who reads. `all`: no filtering (kubefs report as root, the tests). */
struct kfs_reader {
        bool all;
        uid_t uid;
        gid_t gid;
        size_t n_groups;
        gid_t groups[KFS_READER_MAX_GROUPS];
};

/* The files the mount shows: regular files in the locations, symlinks not
 * followed, filesystems mounted inside a location not entered. */
#define KFS_WALK_MAX_FILES 200000
#define KFS_WALK_MAX_DEPTH 64

struct kfs_report_env;

/* A decode the report borrows; kfs_report_release() gives it back. */
struct kfs_report_decode {
        const struct kfs_result *res;
        void *hold;                     /* the source's: a cache entry, or the result itself */
};

/* How a report reads the node: the mount's decode cache, or the pipeline. */
struct kfs_report_source {
        /* Which decoders recognise `path` (kfs_probe_path()'s mask). */
        int (*probe)(const struct kfs_report_env *env, const char *path, uint32_t *ret_mask);
        /* The decode of `path` by `dec` as of env->now. */
        int (*decode)(const struct kfs_report_env *env, const char *path, const struct kfs_decoder *dec,
                      struct kfs_report_decode *ret);
        void (*release)(const struct kfs_report_env *env, struct kfs_report_decode *d);
        void *data;
};

struct kfs_report_env {
        const struct kfs_root *root;
        const struct kfs_locations *locs;
        bool cross_mounts;              /* -o cross_mounts */
        time_t now;
        const struct kfs_reader *reader;
        const struct kfs_report_source *src;
        /* The mount's own lines for `version` (libfuse, cache), and the error
         * ring for `errors`; NULL outside a mount. */
        void (*describe)(const struct kfs_report_env *env, struct kfs_buf *out);
        int (*errors)(const struct kfs_report_env *env, struct kfs_buf *out);
        void *fs;                       /* the mount's, for the hooks above */
};

/* A report: `name` is its path under MNT/.kubefs ("certs", "kubelet/flags"). */
struct kfs_report {
        const char *name;
        int (*render)(const struct kfs_report_env *env, struct kfs_buf *out);
};

/* Every report, in listing order; ends with { 0 }. */
extern const struct kfs_report kfs_reports[];

/* The report named `name` (a path under .kubefs), or NULL. */
const struct kfs_report *kfs_report_find(const char *name);

/* Whether `dir` ("" for .kubefs itself, "kubelet") is a directory of reports. */
bool kfs_report_is_dir(const char *dir);

/* Calls fn(name, is_dir, arg) for each entry of report directory `dir`. */
int kfs_report_list(const char *dir, int (*fn)(const char *name, bool is_dir, void *arg), void *arg);

/* Renders `rep` for env into `out` (which the caller has initialised). */
int kfs_report_render(const struct kfs_report *rep, const struct kfs_report_env *env, struct kfs_buf *out);

/*
 * Whether env's reader could open the ROOT-relative `path` for reading in
 * ROOT: search (x) on ROOT and every directory on the way, read (r) on the
 * file, by the owner/group/other class the kernel would use. Root (uid 0)
 * reads anything, as with default_permissions. Symlinks on the way are
 * resolved inside ROOT and their targets' directories checked too.
 */
bool kfs_report_may_read(const struct kfs_report_env *env, const char *path);

/* Whether the reader may search the directory `dir` and every one above it. */
bool kfs_report_may_search(const struct kfs_report_env *env, const char *dir);

/* Whether the reader may list the directory `dir` (read and search it, and
 * search every one above it), as `ls` would need. */
bool kfs_report_may_list(const struct kfs_report_env *env, const char *dir);

/* kfs_report_may_read() for a decode: every file it was made from. */
bool kfs_report_may_read_result(const struct kfs_report_env *env, const struct kfs_result *res);

/*
 * Calls fn(env, path, st, arg) for each regular file the mount shows (see
 * above), in directory order, depth first. A non-zero return from fn stops
 * the walk and is returned. Directories the reader cannot search are not
 * entered; files are given whether or not the reader may read them.
 */
typedef int (*kfs_walk_fn)(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg);
int kfs_report_walk(const struct kfs_report_env *env, const char *start, kfs_walk_fn fn, void *arg);

/* The same walk, but fn is called for each symlink the mount shows inside
 * a location (st: the link's own lstat), not for regular files. */
int kfs_report_walk_links(const struct kfs_report_env *env, const char *start, kfs_walk_fn fn, void *arg);

/* The decode of `path` by the decoder named `decoder`, only if the reader
 * may read every file it was made from: -EACCES otherwise. */
int kfs_report_decode(const struct kfs_report_env *env, const char *path, const char *decoder,
                      struct kfs_report_decode *ret);
void kfs_report_release(const struct kfs_report_env *env, struct kfs_report_decode *d);

/* The text of the view `view` of a decode, or NULL if it has none. */
const struct kfs_output *kfs_report_view(const struct kfs_report_decode *d, const char *view);

/* Reads a regular file of ROOT for the reader (-EACCES when it may not). */
int kfs_report_read(const struct kfs_report_env *env, const char *path, char **ret_data, size_t *ret_len);

/* The pipeline as a source (no cache): what `kubefs report` and tests use. */
extern const struct kfs_report_source kfs_report_pipeline;
