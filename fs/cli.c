/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubefs decode [--root DIR] [--view NAME] [--decoder NAME] FILE...
 * kubefs views [--root DIR] FILE...
 *
 * The decoders without a mount: for containers without /dev/fuse, scripts,
 * and the tests. FILE is read inside ROOT (default /), like the mount does,
 * so paths inside it (drop-ins, env files, certificates a kubeconfig names)
 * resolve the same way. Output is exactly what F.VIEW holds in the mount.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "decoder.h"
#include "root.h"


struct cli {
        const char *root_path;
        const char *view;
        const struct kfs_decoder *decoder;
        struct kfs_root root;
        time_t now;
};

/* KUBEFS_NOW=<epoch seconds> pins the clock: reproducible .expiry in tests. */
time_t kfs_cli_now(void)
{
        const char *s = getenv("KUBEFS_NOW");
        char *end;

        if (s && *s) {
                long long t = strtoll(s, &end, 10);
                if (!*end)
                        return (time_t) t;
        }
        return time(NULL);
}

/* FILE as a path relative to ROOT, without following FILE itself if it is a
 * symlink (its sidecars decode its target inside ROOT, as in the mount). */
static int cli_relpath(const struct cli *c, const char *file, char **ret)
{
        char *dir, *abs = NULL, *rel;
        size_t rl = strlen(c->root.path);
        int r = 0;

        dir = kfs_path_dirname(file);
        if (!dir)
                return -ENOMEM;
        abs = realpath(*dir ? dir : file[0] == '/' ? "/" : ".", NULL);
        if (!abs) {
                r = -errno;
                goto out;
        }
        if (strcmp(c->root.path, "/") == 0)
                rel = abs + 1;
        else if (strncmp(abs, c->root.path, rl) == 0 && (abs[rl] == '/' || !abs[rl]))
                rel = abs + rl + (abs[rl] == '/');
        else {
                r = -EXDEV;
                goto out;
        }
        *ret = kfs_path_join(rel, kfs_path_basename(file));
        if (!*ret)
                r = -ENOMEM;
out:
        free(abs);
        free(dir);
        return r;
}

static void cli_usage(FILE *f, const char *cmd)
{
        if (strcmp(cmd, "views") == 0)
                fprintf(f, "usage: kubefs views [--root DIR] FILE...\n");
        else
                fprintf(f, "usage: kubefs decode [--root DIR] [--view NAME] [--decoder NAME] FILE...\n");
}

/* Returns -1 to go on, else the exit code to leave with. */
static int cli_parse(struct cli *c, const char *cmd, int argc, char **argv)
{
        static const struct option opts[] = {
                { "root", required_argument, NULL, 'r' },
                { "view", required_argument, NULL, 'v' },
                { "decoder", required_argument, NULL, 'D' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        bool decode = strcmp(cmd, "decode") == 0;
        int o, r;

        *c = (struct cli) { .root_path = "/", .root = { .fd = -1 } };
        optind = 1;
        while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                switch (o) {
                case 'r':
                        c->root_path = optarg;
                        break;
                case 'v':
                        if (!decode)
                                goto usage;
                        c->view = optarg;
                        break;
                case 'D':
                        if (!decode)
                                goto usage;
                        c->decoder = kfs_registry_find(optarg);
                        if (!c->decoder) {
                                fprintf(stderr, "kubefs: no decoder called '%s'\n", optarg);
                                return KFS_EXIT_USAGE;
                        }
                        break;
                case 'h':
                        cli_usage(stdout, cmd);
                        return KFS_EXIT_OK;
                default:
                        goto usage;
                }
        }
        if (optind >= argc) {
                fprintf(stderr, "kubefs %s: no FILE given\n", cmd);
                goto usage;
        }
        r = kfs_root_init(&c->root, c->root_path);
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot open ROOT '%s': %s\n", c->root_path, strerror(-r));
                return KFS_EXIT_FAILURE;
        }
        c->now = kfs_cli_now();
        return -1;
usage:
        cli_usage(stderr, cmd);
        return KFS_EXIT_USAGE;
}

/* The views FILE gets in the mount (or the forced decoder's). */
static int cli_views_of(const struct cli *c, const char *file, const char *rel,
                        struct kfs_viewref *ret, size_t *ret_n)
{
        uint32_t mask = 0;
        int r;

        if (c->decoder) {
                int i = kfs_registry_index(c->decoder);
                mask = UINT32_C(1) << i;
        } else {
                struct stat st;

                r = kfs_probe_path(&c->root, rel, KFS_RESOLVE_FOLLOW, &mask, &st);
                if (r < 0) {
                        fprintf(stderr, "kubefs: cannot read '%s': %s\n", file, strerror(-r));
                        return r;
                }
        }
        *ret_n = kfs_registry_views(mask, ret, KFS_MAX_VIEWS);
        return 0;
}

int kfs_cli_views(int argc, char **argv)
{
        struct cli c;
        int r, rc = KFS_EXIT_OK;

        r = cli_parse(&c, "views", argc, argv);
        if (r >= 0)
                return r;
        for (int i = optind; i < argc; i++) {
                struct kfs_viewref views[KFS_MAX_VIEWS];
                char *rel = NULL;
                size_t n;

                r = cli_relpath(&c, argv[i], &rel);
                if (r < 0) {
                        fprintf(stderr, "kubefs: '%s' is not inside ROOT '%s'\n", argv[i], c.root.path);
                        rc = KFS_EXIT_FAILURE;
                        continue;
                }
                if (cli_views_of(&c, argv[i], rel, views, &n) < 0)
                        rc = KFS_EXIT_FAILURE;
                else
                        for (size_t j = 0; j < n; j++)
                                printf("%s.%s\n", argv[i], views[j].view->name);
                free(rel);
        }
        kfs_root_release(&c.root);
        return fflush(stdout) == 0 ? rc : KFS_EXIT_FAILURE;
}

int kfs_cli_decode(int argc, char **argv)
{
        struct cli c;
        int r, rc = KFS_EXIT_OK;
        size_t printed = 0;
        bool headers;

        r = cli_parse(&c, "decode", argc, argv);
        if (r >= 0)
                return r;
        /* like head(1): name each output only when there are several */
        headers = !c.view || argc - optind > 1;
        for (int i = optind; i < argc; i++) {
                struct kfs_viewref views[KFS_MAX_VIEWS];
                struct kfs_result *results[KFS_MAX_DECODERS] = { 0 };
                char *rel = NULL;
                size_t n;
                bool found = false;

                r = cli_relpath(&c, argv[i], &rel);
                if (r < 0) {
                        fprintf(stderr, "kubefs: '%s' is not inside ROOT '%s'\n", argv[i], c.root.path);
                        rc = KFS_EXIT_FAILURE;
                        continue;
                }
                if (cli_views_of(&c, argv[i], rel, views, &n) < 0) {
                        rc = KFS_EXIT_FAILURE;
                        free(rel);
                        continue;
                }
                for (size_t j = 0; j < n; j++) {
                        const struct kfs_viewref *v = &views[j];
                        int di = kfs_registry_index(v->dec);
                        size_t vi = (size_t) (v->view - v->dec->views);

                        if (c.view && strcmp(c.view, v->view->name) != 0)
                                continue;
                        found = true;
                        if (!results[di]) {
                                r = kfs_decode_path(&c.root, rel, v->dec, c.now, &results[di]);
                                if (r < 0) {
                                        fprintf(stderr, "kubefs: cannot decode '%s': %s\n", argv[i], strerror(-r));
                                        rc = KFS_EXIT_FAILURE;
                                        break;
                                }
                                if (results[di]->error) {
                                        fprintf(stderr, "kubefs: cannot decode '%s' (%s): %s\n",
                                                argv[i], v->dec->name, results[di]->error);
                                        rc = KFS_EXIT_FAILURE;
                                }
                        }
                        if (headers)
                                printf("%s==> %s.%s <==\n", printed ? "\n" : "", argv[i], v->view->name);
                        fwrite(results[di]->views[vi].data, 1, results[di]->views[vi].len, stdout);
                        printed++;
                }
                if (!found) {
                        if (c.view)
                                fprintf(stderr, "kubefs: '%s' has no view '%s'\n", argv[i], c.view);
                        else
                                fprintf(stderr, "kubefs: '%s': no decoder recognises it\n", argv[i]);
                        rc = KFS_EXIT_FAILURE;
                }
                for (size_t d = 0; d < KFS_MAX_DECODERS; d++)
                        kfs_result_free(results[d]);
                free(rel);
        }
        kfs_root_release(&c.root);
        return fflush(stdout) == 0 ? rc : KFS_EXIT_FAILURE;
}
