/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pkey: private keys, public keys and certificate requests.
 *
 * Recognises files without a certificate that hold PEM blocks labelled
 * "... PRIVATE KEY" (PKCS#8, PKCS#1, SEC 1, DSA, encrypted PKCS#8,
 * Proc-Type encrypted, OpenSSH), "PUBLIC KEY"/"RSA PUBLIC KEY" (kubeadm's
 * sa.pub) or "CERTIFICATE REQUEST"; the same in DER in .key/.der/.pub/.csr
 * files; and OpenSSH public key files (*.pub).
 *
 * One view, .txt, every block in file order:
 *  - a private key: its summary (pkey.h: type, size or curve, encrypted or
 *    not and how, SHA-256 of the public key), the files in the same
 *    directory whose certificate or public key is its public half
 *    ("matches:"), a "mismatch:" line when the file named like its partner
 *    (ca.key/ca.crt, ca-key.pem/ca.pem, sa.key/sa.pub) holds another key,
 *    then the public key as `openssl pkey -noout -text_pub` prints it.
 *    Never a private number, PEM line or base64 of the key.
 *  - a public key: exactly `openssl pkey -pubin -noout -text`;
 *  - a certificate request: exactly `openssl req -noout -text`;
 *  - an OpenSSH public key file: exactly `ssh-keygen -lf`.
 */
#include "pkey.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "registry.h"

/* Blocks looked at in one file. */
#define PKEY_MAX_BLOCKS 256
/* Files of the key's directory read to find its certificate, and their size. */
#define PKEY_MAX_DIR_FILES 128
#define PKEY_MAX_DIR_FILE_SIZE (1u << 20)
/* Public keys (certificates) collected from them, in all. */
#define PKEY_MAX_DIR_KEYS 1024
/* OpenSSH public key lines in one file. */
#define PKEY_MAX_SSH_LINES 1024

/* ---- kfs_keyinfo ---- */

static void keyinfo_set_type(struct kfs_keyinfo *k, const EVP_PKEY *pk)
{
        static const struct { const char *openssl, *name; } types[] = {
                { "RSA", "RSA" }, { "RSA-PSS", "RSA-PSS" }, { "EC", "EC" },
                { "ED25519", "Ed25519" }, { "ED448", "Ed448" }, { "X25519", "X25519" },
                { "X448", "X448" }, { "DSA", "DSA" }, { "DHX", "DHX" }, { "DH", "DH" },
                { "SM2", "SM2" },
        };
        const char *name = NULL;
        char group[40];

        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !name; i++)
                if (EVP_PKEY_is_a(pk, types[i].openssl))
                        name = types[i].name;
        if (!name)
                name = EVP_PKEY_get0_type_name(pk);
        snprintf(k->type, sizeof(k->type), "%s", name ? name : "unknown");
        k->bits = EVP_PKEY_get_bits(pk);

        if (EVP_PKEY_is_a(pk, "EC") || EVP_PKEY_is_a(pk, "SM2")) {
                if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
                                                   group, sizeof(group), NULL) == 1) {
                        const char *nist = EC_curve_nid2nist(OBJ_txt2nid(group));

                        if (nist)
                                snprintf(k->curve, sizeof(k->curve), "%s (%s)", nist, group);
                        else
                                snprintf(k->curve, sizeof(k->curve), "%s", group);
                } else {
                        snprintf(k->curve, sizeof(k->curve), "explicit parameters");
                }
        }
        ERR_clear_error();
}

/* Keeps the public half of `pk` (which is freed by the caller) in k->pub. */
static int keyinfo_set_public(struct kfs_keyinfo *k, const EVP_PKEY *pk)
{
        unsigned char *spki = NULL, md[32];
        const unsigned char *p;
        int n;

        keyinfo_set_type(k, pk);
        n = i2d_PUBKEY(pk, &spki);
        if (n <= 0) {
                ERR_clear_error();
                return 0;       /* type known, public key not: no hash, no matches */
        }
        p = spki;
        k->pub = d2i_PUBKEY(NULL, &p, n);
        if (!EVP_Digest(spki, (size_t) n, md, NULL, EVP_sha256(), NULL)) {
                OPENSSL_free(spki);
                ERR_clear_error();
                return -ENOMEM;
        }
        kfs_hex_lower(md, sizeof(md), k->spki_sha256);
        OPENSSL_free(spki);
        ERR_clear_error();
        return 0;
}

static int keyinfo_fail(struct kfs_keyinfo *k, const char *why)
{
        free(k->error);
        k->error = strdup(why);
        return k->error ? 0 : -ENOMEM;
}

/* Printable text of at most `max` bytes from an untrusted header value. */
static void keyinfo_clean(const char *s, size_t n, char *out, size_t max)
{
        size_t j = 0;

        for (size_t i = 0; i < n && j + 1 < max; i++)
                out[j++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
        out[j] = '\0';
}

/* "Proc-Type: 4,ENCRYPTED" + "DEK-Info: AES-256-CBC,IV": the cipher named there. */
static int keyinfo_dek_info(struct kfs_keyinfo *k, const char *header)
{
        const char *dek = strstr(header, "DEK-Info:");
        char cipher[64], buf[128];

        if (!strstr(header, "ENCRYPTED"))
                return 0;
        if (dek) {
                dek += strlen("DEK-Info:");
                dek += strspn(dek, " \t");
                keyinfo_clean(dek, strcspn(dek, ",\r\n"), cipher, sizeof(cipher));
                snprintf(buf, sizeof(buf), "yes (%s, from DEK-Info)", cipher);
        } else {
                snprintf(buf, sizeof(buf), "yes (Proc-Type ENCRYPTED without DEK-Info)");
        }
        k->encryption = strdup(buf);
        return k->encryption ? 1 : -ENOMEM;
}

static const char *keyinfo_obj_name(const ASN1_OBJECT *o, char *buf, size_t n)
{
        int nid = OBJ_obj2nid(o);

        if (nid != NID_undef && OBJ_nid2sn(nid))
                return OBJ_nid2sn(nid);
        OBJ_obj2txt(buf, (int) n, o, 1);
        return buf;
}

/* EncryptedPrivateKeyInfo: the scheme, KDF and cipher its AlgorithmIdentifier names. */
static int keyinfo_pkcs8_encryption(struct kfs_keyinfo *k, const unsigned char *der, long len)
{
        const unsigned char *p = der;
        X509_SIG *sig = d2i_X509_SIG(NULL, &p, len);
        const X509_ALGOR *alg = NULL;
        const ASN1_OBJECT *obj;
        char buf[256], o1[80], o2[80], o3[80];

        if (!sig) {
                ERR_clear_error();
                k->encryption = strdup("yes (PKCS#8, unreadable parameters)");
                return k->encryption ? 0 : -ENOMEM;
        }
        X509_SIG_get0(sig, &alg, NULL);
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
        if (OBJ_obj2nid(obj) == NID_pbes2) {
                PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
                const char *kdf = "unknown KDF", *cipher = "unknown cipher";
                char kdfbuf[128];

                if (pbe2) {
                        cipher = keyinfo_obj_name(pbe2->encryption->algorithm, o1, sizeof(o1));
                        kdf = keyinfo_obj_name(pbe2->keyfunc->algorithm, o2, sizeof(o2));
                        if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2) {
                                PBKDF2PARAM *kp = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
                                                                            pbe2->keyfunc->parameter);
                                if (kp) {
                                        const char *prf = kp->prf
                                                ? keyinfo_obj_name(kp->prf->algorithm, o3, sizeof(o3))
                                                : "hmacWithSHA1";
                                        snprintf(kdfbuf, sizeof(kdfbuf), "PBKDF2 %s, %ld iterations",
                                                 prf, ASN1_INTEGER_get(kp->iter));
                                        kdf = kdfbuf;
                                        PBKDF2PARAM_free(kp);
                                }
                        }
                }
                snprintf(buf, sizeof(buf), "yes (PKCS#8 PBES2: %s, %s)", kdf, cipher);
                PBE2PARAM_free(pbe2);
        } else {
                snprintf(buf, sizeof(buf), "yes (PKCS#8 %s)", keyinfo_obj_name(obj, o1, sizeof(o1)));
        }
        X509_SIG_free(sig);
        ERR_clear_error();
        k->encryption = strdup(buf);
        return k->encryption ? 0 : -ENOMEM;
}

/* ---- OpenSSH (PROTOCOL.key, RFC 4253 section 6.6): a length-prefixed format, not ASN.1 ---- */

struct ssh_reader {
        const unsigned char *p, *end;
};

static bool ssh_u32(struct ssh_reader *r, uint32_t *ret)
{
        if (r->end - r->p < 4)
                return false;
        *ret = (uint32_t) r->p[0] << 24 | (uint32_t) r->p[1] << 16 | (uint32_t) r->p[2] << 8 | r->p[3];
        r->p += 4;
        return true;
}

static bool ssh_string(struct ssh_reader *r, const unsigned char **ret, size_t *ret_len)
{
        uint32_t n;

        if (!ssh_u32(r, &n) || (size_t) (r->end - r->p) < n)
                return false;
        *ret = r->p;
        *ret_len = n;
        r->p += n;
        return true;
}

static bool ssh_string_is(const unsigned char *s, size_t n, const char *want)
{
        return n == strlen(want) && memcmp(s, want, n) == 0;
}

static int ssh_push_bn(OSSL_PARAM_BLD *bld, const char *key, const unsigned char *s, size_t n,
                       BIGNUM **bn)
{
        *bn = BN_bin2bn(s, (int) n, NULL);
        return *bn && OSSL_PARAM_BLD_push_BN(bld, key, *bn);
}

/* "SHA256:" and the unpadded base64 of the blob's SHA-256, as ssh-keygen -l. */
static void ssh_fingerprint(const unsigned char *blob, size_t len, char *out, size_t out_len)
{
        unsigned char md[32], b64[48];
        int n;

        if (!EVP_Digest(blob, len, md, NULL, EVP_sha256(), NULL)) {
                snprintf(out, out_len, "unknown");
                return;
        }
        n = EVP_EncodeBlock(b64, md, sizeof(md));
        while (n > 0 && b64[n - 1] == '=')
                n--;
        snprintf(out, out_len, "SHA256:%.*s", n, b64);
}

#define SSH_CERT_SUFFIX "-cert-v01@openssh.com"

/* An EVP_PKEY from an OpenSSH public key blob; NULL if unsupported or
 * malformed. `ssh_type` receives the blob's key type ("ssh-rsa",
 * "ssh-ed25519-cert-v01@openssh.com"), `fp` its fingerprint as ssh-keygen -l
 * shows it: of the plain key, also for a certificate, whose key follows its
 * nonce. */
static EVP_PKEY *ssh_blob_pkey(const unsigned char *blob, size_t len, char *ssh_type, size_t type_len,
                               char *fp, size_t fp_len)
{
        const unsigned char *fields = NULL;
        struct ssh_reader r = { blob, blob + len };
        const unsigned char *t, *a, *b, *c, *d;
        size_t tn, an, bn, cn, dn;
        OSSL_PARAM_BLD *bld = NULL;
        OSSL_PARAM *params = NULL;
        EVP_PKEY_CTX *pctx = NULL;
        EVP_PKEY *pk = NULL;
        BIGNUM *bns[4] = { NULL };
        const char *alg = NULL;

        ssh_fingerprint(blob, len, fp, fp_len);
        if (!ssh_string(&r, &t, &tn))
                return NULL;
        keyinfo_clean((const char *) t, tn, ssh_type, type_len);
        if (tn > strlen(SSH_CERT_SUFFIX) &&
            memcmp(t + tn - strlen(SSH_CERT_SUFFIX), SSH_CERT_SUFFIX, strlen(SSH_CERT_SUFFIX)) == 0) {
                tn -= strlen(SSH_CERT_SUFFIX);
                if (!ssh_string(&r, &a, &an))   /* nonce */
                        return NULL;
                fields = r.p;
        }
        if (ssh_string_is(t, tn, "ssh-ed25519")) {
                if (ssh_string(&r, &a, &an) && an == 32)
                        pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, a, an);
                goto out;
        }
        if (!(bld = OSSL_PARAM_BLD_new()))
                goto out;
        if (ssh_string_is(t, tn, "ssh-rsa")) {
                if (!ssh_string(&r, &a, &an) || !ssh_string(&r, &b, &bn) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_RSA_E, a, an, &bns[0]) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_RSA_N, b, bn, &bns[1]))
                        goto out;
                alg = "RSA";
        } else if (tn > 11 && memcmp(t, "ecdsa-sha2-", 11) == 0) {
                static const struct { const char *ssh, *group; } curves[] = {
                        { "nistp256", "prime256v1" }, { "nistp384", "secp384r1" },
                        { "nistp521", "secp521r1" },
                };
                const char *group = NULL;

                if (!ssh_string(&r, &a, &an) || !ssh_string(&r, &b, &bn))
                        goto out;
                for (size_t i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
                        if (ssh_string_is(a, an, curves[i].ssh))
                                group = curves[i].group;
                if (!group ||
                    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
                    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, b, bn))
                        goto out;
                alg = "EC";
        } else if (ssh_string_is(t, tn, "ssh-dss")) {
                if (!ssh_string(&r, &a, &an) || !ssh_string(&r, &b, &bn) ||
                    !ssh_string(&r, &c, &cn) || !ssh_string(&r, &d, &dn) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_FFC_P, a, an, &bns[0]) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_FFC_Q, b, bn, &bns[1]) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_FFC_G, c, cn, &bns[2]) ||
                    !ssh_push_bn(bld, OSSL_PKEY_PARAM_PUB_KEY, d, dn, &bns[3]))
                        goto out;
                alg = "DSA";
        } else {
                goto out;
        }
        if (!(params = OSSL_PARAM_BLD_to_param(bld)) ||
            !(pctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL)) ||
            EVP_PKEY_fromdata_init(pctx) <= 0 ||
            EVP_PKEY_fromdata(pctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
                pk = NULL;
out:
        if (pk && fields) {
                size_t fl = (size_t) (r.p - fields);
                unsigned char *plain = malloc(4 + tn + fl);

                if (plain) {
                        plain[0] = (unsigned char) (tn >> 24);
                        plain[1] = (unsigned char) (tn >> 16);
                        plain[2] = (unsigned char) (tn >> 8);
                        plain[3] = (unsigned char) tn;
                        memcpy(plain + 4, t, tn);
                        memcpy(plain + 4 + tn, fields, fl);
                        ssh_fingerprint(plain, 4 + tn + fl, fp, fp_len);
                        free(plain);
                }
        }
        EVP_PKEY_CTX_free(pctx);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        for (size_t i = 0; i < 4; i++)
                BN_free(bns[i]);
        ERR_clear_error();
        return pk;
}

/* The upper-case type ssh-keygen -l shows in parentheses ("ED25519", "RSA-CERT"). */
static void ssh_type_name(const char *t, char *out, size_t n)
{
        static const struct { const char *ssh, *name; } types[] = {
                { "ssh-rsa", "RSA" }, { "ssh-dss", "DSA" }, { "ssh-ed25519", "ED25519" },
                { "ecdsa-sha2-nistp256", "ECDSA" }, { "ecdsa-sha2-nistp384", "ECDSA" },
                { "ecdsa-sha2-nistp521", "ECDSA" }, { "sk-ssh-ed25519@openssh.com", "ED25519-SK" },
                { "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK" },
        };
        size_t tl = strlen(t), sl = strlen(SSH_CERT_SUFFIX);
        bool cert = tl > sl && strcmp(t + tl - sl, SSH_CERT_SUFFIX) == 0;

        if (cert)
                tl -= sl;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                if (strlen(types[i].ssh) == tl && strncmp(types[i].ssh, t, tl) == 0) {
                        snprintf(out, n, "%s%s", types[i].name, cert ? "-CERT" : "");
                        return;
                }
        }
        /* "sk-ssh-ed25519-cert-v01@openssh.com" */
        if (cert && strncmp(t, "sk-ssh-ed25519", tl) == 0 && tl == strlen("sk-ssh-ed25519"))
                snprintf(out, n, "ED25519-SK-CERT");
        else if (cert && strncmp(t, "sk-ecdsa-sha2-nistp256", tl) == 0 && tl == strlen("sk-ecdsa-sha2-nistp256"))
                snprintf(out, n, "ECDSA-SK-CERT");
        else
                snprintf(out, n, "UNKNOWN");
}

/* openssh-key-v1: magic, cipher, KDF, KDF options, key count, public keys in
 * the clear, then the (maybe encrypted) private part, which is never read. */
static int keyinfo_openssh(struct kfs_keyinfo *k, const unsigned char *der, long len)
{
        static const char magic[] = "openssh-key-v1";
        struct ssh_reader r = { der, der + len };
        const unsigned char *cipher, *kdf, *kdfopt, *blob;
        size_t cn, kn, on, bn;
        char ssh_type[32], buf[160], cbuf[40], kbuf[40];
        uint32_t nkeys;
        EVP_PKEY *pk;

        k->format = "OpenSSH";
        if (len < (long) sizeof(magic) || memcmp(der, magic, sizeof(magic)) != 0)
                return keyinfo_fail(k, "not an openssh-key-v1 key");
        r.p += sizeof(magic);
        if (!ssh_string(&r, &cipher, &cn) || !ssh_string(&r, &kdf, &kn) ||
            !ssh_string(&r, &kdfopt, &on) || !ssh_u32(&r, &nkeys) || nkeys < 1 ||
            !ssh_string(&r, &blob, &bn))
                return keyinfo_fail(k, "truncated OpenSSH key");
        if (!ssh_string_is(cipher, cn, "none")) {
                struct ssh_reader o = { kdfopt, kdfopt + on };
                const unsigned char *salt;
                size_t sn;
                uint32_t rounds = 0;

                keyinfo_clean((const char *) cipher, cn, cbuf, sizeof(cbuf));
                keyinfo_clean((const char *) kdf, kn, kbuf, sizeof(kbuf));
                if (ssh_string_is(kdf, kn, "bcrypt") && ssh_string(&o, &salt, &sn) && ssh_u32(&o, &rounds))
                        snprintf(buf, sizeof(buf), "yes (%s, bcrypt KDF, %u rounds)", cbuf, rounds);
                else
                        snprintf(buf, sizeof(buf), "yes (%s, %s KDF)", cbuf, kbuf);
                if (!(k->encryption = strdup(buf)))
                        return -ENOMEM;
        }
        pk = ssh_blob_pkey(blob, bn, ssh_type, sizeof(ssh_type), k->ssh_fingerprint, sizeof(k->ssh_fingerprint));
        if (!pk) {
                snprintf(k->type, sizeof(k->type), "%s", ssh_type);
                return 0;
        }
        keyinfo_set_public(k, pk);
        EVP_PKEY_free(pk);
        return 0;
}

/* Parses an unencrypted private key and keeps only its public half. */
static int keyinfo_private(struct kfs_keyinfo *k, const char *label, const unsigned char *der, long len)
{
        const unsigned char *p = der;
        EVP_PKEY *pk = NULL;
        char why[160];
        int r;

        if (strcmp(label, "PRIVATE KEY") == 0) {
                PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);

                k->format = "PKCS#8";
                if (p8)
                        pk = EVP_PKCS82PKEY(p8);
                PKCS8_PRIV_KEY_INFO_free(p8);
        } else if (strcmp(label, "RSA PRIVATE KEY") == 0) {
                k->format = "PKCS#1";
                pk = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, len);
        } else if (strcmp(label, "EC PRIVATE KEY") == 0) {
                k->format = "SEC 1";
                pk = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, len);
        } else if (strcmp(label, "DSA PRIVATE KEY") == 0) {
                k->format = "OpenSSL DSA";
                pk = d2i_PrivateKey(EVP_PKEY_DSA, NULL, &p, len);
        } else {
                pk = d2i_AutoPrivateKey(NULL, &p, len);
        }
        if (!pk) {
                kfs_ossl_why(why, sizeof(why), "not a valid private key");
                return keyinfo_fail(k, why);
        }
        r = keyinfo_set_public(k, pk);
        EVP_PKEY_free(pk);
        return r;
}

int kfs_keyinfo_init(struct kfs_keyinfo *k, const char *label, const unsigned char *der,
                     long len, const char *header)
{
        enum kfs_der_kind shape;
        int r;

        *k = (struct kfs_keyinfo) { 0 };
        snprintf(k->label, sizeof(k->label), "%s", label ? label : "DER");
        if (label && strcmp(label, "OPENSSH PRIVATE KEY") == 0)
                return keyinfo_openssh(k, der, len);

        if (header) {
                r = keyinfo_dek_info(k, header);
                if (r != 0) {
                        /* traditional encrypted PEM: the label names the type */
                        if (r > 0 && label && strncmp(label, "RSA ", 4) == 0)
                                snprintf(k->type, sizeof(k->type), "RSA");
                        else if (r > 0 && label && strncmp(label, "EC ", 3) == 0)
                                snprintf(k->type, sizeof(k->type), "EC");
                        else if (r > 0 && label && strncmp(label, "DSA ", 4) == 0)
                                snprintf(k->type, sizeof(k->type), "DSA");
                        return r < 0 ? r : 0;
                }
        }
        /* never hand an encrypted structure to a parser that might want a password */
        shape = kfs_der_classify(der, (size_t) len, NULL);
        if (shape == KFS_DER_ENCRYPTED_KEY || (label && strcmp(label, "ENCRYPTED PRIVATE KEY") == 0)) {
                k->format = "PKCS#8";
                return keyinfo_pkcs8_encryption(k, der, len);
        }
        if (label && strstr(label, "ENCRYPTED")) {
                k->encryption = strdup("yes (format not supported)");
                return k->encryption ? 0 : -ENOMEM;
        }
        if (shape != KFS_DER_PRIVATE_KEY)
                return keyinfo_fail(k, label && strcmp(label, "PRIVATE KEY") != 0 &&
                                       strcmp(label, "RSA PRIVATE KEY") != 0 &&
                                       strcmp(label, "EC PRIVATE KEY") != 0 &&
                                       strcmp(label, "DSA PRIVATE KEY") != 0
                                       ? "key format not supported" : "not a valid private key");
        return keyinfo_private(k, label ? label : "DER", der, len);
}

int kfs_keyinfo_init_error(struct kfs_keyinfo *k, const char *label, const char *why)
{
        *k = (struct kfs_keyinfo) { 0 };
        snprintf(k->label, sizeof(k->label), "%s", label);
        return keyinfo_fail(k, why);
}

int kfs_keyinfo_init_cert(struct kfs_keyinfo *k, X509 *x)
{
        const EVP_PKEY *pk = X509_get0_pubkey(x);
        unsigned char *spki = NULL, md[32];
        int n;

        *k = (struct kfs_keyinfo) { .label = "PUBLIC KEY" };
        if (!pk) {
                ERR_clear_error();
                return 0;
        }
        keyinfo_set_type(k, pk);
        /* the certificate's own encoding: no encoder, no copy of the key */
        n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
        if (n > 0 && EVP_Digest(spki, (size_t) n, md, NULL, EVP_sha256(), NULL))
                kfs_hex_lower(md, sizeof(md), k->spki_sha256);
        OPENSSL_free(spki);
        ERR_clear_error();
        return 0;
}

void kfs_keyinfo_release(struct kfs_keyinfo *k)
{
        if (!k)
                return;
        EVP_PKEY_free(k->pub);
        free(k->encryption);
        free(k->error);
        *k = (struct kfs_keyinfo) { 0 };
}

bool kfs_keyinfo_sized(const struct kfs_keyinfo *k)
{
        static const char *const sized[] = { "RSA", "RSA-PSS", "DSA", "DH", "DHX", "EC", "SM2", NULL };

        for (const char *const *t = sized; *t && k->bits > 0; t++)
                if (strcmp(k->type, *t) == 0)
                        return true;
        return false;
}

void kfs_keyinfo_print(const struct kfs_keyinfo *k, unsigned n, struct kfs_buf *out)
{
        kfs_buf_addf(out, "private key %u: %s", n, k->label);
        if (k->format && strcmp(k->format, k->label) != 0)
                kfs_buf_addf(out, " (%s)", k->format);
        kfs_buf_addc(out, '\n');
        if (k->error) {
                kfs_buf_addf(out, "error: private key %u: %s\n", n, k->error);
                return;
        }
        kfs_buf_addf(out, "type: %s\n", k->type[0] ? k->type : "unknown");
        if (k->curve[0])
                kfs_buf_addf(out, "curve: %s\n", k->curve);
        else if (kfs_keyinfo_sized(k))
                kfs_buf_addf(out, "bits: %d\n", k->bits);
        kfs_buf_addf(out, "encrypted: %s\n", k->encryption ? k->encryption : "no");
        if (k->spki_sha256[0])
                kfs_buf_addf(out, "public key sha256: %s\n", k->spki_sha256);
        else
                kfs_buf_addf(out, "public key sha256: unknown%s\n",
                             k->encryption ? " (the key is encrypted)" : "");
        if (k->ssh_fingerprint[0])
                kfs_buf_addf(out, "ssh fingerprint: %s\n", k->ssh_fingerprint);
}

bool kfs_keyinfo_matches(const struct kfs_keyinfo *k, const EVP_PKEY *pub)
{
        bool eq;

        if (!k->pub || !pub)
                return false;
        eq = EVP_PKEY_eq(k->pub, pub) == 1;
        ERR_clear_error();
        return eq;
}

/* ---- the decoder ---- */

static const char *const pkey_der_exts[] = { "key", "der", "pub", "csr", "p8", "pk8", "pem", NULL };

static bool pkey_match(const struct kfs_probe *p)
{
        unsigned kinds = kfs_pem_kinds(p->head, p->head_len, PKEY_MAX_BLOCKS);
        enum kfs_der_kind shape;

        if (kinds & (1u << KFS_PEM_CERTIFICATE))
                return false;           /* x509 shows certificates and the keys beside them */
        if (kinds & (1u << KFS_PEM_PRIVATE_KEY | 1u << KFS_PEM_PUBLIC_KEY | 1u << KFS_PEM_CSR))
                return true;
        if (kinds)
                return false;
        if (p->head_len > 0 && (unsigned char) p->head[0] == 0x30 && kfs_name_has_ext(p->name, pkey_der_exts)) {
                shape = kfs_der_classify((const unsigned char *) p->head, p->head_len, NULL);
                if (shape == KFS_DER_PRIVATE_KEY || shape == KFS_DER_ENCRYPTED_KEY ||
                    shape == KFS_DER_PUBLIC_KEY || shape == KFS_DER_CSR)
                        return true;
        }
        if (kfs_ssh_pubkey_line(p->head, p->head_len) &&
            (strstr(p->name, ".pub") || strcmp(kfs_name_ext(p->name), "pem") == 0))
                return true;
        /* a .key file that holds no key is still worth an error: it was meant to */
        return strcmp(kfs_name_ext(p->name), "key") == 0;
}

/* ---- OpenSSH public key files: "TYPE BASE64 [COMMENT]" a line ---- */

struct ssh_line {
        unsigned char *blob;    /* malloc'd */
        size_t len;
        const char *comment;    /* points into the data */
        size_t comment_len;
};

/*
 * The next key line in [*pos, end), skipping blank, comment and other
 * lines; at most PKEY_MAX_SSH_LINES lines looked at (*lines counts them).
 * Returns 1 with *ret filled, 0 at the end, -ENOMEM.
 */
static int ssh_line_next(const char **pos, const char *end, unsigned *lines, struct ssh_line *ret)
{
        const char *p = *pos;

        for (; p < end && (*lines)++ < PKEY_MAX_SSH_LINES; p = *pos) {
                const char *eol = memchr(p, '\n', (size_t) (end - p));
                const char *le = eol ? eol : end, *b64, *b64_end, *comment;
                size_t n64, cl;
                int n, pad = 0;

                *pos = eol ? eol + 1 : end;
                while (p < le && (*p == ' ' || *p == '\t'))
                        p++;
                if (!kfs_ssh_pubkey_line(p, (size_t) (le - p)) || !(b64 = memchr(p, ' ', (size_t) (le - p))))
                        continue;
                b64++;
                for (b64_end = b64; b64_end < le && *b64_end != ' ' && *b64_end != '\t' && *b64_end != '\r';)
                        b64_end++;
                n64 = (size_t) (b64_end - b64);
                if (n64 < 4 || n64 % 4 != 0 || n64 > (1u << 16))
                        continue;
                for (comment = b64_end; comment < le && (*comment == ' ' || *comment == '\t');)
                        comment++;
                for (cl = (size_t) (le - comment); cl > 0 && (comment[cl - 1] == '\r' || comment[cl - 1] == ' ');)
                        cl--;
                ret->blob = malloc(n64 / 4 * 3 + 1);
                if (!ret->blob)
                        return -ENOMEM;
                n = EVP_DecodeBlock(ret->blob, (const unsigned char *) b64, (int) n64);
                for (const char *q = b64_end - 1; q >= b64 && *q == '='; q--)
                        pad++;
                if (n <= pad) {
                        free(ret->blob);
                        ERR_clear_error();
                        continue;
                }
                ret->len = (size_t) (n - pad);
                ret->comment = comment;
                ret->comment_len = cl;
                return 1;
        }
        *pos = end;
        return 0;
}

/* A public key found in the key's directory. */
struct pkey_found {
        const char *file;       /* points into the names array */
        unsigned cert;          /* its certificate number in the file, 0 for a public key */
        EVP_PKEY *pub;
};

struct pkey_dir {
        char **names;
        struct pkey_found *found;
        size_t n, alloc;
        bool scanned;
};

static void pkey_dir_release(struct pkey_dir *d)
{
        for (size_t i = 0; i < d->n; i++)
                EVP_PKEY_free(d->found[i].pub);
        free(d->found);
        kfs_strv_free(d->names);
        *d = (struct pkey_dir) { 0 };
}

static int pkey_dir_add(struct pkey_dir *d, const char *file, unsigned cert, EVP_PKEY *pub)
{
        if (!pub)
                return 0;
        if (d->n >= PKEY_MAX_DIR_KEYS) {
                EVP_PKEY_free(pub);
                return 0;
        }
        if (d->n == d->alloc) {
                size_t na = d->alloc ? d->alloc * 2 : 16;
                struct pkey_found *f = realloc(d->found, na * sizeof(*f));

                if (!f) {
                        EVP_PKEY_free(pub);
                        return -ENOMEM;
                }
                d->found = f;
                d->alloc = na;
        }
        d->found[d->n++] = (struct pkey_found) { file, cert, pub };
        return 0;
}

/* Names worth opening when looking for a key's certificate. */
static bool pkey_dir_candidate(const char *name)
{
        static const char *const exts[] = { "crt", "cer", "cert", "pem", "der", "pub", NULL };

        return kfs_name_has_ext(name, exts) || !strchr(name, '.') || strcmp(name, "cert") == 0;
}

/* The public keys of every certificate and public key file in the directory. */
static int pkey_dir_scan(struct pkey_dir *d, struct kfs_ctx *ctx)
{
        const char *self = kfs_path_basename(ctx->path);
        size_t files = 0;
        int r;

        d->scanned = true;
        r = kfs_ctx_list(ctx, ".", &d->names);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        for (char **name = d->names; *name && files < PKEY_MAX_DIR_FILES && d->n < PKEY_MAX_DIR_KEYS; name++) {
                struct kfs_pem_scan s;
                struct kfs_pem_block b;
                struct stat st;
                unsigned certs = 0, blocks = 0;
                char *data = NULL, why[160];
                size_t len = 0;

                if (strcmp(*name, self) == 0 || !pkey_dir_candidate(*name))
                        continue;
                if (kfs_ctx_stat(ctx, *name, &st) < 0 || !S_ISREG(st.st_mode) ||
                    st.st_size > PKEY_MAX_DIR_FILE_SIZE || st.st_size == 0)
                        continue;
                files++;
                r = kfs_ctx_read(ctx, *name, &data, &len);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        continue;
                kfs_pem_scan_init(&s, data, len);
                while (r >= 0 && blocks < PKEY_MAX_BLOCKS && kfs_pem_next(&s, &b)) {
                        enum kfs_pem_kind kind = kfs_pem_label_kind(b.label);
                        unsigned char *der = NULL;
                        long dlen;

                        blocks++;

                        if (kind == KFS_PEM_CERTIFICATE) {
                                X509 *x = kfs_pem_x509(&b, why, sizeof(why));

                                certs++;
                                if (x)
                                        r = pkey_dir_add(d, *name, certs, X509_get_pubkey(x));
                                X509_free(x);
                        } else if (kind == KFS_PEM_PUBLIC_KEY &&
                                   kfs_pem_decode(&b, &der, &dlen, NULL, why, sizeof(why)) == 0) {
                                r = pkey_dir_add(d, *name, 0, kfs_der_pubkey(der, dlen,
                                                 strcmp(b.label, "RSA PUBLIC KEY") == 0, why, sizeof(why)));
                                OPENSSL_free(der);
                        }
                }
                if (r >= 0 && blocks == 0 && kfs_ssh_pubkey_line(data, len)) {
                        const char *p = data;
                        unsigned lines = 0;
                        struct ssh_line l;
                        char type[64], fp[64];

                        /* authorized_keys-like files: the first key only */
                        r = ssh_line_next(&p, data + len, &lines, &l);
                        if (r > 0) {
                                r = pkey_dir_add(d, *name, 0, ssh_blob_pkey(l.blob, l.len, type, sizeof(type),
                                                                            fp, sizeof(fp)));
                                free(l.blob);
                        }
                } else if (r >= 0 && blocks == 0 && len > 0 && (unsigned char) data[0] == 0x30) {
                        enum kfs_der_kind shape = kfs_der_classify((unsigned char *) data, len, NULL);

                        if (shape == KFS_DER_CERTIFICATE) {
                                X509 *x = kfs_der_x509((unsigned char *) data, (long) len, why, sizeof(why));

                                if (x)
                                        r = pkey_dir_add(d, *name, 1, X509_get_pubkey(x));
                                X509_free(x);
                        } else if (shape == KFS_DER_PUBLIC_KEY) {
                                r = pkey_dir_add(d, *name, 0, kfs_der_pubkey((unsigned char *) data,
                                                 (long) len, false, why, sizeof(why)));
                        }
                }
                ERR_clear_error();
                explicit_bzero(data, len);
                free(data);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The names a key's own certificate or public key usually has: kubeadm
 * (ca.key: ca.crt, sa.key: sa.pub), cfssl/kubeasz (ca-key.pem: ca.pem). */
static bool pkey_is_partner(const char *key, const char *other)
{
        static const struct { const char *key, *other; } pairs[] = {
                { ".key", ".crt" }, { ".key", ".pub" }, { ".key", ".pem" }, { ".key", ".cert" },
                { "-key.pem", ".pem" }, { "_key.pem", ".pem" }, { ".key.pem", ".crt.pem" },
                { "-key.pem", ".crt" }, { ".key.pem", ".pem" },
        };
        size_t kl = strlen(key);

        for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
                size_t ks = strlen(pairs[i].key), os = strlen(pairs[i].other);

                if (kl > ks && strcmp(key + kl - ks, pairs[i].key) == 0 &&
                    strlen(other) == kl - ks + os && strncmp(other, key, kl - ks) == 0 &&
                    strcmp(other + kl - ks, pairs[i].other) == 0)
                        return true;
        }
        return false;
}

static bool pkey_file_matches(const struct kfs_keyinfo *k, const struct pkey_dir *d, const char *file)
{
        for (size_t i = 0; i < d->n; i++)
                if (d->found[i].file == file && kfs_keyinfo_matches(k, d->found[i].pub))
                        return true;
        return false;
}

static void pkey_print_matches(const struct kfs_keyinfo *k, const struct pkey_dir *d,
                               const char *self, struct kfs_buf *out)
{
        const char *last = NULL;
        bool any = false;

        if (!k->pub) {
                kfs_buf_addf(out, "matches: unknown%s\n", k->encryption ? " (the key is encrypted)" : "");
                return;
        }
        /* found[] is grouped by file (same pointer): one line per file */
        for (size_t i = 0; i < d->n; i++) {
                const struct pkey_found *f = &d->found[i];

                if (f->file == last || !kfs_keyinfo_matches(k, f->pub))
                        continue;
                last = f->file;
                any = true;
                if (f->cert == 0)
                        kfs_buf_addf(out, "matches: %s (public key)\n", f->file);
                else if (f->cert == 1)
                        kfs_buf_addf(out, "matches: %s\n", f->file);
                else
                        kfs_buf_addf(out, "matches: %s (certificate %u)\n", f->file, f->cert);
        }
        if (!any)
                kfs_buf_add(out, "matches: none\n");
        /* the file named like its partner holds another key: the pair is broken */
        last = NULL;
        for (size_t i = 0; i < d->n; i++) {
                const char *file = d->found[i].file;

                if (file == last || !pkey_is_partner(self, file))
                        continue;
                last = file;
                if (!pkey_file_matches(k, d, file))
                        kfs_buf_addf(out, "mismatch: %s holds a different public key\n", file);
        }
}

/* The public key as `openssl pkey -noout -text_pub` / `-pubin -text` prints it. */
static void pkey_print_public(const EVP_PKEY *pub, struct kfs_buf *out)
{
        BIO *bio = BIO_new(BIO_s_mem());
        char *p;
        long n;

        if (!bio) {
                out->err = out->err ? out->err : -ENOMEM;
                return;
        }
        EVP_PKEY_print_public(bio, pub, 0, NULL);
        n = BIO_get_mem_data(bio, &p);
        kfs_buf_addn(out, p, (size_t) n);
        BIO_free(bio);
        ERR_clear_error();
}

struct pkey_counts {
        unsigned priv, pub, csr;
};

static int pkey_render_private(struct kfs_ctx *ctx, const char *label, const unsigned char *der, long len,
                               const char *header, struct pkey_dir *dir, struct pkey_counts *n,
                               struct kfs_buf *out)
{
        struct kfs_keyinfo k;
        int r;

        r = kfs_keyinfo_init(&k, label, der, len, header);
        if (r < 0)
                return r;
        kfs_keyinfo_print(&k, ++n->priv, out);
        if (!k.error) {
                if (k.pub && !dir->scanned) {
                        r = pkey_dir_scan(dir, ctx);
                        if (r < 0) {
                                kfs_keyinfo_release(&k);
                                return r;
                        }
                }
                pkey_print_matches(&k, dir, kfs_path_basename(ctx->path), out);
                if (k.pub)
                        pkey_print_public(k.pub, out);
        }
        kfs_keyinfo_release(&k);
        return 0;
}

static void pkey_render_public(const char *label, const unsigned char *der, long len,
                               struct pkey_counts *n, struct kfs_buf *out)
{
        char why[160];
        EVP_PKEY *pub = kfs_der_pubkey(der, len, label && strcmp(label, "RSA PUBLIC KEY") == 0,
                                       why, sizeof(why));

        n->pub++;
        if (!pub) {
                kfs_buf_addf(out, "error: public key %u: %s\n", n->pub, why);
                return;
        }
        pkey_print_public(pub, out);
        EVP_PKEY_free(pub);
}

static void pkey_render_csr(const unsigned char *der, long len, struct pkey_counts *n, struct kfs_buf *out)
{
        const unsigned char *p = der;
        X509_REQ *req = d2i_X509_REQ(NULL, &p, len);
        char why[160];
        BIO *bio;
        char *s;
        long sn;

        n->csr++;
        if (!req) {
                kfs_ossl_why(why, sizeof(why), "not a valid certificate request");
                kfs_buf_addf(out, "error: certificate request %u: %s\n", n->csr, why);
                return;
        }
        bio = BIO_new(BIO_s_mem());
        if (bio) {
                /* what `openssl req -noout -text` passes */
                X509_REQ_print_ex(bio, req, XN_FLAG_ONELINE, 0);
                sn = BIO_get_mem_data(bio, &s);
                kfs_buf_addn(out, s, (size_t) sn);
                BIO_free(bio);
        } else {
                out->err = out->err ? out->err : -ENOMEM;
        }
        X509_REQ_free(req);
        ERR_clear_error();
}

/* An OpenSSH public key file, as `ssh-keygen -lf` prints it. */
static int pkey_render_ssh_pub(const char *data, size_t len, struct kfs_buf *out)
{
        const char *p = data, *end = data + len;
        unsigned lines = 0, keys = 0;
        struct ssh_line l;
        int r;

        while ((r = ssh_line_next(&p, end, &lines, &l)) > 0) {
                char type[64], tname[32], fp[64];
                EVP_PKEY *pk = ssh_blob_pkey(l.blob, l.len, type, sizeof(type), fp, sizeof(fp));
                int bits = 0;

                if (pk) {
                        bits = EVP_PKEY_is_a(pk, "ED25519") ? 256 : EVP_PKEY_get_bits(pk);
                        EVP_PKEY_free(pk);
                }
                if (pk || strncmp(type, "sk-", 3) == 0) {
                        ssh_type_name(type, tname, sizeof(tname));
                        kfs_buf_addf(out, "%d %s %.*s (%s)\n", bits, fp,
                                     l.comment_len ? (int) l.comment_len : (int) strlen("no comment"),
                                     l.comment_len ? l.comment : "no comment", tname);
                        keys++;
                }
                free(l.blob);
        }
        if (r < 0)
                return r;
        return keys ? 0 : -EINVAL;
}

static int pkey_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct kfs_buf out = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        struct pkey_counts n = { 0 };
        struct pkey_dir dir = { 0 };
        struct kfs_pem_scan s;
        struct kfs_pem_block b;
        unsigned blocks = 0;
        char why[160];
        int r = 0;

        if (len == 0)
                return kfs_ctx_fail(ctx, -EINVAL, "empty file");

        kfs_pem_scan_init(&s, data, len);
        while (r >= 0 && kfs_pem_next(&s, &b)) {
                enum kfs_pem_kind kind = kfs_pem_label_kind(b.label);
                unsigned char *der = NULL;
                char *header = NULL;
                long dlen = 0;

                if (++blocks > PKEY_MAX_BLOCKS) {
                        kfs_buf_addf(&out, "error: more than %u PEM blocks; the rest are not shown\n",
                                     PKEY_MAX_BLOCKS);
                        break;
                }
                if (kind != KFS_PEM_PRIVATE_KEY && kind != KFS_PEM_PUBLIC_KEY && kind != KFS_PEM_CSR)
                        continue;
                r = kfs_pem_decode(&b, &der, &dlen, &header, why, sizeof(why));
                if (r == -ENOMEM)
                        break;
                if (r < 0) {
                        r = 0;
                        if (kind == KFS_PEM_PRIVATE_KEY) {
                                struct kfs_keyinfo k;

                                r = kfs_keyinfo_init_error(&k, b.label, why);
                                kfs_keyinfo_print(&k, ++n.priv, &out);
                                kfs_keyinfo_release(&k);
                        } else if (kind == KFS_PEM_PUBLIC_KEY) {
                                kfs_buf_addf(&out, "error: public key %u: %s\n", ++n.pub, why);
                        } else {
                                kfs_buf_addf(&out, "error: certificate request %u: %s\n", ++n.csr, why);
                        }
                        continue;
                }
                if (kind == KFS_PEM_PRIVATE_KEY)
                        r = pkey_render_private(ctx, b.label, der, dlen, header, &dir, &n, &out);
                else if (kind == KFS_PEM_PUBLIC_KEY)
                        pkey_render_public(b.label, der, dlen, &n, &out);
                else
                        pkey_render_csr(der, dlen, &n, &out);
                OPENSSL_cleanse(der, (size_t) dlen);
                OPENSSL_free(der);
                OPENSSL_free(header);
        }

        if (r >= 0 && blocks == 0) {
                enum kfs_der_kind shape = (unsigned char) data[0] == 0x30
                        ? kfs_der_classify((const unsigned char *) data, len, NULL) : KFS_DER_UNKNOWN;

                switch (shape) {
                case KFS_DER_PRIVATE_KEY:
                case KFS_DER_ENCRYPTED_KEY:
                        r = pkey_render_private(ctx, NULL, (const unsigned char *) data, (long) len,
                                                NULL, &dir, &n, &out);
                        break;
                case KFS_DER_PUBLIC_KEY:
                        pkey_render_public(NULL, (const unsigned char *) data, (long) len, &n, &out);
                        break;
                case KFS_DER_CSR:
                        pkey_render_csr((const unsigned char *) data, (long) len, &n, &out);
                        break;
                default:
                        if (pkey_render_ssh_pub(data, len, &out) < 0)
                                r = kfs_ctx_fail(ctx, -EINVAL, "no key, public key or certificate request found");
                        break;
                }
        } else if (r >= 0 && n.priv + n.pub + n.csr == 0) {
                r = kfs_ctx_fail(ctx, -EINVAL, "no key, public key or certificate request found");
        }
        pkey_dir_release(&dir);
        ERR_clear_error();
        if (r >= 0 && out.err)
                r = out.err;
        if (r < 0) {
                kfs_buf_release(&out);
                return r;
        }
        *ret_doc = kfs_buf_detach(&out, NULL);
        return *ret_doc ? 0 : -ENOMEM;
}

static void pkey_free(void *doc)
{
        free(doc);
}

static int pkey_render_txt(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        return kfs_buf_add(out, doc);
}

static const struct kfs_view pkey_views[] = {
        { "txt", pkey_render_txt, 0 },
        { .name = NULL },
};

const struct kfs_decoder kfs_decoder_pkey = {
        .name = "pkey",
        .match = pkey_match,
        .parse = pkey_parse,
        .free = pkey_free,
        .views = pkey_views,
};
