/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/metrics/kubefs.prom: the node's certificates for Prometheus,
 * through node_exporter's textfile collector
 * (--collector.textfile.directory=MNT/.kubefs/metrics: it reads *.prom at
 * the top level, refuses client timestamps, needs the final newline).
 *
 * Text exposition format 0.0.4, no timestamps, HELP and TYPE once per
 * family, label values escaped (\\ \" \n) and made valid UTF-8 (node_exporter
 * refuses a family with an invalid one). The x509_cert_* families carry
 * enix/x509-certificate-exporter's names, help and labels (filename,
 * filepath, embedded_kind, embedded_key, serial_number, issuer_*,
 * subject_*; empty ones left out, as the exporter's registry drops them),
 * so its dashboards and alerts work unchanged. One series per certificate:
 * bundles give one per certificate, kubeconfigs one per embedded -data
 * (their loader is the kubeconfig decoder's). Two certificates with the
 * same labels (the same certificate twice in a bundle) are one series: a
 * textfile with a repeated series fails the whole scrape.
 *
 * kubefs's own families: kubefs_x509_cert_san, kubefs_x509_key_matches,
 * kubefs_source_errors (the exporter's reason words), kubefs_build_info,
 * kubefs_audit_check{id,status} from the audit (audit.h) and
 * kubefs_doctor_finding{check,severity,path} from the doctor (doctor.h).
 *
 * Made once per open for its reader (report.h): only files the reader
 * may read, keys included (a key it may not read gives no key_matches).
 */
#include <errno.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "audit.h"
#include "certreport.h"
#include "doctor.h"
#include "pem.h"
#include "pkey.h"
#include "registry.h"
#include "report.h"
#include "reports.h"

/* Series kept per family at most (a node has hundreds). */
#define METRICS_MAX_SERIES 200000

struct series {
        char *labels;           /* `{a="x",b="y"}` or "" */
        char *value;
};

struct family {
        const char *name, *help;
        struct series *s;
        size_t n, alloc;
        int err;
};

enum {
        F_NOT_AFTER, F_NOT_BEFORE, F_EXPIRED, F_SAN, F_KEY, F_ERRORS, F_AUDIT, F_DOCTOR, F_BUILD, F_N,
};

struct metrics {
        const struct kfs_report_env *env;
        struct kfs_certreport *report;
        uint32_t x509, kubeconfig;      /* decoder bits of a probe's mask */
        struct family f[F_N];
};

static uint32_t metrics_bit(const char *decoder)
{
        int i = kfs_registry_index(kfs_registry_find(decoder));

        return i >= 0 ? UINT32_C(1) << i : 0;
}

/* ---- labels ---- */

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
        size_t len;
        unsigned cp;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xC2 && s[0] <= 0xDF)
                len = 2, cp = s[0] & 0x1F;
        else if (s[0] >= 0xE0 && s[0] <= 0xEF)
                len = 3, cp = s[0] & 0x0F;
        else if (s[0] >= 0xF0 && s[0] <= 0xF4)
                len = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3F);
        }
        /* overlong, surrogates, past U+10FFFF */
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        return len;
}

/* A label value as the text format wants it: \\ \" \n escaped, invalid
 * UTF-8 as U+FFFD (what Go's strings.ToValidUTF8 would make of it). */
static void metrics_escape(struct kfs_buf *b, const char *v)
{
        const unsigned char *s = (const unsigned char *) v;
        size_t n = strlen(v);

        for (size_t i = 0; i < n;) {
                size_t k = utf8_seq(s + i, n - i);

                if (!k) {
                        kfs_buf_add(b, "\xEF\xBF\xBD");
                        i++;
                        continue;
                }
                if (s[i] == '\\')
                        kfs_buf_add(b, "\\\\");
                else if (s[i] == '"')
                        kfs_buf_add(b, "\\\"");
                else if (s[i] == '\n')
                        kfs_buf_add(b, "\\n");
                else
                        kfs_buf_addn(b, v + i, k);
                i += k;
        }
}

/* Appends name="value" to a label set being built; NULL or "" is left out. */
static void metrics_label(struct kfs_buf *b, const char *name, const char *value)
{
        if (!value || !*value)
                return;
        kfs_buf_addc(b, b->len ? ',' : '{');
        kfs_buf_addf(b, "%s=\"", name);
        metrics_escape(b, value);
        kfs_buf_addc(b, '"');
}

/* Adds a series to a family; takes the label set (finished here). */
static int metrics_series(struct family *f, struct kfs_buf *labels, long long value)
{
        char *v = NULL, *l;

        if (labels->len)
                kfs_buf_addc(labels, '}');
        if (labels->err) {
                kfs_buf_release(labels);
                return labels->err;
        }
        if (f->n >= METRICS_MAX_SERIES) {
                kfs_buf_release(labels);
                return 0;
        }
        if (f->n == f->alloc) {
                size_t n = f->alloc ? f->alloc * 2 : 64;
                struct series *s = realloc(f->s, n * sizeof(*s));

                if (!s) {
                        kfs_buf_release(labels);
                        return -ENOMEM;
                }
                f->s = s;
                f->alloc = n;
        }
        l = strdup(labels->len ? kfs_buf_str(labels) : "");
        kfs_buf_release(labels);
        if (!l || asprintf(&v, "%lld", value) < 0) {
                free(l);
                return -ENOMEM;
        }
        f->s[f->n++] = (struct series) { l, v };
        return 0;
}

/* ---- the families ---- */

static char *metrics_abs(const char *path)
{
        char *p = NULL;

        return asprintf(&p, "/%s", path) < 0 ? NULL : p;
}

/* filename, filepath, embedded_kind, embedded_key: the exporter's base labels */
static void metrics_base(struct kfs_buf *b, const char *abs, const struct kfs_certinfo *c)
{
        const char *slash = strrchr(abs, '/');

        metrics_label(b, "filename", slash ? slash + 1 : abs);
        metrics_label(b, "filepath", abs);
        if (c && c->embedded_kind) {
                metrics_label(b, "embedded_kind", c->embedded_kind);
                metrics_label(b, "embedded_key", c->embedded_key);
        }
}

static int metrics_cert(const struct kfs_certinfo *c, void *arg)
{
        struct metrics *m = arg;
        char *abs = metrics_abs(c->path);
        int r = 0;

        if (!abs)
                return -ENOMEM;
        for (int fam = F_NOT_AFTER; fam <= F_EXPIRED && r == 0; fam++) {
                struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);
                long long v = fam == F_NOT_AFTER ? (long long) c->not_after :
                              fam == F_NOT_BEFORE ? (long long) c->not_before :
                              m->env->now > c->not_after;

                metrics_base(&b, abs, c);
                metrics_label(&b, "serial_number", c->serial);
                for (int i = 0; i < KFS_DN_FIELDS; i++) {
                        char name[16];

                        snprintf(name, sizeof(name), "issuer_%s", kfs_certreport_dn_names[i]);
                        metrics_label(&b, name, c->issuer[i]);
                }
                for (int i = 0; i < KFS_DN_FIELDS; i++) {
                        char name[16];

                        snprintf(name, sizeof(name), "subject_%s", kfs_certreport_dn_names[i]);
                        metrics_label(&b, name, c->subject[i]);
                }
                r = metrics_series(&m->f[fam], &b, v);
        }
        for (size_t i = 0; i < c->n_sans && r == 0; i++) {
                struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);

                metrics_label(&b, "filepath", abs);
                metrics_label(&b, "serial_number", c->serial);
                metrics_label(&b, "san_type", c->sans[i].type);
                metrics_label(&b, "san_value", c->sans[i].value);
                r = metrics_series(&m->f[F_SAN], &b, 1);
        }
        free(abs);
        return r;
}

static int metrics_error(const struct kfs_cert_error *e, void *arg)
{
        struct metrics *m = arg;
        struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        char *abs = metrics_abs(e->path);

        if (!abs)
                return -ENOMEM;
        metrics_label(&b, "filepath", abs);
        metrics_label(&b, "reason", e->reason);
        free(abs);
        return metrics_series(&m->f[F_ERRORS], &b, 1);
}

/* The key beside a certificate file: in the file itself (kubelet-client-*.pem),
 * NAME.key for NAME.crt (kubeadm, the kubelet), NAME-key.pem for NAME.pem
 * (cfssl: kubeasz, k3s's etcd). */
static int metrics_key_paths(const char *path, char *ret[2])
{
        size_t n = strlen(path);

        ret[0] = strdup(path);
        ret[1] = NULL;
        if (!ret[0])
                return -ENOMEM;
        if (n > 4 && strcmp(path + n - 4, ".crt") == 0) {
                if (asprintf(&ret[1], "%.*s.key", (int) (n - 4), path) < 0)
                        ret[1] = NULL;
        } else if (n > 4 && strcmp(path + n - 4, ".pem") == 0 &&
                   !(n > 8 && strcmp(path + n - 8, "-key.pem") == 0)) {
                if (asprintf(&ret[1], "%.*s-key.pem", (int) (n - 4), path) < 0)
                        ret[1] = NULL;
        } else {
                return 0;
        }
        return ret[1] ? 0 : -ENOMEM;
}

/* Whether the first private key of `data` is the public key's other half:
 * 1, 0, or -1 when it holds no readable key. The private key is freed at
 * once by kfs_keyinfo_init(): only its public half is compared. */
static int metrics_key_match(const char *data, size_t len, EVP_PKEY *pub)
{
        struct kfs_pem_scan scan;
        struct kfs_pem_block b;

        kfs_pem_scan_init(&scan, data, len);
        while (kfs_pem_next(&scan, &b)) {
                struct kfs_keyinfo k = { 0 };
                unsigned char *der = NULL;
                char *header = NULL, why[128];
                long dlen;
                int ret;

                if (kfs_pem_label_kind(b.label) != KFS_PEM_PRIVATE_KEY)
                        continue;
                if (kfs_pem_decode(&b, &der, &dlen, &header, why, sizeof(why)) < 0)
                        return -1;
                ret = kfs_keyinfo_init(&k, b.label, der, dlen, header);
                OPENSSL_cleanse(der, (size_t) dlen);
                OPENSSL_free(der);
                OPENSSL_free(header);
                if (ret < 0)
                        return ret;
                ret = k.pub ? kfs_keyinfo_matches(&k, pub) : -1;
                kfs_keyinfo_release(&k);
                return ret;
        }
        return -1;
}

static int metrics_key(const struct kfs_certinfo *c, void *arg)
{
        struct metrics *m = arg;
        char *paths[2];
        int r;

        /* a file's first certificate is its leaf: the one its key goes with */
        if (c->embedded_kind || c->index != 1 || !c->pub)
                return 0;
        r = metrics_key_paths(c->path, paths);
        for (int i = 0; i < 2 && r == 0 && paths[i]; i++) {
                char *data = NULL;
                size_t len;
                int match;

                if (kfs_report_read(m->env, paths[i], &data, &len) < 0)
                        continue;
                match = metrics_key_match(data, len, c->pub);
                OPENSSL_cleanse(data, len);
                free(data);
                if (match == -ENOMEM) {
                        r = match;
                } else if (match >= 0) {
                        struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);
                        char *abs = metrics_abs(c->path), *kabs = metrics_abs(paths[i]);

                        if (abs && kabs) {
                                metrics_label(&b, "filepath", abs);
                                metrics_label(&b, "key_filepath", kabs);
                                r = metrics_series(&m->f[F_KEY], &b, match);
                        } else {
                                kfs_buf_release(&b);
                                r = -ENOMEM;
                        }
                        free(abs);
                        free(kabs);
                        break;
                }
        }
        free(paths[0]);
        free(paths[1]);
        return r;
}

static int metrics_file(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg)
{
        struct metrics *m = arg;
        uint32_t mask;
        char *data;
        size_t len;
        int r;

        if (env->src->probe(env, path, &mask) < 0 || !(mask & (m->x509 | m->kubeconfig)))
                return 0;
        /* a file the reader may not read is not its business, not even as an error */
        if (!kfs_report_may_read(env, path))
                return 0;
        r = kfs_report_read(env, path, &data, &len);
        if (r < 0)
                return kfs_certreport_error(m->report, path, r == -ENOENT ? "not_found" :
                                                              r == -EACCES ? "permission_denied" : "read_failed");
        r = kfs_certreport_add(m->report, path, data, len, mask & m->kubeconfig);
        free(data);
        return r == -ENOMEM ? r : 0;
}

static int metrics_audit_one(const struct kfs_audit_result *res, void *arg)
{
        struct metrics *m = arg;
        struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);

        metrics_label(&b, "id", res->id);
        metrics_label(&b, "status", kfs_audit_status_name(res->status));
        return metrics_series(&m->f[F_AUDIT], &b, 1);
}

/* The audit's checks as kubefs_audit_check{id,status} 1 (audit.h: the same
 * results as .kubefs/audit, for the same reader). */
static int metrics_audit(struct metrics *m)
{
        int r = kfs_audit_each(m->env, metrics_audit_one, m);

        /* a node with neither a control plane nor a kubelet has no audit */
        return r == -ENOENT ? 0 : r;
}

/* The kubelet's rotation links: a "-current.pem" pointing at nothing is the
 * exporter's broken_symlink (the walk gives regular files only). */
static int metrics_links(struct metrics *m)
{
        static const char *const links[] = {
                "var/lib/kubelet/pki/kubelet-client-current.pem",
                "var/lib/kubelet/pki/kubelet-server-current.pem",
        };
        int r = 0;

        for (size_t i = 0; i < sizeof(links) / sizeof(links[0]) && r == 0; i++) {
                struct stat st;
                char *dir = strndup(links[i], (size_t) (strrchr(links[i], '/') - links[i]));

                if (!dir)
                        return -ENOMEM;
                if (kfs_report_may_search(m->env, dir) &&
                    kfs_root_stat(m->env->root, links[i], KFS_RESOLVE_NOFOLLOW, &st) == 0 && S_ISLNK(st.st_mode) &&
                    kfs_root_stat(m->env->root, links[i], KFS_RESOLVE_FOLLOW, &st) < 0)
                        r = kfs_certreport_error(m->report, links[i], "broken_symlink");
                free(dir);
        }
        return r;
}

static int metrics_doctor_one(const struct kfs_doctor_finding *f, void *arg)
{
        struct metrics *m = arg;
        struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);

        metrics_label(&b, "check", f->check);
        metrics_label(&b, "severity", kfs_doctor_severity_name(f->severity));
        metrics_label(&b, "path", f->path);
        return metrics_series(&m->f[F_DOCTOR], &b, 1);
}

/* .kubefs/doctor's findings as kubefs_doctor_finding{check,severity,path} 1
 * (doctor.h; the message stays in .kubefs/doctor: a label of free text would
 * make a new series at every change of wording). */
static int metrics_doctor(struct metrics *m)
{
        int r = kfs_doctor_each(m->env, metrics_doctor_one, m);

        return r == -ENOENT ? 0 : r;
}

static int metrics_build(struct metrics *m)
{
        struct kfs_buf b = KFS_BUF_INIT(KFS_MAX_OUTPUT);

        metrics_label(&b, "version", KFS_VERSION);
        metrics_label(&b, "openssl", OpenSSL_version(OPENSSL_VERSION));
        metrics_label(&b, "libyaml", yaml_get_version_string());
        metrics_label(&b, "jansson", jansson_version_str());
        return metrics_series(&m->f[F_BUILD], &b, 1);
}

static int series_cmp(const void *a, const void *b)
{
        return strcmp(((const struct series *) a)->labels, ((const struct series *) b)->labels);
}

static void metrics_write(struct family *f, struct kfs_buf *out)
{
        if (!f->n)
                return;
        qsort(f->s, f->n, sizeof(*f->s), series_cmp);
        kfs_buf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", f->name, f->help, f->name);
        for (size_t i = 0; i < f->n; i++) {
                /* one series per label set (see the top) */
                if (i && strcmp(f->s[i].labels, f->s[i - 1].labels) == 0)
                        continue;
                kfs_buf_addf(out, "%s%s %s\n", f->name, f->s[i].labels, f->s[i].value);
        }
}

int kfs_report_metrics(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct metrics m = {
                .env = env,
                .report = kfs_certreport_new(env->now),
                .x509 = metrics_bit("x509"),
                .kubeconfig = metrics_bit("kubeconfig"),
                .f = {
                        [F_NOT_AFTER] = { "x509_cert_not_after", "Indicates the certificate's not after timestamp" },
                        [F_NOT_BEFORE] = { "x509_cert_not_before", "Indicates the certificate's not before timestamp" },
                        [F_EXPIRED] = { "x509_cert_expired", "Indicates if the certificate is expired" },
                        [F_SAN] = { "kubefs_x509_cert_san", "A subject alternative name of the certificate (1)" },
                        [F_KEY] = { "kubefs_x509_key_matches",
                                    "Whether the private key beside the certificate is its key (1) or not (0)" },
                        [F_ERRORS] = { "kubefs_source_errors",
                                       "A file kubefs takes for a certificate file gave none, and why (1)" },
                        [F_AUDIT] = { "kubefs_audit_check", "A check of .kubefs/audit (CIS Kubernetes Benchmark) and its status (1)" },
                        [F_DOCTOR] = { "kubefs_doctor_finding", "A finding of .kubefs/doctor: check, severity, the file to fix (1)" },
                        [F_BUILD] = { "kubefs_build_info", "kubefs and the libraries it runs on (1)" },
                },
        };
        int r;

        if (!m.report)
                return -ENOMEM;
        r = kfs_report_walk(env, "", metrics_file, &m);
        if (r == 0)
                r = metrics_links(&m);
        if (r == 0)
                r = kfs_certreport_each(m.report, metrics_cert, &m);
        if (r == 0)
                r = kfs_certreport_each(m.report, metrics_key, &m);
        if (r == 0)
                r = kfs_certreport_each_error(m.report, metrics_error, &m);
        if (r == 0)
                r = metrics_audit(&m);
        if (r == 0)
                r = metrics_doctor(&m);
        if (r == 0)
                r = metrics_build(&m);
        for (int i = 0; i < F_N; i++) {
                if (r == 0)
                        metrics_write(&m.f[i], out);
                for (size_t j = 0; j < m.f[i].n; j++) {
                        free(m.f[i].s[j].labels);
                        free(m.f[i].s[j].value);
                }
                free(m.f[i].s);
        }
        kfs_certreport_free(m.report);
        return r < 0 ? r : out->err;
}
