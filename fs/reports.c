/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MNT/.kubefs: runs the reports of reports/ for a FUSE request. The reader
 * is the request's caller (uid, gid, supplementary groups); the node is read
 * through the mount's decode cache; the mount adds its lines to `version`
 * and its error ring to `errors`.
 */
#include <errno.h>
#include <pthread.h>
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
        pthread_mutex_lock(&fs->lock);
        kfs_buf_addf(out, "nodes %zu\n", fs->n_nodes);
        pthread_mutex_unlock(&fs->lock);
        {
                bool running;
                size_t queued = kfs_watch_queued(fs->watch, &running);

                kfs_buf_addf(out, "watcher %s, %zu invalidations queued\n", running ? "on" : "off", queued);
        }
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

/* ---- the report threads ---- */

struct report_job {
        struct kfs_fs *fs;
        fuse_req_t req;
        const struct kfs_report *rep;
        struct kfs_buf *out;
        struct fuse_file_info fi;
        kfs_report_done_fn *done;
        void *arg;
        struct report_job *next;
};

static struct {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        struct report_job *head, *tail;
        pthread_t threads[KFS_REPORT_THREADS];
        size_t n_threads;
        bool stop;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void *report_thread(void *unused)
{
        pthread_mutex_lock(&pool.lock);
        for (;;) {
                struct report_job *j = pool.head;

                if (!j) {
                        if (pool.stop)
                                break;
                        pthread_cond_wait(&pool.cond, &pool.lock);
                        continue;
                }
                pool.head = j->next;
                if (!pool.head)
                        pool.tail = NULL;
                pthread_mutex_unlock(&pool.lock);
                j->done(j->fs, j->req, &j->fi, kfs_fs_report(j->fs, j->req, j->rep, j->out), j->arg);
                free(j);
                pthread_mutex_lock(&pool.lock);
        }
        pthread_mutex_unlock(&pool.lock);
        return NULL;
}

int kfs_fs_report_queue(struct kfs_fs *fs, fuse_req_t req, const struct kfs_report *rep, struct kfs_buf *out,
                        const struct fuse_file_info *fi, kfs_report_done_fn *done, void *arg)
{
        struct report_job *j = malloc(sizeof(*j));

        if (!j)
                return -ENOMEM;
        *j = (struct report_job) { .fs = fs, .req = req, .rep = rep, .out = out, .fi = *fi, .done = done,
                                   .arg = arg };
        pthread_mutex_lock(&pool.lock);
        /* the threads start with the first report */
        while (pool.n_threads < KFS_REPORT_THREADS && !pool.stop &&
               pthread_create(&pool.threads[pool.n_threads], NULL, report_thread, NULL) == 0)
                pool.n_threads++;
        if (!pool.n_threads || pool.stop) {
                pthread_mutex_unlock(&pool.lock);
                free(j);
                return -EAGAIN;
        }
        if (pool.tail)
                pool.tail->next = j;
        else
                pool.head = j;
        pool.tail = j;
        pthread_cond_signal(&pool.cond);
        pthread_mutex_unlock(&pool.lock);
        return 0;
}

void kfs_fs_reports_stop(struct kfs_fs *fs)
{
        size_t n;

        pthread_mutex_lock(&pool.lock);
        pool.stop = true;
        n = pool.n_threads;
        pthread_cond_broadcast(&pool.cond);
        pthread_mutex_unlock(&pool.lock);
        for (size_t i = 0; i < n; i++)
                pthread_join(pool.threads[i], NULL);
}
