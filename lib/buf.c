/* SPDX-License-Identifier: Apache-2.0 */
#include "buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kfs_buf_init(struct kfs_buf *b, size_t max)
{
        *b = (struct kfs_buf) KFS_BUF_INIT(max);
}

void kfs_buf_release(struct kfs_buf *b)
{
        free(b->buf);
        kfs_buf_init(b, b->max);
}

void kfs_buf_reset(struct kfs_buf *b)
{
        b->len = 0;
        b->err = 0;
        if (b->buf)
                b->buf[0] = '\0';
}

/* Makes room for `extra` more bytes plus the NUL. */
static int buf_grow(struct kfs_buf *b, size_t extra)
{
        size_t need, alloc;
        char *p;

        if (b->err)
                return b->err;
        if (extra > b->max - b->len)
                return b->err = -EFBIG;
        need = b->len + extra + 1;
        if (need <= b->alloc)
                return 0;
        alloc = b->alloc ? b->alloc : 64;
        while (alloc < need)
                alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
        p = realloc(b->buf, alloc);
        if (!p)
                return b->err = -ENOMEM;
        b->buf = p;
        b->alloc = alloc;
        return 0;
}

int kfs_buf_addn(struct kfs_buf *b, const void *data, size_t len)
{
        int r = buf_grow(b, len);

        if (r < 0)
                return r;
        if (len)
                memcpy(b->buf + b->len, data, len);
        b->len += len;
        b->buf[b->len] = '\0';
        return 0;
}

int kfs_buf_add(struct kfs_buf *b, const char *s)
{
        return kfs_buf_addn(b, s, strlen(s));
}

int kfs_buf_addc(struct kfs_buf *b, char c)
{
        return kfs_buf_addn(b, &c, 1);
}

int kfs_buf_pad(struct kfs_buf *b, char c, size_t n)
{
        int r = buf_grow(b, n);

        if (r < 0)
                return r;
        memset(b->buf + b->len, c, n);
        b->len += n;
        b->buf[b->len] = '\0';
        return 0;
}

int kfs_buf_vaddf(struct kfs_buf *b, const char *fmt, va_list ap)
{
        va_list aq;
        int n, r;

        if (b->err)
                return b->err;
        va_copy(aq, ap);
        n = vsnprintf(NULL, 0, fmt, aq);
        va_end(aq);
        if (n < 0)
                return b->err = -EINVAL;
        r = buf_grow(b, (size_t) n);
        if (r < 0)
                return r;
        vsnprintf(b->buf + b->len, (size_t) n + 1, fmt, ap);
        b->len += (size_t) n;
        return 0;
}

int kfs_buf_addf(struct kfs_buf *b, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = kfs_buf_vaddf(b, fmt, ap);
        va_end(ap);
        return r;
}

void kfs_buf_truncate(struct kfs_buf *b, size_t len)
{
        if (len >= b->len)
                return;
        b->len = len;
        b->buf[len] = '\0';
}

const char *kfs_buf_str(const struct kfs_buf *b)
{
        return b->buf ? b->buf : "";
}

char *kfs_buf_detach(struct kfs_buf *b, size_t *ret_len)
{
        char *p;

        if (b->err)
                return NULL;
        if (!b->buf && kfs_buf_addn(b, "", 0) < 0)
                return NULL;
        p = b->buf;
        if (ret_len)
                *ret_len = b->len;
        kfs_buf_init(b, b->max);
        return p;
}
