/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The kubeconfig decoder's loader (kubeconfig.c: clientcmd.Load() as kubectl
 * runs it, Go's strict base64 for the -data fields) for the node-wide
 * reports: the certificate data a kubeconfig embeds, exactly the bytes
 * kubectl would hand to crypto/tls. Key data (client-key-data) is never given.
 */

#include <stdbool.h>
#include <stddef.h>

struct kfs_kubeconfig_embedded {
        const char *kind;               /* "cluster" (certificate-authority-data) or "user" (client-certificate-data) */
        const char *name;               /* the cluster's or user's name, as written (not NUL-terminated) */
        size_t name_len;
        const unsigned char *data;      /* the decoded bytes: PEM, as kubectl reads them */
        size_t len;
        bool current;                   /* the cluster or user of current-context */
};

/*
 * Loads `data` as kubectl does and calls fn for each non-empty
 * certificate-authority-data (clusters, in order) and client-certificate-data
 * (users, in order). A -data field that is not valid base64 is not given
 * (kubectl refuses the file); *ret_error, when given, says why kubectl would
 * refuse the file ("" if it would not), within error_size bytes. Returns 0,
 * fn's non-zero return, -EINVAL when the text is not YAML, or -ENOMEM.
 */
int kfs_kubeconfig_each_embedded(const char *data, size_t len,
                                 int (*fn)(const struct kfs_kubeconfig_embedded *e, void *arg), void *arg,
                                 char *ret_error, size_t error_size);
