/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the document harnesses (fuzz-yaml, fuzz-toml) share: one decode of
 * the input under one of a few names, and the shape checks of their views
 * besides "no crash": every .json line is JSON (or the error object), every
 * .flat line is "# ...", "error: ..." or has " = " and no control byte.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "registry.h"

static void fuzz_check_json(const struct kfs_output *o)
{
        const char *s = o->data, *end = o->data + o->len;

        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t) (end - s));
                json_error_t err;
                json_t *j;

                if (!nl)
                        abort();        /* every document ends its line */
                j = json_loadb(s, (size_t) (nl - s), JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &err);
                /* jansson has no NUL in object keys; JSON does */
                if (!j && !strstr(err.text, "NUL byte in object key"))
                        abort();
                json_decref(j);
                s = nl + 1;
        }
}

static void fuzz_check_flat(const struct kfs_output *o)
{
        const char *s = o->data, *end = o->data + o->len;

        while (s < end) {
                const char *nl = memchr(s, '\n', (size_t) (end - s));

                if (!nl)
                        abort();
                for (const char *c = s; c < nl; c++)
                        if ((unsigned char) *c < 0x20 && *c != '\t')
                                abort();
                if (*s != '#' && !memmem(s, (size_t) (nl - s), " = ", 3) && strncmp(s, "error: ", 7) != 0)
                        abort();
                s = nl + 1;
        }
}

/* Decodes the input (after its first byte, which picks one of `paths`) with
 * each of `decs`, and checks every .json and .flat view's shape. */
static int fuzz_doc_run(const uint8_t *data, size_t size, const char *const *paths, size_t n_paths,
                        const struct kfs_decoder *const *decs, size_t n_decs)
{
        static struct kfs_root root = { .fd = -1 };
        const char *path;
        char *text;

        if (root.fd < 0 && kfs_root_init(&root, "/") < 0)
                abort();
        if (size == 0)
                return 0;
        path = paths[data[0] % n_paths];
        data++, size--;
        text = malloc(size + 1);        /* decoders see NUL-terminated data */
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        for (size_t d = 0; d < n_decs; d++) {
                struct kfs_result *r = NULL;

                if (kfs_decode_data(&root, path, decs[d], text, size, 0, &r) < 0)
                        continue;
                for (size_t v = 0; v < r->n_views; v++) {
                        if (strcmp(decs[d]->views[v].name, "json") == 0)
                                fuzz_check_json(&r->views[v]);
                        else if (strcmp(decs[d]->views[v].name, "flat") == 0)
                                fuzz_check_flat(&r->views[v]);
                }
                kfs_result_free(r);
        }
        free(text);
        return 0;
}
