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

static int kcx509_print(X509 *x, void *arg)
{
        struct kfs_buf *out = arg;
        BIO *mem = BIO_new(BIO_s_mem());
        char *text;
        long n;

        if (!mem)
                return -ENOMEM;
        if (X509_print_ex(mem, x, XN_FLAG_ONELINE, 0) <= 0) {
                BIO_free(mem);
                return -ENOMEM;
        }
        n = BIO_get_mem_data(mem, &text);
        kfs_buf_addn(out, text, (size_t) n);
        BIO_free(mem);
        return out->err;
}

int kfs_kcx509_text(const void *data, size_t len, struct kfs_buf *out, char *err, size_t errsize)
{
        return kcx509_each(data, len, kcx509_print, out, err, errsize);
}

struct kcx509_first {
        char cn[256];
        char not_after[32];
        bool done;
};

static int kcx509_note(X509 *x, void *arg)
{
        struct kcx509_first *f = arg;
        const X509_NAME *name = X509_get_subject_name(x);
        int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
        struct tm tm;

        if (f->done)
                return 0;
        f->done = true;
        if (i >= 0) {
                unsigned char *utf8 = NULL;
                int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));

                if (n >= 0) {
                        size_t k = 0;

                        /* the table cell stays one cell of one line */
                        for (int j = 0; j < n && k + 1 < sizeof(f->cn); j++)
                                f->cn[k++] = utf8[j] < 0x20 || utf8[j] == 0x7f ? '?' : (char) utf8[j];
                        f->cn[k] = '\0';
                }
                OPENSSL_free(utf8);
        }
        if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm))
                strftime(f->not_after, sizeof(f->not_after), "%Y-%m-%dT%H:%M:%SZ", &tm);
        else
                snprintf(f->not_after, sizeof(f->not_after), "invalid");
        return 0;
}

int kfs_kcx509_summary(const void *data, size_t len, char *buf, size_t size, char *err, size_t errsize)
{
        struct kcx509_first f = { .cn = "" };
        int n = kcx509_each(data, len, kcx509_note, &f, err, errsize);

        if (n < 0)
                return n;
        if (f.cn[0])
                snprintf(buf, size, "CN=%s, expires %s", f.cn, f.not_after);
        else
                snprintf(buf, size, "no CN, expires %s", f.not_after);
        if (n > 1) {
                size_t l = strlen(buf);
                snprintf(buf + l, size - l, "; +%d more", n - 1);
        }
        return n;
}
