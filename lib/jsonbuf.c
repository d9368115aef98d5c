/* SPDX-License-Identifier: Apache-2.0 */
#include "jsonbuf.h"

#include <errno.h>
#include <stdlib.h>

int kfs_buf_add_json(struct kfs_buf *out, const json_t *v, size_t flags)
{
        char *s = v ? json_dumps(v, flags) : NULL;

        if (!s) {
                if (!out->err)
                        out->err = -ENOMEM;
                return out->err;
        }
        kfs_buf_add(out, s);
        kfs_buf_addc(out, '\n');
        free(s);
        return out->err;
}
