/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The mount's command line (docs/spec.md §1), parsed by options.c. */

#include <stdbool.h>
#include <stddef.h>

struct kfs_options {
        const char *root;               /* ROOT, "/" when not given */
        const char *mountpoint;
        bool foreground;                /* -f, -d */
        bool debug;                     /* -d */
        bool single_thread;             /* -s */
        bool all;                       /* --all, -o all: all of ROOT */
        char **paths;                   /* --path, -o path=: these instead of the defaults */
        size_t n_paths;
        char *fuse_opts;                /* -o options for libfuse and the kernel, comma-joined */

        /* kubefs's own -o options */
        double timeout;                 /* timeout=SECS: kernel entry/attr cache */
        double watched_timeout;         /* watched_timeout=SECS: the same where inotify covers changes */
        size_t max_watches;             /* max_watches=N: inotify watches at most (SIZE_MAX: automatic) */
        size_t max_input;               /* max_input=SIZE: bigger sources get an error sidecar */
        size_t cache_size;              /* cache_size=SIZE: memory for decoded views */
        size_t max_nodes;               /* max_nodes=N: past it the kernel is asked to forget entries */
        bool cross_mounts;              /* cross_mounts: descend into other filesystems */
        bool readdirplus;               /* noreaddirplus turns it off */
        bool symlinks_stored;           /* symlinks=stored: targets as stored (may lead out of the mount) */
};

/* Parses argv. Returns -1 to go on and mount, else the exit code to leave
 * with (0 after --help/--version, 2 after a usage error, already reported). */
int kfs_options_parse(struct kfs_options *o, int argc, char **argv);
void kfs_options_release(struct kfs_options *o);
