/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MNT/.kubefs: runs the reports of reports/ for a FUSE request. The reader
 * is the request's caller (uid, gid, supplementary groups); the node is read
 * through the mount's decode cache; the mount adds its lines to `version`
 * and its error ring to `errors`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs.h"
#include "log.h"

static int fs_report_probe(const struct kfs_report_env *env, const char *path, uint32_t *ret_mask)
{
        struct kfs_fs *fs = env->fs;

        return kfs_cache_probe(fs->cache, path, ret_mask, NULL);
}

static int fs_report_decode(const struct kfs_report_env *env, const char *path, const struct kfs_decoder *dec,
                            struct kfs_report_decode *ret)
{
        struct kfs_fs *fs = env->fs;
        struct kfs_entry *e;
        bool made;
        int r = kfs_cache_get(fs->cache, path, dec, env->now, &e, &made);

        if (r < 0)
                return r;
        if (made)
                kfs_watch_result(fs->watch, e->res);
        *ret = (struct kfs_report_decode) { .res = e->res, .hold = e };
        return 0;
}

static void fs_report_release(const struct kfs_report_env *env, struct kfs_report_decode *d)
{
        struct kfs_fs *fs = env->fs;

        kfs_cache_put(fs->cache, d->hold);
}

static const struct kfs_report_source fs_report_source = {
        .probe = fs_report_probe,
        .decode = fs_report_decode,
        .release = fs_report_release,
};

static void fs_report_describe(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct kfs_fs *fs = env->fs;

        kfs_buf_addf(out, "libfuse %s\n", fuse_pkgversion());
        kfs_buf_addf(out, "cache %zu bytes\n", kfs_cache_bytes(fs->cache));
}

/* An error is about a file: shown to who may read that file in ROOT. */
static bool fs_report_error_keep(const char *relpath, void *arg)
{
        return kfs_report_may_read(arg, relpath);
}

static int fs_report_errors(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return kfs_log_render_errors(out, fs_report_error_keep, (void *) env);
}

/* The request's caller as a reader: FUSE gives its uid and gid, and its
 * supplementary groups from /proc (fuse_req_getgroups). Groups that cannot
 * be had leave the reader with fewer rights, never more. */
static void fs_report_reader(fuse_req_t req, struct kfs_reader *ret)
{
        const struct fuse_ctx *c = fuse_req_ctx(req);
        int n;

        *ret = (struct kfs_reader) { .uid = c->uid, .gid = c->gid };
        n = fuse_req_getgroups(req, KFS_READER_MAX_GROUPS, ret->groups);
        ret->n_groups = n > 0 ? (size_t) (n < KFS_READER_MAX_GROUPS ? n : KFS_READER_MAX_GROUPS) : 0;
}

int kfs_fs_report(struct kfs_fs *fs, fuse_req_t req, const struct kfs_report *rep, struct kfs_buf *out)
{
        struct kfs_reader *reader = malloc(sizeof(*reader));
        struct kfs_report_env env = {
                .root = &fs->root,
                .locs = &fs->locs,
                .cross_mounts = fs->opts->cross_mounts,
                .now = time(NULL),
                .reader = reader,
                .src = &fs_report_source,
                .describe = fs_report_describe,
                .errors = fs_report_errors,
                .fs = fs,
        };
        int r;

        if (!reader)
                return -ENOMEM;
        fs_report_reader(req, reader);
        r = kfs_report_render(rep, &env, out);
        free(reader);
        return r;
}
