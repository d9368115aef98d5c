/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * struct kfs_buf: a growable byte buffer with a hard cap, after curl's dynbuf
 * and git's strbuf.
 *
 * - The contents are always NUL-terminated once anything was added;
 *   kfs_buf_str() returns "" for an empty buffer, never NULL.
 * - Errors are sticky: the first failure (-ENOMEM, or -EFBIG when the cap
 *   would be passed) is kept in ->err, later adds do nothing and return it.
 *   A renderer may therefore add freely and check once: `return out->err;`.
 * - The buffer owns its memory. kfs_buf_release() frees it and leaves an
 *   empty buffer with the same cap; kfs_buf_detach() hands it to the caller.
 */

#include <stdarg.h>
#include <stddef.h>

struct kfs_buf {
        char *buf;      /* NULL until the first add */
        size_t len;     /* bytes used, not counting the NUL */
        size_t alloc;   /* bytes allocated */
        size_t max;     /* len never exceeds this */
        int err;        /* 0, or the first -errno an add returned */
};

#define KFS_BUF_INIT(cap) { .buf = NULL, .len = 0, .alloc = 0, .max = (cap), .err = 0 }

void kfs_buf_init(struct kfs_buf *b, size_t max);
void kfs_buf_release(struct kfs_buf *b);
/* Empties the buffer and clears ->err, keeping the allocation. */
void kfs_buf_reset(struct kfs_buf *b);

int kfs_buf_addn(struct kfs_buf *b, const void *data, size_t len);
int kfs_buf_add(struct kfs_buf *b, const char *s);
int kfs_buf_addc(struct kfs_buf *b, char c);
int kfs_buf_addf(struct kfs_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int kfs_buf_vaddf(struct kfs_buf *b, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
/* Adds `n` copies of `c` (column padding). */
int kfs_buf_pad(struct kfs_buf *b, char c, size_t n);

/* Shortens the contents to `len` bytes (no-op when already shorter). */
void kfs_buf_truncate(struct kfs_buf *b, size_t len);

/* The contents, NUL-terminated; "" when empty. Valid until the next add. */
const char *kfs_buf_str(const struct kfs_buf *b);

/* Returns the contents (malloc'd, NUL-terminated, never NULL on success) and
 * leaves the buffer empty. Returns NULL on allocation failure or when the
 * buffer holds an error. */
char *kfs_buf_detach(struct kfs_buf *b, size_t *ret_len);
