/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decode pipeline: source bytes -> parse once -> render every view.
 * Failures never escape as a missing file: they become the view's own error
 * text, one line, so `cat F.txt` always says what went wrong.
 */
#include "pipeline.h"
#include "jsonbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIME_FOREVER ((time_t) INT64_MAX)

uint32_t kfs_probe_data(const char *relpath, const char *data, size_t len)
{
        struct kfs_probe p = {
                .path = relpath,
                .name = kfs_path_basename(relpath),
                .head_len = len < KFS_HEAD_MAX ? len : KFS_HEAD_MAX,
                .size = len,
        };
        char *head;
        uint32_t mask;

        /* match() may rely on head[head_len] == '\0': a copy with one */
        head = malloc(p.head_len + 1);
        if (!head)
                return 0;
        memcpy(head, data, p.head_len);
        head[p.head_len] = '\0';
        p.head = head;
        mask = kfs_registry_match(&p);
        free(head);
        return mask;
}

int kfs_probe_path(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                   uint32_t *ret_mask, struct stat *ret_st)
{
        struct kfs_probe p = { .path = relpath, .name = kfs_path_basename(relpath) };
        struct stat st;
        char *head;
        ssize_t n;
        int fd;

        /* a regular file or nothing: a FIFO or device is only stat'ed, never opened */
        fd = kfs_root_open_regular(root, relpath, how, &st);
        if (fd == -EINVAL || (fd == -ELOOP && how == KFS_RESOLVE_NOFOLLOW)) {
                int r = kfs_root_stat(root, relpath, how, &st);
                if (r < 0)
                        return r;
                if (ret_st)
                        *ret_st = st;
                *ret_mask = 0;
                return 0;
        }
        if (fd < 0)
                return fd;
        head = malloc(KFS_HEAD_MAX + 1);
        if (!head) {
                close(fd);
                return -ENOMEM;
        }
        do
                n = pread(fd, head, KFS_HEAD_MAX, 0);
        while (n < 0 && errno == EINTR);
        close(fd);
        if (n < 0) {
                int r = -errno;
                free(head);
                return r;
        }
        head[n] = '\0';
        p.head = head;
        p.head_len = (size_t) n;
        p.size = (uint64_t) st.st_size;
        *ret_mask = kfs_registry_match(&p);
        free(head);
        if (ret_st)
                *ret_st = st;
        return 0;
}

/* The view's error text: one line in the view's own format. */
static int decode_error_text(const struct kfs_view *view, const char *msg, struct kfs_buf *out)
{
        kfs_buf_reset(out);
        if (view->flags & KFS_VIEW_JSON) {
                json_t *o = json_pack("{s:s}", "error", msg);
                int r = kfs_buf_add_json(out, o, JSON_COMPACT | JSON_ENSURE_ASCII);

                json_decref(o);
                if (r < 0)
                        return r;
        } else {
                kfs_buf_addf(out, "error: %s\n", msg);
        }
        return out->err;
}

static const char *decode_strerror(int err)
{
        switch (err) {
        case -EFBIG: return "too big to decode";
        case -EINVAL: return "not a regular file";
        case -ENOMEM: return "out of memory";
        default: return strerror(-err);
        }
}

static void result_free_deps(struct kfs_dep *deps, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(deps[i].path);
        free(deps);
}

void kfs_result_free(struct kfs_result *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n_views; i++)
                free(r->views[i].data);
        free(r->views);
        result_free_deps(r->deps, r->n_deps);
        result_free_deps(r->dirs, r->n_dirs);
        free(r->error);
        free(r);
}

/* Limit on the directories recorded for one decode (deps x depth). */
#define DECODE_MAX_DIRS 1024

/* res->dirs: the directories above every dependency that exists, each once
 * (stat'ed with symlinks followed: a path through a link is also recorded
 * as the file it resolved to, whose directories are then the real ones). */
static int decode_dirs(const struct kfs_root *root, struct kfs_result *res)
{
        for (size_t i = 1; i < res->n_deps; i++) {
                const char *p = res->deps[i].path;
                size_t len = strlen(p);

                if (!res->deps[i].exists)
                        continue;
                /* "", then every prefix ending before a '/' */
                for (size_t end = 0; end <= len; end++) {
                        struct kfs_dep *d;
                        struct stat st;
                        bool seen = false;
                        char *dir;

                        if (end && (end == len || p[end] != '/'))
                                continue;
                        if (end == len)
                                break;
                        /* the directories of the source itself are the sidecar's own,
                         * searched by the kernel on the way to it in the mount */
                        if (strncmp(p, res->deps[0].path, end) == 0 &&
                            (res->deps[0].path[end] == '/' || (!end && res->deps[0].path[0])))
                                continue;
                        dir = strndup(p, end);
                        if (!dir)
                                return -ENOMEM;
                        for (size_t j = 0; j < res->n_dirs && !seen; j++)
                                seen = strcmp(res->dirs[j].path, dir) == 0;
                        if (seen || res->n_dirs >= DECODE_MAX_DIRS ||
                            kfs_root_stat(root, dir, KFS_RESOLVE_FOLLOW, &st) < 0) {
                                free(dir);
                                continue;
                        }
                        d = realloc(res->dirs, (res->n_dirs + 1) * sizeof(*d));
                        if (!d) {
                                free(dir);
                                return -ENOMEM;
                        }
                        res->dirs = d;
                        res->dirs[res->n_dirs++] = (struct kfs_dep) { .path = dir, .exists = true, .st = st };
                        res->bytes += sizeof(*d) + end + 1;
                }
        }
        return 0;
}

/* Parses and renders; `file_err` (a -errno) says the source could not be read. */
static int decode_run(const struct kfs_root *root, const char *relpath, const struct kfs_decoder *dec,
                      const char *data, size_t len, int file_err, const struct stat *src_st,
                      time_t now, struct kfs_result **ret)
{
        struct kfs_ctx ctx = {
                .root = root,
                .path = relpath,
                .now = now,
                .valid_until = TIME_FOREVER,
        };
        struct kfs_result *res;
        void *doc = NULL;
        size_t n = 0;
        int r;

        while (dec->views[n].name)
                n++;
        res = calloc(1, sizeof(*res));
        if (!res)
                return -ENOMEM;
        res->dec = dec;
        res->n_views = n;
        res->views = calloc(n ? n : 1, sizeof(*res->views));
        ctx.dir = kfs_path_dirname(relpath);
        if (!res->views || !ctx.dir) {
                r = -ENOMEM;
                goto fail;
        }
        /* the source is dependency 0 */
        ctx.deps = calloc(8, sizeof(*ctx.deps));
        if (!ctx.deps || !(ctx.deps[0].path = kfs_path_join(NULL, relpath))) {
                r = -ENOMEM;
                goto fail;
        }
        ctx.alloc_deps = 8;
        ctx.n_deps = 1;
        ctx.deps[0].exists = src_st != NULL;
        if (src_st)
                ctx.deps[0].st = *src_st;

        if (src_st) {
                /* a source reached through symlinks is also watched as its target */
                struct stat st;
                char *abs = NULL;

                if (asprintf(&abs, "/%s", relpath) >= 0)
                        kfs_ctx_stat(&ctx, abs, &st);
                free(abs);
        }
        if (file_err < 0)
                r = kfs_ctx_fail(&ctx, file_err, "%s", decode_strerror(file_err));
        else
                r = dec->parse(data, len, &ctx, &doc);
        if (r < 0 && !ctx.error[0])
                kfs_ctx_fail(&ctx, r, "%s", decode_strerror(r));

        if (r < 0 && !(res->error = strdup(ctx.error))) {
                r = -ENOMEM;
                goto fail;
        }
        for (size_t i = 0; i < n; i++) {
                const struct kfs_view *v = &dec->views[i];
                struct kfs_buf out = KFS_BUF_INIT(KFS_MAX_OUTPUT);
                int rr = r;     /* a failed parse fails every view, with its reason */

                if (r == 0) {
                        ctx.error[0] = '\0';
                        rr = v->render(doc, &ctx, &out);
                        if (rr == 0)
                                rr = out.err;
                        if (rr < 0 && !ctx.error[0])
                                kfs_ctx_fail(&ctx, rr, "%s",
                                             rr == -EFBIG ? "output too big" : decode_strerror(rr));
                        if (rr < 0 && !res->error && !(res->error = strdup(ctx.error)))
                                rr = -ENOMEM;
                }
                if (rr < 0 && decode_error_text(v, ctx.error, &out) < 0)
                        out.err = -ENOMEM;
                res->views[i].data = kfs_buf_detach(&out, &res->views[i].len);
                if (!res->views[i].data) {
                        kfs_buf_release(&out);
                        r = -ENOMEM;
                        goto fail;
                }
                res->bytes += res->views[i].len + 1;
        }
        dec->free(doc);
        doc = NULL;
        if (ctx.lost_dep) {
                r = -ENOMEM;
                goto fail;
        }
        res->deps = ctx.deps;
        res->n_deps = ctx.n_deps;
        res->valid_until = ctx.valid_until;
        res->bytes += sizeof(*res) + n * sizeof(*res->views);
        for (size_t i = 0; i < res->n_deps; i++)
                res->bytes += sizeof(*res->deps) + strlen(res->deps[i].path) + 1;
        free(ctx.dir);
        if (decode_dirs(root, res) < 0) {
                kfs_result_free(res);
                return -ENOMEM;
        }
        *ret = res;
        return 0;
fail:
        if (doc)
                dec->free(doc);
        result_free_deps(ctx.deps, ctx.n_deps);
        free(ctx.dir);
        kfs_result_free(res);
        return r;
}

int kfs_decode_data(const struct kfs_root *root, const char *relpath,
                    const struct kfs_decoder *dec, const char *data, size_t len,
                    time_t now, struct kfs_result **ret)
{
        return decode_run(root, relpath, dec, data, len, 0, NULL, now, ret);
}

int kfs_decode_path(const struct kfs_root *root, const char *relpath,
                    const struct kfs_decoder *dec, time_t now, struct kfs_result **ret)
{
        struct stat st;
        char *data = NULL;
        size_t len = 0;
        int r, fr;

        fr = kfs_root_read(root, relpath, KFS_RESOLVE_FOLLOW, &data, &len, &st);
        if (fr < 0 && fr != -ENOENT && kfs_root_stat(root, relpath, KFS_RESOLVE_FOLLOW, &st) < 0)
                fr = -ENOENT;
        r = decode_run(root, relpath, dec, data, len, fr, fr == -ENOENT ? NULL : &st, now, ret);
        if (data)
                explicit_bzero(data, len);      /* it may be a private key */
        free(data);
        return r;
}

bool kfs_stat_same(const struct stat *a, const struct stat *b)
{
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
               a->st_size == b->st_size && a->st_mode == b->st_mode &&
               a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
               a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

bool kfs_result_fresh(const struct kfs_root *root, const struct kfs_result *r, time_t now)
{
        if (now >= r->valid_until)
                return false;
        for (size_t i = 0; i < r->n_deps; i++) {
                const struct kfs_dep *d = &r->deps[i];
                struct stat st;
                bool exists = kfs_root_stat(root, d->path, d->link ? KFS_RESOLVE_NOFOLLOW : KFS_RESOLVE_FOLLOW,
                                            &st) == 0;

                if (exists != d->exists || (exists && !kfs_stat_same(&st, &d->st)))
                        return false;
        }
        /* a directory's entries come and go: only who may search it counts */
        for (size_t i = 0; i < r->n_dirs; i++) {
                const struct stat *o = &r->dirs[i].st;
                struct stat st;

                if (kfs_root_stat(root, r->dirs[i].path, KFS_RESOLVE_FOLLOW, &st) < 0 ||
                    st.st_mode != o->st_mode || st.st_uid != o->st_uid || st.st_gid != o->st_gid)
                        return false;
        }
        return true;
}
