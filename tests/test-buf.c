/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "buf.h"
#include "test.h"

static void test_add(void)
{
        struct kfs_buf b = KFS_BUF_INIT(1024);

        CHECK_STR(kfs_buf_str(&b), "");
        CHECK_INT(kfs_buf_add(&b, "abc"), 0);
        CHECK_INT(kfs_buf_addc(&b, '-'), 0);
        CHECK_INT(kfs_buf_addf(&b, "%d/%s", 42, "x"), 0);
        CHECK_INT(kfs_buf_pad(&b, ' ', 3), 0);
        CHECK_STR(kfs_buf_str(&b), "abc-42/x   ");
        CHECK_INT(b.len, 11);
        kfs_buf_truncate(&b, 3);
        CHECK_STR(kfs_buf_str(&b), "abc");
        kfs_buf_release(&b);
        CHECK(b.buf == NULL && b.len == 0 && b.max == 1024);
}

static void test_cap_is_sticky(void)
{
        struct kfs_buf b = KFS_BUF_INIT(8);

        CHECK_INT(kfs_buf_add(&b, "12345678"), 0);
        CHECK_INT(kfs_buf_addc(&b, '9'), -EFBIG);
        CHECK_INT(kfs_buf_add(&b, ""), -EFBIG);         /* sticky, even for nothing */
        CHECK_INT(b.err, -EFBIG);
        CHECK_STR(kfs_buf_str(&b), "12345678");
        CHECK(kfs_buf_detach(&b, NULL) == NULL);        /* an errored buffer gives nothing */
        kfs_buf_reset(&b);
        CHECK_INT(kfs_buf_addf(&b, "%s", "123456789"), -EFBIG);
        kfs_buf_release(&b);
}

static void test_detach(void)
{
        struct kfs_buf b = KFS_BUF_INIT(64);
        size_t len = 99;
        char *s;

        s = kfs_buf_detach(&b, &len);               /* empty: "" not NULL */
        CHECK(s && s[0] == '\0' && len == 0);
        free(s);
        kfs_buf_addn(&b, "a\0b", 3);
        s = kfs_buf_detach(&b, &len);
        CHECK(len == 3 && memcmp(s, "a\0b", 4) == 0);
        CHECK(b.buf == NULL && b.len == 0);
        free(s);
}

static void test_growth(void)
{
        struct kfs_buf b = KFS_BUF_INIT(1 << 20);

        for (int i = 0; i < 10000; i++)
                kfs_buf_addf(&b, "%04d\n", i % 10000);
        CHECK_INT(b.err, 0);
        CHECK_INT(b.len, 50000);
        CHECK(strncmp(kfs_buf_str(&b) + 49995, "9999\n", 5) == 0);
        kfs_buf_release(&b);
}

int main(void)
{
        test_add();
        test_cap_is_sticky();
        test_detach();
        test_growth();
        return test_exit();
}
