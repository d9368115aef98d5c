/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Every certificate on a node in one table, soonest expiry first: what
 * `kubeadm certs check-expiration` shows for kubeadm's own, for everything
 * (files, bundles, combined cert+key files, kubeconfig-embedded data).
 *
 *   EXPIRES                DAYS   STATUS     CA    CN                 PATH
 *   2025-12-27T00:00:00Z   -5     expired    no    kube-etcd-health   /etc/kubernetes/pki/etcd/healthcheck-client.crt
 *   2026-01-20T00:00:00Z   19     expiring   no    front-proxy-client /etc/kubernetes/pki/front-proxy-client.crt
 *   2035-11-25T00:00:00Z   3615   valid      yes   kubernetes         /etc/kubernetes/admin.conf#clusters[kubernetes]
 *
 * A file holding several certificates names each as PATH#N (1-based); an
 * embedded kubeconfig certificate as PATH#clusters[NAME] or PATH#users[NAME].
 * Columns are aligned as kubectl aligns its tables. Time-dependent: made for
 * the `now` it is given. Nothing here ever touches key material.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

/* Rows kept at most; past it the report says how many were left out. */
#define KFS_CERTREPORT_MAX_ROWS 100000

struct kfs_certreport;

struct kfs_certreport *kfs_certreport_new(time_t now);
void kfs_certreport_free(struct kfs_certreport *r);

/* The certificates of the file `path` (ROOT-relative) holding `data`: PEM
 * blocks or DER; with `kubeconfig`, the certificate-authority-data and
 * client-certificate-data it embeds. Unreadable data adds nothing. */
int kfs_certreport_add(struct kfs_certreport *r, const char *path, const char *data, size_t len, bool kubeconfig);

/* The symlinks that point at the file of the rows added from now on
 * ("kubelet-client-current.pem", or "/a/b" when in another directory),
 * shown after its PATH in parentheses; NULL for none. Copied. */
int kfs_certreport_set_links(struct kfs_certreport *r, const char *links);

int kfs_certreport_render(struct kfs_certreport *r, struct kfs_buf *out);
