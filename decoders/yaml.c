/* SPDX-License-Identifier: Apache-2.0 */
/* yaml: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool yaml_match(const struct kfs_probe *p)
{
        return false;
}

static int yaml_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void yaml_free(void *doc)
{
}

static const struct kfs_view yaml_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_yaml = {
        .name = "yaml",
        .match = yaml_match,
        .parse = yaml_parse,
        .free = yaml_free,
        .views = yaml_views,
};
