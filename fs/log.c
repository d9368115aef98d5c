/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <fuse_log.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define ERRORS_KEPT 100         /* lines in .kubefs/errors */

#define FUSE_LINE_MAX 1024      /* one libfuse message, joined from its pieces */

static bool log_syslog;
static bool log_debug;

/* libfuse logs from its own threads too: one line under construction per thread */
static _Thread_local char fuse_line[FUSE_LINE_MAX];
static bool fuse_hold;
static char fuse_held[FUSE_LINE_MAX];

static struct {
        pthread_mutex_t lock;
        char *lines[ERRORS_KEPT];
        char *paths[ERRORS_KEPT];       /* the file each is about: shown only to who may read it */
        size_t next;
} errors = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void log_v(enum kfs_log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void log_v(enum kfs_log_level level, const char *fmt, va_list ap)
{
        if (level == KFS_LOG_DEBUG && !log_debug)
                return;
        if (log_syslog) {
                vsyslog((int) level, fmt, ap);
                return;
        }
        char line[2048];
        vsnprintf(line, sizeof(line), fmt, ap);
        fprintf(stderr, "kubefs: %s%s", line, line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
}

void kfs_log(enum kfs_log_level level, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_v(level, fmt, ap);
        va_end(ap);
}

static void log_fuse(enum fuse_log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* libfuse logs some messages in pieces (its unknown-option error in three):
 * they are gathered into one line. */
static void log_fuse(enum fuse_log_level level, const char *fmt, va_list ap)
{
        size_t len = strlen(fuse_line);

        vsnprintf(fuse_line + len, sizeof(fuse_line) - len, fmt, ap);
        len = strlen(fuse_line);
        if (len && fuse_line[len - 1] != '\n' && len + 1 < sizeof(fuse_line))
                return;         /* more to come */
        if (len && fuse_line[len - 1] == '\n')
                fuse_line[--len] = '\0';
        if (fuse_hold)
                memcpy(fuse_held, fuse_line, len + 1);
        else
                kfs_log((enum kfs_log_level) level, "%s", fuse_line);
        fuse_line[0] = '\0';
}

void kfs_log_fuse_hold(bool hold)
{
        fuse_hold = hold;
        if (hold)
                fuse_held[0] = '\0';
}

const char *kfs_log_fuse_held(void)
{
        return fuse_held;
}

void kfs_log_init(bool to_syslog, bool debug)
{
        log_syslog = to_syslog;
        log_debug = debug;
        if (to_syslog)
                openlog("kubefs", LOG_PID, LOG_DAEMON);
        fuse_set_log_func(log_fuse);
}

void kfs_log_decode_error(const char *relpath, const char *decoder, const char *msg)
{
        char stamp[32], *line = NULL, *path;
        time_t now = time(NULL);
        struct tm tm;

        kfs_log(KFS_LOG_WARNING, "cannot decode '/%s' (%s): %s", relpath, decoder, msg);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        if (asprintf(&line, "%s /%s (%s): %s", stamp, relpath, decoder, msg) < 0)
                return;
        if (!(path = strdup(relpath))) {
                free(line);
                return;
        }
        /* one line each: a message is never allowed to forge another */
        for (char *p = line; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        pthread_mutex_lock(&errors.lock);
        free(errors.lines[errors.next]);
        free(errors.paths[errors.next]);
        errors.lines[errors.next] = line;
        errors.paths[errors.next] = path;
        errors.next = (errors.next + 1) % ERRORS_KEPT;
        pthread_mutex_unlock(&errors.lock);
}

int kfs_log_render_errors(struct kfs_buf *out, bool (*keep)(const char *relpath, void *arg), void *arg)
{
        char *lines[ERRORS_KEPT] = { 0 }, *paths[ERRORS_KEPT] = { 0 };

        /* copied out: keep() reads the node, not to be done under the lock */
        pthread_mutex_lock(&errors.lock);
        for (size_t i = 0; i < ERRORS_KEPT; i++) {
                size_t k = (errors.next + i) % ERRORS_KEPT;
                if (errors.lines[k] && (!(lines[i] = strdup(errors.lines[k])) ||
                                        !(paths[i] = strdup(errors.paths[k])))) {
                        free(lines[i]);
                        lines[i] = NULL;
                        out->err = -ENOMEM;
                }
        }
        pthread_mutex_unlock(&errors.lock);
        for (size_t i = 0; i < ERRORS_KEPT; i++) {
                if (lines[i] && (!keep || keep(paths[i], arg)))
                        kfs_buf_addf(out, "%s\n", lines[i]);
                free(lines[i]);
                free(paths[i]);
        }
        return out->err;
}
