/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redaction walks the tree once, replacing value pointers in place. Aliased
 * nodes are shared, so a secret reached through any path is replaced for
 * all of them: redacting more than asked is the safe direction. The walk is
 * bounded by KFS_YDOC_MAX_DEPTH (the parser refused deeper input) and, as
 * aliases can make it revisit nodes, by a visit budget and a budget of
 * string bytes scanned; past either the whole redaction fails (-E2BIG), so
 * nothing unscanned is ever shown.
 *
 * Besides names (redact_replacement()), the text of every string is
 * scanned (yredact_text()): a value can carry a secret under an innocent
 * key (`args: ["--token=abc"]`, `command: kubeadm join --token ...`,
 * `datastore-endpoint: postgres://u:pw@db`, a private key pasted into a
 * ConfigMap).
 */
#include "yredact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "redact.h"

/* String bytes scanned at most, aliases counted each time they are reached. */
#define YREDACT_MAX_SCAN ((size_t) 4 * (16u << 20))

enum ctx {
        IN_DOC,                 /* nothing special */
        IN_KUBECONFIG,          /* the kubeconfig's root */
        IN_AUTH_PROVIDER,       /* users[].user.auth-provider */
        IN_EXEC,                /* users[].user.exec */
        IN_SECRET_DATA,         /* Secret.data / Secret.stringData, or under a secret name: every scalar leaf */
        IN_SCHEMA,              /* openAPIV3Schema and below: shown as written */
};

struct redactor {
        struct kfs_ydoc *doc;
        struct kfs_ynode *redacted, *omitted;
        unsigned long budget;
        size_t scan;            /* bytes left to scan */
        unsigned opts;          /* KFS_YREDACT_* */
        const struct kfs_ynode *k3s_args;       /* the args of a container whose command is k3s/rke2 */
};

static bool key_is(const struct kfs_ynode *k, const char *s)
{
        return k->type == KFS_YSCALAR && strcmp(k->str, s) == 0;
}

static bool key_ends(const struct kfs_ynode *k, const char *suffix)
{
        size_t n = strlen(suffix);

        return k->type == KFS_YSCALAR && k->n >= n && strcmp(k->str + k->n - n, suffix) == 0;
}

bool kfs_yredact_is_kubeconfig(const struct kfs_ynode *root)
{
        const char *kind = kfs_ymap_str(root, "kind");

        if (!root || root->type != KFS_YMAP)
                return false;
        if (kind && strcmp(kind, "Config") == 0)
                return true;
        return kfs_ymap_get(root, "clusters") &&
               (kfs_ymap_get(root, "contexts") || kfs_ymap_get(root, "users"));
}

/* The key lower-cased with '_' as '-', for the rules below; false if too long. */
static bool yredact_fold(const struct kfs_ynode *k, char *out, size_t size)
{
        if (k->type != KFS_YSCALAR || k->n >= size || strlen(k->str) != k->n)
                return false;
        for (size_t i = 0; i <= k->n; i++) {
                char c = k->str[i];
                out[i] = c == '_' ? '-' : c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
        }
        return true;
}

static bool yredact_ends(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whether every key of map `m` is one of `keys`. */
static bool yredact_keys_in(const struct kfs_ynode *m, const char *const *keys)
{
        if (m->type != KFS_YMAP)
                return false;
        for (size_t i = 0; i < m->n; i++) {
                bool ok = false;
                for (size_t j = 0; keys[j] && !ok; j++)
                        ok = key_is(m->items[2 * i], keys[j]);
                if (!ok)
                        return false;
        }
        return true;
}

/* A reference to an object: {name, namespace, key, ...}. */
static bool yredact_ref_map(const struct kfs_ynode *m)
{
        static const char *const keys[] = { "name", "namespace", "key", "optional", "apiGroup", "kind", NULL };

        return yredact_keys_in(m, keys);
}

/*
 * Kubernetes names secrets it refers to with secret-like keys: a pod's
 * `secret: {secretName: x}` volume, `secretKeyRef: {name, key}`,
 * `imagePullSecrets: [{name}]`, a ServiceAccount's `secrets: [{name}]`,
 * `secretName: x`. Those are names, not secrets: they are walked, not
 * replaced.
 */
static bool yredact_reference(const struct kfs_ynode *k, const struct kfs_ynode *v)
{
        char f[128];

        if (!yredact_fold(k, f, sizeof(f)))
                return false;
        if (v->type == KFS_YSCALAR)
                /* KubeletConfiguration's Watch/Cache/Get is a setting */
                return yredact_ends(f, "name") || yredact_ends(f, "namespace") ||
                       strcmp(f, "configmapandsecretchangedetectionstrategy") == 0;
        if (v->type == KFS_YMAP) {
                /* a projected volume's token request {path, audience,
                 * expirationSeconds}; kubeadm's discovery.bootstrapToken
                 * {token, apiServerEndpoint, caCertHashes}: walked, their
                 * own secrets (token) are redacted by name */
                if (strcmp(f, "serviceaccounttoken") == 0 || strcmp(f, "bootstraptoken") == 0)
                        return true;
                /* a pod volume's or a projected volume's secret source */
                static const char *const source[] = { "secretName", "name", "items", "optional", "defaultMode", NULL };
                if (strcmp(f, "secret") == 0)
                        return yredact_keys_in(v, source);
                return yredact_ends(f, "ref") && yredact_ref_map(v);
        }
        for (size_t i = 0; i < v->n; i++)
                if (!yredact_ref_map(v->items[i]))
                        return false;
        return yredact_ends(f, "secrets") || yredact_ends(f, "refs");
}

/* `n` itself, or a new scalar with its secrets replaced; NULL on -ENOMEM (*err set). */
static struct kfs_ynode *redact_scalar(struct redactor *r, struct kfs_ynode *n, int *err)
{
        struct kfs_buf b = KFS_BUF_INIT((size_t) -1);
        struct kfs_ynode *repl;

        if (n->type != KFS_YSCALAR || n->n == 0)
                return n;
        if (r->scan < n->n) {
                *err = -E2BIG;
                return NULL;
        }
        r->scan -= n->n;
        if (!kfs_redact_text(n->str, n->n, &b)) {
                kfs_buf_release(&b);
                return n;
        }
        repl = b.err ? NULL : kfs_ydoc_new_scalar(r->doc, kfs_buf_str(&b));
        kfs_buf_release(&b);
        if (!repl)
                *err = -ENOMEM;
        return repl;
}

static int redact_walk(struct redactor *r, struct kfs_ynode *n, enum ctx ctx, unsigned depth);

/* Whether scalar `n` names k3s or rke2 (their -t is --token). */
static bool redact_k3s_prog(const struct kfs_ynode *n)
{
        return n && n->type == KFS_YSCALAR && strlen(n->str) == n->n && kfs_redact_short_flag(n->str, "-t", 2);
}


/* Replaces a scalar in place by its redacted text. */
static int redact_slot(struct redactor *r, struct kfs_ynode **slot)
{
        int err = 0;
        struct kfs_ynode *n = redact_scalar(r, *slot, &err);

        if (!n)
                return err;
        *slot = n;
        return 0;
}

/* Whether a scalar holds nothing to hide: null, "", a boolean. */
static bool redact_empty(const struct kfs_ynode *v)
{
        return kfs_ynull(v) || (v->type == KFS_YSCALAR && (v->n == 0 || kfs_ykind(v) == KFS_YBOOL));
}

/* A scalar `v` under the secret name `k`: the value rule (nested NAME=VALUE,
 * user:password, whole) into *slot; unchanged when the value is harmless. */
static int redact_named(struct redactor *r, const struct kfs_ynode *k, struct kfs_ynode **slot)
{
        struct kfs_buf b = KFS_BUF_INIT((size_t) -1);
        struct kfs_ynode *v = *slot, *repl;

        if (strlen(v->str) != v->n) {
                *slot = r->redacted;    /* a NUL inside: nothing to keep */
                return 0;
        }
        if (!kfs_redact_add_value(&b, k->str, k->n, v->str, v->n)) {
                kfs_buf_release(&b);
                return redact_slot(r, slot);
        }
        repl = b.err ? NULL : strcmp(kfs_buf_str(&b), KFS_REDACTED) == 0 ? r->redacted
                                                                       : kfs_ydoc_new_scalar(r->doc, kfs_buf_str(&b));
        kfs_buf_release(&b);
        if (!repl)
                return -ENOMEM;
        *slot = repl;
        return 0;
}

/*
 * References to secrets under a secret name are shown as written (issue:
 * `password: {secretKeyRef: {name: db, key: pw}}`): the keys that hold
 * them, and the scalar that names a secret (`existingSecret: db`).
 */
static bool redact_ref_key(const struct kfs_ynode *k, const struct kfs_ynode *v)
{
        static const char *const refs[] = { "secretKeyRef", "secretRef", "configMapKeyRef", "configMapRef",
                                            "valueFrom", "envFrom", "fieldRef", "resourceFieldRef", NULL };

        if (k->type != KFS_YSCALAR)
                return false;
        for (size_t i = 0; refs[i]; i++)
                if (key_is(k, refs[i]))
                        return true;
        return key_is(k, "existingSecret") || yredact_reference(k, v);
}

static int redact_map(struct redactor *r, struct kfs_ynode *map, enum ctx ctx, unsigned depth)
{
        const char *kind = kfs_ymap_str(map, "kind");
        bool secret = kind && strcmp(kind, "Secret") == 0 && ctx != IN_SECRET_DATA && ctx != IN_SCHEMA;
        const struct kfs_ynode *name = kfs_ymap_get(map, "name");
        bool secret_pair = ctx == IN_EXEC ||
                           (ctx != IN_SCHEMA && name && name->type == KFS_YSCALAR && kfs_redact_name(name->str, name->n));

        /* a fragment that holds only users (merged in through $KUBECONFIG)
         * carries a kubeconfig's secrets too */
        if (depth == 0 && (kfs_yredact_is_kubeconfig(map) || kfs_ymap_get(map, "users")))
                ctx = IN_KUBECONFIG;
        {
                const struct kfs_ynode *cmd = kfs_ymap_get(map, "command");

                if (cmd && cmd->type == KFS_YSEQ && cmd->n > 0 && redact_k3s_prog(cmd->items[0]))
                        r->k3s_args = kfs_ymap_get(map, "args");
        }
        for (size_t i = 0; i < map->n; i++) {
                struct kfs_ynode **k = &map->items[2 * i], **v = &map->items[2 * i + 1];
                enum ctx sub = ctx == IN_KUBECONFIG ? IN_KUBECONFIG : IN_DOC;
                bool hide = false;
                int rr;

                if (ctx == IN_SCHEMA) {
                        /* an OpenAPI schema describes secrets, it holds none: as written,
                         * but what a default or an example holds */
                        if ((*v)->type != KFS_YSCALAR)
                                rr = redact_walk(r, *v, IN_SCHEMA, depth + 1);
                        else
                                rr = key_is(*k, "description") ? 0 : redact_slot(r, v);
                        if (rr < 0)
                                return rr;
                        continue;
                }
                /* keys are shown too: a token used as a key is still a token */
                if ((rr = redact_slot(r, k)) < 0)
                        return rr;
                if (key_is(*k, "openAPIV3Schema")) {
                        if ((rr = redact_walk(r, *v, IN_SCHEMA, depth + 1)) < 0)
                                return rr;
                        continue;
                }
                if (ctx == IN_SECRET_DATA) {
                        /* under a secret name: every scalar leaf, but references */
                        if (redact_ref_key(*k, *v))
                                sub = IN_DOC;
                        else if ((*v)->type == KFS_YSCALAR) {
                                if (!kfs_ynull(*v) && (*v)->n > 0)
                                        *v = r->redacted;
                                continue;
                        } else
                                sub = IN_SECRET_DATA;
                } else if ((*k)->type == KFS_YSCALAR) {
                        if (ctx == IN_KUBECONFIG && key_ends(*k, "-data")) {
                                if ((*v)->type == KFS_YSCALAR && !kfs_ynull(*v) && (*v)->n > 0) {
                                        *v = r->omitted;
                                        continue;
                                }
                                hide = true;
                        } else if (ctx == IN_AUTH_PROVIDER && (key_is(*k, "id-token") || key_is(*k, "refresh-token") ||
                                                               key_is(*k, "client-secret"))) {
                                hide = true;
                        } else if (redact_ref_key(*k, *v) || (key_is(*k, "auth") && (*v)->type != KFS_YSCALAR)) {
                                /* references, and a registry's auth: {username, password, auth}
                                 * (the inner auth is the secret) */
                                hide = false;
                        } else if (kfs_redact_name((*k)->str, (*k)->n) || (secret_pair && key_is(*k, "value")) ||
                                   (depth == 0 && (r->opts & KFS_YREDACT_K3S) && key_is(*k, "t"))) {
                                /* {name: SECRET_NAME, value: x}; exec env entries hold values only by name */
                                if ((*v)->type == KFS_YSCALAR) {
                                        if (redact_empty(*v))
                                                continue;
                                        rr = !kfs_redact_name((*k)->str, (*k)->n) ? (*v = r->redacted, 0)
                                                                                  : redact_named(r, *k, v);
                                        if (rr < 0)
                                                return rr;
                                        continue;
                                }
                                hide = true;
                        }
                }
                if (hide && (*v)->type == KFS_YSCALAR) {
                        /* an empty value holds no secret: "" stays, as kubectl shows it */
                        if (!kfs_ynull(*v) && (*v)->n > 0)
                                *v = r->redacted;
                        continue;
                }
                if ((*v)->type == KFS_YSCALAR) {
                        if ((rr = redact_slot(r, v)) < 0)
                                return rr;
                        continue;
                }
                if (hide)
                        sub = IN_SECRET_DATA;   /* a map or list under a secret name keeps its shape */
                else if (sub == IN_SECRET_DATA)
                        ;
                else if (secret && (key_is(*k, "data") || key_is(*k, "stringData")))
                        sub = IN_SECRET_DATA;
                else if (ctx == IN_KUBECONFIG && key_is(*k, "auth-provider"))
                        sub = IN_AUTH_PROVIDER;
                else if (ctx == IN_AUTH_PROVIDER && key_is(*k, "config"))
                        sub = IN_AUTH_PROVIDER;
                else if (ctx == IN_KUBECONFIG && key_is(*k, "exec"))
                        sub = IN_KUBECONFIG;    /* exec's own keys: plain rules */
                else if (ctx == IN_KUBECONFIG && key_is(*k, "env"))
                        sub = IN_EXEC;
                if ((rr = redact_walk(r, *v, sub, depth + 1)) < 0)
                        return rr;
        }
        return 0;
}

/* A list item `--token` (or `-p`-less `--password`) whose value is the next item. */
static bool redact_flag_item(const struct kfs_ynode *n)
{
        const char *s;

        if (n->type != KFS_YSCALAR || n->n < 2 || n->str[0] != '-' || memchr(n->str, '=', n->n))
                return false;
        s = n->str + 1 + (n->str[1] == '-');
        return kfs_redact_name(s, n->n - (size_t) (s - n->str));
}

static int redact_walk(struct redactor *r, struct kfs_ynode *n, enum ctx ctx, unsigned depth)
{
        bool k3s;

        if (!n || n->type == KFS_YSCALAR)
                return 0;
        if (r->budget-- == 0)
                return -E2BIG;
        if (n->type == KFS_YMAP)
                return redact_map(r, n, ctx, depth);
        /* a command line of k3s or rke2 (command: [k3s, ...], or the args of such a command) */
        k3s = (n->n > 0 && redact_k3s_prog(n->items[0])) || n == r->k3s_args;
        for (size_t i = 0; i < n->n; i++) {
                struct kfs_ynode *it = n->items[i];
                int rr;

                if (k3s && it->type == KFS_YSCALAR && ((i > 0 && key_is(n->items[i - 1], "-t") && !kfs_ynull(it)) ||
                                                       (it->n > 3 && strncmp(it->str, "-t=", 3) == 0))) {
                        struct kfs_ynode *repl = it->str[0] == '-' ? kfs_ydoc_new_scalar(r->doc, "-t=" KFS_REDACTED)
                                                                   : r->redacted;
                        if (!repl)
                                return -ENOMEM;
                        n->items[i] = repl;
                        continue;
                }

                if (ctx == IN_SECRET_DATA && it->type == KFS_YSCALAR) {
                        if (!kfs_ynull(it) && it->n > 0)
                                n->items[i] = r->redacted;
                        continue;
                }
                if (ctx != IN_SCHEMA && i > 0 && redact_flag_item(n->items[i - 1]) && it->type == KFS_YSCALAR &&
                    !kfs_ynull(it) &&
                    kfs_redact_value(n->items[i - 1]->str, n->items[i - 1]->n, it->str, it->n)) {
                        n->items[i] = r->redacted;
                        continue;
                }
                if (it->type == KFS_YSCALAR) {
                        if ((rr = redact_slot(r, &n->items[i])) < 0)
                                return rr;
                        continue;
                }
                rr = redact_walk(r, it, ctx == IN_SECRET_DATA || ctx == IN_EXEC || ctx == IN_KUBECONFIG ||
                                 ctx == IN_SCHEMA ? ctx : IN_DOC, depth + 1);
                if (rr < 0)
                        return rr;
        }
        return 0;
}

int kfs_yredact(struct kfs_ydoc *doc)
{
        return kfs_yredact_opts(doc, 0);
}

int kfs_yredact_opts(struct kfs_ydoc *doc, unsigned opts)
{
        struct redactor r = {
                .opts = opts,
                .doc = doc,
                .redacted = kfs_ydoc_new_scalar(doc, KFS_REDACTED),
                .omitted = kfs_ydoc_new_scalar(doc, KFS_DATA_OMITTED),
                .budget = KFS_YDOC_MAX_EXPANDED,
                .scan = YREDACT_MAX_SCAN,
        };

        if (!r.redacted || !r.omitted)
                return -ENOMEM;
        for (size_t i = 0; i < doc->n_docs; i++) {
                int rr;

                /* a List's items are documents of their own for `kind: Secret` */
                if ((rr = redact_slot(&r, &doc->docs[i])) < 0 ||
                    (rr = redact_walk(&r, doc->docs[i], IN_DOC, 0)) < 0)
                        return rr;
        }
        return 0;
}
