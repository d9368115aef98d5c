/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MNT/.kubefs: reports about the node and kubefs itself (SPEC section 3,
 * "Node-wide reports"). Each is rendered when opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/utsname.h>
#include <yaml.h>

#include "audit.h"
#include "certreport.h"
#include "fs.h"
#include "log.h"

static int report_version(struct kfs_fs *fs, struct kfs_buf *out)
{
        struct utsname u;

        kfs_buf_addf(out, "kubefs %s\n", KFS_VERSION);
        kfs_buf_addf(out, "libfuse %s\n", fuse_pkgversion());
        kfs_buf_addf(out, "openssl %s\n", OpenSSL_version(OPENSSL_VERSION));
        kfs_buf_addf(out, "libyaml %s\n", yaml_get_version_string());
        kfs_buf_addf(out, "jansson %s\n", jansson_version_str());
        if (uname(&u) == 0)
                kfs_buf_addf(out, "kernel %s %s\n", u.release, u.machine);
        kfs_buf_addf(out, "root %s\n", fs->root.path);
        kfs_buf_addf(out, "cache %zu bytes\n", kfs_cache_bytes(fs->cache));
        return out->err;
}

static int report_audit(struct kfs_fs *fs, struct kfs_buf *out)
{
        return kfs_audit_render(&fs->root, out);
}

/* ---- certs: every certificate in the shown tree ---- */

#define CERTS_MAX_FILES 100000          /* files looked at */
#define CERTS_MAX_DEPTH 64

struct certs_walk {
        struct kfs_fs *fs;
        struct kfs_certreport *report;
        int x509, kubeconfig;           /* decoder indexes */
        size_t files;
};

static void certs_file(struct certs_walk *w, const char *path)
{
        uint32_t mask;
        bool kc;
        char *data;
        size_t len;

        if (kfs_cache_probe(w->fs->cache, path, &mask, NULL) < 0)
                return;
        kc = mask & (UINT32_C(1) << w->kubeconfig);
        if (!(mask & (UINT32_C(1) << w->x509)) && !kc)
                return;
        if (kfs_root_read(&w->fs->root, path, KFS_RESOLVE_NOFOLLOW, &data, &len, NULL) < 0)
                return;
        kfs_certreport_add(w->report, path, data, len, kc);
        free(data);
}

/* The tree as the mount shows it: locations, no other filesystems inside them,
 * symlinks not followed (their targets are listed where they are). */
static void certs_dir(struct certs_walk *w, const char *dir, dev_t dev, enum kfs_vis vis, int depth)
{
        int fd = kfs_root_open(&w->fs->root, dir, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;

        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        while ((de = readdir(d)) && w->files < CERTS_MAX_FILES) {
                enum kfs_vis cvis;
                struct stat st;
                char *path;

                if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                        continue;
                if (asprintf(&path, "%s%s%s", dir, *dir ? "/" : "", de->d_name) < 0)
                        break;
                cvis = kfs_locations_classify(&w->fs->locs, path);
                if (cvis != KFS_VIS_HIDDEN && kfs_root_stat(&w->fs->root, path, KFS_RESOLVE_NOFOLLOW, &st) == 0) {
                        bool crossing = kfs_fs_mount_boundary(w->fs, vis, dev, st.st_dev);

                        if (S_ISDIR(st.st_mode) && !crossing && depth < CERTS_MAX_DEPTH)
                                certs_dir(w, path, st.st_dev, cvis, depth + 1);
                        else if (S_ISREG(st.st_mode) && cvis == KFS_VIS_INSIDE) {
                                w->files++;
                                certs_file(w, path);
                        }
                }
                free(path);
        }
        closedir(d);
}

static int report_certs(struct kfs_fs *fs, struct kfs_buf *out)
{
        struct certs_walk w = {
                .fs = fs,
                .report = kfs_certreport_new(time(NULL)),
                .x509 = kfs_registry_index(kfs_registry_find("x509")),
                .kubeconfig = kfs_registry_index(kfs_registry_find("kubeconfig")),
        };
        int r;

        if (!w.report)
                return -ENOMEM;
        certs_dir(&w, "", fs->rootnode.dev, fs->rootnode.vis, 0);
        r = kfs_certreport_render(w.report, out);
        kfs_certreport_free(w.report);
        return r;
}

static int report_errors(struct kfs_fs *fs, struct kfs_buf *out)
{
        return kfs_log_render_errors(out);
}

const struct kfs_report kfs_reports[] = {
        { "audit", report_audit },
        { "certs", report_certs },
        { "errors", report_errors },
        { "version", report_version },
        { 0 },
};

const struct kfs_report *kfs_report_find(const char *name)
{
        for (const struct kfs_report *r = kfs_reports; r->name; r++)
                if (strcmp(r->name, name) == 0)
                        return r;
        return NULL;
}
