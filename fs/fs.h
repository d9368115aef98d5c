/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The mounted filesystem's state, shared by the FUSE operations (ops.c), the
 * inode table (nodes.c), the watcher (watch.c) and the reports (reports.c).
 *
 * Inodes mirror *paths*: a node is (parent, name), so a file replaced by
 * rename keeps its node and shows the new content once invalidated, and a
 * node's path is resolved inside ROOT afresh on every operation (openat2
 * RESOLVE_IN_ROOT with no symlinks followed). The FUSE node id is the node's
 * address (FUSE_ROOT_ID for ROOT); st_ino is derived from what the node
 * shows, so it is stable across lookups and remounts.
 */

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 314
#endif

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cache.h"
#include "decoder.h"
#include "locations.h"
#include "options.h"
#include "report.h"
#include "root.h"

enum node_kind {
        NODE_REAL,              /* a file or directory of ROOT */
        NODE_SIDECAR,           /* F.VIEW, a decoded view of its sibling F */
        NODE_VDIR,              /* MNT/.kubefs and its directories of reports */
        NODE_VFILE,             /* a report in MNT/.kubefs */
};

/*
 * A node is shared by every request thread and the watcher. Each field says
 * how it may be touched:
 *   [imm]     set before the node is published in the table, never changed:
 *             read without any lock (a lookup that learns otherwise makes a
 *             new node, kfs_node_get());
 *   [lock]    read and written under fs->lock only.
 * libfuse's passthrough_ll.c keeps the same discipline ("protected by
 * lo->mutex" on each field).
 */
struct node {
        struct node *parent;    /* [imm] holds a reference; NULL for ROOT */
        char *name;             /* [imm] "" for ROOT */
        char *path;             /* [imm] ROOT-relative, "" for ROOT */
        enum node_kind kind;    /* [imm] */
        uint64_t nlookup;       /* [lock] the kernel's references (and open page-cache readers) */
        unsigned children;      /* [lock] nodes whose parent this is */
        uint64_t ino;           /* [imm] st_ino */
        mode_t type;            /* [imm] S_IFMT of what it showed: a change of type is a new node */

        /* NODE_REAL */
        enum kfs_vis vis;       /* [imm] KFS_VIS_ANCESTOR or KFS_VIS_INSIDE */
        dev_t dev;              /* [imm] st_dev seen */
        bool boundary;          /* [imm] a mount point inside a location: shown empty */

        /* NODE_SIDECAR: what the kernel caches of it, under fs->lock. A reader
         * sees one decode whole: through the page cache only while the kernel's
         * size and pages are that decode's, else straight (direct_io). The
         * kernel keeps whichever attribute reply it applied last, and drops
         * replies to requests sent before another was applied, so the size it
         * holds is known only while every reply since its attributes were last
         * invalidated told one decode. */
        struct kfs_viewref view;        /* [imm] */
        uint64_t size_told;     /* [lock] the st_size of those replies */
        uint64_t gen_told;      /* [lock] and their decode (0: none since) */
        bool told_mixed;        /* [lock] replies since told different decodes */
        uint64_t inval_ticket;  /* [lock] an invalidation asked for (kfs_watch_inval_inode), or 0 */
        uint64_t pc_gen;        /* [lock] the decode whose pages the page cache may hold */
        uint64_t pc_size;       /* [lock] its size */
        unsigned pc_open;       /* [lock] open handles reading through the page cache */

        /* NODE_VFILE */
        const struct kfs_report *report;        /* [imm] */

        struct node *hnext;     /* [lock] the table's chain */
        bool hashed;            /* [lock] in the table (a replaced node lives on until forgotten) */
};

/* The inode-pointer trick (passthrough_ll.c): a node's FUSE id is its address. */
_Static_assert(sizeof(fuse_ino_t) >= sizeof(uintptr_t), "a node's address must fit a fuse_ino_t");

/* The mount. [imm] fields are set before the session starts serving; the
 * cache and the watcher have locks of their own (cache.c, watch.c). */
struct kfs_fs {
        struct kfs_root root;           /* [imm] */
        struct kfs_locations locs;      /* [imm] */
        struct kfs_cache *cache;        /* [imm] pointer; the cache locks itself */
        struct kfs_watch *watch;        /* [imm] pointer; the watcher locks itself */
        struct fuse_session *se;        /* [imm] */
        const struct kfs_options *opts; /* [imm] */
        double timeout;                 /* [imm] entry/attr timeout given to the kernel */
        double watched_timeout;         /* [imm] the same for what the watcher covers (kfs_watch_dir) */
        struct timespec started;        /* [imm] the times of MNT/.kubefs and its directories */

        pthread_mutex_t lock;           /* guards the node table and every [lock] field of a node */
        struct node rootnode;           /* [imm] but for its [lock] fields */
        struct node **table;            /* [lock] */
        size_t n_buckets, n_nodes;      /* [lock] */
};

/* ---- nodes.c ---- */
int kfs_nodes_init(struct kfs_fs *fs);
void kfs_nodes_release(struct kfs_fs *fs);
struct node *kfs_node_of(struct kfs_fs *fs, fuse_ino_t ino);
fuse_ino_t kfs_node_id(const struct kfs_fs *fs, const struct node *n);
/* The node for (parent, name) of init->kind and init->type, made if needed,
 * with one more kernel reference. What a lookup learns (init's kind, type,
 * vis, dev, boundary, view, report) is fixed for a node's life, so handlers
 * read it without the lock: a lookup that learns otherwise gets a new node
 * (the old one lives on, unhashed, until the kernel forgets it). NULL on
 * allocation failure. */
struct node *kfs_node_get(struct kfs_fs *fs, struct node *parent, const char *name, const struct node *init);
void kfs_node_forget(struct kfs_fs *fs, struct node *n, uint64_t nlookup);
/* st_ino of a node that is not a file of ROOT (views, reports). */
uint64_t kfs_node_path_ino(const char *path);
/* st_ino of a file of ROOT: its device and inode mixed, so hard links stay
 * links and files of two devices do not meet. */
uint64_t kfs_real_ino(dev_t dev, ino_t ino);
/* Under fs->lock: the node for `name` in `parent`, or NULL. */
struct node *kfs_node_find_locked(struct kfs_fs *fs, const struct node *parent, const char *name);
/* Under fs->lock: the node of a ROOT-relative path, or NULL if the kernel knows none. */
struct node *kfs_node_find_path_locked(struct kfs_fs *fs, const char *relpath);
/* Under fs->lock: calls fn for every child of `parent`. */
void kfs_node_foreach_locked(struct kfs_fs *fs, void (*fn)(struct node *n, void *userdata), void *userdata);

/* Whether a directory on device `dev`, inside a directory of visibility
 * `parent_vis` on `parent_dev`, is another filesystem mounted inside a
 * location (a pod's secret volume): shown, but not entered, unless
 * -o cross_mounts. Between ROOT and a location (/var on its own disk) mounts
 * are crossed. */
static inline bool kfs_fs_mount_boundary(const struct kfs_fs *fs, enum kfs_vis parent_vis, dev_t parent_dev,
                                         dev_t dev)
{
        return parent_vis == KFS_VIS_INSIDE && dev != parent_dev && !fs->opts->cross_mounts;
}

/* ---- ops.c ---- */
extern const struct fuse_lowlevel_ops kfs_ops;

/* ---- reports.c: MNT/.kubefs ---- */
/* Renders `rep` (reports/) for the caller of `req` into `out`. */
int kfs_fs_report(struct kfs_fs *fs, fuse_req_t req, const struct kfs_report *rep, struct kfs_buf *out);
/*
 * Renders `rep` for the caller of `req` into `out` on one of the report
 * threads (KFS_REPORT_THREADS of them), never on a request thread: however
 * many readers open reports, the other requests keep their workers. Then
 * calls done(fs, req, fi, result, arg) there, which replies; `fi` is a copy.
 * Returns 0 if queued, or -errno (nothing is called).
 */
#define KFS_REPORT_THREADS 2
typedef void kfs_report_done_fn(struct kfs_fs *fs, fuse_req_t req, struct fuse_file_info *fi, int r, void *arg);
int kfs_fs_report_queue(struct kfs_fs *fs, fuse_req_t req, const struct kfs_report *rep, struct kfs_buf *out,
                        const struct fuse_file_info *fi, kfs_report_done_fn *done, void *arg);
/* Waits for the queued reports to be done and stops their threads. */
void kfs_fs_reports_stop(struct kfs_fs *fs);

/* ---- watch.c: inotify, and kernel cache invalidation off the request threads ---- */
struct kfs_watch *kfs_watch_new(struct kfs_fs *fs);
int kfs_watch_start(struct kfs_watch *w);
void kfs_watch_free(struct kfs_watch *w);       /* stops the thread */
/* Watches directory `relpath` (idempotent; silently gives up past the
 * kernel's inotify limits or -o max_watches: the attribute timeout still
 * bounds staleness). Returns whether the directory is covered: watched, on a
 * filesystem whose every change inotify reports, so that what the kernel
 * caches about its entries is invalidated on change and may be cached long.
 * Called before reading what is to be cached: a change after the watch is in
 * place raises an event. */
bool kfs_watch_dir(struct kfs_watch *w, const char *relpath);
/* Whether `relpath` is covered (as kfs_watch_dir() says), without watching it. */
bool kfs_watch_covers(struct kfs_watch *w, const char *relpath);
/* Watches the directories of everything a decode was made from. Returns
 * whether all of them were covered before this call (so before the decode
 * read them). */
bool kfs_watch_result(struct kfs_watch *w, const struct kfs_result *res);
/* Whether the directories of everything a decode was made from are covered. */
bool kfs_watch_result_covered(struct kfs_watch *w, const struct kfs_result *res);
/* Asks for the kernel's cached attributes and data of `ino` to be dropped,
 * from the watcher thread (never from a request handler: it would deadlock).
 * Returns a ticket for kfs_watch_inval_done(), 0 if nothing will be done
 * (no watcher thread). */
uint64_t kfs_watch_inval_inode(struct kfs_watch *w, fuse_ino_t ino);
/* Invalidations waiting for the watcher thread, and whether it runs
 * (without inotify it does not, and nothing is queued). */
size_t kfs_watch_queued(struct kfs_watch *w, bool *ret_running);
/* Whether the invalidation of `ticket` has reached the kernel. */
bool kfs_watch_inval_done(struct kfs_watch *w, uint64_t ticket);
