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

static void kcx509_add(struct kfs_kcx509_info *info, X509 *x, struct kfs_buf *text)
{
        if (info->n++ == 0)
                kcx509_summary(x, info->summary, sizeof(info->summary));
        kfs_x509_print(x, text);
}

/*
 * Every CERTIFICATE block in order (other blocks, keys among them, are
 * skipped unparsed), or the blob as one DER certificate when it has no PEM
 * certificate block. A broken block ends the reading with its reason; what
 * was read before it stays.
 */
int kfs_kcx509_describe(const void *data, size_t len, struct kfs_kcx509_info *ret)
{
        struct kfs_buf text = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        struct kfs_pem_scan scan;
        struct kfs_pem_block b;
        bool blocks = false;
        char why[200];
        X509 *x;

        *ret = (struct kfs_kcx509_info) { .data = data, .len = len };
        kfs_pem_scan_init(&scan, data, len);
        while (ret->n >= 0 && ret->n < KCX509_MAX_CERTS && kfs_pem_next(&scan, &b)) {
                if (kfs_pem_label_kind(b.label) != KFS_PEM_CERTIFICATE)
                        continue;
                blocks = true;
                x = kfs_pem_x509(&b, why, sizeof(why));
                if (!x) {
                        snprintf(ret->err, sizeof(ret->err), "cannot read certificate: %s", why);
                        ret->n = -EINVAL;
                        break;
                }
                kcx509_add(ret, x, &text);
                X509_free(x);
        }
        if (!blocks) {
                x = len <= LONG_MAX ? kfs_der_x509(data, (long) len, why, sizeof(why)) : NULL;
                if (x) {
                        kcx509_add(ret, x, &text);
                        X509_free(x);
                } else {
                        snprintf(ret->err, sizeof(ret->err), "no certificate found");
                        ret->n = -EINVAL;
                }
        }
        if (text.err) {
                kfs_buf_release(&text);
                return -ENOMEM;
        }
        ret->text = kfs_buf_detach(&text, &ret->text_len);
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
