/* SPDX-License-Identifier: Apache-2.0 */
/* rancher: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool rancher_match(const struct kfs_probe *p)
{
        return false;
}

static int rancher_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void rancher_free(void *doc)
{
}

static const struct kfs_view rancher_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_rancher = {
        .name = "rancher",
        .match = rancher_match,
        .parse = rancher_parse,
        .free = rancher_free,
        .views = rancher_views,
};
