/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MNT/.kubefs: reports about the node and kubefs itself (SPEC section 3,
 * "Node-wide reports"). Each is rendered when opened.
 */
#include <fuse_lowlevel.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/utsname.h>
#include <yaml.h>

#include "audit.h"
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

static int report_errors(struct kfs_fs *fs, struct kfs_buf *out)
{
        return kfs_log_render_errors(out);
}

const struct kfs_report kfs_reports[] = {
        { "audit", report_audit },
        { "errors", report_errors },
        { "version", report_version },
        { NULL },
};

const struct kfs_report *kfs_report_find(const char *name)
{
        for (const struct kfs_report *r = kfs_reports; r->name; r++)
                if (strcmp(r->name, name) == 0)
                        return r;
        return NULL;
}
