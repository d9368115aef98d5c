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
 * All functions return 0 (or an fd) on success and -errno on failure, and
 * leave their ret_* arguments untouched on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Sources bigger than this get an error sidecar instead of a decode. */
#define KFS_MAX_INPUT (16u << 20)

struct kfs_root {
        int fd;                 /* O_PATH|O_DIRECTORY descriptor of ROOT */
        char *path;             /* ROOT as canonicalized at open, for messages and inotify */
        size_t max_input;       /* size cap for kfs_root_read(), KFS_MAX_INPUT by default */
        char *hidden;           /* a relative path never resolved (our own mountpoint), or NULL */
        bool walk;              /* resolve in userspace: the kernel has no openat2 */
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
void kfs_root_release(struct kfs_root *root);

/* Opens `relpath` with open(2) `flags` (O_CLOEXEC is added). Returns an fd. */
int kfs_root_open(const struct kfs_root *root, const char *relpath, int flags,
                  enum kfs_resolve how);

/* stat(2) (FOLLOW) or lstat(2) (NOFOLLOW) of `relpath`. */
int kfs_root_stat(const struct kfs_root *root, const char *relpath, enum kfs_resolve how,
                  struct stat *ret_st);

/* The normalized ROOT-relative path `relpath` names once every symlink in it
 * is followed inside ROOT (malloc'd; "" for ROOT itself). */
int kfs_root_resolve(const struct kfs_root *root, const char *relpath, char **ret_path);

/* The target of the symlink `relpath`, exactly as stored (malloc'd). */
int kfs_root_readlink(const struct kfs_root *root, const char *relpath, char **ret_target);

/*
 * Reads the regular file at `relpath`: opened O_RDONLY|O_NONBLOCK (never
 * blocks on a FIFO, never opens a device or socket: -EINVAL for anything
 * not regular after fstat), at most root->max_input bytes (-EFBIG beyond).
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
