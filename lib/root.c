/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resolution inside ROOT. The kernel does it for us with openat2(2)
 * RESOLVE_IN_ROOT (Linux >= 5.6), as runc and libpathrs do; on older kernels
 * root_walk() does the same walk in userspace, one component at a time, so
 * the guarantee does not depend on the kernel: nothing outside ROOT.
 */
#include "root.h"
#include "str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ROOT_MAX_SYMLINKS 40    /* as the kernel's MAXSYMLINKS */

static int root_mnt_of(int fd, uint64_t *ret_mnt, dev_t *ret_dev, mode_t *ret_type);

static const char *root_rel(const char *relpath)
{
        while (*relpath == '/')
                relpath++;
        return *relpath ? relpath : ".";
}

/* Whether `relpath` (normalized) is the hidden path or below it. */
static bool root_is_hidden(const struct kfs_root *root, const char *relpath)
{
        size_t n;

        if (!root->hidden)
                return false;
        n = strlen(root->hidden);
        return strncmp(relpath, root->hidden, n) == 0 && (relpath[n] == '\0' || relpath[n] == '/');
}

int kfs_root_init(struct kfs_root *root, const char *path)
{
        char *canon;
        int fd;

        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        canon = realpath(path, NULL);
        if (!canon) {
                int r = -errno;
                close(fd);
                return r;
        }
        *root = (struct kfs_root) {
                .fd = fd,
                .path = canon,
                .max_input = KFS_MAX_INPUT,
                .walk = getenv("KUBEFS_NO_OPENAT2") != NULL,
        };
        int r = root_mnt_of(fd, &root->mnt, NULL, NULL);
        if (r < 0) {
                kfs_root_release(root);
                return r;
        }
        return 0;
}

void kfs_root_release(struct kfs_root *root)
{
        if (root->fd >= 0)
                close(root->fd);
        free(root->path);
        free(root->hidden);
        root->fd = -1;
        root->path = root->hidden = NULL;
}

/* The mount ID and device of `fd`, asking the filesystem nothing
 * (AT_STATX_DONT_SYNC: a FUSE mount, ours included, answers from the
 * kernel's cache), and its file type. */
static int root_mnt_of(int fd, uint64_t *ret_mnt, dev_t *ret_dev, mode_t *ret_type)
{
        struct statx sx;

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC,
                  STATX_TYPE | STATX_MNT_ID, &sx) < 0)
                return -errno;
        if (!(sx.stx_mask & STATX_MNT_ID))
                return -ENOSYS;         /* Linux < 5.8 */
        *ret_mnt = sx.stx_mnt_id;
        if (ret_dev)
                *ret_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
        if (ret_type)
                *ret_type = sx.stx_mode & S_IFMT;
        return 0;
}

static bool root_is_self(const struct kfs_root *root, uint64_t mnt, dev_t dev)
{
        return root->self_mnt && (mnt == root->self_mnt || dev == root->self_dev);
}

int kfs_root_set_self(struct kfs_root *root, int mnt_fd)
{
        uint64_t mnt;
        dev_t dev;
        int r = root_mnt_of(mnt_fd, &mnt, &dev, NULL);

        if (r < 0)
                return r;
        root->self_mnt = mnt;
        root->self_dev = dev;
        return 0;
}

int kfs_root_contains_fd(const char *root_path, int fd)
{
        struct stat want, st;
        int cur, r = 0;

        if (fstat(fd, &want) < 0)
                return -errno;
        cur = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return -errno;
        /* from ROOT up to /: is one of them the directory? */
        for (unsigned hops = 0; hops < 4096; hops++) {
                int up;

                if (fstat(cur, &st) < 0) {
                        r = -errno;
                        break;
                }
                if (st.st_dev == want.st_dev && st.st_ino == want.st_ino) {
                        r = 1;
                        break;
                }
                up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (up < 0) {
                        r = -errno;
                        break;
                }
                struct stat ust;
                if (fstat(up, &ust) == 0 && ust.st_dev == st.st_dev && ust.st_ino == st.st_ino) {
                        close(up);      /* "/": its own parent */
                        break;
                }
                close(cur);
                cur = up;
        }
        close(cur);
        return r;
}

/*
 * Userspace RESOLVE_IN_ROOT, one component at a time, each opened O_PATH|
 * O_NOFOLLOW relative to the descriptor of the one before (a stack of them,
 * so ".." pops instead of asking the kernel and can never climb out of ROOT
 * even while directories move). Each component's mount ID is checked before
 * anything else is asked of it: our own mount is never entered, and a
 * crossing into another mount is allowed only where root->may_cross() says.
 *
 * On success *ret_fd is an O_PATH descriptor of what `relpath` names (the
 * last symlink followed only when `follow_last`), *ret_path its normalized
 * ROOT-relative path ("." for ROOT) if asked for, and *ret_mount whether the
 * last component is a mount point whose filesystem may not be entered.
 */
#define ROOT_MAX_DEPTH 256      /* components deep: descriptors held by one walk */
/* The longest ROOT-relative path the walk resolves: past PATH_MAX, which
 * bounds one path given to the kernel (openat2 says ENAMETOOLONG), but not
 * what a tree holds (a native `find` reaches such files, one directory at
 * a time, and so does the walk). */
#define ROOT_MAX_PATH (64u << 10)

static int root_walk(const struct kfs_root *root, const char *relpath, bool follow, bool follow_last,
                     int *ret_fd, char **ret_path, bool *ret_mount)
{
        int fds[ROOT_MAX_DEPTH + 1];
        uint64_t mnts[ROOT_MAX_DEPTH + 1];
        size_t lens[ROOT_MAX_DEPTH + 1];
        size_t depth = 0, curlen = 0;
        char *todo = NULL, *cur = NULL;
        bool refused = false;
        int links = 0, r = 0;

        fds[0] = root->fd;
        mnts[0] = root->mnt;
        lens[0] = 0;
        todo = strdup(relpath);
        cur = calloc(1, ROOT_MAX_PATH);
        if (!todo || !cur) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                char *comp = todo, *rest, name[NAME_MAX + 1];
                uint64_t mnt;
                dev_t dev;
                mode_t type;
                size_t len;
                int fd;

                while (*comp == '/')
                        comp++;
                if (!*comp)
                        break;
                len = strcspn(comp, "/");
                rest = comp + len;
                bool last = strspn(rest, "/") == strlen(rest);
                if (len == 1 && comp[0] == '.') {
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (refused) {
                        r = -EXDEV;     /* a mount point not to be entered, and more to walk */
                        goto out;
                }
                if (len == 2 && comp[0] == '.' && comp[1] == '.') {
                        if (depth > 0) {
                                close(fds[depth]);
                                depth--;
                                curlen = lens[depth];
                                cur[curlen] = '\0';
                        }
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (len > NAME_MAX) {
                        r = -ENAMETOOLONG;
                        goto out;
                }
                if (depth == ROOT_MAX_DEPTH || curlen + 1 + len >= ROOT_MAX_PATH) {
                        r = -ENAMETOOLONG;
                        goto out;
                }
                memcpy(name, comp, len);
                name[len] = '\0';
                fd = openat(fds[depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        r = -errno;
                        goto out;
                }
                r = root_mnt_of(fd, &mnt, &dev, &type);
                if (r == 0 && root_is_self(root, mnt, dev))
                        r = -EDEADLK;
                if (r < 0) {
                        close(fd);
                        goto out;
                }
                size_t oldlen = curlen;
                if (curlen)
                        cur[curlen++] = '/';
                memcpy(cur + curlen, name, len + 1);
                curlen += len;
                if (S_ISLNK(type) && (!last || follow_last)) {
                        char target[PATH_MAX];
                        ssize_t n;

                        if (!follow || ++links > ROOT_MAX_SYMLINKS) {
                                close(fd);
                                r = -ELOOP;
                                goto out;
                        }
                        n = readlinkat(fd, "", target, sizeof(target) - 1);
                        close(fd);
                        if (n < 0) {
                                r = -errno;
                                goto out;
                        }
                        target[n] = '\0';
                        curlen = oldlen;
                        if (target[0] == '/') {
                                while (depth > 0)
                                        close(fds[depth--]);
                                curlen = 0;
                        }
                        cur[curlen] = '\0';
                        char *next = malloc((size_t) n + strlen(rest) + 2);
                        if (!next) {
                                r = -ENOMEM;
                                goto out;
                        }
                        strcpy(next, target);
                        strcat(next, "/");
                        strcat(next, rest);
                        free(todo);
                        todo = next;
                        continue;
                }
                if (!last && !S_ISDIR(type)) {
                        close(fd);
                        r = -ENOTDIR;
                        goto out;
                }
                if (mnt != mnts[depth] && root->may_cross && !root->may_cross(root->cross_data, cur))
                        refused = true;
                depth++;
                fds[depth] = fd;
                mnts[depth] = mnt;
                lens[depth] = curlen;
                memmove(todo, rest, strlen(rest) + 1);
        }
        if (depth == 0) {
                int fd = openat(root->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0) {
                        r = -errno;
                        goto out;
                }
                *ret_fd = fd;
        } else {
                *ret_fd = fds[depth];
                depth--;
        }
        if (ret_mount)
                *ret_mount = refused;
        if (ret_path) {
                if (!curlen)
                        strcpy(cur, ".");
                *ret_path = cur;
                cur = NULL;
        }
out:
        while (depth > 0)
                close(fds[depth--]);
        free(todo);
        free(cur);
        return r;
}

/*
 * `relpath` resolved inside ROOT to an O_PATH descriptor: openat2 when the
 * kernel has it, with RESOLVE_NO_XDEV so that any mount crossing (ours
 * included) stops it before the kernel looks up anything beyond; then the
 * userspace walk decides about that crossing.
 */
static int root_resolve_fd(const struct kfs_root *root, const char *relpath, bool follow, bool follow_last,
                           int *ret_fd, char **ret_path, bool *ret_mount)
{
        const char *rel = root_rel(relpath);
        char *walked = NULL;
        bool mount = false;
        int fd, r;

        if (root_is_hidden(root, rel))
                return -ENOENT;
        if (!root->walk) {
                struct open_how oh = {
                        .flags = O_PATH | O_CLOEXEC | (follow_last ? 0 : O_NOFOLLOW),
                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV |
                                   (follow ? 0 : RESOLVE_NO_SYMLINKS),
                };
                do
                        fd = (int) syscall(SYS_openat2, root->fd, rel, &oh, sizeof(oh));
                while (fd < 0 && errno == EAGAIN);
                if (fd >= 0) {
                        *ret_fd = fd;
                        if (ret_path)
                                *ret_path = NULL;       /* the caller asks /proc */
                        if (ret_mount)
                                *ret_mount = false;
                        return 0;
                }
                if (errno == ENOSYS)
                        ((struct kfs_root *) root)->walk = true;  /* the kernel has none: walk from now on */
                else if (errno != EXDEV && errno != ENAMETOOLONG)
                        return -errno;          /* a crossing, or a path too long to give the kernel: walk */
        }
        r = root_walk(root, rel, follow, follow_last, &fd, &walked, &mount);
        if (r < 0)
                return r;
        if (root_is_hidden(root, walked)) {
                free(walked);
                close(fd);
                return -ENOENT;
        }
        *ret_fd = fd;
        if (ret_path)
                *ret_path = walked;
        else
                free(walked);
        if (ret_mount)
                *ret_mount = mount;
        return 0;
}

/* Reopens the inode of O_PATH `fd` with `flags`: no path is looked up again. */
static int root_reopen(int fd, int flags)
{
        char proc[64];
        int nfd;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        nfd = open(proc, (flags & ~O_NOFOLLOW) | O_CLOEXEC);
        return nfd < 0 ? -errno : nfd;
}

int kfs_root_open(const struct kfs_root *root, const char *relpath, int flags,
                  enum kfs_resolve how)
{
        bool follow = how == KFS_RESOLVE_FOLLOW;
        bool mount;
        int fd, r;

        r = root_resolve_fd(root, relpath, follow, follow && !(flags & O_NOFOLLOW), &fd, NULL, &mount);
        if (r < 0)
                return r;
        if (flags & O_PATH)
                return fd;
        if (mount) {
                close(fd);
                return -EXDEV;
        }
        /* as open(2) with O_NOFOLLOW: a symlink is not opened */
        struct stat st;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (S_ISLNK(st.st_mode)) {
                close(fd);
                return -ELOOP;
        }
        /* a FIFO is opened only by asking for it (O_NONBLOCK never blocks) */
        r = root_reopen(fd, flags);
        close(fd);
        return r;
}

int kfs_root_stat_mount(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                        struct stat *ret_st, bool *ret_mount)
{
        struct stat st;
        bool mount;
        int fd, r = 0;

        r = root_resolve_fd(root, relpath, how == KFS_RESOLVE_FOLLOW, how == KFS_RESOLVE_FOLLOW, &fd, NULL,
                            &mount);
        if (r < 0)
                return r;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else {
                *ret_st = st;
                if (ret_mount)
                        *ret_mount = mount;
        }
        close(fd);
        return r;
}

int kfs_root_stat(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  struct stat *ret_st)
{
        return kfs_root_stat_mount(root, relpath, how, ret_st, NULL);
}

int kfs_root_open_regular(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                          struct stat *ret_st)
{
        struct stat st, st2;
        bool mount;
        int fd, rfd, r;

        r = root_resolve_fd(root, relpath, how == KFS_RESOLVE_FOLLOW, how == KFS_RESOLVE_FOLLOW, &fd, NULL,
                            &mount);
        if (r < 0)
                return r;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return S_ISLNK(st.st_mode) ? -ELOOP : -EINVAL;
        }
        rfd = root_reopen(fd, O_RDONLY | O_NONBLOCK | O_NOCTTY);
        close(fd);
        if (rfd < 0)
                return rfd;
        /* the same inode, checked rather than assumed */
        if (fstat(rfd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino || !S_ISREG(st2.st_mode)) {
                close(rfd);
                return -EINVAL;
        }
        if (ret_st)
                *ret_st = st2;
        return rfd;
}

int kfs_root_resolve(const struct kfs_root *root, const char *relpath, char **ret_path)
{
        char proc[64], buf[PATH_MAX], *walked = NULL;
        size_t rl = strlen(root->path);
        const char *rel;
        ssize_t n;
        int fd, r;

        r = root_resolve_fd(root, relpath, true, true, &fd, &walked, NULL);
        if (r < 0)
                return r;
        if (walked) {
                close(fd);
                if (strcmp(walked, ".") == 0)
                        walked[0] = '\0';
                *ret_path = walked;
                return 0;
        }
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        n = readlink(proc, buf, sizeof(buf) - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = '\0';
        /* the kernel names it from the real root; ROOT is a prefix of it */
        if (strcmp(root->path, "/") == 0)
                rel = buf + 1;
        else if (strncmp(buf, root->path, rl) == 0 && (buf[rl] == '/' || !buf[rl]))
                rel = buf + rl + (buf[rl] == '/');
        else
                return -EXDEV;  /* e.g. ROOT was moved: cannot name it */
        if (!(*ret_path = strdup(rel)))
                return -ENOMEM;
        return 0;
}

int kfs_root_readlink(const struct kfs_root *root, const char *relpath, char **ret_target)
{
        char buf[PATH_MAX], *t;
        ssize_t n;
        int fd;

        fd = kfs_root_open(root, relpath, O_PATH | O_NOFOLLOW, KFS_RESOLVE_NOFOLLOW);
        if (fd < 0)
                return fd;
        n = readlinkat(fd, "", buf, sizeof(buf));
        close(fd);
        if (n < 0)
                return errno == ENOENT ? -EINVAL : -errno;      /* "": not a symlink */
        if ((size_t) n >= sizeof(buf))
                return -ENAMETOOLONG;
        t = strndup(buf, (size_t) n);
        if (!t)
                return -ENOMEM;
        *ret_target = t;
        return 0;
}

/* Whether the kernel following `target` from the directory `start` (both
 * ROOT-relative, `start` a real directory) does exactly what resolving it
 * inside ROOT does: it never climbs above ROOT, and never climbs out of
 * a component it reached through a symlink (".." after a link is taken
 * from the link's target: only inside ROOT would it be clamped). */
static bool link_target_simple(const struct kfs_root *root, const char *start, const char *target)
{
        char path[PATH_MAX];
        size_t len = strlen(start), base = len;
        const char *p = target;

        if (len >= sizeof(path))
                return false;
        memcpy(path, start, len + 1);
        while (*p) {
                const char *c = p + strspn(p, "/");
                size_t n = strcspn(c, "/");

                p = c + n;
                if (!n || (n == 1 && c[0] == '.'))
                        continue;
                if (n == 2 && c[0] == '.' && c[1] == '.') {
                        struct stat st;
                        char *slash;

                        if (!len)
                                return false;           /* above ROOT: clamped there, not in the view */
                        /* a component the target reached: not a symlink (nor under one) */
                        if (len > base) {
                                int r = kfs_root_stat(root, path, KFS_RESOLVE_NOFOLLOW, &st);
                                if ((r < 0 && r != -ENOENT) || (r == 0 && S_ISLNK(st.st_mode)))
                                        return false;
                        }
                        slash = strrchr(path, '/');
                        len = slash ? (size_t) (slash - path) : 0;
                        path[len] = '\0';
                        if (len < base)
                                base = len;
                        continue;
                }
                if (len + 1 + n >= sizeof(path))
                        return false;
                if (len)
                        path[len++] = '/';
                memcpy(path + len, c, n);
                len += n;
                path[len] = '\0';
        }
        return true;
}

int kfs_root_link_target(const struct kfs_root *root, const char *relpath, char **ret_target)
{
        char *stored = NULL, *dir = NULL, *to = NULL, *out = NULL;
        const char *rel = root_rel(relpath);
        size_t depth = 0;
        int r;

        r = kfs_root_readlink(root, rel, &stored);
        if (r < 0)
                return r;
        dir = kfs_path_dirname(rel);
        if (!dir) {
                r = -ENOMEM;
                goto out;
        }
        for (const char *p = dir; *dir && p; p = strchr(p + 1, '/'))
                depth++;
        bool abs = stored[0] == '/';
        if (link_target_simple(root, abs ? "" : dir, stored)) {
                if (!abs) {
                        *ret_target = stored;
                        stored = NULL;
                        goto out;
                }
                to = strdup(stored + strspn(stored, "/"));
        } else if (kfs_root_resolve(root, rel, &to) < 0) {
                to = kfs_path_join(dir, stored);        /* dangling or looping: clamped lexically */
        }
        if (!to) {
                r = -ENOMEM;
                goto out;
        }
        out = malloc(depth * 3 + strlen(to) + 2);
        if (!out) {
                r = -ENOMEM;
                goto out;
        }
        out[0] = '\0';
        for (size_t i = 0; i < depth; i++)
                strcat(out, "../");
        strcat(out, to);
        if (!*out)
                strcpy(out, ".");
        else if (!*to)
                out[strlen(out) - 1] = '\0';   /* "../..": ROOT itself */
        *ret_target = out;
        out = NULL;
out:
        free(stored);
        free(dir);
        free(to);
        free(out);
        return r;
}

/* Reads to EOF (a size is only a hint: procfs says 0, a file may grow), at
 * most `max` bytes, from offset 0 with pread (`positional`) or from the
 * current offset with read. */
static int root_read_all(int fd, size_t max, size_t hint, bool positional, char **ret_data, size_t *ret_len)
{
        size_t len = 0, alloc = hint + 1 < max + 2 ? hint + 1 : max + 2;
        char *data = malloc(alloc);

        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t n;

                if (len + 1 >= alloc) {
                        size_t nalloc = alloc * 2 > max + 2 ? max + 2 : alloc * 2;
                        char *p;

                        if (len >= max + 1) {
                                free(data);
                                return -EFBIG;
                        }
                        p = realloc(data, nalloc);
                        if (!p) {
                                free(data);
                                return -ENOMEM;
                        }
                        data = p;
                        alloc = nalloc;
                }
                n = positional ? pread(fd, data + len, alloc - 1 - len, (off_t) len)
                               : read(fd, data + len, alloc - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(data);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (len > max) {
                free(data);
                return -EFBIG;
        }
        data[len] = '\0';
        *ret_data = data;
        if (ret_len)
                *ret_len = len;
        return 0;
}

int kfs_read_fd(int fd, size_t max, char **ret_data, size_t *ret_len, struct stat *ret_st)
{
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if ((uintmax_t) st.st_size > max)
                return -EFBIG;
        r = root_read_all(fd, max, (size_t) st.st_size, true, ret_data, ret_len);
        if (r == 0 && ret_st)
                *ret_st = st;
        return r;
}

int kfs_root_read(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  char **ret_data, size_t *ret_len, struct stat *ret_st)
{
        int fd, r;

        fd = kfs_root_open_regular(root, relpath, how, NULL);
        if (fd < 0)
                return fd;
        r = kfs_read_fd(fd, root->max_input, ret_data, ret_len, ret_st);
        close(fd);
        return r;
}

/* `in` with "", "." and ".." components resolved lexically, never above the top. */
static char *path_normalize(const char *in)
{
        char *out = malloc(strlen(in) + 1), *o = out;
        const char *p = in;

        if (!out)
                return NULL;
        while (*p) {
                const char *c = p + strspn(p, "/");
                size_t len = strcspn(c, "/");

                p = c + len;
                if (!len || (len == 1 && c[0] == '.'))
                        continue;
                if (len == 2 && c[0] == '.' && c[1] == '.') {
                        while (o > out && o[-1] != '/')
                                o--;
                        if (o > out)
                                o--;
                        continue;
                }
                if (o > out)
                        *o++ = '/';
                memcpy(o, c, len);
                o += len;
        }
        *o = '\0';
        return out;
}

char *kfs_path_child(const char *dir, const char *name)
{
        char *p;

        return asprintf(&p, "%s%s%s", dir, *dir ? "/" : "", name) < 0 ? NULL : p;
}

char *kfs_path_join(const char *dir, const char *rel)
{
        char *tmp, *out;

        if (rel[0] == '/' || !dir || !*dir)
                return path_normalize(rel);
        if (asprintf(&tmp, "%s/%s", dir, rel) < 0)
                return NULL;
        out = path_normalize(tmp);
        free(tmp);
        return out;
}

char *kfs_path_dirname(const char *relpath)
{
        const char *slash = strrchr(relpath, '/');

        return slash ? strndup(relpath, (size_t) (slash - relpath)) : strdup("");
}

const char *kfs_path_basename(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash ? slash + 1 : path;
}

int kfs_read_stream(int fd, size_t max, char **ret_data, size_t *ret_len)
{
        return root_read_all(fd, max, 64u << 10, false, ret_data, ret_len);
}

static int root_name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int kfs_list_dir_fd(int fd, char ***ret_names, size_t *ret_n)
{
        DIR *d = fdopendir(fd);
        char **names = NULL;
        size_t n = 0, alloc = 0;
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while ((errno = 0, de = readdir(d))) {
                if (kfs_name_is_dot(de->d_name))
                        continue;
                if (n + 2 > alloc) {
                        size_t na = alloc ? alloc * 2 : 16;
                        char **p = realloc(names, na * sizeof(*p));

                        if (!p) {
                                r = -ENOMEM;
                                break;
                        }
                        names = p;
                        alloc = na;
                }
                if (!(names[n] = strdup(de->d_name))) {
                        r = -ENOMEM;
                        break;
                }
                names[++n] = NULL;
        }
        if (!r && errno)
                r = -errno;
        closedir(d);
        if (r == 0 && !names && !(names = calloc(1, sizeof(*names))))
                r = -ENOMEM;
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(names[i]);
                free(names);
                return r;
        }
        qsort(names, n, sizeof(*names), root_name_cmp);
        *ret_names = names;
        if (ret_n)
                *ret_n = n;
        return 0;
}
