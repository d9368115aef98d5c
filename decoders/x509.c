/* SPDX-License-Identifier: Apache-2.0 */
/* x509: not written yet; recognises nothing. */
#include <errno.h>

#include "decoders.h"

static bool x509_match(const struct kfs_probe *p)
{
        return false;
}

static int x509_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return -ENOSYS;
}

static void x509_free(void *doc)
{
}

static const struct kfs_view x509_views[] = {
        { NULL },
};

const struct kfs_decoder kfs_decoder_x509 = {
        .name = "x509",
        .match = x509_match,
        .parse = x509_parse,
        .free = x509_free,
        .views = x509_views,
};
