/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates for the kubeconfig views, on the certificate decoder's own
 * parts: blocks found by pem.c's scanner, text and expiry from x509.h, so a
 * certificate reads the same in ca.crt.txt and in admin.conf.txt.
 */
#include "kcx509.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "decoder.h"
#include "pem.h"
#include "x509.h"

/* At most this many certificates per blob (a CA bundle has a few hundred). */
#define KCX509_MAX_CERTS 4096

static void kcx509_summary(X509 *x, char *buf, size_t size)
{
        struct kfs_x509_expiry e;
        char *cn = kfs_x509_cn(x), safe[256] = "";
        size_t k = 0;

        /* the table cell stays one cell of one line */
        for (const char *c = cn; c && *c && k + 1 < sizeof(safe); c++)
                safe[k++] = (unsigned char) *c < 0x20 || *c == 0x7f ? '?' : *c;
        safe[k] = '\0';
        OPENSSL_free(cn);
        if (kfs_x509_expiry(x, 0, &e) < 0)
                snprintf(e.not_after_iso, sizeof(e.not_after_iso), "invalid");
        if (safe[0])
                snprintf(buf, size, "CN=%s, expires %s", safe, e.not_after_iso);
        else
                snprintf(buf, size, "no CN, expires %s", e.not_after_iso);
}

int kfs_kcx509_each(const void *data, size_t len, int (*fn)(X509 *x, void *arg), void *arg,
                    char *why, size_t why_len)
{
        struct kfs_pem_scan scan;
        struct kfs_pem_block b;
        bool blocks = false;
        char reason[200];
        int n = 0, r;
        X509 *x;

        kfs_pem_scan_init(&scan, data, len);
        while (n < KCX509_MAX_CERTS && kfs_pem_next(&scan, &b)) {
                if (kfs_pem_label_kind(b.label) != KFS_PEM_CERTIFICATE)
                        continue;
                blocks = true;
                x = kfs_pem_x509(&b, reason, sizeof(reason));
                if (!x) {
                        snprintf(why, why_len, "cannot read certificate: %s", reason);
                        return -EINVAL;
                }
                r = fn(x, arg);
                X509_free(x);
                if (r < 0)
                        return r;
                n++;
        }
        if (blocks)
                return n;
        x = len <= LONG_MAX ? kfs_der_x509(data, (long) len, reason, sizeof(reason)) : NULL;
        if (!x) {
                snprintf(why, why_len, "no certificate found");
                return -EINVAL;
        }
        r = fn(x, arg);
        X509_free(x);
        return r < 0 ? r : 1;
}

struct kcx509_acc {
        struct kfs_kcx509_info *info;
        struct kfs_buf text;
};

static int kcx509_add(X509 *x, void *arg)
{
        struct kcx509_acc *a = arg;

        if (a->info->n++ == 0)
                kcx509_summary(x, a->info->summary, sizeof(a->info->summary));
        return kfs_x509_print(x, &a->text) == -ENOMEM ? -ENOMEM : 0;
}

int kfs_kcx509_describe(const void *data, size_t len, struct kfs_kcx509_info *ret)
{
        struct kcx509_acc a = { .info = ret, .text = KFS_BUF_INIT(KFS_MAX_OUTPUT) };
        int r;

        *ret = (struct kfs_kcx509_info) { .data = data, .len = len };
        r = kfs_kcx509_each(data, len, kcx509_add, &a, ret->err, sizeof(ret->err));
        if (r == -ENOMEM || a.text.err == -ENOMEM) {
                kfs_buf_release(&a.text);
                return -ENOMEM;
        }
        /* a broken block ends the reading; what was read before it stays */
        if (r < 0)
                ret->n = r;
        ret->text = kfs_buf_detach(&a.text, &ret->text_len);
        if (!ret->text)
                return -ENOMEM;
        if (ret->n > 1) {
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
