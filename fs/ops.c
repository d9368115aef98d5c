/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The FUSE low-level operations. Everything is read-only: write operations
 * answer EROFS (the mount is also `ro`, so the kernel refuses most of them
 * before they get here) and no source is ever opened for writing.
 *
 * Three kinds of entries: files of ROOT (looked up afresh inside ROOT on
 * every operation, never through a symlink), sidecars F.VIEW (decoded on
 * first stat or open through the cache), and the reports in MNT/.kubefs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "fs.h"
#include "log.h"
#include "str.h"


static struct kfs_fs *fs_of(fuse_req_t req)
{
        return fuse_req_userdata(req);
}

/* ---- attributes ---- */

static void attr_real(const struct stat *src, struct stat *out)
{
        *out = *src;
        out->st_ino = kfs_real_ino(src->st_dev, src->st_ino);
        out->st_mode &= ~(mode_t) 0222;
}

/*
 * Whether every reader of class `cls` (6: the owner, 3: the group, 0: others,
 * as shifts of the mode) of a file owned by src's owner and group surely
 * gets `want` (4 read, 1 search) on `d`. Conservative where the kernel's
 * choice of class depends on group memberships we cannot see.
 */
static bool class_gets(const struct stat *src, const struct stat *d, int cls, unsigned want)
{
        bool u = ((d->st_mode >> 6) & want) == want, g = ((d->st_mode >> 3) & want) == want,
             o = (d->st_mode & want) == want;

        switch (cls) {
        case 6:
                return d->st_uid == src->st_uid ? u : g && o;
        case 3:
                return d->st_gid == src->st_gid ? g : g && o;
        default:
                return d->st_gid == src->st_gid ? o : g && o;
        }
}

/*
 * A sidecar is no more readable than the most restricted file it was made
 * from (docs/spec.md §3), the search permission of every directory on the
 * way to each included. It has its source's owner and group; a class keeps
 * its read bit only if that class surely reads every other file and
 * searches every directory above them.
 */
static mode_t sidecar_perm(const struct kfs_result *res)
{
        const struct stat *src = &res->deps[0].st;
        mode_t m = src->st_mode & 0444;

        for (int cls = 0; cls <= 6; cls += 3) {
                bool ok = true;

                for (size_t i = 1; i < res->n_deps && ok; i++)
                        ok = !res->deps[i].exists || class_gets(src, &res->deps[i].st, cls, 4);
                for (size_t i = 0; i < res->n_dirs && ok; i++)
                        ok = class_gets(src, &res->dirs[i].st, cls, 1);
                if (!ok)
                        m &= ~(mode_t) (S_IROTH << cls);
        }
        return m;
}

static size_t view_index(const struct kfs_viewref *v)
{
        return (size_t) (v->view - v->dec->views);
}

static void attr_sidecar(const struct node *n, const struct kfs_entry *e, struct stat *out)
{
        const struct kfs_result *res = e->res;
        const struct stat *src = &res->deps[0].st;
        size_t size = res->views[view_index(&n->view)].len;

        *out = (struct stat) {
                .st_ino = n->ino,
                .st_mode = S_IFREG | sidecar_perm(res),
                .st_nlink = 1,
                .st_uid = src->st_uid,
                .st_gid = src->st_gid,
                .st_size = (off_t) size,
                .st_blksize = 4096,
                .st_blocks = (blkcnt_t) ((size + 511) / 512),
                .st_atim = src->st_atim,
                .st_mtim = src->st_mtim,
                .st_ctim = src->st_ctim,
        };
}

/* ---- how long the kernel may cache ---- */

/* `covered`: kfs_watch_dir() said so before what is cached was read. */
static double cache_time(const struct kfs_fs *fs, bool covered)
{
        return covered ? fs->watched_timeout : fs->timeout;
}

/* The same for views that stop being right at `until` (days left, expiry state). */
static double cache_time_until(const struct kfs_fs *fs, bool covered, time_t until)
{
        double t = cache_time(fs, covered);
        time_t now = time(NULL);

        if (until <= now)
                return 0;
        if ((double) (until - now) < t)
                t = (double) (until - now);
        return t;
}

/* Whether what the kernel caches about real node `n` is kept right by the
 * watcher: its directory (its entry, its attributes) and, for a directory,
 * itself (its listing, its times). */
static bool real_covered(struct kfs_fs *fs, const struct node *n)
{
        if (n->parent && !kfs_watch_covers(fs->watch, n->parent->path))
                return false;
        return n->type != S_IFDIR || kfs_watch_covers(fs->watch, n->path);
}

/* ---- sidecars ---- */

/* What the kernel hears when a file of ROOT cannot be reached: a path
 * through a symlink, a file, a mount not to be entered or our own mount
 * does not exist in the view. */
static int real_errno(int r)
{
        return r == -ELOOP || r == -ENOTDIR || r == -EXDEV || r == -EDEADLK ? -ENOENT : r;
}


/* The source of a sidecar: its path without ".VIEW". */
static char *sidecar_source(const struct node *n)
{
        return strndup(n->path, strlen(n->path) - strlen(n->view.view->name) - 1);
}

/* Whether `path` is a file the mount shows with sidecars. */
static bool sidecar_allowed(struct kfs_fs *fs, const struct node *dir, const char *path)
{
        return !dir->boundary && (dir->kind == NODE_REAL) &&
               kfs_locations_classify(&fs->locs, path) == KFS_VIS_INSIDE;
}

/* The sidecars of `path` (a file inside a location): how many, into views[]. */
static size_t sidecar_views(struct kfs_fs *fs, const char *path, struct kfs_viewref *views)
{
        uint32_t mask;

        if (kfs_cache_probe(fs->cache, path, &mask, NULL) < 0 || !mask)
                return 0;
        return kfs_registry_views(mask, views, KFS_MAX_VIEWS);
}

/*
 * The current decode behind sidecar `n`, or -ENOENT when its source is gone
 * or no longer offers the view. The caller puts the entry.
 */
static int sidecar_entry(struct kfs_fs *fs, struct node *n, struct kfs_entry **ret, bool *ret_covered)
{
        char *src = sidecar_source(n);
        struct kfs_viewref v;
        struct kfs_entry *e;
        uint32_t mask;
        bool made, covered = false;
        int r;

        if (!src)
                return -ENOMEM;
        r = kfs_cache_probe(fs->cache, src, &mask, NULL);
        if (r == 0 && (!kfs_registry_view(mask, n->view.view->name, &v) || v.dec != n->view.dec))
                r = -ENOENT;
        if (r == 0)
                r = kfs_cache_get(fs->cache, src, n->view.dec, time(NULL), &e, &made);
        if (r == 0 && made) {
                if (e->res->error)
                        kfs_log_decode_error(src, e->dec->name, e->res->error);
                covered = kfs_watch_result(fs->watch, e->res);
        } else if (r == 0 && ret_covered) {
                covered = kfs_watch_result_covered(fs->watch, e->res);
        }
        free(src);
        if (r < 0)
                return real_errno(r);
        *ret = e;
        if (ret_covered)
                *ret_covered = covered;
        return 0;
}

/* Under fs->lock: once the invalidation asked for has reached the kernel, the
 * replies before it count no more (the kernel dropped what they told it, and
 * drops those still on their way). */
static void sidecar_told_reset(struct kfs_fs *fs, struct node *n)
{
        if (n->inval_ticket && kfs_watch_inval_done(fs->watch, n->inval_ticket)) {
                n->inval_ticket = 0;
                n->gen_told = 0;
                n->told_mixed = false;
        }
}

/*
 * The attributes of sidecar `n` for the kernel. While handles read `n`
 * through the page cache, its size stays theirs (*ret_held: give it no cache
 * time): a new size reaching the kernel would cut their reads short or pad
 * them, and a new decode is read directly (op_open) until they are done.
 */
static int sidecar_getattr(struct kfs_fs *fs, struct node *n, struct stat *st, double *ret_timeout)
{
        struct kfs_entry *e;
        bool held, covered;
        int r = sidecar_entry(fs, n, &e, &covered);

        if (r < 0)
                return r;
        attr_sidecar(n, e, st);
        pthread_mutex_lock(&fs->lock);
        sidecar_told_reset(fs, n);
        held = n->pc_open > 0 && n->pc_gen != e->gen;
        if (held) {
                st->st_size = (off_t) n->pc_size;
                st->st_blocks = (blkcnt_t) ((n->pc_size + 511) / 512);
        }
        uint64_t gen = held ? n->pc_gen : e->gen;
        if (n->gen_told && (n->gen_told != gen || n->size_told != (uint64_t) st->st_size))
                n->told_mixed = true;
        n->gen_told = gen;
        n->size_told = (uint64_t) st->st_size;
        pthread_mutex_unlock(&fs->lock);
        if (ret_timeout)
                *ret_timeout = held ? 0 : cache_time_until(fs, covered, e->res->valid_until);
        kfs_cache_put(fs->cache, e);
        return 0;
}

/* ---- reports ---- */

/* The report directory a NODE_VDIR shows: "" for MNT/.kubefs, "kubelet" for
 * MNT/.kubefs/kubelet. */
static const char *vdir_reports_dir(const struct node *n)
{
        size_t l = strlen(KFS_REPORTS_DIR);

        return n->path[l] == '/' ? n->path + l + 1 : "";
}

/* A report is made at open, for its reader: a stat never makes one, so its
 * size is unknown (0, as /proc's files) and reads go to the handle's bytes
 * (direct_io) up to their end. */
static int vfile_getattr(struct kfs_fs *fs, struct node *n, struct stat *st)
{
        *st = (struct stat) {
                .st_ino = n->ino,
                .st_mode = S_IFREG | 0444,
                .st_nlink = 1,
                .st_blksize = 4096,
        };
        st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = time(NULL);
        return 0;
}

static void vdir_attr(struct kfs_fs *fs, const struct node *n, struct stat *st)
{
        *st = (struct stat) {
                .st_ino = n->ino,
                .st_mode = S_IFDIR | 0555,
                .st_nlink = 2,
                .st_blksize = 4096,
                .st_atim = fs->started,
                .st_mtim = fs->started,
                .st_ctim = fs->started,
        };
}

/* ---- files of ROOT ---- */

/* Whether a child at `path` with stat `st`, in directory `dir`, is shown. */
static bool real_shown(struct kfs_fs *fs, const struct node *dir, const char *path, const struct stat *st,
                       enum kfs_vis *ret_vis)
{
        enum kfs_vis vis;

        if (dir->boundary || dir->kind != NODE_REAL)
                return false;
        if (fs->root.hidden && strcmp(path, fs->root.hidden) == 0)
                return false;   /* our own mountpoint */
        vis = kfs_locations_classify(&fs->locs, path);
        if (vis == KFS_VIS_HIDDEN)
                return false;
        if (vis == KFS_VIS_ANCESTOR && !S_ISLNK(st->st_mode) &&
            !(S_ISDIR(st->st_mode) && kfs_locations_lead(&fs->locs, &fs->root, path)))
                return false;
        *ret_vis = vis;
        return true;
}

static int real_getattr(struct kfs_fs *fs, struct node *n, struct stat *st)
{
        struct stat src;
        int r = kfs_root_stat(&fs->root, n->path, KFS_RESOLVE_NOFOLLOW, &src);

        if (r < 0)
                return real_errno(r);
        if ((src.st_mode & S_IFMT) != n->type)
                return -ESTALE;         /* replaced by another kind of file: look it up again */
        attr_real(&src, st);
        return 0;
}

/* *ret_timeout: how long the kernel may keep the attributes. */
static int node_getattr(struct kfs_fs *fs, struct node *n, struct stat *st, double *ret_timeout)
{
        *ret_timeout = fs->timeout;
        switch (n->kind) {
        case NODE_REAL:
                /* covered before the stat: a change after it raises an event */
                *ret_timeout = cache_time(fs, real_covered(fs, n));
                return real_getattr(fs, n, st);
        case NODE_SIDECAR:
                return sidecar_getattr(fs, n, st, ret_timeout);
        case NODE_VFILE:
                return vfile_getattr(fs, n, st);
        case NODE_VDIR:
                *ret_timeout = fs->watched_timeout;    /* fixed for the mount's life */
                vdir_attr(fs, n, st);
                return 0;
        }
        return -EIO;
}

/* ---- lookup ---- */

static int lookup_real(struct kfs_fs *fs, struct node *dir, const char *name, const char *path,
                       const struct stat *src, bool mount, bool covered, struct fuse_entry_param *e)
{
        enum kfs_vis vis;
        struct node *n;
        bool attr_covered = covered;

        if (!real_shown(fs, dir, path, src, &vis))
                return -ENOENT;
        n = kfs_node_get(fs, dir, name, &(struct node) {
                .kind = NODE_REAL,
                .type = src->st_mode,
                .vis = vis,
                .dev = src->st_dev,
                /* told by mount ID at the walk (a bind mount of the same device too) */
                .boundary = S_ISDIR(src->st_mode) && mount,
        });
        if (!n)
                return -ENOMEM;
        if (S_ISDIR(src->st_mode)) {
                /* its times were read before its own watch: long only if it was watched already */
                attr_covered = covered && kfs_watch_covers(fs->watch, path);
                kfs_watch_dir(fs->watch, path);
        }
        e->entry_timeout = cache_time(fs, covered);
        e->attr_timeout = cache_time(fs, attr_covered);
        e->ino = kfs_node_id(fs, n);
        attr_real(src, &e->attr);
        return 0;
}

static int lookup_sidecar(struct kfs_fs *fs, struct node *dir, const char *name, bool covered,
                          struct fuse_entry_param *e)
{
        const char *dot = strrchr(name, '.');
        struct kfs_viewref views[KFS_MAX_VIEWS];
        char *src;
        size_t n_views;
        int r = -ENOENT;

        if (!dot || dot == name || !dot[1])
                return -ENOENT;
        if (asprintf(&src, "%s%s%.*s", dir->path, *dir->path ? "/" : "", (int) (dot - name), name) < 0)
                return -ENOMEM;
        if (!sidecar_allowed(fs, dir, src)) {
                free(src);
                return -ENOENT;
        }
        n_views = sidecar_views(fs, src, views);
        free(src);
        for (size_t i = 0; i < n_views; i++) {
                struct node *n;

                if (strcmp(views[i].view->name, dot + 1) != 0)
                        continue;
                n = kfs_node_get(fs, dir, name, &(struct node) {
                        .kind = NODE_SIDECAR, .type = S_IFREG, .view = views[i] });
                if (!n)
                        return -ENOMEM;
                double t;

                r = sidecar_getattr(fs, n, &e->attr, &t);
                /* the name stands while its source offers the view: the directory's
                 * watch and the decode's; its attributes while the decode is right */
                e->attr_timeout = t;
                e->entry_timeout = covered && t > fs->timeout ? t : fs->timeout;
                if (r < 0) {
                        kfs_node_forget(fs, n, 1);
                        return r;
                }
                e->ino = kfs_node_id(fs, n);
                return 0;
        }
        return r;
}

static int lookup_report(struct kfs_fs *fs, struct node *dir, const char *name, struct fuse_entry_param *e)
{
        const struct kfs_report *rep = NULL;
        struct node *n;
        char *rname = NULL;
        int r;

        if (dir == &fs->rootnode) {
                if (strcmp(name, KFS_REPORTS_DIR) != 0)
                        return -ENOENT;
        } else {
                const char *rdir = vdir_reports_dir(dir);

                rname = kfs_path_child(rdir, name);
                if (!rname)
                        return -ENOMEM;
                rep = kfs_report_find(rname);
                if (!rep && !kfs_report_is_dir(rname)) {
                        free(rname);
                        return -ENOENT;
                }
                free(rname);
        }
        n = kfs_node_get(fs, dir, name, rep ? &(struct node) { .kind = NODE_VFILE, .type = S_IFREG, .report = rep }
                                            : &(struct node) { .kind = NODE_VDIR, .type = S_IFDIR });
        if (!n)
                return -ENOMEM;
        if (rep) {
                r = vfile_getattr(fs, n, &e->attr);
                if (r < 0) {
                        kfs_node_forget(fs, n, 1);
                        return r;
                }
        } else
                vdir_attr(fs, n, &e->attr);
        e->ino = kfs_node_id(fs, n);
        return 0;
}

/* Looks `name` up in `dir`, giving the kernel one more reference on success. */
static int do_lookup(struct kfs_fs *fs, struct node *dir, const char *name, struct fuse_entry_param *e)
{
        struct stat src;
        bool mount = false;
        char *path;
        bool covered;
        int r;

        *e = (struct fuse_entry_param) {
                .attr_timeout = fs->timeout,
                .entry_timeout = fs->timeout,
        };
        if (dir->kind == NODE_VDIR || (dir == &fs->rootnode && strcmp(name, KFS_REPORTS_DIR) == 0))
                return lookup_report(fs, dir, name, e);
        if (dir->kind != NODE_REAL)
                return -ENOTDIR;
        if (strlen(name) > NAME_MAX)
                return -ENAMETOOLONG;
        if (!(path = kfs_path_child(dir->path, name)))
                return -ENOMEM;
        /* the directory is watched before anything in it is read */
        covered = kfs_watch_dir(fs->watch, dir->path);
        r = kfs_root_stat_mount(&fs->root, path, KFS_RESOLVE_NOFOLLOW, &src, &mount);
        if (r == 0)
                r = lookup_real(fs, dir, name, path, &src, mount, covered, e);  /* a real file wins over a sidecar */
        else if (r == -ENOENT)
                r = lookup_sidecar(fs, dir, name, covered, e);
        else
                r = real_errno(r);
        free(path);
        return r;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        struct kfs_fs *fs = fs_of(req);
        struct fuse_entry_param e;
        int r = do_lookup(fs, kfs_node_of(fs, parent), name, &e);

        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_entry(req, &e);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
        struct kfs_fs *fs = fs_of(req);

        kfs_node_forget(fs, kfs_node_of(fs, ino), nlookup);
        fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
        struct kfs_fs *fs = fs_of(req);

        for (size_t i = 0; i < count; i++)
                kfs_node_forget(fs, kfs_node_of(fs, forgets[i].ino), forgets[i].nlookup);
        fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct kfs_fs *fs = fs_of(req);
        struct stat st;
        double t;
        int r = node_getattr(fs, kfs_node_of(fs, ino), &st, &t);

        if (r < 0)
                fuse_reply_err(req, -r);
        else
                fuse_reply_attr(req, &st, t);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
        struct kfs_fs *fs = fs_of(req);
        struct node *n = kfs_node_of(fs, ino);
        char *target;
        int r;

        if (n->kind != NODE_REAL)
                return (void) fuse_reply_err(req, EINVAL);
        /* contained by default: the kernel follows it inside the mount to
         * what it reaches inside ROOT, never to the host's file */
        if (fs->opts->symlinks_stored)
                r = kfs_root_readlink(&fs->root, n->path, &target);
        else
                r = kfs_root_link_target(&fs->root, n->path, &target);
        if (r < 0)
                return (void) fuse_reply_err(req, -r);
        fuse_reply_readlink(req, target);
        free(target);
}

/* ---- directories ---- */

struct dent {
        char *name;
        mode_t type;            /* S_IFMT bits */
        uint64_t ino;
        bool plus;              /* readdirplus gives its attributes (files of ROOT) */
};

struct dirlist {
        struct dent *e;
        size_t n, alloc;
};

static int dirlist_add(struct dirlist *l, const char *name, mode_t type, uint64_t ino, bool plus)
{
        if (l->n == l->alloc) {
                size_t na = l->alloc ? l->alloc * 2 : 32;
                struct dent *e = realloc(l->e, na * sizeof(*e));
                if (!e)
                        return -ENOMEM;
                l->e = e;
                l->alloc = na;
        }
        l->e[l->n] = (struct dent) { .name = strdup(name), .type = type, .ino = ino, .plus = plus };
        if (!l->e[l->n].name)
                return -ENOMEM;
        l->n++;
        return 0;
}

static void dirlist_free(struct dirlist *l)
{
        if (!l)
                return;
        for (size_t i = 0; i < l->n; i++)
                free(l->e[i].name);
        free(l->e);
        free(l);
}

static int dent_cmp(const void *a, const void *b)
{
        return strcmp(((const struct dent *) a)->name, ((const struct dent *) b)->name);
}

static mode_t dtype_mode(unsigned char t)
{
        switch (t) {
        case DT_DIR: return S_IFDIR;
        case DT_REG: return S_IFREG;
        case DT_LNK: return S_IFLNK;
        case DT_FIFO: return S_IFIFO;
        case DT_SOCK: return S_IFSOCK;
        case DT_CHR: return S_IFCHR;
        case DT_BLK: return S_IFBLK;
        default: return 0;
        }
}

/* Adds the sidecars of every shown file in l->e[0..n_real), unless a real
 * entry has the name (a real file wins). */
static int dirlist_add_sidecars(struct kfs_fs *fs, const struct node *dir, struct dirlist *l, size_t n_real)
{
        struct dent *sorted;
        int r = 0;

        if (!n_real)
                return 0;
        sorted = malloc(n_real * sizeof(*sorted));
        if (!sorted)
                return -ENOMEM;
        memcpy(sorted, l->e, n_real * sizeof(*sorted));
        qsort(sorted, n_real, sizeof(*sorted), dent_cmp);
        for (size_t i = 0; i < n_real && r == 0; i++) {
                struct kfs_viewref views[KFS_MAX_VIEWS];
                mode_t t = l->e[i].type;
                char *path;
                size_t nv;

                if (t != S_IFREG && t != S_IFLNK)
                        continue;       /* FIFOs, sockets, devices: none, never opened */
                if (!(path = kfs_path_child(dir->path, l->e[i].name))) {
                        r = -ENOMEM;
                        break;
                }
                if (!sidecar_allowed(fs, dir, path)) {
                        free(path);
                        continue;
                }
                nv = sidecar_views(fs, path, views);
                for (size_t v = 0; v < nv && r == 0; v++) {
                        char *name, *spath;
                        struct dent key;

                        if (asprintf(&name, "%s.%s", l->e[i].name, views[v].view->name) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        key.name = name;
                        /* not listed if it could not be opened (a 251-255 byte source) */
                        if (strlen(name) <= NAME_MAX && !bsearch(&key, sorted, n_real, sizeof(*sorted), dent_cmp) &&
                            asprintf(&spath, "%s.%s", path, views[v].view->name) >= 0) {
                                r = dirlist_add(l, name, S_IFREG, kfs_node_path_ino(spath), false);
                                free(spath);
                        }
                        free(name);
                }
                free(path);
        }
        free(sorted);
        return r;
}

static int dirlist_real(struct kfs_fs *fs, struct node *dir, struct dirlist *l)
{
        struct dirent *de;
        DIR *d;
        int fd, r = 0;
        size_t n_real;

        if (dir->boundary)
                return 0;
        fd = kfs_root_open(&fs->root, dir->path, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        if (fd == -EXDEV)
                return 0;       /* a filesystem mounted here since the lookup: not entered */
        if (fd < 0)
                return real_errno(fd);
        d = fdopendir(fd);
        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while (r == 0 && (errno = 0, de = readdir(d))) {
                struct stat st = { .st_mode = dtype_mode(de->d_type) };
                enum kfs_vis vis;
                char *path;

                if (kfs_name_is_dot(de->d_name))
                        continue;
                if (dir == &fs->rootnode && strcmp(de->d_name, KFS_REPORTS_DIR) == 0)
                        continue;       /* MNT/.kubefs is the reports' (a real one is not reached) */
                if (!(path = kfs_path_child(dir->path, de->d_name))) {
                        r = -ENOMEM;
                        break;
                }
                if (!st.st_mode && kfs_root_stat(&fs->root, path, KFS_RESOLVE_NOFOLLOW, &st) < 0) {
                        free(path);
                        continue;       /* gone meanwhile */
                }
                if (real_shown(fs, dir, path, &st, &vis))
                        r = dirlist_add(l, de->d_name, st.st_mode & S_IFMT, kfs_real_ino(dir->dev, de->d_ino), true);
                free(path);
        }
        if (r == 0 && errno)
                r = -errno;
        closedir(d);
        n_real = l->n;
        if (r == 0)
                r = dirlist_add_sidecars(fs, dir, l, n_real);
        return r;
}

struct vdir_list {
        const struct node *n;
        struct dirlist *l;
};

static int vdir_list_one(const char *name, bool is_dir, void *arg)
{
        struct vdir_list *vl = arg;
        char *path = kfs_path_child(vl->n->path, name);
        int r;

        if (!path)
                return -ENOMEM;
        r = dirlist_add(vl->l, name, is_dir ? S_IFDIR : S_IFREG, kfs_node_path_ino(path), false);
        free(path);
        return r;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct kfs_fs *fs = fs_of(req);
        struct node *n = kfs_node_of(fs, ino);
        struct dirlist *l = calloc(1, sizeof(*l));
        bool covered = n->kind == NODE_VDIR;
        int r;

        if (!l)
                return (void) fuse_reply_err(req, ENOMEM);
        /* watched before it is listed: a change after the listing raises an event */
        if (n->kind == NODE_REAL)
                covered = kfs_watch_dir(fs->watch, n->path);
        r = dirlist_add(l, ".", S_IFDIR, 0, false);
        if (r == 0)
                r = dirlist_add(l, "..", S_IFDIR, 0, false);
        if (r == 0 && n->kind == NODE_VDIR) {
                struct vdir_list vl = { .n = n, .l = l };
                r = kfs_report_list(vdir_reports_dir(n), vdir_list_one, &vl);
        } else if (r == 0 && n->kind == NODE_REAL) {
                r = dirlist_real(fs, n, l);
                if (r == 0 && n == &fs->rootnode)
                        r = dirlist_add(l, KFS_REPORTS_DIR, S_IFDIR, kfs_node_path_ino(KFS_REPORTS_DIR), false);
        } else if (r == 0) {
                r = -ENOTDIR;
        }
        if (r < 0) {
                dirlist_free(l);
                return (void) fuse_reply_err(req, -r);
        }
        fi->fh = (uintptr_t) l;
        fi->cache_readdir = 1;
        fi->keep_cache = covered;       /* else the listing is made anew at each open */
        fuse_reply_open(req, fi);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi, bool plus)
{
        struct kfs_fs *fs = fs_of(req);
        struct dirlist *l = (struct dirlist *) (uintptr_t) fi->fh;
        struct node *dir = kfs_node_of(fs, ino);
        char *buf = calloc(1, size);
        size_t used = 0;

        if (!buf)
                return (void) fuse_reply_err(req, ENOMEM);
        for (size_t i = (size_t) off; i < l->n; i++) {
                const struct dent *d = &l->e[i];
                struct fuse_entry_param e = { .attr = { .st_ino = d->ino, .st_mode = d->type } };
                size_t need;

                if (!plus) {
                        need = fuse_add_direntry(req, buf + used, size - used, d->name, &e.attr, (off_t) i + 1);
                        if (need > size - used)
                                break;
                        used += need;
                        continue;
                }
                /* attributes only for files of ROOT (cheap); a sidecar's would mean decoding it */
                if (d->plus && do_lookup(fs, dir, d->name, &e) < 0)
                        e = (struct fuse_entry_param) { .attr = { .st_ino = d->ino, .st_mode = d->type } };
                need = fuse_add_direntry_plus(req, buf + used, size - used, d->name, &e, (off_t) i + 1);
                if (need > size - used) {
                        if (e.ino)
                                kfs_node_forget(fs, kfs_node_of(fs, e.ino), 1);
                        break;
                }
                used += need;
        }
        fuse_reply_buf(req, buf, used);
        free(buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        do_readdir(req, ino, size, off, fi, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        do_readdir(req, ino, size, off, fi, true);
}

#define DIRLIST_TRIM 4096       /* entries past which a released listing gives memory back */

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct dirlist *l = (struct dirlist *) (uintptr_t) fi->fh;
        bool big = l->n > DIRLIST_TRIM;

        dirlist_free(l);
        fuse_reply_err(req, 0);
        if (big)
                malloc_trim(0);         /* a big listing's memory back to the system, not kept for the next */
}

/* ---- files ---- */

/*
 * An open file. Reference-counted: the kernel completes a READ as soon as it
 * has our reply's bytes and may then RELEASE the file while op_read() is
 * still returning from the write (sanitizers check the buffer after the
 * syscall), so a read holds the handle too.
 */
struct handle {
        int refs;                       /* the kernel's open, and reads in progress */
        int fd;                         /* a file of ROOT, or -1 */
        struct kfs_entry *entry;        /* a sidecar's decode */
        struct node *pc_node;           /* a sidecar read through the page cache (counted in pc_open,
                                         * and holding a reference on the node) */
        const char *data;               /* what a sidecar or report reads */
        size_t len;
        struct kfs_buf report;          /* a report, rendered at open */
};

static void handle_put(struct kfs_fs *fs, struct handle *h)
{
        if (!h || __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) > 0)
                return;
        if (h->fd >= 0)
                close(h->fd);
        if (h->pc_node) {
                pthread_mutex_lock(&fs->lock);
                h->pc_node->pc_open--;
                pthread_mutex_unlock(&fs->lock);
                kfs_node_forget(fs, h->pc_node, 1);     /* the handle's reference */
        }
        kfs_cache_put(fs->cache, h->entry);
        kfs_buf_release(&h->report);
        free(h);
}

/*
 * How a sidecar handle reads its decode whole (issue 10): through the page
 * cache only if the kernel's size is this decode's (the last one told) and
 * the cache holds no other decode's pages (none being read through it); the
 * pages are kept if they are this decode's. Otherwise it reads directly
 * (direct_io reads are not bounded by the kernel's size and leave its pages
 * alone), and the kernel is asked to forget the old size once no handle
 * reads through the page cache.
 */
static void sidecar_open_mode(struct kfs_fs *fs, struct node *n, struct handle *h, struct fuse_file_info *fi)
{
        uint64_t gen = h->entry->gen, ticket;
        bool inval = false;

        pthread_mutex_lock(&fs->lock);
        sidecar_told_reset(fs, n);
        if (!n->told_mixed && gen == n->gen_told && h->len == n->size_told &&
            (n->pc_open == 0 || n->pc_gen == gen)) {
                fi->keep_cache = n->pc_gen == gen;
                n->pc_gen = gen;
                n->pc_size = h->len;
                n->pc_open++;
                n->nlookup++;   /* the node outlives the kernel's forget while a read holds the handle */
                h->pc_node = n;
        } else {
                fi->direct_io = 1;
                /* with nothing told since the last invalidation the kernel asks anew */
                inval = n->pc_open == 0 && n->gen_told && !n->inval_ticket;
        }
        pthread_mutex_unlock(&fs->lock);
        if (inval && (ticket = kfs_watch_inval_inode(fs->watch, kfs_node_id(fs, n)))) {
                pthread_mutex_lock(&fs->lock);
                if (!n->inval_ticket)
                        n->inval_ticket = ticket;
                pthread_mutex_unlock(&fs->lock);
        }
}

/* A report made for its reader (on a report thread): the open's reply. */
static void report_opened(struct kfs_fs *fs, fuse_req_t req, struct fuse_file_info *fi, int r, void *arg)
{
        struct handle *h = arg;

        if (r < 0) {
                handle_put(fs, h);
                fuse_reply_err(req, -r);
                return;
        }
        h->data = kfs_buf_str(&h->report);
        h->len = h->report.len;
        fi->keep_cache = 0;
        fi->direct_io = 1;      /* a report is made anew at each open; its size is only a hint */
        fi->fh = (uintptr_t) h;
        fuse_reply_open(req, fi);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct kfs_fs *fs = fs_of(req);
        struct node *n = kfs_node_of(fs, ino);
        struct handle *h;
        int r = 0;

        if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & (O_TRUNC | O_CREAT)))
                return (void) fuse_reply_err(req, EROFS);
        h = calloc(1, sizeof(*h));
        if (!h)
                return (void) fuse_reply_err(req, ENOMEM);
        h->refs = 1;
        h->fd = -1;
        kfs_buf_init(&h->report, KFS_MAX_OUTPUT);
        switch (n->kind) {
        case NODE_REAL: {
                /* never opens anything but a regular file (checked before the open) */
                h->fd = kfs_root_open_regular(&fs->root, n->path, KFS_RESOLVE_NOFOLLOW, NULL);
                if (h->fd < 0)
                        r = real_errno(h->fd);
                /* the watcher invalidates the pages on change; where it cannot, they go at each open */
                fi->keep_cache = real_covered(fs, n);
                break;
        }
        case NODE_SIDECAR:
                r = sidecar_entry(fs, n, &h->entry, NULL);
                if (r < 0)
                        break;
                h->data = h->entry->res->views[view_index(&n->view)].data;
                h->len = h->entry->res->views[view_index(&n->view)].len;
                sidecar_open_mode(fs, n, h, fi);
                break;
        case NODE_VFILE:
                fi->fh = (uintptr_t) h;
                r = kfs_fs_report_queue(fs, req, n->report, &h->report, fi, report_opened, h);
                if (r == 0)
                        return;         /* report_opened() replies */
                break;
        default:
                r = -EISDIR;
        }
        if (r < 0) {
                handle_put(fs, h);
                return (void) fuse_reply_err(req, -r);
        }
        fi->fh = (uintptr_t) h;
        fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        struct handle *h = (struct handle *) (uintptr_t) fi->fh;
        struct kfs_fs *fs = fs_of(req);         /* req is gone once replied to */

        __atomic_add_fetch(&h->refs, 1, __ATOMIC_ACQ_REL);
        if (h->fd >= 0) {
                struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

                buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
                buf.buf[0].fd = h->fd;
                buf.buf[0].pos = off;
                fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
        } else if ((uint64_t) off >= h->len) {
                fuse_reply_buf(req, NULL, 0);
        } else {
                fuse_reply_buf(req, h->data + off, h->len - (size_t) off < size ? h->len - (size_t) off : size);
        }
        handle_put(fs, h);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        handle_put(fs_of(req), (struct handle *) (uintptr_t) fi->fh);
        fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
        struct kfs_fs *fs = fs_of(req);
        struct statvfs sv;

        if (fstatvfs(fs->root.fd, &sv) < 0)
                return (void) fuse_reply_err(req, errno);
        sv.f_flag |= ST_RDONLY;
        fuse_reply_statfs(req, &sv);
}

/* ---- read-only: every change is refused ---- */

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
        fuse_reply_err(req, EROFS);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
        fuse_reply_err(req, EROFS);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                      const char *newname, unsigned int flags)
{
        fuse_reply_err(req, EROFS);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
        fuse_reply_err(req, EROFS);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                      struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                        size_t size, int flags)
{
        fuse_reply_err(req, EROFS);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
        fuse_reply_err(req, EROFS);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
                         struct fuse_file_info *fi)
{
        fuse_reply_err(req, EROFS);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
        struct kfs_fs *fs = userdata;
        unsigned want = FUSE_CAP_CACHE_SYMLINKS | FUSE_CAP_AUTO_INVAL_DATA | FUSE_CAP_PARALLEL_DIROPS |
                        FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE;

        conn->want |= conn->capable & want;
        conn->want &= ~(unsigned) (FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_EXPORT_SUPPORT);
        if (!fs->opts->readdirplus)
                conn->want &= ~(unsigned) (FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO);
}

const struct fuse_lowlevel_ops kfs_ops = {
        .init = op_init,
        .lookup = op_lookup,
        .forget = op_forget,
        .forget_multi = op_forget_multi,
        .getattr = op_getattr,
        .readlink = op_readlink,
        .opendir = op_opendir,
        .readdir = op_readdir,
        .readdirplus = op_readdirplus,
        .releasedir = op_releasedir,
        .open = op_open,
        .read = op_read,
        .release = op_release,
        .statfs = op_statfs,
        .setattr = op_setattr,
        .mknod = op_mknod,
        .mkdir = op_mkdir,
        .unlink = op_unlink,
        .rmdir = op_unlink,
        .symlink = op_symlink,
        .rename = op_rename,
        .link = op_link,
        .write = op_write,
        .create = op_create,
        .setxattr = op_setxattr,
        .removexattr = op_removexattr,
        .fallocate = op_fallocate,
};
