/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What kubefs says about a private key, shared by the key decoder (pkey.c)
 * and the certificate decoder (x509.c, for files holding a chain and its
 * key, like kubelet-client-current.pem).
 *
 * A kfs_keyinfo never holds private material: the key is parsed, its public
 * half copied out (SubjectPublicKeyInfo) and the private key freed at once.
 * Encrypted keys are never decrypted and no password is ever asked for;
 * what the file says about the cipher (DEK-Info, PKCS#8 PBES2 parameters,
 * the OpenSSH header) is reported instead.
 */

#include <openssl/evp.h>

#include "buf.h"
#include "pem.h"

struct kfs_keyinfo {
        char label[KFS_PEM_LABEL_MAX + 1];      /* the PEM label, or "DER" */
        const char *format;     /* "PKCS#8", "PKCS#1", "SEC 1", "OpenSSH", ...; NULL if unknown */
        char type[32];          /* "RSA", "RSA-PSS", "EC", "Ed25519", ...; "" if unknown */
        int bits;               /* 0 if unknown */
        char curve[96];         /* "P-256 (prime256v1)" for EC keys, else "" */
        char *encryption;       /* NULL: not encrypted; else how ("AES-256-CBC, from DEK-Info") */
        EVP_PKEY *pub;          /* the public key alone, or NULL when it cannot be known */
        char spki_sha256[65];   /* lower-case hex SHA-256 of the SPKI DER, "" without pub */
        char ssh_fingerprint[64];       /* "SHA256:..." for OpenSSH keys, else "" */
        char *error;            /* why the key could not be read, or NULL */
};

/*
 * Fills `k` from one private key: `label` is the PEM label (NULL for a DER
 * file), `der` its decoded content, `header` its RFC 1421 headers (or NULL).
 * A key that cannot be read still gives a kfs_keyinfo, with ->error set.
 * Returns -ENOMEM only. Clears OpenSSL's error queue.
 */
int kfs_keyinfo_init(struct kfs_keyinfo *k, const char *label, const unsigned char *der,
                     long len, const char *header);

/* A keyinfo for a block that did not even decode (bad base64, no END line). */
int kfs_keyinfo_init_error(struct kfs_keyinfo *k, const char *label, const char *why);

void kfs_keyinfo_release(struct kfs_keyinfo *k);

/*
 * Writes the summary, one "name: value" line each:
 *   private key N: LABEL (FORMAT)
 *   type: / bits: / curve: / encrypted: / public key sha256: / ssh fingerprint:
 * or "private key N: LABEL" and "error: ..." for a key that could not be read.
 */
void kfs_keyinfo_print(const struct kfs_keyinfo *k, unsigned n, struct kfs_buf *out);

/* Whether ->bits is the size people name the key by (RSA, DSA, DH, EC;
 * not Ed25519's 256, which OpenSSL reports). */
bool kfs_keyinfo_sized(const struct kfs_keyinfo *k);

/* Whether `pub` (any EVP_PKEY) is the public half of `k`. */
bool kfs_keyinfo_matches(const struct kfs_keyinfo *k, const EVP_PKEY *pub);

/* Fills `k` from a certificate's public key: type, size, curve and SPKI
 * hash (->pub stays NULL), label "PUBLIC KEY". Returns -ENOMEM only. */
int kfs_keyinfo_init_cert(struct kfs_keyinfo *k, X509 *x);
