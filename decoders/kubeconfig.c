/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeconfig: client-go's clientcmd config files (kubeadm's admin.conf and
 * kubelet.conf, ~/.kube/config, k3s.yaml and cred/NAME.kubeconfig, kubeasz's
 * NAME.kubeconfig, microk8s credentials/NAME.config), YAML or JSON, recognised by
 * content only: kind: Config, or top-level clusters with contexts or users
 * (kfs_yredact_is_kubeconfig()'s rule, on the first KFS_HEAD_MAX bytes).
 *
 * kubectl loads a kubeconfig by turning the YAML into JSON
 * (sigs.k8s.io/yaml, go-yaml v2 typing), decoding the JSON into the
 * clientcmd/api/v1 structs with Go's encoding/json rules (case-sensitive
 * names, unknown fields dropped, the first type error reported), then
 * converting the named lists into maps (a repeated name is an error).
 * kcload.c models that faithfully -- the v1 types are the tables of
 * kcload.h -- so that the views tied to kubectl print what kubectl prints,
 * and fail where it fails, with its message (less kubectl's %v dump of a list with a
 * repeated name, which would show its secrets):
 *
 *   .contexts         kubectl config get-contexts
 *   .current-context  kubectl config current-context; when unset, kubectl
 *                     writes "error: current-context is not set" to stderr
 *                     and exits 1: the sidecar holds that line (it is not a
 *                     decode failure, so nothing is logged)
 *   .yaml             kubectl config view, built from the redacted document
 *                     (kfs_yredact()): besides kubectl's DATA+OMITTED and
 *                     REDACTED, auth-provider config tokens and exec env
 *                     values read REDACTED
 *   .clusters         NAME SERVER CA TLS, one row per cluster
 *   .users            NAME AUTH, one row per user, never a secret
 *   .txt              every certificate embedded (*-data) or referenced (a
 *                     path: relative to the kubeconfig's directory, absolute
 *                     inside ROOT; -data wins as in kubectl), each source
 *                     under "# clusters[NAME].certificate-authority-data" or
 *                     "# users[NAME].client-certificate (/path)", as
 *                     `openssl x509 -noout -text` prints it; an unreadable
 *                     file or a blob without certificates is an "error:"
 *                     line there. Only CERTIFICATE blocks are read: the key
 *                     in kubelet-client-current.pem is never parsed.
 *
 * .clusters, .users and .txt have no oracle and are rendered from what
 * decoded even when kubectl would refuse the file (a repeated name, a type
 * error), so an operator still sees the certificates.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "goyaml.h"
#include "kcload.h"
#include "kcx509.h"
#include "kubeconfig.h"
#include "redact.h"
#include "tabwriter.h"
#include "ydoc.h"
#include "yredact.h"
#include "hash.h"
#include "yhead.h"

/* Distinct certificate files one kubeconfig may point at. */
#define KC_MAX_FILES 256
/* Distinct certificate blobs decoded per kubeconfig. */
#define KC_MAX_CERTS 4096
#define KC_CERT_SLOTS (2 * KC_MAX_CERTS)

/* ---- the document ---- */

/* A certificate file a kubeconfig points at, read once per decode. */
struct kc_file {
        char *path;             /* ROOT-relative, normalized */
        char *data;
        size_t len;
        int err;                /* -errno from reading it */
};

/* Where a cluster's CA or a user's certificate comes from. */
struct kc_source {
        bool set;               /* -data or a path is given */
        int file;               /* index in files: the path, where no -data overrides it; or -1 */
        int cert;               /* index in certs: the blob, decoded; or -1 */
        char data_error[64];    /* why the -data given is no blob (not base64), or "" */
};

struct kc_doc {
        struct kfs_ydoc *ydoc;
        struct kc_config raw;           /* as written: for the certificates and the tables */
        struct kc_config red;           /* from the redacted document: for .yaml */
        char error[512];                /* why kubectl refuses the file, or "" */
        struct kc_file *files;
        size_t n_files;
        /* each distinct certificate blob read once: OpenSSL's parsing is
         * what costs, and .clusters, .users and .txt all show it */
        struct kfs_kcx509_info *certs;
        size_t n_certs;
        int *cert_slots;                /* open addressing by content: KC_CERT_SLOTS indices or -1 */
        struct kc_source *cluster_ca;   /* per raw.clusters element */
        struct kc_source *user_cert;    /* per raw.users element */
};

static void kubeconfig_free(void *p)
{
        struct kc_doc *d = p;

        if (!d)
                return;
        kfs_kc_free_struct(&kc_config_type, &d->raw);
        kfs_kc_free_struct(&kc_config_type, &d->red);
        for (size_t i = 0; i < d->n_files; i++) {
                free(d->files[i].path);
                free(d->files[i].data);
        }
        free(d->files);
        for (size_t i = 0; i < d->n_certs; i++)
                kfs_kcx509_release(&d->certs[i]);
        free(d->certs);
        free(d->cert_slots);
        free(d->cluster_ca);
        free(d->user_cert);
        kfs_ydoc_free(d->ydoc);
        free(d);
}

/* Reads a referenced file once: its index in d->files, -1 past
 * KC_MAX_FILES, or -ENOMEM. */
static int kc_file(struct kc_doc *d, struct kfs_ctx *ctx, const struct kc_str *path)
{
        char *p = strndup(path->s, path->n), *rel = p ? kfs_ctx_resolve(ctx, p) : NULL;
        struct kc_file *f;

        if (!rel) {
                free(p);
                return -ENOMEM;
        }
        for (size_t i = 0; i < d->n_files; i++) {
                if (strcmp(d->files[i].path, rel) == 0) {
                        free(p);
                        free(rel);
                        return (int) i;
                }
        }
        if (d->n_files == KC_MAX_FILES || !(f = realloc(d->files, (d->n_files + 1) * sizeof(*f)))) {
                free(p);
                free(rel);
                return d->n_files == KC_MAX_FILES ? -1 : -ENOMEM;
        }
        d->files = f;
        f = &d->files[d->n_files];
        *f = (struct kc_file) { .path = rel };
        f->err = kfs_ctx_read(ctx, p, &f->data, &f->len);
        free(p);
        return (int) d->n_files++;
}

/* Decodes a blob once: its index in d->certs, -1 past KC_MAX_CERTS, or -ENOMEM. */
static int kc_cert(struct kc_doc *d, const void *data, size_t len)
{
        struct kfs_kcx509_info *c;
        size_t slot;
        int r;

        if (!d->cert_slots) {
                d->cert_slots = malloc(KC_CERT_SLOTS * sizeof(*d->cert_slots));
                if (!d->cert_slots)
                        return -ENOMEM;
                memset(d->cert_slots, 0xff, KC_CERT_SLOTS * sizeof(*d->cert_slots));
        }
        /* never full: at most half the slots are used */
        for (slot = kfs_fnv64a(KFS_FNV64A_INIT, data, len) % KC_CERT_SLOTS; d->cert_slots[slot] >= 0; slot = (slot + 1) % KC_CERT_SLOTS) {
                c = &d->certs[d->cert_slots[slot]];
                if (c->len == len && memcmp(c->data, data, len) == 0)
                        return d->cert_slots[slot];
        }
        if (d->n_certs == KC_MAX_CERTS)
                return -1;
        c = realloc(d->certs, (d->n_certs + 1) * sizeof(*c));
        if (!c)
                return -ENOMEM;
        d->certs = c;
        r = kfs_kcx509_describe(data, len, &d->certs[d->n_certs]);
        if (r < 0)
                return r;
        d->certs[d->n_certs].data = data;
        d->certs[d->n_certs].len = len;
        d->cert_slots[slot] = (int) d->n_certs;
        return (int) d->n_certs++;
}

/* The certificate source of a cluster or user: -data wins over the path, as in kubectl. */
static int kc_source(struct kc_doc *d, struct kfs_ctx *ctx, const struct kc_bytes *data,
                     const struct kc_str *path, struct kc_source *src)
{
        const struct kc_file *f;

        *src = (struct kc_source) { data->len || data->invalid || path->n, -1, -1, "" };
        if (data->invalid)
                snprintf(src->data_error, sizeof(src->data_error), "illegal base64 data at input byte %zu",
                         data->bad);
        else if (data->len)
                src->cert = kc_cert(d, data->data, data->len);
        else if (path->n && (src->file = kc_file(d, ctx, path)) >= 0 &&
                 (f = &d->files[src->file])->err == 0)
                src->cert = kc_cert(d, f->data, f->len);
        return src->file < -1 ? src->file : src->cert < -1 ? src->cert : 0;
}

static int kubeconfig_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct kc_doc *d = calloc(1, sizeof(*d));
        char err[256];
        int r;

        if (!d)
                return -ENOMEM;
        r = kfs_ydoc_parse(data, len, &d->ydoc, err, sizeof(err));
        if (r < 0) {
                kubeconfig_free(d);
                return r == -ENOMEM ? r : kfs_ctx_fail(ctx, r, "yaml: %s", err);
        }
        r = kfs_kc_load(d->ydoc, &d->raw, d->error, sizeof(d->error));
        /* kfs_kc_load() read the tree as written; the redacted copy shares its strings */
        if (r == 0)
                r = kfs_yredact(d->ydoc);
        if (r == 0)
                r = kfs_kc_load(d->ydoc, &d->red, NULL, 0);
        if (r == 0) {
                d->cluster_ca = calloc(d->raw.clusters.n + 1, sizeof(*d->cluster_ca));
                d->user_cert = calloc(d->raw.users.n + 1, sizeof(*d->user_cert));
                if (!d->cluster_ca || !d->user_cert)
                        r = -ENOMEM;
        }
        for (size_t i = 0; r == 0 && i < d->raw.clusters.n; i++) {
                const struct kc_cluster *c = &((struct kc_named_cluster *) d->raw.clusters.v)[i].cluster;

                r = kc_source(d, ctx, &c->certificate_authority_data, &c->certificate_authority, &d->cluster_ca[i]);
        }
        for (size_t i = 0; r == 0 && i < d->raw.users.n; i++) {
                const struct kc_user *u = &((struct kc_named_user *) d->raw.users.v)[i].user;

                r = kc_source(d, ctx, &u->client_certificate_data, &u->client_certificate, &d->user_cert[i]);
        }
        if (r < 0) {
                kubeconfig_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

/* ---- views ---- */

static int kc_fail_view(const struct kc_doc *d, struct kfs_ctx *ctx)
{
        return kfs_ctx_fail(ctx, -EINVAL, "%s", d->error);
}

static void kc_add(struct kfs_buf *b, const struct kc_str *s)
{
        if (s->n)
                kfs_buf_addn(b, s->s, s->n);
}

/* kubectl config get-contexts: printContextHeaders() and printContext() through tabwriter */
static int kubeconfig_render_contexts(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;
        struct kfs_buf text = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        const void **v;
        int r;

        if (d->error[0])
                return kc_fail_view(d, ctx);
        v = kfs_kc_sorted(&d->raw.contexts, sizeof(struct kc_named_context));
        if (!v)
                return -ENOMEM;
        kfs_buf_add(&text, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
        for (size_t i = 0; i < d->raw.contexts.n; i++) {
                const struct kc_named_context *c = v[i];

                kfs_buf_add(&text, kfs_kc_name_cmp(&c->name, &d->raw.current_context) == 0 ? "*\t" : " \t");
                kc_add(&text, &c->name);
                kfs_buf_addc(&text, '\t');
                kc_add(&text, &c->context.cluster);
                kfs_buf_addc(&text, '\t');
                kc_add(&text, &c->context.user);
                kfs_buf_addc(&text, '\t');
                kc_add(&text, &c->context.namespace);
                kfs_buf_addc(&text, '\n');
        }
        free(v);
        r = text.err ? text.err : kfs_tabwriter(&KFS_TABWRITER_KUBECTL, kfs_buf_str(&text), text.len, out);
        kfs_buf_release(&text);
        return r;
}

static int kubeconfig_render_current_context(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;

        if (d->error[0])
                return kc_fail_view(d, ctx);
        /* kubectl's message and exit 1; here the line is the sidecar's content */
        if (!d->raw.current_context.n)
                return kfs_buf_add(out, "error: current-context is not set\n");
        kc_add(out, &d->raw.current_context);
        return kfs_buf_addc(out, '\n');
}

/* ---- .yaml: the v1 struct back as kubectl prints it ---- */

static struct kfs_gv *kc_gv_struct(const struct kc_type *t, const void *obj, char *err, size_t errsize);

static struct kfs_gv *kc_gv_strs(const struct kc_list *l)
{
        struct kfs_gv *seq;

        if (!l->set)
                return kfs_gv_new(KFS_GV_NULL);
        seq = kfs_gv_new(KFS_GV_SEQ);
        for (size_t i = 0; seq && i < l->n; i++) {
                const struct kc_str *s = &((const struct kc_str *) l->v)[i];
                kfs_gv_append(seq, kfs_gv_strn(s->s ? s->s : "", s->n));
        }
        return seq;
}

/* A named list as kubectl prints its map: sorted by name, one entry per
 * name (the last, where client-go let a repeat overwrite a null extension). */
static struct kfs_gv *kc_gv_list(const struct kc_type *t, const struct kc_list *l, char *err, size_t errsize)
{
        struct kfs_gv *seq = kfs_gv_new(KFS_GV_SEQ);
        const void **v;

        if (!seq)
                return NULL;
        if (!t->conversion) {
                for (size_t i = 0; i < l->n; i++)
                        kfs_gv_append(seq, kc_gv_struct(t, (const char *) l->v + i * t->size, err, errsize));
                return seq;
        }
        v = kfs_kc_sorted(l, t->size);
        if (!v) {
                kfs_gv_free(seq);
                return NULL;
        }
        for (size_t i = 0; i < l->n; i++)
                if (i + 1 == l->n || kfs_kc_name_cmp(v[i], v[i + 1]) != 0)
                        kfs_gv_append(seq, kc_gv_struct(t, v[i], err, errsize));
        free(v);
        return seq;
}

static struct kfs_gv *kc_gv_field(const struct kc_field *f, const void *p, char *err, size_t errsize)
{
        switch (f->kind) {
        case KC_STRING: {
                const struct kc_str *s = p;

                if ((f->flags & KC_SECRET) && s->n)
                        return kfs_gv_str(KFS_REDACTED);
                return kfs_gv_strn(s->s ? s->s : "", s->n);
        }
        case KC_BOOL:
                return kfs_gv_bool(*(const bool *) p);
        case KC_BYTES:
                /* ShortenConfig(): never the data itself */
                return kfs_gv_str(KFS_DATA_OMITTED);
        case KC_STRINGS:
                return kc_gv_strs(p);
        case KC_STRMAP:
        case KC_EXTRA: {
                const struct kc_list *l = p;
                struct kfs_gv *m;

                if (!l->set)
                        return kfs_gv_new(KFS_GV_NULL);
                m = kfs_gv_new(KFS_GV_MAP);
                for (size_t i = 0; m && i < l->n; i++) {
                        if (f->kind == KC_EXTRA) {
                                const struct kc_kvs *e = &((const struct kc_kvs *) l->v)[i];
                                kfs_gv_setn(m, e->key.s ? e->key.s : "", e->key.n, kc_gv_strs(&e->values));
                        } else {
                                const struct kc_kv *e = &((const struct kc_kv *) l->v)[i];
                                kfs_gv_setn(m, e->key.s ? e->key.s : "", e->key.n,
                                            kfs_gv_strn(e->value.s ? e->value.s : "", e->value.n));
                        }
                }
                return m;
        }
        case KC_STRUCT:
                return kc_gv_struct(f->type, p, err, errsize);
        case KC_PTR:
                if (!*(void *const *) p)
                        return kfs_gv_new(KFS_GV_NULL);
                return kc_gv_struct(f->type, *(void *const *) p, err, errsize);
        case KC_LIST: {
                const struct kc_list *l = p;

                /* a named list went through a map: empty comes back nil */
                if (!l->set || (f->type->conversion && l->n == 0))
                        return kfs_gv_new(KFS_GV_NULL);
                return kc_gv_list(f->type, l, err, errsize);
        }
        case KC_RAW:
                return kfs_gv_from_ynode(*(const struct kfs_ynode *const *) p, err, errsize);
        }
        return NULL;
}

static bool kc_empty(const struct kc_field *f, const void *p)
{
        switch (f->kind) {
        case KC_STRING:
                return ((const struct kc_str *) p)->n == 0;
        case KC_BOOL:
                return !*(const bool *) p;
        case KC_BYTES:
                return ((const struct kc_bytes *) p)->len == 0;
        case KC_STRINGS:
        case KC_STRMAP:
        case KC_EXTRA:
        case KC_LIST:
                return ((const struct kc_list *) p)->n == 0;
        case KC_PTR:
                return !*(void *const *) p;
        default:
                return false;
        }
}

static struct kfs_gv *kc_gv_struct(const struct kc_type *t, const void *obj, char *err, size_t errsize)
{
        struct kfs_gv *m = kfs_gv_new(KFS_GV_MAP);

        for (const struct kc_field *f = t->fields; m && f->name; f++) {
                const void *p = kc_cat(obj, f);

                if ((f->flags & KC_OMITEMPTY) && kc_empty(f, p))
                        continue;
                kfs_gv_set(m, f->name, kc_gv_field(f, p, err, errsize));
        }
        return m;
}

static int kubeconfig_render_yaml(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;
        struct kfs_gv *v;
        char err[256] = "";
        int r;

        if (d->error[0])
                return kc_fail_view(d, ctx);
        v = kc_gv_struct(&kc_config_type, &d->red, err, sizeof(err));
        /* ConvertToVersion() sets them, whatever the file said */
        if (v) {
                kfs_gv_set(v, "apiVersion", kfs_gv_str("v1"));
                kfs_gv_set(v, "kind", kfs_gv_str("Config"));
        }
        if (err[0]) {
                kfs_gv_free(v);
                return kfs_ctx_fail(ctx, -EINVAL, "%s", err);
        }
        if (kfs_gv_failed(v)) {
                kfs_gv_free(v);
                return -ENOMEM;
        }
        r = kfs_goyaml_emit(v, out, err, sizeof(err));
        kfs_gv_free(v);
        if (r < 0 && err[0])
                return kfs_ctx_fail(ctx, r, "%s", err);
        return r;
}

/* ---- .clusters, .users, .txt ---- */

static const char *kc_errno(int err)
{
        return err == -EFBIG ? "too big" : err == -EINVAL ? "not a regular file" : strerror(-err);
}

/* What a source holds, or why it holds nothing: NULL with *ret_why. */
static const struct kfs_kcx509_info *kc_source_cert(const struct kc_doc *d, const struct kc_source *src,
                                                   const char **ret_why)
{
        const struct kfs_kcx509_info *c = src->cert >= 0 ? &d->certs[src->cert] : NULL;

        *ret_why = NULL;
        if (src->data_error[0])
                *ret_why = src->data_error;
        else if (src->file >= 0 && d->files[src->file].err < 0)
                *ret_why = kc_errno(d->files[src->file].err);
        else if (!c)
                *ret_why = "too many certificate files to show";
        else if (c->n < 0)
                *ret_why = c->err;
        return c;
}

/* "embedded (CN=x, expires t)" / "/path (CN=x, expires t)" / "/path (error: ...)" */
static void kc_cert_cell(const struct kc_doc *d, const struct kc_source *src, struct kfs_buf *b)
{
        const char *why;
        const struct kfs_kcx509_info *c = kc_source_cert(d, src, &why);

        if (!src->set) {
                kfs_buf_add(b, "<none>");
                return;
        }
        if (src->file >= 0)
                kfs_buf_addf(b, "/%s (", d->files[src->file].path);
        else
                kfs_buf_add(b, src->cert >= 0 || src->data_error[0] ? "embedded (" : "(");
        if (why)
                kfs_buf_addf(b, "error: %s)", why);
        else
                kfs_buf_addf(b, "%s)", c->summary);
}


/* A cell of a name as written: tabs and newlines would break the table. */
static void kc_add_cell(struct kfs_buf *b, const struct kc_str *s)
{
        for (size_t i = 0; i < s->n; i++)
                kfs_buf_addc(b, s->s[i] == '\t' || s->s[i] == '\n' ? ' ' : s->s[i]);
}

/*
 * A table of a named list, a row per element sorted by name, aligned as
 * kubectl aligns: the NAME cell, then what row() writes.
 */
static int kc_table(const struct kc_doc *d, const struct kc_list *l, size_t size, const char *header,
                    void (*row)(const struct kc_doc *d, size_t index, const void *elem, struct kfs_buf *b),
                    struct kfs_buf *out)
{
        struct kfs_buf text = KFS_BUF_INIT(KFS_MAX_OUTPUT);
        const void **v = kfs_kc_sorted(l, size);
        int r;

        if (!v)
                return -ENOMEM;
        kfs_buf_add(&text, header);
        for (size_t i = 0; i < l->n; i++) {
                kc_add_cell(&text, v[i]);       /* named types start with their name */
                kfs_buf_addc(&text, '\t');
                row(d, kfs_kc_index(l, v[i], size), v[i], &text);
                kfs_buf_addc(&text, '\n');
        }
        free(v);
        r = text.err ? text.err : kfs_tabwriter(&KFS_TABWRITER_KUBECTL, kfs_buf_str(&text), text.len, out);
        kfs_buf_release(&text);
        return r;
}

static void kc_cluster_row(const struct kc_doc *d, size_t index, const void *elem, struct kfs_buf *b)
{
        const struct kc_cluster *c = &((const struct kc_named_cluster *) elem)->cluster;

        kc_add_cell(b, &c->server);
        kfs_buf_addc(b, '\t');
        kc_cert_cell(d, &d->cluster_ca[index], b);
        kfs_buf_add(b, c->insecure_skip_tls_verify ? "\tinsecure-skip-tls-verify" : "\tverify");
        if (c->tls_server_name.n) {
                kfs_buf_add(b, " tls-server-name=");
                kc_add_cell(b, &c->tls_server_name);
        }
}

static int kubeconfig_render_clusters(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;

        return kc_table(d, &d->raw.clusters, sizeof(struct kc_named_cluster), "NAME\tSERVER\tCA\tTLS\n",
                        kc_cluster_row, out);
}

/* One user's ways to authenticate, never their secrets. */
static void kc_user_row(const struct kc_doc *d, size_t index, const void *elem, struct kfs_buf *b)
{
        const struct kc_user *u = &((const struct kc_named_user *) elem)->user;
        size_t start = b->len;

#define KC_NEXT() do { if (b->len > start) kfs_buf_add(b, "; "); } while (0)
        if (d->user_cert[index].set) {
                kfs_buf_add(b, "client-certificate ");
                kc_cert_cell(d, &d->user_cert[index], b);
        }
        if (u->token.n) {
                KC_NEXT();
                kfs_buf_add(b, "token");
        }
        if (u->token_file.n) {
                KC_NEXT();
                kfs_buf_add(b, "tokenFile ");
                kc_add_cell(b, &u->token_file);
        }
        if (u->username.n || u->password.n) {
                KC_NEXT();
                kfs_buf_add(b, "basic");
                if (u->username.n) {
                        kfs_buf_addc(b, ' ');
                        kc_add_cell(b, &u->username);
                }
        }
        if (u->exec) {
                KC_NEXT();
                kfs_buf_add(b, "exec ");
                kc_add_cell(b, &u->exec->command);
        }
        if (u->auth_provider) {
                KC_NEXT();
                kfs_buf_add(b, "auth-provider ");
                kc_add_cell(b, &u->auth_provider->name);
        }
        if (u->as.n || u->as_uid.n || u->as_groups.n) {
                KC_NEXT();
                kfs_buf_add(b, "impersonate");
                if (u->as.n) {
                        kfs_buf_add(b, " as=");
                        kc_add_cell(b, &u->as);
                }
                if (u->as_uid.n) {
                        kfs_buf_add(b, " as-uid=");
                        kc_add_cell(b, &u->as_uid);
                }
                for (size_t i = 0; i < u->as_groups.n; i++) {
                        kfs_buf_add(b, i ? "," : " as-groups=");
                        kc_add_cell(b, &((const struct kc_str *) u->as_groups.v)[i]);
                }
        }
#undef KC_NEXT
        if (b->len == start)
                kfs_buf_add(b, "<none>");
}

static int kubeconfig_render_users(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;

        return kc_table(d, &d->raw.users, sizeof(struct kc_named_user), "NAME\tAUTH\n", kc_user_row, out);
}

/* One source of certificates under its header: "# users[NAME].client-certificate-data". */
static void kc_txt_section(const struct kc_doc *d, const char *list, const struct kc_str *name,
                           const char *field, const struct kc_source *src, struct kfs_buf *out)
{
        const char *why;
        const struct kfs_kcx509_info *c = kc_source_cert(d, src, &why);

        if (!src->set)
                return;
        if (out->len)
                kfs_buf_addc(out, '\n');
        kfs_buf_addf(out, "# %s[", list);
        kc_add_cell(out, name);
        if (src->file >= 0)
                kfs_buf_addf(out, "].%s (/%s)\n", field, d->files[src->file].path);
        else
                kfs_buf_addf(out, "].%s%s\n", field, src->cert >= 0 || src->data_error[0] ? "-data" : "");
        if (c)
                kfs_buf_addn(out, c->text, c->text_len);
        if (why)
                kfs_buf_addf(out, "error: %s\n", why);
}

static int kubeconfig_render_txt(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kc_doc *d = doc;
        const void **cl = kfs_kc_sorted(&d->raw.clusters, sizeof(struct kc_named_cluster));
        const void **us = kfs_kc_sorted(&d->raw.users, sizeof(struct kc_named_user));

        if (!cl || !us) {
                free(cl);
                free(us);
                return -ENOMEM;
        }
        for (size_t i = 0; i < d->raw.clusters.n && !out->err; i++) {
                const struct kc_named_cluster *c = cl[i];

                kc_txt_section(d, "clusters", &c->name, "certificate-authority",
                               &d->cluster_ca[kfs_kc_index(&d->raw.clusters, c, sizeof(*c))], out);
        }
        for (size_t i = 0; i < d->raw.users.n && !out->err; i++) {
                const struct kc_named_user *u = us[i];

                kc_txt_section(d, "users", &u->name, "client-certificate",
                               &d->user_cert[kfs_kc_index(&d->raw.users, u, sizeof(*u))], out);
        }
        free(cl);
        free(us);
        return out->err;
}

/* ---- recognition ---- */

/* What the first document's top-level keys say (yhead.h). */
struct kc_seen {
        bool kind_config, kind_other, clusters, contexts, users, api_other;
};

static int kc_seen_key(const struct kfs_yhead_key *k, void *arg)
{
        struct kc_seen *seen = arg;

        if (k->doc > 0)
                return 1;               /* kubectl reads the first document only */
        if (k->item)
                return 0;
        if (kfs_yhead_is(k->key, k->key_len, "kind"))
                (kfs_yhead_is(k->value, k->value_len, "Config") ? &seen->kind_config : &seen->kind_other)[0] = true;
        else if (kfs_yhead_is(k->key, k->key_len, "apiVersion"))
                seen->api_other |= !kfs_yhead_is(k->value, k->value_len, "v1");
        else if (kfs_yhead_is(k->key, k->key_len, "clusters"))
                seen->clusters = true;
        else if (kfs_yhead_is(k->key, k->key_len, "contexts"))
                seen->contexts = true;
        else if (kfs_yhead_is(k->key, k->key_len, "users"))
                seen->users = true;
        return 0;
}

/* The same rule as kfs_yredact_is_kubeconfig(), on the first KFS_HEAD_MAX bytes. */
static bool kubeconfig_match(const struct kfs_probe *p)
{
        struct kc_seen seen = { 0 };

        kfs_yhead_scan(p->head, p->head_len, kc_seen_key, &seen);
        if (seen.kind_config || (seen.clusters && (seen.contexts || seen.users)))
                return true;
        /* kubectl writes clusters (with their certificates) before contexts,
         * kind and users: a big one shows only its clusters in the head */
        return p->size > p->head_len && seen.clusters && !seen.kind_other && !seen.api_other;
}

static const struct kfs_view kubeconfig_views[] = {
        { "contexts", kubeconfig_render_contexts, 0 },
        { "current-context", kubeconfig_render_current_context, 0 },
        { "clusters", kubeconfig_render_clusters, 0 },
        { "users", kubeconfig_render_users, 0 },
        { "yaml", kubeconfig_render_yaml, 0 },
        { "txt", kubeconfig_render_txt, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_kubeconfig = {
        .name = "kubeconfig",
        .match = kubeconfig_match,
        .parse = kubeconfig_parse,
        .free = kubeconfig_free,
        .views = kubeconfig_views,
};

/* ---- for the reports (kubeconfig.h) ---- */

int kfs_kubeconfig_each_embedded(const char *data, size_t len,
                                 int (*fn)(const struct kfs_kubeconfig_embedded *e, void *arg), void *arg,
                                 char *ret_error, size_t error_size)
{
        struct kfs_ydoc *ydoc = NULL;
        struct kc_config c = { 0 };
        const struct kc_str *cur_cluster = NULL, *cur_user = NULL;
        char err[256];
        int r;

        if (ret_error && error_size)
                ret_error[0] = '\0';
        r = kfs_ydoc_parse(data, len, &ydoc, err, sizeof(err));
        if (r < 0) {
                if (ret_error && error_size)
                        snprintf(ret_error, error_size, "yaml: %s", err);
                return r == -ENOMEM ? r : -EINVAL;
        }
        r = kfs_kc_load(ydoc, &c, ret_error, error_size);
        /* current-context names a context; its cluster and user are "current" */
        for (size_t i = 0; r == 0 && c.current_context.n && i < c.contexts.n; i++) {
                const struct kc_named_context *nc = &((const struct kc_named_context *) c.contexts.v)[i];

                if (kfs_kc_name_cmp(&nc->name, &c.current_context) == 0) {
                        cur_cluster = &nc->context.cluster;
                        cur_user = &nc->context.user;
                        break;
                }
        }
        for (size_t i = 0; r == 0 && i < c.clusters.n; i++) {
                const struct kc_named_cluster *nc = &((const struct kc_named_cluster *) c.clusters.v)[i];
                struct kfs_kubeconfig_embedded e = {
                        "cluster", nc->name.s ? nc->name.s : "", nc->name.n,
                        nc->cluster.certificate_authority_data.data, nc->cluster.certificate_authority_data.len,
                        cur_cluster && kfs_kc_name_cmp(&nc->name, cur_cluster) == 0,
                };

                if (e.len)
                        r = fn(&e, arg);
        }
        for (size_t i = 0; r == 0 && i < c.users.n; i++) {
                const struct kc_named_user *nu = &((const struct kc_named_user *) c.users.v)[i];
                struct kfs_kubeconfig_embedded e = {
                        "user", nu->name.s ? nu->name.s : "", nu->name.n,
                        nu->user.client_certificate_data.data, nu->user.client_certificate_data.len,
                        cur_user && kfs_kc_name_cmp(&nu->name, cur_user) == 0,
                };

                if (e.len)
                        r = fn(&e, arg);
        }
        kfs_kc_free_struct(&kc_config_type, &c);
        kfs_ydoc_free(ydoc);
        return r;
}
