/* SPDX-License-Identifier: Apache-2.0 */
/*
 * x509: X.509 certificates (RFC 5280), as OpenSSL 3.0's command line shows them.
 *
 * Recognises PEM "CERTIFICATE" (also "X509 CERTIFICATE", "TRUSTED
 * CERTIFICATE", and "PKCS7" bundles) blocks anywhere in a file's head, with
 * any name and any text around them; DER certificates in .crt/.cer/.cert/
 * .der/.pem files, or in any file that is exactly one DER certificate; and
 * .crt/.cer/.cert/.der files that hold nothing readable (their sidecars say
 * why). Files holding certificates and private keys (kubelet's
 * kubelet-client-current.pem) are ours too.
 *
 * Views, each with one entry per certificate in file order (a block that
 * cannot be read gives "error: certificate N: why" in its place):
 *   .txt      `openssl x509 -noout -text` of each, byte for byte; then the
 *             summary of each private key block (pkey.h), with the
 *             certificates of this file that hold its public key
 *   .subject  `openssl x509 -noout -subject -nameopt RFC2253`, without "subject="
 *   .issuer   the same for the issuer
 *   .san      one subjectAltName entry a line, spelled as -text spells them
 *   .expiry   notAfter (ISO 8601 UTC), whole days left, valid/expiring/
 *             expired/not-yet-valid, subject CN
 *   .sha256   `openssl x509 -noout -fingerprint -sha256`, the hex only
 *   .json     one object a line: the fields of `cfssl certinfo`, plus the
 *             key's type and size, CA flag, usages and fingerprints
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "registry.h"
#include "pem.h"
#include "pkey.h"
#include "x509.h"
#include "str.h"
#include "jsonbuf.h"

/* Certificates decoded from one file; the rest are counted and reported. */
#define X509_MAX_CERTS 5000
/* Private keys summarised in one file. */
#define X509_MAX_KEYS 16
/* PEM blocks looked at in one file (certificates, keys and anything else). */
#define X509_MAX_BLOCKS (X509_MAX_CERTS + 1000)
#define DAY 86400

/* What `openssl x509` (3.0) passes to X509_print_ex()/X509_NAME_print_ex()
 * when no -nameopt is given. */
#define X509_NAMEOPT_DEFAULT XN_FLAG_ONELINE

struct x509_cert {
        X509 *x;                /* NULL when the block could not be read */
        char *error;            /* then: why */
};

struct x509_doc {
        struct x509_cert *certs;
        size_t n, alloc;
        size_t skipped;         /* certificates past X509_MAX_CERTS */
        char *keys;             /* the private key summaries, or NULL */
};

/* ---- parse ---- */

static const char *const x509_cert_exts[] = { "crt", "cer", "cert", "der", NULL };
static const char *const x509_der_exts[] = { "crt", "cer", "cert", "der", "pem", NULL };
/* Documents with their own decoders: a PEM block inside them is indented
 * text that openssl does not read either (a Secret's tls.crt). */
static const char *const x509_not_exts[] = { "yaml", "yml", "json", NULL };

static bool x509_match(const struct kfs_probe *p)
{
        const unsigned char *head = (const unsigned char *) p->head;
        unsigned kinds;
        size_t total;

        if (kfs_name_has_ext(p->name, x509_not_exts))
                return false;
        kinds = kfs_pem_kinds(p->head, p->head_len, X509_MAX_BLOCKS);
        if (kinds & (1u << KFS_PEM_CERTIFICATE | 1u << KFS_PEM_PKCS7))
                return true;
        if (kinds & (1u << KFS_PEM_PRIVATE_KEY | 1u << KFS_PEM_PUBLIC_KEY | 1u << KFS_PEM_CSR))
                return false;   /* keys and requests alone: pkey's */
        if (p->head_len > 0 && head[0] == 0x30 && !kinds) {
                switch (kfs_der_classify(head, p->head_len, &total)) {
                case KFS_DER_CERTIFICATE:
                        return kfs_name_has_ext(p->name, x509_der_exts) || total == p->size;
                case KFS_DER_PRIVATE_KEY:
                case KFS_DER_ENCRYPTED_KEY:
                case KFS_DER_PUBLIC_KEY:
                case KFS_DER_CSR:
                        return false;
                default:
                        break;
                }
        }
        /* named like a certificate, but empty, binary junk, a CRL...: say why */
        return kfs_name_has_ext(p->name, x509_cert_exts) ||
               (strcmp(kfs_name_ext(p->name), "pem") == 0 && !kinds &&
                !kfs_ssh_pubkey_line(p->head, p->head_len));
}

static void x509_doc_free(struct x509_doc *d)
{
        if (!d)
                return;
        for (size_t i = 0; i < d->n; i++) {
                X509_free(d->certs[i].x);
                free(d->certs[i].error);
        }
        free(d->certs);
        free(d->keys);
        free(d);
}

static void x509_free(void *doc)
{
        x509_doc_free(doc);
}

/* Appends a certificate (ownership taken), or the reason one could not be read. */
static int x509_add(struct x509_doc *d, X509 *x, const char *why)
{
        struct x509_cert c = { .x = x };

        if (d->n >= X509_MAX_CERTS) {
                X509_free(x);
                d->skipped++;
                return 0;
        }
        if (d->n == d->alloc) {
                size_t na = d->alloc ? d->alloc * 2 : 8;
                struct x509_cert *p = realloc(d->certs, na * sizeof(*p));

                if (!p) {
                        X509_free(x);
                        return -ENOMEM;
                }
                d->certs = p;
                d->alloc = na;
        }
        if (!x && !(c.error = strdup(why)))
                return -ENOMEM;
        d->certs[d->n++] = c;
        return 0;
}

/* The certificates of a PKCS#7 SignedData bundle (`openssl crl2pkcs7` output). */
static int x509_add_pkcs7(struct x509_doc *d, const struct kfs_pem_block *b)
{
        unsigned char *der = NULL;
        const unsigned char *p;
        STACK_OF(X509) *certs = NULL;
        PKCS7 *p7 = NULL;
        char why[160];
        long len;
        int r = 0;

        if (kfs_pem_decode(b, &der, &len, NULL, why, sizeof(why)) < 0)
                return x509_add(d, NULL, why);
        p = der;
        p7 = d2i_PKCS7(NULL, &p, len);
        if (p7 && PKCS7_type_is_signed(p7) && p7->d.sign)
                certs = p7->d.sign->cert;
        if (!certs) {
                kfs_ossl_why(why, sizeof(why), "PKCS7 block without certificates");
                r = x509_add(d, NULL, why);
        }
        for (int i = 0; certs && r >= 0 && i < sk_X509_num(certs); i++) {
                X509 *x = sk_X509_value(certs, i);

                if (X509_up_ref(x))
                        r = x509_add(d, x, NULL);
        }
        PKCS7_free(p7);
        OPENSSL_free(der);
        ERR_clear_error();
        return r;
}

/* The summaries of the private keys found beside the certificates. */
static int x509_render_keys(struct x509_doc *d, struct kfs_keyinfo *keys, size_t n_keys)
{
        struct kfs_buf out = KFS_BUF_INIT(KFS_MAX_OUTPUT);

        for (size_t i = 0; i < n_keys; i++) {
                const struct kfs_keyinfo *k = &keys[i];
                bool any = false;

                kfs_keyinfo_print(k, (unsigned) i + 1, &out);
                if (k->error)
                        continue;
                if (!k->pub) {
                        kfs_buf_addf(&out, "matches: unknown%s\n",
                                     k->encryption ? " (the key is encrypted)" : "");
                        continue;
                }
                for (size_t j = 0; j < d->n; j++) {
                        if (d->certs[j].x && kfs_keyinfo_matches(k, X509_get0_pubkey(d->certs[j].x))) {
                                kfs_buf_addf(&out, "matches: certificate %zu\n", j + 1);
                                any = true;
                        }
                }
                if (!any)
                        kfs_buf_add(&out, "matches: none of the certificates in this file\n");
        }
        ERR_clear_error();
        if (out.err)
                return out.err;
        d->keys = kfs_buf_detach(&out, NULL);
        return d->keys ? 0 : -ENOMEM;
}

static int x509_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct kfs_keyinfo keys[X509_MAX_KEYS];
        size_t n_keys = 0, blocks = 0;
        struct kfs_pem_scan s;
        struct kfs_pem_block b;
        struct x509_doc *d;
        char why[160];
        int r = 0;

        if (len == 0)
                return kfs_ctx_fail(ctx, -EINVAL, "empty file");
        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;

        kfs_pem_scan_init(&s, data, len);
        while (r >= 0 && blocks < X509_MAX_BLOCKS && kfs_pem_next(&s, &b)) {
                enum kfs_pem_kind kind = kfs_pem_label_kind(b.label);

                blocks++;
                if (kind == KFS_PEM_CERTIFICATE) {
                        X509 *x = d->n < X509_MAX_CERTS ? kfs_pem_x509(&b, why, sizeof(why)) : NULL;

                        r = x509_add(d, x, why);
                } else if (kind == KFS_PEM_PKCS7) {
                        r = x509_add_pkcs7(d, &b);
                } else if (kind == KFS_PEM_PRIVATE_KEY && n_keys < X509_MAX_KEYS) {
                        unsigned char *der = NULL;
                        char *header = NULL;
                        long dlen;

                        if (kfs_pem_decode(&b, &der, &dlen, &header, why, sizeof(why)) < 0) {
                                r = kfs_keyinfo_init_error(&keys[n_keys++], b.label, why);
                                continue;
                        }
                        r = kfs_keyinfo_init(&keys[n_keys++], b.label, der, dlen, header);
                        OPENSSL_cleanse(der, (size_t) dlen);
                        OPENSSL_free(der);
                        OPENSSL_free(header);
                }
        }

        if (r >= 0 && blocks == 0) {
                /* DER: the file is one certificate; like `openssl x509 -inform DER`,
                 * anything after it is not looked at */
                if ((unsigned char) data[0] == 0x30) {
                        X509 *x = kfs_der_x509((const unsigned char *) data, (long) len, why, sizeof(why));

                        if (!x)
                                r = kfs_ctx_fail(ctx, -EINVAL, "not a DER certificate: %s", why);
                        else
                                r = x509_add(d, x, NULL);
                } else {
                        r = kfs_ctx_fail(ctx, -EINVAL, "no certificate found (no PEM block, not DER)");
                }
        } else if (r >= 0 && d->n == 0) {
                r = kfs_ctx_fail(ctx, -EINVAL, "no certificate found (%zu PEM block%s, none a certificate)",
                                 blocks, blocks == 1 ? "" : "s");
        } else if (r >= 0) {
                bool any = false;

                for (size_t i = 0; i < d->n && !any; i++)
                        any = d->certs[i].x != NULL;
                if (!any && d->n == 1)
                        r = kfs_ctx_fail(ctx, -EINVAL, "certificate 1: %s", d->certs[0].error);
                else if (!any)
                        r = kfs_ctx_fail(ctx, -EINVAL, "none of the %zu certificates can be read; "
                                         "certificate 1: %s", d->n, d->certs[0].error);
        }
        if (r >= 0 && n_keys > 0)
                r = x509_render_keys(d, keys, n_keys);
        for (size_t i = 0; i < n_keys; i++)
                kfs_keyinfo_release(&keys[i]);
        ERR_clear_error();
        if (r < 0) {
                x509_doc_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

/* ---- helpers for the views ---- */

/* Appends what an OpenSSL printer wrote to `bio`, and empties it. */
static void x509_flush(BIO *bio, struct kfs_buf *out)
{
        char *p;
        long n = BIO_get_mem_data(bio, &p);

        if (n > 0)
                kfs_buf_addn(out, p, (size_t) n);
        (void) BIO_reset(bio);
}

static bool x509_entry_error(const struct x509_doc *d, size_t i, struct kfs_buf *out)
{
        if (d->certs[i].x)
                return false;
        kfs_buf_addf(out, "error: certificate %zu: %s\n", i + 1, d->certs[i].error);
        return true;
}

static void x509_skipped(const struct x509_doc *d, struct kfs_buf *out)
{
        if (d->skipped)
                kfs_buf_addf(out, "error: %zu more certificates after the first %d are not shown\n",
                             d->skipped, X509_MAX_CERTS);
}

/* Bytes as one line: control characters (a newline inside a DNS name) escaped. */
static void x509_add_line(struct kfs_buf *out, const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c < 0x20 || c == 0x7f)
                        kfs_buf_addf(out, "\\x%02X", c);
                else
                        kfs_buf_addc(out, (char) c);
        }
        kfs_buf_addc(out, '\n');
}

/* The values of every extension `nid` of `x`, one string each, spelled as
 * `openssl x509 -text` spells them (X509V3_EXT_val_prn: "name:value").
 * Calls `fn` for each; returns -EBADMSG if an extension cannot be read. */
static int x509_ext_values(X509 *x, int nid, void (*fn)(const char *s, void *userdata), void *userdata)
{
        int r = 0;

        for (int pos = -1; (pos = X509_get_ext_by_NID(x, nid, pos)) >= 0;) {
                X509_EXTENSION *ext = X509_get_ext(x, pos);
                const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
                STACK_OF(CONF_VALUE) *vals = NULL;
                void *v = X509V3_EXT_d2i(ext);

                if (m && v && m->i2v)
                        vals = m->i2v(m, v, NULL);
                if (!vals) {
                        r = -EBADMSG;
                } else {
                        for (int i = 0; i < sk_CONF_VALUE_num(vals); i++) {
                                CONF_VALUE *cv = sk_CONF_VALUE_value(vals, i);
                                char buf[1024];

                                if (!cv->name)
                                        fn(cv->value ? cv->value : "", userdata);
                                else if (!cv->value)
                                        fn(cv->name, userdata);
                                else {
                                        snprintf(buf, sizeof(buf), "%s:%s", cv->name, cv->value);
                                        fn(buf, userdata);
                                }
                        }
                        sk_CONF_VALUE_pop_free(vals, X509V3_conf_free);
                }
                if (v) {
                        if (m && m->it)
                                ASN1_item_free(v, ASN1_ITEM_ptr(m->it));
                        else if (m && m->ext_free)
                                m->ext_free(v);
                }
        }
        ERR_clear_error();
        return r;
}

/* ---- views ---- */

/*
 * The public key part of the text, without OpenSSL's encoder: in OpenSSL 3.0
 * EVP_PKEY_print_public() sets up an OSSL_ENCODER context per call (a walk of
 * every encoder of every provider), two thirds of the cost of printing a
 * certificate. For the keys Kubernetes uses (RSA; EC on the NIST curves)
 * this prints what providers/implementations/encode_decode/encode_key2text.c
 * prints, from the key's DER; anything else (PSS, other curves, compressed
 * points, Ed25519, odd encodings) goes to OpenSSL. Only a key OpenSSL itself
 * loaded is printed here (X509_get0_pubkey() != NULL): the same keys, the
 * same bytes; the x509 oracle suite compares them.
 */
#define X509_PK_INDENT "                "      /* EVP_PKEY_print_public(.., 16, ..) */
#define X509_PK_WIDTH 15                        /* LABELED_BUF_PRINT_WIDTH */

/* A DER INTEGER's content at *p (advanced past it), within end. */
static bool x509_der_int(const unsigned char **p, const unsigned char *end, const unsigned char **ret,
                         size_t *ret_len)
{
        const unsigned char *q = *p;
        size_t len;

        if (end - q < 2 || *q++ != 0x02)
                return false;
        if (*q < 0x80) {
                len = *q++;
        } else {
                int k = *q++ & 0x7f;

                if (k < 1 || k > 2 || end - q < k)
                        return false;
                for (len = 0; k--; )
                        len = len << 8 | *q++;
        }
        if (len == 0 || (size_t) (end - q) < len || (q[0] & 0x80))     /* empty or negative: OpenSSL's */
                return false;
        *ret = q;
        *ret_len = len;
        *p = q + len;
        return true;
}

/* print_labeled_bignum() of a positive integer's big-endian bytes. */
static void x509_pk_bignum(struct kfs_buf *out, const char *label, const unsigned char *b, size_t n)
{
        static const char hex[] = "0123456789abcdef";
        size_t bytes = 0;
        bool sep = false;

        while (n > 0 && b[0] == 0) {
                b++;
                n--;
        }
        if (n == 0) {
                kfs_buf_addf(out, X509_PK_INDENT "%s 0\n", label);
                return;
        }
        if (n <= sizeof(unsigned long)) {      /* BN_BYTES */
                unsigned long v = 0;

                for (size_t i = 0; i < n; i++)
                        v = v << 8 | b[i];
                kfs_buf_addf(out, X509_PK_INDENT "%s %lu (0x%lx)\n", label, v, v);
                return;
        }
        kfs_buf_addf(out, X509_PK_INDENT "%s\n" X509_PK_INDENT "    ", label);
        if (b[0] & 0x80) {
                kfs_buf_add(out, "00");
                bytes++;
                sep = true;
        }
        for (size_t i = 0; i < n; i++, bytes++) {
                char c[4];
                size_t k = 0;

                if (bytes % X509_PK_WIDTH == 0 && bytes > 0) {
                        kfs_buf_add(out, ":\n" X509_PK_INDENT "    ");
                        sep = false;
                }
                if (sep)
                        c[k++] = ':';
                c[k++] = hex[b[i] >> 4];
                c[k++] = hex[b[i] & 15];
                kfs_buf_addn(out, c, k);
                sep = true;
        }
        kfs_buf_addc(out, '\n');
}

static int x509_pk_bits(const unsigned char *b, size_t n)
{
        while (n > 0 && b[0] == 0) {
                b++;
                n--;
        }
        if (n == 0)
                return 0;
        int bits = (int) (n - 1) * 8;
        for (unsigned v = b[0]; v; v >>= 1)
                bits++;
        return bits;
}

static bool x509_pk_rsa(const unsigned char *p, size_t len, struct kfs_buf *out)
{
        const unsigned char *end = p + len, *nb, *eb;
        size_t seq, nl, el;

        /* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
        if (len < 2 || *p++ != 0x30)
                return false;
        if (*p < 0x80) {
                seq = *p++;
        } else {
                int k = *p++ & 0x7f;

                if (k < 1 || k > 2 || end - p < k)
                        return false;
                for (seq = 0; k--; )
                        seq = seq << 8 | *p++;
        }
        if ((size_t) (end - p) != seq || !x509_der_int(&p, end, &nb, &nl) || !x509_der_int(&p, end, &eb, &el) ||
            p != end)
                return false;
        kfs_buf_addf(out, X509_PK_INDENT "Public-Key: (%d bit)\n", x509_pk_bits(nb, nl));
        x509_pk_bignum(out, "Modulus:", nb, nl);
        x509_pk_bignum(out, "Exponent:", eb, el);
        return true;
}

static bool x509_pk_ec(const void *param, int ptype, const unsigned char *p, size_t len, struct kfs_buf *out)
{
        static const struct { int nid; int bits; size_t point; const char *sn, *nist; } curves[] = {
                { NID_X9_62_prime256v1, 256, 65, "prime256v1", "P-256" },
                { NID_secp384r1, 384, 97, "secp384r1", "P-384" },
                { NID_secp521r1, 521, 133, "secp521r1", "P-521" },
        };
        int nid;

        if (ptype != V_ASN1_OBJECT)
                return false;
        nid = OBJ_obj2nid(param);
        for (size_t c = 0; c < sizeof(curves) / sizeof(curves[0]); c++) {
                if (curves[c].nid != nid)
                        continue;
                if (len != curves[c].point || p[0] != 0x04)    /* uncompressed only */
                        return false;
                kfs_buf_addf(out, X509_PK_INDENT "Public-Key: (%d bit)\n" X509_PK_INDENT "pub:\n", curves[c].bits);
                for (size_t i = 0; i < len; i++) {
                        char cell[8];

                        if (i % X509_PK_WIDTH == 0)
                                kfs_buf_add(out, i > 0 ? "\n" X509_PK_INDENT "    " : X509_PK_INDENT "    ");
                        snprintf(cell, sizeof(cell), "%02x%s", p[i], i == len - 1 ? "" : ":");
                        kfs_buf_add(out, cell);
                }
                kfs_buf_addf(out, "\n" X509_PK_INDENT "ASN1 OID: %s\n" X509_PK_INDENT "NIST CURVE: %s\n",
                             curves[c].sn, curves[c].nist);
                return true;
        }
        return false;
}

/* The Subject Public Key Info section as X509_print_ex() prints it, into `out`; false
 * (and `out` half written) if the key is not one we print. */
static bool x509_pk_print(X509 *x, EVP_PKEY *pkey, struct kfs_buf *out)
{
        X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
        ASN1_OBJECT *oid;
        const X509_ALGOR *alg;
        const unsigned char *p;
        const void *param;
        int plen, ptype, nid;
        char name[80];
        bool ok;

        if (!pkey || !xpk || !X509_PUBKEY_get0_param(&oid, &p, &plen, (X509_ALGOR **) &alg, xpk) || plen <= 0)
                return false;
        nid = OBJ_obj2nid(oid);
        X509_ALGOR_get0(NULL, &ptype, &param, alg);
        if (OBJ_obj2txt(name, sizeof(name), oid, 0) <= 0 || strlen(name) >= sizeof(name) - 1)
                return false;
        kfs_buf_addf(out, "        Subject Public Key Info:\n            Public Key Algorithm: %s\n", name);
        if (nid == NID_rsaEncryption && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
                ok = x509_pk_rsa(p, (size_t) plen, out);
        else if (nid == NID_X9_62_id_ecPublicKey && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC)
                ok = x509_pk_ec(param, ptype, p, (size_t) plen, out);
        else
                ok = false;
        return ok;
}

/* X509_print_ex()'s parts: before the key, and after it. */
#define X509_PRINT_HEAD (X509_FLAG_NO_PUBKEY | X509_FLAG_NO_IDS | X509_FLAG_NO_EXTENSIONS | X509_FLAG_NO_SIGDUMP | \
                         X509_FLAG_NO_AUX)
#define X509_PRINT_TAIL (X509_FLAG_NO_HEADER | X509_FLAG_NO_VERSION | X509_FLAG_NO_SERIAL | X509_FLAG_NO_SIGNAME | \
                         X509_FLAG_NO_ISSUER | X509_FLAG_NO_VALIDITY | X509_FLAG_NO_SUBJECT | X509_FLAG_NO_PUBKEY)

int kfs_x509_print(X509 *x, struct kfs_buf *out)
{
        struct kfs_buf pk = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        BIO *bio = BIO_new(BIO_s_mem());

        if (!bio)
                return -ENOMEM;
        /* The return value is ignored, as the openssl command does: what was
         * printed before a failure is shown. A key that cannot be loaded
         * makes X509_print_ex() print the error queue; the command has one
         * error queued already by then (from loading), and so do we: the
         * same lines but for the thread id each starts with. */
        ERR_clear_error();
        /* (once: each failed call queues one more error) */
        if (!x509_pk_print(x, X509_get0_pubkey(x), &pk) || pk.err) {
                X509_print_ex(bio, x, X509_NAMEOPT_DEFAULT, 0);
        } else if (X509_print_ex(bio, x, X509_NAMEOPT_DEFAULT, X509_PRINT_HEAD) == 1) {
                x509_flush(bio, out);
                kfs_buf_addn(out, pk.buf, pk.len);
                X509_print_ex(bio, x, X509_NAMEOPT_DEFAULT, X509_PRINT_TAIL);
        }       /* else the head failed (a time it cannot print): what it printed, then stop, as before */
        ERR_clear_error();
        x509_flush(bio, out);
        BIO_free(bio);
        kfs_buf_release(&pk);
        return out->err;
}

static int x509_render_txt(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct x509_doc *d = doc;

        for (size_t i = 0; i < d->n && !out->err; i++)
                if (!x509_entry_error(d, i, out))
                        kfs_x509_print(d->certs[i].x, out);
        x509_skipped(d, out);
        if (d->keys)
                kfs_buf_add(out, d->keys);
        return out->err;
}

static int x509_render_name(const struct x509_doc *d, bool issuer, struct kfs_buf *out)
{
        BIO *bio = BIO_new(BIO_s_mem());

        if (!bio)
                return -ENOMEM;
        for (size_t i = 0; i < d->n && !out->err; i++) {
                X509 *x = d->certs[i].x;

                if (x509_entry_error(d, i, out))
                        continue;
                /* RFC 2253 escapes control and non-ASCII bytes: one line each */
                X509_NAME_print_ex(bio, issuer ? X509_get_issuer_name(x) : X509_get_subject_name(x),
                                   0, XN_FLAG_RFC2253);
                x509_flush(bio, out);
                kfs_buf_addc(out, '\n');
        }
        BIO_free(bio);
        ERR_clear_error();
        x509_skipped(d, out);
        return out->err;
}

static int x509_render_subject(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        return x509_render_name(doc, false, out);
}

static int x509_render_issuer(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        return x509_render_name(doc, true, out);
}

static void x509_san_line(const char *s, void *userdata)
{
        x509_add_line(userdata, s, strlen(s));
}

static int x509_render_san(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct x509_doc *d = doc;

        for (size_t i = 0; i < d->n && !out->err; i++) {
                if (x509_entry_error(d, i, out))
                        continue;
                if (x509_ext_values(d->certs[i].x, NID_subject_alt_name, x509_san_line, out) < 0)
                        kfs_buf_addf(out, "error: certificate %zu: unreadable subjectAltName\n", i + 1);
        }
        x509_skipped(d, out);
        return out->err;
}

/* An ASN1_TIME as seconds since the epoch, and as struct tm (UTC). */
static bool x509_time(const ASN1_TIME *t, time_t *ret, struct tm *ret_tm)
{
        struct tm tm = { 0 };

        if (!t || !ASN1_TIME_to_tm(t, &tm)) {
                ERR_clear_error();
                return false;
        }
        *ret = timegm(&tm);
        if (ret_tm)
                *ret_tm = tm;
        return true;
}

static void x509_iso8601(const struct tm *tm, char *buf, size_t n)
{
        if (strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
                snprintf(buf, n, "?");
}

/* floor(a / b) for b > 0 */
static long long x509_floor_div(long long a, long long b)
{
        return a / b - (a % b != 0 && a < 0);
}

char *kfs_x509_cn(X509 *x)
{
        const X509_NAME *name = X509_get_subject_name(x);
        int i = -1, next;
        unsigned char *utf8 = NULL;

        /* the last CN, as Go's pkix.Name (and so kubeadm, kubectl, cfssl and .json) */
        while ((next = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
                i = next;
        if (i < 0)
                return NULL;
        if (ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))) < 0) {
                ERR_clear_error();
                return NULL;
        }
        return (char *) utf8;
}

int kfs_x509_expiry(X509 *x, time_t now, struct kfs_x509_expiry *ret)
{
        struct kfs_x509_expiry e = { 0 };
        struct tm tm;

        if (!x509_time(X509_get0_notAfter(x), &e.not_after, &tm) ||
            !x509_time(X509_get0_notBefore(x), &e.not_before, NULL))
                return -EINVAL;
        x509_iso8601(&tm, e.not_after_iso, sizeof(e.not_after_iso));
        e.days = x509_floor_div((long long) e.not_after - now, DAY);
        if (now > e.not_after)
                e.status = "expired";           /* notAfter itself is still valid (RFC 5280) */
        else if (now < e.not_before)
                e.status = "not-yet-valid";
        else if (e.days < KFS_X509_EXPIRING_DAYS)
                e.status = "expiring";
        else
                e.status = "valid";
        /* the day count drops at notAfter - days * DAY + 1, and with it the
         * status (expiring, expired); before notBefore, it changes then */
        e.changes = (time_t) (e.not_after - e.days * DAY + 1);
        if (now < e.not_before && e.not_before < e.changes)
                e.changes = e.not_before;
        *ret = e;
        return 0;
}

static int x509_render_expiry(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct x509_doc *d = doc;

        for (size_t i = 0; i < d->n && !out->err; i++) {
                struct kfs_x509_expiry e;
                char *cn;

                if (x509_entry_error(d, i, out))
                        continue;
                if (kfs_x509_expiry(d->certs[i].x, ctx->now, &e) < 0) {
                        kfs_buf_addf(out, "error: certificate %zu: unreadable validity dates\n", i + 1);
                        continue;
                }
                kfs_ctx_expires(ctx, e.changes);
                kfs_buf_addf(out, "%s %lld %s ", e.not_after_iso, e.days, e.status);
                cn = kfs_x509_cn(d->certs[i].x);
                if (cn)
                        x509_add_line(out, cn, strlen(cn));
                else
                        kfs_buf_add(out, "-\n");
                OPENSSL_free(cn);
        }
        x509_skipped(d, out);
        return out->err;
}

static int x509_render_sha256(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct x509_doc *d = doc;

        for (size_t i = 0; i < d->n && !out->err; i++) {
                unsigned char md[EVP_MAX_MD_SIZE];
                char hex[3 * EVP_MAX_MD_SIZE];
                unsigned n = 0;

                if (x509_entry_error(d, i, out))
                        continue;
                if (!X509_digest(d->certs[i].x, EVP_sha256(), md, &n)) {
                        ERR_clear_error();
                        kfs_buf_addf(out, "error: certificate %zu: cannot compute the digest\n", i + 1);
                        continue;
                }
                kfs_hex_colon(md, n, hex);
                kfs_buf_addf(out, "%s\n", hex);
        }
        x509_skipped(d, out);
        return out->err;
}

/* ---- .json ---- */

/* A JSON string from bytes that may not be UTF-8 (jansson refuses those). */
static json_t *x509_jstr(const char *s, size_t n)
{
        json_t *j = json_stringn(s, n);
        char *copy;

        if (j)
                return j;
        copy = malloc(n + 1);
        if (!copy)
                return NULL;
        for (size_t i = 0; i < n; i++)
                copy[i] = (unsigned char) s[i] < 0x80 && s[i] ? s[i] : '?';
        j = json_stringn(copy, n);
        free(copy);
        return j;
}

static void x509_jset(json_t *o, const char *key, json_t *v)
{
        if (v)
                json_object_set_new(o, key, v);
}

/* A Name as cfssl's certinfo.Name: the usual attributes (several values
 * joined with ","; the last CN and serialNumber win, as in Go's pkix.Name),
 * then every value in order under "names". */
static json_t *x509_json_name(const X509_NAME *name)
{
        static const struct { int nid; const char *key; bool join; } fields[] = {
                { NID_commonName, "common_name", false },
                { NID_serialNumber, "serial_number", false },
                { NID_countryName, "country", true },
                { NID_organizationName, "organization", true },
                { NID_organizationalUnitName, "organizational_unit", true },
                { NID_localityName, "locality", true },
                { NID_stateOrProvinceName, "province", true },
                { NID_streetAddress, "street_address", true },
                { NID_postalCode, "postal_code", true },
        };
        json_t *o = json_object(), *names = json_array();
        int count = X509_NAME_entry_count(name);

        if (!o || !names) {
                json_decref(o);
                json_decref(names);
                return NULL;
        }
        for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
                struct kfs_buf v = KFS_BUF_INIT(1u << 20);
                bool any = false;

                for (int i = 0; i < count; i++) {
                        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
                        unsigned char *utf8 = NULL;
                        int n;

                        if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) != fields[f].nid)
                                continue;
                        n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
                        if (n < 0)
                                continue;
                        if (any && fields[f].join)
                                kfs_buf_addc(&v, ',');
                        else
                                kfs_buf_truncate(&v, 0);
                        kfs_buf_addn(&v, utf8, (size_t) n);
                        any = true;
                        OPENSSL_free(utf8);
                }
                if (any && v.len)
                        x509_jset(o, fields[f].key, x509_jstr(kfs_buf_str(&v), v.len));
                kfs_buf_release(&v);
        }
        for (int i = 0; i < count; i++) {
                unsigned char *utf8 = NULL;
                int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));

                if (n >= 0)
                        json_array_append_new(names, x509_jstr((char *) utf8, (size_t) n));
                OPENSSL_free(utf8);
        }
        ERR_clear_error();
        if (json_array_size(names))
                json_object_set_new(o, "names", names);
        else
                json_decref(names);
        return o;
}

/* Go's crypto/x509 names, as cfssl's helpers.SignatureString spells them. */
static const char *x509_sigalg(X509 *x)
{
        static const struct { int pk, md; const char *name; } algs[] = {
                { NID_rsaEncryption, NID_md2, "MD2WithRSA" },
                { NID_rsaEncryption, NID_md5, "MD5WithRSA" },
                { NID_rsaEncryption, NID_sha1, "SHA1WithRSA" },
                { NID_rsaEncryption, NID_sha256, "SHA256WithRSA" },
                { NID_rsaEncryption, NID_sha384, "SHA384WithRSA" },
                { NID_rsaEncryption, NID_sha512, "SHA512WithRSA" },
                { NID_rsassaPss, NID_sha256, "SHA256WithRSAPSS" },
                { NID_rsassaPss, NID_sha384, "SHA384WithRSAPSS" },
                { NID_rsassaPss, NID_sha512, "SHA512WithRSAPSS" },
                { NID_dsa, NID_sha1, "DSAWithSHA1" },
                { NID_dsa, NID_sha256, "DSAWithSHA256" },
                { NID_X9_62_id_ecPublicKey, NID_sha1, "ECDSAWithSHA1" },
                { NID_X9_62_id_ecPublicKey, NID_sha256, "ECDSAWithSHA256" },
                { NID_X9_62_id_ecPublicKey, NID_sha384, "ECDSAWithSHA384" },
                { NID_X9_62_id_ecPublicKey, NID_sha512, "ECDSAWithSHA512" },
                { NID_ED25519, NID_undef, "PureEd25519" },
        };
        int md = NID_undef, pk = NID_undef;

        if (!X509_get_signature_info(x, &md, &pk, NULL, NULL)) {
                ERR_clear_error();
                return "Unknown Signature";
        }
        for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
                if (algs[i].pk == pk && algs[i].md == md)
                        return algs[i].name;
        return "Unknown Signature";
}

static json_t *x509_json_hex(const ASN1_OCTET_STRING *s)
{
        char *hex;
        json_t *j;
        int n = s ? ASN1_STRING_length(s) : 0;

        if (n <= 0)
                return json_string("");
        hex = malloc(3 * (size_t) n);
        if (!hex)
                return NULL;
        kfs_hex_colon(ASN1_STRING_get0_data(s), (size_t) n, hex);
        j = json_string(hex);
        free(hex);
        return j;
}

static json_t *x509_json_time(const ASN1_TIME *t)
{
        struct tm tm;
        time_t when;
        char iso[80];

        if (!x509_time(t, &when, &tm))
                return json_null();
        x509_iso8601(&tm, iso, sizeof(iso));
        return json_string(iso);
}

static void x509_json_append(const char *s, void *userdata)
{
        json_array_append_new(userdata, x509_jstr(s, strlen(s)));
}

/* SANs as cfssl lists them: DNS names, then IP addresses as Go prints them. */
static void x509_json_sans(X509 *x, json_t *o)
{
        GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
        json_t *sans = json_array(), *emails = json_array(), *uris = json_array();

        for (int pass = 0; gens && sans && pass < 2; pass++) {
                for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
                        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
                        const ASN1_STRING *s;
                        char ip[64];

                        if (pass == 0 && g->type == GEN_DNS) {
                                s = g->d.dNSName;
                                json_array_append_new(sans, x509_jstr((const char *) ASN1_STRING_get0_data(s),
                                                                      (size_t) ASN1_STRING_length(s)));
                        } else if (pass == 1 && g->type == GEN_IPADD) {
                                const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
                                int n = ASN1_STRING_length(g->d.iPAddress);
                                static const unsigned char v4mapped[12] = { [10] = 0xff, [11] = 0xff };

                                /* Go prints IPv4-mapped IPv6 addresses as IPv4 */
                                if (n == 16 && memcmp(a, v4mapped, 12) == 0) {
                                        a += 12;
                                        n = 4;
                                }
                                if ((n == 4 && inet_ntop(AF_INET, a, ip, sizeof(ip))) ||
                                    (n == 16 && inet_ntop(AF_INET6, a, ip, sizeof(ip))))
                                        json_array_append_new(sans, json_string(ip));
                        } else if (pass == 0 && g->type == GEN_EMAIL) {
                                s = g->d.rfc822Name;
                                json_array_append_new(emails, x509_jstr((const char *) ASN1_STRING_get0_data(s),
                                                                        (size_t) ASN1_STRING_length(s)));
                        } else if (pass == 0 && g->type == GEN_URI) {
                                s = g->d.uniformResourceIdentifier;
                                json_array_append_new(uris, x509_jstr((const char *) ASN1_STRING_get0_data(s),
                                                                      (size_t) ASN1_STRING_length(s)));
                        }
                }
        }
        GENERAL_NAMES_free(gens);
        ERR_clear_error();
        if (json_array_size(sans))
                json_object_set_new(o, "sans", sans);
        else
                json_decref(sans);
        if (json_array_size(emails))
                json_object_set_new(o, "emails", emails);
        else
                json_decref(emails);
        if (json_array_size(uris))
                json_object_set_new(o, "uris", uris);
        else
                json_decref(uris);
}

static json_t *x509_json_cert(X509 *x)
{
        json_t *o = json_object(), *ku = json_array(), *eku = json_array();
        const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
        BASIC_CONSTRAINTS *bc;
        struct kfs_keyinfo k;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;
        char hex[3 * EVP_MAX_MD_SIZE];
        BIGNUM *bn;
        BIO *bio;

        if (!o || !ku || !eku) {
                json_decref(o);
                json_decref(ku);
                json_decref(eku);
                return NULL;
        }
        x509_jset(o, "subject", x509_json_name(X509_get_subject_name(x)));
        x509_jset(o, "issuer", x509_json_name(X509_get_issuer_name(x)));
        bn = ASN1_INTEGER_to_BN(serial, NULL);
        if (bn) {
                char *dec = BN_bn2dec(bn);

                if (dec)
                        x509_jset(o, "serial_number", json_string(dec));
                OPENSSL_free(dec);
                BN_free(bn);
        }
        x509_json_sans(x, o);
        x509_jset(o, "not_before", x509_json_time(X509_get0_notBefore(x)));
        x509_jset(o, "not_after", x509_json_time(X509_get0_notAfter(x)));
        x509_jset(o, "sigalg", json_string(x509_sigalg(x)));
        x509_jset(o, "authority_key_id", x509_json_hex(X509_get0_authority_key_id(x)));
        x509_jset(o, "subject_key_id", x509_json_hex(X509_get0_subject_key_id(x)));

        if (X509_digest(x, EVP_sha256(), md, &mdlen)) {
                kfs_hex_colon(md, mdlen, hex);
                x509_jset(o, "sha256", json_string(hex));
        }
        if (kfs_keyinfo_init_cert(&k, x) == 0 && k.type[0]) {
                x509_jset(o, "key_algorithm", json_string(k.type));
                if (kfs_keyinfo_sized(&k))
                        x509_jset(o, "key_size", json_integer(k.bits));
                if (k.curve[0])
                        x509_jset(o, "key_curve", json_string(k.curve));
                if (k.spki_sha256[0])
                        x509_jset(o, "public_key_sha256", json_string(k.spki_sha256));
        }
        kfs_keyinfo_release(&k);

        bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
        x509_jset(o, "is_ca", json_boolean(bc && bc->ca));
        if (bc && bc->ca && bc->pathlen)
                x509_jset(o, "max_path_len", json_integer(ASN1_INTEGER_get(bc->pathlen)));
        BASIC_CONSTRAINTS_free(bc);
        x509_ext_values(x, NID_key_usage, x509_json_append, ku);
        x509_ext_values(x, NID_ext_key_usage, x509_json_append, eku);
        json_object_set_new(o, "key_usage", ku);
        json_object_set_new(o, "ext_key_usage", eku);

        bio = BIO_new(BIO_s_mem());
        if (bio && PEM_write_bio_X509(bio, x)) {
                char *p;
                long n = BIO_get_mem_data(bio, &p);

                x509_jset(o, "pem", json_stringn(p, (size_t) n));
        }
        BIO_free(bio);
        ERR_clear_error();
        return o;
}

static void x509_json_line(json_t *o, struct kfs_buf *out)
{
        kfs_buf_add_json(out, o, JSON_COMPACT);
}

static int x509_render_json(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct x509_doc *d = doc;

        for (size_t i = 0; i < d->n && !out->err; i++) {
                json_t *o;

                if (d->certs[i].x) {
                        o = x509_json_cert(d->certs[i].x);
                } else {
                        char msg[256];

                        snprintf(msg, sizeof(msg), "certificate %zu: %s", i + 1, d->certs[i].error);
                        o = json_pack("{s:s}", "error", msg);
                }
                x509_json_line(o, out);
                json_decref(o);
        }
        if (d->skipped) {
                json_t *o = json_pack("{s:s}", "error", "more certificates are not shown");

                x509_json_line(o, out);
                json_decref(o);
        }
        return out->err;
}

static const struct kfs_view x509_views[] = {
        { "txt", x509_render_txt, 0 },
        { "subject", x509_render_subject, 0 },
        { "issuer", x509_render_issuer, 0 },
        { "san", x509_render_san, 0 },
        { "expiry", x509_render_expiry, 0 },
        { "sha256", x509_render_sha256, 0 },
        { "json", x509_render_json, KFS_VIEW_JSON },
        { .name = NULL },
};

const struct kfs_decoder kfs_decoder_x509 = {
        .name = "x509",
        .match = x509_match,
        .parse = x509_parse,
        .free = x509_free,
        .views = x509_views,
};
