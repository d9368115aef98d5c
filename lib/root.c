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
#include <sys/syscall.h>
#include <unistd.h>

#define ROOT_MAX_SYMLINKS 40    /* as the kernel's MAXSYMLINKS */

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

/*
 * Userspace RESOLVE_IN_ROOT: returns the normalized ROOT-relative path that
 * `relpath` names, with every symlink followed inside ROOT (the last one only
 * when `follow_last`), in malloc'd *ret. Each prefix is checked with
 * fstatat(AT_SYMLINK_NOFOLLOW) relative to ROOT's fd, so `..` and absolute
 * targets can only ever name paths below ROOT.
 */
static int root_walk(const struct kfs_root *root, const char *relpath, bool follow,
                     bool follow_last, char **ret)
{
        char *todo = NULL, *cur = NULL;
        size_t curlen = 0;
        int links = 0, r = 0;

        todo = strdup(relpath);
        cur = calloc(1, PATH_MAX);
        if (!todo || !cur) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                char *comp = todo, *slash, *rest;
                struct stat st;
                size_t len;

                while (*comp == '/')
                        comp++;
                if (!*comp)
                        break;
                slash = strchr(comp, '/');
                len = slash ? (size_t) (slash - comp) : strlen(comp);
                rest = comp + len;
                if (len == 1 && comp[0] == '.') {
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (len == 2 && comp[0] == '.' && comp[1] == '.') {
                        char *up = strrchr(cur, '/');
                        curlen = up ? (size_t) (up - cur) : 0;
                        cur[curlen] = '\0';
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }
                if (curlen + 1 + len >= PATH_MAX) {
                        r = -ENAMETOOLONG;
                        goto out;
                }
                size_t oldlen = curlen;
                if (curlen)
                        cur[curlen++] = '/';
                memcpy(cur + curlen, comp, len);
                curlen += len;
                cur[curlen] = '\0';
                if (fstatat(root->fd, cur, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = -errno;
                        goto out;
                }
                bool last = strspn(rest, "/") == strlen(rest);
                if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
                        char target[PATH_MAX];
                        ssize_t n;

                        if (!follow || ++links > ROOT_MAX_SYMLINKS) {
                                r = -ELOOP;
                                goto out;
                        }
                        n = readlinkat(root->fd, cur, target, sizeof(target) - 1);
                        if (n < 0) {
                                r = -errno;
                                goto out;
                        }
                        target[n] = '\0';
                        curlen = target[0] == '/' ? 0 : oldlen;
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
                if (!last && !S_ISDIR(st.st_mode)) {
                        r = -ENOTDIR;
                        goto out;
                }
                memmove(todo, rest, strlen(rest) + 1);
        }
        if (!curlen)
                strcpy(cur, ".");
        *ret = cur;
        cur = NULL;
out:
        free(todo);
        free(cur);
        return r;
}

int kfs_root_open(const struct kfs_root *root, const char *relpath, int flags,
                  enum kfs_resolve how)
{
        bool follow = how == KFS_RESOLVE_FOLLOW;
        const char *rel = root_rel(relpath);
        char *walked = NULL;
        int fd;

        flags |= O_CLOEXEC;
        if (!follow)
                flags |= O_NOFOLLOW;
        if (root_is_hidden(root, rel))
                return -ENOENT;
        if (!root->walk) {
                struct open_how oh = {
                        .flags = (uint64_t) flags,
                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
                                   (follow ? 0 : RESOLVE_NO_SYMLINKS),
                };
                do
                        fd = (int) syscall(SYS_openat2, root->fd, rel, &oh, sizeof(oh));
                while (fd < 0 && errno == EAGAIN);
                if (fd >= 0 || errno != ENOSYS)
                        return fd < 0 ? -errno : fd;
                ((struct kfs_root *) root)->walk = true;        /* the kernel has none: walk from now on */
        }
        int r = root_walk(root, rel, follow, follow && !(flags & O_NOFOLLOW), &walked);
        if (r < 0)
                return r;
        if (root_is_hidden(root, walked)) {
                free(walked);
                return -ENOENT;
        }
        fd = openat(root->fd, walked, flags | O_NOFOLLOW);
        r = fd < 0 ? -errno : fd;
        free(walked);
        return r;
}

int kfs_root_stat(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  struct stat *ret_st)
{
        struct stat st;
        int fd, r = 0;

        fd = kfs_root_open(root, relpath, O_PATH | (how == KFS_RESOLVE_FOLLOW ? 0 : O_NOFOLLOW), how);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                r = -errno;
        else
                *ret_st = st;
        close(fd);
        return r;
}

int kfs_root_resolve(const struct kfs_root *root, const char *relpath, char **ret_path)
{
        char proc[64], buf[PATH_MAX];
        size_t rl = strlen(root->path);
        const char *rel;
        ssize_t n;
        int fd;

        if (root->walk) {
                char *walked;
                int r = root_walk(root, root_rel(relpath), true, true, &walked);
                if (r < 0)
                        return r;
                if (strcmp(walked, ".") == 0)
                        walked[0] = '\0';
                *ret_path = walked;
                return 0;
        }
        fd = kfs_root_open(root, relpath, O_PATH, KFS_RESOLVE_FOLLOW);
        if (fd < 0)
                return fd;
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

int kfs_read_fd(int fd, size_t max, char **ret_data, size_t *ret_len, struct stat *ret_st)
{
        struct stat st;
        size_t len = 0, alloc;
        char *data;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if ((uintmax_t) st.st_size > max)
                return -EFBIG;
        /* st_size is a hint (procfs says 0, a file may grow): read to EOF */
        alloc = (size_t) st.st_size + 1;
        data = malloc(alloc);
        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t n;

                if (len + 1 >= alloc) {
                        if (len >= max + 1) {
                                free(data);
                                return -EFBIG;
                        }
                        size_t nalloc = alloc * 2 > max + 2 ? max + 2 : alloc * 2;
                        char *p = realloc(data, nalloc);
                        if (!p) {
                                free(data);
                                return -ENOMEM;
                        }
                        data = p;
                        alloc = nalloc;
                }
                n = pread(fd, data + len, alloc - 1 - len, (off_t) len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
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
        if (ret_st)
                *ret_st = st;
        return 0;
}

int kfs_root_read(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  char **ret_data, size_t *ret_len, struct stat *ret_st)
{
        int fd, r;

        /* O_NONBLOCK: opening a FIFO must not wait for a writer */
        fd = kfs_root_open(root, relpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, how);
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
        size_t len = 0, alloc = 64u << 10;
        char *data = malloc(alloc);

        if (!data)
                return -ENOMEM;
        for (;;) {
                ssize_t n;

                if (len + 1 == alloc) {
                        char *p;

                        if (len > max) {
                                free(data);
                                return -EFBIG;
                        }
                        p = realloc(data, alloc * 2);
                        if (!p) {
                                free(data);
                                return -ENOMEM;
                        }
                        data = p;
                        alloc *= 2;
                }
                n = read(fd, data + len, alloc - 1 - len);
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
        *ret_len = len;
        return 0;
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
