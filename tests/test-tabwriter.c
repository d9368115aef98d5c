/* SPDX-License-Identifier: Apache-2.0 */
/* Expected outputs are what kubectl's tabwriter writes: liggitt/tabwriter's
 * NewWriter(w, 6, 4, 3, ' ', RememberWidths), a fork of Go's text/tabwriter. */
#include "tabwriter.h"
#include "test.h"

static void check(const char *in, const char *want)
{
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);

        CHECK_INT(kfs_tabwriter(&KFS_TABWRITER_KUBECTL, in, strlen(in), &out), 0);
        CHECK_STR(kfs_buf_str(&out), want);
        kfs_buf_release(&out);
}

/* kubeadm's text printers: Go's text/tabwriter NewWriter(w, 10, 4, 3, ' ', 0) */
static void check_kubeadm(const char *in, const char *want)
{
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);

        CHECK_INT(kfs_tabwriter(&KFS_TABWRITER_KUBEADM, in, strlen(in), &out), 0);
        CHECK_STR(kfs_buf_str(&out), want);
        kfs_buf_release(&out);
}

int main(void)
{
        /* kubeadm certs check-expiration: minimum width 10; the empty line flushes and,
         * without RememberWidths, the second table is aligned on its own */
        check_kubeadm("CERTIFICATE\tEXPIRES\nadmin.conf\tx\n\nca\tEXPIRES\n",
                      "CERTIFICATE   EXPIRES\nadmin.conf    x\n\nca        EXPIRES\n");
        /* a !MISSING! row: its empty cells are padded too */
        check_kubeadm("A\tB\tC\n!MISSING! x\t\t\n",
                      "A             B         C\n!MISSING! x             \n");
        /* kubectl config get-contexts, empty namespace: trailing padding stays */
        check("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n"
              "*\tkubernetes-admin@kubernetes\tkubernetes\tkubernetes-admin\t\n",
              "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n"
              "*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n");
        /* minimum width 6 */
        check("a\tb\n", "a     b\n");
        /* no final newline: none added */
        check("ab\tc", "ab    c");
        /* UTF-8 counts characters, not bytes */
        check("\xc3\xa9t\xc3\xa9\tx\nabcd\ty\n", "\xc3\xa9t\xc3\xa9    x\nabcd   y\n");
        /* a line without tabs ends the column block (Write() flushes there),
         * but RememberWidths keeps the column as wide as it was */
        check("aaaaaaaa\tb\nno tabs here\nc\td\n", "aaaaaaaa   b\nno tabs here\nc          d\n");
        /* ... also for a later block of the same column within one flush */
        check("x\tyyyyyyyyy\tz\nx\ty\nx\ty\tz\n",
              "x     yyyyyyyyy   z\nx     y\nx     y           z\n");
        /* a later, wider block widens the remembered width for what follows */
        check("a\tb\nc\nlonger-cell\td\ne\nf\tg\n",
              "a     b\nc\nlonger-cell   d\ne\nf             g\n");
        /* '\v' terminates a cell like '\t'; '\f' ends a line (written as '\n') and flushes */
        check("a\vb\fccccccc\td\n", "a     b\nccccccc   d\n");
        /* ragged: the second column is a block per run of lines that have it */
        check("a\tb\tc\nlonger\tb\nx\tyyyyyy\tzzzzzzzzz\tw\n",
              "a        b     c\nlonger   b\nx        yyyyyy   zzzzzzzzz   w\n");
        check("", "");
        return test_exit();
}
