/* SPDX-License-Identifier: Apache-2.0 */
/* pod: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool pod_match(const struct kfs_probe *p)
{
        return false;
}

static int pod_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void pod_free(void *doc)
{
}

static const struct kfs_view pod_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_pod = {
        .name = "pod",
        .match = pod_match,
        .parse = pod_parse,
        .free = pod_free,
        .views = pod_views,
};
