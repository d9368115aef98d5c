/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CIS audit (audit.h) and its three reports: .kubefs/audit (text as
 * kube-bench prints it), audit.json (kube-bench's Controls/tests/results
 * schema), audit.xml (JUnit). Check IDs and titles are kube-bench's
 * cfg/cis-1.12 (master.yaml, etcd.yaml, controlplane.yaml, node.yaml,
 * policies.yaml); remediations are ours.
 */
#include "audit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kubelet-int.h"
#include "kubelet.h"
#include "root.h"
#include "ydoc.h"
#include "yflat.h"

#define AUDIT_MAX_FILES 4096            /* files one check looks at (pki, CNI) */
#define AUDIT_MAX_DEPTH 16              /* directory levels walked under pki */
#define AUDIT_MAX_LINES 64              /* lines of actual value kept per check */
#define AUDIT_MAX_RESULTS 256
#define AUDIT_MAX_DIR_ENTRIES 1024      /* entries read from one directory (pki, CNI, drop-ins) */

/* ---- the results ---- */

struct result {
        struct kfs_audit_result r;
        struct kfs_buf actual, audit, remediation;
        char *expected;
        size_t lines;
};


enum comp { C_APISERVER, C_CONTROLLER, C_SCHEDULER, C_ETCD, C_PROXY, C_N };

static const char *const comp_names[C_N] = {
        "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "kube-proxy",
};

/* A component's argv (the last value of each flag wins) and where it came from. */
struct component {
        char **argv;
        size_t argc;
        char *source;                   /* "/etc/kubernetes/manifests/kube-apiserver.yaml" */
        bool manifest;
};

struct audit {
        const struct kfs_report_env *env;
        struct kfs_kubelet *kubelet;    /* NULL when none was found */
        const char *dist;               /* "k3s", "rke2", or NULL */
        struct result *res;
        size_t n;
        struct component comps[C_N];
};

static struct result *res_new(struct audit *a, const char *id, const char *text, bool scored)
{
        struct result *r;

        if (a->n == AUDIT_MAX_RESULTS)
                return NULL;
        r = &a->res[a->n++];
        memset(r, 0, sizeof(*r));
        kfs_buf_init(&r->actual, 1 << 16);
        kfs_buf_init(&r->audit, 1 << 16);
        kfs_buf_init(&r->remediation, 1 << 16);
        r->r.id = id;
        r->r.text = text;
        r->r.scored = scored;
        r->r.status = KFS_AUDIT_PASS;
        return r;
}

static void res_line(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void res_line(struct result *r, const char *fmt, ...)
{
        va_list ap;

        if (r->lines++ == AUDIT_MAX_LINES) {
                kfs_buf_add(&r->actual, "...\n");
                return;
        }
        if (r->lines > AUDIT_MAX_LINES)
                return;
        va_start(ap, fmt);
        kfs_buf_vaddf(&r->actual, fmt, ap);
        va_end(ap);
        kfs_buf_addc(&r->actual, '\n');
}

/* The worst of the two: FAIL over WARN over PASS. */
static void res_status(struct result *r, enum kfs_audit_status s)
{
        if (s == KFS_AUDIT_FAIL && !r->r.scored)
                s = KFS_AUDIT_WARN;
        if (s == KFS_AUDIT_FAIL || (s == KFS_AUDIT_WARN && r->r.status != KFS_AUDIT_FAIL) ||
            (s == KFS_AUDIT_INFO && r->r.status == KFS_AUDIT_PASS))
                r->r.status = s;
}

static char *audit_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *audit_strf(const char *fmt, ...)
{
        va_list ap;
        char *s;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&s, fmt, ap);
        va_end(ap);
        return n < 0 ? NULL : s;
}

static void res_undecidable(struct result *r, const char *why)
{
        res_line(r, "not decidable from files: %s", why);
        r->r.status = KFS_AUDIT_WARN;
}

/* ---- components ---- */

static void comp_from_view(struct component *c, const char *text)
{
        char *copy = strdup(text), *save = NULL;

        c->argv = calloc(4096, sizeof(char *));
        if (!copy || !c->argv) {
                free(copy);
                return;
        }
        for (char *l = strtok_r(copy, "\n", &save); l && c->argc < 4096; l = strtok_r(NULL, "\n", &save))
                if (strncmp(l, "# ", 2) != 0)
                        c->argv[c->argc++] = strdup(l);
        free(copy);
}

static void comp_load(struct audit *a, enum comp i)
{
        static const char *const unit_dirs[] = { "etc/systemd/system", "usr/lib/systemd/system",
                                                 "lib/systemd/system", NULL };
        struct component *c = &a->comps[i];
        char path[256];
        struct kfs_report_decode d;
        const struct kfs_output *o;
        struct stat st;

        snprintf(path, sizeof(path), "etc/kubernetes/manifests/%s.yaml", comp_names[i]);
        if (kfs_root_stat(a->env->root, path, KFS_RESOLVE_NOFOLLOW, &st) == 0 &&
            kfs_report_decode(a->env, path, "pod", &d) == 0) {
                o = kfs_report_view(&d, "flags");
                if (o && o->data)
                        comp_from_view(c, o->data);
                kfs_report_release(a->env, &d);
                c->manifest = true;
                if (asprintf(&c->source, "/%s", path) < 0)
                        c->source = NULL;
                return;
        }
        for (size_t u = 0; unit_dirs[u]; u++) {
                snprintf(path, sizeof(path), "%s/%s.service", unit_dirs[u], comp_names[i]);
                if (kfs_root_stat(a->env->root, path, KFS_RESOLVE_NOFOLLOW, &st) < 0)
                        continue;
                if (kfs_report_decode(a->env, path, "unit", &d) == 0) {
                        o = kfs_report_view(&d, "flags");
                        if (o && o->data)
                                comp_from_view(c, o->data);
                        kfs_report_release(a->env, &d);
                        if (asprintf(&c->source, "/%s", path) < 0)
                                c->source = NULL;
                }
                return;
        }
}

static void comps_free(struct audit *a)
{
        for (int i = 0; i < C_N; i++) {
                for (size_t j = 0; j < a->comps[i].argc; j++)
                        free(a->comps[i].argv[j]);
                free(a->comps[i].argv);
                free(a->comps[i].source);
        }
}

/* The value of --name in a component's argv ("true" for a bare flag), or NULL. */
static const char *comp_flag(const struct component *c, const char *name)
{
        size_t n = strlen(name);
        const char *v = NULL;

        for (size_t i = 1; i < c->argc; i++) {
                const char *a = c->argv[i];

                if (strncmp(a, name, n) == 0 && a[n] == '=')
                        v = a + n + 1;
                else if (strcmp(a, name) == 0)
                        v = i + 1 < c->argc && c->argv[i + 1][0] != '-' ? c->argv[i + 1] : "true";
        }
        return v;
}

/* ---- owners from ROOT's passwd/group ---- */

static void audit_name(const struct kfs_root *root, const char *db, unsigned id, char *out, size_t size)
{
        char *data = NULL, *save = NULL;
        size_t len;

        /* id 0 is root whatever the files say (a copied node may lack them) */
        snprintf(out, size, id == 0 ? "root" : "%u", id);
        if (kfs_root_read(root, db, KFS_RESOLVE_FOLLOW, &data, &len, NULL) < 0)
                return;
        for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *f[3] = { 0 }, *p = line;

                for (int i = 0; i < 3 && p; i++) {
                        f[i] = p;
                        p = strchr(p, ':');
                        if (p)
                                *p++ = '\0';
                }
                if (f[2] && strtoul(f[2], NULL, 10) == id && *f[0]) {
                        snprintf(out, size, "%s", f[0]);
                        break;
                }
        }
        free(data);
}

static void audit_owner(const struct audit *a, const struct stat *st, char *out, size_t size)
{
        char user[64], group[64];

        audit_name(a->env->root, "etc/passwd", st->st_uid, user, sizeof(user));
        audit_name(a->env->root, "etc/group", st->st_gid, group, sizeof(group));
        snprintf(out, size, "%s:%s", user, group);
}

/* ---- file checks (1.1.x, 4.1.x) ---- */

enum target {
        T_APISERVER_MANIFEST, T_CONTROLLER_MANIFEST, T_SCHEDULER_MANIFEST, T_ETCD_MANIFEST,
        T_CNI, T_ETCD_DATA, T_ADMIN, T_SCHEDULER_CONF, T_CONTROLLER_CONF, T_PKI_ALL, T_PKI_CRT, T_PKI_KEY,
        T_KUBELET_SVC, T_PROXY_KUBECONFIG, T_KUBELET_KUBECONFIG, T_CLIENT_CA, T_KUBELET_CONFIG,
};

struct fcheck {
        const char *id;
        bool scored;
        const char *text;
        enum target target;
        unsigned mode;                  /* the most a file may allow; 0: an owner check */
        const char *owner;
};

static const struct fcheck fchecks_master[] = {
        { "1.1.1", true, "Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)", T_APISERVER_MANIFEST, 0600, NULL },
        { "1.1.2", true, "Ensure that the API server pod specification file ownership is set to root:root (Automated)", T_APISERVER_MANIFEST, 0, "root:root" },
        { "1.1.3", true, "Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive (Automated)", T_CONTROLLER_MANIFEST, 0600, NULL },
        { "1.1.4", true, "Ensure that the controller manager pod specification file ownership is set to root:root (Automated)", T_CONTROLLER_MANIFEST, 0, "root:root" },
        { "1.1.5", true, "Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive (Automated)", T_SCHEDULER_MANIFEST, 0600, NULL },
        { "1.1.6", true, "Ensure that the scheduler pod specification file ownership is set to root:root (Automated)", T_SCHEDULER_MANIFEST, 0, "root:root" },
        { "1.1.7", true, "Ensure that the etcd pod specification file permissions are set to 600 or more restrictive (Automated)", T_ETCD_MANIFEST, 0600, NULL },
        { "1.1.8", true, "Ensure that the etcd pod specification file ownership is set to root:root (Automated)", T_ETCD_MANIFEST, 0, "root:root" },
        { "1.1.9", false, "Ensure that the Container Network Interface file permissions are set to 600 or more restrictive (Manual)", T_CNI, 0600, NULL },
        { "1.1.10", false, "Ensure that the Container Network Interface file ownership is set to root:root (Manual)", T_CNI, 0, "root:root" },
        { "1.1.11", true, "Ensure that the etcd data directory permissions are set to 700 or more restrictive (Automated)", T_ETCD_DATA, 0700, NULL },
        { "1.1.12", true, "Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)", T_ETCD_DATA, 0, "etcd:etcd" },
        { "1.1.13", true, "Ensure that the default administrative credential file permissions are set to 600 (Automated)", T_ADMIN, 0600, NULL },
        { "1.1.14", true, "Ensure that the default administrative credential file ownership is set to root:root (Automated)", T_ADMIN, 0, "root:root" },
        { "1.1.15", true, "Ensure that the scheduler.conf file permissions are set to 600 or more restrictive (Automated)", T_SCHEDULER_CONF, 0600, NULL },
        { "1.1.16", true, "Ensure that the scheduler.conf file ownership is set to root:root (Automated)", T_SCHEDULER_CONF, 0, "root:root" },
        { "1.1.17", true, "Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive (Automated)", T_CONTROLLER_CONF, 0600, NULL },
        { "1.1.18", true, "Ensure that the controller-manager.conf file ownership is set to root:root (Automated)", T_CONTROLLER_CONF, 0, "root:root" },
        { "1.1.19", true, "Ensure that the Kubernetes PKI directory and file ownership is set to root:root (Automated)", T_PKI_ALL, 0, "root:root" },
        { "1.1.20", false, "Ensure that the Kubernetes PKI certificate file permissions are set to 644 or more restrictive (Manual)", T_PKI_CRT, 0644, NULL },
        { "1.1.21", false, "Ensure that the Kubernetes PKI key file permissions are set to 600 (Manual)", T_PKI_KEY, 0600, NULL },
        { 0 },
};

static const struct fcheck fchecks_node[] = {
        { "4.1.1", true, "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)", T_KUBELET_SVC, 0600, NULL },
        { "4.1.2", true, "Ensure that the kubelet service file ownership is set to root:root (Automated)", T_KUBELET_SVC, 0, "root:root" },
        { "4.1.3", false, "If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive (Manual)", T_PROXY_KUBECONFIG, 0600, NULL },
        { "4.1.4", false, "If proxy kubeconfig file exists ensure ownership is set to root:root (Manual)", T_PROXY_KUBECONFIG, 0, "root:root" },
        { "4.1.5", true, "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)", T_KUBELET_KUBECONFIG, 0600, NULL },
        { "4.1.6", true, "Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root (Automated)", T_KUBELET_KUBECONFIG, 0, "root:root" },
        { "4.1.7", false, "Ensure that the certificate authorities file permissions are set to 644 or more restrictive (Manual)", T_CLIENT_CA, 0644, NULL },
        { "4.1.8", false, "Ensure that the client certificate authorities file ownership is set to root:root (Manual)", T_CLIENT_CA, 0, "root:root" },
        { "4.1.9", true, "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive (Automated)", T_KUBELET_CONFIG, 0600, NULL },
        { "4.1.10", true, "If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root (Automated)", T_KUBELET_CONFIG, 0, "root:root" },
        { 0 },
};

struct paths {
        char *v[AUDIT_MAX_FILES];
        size_t n;
        bool dir[AUDIT_MAX_FILES];      /* a directory checked itself */
        const char *why_none;           /* what to say when none exists */
};

static void paths_add(struct paths *p, const char *rel, bool dir)
{
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->v[i], rel) == 0)
                        return;
        if (p->n < AUDIT_MAX_FILES && (p->v[p->n] = strdup(rel)))
                p->dir[p->n++] = dir;
}

/* A path the node names (absolute, as a process sees it) as ROOT-relative. */
static void paths_add_abs(struct paths *p, const char *abs, bool dir)
{
        char *rel;

        if (!abs || !*abs)
                return;
        rel = kfs_path_join("", abs);
        if (rel)
                paths_add(p, rel, dir);
        free(rel);
}

static int name_cmp(const void *x, const void *y)
{
        return strcmp(*(char *const *) x, *(char *const *) y);
}

enum pick { PICK_ALL, PICK_CRT, PICK_KEY, PICK_CONF };

static bool pick_ok(const char *name, enum pick pick)
{
        size_t n = strlen(name);
        bool key = (n > 4 && strcmp(name + n - 4, ".key") == 0) || (n > 8 && strcmp(name + n - 8, "-key.pem") == 0);

        switch (pick) {
        case PICK_ALL:
                return true;
        case PICK_KEY:
                return key;
        case PICK_CRT:
                return (n > 4 && strcmp(name + n - 4, ".crt") == 0) || (!key && n > 4 && strcmp(name + n - 4, ".pem") == 0);
        case PICK_CONF:
                return n > 5 && strcmp(name + n - 5, ".conf") == 0;
        }
        return false;
}

/* The files of directory `rel` (and below, `depth` levels) that `pick` takes;
 * with dirs, the directories too. Sorted. Only what the reader may list. */
static void paths_dir(const struct audit *a, struct paths *p, const char *rel, enum pick pick, int depth, bool dirs)
{
        char **names = calloc(AUDIT_MAX_DIR_ENTRIES, sizeof(char *));
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int fd;

        if (!names || !kfs_report_may_search(a->env, rel)) {
                free(names);
                return;
        }
        fd = kfs_root_open(a->env->root, rel, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                free(names);
                return;
        }
        while (n < AUDIT_MAX_DIR_ENTRIES && (de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && (names[n] = strdup(de->d_name)))
                        n++;
        closedir(d);
        qsort(names, n, sizeof(*names), name_cmp);
        for (size_t i = 0; i < n; i++) {
                char *child = kfs_path_join(rel, names[i]);
                struct stat st;

                if (child && kfs_root_stat(a->env->root, child, KFS_RESOLVE_NOFOLLOW, &st) == 0) {
                        if (S_ISDIR(st.st_mode)) {
                                if (dirs)
                                        paths_add(p, child, true);
                                if (depth > 0)
                                        paths_dir(a, p, child, pick, depth - 1, dirs);
                        } else if (S_ISREG(st.st_mode) && pick_ok(names[i], pick)) {
                                paths_add(p, child, false);
                        }
                }
                free(child);
                free(names[i]);
        }
        free(names);
}

static bool exists(const struct audit *a, const char *rel)
{
        struct stat st;

        return kfs_root_stat(a->env->root, rel, KFS_RESOLVE_FOLLOW, &st) == 0;
}

static const char *pki_dir(const struct audit *a)
{
        if (a->dist && strcmp(a->dist, "k3s") == 0)
                return "var/lib/rancher/k3s/server/tls";
        if (a->dist && strcmp(a->dist, "rke2") == 0)
                return "var/lib/rancher/rke2/server/tls";
        if (!exists(a, "etc/kubernetes/pki") && exists(a, "etc/kubernetes/ssl"))
                return "etc/kubernetes/ssl";    /* kubeasz */
        return "etc/kubernetes/pki";
}

static void resolve(const struct audit *a, enum target t, struct paths *p)
{
        const char *v;
        char buf[256];

        switch (t) {
        case T_APISERVER_MANIFEST:
        case T_CONTROLLER_MANIFEST:
        case T_SCHEDULER_MANIFEST:
        case T_ETCD_MANIFEST: {
                enum comp c = t == T_APISERVER_MANIFEST ? C_APISERVER : t == T_CONTROLLER_MANIFEST ? C_CONTROLLER
                            : t == T_SCHEDULER_MANIFEST ? C_SCHEDULER : C_ETCD;

                snprintf(buf, sizeof(buf), "etc/kubernetes/manifests/%s.yaml", comp_names[c]);
                paths_add(p, buf, false);
                p->why_none = a->comps[c].source ? "no pod specification file: it runs from a systemd unit"
                                              : "no pod specification file on this node";
                break;
        }
        case T_CNI:
                if (a->dist) {
                        snprintf(buf, sizeof(buf), "var/lib/rancher/%s/agent/etc/cni/net.d", a->dist);
                        paths_dir(a, p, buf, PICK_ALL, 0, false);
                }
                paths_dir(a, p, "etc/cni/net.d", PICK_ALL, 0, false);
                p->why_none = "no CNI configuration file";
                break;
        case T_ETCD_DATA:
                v = comp_flag(&a->comps[C_ETCD], "--data-dir");
                if (v)
                        paths_add_abs(p, v, true);
                else if (a->dist) {
                        snprintf(buf, sizeof(buf), "var/lib/rancher/%s/server/db/etcd", a->dist);
                        paths_add(p, buf, true);
                } else
                        paths_add(p, "var/lib/etcd", true);
                p->why_none = "no etcd data directory on this node";
                break;
        case T_ADMIN:
                if (a->dist) {
                        snprintf(buf, sizeof(buf), "etc/rancher/%s/%s.yaml", a->dist, a->dist);
                        paths_add(p, buf, false);
                }
                paths_add(p, "etc/kubernetes/admin.conf", false);
                paths_add(p, "etc/kubernetes/super-admin.conf", false);
                p->why_none = "no administrative kubeconfig on this node";
                break;
        case T_SCHEDULER_CONF:
        case T_CONTROLLER_CONF: {
                enum comp c = t == T_SCHEDULER_CONF ? C_SCHEDULER : C_CONTROLLER;

                v = comp_flag(&a->comps[c], "--kubeconfig");
                if (v)
                        paths_add_abs(p, v, false);
                else if (a->dist) {
                        snprintf(buf, sizeof(buf), "var/lib/rancher/%s/server/cred/%s.kubeconfig", a->dist,
                                 c == C_SCHEDULER ? "scheduler" : "controller");
                        paths_add(p, buf, false);
                } else
                        paths_add(p, c == C_SCHEDULER ? "etc/kubernetes/scheduler.conf"
                                                      : "etc/kubernetes/controller-manager.conf", false);
                p->why_none = "no such kubeconfig on this node";
                break;
        }
        case T_PKI_ALL:
                if (exists(a, pki_dir(a)))
                        paths_add(p, pki_dir(a), true);
                paths_dir(a, p, pki_dir(a), PICK_ALL, AUDIT_MAX_DEPTH, true);
                p->why_none = "no PKI directory on this node";
                break;
        case T_PKI_CRT:
        case T_PKI_KEY:
                paths_dir(a, p, pki_dir(a), t == T_PKI_CRT ? PICK_CRT : PICK_KEY, AUDIT_MAX_DEPTH, false);
                p->why_none = "no PKI files on this node";
                break;
        case T_KUBELET_SVC: {
                const char *src = NULL;

                if (a->kubelet)
                        kfs_kubelet_argv(a->kubelet, NULL, &src);
                if (a->dist) {
                        snprintf(buf, sizeof(buf), "etc/systemd/system/%s.service", a->dist);
                        paths_add(p, buf, false);
                } else if (src && kfs_kubelet_kind(a->kubelet) && strcmp(kfs_kubelet_kind(a->kubelet), "unit") == 0) {
                        paths_add_abs(p, src, false);
                        /* its drop-ins, wherever systemd reads them from */
                        paths_dir(a, p, "etc/systemd/system/kubelet.service.d", PICK_CONF, 0, false);
                        paths_dir(a, p, "run/systemd/system/kubelet.service.d", PICK_CONF, 0, false);
                        paths_dir(a, p, "usr/local/lib/systemd/system/kubelet.service.d", PICK_CONF, 0, false);
                        paths_dir(a, p, "usr/lib/systemd/system/kubelet.service.d", PICK_CONF, 0, false);
                        paths_dir(a, p, "lib/systemd/system/kubelet.service.d", PICK_CONF, 0, false);
                }
                p->why_none = "no kubelet service file on this node";
                break;
        }
        case T_PROXY_KUBECONFIG:
                v = comp_flag(&a->comps[C_PROXY], "--kubeconfig");
                if (v)
                        paths_add_abs(p, v, false);
                else if (a->dist) {
                        snprintf(buf, sizeof(buf), "var/lib/rancher/%s/agent/kubeproxy.kubeconfig", a->dist);
                        paths_add(p, buf, false);
                } else {
                        paths_add(p, "etc/kubernetes/kube-proxy.kubeconfig", false);
                        paths_add(p, "var/lib/kube-proxy/kubeconfig.conf", false);
                }
                p->why_none = "no kube-proxy kubeconfig file on this node (kubeadm keeps it in a ConfigMap)";
                break;
        case T_KUBELET_KUBECONFIG:
                v = a->kubelet ? kfs_kubelet_flag(a->kubelet, "--kubeconfig") : NULL;
                paths_add_abs(p, v, false);
                p->why_none = v ? "the kubelet's --kubeconfig file does not exist" : "the kubelet has no --kubeconfig";
                break;
        case T_CLIENT_CA: {
                const char *json = a->kubelet ? kfs_kubelet_get(a->kubelet, "authentication.x509.clientCAFile", NULL) : NULL;
                json_t *s = json ? json_loads(json, JSON_DECODE_ANY, NULL) : NULL;

                if (json_is_string(s))
                        paths_add_abs(p, json_string_value(s), false);
                json_decref(s);
                p->why_none = "the kubelet has no client CA file";
                break;
        }
        case T_KUBELET_CONFIG: {
                char *const *dropins;
                size_t n = 0;

                if (!a->kubelet)
                        break;
                paths_add_abs(p, kfs_kubelet_config_path(a->kubelet), false);
                if (kfs_kubelet_config_dir(a->kubelet) && exists(a, kfs_kubelet_config_dir(a->kubelet) + 1))
                        paths_add_abs(p, kfs_kubelet_config_dir(a->kubelet), true);
                dropins = kfs_kubelet_dropins(a->kubelet, &n);
                for (size_t i = 0; i < n; i++)
                        paths_add_abs(p, dropins[i], false);
                p->why_none = "the kubelet uses no config file";
                break;
        }
        }
}

/* Directories a check's file is reached through, inside ROOT: one others
 * may write to (without the sticky bit) or not owned by root lets them
 * replace the file. */
static void check_parents(const struct audit *a, struct result *r, const char *rel, bool mode_check,
                          struct paths *seen)
{
        char *dir = kfs_path_dirname(rel);

        while (dir && *dir) {
                struct stat st;
                char *up;
                bool known = false;

                for (size_t i = 0; i < seen->n; i++)
                        known |= strcmp(seen->v[i], dir) == 0;
                if (!known && kfs_root_stat(a->env->root, dir, KFS_RESOLVE_FOLLOW, &st) == 0) {
                        paths_add(seen, dir, true);
                        if (mode_check && (st.st_mode & 022) && !(st.st_mode & S_ISVTX)) {
                                res_line(r, "/%s: parent directory permissions=%o: others may replace what is below it",
                                         dir, (unsigned) (st.st_mode & 07777));
                                res_status(r, KFS_AUDIT_FAIL);
                        } else if (!mode_check && st.st_uid != 0) {
                                char owner[140];

                                audit_owner(a, &st, owner, sizeof(owner));
                                res_line(r, "/%s: parent directory owned by %s: its owner may replace what is below it",
                                         dir, owner);
                                res_status(r, KFS_AUDIT_FAIL);
                        }
                }
                up = kfs_path_dirname(dir);
                free(dir);
                dir = up;
        }
        free(dir);
}

static void run_fcheck(struct audit *a, const struct fcheck *c)
{
        struct result *r = res_new(a, c->id, c->text, c->scored);
        struct paths *p = calloc(1, sizeof(*p)), *seen = calloc(1, sizeof(*seen));
        size_t found = 0;

        if (!r || !p || !seen) {
                free(p);
                free(seen);
                return;
        }
        resolve(a, c->target, p);
        if (c->mode) {
                kfs_buf_addf(&r->remediation, "chmod %o the file(s) named below (u=rw at most%s); keep every "
                             "directory on the way owned by root and not writable by group or others.",
                             c->mode, c->mode == 0644 ? ", read for others" : "");
        } else {
                kfs_buf_addf(&r->remediation, "chown %s the file(s) named below; keep every directory on the way "
                             "owned by root.", c->owner);
        }
        for (size_t i = 0; i < p->n; i++) {
                char *dir = kfs_path_dirname(p->v[i]);
                bool visible = dir && kfs_report_may_search(a->env, dir);
                struct stat st;

                free(dir);
                if (!visible) {
                        res_line(r, "/%s: you may not see it", p->v[i]);
                        res_status(r, KFS_AUDIT_WARN);
                        continue;
                }
                if (kfs_root_stat(a->env->root, p->v[i], KFS_RESOLVE_FOLLOW, &st) < 0)
                        continue;
                found++;
                kfs_buf_addf(&r->audit, "%sstat /%s", r->audit.len ? "; " : "", p->v[i]);
                if (c->mode) {
                        unsigned want = p->dir[i] && c->mode != 0700 ? c->mode | 0111 : c->mode;
                        unsigned mode = st.st_mode & 07777;

                        if (p->dir[i] && c->mode != 0700)
                                want = 0755;
                        res_line(r, "/%s: permissions=%o", p->v[i], mode);
                        if (mode & ~want)
                                res_status(r, KFS_AUDIT_FAIL);
                } else {
                        char owner[140];

                        audit_owner(a, &st, owner, sizeof(owner));
                        res_line(r, "/%s: %s", p->v[i], owner);
                        if (strcmp(owner, c->owner))
                                res_status(r, KFS_AUDIT_FAIL);
                }
                check_parents(a, r, p->v[i], c->mode != 0, seen);
        }
        if (c->mode)
                r->expected = audit_strf("permissions %o or more restrictive; no parent directory writable by others", c->mode);
        else
                r->expected = audit_strf("owner %s; every parent directory owned by root", c->owner);
        if (found == 0 && r->r.status == KFS_AUDIT_PASS) {
                res_line(r, "%s", p->why_none ? p->why_none : "no such file");
                r->r.status = KFS_AUDIT_WARN;
                kfs_buf_reset(&r->remediation);
        }
        for (size_t i = 0; i < p->n; i++)
                free(p->v[i]);
        for (size_t i = 0; i < seen->n; i++)
                free(seen->v[i]);
        free(p);
        free(seen);
}

/* ---- flag checks (1.2.x-1.4.x, 2.x) ---- */

enum op { OP_SET, OP_UNSET, OP_EQ, OP_NOTEQ, OP_HAS, OP_NOTHAVE, OP_GTE, OP_VALID };

struct item {
        const char *flag;
        enum op op;
        const char *value;
};

struct flagcheck {
        const char *id;
        enum comp comp;
        bool scored, or, manual;
        const char *text;
        struct item items[2];
};

static const struct flagcheck flagchecks[] = {
        { "1.2.1", C_APISERVER, false, false, false,
          "Ensure that the --anonymous-auth argument is set to false (Manual)",
          { { "--anonymous-auth", OP_EQ, "false" } } },
        { "1.2.2", C_APISERVER, true, false, false,
          "Ensure that the --token-auth-file parameter is not set (Automated)",
          { { "--token-auth-file", OP_UNSET, "" } } },
        { "1.2.3", C_APISERVER, false, true, false,
          "Ensure that the --DenyServiceExternalIPs is set (Manual)",
          { { "--enable-admission-plugins", OP_HAS, "DenyServiceExternalIPs" } } },
        { "1.2.4", C_APISERVER, true, false, false,
          "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate (Automated)",
          { { "--kubelet-client-certificate", OP_SET, "" }, { "--kubelet-client-key", OP_SET, "" } } },
        { "1.2.5", C_APISERVER, true, false, false,
          "Ensure that the --kubelet-certificate-authority argument is set as appropriate (Automated)",
          { { "--kubelet-certificate-authority", OP_SET, "" } } },
        { "1.2.6", C_APISERVER, true, false, false,
          "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
          { { "--authorization-mode", OP_NOTHAVE, "AlwaysAllow" } } },
        { "1.2.7", C_APISERVER, true, false, false,
          "Ensure that the --authorization-mode argument includes Node (Automated)",
          { { "--authorization-mode", OP_HAS, "Node" } } },
        { "1.2.8", C_APISERVER, true, false, false,
          "Ensure that the --authorization-mode argument includes RBAC (Automated)",
          { { "--authorization-mode", OP_HAS, "RBAC" } } },
        { "1.2.9", C_APISERVER, false, false, false,
          "Ensure that the admission control plugin EventRateLimit is set (Manual)",
          { { "--enable-admission-plugins", OP_HAS, "EventRateLimit" } } },
        { "1.2.10", C_APISERVER, true, true, false,
          "Ensure that the admission control plugin AlwaysAdmit is not set (Automated)",
          { { "--enable-admission-plugins", OP_NOTHAVE, "AlwaysAdmit" }, { "--enable-admission-plugins", OP_UNSET, "" } } },
        { "1.2.11", C_APISERVER, false, false, false,
          "Ensure that the admission control plugin AlwaysPullImages is set (Manual)",
          { { "--enable-admission-plugins", OP_HAS, "AlwaysPullImages" } } },
        { "1.2.12", C_APISERVER, true, true, false,
          "Ensure that the admission control plugin ServiceAccount is set (Automated)",
          { { "--disable-admission-plugins", OP_NOTHAVE, "ServiceAccount" }, { "--disable-admission-plugins", OP_UNSET, "" } } },
        { "1.2.13", C_APISERVER, true, true, false,
          "Ensure that the admission control plugin NamespaceLifecycle is set (Automated)",
          { { "--disable-admission-plugins", OP_NOTHAVE, "NamespaceLifecycle" }, { "--disable-admission-plugins", OP_UNSET, "" } } },
        { "1.2.14", C_APISERVER, true, false, false,
          "Ensure that the admission control plugin NodeRestriction is set (Automated)",
          { { "--enable-admission-plugins", OP_HAS, "NodeRestriction" } } },
        { "1.2.15", C_APISERVER, true, false, false,
          "Ensure that the --profiling argument is set to false (Automated)",
          { { "--profiling", OP_EQ, "false" } } },
        { "1.2.16", C_APISERVER, true, false, false,
          "Ensure that the --audit-log-path argument is set (Automated)",
          { { "--audit-log-path", OP_SET, "" } } },
        { "1.2.17", C_APISERVER, true, false, false,
          "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate (Automated)",
          { { "--audit-log-maxage", OP_GTE, "30" } } },
        { "1.2.18", C_APISERVER, true, false, false,
          "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate (Automated)",
          { { "--audit-log-maxbackup", OP_GTE, "10" } } },
        { "1.2.19", C_APISERVER, true, false, false,
          "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate (Automated)",
          { { "--audit-log-maxsize", OP_GTE, "100" } } },
        { "1.2.20", C_APISERVER, false, false, true,
          "Ensure that the --request-timeout argument is set as appropriate (Manual)",
          {  } },
        { "1.2.21", C_APISERVER, true, true, false,
          "Ensure that the --service-account-lookup argument is set to true (Automated)",
          { { "--service-account-lookup", OP_UNSET, "" }, { "--service-account-lookup", OP_EQ, "true" } } },
        { "1.2.22", C_APISERVER, true, false, false,
          "Ensure that the --service-account-key-file argument is set as appropriate (Automated)",
          { { "--service-account-key-file", OP_SET, "" } } },
        { "1.2.23", C_APISERVER, true, false, false,
          "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate (Automated)",
          { { "--etcd-certfile", OP_SET, "" }, { "--etcd-keyfile", OP_SET, "" } } },
        { "1.2.24", C_APISERVER, true, false, false,
          "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Automated)",
          { { "--tls-cert-file", OP_SET, "" }, { "--tls-private-key-file", OP_SET, "" } } },
        { "1.2.25", C_APISERVER, true, false, false,
          "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
          { { "--client-ca-file", OP_SET, "" } } },
        { "1.2.26", C_APISERVER, true, false, false,
          "Ensure that the --etcd-cafile argument is set as appropriate (Automated)",
          { { "--etcd-cafile", OP_SET, "" } } },
        { "1.2.27", C_APISERVER, false, false, false,
          "Ensure that the --encryption-provider-config argument is set as appropriate (Manual)",
          { { "--encryption-provider-config", OP_SET, "" } } },
        { "1.2.28", C_APISERVER, false, false, false,
          "Ensure that encryption providers are appropriately configured (Manual)",
          { { "provider", OP_VALID, "aescbc,kms,secretbox" } } },
        { "1.2.29", C_APISERVER, false, false, false,
          "Ensure that the API Server only makes use of Strong Cryptographic Ciphers (Manual)",
          { { "--tls-cipher-suites", OP_VALID, "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" } } },
        { "1.2.30", C_APISERVER, true, false, false,
          "Ensure that the --service-account-extend-token-expiration parameter is set to false (Automated)",
          { { "--service-account-extend-token-expiration", OP_EQ, "false" } } },
        { "1.3.1", C_CONTROLLER, false, false, false,
          "Ensure that the --terminated-pod-gc-threshold argument is set as appropriate (Manual)",
          { { "--terminated-pod-gc-threshold", OP_SET, "" } } },
        { "1.3.2", C_CONTROLLER, true, false, false,
          "Ensure that the --profiling argument is set to false (Automated)",
          { { "--profiling", OP_EQ, "false" } } },
        { "1.3.3", C_CONTROLLER, true, false, false,
          "Ensure that the --use-service-account-credentials argument is set to true (Automated)",
          { { "--use-service-account-credentials", OP_NOTEQ, "false" } } },
        { "1.3.4", C_CONTROLLER, true, false, false,
          "Ensure that the --service-account-private-key-file argument is set as appropriate (Automated)",
          { { "--service-account-private-key-file", OP_SET, "" } } },
        { "1.3.5", C_CONTROLLER, true, false, false,
          "Ensure that the --root-ca-file argument is set as appropriate (Automated)",
          { { "--root-ca-file", OP_SET, "" } } },
        { "1.3.6", C_CONTROLLER, true, true, false,
          "Ensure that the RotateKubeletServerCertificate argument is set to true (Automated)",
          { { "--feature-gates", OP_NOTHAVE, "RotateKubeletServerCertificate=false" }, { "--feature-gates", OP_UNSET, "" } } },
        { "1.3.7", C_CONTROLLER, true, true, false,
          "Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)",
          { { "--bind-address", OP_EQ, "127.0.0.1" }, { "--bind-address", OP_UNSET, "" } } },
        { "1.4.1", C_SCHEDULER, true, false, false,
          "Ensure that the --profiling argument is set to false (Automated)",
          { { "--profiling", OP_EQ, "false" } } },
        { "1.4.2", C_SCHEDULER, true, true, false,
          "Ensure that the --bind-address argument is set to 127.0.0.1 (Automated)",
          { { "--bind-address", OP_EQ, "127.0.0.1" }, { "--bind-address", OP_UNSET, "" } } },
        { "2.1", C_ETCD, true, false, false,
          "Ensure that the --cert-file and --key-file arguments are set as appropriate (Automated)",
          { { "--cert-file", OP_SET, "" }, { "--key-file", OP_SET, "" } } },
        { "2.2", C_ETCD, true, false, false,
          "Ensure that the --client-cert-auth argument is set to true (Automated)",
          { { "--client-cert-auth", OP_EQ, "true" } } },
        { "2.3", C_ETCD, true, true, false,
          "Ensure that the --auto-tls argument is not set to true (Automated)",
          { { "--auto-tls", OP_UNSET, "" }, { "--auto-tls", OP_EQ, "false" } } },
        { "2.4", C_ETCD, true, false, false,
          "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate (Automated)",
          { { "--peer-cert-file", OP_SET, "" }, { "--peer-key-file", OP_SET, "" } } },
        { "2.5", C_ETCD, true, false, false,
          "Ensure that the --peer-client-cert-auth argument is set to true (Automated)",
          { { "--peer-client-cert-auth", OP_EQ, "true" } } },
        { "2.6", C_ETCD, true, true, false,
          "Ensure that the --peer-auto-tls argument is not set to true (Automated)",
          { { "--peer-auto-tls", OP_UNSET, "" }, { "--peer-auto-tls", OP_EQ, "false" } } },
        { "2.7", C_ETCD, false, false, false,
          "Ensure that a unique Certificate Authority is used for etcd (Manual)",
          { { "--trusted-ca-file", OP_SET, "" } } },
        { 0 },
};

static bool item_ok(const struct item *it, const char *v)
{
        switch (it->op) {
        case OP_SET:
                return v != NULL;
        case OP_UNSET:
                return v == NULL;
        case OP_EQ:
                return v && strcasecmp(v, it->value) == 0;
        case OP_NOTEQ:
                return v && strcasecmp(v, it->value) != 0;
        case OP_HAS:
                return v && strstr(v, it->value) != NULL;
        case OP_NOTHAVE:
                return v && strstr(v, it->value) == NULL;
        case OP_GTE:
                return v && strtoll(v, NULL, 10) >= strtoll(it->value, NULL, 10);
        case OP_VALID: {
                char *copy = v ? strdup(v) : NULL, *save = NULL;
                bool ok = copy != NULL;

                for (char *e = copy ? strtok_r(copy, ",", &save) : NULL; e; e = strtok_r(NULL, ",", &save)) {
                        char *allowed = strdup(it->value), *s2 = NULL;
                        bool in = false;

                        for (char *x = allowed ? strtok_r(allowed, ",", &s2) : NULL; x; x = strtok_r(NULL, ",", &s2))
                                in |= strcmp(x, e) == 0;
                        free(allowed);
                        ok &= in;
                }
                free(copy);
                return ok;
        }
        }
        return false;
}

static const char *op_text(enum op op)
{
        static const char *const t[] = { "is set", "is not set", "is", "is not", "includes", "does not include",
                                          "is at least", "has only" };

        return t[op];
}

/* 1.2.28: the providers of the --encryption-provider-config file: the
 * first provider of each resource is what writes; identity writes plain. */
static void check_encryption(struct audit *a, struct result *r)
{
        const char *path = comp_flag(&a->comps[C_APISERVER], "--encryption-provider-config");
        char *rel, *data = NULL;
        size_t len;
        json_t *doc = NULL;
        bool any = false, good = true;

        kfs_buf_add(&r->remediation, "Write secrets with aescbc, kms or secretbox: make one of them the first "
                                     "provider of every resource in the --encryption-provider-config file.");
        r->expected = strdup("the first provider of each resource is aescbc, kms or secretbox");
        if (!path) {
                res_line(r, "kube-apiserver has no --encryption-provider-config");
                res_status(r, KFS_AUDIT_FAIL);
                return;
        }
        rel = kfs_path_join("", path);
        kfs_buf_addf(&r->audit, "read %s", path);
        if (!rel || kfs_report_read(a->env, rel, &data, &len) < 0) {
                res_line(r, "%s: cannot be read here", path);
                res_status(r, KFS_AUDIT_WARN);
                free(rel);
                return;
        }
        free(rel);
        {
                struct kfs_ydoc *y = NULL;
                struct kfs_buf t = KFS_BUF_INIT(SIZE_MAX / 2);
                char err[128];

                if (kfs_ydoc_parse(data, len, &y, err, sizeof(err)) == 0 && y->n_docs &&
                    kfs_yjson_render(y->docs, 1, &t, err, sizeof(err)) == 0)
                        doc = json_loads(kfs_buf_str(&t), 0, NULL);
                kfs_ydoc_free(y);
                kfs_buf_release(&t);
        }
        free(data);
        json_t *resources = json_object_get(doc, "resources");
        for (size_t i = 0; i < json_array_size(resources); i++) {
                json_t *prov = json_array_get(json_object_get(json_array_get(resources, i), "providers"), 0);
                const char *name = NULL;
                const char *k;
                json_t *v;

                json_object_foreach(prov, k, v)
                        name = k;
                any = true;
                res_line(r, "resource %zu: first provider %s", i, name ? name : "(none)");
                if (!name || (strcmp(name, "aescbc") && strcmp(name, "kms") && strcmp(name, "secretbox")))
                        good = false;
        }
        json_decref(doc);
        if (!any || !good)
                res_status(r, KFS_AUDIT_FAIL);
}

static void run_flagcheck(struct audit *a, const struct flagcheck *c)
{
        struct result *r = res_new(a, c->id, c->text, c->scored);
        const struct component *comp = &a->comps[c->comp];
        bool ok = !c->or, any = false;

        if (!r)
                return;
        if (c->manual) {
                res_undecidable(r, "a judgement about the cluster (Manual)");
                kfs_buf_add(&r->remediation, "Review it against the benchmark for this cluster.");
                return;
        }
        if (!comp->argc) {
                if (a->dist)
                        res_undecidable(r, "it runs inside the k3s/rke2 process, with arguments it makes itself");
                else
                        res_undecidable(r, "no manifest or systemd unit of it on this node");
                kfs_buf_addf(&r->remediation, "Audit %s where its command line can be seen.", comp_names[c->comp]);
                return;
        }
        kfs_buf_addf(&r->audit, "the flags of %s", comp->source ? comp->source : comp_names[c->comp]);
        if (strcmp(c->id, "1.2.28") == 0) {
                check_encryption(a, r);
                return;
        }
        {
                struct kfs_buf exp = KFS_BUF_INIT(4096);

                for (size_t i = 0; i < 2 && c->items[i].flag; i++) {
                        const char *v = comp_flag(comp, c->items[i].flag);
                        bool good = item_ok(&c->items[i], v);

                        any = true;
                        ok = c->or ? ok || good : ok && good;
                        if (i == 0 || strcmp(c->items[i].flag, c->items[0].flag))
                                res_line(r, "%s%s%s", c->items[i].flag, v ? "=" : " is not set", v ? v : "");
                        kfs_buf_addf(&exp, "%s%s %s%s%s", i ? (c->or ? " or " : " and ") : "", c->items[i].flag,
                                     op_text(c->items[i].op), *c->items[i].value ? " " : "", c->items[i].value);
                }
                r->expected = kfs_buf_detach(&exp, NULL);
                kfs_buf_release(&exp);
                kfs_buf_addf(&r->remediation, "Edit %s so that %s.", comp->source ? comp->source : comp_names[c->comp],
                             r->expected ? r->expected : "");
        }
        if (any && !ok)
                res_status(r, KFS_AUDIT_FAIL);
}

/* ---- the kubelet (4.2.x) ---- */

static const char *kubelet_text[] = {
        "Ensure that the --anonymous-auth argument is set to false (Automated)",
        "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)",
        "Ensure that the --client-ca-file argument is set as appropriate (Automated)",
        "Verify that if defined, the --read-only-port argument is set to 0 (Manual)",
        "Ensure that the --streaming-connection-idle-timeout argument is not set to 0 (Manual)",
        "Ensure that the --make-iptables-util-chains argument is set to true (Automated)",
        "Ensure that the --hostname-override argument is not set (Manual)",
        "Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture (Manual)",
        "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate (Manual)",
        "Ensure that the --rotate-certificates argument is not set to false (Automated)",
        "Verify that the RotateKubeletServerCertificate argument is set to true (Manual)",
        "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers (Manual)",
        "Ensure that a limit is set on pod PIDs (Manual)",
        "Ensure that the --seccomp-default parameter is set to true (Manual)",
};

static const char *const kubelet_ids[] = {
        "4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "4.2.6", "4.2.7", "4.2.8", "4.2.9", "4.2.10", "4.2.11",
        "4.2.12", "4.2.13", "4.2.14",
};

static const bool kubelet_scored[] = {
        true, true, true, false, false, true, false, false, false, true, false, false, false, false,
};

static const char *const strong_ciphers[] = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", NULL,
};

/* The effective value at `path` (parsed; a new reference or NULL), written
 * into the result with its source. */
static json_t *kval(struct audit *a, struct result *r, const char *path)
{
        const char *src = NULL, *text = kfs_kubelet_get(a->kubelet, path, &src);

        kfs_buf_addf(&r->audit, "%s%s", r->audit.len ? ", " : "kubelet config ", path);
        if (!text) {
                res_line(r, "%s is not set", path);
                return NULL;
        }
        res_line(r, "%s = %s    # %s", path, text, src ? src : "?");
        return json_loads(text, JSON_DECODE_ANY, NULL);
}

/* A value that came from kubelet's defaults on a k3s/rke2 node whose
 * generated drop-in is not in this copy: k3s sets its own there. */
static bool kval_unknown(struct audit *a, const char *path)
{
        const char *src = NULL;

        if (!a->dist || !strstr(kfs_kubelet_notes(a->kubelet), "00-"))
                return false;
        if (!kfs_kubelet_get(a->kubelet, path, &src))
                return true;
        return src && strncmp(src, "default", 7) == 0;
}

static void run_kubelet(struct audit *a)
{
        for (size_t i = 0; i < sizeof(kubelet_ids) / sizeof(kubelet_ids[0]); i++) {
                struct result *r = res_new(a, kubelet_ids[i], kubelet_text[i], kubelet_scored[i]);
                json_t *v = NULL, *w = NULL;
                const char *path = NULL;
                bool ok = false;

                if (!r)
                        return;
                if (!a->kubelet) {
                        res_undecidable(r, "no kubelet found on this node");
                        continue;
                }
                if (kfs_kubelet_error(a->kubelet)) {
                        res_line(r, "%s", kfs_kubelet_error(a->kubelet));
                        r->r.status = KFS_AUDIT_WARN;
                        continue;
                }
                switch (i) {
                case 0:
                        v = kval(a, r, path = "authentication.anonymous.enabled");
                        ok = json_is_false(v);
                        r->expected = strdup("authentication.anonymous.enabled is false");
                        kfs_buf_add(&r->remediation, "Set authentication.anonymous.enabled: false in the kubelet config file (or a --config-dir drop-in), and drop any --anonymous-auth=true.");
                        break;
                case 1:
                        v = kval(a, r, path = "authorization.mode");
                        ok = json_is_string(v) && strcmp(json_string_value(v), "AlwaysAllow") != 0;
                        r->expected = strdup("authorization.mode is not AlwaysAllow");
                        kfs_buf_add(&r->remediation, "Set authorization.mode: Webhook in the kubelet config, and drop any --authorization-mode=AlwaysAllow.");
                        break;
                case 2:
                        v = kval(a, r, path = "authentication.x509.clientCAFile");
                        ok = json_is_string(v) && *json_string_value(v);
                        r->expected = strdup("authentication.x509.clientCAFile is set");
                        kfs_buf_add(&r->remediation, "Set authentication.x509.clientCAFile to the cluster CA in the kubelet config.");
                        break;
                case 3:
                        v = kval(a, r, path = "readOnlyPort");
                        ok = !v || (json_is_integer(v) && json_integer_value(v) == 0);
                        r->expected = strdup("readOnlyPort is 0 or not set");
                        kfs_buf_add(&r->remediation, "Set readOnlyPort: 0 in the kubelet config, and drop any --read-only-port other than 0.");
                        break;
                case 4: {
                        int64_t ns = 0;

                        v = kval(a, r, path = "streamingConnectionIdleTimeout");
                        ok = !v || !json_is_string(v) || !kfs_kubelet_duration_parse(json_string_value(v), &ns) || ns != 0;
                        r->expected = strdup("streamingConnectionIdleTimeout is not 0");
                        kfs_buf_add(&r->remediation, "Set streamingConnectionIdleTimeout to a non-zero duration (4h0m0s is kubelet's default; 0s in a file also means the default).");
                        break;
                }
                case 5:
                        v = kval(a, r, path = "makeIPTablesUtilChains");
                        ok = !v || json_is_true(v);
                        r->expected = strdup("makeIPTablesUtilChains is true");
                        kfs_buf_add(&r->remediation, "Set makeIPTablesUtilChains: true in the kubelet config, and drop any --make-iptables-util-chains=false.");
                        break;
                case 6: {
                        const char *h = kfs_kubelet_flag(a->kubelet, "--hostname-override");

                        kfs_buf_add(&r->audit, "kubelet flag --hostname-override");
                        res_line(r, h ? "--hostname-override=%s" : "--hostname-override is not set%s", h ? h : "");
                        ok = !h;
                        r->expected = strdup("--hostname-override is not set");
                        kfs_buf_add(&r->remediation, "Remove --hostname-override from the kubelet's command line (some cloud and k3s setups need it: then accept the warning).");
                        break;
                }
                case 7:
                        v = kval(a, r, path = "eventRecordQPS");
                        ok = json_is_integer(v) && json_integer_value(v) >= 0;
                        r->expected = strdup("eventRecordQPS is 0 or more");
                        kfs_buf_add(&r->remediation, "Set eventRecordQPS to a level that captures the events you need (0: no limit).");
                        break;
                case 8:
                        v = kval(a, r, path = "tlsCertFile");
                        w = kval(a, r, "tlsPrivateKeyFile");
                        ok = json_is_string(v) && *json_string_value(v) && json_is_string(w) && *json_string_value(w);
                        r->expected = strdup("tlsCertFile and tlsPrivateKeyFile are set");
                        kfs_buf_add(&r->remediation, "Set tlsCertFile and tlsPrivateKeyFile in the kubelet config (without them the kubelet serves a self-signed certificate, unless serverTLSBootstrap is on).");
                        {
                                json_t *boot = kval(a, r, "serverTLSBootstrap");

                                json_decref(boot);
                        }
                        break;
                case 9:
                        v = kval(a, r, path = "rotateCertificates");
                        ok = json_is_true(v);
                        r->expected = strdup("rotateCertificates is true");
                        kfs_buf_add(&r->remediation, "Set rotateCertificates: true in the kubelet config (kubelet's default is false), and drop any --rotate-certificates=false.");
                        break;
                case 10:
                        v = kval(a, r, path = "featureGates.RotateKubeletServerCertificate");
                        ok = !json_is_false(v);
                        r->expected = strdup("featureGates.RotateKubeletServerCertificate is not false");
                        kfs_buf_add(&r->remediation, "Remove RotateKubeletServerCertificate=false from the kubelet's feature gates.");
                        break;
                case 11:
                        v = kval(a, r, path = "tlsCipherSuites");
                        ok = json_is_array(v) && json_array_size(v) > 0;
                        for (size_t j = 0; ok && j < json_array_size(v); j++) {
                                const char *s = json_string_value(json_array_get(v, j));
                                bool in = false;

                                for (size_t k = 0; s && strong_ciphers[k]; k++)
                                        in |= strcmp(strong_ciphers[k], s) == 0;
                                ok = in;
                        }
                        r->expected = strdup("tlsCipherSuites set, with strong ciphers only");
                        kfs_buf_add(&r->remediation, "Set tlsCipherSuites in the kubelet config to strong ciphers only (ECDHE with AES-GCM or ChaCha20-Poly1305).");
                        break;
                case 12:
                        v = kval(a, r, path = "podPidsLimit");
                        ok = json_is_integer(v) && json_integer_value(v) > 0;
                        r->expected = strdup("podPidsLimit is a positive limit (-1, kubelet's default, is none)");
                        kfs_buf_add(&r->remediation, "Set podPidsLimit in the kubelet config to the most PIDs a pod may use.");
                        break;
                case 13:
                        v = kval(a, r, path = "seccompDefault");
                        ok = json_is_true(v);
                        r->expected = strdup("seccompDefault is true");
                        kfs_buf_add(&r->remediation, "Set seccompDefault: true in the kubelet config.");
                        break;
                }
                if (!ok && path && kval_unknown(a, path)) {
                        res_line(r, "not decidable from files: %s's own kubelet defaults (its generated drop-in) are not in this copy",
                                 a->dist);
                        r->r.status = KFS_AUDIT_WARN;
                } else if (!ok)
                        res_status(r, KFS_AUDIT_FAIL);
                json_decref(v);
                json_decref(w);
        }
}

/* 4.3.1: kube-proxy's --metrics-bind-address, or metricsBindAddress in its --config. */
static void run_proxy(struct audit *a)
{
        struct result *r = res_new(a, "4.3.1", "Ensure that the kube-proxy metrics service is bound to localhost (Automated)", true);
        const struct component *c = &a->comps[C_PROXY];
        const char *v;

        if (!r)
                return;
        r->expected = strdup("metricsBindAddress on 127.0.0.1");
        kfs_buf_add(&r->remediation, "Set --metrics-bind-address=127.0.0.1:10249 (or metricsBindAddress in kube-proxy's config) on kube-proxy.");
        if (!c->argc) {
                res_undecidable(r, a->dist ? "kube-proxy runs inside the k3s/rke2 process"
                                           : "no kube-proxy manifest or unit on this node (kubeadm runs it as a DaemonSet)");
                return;
        }
        kfs_buf_addf(&r->audit, "the flags of %s", c->source ? c->source : "kube-proxy");
        v = comp_flag(c, "--metrics-bind-address");
        if (v) {
                res_line(r, "--metrics-bind-address=%s", v);
                if (!strstr(v, "127.0.0.1"))
                        res_status(r, KFS_AUDIT_FAIL);
                return;
        }
        v = comp_flag(c, "--config");
        if (v) {
                char *rel = kfs_path_join("", v), *data = NULL;
                size_t len;

                kfs_buf_addf(&r->audit, ", %s", v);
                if (rel && kfs_report_read(a->env, rel, &data, &len) == 0) {
                        struct kfs_ydoc *y = NULL;
                        char err[128];
                        const char *m = NULL;
                        bool found;

                        if (kfs_ydoc_parse(data, len, &y, err, sizeof(err)) == 0 && y->n_docs)
                                m = kfs_ymap_str(y->docs[0], "metricsBindAddress");
                        found = m != NULL;
                        if (m) {
                                res_line(r, "%s: metricsBindAddress: %s", v, m);
                                if (!strstr(m, "127.0.0.1"))
                                        res_status(r, KFS_AUDIT_FAIL);
                        }
                        kfs_ydoc_free(y);
                        free(data);
                        if (found) {
                                free(rel);
                                return;
                        }
                }
                free(rel);
        }
        res_line(r, "metricsBindAddress is not set: not decidable from files (kube-proxy's default differs across versions)");
        r->r.status = KFS_AUDIT_WARN;
}

/* ---- 3.x and 5.x: the cluster's objects ---- */

struct manual {
        const char *id, *section, *text;
};

static const struct manual manuals[] = {
        { "3.1.1", "3.1", "Client certificate authentication should not be used for users (Manual)" },
        { "3.1.2", "3.1", "Service account token authentication should not be used for users (Manual)" },
        { "3.1.3", "3.1", "Bootstrap token authentication should not be used for users (Manual)" },
        { "3.2.1", "3.2", "Ensure that a minimal audit policy is created (Manual)" },
        { "3.2.2", "3.2", "Ensure that the audit policy covers key security concerns (Manual)" },
        { "5.1.1", "5.1", "Ensure that the cluster-admin role is only used where required (Manual)" },
        { "5.1.2", "5.1", "Minimize access to secrets (Manual)" },
        { "5.1.3", "5.1", "Minimize wildcard use in Roles and ClusterRoles (Manual)" },
        { "5.1.4", "5.1", "Minimize access to create pods (Manual)" },
        { "5.1.5", "5.1", "Ensure that default service accounts are not actively used (Manual)" },
        { "5.1.6", "5.1", "Ensure that Service Account Tokens are only mounted where necessary (Manual)" },
        { "5.1.7", "5.1", "Avoid use of system:masters group (Manual)" },
        { "5.1.8", "5.1", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster (Manual)" },
        { "5.1.9", "5.1", "Minimize access to create persistent volumes (Manual)" },
        { "5.1.10", "5.1", "Minimize access to the proxy sub-resource of nodes (Manual)" },
        { "5.1.11", "5.1", "Minimize access to the approval sub-resource of certificatesigningrequests objects (Manual)" },
        { "5.1.12", "5.1", "Minimize access to webhook configuration objects (Manual)" },
        { "5.1.13", "5.1", "Minimize access to the service account token creation (Manual)" },
        { "5.2.1", "5.2", "Ensure that the cluster has at least one active policy control mechanism in place (Manual)" },
        { "5.2.2", "5.2", "Minimize the admission of privileged containers (Manual)" },
        { "5.2.3", "5.2", "Minimize the admission of containers wishing to share the host process ID namespace (Manual)" },
        { "5.2.4", "5.2", "Minimize the admission of containers wishing to share the host IPC namespace (Manual)" },
        { "5.2.5", "5.2", "Minimize the admission of containers wishing to share the host network namespace (Manual)" },
        { "5.2.6", "5.2", "Minimize the admission of containers with allowPrivilegeEscalation (Manual)" },
        { "5.2.7", "5.2", "Minimize the admission of root containers (Manual)" },
        { "5.2.8", "5.2", "Minimize the admission of containers with the NET_RAW capability (Manual)" },
        { "5.2.9", "5.2", "Minimize the admission of containers with capabilities assigned (Manual)" },
        { "5.2.10", "5.2", "Minimize the admission of Windows HostProcess containers (Manual)" },
        { "5.2.11", "5.2", "Minimize the admission of HostPath volumes (Manual)" },
        { "5.2.12", "5.2", "Minimize the admission of containers which use HostPorts (Manual)" },
        { "5.3.1", "5.3", "Ensure that the CNI in use supports NetworkPolicies (Manual)" },
        { "5.3.2", "5.3", "Ensure that all Namespaces have NetworkPolicies defined (Manual)" },
        { "5.4.1", "5.4", "Prefer using Secrets as files over Secrets as environment variables (Manual)" },
        { "5.4.2", "5.4", "Consider external secret storage (Manual)" },
        { "5.5.1", "5.5", "Configure Image Provenance using ImagePolicyWebhook admission controller (Manual)" },
        { "5.6.1", "5.6", "Create administrative boundaries between resources using namespaces (Manual)" },
        { "5.6.2", "5.6", "Ensure that the seccomp profile is set to docker/default in your Pod definitions (Manual)" },
        { "5.6.3", "5.6", "Apply SecurityContext to your Pods and Containers (Manual)" },
        { "5.6.4", "5.6", "The default namespace should not be used (Manual)" },
        { 0 },
};

static void run_manual(struct audit *a, const char *control)
{
        for (const struct manual *m = manuals; m->id; m++) {
                struct result *r;

                if (strncmp(m->id, control, strlen(control)) || m->id[strlen(control)] != '.')
                        continue;
                r = res_new(a, m->id, m->text, false);
                if (!r)
                        return;
                res_undecidable(r, "it is about the cluster's API objects or policies");
                kfs_buf_add(&r->remediation, "Review it on the live cluster (kubectl, the audit policy).");
        }
}

/* ---- sections ---- */

struct section {
        const char *id, *text;
};

struct control {
        const char *id, *text, *type;
        struct section sections[7];
};

static const struct control controls[] = {
        { "1", "Control Plane Security Configuration", "master",
          { { "1.1", "Control Plane Node Configuration Files" }, { "1.2", "API Server" },
            { "1.3", "Controller Manager" }, { "1.4", "Scheduler" } } },
        { "2", "Etcd Node Configuration", "etcd", { { "2", "Etcd Node Configuration" } } },
        { "3", "Control Plane Configuration", "controlplane",
          { { "3.1", "Authentication and Authorization" }, { "3.2", "Logging" } } },
        { "4", "Worker Node Security Configuration", "node",
          { { "4.1", "Worker Node Configuration Files" }, { "4.2", "Kubelet" }, { "4.3", "kube-proxy" } } },
        { "5", "Kubernetes Policies", "policies",
          { { "5.1", "RBAC and Service Accounts" }, { "5.2", "Pod Security Standards" },
            { "5.3", "Network Policies and CNI" }, { "5.4", "Secrets Management" },
            { "5.5", "Extensible Admission Control" }, { "5.6", "General Policies" } } },
        { 0 },
};

static void label(struct audit *a, size_t from)
{
        for (size_t i = from; i < a->n; i++) {
                struct kfs_audit_result *r = &a->res[i].r;

                for (const struct control *c = controls; c->id; c++)
                        for (const struct section *s = c->sections; s->id; s++) {
                                size_t n = strlen(s->id);

                                if (strncmp(r->id, s->id, n) == 0 && (r->id[n] == '.' || c->id[0] == '2')) {
                                        r->section = s->id;
                                        r->section_text = s->text;
                                        r->control = c->id;
                                        r->control_text = c->text;
                                        r->control_type = c->type;
                                }
                        }
        }
}

static int audit_run(const struct kfs_report_env *env, struct audit *a)
{
        struct stat st;
        bool master;

        memset(a, 0, sizeof(*a));
        a->env = env;
        a->res = calloc(AUDIT_MAX_RESULTS, sizeof(*a->res));
        if (!a->res)
                return -ENOMEM;
        if (kfs_kubelet_load(env, &a->kubelet) < 0)
                a->kubelet = NULL;
        if (a->kubelet && strcmp(kfs_kubelet_kind(a->kubelet), "k3s") == 0)
                a->dist = "k3s";
        else if (a->kubelet && strcmp(kfs_kubelet_kind(a->kubelet), "rke2") == 0)
                a->dist = "rke2";
        for (int i = 0; i < C_N; i++)
                comp_load(a, i);
        /* a control-plane node: a control-plane component's manifest or
         * unit, an admin kubeconfig, or a k3s/rke2 server's tls dir (a
         * kubeadm worker has an empty manifests dir and pki/ca.crt only) */
        master = a->dist ? kfs_root_stat(env->root, pki_dir(a), KFS_RESOLVE_FOLLOW, &st) == 0
                         : kfs_root_stat(env->root, "etc/kubernetes/admin.conf", KFS_RESOLVE_FOLLOW, &st) == 0;
        for (int i = 0; i < C_PROXY; i++) {
                char path[128];

                snprintf(path, sizeof(path), "etc/kubernetes/manifests/%s.yaml", comp_names[i]);
                master |= a->comps[i].argc > 0 || kfs_root_stat(env->root, path, KFS_RESOLVE_FOLLOW, &st) == 0;
        }
        if (!master && !a->kubelet)
                return -ENOENT;
        if (master) {
                for (const struct fcheck *c = fchecks_master; c->id; c++)
                        run_fcheck(a, c);
                for (const struct flagcheck *c = flagchecks; c->id; c++)
                        if (c->comp != C_ETCD)
                                run_flagcheck(a, c);
                if (a->comps[C_ETCD].argc || a->dist)
                        for (const struct flagcheck *c = flagchecks; c->id; c++)
                                if (c->comp == C_ETCD)
                                        run_flagcheck(a, c);
                run_manual(a, "3");
        }
        if (a->kubelet) {
                for (const struct fcheck *c = fchecks_node; c->id; c++)
                        run_fcheck(a, c);
                run_kubelet(a);
                run_proxy(a);
        }
        if (master)
                run_manual(a, "5");
        label(a, 0);
        for (size_t i = 0; i < a->n; i++) {
                struct result *r = &a->res[i];

                if (r->actual.len && r->actual.buf[r->actual.len - 1] == '\n')
                        kfs_buf_truncate(&r->actual, r->actual.len - 1);
                r->r.actual = kfs_buf_str(&r->actual);
                r->r.audit = kfs_buf_str(&r->audit);
                r->r.remediation = kfs_buf_str(&r->remediation);
                r->r.expected = r->expected ? r->expected : "";
        }
        return 0;
}

static void audit_free(struct audit *a)
{
        for (size_t i = 0; i < a->n; i++) {
                kfs_buf_release(&a->res[i].actual);
                kfs_buf_release(&a->res[i].audit);
                kfs_buf_release(&a->res[i].remediation);
                free(a->res[i].expected);
        }
        free(a->res);
        kfs_kubelet_free(a->kubelet);
        comps_free(a);
}

const char *kfs_audit_status_name(enum kfs_audit_status s)
{
        static const char *const n[] = { "PASS", "FAIL", "WARN", "INFO" };

        return n[s];
}

int kfs_audit_each(const struct kfs_report_env *env, int (*fn)(const struct kfs_audit_result *r, void *arg),
                   void *arg)
{
        struct audit a;
        int r = audit_run(env, &a);

        for (size_t i = 0; r == 0 && i < a.n; i++)
                r = fn(&a.res[i].r, arg);
        audit_free(&a);
        return r;
}
