/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer: any bytes through the JSON paths: ydoc's jansson parse (and
 * its YAML fallback), the kubelet checkpoint rules (unwrapping, base64
 * blobs, CRC-32, FNV-32a of the go-spew printouts) and the JSON writer,
 * whose output must read back with jansson as the same number of documents.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "checkpoint.h"
#include "yflat.h"
#include "yredact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const enum kfs_ckpt kinds[] = {
                KFS_CKPT_NONE, KFS_CKPT_CPU, KFS_CKPT_MEMORY, KFS_CKPT_DRA, KFS_CKPT_PODS, KFS_CKPT_DEVICE,
        };
        struct kfs_buf out = KFS_BUF_INIT(16u << 20), notes = KFS_BUF_INIT(64u << 10);
        struct kfs_ckpt_state st = { 0 };
        struct kfs_ydoc *doc = NULL;
        char err[256], *text;
        size_t lines = 0;

        if (size == 0)
                return 0;
        text = malloc(size);
        if (!text)
                return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        if (kfs_ydoc_parse(text, size - 1, &doc, err, sizeof(err)) < 0)
                goto out;
        if (kfs_ckpt_process(kinds[data[0] % (sizeof(kinds) / sizeof(kinds[0]))], doc, &st, &notes) < 0 ||
            kfs_yredact(doc) < 0)
                goto out;
        if (kfs_yjson_render(doc->docs, doc->n_docs, &out, err, sizeof(err)) < 0)
                goto out;
        for (size_t at = 0; at < out.len;) {
                const char *s = out.buf + at, *nl = memchr(s, '\n', out.len - at);
                json_error_t jerr;
                json_t *j;

                if (!nl)
                        abort();
                j = json_loadb(s, (size_t) (nl - s), JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
                /* jansson has no NUL in object keys; JSON does */
                if (!j && !strstr(jerr.text, "NUL byte in object key"))
                        abort();
                json_decref(j);
                lines++;
                at = (size_t) (nl + 1 - out.buf);
        }
        if (lines != doc->n_docs)
                abort();
out:
        kfs_ckpt_release(&st);
        kfs_ydoc_free(doc);
        kfs_buf_release(&out);
        kfs_buf_release(&notes);
        free(text);
        return 0;
}
