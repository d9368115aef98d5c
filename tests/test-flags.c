/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command lines into views (lib/flags.c): one element a line, control
 * characters escaped so a line stays an element, and the secret forms every
 * command-line view hides the same way.
 */
#include <string.h>

#include "flags.h"
#include "redact.h"
#include "test.h"

static void check_argv(char *const *argv, size_t n, const char *want, int line)
{
        struct kfs_buf out = KFS_BUF_INIT(1 << 16);

        kfs_flags_add_argv(&out, argv, n);
        if (out.err || strcmp(kfs_buf_str(&out), want) != 0) {
                fprintf(stderr, "%s:%d: got\n%s\nexpected\n%s\n", __FILE__, line, kfs_buf_str(&out), want);
                test_failures++;
        }
        kfs_buf_release(&out);
}
#define ARGV(want, ...) do { \
        char *argv_[] = { __VA_ARGS__ }; \
        check_argv(argv_, sizeof(argv_) / sizeof(argv_[0]), (want), __LINE__); \
} while (0)

static void check_text(const char *in, const char *want, int line)
{
        struct kfs_buf out = KFS_BUF_INIT(1 << 16);
        bool pending = false;

        kfs_flags_redact_text(&out, in, strlen(in), &pending);
        if (strcmp(kfs_buf_str(&out), want) != 0) {
                fprintf(stderr, "%s:%d: got \"%s\", expected \"%s\"\n", __FILE__, line, kfs_buf_str(&out), want);
                test_failures++;
        }
        kfs_buf_release(&out);
}
#define TEXT(in, want) check_text((in), (want), __LINE__)

int main(void)
{
        size_t off;

        /* one element a line; what is not secret is written as it is */
        ARGV("/usr/bin/kubelet\n--v=2\n--node-ip=10.0.0.1\n", "/usr/bin/kubelet", "--v=2", "--node-ip=10.0.0.1");
        /* control characters as C escapes: a newline inside ${VAR} stays on its line */
        ARGV("--a=x\\ny\n--b=\\t\\x01\n", "--a=x\ny", "--b=\t\x01");
        /* secrets: --flag=value, --flag value, NAME=value, a URL's password */
        ARGV("--token=" KFS_REDACTED "\n", "--token=abc");
        ARGV("--token\n" KFS_REDACTED "\n--v=2\n", "--token", "abc", "--v=2");
        ARGV("K3S_TOKEN=" KFS_REDACTED "\n", "K3S_TOKEN=abc");
        ARGV("--etcd-servers=https://u:" KFS_REDACTED "@etcd:2379\n", "--etcd-servers=https://u:pw@etcd:2379");
        /* the name stays, so the reader sees it is set; an empty value stays empty */
        ARGV("--db-password=" KFS_REDACTED "\n", "--db-password=hunter2");

        CHECK(kfs_flags_secret_assignment("--token=x", 9, &off) && off == 8);
        CHECK(kfs_flags_secret_assignment("MY_PASSWORD=x", 13, &off) && off == 12);
        CHECK(!kfs_flags_secret_assignment("--v=2", 5, &off));
        CHECK(kfs_flags_secret_flag("--token", 7));
        CHECK(!kfs_flags_secret_flag("--token=x", 9));
        CHECK(!kfs_flags_secret_flag("--v", 3));

        /* raw text keeps its spacing and quotes; only values change */
        TEXT("ExecStart=/bin/k3s server --token  abc --v=2", "ExecStart=/bin/k3s server --token  " KFS_REDACTED " --v=2");
        /* a quoted value is one word: its quotes stay, what they held goes */
        TEXT("K3S_TOKEN=\"abc def\"\n", "K3S_TOKEN=\"" KFS_REDACTED "\"\n");
        return test_exit();
}
