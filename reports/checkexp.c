/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/check-expiration and check-expiration.json: what
 * `kubeadm certs check-expiration` (kubeadm 1.29+, text and -o json) prints
 * for the node's files at env->now, by kubeadm's own rules
 * (cmd/kubeadm/app/cmd/certs.go, phases/certs/renewal/manager.go):
 *
 * - the certificates: kubeadm's default list (GetDefaultCertList(): local
 *   etcd) under /etc/kubernetes/pki, and the client certificate embedded in
 *   admin.conf, super-admin.conf, controller-manager.conf and
 *   scheduler.conf (the user of current-context, the first certificate of
 *   its client-certificate-data), sorted by name; then the CAs ca, etcd-ca,
 *   front-proxy-ca. A file that is not there is a "!MISSING! NAME" row.
 * - a certificate is the first of its file (certutil.CertsFromFile()).
 * - externally managed: the CA's key is absent (UsingExternalCA() and
 *   UsingExternalFrontProxyCA(); UsingExternalEtcdCA() likewise); a
 *   certificate is externally managed when its CA is.
 * - text: text/tabwriter.NewWriter(out, 10, 4, 3, ' ', 0); EXPIRES as Go's
 *   "Jan 02, 2006 15:04 MST" in UTC; RESIDUAL TIME as apimachinery's
 *   duration.ShortHumanDuration() of the whole seconds left; the last
 *   column "%-8v" (so "no" is followed by six spaces), as kubeadm writes it.
 * - json: output.kubeadm.k8s.io/v1alpha3 CertificateExpirationInfo, as
 *   cli-runtime's JSONPrinter writes it (json.MarshalIndent, 4 spaces).
 *
 * Where kubeadm would stop with an error (a file that exists but holds no
 * certificate, a kubeconfig without an embedded client certificate for
 * its current context, a file the reader may not read) the row reads
 * "!ERROR! NAME" and a line after the tables says why; the JSON marks it
 * missing. A node without any of kubeadm's files gets no kubeadm tables.
 *
 * The text then adds, after an empty line, what kubeadm leaves out: the
 * kubelet's kubeconfig, kubelet-client-current.pem (and the file it points
 * at), the kubelet's serving certificate, and the certificate directories
 * of k3s, rke2, microk8s and kubeasz: CERTIFICATE (the node path)
 * EXPIRES RESIDUAL-TIME ISSUER, in the same format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certreport.h"
#include "registry.h"
#include "report.h"
#include "reports.h"
#include "tabwriter.h"

#define CE_PKI "etc/kubernetes/pki"
#define CE_KDIR "etc/kubernetes"

/* Rows of the third table at most. */
#define CE_MAX_EXTRA 10000

enum ce_state { CE_OK, CE_MISSING, CE_ERROR };

struct ce_row {
        const char *name;
        const char *ca_name;            /* "" for a CA */
        enum ce_state state;
        const char *why;                /* CE_ERROR */
        time_t not_after;
        bool external;
};

/* kubeadm's certificates, in its order (sort by name); file under CE_PKI or CE_KDIR */
static const struct {
        const char *name, *file, *ca;
        bool kubeconfig;
} ce_certs[] = {
        { "admin.conf", "admin.conf", "ca", true },
        { "apiserver", "apiserver.crt", "ca", false },
        { "apiserver-etcd-client", "apiserver-etcd-client.crt", "etcd-ca", false },
        { "apiserver-kubelet-client", "apiserver-kubelet-client.crt", "ca", false },
        { "controller-manager.conf", "controller-manager.conf", "ca", true },
        { "etcd-healthcheck-client", "etcd/healthcheck-client.crt", "etcd-ca", false },
        { "etcd-peer", "etcd/peer.crt", "etcd-ca", false },
        { "etcd-server", "etcd/server.crt", "etcd-ca", false },
        { "front-proxy-client", "front-proxy-client.crt", "front-proxy-ca", false },
        { "scheduler.conf", "scheduler.conf", "ca", true },
        { "super-admin.conf", "super-admin.conf", "ca", true },
};

static const struct {
        const char *name, *base;
} ce_cas[] = {
        { "ca", "ca" },
        { "etcd-ca", "etcd/ca" },
        { "front-proxy-ca", "front-proxy-ca" },
};

#define CE_N_CERTS (sizeof(ce_certs) / sizeof(ce_certs[0]))
#define CE_N_CAS (sizeof(ce_cas) / sizeof(ce_cas[0]))

struct ce {
        const struct kfs_report_env *env;
        bool kubeadm;                   /* the node has one of kubeadm's files */
        struct ce_row certs[CE_N_CERTS], cas[CE_N_CAS];
};

/* ---- kubeadm's formats ---- */

/* Go's t.UTC().Format("Jan 02, 2006 15:04 MST") */
static void ce_date(time_t t, char *buf, size_t size)
{
        struct tm tm;

        if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%b %d, %Y %H:%M UTC", &tm))
                snprintf(buf, size, "?");
}

/* apimachinery's duration.ShortHumanDuration() of whole seconds */
static void ce_short_human(long long s, char *buf, size_t size)
{
        if (s < -1)
                snprintf(buf, size, "<invalid>");
        else if (s < 0)
                snprintf(buf, size, "0s");
        else if (s < 60)
                snprintf(buf, size, "%llds", s);
        else if (s / 60 < 60)
                snprintf(buf, size, "%lldm", s / 60);
        else if (s / 3600 < 24)
                snprintf(buf, size, "%lldh", s / 3600);
        else if (s / 3600 < 24 * 365)
                snprintf(buf, size, "%lldd", s / 3600 / 24);
        else
                snprintf(buf, size, "%lldy", s / 3600 / 24 / 365);
}

/* metav1.Time's JSON: RFC 3339 in UTC */
static void ce_rfc3339(time_t t, char *buf, size_t size)
{
        struct tm tm;

        if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
                snprintf(buf, size, "?");
}

/* ---- reading kubeadm's files ---- */

static bool ce_exists(const struct kfs_report_env *env, const char *path)
{
        struct stat st;
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        bool ok;

        /* only where the reader may look: its directory must be searchable */
        if (slash)
                *slash = '\0';
        ok = dir && kfs_report_may_search(env, slash ? dir : "") &&
             kfs_root_stat(env->root, path, KFS_RESOLVE_FOLLOW, &st) == 0 && !S_ISDIR(st.st_mode);
        free(dir);
        return ok;
}

struct ce_pick {
        bool kubeconfig;
        const struct kfs_certinfo *found;
};

static int ce_pick(const struct kfs_certinfo *c, void *arg)
{
        struct ce_pick *p = arg;

        if (p->found)
                return 0;
        if (p->kubeconfig ? c->embedded_kind && strcmp(c->embedded_kind, "user") == 0 && c->current && c->index == 1
                          : !c->embedded_kind && c->index == 1)
                p->found = c;
        return 0;
}

/* The certificate kubeadm's readwriter reads from `path`: the file's first,
 * or a kubeconfig's current user's first embedded one. */
static int ce_read(const struct kfs_report_env *env, const char *path, bool kubeconfig, struct ce_row *row)
{
        struct kfs_certreport *r;
        struct ce_pick p = { kubeconfig, NULL };
        char *data;
        size_t len;
        int ret;

        if (!ce_exists(env, path)) {
                row->state = CE_MISSING;
                return 0;
        }
        ret = kfs_report_read(env, path, &data, &len);
        if (ret < 0) {
                row->state = CE_ERROR;
                row->why = ret == -EACCES ? "permission denied" : "cannot be read";
                return ret == -ENOMEM ? ret : 0;
        }
        r = kfs_certreport_new(env->now);
        if (!r) {
                free(data);
                return -ENOMEM;
        }
        ret = kfs_certreport_add(r, path, data, len, kubeconfig);
        free(data);
        if (ret == 0)
                kfs_certreport_each(r, ce_pick, &p);
        if (ret == 0 && p.found) {
                row->state = CE_OK;
                row->not_after = p.found->not_after;
        } else if (ret == 0) {
                row->state = CE_ERROR;
                row->why = kubeconfig ? "the current context's user has no embedded client certificate"
                                      : "no certificate in the file";
        }
        kfs_certreport_free(r);
        return ret;
}

static bool ce_external(const struct kfs_report_env *env, const char *ca)
{
        for (size_t i = 0; i < CE_N_CAS; i++) {
                if (strcmp(ce_cas[i].name, ca) == 0) {
                        char key[128];

                        snprintf(key, sizeof(key), CE_PKI "/%s.key", ce_cas[i].base);
                        return !ce_exists(env, key);
                }
        }
        return false;
}

static int ce_load(struct ce *ce)
{
        const struct kfs_report_env *env = ce->env;
        char path[128];
        int r = 0;

        for (size_t i = 0; i < CE_N_CERTS && r == 0; i++) {
                struct ce_row *row = &ce->certs[i];

                *row = (struct ce_row) { .name = ce_certs[i].name, .ca_name = ce_certs[i].ca };
                snprintf(path, sizeof(path), "%s/%s", ce_certs[i].kubeconfig ? CE_KDIR : CE_PKI, ce_certs[i].file);
                r = ce_read(env, path, ce_certs[i].kubeconfig, row);
                row->external = ce_external(env, row->ca_name);
                ce->kubeadm |= row->state != CE_MISSING;
        }
        for (size_t i = 0; i < CE_N_CAS && r == 0; i++) {
                struct ce_row *row = &ce->cas[i];

                *row = (struct ce_row) { .name = ce_cas[i].name, .ca_name = "" };
                snprintf(path, sizeof(path), CE_PKI "/%s.crt", ce_cas[i].base);
                r = ce_read(env, path, false, row);
                row->external = ce_external(env, row->name);
                ce->kubeadm |= row->state != CE_MISSING;
        }
        return r;
}

/* ---- the text ---- */

static void ce_text_row(const struct kfs_report_env *env, const struct ce_row *row, bool ca, struct kfs_buf *t)
{
        char date[64], left[32];

        if (row->state != CE_OK) {
                kfs_buf_addf(t, "%s %s\t\t\t%s\n", row->state == CE_MISSING ? "!MISSING!" : "!ERROR!", row->name,
                             ca ? "" : "\t");
                return;
        }
        ce_date(row->not_after, date, sizeof(date));
        ce_short_human((long long) row->not_after - (long long) env->now, left, sizeof(left));
        if (ca)
                kfs_buf_addf(t, "%s\t%s\t%s\t%-8s\n", row->name, date, left, row->external ? "yes" : "no");
        else
                kfs_buf_addf(t, "%s\t%s\t%s\t%s\t%-8s\n", row->name, date, left, row->ca_name,
                             row->external ? "yes" : "no");
}

/* The third table: what kubeadm leaves out. */
struct ce_extra {
        const struct kfs_report_env *env;
        struct kfs_certreport *report;
        uint32_t x509, kubeconfig;
        const char *only_user_of;       /* a kubeconfig: its current user's certificate only */
};

struct ce_extra_row {
        char *name;
        time_t not_after;
        char *issuer;
};

static int ce_extra_file(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg)
{
        struct ce_extra *x = arg;
        uint32_t mask;
        char *data;
        size_t len;

        if (env->src->probe(env, path, &mask) < 0 || !(mask & (x->x509 | x->kubeconfig)))
                return 0;
        if (kfs_report_read(env, path, &data, &len) < 0)
                return 0;
        kfs_certreport_add(x->report, path, data, len, mask & x->kubeconfig);
        free(data);
        return 0;
}

struct ce_rows {
        struct ce_extra_row *v;
        size_t n;
        const char *link, *target;      /* kubelet-client-current.pem and what it points at */
        int err;
};

static int ce_collect(const struct kfs_certinfo *c, void *arg)
{
        struct ce_rows *rows = arg;
        struct ce_extra_row *row;
        char *name = NULL;
        const char *shown = c->path;

        if (rows->n >= CE_MAX_EXTRA)
                return 0;
        /* a kubeconfig's CA data is the CA's (listed where it lives); its client certificate is its own */
        if (c->embedded_kind && strcmp(c->embedded_kind, "user") != 0)
                return 0;
        row = realloc(rows->v, (rows->n + 1) * sizeof(*row));
        if (!row)
                return -ENOMEM;
        rows->v = row;
        /* PATH, PATH#N, PATH#users[NAME]; kubelet-client-current.pem as "LINK -> TARGET" */
        if (rows->link && strcmp(c->path, rows->link) == 0)
                shown = rows->target;
        if (asprintf(&name, "/%s%s%s%s", c->path, shown != c->path ? " -> /" : "", shown != c->path ? shown : "",
                     "") < 0)
                return -ENOMEM;
        if (c->embedded_kind || c->total > 1) {
                char *n2 = NULL;
                int k = c->embedded_kind ? asprintf(&n2, "%s#users[%s]", name, c->embedded_key)
                                         : asprintf(&n2, "%s#%d", name, c->index);

                free(name);
                if (k < 0)
                        return -ENOMEM;
                name = n2;
        }
        /* one cell of one line */
        for (char *p = name; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        *p = '?';
        rows->v[rows->n++] = (struct ce_extra_row) {
                name, c->not_after, c->issuer[KFS_DN_CN] ? strdup(c->issuer[KFS_DN_CN]) : NULL,
        };
        if (rows->v[rows->n - 1].issuer)
                for (char *p = rows->v[rows->n - 1].issuer; *p; p++)
                        if ((unsigned char) *p < 0x20 || *p == 0x7f || *p == '\t')
                                *p = '?';
        return 0;
}

static int ce_extra_cmp(const void *a, const void *b)
{
        return strcmp(((const struct ce_extra_row *) a)->name, ((const struct ce_extra_row *) b)->name);
}

/* The kubelet's and the other distributions' certificates. */
static const char *const ce_extra_files[] = {
        "etc/kubernetes/kubelet.conf",                  /* kubeadm */
        "var/lib/kubelet/pki/kubelet-client-current.pem",
        "var/lib/kubelet/pki/kubelet.crt",              /* the kubelet's self-signed serving certificate */
        "var/lib/kubelet/pki/kubelet-server-current.pem",
        "etc/kubernetes/kubelet.kubeconfig",            /* kubeasz */
        NULL,
};
static const char *const ce_extra_dirs[] = {
        "etc/kubernetes/ssl",                           /* kubeasz */
        "var/lib/rancher/k3s/server/tls",
        "var/lib/rancher/k3s/agent",
        "var/lib/rancher/rke2/server/tls",
        "var/lib/rancher/rke2/agent",
        "var/snap/microk8s/current/certs",
        NULL,
};

static uint32_t ce_bit(const char *decoder)
{
        int i = kfs_registry_index(kfs_registry_find(decoder));

        return i >= 0 ? UINT32_C(1) << i : 0;
}

static int ce_extra_table(const struct kfs_report_env *env, struct kfs_buf *t)
{
        struct ce_extra x = { env, kfs_certreport_new(env->now), ce_bit("x509"), ce_bit("kubeconfig"), NULL };
        struct ce_rows rows = { 0 };
        char *target = NULL;
        struct stat st;
        int r = 0;

        if (!x.report)
                return -ENOMEM;
        for (size_t i = 0; ce_extra_files[i] && r == 0; i++) {
                if (!ce_exists(env, ce_extra_files[i]))
                        continue;
                r = ce_extra_file(env, ce_extra_files[i], NULL, &x);
        }
        for (size_t i = 0; ce_extra_dirs[i] && r == 0; i++)
                r = kfs_report_walk(env, ce_extra_dirs[i], ce_extra_file, &x);
        /* kubelet-client-current.pem is named for what it points at */
        if (kfs_root_stat(env->root, ce_extra_files[1], KFS_RESOLVE_NOFOLLOW, &st) == 0 && S_ISLNK(st.st_mode) &&
            kfs_root_resolve(env->root, ce_extra_files[1], &target) == 0) {
                rows.link = ce_extra_files[1];
                rows.target = target;
        }
        if (r == 0)
                r = kfs_certreport_each(x.report, ce_collect, &rows);
        if (r == 0 && rows.n) {
                qsort(rows.v, rows.n, sizeof(*rows.v), ce_extra_cmp);
                kfs_buf_add(t, "\nCERTIFICATE (NOT CHECKED BY KUBEADM)\tEXPIRES\tRESIDUAL TIME\tISSUER\n");
                for (size_t i = 0; i < rows.n; i++) {
                        char date[64], left[32];

                        /* the same row twice (kubelet-client-current.pem read as itself and as its target) */
                        if (i && strcmp(rows.v[i].name, rows.v[i - 1].name) == 0)
                                continue;
                        ce_date(rows.v[i].not_after, date, sizeof(date));
                        ce_short_human((long long) rows.v[i].not_after - (long long) env->now, left, sizeof(left));
                        kfs_buf_addf(t, "%s\t%s\t%s\t%s\n", rows.v[i].name, date, left,
                                     rows.v[i].issuer && *rows.v[i].issuer ? rows.v[i].issuer : "-");
                }
        }
        for (size_t i = 0; i < rows.n; i++) {
                free(rows.v[i].name);
                free(rows.v[i].issuer);
        }
        free(rows.v);
        free(target);
        kfs_certreport_free(x.report);
        return r;
}

int kfs_report_check_expiration(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct ce ce = { .env = env };
        struct kfs_buf t = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        int r = ce_load(&ce);

        if (r == 0 && ce.kubeadm) {
                kfs_buf_add(&t, "CERTIFICATE\tEXPIRES\tRESIDUAL TIME\tCERTIFICATE AUTHORITY\tEXTERNALLY MANAGED\n");
                for (size_t i = 0; i < CE_N_CERTS; i++)
                        ce_text_row(env, &ce.certs[i], false, &t);
                kfs_buf_add(&t, "\nCERTIFICATE AUTHORITY\tEXPIRES\tRESIDUAL TIME\tEXTERNALLY MANAGED\n");
                for (size_t i = 0; i < CE_N_CAS; i++)
                        ce_text_row(env, &ce.cas[i], true, &t);
        }
        if (r == 0)
                r = ce_extra_table(env, &t);
        if (r == 0 && t.err)
                r = t.err;
        if (r == 0)
                r = kfs_tabwriter(&KFS_TABWRITER_KUBEADM, kfs_buf_str(&t), t.len, out);
        kfs_buf_release(&t);
        for (size_t i = 0; r == 0 && ce.kubeadm && i < CE_N_CERTS + CE_N_CAS; i++) {
                const struct ce_row *row = i < CE_N_CERTS ? &ce.certs[i] : &ce.cas[i - CE_N_CERTS];

                if (row->state == CE_ERROR)
                        kfs_buf_addf(out, "# %s: %s (kubeadm stops here with an error)\n", row->name, row->why);
        }
        return r < 0 ? r : out->err;
}

/* ---- the JSON ---- */

static void ce_json_cert(const struct kfs_report_env *env, const struct ce_row *row, bool last, struct kfs_buf *out)
{
        char date[40];

        kfs_buf_addf(out, "        {\n            \"name\": \"%s\",\n", row->name);
        if (row->state == CE_OK) {
                ce_rfc3339(row->not_after, date, sizeof(date));
                kfs_buf_addf(out, "            \"expirationDate\": \"%s\",\n", date);
                kfs_buf_addf(out, "            \"residualTime\": %lld,\n",
                             (long long) row->not_after - (long long) env->now);
                kfs_buf_addf(out, "            \"externallyManaged\": %s,\n", row->external ? "true" : "false");
                if (*row->ca_name)
                        kfs_buf_addf(out, "            \"caName\": \"%s\",\n", row->ca_name);
                kfs_buf_add(out, "            \"missing\": false\n");
        } else {
                kfs_buf_add(out, "            \"expirationDate\": null,\n            \"residualTime\": 0,\n"
                                 "            \"externallyManaged\": false,\n            \"missing\": true\n");
        }
        kfs_buf_addf(out, "        }%s\n", last ? "" : ",");
}

int kfs_report_check_expiration_json(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct ce ce = { .env = env };
        int r = ce_load(&ce);

        if (r < 0)
                return r;
        kfs_buf_add(out, "{\n    \"kind\": \"CertificateExpirationInfo\",\n"
                         "    \"apiVersion\": \"output.kubeadm.k8s.io/v1alpha3\",\n    \"certificates\": [\n");
        for (size_t i = 0; i < CE_N_CERTS; i++)
                ce_json_cert(env, &ce.certs[i], i + 1 == CE_N_CERTS, out);
        kfs_buf_add(out, "    ],\n    \"certificateAuthorities\": [\n");
        for (size_t i = 0; i < CE_N_CAS; i++)
                ce_json_cert(env, &ce.cas[i], i + 1 == CE_N_CAS, out);
        kfs_buf_add(out, "    ]\n}\n");
        return out->err;
}
