/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUDIT_MAX_DIR_FILES 4096        /* files looked at in one directory (pki, CNI) */

struct check {
        const char *mode_id, *owner_id; /* benchmark numbers; NULL: not checked */
        const char *path;               /* ROOT-relative; a trailing '/' means every file in it */
        mode_t mode;                    /* the most the file may allow */
        const char *owner;              /* "root:root" */
        const char *suffix;             /* only names ending so, for directory checks */
};

static const struct check checks[] = {
        { "1.1.1", "1.1.2", "etc/kubernetes/manifests/kube-apiserver.yaml", 0600, "root:root", NULL },
        { "1.1.3", "1.1.4", "etc/kubernetes/manifests/kube-controller-manager.yaml", 0600, "root:root", NULL },
        { "1.1.5", "1.1.6", "etc/kubernetes/manifests/kube-scheduler.yaml", 0600, "root:root", NULL },
        { "1.1.7", "1.1.8", "etc/kubernetes/manifests/etcd.yaml", 0600, "root:root", NULL },
        { "1.1.9", "1.1.10", "etc/cni/net.d/", 0600, "root:root", NULL },
        { "1.1.11", "1.1.12", "var/lib/etcd", 0700, "etcd:etcd", NULL },
        { "1.1.13", "1.1.14", "etc/kubernetes/admin.conf", 0600, "root:root", NULL },
        { "1.1.13", "1.1.14", "etc/kubernetes/super-admin.conf", 0600, "root:root", NULL },
        { "1.1.15", "1.1.16", "etc/kubernetes/scheduler.conf", 0600, "root:root", NULL },
        { "1.1.17", "1.1.18", "etc/kubernetes/controller-manager.conf", 0600, "root:root", NULL },
        { NULL, "1.1.19", "etc/kubernetes/pki", 0, "root:root", NULL },
        { NULL, "1.1.19", "etc/kubernetes/pki/", 0, "root:root", NULL },
        { NULL, "1.1.19", "etc/kubernetes/pki/etcd/", 0, "root:root", NULL },
        { "1.1.20", NULL, "etc/kubernetes/pki/", 0644, NULL, ".crt" },
        { "1.1.20", NULL, "etc/kubernetes/pki/etcd/", 0644, NULL, ".crt" },
        { "1.1.21", NULL, "etc/kubernetes/pki/", 0600, NULL, ".key" },
        { "1.1.21", NULL, "etc/kubernetes/pki/etcd/", 0600, NULL, ".key" },
        { "4.1.1", "4.1.2", "etc/systemd/system/kubelet.service", 0600, "root:root", NULL },
        { "4.1.1", "4.1.2", "usr/lib/systemd/system/kubelet.service", 0600, "root:root", NULL },
        { "4.1.1", "4.1.2", "lib/systemd/system/kubelet.service", 0600, "root:root", NULL },
        { "4.1.1", "4.1.2", "etc/systemd/system/kubelet.service.d/", 0600, "root:root", ".conf" },
        { "4.1.1", "4.1.2", "usr/lib/systemd/system/kubelet.service.d/", 0600, "root:root", ".conf" },
        { "4.1.3", "4.1.4", "var/lib/kube-proxy/kubeconfig.conf", 0600, "root:root", NULL },
        { "4.1.3", "4.1.4", "etc/kubernetes/kube-proxy.kubeconfig", 0600, "root:root", NULL },
        { "4.1.5", "4.1.6", "etc/kubernetes/kubelet.conf", 0600, "root:root", NULL },
        { "4.1.5", "4.1.6", "etc/kubernetes/kubelet.kubeconfig", 0600, "root:root", NULL },
        { "4.1.7", "4.1.8", "etc/kubernetes/pki/ca.crt", 0644, "root:root", NULL },
        { "4.1.9", "4.1.10", "var/lib/kubelet/config.yaml", 0600, "root:root", NULL },
        { 0 },
};

/* The name of `id` in ROOT's etc/passwd or etc/group (field 0 and 2), or the number. */
static void audit_name(const struct kfs_report_env *env, const char *db, unsigned id, char *out, size_t size)
{
        char *data = NULL, *save = NULL;
        size_t len;

        /* id 0 is root whatever the files say (a copied node may lack them) */
        snprintf(out, size, id == 0 ? "root" : "%u", id);
        if (kfs_report_read(env, db, &data, &len) < 0)
                return;         /* the reader's: a name it could not look up stays a number */
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *f[3] = { 0 }, *p = line;

                for (int i = 0; i < 3 && p; i++) {
                        f[i] = p;
                        p = strchr(p, ':');
                        if (p)
                                *p++ = '\0';
                }
                if (f[2] && strtoul(f[2], NULL, 10) == id && *f[0]) {
                        snprintf(out, size, "%s", f[0]);
                        break;
                }
        }
        free(data);
}

static void audit_one(const struct kfs_report_env *env, const struct check *c, const char *rel,
                      const struct stat *st, struct kfs_buf *out)
{
        mode_t mode = st->st_mode & 07777;

        if (c->mode_id)
                kfs_buf_addf(out, "%s %s /%s mode %03o (%03o or stricter)\n",
                             (mode & ~c->mode) ? "FAIL" : "PASS", c->mode_id, rel, (unsigned) mode,
                             (unsigned) c->mode);
        if (c->owner_id) {
                char user[64], group[64], have[130];

                audit_name(env, "etc/passwd", st->st_uid, user, sizeof(user));
                audit_name(env, "etc/group", st->st_gid, group, sizeof(group));
                snprintf(have, sizeof(have), "%s:%s", user, group);
                kfs_buf_addf(out, "%s %s /%s owner %s (%s)\n", strcmp(have, c->owner) ? "FAIL" : "PASS",
                             c->owner_id, rel, have, c->owner);
        }
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Every regular file of directory `dir` (ROOT-relative, with its '/'). */
static void audit_dir(const struct kfs_report_env *env, const struct check *c, struct kfs_buf *out)
{
        const struct kfs_root *root = env->root;
        char *dir = strndup(c->path, strlen(c->path) - 1), *names[AUDIT_MAX_DIR_FILES];
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int fd;

        if (!dir)
                return;
        fd = kfs_root_open(root, dir, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                free(dir);
                return;
        }
        while (n < AUDIT_MAX_DIR_FILES && (de = readdir(d))) {
                size_t len = strlen(de->d_name), sl = c->suffix ? strlen(c->suffix) : 0;

                if (de->d_name[0] == '.' || (c->suffix && (len < sl || strcmp(de->d_name + len - sl, c->suffix))))
                        continue;
                if ((names[n] = strdup(de->d_name)))
                        n++;
        }
        closedir(d);
        qsort(names, n, sizeof(*names), name_cmp);
        for (size_t i = 0; i < n; i++) {
                char rel[4096];
                struct stat st;

                snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]);
                if (kfs_root_stat(root, rel, KFS_RESOLVE_NOFOLLOW, &st) == 0 && S_ISREG(st.st_mode))
                        audit_one(env, c, rel, &st, out);
                free(names[i]);
        }
        free(dir);
}

/* A file's owner and mode are the reader's to see when it may search every
 * directory on the way to it (as `ls -l` would need). */
static bool audit_visible(const struct kfs_report_env *env, const char *path)
{
        char *dir = kfs_path_dirname(path);
        bool ok = dir && kfs_report_may_search(env, dir);

        free(dir);
        return ok;
}

int kfs_report_audit(const struct kfs_report_env *env, struct kfs_buf *out)
{
        const struct kfs_root *root = env->root;

        for (const struct check *c = checks; c->path; c++) {
                struct stat st;

                if (c->path[strlen(c->path) - 1] == '/') {
                        /* its names are the reader's to see only if it may list it */
                        if (kfs_report_may_list(env, c->path))
                                audit_dir(env, c, out);
                } else if (audit_visible(env, c->path) &&
                           kfs_root_stat(root, c->path, KFS_RESOLVE_NOFOLLOW, &st) == 0)
                        audit_one(env, c, c->path, &st, out);
        }
        return out->err;
}
