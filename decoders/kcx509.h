/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The few certificate operations the kubeconfig views need, on a blob that
 * is a PEM file (any text around the blocks; only CERTIFICATE blocks are
 * read, so key blocks beside them are never parsed or shown) or one DER
 * certificate. To be merged with x509.c's helpers once both exist.
 */

#include <stddef.h>

#include "buf.h"

/* Each certificate as `openssl x509 -noout -text` prints it (OpenSSL 3.0),
 * in order. Returns how many, or -EINVAL with a reason in err[] when the
 * blob holds none or a broken one (certificates before it are printed). */
int kfs_kcx509_text(const void *data, size_t len, struct kfs_buf *out, char *err, size_t errsize);

/*
 * "CN=NAME, expires 2026-01-01T00:00:00Z" for the first certificate, with
 * "; +N more" when there are more. Returns the number of certificates, or -EINVAL with a reason in err[].
 */
int kfs_kcx509_summary(const void *data, size_t len, char *buf, size_t size, char *err, size_t errsize);
