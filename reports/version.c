/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/version: kubefs and the libraries it runs on, the kernel, ROOT;
 * the mount adds its own lines (libfuse, the decode cache).
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <sys/utsname.h>
#include <yaml.h>

#include "reports.h"

int kfs_report_version(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct utsname u;

        kfs_buf_addf(out, "kubefs %s\n", KFS_VERSION);
        kfs_buf_addf(out, "openssl %s\n", OpenSSL_version(OPENSSL_VERSION));
        kfs_buf_addf(out, "libyaml %s\n", yaml_get_version_string());
        kfs_buf_addf(out, "jansson %s\n", jansson_version_str());
        if (uname(&u) == 0)
                kfs_buf_addf(out, "kernel %s %s\n", u.release, u.machine);
        kfs_buf_addf(out, "root %s\n", env->root->path);
        if (env->describe)
                env->describe(env, out);
        return out->err;
}
