/* SPDX-License-Identifier: Apache-2.0 */
/* unit: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool unit_match(const struct kfs_probe *p)
{
        return false;
}

static int unit_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void unit_free(void *doc)
{
}

static const struct kfs_view unit_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_unit = {
        .name = "unit",
        .match = unit_match,
        .parse = unit_parse,
        .free = unit_free,
        .views = unit_views,
};
