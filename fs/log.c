/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <fuse_log.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define ERRORS_KEPT 100         /* lines in .kubefs/errors */

static bool log_syslog;
static bool log_debug;

static struct {
        pthread_mutex_t lock;
        char *lines[ERRORS_KEPT];
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
        static __thread char pending[2048];
        size_t used = strlen(pending);

        vsnprintf(pending + used, sizeof(pending) - used, fmt, ap);
        used = strlen(pending);
        if (used && pending[used - 1] != '\n' && used < sizeof(pending) - 1)
                return;
        kfs_log((enum kfs_log_level) level, "%s", pending);
        pending[0] = '\0';
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
        char stamp[32], *line = NULL;
        time_t now = time(NULL);
        struct tm tm;

        kfs_log(KFS_LOG_WARNING, "cannot decode '/%s' (%s): %s", relpath, decoder, msg);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        if (asprintf(&line, "%s /%s (%s): %s", stamp, relpath, decoder, msg) < 0)
                return;
        /* one line each: a message is never allowed to forge another */
        for (char *p = line; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        pthread_mutex_lock(&errors.lock);
        free(errors.lines[errors.next]);
        errors.lines[errors.next] = line;
        errors.next = (errors.next + 1) % ERRORS_KEPT;
        pthread_mutex_unlock(&errors.lock);
}

int kfs_log_render_errors(struct kfs_buf *out)
{
        pthread_mutex_lock(&errors.lock);
        for (size_t i = 0; i < ERRORS_KEPT; i++) {
                const char *l = errors.lines[(errors.next + i) % ERRORS_KEPT];
                if (l)
                        kfs_buf_addf(out, "%s\n", l);
        }
        pthread_mutex_unlock(&errors.lock);
        return out->err;
}
