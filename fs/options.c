/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubefs [OPTIONS] [ROOT] MOUNTPOINT
 *
 * Options may follow the operands (mount.fuse3 and fstab put -o last).
 * kubefs's own -o options are taken out; the rest go to libfuse. fstab-only
 * words (nofail, noauto, _netdev, x-*...) are dropped, `ro` is implied.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pipeline.h"
#include "decoder.h"

#define DEFAULT_TIMEOUT 1.0                     /* s; inotify makes changes visible sooner */
/* s; what the watcher covers is invalidated on change, the time only bounds a missed event */
#define DEFAULT_WATCHED_TIMEOUT 3600.0
#define DEFAULT_MAX_WATCHES SIZE_MAX            /* a quarter of the kernel's per-user limit (watch.c) */
#define DEFAULT_CACHE_SIZE ((size_t) 64 << 20)  /* decoded views kept in memory */
#define DEFAULT_MAX_NODES ((size_t) 262144)     /* ~80 MB of nodes */

static void options_usage(FILE *f)
{
        fprintf(f,
"usage: kubefs [OPTIONS] [ROOT] MOUNTPOINT   mount ROOT's Kubernetes files read-only (ROOT: /)\n"
"       kubefs decode [--root DIR] [--view NAME,...] [-H] FILE|DIR|-...   print decoded views\n"
"       kubefs views [--root DIR] FILE... | --list         list the views of files, or all views\n"
"       kubefs report [--root DIR] NAME... | --list        a MNT/.kubefs report without a mount\n"
"\n"
"options:\n"
"  -f                  stay in the foreground\n"
"  -d                  debug output (implies -f)\n"
"  -s                  single-threaded\n"
"  -o OPT[,OPT...]     mount options (below, and FUSE's: allow_other, ...)\n"
"  --all               expose all of ROOT, not only the Kubernetes locations\n"
"  --path REL          expose REL (repeatable) instead of the default locations\n"
"  -h, --help          this help\n"
"  -V, --version       versions of kubefs and its libraries\n"
"\n"
"kubefs -o options:\n"
"  all, path=REL       as --all, --path (for fstab)\n"
"  timeout=SECS        kernel attribute/entry cache time (default 1)\n"
"  watched_timeout=SECS  the same for what inotify watches (default 3600)\n"
"  max_watches=N       inotify watches at most (default: fs.inotify.max_user_watches / 4)\n"
"  max_input=SIZE      larger files get an error sidecar (default 16M)\n"
"  cache_size=SIZE     memory for decoded views (default 64M)\n"
"  max_nodes=N         files the kernel may hold before it is asked to forget some (default 262144)\n"
"  cross_mounts        descend into filesystems mounted below a location\n"
"  noreaddirplus       plain readdir (faster for huge directories)\n"
"  symlinks=contained  symlink targets rewritten to stay inside the mount (default)\n"
"  symlinks=stored     symlink targets exactly as stored (absolute ones lead out)\n"
"\n"
"A ROOT named 'decode' or 'views' is written ./decode. Unmount: fusermount3 -u MOUNTPOINT\n");
}

/* "16M", "1G", "4096": bytes; false when malformed. */
static bool options_size(const char *s, size_t *ret)
{
        char *end;
        unsigned long long v;
        unsigned shift = 0;

        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno || end == s)
                return false;
        switch (*end) {
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        }
        if (*end == 'i' && shift)
                end++;
        if (*end == 'B' || *end == 'b')
                end++;
        if (*end || v > (SIZE_MAX >> shift))
                return false;
        *ret = (size_t) v << shift;
        return true;
}

static int options_add_path(struct kfs_options *o, const char *rel)
{
        char **p = realloc(o->paths, (o->n_paths + 1) * sizeof(*p));

        if (!p)
                return -ENOMEM;
        o->paths = p;
        if (!(p[o->n_paths] = kfs_path_join(NULL, rel)))
                return -ENOMEM;
        o->n_paths++;
        return 0;
}

static int options_add_fuse(struct kfs_options *o, const char *opt)
{
        size_t old = o->fuse_opts ? strlen(o->fuse_opts) : 0;
        char *p = realloc(o->fuse_opts, old + strlen(opt) + 2);

        if (!p)
                return -ENOMEM;
        if (old)
                p[old++] = ',';
        strcpy(p + old, opt);
        o->fuse_opts = p;
        return 0;
}

static bool options_has_prefix(const char *s, const char *prefix, const char **ret_value)
{
        size_t n = strlen(prefix);

        if (strncmp(s, prefix, n) != 0)
                return false;
        *ret_value = s + n;
        return true;
}

/* One word of -o. Returns 0, or -EINVAL after reporting a bad one. */
static int options_one(struct kfs_options *o, const char *opt)
{
        static const char *const dropped[] = {
                "nofail", "noauto", "auto", "_netdev", "defaults", "user", "users",
                "nouser", "ro", "nodev", "nosuid",
                /* mount.fuse3 adds these when root mounts; kubefs is always nosuid,nodev */
                "dev", "suid", NULL,
        };
        const char *v;
        char *end;

        for (size_t i = 0; dropped[i]; i++)
                if (strcmp(opt, dropped[i]) == 0)
                        return 0;
        if (!*opt || strncmp(opt, "x-", 2) == 0 || strncmp(opt, "comment=", 8) == 0)
                return 0;
        if (strcmp(opt, "rw") == 0) {
                fprintf(stderr, "kubefs: option 'rw': kubefs is read-only\n");
                return -EINVAL;
        }
        if (strcmp(opt, "all") == 0) {
                o->all = true;
                return 0;
        }
        if (strcmp(opt, "cross_mounts") == 0) {
                o->cross_mounts = true;
                return 0;
        }
        if (strcmp(opt, "symlinks=stored") == 0 || strcmp(opt, "symlinks=contained") == 0) {
                o->symlinks_stored = strcmp(opt, "symlinks=stored") == 0;
                return 0;
        }
        if (strcmp(opt, "noreaddirplus") == 0) {
                o->readdirplus = false;
                return 0;
        }
        if (options_has_prefix(opt, "path=", &v))
                return options_add_path(o, v);
        if (options_has_prefix(opt, "timeout=", &v)) {
                o->timeout = strtod(v, &end);
                if (*v && !*end && o->timeout >= 0 && o->timeout <= 86400)
                        return 0;
        } else if (options_has_prefix(opt, "watched_timeout=", &v)) {
                o->watched_timeout = strtod(v, &end);
                if (*v && !*end && o->watched_timeout >= 0 && o->watched_timeout <= 86400)
                        return 0;
        } else if (options_has_prefix(opt, "max_watches=", &v)) {
                unsigned long long n;

                errno = 0;
                n = strtoull(v, &end, 10);
                if (*v && !*end && !errno && *v != '-') {
                        o->max_watches = (size_t) n;
                        return 0;
                }
        } else if (options_has_prefix(opt, "max_input=", &v)) {
                if (options_size(v, &o->max_input) && o->max_input > 0)
                        return 0;
        } else if (options_has_prefix(opt, "cache_size=", &v)) {
                if (options_size(v, &o->cache_size))
                        return 0;
        } else if (options_has_prefix(opt, "max_nodes=", &v)) {
                unsigned long long n = strtoull(v, &end, 10);

                if (*v && !*end && n >= 64 && n <= (1ULL << 32)) {
                        o->max_nodes = (size_t) n;
                        return 0;
                }
        } else {
                return options_add_fuse(o, opt);
        }
        fprintf(stderr, "kubefs: bad value in option '%s'\n", opt);
        return -EINVAL;
}

static int options_list(struct kfs_options *o, const char *list)
{
        char *copy = strdup(list), *save = NULL;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w && r == 0; w = strtok_r(NULL, ",", &save))
                r = options_one(o, w);
        free(copy);
        return r;
}

static void options_version(void)
{
        printf("kubefs %s\n", KFS_VERSION);
        /* the libraries' own versions are in the mount's .kubefs/version */
}

int kfs_options_parse(struct kfs_options *o, int argc, char **argv)
{
        static const struct option longopts[] = {
                { "all", no_argument, NULL, 'A' },
                { "path", required_argument, NULL, 'P' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int c;

        *o = (struct kfs_options) {
                .timeout = DEFAULT_TIMEOUT,
                .watched_timeout = DEFAULT_WATCHED_TIMEOUT,
                .max_watches = DEFAULT_MAX_WATCHES,
                .max_input = KFS_MAX_INPUT,
                .cache_size = DEFAULT_CACHE_SIZE,
                .max_nodes = DEFAULT_MAX_NODES,
                .readdirplus = true,
        };
        opterr = 0;
        while ((c = getopt_long(argc, argv, ":fdso:hV", longopts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        o->foreground = true;
                        break;
                case 'd':
                        o->debug = o->foreground = true;
                        break;
                case 's':
                        o->single_thread = true;
                        break;
                case 'o':
                        if (options_list(o, optarg) < 0)
                                return KFS_EXIT_USAGE;
                        break;
                case 'A':
                        o->all = true;
                        break;
                case 'P':
                        if (options_add_path(o, optarg) < 0)
                                return KFS_EXIT_FAILURE;
                        break;
                case 'h':
                        options_usage(stdout);
                        return KFS_EXIT_OK;
                case 'V':
                        options_version();
                        return KFS_EXIT_OK;
                case ':':
                        fprintf(stderr, "kubefs: option '%s' needs a value\n", argv[optind - 1]);
                        return KFS_EXIT_USAGE;
                default:
                        fprintf(stderr, "kubefs: unknown option '%s' (see kubefs --help)\n", argv[optind - 1]);
                        return KFS_EXIT_USAGE;
                }
        }
        switch (argc - optind) {
        case 1:
                o->root = "/";
                o->mountpoint = argv[optind];
                break;
        case 2:
                o->root = argv[optind];
                o->mountpoint = argv[optind + 1];
                break;
        case 0:
                fprintf(stderr, "kubefs: no MOUNTPOINT given (see kubefs --help)\n");
                return KFS_EXIT_USAGE;
        default:
                fprintf(stderr, "kubefs: too many arguments: '%s' (see kubefs --help)\n", argv[optind + 2]);
                return KFS_EXIT_USAGE;
        }
        if (o->all && o->n_paths) {
                fprintf(stderr, "kubefs: --all and --path exclude each other\n");
                return KFS_EXIT_USAGE;
        }
        return -1;
}

void kfs_options_release(struct kfs_options *o)
{
        for (size_t i = 0; i < o->n_paths; i++)
                free(o->paths[i]);
        free(o->paths);
        free(o->fuse_opts);
}
