/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a decoder may do besides looking at its own input: read other files
 * inside ROOT. Every access is recorded as a dependency of the decode, so the
 * cache can tell when a result went stale (a drop-in added, a referenced
 * certificate rotated) and the FUSE layer can make the sidecar no more
 * readable than the most restricted file it was built from.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decoder.h"

char *kfs_ctx_resolve(const struct kfs_ctx *ctx, const char *path)
{
        return kfs_path_join(ctx->dir, path);
}

static void ctx_record_one(struct kfs_ctx *ctx, char *rel, const struct stat *st);

/*
 * Records `rel` (normalized, ownership taken) with its stat, or as missing.
 * A path reached through symlinks is also recorded as the file it resolved
 * to, so a change of either (the link re-pointed, the target rewritten) is
 * seen under its own name.
 */
static void ctx_record(struct kfs_ctx *ctx, char *rel, const struct stat *st)
{
        char *real = NULL;
        int r = st ? kfs_root_resolve(ctx->root, rel, &real) : -ENOENT;

        if (r == -ENOMEM)
                ctx->lost_dep = true;
        if (r == 0 && strcmp(real, rel) != 0)
                ctx_record_one(ctx, real, st);
        else
                free(real);
        ctx_record_one(ctx, rel, st);
}

static void ctx_record_one(struct kfs_ctx *ctx, char *rel, const struct stat *st)
{
        for (size_t i = 0; i < ctx->n_deps; i++) {
                if (strcmp(ctx->deps[i].path, rel) == 0) {
                        free(rel);
                        return;
                }
        }
        if (ctx->n_deps == ctx->alloc_deps) {
                size_t n = ctx->alloc_deps ? ctx->alloc_deps * 2 : 8;
                struct kfs_dep *d = realloc(ctx->deps, n * sizeof(*d));
                if (!d) {
                        /* unrecorded, it would be neither re-checked nor count in the
                         * sidecar's permissions (more readable than a 0600 source) */
                        ctx->lost_dep = true;
                        free(rel);
                        return;
                }
                ctx->deps = d;
                ctx->alloc_deps = n;
        }
        ctx->deps[ctx->n_deps++] = (struct kfs_dep) {
                .path = rel,
                .exists = st != NULL,
                .st = st ? *st : (struct stat) { 0 },
        };
}

int kfs_ctx_read(struct kfs_ctx *ctx, const char *path, char **ret_data, size_t *ret_len)
{
        char *rel = kfs_ctx_resolve(ctx, path);
        struct stat st;
        int r;

        if (!rel)
                return -ENOMEM;
        r = kfs_root_read(ctx->root, rel, KFS_RESOLVE_FOLLOW, ret_data, ret_len, &st);
        if (r == 0 || r == -EFBIG || r == -EINVAL || r == -EACCES) {
                /* it exists: stat it so that a change is noticed */
                if (r != 0 && kfs_root_stat(ctx->root, rel, KFS_RESOLVE_FOLLOW, &st) < 0) {
                        ctx_record(ctx, rel, NULL);
                        return r;
                }
                ctx_record(ctx, rel, &st);
        } else {
                ctx_record(ctx, rel, NULL);
        }
        return r;
}

int kfs_ctx_stat(struct kfs_ctx *ctx, const char *path, struct stat *ret_st)
{
        char *rel = kfs_ctx_resolve(ctx, path);
        struct stat st;
        int r;

        if (!rel)
                return -ENOMEM;
        r = kfs_root_stat(ctx->root, rel, KFS_RESOLVE_FOLLOW, &st);
        ctx_record(ctx, rel, r == 0 ? &st : NULL);
        if (r == 0)
                *ret_st = st;
        return r;
}

int kfs_ctx_readlink(struct kfs_ctx *ctx, const char *path, char **ret_target)
{
        char *rel = kfs_ctx_resolve(ctx, path);
        struct stat st;
        int r;

        if (!rel)
                return -ENOMEM;
        r = kfs_root_readlink(ctx->root, rel, ret_target);
        /* a re-pointed link has a new ctime: record the link itself */
        if (kfs_root_stat(ctx->root, rel, KFS_RESOLVE_NOFOLLOW, &st) == 0)
                ctx_record(ctx, rel, &st);
        else
                ctx_record(ctx, rel, NULL);
        return r;
}

static int strv_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void kfs_strv_free(char **v)
{
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

int kfs_ctx_list(struct kfs_ctx *ctx, const char *path, char ***ret_names)
{
        char *rel = kfs_ctx_resolve(ctx, path);
        char **names = NULL;
        size_t n = 0, alloc = 0;
        struct dirent *de;
        struct stat st;
        DIR *dir;
        int fd, r = 0;

        if (!rel)
                return -ENOMEM;
        fd = kfs_root_open(ctx->root, rel, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_FOLLOW);
        if (fd < 0) {
                ctx_record(ctx, rel, NULL);
                return fd;
        }
        if (fstat(fd, &st) < 0 || !(dir = fdopendir(fd))) {
                r = -errno;
                close(fd);
                ctx_record(ctx, rel, NULL);
                return r;
        }
        ctx_record(ctx, rel, &st);
        while ((de = readdir(dir))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
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
        closedir(dir);
        if (r == 0 && !names && !(names = calloc(1, sizeof(*names))))
                r = -ENOMEM;
        if (r < 0) {
                if (names)
                        names[n] = NULL;
                kfs_strv_free(names);
                return r;
        }
        qsort(names, n, sizeof(*names), strv_cmp);
        *ret_names = names;
        return 0;
}

int kfs_ctx_fail(struct kfs_ctx *ctx, int err, const char *fmt, ...)
{
        va_list ap;

        /* keep the first reason: it is usually the cause of the rest */
        if (!ctx->error[0]) {
                va_start(ap, fmt);
                vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
                va_end(ap);
        }
        return err < 0 ? err : -EINVAL;
}

void kfs_ctx_expires(struct kfs_ctx *ctx, time_t t)
{
        if (t < ctx->valid_until)
                ctx->valid_until = t;
}
