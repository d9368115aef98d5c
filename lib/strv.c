/* SPDX-License-Identifier: Apache-2.0 */
#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int kfs_strv_push(struct kfs_strv *l, char *s, size_t max)
{
        if (!s)
                return -ENOMEM;
        if (l->n >= max) {
                free(s);
                return -E2BIG;
        }
        if (l->n + 2 > l->alloc) {
                size_t na = l->alloc ? l->alloc * 2 : 8;
                char **v = realloc(l->v, na * sizeof(*v));

                if (!v) {
                        free(s);
                        return -ENOMEM;
                }
                l->v = v;
                l->alloc = na;
        }
        l->v[l->n++] = s;
        l->v[l->n] = NULL;
        return 0;
}

int kfs_strv_pushn(struct kfs_strv *l, const char *s, size_t len, size_t max)
{
        char *c = malloc(len + 1);

        if (!c)
                return -ENOMEM;
        memcpy(c, s, len);
        c[len] = '\0';
        return kfs_strv_push(l, c, max);
}

void kfs_strv_release(struct kfs_strv *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        *l = (struct kfs_strv) { 0 };
}
