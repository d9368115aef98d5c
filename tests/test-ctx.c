/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a decoder reads besides its input (decoders/ctx.c), through the
 * pipeline: every file read, stat'ed, listed or looked for is a dependency
 * of the result, with the stat the mount derives the sidecar's mode from;
 * changing, creating or removing any of them makes the result stale; the
 * clock ends it at kfs_ctx_expires(); failures become the views' error text.
 *
 * The decoder here is the test's own: its input names the files it reads
 * ("read PATH", "stat PATH", "list DIR", "link PATH", "expire T", "fail").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"
#include "test.h"

struct probe_doc {
        struct kfs_buf out;
};

static int probe_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct probe_doc *d = calloc(1, sizeof(*d));
        char *text = strndup(data, len), *save = NULL;
        int r = 0;

        if (!d || !text) {
                free(d);
                free(text);
                return -ENOMEM;
        }
        kfs_buf_init(&d->out, 1 << 20);
        for (char *line = strtok_r(text, "\n", &save); line && r >= 0; line = strtok_r(NULL, "\n", &save)) {
                char *arg = strchr(line, ' ');
                char *content = NULL, *target = NULL, **names = NULL;
                struct stat st;
                size_t n;

                if (arg)
                        *arg++ = '\0';
                if (strcmp(line, "read") == 0) {
                        r = kfs_ctx_read(ctx, arg, &content, &n);
                        kfs_buf_addf(&d->out, "read %s: %d %s", arg, r, r == 0 ? content : "\n");
                        free(content);
                        r = 0;
                } else if (strcmp(line, "stat") == 0) {
                        kfs_buf_addf(&d->out, "stat %s: %d\n", arg, kfs_ctx_stat(ctx, arg, &st));
                } else if (strcmp(line, "list") == 0) {
                        if (kfs_ctx_list(ctx, arg, &names) == 0)
                                for (char **p = names; *p; p++)
                                        kfs_buf_addf(&d->out, "entry %s\n", *p);
                        kfs_strv_free(names);
                } else if (strcmp(line, "link") == 0) {
                        if (kfs_ctx_readlink(ctx, arg, &target) == 0)
                                kfs_buf_addf(&d->out, "link %s -> %s\n", arg, target);
                        free(target);
                } else if (strcmp(line, "expire") == 0) {
                        kfs_ctx_expires(ctx, (time_t) atoll(arg));
                } else if (strcmp(line, "fail") == 0) {
                        r = kfs_ctx_fail(ctx, -EINVAL, "asked to fail at %s", arg ? arg : "the end");
                }
        }
        free(text);
        if (r < 0) {
                kfs_buf_release(&d->out);
                free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

static void probe_free(void *doc)
{
        struct probe_doc *d = doc;

        if (d)
                kfs_buf_release(&d->out);
        free(d);
}

static int probe_render_txt(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct probe_doc *d = doc;

        kfs_buf_addn(out, kfs_buf_str(&d->out), d->out.len);
        return out->err;
}

static const struct kfs_view probe_views[] = {
        { "txt", probe_render_txt, 0 },
        { "json", probe_render_txt, KFS_VIEW_JSON },
        { 0 },
};

static const struct kfs_decoder probe_decoder = {
        .name = "probe",
        .parse = probe_parse,
        .free = probe_free,
        .views = probe_views,
};

static struct kfs_root root;

static struct kfs_result *decode(const char *path, time_t now)
{
        struct kfs_result *res = NULL;

        CHECK_INT(kfs_decode_path(&root, path, &probe_decoder, now, &res), 0);
        return res;
}

static const struct kfs_dep *dep(const struct kfs_result *res, const char *path)
{
        for (size_t i = 0; res && i < res->n_deps; i++)
                if (strcmp(res->deps[i].path, path) == 0)
                        return &res->deps[i];
        return NULL;
}

/* touch with a distinct mtime: stat comparison is by nanoseconds, but a
 * coarse filesystem clock could make two writes look alike */
static void rewrite(const char *rel, const char *content)
{
        char path[4096];

        snprintf(path, sizeof(path), "%s/%s", test_top, rel);
        test_put(rel, content);
        test_sh("touch -d '@%lld' %s", (long long) time(NULL) + 1000 + (long long) rand() % 1000, path);
}

static void test_deps_recorded(void)
{
        struct kfs_result *res;
        const struct kfs_dep *d;

        test_put("etc/src.conf", "read ../etc/one\nread /etc/missing\nstat two\nlist dir\nlink lnk\n");
        res = decode("etc/src.conf", 1000);
        if (!res)
                return;
        CHECK(res->error == NULL);
        CHECK_STR(res->views[0].data, "read ../etc/one: 0 ONE\nread /etc/missing: -2 \nstat two: 0\n"
                                      "entry a\nentry b\nlink lnk -> one\n");
        /* the source first, then each file in the order it was looked at */
        CHECK(res->n_deps >= 6);
        CHECK_STR(res->deps[0].path, "etc/src.conf");
        d = dep(res, "etc/one");
        CHECK(d && d->exists && (d->st.st_mode & 07777) == 0640);
        d = dep(res, "etc/missing");
        CHECK(d && !d->exists);
        CHECK(dep(res, "etc/two") && dep(res, "etc/dir") && dep(res, "etc/lnk"));
        CHECK(kfs_result_fresh(&root, res, 1000));
        kfs_result_free(res);
}

/* Each kind of change to a dependency makes the result stale. */
static void test_freshness(void)
{
        static const char *const changes[] = {
                "echo NEW > etc/one",                           /* a read file rewritten */
                "echo NOW > etc/missing",                       /* a missing file created */
                "chmod 600 etc/two",                            /* a stat'ed file's mode */
                "touch etc/dir/c",                              /* a listed directory's entries */
                "ln -sfn two etc/lnk",                          /* a link re-pointed */
                "rm etc/two",                                   /* a stat'ed file removed */
        };

        for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
                struct kfs_result *res = decode("etc/src.conf", 1000);

                if (!res)
                        return;
                CHECK(kfs_result_fresh(&root, res, 1000));
                test_sh("sleep 0.01; cd %s && %s", test_top, changes[i]);
                if (kfs_result_fresh(&root, res, 1000)) {
                        fprintf(stderr, "still fresh after: %s\n", changes[i]);
                        test_failures++;
                }
                kfs_result_free(res);
        }
}

static void test_clock_and_failure(void)
{
        struct kfs_result *res;

        rewrite("etc/clock.conf", "expire 2000\nexpire 1500\n");
        res = decode("etc/clock.conf", 1000);
        if (res) {
                CHECK_INT(res->valid_until, 1500);      /* the earliest wins */
                CHECK(kfs_result_fresh(&root, res, 1499));
                CHECK(!kfs_result_fresh(&root, res, 1500));
                kfs_result_free(res);
        }

        rewrite("etc/fail.conf", "read one\nfail here\n");
        res = decode("etc/fail.conf", 1000);
        if (res) {
                CHECK_STR(res->error, "asked to fail at here");
                CHECK_STR(res->views[0].data, "error: asked to fail at here\n");
                CHECK_STR(res->views[1].data, "{\"error\":\"asked to fail at here\"}\n");
                /* a failed decode still knows what it read: fixing that re-decodes */
                CHECK(dep(res, "etc/one") != NULL);
                kfs_result_free(res);
        }
}

/* Paths named inside a file never leave ROOT. */
static void test_contained(void)
{
        struct kfs_result *res;

        rewrite("etc/escape.conf", "read ../../../../outside\nread /../outside\n");
        res = decode("etc/escape.conf", 1000);
        if (!res)
                return;
        CHECK(strstr(res->views[0].data, "OUTSIDE") == NULL);
        for (size_t i = 0; i < res->n_deps; i++)
                CHECK(strncmp(res->deps[i].path, "..", 2) != 0);
        kfs_result_free(res);
}

int main(void)
{
        test_tree("ctx");
        test_sh("mkdir -p %s/r/etc/dir && touch %s/r/etc/dir/a %s/r/etc/dir/b && ln -s one %s/r/etc/lnk",
                test_top, test_top, test_top, test_top);
        test_put("outside", "OUTSIDE\n");
        test_put("r/etc/one", "ONE\n");
        test_put("r/etc/two", "TWO\n");
        test_sh("chmod 640 %s/r/etc/one", test_top);
        strcat(test_top, "/r");
        if (kfs_root_init(&root, test_top) < 0) {
                perror("kfs_root_init");
                return EXIT_FAILURE;
        }
        test_deps_recorded();
        test_freshness();
        test_clock_and_failure();
        test_contained();
        kfs_root_release(&root);
        test_top[strlen(test_top) - 2] = '\0';
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
