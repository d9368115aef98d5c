/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the harnesses share: a ROOT made once per process (a temp dir with
 * pki/ca.crt and pki/sa.pub of a key made at start, for pkey's search of a
 * key's certificate, and an empty ssh/), and one decode of the input under
 * one of a few names, all views rendered, the match() masks computed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pipeline.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kfs_root fuzz_root;

static void fuzz_write_pki(const char *dir)
{
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        X509 *x = X509_new();
        char path[80];
        FILE *f;

        X509_set_version(x, 2);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400);
        X509_set_pubkey(x, key);
        X509_sign(x, key, EVP_sha256());
        snprintf(path, sizeof(path), "%s/pki/ca.crt", dir);
        if ((f = fopen(path, "w"))) {
                PEM_write_X509(f, x);
                fclose(f);
        }
        snprintf(path, sizeof(path), "%s/pki/sa.pub", dir);
        if ((f = fopen(path, "w"))) {
                PEM_write_PUBKEY(f, key);
                fclose(f);
        }
        X509_free(x);
        EVP_PKEY_free(key);
}

static void fuzz_init(void)
{
        static char dir[] = "/tmp/kubefs-fuzz-XXXXXX";
        char path[64];

        if (fuzz_root.path)
                return;
        if (!mkdtemp(dir))
                abort();
        snprintf(path, sizeof(path), "%s/pki", dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/ssh", dir);
        mkdir(path, 0755);
        fuzz_write_pki(dir);
        if (kfs_root_init(&fuzz_root, dir) < 0)
                abort();
}

static inline int fuzz_decode(const struct kfs_decoder *dec, const char *const *names, size_t n_names,
                              const uint8_t *data, size_t size)
{
        struct kfs_result *r = NULL;
        const char *name;
        char *copy;

        fuzz_init();
        if (size < 1)
                return 0;
        name = names[data[0] % n_names];
        data++;
        size--;
        /* decoders get NUL-terminated data, as kfs_root_read() gives it */
        copy = malloc(size + 1);
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        (void) kfs_probe_data(name, copy, size);
        if (kfs_decode_data(&fuzz_root, name, dec, copy, size, 1767225600, &r) == 0)
                kfs_result_free(r);
        free(copy);
        return 0;
}
