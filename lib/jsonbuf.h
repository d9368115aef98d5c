/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* A jansson value as one line (or an indented block) of a view. */

#include <jansson.h>

#include "buf.h"

/* Appends json_dumps(v, flags) and a newline to `out`. Returns out->err, or
 * -ENOMEM (also set in out->err) when `v` is NULL or cannot be dumped.
 * `v` is not consumed. */
int kfs_buf_add_json(struct kfs_buf *out, const json_t *v, size_t flags);
