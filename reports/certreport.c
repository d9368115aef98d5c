/* SPDX-License-Identifier: Apache-2.0 */
#include "certreport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "decoder.h"
#include "kcx509.h"
#include "tabwriter.h"
#include "x509.h"
#include "ydoc.h"

struct row {
        time_t not_after;
        char *line;             /* the row's cells after EXPIRES, tab-separated */
        char expires[32];
};

struct kfs_certreport {
        time_t now;
        struct row *rows;
        size_t n, alloc, dropped;
        char *links;            /* kfs_certreport_set_links() */
};

struct kfs_certreport *kfs_certreport_new(time_t now)
{
        struct kfs_certreport *r = calloc(1, sizeof(*r));

        if (r)
                r->now = now;
        return r;
}

void kfs_certreport_free(struct kfs_certreport *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n; i++)
                free(r->rows[i].line);
        free(r->rows);
        free(r->links);
        free(r);
}

/* A cell of one line: no tabs or newlines to break the table. */
static void certreport_clean(char *s)
{
        for (; s && *s; s++)
                if ((unsigned char) *s < 0x20 || *s == 0x7f)
                        *s = '?';
}

/* The row after EXPIRES: DAYS STATUS CA CN PATH[#index]; *ret NULL on failure. */
static void certreport_line(char **ret, const struct kfs_x509_expiry *e, int ca, const char *cn,
                             const char *where, int index, const char *links)
{
        char idx[16] = "";

        if (index)
                snprintf(idx, sizeof(idx), "#%d", index);
        if (asprintf(ret, "%lld\t%s\t%s\t%s\t%s%s%s%s%s", e->days, e->status, ca > 0 ? "yes" : "no",
                     cn && *cn ? cn : "-", where, idx, links ? " (" : "", links ? links : "",
                     links ? ")" : "") < 0)
                *ret = NULL;
}

int kfs_certreport_set_links(struct kfs_certreport *r, const char *links)
{
        char *copy = NULL;

        if (links && !(copy = strdup(links)))
                return -ENOMEM;
        certreport_clean(copy);
        free(r->links);
        r->links = copy;
        return 0;
}

struct add_ctx {
        struct kfs_certreport *r;
        const char *path;
        const char *where;      /* "clusters[NAME]", or NULL for a file */
        int index;              /* 1-based within the blob */
        int total;              /* certificates in the blob, when known */
};

static int certreport_row(X509 *x, void *arg)
{
        struct add_ctx *a = arg;
        struct kfs_certreport *r = a->r;
        struct kfs_x509_expiry e;
        char *cn, *line = NULL, *where = NULL;
        int ca;

        a->index++;
        if (r->n >= KFS_CERTREPORT_MAX_ROWS) {
                r->dropped++;
                return 0;
        }
        if (kfs_x509_expiry(x, r->now, &e) < 0)
                return 0;
        if (r->n == r->alloc) {
                size_t n = r->alloc ? r->alloc * 2 : 64;
                struct row *rows = realloc(r->rows, n * sizeof(*rows));
                if (!rows)
                        return -ENOMEM;
                r->rows = rows;
                r->alloc = n;
        }
        /* PATH, PATH#N, PATH#users[NAME], PATH#users[NAME]#N */
        if (asprintf(&where, "/%s%s%s", a->path, a->where ? "#" : "", a->where ? a->where : "") < 0)
                return -ENOMEM;
        cn = kfs_x509_cn(x);
        certreport_clean(cn);
        certreport_clean(where);
        ca = X509_check_ca(x);
        certreport_line(&line, &e, ca, cn, where, a->total > 1 ? a->index : 0, r->links);
        OPENSSL_free(cn);
        free(where);
        if (!line)
                return -ENOMEM;
        r->rows[r->n] = (struct row) { .not_after = e.not_after, .line = line };
        snprintf(r->rows[r->n].expires, sizeof(r->rows[r->n].expires), "%s", e.not_after_iso);
        r->n++;
        return 0;
}

static int count_one(X509 *x, void *arg)
{
        (*(int *) arg)++;
        return 0;
}

/* base64 with whitespace anywhere, as kubeconfigs carry it; NULL if not base64. */
static unsigned char *certreport_unbase64(const char *s, size_t n, size_t *ret_len)
{
        unsigned char *out = malloc(n / 4 * 3 + 4);
        EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
        int len = 0, fin = 0;

        if (!out || !ctx || n > INT32_MAX) {
                free(out);
                EVP_ENCODE_CTX_free(ctx);
                return NULL;
        }
        EVP_DecodeInit(ctx);
        if (EVP_DecodeUpdate(ctx, out, &len, (const unsigned char *) s, (int) n) < 0 ||
            EVP_DecodeFinal(ctx, out + len, &fin) < 0) {
                free(out);
                out = NULL;
        }
        EVP_ENCODE_CTX_free(ctx);
        *ret_len = (size_t) len + (size_t) fin;
        return out;
}

static int certreport_blob(struct kfs_certreport *r, const char *path, const char *where,
                           const void *data, size_t len)
{
        struct add_ctx a = { .r = r, .path = path, .where = where };
        char why[256];
        int total = 0, n;

        /* counted first: a blob with one certificate needs no #N */
        if (kfs_kcx509_each(data, len, count_one, &total, why, sizeof(why)) < 0 && total == 0)
                return 0;
        a.total = total;
        n = kfs_kcx509_each(data, len, certreport_row, &a, why, sizeof(why));
        return n == -ENOMEM ? n : 0;
}

/* clusters[].cluster.certificate-authority-data, users[].user.client-certificate-data */
static int certreport_kubeconfig(struct kfs_certreport *r, const char *path, const char *data, size_t len)
{
        static const struct { const char *list, *item, *key; } places[] = {
                { "clusters", "cluster", "certificate-authority-data" },
                { "users", "user", "client-certificate-data" },
        };
        struct kfs_ydoc *doc = NULL;
        char err[128];
        int r_ = 0;

        if (kfs_ydoc_parse(data, len, &doc, err, sizeof(err)) < 0)
                return 0;
        for (size_t d = 0; d < doc->n_docs && d < 1 && r_ == 0; d++) {
                for (size_t p = 0; p < 2 && r_ == 0; p++) {
                        const struct kfs_ynode *list = kfs_ymap_get(doc->docs[d], places[p].list);

                        for (uint32_t i = 0; list && list->type == KFS_YSEQ && i < list->n && r_ == 0; i++) {
                                const struct kfs_ynode *it = list->items[i];
                                const char *name = kfs_ymap_str(it, "name");
                                const struct kfs_ynode *v = kfs_ymap_get(kfs_ymap_get(it, places[p].item),
                                                                         places[p].key);
                                unsigned char *der;
                                size_t dlen;
                                char where[200];

                                if (!v || v->type != KFS_YSCALAR || !v->n)
                                        continue;
                                der = certreport_unbase64(v->str, v->n, &dlen);
                                if (!der)
                                        continue;
                                snprintf(where, sizeof(where), "%s[%s]", places[p].list, name ? name : "");
                                r_ = certreport_blob(r, path, where, der, dlen);
                                free(der);
                        }
                }
        }
        kfs_ydoc_free(doc);
        return r_;
}

int kfs_certreport_add(struct kfs_certreport *r, const char *path, const char *data, size_t len, bool kubeconfig)
{
        return kubeconfig ? certreport_kubeconfig(r, path, data, len) : certreport_blob(r, path, NULL, data, len);
}

static int row_cmp(const void *a, const void *b)
{
        const struct row *x = a, *y = b;

        if (x->not_after != y->not_after)
                return x->not_after < y->not_after ? -1 : 1;
        return strcmp(x->line, y->line);
}

int kfs_certreport_render(struct kfs_certreport *r, struct kfs_buf *out)
{
        struct kfs_buf table = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        int ret;

        if (r->n)
                qsort(r->rows, r->n, sizeof(*r->rows), row_cmp);
        kfs_buf_add(&table, "EXPIRES\tDAYS\tSTATUS\tCA\tCN\tPATH\n");
        for (size_t i = 0; i < r->n; i++)
                kfs_buf_addf(&table, "%s\t%s\n", r->rows[i].expires, r->rows[i].line);
        if (table.err) {
                ret = table.err;
                kfs_buf_release(&table);
                return ret;
        }
        ret = kfs_tabwriter(&KFS_TABWRITER_KUBECTL, table.buf, table.len, out);
        kfs_buf_release(&table);
        if (r->dropped)
                kfs_buf_addf(out, "# %zu more certificates not listed (limit %d)\n", r->dropped,
                             KFS_CERTREPORT_MAX_ROWS);
        return ret < 0 ? ret : out->err;
}
