/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Certificates as the x509 views show them, for other decoders (a
 * kubeconfig's embedded certificates) and node-wide reports: the same text,
 * the same expiry rules. Objects come from kfs_pem_x509()/kfs_der_x509()
 * (pem.h). Nothing here keeps state; OpenSSL's error queue is left empty.
 */

#include <time.h>

#include <openssl/x509.h>

#include "buf.h"

/* Certificates with fewer whole days left than this are "expiring". */
#define KFS_X509_EXPIRING_DAYS 30

/* Appends `x` exactly as `openssl x509 -noout -text` (OpenSSL 3.0) prints it. */
int kfs_x509_print(X509 *x, struct kfs_buf *out);

struct kfs_x509_expiry {
        time_t not_before, not_after;
        char not_after_iso[32];         /* "2027-01-01T00:00:00Z" */
        long long days;                 /* whole days left (floor); negative once expired */
        const char *status;             /* "valid", "expiring", "expired", "not-yet-valid" */
        time_t changes;                 /* when `days` or `status` next change */
};

/* The validity of `x` as of `now`. -EINVAL if its dates cannot be read. */
int kfs_x509_expiry(X509 *x, time_t now, struct kfs_x509_expiry *ret);

/* The subject's last CN (as Go's pkix.Name) in UTF-8 (OPENSSL_free it), or NULL. */
char *kfs_x509_cn(X509 *x);
