/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubefs report [--root DIR] [--all] [--path REL]... [--as UID[:GID[:G,G...]]] NAME...
 *
 * A node-wide report (MNT/.kubefs/NAME) without a mount: for containers
 * without /dev/fuse, scripts and the tests. The shown tree is the mount's
 * (the default locations, or --all, or --path); the reader is everyone
 * (no filtering) unless --as names one. `kubefs report --list` names them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "locations.h"
#include "report.h"

#define REPORT_MAX_PATHS 64

static void report_usage(FILE *f)
{
        fprintf(f, "usage: kubefs report [--root DIR] [--all] [--path REL]... [--as UID[:GID[:G,G...]]] NAME...\n"
                   "       kubefs report --list\n");
}

/* "1000", "1000:1000", "1000:1000:4,27" */
static int report_parse_as(const char *s, struct kfs_reader *ret)
{
        char *end;
        unsigned long v = strtoul(s, &end, 10);

        *ret = (struct kfs_reader) { .uid = (uid_t) v, .gid = (gid_t) v };
        if (end == s)
                return -EINVAL;
        if (*end == ':') {
                s = end + 1;
                ret->gid = (gid_t) strtoul(s, &end, 10);
                if (end == s)
                        return -EINVAL;
                while (*end == ':' || *end == ',') {
                        if (ret->n_groups >= KFS_READER_MAX_GROUPS)
                                return -E2BIG;
                        s = end + 1;
                        ret->groups[ret->n_groups++] = (gid_t) strtoul(s, &end, 10);
                        if (end == s)
                                return -EINVAL;
                }
        }
        return *end ? -EINVAL : 0;
}

static int report_list_one(const char *name, bool is_dir, void *arg)
{
        const char *dir = arg;

        if (is_dir) {
                char sub[512];
                snprintf(sub, sizeof(sub), "%s%s%s", dir, *dir ? "/" : "", name);
                return kfs_report_list(sub, report_list_one, sub);
        }
        printf("%s%s%s\n", dir, *dir ? "/" : "", name);
        return 0;
}

int kfs_cli_report(int argc, char **argv)
{
        static const struct option opts[] = {
                { "root", required_argument, NULL, 'r' },
                { "all", no_argument, NULL, 'a' },
                { "path", required_argument, NULL, 'p' },
                { "as", required_argument, NULL, 'u' },
                { "list", no_argument, NULL, 'l' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *root_path = "/";
        char *paths[REPORT_MAX_PATHS];
        size_t n_paths = 0;
        bool all = false, list = false;
        struct kfs_reader *reader = NULL;
        struct kfs_root root = { .fd = -1 };
        struct kfs_locations locs = { 0 };
        int o, r, rc = KFS_EXIT_OK;

        optind = 1;
        while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
                switch (o) {
                case 'r':
                        root_path = optarg;
                        break;
                case 'a':
                        all = true;
                        break;
                case 'p':
                        if (n_paths >= REPORT_MAX_PATHS)
                                goto usage;
                        paths[n_paths++] = optarg;
                        break;
                case 'u':
                        free(reader);
                        reader = malloc(sizeof(*reader));
                        if (!reader || report_parse_as(optarg, reader) < 0) {
                                fprintf(stderr, "kubefs report: bad --as '%s' (UID[:GID[:G,G...]])\n", optarg);
                                free(reader);
                                return KFS_EXIT_USAGE;
                        }
                        break;
                case 'l':
                        list = true;
                        break;
                case 'h':
                        report_usage(stdout);
                        free(reader);
                        return KFS_EXIT_OK;
                default:
                        goto usage;
                }
        }
        if (list) {
                free(reader);
                kfs_report_list("", report_list_one, "");
                return fflush(stdout) == 0 ? KFS_EXIT_OK : KFS_EXIT_FAILURE;
        }
        if (optind >= argc) {
                fprintf(stderr, "kubefs report: no NAME given (kubefs report --list names them)\n");
                goto usage;
        }
        r = kfs_root_init(&root, root_path);
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot open ROOT '%s': %s\n", root_path, strerror(-r));
                free(reader);
                return KFS_EXIT_FAILURE;
        }
        r = kfs_locations_init(&locs, all, paths, n_paths);
        if (r < 0) {
                fprintf(stderr, "kubefs: %s\n", strerror(-r));
                rc = KFS_EXIT_FAILURE;
                goto out;
        }
        root.may_cross = kfs_locations_may_cross;
        root.cross_data = &locs;
        for (int i = optind; i < argc; i++) {
                const struct kfs_report *rep = kfs_report_find(argv[i]);
                struct kfs_report_env env = {
                        .root = &root,
                        .locs = &locs,
                        .now = kfs_cli_now(),
                        .reader = reader,
                        .src = &kfs_report_pipeline,
                };
                struct kfs_buf out;

                if (!rep) {
                        fprintf(stderr, "kubefs report: no report called '%s'\n", argv[i]);
                        rc = KFS_EXIT_FAILURE;
                        continue;
                }
                kfs_buf_init(&out, KFS_MAX_OUTPUT);
                r = kfs_report_render(rep, &env, &out);
                if (r < 0) {
                        fprintf(stderr, "kubefs report: %s: %s\n", argv[i], strerror(-r));
                        rc = KFS_EXIT_FAILURE;
                } else
                        fwrite(kfs_buf_str(&out), 1, out.len, stdout);
                kfs_buf_release(&out);
        }
out:
        kfs_locations_release(&locs);
        kfs_root_release(&root);
        free(reader);
        return fflush(stdout) == 0 ? rc : KFS_EXIT_FAILURE;
usage:
        report_usage(stderr);
        free(reader);
        return KFS_EXIT_USAGE;
}
