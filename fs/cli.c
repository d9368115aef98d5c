/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubefs decode [--root DIR] [--view NAME[,NAME]]... [--decoder NAME]
 *               [-H | --no-filename] [--all | --path REL...] [--name PATH] FILE|DIR|-...
 * kubefs views [--root DIR] FILE...  |  kubefs views --list | --decoders
 *
 * The decoders without a mount: for containers without /dev/fuse, scripts,
 * pipelines and the tests. FILE is read inside ROOT (default /), like the
 * mount does, so paths inside it (drop-ins, env files, certificates a
 * kubeconfig names) resolve the same way. Output is exactly what F.VIEW holds
 * in the mount. A DIR is walked like grep -r (as the mount shows it, when it
 * is ROOT or leads to its locations); `-` is standard input, recognised by
 * its content, or as the file --name says it is, or by --decoder.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "decoder.h"
#include "locations.h"
#include "root.h"

#define CLI_MAX_VIEW_ARGS 32     /* view names asked for with --view */
#define MAX_PATHS 64             /* --path */
#define CLI_MAX_DEPTH 64         /* directories a walk enters below its start */

enum cli_out {
        CLI_OUT_AUTO,           /* headers unless one FILE and one view */
        CLI_OUT_HEADERS,        /* ==> F.VIEW <== before each view (head(1)) */
        CLI_OUT_PREFIX,         /* -H: F.VIEW: before each line (grep -H) */
        CLI_OUT_BARE,           /* --no-filename: the views' bytes only */
};

struct cli {
        const char *root_path;
        bool root_given;
        const char *views[CLI_MAX_VIEW_ARGS];   /* --view names, in order, pointing into view_lists */
        size_t n_views;
        char *view_lists[CLI_MAX_VIEW_ARGS];    /* each --view's argument, split at commas */
        size_t n_view_lists;
        const struct kfs_decoder *decoder;
        const char *name;               /* --name: the path standard input stands for */
        enum cli_out out;
        bool all;                       /* --all, --path: which parts of a walked ROOT */
        char *paths[MAX_PATHS];
        size_t n_paths;
        struct kfs_root root;
        struct kfs_locations locs;
        bool locs_ready;
        time_t now;
        size_t printed;                 /* views printed */
        size_t n_files, n_failed;       /* files tried; those (and directories) that failed */
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
 * symlink (its sidecars decode its target inside ROOT, as in the mount; an
 * absolute link in a node copy means a path of that node, not of this host).
 * "", ".", ".." and "/" name directories, resolved whole. */
static int cli_relpath(const struct cli *c, const char *file, char **ret)
{
        const char *base = kfs_path_basename(file);
        bool whole = !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0;
        char *dir, *abs = NULL, *rel;
        size_t rl = strlen(c->root.path), al;
        int r = 0;

        dir = whole ? strdup(file) : kfs_path_dirname(file);
        if (!dir)
                return -ENOMEM;
        abs = realpath(*dir ? dir : file[0] == '/' ? "/" : ".", NULL);
        if (!abs) {
                r = -errno;
                goto out;
        }
        if (whole)
                base = "";
        al = strlen(abs);
        if (strcmp(c->root.path, "/") == 0)
                rel = abs + 1;
        else if (strncmp(abs, c->root.path, rl) == 0 && (abs[rl] == '/' || !abs[rl]))
                rel = abs + rl + (abs[rl] == '/');
        else if (*base && strncmp(c->root.path, abs, al) == 0 && c->root.path[al] == '/' &&
                 strcmp(c->root.path + al + 1, base) == 0) {
                /* FILE is ROOT itself ("kubefs decode --root node node") */
                rel = abs + al;
                base = "";
        } else {
                r = -EXDEV;
                goto out;
        }
        *ret = *base ? kfs_path_join(rel, base) : strdup(rel);
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
                fprintf(f, "usage: kubefs views [--root DIR] FILE...\n"
                           "       kubefs views --list | --decoders\n");
        else
                fprintf(f, "usage: kubefs decode [--root DIR] [--view NAME[,NAME...]]... [--decoder NAME]\n"
                           "                    [-H | --no-filename] [--all | --path REL...] [--name PATH] FILE|DIR|-...\n");
}

/* --view a,b --view c: every name, in order, once. */
static int cli_add_views(struct cli *c, const char *list)
{
        char *copy, *save = NULL;

        if (c->n_view_lists >= CLI_MAX_VIEW_ARGS || !(copy = strdup(list)))
                return -E2BIG;
        c->view_lists[c->n_view_lists++] = copy;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                bool dup = false;

                for (size_t i = 0; i < c->n_views && !dup; i++)
                        dup = strcmp(c->views[i], w) == 0;
                if (dup)
                        continue;
                if (c->n_views >= CLI_MAX_VIEW_ARGS)
                        return -E2BIG;
                c->views[c->n_views++] = w;
        }
        return 0;
}

static void cli_release(struct cli *c)
{
        for (size_t i = 0; i < c->n_view_lists; i++)
                free(c->view_lists[i]);
        if (c->locs_ready)
                kfs_locations_release(&c->locs);
        kfs_root_release(&c->root);
}

/* `views --list`: every view name, once, in registry order. */
static void cli_list_views(void)
{
        struct kfs_viewref all[KFS_MAX_DECODERS * KFS_MAX_VIEWS];
        size_t n = kfs_registry_views(UINT32_MAX, all, sizeof(all) / sizeof(all[0]));

        for (size_t i = 0; i < n; i++)
                printf("%s\n", all[i].view->name);
}

/* Returns -1 to go on, else the exit code to leave with. */
static int cli_parse(struct cli *c, const char *cmd, int argc, char **argv)
{
        static const struct option opts[] = {
                { "root", required_argument, NULL, 'r' },
                { "view", required_argument, NULL, 'v' },
                { "decoder", required_argument, NULL, 'D' },
                { "with-filename", no_argument, NULL, 'H' },
                { "no-filename", no_argument, NULL, 'N' },
                { "name", required_argument, NULL, 'n' },
                { "all", no_argument, NULL, 'a' },
                { "path", required_argument, NULL, 'p' },
                { "list", no_argument, NULL, 'l' },
                { "decoders", no_argument, NULL, 'L' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        bool decode = strcmp(cmd, "decode") == 0;
        int o, r;

        *c = (struct cli) { .root_path = "/", .root = { .fd = -1 } };
        optind = 1;
        while ((o = getopt_long(argc, argv, decode ? "hH" : "h", opts, NULL)) != -1) {
                if (!decode && o != 'r' && o != 'h' && o != 'l' && o != 'L' && o != '?')
                        goto usage;
                if (decode && (o == 'l' || o == 'L'))
                        goto usage;
                switch (o) {
                case 'r':
                        c->root_path = optarg;
                        c->root_given = true;
                        break;
                case 'v':
                        if (cli_add_views(c, optarg) < 0) {
                                fprintf(stderr, "kubefs: too many views (at most %d)\n", CLI_MAX_VIEW_ARGS);
                                cli_release(c);
                                return KFS_EXIT_USAGE;
                        }
                        break;
                case 'D':
                        c->decoder = kfs_registry_find(optarg);
                        if (!c->decoder) {
                                fprintf(stderr, "kubefs: no decoder called '%s' (kubefs views --decoders names them)\n", optarg);
                                cli_release(c);
                                return KFS_EXIT_USAGE;
                        }
                        break;
                case 'H':
                        c->out = CLI_OUT_PREFIX;
                        break;
                case 'N':
                        c->out = CLI_OUT_BARE;
                        break;
                case 'n':
                        c->name = optarg;
                        break;
                case 'a':
                        c->all = true;
                        break;
                case 'p':
                        if (c->n_paths >= MAX_PATHS)
                                goto usage;
                        c->paths[c->n_paths++] = optarg;
                        break;
                case 'l':
                        cli_list_views();
                        cli_release(c);
                        return fflush(stdout) == 0 ? KFS_EXIT_OK : KFS_EXIT_FAILURE;
                case 'L':
                        for (size_t i = 0; kfs_decoders[i]; i++)
                                printf("%s\n", kfs_decoders[i]->name);
                        cli_release(c);
                        return fflush(stdout) == 0 ? KFS_EXIT_OK : KFS_EXIT_FAILURE;
                case 'h':
                        cli_usage(stdout, cmd);
                        cli_release(c);
                        return KFS_EXIT_OK;
                default:
                        goto usage;
                }
        }
        if (optind >= argc && !(decode && c->root_given)) {
                fprintf(stderr, "kubefs %s: no FILE given\n", cmd);
                goto usage;
        }
        if (c->all && c->n_paths) {
                fprintf(stderr, "kubefs: --all and --path exclude each other\n");
                cli_release(c);
                return KFS_EXIT_USAGE;
        }
        r = kfs_root_init(&c->root, c->root_path);
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot open ROOT '%s': %s\n", c->root_path, strerror(-r));
                cli_release(c);
                return KFS_EXIT_FAILURE;
        }
        c->now = kfs_cli_now();
        return -1;
usage:
        cli_usage(stderr, cmd);
        cli_release(c);
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
        cli_release(&c);
        return fflush(stdout) == 0 ? rc : KFS_EXIT_FAILURE;
}

/* Something named or met that could not be decoded at all (a directory that
 * cannot be read, standard input...): counted as a failed file. */
static void cli_failed(struct cli *c)
{
        c->n_files++;
        c->n_failed++;
}

/* One sidecar's content, as the output mode wants it. */
static void cli_print(struct cli *c, const char *name, const char *view, const char *data, size_t len)
{
        switch (c->out) {
        case CLI_OUT_HEADERS:
                printf("%s==> %s.%s <==\n", c->printed ? "\n" : "", name, view);
                fwrite(data, 1, len, stdout);
                break;
        case CLI_OUT_PREFIX:
                /* grep -H: every line, the last one too, as NAME.VIEW:line */
                for (size_t at = 0; at < len;) {
                        const char *nl = memchr(data + at, '\n', len - at);
                        size_t end = nl ? (size_t) (nl - data) : len;

                        printf("%s.%s:", name, view);
                        fwrite(data + at, 1, end - at, stdout);
                        putchar('\n');
                        at = end + 1;
                }
                break;
        case CLI_OUT_AUTO:      /* decided before the first file */
        case CLI_OUT_BARE:
                fwrite(data, 1, len, stdout);
                break;
        }
        c->printed++;
}

/*
 * Decodes one file (rel inside ROOT, or `data` when it came from standard
 * input) and prints the selected views. A file found by a directory walk
 * (`walked`) that no decoder recognises, or that lacks the asked views, is
 * skipped quietly, as grep -r passes over files without a match; a named one
 * is an error. Returns 0, or -1 after saying on stderr what failed.
 */
static int cli_decode_one(struct cli *c, const char *name, const char *rel,
                          const char *data, size_t len, bool walked)
{
        struct kfs_viewref views[KFS_MAX_VIEWS], sel[KFS_MAX_VIEWS];
        struct kfs_result *results[KFS_MAX_DECODERS] = { 0 };
        uint32_t mask = 0;
        size_t n, n_sel = 0;
        bool failed = false;
        int r;

        if (c->decoder) {
                mask = UINT32_C(1) << kfs_registry_index(c->decoder);
        } else if (data) {
                mask = kfs_probe_data(rel, data, len);
        } else {
                struct stat st;

                r = kfs_probe_path(&c->root, rel, KFS_RESOLVE_FOLLOW, &mask, &st);
                if (r < 0) {
                        /* a dangling symlink has no sidecars in the mount either */
                        if (walked && (r == -ENOENT || r == -ELOOP))
                                return 0;
                        fprintf(stderr, "kubefs: cannot read '%s': %s\n", name, strerror(-r));
                        c->n_files++;
                        c->n_failed++;
                        return -1;
                }
        }
        n = kfs_registry_views(mask, views, KFS_MAX_VIEWS);
        if (c->n_views) {
                for (size_t i = 0; i < c->n_views; i++)
                        for (size_t j = 0; j < n; j++)
                                if (strcmp(c->views[i], views[j].view->name) == 0)
                                        sel[n_sel++] = views[j];
        } else {
                memcpy(sel, views, n * sizeof(*views));
                n_sel = n;
        }
        if (!n_sel) {
                if (walked)
                        return 0;
                c->n_files++;
                if (n && c->n_views == 1)
                        fprintf(stderr, "kubefs: '%s' has no view '%s'\n", name, c->views[0]);
                else if (n)
                        fprintf(stderr, "kubefs: '%s' has none of the views asked (kubefs views lists its views)\n", name);
                else if (data && !c->name)
                        fprintf(stderr, "kubefs: '%s': no decoder recognises it by its content "
                                "(say which file it is with --name PATH, or --decoder NAME)\n", name);
                else
                        fprintf(stderr, "kubefs: '%s': no decoder recognises it\n", name);
                c->n_failed++;
                return -1;
        }
        c->n_files++;
        for (size_t j = 0; j < n_sel; j++) {
                const struct kfs_viewref *v = &sel[j];
                int di = kfs_registry_index(v->dec);
                size_t vi = (size_t) (v->view - v->dec->views);

                if (!results[di]) {
                        r = data ? kfs_decode_data(&c->root, rel, v->dec, data, len, c->now, &results[di])
                                 : kfs_decode_path(&c->root, rel, v->dec, c->now, &results[di]);
                        if (r < 0) {
                                fprintf(stderr, "kubefs: cannot decode '%s': %s\n", name, strerror(-r));
                                failed = true;
                                break;
                        }
                        if (results[di]->error) {
                                fprintf(stderr, "kubefs: cannot decode '%s' (%s): %s\n",
                                        name, v->dec->name, results[di]->error);
                                failed = true;
                        }
                }
                cli_print(c, name, v->view->name, results[di]->views[vi].data, results[di]->views[vi].len);
        }
        for (size_t d = 0; d < KFS_MAX_DECODERS; d++)
                kfs_result_free(results[d]);
        if (failed)
                c->n_failed++;
        return failed ? -1 : 0;
}

/* The names in directory `rel` (inside ROOT), sorted bytewise. */
static int cli_list_dir(const struct cli *c, const char *rel, bool follow, char ***ret, size_t *ret_n)
{
        int fd = kfs_root_open(&c->root, rel, O_RDONLY | O_DIRECTORY,
                               follow ? KFS_RESOLVE_FOLLOW : KFS_RESOLVE_NOFOLLOW);

        return fd < 0 ? fd : kfs_list_dir_fd(fd, ret, ret_n);
}

/*
 * grep -r for sidecars: every file below directory `rel`, in name order.
 * With `filter`, only what the mount shows (its locations); like the mount,
 * it does not enter other filesystems (pod volumes) nor follow symlinks to
 * directories, but decodes a symlink to a file as its sidecars do.
 */
static void cli_walk(struct cli *c, const char *name, const char *rel, dev_t dev,
                     bool filter, unsigned depth)
{
        char **names = NULL;
        size_t n = 0;
        int r;

        if (depth > CLI_MAX_DEPTH) {
                fprintf(stderr, "kubefs: '%s': more than %d directories deep, not entered\n", name, CLI_MAX_DEPTH);
                cli_failed(c);
                return;
        }
        r = cli_list_dir(c, rel, depth == 0, &names, &n);
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot read directory '%s': %s\n", name, strerror(-r));
                cli_failed(c);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                size_t nl = strlen(name);
                char *child_rel = kfs_path_join(rel, names[i]);
                char *child = malloc(nl + strlen(names[i]) + 2);
                enum kfs_vis vis = KFS_VIS_INSIDE;
                struct stat st;

                if (!child_rel || !child) {
                        fprintf(stderr, "kubefs: %s\n", strerror(ENOMEM));
                        cli_failed(c);
                        goto next;
                }
                sprintf(child, "%s%s%s", name, nl && name[nl - 1] == '/' ? "" : "/", names[i]);
                if (filter && (vis = kfs_locations_classify(&c->locs, child_rel)) == KFS_VIS_HIDDEN)
                        goto next;
                r = kfs_root_stat(&c->root, child_rel, KFS_RESOLVE_NOFOLLOW, &st);
                if (r < 0) {
                        fprintf(stderr, "kubefs: cannot read '%s': %s\n", child, strerror(-r));
                        cli_failed(c);
                } else if (S_ISDIR(st.st_mode)) {
                        if (st.st_dev == dev)
                                cli_walk(c, child, child_rel, dev, filter, depth + 1);
                } else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && vis == KFS_VIS_INSIDE) {
                        cli_decode_one(c, child, child_rel, NULL, 0, true);
                }
next:
                free(child_rel);
                free(child);
                free(names[i]);
        }
        free(names);
}

/* `-`: standard input, whole, up to the mount's max_input. */
static int cli_read_stdin(char **ret_data, size_t *ret_len)
{
        return kfs_read_stream(STDIN_FILENO, KFS_MAX_INPUT, ret_data, ret_len);
}

static void cli_decode_stdin(struct cli *c)
{
        const char *name = c->name ? c->name : "-";
        char *data = NULL, *rel;
        size_t len = 0;
        int r;

        rel = kfs_path_join(NULL, c->name ? c->name : "-");
        r = rel ? cli_read_stdin(&data, &len) : -ENOMEM;
        if (r < 0) {
                if (r == -EFBIG)
                        fprintf(stderr, "kubefs: standard input is larger than %u MiB\n", KFS_MAX_INPUT >> 20);
                else
                        fprintf(stderr, "kubefs: cannot read standard input: %s\n", strerror(-r));
                cli_failed(c);
        } else {
                cli_decode_one(c, name, rel, data, len, false);
        }
        free(data);
        free(rel);
}

/* One operand: a file, a directory (walked), or `-`. */
static void cli_decode_arg(struct cli *c, const char *arg, bool is_root)
{
        struct stat st;
        char *rel = NULL;
        int r;

        if (strcmp(arg, "-") == 0) {
                cli_decode_stdin(c);
                return;
        }
        r = is_root ? ((rel = strdup("")) ? 0 : -ENOMEM) : cli_relpath(c, arg, &rel);
        if (r < 0) {
                fprintf(stderr, "kubefs: '%s' is not inside ROOT '%s'\n", arg, c->root.path);
                cli_failed(c);
                return;
        }
        if (kfs_root_stat(&c->root, rel, KFS_RESOLVE_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode)) {
                /* a symlink named on the command line is followed (grep -r
                 * does too), inside ROOT: the walk goes on from its target */
                char *real = NULL;
                bool filter;

                r = kfs_root_resolve(&c->root, rel, &real);
                if (r < 0) {
                        fprintf(stderr, "kubefs: cannot read directory '%s': %s\n", arg, strerror(-r));
                        cli_failed(c);
                        free(rel);
                        return;
                }
                /* the mount's view where the mount would show it; a directory
                 * it would not show (outside its locations) is walked whole */
                filter = !c->all && (c->n_paths || kfs_locations_classify(&c->locs, real) != KFS_VIS_HIDDEN);
                cli_walk(c, arg, real, st.st_dev, filter, 0);
                free(real);
        } else {
                cli_decode_one(c, arg, rel, NULL, 0, false);
        }
        free(rel);
}

int kfs_cli_decode(int argc, char **argv)
{
        struct cli c;
        int r, n_args, n_stdin = 0;
        struct stat st;

        r = cli_parse(&c, "decode", argc, argv);
        if (r >= 0)
                return r;
        n_args = argc - optind;
        for (int i = optind; i < argc; i++)
                n_stdin += strcmp(argv[i], "-") == 0;
        if (n_stdin > 1 || (c.name && !n_stdin)) {
                fprintf(stderr, "kubefs decode: %s\n", n_stdin > 1 ? "'-' (standard input) given twice"
                                                      : "--name names standard input, but no '-' is given");
                cli_release(&c);
                return KFS_EXIT_USAGE;
        }
        r = kfs_locations_init(&c.locs, c.all, c.paths, c.n_paths);
        if (r < 0) {
                fprintf(stderr, "kubefs: %s\n", strerror(-r));
                cli_release(&c);
                return KFS_EXIT_FAILURE;
        }
        c.locs_ready = true;
        /* Like head(1): name each output only when there may be several,
         * unless -H or --no-filename said how. */
        if (c.out == CLI_OUT_AUTO) {
                bool one = n_args == 1 && c.n_views == 1 &&
                           (strcmp(argv[optind], "-") == 0 || stat(argv[optind], &st) < 0 || !S_ISDIR(st.st_mode));
                c.out = one ? CLI_OUT_BARE : CLI_OUT_HEADERS;
        }
        if (n_args == 0)
                cli_decode_arg(&c, c.root_path, true);
        for (int i = optind; i < argc; i++) {
                char *arg = strdup(argv[i]);
                size_t l;

                if (!arg) {
                        cli_failed(&c);
                        break;
                }
                /* "dir/" names its children "dir/x", not "dir//x" */
                for (l = strlen(arg); l > 1 && arg[l - 1] == '/'; l--)
                        arg[l - 1] = '\0';
                cli_decode_arg(&c, arg, false);
                free(arg);
        }
        if (c.n_failed && c.n_files > 1)
                fprintf(stderr, "kubefs decode: %zu of %zu files failed\n", c.n_failed, c.n_files);
        r = c.n_failed ? KFS_EXIT_FAILURE : KFS_EXIT_OK;
        cli_release(&c);
        return fflush(stdout) == 0 ? r : KFS_EXIT_FAILURE;
}
