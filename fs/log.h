/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The daemon's log: stderr in the foreground, syslog once daemonized (libfuse
 * 3.14 has no syslog helper, so libfuse's own messages are routed here too
 * with fuse_log_set_func). Decode errors are also kept in a small ring for
 * MNT/.kubefs/errors.
 */

#include <stdbool.h>

#include "buf.h"

enum kfs_log_level {
        KFS_LOG_ERR = 3,
        KFS_LOG_WARNING = 4,
        KFS_LOG_INFO = 6,
        KFS_LOG_DEBUG = 7,
};

void kfs_log_init(bool to_syslog, bool debug);
void kfs_log(enum kfs_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* libfuse writes some messages in pieces ("unknown option(s): '", "-o ",
 * "x'\n"); they are joined and logged as one line. While `hold` is on, they
 * are kept instead of logged: kfs_log_fuse_held() is the last complete one
 * ("" if none), for a caller that may say it better. */
void kfs_log_fuse_hold(bool hold);
const char *kfs_log_fuse_held(void);

/* Logs a decode error and remembers it for .kubefs/errors. */
void kfs_log_decode_error(const char *relpath, const char *decoder, const char *msg);

/* The remembered decode errors, oldest first, one per line; only those
 * about a file (ROOT-relative) for which keep(relpath, arg) says yes. */
int kfs_log_render_errors(struct kfs_buf *out, bool (*keep)(const char *relpath, void *arg), void *arg);
