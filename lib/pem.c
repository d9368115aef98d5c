/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEM block scanning and DER shape classification for the certificate and
 * key decoders (see pem.h for the contract).
 *
 * The scanner walks "-----" markers, never lines: a marker may sit after
 * leading whitespace or text, a block may end mid-line, CR may or may not
 * precede LF. Each marker is looked at once, so hostile input (megabytes of
 * dashes, BEGIN lines without END) stays linear.
 */
#include "pem.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#define DASHES "-----"
#define BEGIN_MARK "-----BEGIN "
#define END_MARK "-----END "

void kfs_pem_scan_init(struct kfs_pem_scan *s, const char *data, size_t len)
{
        *s = (struct kfs_pem_scan) { .data = data, .len = len };
}

/*
 * The label that starts at `p` and ends at the next "-----" on the same
 * line. Returns the position after the closing dashes, or NULL when there
 * is no such label.
 */
static const char *pem_label(const char *p, const char *end, char *label)
{
        const char *q = p;

        while (q < end && q - p <= KFS_PEM_LABEL_MAX) {
                if (*q == '-') {
                        if ((size_t) (end - q) >= 5 && memcmp(q, DASHES, 5) == 0) {
                                memcpy(label, p, (size_t) (q - p));
                                label[q - p] = '\0';
                                return q + 5;
                        }
                } else if (*q == '\n' || *q == '\r' || *q == '\0') {
                        return NULL;
                }
                q++;
        }
        return NULL;
}

static bool pem_at(const char *p, const char *end, const char *mark)
{
        size_t n = strlen(mark);

        return (size_t) (end - p) >= n && memcmp(p, mark, n) == 0;
}

bool kfs_pem_next(struct kfs_pem_scan *s, struct kfs_pem_block *ret)
{
        const char *end = s->data + s->len;
        const char *p = s->data + s->pos;
        struct kfs_pem_block b = { 0 };
        bool open = false;

        while (p < end) {
                char label[KFS_PEM_LABEL_MAX + 1];
                const char *d = memmem(p, (size_t) (end - p), DASHES, 5);
                const char *after;

                const char *run;

                if (!d)
                        break;
                /* a mark is five dashes and a letter: in a longer run of dashes only
                 * its last five can start one; look there once, then past the run
                 * (linear on a file of dashes, however long) */
                for (run = d + 5; run < end && *run == '-'; run++)
                        ;
                d = run - 5;
                if (pem_at(d, end, BEGIN_MARK) &&
                    (after = pem_label(d + strlen(BEGIN_MARK), end, label))) {
                        if (open) {
                                /* a BEGIN before the END: the previous block was cut short */
                                b.body_end = b.end = d;
                                s->pos = (size_t) (d - s->data);
                                *ret = b;
                                return true;
                        }
                        open = true;
                        memcpy(b.label, label, sizeof(label));
                        b.begin = d;
                        b.body = after;
                        p = after;
                        continue;
                }
                if (open && pem_at(d, end, END_MARK) &&
                    (after = pem_label(d + strlen(END_MARK), end, label))) {
                        b.body_end = d;
                        b.end = after;
                        b.complete = strcmp(label, b.label) == 0;
                        s->pos = (size_t) (after - s->data);
                        *ret = b;
                        return true;
                }
                p = run;
        }
        s->pos = s->len;
        if (!open)
                return false;
        b.body_end = b.end = end;
        *ret = b;
        return true;
}

void kfs_ossl_why(char *why, size_t why_len, const char *fallback)
{
        unsigned long e = ERR_peek_error();
        const char *reason = e ? ERR_reason_error_string(e) : NULL;

        snprintf(why, why_len, "%s", reason ? reason : fallback);
        ERR_clear_error();
}

int kfs_pem_decode(const struct kfs_pem_block *b, unsigned char **ret_der, long *ret_len,
                   char **ret_header, char *why, size_t why_len)
{
        size_t label_len = strlen(b->label), body_len = (size_t) (b->body_end - b->body);
        char *name = NULL, *header = NULL, *text, *t;
        size_t text_size = 2 * label_len + body_len + sizeof(BEGIN_MARK DASHES END_MARK DASHES "\n\n");
        unsigned char *der = NULL;
        long der_len = 0;
        BIO *bio;
        int r = -EBADMSG;

        if (!b->complete) {
                snprintf(why, why_len, "%s", b->end == b->body_end ? "no END line (truncated?)"
                                                                   : "END line does not match BEGIN");
                return -EBADMSG;
        }
        /* the block as `tr -d '\r'` of BEGIN..END would give it: both
         * markers (16 + 15 bytes and the labels), a newline, the NUL */
        text = malloc(text_size);
        if (!text)
                return -ENOMEM;
        t = text + sprintf(text, BEGIN_MARK "%s" DASHES, b->label);
        for (const char *p = b->body; p < b->body_end; p++)
                if (*p != '\r')
                        *t++ = *p;
        if (t[-1] != '\n')
                *t++ = '\n';
        t += sprintf(t, END_MARK "%s" DASHES "\n", b->label);

        bio = BIO_new_mem_buf(text, (int) (t - text));
        if (!bio) {
                explicit_bzero(text, text_size);
                free(text);
                ERR_clear_error();
                return -ENOMEM;
        }
        if (PEM_read_bio_ex(bio, &name, &header, &der, &der_len, PEM_FLAG_EAY_COMPATIBLE) != 1) {
                kfs_ossl_why(why, why_len, "malformed PEM block");
                goto out;
        }
        if (der_len <= 0) {
                snprintf(why, why_len, "empty PEM block");
                goto out;
        }
        *ret_der = der;
        *ret_len = der_len;
        der = NULL;
        if (ret_header && header && *header) {
                *ret_header = header;
                header = NULL;
        } else if (ret_header) {
                *ret_header = NULL;
        }
        r = 0;
out:
        OPENSSL_free(name);
        OPENSSL_free(header);
        /* a private key's bytes do not outlive their use (the copy, a failed decode) */
        if (der)
                OPENSSL_clear_free(der, der_len > 0 ? (size_t) der_len : 0);
        BIO_free(bio);
        explicit_bzero(text, text_size);
        free(text);
        return r;
}

static bool str_ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum kfs_pem_kind kfs_pem_label_kind(const char *label)
{
        if (strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0 ||
            strcmp(label, "TRUSTED CERTIFICATE") == 0)
                return KFS_PEM_CERTIFICATE;
        if (str_ends_with(label, "PRIVATE KEY"))
                return KFS_PEM_PRIVATE_KEY;
        if (strcmp(label, "PUBLIC KEY") == 0 || strcmp(label, "RSA PUBLIC KEY") == 0)
                return KFS_PEM_PUBLIC_KEY;
        if (strcmp(label, "CERTIFICATE REQUEST") == 0 || strcmp(label, "NEW CERTIFICATE REQUEST") == 0)
                return KFS_PEM_CSR;
        if (strcmp(label, "PKCS7") == 0 || strcmp(label, "PKCS #7 SIGNED DATA") == 0)
                return KFS_PEM_PKCS7;
        return KFS_PEM_OTHER;
}

unsigned kfs_pem_kinds(const char *data, size_t len, unsigned max_blocks)
{
        struct kfs_pem_scan s;
        struct kfs_pem_block b;
        unsigned kinds = 0;

        kfs_pem_scan_init(&s, data, len);
        for (unsigned n = 0; n < max_blocks && kfs_pem_next(&s, &b); n++)
                kinds |= 1u << kfs_pem_label_kind(b.label);
        return kinds;
}

/* ---- DER ---- */

struct der_tlv {
        unsigned tag;
        const unsigned char *content;   /* may point past the data we have */
        size_t len;                     /* content length as the header says */
        const unsigned char *next;      /* the byte after this element */
};

/* One ASN.1 header at p (DER: definite lengths, low tag numbers). */
static bool der_tlv(const unsigned char *p, const unsigned char *end, struct der_tlv *t)
{
        size_t n, len = 0;

        if (!p || p >= end || end - p < 2 || (p[0] & 0x1f) == 0x1f)
                return false;
        t->tag = p[0];
        if (p[1] < 0x80) {
                len = p[1];
                p += 2;
        } else {
                n = p[1] & 0x7f;
                if (n == 0 || n > 4 || (size_t) (end - p) < 2 + n)
                        return false;
                for (size_t i = 0; i < n; i++)
                        len = len << 8 | p[2 + i];
                p += 2 + n;
        }
        t->content = p;
        t->len = len;
        t->next = (size_t) (end - p) >= len ? p + len : end;
        return true;
}

/* The first element inside constructed `t`, within the data we have. */
static bool der_first(const struct der_tlv *t, const unsigned char *end, struct der_tlv *ret)
{
        const unsigned char *e = (size_t) (end - t->content) >= t->len ? t->content + t->len : end;

        return t->len > 0 && der_tlv(t->content, e, ret);
}

/* The element after `t`, inside `parent`. */
static bool der_after(const struct der_tlv *t, const struct der_tlv *parent, const unsigned char *end,
                      struct der_tlv *ret)
{
        const unsigned char *e = (size_t) (end - parent->content) >= parent->len
                                 ? parent->content + parent->len : end;

        return t->next < e && der_tlv(t->next, e, ret);
}

#define SEQ 0x30
#define SET 0x31
#define INT 0x02
#define BITS 0x03
#define OCTETS 0x04
#define OID 0x06
#define UTCTIME 0x17
#define GENTIME 0x18
#define CTX0 0xa0

/* Inside a TBSCertificate/CertificationRequestInfo/TBSCertList that starts with an INTEGER. */
static enum kfs_der_kind der_classify_tbs_int(const struct der_tlv *tbs, const struct der_tlv *i,
                                              const unsigned char *end)
{
        struct der_tlv a, a0, name, after;

        if (!der_after(i, tbs, end, &a) || a.tag != SEQ)
                return KFS_DER_UNKNOWN;
        if (a.len == 0 || (der_first(&a, end, &a0) && a0.tag == SET))
                return KFS_DER_CSR;             /* version, subject Name */
        if (!der_first(&a, end, &a0) || a0.tag != OID)
                return KFS_DER_UNKNOWN;
        /* v1 certificate (serial, signature, issuer, validity) or v2 CRL
         * (version, signature, issuer, thisUpdate) */
        if (der_after(&a, tbs, end, &name) && der_after(&name, tbs, end, &after) &&
            (after.tag == UTCTIME || after.tag == GENTIME))
                return KFS_DER_CRL;
        return KFS_DER_CERTIFICATE;
}

enum kfs_der_kind kfs_der_classify(const unsigned char *p, size_t len, size_t *ret_total)
{
        const unsigned char *end = p + len;
        struct der_tlv outer, e1, e2, f;

        if (ret_total)
                *ret_total = 0;
        if (!der_tlv(p, end, &outer) || outer.tag != SEQ)
                return KFS_DER_UNKNOWN;
        if (ret_total)
                *ret_total = (size_t) (outer.content - p) + outer.len;
        if (!der_first(&outer, end, &e1))
                return KFS_DER_UNKNOWN;

        if (e1.tag == SEQ) {
                if (!der_first(&e1, end, &f))
                        return KFS_DER_UNKNOWN;
                switch (f.tag) {
                case CTX0:
                        return KFS_DER_CERTIFICATE;
                case INT:
                        return der_classify_tbs_int(&e1, &f, end);
                case SEQ:
                        return KFS_DER_CRL;     /* v1 CRL: no version, signature first */
                case OID:
                        /* AlgorithmIdentifier, then the key bits or the encrypted key */
                        if (!der_after(&e1, &outer, end, &e2))
                                return KFS_DER_UNKNOWN;
                        if (e2.tag == BITS)
                                return KFS_DER_PUBLIC_KEY;
                        if (e2.tag == OCTETS)
                                return KFS_DER_ENCRYPTED_KEY;
                        return KFS_DER_UNKNOWN;
                default:
                        return KFS_DER_UNKNOWN;
                }
        }
        if (e1.tag == INT) {
                if (!der_after(&e1, &outer, end, &e2))
                        return KFS_DER_UNKNOWN;
                if (e2.tag == SEQ || e2.tag == OCTETS)
                        return KFS_DER_PRIVATE_KEY;     /* PKCS#8 v1/v2; SEC 1 EC */
                if (e2.tag == INT) {
                        /* PKCS#1 RSA / DSA private keys start with version 0;
                         * RSAPublicKey starts with the modulus */
                        if (e1.len == 1 && e1.content < end && e1.content[0] == 0)
                                return KFS_DER_PRIVATE_KEY;
                        return KFS_DER_PUBLIC_KEY;
                }
        }
        return KFS_DER_UNKNOWN;
}

/* ---- small helpers ---- */

bool kfs_ssh_pubkey_line(const char *s, size_t n)
{
        static const char *const prefixes[] = { "ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-", NULL };

        for (const char *const *p = prefixes; *p; p++)
                if (n > strlen(*p) && strncmp(s, *p, strlen(*p)) == 0)
                        return true;
        return false;
}

void kfs_hex_colon(const unsigned char *p, size_t n, char *out)
{
        static const char hex[] = "0123456789ABCDEF";

        if (n == 0) {
                *out = '\0';
                return;
        }
        for (size_t i = 0; i < n; i++) {
                *out++ = hex[p[i] >> 4];
                *out++ = hex[p[i] & 15];
                *out++ = i + 1 < n ? ':' : '\0';
        }
}

void kfs_hex_lower(const unsigned char *p, size_t n, char *out)
{
        static const char hex[] = "0123456789abcdef";

        for (size_t i = 0; i < n; i++) {
                *out++ = hex[p[i] >> 4];
                *out++ = hex[p[i] & 15];
        }
        *out = '\0';
}

const char *kfs_name_ext(const char *name)
{
        const char *dot = strrchr(name, '.');

        return dot && dot != name ? dot + 1 : "";
}

bool kfs_name_has_ext(const char *name, const char *const *exts)
{
        const char *ext = kfs_name_ext(name);

        for (; *exts; exts++)
                if (strcasecmp(ext, *exts) == 0)
                        return true;
        return false;
}

/* ---- objects out of blocks ---- */

X509 *kfs_der_x509(const unsigned char *der, long len, char *why, size_t why_len)
{
        const unsigned char *p = der;
        X509 *x = d2i_X509(NULL, &p, len);

        if (!x)
                kfs_ossl_why(why, why_len, "not a valid certificate");
        return x;
}

X509 *kfs_pem_x509(const struct kfs_pem_block *b, char *why, size_t why_len)
{
        unsigned char *der = NULL;
        const unsigned char *p;
        long len = 0;
        X509 *x;

        if (kfs_pem_decode(b, &der, &len, NULL, why, why_len) < 0)
                return NULL;
        p = der;
        /* a TRUSTED CERTIFICATE carries trust settings after the certificate */
        if (strcmp(b->label, "TRUSTED CERTIFICATE") == 0)
                x = d2i_X509_AUX(NULL, &p, len);
        else
                x = d2i_X509(NULL, &p, len);
        if (!x)
                kfs_ossl_why(why, why_len, "not a valid certificate");
        OPENSSL_free(der);
        return x;
}

EVP_PKEY *kfs_der_pubkey(const unsigned char *der, long len, bool rsa_pkcs1, char *why, size_t why_len)
{
        const unsigned char *p = der;
        EVP_PKEY *k;

        if (rsa_pkcs1)
                k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
        else
                k = d2i_PUBKEY(NULL, &p, len);
        if (!k)
                kfs_ossl_why(why, why_len, "not a valid public key");
        return k;
}
