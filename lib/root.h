/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * struct kfs_root: a node's root directory (ROOT), and the only way kubefs
 * reaches files: every path is resolved *inside* ROOT.
 *
 * Paths given to these functions are relative to ROOT; a leading '/' is
 * ignored, so an absolute path found inside a node's file (a symlink target,
 * a kubeconfig's certificate path, a unit's EnvironmentFile=) means the same
 * file in ROOT. ".." never climbs above ROOT; absolute symlink targets
 * restart at ROOT; resolution that would escape fails with -ENOENT/-ELOOP
 * (openat2 RESOLVE_IN_ROOT, or a userspace walk on kernels without it).
 *
 * Two more walls, checked by mount ID at every component of every walk
 * (openat2 RESOLVE_NO_XDEV, and a userspace walk whenever a mount is
 * crossed):
 * - kubefs's own mount (kfs_root_set_self()) is never entered, by any path,
 *   whatever its name: -EDEADLK (reading ourselves would deadlock);
 * - another filesystem mounted at a path where root->may_cross() says no
 *   is not entered: -EXDEV. Its mount point itself can still be stat'ed
 *   (O_PATH): kfs_root_stat_mount() says it is one.
 *
 * Nothing but a regular file is ever opened for reading: readers open
 * O_PATH, fstat, refuse anything else, then reopen that very inode through
 * /proc/self/fd (no path lookup between the check and the open).
 *
 * All functions return 0 (or an fd) on success and -errno on failure, and
 * leave their ret_* arguments untouched on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Sources bigger than this get an error sidecar instead of a decode. */
#define KFS_MAX_INPUT (16u << 20)

struct kfs_root {
        int fd;                 /* O_PATH|O_DIRECTORY descriptor of ROOT */
        char *path;             /* ROOT as canonicalized at open, for messages and inotify */
        size_t max_input;       /* size cap for kfs_root_read(), KFS_MAX_INPUT by default */
        char *hidden;           /* a relative path never resolved (our own mountpoint), or NULL */
        bool walk;              /* resolve in userspace: the kernel has no openat2 */
        uint64_t mnt;           /* ROOT's mount ID */
        uint64_t self_mnt;      /* our own mount's ID, 0 before kfs_root_set_self() */
        dev_t self_dev;         /* and its device (the same through any bind mount of it) */
        /* Whether a filesystem mounted at the ROOT-relative `path` may be
         * entered; NULL: every one may (our own never). */
        bool (*may_cross)(const void *data, const char *path);
        const void *cross_data;
};

enum kfs_resolve {
        /* No symlink anywhere in the path: the FUSE view's own entries
         * (a symlink as last component is opened as the link itself when
         * O_PATH|O_NOFOLLOW is asked for, else -ELOOP). */
        KFS_RESOLVE_NOFOLLOW = 0,
        /* Symlinks are followed, inside ROOT (a symlink's sidecars, paths
         * named inside files). */
        KFS_RESOLVE_FOLLOW = 1,
};

int kfs_root_init(struct kfs_root *root, const char *path);

/* Our own mount, from a descriptor of its root directory (O_PATH): never
 * entered from now on. Asks the filesystem nothing (it may not be served yet). */
int kfs_root_set_self(struct kfs_root *root, int mnt_fd);

/* Whether the directory (O_PATH is enough) `fd` is ROOT or inside it, by
 * device and inode of each parent up to /: for refusing ROOT inside the
 * mountpoint before mounting. */
int kfs_root_contains_fd(const char *root_path, int fd);
void kfs_root_release(struct kfs_root *root);

/* Opens `relpath` with open(2) `flags` (O_CLOEXEC is added). Returns an fd. */
int kfs_root_open(const struct kfs_root *root, const char *relpath, int flags,
                  enum kfs_resolve how);

/* stat(2) (FOLLOW) or lstat(2) (NOFOLLOW) of `relpath`. */
int kfs_root_stat(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  struct stat *ret_st);

/* The same; *ret_mount says `relpath` is the mount point of a filesystem
 * that may not be entered (what is stat'ed is that filesystem's root). */
int kfs_root_stat_mount(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                        struct stat *ret_st, bool *ret_mount);

/*
 * Opens the regular file at `relpath` for reading (O_RDONLY|O_NONBLOCK|
 * O_NOCTTY): O_PATH first, fstat, -EINVAL for anything not regular (-ELOOP
 * for a symlink not followed), then that inode reopened through
 * /proc/self/fd. A FIFO, device or socket is never opened. *ret_st: its stat.
 */
int kfs_root_open_regular(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                          struct stat *ret_st);

/* The normalized ROOT-relative path `relpath` names once every symlink in it
 * is followed inside ROOT (malloc'd; "" for ROOT itself). */
int kfs_root_resolve(const struct kfs_root *root, const char *relpath, char **ret_path);

/* The target of the symlink `relpath`, exactly as stored (malloc'd). */
int kfs_root_readlink(const struct kfs_root *root, const char *relpath, char **ret_target);

/*
 * The target a view of ROOT shows for the symlink `relpath` so that the
 * kernel, following it inside the view, reaches what following it inside
 * ROOT reaches, never above the view's top (malloc'd): a relative target
 * that only descends, or climbs through real directories without leaving
 * ROOT, as stored; an absolute one as sshfs's transform_symlinks writes it
 * ("../" per directory level of the link, then the stored path without its
 * leading '/'); any other (climbing out of ROOT, or through a symlink) as
 * "../" per level and the path it resolves to inside ROOT (lexically
 * clamped at ROOT when dangling or looping).
 */
int kfs_root_link_target(const struct kfs_root *root, const char *relpath, char **ret_target);

/*
 * Reads the regular file at `relpath` (kfs_root_open_regular(): never opens
 * a FIFO, device or socket: -EINVAL), at most root->max_input bytes
 * (-EFBIG beyond).
 * *ret_data is malloc'd and NUL-terminated after *ret_len bytes.
 */
int kfs_root_read(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  char **ret_data, size_t *ret_len, struct stat *ret_st);

/* All of a stream (a pipe, standard input) up to `max` bytes (-EFBIG past
 * it), read with read(2) from its current offset; malloc'd and
 * NUL-terminated after *ret_len bytes. The caller keeps the fd. */
int kfs_read_stream(int fd, size_t max, char **ret_data, size_t *ret_len);

/* The names in the directory open at `fd` (taken over and closed), without
 * "." and "..", sorted bytewise: a malloc'd NULL-terminated array of
 * malloc'd strings (kfs_strv_free()), and their count in *ret_n (may be NULL). */
int kfs_list_dir_fd(int fd, char ***ret_names, size_t *ret_n);

/* The same from an fd opened by the caller (which keeps ownership of it). */
int kfs_read_fd(int fd, size_t max, char **ret_data, size_t *ret_len, struct stat *ret_st);

/* The ROOT-relative path `rel` joined to `dir` and normalized lexically
 * ("a/b" + "../c" = "a/c"; absolute `rel` starts over at ROOT); never climbs
 * above ROOT. malloc'd; NULL on allocation failure. */
char *kfs_path_join(const char *dir, const char *rel);

/* "dir/name", or "name" when `dir` is "" (ROOT): a directory entry's path,
 * with no normalization (`name` has no '/'). malloc'd; NULL on failure. */
char *kfs_path_child(const char *dir, const char *name);

/* The directory part of a ROOT-relative path ("" for a top-level name), malloc'd. */
char *kfs_path_dirname(const char *relpath);
/* The last component of a path (points into `path`). */
const char *kfs_path_basename(const char *path);
