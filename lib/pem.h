/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * PEM blocks and DER shapes, shared by the certificate (x509.c) and key
 * (pkey.c) decoders.
 *
 * The scanner finds "-----BEGIN LABEL-----" ... "-----END LABEL-----" blocks
 * anywhere in a file, the way people find them by eye: text before, between
 * and after blocks, CRLF line ends, leading whitespace and junk after END
 * lines are all fine. A BEGIN without its END (a truncated file) is
 * reported as such, and scanning goes on at the next BEGIN. It is linear in
 * the input, whatever the input.
 *
 * Decoding a block's base64 is OpenSSL's (PEM_read_bio_ex), on the block cut
 * out exactly as `sed -n '/BEGIN/,/END/p' | tr -d '\r'` would cut it, so a
 * block decodes here exactly when `openssl x509`/`pkey` would read it.
 *
 * The DER classifier only looks at the first few ASN.1 headers to tell a
 * certificate from a key, a CSR or anything else, for match(); parsing is
 * always OpenSSL's d2i_*().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Labels longer than this are not labels. */
#define KFS_PEM_LABEL_MAX 64

struct kfs_pem_block {
        char label[KFS_PEM_LABEL_MAX + 1];      /* "CERTIFICATE", NUL-terminated */
        const char *begin;      /* the first '-' of "-----BEGIN" */
        const char *body;       /* just after the BEGIN marker */
        const char *body_end;   /* the first '-' of "-----END", or where the block was cut */
        const char *end;        /* just after the END marker (== body_end when truncated) */
        bool complete;          /* an END marker with the same label closed it */
};

struct kfs_pem_scan {
        const char *data;
        size_t len;
        size_t pos;
};

void kfs_pem_scan_init(struct kfs_pem_scan *s, const char *data, size_t len);

/* The next block, in file order; false at the end of the data. */
bool kfs_pem_next(struct kfs_pem_scan *s, struct kfs_pem_block *ret);

/*
 * The block's content as OpenSSL decodes it: *ret_der (OPENSSL_malloc'd, free
 * with OPENSSL_free) and, when the block has RFC 1421 headers (Proc-Type,
 * DEK-Info), *ret_header (OPENSSL_malloc'd, else NULL; ret_header may be NULL
 * when unwanted). On failure returns -EBADMSG and writes a short reason to
 * `why` ("no END line", "bad base64 decode"); clears OpenSSL's error queue.
 */
int kfs_pem_decode(const struct kfs_pem_block *b, unsigned char **ret_der, long *ret_len,
                   char **ret_header, char *why, size_t why_len);

/* What a PEM label says the block holds. */
enum kfs_pem_kind {
        KFS_PEM_OTHER = 0,
        KFS_PEM_CERTIFICATE,            /* CERTIFICATE, X509 CERTIFICATE, TRUSTED CERTIFICATE */
        KFS_PEM_PRIVATE_KEY,            /* any "... PRIVATE KEY": PKCS#8, PKCS#1, SEC 1, OpenSSH, encrypted */
        KFS_PEM_PUBLIC_KEY,             /* PUBLIC KEY, RSA PUBLIC KEY */
        KFS_PEM_CSR,                    /* CERTIFICATE REQUEST, NEW CERTIFICATE REQUEST */
        KFS_PEM_PKCS7,                  /* PKCS7, PKCS #7 SIGNED DATA: a certificate bundle */
};

enum kfs_pem_kind kfs_pem_label_kind(const char *label);

/* Which kinds of blocks `data` holds: bit (1 << kind) set for each. Stops
 * after `max_blocks` blocks. Linear, no allocation: fit for match(). */
unsigned kfs_pem_kinds(const char *data, size_t len, unsigned max_blocks);

/* What a DER blob looks like from its first headers. */
enum kfs_der_kind {
        KFS_DER_UNKNOWN = 0,
        KFS_DER_CERTIFICATE,
        KFS_DER_CSR,
        KFS_DER_CRL,
        KFS_DER_PRIVATE_KEY,            /* PKCS#8, PKCS#1 RSA, SEC 1 EC, DSA */
        KFS_DER_ENCRYPTED_KEY,          /* PKCS#8 EncryptedPrivateKeyInfo */
        KFS_DER_PUBLIC_KEY,             /* SubjectPublicKeyInfo, PKCS#1 RSAPublicKey */
};

/*
 * Classifies `p` (len bytes, possibly only the start of the object). When
 * `ret_total` is given it receives the outer object's full size (header +
 * content), which may exceed len; 0 when the outer header is unreadable.
 */
enum kfs_der_kind kfs_der_classify(const unsigned char *p, size_t len, size_t *ret_total);

/* Whether `s` starts like an OpenSSH public key line ("ssh-ed25519 AAAA..."). */
bool kfs_ssh_pubkey_line(const char *s, size_t n);

/* Writes the reason of the first error on OpenSSL's queue (or `fallback`)
 * into `why`, then clears the queue. */
void kfs_ossl_why(char *why, size_t why_len, const char *fallback);

/* ---- objects out of blocks (OpenSSL's d2i, error queue cleared) ---- */

/* The certificate in a CERTIFICATE/X509 CERTIFICATE/TRUSTED CERTIFICATE
 * block, or NULL with the reason in `why`. */
X509 *kfs_pem_x509(const struct kfs_pem_block *b, char *why, size_t why_len);

/* The certificate in DER data, or NULL with the reason in `why`. */
X509 *kfs_der_x509(const unsigned char *der, long len, char *why, size_t why_len);

/* The public key in DER data: SubjectPublicKeyInfo, or PKCS#1 RSAPublicKey
 * when `rsa_pkcs1`. NULL with the reason in `why`. */
EVP_PKEY *kfs_der_pubkey(const unsigned char *der, long len, bool rsa_pkcs1, char *why, size_t why_len);
