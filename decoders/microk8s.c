/* SPDX-License-Identifier: Apache-2.0 */
/* microk8s: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool microk8s_match(const struct kfs_probe *p)
{
        return false;
}

static int microk8s_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void microk8s_free(void *doc)
{
}

static const struct kfs_view microk8s_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_microk8s = {
        .name = "microk8s",
        .match = microk8s_match,
        .parse = microk8s_parse,
        .free = microk8s_free,
        .views = microk8s_views,
};
