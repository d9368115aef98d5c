/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/doctor and doctor.json: the cross-file checks of doctor.h.
 *
 *   error cgroup-driver /var/lib/kubelet/config.yaml: kubelet cgroupDriver is "systemd" but containerd's runc runtime has SystemdCgroup = false (evidence: /etc/containerd/config.toml)
 *   ...
 *   summary: 1 error, 0 warnings, 0 info (10 checks)
 *
 * Why these rules:
 * - containerd: the CRI plugin's default runtime is the one pods get; its
 *   options.SystemdCgroup (false when unset) must say what the kubelet's
 *   cgroupDriver says (kubeadm's classic failure). Config version 1/2 keep
 *   the CRI under plugins."io.containerd.grpc.v1.cri" (v1 also
 *   plugins.cri), version 3 under plugins."io.containerd.cri.v1.runtime".
 *   Imports are read in their order, later values winning, as containerd
 *   merges them.
 * - CRI-O: crio.conf, then crio.conf.d/ in name order; cgroup_manager
 *   defaults to "systemd", listen to /var/run/crio/crio.sock.
 * - Endpoints compare as socket paths: "unix://" dropped, /var/run read as
 *   /run (a symlink on every systemd distribution).
 * - Chains: OpenSSL's verifier at env->now with the CA certificates of
 *   ROOT's files whose subject is the leaf's issuer as trust anchors; time
 *   errors are left to the expiry check, which reports them once.
 * Findings hold paths as the node names them ("/etc/..."): what a reader
 * types to look.
 */
#include "doctor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubelet.h"
#include "redact.h"
#include "reports.h"
#include "toml.h"
#include "ydoc.h"
#include "jsonbuf.h"

/* Findings kept; past it one more says how many were left out. */
#define DOCTOR_MAX_FINDINGS 10000
/* Certificates and keys held for the chain, key and expiry checks. */
#define DOCTOR_MAX_CERTS 20000
#define DOCTOR_MAX_KEYS 5000
/* Evidence paths per finding. */
#define DOCTOR_MAX_EVIDENCE 8
/* Expiring: fewer days left than this. */
#define DOCTOR_EXPIRING_DAYS 30
/* containerd imports and CRI-O drop-ins read. */
#define DOCTOR_MAX_CONFIGS 64

#define DOCTOR_N_CHECKS 10

struct finding {
        enum kfs_doctor_severity severity;
        char *check, *path, *message;
        char *evidence[DOCTOR_MAX_EVIDENCE + 1];
};

struct dcert {
        char *path;             /* ROOT-relative */
        X509 *x;
        int index;              /* in its file, from 0 */
        bool ca;
};

struct dkey {
        char *path;
        EVP_PKEY *k;
};

struct doctor {
        const struct kfs_report_env *env;
        struct finding *f;
        size_t n, alloc, dropped;
        struct dcert *certs;
        size_t n_certs;
        struct dkey *keys;
        size_t n_keys;
        struct kfs_kubelet *kubelet;
        int kubelet_err;        /* kfs_kubelet_load()'s */
        int err;                /* -ENOMEM */
};

const char *kfs_doctor_severity_name(enum kfs_doctor_severity s)
{
        return s == KFS_DOCTOR_ERROR ? "error" : s == KFS_DOCTOR_WARNING ? "warning" : "info";
}

/* ---- findings ---- */

static void doctor_add(struct doctor *d, enum kfs_doctor_severity sev, const char *check, const char *relpath,
                       const char *const *evidence, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void doctor_add(struct doctor *d, enum kfs_doctor_severity sev, const char *check, const char *relpath,
                       const char *const *evidence, const char *fmt, ...)
{
        struct finding *f;
        va_list ap;
        int r;

        if (d->n >= DOCTOR_MAX_FINDINGS) {
                d->dropped++;
                return;
        }
        if (d->n == d->alloc) {
                size_t a = d->alloc ? 2 * d->alloc : 16;
                struct finding *nf = realloc(d->f, a * sizeof(*nf));
                if (!nf) {
                        d->err = -ENOMEM;
                        return;
                }
                d->f = nf;
                d->alloc = a;
        }
        f = &d->f[d->n];
        *f = (struct finding) { .severity = sev };
        f->check = strdup(check);
        if (asprintf(&f->path, "%s%s", relpath[0] == '/' ? "" : "/", relpath) < 0)
                f->path = NULL;
        va_start(ap, fmt);
        r = vasprintf(&f->message, fmt, ap);
        va_end(ap);
        if (r < 0)
                f->message = NULL;
        for (size_t i = 0; evidence && evidence[i] && i < DOCTOR_MAX_EVIDENCE; i++)
                if (asprintf(&f->evidence[i], "%s%s", evidence[i][0] == '/' ? "" : "/", evidence[i]) < 0)
                        f->evidence[i] = NULL;
        d->n++;
        if (!f->check || !f->path || !f->message)
                d->err = -ENOMEM;
}

static int finding_cmp(const void *a, const void *b)
{
        const struct finding *x = a, *y = b;
        int c;

        if (x->severity != y->severity)
                return x->severity < y->severity ? -1 : 1;
        if ((c = strcmp(x->check, y->check)))
                return c;
        if ((c = strcmp(x->path, y->path)))
                return c;
        return strcmp(x->message, y->message);
}

/* ---- reading ---- */

/* ROOT-relative form of an absolute node path ("/etc/x" -> "etc/x"). */
static const char *rel(const char *path)
{
        while (*path == '/')
                path++;
        return path;
}

static int dread(struct doctor *d, const char *path, char **data, size_t *len)
{
        return kfs_report_read(d->env, rel(path), data, len);
}

/* 1: exists; 0: missing; -1: the reader may not know (or another error). */
static int dexists(struct doctor *d, const char *path)
{
        struct stat st;
        char *dir = kfs_path_dirname(rel(path));
        bool search = dir && kfs_report_may_search(d->env, dir);
        int r;

        free(dir);
        if (!search)
                return -1;
        r = kfs_root_stat(d->env->root, rel(path), KFS_RESOLVE_FOLLOW, &st);
        return r == 0 ? 1 : r == -ENOENT || r == -ENOTDIR ? 0 : -1;
}

/* Whether the reader may list the directory `dir` (read and search on it,
 * search on every directory above). */
static bool may_list(struct doctor *d, const char *dir)
{
        return kfs_report_may_search(d->env, dir) && kfs_report_may_read(d->env, dir);
}

static int pem_nopass(char *buf, int size, int rwflag, void *u)
{
        (void) buf, (void) size, (void) rwflag, (void) u;
        return -1;      /* encrypted keys are not opened */
}

/* Every certificate of PEM text, in order (a stack the caller frees). */
static STACK_OF(X509) *pem_certs(const char *data, size_t len)
{
        STACK_OF(X509) *sk = sk_X509_new_null();
        BIO *bio = BIO_new_mem_buf(data, (int) len);
        X509 *x;

        if (!sk || !bio || len > INT32_MAX) {
                BIO_free(bio);
                sk_X509_free(sk);
                return NULL;
        }
        while ((x = PEM_read_bio_X509(bio, NULL, pem_nopass, NULL)))
                if (!sk_X509_push(sk, x))
                        X509_free(x);
        ERR_clear_error();
        BIO_free(bio);
        return sk;
}

/* The first private key of PEM text, or NULL. */
static EVP_PKEY *pem_key(const char *data, size_t len)
{
        BIO *bio = BIO_new_mem_buf(data, (int) len);
        EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, pem_nopass, NULL) : NULL;

        ERR_clear_error();
        BIO_free(bio);
        return k;
}

static bool has_block(const char *data, const char *what)
{
        return strstr(data, what) != NULL;
}

/* ---- collecting certificates and keys ---- */

static bool is_cert_name(const char *name)
{
        const char *dot = strrchr(name, '.');
        size_t n = strlen(name);

        if (!dot)
                return false;
        if (n > 8 && strcmp(name + n - 8, "-key.pem") == 0)
                return false;
        return strcmp(dot, ".crt") == 0 || strcmp(dot, ".pem") == 0 || strcmp(dot, ".cer") == 0;
}

static bool is_key_name(const char *name)
{
        size_t n = strlen(name);

        return (n > 4 && strcmp(name + n - 4, ".key") == 0) || (n > 8 && strcmp(name + n - 8, "-key.pem") == 0) ||
               (n > 4 && strcmp(name + n - 4, ".pem") == 0);
}

static int collect_file(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg)
{
        struct doctor *d = arg;
        const char *name = kfs_path_basename(path);
        char *data = NULL;
        size_t len;

        (void) st;
        if (!is_cert_name(name) && !is_key_name(name))
                return 0;
        if (kfs_report_read(env, path, &data, &len) < 0)
                return 0;
        if (is_cert_name(name) && has_block(data, "-----BEGIN CERTIFICATE-----")) {
                STACK_OF(X509) *sk = pem_certs(data, len);
                for (int i = 0; sk && i < sk_X509_num(sk) && d->n_certs < DOCTOR_MAX_CERTS; i++) {
                        struct dcert *nc = realloc(d->certs, (d->n_certs + 1) * sizeof(*nc));
                        if (!nc)
                                break;
                        d->certs = nc;
                        X509 *x = sk_X509_value(sk, i);
                        char *p = strdup(path);
                        if (!p) {
                                d->err = -ENOMEM;
                                break;
                        }
                        X509_up_ref(x);
                        d->certs[d->n_certs++] = (struct dcert) {
                                .path = p, .x = x, .index = i, .ca = X509_check_ca(x) > 0,
                        };
                }
                sk_X509_pop_free(sk, X509_free);
        }
        if (is_key_name(name) && has_block(data, "PRIVATE KEY-----") && d->n_keys < DOCTOR_MAX_KEYS) {
                EVP_PKEY *k = pem_key(data, len);
                struct dkey *nk = k ? realloc(d->keys, (d->n_keys + 1) * sizeof(*nk)) : NULL;
                char *p = nk ? strdup(path) : NULL;
                if (nk)
                        d->keys = nk;
                if (p) {
                        d->keys[d->n_keys++] = (struct dkey) { .path = p, .k = k };
                } else {
                        EVP_PKEY_free(k);
                }
        }
        OPENSSL_cleanse(data, len);
        free(data);
        return 0;
}

static void collect(struct doctor *d)
{
        static const char *const dirs[] = {
                "etc/kubernetes/pki", "etc/kubernetes/ssl", "var/lib/kubelet/pki",
                "var/lib/rancher/k3s/server/tls", "var/lib/rancher/rke2/server/tls",
                "var/lib/rancher/k3s/agent", "var/lib/rancher/rke2/agent",
                "var/snap/microk8s/current/certs", NULL,
        };

        for (size_t i = 0; dirs[i]; i++)
                kfs_report_walk(d->env, dirs[i], collect_file, d);
}

static const struct dcert *cert_at(const struct doctor *d, const char *path)
{
        for (size_t i = 0; i < d->n_certs; i++)
                if (d->certs[i].index == 0 && strcmp(d->certs[i].path, path) == 0)
                        return &d->certs[i];
        return NULL;
}

/* ---- chain ---- */

static void check_chains(struct doctor *d)
{
        time_t now = d->env->now;

        for (size_t i = 0; i < d->n_certs; i++) {
                const struct dcert *c = &d->certs[i];
                X509_NAME *issuer = X509_get_issuer_name(c->x);
                X509_STORE *store;
                X509_STORE_CTX *ctx;
                const char *anchor = NULL;
                int ok, err;

                if (c->ca || c->index != 0 || X509_NAME_cmp(issuer, X509_get_subject_name(c->x)) == 0)
                        continue;
                store = X509_STORE_new();
                ctx = X509_STORE_CTX_new();
                if (!store || !ctx) {
                        X509_STORE_free(store);
                        X509_STORE_CTX_free(ctx);
                        d->err = -ENOMEM;
                        return;
                }
                for (size_t j = 0; j < d->n_certs; j++)
                        if (d->certs[j].ca && X509_NAME_cmp(X509_get_subject_name(d->certs[j].x), issuer) == 0) {
                                X509_STORE_add_cert(store, d->certs[j].x);
                                if (!anchor || d->certs[j].index == 0)
                                        anchor = d->certs[j].path;
                        }
                if (!anchor) {
                        /* the issuer is not on this node (kubeconfig-only clusters, an external CA) */
                        X509_STORE_free(store);
                        X509_STORE_CTX_free(ctx);
                        continue;
                }
                X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
                X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), now);
                ok = X509_STORE_CTX_init(ctx, store, c->x, NULL) == 1 && X509_verify_cert(ctx) == 1;
                err = X509_STORE_CTX_get_error(ctx);
                ERR_clear_error();
                if (!ok && err != X509_V_ERR_CERT_HAS_EXPIRED && err != X509_V_ERR_CERT_NOT_YET_VALID) {
                        const char *ev[] = { anchor, NULL };
                        const struct dcert *a = cert_at(d, anchor);
                        EVP_PKEY *pub = a ? X509_get0_pubkey(a->x) : NULL;
                        /* the usual story: the CA was replaced and the leaf was not re-issued */
                        bool forged = pub && X509_verify(c->x, pub) != 1;
                        ERR_clear_error();
                        doctor_add(d, KFS_DOCTOR_ERROR, "chain", c->path, ev,
                                   "does not verify against the CA that names its issuer%s (OpenSSL: %s)",
                                   forged ? ": that CA did not sign it" : "", X509_verify_cert_error_string(err));
                }
                X509_STORE_CTX_free(ctx);
                X509_STORE_free(store);
        }
}

/* ---- key pairs ---- */

/* The certificate file a key file belongs with: x.key -> x.crt,
 * x-key.pem -> x.pem, a combined .pem -> itself. */
static char *key_partner(const char *path)
{
        size_t n = strlen(path);
        char *p = NULL;

        if (n > 4 && strcmp(path + n - 4, ".key") == 0) {
                if (asprintf(&p, "%.*s.crt", (int) (n - 4), path) < 0)
                        p = NULL;
        } else if (n > 8 && strcmp(path + n - 8, "-key.pem") == 0) {
                if (asprintf(&p, "%.*s.pem", (int) (n - 8), path) < 0)
                        p = NULL;
        } else {
                p = strdup(path);
        }
        return p;
}

static void check_key_pairs(struct doctor *d)
{
        for (size_t i = 0; i < d->n_keys; i++) {
                const struct dkey *k = &d->keys[i];
                char *partner = key_partner(k->path);
                const struct dcert *c = partner ? cert_at(d, partner) : NULL;

                if (!c && partner && strlen(k->path) > 4 && strcmp(k->path + strlen(k->path) - 4, ".key") == 0) {
                        /* sa.key has no certificate, only sa.pub */
                        char *pubpath = strdup(k->path), *data = NULL;
                        size_t len;
                        if (pubpath) {
                                strcpy(pubpath + strlen(pubpath) - 4, ".pub");
                                if (kfs_report_read(d->env, pubpath, &data, &len) == 0) {
                                        BIO *bio = BIO_new_mem_buf(data, (int) len);
                                        EVP_PKEY *pub = bio ? PEM_read_bio_PUBKEY(bio, NULL, pem_nopass, NULL) : NULL;
                                        if (pub && EVP_PKEY_eq(pub, k->k) != 1) {
                                                const char *ev[] = { pubpath, NULL };
                                                doctor_add(d, KFS_DOCTOR_ERROR, "key-pair", k->path, ev,
                                                           "the private key does not match the public key beside it");
                                        }
                                        EVP_PKEY_free(pub);
                                        BIO_free(bio);
                                        free(data);
                                }
                        }
                        free(pubpath);
                }
                if (c) {
                        EVP_PKEY *pub = X509_get0_pubkey(c->x);
                        if (pub && EVP_PKEY_eq(pub, k->k) != 1) {
                                const char *ev[] = { strcmp(c->path, k->path) ? c->path : NULL, NULL };
                                doctor_add(d, KFS_DOCTOR_ERROR, "key-pair", k->path, ev,
                                           "the private key does not match the certificate %s",
                                           strcmp(c->path, k->path) ? "beside it" : "in the same file");
                        }
                }
                ERR_clear_error();
                free(partner);
        }
}

/* ---- expiry and rotation ---- */

/* A rotated kubelet certificate that kubelet-*-current.pem no longer points
 * at: the kubelet keeps them, uses none of them; their expiry is no finding. */
static bool rotated_away(const struct doctor *d, const char *path)
{
        static const char *const kinds[] = { "client", "server", NULL };

        for (size_t k = 0; kinds[k]; k++) {
                char prefix[64], link[96], *target = NULL;
                bool away;

                snprintf(prefix, sizeof(prefix), "var/lib/kubelet/pki/kubelet-%s-", kinds[k]);
                snprintf(link, sizeof(link), "%scurrent.pem", prefix);
                if (strncmp(path, prefix, strlen(prefix)) != 0 || strcmp(path, link) == 0)
                        continue;
                if (kfs_root_resolve(d->env->root, link, &target) < 0)
                        return false;
                away = strcmp(target, path) != 0;
                free(target);
                return away;
        }
        return false;
}

static void check_expiry(struct doctor *d)
{
        time_t now = d->env->now;

        for (size_t i = 0; i < d->n_certs; i++) {
                const struct dcert *c = &d->certs[i];
                if (rotated_away(d, c->path))
                        continue;
                int days = 0, secs = 0;
                const ASN1_TIME *na = X509_get0_notAfter(c->x);
                ASN1_TIME *t = ASN1_TIME_set(NULL, now);
                char cn[256] = "";

                if (!t || !ASN1_TIME_diff(&days, &secs, t, na)) {
                        ASN1_TIME_free(t);
                        continue;
                }
                ASN1_TIME_free(t);
                X509_NAME_get_text_by_NID(X509_get_subject_name(c->x), NID_commonName, cn, sizeof(cn));
                char where[64] = "";
                if (c->index)
                        snprintf(where, sizeof(where), " (certificate %d of the file)", c->index + 1);
                if (days < 0 || (days == 0 && secs <= 0))
                        doctor_add(d, KFS_DOCTOR_ERROR, "expiry", c->path, NULL, "certificate CN=%s%s expired %d day%s ago",
                                   cn, where, -days, days == -1 ? "" : "s");
                else if (days < DOCTOR_EXPIRING_DAYS)
                        doctor_add(d, KFS_DOCTOR_WARNING, "expiry", c->path, NULL,
                                   "certificate CN=%s%s expires in %d day%s", cn, where, days, days == 1 ? "" : "s");
        }
}

/* kubelet-client-current.pem / kubelet-server-current.pem: the newest
 * rotated certificate beside it is the one it should point at. */
static void check_rotation(struct doctor *d)
{
        static const char *const kinds[] = { "client", "server", NULL };

        for (size_t k = 0; kinds[k]; k++) {
                char link[128], prefix[64], *resolved = NULL;
                const struct dcert *cur, *newest = NULL;

                snprintf(link, sizeof(link), "var/lib/kubelet/pki/kubelet-%s-current.pem", kinds[k]);
                snprintf(prefix, sizeof(prefix), "var/lib/kubelet/pki/kubelet-%s-", kinds[k]);
                if (!kfs_report_may_read(d->env, link) || kfs_root_resolve(d->env->root, link, &resolved) < 0)
                        continue;
                cur = cert_at(d, resolved);
                if (!cur) {
                        free(resolved);
                        continue;
                }
                for (size_t i = 0; i < d->n_certs; i++) {
                        const struct dcert *c = &d->certs[i];
                        if (c->index || strncmp(c->path, prefix, strlen(prefix)) || strcmp(c->path, link) == 0 ||
                            strcmp(c->path, resolved) == 0 || strstr(c->path + strlen(prefix), "current"))
                                continue;
                        if (ASN1_TIME_compare(X509_get0_notBefore(c->x), X509_get0_notBefore(cur->x)) > 0 &&
                            (!newest || ASN1_TIME_compare(X509_get0_notBefore(c->x),
                                                          X509_get0_notBefore(newest->x)) > 0))
                                newest = c;
                }
                if (newest) {
                        const char *ev[] = { resolved, newest->path, NULL };
                        doctor_add(d, KFS_DOCTOR_WARNING, "kubelet-rotation", link, ev,
                                   "points at /%s, older than the rotated /%s beside it", resolved, newest->path);
                }
                free(resolved);
        }
}

/* ---- kubeconfigs: CA agreement and client key pairs ---- */

/* Base64 (whitespace allowed) into DER/PEM bytes, malloc'd. */
static unsigned char *b64_decode(const char *s, size_t *ret_len)
{
        size_t n = strlen(s), k = 0;
        char *clean = malloc(n + 1);
        unsigned char *out;
        int r;

        if (!clean)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
                        clean[k++] = s[i];
        clean[k] = '\0';
        out = malloc(k / 4 * 3 + 4);
        if (!out || k % 4) {
                free(clean);
                free(out);
                return NULL;
        }
        r = EVP_DecodeBlock(out, (const unsigned char *) clean, (int) k);
        if (r < 0) {
                free(clean);
                free(out);
                return NULL;
        }
        if (k >= 1 && clean[k - 1] == '=')
                r--;
        if (k >= 2 && clean[k - 2] == '=')
                r--;
        OPENSSL_cleanse(clean, k);
        free(clean);
        *ret_len = (size_t) r;
        return out;
}

/* The bytes a kubeconfig field names: NAME-data (base64) or NAME (a path,
 * relative to the kubeconfig's directory). *ret_from: the file read. */
static char *kc_field(struct doctor *d, const char *kcpath, const struct kfs_ynode *m, const char *name,
                      size_t *ret_len, char **ret_from)
{
        char key[64];
        const char *v;

        snprintf(key, sizeof(key), "%s-data", name);
        if ((v = kfs_ymap_str(m, key)) && *v) {
                size_t n;
                unsigned char *b = b64_decode(v, &n);
                if (b) {
                        char *s = realloc(b, n + 1);
                        if (!s) {
                                free(b);
                                return NULL;
                        }
                        s[n] = '\0';
                        *ret_len = n;
                        return s;
                }
                return NULL;
        }
        if ((v = kfs_ymap_str(m, name)) && *v) {
                char *dir = kfs_path_dirname(kcpath), *p = v[0] == '/' ? strdup(rel(v)) : kfs_path_join(dir ? dir : "", v);
                char *data = NULL;
                free(dir);
                if (p && dread(d, p, &data, ret_len) == 0) {
                        *ret_from = p;
                        return data;
                }
                free(p);
        }
        return NULL;
}

static bool same_cert_in(X509 *ca, const char *data, size_t len)
{
        STACK_OF(X509) *sk = pem_certs(data, len);
        bool found = false;

        for (int i = 0; sk && i < sk_X509_num(sk) && !found; i++)
                found = X509_cmp(sk_X509_value(sk, i), ca) == 0;
        sk_X509_pop_free(sk, X509_free);
        return found;
}

static void check_kubeconfig(struct doctor *d, const char *path, X509 *ca, const char *ca_path)
{
        struct kfs_ydoc *doc = NULL;
        char *data = NULL, err[128];
        size_t len;
        const struct kfs_ynode *root, *list;

        if (dread(d, path, &data, &len) < 0)
                return;
        if (kfs_ydoc_parse(data, len, &doc, err, sizeof(err)) < 0 || !doc->n_docs) {
                OPENSSL_cleanse(data, len);
                free(data);
                kfs_ydoc_free(doc);
                return;
        }
        OPENSSL_cleanse(data, len);
        free(data);
        root = doc->docs[0];
        list = kfs_ymap_get(root, "clusters");
        for (size_t i = 0; ca && list && list->type == KFS_YSEQ && i < list->n; i++) {
                const struct kfs_ynode *c = kfs_ymap_get(list->items[i], "cluster");
                const char *name = kfs_ymap_str(list->items[i], "name");
                char *from = NULL, *pem;
                size_t n;

                if (!c || kfs_ymap_get(c, "insecure-skip-tls-verify"))
                        continue;
                pem = kc_field(d, path, c, "certificate-authority", &n, &from);
                if (pem && !same_cert_in(ca, pem, n)) {
                        const char *ev[] = { ca_path, from, NULL };
                        doctor_add(d, KFS_DOCTOR_ERROR, "ca-agreement", path, ev,
                                   "clusters[%s] trusts a CA that is not the cluster CA /%s", name ? name : "?", ca_path);
                }
                free(pem);
                free(from);
        }
        list = kfs_ymap_get(root, "users");
        for (size_t i = 0; list && list->type == KFS_YSEQ && i < list->n; i++) {
                const struct kfs_ynode *u = kfs_ymap_get(list->items[i], "user");
                const char *name = kfs_ymap_str(list->items[i], "name");
                char *cfrom = NULL, *kfrom = NULL, *cpem, *kpem;
                size_t cn = 0, kn = 0;

                if (!u)
                        continue;
                cpem = kc_field(d, path, u, "client-certificate", &cn, &cfrom);
                kpem = kc_field(d, path, u, "client-key", &kn, &kfrom);
                if (cpem && kpem) {
                        STACK_OF(X509) *sk = pem_certs(cpem, cn);
                        EVP_PKEY *k = pem_key(kpem, kn);
                        if (sk && sk_X509_num(sk) > 0 && k &&
                            EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(sk, 0)), k) != 1) {
                                const char *ev[] = { cfrom, kfrom && (!cfrom || strcmp(cfrom, kfrom)) ? kfrom : NULL, NULL };
                                if (!cfrom)
                                        ev[0] = ev[1], ev[1] = NULL;
                                doctor_add(d, KFS_DOCTOR_ERROR, "key-pair", path, ev,
                                           "users[%s]: the client key does not match the client certificate",
                                           name ? name : "?");
                        }
                        ERR_clear_error();
                        EVP_PKEY_free(k);
                        sk_X509_pop_free(sk, X509_free);
                }
                if (kpem)
                        OPENSSL_cleanse(kpem, kn);
                free(cpem);
                free(kpem);
                free(cfrom);
                free(kfrom);
        }
        kfs_ydoc_free(doc);
}

static void check_ca_agreement(struct doctor *d)
{
        static const char *const cas[] = { "etc/kubernetes/pki/ca.crt", "etc/kubernetes/ssl/ca.pem", NULL };
        static const char *const kubeadm[] = {
                "etc/kubernetes/kubelet.conf", "etc/kubernetes/admin.conf", "etc/kubernetes/super-admin.conf",
                "etc/kubernetes/controller-manager.conf", "etc/kubernetes/scheduler.conf",
                "etc/kubernetes/bootstrap-kubelet.conf", NULL,
        };
        const struct dcert *ca = NULL;
        const char *ca_path = NULL;

        for (size_t i = 0; cas[i] && !ca; i++)
                if ((ca = cert_at(d, cas[i])))
                        ca_path = cas[i];
        for (size_t i = 0; kubeadm[i]; i++)
                check_kubeconfig(d, kubeadm[i], ca ? ca->x : NULL, ca_path);
        /* kubeasz, hand-made clusters: etc/kubernetes/NAME.kubeconfig */
        struct stat st;
        if (may_list(d, "etc/kubernetes") &&
            kfs_root_stat(d->env->root, "etc/kubernetes", KFS_RESOLVE_FOLLOW, &st) == 0) {
                DIR *dir = NULL;
                int fd = kfs_root_open(d->env->root, "etc/kubernetes", O_RDONLY | O_DIRECTORY, KFS_RESOLVE_FOLLOW);
                if (fd >= 0 && !(dir = fdopendir(fd)))
                        close(fd);
                for (struct dirent *e; dir && (e = readdir(dir));) {
                        size_t n = strlen(e->d_name);
                        if (n > 11 && strcmp(e->d_name + n - 11, ".kubeconfig") == 0) {
                                char *p = kfs_path_join("etc/kubernetes", e->d_name);
                                if (p)
                                        check_kubeconfig(d, p, ca ? ca->x : NULL, ca_path);
                                free(p);
                        }
                }
                if (dir)
                        closedir(dir);
        }
        /* the kubelet's client CA bundle must hold the cluster CA */
        const char *json = d->kubelet && ca ? kfs_kubelet_get(d->kubelet, "authentication.x509.clientCAFile", NULL) : NULL;
        json_t *j = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;
        const char *file = json_string_value(j);
        char *data = NULL;
        size_t len;
        if (file && *file && dread(d, file, &data, &len) == 0 && !same_cert_in(ca->x, data, len)) {
                const char *ev[] = { ca_path, kfs_kubelet_config_path(d->kubelet), NULL };
                doctor_add(d, KFS_DOCTOR_ERROR, "ca-agreement", file, ev,
                           "the kubelet's clientCAFile does not hold the cluster CA /%s", ca_path);
        }
        free(data);
        json_decref(j);
}

/* ---- the container runtime ---- */

/* A string from the effective kubelet config ("\"x\"" JSON text), malloc'd. */
static char *kubelet_str(struct doctor *d, const char *path, const char **ret_source)
{
        const char *text = d->kubelet ? kfs_kubelet_get(d->kubelet, path, ret_source) : NULL;
        json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
        char *s = json_string_value(j) ? strdup(json_string_value(j)) : NULL;

        json_decref(j);
        return s;
}

/* A socket path as the kubelet and runtimes mean it. */
static void sock_norm(const char *s, char *out, size_t size)
{
        if (strncmp(s, "unix://", 7) == 0)
                s += 7;
        if (strncmp(s, "/var/run/", 9) == 0)
                snprintf(out, size, "/run/%s", s + 9);
        else
                snprintf(out, size, "%s", s);
}

/* The node path of a kubelet config source ("default", "flag --x" -> the argv's file). */
static const char *kubelet_where(struct doctor *d, const char *source)
{
        const char *argv_src = NULL;

        if (source && source[0] == '/')
                return source;
        if (d->kubelet)
                kfs_kubelet_argv(d->kubelet, NULL, &argv_src);
        if (source && strncmp(source, "flag", 4) == 0 && argv_src)
                return argv_src;
        return kfs_kubelet_config_path(d->kubelet) ? kfs_kubelet_config_path(d->kubelet) : argv_src ? argv_src : "/var/lib/kubelet/config.yaml";
}

/* The kubelet's runtime endpoint against the socket the runtime listens on
 * (`listen`, set in the file `evidence`). */
static void check_endpoint(struct doctor *d, const char *endpoint, const char *ep_src, const char *runtime,
                           const char *listen, const char *evidence)
{
        char want[512], have[512];
        const char *ev[] = { evidence, NULL };

        sock_norm(endpoint, want, sizeof(want));
        sock_norm(listen, have, sizeof(have));
        if (strcmp(want, have) != 0)
                doctor_add(d, KFS_DOCTOR_ERROR, "runtime-endpoint", kubelet_where(d, ep_src), ev,
                           "the kubelet talks to %s (%s) but %s listens on %s", endpoint,
                           ep_src ? ep_src : "default", runtime, listen);
}

struct tomls {
        struct kfs_ydoc *docs[DOCTOR_MAX_CONFIGS];
        char *paths[DOCTOR_MAX_CONFIGS];
        size_t n;
};

static void tomls_release(struct tomls *t)
{
        for (size_t i = 0; i < t->n; i++) {
                kfs_ydoc_free(t->docs[i]);
                free(t->paths[i]);
        }
        t->n = 0;
}

static void tomls_add(struct doctor *d, struct tomls *t, const char *path)
{
        char *data = NULL, err[160];
        size_t len;
        struct kfs_ydoc *doc = NULL;

        if (t->n >= DOCTOR_MAX_CONFIGS || dread(d, path, &data, &len) < 0)
                return;
        if (kfs_toml_parse(data, len, &doc, err, sizeof(err)) == 0) {
                t->docs[t->n] = doc;
                t->paths[t->n++] = strdup(rel(path));
        }
        free(data);
}

/* The value at a path of keys in the last config that has it; which one in *ret_i. */
static const struct kfs_ynode *tomls_get(const struct tomls *t, const char *const *keys, size_t *ret_i)
{
        for (size_t i = t->n; i-- > 0;) {
                const struct kfs_ynode *n = t->docs[i]->docs[0];
                for (size_t k = 0; n && keys[k]; k++)
                        n = kfs_ymap_get(n, keys[k]);
                if (n) {
                        if (ret_i)
                                *ret_i = i;
                        return n;
                }
        }
        return NULL;
}

/* Files in `dir` (ROOT-relative) matching `pattern`, sorted. */
static void tomls_glob(struct doctor *d, struct tomls *t, const char *dir, const char *pattern)
{
        DIR *dp = NULL;
        int fd;
        char **names = NULL;
        size_t n = 0;

        if (!may_list(d, dir))
                return;
        fd = kfs_root_open(d->env->root, dir, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_FOLLOW);
        if (fd >= 0 && !(dp = fdopendir(fd)))
                close(fd);
        for (struct dirent *e; dp && (e = readdir(dp)) && n < DOCTOR_MAX_CONFIGS;) {
                if (e->d_name[0] == '.' || fnmatch(pattern, e->d_name, 0) != 0)
                        continue;
                char **nn = realloc(names, (n + 1) * sizeof(*nn));
                if (!nn)
                        break;
                names = nn;
                names[n++] = strdup(e->d_name);
        }
        if (dp)
                closedir(dp);
        for (size_t i = 0; i < n; i++)
                for (size_t j = i + 1; j < n; j++)
                        if (names[i] && names[j] && strcmp(names[i], names[j]) > 0) {
                                char *x = names[i];
                                names[i] = names[j], names[j] = x;
                        }
        for (size_t i = 0; i < n; i++) {
                char *p = names[i] ? kfs_path_join(dir, names[i]) : NULL;
                if (p)
                        tomls_add(d, t, p);
                free(p);
                free(names[i]);
        }
        free(names);
}

static void containerd_load(struct doctor *d, struct tomls *t, const char *main_path)
{
        const struct kfs_ynode *imports;

        tomls_add(d, t, main_path);
        if (!t->n)
                return;
        imports = kfs_ymap_get(t->docs[0]->docs[0], "imports");
        for (size_t i = 0; imports && imports->type == KFS_YSEQ && i < imports->n; i++) {
                const char *s = kfs_yscalar(imports->items[i]);
                char *full, *dir, *slash;
                if (!s)
                        continue;
                full = s[0] == '/' ? strdup(rel(s)) : kfs_path_join("etc/containerd", s);
                if (!full)
                        continue;
                slash = strrchr(full, '/');
                dir = slash ? strndup(full, (size_t) (slash - full)) : strdup("");
                if (dir && strpbrk(slash ? slash + 1 : full, "*?["))
                        tomls_glob(d, t, dir, slash ? slash + 1 : full);
                else if (dir)
                        tomls_add(d, t, full);
                free(dir);
                free(full);
        }
}

static void check_runtime(struct doctor *d)
{
        const char *drv_src = NULL, *ep_src = NULL;
        char *driver = kubelet_str(d, "cgroupDriver", &drv_src);
        char *endpoint = kubelet_str(d, "containerRuntimeEndpoint", &ep_src);
        char *flag_ep = d->kubelet && kfs_kubelet_flag(d->kubelet, "--container-runtime-endpoint")
                ? strdup(kfs_kubelet_flag(d->kubelet, "--container-runtime-endpoint")) : NULL;
        struct tomls ctd = { 0 }, crio = { 0 };
        const char *config;
        bool use_crio;

        if (!d->kubelet)
                goto out;
        /* k3s and rke2 pick the kubelet's cgroup driver and containerd's
         * SystemdCgroup together, unless kubelet-arg says otherwise */
        if (strcmp(kfs_kubelet_kind(d->kubelet), "unit") != 0 && (!drv_src || strncmp(drv_src, "flag", 4) != 0)) {
                free(driver);
                driver = NULL;
        }
        if (flag_ep) {
                free(endpoint);
                endpoint = flag_ep;
                flag_ep = NULL;
                ep_src = "flag --container-runtime-endpoint";
        }
        config = dexists(d, "etc/containerd/config.toml") == 1 ? "etc/containerd/config.toml" : NULL;
        if (!config && dexists(d, "var/lib/rancher/k3s/agent/etc/containerd/config.toml") == 1)
                config = "var/lib/rancher/k3s/agent/etc/containerd/config.toml";
        if (!config && dexists(d, "var/lib/rancher/rke2/agent/etc/containerd/config.toml") == 1)
                config = "var/lib/rancher/rke2/agent/etc/containerd/config.toml";
        if (config)
                containerd_load(d, &ctd, config);
        tomls_add(d, &crio, "etc/crio/crio.conf");
        tomls_glob(d, &crio, "etc/crio/crio.conf.d", "*");
        use_crio = crio.n && (!ctd.n || (endpoint && strstr(endpoint, "crio")));
        if (use_crio) {
                static const char *const mgr[] = { "crio", "runtime", "cgroup_manager", NULL };
                static const char *const listen[] = { "crio", "api", "listen", NULL };
                size_t i = 0;
                const struct kfs_ynode *n = tomls_get(&crio, mgr, &i);
                const char *cm = n && kfs_yscalar(n) ? kfs_yscalar(n) : "systemd";
                if (driver && strcmp(cm, driver) != 0) {
                        const char *ev[] = { crio.paths[n ? i : 0], NULL };
                        doctor_add(d, KFS_DOCTOR_ERROR, "cgroup-driver", kubelet_where(d, drv_src), ev,
                                   "kubelet cgroupDriver is \"%s\" (%s) but CRI-O's cgroup_manager is \"%s\"",
                                   driver, drv_src ? drv_src : "default", cm);
                }
                n = tomls_get(&crio, listen, &i);
                const char *l = n && kfs_yscalar(n) ? kfs_yscalar(n) : "/var/run/crio/crio.sock";
                if (endpoint)
                        check_endpoint(d, endpoint, ep_src, "CRI-O", l, crio.paths[n ? i : 0]);
        } else if (ctd.n) {
                const struct kfs_ynode *ver = kfs_ymap_get(ctd.docs[0]->docs[0], "version");
                long version = ver && kfs_yscalar(ver) ? strtol(kfs_yscalar(ver), NULL, 10) : 1;
                const char *plugin = version >= 3 ? "io.containerd.cri.v1.runtime" : "io.containerd.grpc.v1.cri";
                const char *defkeys[] = { "plugins", plugin, "containerd", "default_runtime_name", NULL };
                size_t i = 0;
                const struct kfs_ynode *n = tomls_get(&ctd, defkeys, NULL);
                const char *rt = n && kfs_yscalar(n) ? kfs_yscalar(n) : "runc";
                const char *sckeys[] = { "plugins", plugin, "containerd", "runtimes", rt, "options", "SystemdCgroup", NULL };
                const char *v1keys[] = { "plugins", "cri", "containerd", "runtimes", rt, "options", "SystemdCgroup", NULL };
                const struct kfs_ynode *sc = tomls_get(&ctd, sckeys, &i);
                if (!sc && version < 2)
                        sc = tomls_get(&ctd, v1keys, &i);
                bool systemd = sc && kfs_ykind(sc) == KFS_YBOOL && kfs_ybool(sc);
                if (driver && (strcmp(driver, "systemd") == 0) != systemd) {
                        const char *ev[] = { ctd.paths[sc ? i : 0], NULL };
                        doctor_add(d, KFS_DOCTOR_ERROR, "cgroup-driver", kubelet_where(d, drv_src), ev,
                                   "kubelet cgroupDriver is \"%s\" (%s) but containerd's %s runtime has SystemdCgroup = %s%s",
                                   driver, drv_src ? drv_src : "default", rt, systemd ? "true" : "false",
                                   sc ? "" : " (unset)");
                }
                static const char *const addr[] = { "grpc", "address", NULL };
                n = tomls_get(&ctd, addr, &i);
                const char *a = n && kfs_yscalar(n) && *kfs_yscalar(n) ? kfs_yscalar(n) : "/run/containerd/containerd.sock";
                if (strstr(config, "rancher/"))
                        a = NULL;       /* k3s/rke2 set the address on their own command line */
                if (endpoint && a)
                        check_endpoint(d, endpoint, ep_src, "containerd", a, ctd.paths[n ? i : 0]);
        }
out:
        tomls_release(&ctd);
        tomls_release(&crio);
        free(driver);
        free(endpoint);
        free(flag_ep);
}

/* ---- the apiserver certificate's names ---- */

/* The value of --NAME in a static pod manifest's first container. */
static char *pod_flag(const struct kfs_ynode *pod, const char *name)
{
        const struct kfs_ynode *cs = kfs_ymap_get(kfs_ymap_get(pod, "spec"), "containers");
        size_t n = strlen(name);
        char *v = NULL;

        for (size_t c = 0; cs && cs->type == KFS_YSEQ && c < cs->n; c++)
                for (const char *const *k = (const char *const[]) { "command", "args", NULL }; *k; k++) {
                        const struct kfs_ynode *l = kfs_ymap_get(cs->items[c], *k);
                        for (size_t i = 0; l && l->type == KFS_YSEQ && i < l->n; i++) {
                                const char *s = kfs_yscalar(l->items[i]);
                                if (s && strncmp(s, name, n) == 0 && s[n] == '=') {
                                        free(v);
                                        v = strdup(s + n + 1);
                                }
                        }
                }
        return v;
}

static struct kfs_ydoc *read_yaml(struct doctor *d, const char *path)
{
        struct kfs_ydoc *doc = NULL;
        char *data = NULL, err[128];
        size_t len;

        if (dread(d, path, &data, &len) < 0)
                return NULL;
        if (kfs_ydoc_parse(data, len, &doc, err, sizeof(err)) < 0 || !doc->n_docs) {
                kfs_ydoc_free(doc);
                doc = NULL;
        }
        free(data);
        return doc;
}

static void check_apiserver_san(struct doctor *d)
{
        const char *crt = "etc/kubernetes/pki/apiserver.crt", *manifest = "etc/kubernetes/manifests/kube-apiserver.yaml";
        const struct dcert *c = cert_at(d, crt);
        struct kfs_ydoc *pod;
        char *addr = NULL, *host = NULL;
        size_t len;

        if (!c)
                return;
        if ((pod = read_yaml(d, manifest))) {
                addr = pod_flag(pod->docs[0], "--advertise-address");
                kfs_ydoc_free(pod);
        }
        if (addr && X509_check_ip_asc(c->x, addr, 0) != 1) {
                const char *ev[] = { manifest, NULL };
                doctor_add(d, KFS_DOCTOR_ERROR, "apiserver-san", crt, ev,
                           "the certificate does not cover the advertise address %s", addr);
        }
        if (dread(d, "etc/hostname", &host, &len) == 0) {
                host[strcspn(host, " \t\r\n")] = '\0';
                if (*host && X509_check_host(c->x, host, strlen(host), 0, NULL) != 1) {
                        const char *ev[] = { "etc/hostname", NULL };
                        doctor_add(d, KFS_DOCTOR_ERROR, "apiserver-san", crt, ev,
                                   "the certificate does not cover the node's hostname %s", host);
                }
        }
        ERR_clear_error();
        free(host);
        free(addr);
}

/* ---- missing files ---- */

static void missing(struct doctor *d, const char *path, const char *what, const char *where, const char *sev_why,
                    enum kfs_doctor_severity sev)
{
        if (!path || !*path || dexists(d, path) != 0)
                return;
        const char *ev[] = { where, NULL };
        doctor_add(d, sev, "missing-file", path, where ? ev : NULL, "%s names it but it does not exist%s", what,
                   sev_why ? sev_why : "");
}

static void check_missing(struct doctor *d)
{
        static const struct { const char *field, *what; } cfg[] = {
                { "authentication.x509.clientCAFile", "the kubelet's clientCAFile" },
                { "staticPodPath", "the kubelet's staticPodPath" },
                { "tlsCertFile", "the kubelet's tlsCertFile" },
                { "tlsPrivateKeyFile", "the kubelet's tlsPrivateKeyFile" },
        };
        const char *argv_src = NULL, *cfg_path;
        char *pods = NULL;

        if (d->kubelet) {
                const char *kc = kfs_kubelet_flag(d->kubelet, "--kubeconfig");
                const char *boot = kfs_kubelet_flag(d->kubelet, "--bootstrap-kubeconfig");
                kfs_kubelet_argv(d->kubelet, NULL, &argv_src);
                missing(d, kfs_kubelet_flag(d->kubelet, "--config"), "the kubelet's --config", argv_src, NULL,
                        KFS_DOCTOR_ERROR);
                /* kubeadm deletes the bootstrap kubeconfig once kubelet.conf exists */
                if (kc && dexists(d, kc) == 0)
                        missing(d, kc, "the kubelet's --kubeconfig", argv_src,
                                boot && dexists(d, boot) == 1 ? " (the kubelet will bootstrap)" : NULL,
                                boot && dexists(d, boot) == 1 ? KFS_DOCTOR_INFO : KFS_DOCTOR_ERROR);
                if (boot && kc && dexists(d, kc) == 0)
                        missing(d, boot, "the kubelet's --bootstrap-kubeconfig", argv_src,
                                " and neither does --kubeconfig", KFS_DOCTOR_ERROR);
                for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
                        const char *src = NULL;
                        char *v = kubelet_str(d, cfg[i].field, &src);
                        missing(d, v, cfg[i].what, kubelet_where(d, src), NULL, KFS_DOCTOR_ERROR);
                        if (i == 1)
                                pods = v;
                        else
                                free(v);
                }
        }
        /* static pods' hostPath volumes of type File and Directory */
        cfg_path = pods && *pods ? pods : "/etc/kubernetes/manifests";
        static const char *const names[] = { "etcd.yaml", "kube-apiserver.yaml", "kube-controller-manager.yaml",
                                             "kube-scheduler.yaml", NULL };
        for (size_t i = 0; names[i]; i++) {
                char *p = kfs_path_join(rel(cfg_path), names[i]);
                struct kfs_ydoc *pod = p ? read_yaml(d, p) : NULL;
                const struct kfs_ynode *vols = pod ? kfs_ymap_get(kfs_ymap_get(pod->docs[0], "spec"), "volumes") : NULL;
                for (size_t v = 0; vols && vols->type == KFS_YSEQ && v < vols->n; v++) {
                        const struct kfs_ynode *hp = kfs_ymap_get(vols->items[v], "hostPath");
                        const char *path = kfs_ymap_str(hp, "path"), *type = kfs_ymap_str(hp, "type");
                        if (path && type && (strcmp(type, "File") == 0 || strcmp(type, "Directory") == 0) &&
                            dexists(d, path) == 0) {
                                const char *ev[] = { p, NULL };
                                doctor_add(d, KFS_DOCTOR_ERROR, "missing-file", path, ev,
                                           "the static pod %s mounts it (hostPath type %s, volume %s) but it does not exist",
                                           names[i], type, kfs_ymap_str(vols->items[v], "name") ?
                                           kfs_ymap_str(vols->items[v], "name") : "?");
                        }
                }
                kfs_ydoc_free(pod);
                free(p);
        }
        free(pods);
}

/* ---- conflicting flags ---- */

struct flagval {
        char *name, *value;
};

/* Which of the unit's files says "--NAME=VALUE" (or "--NAME VALUE"). */
static const char *flag_origin(struct doctor *d, const struct kfs_result *unit, const char *name, const char *value)
{
        char *a = NULL, *b = NULL;
        const char *found = NULL;

        if (!unit || asprintf(&a, "%s=%s", name, value) < 0 || asprintf(&b, "%s %s", name, value) < 0) {
                free(a);
                return NULL;
        }
        for (size_t i = 0; i < unit->n_deps && !found; i++) {
                char *data = NULL;
                size_t len;
                if (!unit->deps[i].exists || kfs_report_read(d->env, unit->deps[i].path, &data, &len) < 0)
                        continue;
                if (strstr(data, a) || strstr(data, b))
                        found = unit->deps[i].path;
                free(data);
        }
        free(a);
        free(b);
        return found;
}

static void check_conflicts(struct doctor *d)
{
        size_t argc = 0;
        const char *src = NULL;
        char *const *argv;
        struct flagval *fv;
        size_t n = 0;
        struct kfs_report_decode unit = { 0 };
        bool have_unit;

        if (!d->kubelet)
                return;
        argv = kfs_kubelet_argv(d->kubelet, &argc, &src);
        if (!argv || !argc)
                return;
        fv = calloc(argc, sizeof(*fv));
        if (!fv)
                return;
        for (size_t i = 1; i < argc; i++) {
                const char *s = argv[i], *eq;
                if (strncmp(s, "--", 2) != 0)
                        continue;
                eq = strchr(s, '=');
                if (eq) {
                        fv[n].name = strndup(s, (size_t) (eq - s));
                        fv[n].value = strdup(eq + 1);
                } else if (i + 1 < argc && argv[i + 1][0] != '-') {
                        fv[n].name = strdup(s);
                        fv[n].value = strdup(argv[++i]);
                } else {
                        continue;
                }
                n++;
        }
        have_unit = src && kfs_kubelet_kind(d->kubelet) && strcmp(kfs_kubelet_kind(d->kubelet), "unit") == 0 &&
                    kfs_report_decode(d->env, rel(src), "unit", &unit) == 0;
        for (size_t i = 0; i < n; i++) {
                size_t last = i;
                bool differs = false, first = true;
                if (!fv[i].name)
                        continue;
                for (size_t j = 0; j < i; j++)
                        if (fv[j].name && strcmp(fv[j].name, fv[i].name) == 0)
                                first = false;
                if (!first)
                        continue;
                for (size_t j = i + 1; j < n; j++)
                        if (fv[j].name && strcmp(fv[j].name, fv[i].name) == 0) {
                                differs |= strcmp(fv[j].value, fv[last].value) != 0;
                                last = j;
                        }
                if (!differs)
                        continue;
                /* secrets never reach a report: a secret flag's values are not shown */
                bool secret = kfs_redact_name(fv[i].name, strlen(fv[i].name));
                const char *lose = flag_origin(d, have_unit ? unit.res : NULL, fv[i].name, fv[i].value);
                const char *win = flag_origin(d, have_unit ? unit.res : NULL, fv[i].name, fv[last].value);
                const char *ev[] = { lose ? lose : src, win && (!lose || strcmp(win, lose)) ? win : NULL, NULL };
                doctor_add(d, KFS_DOCTOR_WARNING, "conflicting-flags", src, ev,
                           "kubelet %s is given more than once with different values: %s%s%s (from /%s) wins over %s%s%s (from /%s)",
                           fv[i].name, secret ? "" : "\"", secret ? "REDACTED" : fv[last].value, secret ? "" : "\"",
                           rel(win ? win : src), secret ? "" : "\"", secret ? "REDACTED" : fv[i].value,
                           secret ? "" : "\"", rel(lose ? lose : src));
        }
        if (have_unit)
                kfs_report_release(d->env, &unit);
        for (size_t i = 0; i < n; i++) {
                free(fv[i].name);
                free(fv[i].value);
        }
        free(fv);
}

/* ---- running ---- */

static void doctor_release(struct doctor *d)
{
        for (size_t i = 0; i < d->n; i++) {
                free(d->f[i].check);
                free(d->f[i].path);
                free(d->f[i].message);
                for (size_t e = 0; e < DOCTOR_MAX_EVIDENCE; e++)
                        free(d->f[i].evidence[e]);
        }
        free(d->f);
        for (size_t i = 0; i < d->n_certs; i++) {
                X509_free(d->certs[i].x);
                free(d->certs[i].path);
        }
        free(d->certs);
        for (size_t i = 0; i < d->n_keys; i++) {
                EVP_PKEY_free(d->keys[i].k);
                free(d->keys[i].path);
        }
        free(d->keys);
        kfs_kubelet_free(d->kubelet);
}

static int doctor_run(const struct kfs_report_env *env, struct doctor *d)
{
        *d = (struct doctor) { .env = env };
        d->kubelet_err = kfs_kubelet_load(env, &d->kubelet);
        if (d->kubelet_err < 0)
                d->kubelet = NULL;
        collect(d);
        check_runtime(d);
        check_ca_agreement(d);
        check_chains(d);
        check_key_pairs(d);
        check_expiry(d);
        check_rotation(d);
        check_apiserver_san(d);
        check_missing(d);
        check_conflicts(d);
        if (d->err)
                return d->err;
        if (d->n)       /* qsort(NULL, 0) is undefined */
                qsort(d->f, d->n, sizeof(*d->f), finding_cmp);
        /* one finding once (a CA file read twice, two checks alike) */
        size_t k = 0;
        for (size_t i = 0; i < d->n; i++) {
                if (k && finding_cmp(&d->f[k - 1], &d->f[i]) == 0) {
                        free(d->f[i].check);
                        free(d->f[i].path);
                        free(d->f[i].message);
                        for (size_t e = 0; e < DOCTOR_MAX_EVIDENCE; e++)
                                free(d->f[i].evidence[e]);
                        continue;
                }
                d->f[k++] = d->f[i];
        }
        d->n = k;
        return 0;
}

int kfs_doctor_each(const struct kfs_report_env *env,
                    int (*fn)(const struct kfs_doctor_finding *f, void *arg), void *arg)
{
        struct doctor d;
        int r = doctor_run(env, &d);

        for (size_t i = 0; r == 0 && i < d.n; i++) {
                struct kfs_doctor_finding f = {
                        .severity = d.f[i].severity, .check = d.f[i].check, .path = d.f[i].path,
                        .message = d.f[i].message, .evidence = (const char *const *) d.f[i].evidence,
                };
                r = fn(&f, arg);
        }
        doctor_release(&d);
        return r;
}

static void doctor_counts(const struct doctor *d, size_t counts[3])
{
        counts[0] = counts[1] = counts[2] = 0;
        for (size_t i = 0; i < d->n; i++)
                counts[d->f[i].severity]++;
}

int kfs_report_doctor(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct doctor d;
        size_t c[3];
        int r = doctor_run(env, &d);

        if (r < 0) {
                doctor_release(&d);
                return r;
        }
        for (size_t i = 0; i < d.n; i++) {
                const struct finding *f = &d.f[i];
                kfs_buf_addf(out, "%s %s %s: %s", kfs_doctor_severity_name(f->severity), f->check, f->path, f->message);
                for (size_t e = 0; f->evidence[e]; e++)
                        kfs_buf_addf(out, "%s%s", e ? ", " : " (evidence: ", f->evidence[e]);
                kfs_buf_add(out, f->evidence[0] ? ")\n" : "\n");
        }
        if (d.dropped)
                kfs_buf_addf(out, "info doctor .kubefs/doctor: %zu more findings left out\n", d.dropped);
        doctor_counts(&d, c);
        kfs_buf_addf(out, "summary: %zu error%s, %zu warning%s, %zu info (%d checks%s)\n", c[0], c[0] == 1 ? "" : "s",
                     c[1], c[1] == 1 ? "" : "s", c[2], DOCTOR_N_CHECKS,
                     d.kubelet ? "" : d.kubelet_err == -ENOENT ? "; no kubelet found: its checks were skipped"
                                                               : "; the kubelet's unit or configuration is not readable: its checks were skipped");
        doctor_release(&d);
        return out->err;
}

int kfs_report_doctor_json(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct doctor d;
        size_t c[3];
        json_t *root, *list;
        int r = doctor_run(env, &d);

        if (r < 0) {
                doctor_release(&d);
                return r;
        }
        list = json_array();
        for (size_t i = 0; list && i < d.n; i++) {
                const struct finding *f = &d.f[i];
                json_t *ev = json_array();
                for (size_t e = 0; ev && f->evidence[e]; e++)
                        json_array_append_new(ev, json_string(f->evidence[e]));
                json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:o}", "severity",
                                                      kfs_doctor_severity_name(f->severity), "check", f->check,
                                                      "path", f->path, "message", f->message, "evidence", ev));
        }
        doctor_counts(&d, c);
        root = json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:b}}", "findings", list, "summary", "errors", (json_int_t) c[0],
                         "warnings", (json_int_t) c[1], "info", (json_int_t) c[2], "checks",
                         (json_int_t) DOCTOR_N_CHECKS, "kubelet", d.kubelet != NULL);
        r = kfs_buf_add_json(out, root, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(root);
        doctor_release(&d);
        return r;
}
