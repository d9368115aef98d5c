/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resolution inside ROOT: .., absolute and looping symlinks never leave it;
 * both with openat2 and with the userspace walk (KUBEFS_NO_OPENAT2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root.h"
#include "test.h"

static void setup(void)
{
        test_tree("root");
        /* outside.txt is outside ROOT = root/ */
        test_sh("mkdir -p %s/root/etc/kubernetes/pki %s/root/var/lib/kubelet/pki", test_top, test_top);
        test_put("outside.txt", "SECRET OUTSIDE\n");
        test_put("root/etc/kubernetes/pki/ca.crt", "inside\n");
        test_put("root/var/lib/kubelet/pki/kubelet-client-2024.pem", "cert\n");
        test_sh("cd %s/root/var/lib/kubelet/pki && ln -s /var/lib/kubelet/pki/kubelet-client-2024.pem kubelet-client-current.pem"
           " && ln -s ../../../../../outside.txt dotdot && ln -s /../../outside.txt abs"
           " && ln -s loop1 loop2 && ln -s loop2 loop1 && ln -s %s/outside.txt hostabs", test_top, test_top);
        test_sh("mkfifo %s/root/etc/kubernetes/fifo", test_top);
        test_sh("cd %s/root/var/lib/kubelet/pki && ln -s ../../../../etc/kubernetes/pki/ca.crt up"
                " && ln -s / rootlink && ln -s rootlink/../../../../../etc/kubernetes/pki/ca.crt nested"
                " && ln -s ../../../../etc/kubernetes/pki/gone dangling", test_top);
}

/* The target the mount shows for a symlink (issue 9, item 3). */
static void check_link_targets(struct kfs_root *root)
{
        static const struct { const char *link, *want; } cases[] = {
                /* absolute: as sshfs's transform_symlinks writes it */
                { "kubelet-client-current.pem", "../../../../var/lib/kubelet/pki/kubelet-client-2024.pem" },
                { "rootlink", "../../../.." },
                /* relative and inside: as stored */
                { "up", "../../../../etc/kubernetes/pki/ca.crt" },
                { "loop1", "loop2" },
                { "dangling", "../../../../etc/kubernetes/pki/gone" },
                /* climbing out of ROOT: clamped at its top, dangling or not */
                { "dotdot", "../../../../outside.txt" },
                { "abs", "../../../../outside.txt" },
                /* climbing out of a symlink: what ROOT resolves it to */
                { "nested", "../../../../etc/kubernetes/pki/ca.crt" },
        };
        char *t = NULL, want[4096];

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char link[256];

                snprintf(link, sizeof(link), "var/lib/kubelet/pki/%s", cases[i].link);
                CHECK_INT(kfs_root_link_target(root, link, &t), 0);
                CHECK_STR(t, cases[i].want);
                free(t);
                t = NULL;
        }
        /* a host path stays a path under the mount's top */
        CHECK_INT(kfs_root_link_target(root, "var/lib/kubelet/pki/hostabs", &t), 0);
        snprintf(want, sizeof(want), "../../../..%s/outside.txt", test_top);
        CHECK_STR(t, want);
        free(t);
}

static void check_root(struct kfs_root *root)
{
        char *data = NULL, *t = NULL;
        size_t len;
        struct stat st;

        CHECK_INT(kfs_root_read(root, "etc/kubernetes/pki/ca.crt", KFS_RESOLVE_NOFOLLOW, &data, &len, &st), 0);
        CHECK_STR(data, "inside\n");
        free(data);
        data = NULL;
        CHECK_INT(kfs_root_read(root, "/etc/kubernetes/pki/ca.crt", KFS_RESOLVE_FOLLOW, &data, &len, &st), 0);
        free(data);
        data = NULL;

        /* an absolute symlink resolves inside ROOT when followed */
        CHECK_INT(kfs_root_read(root, "var/lib/kubelet/pki/kubelet-client-current.pem", KFS_RESOLVE_FOLLOW,
                                &data, &len, &st), 0);
        CHECK_STR(data, "cert\n");
        free(data);
        data = NULL;
        /* ... and not at all without following */
        CHECK_INT(kfs_root_read(root, "var/lib/kubelet/pki/kubelet-client-current.pem", KFS_RESOLVE_NOFOLLOW,
                                &data, &len, &st), -ELOOP);
        CHECK_INT(kfs_root_stat(root, "var/lib/kubelet/pki/kubelet-client-current.pem", KFS_RESOLVE_NOFOLLOW, &st), 0);
        CHECK(S_ISLNK(st.st_mode));
        CHECK_INT(kfs_root_readlink(root, "var/lib/kubelet/pki/kubelet-client-current.pem", &t), 0);
        CHECK_STR(t, "/var/lib/kubelet/pki/kubelet-client-2024.pem");
        free(t);

        /* nothing outside ROOT */
        CHECK(kfs_root_read(root, "var/lib/kubelet/pki/dotdot", KFS_RESOLVE_FOLLOW, &data, &len, &st) == -ENOENT);
        CHECK(kfs_root_read(root, "var/lib/kubelet/pki/abs", KFS_RESOLVE_FOLLOW, &data, &len, &st) == -ENOENT);
        CHECK(kfs_root_read(root, "var/lib/kubelet/pki/hostabs", KFS_RESOLVE_FOLLOW, &data, &len, &st) == -ENOENT);
        CHECK(kfs_root_read(root, "../outside.txt", KFS_RESOLVE_FOLLOW, &data, &len, &st) == -ENOENT);
        CHECK(kfs_root_read(root, "../../../../outside.txt", KFS_RESOLVE_NOFOLLOW, &data, &len, &st) == -ENOENT);
        CHECK_INT(kfs_root_read(root, "var/lib/kubelet/pki/loop1", KFS_RESOLVE_FOLLOW, &data, &len, &st), -ELOOP);
        /* ".." stops at ROOT: this is ROOT/etc/kubernetes/pki/ca.crt */
        CHECK_INT(kfs_root_read(root, "../../etc/kubernetes/pki/ca.crt", KFS_RESOLVE_FOLLOW, &data, &len, &st), 0);
        free(data);
        data = NULL;

        /* a FIFO is never read (and the open does not block) */
        CHECK_INT(kfs_root_read(root, "etc/kubernetes/fifo", KFS_RESOLVE_FOLLOW, &data, &len, &st), -EINVAL);

        /* the size cap */
        root->max_input = 3;
        CHECK_INT(kfs_root_read(root, "etc/kubernetes/pki/ca.crt", KFS_RESOLVE_FOLLOW, &data, &len, &st), -EFBIG);
        root->max_input = KFS_MAX_INPUT;

        /* the hidden path (kubefs's own mountpoint inside ROOT) */
        root->hidden = strdup("etc/kubernetes/pki");
        CHECK_INT(kfs_root_stat(root, "etc/kubernetes/pki/ca.crt", KFS_RESOLVE_FOLLOW, &st), -ENOENT);
        CHECK_INT(kfs_root_stat(root, "etc/kubernetes", KFS_RESOLVE_FOLLOW, &st), 0);
        free(root->hidden);
        root->hidden = NULL;
}

static void test_paths(void)
{
        char *p;

        CHECK_STR(p = kfs_path_join("etc/kubernetes", "pki/ca.crt"), "etc/kubernetes/pki/ca.crt");
        free(p);
        CHECK_STR(p = kfs_path_join("etc/kubernetes", "/var/lib/x"), "var/lib/x");
        free(p);
        CHECK_STR(p = kfs_path_join("etc/kubernetes", "../../../../x"), "x");
        free(p);
        CHECK_STR(p = kfs_path_join("", "./a//b/./c/.."), "a/b");
        free(p);
        CHECK_STR(p = kfs_path_join(NULL, "/"), "");
        free(p);
        CHECK_STR(p = kfs_path_dirname("a/b/c"), "a/b");
        free(p);
        CHECK_STR(p = kfs_path_dirname("c"), "");
        free(p);
        CHECK_STR(kfs_path_basename("a/b/c"), "c");
}

int main(void)
{
        struct kfs_root root;
        char path[4096];

        setup();
        snprintf(path, sizeof(path), "%s/root", test_top);
        CHECK_INT(kfs_root_init(&root, path), 0);
        check_root(&root);
        check_link_targets(&root);
        root.walk = true;               /* as on a kernel without openat2 */
        check_root(&root);
        check_link_targets(&root);
        kfs_root_release(&root);
        test_paths();
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
