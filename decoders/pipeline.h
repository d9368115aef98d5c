/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Driving decoders over files inside ROOT: recognising a file (the probe)
 * and decoding it into all of one decoder's views at once (the result).
 * Shared by the FUSE layer, `kubefs decode` and the tests.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "decoder.h"
#include "root.h"

/* One rendered view. */
struct kfs_output {
        char *data;             /* NUL-terminated after len bytes */
        size_t len;
};

/* Every view of one file by one decoder. Immutable once made; freed as a whole. */
struct kfs_result {
        const struct kfs_decoder *dec;
        size_t n_views;                 /* as many as dec->views has */
        struct kfs_output *views;
        struct kfs_dep *deps;           /* deps[0] is the source itself */
        size_t n_deps;
        /* Every directory on the way to every dependency that exists, ROOT
         * ("") included: a sidecar needs their search permission too. */
        struct kfs_dep *dirs;
        size_t n_dirs;
        time_t valid_until;             /* the views are right until then */
        char *error;                    /* the first failure's message, or NULL */
        size_t bytes;                   /* memory held, for cache accounting */
};

/*
 * Which decoders recognise `relpath`: reads at most KFS_HEAD_MAX bytes of it.
 * `how` says whether a symlink is followed (inside ROOT) to its target.
 * Anything but a regular file (after following) gets mask 0 and is never
 * opened for reading: FIFOs, sockets and devices are only stat'ed.
 * *ret_st (optional) receives the stat of what was probed.
 */
int kfs_probe_path(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                   uint32_t *ret_mask, struct stat *ret_st);

/* The same for bytes already in memory (the tests, the fuzzers). */
uint32_t kfs_probe_data(const char *relpath, const char *data, size_t len);

/*
 * Decodes the file at `relpath` (symlinks followed inside ROOT) with `dec`
 * and renders all its views as of time `now`. Failures of the file (too big,
 * unreadable) or of the decoder become error text in the views and
 * ->error; the return value is -ENOMEM only when nothing could be made.
 */
int kfs_decode_path(const struct kfs_root *root, const char *relpath,
                    const struct kfs_decoder *dec, time_t now, struct kfs_result **ret);

/* The same for data in memory; `relpath` still names it (for relative paths). */
int kfs_decode_data(const struct kfs_root *root, const char *relpath,
                    const struct kfs_decoder *dec, const char *data, size_t len,
                    time_t now, struct kfs_result **ret);

void kfs_result_free(struct kfs_result *r);

/* Whether every file the result was made from is unchanged, no directory on
 * the way changed owner or mode, and it is not past valid_until. Costs one
 * stat per dependency and directory. */
bool kfs_result_fresh(const struct kfs_root *root, const struct kfs_result *r, time_t now);

/* Whether two stats describe the same unchanged file (dev, ino, size, mtime, ctime, mode, owner). */
bool kfs_stat_same(const struct stat *a, const struct stat *b);
