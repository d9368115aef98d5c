/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Every certificate on a node, read once, for the reports that show them:
 * .kubefs/certs (the table below), metrics/kubefs.prom and check-expiration
 * (kfs_certreport_each(): one kfs_certinfo per certificate, with the fields
 * x509-certificate-exporter labels its series with). Files, bundles,
 * combined cert+key files and kubeconfig-embedded data (through the
 * kubeconfig decoder's loader, kubeconfig.h: Go's strict base64).
 *
 * The table, soonest expiry first:
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

#include <openssl/evp.h>

#include "buf.h"

/* Rows kept at most; past it the report says how many were left out. */
#define KFS_CERTREPORT_MAX_ROWS 100000
/* Subject alternative names kept per certificate. */
#define KFS_CERTREPORT_MAX_SANS 1024

/* The distinguished-name fields the exporter labels: C ST L O OU CN. */
enum { KFS_DN_C, KFS_DN_ST, KFS_DN_L, KFS_DN_O, KFS_DN_OU, KFS_DN_CN, KFS_DN_FIELDS };
extern const char *const kfs_certreport_dn_names[KFS_DN_FIELDS];

struct kfs_cert_san {
        const char *type;               /* "dns", "ip", "email", "uri" */
        char *value;                    /* as Go prints it (an IP: net.IP.String()) */
};

/* One certificate. Strings are UTF-8 as read (not cleaned for any output). */
struct kfs_certinfo {
        char *path;                     /* ROOT-relative, no leading '/' */
        const char *embedded_kind;      /* "cluster" or "user" for kubeconfig data; NULL for a file */
        char *embedded_key;             /* the cluster's or user's name; NULL for a file */
        bool current;                   /* embedded: the cluster or user of current-context */
        int index, total;               /* 1-based place in its blob, and how many the blob holds */
        time_t not_before, not_after;
        bool ca;                        /* X509_check_ca() */
        char *serial;                   /* decimal, as Go's big.Int String() */
        char *subject[KFS_DN_FIELDS];   /* Go's pkix.Name: the first C/ST/L/O/OU, the last CN; NULL if none */
        char *issuer[KFS_DN_FIELDS];
        struct kfs_cert_san *sans;
        size_t n_sans;
        EVP_PKEY *pub;                  /* the certificate's public key (never a private one) */
};

/* Why a file gave no certificate, in x509-certificate-exporter's reason
 * words: "bad_pem", "no_certificate_found", "decode_failed", "read_failed",
 * "permission_denied", "not_found", "broken_symlink". */
struct kfs_cert_error {
        char *path;                     /* ROOT-relative */
        const char *reason;
};

struct kfs_certreport;

struct kfs_certreport *kfs_certreport_new(time_t now);
void kfs_certreport_free(struct kfs_certreport *r);

/* The certificates of the file `path` (ROOT-relative) holding `data`: PEM
 * blocks or DER; with `kubeconfig`, the certificate-authority-data and
 * client-certificate-data it embeds. A file that gives none, or a broken
 * block, is recorded as an error (kfs_certreport_each_error()). */
int kfs_certreport_add(struct kfs_certreport *r, const char *path, const char *data, size_t len, bool kubeconfig);

/* The symlinks that point at the file of the rows added from now on
 * ("kubelet-client-current.pem", or "/a/b" when in another directory),
 * shown after its PATH in parentheses; NULL for none. Copied. */
int kfs_certreport_set_links(struct kfs_certreport *r, const char *links);

/* Records that `path` could not be read as a certificate file, for `reason`
 * (a static string, see struct kfs_cert_error). */
int kfs_certreport_error(struct kfs_certreport *r, const char *path, const char *reason);

/* Calls fn for each certificate, in the order they were added; a non-zero
 * return from fn stops and is returned. */
int kfs_certreport_each(const struct kfs_certreport *r, int (*fn)(const struct kfs_certinfo *c, void *arg),
                        void *arg);
int kfs_certreport_each_error(const struct kfs_certreport *r,
                              int (*fn)(const struct kfs_cert_error *e, void *arg), void *arg);

/* How many certificates past KFS_CERTREPORT_MAX_ROWS were left out. */
size_t kfs_certreport_dropped(const struct kfs_certreport *r);

int kfs_certreport_render(struct kfs_certreport *r, struct kfs_buf *out);
