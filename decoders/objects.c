/* SPDX-License-Identifier: Apache-2.0 */
/*
 * objects: the Kubernetes objects in a YAML or JSON file (manifests,
 * multi-document addon files, `kind: List`), one row each, in file order:
 *
 *   APIVERSION   KIND        NAMESPACE     NAME
 *   v1           Namespace   <none>        kube-system
 *   apps/v1      DaemonSet   kube-system   node-local-dns
 *
 * A document is an object when it is a map with `apiVersion` or `kind`; a
 * List (`kind` ending in "List" with an `items` list) is replaced by its
 * items, as `kubectl get -f` shows them. A missing or empty cell reads
 * <none> (kubectl's word), a cell that is not a scalar <invalid>; control
 * characters and '\' in a cell are escaped (\t, \n, \\, \xHH), so a row is
 * always one line. Aligned by Go's text/tabwriter as kubectl aligns.
 *
 * Offered only for files whose first KFS_HEAD_MAX bytes have a top-level
 * `apiVersion:` or `kind:` line (or a JSON "apiVersion"/"kind" key).
 */
#include <errno.h>
#include <string.h>

#include "registry.h"
#include "tabwriter.h"
#include "yfile.h"
#include "yflat.h"

/* Lists inside Lists are followed this deep. */
#define OBJECTS_MAX_LIST_DEPTH 4

static bool objects_line_key(const char *s, const char *end, const char *key)
{
        size_t n = strlen(key);

        return (size_t) (end - s) > n && memcmp(s, key, n) == 0 && s[n] == ':';
}

/* A JSON key `"key"` followed by ':' anywhere in the head. */
static bool objects_json_key(const struct kfs_probe *p, const char *key)
{
        const char *s = p->head, *end = p->head + p->head_len;
        size_t n = strlen(key);

        while ((s = memmem(s, (size_t) (end - s), key, n))) {
                const char *t = s + n;
                while (t < end && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
                        t++;
                if (t < end && *t == ':')
                        return true;
                s += n;
        }
        return false;
}

static bool objects_match(const struct kfs_probe *p)
{
        const char *s = p->head, *end = p->head + p->head_len;

        if (kfs_ckpt_kind(p->name) != KFS_CKPT_NONE || !kfs_yfile_match(p))
                return false;
        while (s < end) {
                const char *eol = memchr(s, '\n', (size_t) (end - s));
                if (objects_line_key(s, end, "kind") || objects_line_key(s, end, "apiVersion"))
                        return true;
                s = eol ? eol + 1 : end;
        }
        return objects_json_key(p, "\"kind\"") || objects_json_key(p, "\"apiVersion\"");
}

static int objects_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return kfs_yfile_load(data, len, ctx, (struct kfs_yfile **) ret_doc);
}

static void objects_free(void *doc)
{
        kfs_yfile_free(doc);
}

static void objects_cell(struct kfs_buf *t, const struct kfs_ynode *n, char sep)
{
        if (!n || kfs_ynull(n) || (n->type == KFS_YSCALAR && n->n == 0)) {
                kfs_buf_add(t, "<none>");
        } else if (n->type != KFS_YSCALAR) {
                kfs_buf_add(t, "<invalid>");
        } else {
                for (size_t i = 0; i < n->n; i++) {
                        unsigned char c = (unsigned char) n->str[i];

                        if (c == '\t')
                                kfs_buf_add(t, "\\t");
                        else if (c == '\n')
                                kfs_buf_add(t, "\\n");
                        else if (c == '\\')
                                kfs_buf_add(t, "\\\\");
                        else if (c < 0x20 || c == 0x7f)
                                kfs_buf_addf(t, "\\x%02x", c);
                        else
                                kfs_buf_addc(t, (char) c);
                }
        }
        kfs_buf_addc(t, sep);
}

static int objects_add(struct kfs_buf *t, const struct kfs_ynode *obj, unsigned depth)
{
        const struct kfs_ynode *kind, *api, *items, *meta;

        if (t->err)
                return t->err;
        if (!obj || obj->type != KFS_YMAP)
                return 0;
        kind = kfs_ymap_get(obj, "kind");
        api = kfs_ymap_get(obj, "apiVersion");
        if (!kind && !api)
                return 0;
        items = kfs_ymap_get(obj, "items");
        if (kind && kind->type == KFS_YSCALAR && kind->n >= 4 && strcmp(kind->str + kind->n - 4, "List") == 0 &&
            items && items->type == KFS_YSEQ && depth < OBJECTS_MAX_LIST_DEPTH) {
                for (size_t i = 0; i < items->n; i++) {
                        int r = objects_add(t, items->items[i], depth + 1);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        meta = kfs_ymap_get(obj, "metadata");
        objects_cell(t, api, '\t');
        objects_cell(t, kind, '\t');
        objects_cell(t, meta ? kfs_ymap_get(meta, "namespace") : NULL, '\t');
        objects_cell(t, meta ? kfs_ymap_get(meta, "name") : NULL, '\n');
        return t->err;
}

static int objects_render(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kfs_yfile *f = doc;
        struct kfs_buf t = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        char err[256] = "";
        int r;

        /* what has no JSON form (a map as a key: a template's `{{ .X }}`) is
         * refused by kubectl, .json and .flat alike: the same one-line error */
        r = kfs_yjson_render(f->docs, f->n_docs, &t, err, sizeof(err));
        kfs_buf_release(&t);
        if (r < 0 && r != -EFBIG)
                return err[0] ? kfs_yfile_fail(f, ctx, r, err) : r;
        t = (struct kfs_buf) KFS_BUF_INIT(KFS_MAX_OUTPUT);
        r = 0;

        kfs_buf_add(&t, "APIVERSION\tKIND\tNAMESPACE\tNAME\n");
        for (size_t i = 0; i < f->n_docs && r == 0; i++)
                r = objects_add(&t, f->docs[i], 0);
        if (r == 0)
                r = kfs_tabwriter(&KFS_TABWRITER_KUBECTL, t.buf, t.len, out);
        kfs_buf_release(&t);
        return r;
}

static const struct kfs_view objects_views[] = {
        { "objects", objects_render, 0 },
        { NULL, NULL, 0 },
};

const struct kfs_decoder kfs_decoder_objects = {
        .name = "objects",
        .match = objects_match,
        .parse = objects_parse,
        .free = objects_free,
        .views = objects_views,
};
