/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates for the kubeconfig views: printed with X509_print_ex() and
 * the name flags `openssl x509` uses by default on OpenSSL 3.0
 * (XN_FLAG_ONELINE: "CN = x, O = y"), which makes the text byte-identical
 * to `openssl x509 -noout -text`.
 */
#include "kcx509.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* At most this many certificates per blob (a CA bundle has a few hundred). */
#define KCX509_MAX_CERTS 4096

static void kcx509_reason(char *err, size_t errsize, const char *what)
{
        unsigned long e = ERR_peek_last_error();
        const char *reason = e ? ERR_reason_error_string(e) : NULL;

        snprintf(err, errsize, "%s%s%s", what, reason ? ": " : "", reason ? reason : "");
        ERR_clear_error();
}

/*
 * Calls fn for each certificate: the PEM CERTIFICATE blocks in order (other
 * blocks, keys among them, are skipped unparsed), or the blob as one DER
 * certificate when it has no PEM block. Returns the count, or -EINVAL.
 */
static int kcx509_each(const void *data, size_t len, int (*fn)(X509 *x, void *arg), void *arg,
                       char *err, size_t errsize)
{
        BIO *bio;
        X509 *x;
        int n = 0, r = 0;

        if (len > INT_MAX) {
                snprintf(err, errsize, "too big");
                return -EINVAL;
        }
        ERR_clear_error();
        bio = BIO_new_mem_buf(data, (int) len);
        if (!bio)
                return -ENOMEM;
        while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
                r = fn(x, arg);
                X509_free(x);
                if (r < 0 || ++n == KCX509_MAX_CERTS)
                        goto out;
        }
        if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
                kcx509_reason(err, errsize, "cannot read certificate");
                r = -EINVAL;
                goto out;
        }
        if (n > 0)
                goto out;
        /* no PEM certificate at all: one DER certificate? */
        ERR_clear_error();
        {
                const unsigned char *p = data;

                x = d2i_X509(NULL, &p, (long) len);
        }
        if (!x) {
                snprintf(err, errsize, "no certificate found");
                r = -EINVAL;
                goto out;
        }
        r = fn(x, arg);
        X509_free(x);
        if (r == 0)
                n = 1;
out:
        ERR_clear_error();
        BIO_free(bio);
        return r < 0 ? r : n;
}

static void kcx509_summary(X509 *x, char *buf, size_t size)
{
        const X509_NAME *name = X509_get_subject_name(x);
        int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
        char cn[256] = "", not_after[32] = "invalid";
        struct tm tm;

        if (i >= 0) {
                unsigned char *utf8 = NULL;
                int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));

                if (n >= 0) {
                        size_t k = 0;

                        /* the table cell stays one cell of one line */
                        for (int j = 0; j < n && k + 1 < sizeof(cn); j++)
                                cn[k++] = utf8[j] < 0x20 || utf8[j] == 0x7f ? '?' : (char) utf8[j];
                        cn[k] = '\0';
                }
                OPENSSL_free(utf8);
        }
        if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
                strftime(not_after, sizeof(not_after), "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (cn[0])
                snprintf(buf, size, "CN=%s, expires %s", cn, not_after);
        else
                snprintf(buf, size, "no CN, expires %s", not_after);
}

struct kcx509_acc {
        struct kfs_kcx509_info *info;
        BIO *text;
};

static int kcx509_add(X509 *x, void *arg)
{
        struct kcx509_acc *a = arg;

        if (a->info->n++ == 0)
                kcx509_summary(x, a->info->summary, sizeof(a->info->summary));
        return X509_print_ex(a->text, x, XN_FLAG_ONELINE, 0) > 0 ? 0 : -ENOMEM;
}

int kfs_kcx509_describe(const void *data, size_t len, struct kfs_kcx509_info *ret)
{
        struct kcx509_acc a = { .info = ret };
        char *text;
        long n;
        int r;

        *ret = (struct kfs_kcx509_info) { 0 };
        a.text = BIO_new(BIO_s_mem());
        if (!a.text)
                return -ENOMEM;
        r = kcx509_each(data, len, kcx509_add, &a, ret->err, sizeof(ret->err));
        if (r == -ENOMEM) {
                BIO_free(a.text);
                return r;
        }
        n = BIO_get_mem_data(a.text, &text);
        ret->text = malloc((size_t) n + 1);
        if (!ret->text) {
                BIO_free(a.text);
                return -ENOMEM;
        }
        if (n > 0)
                memcpy(ret->text, text, (size_t) n);
        ret->text[n] = '\0';
        ret->text_len = (size_t) n;
        BIO_free(a.text);
        if (r < 0)
                ret->n = r;
        else if (ret->n > 1) {
                size_t l = strlen(ret->summary);
                snprintf(ret->summary + l, sizeof(ret->summary) - l, "; +%d more", ret->n - 1);
        }
        return 0;
}

void kfs_kcx509_release(struct kfs_kcx509_info *info)
{
        free(info->text);
        info->text = NULL;
}
