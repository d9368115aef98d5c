/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What kubefs says about a private key (decoders/pkey.c), on keys made here
 * with OpenSSL: type, size or curve, the public key's SHA-256 computed
 * independently (i2d_PUBKEY + SHA256), matching its own public key and no
 * other, encrypted keys reported and never decrypted, and no private
 * material in the summary.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "pem.h"
#include "pkey.h"
#include "str.h"
#include "test.h"

static EVP_PKEY *gen(const char *type, const char *param)
{
        if (strcmp(type, "RSA") == 0)
                return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024);
        if (strcmp(type, "EC") == 0)
                return EVP_PKEY_Q_keygen(NULL, NULL, "EC", param);
        return EVP_PKEY_Q_keygen(NULL, NULL, type);
}

static void spki_sha256(EVP_PKEY *k, char out[65])
{
        unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH];
        int n = i2d_PUBKEY(k, &der);

        SHA256(der, (size_t) n, md);
        kfs_hex_lower(md, sizeof(md), out);
        OPENSSL_free(der);
}

/* The key as a PEM text, encrypted with `cipher` when not NULL. */
static char *pem_of(EVP_PKEY *k, const EVP_CIPHER *cipher)
{
        BIO *b = BIO_new(BIO_s_mem());
        char *p, *s;
        long n;

        PEM_write_bio_PKCS8PrivateKey(b, k, cipher, cipher ? "pw" : NULL, cipher ? 2 : 0, NULL, NULL);
        n = BIO_get_mem_data(b, &p);
        s = strndup(p, (size_t) n);
        BIO_free(b);
        return s;
}

/* The keyinfo of the first block of `pem`. */
static int info_of(const char *pem, struct kfs_keyinfo *k)
{
        struct kfs_pem_scan s;
        struct kfs_pem_block b;
        unsigned char *der = NULL;
        char *header = NULL, why[256];
        long len;
        int r;

        kfs_pem_scan_init(&s, pem, strlen(pem));
        if (!kfs_pem_next(&s, &b))
                return -1;
        r = kfs_pem_decode(&b, &der, &len, &header, why, sizeof(why));
        if (r < 0)
                return r;
        r = kfs_keyinfo_init(k, b.label, der, len, header);
        OPENSSL_free(der);
        free(header);
        return r;
}

static void check_key(const char *type, const char *param, const char *want_type, int want_bits,
                      const char *want_curve)
{
        EVP_PKEY *k = gen(type, param), *other = gen(type, param);
        char *pem = pem_of(k, NULL), *enc = pem_of(k, EVP_aes_256_cbc());
        struct kfs_keyinfo ki = { 0 }, ke = { 0 };
        struct kfs_buf out = KFS_BUF_INIT(1 << 16);
        char want_sha[65];

        spki_sha256(k, want_sha);
        CHECK_INT(info_of(pem, &ki), 0);
        CHECK(ki.error == NULL);
        CHECK_STR(ki.type, want_type);
        CHECK_INT(ki.bits, want_bits);
        CHECK_STR(ki.curve, want_curve);
        CHECK(ki.encryption == NULL);
        CHECK_STR(ki.spki_sha256, want_sha);
        CHECK(kfs_keyinfo_matches(&ki, k));
        CHECK(!kfs_keyinfo_matches(&ki, other));

        /* the summary names the key and holds none of it */
        kfs_keyinfo_print(&ki, 1, &out);
        CHECK(strstr(kfs_buf_str(&out), want_sha) != NULL);
        CHECK(strstr(kfs_buf_str(&out), "BEGIN") == NULL);
        {
                /* a line of the PEM body (private material) never shows */
                const char *body = strchr(pem, '\n') + 1;
                char line[40];
                snprintf(line, sizeof(line), "%.32s", body);
                CHECK(strstr(kfs_buf_str(&out), line) == NULL);
        }

        /* encrypted: said how, never decrypted, so no public key to know */
        CHECK_INT(info_of(enc, &ke), 0);
        CHECK(ke.encryption != NULL && strstr(ke.encryption, "AES-256-CBC") != NULL);
        CHECK_STR(ke.spki_sha256, "");

        kfs_buf_release(&out);
        kfs_keyinfo_release(&ki);
        kfs_keyinfo_release(&ke);
        free(pem);
        free(enc);
        EVP_PKEY_free(k);
        EVP_PKEY_free(other);
}

int main(void)
{
        struct kfs_keyinfo k = { 0 };

        check_key("RSA", NULL, "RSA", 1024, "");
        check_key("EC", "P-256", "EC", 256, "P-256 (prime256v1)");
        check_key("ED25519", NULL, "Ed25519", 256, "");   /* OpenSSL's ED25519_BITS */

        /* garbage gives an error, not a crash */
        CHECK_INT(kfs_keyinfo_init(&k, "PRIVATE KEY", (const unsigned char *) "\x30\x03\x02\x01", 4, NULL), 0);
        CHECK(k.error != NULL);
        kfs_keyinfo_release(&k);
        return test_exit();
}
