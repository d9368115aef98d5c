/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every report shares (report.h): the table's lookups, the reader's
 * permission check, the node walker and borrowed decodes.
 */
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"

/* Symlinks followed by kfs_report_may_read(), as the kernel's MAXSYMLINKS. */
#define REPORT_MAX_SYMLINKS 40

/* ---- the table ---- */

const struct kfs_report *kfs_report_find(const char *name)
{
        for (const struct kfs_report *r = kfs_reports; r->name; r++)
                if (strcmp(r->name, name) == 0)
                        return r;
        return NULL;
}

/* Whether report `name` lies directly in `dir` ("" for the top); if it lies
 * deeper, *ret_sub is the length of its first component below `dir`. */
static bool report_in_dir(const char *name, const char *dir, size_t *ret_sub)
{
        size_t dl = strlen(dir);
        const char *rest, *slash;

        if (dl) {
                if (strncmp(name, dir, dl) != 0 || name[dl] != '/')
                        return false;
                rest = name + dl + 1;
        } else
                rest = name;
        slash = strchr(rest, '/');
        *ret_sub = slash ? (size_t) (slash - rest) : 0;
        return true;
}

bool kfs_report_is_dir(const char *dir)
{
        size_t sub;

        if (!*dir)
                return true;
        for (const struct kfs_report *r = kfs_reports; r->name; r++)
                if (report_in_dir(r->name, dir, &sub))
                        return true;
        return false;
}

int kfs_report_list(const char *dir, int (*fn)(const char *name, bool is_dir, void *arg), void *arg)
{
        size_t dl = strlen(dir);

        for (const struct kfs_report *r = kfs_reports; r->name; r++) {
                const char *rest;
                char sub[256];
                size_t n;
                bool seen = false;
                int ret;

                if (!report_in_dir(r->name, dir, &n))
                        continue;
                rest = r->name + (dl ? dl + 1 : 0);
                if (!n) {
                        ret = fn(rest, false, arg);
                        if (ret)
                                return ret;
                        continue;
                }
                /* a subdirectory: listed once, where its first report is */
                for (const struct kfs_report *p = kfs_reports; p < r && !seen; p++) {
                        size_t pn;
                        if (report_in_dir(p->name, dir, &pn) && pn == n &&
                            strncmp(p->name + (dl ? dl + 1 : 0), rest, n) == 0)
                                seen = true;
                }
                if (seen || n >= sizeof(sub))
                        continue;
                memcpy(sub, rest, n);
                sub[n] = '\0';
                ret = fn(sub, true, arg);
                if (ret)
                        return ret;
        }
        return 0;
}

int kfs_report_render(const struct kfs_report *rep, const struct kfs_report_env *env, struct kfs_buf *out)
{
        int r = rep->render(env, out);

        return r < 0 ? r : out->err;
}

/* ---- permissions ---- */

static bool reader_in_group(const struct kfs_reader *rd, gid_t gid)
{
        if (rd->gid == gid)
                return true;
        for (size_t i = 0; i < rd->n_groups; i++)
                if (rd->groups[i] == gid)
                        return true;
        return false;
}

/* The kernel's generic_permission() for `want` (4 read, 1 search) without
 * ACLs: the one class that applies decides. Root may read and search
 * anything (CAP_DAC_OVERRIDE; CAP_DAC_READ_SEARCH for directories). */
static bool reader_allows(const struct kfs_reader *rd, const struct stat *st, unsigned want)
{
        unsigned bits;

        if (rd->all || rd->uid == 0)
                return true;
        if (st->st_uid == rd->uid)
                bits = (st->st_mode >> 6) & 7;
        else if (reader_in_group(rd, st->st_gid))
                bits = (st->st_mode >> 3) & 7;
        else
                bits = st->st_mode & 7;
        return (bits & want) == want;
}

/* Whether the reader may reach `path` and then do `want` to it (4: read a
 * regular file, 1: search a directory, 5: list a directory). */
static bool report_may(const struct kfs_report_env *env, const char *path, unsigned want)
{
        const struct kfs_reader *rd = env->reader;
        char *cur = NULL;
        unsigned hops = 0;
        bool ok = false;
        struct stat st;

        if (!rd || rd->all || rd->uid == 0)
                return true;
        cur = kfs_path_join("", path);
        if (!cur)
                return false;
restart:
        if (kfs_root_stat(env->root, "", KFS_RESOLVE_NOFOLLOW, &st) < 0 || !reader_allows(rd, &st, 1))
                goto out;
        for (char *p = cur; *p;) {
                char *slash = strchr(p, '/');
                bool last = !slash;

                if (slash)
                        *slash = '\0';
                if (kfs_root_stat(env->root, cur, KFS_RESOLVE_NOFOLLOW, &st) < 0) {
                        if (slash)
                                *slash = '/';
                        goto out;
                }
                if (S_ISLNK(st.st_mode)) {
                        char *target = NULL, *next;

                        /* the link's target, checked from the top again */
                        if (++hops > REPORT_MAX_SYMLINKS || kfs_root_resolve(env->root, cur, &target) < 0)
                                goto out;
                        next = last ? strdup(target) : kfs_path_join(target, slash + 1);
                        free(target);
                        if (!next)
                                goto out;
                        free(cur);
                        cur = next;
                        goto restart;
                }
                if (last) {
                        ok = (want == 4 ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode)) &&
                             reader_allows(rd, &st, want);
                        goto out;
                }
                *slash = '/';
                if (!S_ISDIR(st.st_mode) || !reader_allows(rd, &st, 1))
                        goto out;
                p = slash + 1;
        }
        /* the path was ROOT itself */
        ok = want == 1;
out:
        free(cur);
        return ok;
}

bool kfs_report_may_read(const struct kfs_report_env *env, const char *path)
{
        return report_may(env, path, 4);
}

bool kfs_report_may_search(const struct kfs_report_env *env, const char *dir)
{
        return report_may(env, dir, 1);
}

bool kfs_report_may_read_result(const struct kfs_report_env *env, const struct kfs_result *res)
{
        /* a directory a decoder listed (a unit's drop-in dirs) is the
         * reader's to list, not to read as a file */
        for (size_t i = 0; i < res->n_deps; i++)
                if (res->deps[i].exists &&
                    !report_may(env, res->deps[i].path, S_ISDIR(res->deps[i].st.st_mode) ? 5 : 4))
                        return false;
        return true;
}

/* ---- the walker ---- */

struct walk {
        const struct kfs_report_env *env;
        kfs_walk_fn fn;
        void *arg;
        size_t files;
};

static bool walk_skip_name(const char *n)
{
        return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

static int walk_dir(struct walk *w, const char *dir, dev_t dev, enum kfs_vis vis, int depth)
{
        const struct kfs_report_env *env = w->env;
        int fd = kfs_root_open(env->root, dir, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;
        int r = 0;

        if (!d) {
                if (fd >= 0)
                        close(fd);
                return 0;
        }
        while (r == 0 && (de = readdir(d)) && w->files < KFS_WALK_MAX_FILES) {
                enum kfs_vis cvis;
                struct stat st;
                char *path;

                if (walk_skip_name(de->d_name))
                        continue;
                path = kfs_path_join(dir, de->d_name);
                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                cvis = kfs_locations_classify(env->locs, path);
                if (cvis != KFS_VIS_HIDDEN && kfs_root_stat(env->root, path, KFS_RESOLVE_NOFOLLOW, &st) == 0) {
                        bool crossing = vis == KFS_VIS_INSIDE && st.st_dev != dev && !env->cross_mounts;

                        if (S_ISDIR(st.st_mode) && !crossing && depth < KFS_WALK_MAX_DEPTH) {
                                if (!env->reader || reader_allows(env->reader, &st, 1))
                                        r = walk_dir(w, path, st.st_dev, cvis, depth + 1);
                        } else if (S_ISREG(st.st_mode) && cvis == KFS_VIS_INSIDE) {
                                w->files++;
                                r = w->fn(env, path, &st, w->arg);
                        }
                }
                free(path);
        }
        closedir(d);
        return r;
}

int kfs_report_walk(const struct kfs_report_env *env, const char *start, kfs_walk_fn fn, void *arg)
{
        struct walk w = { .env = env, .fn = fn, .arg = arg };
        struct stat st;
        char *dir = kfs_path_join("", start);
        int r;

        if (!dir)
                return -ENOMEM;
        r = kfs_root_stat(env->root, dir, KFS_RESOLVE_NOFOLLOW, &st);
        if (r == 0 && S_ISDIR(st.st_mode) && kfs_report_may_search(env, dir))
                r = walk_dir(&w, dir, st.st_dev, kfs_locations_classify(env->locs, dir), 0);
        free(dir);
        return r == -ENOENT ? 0 : r;
}

/* ---- reading the node for the reader ---- */

int kfs_report_decode(const struct kfs_report_env *env, const char *path, const char *decoder,
                      struct kfs_report_decode *ret)
{
        const struct kfs_decoder *dec = kfs_registry_find(decoder);
        struct kfs_report_decode d = { 0 };
        int r;

        if (!dec)
                return -ENOENT;
        if (!kfs_report_may_read(env, path))
                return -EACCES;
        r = env->src->decode(env, path, dec, &d);
        if (r < 0)
                return r;
        if (!kfs_report_may_read_result(env, d.res)) {
                env->src->release(env, &d);
                return -EACCES;
        }
        *ret = d;
        return 0;
}

void kfs_report_release(const struct kfs_report_env *env, struct kfs_report_decode *d)
{
        if (d && d->hold)
                env->src->release(env, d);
        if (d)
                *d = (struct kfs_report_decode) { 0 };
}

const struct kfs_output *kfs_report_view(const struct kfs_report_decode *d, const char *view)
{
        const struct kfs_view *v = d->res->dec->views;

        for (size_t i = 0; v[i].name && i < d->res->n_views; i++)
                if (strcmp(v[i].name, view) == 0)
                        return &d->res->views[i];
        return NULL;
}

int kfs_report_read(const struct kfs_report_env *env, const char *path, char **ret_data, size_t *ret_len)
{
        if (!kfs_report_may_read(env, path))
                return -EACCES;
        return kfs_root_read(env->root, path, KFS_RESOLVE_FOLLOW, ret_data, ret_len, NULL);
}

/* ---- the pipeline as a source ---- */

static int pipeline_probe(const struct kfs_report_env *env, const char *path, uint32_t *ret_mask)
{
        return kfs_probe_path(env->root, path, KFS_RESOLVE_FOLLOW, ret_mask, NULL);
}

static int pipeline_decode(const struct kfs_report_env *env, const char *path, const struct kfs_decoder *dec,
                           struct kfs_report_decode *ret)
{
        struct kfs_result *res;
        int r = kfs_decode_path(env->root, path, dec, env->now, &res);

        if (r < 0)
                return r;
        *ret = (struct kfs_report_decode) { .res = res, .hold = res };
        return 0;
}

static void pipeline_release(const struct kfs_report_env *env, struct kfs_report_decode *d)
{
        kfs_result_free(d->hold);
}

const struct kfs_report_source kfs_report_pipeline = {
        .probe = pipeline_probe,
        .decode = pipeline_decode,
        .release = pipeline_release,
};
