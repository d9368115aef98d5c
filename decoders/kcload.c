/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading a kubeconfig as kubectl does (kcload.h): the schema tables of
 * client-go's clientcmd/api/v1, then encoding/json's rules over the YAML
 * document (case-sensitive names, unknown fields dropped, the first type
 * error reported, Go's strict base64 for []byte), then the conversion of
 * named lists into maps (a repeated name is an error).
 */
#include "kcload.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goyaml.h"

/* Certificate bytes decoded from one file, aliases included. */
#define KC_MAX_DECODED (64u << 20)

#define F(st, json, kind, member, flags, type) \
        { json, kind, offsetof(st, member), flags, type, NULL }

static const struct kc_type kc_extension_type, kc_preferences_type, kc_cluster_type,
        kc_auth_provider_type, kc_env_type, kc_exec_type, kc_user_type, kc_context_type,
        kc_named_cluster_type, kc_named_user_type, kc_named_context_type;

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
const struct kc_type kc_config_type = { "Config", "v1.Config", sizeof(struct kc_config), kc_config_fields, NULL };

/* ---- freeing ---- */

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
                kfs_kc_free_struct(f->type, p);
                break;
        case KC_PTR:
                if (*(void **) p)
                        kfs_kc_free_struct(f->type, *(void **) p);
                free(*(void **) p);
                break;
        case KC_LIST: {
                struct kc_list *l = p;
                for (size_t i = 0; i < l->n; i++)
                        kfs_kc_free_struct(f->type, (char *) l->v + i * f->type->size);
                free(l->v);
                break;
        }
        default:
                break;
        }
}

void kfs_kc_free_struct(const struct kc_type *t, void *obj)
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

int kfs_kc_name_cmp(const struct kc_str *a, const struct kc_str *b)
{
        size_t n = a->n < b->n ? a->n : b->n;
        int c = n ? memcmp(a->s, b->s, n) : 0;

        return c ? c : (a->n > b->n) - (a->n < b->n);
}

bool kfs_kc_name_is(const struct kc_str *a, const char *s)
{
        return a->n == strlen(s) && (a->n == 0 || memcmp(a->s, s, a->n) == 0);
}

/* By name, ties in document order (elements' addresses rise with it). */
static int kc_sorted_cmp(const void *a, const void *b)
{
        const struct kc_str *x = *(const void *const *) a, *y = *(const void *const *) b;
        int c = kfs_kc_name_cmp(x, y);

        return c ? c : (x > y) - (x < y);
}

/* A named list's elements by name (Go's sort.Strings over the map's keys;
 * ties, which kubectl refuses, in document order). malloc'd. */
const void **kfs_kc_sorted(const struct kc_list *l, size_t size)
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
size_t kfs_kc_index(const struct kc_list *l, const void *elem, size_t size)
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
                v = kfs_kc_sorted(l, t->size);
                if (!v) {
                        ld->oom = true;
                        return;
                }
                /* in each run of one name, document order: is a value there already? */
                for (size_t i = 0; i < l->n;) {
                        bool there = false;
                        size_t j;

                        for (j = i; j < l->n && kfs_kc_name_cmp(v[i], v[j]) == 0; j++) {
                                size_t at = kfs_kc_index(l, v[j], t->size);

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
                    (kfs_kc_name_is(&e->api_version, "client.authentication.k8s.io/v1beta1") ||
                     kfs_kc_name_is(&e->api_version, "client.authentication.k8s.io/v1alpha1")))
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
int kfs_kc_load(struct kfs_ydoc *ydoc, struct kc_config *c, char *err, size_t errsize)
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

