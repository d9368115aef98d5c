/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The kubeconfig decoder's loader, shared by its two files: kcload.c loads a
 * kubeconfig as kubectl does (clientcmd.Load(): YAML to JSON with go-yaml v2
 * typing, encoding/json's rules into the clientcmd/api/v1 structs, Go's
 * strict base64 for the -data fields, named lists into maps), and
 * kubeconfig.c renders the views from the model. The v1 types are the
 * structs and the schema tables below, so that the views print what kubectl
 * prints and fail where it fails, with its message.
 */

#include <stdbool.h>
#include <stddef.h>

#include "ydoc.h"

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

static inline void *kc_at(void *obj, const struct kc_field *f)
{
        return (char *) obj + f->off;
}

static inline const void *kc_cat(const void *obj, const struct kc_field *f)
{
        return (const char *) obj + f->off;
}

/* The schema of the whole file (v1.Config), for walking the model. */
extern const struct kc_type kc_config_type;

/*
 * Loads `ydoc` into `c` as kubectl would. Returns 0, or -EINVAL with
 * kubectl's message in err[errsize] (the model holds what decoded before
 * the error), or -ENOMEM. kfs_kc_free_struct(&kc_config_type, c) frees it.
 */
int kfs_kc_load(struct kfs_ydoc *ydoc, struct kc_config *c, char *err, size_t errsize);
void kfs_kc_free_struct(const struct kc_type *t, void *obj);

/* Names as Go compares strings; whether a name is `s`. */
int kfs_kc_name_cmp(const struct kc_str *a, const struct kc_str *b);
bool kfs_kc_name_is(const struct kc_str *a, const char *s);

/* A named list's elements sorted by name (malloc'd array of n pointers), as
 * kubectl prints maps; the index of `elem` in the list. */
const void **kfs_kc_sorted(const struct kc_list *l, size_t size);
size_t kfs_kc_index(const struct kc_list *l, const void *elem, size_t size);
