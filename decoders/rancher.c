/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rancher: k3s and rke2 configuration files, etc/rancher/{k3s,rke2}/config.yaml
 * and the drop-ins in config.yaml.d/ beside it, as k3s turns them into
 * command-line flags (pkg/configfilearg, readConfigFile()):
 *
 * - config.yaml first (if it exists), then config.yaml.d/ entries ending in
 *   .yaml or .yml (any case), in byte order of name;
 * - each file's top-level keys in order; a key seen again replaces the value,
 *   at the place the key was first seen; a key ending in "+" appends to the
 *   value so far (both made lists) instead;
 * - then one "--key=value" per key ("-k=value" for one-letter keys), and
 *   one per item for lists. Values are as Go's YAML reads them: YAML 1.1
 *   booleans (yes/no/on/off) are true/false, integers are written in decimal
 *   (an unquoted `0644` is octal 420, as k3s sees it), null is empty.
 *
 * Any of those files gives the same view: the flags of the whole set.
 *
 * View:
 *   .flags  one flag a line; secret values (token, agent-token,
 *           datastore-endpoint passwords, ...) read REDACTED (docs/spec.md §3).
 *           A file that does not parse is named in a "# " line and skipped,
 *           where k3s would refuse to start.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry.h"
#include "flags.h"
#include "sdsyntax.h"
#include "strv.h"
#include "ydoc.h"
#include "str.h"

#define RANCHER_MAX_FILES 64u           /* config.yaml and its drop-ins */
#define RANCHER_MAX_KEYS 1024u
#define RANCHER_MAX_VALUES 8192u        /* flags produced, lists included */

struct rancher_key {
        char *name;
        struct kfs_strv values;      /* one flag each */
};

struct rancher_doc {
        struct rancher_key *keys;
        size_t n_keys;
        size_t n_values;
        struct kfs_strv notes;
};

/* The config.yaml a path belongs to ("etc/rancher/k3s/config.yaml"), malloc'd, or NULL. */
static char *rancher_base(const char *path)
{
        static const char *const bases[] = { "etc/rancher/k3s/config.yaml", "etc/rancher/rke2/config.yaml" };

        for (size_t i = 0; i < 2; i++) {
                const char *b = bases[i], *at = NULL;
                size_t n = strlen(b);

                for (const char *s = strstr(path, b); s; s = strstr(s + 1, b))
                        if (s == path || s[-1] == '/')
                                at = s;
                if (!at)
                        continue;
                /* the file itself, or NAME.yaml/.yml directly in config.yaml.d/ */
                if (strcmp(at + n, "") == 0 ||
                    (strncmp(at + n, ".d/", 3) == 0 && !strchr(at + n + 3, '/') &&
                     (kfs_str_ends_with_case(at + n + 3, ".yaml") || kfs_str_ends_with_case(at + n + 3, ".yml"))))
                        return strndup(path, (size_t) (at - path) + n);
        }
        return NULL;
}

static bool rancher_match(const struct kfs_probe *p)
{
        char *b = rancher_base(p->path);

        free(b);
        return b != NULL;
}

static void rancher_free(void *p)
{
        struct rancher_doc *d = p;

        if (!d)
                return;
        for (size_t i = 0; i < d->n_keys; i++) {
                free(d->keys[i].name);
                kfs_strv_release(&d->keys[i].values);
        }
        free(d->keys);
        kfs_strv_release(&d->notes);
        free(d);
}

/* convert.ToString() of a scalar as go-yaml v2 typed it. */
static char *rancher_scalar(const struct kfs_ynode *n)
{
        const char *s = kfs_yscalar(n);
        char *r;

        switch (kfs_ykind(n)) {
        case KFS_YNULL:
                return strdup("");
        case KFS_YBOOL:
                return strdup(kfs_ybool(n) ? "true" : "false");
        case KFS_YINT: {
                /* YAML 1.1 integers: 0x.., 0b.., 0.. octal, _ separators, a sign */
                char digits[128];
                size_t k = 0;
                long long v;
                int base = 10;
                const char *p = s;
                bool neg = false;

                if (*p == '-' || *p == '+')
                        neg = *p++ == '-';
                if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                        base = 16, p += 2;
                else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
                        base = 2, p += 2;
                else if (p[0] == '0' && p[1])
                        base = 8, p += 1;
                for (; *p && k + 1 < sizeof(digits); p++)
                        if (*p != '_')
                                digits[k++] = *p;
                digits[k] = '\0';
                errno = 0;
                v = strtoll(digits, NULL, base);
                if (errno || k == 0)
                        return strdup(s);       /* out of range: as written */
                return asprintf(&r, "%lld", neg ? -v : v) < 0 ? NULL : r;
        }
        default:
                return strdup(s);
        }
}

/* A value's items as strings: a list gives its items, a scalar itself. */
static int rancher_values(const struct kfs_ynode *v, struct kfs_strv *out, bool *ret_list)
{
        *ret_list = v && v->type == KFS_YSEQ;
        if (!*ret_list) {
                if (v && v->type == KFS_YMAP)
                        return -EINVAL;
                return kfs_strv_push(out, v ? rancher_scalar(v) : strdup(""), RANCHER_MAX_VALUES);
        }
        for (uint32_t i = 0; i < v->n; i++) {
                int r;

                if (v->items[i]->type != KFS_YSCALAR)
                        return -EINVAL;
                r = kfs_strv_push(out, rancher_scalar(v->items[i]), RANCHER_MAX_VALUES);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void rancher_note(struct rancher_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rancher_note(struct rancher_doc *d, const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        if (s)
                (void) kfs_strv_push(&d->notes, s, 32);
}

/* One file's top-level keys into the set (readConfigFile()'s loop body). */
static int rancher_apply(struct rancher_doc *d, const char *shown, const struct kfs_ynode *root)
{
        if (kfs_ynull(root))
                return 0;
        if (root->type != KFS_YMAP) {
                rancher_note(d, "%s: not a map of flags, skipped", shown);
                return 0;
        }
        for (uint32_t i = 0; i < root->n; i++) {
                const char *k = kfs_yscalar(root->items[2 * i]);
                const struct kfs_ynode *v = root->items[2 * i + 1];
                struct kfs_strv vals = { 0 };
                struct rancher_key *key = NULL;
                bool append, list;
                size_t n;
                int r;

                if (!k) {
                        rancher_note(d, "%s: a key that is not a string, skipped", shown);
                        continue;
                }
                n = strlen(k);
                append = n > 0 && k[n - 1] == '+';
                n -= append;
                r = rancher_values(v, &vals, &list);
                if (r == -EINVAL) {
                        rancher_note(d, "%s: %.*s: a map is not a flag value, skipped", shown, (int) n, k);
                        kfs_strv_release(&vals);
                        continue;
                }
                if (r < 0) {
                        kfs_strv_release(&vals);
                        return r;
                }
                for (size_t j = 0; j < d->n_keys && !key; j++)
                        if (strlen(d->keys[j].name) == n && strncmp(d->keys[j].name, k, n) == 0)
                                key = &d->keys[j];
                if (!key) {
                        struct rancher_key *nk;

                        if (d->n_keys >= RANCHER_MAX_KEYS) {
                                kfs_strv_release(&vals);
                                return -E2BIG;
                        }
                        nk = realloc(d->keys, (d->n_keys + 1) * sizeof(*nk));
                        if (!nk) {
                                kfs_strv_release(&vals);
                                return -ENOMEM;
                        }
                        d->keys = nk;
                        key = &d->keys[d->n_keys++];
                        *key = (struct rancher_key) { .name = strndup(k, n) };
                        if (!key->name) {
                                kfs_strv_release(&vals);
                                return -ENOMEM;
                        }
                } else if (append) {
                        /* toSlice(): an empty non-string scalar adds nothing */
                        bool empty = !list && vals.n == 1 && !vals.v[0][0] && kfs_ykind(v) != KFS_YSTR;

                        for (size_t j = 0; j < vals.n && !empty; j++) {
                                r = kfs_strv_push(&key->values, vals.v[j], RANCHER_MAX_VALUES);
                                vals.v[j] = NULL;
                                if (r < 0)
                                        break;
                        }
                        for (size_t j = 0; j < vals.n; j++)
                                free(vals.v[j]);
                        free(vals.v);
                        if (r < 0)
                                return r;
                        continue;
                }
                kfs_strv_release(&key->values);
                key->values = vals;
        }
        return 0;
}

static int rancher_load(struct rancher_doc *d, struct kfs_ctx *ctx, const char *rel)
{
        struct kfs_ydoc *y = NULL;
        char err[256] = "", *data, *abs;
        size_t len;
        int r;

        if (asprintf(&abs, "/%s", rel) < 0)
                return -ENOMEM;
        r = kfs_ctx_read(ctx, abs, &data, &len);
        if (r < 0) {
                free(abs);
                return r == -ENOMEM ? r : 0;
        }
        r = kfs_ydoc_parse(data, len, &y, err, sizeof(err));
        free(data);
        if (r < 0) {
                rancher_note(d, "%s: %s; k3s would not start", abs, err[0] ? err : "not YAML");
                r = r == -ENOMEM ? r : 0;
        } else {
                r = y->n_docs ? rancher_apply(d, abs, y->docs[0]) : 0;
        }
        kfs_ydoc_free(y);
        free(abs);
        return r;
}

static int rancher_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct rancher_doc *d = calloc(1, sizeof(*d));
        char *base = rancher_base(ctx->path), *dropdir = NULL, **names = NULL;
        size_t n_files = 1;
        int r;

        if (!d || !base) {
                free(d);
                free(base);
                return -ENOMEM;
        }
        r = rancher_load(d, ctx, base);
        if (r == 0 && asprintf(&dropdir, "/%s.d", base) < 0)
                r = -ENOMEM;
        if (r == 0 && kfs_ctx_list(ctx, dropdir, &names) == 0) {
                for (char **n = names; *n && r == 0; n++) {
                        char *rel;

                        if (!kfs_str_ends_with_case(*n, ".yaml") && !kfs_str_ends_with_case(*n, ".yml"))
                                continue;
                        if (++n_files > RANCHER_MAX_FILES) {
                                r = kfs_ctx_fail(ctx, -E2BIG, "more than %u config files", RANCHER_MAX_FILES);
                                break;
                        }
                        if (asprintf(&rel, "%s.d/%s", base, *n) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        r = rancher_load(d, ctx, rel);
                        free(rel);
                }
                kfs_strv_free(names);
        }
        free(dropdir);
        free(base);
        if (r == -E2BIG && !ctx->error[0])
                r = kfs_ctx_fail(ctx, r, "more than %u keys or %u values", RANCHER_MAX_KEYS, RANCHER_MAX_VALUES);
        if (r < 0) {
                rancher_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

static int rancher_render_flags(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct rancher_doc *d = doc;

        for (size_t i = 0; i < d->notes.n; i++)
                kfs_buf_addf(out, "# %s\n", d->notes.v[i]);
        for (size_t i = 0; i < d->n_keys; i++) {
                const struct rancher_key *k = &d->keys[i];

                for (size_t j = 0; j < k->values.n; j++) {
                        char *flag;

                        if (asprintf(&flag, "%s%s=%s", strlen(k->name) == 1 ? "-" : "--",
                                     k->name, k->values.v[j]) < 0)
                                return -ENOMEM;
                        /* k3s's and rke2's -t is --token */
                        kfs_flags_add_arg_prog(out, flag, "k3s");
                        free(flag);
                }
        }
        return out->err;
}

static const struct kfs_view rancher_views[] = {
        { "flags", rancher_render_flags, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_rancher = {
        .name = "rancher",
        .match = rancher_match,
        .parse = rancher_parse,
        .free = rancher_free,
        .views = rancher_views,
};
