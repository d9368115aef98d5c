/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The certificate and key decoders through the decode pipeline, without
 * files: which decoder recognises what, .expiry's day count, status and
 * expiry time at the edges, and that a key's summary holds no private number.
 * (The views against openssl itself: tests/x509/oracle.py.)
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pipeline.h"
#include "registry.h"
#include "test.h"
#include "x509.h"

#define DAY 86400
/* 2026-01-01T00:00:00Z */
#define T0 ((time_t) 1767225600)

static struct kfs_root root;

static EVP_PKEY *make_key(void)
{
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* A certificate valid from `nb` to `na`, with subject CN `cn`, as PEM (malloc'd). */
static char *make_cert_pem(EVP_PKEY *key, time_t nb, time_t na, const char *cn)
{
        X509 *x = X509_new();
        X509_NAME *name = X509_NAME_new();
        BIO *bio = BIO_new(BIO_s_mem());
        char *p, *ret;
        long n;

        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
        if (cn)
                X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *) "unit", -1, -1, 0);
        X509_set_subject_name(x, name);
        X509_set_issuer_name(x, name);
        ASN1_TIME_set(X509_getm_notBefore(x), nb);
        ASN1_TIME_set(X509_getm_notAfter(x), na);
        X509_set_pubkey(x, key);
        X509_sign(x, key, EVP_sha256());
        PEM_write_bio_X509(bio, x);
        n = BIO_get_mem_data(bio, &p);
        ret = strndup(p, (size_t) n);
        BIO_free(bio);
        X509_NAME_free(name);
        X509_free(x);
        return ret;
}

static char *make_key_pem(EVP_PKEY *key)
{
        BIO *bio = BIO_new(BIO_s_mem());
        char *p, *ret;
        long n;

        PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
        n = BIO_get_mem_data(bio, &p);
        ret = strndup(p, (size_t) n);
        BIO_free(bio);
        return ret;
}

static const char *view_of(const struct kfs_result *r, const char *name)
{
        for (size_t i = 0; i < r->n_views; i++)
                if (strcmp(r->dec->views[i].name, name) == 0)
                        return r->views[i].data;
        return NULL;
}

static bool decoded_by(const char *path, const char *data, const struct kfs_decoder *dec)
{
        return kfs_probe_data(path, data, strlen(data)) & (UINT32_C(1) << kfs_registry_index(dec));
}

static void test_match(void)
{
        EVP_PKEY *key = make_key();
        char *cert = make_cert_pem(key, T0, T0 + DAY, "m"), *kp = make_key_pem(key);
        char *both = malloc(strlen(cert) + strlen(kp) + 1);

        strcpy(both, kp);
        strcat(both, cert);
        CHECK(decoded_by("etc/kubernetes/pki/ca.crt", cert, &kfs_decoder_x509));
        CHECK(decoded_by("some/file.with-any-name", cert, &kfs_decoder_x509));
        CHECK(!decoded_by("some/file", cert, &kfs_decoder_pkey));
        CHECK(decoded_by("var/lib/kubelet/pki/kubelet-client-current.pem", both, &kfs_decoder_x509));
        CHECK(!decoded_by("var/lib/kubelet/pki/kubelet-client-current.pem", both, &kfs_decoder_pkey));
        CHECK(decoded_by("pki/ca.key", kp, &kfs_decoder_pkey));
        CHECK(!decoded_by("pki/ca.key", kp, &kfs_decoder_x509));
        CHECK(decoded_by("ssl/ca-key.pem", kp, &kfs_decoder_pkey));
        CHECK(!decoded_by("ssl/ca-key.pem", kp, &kfs_decoder_x509));
        /* empty or junk named like a certificate: its sidecars say why */
        CHECK(decoded_by("pki/empty.crt", "", &kfs_decoder_x509));
        CHECK(decoded_by("pki/junk.pem", "hello", &kfs_decoder_x509));
        CHECK(!decoded_by("notes.txt", "hello", &kfs_decoder_x509));
        /* a YAML document with an indented PEM block is the YAML decoder's */
        CHECK(!decoded_by("secret.yaml", cert, &kfs_decoder_x509));
        CHECK(decoded_by("id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== x", &kfs_decoder_pkey));
        free(both);
        free(cert);
        free(kp);
        EVP_PKEY_free(key);
}

static struct kfs_result *decode(const struct kfs_decoder *dec, const char *path, const char *data, time_t now)
{
        struct kfs_result *r = NULL;

        CHECK_INT(kfs_decode_data(&root, path, dec, data, strlen(data), now, &r), 0);
        return r;
}

/* The .expiry line and how long it stays right, for `now`. */
static void check_expiry(const char *pem, time_t now, const char *want, time_t want_until)
{
        struct kfs_result *r = decode(&kfs_decoder_x509, "x.crt", pem, now);

        if (!r)
                return;
        CHECK_STR(view_of(r, "expiry"), want);
        CHECK_INT(r->valid_until, want_until);
        kfs_result_free(r);
}

static void test_expiry(void)
{
        EVP_PKEY *key = make_key();
        time_t nb = T0 - 10 * DAY, na = T0 + 45 * DAY + 3600;
        char *pem = make_cert_pem(key, nb, na, "node-1");

        /* 45 days and an hour left: 45 until one hour passes */
        check_expiry(pem, T0, "2026-02-15T01:00:00Z 45 valid node-1\n", T0 + 3600 + 1);
        check_expiry(pem, T0 + 3600, "2026-02-15T01:00:00Z 45 valid node-1\n", T0 + 3600 + 1);
        check_expiry(pem, T0 + 3601, "2026-02-15T01:00:00Z 44 valid node-1\n", T0 + DAY + 3601);
        /* under 30 days: expiring */
        check_expiry(pem, na - 30 * DAY, "2026-02-15T01:00:00Z 30 valid node-1\n", na - 30 * DAY + 1);
        check_expiry(pem, na - 30 * DAY + 1, "2026-02-15T01:00:00Z 29 expiring node-1\n", na - 29 * DAY + 1);
        /* the last second is still valid; then expired, -1 day */
        check_expiry(pem, na, "2026-02-15T01:00:00Z 0 expiring node-1\n", na + 1);
        check_expiry(pem, na + 1, "2026-02-15T01:00:00Z -1 expired node-1\n", na + DAY + 1);
        check_expiry(pem, na + DAY, "2026-02-15T01:00:00Z -1 expired node-1\n", na + DAY + 1);
        check_expiry(pem, na + DAY + 1, "2026-02-15T01:00:00Z -2 expired node-1\n", na + 2 * DAY + 1);
        /* before notBefore: not yet valid, until notBefore */
        check_expiry(pem, nb - 1, "2026-02-15T01:00:00Z 55 not-yet-valid node-1\n", nb);
        free(pem);

        /* no CN; a CN with a newline stays on its line */
        pem = make_cert_pem(key, nb, na, NULL);
        check_expiry(pem, T0, "2026-02-15T01:00:00Z 45 valid -\n", T0 + 3601);
        free(pem);
        pem = make_cert_pem(key, nb, na, "a\nb");
        check_expiry(pem, T0, "2026-02-15T01:00:00Z 45 valid a\\x0Ab\n", T0 + 3601);
        free(pem);
        EVP_PKEY_free(key);
}

/* Several CNs: the last one, everywhere (issue 10.6), as Go's pkix.Name and .json. */
static void test_last_cn(void)
{
        EVP_PKEY *key = make_key();
        X509 *x = X509_new();
        X509_NAME *name = X509_NAME_new();
        const struct kfs_decoder *kc = kfs_registry_find("kubeconfig");
        struct kfs_result *r;
        BIO *bio = BIO_new(BIO_s_mem());
        char *p, *pem, *cn, *b64, *kubeconfig;
        long n;

        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *) "acme", -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *) "first", -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *) "second", -1, -1, 0);
        X509_set_version(x, 2);
        X509_set_subject_name(x, name);
        X509_set_issuer_name(x, name);
        ASN1_TIME_set(X509_getm_notBefore(x), T0 - DAY);
        ASN1_TIME_set(X509_getm_notAfter(x), T0 + 45 * DAY);
        X509_set_pubkey(x, key);
        X509_sign(x, key, EVP_sha256());
        cn = kfs_x509_cn(x);
        CHECK_STR(cn, "second");
        OPENSSL_free(cn);
        PEM_write_bio_X509(bio, x);
        n = BIO_get_mem_data(bio, &p);
        pem = strndup(p, (size_t) n);
        check_expiry(pem, T0, "2026-02-15T00:00:00Z 45 valid second\n", T0 + 1);

        /* a kubeconfig's (CN=...) cell */
        b64 = malloc(4 * ((size_t) n + 2) / 3 + 1);
        EVP_EncodeBlock((unsigned char *) b64, (const unsigned char *) pem, (int) n);
        CHECK(asprintf(&kubeconfig, "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n"
                       "    client-certificate-data: %s\n", b64) > 0);
        CHECK(kc != NULL);
        r = kc ? decode(kc, "kubelet.conf", kubeconfig, T0) : NULL;
        if (r) {
                CHECK(strstr(view_of(r, "users"), "CN=second") != NULL);
                CHECK(strstr(view_of(r, "users"), "CN=first") == NULL);
                kfs_result_free(r);
        }
        free(kubeconfig);
        free(b64);
        free(pem);
        BIO_free(bio);
        X509_NAME_free(name);
        X509_free(x);
        EVP_PKEY_free(key);
}

static void test_partial(void)
{
        EVP_PKEY *key = make_key();
        char *pem = make_cert_pem(key, T0, T0 + DAY, "one");
        size_t n = strlen(pem);
        char *bundle = malloc(3 * n + 64);
        struct kfs_result *r;

        /* certificate 2 cut short: 1 and 3 decode, 2 says why, in its place */
        memcpy(bundle, pem, n);
        memcpy(bundle + n, pem, n / 2);
        bundle[n + n / 2] = '\n';
        strcpy(bundle + n + n / 2 + 1, pem);
        r = decode(&kfs_decoder_x509, "b.pem", bundle, T0);
        if (r) {
                CHECK(r->error == NULL);
                CHECK_STR(view_of(r, "subject"),
                          "O=unit,CN=one\nerror: certificate 2: no END line (truncated?)\nO=unit,CN=one\n");
                CHECK(strstr(view_of(r, "json"), "\n{\"error\":\"certificate 2: no END line (truncated?)\"}\n"));
                kfs_result_free(r);
        }
        /* nothing readable: every view is the error */
        r = decode(&kfs_decoder_x509, "b.pem", "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n", T0);
        if (r) {
                CHECK(r->error != NULL);
                CHECK(strncmp(view_of(r, "txt"), "error: certificate 1: ", 22) == 0);
                CHECK(strncmp(view_of(r, "json"), "{\"error\":\"certificate 1: ", 25) == 0);
                kfs_result_free(r);
        }
        r = decode(&kfs_decoder_x509, "e.crt", "", T0);
        if (r) {
                CHECK_STR(view_of(r, "txt"), "error: empty file\n");
                kfs_result_free(r);
        }
        free(bundle);
        free(pem);
        EVP_PKEY_free(key);
}

/* Whether `hay` holds the hex of `bn` (openssl's colon form or plain, either case). */
static bool holds_bn(const char *hay, const BIGNUM *bn)
{
        char *hex = BN_bn2hex(bn), colon[64] = "", lower[64];
        bool found;

        /* the first 16 bytes are plenty to recognise a 256-bit secret */
        for (size_t i = 0; i < 16 && hex[2 * i]; i++)
                snprintf(colon + strlen(colon), sizeof(colon) - strlen(colon), "%s%.2s", i ? ":" : "", hex + 2 * i);
        for (size_t i = 0; i <= 32 && i < sizeof(lower); i++)
                lower[i] = (char) tolower((unsigned char) hex[i]);
        lower[32] = '\0';
        hex[32] = '\0';
        found = strcasestr(hay, colon) || strstr(hay, hex) || strstr(hay, lower);
        OPENSSL_free(hex);
        return found;
}

static void test_no_private_material(void)
{
        EVP_PKEY *key = make_key();
        char *kp = make_key_pem(key), *cert = make_cert_pem(key, T0, T0 + DAY, "k");
        char *both = malloc(strlen(kp) + strlen(cert) + 1);
        BIGNUM *priv = NULL;
        struct kfs_result *r;
        const char *txt;

        CHECK(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1);
        r = decode(&kfs_decoder_pkey, "k.key", kp, T0);
        if (r) {
                txt = view_of(r, "txt");
                CHECK(strstr(txt, "type: EC\ncurve: P-256 (prime256v1)\nencrypted: no\n"));
                CHECK(!holds_bn(txt, priv));
                CHECK(!strstr(txt, "PRIVATE KEY-----"));
                CHECK(!strstr(txt, strchr(kp, '\n') + 1 + 8));    /* no PEM body line */
                kfs_result_free(r);
        }
        strcpy(both, cert);
        strcat(both, kp);
        r = decode(&kfs_decoder_x509, "both.pem", both, T0);
        if (r) {
                txt = view_of(r, "txt");
                CHECK(strstr(txt, "private key 1: PRIVATE KEY (PKCS#8)\n"));
                CHECK(strstr(txt, "matches: certificate 1\n"));
                for (size_t i = 0; i < r->n_views; i++)
                        CHECK(!holds_bn(r->views[i].data, priv));
                kfs_result_free(r);
        }
        BN_clear_free(priv);
        free(both);
        free(cert);
        free(kp);
        EVP_PKEY_free(key);
}

/* Decodes run on many FUSE threads at once: the same input gives the same
 * views on every thread, and a failure on one leaves no error behind. */
struct thread_job {
        const char *pem, *bad;
        const char *want;       /* .txt of pem */
        int mismatches;
};

static void *thread_run(void *arg)
{
        struct thread_job *job = arg;

        for (int i = 0; i < 40; i++) {
                struct kfs_result *r = NULL, *b = NULL;

                if (kfs_decode_data(&root, "t.pem", &kfs_decoder_x509, job->pem, strlen(job->pem), T0, &r) < 0 ||
                    strcmp(view_of(r, "txt"), job->want) != 0)
                        job->mismatches++;
                if (kfs_decode_data(&root, "b.pem", &kfs_decoder_x509, job->bad, strlen(job->bad), T0, &b) < 0 ||
                    !b->error || ERR_peek_error() != 0)
                        job->mismatches++;
                kfs_result_free(r);
                kfs_result_free(b);
        }
        return NULL;
}

static void test_threads(void)
{
        EVP_PKEY *key = make_key();
        char *cert = make_cert_pem(key, T0, T0 + DAY, "t"), *kp = make_key_pem(key);
        char *both = malloc(strlen(cert) + strlen(kp) + 1);
        struct thread_job jobs[4];
        pthread_t threads[4];
        struct kfs_result *r = NULL;

        strcpy(both, cert);
        strcat(both, kp);
        CHECK_INT(kfs_decode_data(&root, "t.pem", &kfs_decoder_x509, both, strlen(both), T0, &r), 0);
        for (int i = 0; i < 4; i++) {
                jobs[i] = (struct thread_job) { both, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                                                view_of(r, "txt"), 0 };
                CHECK_INT(pthread_create(&threads[i], NULL, thread_run, &jobs[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
                pthread_join(threads[i], NULL);
                CHECK_INT(jobs[i].mismatches, 0);
        }
        kfs_result_free(r);
        free(both);
        free(cert);
        free(kp);
        EVP_PKEY_free(key);
}

int main(void)
{
        char dir[] = "/tmp/kubefs-test-x509-XXXXXX";

        if (!mkdtemp(dir) || kfs_root_init(&root, dir) < 0) {
                perror("root");
                return EXIT_FAILURE;
        }
        test_match();
        test_expiry();
        test_last_cn();
        test_partial();
        test_no_private_material();
        test_threads();
        kfs_root_release(&root);
        rmdir(dir);
        return test_exit();
}
