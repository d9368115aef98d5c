/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private key bytes are wiped before their memory is given back (issue 10,
 * item 4): every free() of the process is watched (linked with
 * -Wl,--wrap=free), and no block freed while decoding a key file may still
 * hold a line of the key's PEM body or its DER. The keys are made here.
 */
#include <malloc.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "pipeline.h"
#include "registry.h"
#include "test.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const char *needle;              /* what no freed block may hold */
static size_t needle_len;
static int leaks;

void __wrap_free(void *p)
{
        if (p && needle) {
                size_t n = malloc_usable_size(p);

                if (memmem(p, n, needle, needle_len))
                        leaks++;
        }
        __real_free(p);
}

/* A PEM private key of `type` (PKCS#8, or traditional). */
static char *make_key(const char *alg, bool traditional)
{
        EVP_PKEY *k = strcmp(alg, "RSA") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048)
                                              : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        BIO *b = BIO_new(BIO_s_mem());
        char *p, *s;
        long n;

        if (traditional)
                PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL);
        else
                PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
        n = BIO_get_mem_data(b, &p);
        s = strndup(p, (size_t) n);
        BIO_free(b);
        EVP_PKEY_free(k);
        return s;
}

static void check_wiped(const char *path, const char *pem, const char *decoder)
{
        const struct kfs_decoder *dec = kfs_registry_find(decoder);
        struct kfs_root root;
        struct kfs_result *res = NULL;
        char line[48];
        const char *body = strchr(pem, '\n') + 1;

        /* the second line of the body: key material, not a header */
        body = strchr(body, '\n') + 1;
        snprintf(line, sizeof(line), "%.40s", body);
        CHECK(kfs_root_init(&root, "/") == 0);
        leaks = 0;
        needle = line;
        needle_len = strlen(line);
        CHECK_INT(kfs_decode_data(&root, path, dec, pem, strlen(pem), 1000, &res), 0);
        kfs_result_free(res);
        needle = NULL;
        if (leaks) {
                fprintf(stderr, "%s (%s): %d freed block(s) still held key material\n", path, decoder, leaks);
                test_failures++;
        }
        kfs_root_release(&root);
}

int main(void)
{
        char *rsa = make_key("RSA", true), *ec = make_key("EC", false);
        size_t n = strlen(rsa);
        char *combined = malloc(n + 1);

        check_wiped("etc/kubernetes/pki/sa.key", rsa, "pkey");
        check_wiped("etc/kubernetes/pki/apiserver.key", ec, "pkey");
        /* a certificate file that holds a key too (kubelet-client-current.pem) */
        memcpy(combined, rsa, n + 1);
        check_wiped("var/lib/kubelet/pki/kubelet-client-current.pem", combined, "x509");
        free(combined);
        free(rsa);
        free(ec);
        return test_exit();
}
