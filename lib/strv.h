/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one growable list of strings: v[0..n-1] owned by the list,
 * NULL-terminated whenever v != NULL (so it can be an argv). A zeroed
 * struct is an empty list; kfs_strv_release() frees it and leaves it empty.
 */

#include <stddef.h>

struct kfs_strv {
        char **v;
        size_t n, alloc;
};

/* Appends `s` (ownership taken, freed on failure). -E2BIG past `max`
 * entries, -ENOMEM (also when `s` is NULL: pass strdup() straight in). */
int kfs_strv_push(struct kfs_strv *l, char *s, size_t max);
/* Appends a copy of the `len` bytes at `s`. */
int kfs_strv_pushn(struct kfs_strv *l, const char *s, size_t len, size_t max);
void kfs_strv_release(struct kfs_strv *l);
