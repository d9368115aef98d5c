/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The watcher: one thread that reads inotify events for every directory the
 * kernel has looked into (and every directory a decode read from), drops the
 * decodes that depend on what changed, and tells the kernel to forget its
 * cached entries, attributes and pages for the affected nodes.
 *
 * The notify calls run here and nowhere else: libfuse documents that calling
 * them from a request handler, or while holding a lock a handler needs, can
 * deadlock. fs->lock is only held to collect node ids, never across a notify.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"
#include "hash.h"

/* no IN_DONT_FOLLOW: the watch is placed through /proc/self/fd/N, a link to
 * the directory resolved inside ROOT */
#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | \
                    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)
#define WATCH_SET_BUCKETS 1024
#define SHED_BATCH 4096         /* entries the kernel is asked to forget per round, past the node cap */

/* A watched path. Several paths may lead to one directory (a symlink, a
 * bind mount): they share its watch descriptor, chained by wnext. */
struct watched {
        char *path;
        int wd;
        bool local;             /* on a filesystem whose every change inotify sees */
        struct watched *hnext;          /* the set's chain */
        struct watched *wnext;          /* the paths of the same wd */
};

struct inval {
        fuse_ino_t parent;      /* entry invalidation when name is set */
        char *name;
        fuse_ino_t ino;         /* else inode invalidation */
};

struct kfs_watch {
        struct kfs_fs *fs;
        int ifd;                        /* inotify */
        int efd;                        /* eventfd: queued invalidations, stop */
        pthread_t thread;
        bool running, stop, warned;
        pthread_mutex_t lock;           /* everything below */
        struct watched *set[WATCH_SET_BUCKETS];
        size_t n_watched;               /* paths in the set: at most max_watches */
        size_t max_watches;
        struct watched **by_wd;         /* wd -> its paths */
        size_t n_wd;
        fuse_ino_t *queue;              /* inode invalidations asked for by handlers */
        size_t n_queue, alloc_queue;
        size_t shed_cursor;             /* watch_shed()'s place in the node table */
        uint64_t tickets;               /* the last ticket given */
        uint64_t done;                  /* the last ticket done (atomic) */
};

static size_t watch_bucket(const char *path)
{
        return (size_t) (kfs_fnv64a_str(KFS_FNV64A_INIT, path) % WATCH_SET_BUCKETS);
}

/*
 * The watches we may place. The kernel's limit is per user, shared with
 * everything else of root's that watches (the kubelet, systemd, editors): a
 * node of 200k files would otherwise take all of it. Past ours, what is not
 * watched keeps the short timeout.
 */
static size_t watch_limit(size_t asked)
{
        unsigned long long v = 0;
        FILE *f;

        if (asked != SIZE_MAX)
                return asked;
        f = fopen("/proc/sys/fs/inotify/max_user_watches", "re");
        if (f) {
                if (fscanf(f, "%llu", &v) != 1)
                        v = 0;
                fclose(f);
        }
        return v >= 4 * 1024 ? (size_t) (v / 4) : 1024;
}

struct kfs_watch *kfs_watch_new(struct kfs_fs *fs)
{
        struct kfs_watch *w = calloc(1, sizeof(*w));

        if (!w)
                return NULL;
        w->fs = fs;
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (w->ifd < 0 || w->efd < 0) {
                kfs_log(KFS_LOG_WARNING, "no inotify (%s): changes show after the %g s cache time",
                        strerror(errno), fs->timeout);
        }
        w->max_watches = watch_limit(fs->opts->max_watches);
        pthread_mutex_init(&w->lock, NULL);
        return w;
}

/* Locked: takes `e` out of the set and its wd's chain (not the kernel's watch). */
static void watched_unlink(struct kfs_watch *w, struct watched *e)
{
        struct watched **pp;

        for (pp = &w->set[watch_bucket(e->path)]; *pp && *pp != e; pp = &(*pp)->hnext)
                ;
        if (*pp)
                *pp = e->hnext;
        if (e->wd >= 0 && (size_t) e->wd < w->n_wd) {
                for (pp = &w->by_wd[e->wd]; *pp && *pp != e; pp = &(*pp)->wnext)
                        ;
                if (*pp)
                        *pp = e->wnext;
        }
        free(e->path);
        free(e);
        w->n_watched--;
}

/*
 * Locked: forgets the watches of `relpath` and every path under it (a
 * directory renamed or removed: its path now leads elsewhere or nowhere, and
 * the next lookup watches what it leads to). A watch no path uses any more
 * is removed from the kernel.
 */
static void watch_forget_tree(struct kfs_watch *w, const char *relpath)
{
        size_t len = strlen(relpath);

        for (size_t b = 0; b < WATCH_SET_BUCKETS; b++) {
                struct watched *e = w->set[b], *next;

                for (; e; e = next) {
                        int wd = e->wd;

                        next = e->hnext;
                        if (strncmp(e->path, relpath, len) != 0 || (e->path[len] && (e->path[len] != '/' || !len)))
                                continue;
                        watched_unlink(w, e);
                        if ((size_t) wd < w->n_wd && !w->by_wd[wd])
                                inotify_rm_watch(w->ifd, wd);
                }
        }
}

/*
 * Filesystems where inotify sees every change: local ones. On network and
 * FUSE filesystems (NFS, CIFS, another FUSE mount) a change made elsewhere
 * raises no event, so what is shown from them keeps the short timeout.
 */
static bool watch_fs_local(long type)
{
        static const long local[] = {
                0xEF53,                 /* ext2/3/4 */
                0x58465342,             /* xfs */
                (long) 0x9123683E,      /* btrfs */
                0x01021994,             /* tmpfs */
                (long) 0x858458F6,      /* ramfs */
                0x794C7630,             /* overlayfs */
                (long) 0xF2F52010,      /* f2fs */
                0x2FC12FC1,             /* zfs */
                0x3153464A,             /* jfs */
                0x52654973,             /* reiserfs */
        };

        for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
                if (type == local[i])
                        return true;
        return false;
}

static struct watched *watch_find_locked(struct kfs_watch *w, const char *relpath)
{
        for (struct watched *e = w->set[watch_bucket(relpath)]; e; e = e->hnext)
                if (strcmp(e->path, relpath) == 0)
                        return e;
        return NULL;
}

bool kfs_watch_dir(struct kfs_watch *w, const char *relpath)
{
        size_t b = watch_bucket(relpath);
        struct watched *e;
        struct statfs sfs;
        char proc[64];
        bool covered = false, local;
        int fd, wd;

        if (!w || w->ifd < 0 || !w->running)
                return false;
        pthread_mutex_lock(&w->lock);
        if ((e = watch_find_locked(w, relpath))) {
                covered = e->local;
                goto out;
        }
        if (w->n_watched >= w->max_watches) {
                if (!w->warned) {
                        w->warned = true;
                        kfs_log(KFS_LOG_WARNING, "inotify watch limit reached (%zu, -o max_watches): "
                                "some changes show only after the %g s cache time", w->max_watches,
                                w->fs->timeout);
                }
                goto out;
        }
        /* the directory the mount shows at `relpath`, resolved inside ROOT
         * (never against the host's /), watched through its descriptor */
        fd = kfs_root_open(&w->fs->root, relpath, O_PATH | O_DIRECTORY, KFS_RESOLVE_FOLLOW);
        if (fd < 0)
                goto out;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        wd = inotify_add_watch(w->ifd, proc, WATCH_MASK);
        /* the filesystem of the very directory watched */
        local = fstatfs(fd, &sfs) == 0 && watch_fs_local((long) sfs.f_type);
        close(fd);
        if (wd < 0) {
                if (errno == ENOSPC && !w->warned) {
                        w->warned = true;
                        kfs_log(KFS_LOG_WARNING, "inotify watch limit reached (fs.inotify.max_user_watches): "
                                "some changes show only after the %g s cache time", w->fs->timeout);
                }
                goto out;
        }
        if ((size_t) wd >= w->n_wd) {
                size_t n = (size_t) wd * 2 + 16;
                struct watched **p = realloc(w->by_wd, n * sizeof(*p));
                if (!p)
                        goto out;
                memset(p + w->n_wd, 0, (n - w->n_wd) * sizeof(*p));
                w->by_wd = p;
                w->n_wd = n;
        }
        e = calloc(1, sizeof(*e));
        if (!e || !(e->path = strdup(relpath))) {
                free(e);
                if (!w->by_wd[wd])
                        inotify_rm_watch(w->ifd, wd);
                goto out;
        }
        e->wd = wd;
        e->local = local;
        e->hnext = w->set[b];
        w->set[b] = e;
        e->wnext = w->by_wd[wd];
        w->by_wd[wd] = e;
        w->n_watched++;
        covered = local;
out:
        pthread_mutex_unlock(&w->lock);
        return covered;
}

bool kfs_watch_covers(struct kfs_watch *w, const char *relpath)
{
        struct watched *e;
        bool covered;

        if (!w || w->ifd < 0 || !w->running)
                return false;
        pthread_mutex_lock(&w->lock);
        e = watch_find_locked(w, relpath);
        covered = e && e->local;
        pthread_mutex_unlock(&w->lock);
        return covered;
}

bool kfs_watch_result(struct kfs_watch *w, const struct kfs_result *res)
{
        bool covered = true;

        for (size_t i = 0; i < res->n_deps; i++) {
                char *dir = kfs_path_dirname(res->deps[i].path);

                /* watched already, before the decode read it: its changes since raised events */
                if (!dir || !kfs_watch_covers(w, dir))
                        covered = false;
                if (dir)
                        kfs_watch_dir(w, dir);
                /* a directory listed for drop-ins is watched itself too */
                if (res->deps[i].exists && S_ISDIR(res->deps[i].st.st_mode) &&
                    !kfs_watch_covers(w, res->deps[i].path)) {
                        covered = false;
                        kfs_watch_dir(w, res->deps[i].path);
                }
                free(dir);
        }
        return covered;
}

bool kfs_watch_result_covered(struct kfs_watch *w, const struct kfs_result *res)
{
        for (size_t i = 0; i < res->n_deps; i++) {
                char *dir = kfs_path_dirname(res->deps[i].path);
                bool ok = dir && kfs_watch_covers(w, dir) &&
                          !(res->deps[i].exists && S_ISDIR(res->deps[i].st.st_mode) &&
                            !kfs_watch_covers(w, res->deps[i].path));

                free(dir);
                if (!ok)
                        return false;
        }
        return true;
}

uint64_t kfs_watch_inval_inode(struct kfs_watch *w, fuse_ino_t ino)
{
        uint64_t one = 1, ticket;

        /* no thread to drain it: the queue would only grow */
        if (!w || !w->running)
                return 0;
        pthread_mutex_lock(&w->lock);
        if (w->n_queue == w->alloc_queue) {
                size_t n = w->alloc_queue ? w->alloc_queue * 2 : 64;
                fuse_ino_t *q = realloc(w->queue, n * sizeof(*q));
                if (!q) {
                        pthread_mutex_unlock(&w->lock);
                        return 0;
                }
                w->queue = q;
                w->alloc_queue = n;
        }
        w->queue[w->n_queue++] = ino;
        ticket = ++w->tickets;
        pthread_mutex_unlock(&w->lock);
        if (write(w->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
                kfs_log(KFS_LOG_DEBUG, "eventfd: %s", strerror(errno));
        return ticket;
}

size_t kfs_watch_queued(struct kfs_watch *w, bool *ret_running)
{
        size_t n;

        if (!w) {
                *ret_running = false;
                return 0;
        }
        pthread_mutex_lock(&w->lock);
        n = w->n_queue;
        pthread_mutex_unlock(&w->lock);
        *ret_running = w->running;
        return n;
}

bool kfs_watch_inval_done(struct kfs_watch *w, uint64_t ticket)
{
        return w && __atomic_load_n(&w->done, __ATOMIC_ACQUIRE) >= ticket;
}

/* ---- the thread ---- */

struct invals {
        struct inval *v;
        size_t n, alloc;
};

static void invals_add(struct invals *iv, fuse_ino_t parent, const char *name, fuse_ino_t ino)
{
        if (iv->n == iv->alloc) {
                size_t n = iv->alloc ? iv->alloc * 2 : 64;
                struct inval *v = realloc(iv->v, n * sizeof(*v));
                if (!v)
                        return;
                iv->v = v;
                iv->alloc = n;
        }
        iv->v[iv->n] = (struct inval) { .parent = parent, .ino = ino, .name = name ? strdup(name) : NULL };
        if (name && !iv->v[iv->n].name)
                return;
        iv->n++;
}

/* Under fs->lock: the invalidations for the entry `name` of `dir` and its sidecars. */
static void collect_entry(struct kfs_fs *fs, struct node *dir, const char *name, struct invals *iv)
{
        fuse_ino_t dirid = kfs_node_id(fs, dir);
        struct node *n = kfs_node_find_locked(fs, dir, name);

        if (n) {
                invals_add(iv, 0, NULL, kfs_node_id(fs, n));
                invals_add(iv, dirid, name, 0);
        }
        for (size_t d = 0; kfs_decoders[d]; d++) {
                for (const struct kfs_view *v = kfs_decoders[d]->views; v->name; v++) {
                        char sc[NAME_MAX + 1];

                        if ((size_t) snprintf(sc, sizeof(sc), "%s.%s", name, v->name) >= sizeof(sc))
                                continue;
                        n = kfs_node_find_locked(fs, dir, sc);
                        if (!n)
                                continue;
                        invals_add(iv, 0, NULL, kfs_node_id(fs, n));
                        invals_add(iv, dirid, sc, 0);
                }
        }
}

struct dropped {
        char **paths;
        size_t n, alloc;
};

static void on_dropped(const char *source, void *userdata)
{
        struct dropped *d = userdata;

        if (d->n == d->alloc) {
                size_t n = d->alloc ? d->alloc * 2 : 16;
                char **p = realloc(d->paths, n * sizeof(*p));
                if (!p)
                        return;
                d->paths = p;
                d->alloc = n;
        }
        if ((d->paths[d->n] = strdup(source)))
                d->n++;
}

/* Under fs->lock: the invalidations for the sidecars of the dropped decodes; frees `d`'s paths. */
static void collect_dropped_locked(struct kfs_fs *fs, struct dropped *d, struct invals *iv)
{
        for (size_t i = 0; i < d->n; i++) {
                char *sdir = kfs_path_dirname(d->paths[i]);
                struct node *sd = sdir ? kfs_node_find_path_locked(fs, sdir) : NULL;

                if (sd)
                        collect_entry(fs, sd, kfs_path_basename(d->paths[i]), iv);
                free(sdir);
                free(d->paths[i]);
        }
        free(d->paths);
        *d = (struct dropped) { 0 };
}

/* Everything that depends on `path` (in directory `dir`) goes. */
static void watch_changed(struct kfs_watch *w, const char *dir, const char *path, struct invals *iv)
{
        struct kfs_fs *fs = w->fs;
        struct dropped dropped = { 0 };
        struct node *d;

        kfs_cache_invalidate(fs->cache, path, on_dropped, &dropped);
        kfs_cache_invalidate(fs->cache, dir, on_dropped, &dropped);
        pthread_mutex_lock(&fs->lock);
        d = kfs_node_find_path_locked(fs, dir);
        if (d) {
                invals_add(iv, 0, NULL, kfs_node_id(fs, d));    /* its listing and attributes */
                collect_entry(fs, d, kfs_path_basename(path), iv);
        }
        collect_dropped_locked(fs, &dropped, iv);
        pthread_mutex_unlock(&fs->lock);
}

static void collect_all(struct node *n, void *userdata)
{
        struct invals *iv = userdata;

        invals_add(iv, 0, NULL, (fuse_ino_t) (uintptr_t) n);
        if (n->parent)
                invals_add(iv, n->parent->parent ? (fuse_ino_t) (uintptr_t) n->parent : FUSE_ROOT_ID,
                           n->name, 0);
}

struct subtree {
        struct kfs_fs *fs;
        const char *prefix;             /* "dir/" */
        size_t len;
        struct invals *iv;
};

static void collect_under(struct node *n, void *userdata)
{
        struct subtree *t = userdata;

        if (strncmp(n->path, t->prefix, t->len) != 0)
                return;
        invals_add(t->iv, 0, NULL, kfs_node_id(t->fs, n));
        invals_add(t->iv, kfs_node_id(t->fs, n->parent), n->name, 0);
}

/*
 * The directory at `path` was renamed, removed or replaced: its watches and
 * everything decoded or cached by the kernel under it go (the path now
 * leads to another directory, or none).
 */
static void watch_dir_replaced(struct kfs_watch *w, const char *path, struct invals *iv)
{
        struct kfs_fs *fs = w->fs;
        struct dropped dropped = { 0 };
        char *prefix = NULL;

        pthread_mutex_lock(&w->lock);
        watch_forget_tree(w, path);
        pthread_mutex_unlock(&w->lock);
        if (!*path || asprintf(&prefix, "%s/", path) < 0)
                return;
        kfs_cache_invalidate_tree(fs->cache, prefix, on_dropped, &dropped);
        pthread_mutex_lock(&fs->lock);
        kfs_node_foreach_locked(fs, collect_under, &(struct subtree) {
                .fs = fs, .prefix = prefix, .len = strlen(prefix), .iv = iv });
        collect_dropped_locked(fs, &dropped, iv);
        pthread_mutex_unlock(&fs->lock);
        free(prefix);
}

/* The event queue overflowed: nothing can be trusted any more. */
static void watch_everything_changed(struct kfs_watch *w, struct invals *iv)
{
        struct kfs_fs *fs = w->fs;

        kfs_log(KFS_LOG_WARNING, "inotify queue overflow: dropping every cached view");
        kfs_cache_clear(fs->cache);
        pthread_mutex_lock(&fs->lock);
        invals_add(iv, 0, NULL, FUSE_ROOT_ID);
        kfs_node_foreach_locked(fs, collect_all, iv);
        pthread_mutex_unlock(&fs->lock);
}

static void watch_event(struct kfs_watch *w, const struct inotify_event *ev, struct invals *iv)
{
        char **dirs = NULL;
        size_t n_dirs = 0;

        if (ev->mask & IN_Q_OVERFLOW) {
                watch_everything_changed(w, iv);
                return;
        }
        /* every path that leads to the directory (copied: the set changes) */
        pthread_mutex_lock(&w->lock);
        if (ev->wd >= 0 && (size_t) ev->wd < w->n_wd) {
                for (struct watched *e = w->by_wd[ev->wd]; e; e = e->wnext)
                        n_dirs++;
                dirs = n_dirs ? calloc(n_dirs, sizeof(*dirs)) : NULL;
                n_dirs = 0;
                for (struct watched *e = dirs ? w->by_wd[ev->wd] : NULL; e; e = e->wnext)
                        if ((dirs[n_dirs] = strdup(e->path)))
                                n_dirs++;
                if (ev->mask & IN_IGNORED) {
                        /* the directory is gone: every path of it may be watched anew */
                        while (w->by_wd[ev->wd])
                                watched_unlink(w, w->by_wd[ev->wd]);
                }
        }
        pthread_mutex_unlock(&w->lock);
        for (size_t i = 0; i < n_dirs; i++) {
                const char *dir = dirs[i];
                char *path = NULL;

                if (ev->len && ev->name[0]) {
                        if (!(path = kfs_path_child(dir, ev->name)))
                                continue;
                        if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE)))
                                watch_dir_replaced(w, path, iv);
                        watch_changed(w, dir, path, iv);
                } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
                        char *parent = kfs_path_dirname(dir);
                        if (parent && *dir) {
                                watch_dir_replaced(w, dir, iv);
                                watch_changed(w, parent, dir, iv);
                        }
                        free(parent);
                }
                free(path);
                free(dirs[i]);
        }
        free(dirs);
}

/*
 * The node table is bounded (issue 10.3): nodes live while the kernel holds
 * them, and the kernel lets go of an inode only under memory pressure. Past
 * the cap, the watcher asks it to forget directory entries of nodes without
 * children (the kernel keeps what is in use: open files, working
 * directories); their FORGETs then free the nodes. A cursor goes round the
 * table so every node gets its turn.
 */
static void watch_shed(struct kfs_watch *w, struct invals *iv)
{
        struct kfs_fs *fs = w->fs;
        size_t n = 0;

        pthread_mutex_lock(&fs->lock);
        if (fs->n_nodes > fs->opts->max_nodes) {
                for (size_t i = 0; i < fs->n_buckets && n < SHED_BATCH; i++) {
                        size_t b = (w->shed_cursor + i) % fs->n_buckets;

                        for (struct node *nd = fs->table[b]; nd && n < SHED_BATCH; nd = nd->hnext) {
                                if (nd->children || !nd->nlookup || nd->kind == NODE_VDIR)
                                        continue;
                                invals_add(iv, kfs_node_id(fs, nd->parent), nd->name, 0);
                                n++;
                        }
                        w->shed_cursor = b + 1;
                }
        }
        pthread_mutex_unlock(&fs->lock);
}

static void watch_notify(struct kfs_watch *w, struct invals *iv)
{
        struct fuse_session *se = w->fs->se;

        for (size_t i = 0; i < iv->n; i++) {
                const struct inval *v = &iv->v[i];
                bool dup = false;

                /* one event often names the same node twice, close together */
                for (size_t j = i > 32 ? i - 32 : 0; j < i && !dup; j++)
                        dup = iv->v[j].ino == v->ino && iv->v[j].parent == v->parent &&
                              (!v->name || (iv->v[j].name && strcmp(iv->v[j].name, v->name) == 0));
                if (dup)
                        continue;
                if (v->name)
                        fuse_lowlevel_notify_inval_entry(se, v->parent, v->name, strlen(v->name));
                else
                        fuse_lowlevel_notify_inval_inode(se, v->ino, 0, 0);
        }
        for (size_t i = 0; i < iv->n; i++)
                free(iv->v[i].name);
        iv->n = 0;
}

static void *watch_thread(void *arg)
{
        struct kfs_watch *w = arg;
        struct invals iv = { 0 };
        char buf[64 << 10] __attribute__((aligned(__alignof__(struct inotify_event))));
        uint64_t tickets = 0;

        while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
                struct pollfd pfd[2] = {
                        { .fd = w->ifd, .events = POLLIN },
                        { .fd = w->efd, .events = POLLIN },
                };

                if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
                        break;
                if (pfd[1].revents & POLLIN) {
                        uint64_t v;
                        if (read(w->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                                break;
                        pthread_mutex_lock(&w->lock);
                        for (size_t i = 0; i < w->n_queue; i++)
                                invals_add(&iv, 0, NULL, w->queue[i]);
                        w->n_queue = 0;
                        tickets = w->tickets;
                        pthread_mutex_unlock(&w->lock);
                }
                if (__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
                        break;
                if (pfd[0].revents & POLLIN) {
                        ssize_t n = read(w->ifd, buf, sizeof(buf));

                        for (char *p = buf; n > 0 && p < buf + n;) {
                                const struct inotify_event *ev = (const struct inotify_event *) p;
                                watch_event(w, ev, &iv);
                                p += sizeof(*ev) + ev->len;
                        }
                }
                watch_shed(w, &iv);
                watch_notify(w, &iv);
                __atomic_store_n(&w->done, tickets, __ATOMIC_RELEASE);
        }
        for (size_t i = 0; i < iv.n; i++)
                free(iv.v[i].name);
        free(iv.v);
        return NULL;
}

int kfs_watch_start(struct kfs_watch *w)
{
        int r;

        if (w->ifd < 0 || w->efd < 0)
                return 0;
        r = pthread_create(&w->thread, NULL, watch_thread, w);
        if (r)
                return -r;
        w->running = true;
        return 0;
}

void kfs_watch_free(struct kfs_watch *w)
{
        uint64_t one = 1;

        if (!w)
                return;
        if (w->running) {
                __atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
                if (write(w->efd, &one, sizeof(one)) < 0)
                        kfs_log(KFS_LOG_DEBUG, "eventfd: %s", strerror(errno));
                pthread_join(w->thread, NULL);
        }
        for (size_t b = 0; b < WATCH_SET_BUCKETS; b++) {
                struct watched *e = w->set[b];
                while (e) {
                        struct watched *next = e->hnext;
                        free(e->path);
                        free(e);
                        e = next;
                }
        }
        if (w->ifd >= 0)
                close(w->ifd);
        if (w->efd >= 0)
                close(w->efd);
        free(w->by_wd);
        free(w->queue);
        pthread_mutex_destroy(&w->lock);
        free(w);
}
