/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Setting the mount up and tearing it down: ROOT, MOUNTPOINT checks, the
 * FUSE session with the options every kubefs mount has (read-only,
 * default_permissions, auto_unmount, fsname=ROOT, subtype=kubefs), the
 * watcher, the request loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli.h"
#include "fs.h"
#include "log.h"
#include "mount.h"

#define MAX_THREADS 16

/* `s` with ',' and '\' escaped, as libfuse's option parser reads them. */
static char *escape_opt(const char *s)
{
        char *out = malloc(strlen(s) * 2 + 1), *o = out;

        if (!out)
                return NULL;
        for (; *s; s++) {
                if (*s == ',' || *s == '\\')
                        *o++ = '\\';
                *o++ = *s;
        }
        *o = '\0';
        return out;
}

/* More descriptors for open files; the soft limit is often 1024. */
static void raise_nofile(void)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

/* The mount ID of `fd`, asking the filesystem nothing (0 if unknown). */
static uint64_t mount_id(int fd)
{
        struct statx sx;

        if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &sx) < 0 ||
            !(sx.stx_mask & STATX_MNT_ID))
                return 0;
        return sx.stx_mnt_id;
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void mountinfo_unescape(char *s)
{
        char *o = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else {
                        *o++ = *s;
                }
        }
        *o = '\0';
}

/* Whether a kubefs mount is on top at `mnt`: a second one would stack on it. */
static bool kubefs_mounted_at(const char *mnt)
{
        char *real = realpath(mnt, NULL), *line = NULL;
        size_t alloc = 0;
        bool found = false;
        FILE *f;

        if (!real)
                return false;
        f = fopen("/proc/self/mountinfo", "re");
        while (f && getline(&line, &alloc, f) > 0) {
                char point[PATH_MAX * 4 + 1], type[256];
                const char *sep = strstr(line, " - ");

                /* ID PARENT MAJ:MIN ROOT POINT OPTIONS... - TYPE SOURCE SUPER */
                if (!sep || sscanf(line, "%*s %*s %*s %*s %4096s", point) != 1 || sscanf(sep + 3, "%255s", type) != 1)
                        continue;
                mountinfo_unescape(point);
                if (strcmp(point, real) == 0)
                        found = strcmp(type, "fuse.kubefs") == 0;      /* the last one listed is on top */
        }
        if (f)
                fclose(f);
        free(line);
        free(real);
        return found;
}

static int check_mountpoint(const char *mnt)
{
        struct statvfs sv;
        struct stat st;

        /* statfs always asks the filesystem: a dead FUSE daemon's mount answers
         * ENOTCONN even where stat(2) is served from cached attributes */
        if (stat(mnt, &st) < 0 || statvfs(mnt, &sv) < 0) {
                if (errno == ENOTCONN)
                        fprintf(stderr, "kubefs: MOUNTPOINT '%s' is a stale mount (Transport endpoint is not "
                                "connected); clear it with: fusermount3 -u -z %s\n", mnt, mnt);
                else
                        fprintf(stderr, "kubefs: cannot use MOUNTPOINT '%s': %s\n", mnt, strerror(errno));
                return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
                fprintf(stderr, "kubefs: cannot use MOUNTPOINT '%s': %s\n", mnt, strerror(ENOTDIR));
                return -1;
        }
        if (kubefs_mounted_at(mnt)) {
                fprintf(stderr, "kubefs: MOUNTPOINT '%s' is already a kubefs mount; unmount it first "
                        "(fusermount3 -u %s)\n", mnt, mnt);
                return -1;
        }
        return 0;
}

/* MOUNTPOINT inside ROOT is never looked at: we would be reading ourselves. */
static int hide_mountpoint(struct kfs_root *root, const char *mnt)
{
        char *real = realpath(mnt, NULL);
        size_t rl = strlen(root->path);
        const char *rel = NULL;

        if (!real)
                return -errno;
        if (strcmp(root->path, "/") == 0)
                rel = real + 1;
        else if (strncmp(real, root->path, rl) == 0 && (real[rl] == '/' || !real[rl]))
                rel = real + rl + (real[rl] == '/');
        if (rel && !*rel) {
                free(real);
                return -EINVAL;
        }
        if (rel && !(root->hidden = strdup(rel))) {
                free(real);
                return -ENOMEM;
        }
        free(real);
        return 0;
}

static char *fuse_optstring(const struct kfs_options *o, const char *root)
{
        char *fsname = escape_opt(root), *s = NULL;

        if (!fsname)
                return NULL;
        if (asprintf(&s, "fsname=%s,subtype=kubefs,default_permissions,ro,nosuid,nodev,auto_unmount%s%s",
                     fsname, o->fuse_opts ? "," : "", o->fuse_opts ? o->fuse_opts : "") < 0)
                s = NULL;
        free(fsname);
        return s;
}

/*
 * fuse_session_new() refused the options. libfuse is the authority on which
 * of the -o words it takes (they differ between versions), so ask it about
 * each word the user passed on to it, and name the one it does not take, in
 * one line, the way kubefs's own options are reported. Nothing is mounted by
 * fuse_session_new(), so trying costs nothing but a little memory.
 */
static void explain_session_error(const struct kfs_options *o)
{
        char *copy = o->fuse_opts ? strdup(o->fuse_opts) : NULL, *save = NULL;
        char held[1024];

        snprintf(held, sizeof(held), "%s", kfs_log_fuse_held());
        for (char *w = copy ? strtok_r(copy, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save)) {
                char *argv[] = { "kubefs", "-o", w, NULL };
                struct fuse_args args = FUSE_ARGS_INIT(3, argv);
                struct fuse_session *se;

                kfs_log_fuse_hold(true);
                se = fuse_session_new(&args, &kfs_ops, sizeof(kfs_ops), NULL);
                kfs_log_fuse_hold(false);
                if (se) {
                        fuse_session_destroy(se);
                        continue;
                }
                fprintf(stderr, "kubefs: unknown mount option '%s' (kubefs --help lists them)\n", w);
                free(copy);
                return;
        }
        free(copy);
        fprintf(stderr, "kubefs: %s\n", *held ? held : "libfuse refused the mount options");
}

static int serve(struct kfs_fs *fs)
{
        struct fuse_loop_config *cfg;
        int r;

        if (fs->opts->single_thread)
                return fuse_session_loop(fs->se);
        cfg = fuse_loop_cfg_create();
        if (!cfg)
                return -ENOMEM;
        fuse_loop_cfg_set_clone_fd(cfg, 0);
        fuse_loop_cfg_set_max_threads(cfg, MAX_THREADS);
        r = fuse_session_loop_mt(fs->se, cfg);
        fuse_loop_cfg_destroy(cfg);
        return r;
}

int kfs_mount_main(const struct kfs_options *o)
{
        struct kfs_fs fs = { .opts = o, .timeout = o->timeout,
                             .watched_timeout = o->watched_timeout > o->timeout ? o->watched_timeout : o->timeout,
                             .root = { .fd = -1 } };
        struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
        char *optstr = NULL;
        struct stat st;
        int r, mfd, rc = KFS_EXIT_FAILURE;
        uint64_t mnt_before = 0;
        bool mounted = false;

        kfs_log_init(false, o->debug);
        r = kfs_root_init(&fs.root, o->root);
        if (r == 0 && fstat(fs.root.fd, &st) < 0)
                r = -errno;
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot open ROOT '%s': %s\n", o->root, strerror(-r));
                return KFS_EXIT_FAILURE;
        }
        fs.root.max_input = o->max_input;
        if (check_mountpoint(o->mountpoint) < 0)
                goto out;
        /* ROOT inside MOUNTPOINT: we would serve ourselves (and even the
         * watcher's first look at ROOT would wait on a mount nobody serves) */
        mfd = open(o->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = mfd < 0 ? -errno : kfs_root_contains_fd(fs.root.path, mfd);
        if (mfd >= 0) {
                mnt_before = mount_id(mfd);
                close(mfd);
        }
        if (r != 0) {
                if (r > 0)
                        fprintf(stderr, "kubefs: ROOT '%s' is inside MOUNTPOINT '%s': kubefs would read its own "
                                "mount\n", o->root, o->mountpoint);
                else
                        fprintf(stderr, "kubefs: cannot use MOUNTPOINT '%s': %s\n", o->mountpoint, strerror(-r));
                goto out;
        }
        r = hide_mountpoint(&fs.root, o->mountpoint);
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot mount ROOT '%s' on itself ('%s')\n", o->root, o->mountpoint);
                goto out;
        }
        raise_nofile();
        /* glibc gives each request thread an arena of its own: a big listing's
         * nodes and entries, freed by one thread and made again by another,
         * left every arena holding freed memory (RSS rose at each `ls -l` of
         * 100k entries, issue 10.3); one arena (tcache keeps small allocations
         * off its lock) and trims after big listings keep it level */
        mallopt(M_ARENA_MAX, 1);
        if (kfs_locations_init(&fs.locs, o->all, o->paths, o->n_paths) < 0 || kfs_nodes_init(&fs) < 0 ||
            !(fs.cache = kfs_cache_new(&fs.root, o->cache_size, (unsigned) (o->timeout * 1000)))) {
                fprintf(stderr, "kubefs: out of memory\n");
                goto out;
        }
        fs.rootnode.dev = st.st_dev;
        if (!o->cross_mounts) {
                fs.root.may_cross = kfs_locations_may_cross;
                fs.root.cross_data = &fs.locs;
        }
        fs.rootnode.vis = kfs_locations_classify(&fs.locs, "");

        optstr = fuse_optstring(o, fs.root.path);
        if (!optstr || fuse_opt_add_arg(&args, "kubefs") < 0 || fuse_opt_add_arg(&args, "-o") < 0 ||
            fuse_opt_add_arg(&args, optstr) < 0 || (o->debug && fuse_opt_add_arg(&args, "-d") < 0)) {
                fprintf(stderr, "kubefs: out of memory\n");
                goto out;
        }
        kfs_log_fuse_hold(true);
        fs.se = fuse_session_new(&args, &kfs_ops, sizeof(kfs_ops), &fs);
        kfs_log_fuse_hold(false);
        if (!fs.se) {
                explain_session_error(o);
                rc = KFS_EXIT_USAGE;
                goto out;
        }
        if (fuse_set_signal_handlers(fs.se) < 0)
                goto out;
        if (fuse_session_mount(fs.se, o->mountpoint) < 0) {
                fprintf(stderr, "kubefs: cannot mount on '%s'\n", o->mountpoint);
                goto out;
        }
        mounted = true;
        /* from now on, nothing resolved inside ROOT enters our own mount,
         * whatever path leads there (a symlink, a bind mount) */
        mfd = open(o->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = mfd < 0 ? -errno : kfs_root_set_self(&fs.root, mfd);
        if (mfd >= 0)
                close(mfd);
        if (r == 0 && (fs.root.self_mnt == mnt_before || fs.root.self_mnt == fs.root.mnt))
                r = -EBUSY;     /* not our mount: something raced us */
        if (r < 0) {
                fprintf(stderr, "kubefs: cannot identify the mount at '%s': %s\n", o->mountpoint, strerror(-r));
                goto out;
        }
        if (fuse_daemonize(o->foreground) < 0)
                goto out;
        if (!o->foreground)
                kfs_log_init(true, o->debug);

        fs.watch = kfs_watch_new(&fs);
        if (fs.watch && kfs_watch_start(fs.watch) < 0)
                kfs_log(KFS_LOG_WARNING, "cannot start the watcher: changes show after %g s", fs.timeout);
        kfs_watch_dir(fs.watch, "");
        kfs_log(KFS_LOG_DEBUG, "serving '%s' at '%s'", fs.root.path, o->mountpoint);
        r = serve(&fs);
        /* a stop asked for (SIGTERM from systemctl stop, ^C) is a normal end */
        rc = r == 0 || r == SIGTERM || r == SIGINT || r == SIGHUP ? KFS_EXIT_OK : KFS_EXIT_FAILURE;
out:
        kfs_fs_reports_stop(&fs);
        kfs_watch_free(fs.watch);
        if (fs.se) {
                if (mounted)
                        fuse_session_unmount(fs.se);
                fuse_remove_signal_handlers(fs.se);
                fuse_session_destroy(fs.se);
        }
        fuse_opt_free_args(&args);
        free(optstr);
        kfs_cache_free(fs.cache);
        if (fs.table)
                kfs_nodes_release(&fs);
        kfs_locations_release(&fs.locs);
        kfs_root_release(&fs.root);
        return rc;
}
