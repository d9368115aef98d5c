/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decode cache: every view of a file by a decoder (a struct kfs_result),
 * kept within a memory cap, least recently used first out. An entry is
 * served only while kfs_result_fresh() says every file it was made from is
 * unchanged and its clock-dependent views are still right, so a change is
 * never served stale even when inotify misses it; the watcher drops entries
 * early so that the kernel's caches can be invalidated promptly.
 *
 * Entries are reference-counted: an open sidecar holds its entry, so the
 * bytes it reads stay put while the cache moves on.
 *
 * Also here: the probe cache (which decoders recognise a file), keyed by path
 * and validated by the file's stat.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "pipeline.h"
#include "root.h"

/* [imm]: set before the entry is published, never changed, read without a
 * lock by whoever holds a reference; [atomic]: __atomic_* accesses only;
 * [lock]: under the cache's lock (cache.c). */
struct kfs_entry {
        struct kfs_result *res;         /* [imm] */
        char *path;                     /* [imm] the source, ROOT-relative */
        const struct kfs_decoder *dec;  /* [imm] */
        uint64_t gen;                   /* [imm] distinct for every decode made */
        uint64_t checked;               /* [atomic] CLOCK_MONOTONIC ns of the last freshness check */
        unsigned refs;                  /* [lock] */
        bool cached;                    /* [lock] in the table and the LRU */
        struct kfs_entry *prev, *next;  /* [lock] LRU, most recent first */
        struct kfs_entry *hnext;        /* [lock] */
};

struct kfs_cache;

/* `recheck_ms`: how long a freshness check (or a probe's stat) stays good. */
struct kfs_cache *kfs_cache_new(const struct kfs_root *root, size_t max_bytes, unsigned recheck_ms);
void kfs_cache_free(struct kfs_cache *c);

/*
 * The decode of `relpath` by `dec`, fresh as of `now`: from the cache, or
 * made now (then *ret_made is true: the caller logs its error and watches its
 * dependencies). The caller owns a reference: kfs_cache_put() it.
 */
int kfs_cache_get(struct kfs_cache *c, const char *relpath, const struct kfs_decoder *dec, time_t now,
                  struct kfs_entry **ret, bool *ret_made);
void kfs_cache_put(struct kfs_cache *c, struct kfs_entry *e);

/* Drops every entry made from `relpath` (as source or dependency) and calls
 * `dropped(source path, userdata)` for each. Returns how many. */
size_t kfs_cache_invalidate(struct kfs_cache *c, const char *relpath,
                            void (*dropped)(const char *source, void *userdata), void *userdata);
/* The same for every file whose path starts with `prefix` ("dir/"), and the
 * probes under it. */
size_t kfs_cache_invalidate_tree(struct kfs_cache *c, const char *prefix,
                                 void (*dropped)(const char *source, void *userdata), void *userdata);
void kfs_cache_clear(struct kfs_cache *c);

/* Bytes held by cached entries (tests and .kubefs/version). */
size_t kfs_cache_bytes(struct kfs_cache *c);

/*
 * Which decoders recognise `relpath` (symlinks followed inside ROOT): the
 * registry's match mask, 0 for anything not a regular file. Re-probed when
 * the file's stat changes (checked at most once per `recheck` interval).
 * *ret_st gets the stat of what was probed.
 */
int kfs_cache_probe(struct kfs_cache *c, const char *relpath, uint32_t *ret_mask, struct stat *ret_st);
