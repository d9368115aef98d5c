/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/kubelet/: the node's kubelet (kubelet.h) for its reader: flags,
 * config.flat, config.json, configz.json. A node without a kubelet kubefs
 * can find gets one "# " line saying so.
 */
#include <errno.h>

#include "kubelet.h"
#include "reports.h"

static int kubelet_report(const struct kfs_report_env *env, struct kfs_buf *out,
                          int (*render)(const struct kfs_kubelet *k, struct kfs_buf *out), bool json)
{
        struct kfs_kubelet *k;
        int r = kfs_kubelet_load(env, &k);

        if (r == -ENOENT || r == -EACCES) {
                if (json)
                        kfs_buf_add(out, "{}\n");
                else
                        kfs_buf_add(out, r == -ENOENT ? "# no kubelet found on this node (kubelet.service, "
                                                        "k3s/rke2 config.yaml, microk8s args/kubelet)\n"
                                                      : "# you may not read the kubelet's unit or configuration\n");
                return out->err;
        }
        if (r < 0)
                return r;
        r = render(k, out);
        kfs_kubelet_free(k);
        return r;
}

static int render_config_json(const struct kfs_kubelet *k, struct kfs_buf *out)
{
        return kfs_kubelet_render_json(k, false, out);
}

static int render_configz_json(const struct kfs_kubelet *k, struct kfs_buf *out)
{
        return kfs_kubelet_render_json(k, true, out);
}

int kfs_report_kubelet_flags(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return kubelet_report(env, out, kfs_kubelet_render_flags, false);
}

int kfs_report_kubelet_config_flat(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return kubelet_report(env, out, kfs_kubelet_render_flat, false);
}

int kfs_report_kubelet_config_json(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return kubelet_report(env, out, render_config_json, true);
}

int kfs_report_kubelet_configz_json(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return kubelet_report(env, out, render_configz_json, true);
}
