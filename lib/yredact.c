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
        IN_SECRET_DATA,         /* Secret.data / Secret.stringData: every value */
};

struct redactor {
        struct kfs_ydoc *doc;
        struct kfs_ynode *redacted, *omitted;
        unsigned long budget;
        size_t scan;            /* bytes left to scan */
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

/* Secret-bearing names beyond kfs_redact_name(): kubeadm's certificateKey
 * (decrypts the uploaded control-plane certificates), private and API keys,
 * a registry's `auth` (base64 user:password). */
static bool yredact_name(const char *s, size_t n)
{
        char f[128];

        if (kfs_redact_name(s, n))
                return true;
        if (n >= sizeof(f))
                return false;   /* kfs_redact_name() took it already */
        for (size_t i = 0; i < n; i++)
                f[i] = s[i] == '_' ? '-' : s[i] >= 'A' && s[i] <= 'Z' ? (char) (s[i] - 'A' + 'a') : s[i];
        f[n] = '\0';
        return strcmp(f, "certificatekey") == 0 || strcmp(f, "certificate-key") == 0 ||
               yredact_ends(f, "privatekey") || yredact_ends(f, "private-key") ||
               yredact_ends(f, "apikey") || yredact_ends(f, "api-key") || strcmp(f, "auth") == 0;
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

/* ---- secrets inside text ---- */

static bool yc_lower_digit(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool yc_b64url(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool yc_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool yc_name(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Length of a kubeadm bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}) at s[i], standing alone; else 0. */
static size_t ytext_bootstrap(const char *s, size_t n, size_t i)
{
        if (i > 0 && (yc_name(s[i - 1]) || s[i - 1] == '.'))
                return 0;
        if (n - i < 23)
                return 0;
        for (size_t k = 0; k < 23; k++)
                if (k == 6 ? s[i + k] != '.' : !yc_lower_digit(s[i + k]))
                        return 0;
        if (n - i > 23 && (yc_name(s[i + 23]) || s[i + 23] == '.'))
                return 0;
        return 23;
}

/* Length of a JWT (eyJ...header.eyJ...payload.signature) at s[i]; else 0. */
static size_t ytext_jwt(const char *s, size_t n, size_t i)
{
        size_t k = i, parts = 0;

        if (n - i < 10 || memcmp(s + i, "eyJ", 3) != 0 || (i > 0 && yc_b64url(s[i - 1])))
                return 0;
        for (;;) {
                size_t start = k;

                while (k < n && yc_b64url(s[k]))
                        k++;
                if (parts == 1 && (k - start < 3 || memcmp(s + start, "eyJ", 3) != 0))
                        return 0;
                parts++;
                if (parts == 3 || k >= n || s[k] != '.')
                        break;
                k++;
        }
        return parts == 3 ? k - i : 0;
}

/* The end of the value starting at s[i]: up to white space or a closing quote. */
static size_t ytext_value_end(const char *s, size_t n, size_t i)
{
        char q = i < n && (s[i] == '"' || s[i] == '\'') ? s[i] : 0;

        if (q) {
                const char *e = memchr(s + i + 1, q, n - i - 1);
                return e ? (size_t) (e - s) + 1 : n;
        }
        while (i < n && !yc_space(s[i]) && s[i] != '"' && s[i] != '\'' && s[i] != ',' && s[i] != ';')
                i++;
        return i;
}

/*
 * The text of `s` with secrets replaced by REDACTED, into `out`; returns
 * whether anything was replaced:
 *   - a private key block anywhere: the whole text;
 *   - JWTs (service account tokens) and bootstrap tokens;
 *   - the password of a URL (scheme://user:PASSWORD@host);
 *   - NAME=VALUE and --NAME=VALUE, and --NAME VALUE, for secret names.
 */
static bool yredact_text(const char *s, size_t n, struct kfs_buf *out)
{
        size_t i = 0, copied = 0;
        bool changed = false;

        if (memmem(s, n, "PRIVATE KEY-----", 16) || memmem(s, n, "PRIVATE KEY BLOCK-----", 22)) {
                kfs_buf_add(out, KFS_REDACTED);
                return true;
        }
        while (i < n) {
                size_t from = 0, to = 0, len;

                if ((len = ytext_jwt(s, n, i)) || (len = ytext_bootstrap(s, n, i))) {
                        from = i;
                        to = i + len;
                } else if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') {
                        /* scheme://user:password@host */
                        size_t a = i + 3, e = a;

                        while (e < n && !yc_space(s[e]) && s[e] != '/' && s[e] != '@' && s[e] != '"')
                                e++;
                        const char *colon = memchr(s + a, ':', e - a);
                        if (e < n && s[e] == '@' && colon) {
                                from = (size_t) (colon - s) + 1;
                                to = e;
                        }
                } else if (yc_name(s[i]) && (i == 0 || !yc_name(s[i - 1]))) {
                        /* NAME=VALUE, --NAME=VALUE, --NAME VALUE, NAME: VALUE (a config in a string) */
                        size_t e = i, v;

                        while (e < n && yc_name(s[e]))
                                e++;
                        if (yredact_name(s + i, e - i)) {
                                if (e < n && s[e] == '=') {
                                        from = e + 1;
                                        to = ytext_value_end(s, n, from);
                                } else if (s[i] == '-' && e < n && (s[e] == ' ' || s[e] == '\t')) {
                                        for (v = e; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
                                                ;
                                        if (v < n && s[v] != '-') {
                                                from = v;
                                                to = ytext_value_end(s, n, v);
                                        }
                                } else if (e + 1 < n && s[e] == ':' && (s[e + 1] == ' ' || s[e + 1] == '\t')) {
                                        for (v = e + 1; v < n && (s[v] == ' ' || s[v] == '\t'); v++)
                                                ;
                                        from = v;
                                        for (to = v; to < n && s[to] != '\n' && s[to] != '\r'; to++)
                                                ;
                                }
                        }
                        if (to <= from) {
                                i = e;
                                continue;
                        }
                }
                if (to > from) {
                        kfs_buf_addn(out, s + copied, from - copied);
                        kfs_buf_add(out, KFS_REDACTED);
                        copied = i = to;
                        changed = true;
                        continue;
                }
                i++;
        }
        if (changed)
                kfs_buf_addn(out, s + copied, n - copied);
        return changed;
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
        if (!yredact_text(n->str, n->n, &b)) {
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

/* What replaces the value `v` under key `k` in a map walked in context `ctx`, or NULL. */
static struct kfs_ynode *redact_replacement(struct redactor *r, const struct kfs_ynode *k,
                                            const struct kfs_ynode *v, enum ctx ctx)
{
        if (ctx == IN_SECRET_DATA)
                return r->redacted;
        if (k->type != KFS_YSCALAR)
                return NULL;
        if (ctx == IN_KUBECONFIG && key_ends(k, "-data"))
                return r->omitted;
        if (ctx == IN_AUTH_PROVIDER && (key_is(k, "id-token") || key_is(k, "refresh-token") ||
                                        key_is(k, "client-secret")))
                return r->redacted;
        /* a registry's auth: {username, password, auth}: the inner auth is the secret */
        if (yredact_reference(k, v) || (key_is(k, "auth") && v->type != KFS_YSCALAR))
                return NULL;
        /* no secret is a boolean (automountServiceAccountToken: false) */
        if (v->type == KFS_YSCALAR && kfs_ykind(v) == KFS_YBOOL)
                return NULL;
        if (yredact_name(k->str, k->n))
                return r->redacted;
        return NULL;
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

static int redact_map(struct redactor *r, struct kfs_ynode *map, enum ctx ctx, unsigned depth)
{
        const char *kind = kfs_ymap_str(map, "kind");
        bool secret = kind && strcmp(kind, "Secret") == 0 && ctx != IN_SECRET_DATA;
        const struct kfs_ynode *name = kfs_ymap_get(map, "name");
        bool secret_pair = ctx == IN_EXEC ||
                           (name && name->type == KFS_YSCALAR && yredact_name(name->str, name->n));

        /* a fragment that holds only users (merged in through $KUBECONFIG)
         * carries a kubeconfig's secrets too */
        if (depth == 0 && (kfs_yredact_is_kubeconfig(map) || kfs_ymap_get(map, "users")))
                ctx = IN_KUBECONFIG;
        for (size_t i = 0; i < map->n; i++) {
                struct kfs_ynode **k = &map->items[2 * i], **v = &map->items[2 * i + 1];
                struct kfs_ynode *repl = redact_replacement(r, *k, *v, ctx);
                enum ctx sub = ctx == IN_SECRET_DATA ? IN_SECRET_DATA : ctx == IN_KUBECONFIG ? IN_KUBECONFIG : IN_DOC;
                int rr;

                /* keys are shown too: a token used as a key is still a token */
                if ((rr = redact_slot(r, k)) < 0)
                        return rr;
                /* {name: SECRET_NAME, value: x}; exec env entries hold values only by name */
                if (!repl && secret_pair && key_is(*k, "value"))
                        repl = r->redacted;
                /* an empty value holds no secret: "" stays, as kubectl shows it */
                if (repl && !kfs_ynull(*v) && !((*v)->type == KFS_YSCALAR && (*v)->n == 0)) {
                        *v = repl;
                        continue;
                }
                if ((*v)->type == KFS_YSCALAR) {
                        if ((rr = redact_slot(r, v)) < 0)
                                return rr;
                        continue;
                }
                if (secret && (key_is(*k, "data") || key_is(*k, "stringData")))
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
        return yredact_name(s, n->n - (size_t) (s - n->str));
}

static int redact_walk(struct redactor *r, struct kfs_ynode *n, enum ctx ctx, unsigned depth)
{
        if (!n || n->type == KFS_YSCALAR)
                return 0;
        if (r->budget-- == 0)
                return -E2BIG;
        if (n->type == KFS_YMAP)
                return redact_map(r, n, ctx, depth);
        for (size_t i = 0; i < n->n; i++) {
                int rr;

                if (ctx == IN_SECRET_DATA && n->items[i]->type == KFS_YSCALAR) {
                        n->items[i] = r->redacted;
                        continue;
                }
                if (i > 0 && redact_flag_item(n->items[i - 1]) && n->items[i]->type == KFS_YSCALAR &&
                    !kfs_ynull(n->items[i])) {
                        n->items[i] = r->redacted;
                        continue;
                }
                if (n->items[i]->type == KFS_YSCALAR) {
                        if ((rr = redact_slot(r, &n->items[i])) < 0)
                                return rr;
                        continue;
                }
                rr = redact_walk(r, n->items[i], ctx == IN_SECRET_DATA ? ctx :
                                 ctx == IN_EXEC ? IN_EXEC : ctx == IN_KUBECONFIG ? IN_KUBECONFIG : IN_DOC,
                                 depth + 1);
                if (rr < 0)
                        return rr;
        }
        return 0;
}

int kfs_yredact(struct kfs_ydoc *doc)
{
        struct redactor r = {
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
