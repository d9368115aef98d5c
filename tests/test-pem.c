/* SPDX-License-Identifier: Apache-2.0 */
/* The PEM block scanner and the DER classifier (decoders/pem.c). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pem.h"
#include "test.h"
#include "str.h"

/* The blocks of `s` as "LABEL:complete:body" joined with '|'. */
static void scan(const char *s, char *out, size_t n)
{
        struct kfs_pem_scan sc;
        struct kfs_pem_block b;

        out[0] = '\0';
        kfs_pem_scan_init(&sc, s, strlen(s));
        while (kfs_pem_next(&sc, &b)) {
                size_t len = strlen(out);

                snprintf(out + len, n - len, "%s%s:%d:%.*s", len ? "|" : "", b.label, b.complete,
                         (int) (b.body_end - b.body), b.body);
        }
}

static void test_scan(void)
{
        char out[512];

        scan("", out, sizeof(out));
        CHECK_STR(out, "");
        scan("no blocks here\n-----\n----------\n", out, sizeof(out));
        CHECK_STR(out, "");
        scan("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", out, sizeof(out));
        CHECK_STR(out, "CERTIFICATE:1:\nAAAA\n");
        /* text around, CRLF, leading whitespace, junk after END */
        scan("text\r\n  -----BEGIN A B-----\r\nQQ==\r\n-----END A B-----junk\r\nmore\n"
             "-----BEGIN C-----\nx\n-----END C-----", out, sizeof(out));
        CHECK_STR(out, "A B:1:\r\nQQ==\r\n|C:1:\nx\n");
        /* a BEGIN before the END: the first block was cut short */
        scan("-----BEGIN X-----\nAAA\n-----BEGIN Y-----\nBBB\n-----END Y-----\n", out, sizeof(out));
        CHECK_STR(out, "X:0:\nAAA\n|Y:1:\nBBB\n");
        /* an END of another label ends the block, incomplete */
        scan("-----BEGIN X-----\nAAA\n-----END Y-----\n", out, sizeof(out));
        CHECK_STR(out, "X:0:\nAAA\n");
        /* truncated at the end of the data */
        scan("-----BEGIN X-----\nAAA", out, sizeof(out));
        CHECK_STR(out, "X:0:\nAAA");
        /* not markers: no closing dashes on the line, a label too long */
        scan("-----BEGIN X\n-----\n", out, sizeof(out));
        CHECK_STR(out, "");
        scan("-----BEGIN XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX-----\n", out, sizeof(out));
        CHECK_STR(out, "");
        /* an END with nothing open is just text */
        scan("-----END X-----\n-----BEGIN Y-----\nZ\n-----END Y-----\n", out, sizeof(out));
        CHECK_STR(out, "Y:1:\nZ\n");
}

static void test_label_kind(void)
{
        CHECK_INT(kfs_pem_label_kind("CERTIFICATE"), KFS_PEM_CERTIFICATE);
        CHECK_INT(kfs_pem_label_kind("TRUSTED CERTIFICATE"), KFS_PEM_CERTIFICATE);
        CHECK_INT(kfs_pem_label_kind("X509 CERTIFICATE"), KFS_PEM_CERTIFICATE);
        CHECK_INT(kfs_pem_label_kind("CERTIFICATE REQUEST"), KFS_PEM_CSR);
        CHECK_INT(kfs_pem_label_kind("NEW CERTIFICATE REQUEST"), KFS_PEM_CSR);
        CHECK_INT(kfs_pem_label_kind("EC PRIVATE KEY"), KFS_PEM_PRIVATE_KEY);
        CHECK_INT(kfs_pem_label_kind("NEBULA X25519 PRIVATE KEY"), KFS_PEM_PRIVATE_KEY);
        CHECK_INT(kfs_pem_label_kind("PUBLIC KEY"), KFS_PEM_PUBLIC_KEY);
        CHECK_INT(kfs_pem_label_kind("PKCS7"), KFS_PEM_PKCS7);
        CHECK_INT(kfs_pem_label_kind("X509 CRL"), KFS_PEM_OTHER);
        CHECK_INT(kfs_pem_label_kind("EC PARAMETERS"), KFS_PEM_OTHER);
        static const char params_key[] = "a\n-----BEGIN EC PARAMETERS-----\nx\n-----END EC PARAMETERS-----\n"
                                          "-----BEGIN EC PRIVATE KEY-----\n";
        CHECK_INT(kfs_pem_kinds(params_key, sizeof(params_key) - 1, 16),
                  1u << KFS_PEM_OTHER | 1u << KFS_PEM_PRIVATE_KEY);
}

static EVP_PKEY *make_key(void)
{
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static X509 *make_cert(EVP_PKEY *key, int version)
{
        X509 *x = X509_new();
        X509_NAME *name = X509_NAME_new();

        X509_set_version(x, version);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *) "unit", -1, -1, 0);
        X509_set_subject_name(x, name);
        X509_set_issuer_name(x, name);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400);
        X509_set_pubkey(x, key);
        X509_sign(x, key, EVP_sha256());
        X509_NAME_free(name);
        return x;
}

static void check_der(const unsigned char *der, size_t len, enum kfs_der_kind want, const char *what)
{
        size_t total = 0;

        if (kfs_der_classify(der, len, &total) != want || total != len) {
                fprintf(stderr, "%s: classified %d (total %zu of %zu), expected %d\n", what,
                        kfs_der_classify(der, len, NULL), total, len, want);
                test_failures++;
        }
        /* the first bytes are enough (match() sees only a file's head) */
        if (len > 256)
                CHECK_INT(kfs_der_classify(der, 256, NULL), want);
}

/* What every DER shape is made from. */
struct der_objs {
        EVP_PKEY *key, *rsa;
        X509 *v3, *v1;
        X509_REQ *req;
        X509_CRL *crl;
        PKCS8_PRIV_KEY_INFO *p8;
};

static int enc_v3(const struct der_objs *o, unsigned char **p) { return i2d_X509(o->v3, p); }
static int enc_v1(const struct der_objs *o, unsigned char **p) { return i2d_X509(o->v1, p); }
static int enc_csr(const struct der_objs *o, unsigned char **p) { return i2d_X509_REQ(o->req, p); }
static int enc_crl(const struct der_objs *o, unsigned char **p) { return i2d_X509_CRL(o->crl, p); }
static int enc_pkcs8(const struct der_objs *o, unsigned char **p) { return i2d_PKCS8_PRIV_KEY_INFO(o->p8, p); }
static int enc_sec1(const struct der_objs *o, unsigned char **p) { return i2d_PrivateKey(o->key, p); }
static int enc_pkcs1(const struct der_objs *o, unsigned char **p) { return i2d_PrivateKey(o->rsa, p); }
static int enc_spki(const struct der_objs *o, unsigned char **p) { return i2d_PUBKEY(o->key, p); }
static int enc_rsapub(const struct der_objs *o, unsigned char **p) { return i2d_PublicKey(o->rsa, p); }

static int enc_encrypted(const struct der_objs *o, unsigned char **p)
{
        BIO *bio = BIO_new(BIO_s_mem());
        char *data;
        long n;

        i2d_PKCS8PrivateKey_bio(bio, o->key, EVP_aes_128_cbc(), "pw", 2, NULL, NULL);
        n = BIO_get_mem_data(bio, &data);
        *p = OPENSSL_memdup(data, (size_t) n);
        BIO_free(bio);
        return (int) n;
}

static const struct {
        const char *what;
        int (*encode)(const struct der_objs *o, unsigned char **ret);
        enum kfs_der_kind want;
} der_cases[] = {
        { "v3 certificate", enc_v3, KFS_DER_CERTIFICATE },
        { "v1 certificate", enc_v1, KFS_DER_CERTIFICATE },
        { "CSR", enc_csr, KFS_DER_CSR },
        { "CRL", enc_crl, KFS_DER_CRL },
        { "PKCS#8", enc_pkcs8, KFS_DER_PRIVATE_KEY },
        { "SEC 1", enc_sec1, KFS_DER_PRIVATE_KEY },
        { "PKCS#1", enc_pkcs1, KFS_DER_PRIVATE_KEY },
        { "SPKI", enc_spki, KFS_DER_PUBLIC_KEY },
        { "RSAPublicKey", enc_rsapub, KFS_DER_PUBLIC_KEY },
        { "encrypted PKCS#8", enc_encrypted, KFS_DER_ENCRYPTED_KEY },
};

static const struct {
        const char *bytes;
        size_t len;
} der_junk[] = {
        { "\x30\x84\xff\xff\xff\xff", 6 },     /* a length past the input */
        { "\x30\x00", 2 },                          /* an empty SEQUENCE */
        { "\x30", 1 },
        { "", 0 },
};

static void test_der(void)
{
        struct der_objs o = {
                .key = make_key(),
                .rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024),
                .req = X509_REQ_new(),
                .crl = X509_CRL_new(),
        };
        unsigned char junk[64];

        o.v3 = make_cert(o.key, 2);
        o.v1 = make_cert(o.key, 0);
        o.p8 = EVP_PKEY2PKCS8(o.key);
        X509_REQ_set_pubkey(o.req, o.key);
        X509_REQ_set_subject_name(o.req, X509_get_subject_name(o.v3));
        X509_REQ_sign(o.req, o.key, EVP_sha256());
        X509_CRL_set_version(o.crl, 1);
        X509_CRL_set_issuer_name(o.crl, X509_get_subject_name(o.v3));
        X509_CRL_set1_lastUpdate(o.crl, X509_get0_notBefore(o.v3));
        X509_CRL_sign(o.crl, o.key, EVP_sha256());

        for (size_t i = 0; i < sizeof(der_cases) / sizeof(der_cases[0]); i++) {
                unsigned char *der = NULL;
                int len = der_cases[i].encode(&o, &der);

                CHECK(len > 0);
                if (len > 0)
                        check_der(der, (size_t) len, der_cases[i].want, der_cases[i].what);
                OPENSSL_free(der);
        }
        memset(junk, 0xff, sizeof(junk));
        CHECK_INT(kfs_der_classify(junk, sizeof(junk), NULL), KFS_DER_UNKNOWN);
        for (size_t i = 0; i < sizeof(der_junk) / sizeof(der_junk[0]); i++)
                CHECK_INT(kfs_der_classify((const unsigned char *) der_junk[i].bytes, der_junk[i].len, NULL),
                          KFS_DER_UNKNOWN);

        X509_free(o.v3);
        X509_free(o.v1);
        X509_REQ_free(o.req);
        X509_CRL_free(o.crl);
        PKCS8_PRIV_KEY_INFO_free(o.p8);
        EVP_PKEY_free(o.key);
        EVP_PKEY_free(o.rsa);
}

static void test_decode(void)
{
        EVP_PKEY *key = make_key();
        X509 *x = make_cert(key, 2), *y;
        BIO *bio = BIO_new(BIO_s_mem());
        struct kfs_pem_scan sc;
        struct kfs_pem_block b;
        char *pem, *crlf, why[128];
        long n;

        PEM_write_bio_X509(bio, x);
        n = BIO_get_mem_data(bio, &pem);
        /* the same certificate with CRLF line ends and text around */
        crlf = calloc(1, 2 * (size_t) n + 64);
        strcpy(crlf, "subject=CN=unit\r\n");
        for (long i = 0; i < n; i++) {
                if (pem[i] == '\n')
                        strcat(crlf, "\r");
                strncat(crlf, &pem[i], 1);
        }
        strcat(crlf, "trailing text");
        kfs_pem_scan_init(&sc, crlf, strlen(crlf));
        CHECK(kfs_pem_next(&sc, &b));
        y = kfs_pem_x509(&b, why, sizeof(why));
        CHECK(y && X509_cmp(x, y) == 0);
        X509_free(y);
        CHECK(!kfs_pem_next(&sc, &b));

        /* truncated base64 */
        kfs_pem_scan_init(&sc, pem, (size_t) n / 2);
        CHECK(kfs_pem_next(&sc, &b));
        CHECK(kfs_pem_x509(&b, why, sizeof(why)) == NULL);
        CHECK_STR(why, "no END line (truncated?)");
        /* a byte of the body broken */
        crlf[200] = '!';
        kfs_pem_scan_init(&sc, crlf, strlen(crlf));
        CHECK(kfs_pem_next(&sc, &b));
        CHECK(kfs_pem_x509(&b, why, sizeof(why)) == NULL);
        CHECK(why[0] != '\0');
        CHECK(ERR_peek_error() == 0);   /* the queue is left clean */

        free(crlf);
        BIO_free(bio);
        X509_free(x);
        EVP_PKEY_free(key);
}

static void test_helpers(void)
{
        unsigned char bytes[] = { 0x00, 0xab, 0x7f };
        char buf[16];
        static const char *const exts[] = { "crt", "pem", NULL };

        kfs_hex_colon(bytes, 3, buf);
        CHECK_STR(buf, "00:AB:7F");
        kfs_hex_colon(bytes, 0, buf);
        CHECK_STR(buf, "");
        kfs_hex_lower(bytes, 3, buf);
        CHECK_STR(buf, "00ab7f");
        CHECK_STR(kfs_name_ext("ca.crt"), "crt");
        CHECK_STR(kfs_name_ext("a.b.PEM"), "PEM");
        CHECK_STR(kfs_name_ext(".hidden"), "");
        CHECK_STR(kfs_name_ext("cert"), "");
        CHECK(kfs_name_has_ext("x.CRT", exts));
        CHECK(!kfs_name_has_ext("x.key", exts));
        CHECK(kfs_ssh_pubkey_line("ssh-ed25519 AAAA", 16));
        CHECK(kfs_ssh_pubkey_line("ecdsa-sha2-nistp256 AAAA", 24));
        CHECK(!kfs_ssh_pubkey_line("ssh-", 4));
        CHECK(!kfs_ssh_pubkey_line("-----BEGIN", 10));
}

int main(void)
{
        test_scan();
        test_label_kind();
        test_der();
        test_decode();
        test_helpers();
        return test_exit();
}
