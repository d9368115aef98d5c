/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redaction walks the tree once, replacing value pointers in place. Aliased
 * nodes are shared, so a secret reached through any path is replaced for
 * all of them: redacting more than asked is the safe direction. The walk is
 * bounded by KFS_YDOC_MAX_DEPTH (the parser refused deeper input) and, as
 * aliases can make it revisit nodes, by a visit budget.
 */
#include "yredact.h"

#include <errno.h>
#include <string.h>

#include "redact.h"

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

static int redact_walk(struct redactor *r, struct kfs_ynode *n, enum ctx ctx, unsigned depth);

/* What replaces the value under key `k` in a map walked in context `ctx`, or NULL. */
static struct kfs_ynode *redact_replacement(struct redactor *r, const struct kfs_ynode *k, enum ctx ctx)
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
        if (kfs_redact_name(k->str, k->n))
                return r->redacted;
        return NULL;
}

static int redact_map(struct redactor *r, struct kfs_ynode *map, enum ctx ctx, unsigned depth)
{
        const char *kind = kfs_ymap_str(map, "kind");
        bool secret = kind && strcmp(kind, "Secret") == 0 && ctx != IN_SECRET_DATA;
        const struct kfs_ynode *name = kfs_ymap_get(map, "name");
        bool secret_pair = ctx == IN_EXEC ||
                           (name && name->type == KFS_YSCALAR && kfs_redact_name(name->str, name->n));

        /* a fragment that holds only users (merged in through $KUBECONFIG)
         * carries a kubeconfig's secrets too */
        if (depth == 0 && (kfs_yredact_is_kubeconfig(map) || kfs_ymap_get(map, "users")))
                ctx = IN_KUBECONFIG;
        for (size_t i = 0; i < map->n; i++) {
                struct kfs_ynode *k = map->items[2 * i], **v = &map->items[2 * i + 1];
                struct kfs_ynode *repl = redact_replacement(r, k, ctx);
                enum ctx sub = ctx == IN_SECRET_DATA ? IN_SECRET_DATA : ctx == IN_KUBECONFIG ? IN_KUBECONFIG : IN_DOC;
                int rr;

                /* {name: SECRET_NAME, value: x}; exec env entries hold values only by name */
                if (!repl && secret_pair && key_is(k, "value"))
                        repl = r->redacted;
                /* an empty value holds no secret: "" stays, as kubectl shows it */
                if (repl && !kfs_ynull(*v) && !((*v)->type == KFS_YSCALAR && (*v)->n == 0)) {
                        *v = repl;
                        continue;
                }
                if (secret && (key_is(k, "data") || key_is(k, "stringData")))
                        sub = IN_SECRET_DATA;
                else if (ctx == IN_KUBECONFIG && key_is(k, "auth-provider"))
                        sub = IN_AUTH_PROVIDER;
                else if (ctx == IN_AUTH_PROVIDER && key_is(k, "config"))
                        sub = IN_AUTH_PROVIDER;
                else if (ctx == IN_KUBECONFIG && key_is(k, "exec"))
                        sub = IN_KUBECONFIG;    /* exec's own keys: plain rules */
                else if (ctx == IN_KUBECONFIG && key_is(k, "env"))
                        sub = IN_EXEC;
                if ((rr = redact_walk(r, *v, sub, depth + 1)) < 0)
                        return rr;
        }
        return 0;
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
                if (ctx == IN_SECRET_DATA && n->items[i]->type == KFS_YSCALAR) {
                        n->items[i] = r->redacted;
                        continue;
                }
                int rr = redact_walk(r, n->items[i], ctx == IN_SECRET_DATA ? ctx :
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
        };

        if (!r.redacted || !r.omitted)
                return -ENOMEM;
        for (size_t i = 0; i < doc->n_docs; i++) {
                int rr;

                /* a List's items are documents of their own for `kind: Secret` */
                if ((rr = redact_walk(&r, doc->docs[i], IN_DOC, 0)) < 0)
                        return rr;
        }
        return 0;
}
