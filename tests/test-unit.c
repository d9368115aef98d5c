/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit, envfile and microk8s decoders on hostile node trees made at run
 * time: every case ends in a bounded answer (a view or an error line), never
 * a hang, a crash or a read outside ROOT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline.h"
#include "registry.h"
#include "flags.h"
#include "root.h"
#include "test.h"

static struct kfs_root root;

/* The view `view` (0 = flags, 1 = env, 2 = unit) of `rel` by `dec`, malloc'd. */
static char *decode(const struct kfs_decoder *dec, const char *rel, size_t view)
{
        struct kfs_result *r = NULL;
        char *s;

        CHECK_INT(kfs_decode_path(&root, rel, dec, 0, &r), 0);
        if (!r)
                return strdup("(none)");
        s = strdup(r->views[view].data);
        kfs_result_free(r);
        return s;
}

static void test_many_dropins(void)
{
        char *s;

        test_sh("mkdir -p %s/etc/systemd/system/many.service.d", test_top);
        test_put("etc/systemd/system/many.service", "[Service]\nExecStart=/bin/true\n");
        test_sh("cd %s/etc/systemd/system/many.service.d && for i in $(seq 1 200); do printf '[Service]\\n' > $i.conf; done", test_top);
        s = decode(&kfs_decoder_unit, "etc/systemd/system/many.service", 0);
        CHECK_STR(s, "error: many.service: more than 128 drop-ins\n");
        free(s);
}

static void test_special_envfiles(void)
{
        char *s;

        /* a FIFO and a directory as EnvironmentFile=: never opened for reading, never a hang */
        test_sh("mkdir -p %s/etc/fifo.d && mkfifo %s/etc/fifo", test_top, test_top);
        test_put("etc/systemd/system/fifo.service",
            "[Service]\nEnvironmentFile=/etc/fifo\nEnvironmentFile=-/etc/fifo.d\nExecStart=/bin/x $A\n");
        s = decode(&kfs_decoder_unit, "etc/systemd/system/fifo.service", 0);
        CHECK_STR(s, "# EnvironmentFile=/etc/fifo: not a regular file; systemd would not start fifo.service\n/bin/x\n");
        free(s);
        /* outside ROOT is not reachable, also through .. */
        test_put("etc/systemd/system/escape.service",
            "[Service]\nEnvironmentFile=/../../../../../../etc/passwd\nExecStart=/bin/x $root\n");
        s = decode(&kfs_decoder_unit, "etc/systemd/system/escape.service", 0);
        CHECK_STR(s, "# EnvironmentFile=/../../../../../../etc/passwd: No such file or directory; "
                     "systemd would not start escape.service\n/bin/x\n");
        free(s);
}

static void test_dashes(void)
{
        char name[300], rel[400];
        char *s;

        /* a name that is nearly all dashes: hundreds of prefix dirs, bounded */
        strcpy(name, "a");
        for (int i = 0; i < 120; i++)
                strcat(name, "-a");
        strcat(name, ".service");
        snprintf(rel, sizeof(rel), "etc/systemd/system/%s", name);
        test_put(rel, "[Service]\nExecStart=/bin/true\n");
        s = decode(&kfs_decoder_unit, rel, 0);
        CHECK(strncmp(s, "/bin/true\n", 10) == 0 || strncmp(s, "error: ", 7) == 0);
        free(s);
}

static void test_expansion_bomb(void)
{
        char *big = malloc(600000), *s;
        FILE *f;
        char path[4096];

        /* one 500 kB variable used a hundred times: over the expansion cap, an error */
        memset(big, 'x', 500000);
        big[500000] = '\0';
        snprintf(path, sizeof(path), "%s/etc/bomb.env", test_top);
        f = fopen(path, "w");
        fprintf(f, "A=%s\n", big);
        fclose(f);
        free(big);
        test_put("etc/systemd/system/bomb.service",
            "[Service]\nEnvironmentFile=/etc/bomb.env\nExecStart=/bin/x ${A} ${A} ${A} ${A} ${A} ${A} ${A} ${A}\n");
        s = decode(&kfs_decoder_unit, "etc/systemd/system/bomb.service", 0);
        CHECK(strncmp(s, "error: bomb.service: a command line expands to over", 51) == 0);
        free(s);
}

static void test_binary(void)
{
        char *s;

        /* binary junk: no crash; a NUL ends a line as read_line() does */
        test_sh("printf '[Service]\\nExecStart=/bin/a b\\000c\\377\\nEnvironment=X=\\001\\n' > %s/etc/systemd/system/bin.service", test_top);
        s = decode(&kfs_decoder_unit, "etc/systemd/system/bin.service", 0);
        CHECK_STR(s, "/bin/a\nb\n");
        free(s);
        s = decode(&kfs_decoder_unit, "etc/systemd/system/bin.service", 1);
        CHECK_STR(s, "X=$'\\x01'\n");
        free(s);
}

static void test_flags_redaction(void)
{
        struct kfs_buf b = KFS_BUF_INIT(4096);
        char *argv[] = { "/bin/k3s", "--token", "abc", "--agent-token=def", "--server", "https://u:p@h:6443",
                         "K3S_TOKEN=x", "--token", "--next", "--token-file=/f", "a=b" };
        const char *text = "--token abc \"--token\" 'abc' X_PASSWORD=\"a b\" \"K3S_TOKEN=x y\" --token-file /f\n";

        kfs_flags_add_argv(&b, argv, sizeof(argv) / sizeof(argv[0]));
        CHECK_STR(kfs_buf_str(&b), "/bin/k3s\n--token\nREDACTED\n--agent-token=REDACTED\n--server\n"
                                   "https://u:REDACTED@h:6443\nK3S_TOKEN=REDACTED\n--token\n--next\n"
                                   "--token-file=/f\na=b\n");
        kfs_buf_reset(&b);
        kfs_flags_redact_text(&b, text, strlen(text), NULL);
        CHECK_STR(kfs_buf_str(&b), "--token REDACTED \"--token\" 'REDACTED' X_PASSWORD=\"REDACTED\" "
                                   "\"K3S_TOKEN=REDACTED\" --token-file /f\n");
        kfs_buf_release(&b);
}

int main(void)
{
        test_tree("unit");
        test_sh("mkdir -p %s/etc/systemd/system", test_top);
        CHECK_INT(kfs_root_init(&root, test_top), 0);
        test_many_dropins();
        test_special_envfiles();
        test_dashes();
        test_expansion_bomb();
        test_binary();
        test_flags_redaction();
        kfs_root_release(&root);
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
