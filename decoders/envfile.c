/* SPDX-License-Identifier: Apache-2.0 */
/* envfile: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool envfile_match(const struct kfs_probe *p)
{
        return false;
}

static int envfile_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void envfile_free(void *doc)
{
}

static const struct kfs_view envfile_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_envfile = {
        .name = "envfile",
        .match = envfile_match,
        .parse = envfile_parse,
        .free = envfile_free,
        .views = envfile_views,
};
