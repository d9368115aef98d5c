/* SPDX-License-Identifier: Apache-2.0 */
/* kubeconfig: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool kubeconfig_match(const struct kfs_probe *p)
{
        return false;
}

static int kubeconfig_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void kubeconfig_free(void *doc)
{
}

static const struct kfs_view kubeconfig_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_kubeconfig = {
        .name = "kubeconfig",
        .match = kubeconfig_match,
        .parse = kubeconfig_parse,
        .free = kubeconfig_free,
        .views = kubeconfig_views,
};
