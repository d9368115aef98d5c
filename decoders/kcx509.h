/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The few certificate operations the kubeconfig views need, on a blob that
 * is a PEM file (any text around the blocks; only CERTIFICATE blocks are
 * read, so key blocks beside them are never parsed or shown) or one DER
 * certificate. Built on pem.h and x509.h: the same text and dates as the
 * certificate decoder's views.
 */

#include <stddef.h>

#include <openssl/x509.h>

#include "buf.h"

/* Calls fn for each certificate of the blob, in order: the CERTIFICATE
 * blocks, or the whole blob as one DER certificate when it has none.
 * Returns how many, or fn's -errno, or -EINVAL with the reason in `why`
 * (a broken block stops the walk after the ones before it). */
int kfs_kcx509_each(const void *data, size_t len, int (*fn)(X509 *x, void *arg), void *arg,
                    char *why, size_t why_len);

/* What the kubeconfig views show of one blob. */
struct kfs_kcx509_info {
        const void *data;       /* the caller's: which blob this describes */
        size_t len;
        int n;                  /* certificates read; -EINVAL when the blob is broken or has none */
        char summary[320];      /* "CN=NAME, expires 2026-01-01T00:00:00Z" of the first, "; +N more" */
        char *text;             /* each certificate as `openssl x509 -noout -text` prints it (OpenSSL
                                 * 3.0), in order, also those before a broken one; malloc'd */
        size_t text_len;
        char err[256];          /* why n < 0 */
};

/* Reads every certificate of the blob once. Returns 0 (see info->n), or -ENOMEM. */
int kfs_kcx509_describe(const void *data, size_t len, struct kfs_kcx509_info *ret);
void kfs_kcx509_release(struct kfs_kcx509_info *info);
