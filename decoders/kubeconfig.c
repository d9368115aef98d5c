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
 * converting the named lists into maps (a repeated name is an error). This
 * file models that faithfully -- the v1 types are the tables below -- so
 * that the views tied to kubectl print what kubectl prints, and fail where
 * it fails, with its message (less kubectl's %v dump of a list with a
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
#include "kcx509.h"
#include "redact.h"
#include "tabwriter.h"
#include "ydoc.h"
#include "yredact.h"

/* Certificate bytes decoded from one file, aliases included. */
#define KC_MAX_DECODED (64u << 20)
/* Distinct certificate files one kubeconfig may point at. */
#define KC_MAX_FILES 256
/* Distinct certificate blobs decoded per kubeconfig. */
#define KC_MAX_CERTS 4096
#define KC_CERT_SLOTS (2 * KC_MAX_CERTS)

/* ---- the model: k8s.io/client-go/tools/clientcmd/api/v1 ---- */

struct kc_str {
        const char *s;          /* NULL: the empty string */
        size_t n;
};

struct kc_bytes {
        unsigned char *data;    /* owned */
        size_t len;
        bool invalid;           /* not base64: Go's error names byte `bad` */
        size_t bad;
};

/* A Go slice or map: `set` tells an empty one from nil (printed [] vs null). */
struct kc_list {
        void *v;                /* n elements of the field type's size; owned */
        size_t n;
        bool set;
};

struct kc_kv {                  /* map[string]string */
        struct kc_str key, value;
};

struct kc_kvs {                 /* map[string][]string */
        struct kc_str key;
        struct kc_list values;  /* of struct kc_str */
};

/* Named types start with their name: lists of them are sorted and checked by it. */
struct kc_extension {
        struct kc_str name;
        const struct kfs_ynode *extension;      /* runtime.RawExtension: any JSON; NULL for null */
};

struct kc_preferences {
        bool colors;
        struct kc_list extensions;
};

struct kc_cluster {
        struct kc_str server, tls_server_name, certificate_authority, proxy_url;
        bool insecure_skip_tls_verify, disable_compression;
        struct kc_bytes certificate_authority_data;
        struct kc_list extensions;
};

struct kc_auth_provider {
        struct kc_str name;
        struct kc_list config;  /* of struct kc_kv */
};

struct kc_env {
        struct kc_str name, value;
};

struct kc_exec {
        struct kc_str command, api_version, install_hint, interactive_mode;
        struct kc_list args;    /* of struct kc_str */
        struct kc_list env;     /* of struct kc_env */
        bool provide_cluster_info;
};

struct kc_user {
        struct kc_str client_certificate, client_key, token, token_file;
        struct kc_str as, as_uid, username, password;
        struct kc_bytes client_certificate_data, client_key_data;
        struct kc_list as_groups;       /* of struct kc_str */
        struct kc_list as_user_extra;   /* of struct kc_kvs */
        struct kc_auth_provider *auth_provider;
        struct kc_exec *exec;
        struct kc_list extensions;
};

struct kc_context {
        struct kc_str cluster, user, namespace;
        struct kc_list extensions;
};

struct kc_named_cluster {
        struct kc_str name;
        struct kc_cluster cluster;
};

struct kc_named_user {
        struct kc_str name;
        struct kc_user user;
};

struct kc_named_context {
        struct kc_str name;
        struct kc_context context;
};

struct kc_config {
        struct kc_str api_version, kind, current_context;
        struct kc_preferences preferences;
        struct kc_list clusters, users, contexts, extensions;
};

/* ---- the schema, as tables: Go names for messages, JSON names, omitempty ---- */

enum kc_kind {
        KC_STRING,
        KC_BOOL,
        KC_BYTES,               /* []byte: base64 in JSON; always omitempty here */
        KC_STRINGS,             /* []string */
        KC_STRMAP,              /* map[string]string */
        KC_EXTRA,               /* map[string][]string */
        KC_STRUCT,
        KC_PTR,                 /* *struct */
        KC_LIST,                /* []struct; a named type's list is a map inside kubectl */
        KC_RAW,                 /* runtime.RawExtension */
};

enum {
        KC_OMITEMPTY = 1 << 0,
        KC_SECRET = 1 << 1,     /* kubectl view shows REDACTED */
};

struct kc_type;

struct kc_field {
        const char *name;
        enum kc_kind kind;
        size_t off;
        unsigned flags;
        const struct kc_type *type;     /* KC_STRUCT, KC_PTR, KC_LIST */
        const char *gotype;             /* KC_STRING of a named string type */
};

struct kc_type {
        const char *go;                 /* "Cluster": messages name the struct so */
        const char *v1;                 /* "v1.Cluster": and its type so */
        size_t size;
        const struct kc_field *fields;  /* sorted by name: the order Go meets JSON keys */
        const char *conversion;         /* named types: how kubectl names the list-to-map step */
};

#define F(st, json, kind, member, flags, type) \
        { json, kind, offsetof(st, member), flags, type, NULL }

static const struct kc_type kc_extension_type, kc_preferences_type, kc_cluster_type,
        kc_auth_provider_type, kc_env_type, kc_exec_type, kc_user_type, kc_context_type,
        kc_named_cluster_type, kc_named_user_type, kc_named_context_type, kc_config_type;

static const struct kc_field kc_extension_fields[] = {
        F(struct kc_extension, "extension", KC_RAW, extension, 0, NULL),
        F(struct kc_extension, "name", KC_STRING, name, 0, NULL),
        { 0 },
};

static const struct kc_field kc_preferences_fields[] = {
        F(struct kc_preferences, "colors", KC_BOOL, colors, KC_OMITEMPTY, NULL),
        F(struct kc_preferences, "extensions", KC_LIST, extensions, KC_OMITEMPTY, &kc_extension_type),
        { 0 },
};

static const struct kc_field kc_cluster_fields[] = {
        F(struct kc_cluster, "certificate-authority", KC_STRING, certificate_authority, KC_OMITEMPTY, NULL),
        F(struct kc_cluster, "certificate-authority-data", KC_BYTES, certificate_authority_data, KC_OMITEMPTY, NULL),
        F(struct kc_cluster, "disable-compression", KC_BOOL, disable_compression, KC_OMITEMPTY, NULL),
        F(struct kc_cluster, "extensions", KC_LIST, extensions, KC_OMITEMPTY, &kc_extension_type),
        F(struct kc_cluster, "insecure-skip-tls-verify", KC_BOOL, insecure_skip_tls_verify, KC_OMITEMPTY, NULL),
        F(struct kc_cluster, "proxy-url", KC_STRING, proxy_url, KC_OMITEMPTY, NULL),
        F(struct kc_cluster, "server", KC_STRING, server, 0, NULL),
        F(struct kc_cluster, "tls-server-name", KC_STRING, tls_server_name, KC_OMITEMPTY, NULL),
        { 0 },
};

static const struct kc_field kc_auth_provider_fields[] = {
        F(struct kc_auth_provider, "config", KC_STRMAP, config, 0, NULL),
        F(struct kc_auth_provider, "name", KC_STRING, name, 0, NULL),
        { 0 },
};

static const struct kc_field kc_env_fields[] = {
        F(struct kc_env, "name", KC_STRING, name, 0, NULL),
        F(struct kc_env, "value", KC_STRING, value, 0, NULL),
        { 0 },
};

static const struct kc_field kc_exec_fields[] = {
        F(struct kc_exec, "apiVersion", KC_STRING, api_version, KC_OMITEMPTY, NULL),
        F(struct kc_exec, "args", KC_STRINGS, args, 0, NULL),
        F(struct kc_exec, "command", KC_STRING, command, 0, NULL),
        F(struct kc_exec, "env", KC_LIST, env, 0, &kc_env_type),
        F(struct kc_exec, "installHint", KC_STRING, install_hint, KC_OMITEMPTY, NULL),
        { "interactiveMode", KC_STRING, offsetof(struct kc_exec, interactive_mode), KC_OMITEMPTY, NULL,
          "v1.ExecInteractiveMode" },
        F(struct kc_exec, "provideClusterInfo", KC_BOOL, provide_cluster_info, 0, NULL),
        { 0 },
};

static const struct kc_field kc_user_fields[] = {
        F(struct kc_user, "as", KC_STRING, as, KC_OMITEMPTY, NULL),
        F(struct kc_user, "as-groups", KC_STRINGS, as_groups, KC_OMITEMPTY, NULL),
        F(struct kc_user, "as-uid", KC_STRING, as_uid, KC_OMITEMPTY, NULL),
        F(struct kc_user, "as-user-extra", KC_EXTRA, as_user_extra, KC_OMITEMPTY, NULL),
        F(struct kc_user, "auth-provider", KC_PTR, auth_provider, KC_OMITEMPTY, &kc_auth_provider_type),
        F(struct kc_user, "client-certificate", KC_STRING, client_certificate, KC_OMITEMPTY, NULL),
        F(struct kc_user, "client-certificate-data", KC_BYTES, client_certificate_data, KC_OMITEMPTY, NULL),
        F(struct kc_user, "client-key", KC_STRING, client_key, KC_OMITEMPTY, NULL),
        F(struct kc_user, "client-key-data", KC_BYTES, client_key_data, KC_OMITEMPTY, NULL),
        F(struct kc_user, "exec", KC_PTR, exec, KC_OMITEMPTY, &kc_exec_type),
        F(struct kc_user, "extensions", KC_LIST, extensions, KC_OMITEMPTY, &kc_extension_type),
        F(struct kc_user, "password", KC_STRING, password, KC_OMITEMPTY | KC_SECRET, NULL),
        F(struct kc_user, "token", KC_STRING, token, KC_OMITEMPTY | KC_SECRET, NULL),
        F(struct kc_user, "tokenFile", KC_STRING, token_file, KC_OMITEMPTY, NULL),
        F(struct kc_user, "username", KC_STRING, username, KC_OMITEMPTY, NULL),
        { 0 },
};

static const struct kc_field kc_context_fields[] = {
        F(struct kc_context, "cluster", KC_STRING, cluster, 0, NULL),
        F(struct kc_context, "extensions", KC_LIST, extensions, KC_OMITEMPTY, &kc_extension_type),
        F(struct kc_context, "namespace", KC_STRING, namespace, KC_OMITEMPTY, NULL),
        F(struct kc_context, "user", KC_STRING, user, 0, NULL),
        { 0 },
};

static const struct kc_field kc_named_cluster_fields[] = {
        F(struct kc_named_cluster, "cluster", KC_STRUCT, cluster, 0, &kc_cluster_type),
        F(struct kc_named_cluster, "name", KC_STRING, name, 0, NULL),
        { 0 },
};

static const struct kc_field kc_named_user_fields[] = {
        F(struct kc_named_user, "name", KC_STRING, name, 0, NULL),
        F(struct kc_named_user, "user", KC_STRUCT, user, 0, &kc_user_type),
        { 0 },
};

static const struct kc_field kc_named_context_fields[] = {
        F(struct kc_named_context, "context", KC_STRUCT, context, 0, &kc_context_type),
        F(struct kc_named_context, "name", KC_STRING, name, 0, NULL),
        { 0 },
};

static const struct kc_field kc_config_fields[] = {
        F(struct kc_config, "apiVersion", KC_STRING, api_version, KC_OMITEMPTY, NULL),
        F(struct kc_config, "clusters", KC_LIST, clusters, 0, &kc_named_cluster_type),
        F(struct kc_config, "contexts", KC_LIST, contexts, 0, &kc_named_context_type),
        F(struct kc_config, "current-context", KC_STRING, current_context, 0, NULL),
        F(struct kc_config, "extensions", KC_LIST, extensions, KC_OMITEMPTY, &kc_extension_type),
        F(struct kc_config, "kind", KC_STRING, kind, KC_OMITEMPTY, NULL),
        F(struct kc_config, "preferences", KC_STRUCT, preferences, 0, &kc_preferences_type),
        F(struct kc_config, "users", KC_LIST, users, 0, &kc_named_user_type),
        { 0 },
};

#define KC_TYPE(var, go, st, fields, conversion) \
        static const struct kc_type var = { go, "v1." go, sizeof(st), fields, conversion }

KC_TYPE(kc_extension_type, "NamedExtension", struct kc_extension, kc_extension_fields,
        "*[]NamedExtension into *map[string]runtime.Object");
KC_TYPE(kc_preferences_type, "Preferences", struct kc_preferences, kc_preferences_fields, NULL);
KC_TYPE(kc_cluster_type, "Cluster", struct kc_cluster, kc_cluster_fields, NULL);
KC_TYPE(kc_auth_provider_type, "AuthProviderConfig", struct kc_auth_provider, kc_auth_provider_fields, NULL);
KC_TYPE(kc_env_type, "ExecEnvVar", struct kc_env, kc_env_fields, NULL);
KC_TYPE(kc_exec_type, "ExecConfig", struct kc_exec, kc_exec_fields, NULL);
KC_TYPE(kc_user_type, "AuthInfo", struct kc_user, kc_user_fields, NULL);
KC_TYPE(kc_context_type, "Context", struct kc_context, kc_context_fields, NULL);
KC_TYPE(kc_named_cluster_type, "NamedCluster", struct kc_named_cluster, kc_named_cluster_fields,
        "*[]NamedCluster into *map[string]*api.Cluster");
KC_TYPE(kc_named_user_type, "NamedAuthInfo", struct kc_named_user, kc_named_user_fields,
        "*[]NamedAuthInfo into *map[string]*api.AuthInfo");
KC_TYPE(kc_named_context_type, "NamedContext", struct kc_named_context, kc_named_context_fields,
        "*[]NamedContext into *map[string]*api.Context");
KC_TYPE(kc_config_type, "Config", struct kc_config, kc_config_fields, NULL);

static inline void *kc_at(void *obj, const struct kc_field *f)
{
        return (char *) obj + f->off;
}

static inline const void *kc_cat(const void *obj, const struct kc_field *f)
{
        return (const char *) obj + f->off;
}

/* ---- freeing ---- */

static void kc_free_struct(const struct kc_type *t, void *obj);

static void kc_free_field(const struct kc_field *f, void *p)
{
        switch (f->kind) {
        case KC_BYTES:
                free(((struct kc_bytes *) p)->data);
                break;
        case KC_EXTRA: {
                struct kc_list *l = p;
                for (size_t i = 0; i < l->n; i++)
                        free(((struct kc_kvs *) l->v)[i].values.v);
                free(l->v);
                break;
        }
        case KC_STRINGS:
        case KC_STRMAP:
                free(((struct kc_list *) p)->v);
                break;
        case KC_STRUCT:
                kc_free_struct(f->type, p);
                break;
        case KC_PTR:
                if (*(void **) p)
                        kc_free_struct(f->type, *(void **) p);
                free(*(void **) p);
                break;
        case KC_LIST: {
                struct kc_list *l = p;
                for (size_t i = 0; i < l->n; i++)
                        kc_free_struct(f->type, (char *) l->v + i * f->type->size);
                free(l->v);
                break;
        }
        default:
                break;
        }
}

static void kc_free_struct(const struct kc_type *t, void *obj)
{
        for (const struct kc_field *f = t->fields; f->name; f++)
                kc_free_field(f, kc_at(obj, f));
}

/* ---- loading, as kubectl does ---- */

struct kc_load {
        struct kfs_ydoc *ydoc;  /* owns the text of keys made up in conversion */
        char *err;              /* the first error, as kubectl words it */
        size_t errsize;
        char path[512];         /* JSON field path for messages: "clusters.cluster.server" */
        size_t path_len;
        size_t decoded;         /* bytes of base64 decoded so far */
        bool oom;
};

static void kc_fail(struct kc_load *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kc_fail(struct kc_load *ld, const char *fmt, ...)
{
        va_list ap;

        if (!ld->err || ld->err[0])
                return;
        va_start(ap, fmt);
        vsnprintf(ld->err, ld->errsize, fmt, ap);
        va_end(ap);
}

/* The JSON type of a node after YAMLToJSON. */
enum kc_json {
        KC_JNULL,
        KC_JSTRING,
        KC_JNUMBER,
        KC_JBOOL,
        KC_JARRAY,
        KC_JOBJECT,
};

static const char *const kc_json_names[] = { "null", "string", "number", "bool", "array", "object" };

static enum kc_json kc_jtype(const struct kfs_ynode *n)
{
        if (n->type == KFS_YMAP)
                return KC_JOBJECT;
        if (n->type == KFS_YSEQ)
                return KC_JARRAY;
        switch (kfs_ykind(n)) {
        case KFS_YNULL:
                return KC_JNULL;
        case KFS_YBOOL:
                return KC_JBOOL;
        case KFS_YINT:
        case KFS_YFLOAT:
                return KC_JNUMBER;
        default:
                return KC_JSTRING;
        }
}

/* encoding/json's UnmarshalTypeError: the innermost struct, then the field path. */
static void kc_type_error(struct kc_load *ld, const struct kc_type *st, enum kc_json jt, const char *gotype)
{
        kc_fail(ld, "json: cannot unmarshal %s into Go struct field %s.%s of type %s", kc_json_names[jt], st->go,
                ld->path, gotype);
}

static void kc_push(struct kc_load *ld, const char *name, size_t *saved)
{
        *saved = ld->path_len;
        ld->path_len += (size_t) snprintf(ld->path + ld->path_len, sizeof(ld->path) - ld->path_len, "%s%s",
                                          ld->path_len ? "." : "", name);
        if (ld->path_len >= sizeof(ld->path))
                ld->path_len = sizeof(ld->path) - 1;
}

static void kc_pop(struct kc_load *ld, size_t saved)
{
        ld->path_len = saved;
        ld->path[saved] = '\0';
}

static int kc_b64val(unsigned char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

/*
 * Go's base64.StdEncoding.Decode (encoding/base64 decodeQuantum): '\r' and
 * '\n' are skipped anywhere, padding is required, anything else is
 * "illegal base64 data at input byte N" with Go's N. Returns the length
 * decoded into dst (room for n * 3 / 4 + 3 bytes), or -1 with *ret_bad.
 */
static long kc_base64(const unsigned char *src, size_t n, unsigned char *dst, size_t *ret_bad)
{
        size_t si = 0, out = 0;

        while (si < n) {
                int dbuf[4] = { 0 }, dlen = 4, j;
                bool garbage = false;

                for (j = 0; j < 4; j++) {
                        unsigned char in;
                        int v;

                        if (si == n) {
                                if (j == 0)
                                        return (long) out;
                                *ret_bad = si - (size_t) j;
                                return -1;
                        }
                        in = src[si++];
                        if ((v = kc_b64val(in)) >= 0) {
                                dbuf[j] = v;
                                continue;
                        }
                        if (in == '\n' || in == '\r') {
                                j--;
                                continue;
                        }
                        if (in != '=' || j < 2) {
                                *ret_bad = si - 1;
                                return -1;
                        }
                        if (j == 2) {
                                /* "==" is expected, the first "=" is already consumed */
                                while (si < n && (src[si] == '\n' || src[si] == '\r'))
                                        si++;
                                if (si == n) {
                                        *ret_bad = n;
                                        return -1;
                                }
                                if (src[si] != '=') {
                                        *ret_bad = si - 1;
                                        return -1;
                                }
                                si++;
                        }
                        while (si < n && (src[si] == '\n' || src[si] == '\r'))
                                si++;
                        garbage = si < n;
                        dlen = j;
                        break;
                }
                unsigned val = (unsigned) dbuf[0] << 18 | (unsigned) dbuf[1] << 12 | (unsigned) dbuf[2] << 6 |
                               (unsigned) dbuf[3];
                if (dlen >= 2)
                        dst[out++] = (unsigned char) (val >> 16);
                if (dlen >= 3)
                        dst[out++] = (unsigned char) (val >> 8);
                if (dlen == 4)
                        dst[out++] = (unsigned char) val;
                if (garbage) {
                        *ret_bad = si;
                        return -1;
                }
        }
        return (long) out;
}

static void kc_load_struct(struct kc_load *ld, const struct kc_type *t, const struct kfs_ynode *map, void *obj);

/* Allocates n zeroed elements for a list; false when out of memory. */
static bool kc_list_alloc(struct kc_load *ld, struct kc_list *l, size_t n, size_t size)
{
        l->set = true;
        if (n == 0)
                return true;
        l->v = calloc(n, size);
        if (!l->v) {
                ld->oom = true;
                return false;
        }
        l->n = n;
        return true;
}

/* A []string: elements that are null stay "", others must be strings. */
static void kc_load_strings(struct kc_load *ld, const struct kc_type *st, const struct kfs_ynode *v,
                            struct kc_list *l, const char *gotype)
{
        enum kc_json jt = kc_jtype(v);

        if (jt != KC_JARRAY) {
                kc_type_error(ld, st, jt, gotype);
                return;
        }
        if (!kc_list_alloc(ld, l, v->n, sizeof(struct kc_str)))
                return;
        for (size_t i = 0; i < v->n; i++) {
                enum kc_json it = kc_jtype(v->items[i]);

                if (it == KC_JNULL)
                        continue;
                if (it != KC_JSTRING)
                        kc_type_error(ld, st, it, "string");
                else
                        ((struct kc_str *) l->v)[i] = (struct kc_str) { v->items[i]->str, v->items[i]->n };
        }
}

/* The JSON object key of a YAML key; false (with the error noted) if Go has none. */
static bool kc_key(struct kc_load *ld, const struct kfs_ynode *k, char *buf, size_t size, struct kc_str *ret)
{
        char err[256];
        const char *s;
        size_t n;

        if (kfs_goyaml_key(k, buf, size, &s, &n, err, sizeof(err)) < 0) {
                kc_fail(ld, "%s", err);
                return false;
        }
        *ret = (struct kc_str) { s, n };
        return true;
}

static void kc_load_value(struct kc_load *ld, const struct kc_type *st, const struct kc_field *f,
                          const struct kfs_ynode *v, void *p)
{
        enum kc_json jt = kc_jtype(v);
        char gotype[128];

        /* null leaves a field as it is: zero, nil */
        if (jt == KC_JNULL)
                return;
        switch (f->kind) {
        case KC_STRING:
                if (jt != KC_JSTRING)
                        kc_type_error(ld, st, jt, f->gotype ? f->gotype : "string");
                else
                        *(struct kc_str *) p = (struct kc_str) { v->str, v->n };
                break;
        case KC_BOOL:
                if (jt != KC_JBOOL)
                        kc_type_error(ld, st, jt, "bool");
                else
                        *(bool *) p = kfs_ybool(v);
                break;
        case KC_BYTES: {
                struct kc_bytes *b = p;
                size_t bad = 0;
                long n;

                if (jt != KC_JSTRING) {
                        kc_type_error(ld, st, jt, "[]uint8");
                        break;
                }
                if (ld->decoded + v->n > KC_MAX_DECODED) {
                        kc_fail(ld, "too much certificate data (more than %u MiB)", KC_MAX_DECODED >> 20);
                        break;
                }
                ld->decoded += v->n;
                b->data = malloc(v->n / 4 * 3 + 4);
                if (!b->data) {
                        ld->oom = true;
                        break;
                }
                n = kc_base64((const unsigned char *) v->str, v->n, b->data, &bad);
                if (n < 0) {
                        kc_fail(ld, "illegal base64 data at input byte %zu", bad);
                        free(b->data);
                        b->data = NULL;
                        b->invalid = true;      /* shown as kubectl reports it */
                        b->bad = bad;
                        break;
                }
                b->len = (size_t) n;
                break;
        }
        case KC_STRINGS:
                kc_load_strings(ld, st, v, p, "[]string");
                break;
        case KC_STRMAP:
        case KC_EXTRA: {
                struct kc_list *l = p;
                bool extra = f->kind == KC_EXTRA;

                if (jt != KC_JOBJECT) {
                        kc_type_error(ld, st, jt, extra ? "map[string][]string" : "map[string]string");
                        break;
                }
                if (!kc_list_alloc(ld, l, v->n, extra ? sizeof(struct kc_kvs) : sizeof(struct kc_kv)))
                        break;
                for (size_t i = 0; i < v->n; i++) {
                        const struct kfs_ynode *val = v->items[2 * i + 1];
                        struct kc_str key = { 0 };
                        char buf[64];

                        if (!kc_key(ld, v->items[2 * i], buf, sizeof(buf), &key))
                                continue;
                        /* a converted key ("16", "true") is in buf: give it a home in the tree */
                        if (key.s == buf) {
                                const struct kfs_ynode *k = kfs_ydoc_new_scalar(ld->ydoc, buf);

                                if (!k) {
                                        ld->oom = true;
                                        break;
                                }
                                key = (struct kc_str) { k->str, k->n };
                        }
                        if (extra) {
                                struct kc_kvs *e = &((struct kc_kvs *) l->v)[i];

                                e->key = key;
                                if (kc_jtype(val) != KC_JNULL)
                                        kc_load_strings(ld, st, val, &e->values, "[]string");
                        } else {
                                struct kc_kv *e = &((struct kc_kv *) l->v)[i];
                                enum kc_json vt = kc_jtype(val);

                                e->key = key;
                                if (vt != KC_JNULL && vt != KC_JSTRING)
                                        kc_type_error(ld, st, vt, "string");
                                else if (vt != KC_JNULL)
                                        e->value = (struct kc_str) { val->str, val->n };
                        }
                }
                break;
        }
        case KC_STRUCT:
        case KC_PTR:
                if (jt != KC_JOBJECT) {
                        kc_type_error(ld, st, jt, f->type->v1);
                        break;
                }
                if (f->kind == KC_PTR) {
                        if (!(*(void **) p = calloc(1, f->type->size))) {
                                ld->oom = true;
                                break;
                        }
                        p = *(void **) p;
                }
                kc_load_struct(ld, f->type, v, p);
                break;
        case KC_LIST: {
                struct kc_list *l = p;

                if (jt != KC_JARRAY) {
                        snprintf(gotype, sizeof(gotype), "[]%s", f->type->v1);
                        kc_type_error(ld, st, jt, gotype);
                        break;
                }
                if (!kc_list_alloc(ld, l, v->n, f->type->size))
                        break;
                for (size_t i = 0; i < v->n; i++) {
                        enum kc_json it = kc_jtype(v->items[i]);

                        if (!it)
                                continue;
                        if (it != KC_JOBJECT)
                                kc_type_error(ld, st, it, f->type->v1);
                        else
                                kc_load_struct(ld, f->type, v->items[i], (char *) l->v + i * f->type->size);
                }
                break;
        }
        case KC_RAW:
                *(const struct kfs_ynode **) p = v;
                break;
        }
}

static void kc_load_struct(struct kc_load *ld, const struct kc_type *t, const struct kfs_ynode *map, void *obj)
{
        for (const struct kc_field *f = t->fields; f->name; f++) {
                const struct kfs_ynode *v = kfs_ymap_get(map, f->name);
                size_t saved;

                if (!v)
                        continue;
                kc_push(ld, f->name, &saved);
                kc_load_value(ld, t, f, v, kc_at(obj, f));
                kc_pop(ld, saved);
        }
}

/*
 * What YAMLToJSON refuses before any decoding: infinities and NaN (Go's
 * json.Marshal has no text for them) and keys JSON cannot have. Aliases may
 * make this revisit nodes; ydoc bounded the expanded size.
 */
static void kc_jsonable(struct kc_load *ld, const struct kfs_ynode *n)
{
        char err[256];
        struct kfs_gv *gv;

        if (!n || (ld->err && ld->err[0]))
                return;
        if (n->type == KFS_YSCALAR) {
                if (kfs_ykind(n) != KFS_YFLOAT)
                        return;
                gv = kfs_gv_from_ynode(n, err, sizeof(err));
                if (!gv && err[0])
                        kc_fail(ld, "%s", err);
                kfs_gv_free(gv);
                return;
        }
        for (size_t i = 0; i < n->n; i++) {
                if (n->type == KFS_YMAP) {
                        char buf[64];
                        struct kc_str k;

                        if (!kc_key(ld, n->items[2 * i], buf, sizeof(buf), &k))
                                return;
                        kc_jsonable(ld, n->items[2 * i + 1]);
                } else {
                        kc_jsonable(ld, n->items[i]);
                }
        }
}

static int kc_name_cmp(const struct kc_str *a, const struct kc_str *b)
{
        size_t n = a->n < b->n ? a->n : b->n;
        int c = n ? memcmp(a->s, b->s, n) : 0;

        return c ? c : (a->n > b->n) - (a->n < b->n);
}

static bool kc_name_is(const struct kc_str *a, const char *s)
{
        return a->n == strlen(s) && (a->n == 0 || memcmp(a->s, s, a->n) == 0);
}

/* By name, ties in document order (elements' addresses rise with it). */
static int kc_sorted_cmp(const void *a, const void *b)
{
        const struct kc_str *x = *(const void *const *) a, *y = *(const void *const *) b;
        int c = kc_name_cmp(x, y);

        return c ? c : (x > y) - (x < y);
}

/* A named list's elements by name (Go's sort.Strings over the map's keys;
 * ties, which kubectl refuses, in document order). malloc'd. */
static const void **kc_sorted(const struct kc_list *l, size_t size)
{
        const void **v = malloc((l->n ? l->n : 1) * sizeof(*v));

        if (!v)
                return NULL;
        for (size_t i = 0; i < l->n; i++)
                v[i] = (const char *) l->v + i * size;
        qsort(v, l->n, sizeof(*v), kc_sorted_cmp);
        return v;
}

/* Which element of a raw list a sorted pointer is. */
static size_t kc_index(const struct kc_list *l, const void *elem, size_t size)
{
        return (size_t) ((const char *) elem - (const char *) l->v) / size;
}

/*
 * The list-to-map conversion: a repeated name is an error, except after an
 * extension that was null (client-go checks `(*out)[name] == nil`).
 * kubectl's message goes on with the whole list printed by %v -- secrets
 * included -- which is left out here.
 */
static void kc_convert_struct(struct kc_load *ld, const struct kc_type *t, const void *obj);

static void kc_convert_list(struct kc_load *ld, const struct kc_type *t, const struct kc_list *l)
{
        size_t dup = l->n;      /* the element at which client-go finds its first repeated name */
        const void **v = NULL;

        if (t->conversion && l->n > 1) {
                v = kc_sorted(l, t->size);
                if (!v) {
                        ld->oom = true;
                        return;
                }
                /* in each run of one name, document order: is a value there already? */
                for (size_t i = 0; i < l->n;) {
                        bool there = false;
                        size_t j;

                        for (j = i; j < l->n && kc_name_cmp(v[i], v[j]) == 0; j++) {
                                size_t at = kc_index(l, v[j], t->size);

                                if (there && at < dup)
                                        dup = at;
                                if (t != &kc_extension_type || ((const struct kc_extension *) v[j])->extension)
                                        there = true;
                        }
                        i = j;
                }
        }
        for (size_t i = 0; i < l->n; i++) {
                const struct kc_str *name = (const struct kc_str *) ((const char *) l->v + i * t->size);

                kc_convert_struct(ld, t, name);
                if (i == dup) {
                        kc_fail(ld, "error converting %s: duplicate name \"%.*s\" in list", t->conversion,
                                (int) name->n, name->s ? name->s : "");
                        break;
                }
        }
        free(v);
}

static void kc_convert_struct(struct kc_load *ld, const struct kc_type *t, const void *obj)
{
        for (const struct kc_field *f = t->fields; f->name; f++) {
                const void *p = kc_cat(obj, f);

                if (f->kind == KC_LIST)
                        kc_convert_list(ld, f->type, p);
                else if (f->kind == KC_STRUCT)
                        kc_convert_struct(ld, f->type, p);
                else if (f->kind == KC_PTR && *(void *const *) p)
                        kc_convert_struct(ld, f->type, *(void *const *) p);
        }
}

/* v1 SetDefaults_ExecConfig: the beta and alpha exec APIs default to IfAvailable. */
static void kc_defaults(struct kc_config *c)
{
        for (size_t i = 0; i < c->users.n; i++) {
                struct kc_exec *e = ((struct kc_named_user *) c->users.v)[i].user.exec;

                if (e && !e->interactive_mode.n &&
                    (kc_name_is(&e->api_version, "client.authentication.k8s.io/v1beta1") ||
                     kc_name_is(&e->api_version, "client.authentication.k8s.io/v1alpha1")))
                        e->interactive_mode = (struct kc_str) { "IfAvailable", 11 };
        }
}

#define KC_META_TYPE "struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; " \
                     "Kind string \"json:\\\"kind,omitempty\\\"\" }"

/*
 * clientcmd.Load(): the root's apiVersion and kind first (the serializer's
 * meta step), then the v1 decode, defaults, and the conversion. On return
 * *c holds what decoded (Go keeps going after a type error) and err[] says
 * why kubectl would refuse the file, or is empty.
 */
static int kc_load(struct kfs_ydoc *ydoc, struct kc_config *c, char *err, size_t errsize)
{
        struct kc_load ld = { .ydoc = ydoc, .err = err, .errsize = errsize };
        /* kubectl reads the first document only */
        const struct kfs_ynode *root = ydoc->n_docs ? ydoc->docs[0] : NULL;
        const struct kfs_ynode *av, *kd;
        enum kc_json jt;

        if (err)
                err[0] = '\0';
        if (!root || kfs_ynull(root))
                return 0;
        kc_jsonable(&ld, root);
        jt = kc_jtype(root);
        if (jt != KC_JOBJECT) {
                kc_fail(&ld, "couldn't get version/kind; json parse error: json: cannot unmarshal %s into Go value of type "
                        KC_META_TYPE, kc_json_names[jt]);
                return 0;
        }
        av = kfs_ymap_get(root, "apiVersion");
        kd = kfs_ymap_get(root, "kind");
        if (av && kc_jtype(av) != KC_JNULL && kc_jtype(av) != KC_JSTRING)
                kc_fail(&ld, "couldn't get version/kind; json parse error: json: cannot unmarshal %s into Go struct "
                        "field .apiVersion of type string", kc_json_names[kc_jtype(av)]);
        if (kd && kc_jtype(kd) != KC_JNULL && kc_jtype(kd) != KC_JSTRING)
                kc_fail(&ld, "couldn't get version/kind; json parse error: json: cannot unmarshal %s into Go struct "
                        "field .kind of type string", kc_json_names[kc_jtype(kd)]);
        if (!err || !err[0]) {
                const char *v = av && kc_jtype(av) == KC_JSTRING && av->n ? av->str : "v1";
                const char *k = kd && kc_jtype(kd) == KC_JSTRING && kd->n ? kd->str : "Config";

                if (strcmp(v, "v1") != 0 || strcmp(k, "Config") != 0)
                        kc_fail(&ld, "no kind \"%s\" is registered for version \"%s\" in scheme "
                                "\"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\"", k, v);
        }
        kc_load_struct(&ld, &kc_config_type, root, c);
        if (ld.oom)
                return -ENOMEM;
        kc_defaults(c);
        kc_convert_struct(&ld, &kc_config_type, c);
        return 0;
}

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
        kc_free_struct(&kc_config_type, &d->raw);
        kc_free_struct(&kc_config_type, &d->red);
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

static uint64_t kc_hash(const unsigned char *p, size_t n)
{
        uint64_t h = UINT64_C(14695981039346656037);    /* FNV-1a */

        while (n--)
                h = (h ^ *p++) * UINT64_C(1099511628211);
        return h;
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
        for (slot = kc_hash(data, len) % KC_CERT_SLOTS; d->cert_slots[slot] >= 0; slot = (slot + 1) % KC_CERT_SLOTS) {
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
        r = kc_load(d->ydoc, &d->raw, d->error, sizeof(d->error));
        /* kc_load() read the tree as written; the redacted copy shares its strings */
        if (r == 0)
                r = kfs_yredact(d->ydoc);
        if (r == 0)
                r = kc_load(d->ydoc, &d->red, NULL, 0);
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
        v = kc_sorted(&d->raw.contexts, sizeof(struct kc_named_context));
        if (!v)
                return -ENOMEM;
        kfs_buf_add(&text, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
        for (size_t i = 0; i < d->raw.contexts.n; i++) {
                const struct kc_named_context *c = v[i];

                kfs_buf_add(&text, kc_name_cmp(&c->name, &d->raw.current_context) == 0 ? "*\t" : " \t");
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
        v = kc_sorted(l, t->size);
        if (!v) {
                kfs_gv_free(seq);
                return NULL;
        }
        for (size_t i = 0; i < l->n; i++)
                if (i + 1 == l->n || kc_name_cmp(v[i], v[i + 1]) != 0)
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
        const void **v = kc_sorted(l, size);
        int r;

        if (!v)
                return -ENOMEM;
        kfs_buf_add(&text, header);
        for (size_t i = 0; i < l->n; i++) {
                kc_add_cell(&text, v[i]);       /* named types start with their name */
                kfs_buf_addc(&text, '\t');
                row(d, kc_index(l, v[i], size), v[i], &text);
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
        const void **cl = kc_sorted(&d->raw.clusters, sizeof(struct kc_named_cluster));
        const void **us = kc_sorted(&d->raw.users, sizeof(struct kc_named_user));

        if (!cl || !us) {
                free(cl);
                free(us);
                return -ENOMEM;
        }
        for (size_t i = 0; i < d->raw.clusters.n && !out->err; i++) {
                const struct kc_named_cluster *c = cl[i];

                kc_txt_section(d, "clusters", &c->name, "certificate-authority",
                               &d->cluster_ca[kc_index(&d->raw.clusters, c, sizeof(*c))], out);
        }
        for (size_t i = 0; i < d->raw.users.n && !out->err; i++) {
                const struct kc_named_user *u = us[i];

                kc_txt_section(d, "users", &u->name, "client-certificate",
                               &d->user_cert[kc_index(&d->raw.users, u, sizeof(*u))], out);
        }
        free(cl);
        free(us);
        return out->err;
}

/* ---- recognition ---- */

/* What the first lines of a file say about its top-level keys. */
struct kc_seen {
        bool kind_config, kind_other, clusters, contexts, users, api_other;
};

/* A key or short value at *p: quoted (quotes dropped, escapes kept) or plain
 * up to one of `stops`. Advances *p past it. */
static struct kc_str kc_token(const char **p, const char *end, const char *stops)
{
        const char *s = *p;
        struct kc_str t = { s, 0 };

        if (s < end && (*s == '"' || *s == '\'')) {
                char q = *s++;

                t.s = s;
                while (s < end && *s != q && *s != '\n') {
                        if (q == '"' && *s == '\\' && s + 1 < end)
                                s++;
                        s++;
                }
                t.n = (size_t) (s - t.s);
                *p = s < end && *s == q ? s + 1 : s;
                return t;
        }
        /* strchr() finds the terminating NUL too: a NUL byte is never a stop */
        while (s < end && (!*s || !strchr(stops, *s)) && *s != '\n' && !(*s == ' ' && s + 1 < end && s[1] == '#'))
                s++;
        t.n = (size_t) (s - t.s);
        while (t.n && (t.s[t.n - 1] == ' ' || t.s[t.n - 1] == '\t' || t.s[t.n - 1] == '\r'))
                t.n--;
        *p = s;
        return t;
}

static void kc_seen_key(struct kc_seen *seen, const struct kc_str *key, const char **p, const char *end)
{
        struct kc_str val;

        while (*p < end && (**p == ' ' || **p == '\t'))
                (*p)++;
        if (kc_name_is(key, "kind") || kc_name_is(key, "apiVersion")) {
                val = kc_token(p, end, ",}#\r");
                if (kc_name_is(key, "kind"))
                        (kc_name_is(&val, "Config") ? &seen->kind_config : &seen->kind_other)[0] = true;
                else if (!kc_name_is(&val, "v1"))
                        seen->api_other = true;
        } else if (kc_name_is(key, "clusters")) {
                seen->clusters = true;
        } else if (kc_name_is(key, "contexts")) {
                seen->contexts = true;
        } else if (kc_name_is(key, "users")) {
                seen->users = true;
        }
}

/* JSON, or YAML in flow style: keys at depth 1. */
static void kc_scan_flow(const char *s, const char *end, struct kc_seen *seen)
{
        int depth = 0;
        bool want_key = false;
        struct kc_str key = { 0 };

        while (s < end) {
                char c = *s;

                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                        s++;
                } else if (c == '#') {
                        while (s < end && *s != '\n')
                                s++;
                } else if (c == '{' || c == '[') {
                        depth++;
                        want_key = depth == 1 && c == '{';
                        s++;
                } else if (c == '}' || c == ']') {
                        if (--depth <= 0)
                                return;
                        s++;
                } else if (c == ',') {
                        want_key = depth == 1;
                        s++;
                } else if (c == ':') {
                        s++;
                        if (depth == 1 && key.s)
                                kc_seen_key(seen, &key, &s, end);
                        key.s = NULL;
                        want_key = false;
                } else {
                        struct kc_str t = kc_token(&s, end, ",:{}[]#");

                        if (depth == 1 && want_key)
                                key = t;
                        if (t.n == 0 && s < end && (!*s || !strchr(",:{}[]#", *s)))
                                s++;
                }
        }
}

/* Block YAML: a top-level key starts a line at column 0. */
static bool kc_scan_block(const char *s, const char *end, struct kc_seen *seen)
{
        bool content = false;

        while (s < end) {
                const char *eol = memchr(s, '\n', (size_t) (end - s));
                const char *p = s;

                if (!eol)
                        eol = end;
                if (eol - s >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0) &&
                    (eol - s == 3 || s[3] == ' ' || s[3] == '\r')) {
                        /* kubectl reads the first document only */
                        if (content)
                                return true;
                } else if (*s == '{') {
                        kc_scan_flow(s, end, seen);
                        return true;
                } else if (*s != ' ' && *s != '\t' && *s != '#' && *s != '%' && *s != '\r' && *s != '\n' && *s != '-') {
                        struct kc_str key = kc_token(&p, eol, ":");

                        content = true;
                        while (p < eol && (*p == ' ' || *p == '\t'))
                                p++;
                        if (p < eol && *p == ':' && (p + 1 == eol || p[1] == ' ' || p[1] == '\t' || p[1] == '\r')) {
                                p++;
                                kc_seen_key(seen, &key, &p, eol);
                        }
                } else if (*s == ' ' || *s == '-') {
                        content = true;
                }
                s = eol + 1;
        }
        return false;
}

/* The same rule as kfs_yredact_is_kubeconfig(), on the first KFS_HEAD_MAX bytes. */
static bool kubeconfig_match(const struct kfs_probe *p)
{
        struct kc_seen seen = { 0 };
        const char *s = p->head, *end = p->head + p->head_len;

        if (p->head_len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
                s += 3;
        while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
                s++;
        if (s < end && *s == '{')
                kc_scan_flow(s, end, &seen);
        else
                kc_scan_block(s, end, &seen);
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
