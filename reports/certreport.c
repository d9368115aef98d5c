/* SPDX-License-Identifier: Apache-2.0 */
#include "certreport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "decoder.h"
#include "kcx509.h"
#include "kubeconfig.h"
#include "tabwriter.h"
#include "x509.h"

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
        struct kfs_certinfo *certs;     /* rows[i] is certs[i] until the table is sorted */
        size_t n_certs;
        struct kfs_cert_error *errors;
        size_t n_errors, alloc_errors;
};

const char *const kfs_certreport_dn_names[KFS_DN_FIELDS] = { "C", "ST", "L", "O", "OU", "CN" };

static void certinfo_release(struct kfs_certinfo *c)
{
        free(c->path);
        free(c->embedded_key);
        OPENSSL_free(c->serial);
        for (int f = 0; f < KFS_DN_FIELDS; f++) {
                OPENSSL_free(c->subject[f]);
                OPENSSL_free(c->issuer[f]);
        }
        for (size_t i = 0; i < c->n_sans; i++)
                free(c->sans[i].value);
        free(c->sans);
        EVP_PKEY_free(c->pub);
}

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
        for (size_t i = 0; i < r->n_certs; i++)
                certinfo_release(&r->certs[i]);
        free(r->certs);
        for (size_t i = 0; i < r->n_errors; i++)
                free(r->errors[i].path);
        free(r->errors);
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
        const struct kfs_kubeconfig_embedded *embedded;
        int index;              /* 1-based within the blob */
        int total;              /* certificates in the blob, when known */
};

/* A name's field as Go's pkix.Name keeps it: the first value, but the last CN. */
static char *certinfo_dn(const X509_NAME *name, int nid)
{
        unsigned char *utf8 = NULL;
        int at = -1, i = -1;

        while ((i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0) {
                at = i;
                if (nid != NID_commonName)
                        break;
        }
        if (at < 0 || ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at))) < 0)
                return NULL;
        return (char *) utf8;
}

static int certinfo_san(struct kfs_certinfo *c, const char *type, char *value)
{
        struct kfs_cert_san *s;

        if (!value)
                return -ENOMEM;
        s = realloc(c->sans, (c->n_sans + 1) * sizeof(*s));
        if (!s) {
                free(value);
                return -ENOMEM;
        }
        c->sans = s;
        c->sans[c->n_sans++] = (struct kfs_cert_san) { type, value };
        return 0;
}

/* The subjectAltName entries Go's x509 keeps: DNSNames, EmailAddresses, IPAddresses, URIs. */
static int certinfo_sans(struct kfs_certinfo *c, X509 *x)
{
        GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
        int r = 0;

        for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && r == 0 &&
                        c->n_sans < KFS_CERTREPORT_MAX_SANS; i++) {
                const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
                const ASN1_STRING *s;
                char ip[INET6_ADDRSTRLEN];

                switch (g->type) {
                case GEN_DNS:
                case GEN_EMAIL:
                case GEN_URI:
                        s = g->d.ia5;
                        r = certinfo_san(c, g->type == GEN_DNS ? "dns" : g->type == GEN_EMAIL ? "email" : "uri",
                                         strndup((const char *) ASN1_STRING_get0_data(s),
                                                 (size_t) ASN1_STRING_length(s)));
                        break;
                case GEN_IPADD:
                        s = g->d.ip;
                        if ((ASN1_STRING_length(s) != 4 && ASN1_STRING_length(s) != 16) ||
                            !inet_ntop(ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s),
                                       ip, sizeof(ip)))
                                break;
                        r = certinfo_san(c, "ip", strdup(ip));
                        break;
                default:
                        break;
                }
        }
        GENERAL_NAMES_free(names);
        ERR_clear_error();
        return r;
}

static int certinfo_fill(struct kfs_certinfo *c, X509 *x, const struct add_ctx *a, const struct kfs_x509_expiry *e)
{
        static const int nids[KFS_DN_FIELDS] = {
                NID_countryName, NID_stateOrProvinceName, NID_localityName,
                NID_organizationName, NID_organizationalUnitName, NID_commonName,
        };
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);

        c->path = strdup(a->path);
        c->serial = bn ? BN_bn2dec(bn) : NULL;
        BN_free(bn);
        if (!c->path || !c->serial)
                return -ENOMEM;
        if (a->embedded) {
                c->embedded_kind = a->embedded->kind;
                c->embedded_key = strndup(a->embedded->name, a->embedded->name_len);
                c->current = a->embedded->current;
                if (!c->embedded_key)
                        return -ENOMEM;
        }
        c->index = a->index;
        c->total = a->total;
        c->not_before = e->not_before;
        c->not_after = e->not_after;
        c->ca = X509_check_ca(x) > 0;
        for (int f = 0; f < KFS_DN_FIELDS; f++) {
                c->subject[f] = certinfo_dn(X509_get_subject_name(x), nids[f]);
                c->issuer[f] = certinfo_dn(X509_get_issuer_name(x), nids[f]);
        }
        c->pub = X509_get_pubkey(x);
        ERR_clear_error();
        return certinfo_sans(c, x);
}

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
                struct kfs_certinfo *certs;

                if (!rows)
                        return -ENOMEM;
                r->rows = rows;
                certs = realloc(r->certs, n * sizeof(*certs));
                if (!certs)
                        return -ENOMEM;
                r->certs = certs;
                r->alloc = n;
        }
        r->certs[r->n_certs] = (struct kfs_certinfo) { 0 };
        if (certinfo_fill(&r->certs[r->n_certs], x, a, &e) < 0) {
                certinfo_release(&r->certs[r->n_certs]);
                return -ENOMEM;
        }
        /* PATH, PATH#N, PATH#users[NAME], PATH#users[NAME]#N */
        if (asprintf(&where, "/%s%s%s", a->path, a->where ? "#" : "", a->where ? a->where : "") < 0)
                return -ENOMEM;
        cn = kfs_x509_cn(x);
        certreport_clean(cn);
        certreport_clean(where);
        ca = r->certs[r->n_certs].ca;
        certreport_line(&line, &e, ca, cn, where, a->total > 1 ? a->index : 0, r->links);
        OPENSSL_free(cn);
        free(where);
        if (!line) {
                certinfo_release(&r->certs[r->n_certs]);
                return -ENOMEM;
        }
        r->n_certs++;
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

static bool certreport_has(const void *data, size_t len, const char *s)
{
        return memmem(data, len, s, strlen(s)) != NULL;
}

static int certreport_blob(struct kfs_certreport *r, const char *path, const char *where,
                           const struct kfs_kubeconfig_embedded *embedded, const void *data, size_t len)
{
        struct add_ctx a = { .r = r, .path = path, .where = where, .embedded = embedded };
        char why[256];
        int total = 0, n, r_ = 0;

        /* counted first: a blob with one certificate needs no #N */
        n = kfs_kcx509_each(data, len, count_one, &total, why, sizeof(why));
        if (n < 0)
                /* a broken block, or none at all: said once for the file */
                r_ = kfs_certreport_error(r, path, certreport_has(data, len, "-----BEGIN CERTIFICATE") ||
                                                   (total > 0) ? "bad_pem" : "no_certificate_found");
        if (total == 0)
                return r_ == -ENOMEM ? r_ : 0;
        a.total = total;
        n = kfs_kcx509_each(data, len, certreport_row, &a, why, sizeof(why));
        return n == -ENOMEM || r_ == -ENOMEM ? -ENOMEM : 0;
}

struct kc_ctx {
        struct kfs_certreport *r;
        const char *path;
};

static int certreport_embedded(const struct kfs_kubeconfig_embedded *e, void *arg)
{
        struct kc_ctx *k = arg;
        char where[200];

        snprintf(where, sizeof(where), "%ss[%.*s]", e->kind, (int) (e->name_len < 150 ? e->name_len : 150), e->name);
        return certreport_blob(k->r, k->path, where, e, e->data, e->len);
}

/* clusters[].cluster.certificate-authority-data, users[].user.client-certificate-data,
 * as the kubeconfig decoder loads them (kubectl's rules, Go's strict base64) */
static int certreport_kubeconfig(struct kfs_certreport *r, const char *path, const char *data, size_t len)
{
        struct kc_ctx k = { r, path };
        char err[256];
        int n = kfs_kubeconfig_each_embedded(data, len, certreport_embedded, &k, err, sizeof(err));

        if (n == -ENOMEM)
                return n;
        /* kubectl refuses the file (YAML, a type error, bad base64): what decoded is still shown */
        if (n < 0 || err[0])
                return kfs_certreport_error(r, path, "decode_failed");
        return 0;
}

int kfs_certreport_add(struct kfs_certreport *r, const char *path, const char *data, size_t len, bool kubeconfig)
{
        return kubeconfig ? certreport_kubeconfig(r, path, data, len) : certreport_blob(r, path, NULL, NULL, data, len);
}

int kfs_certreport_error(struct kfs_certreport *r, const char *path, const char *reason)
{
        char *p;

        if (r->n_errors == r->alloc_errors) {
                size_t n = r->alloc_errors ? r->alloc_errors * 2 : 16;
                struct kfs_cert_error *e;

                if (r->n_errors >= KFS_CERTREPORT_MAX_ROWS)
                        return 0;
                e = realloc(r->errors, n * sizeof(*e));
                if (!e)
                        return -ENOMEM;
                r->errors = e;
                r->alloc_errors = n;
        }
        p = strdup(path);
        if (!p)
                return -ENOMEM;
        r->errors[r->n_errors++] = (struct kfs_cert_error) { p, reason };
        return 0;
}

int kfs_certreport_each(const struct kfs_certreport *r, int (*fn)(const struct kfs_certinfo *c, void *arg),
                        void *arg)
{
        int ret = 0;

        for (size_t i = 0; i < r->n_certs && ret == 0; i++)
                ret = fn(&r->certs[i], arg);
        return ret;
}

int kfs_certreport_each_error(const struct kfs_certreport *r,
                              int (*fn)(const struct kfs_cert_error *e, void *arg), void *arg)
{
        int ret = 0;

        for (size_t i = 0; i < r->n_errors && ret == 0; i++)
                ret = fn(&r->errors[i], arg);
        return ret;
}

size_t kfs_certreport_dropped(const struct kfs_certreport *r)
{
        return r->dropped;
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
