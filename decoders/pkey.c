/* SPDX-License-Identifier: Apache-2.0 */
/* pkey: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool pkey_match(const struct kfs_probe *p)
{
        return false;
}

static int pkey_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void pkey_free(void *doc)
{
}

static const struct kfs_view pkey_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_pkey = {
        .name = "pkey",
        .match = pkey_match,
        .parse = pkey_parse,
        .free = pkey_free,
        .views = pkey_views,
};
