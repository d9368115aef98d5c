/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML (libyaml events) and JSON (jansson) into one tree type. The event
 * loop keeps an explicit stack of open sequences and maps, so nesting depth
 * costs heap, not C stack, and is capped at KFS_YDOC_MAX_DEPTH.
 */
#include "ydoc.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define ARENA_CHUNK ((size_t) 64 << 10)
#define YDOC_STR_(x) #x
#define YDOC_STR(x) YDOC_STR_(x)

/* ---- arena: every node and string of a document ---- */

struct ydoc_chunk {
        struct ydoc_chunk *next;
        size_t used, size;
        max_align_t data[];
};

struct ydoc_arena {
        struct ydoc_chunk *chunks;
};

static void *arena_alloc(struct kfs_ydoc *d, size_t size)
{
        struct ydoc_chunk *c = d->arena->chunks;

        size = (size + 7) & ~(size_t) 7;
        if (!c || c->size - c->used < size) {
                size_t csize = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;

                c = malloc(sizeof(*c) + csize);
                if (!c)
                        return NULL;
                c->size = csize;
                c->used = 0;
                if (size > ARENA_CHUNK / 4 && d->arena->chunks) {
                        /* a big one-off: keep the current chunk in front for small allocations */
                        c->next = d->arena->chunks->next;
                        d->arena->chunks->next = c;
                } else {
                        c->next = d->arena->chunks;
                        d->arena->chunks = c;
                }
        }
        void *p = (char *) c->data + c->used;
        c->used += size;
        return p;
}

static char *arena_strndup(struct kfs_ydoc *d, const char *s, size_t n)
{
        char *p = arena_alloc(d, n + 1);

        if (p) {
                memcpy(p, s, n);
                p[n] = '\0';
        }
        return p;
}

void kfs_ydoc_free(struct kfs_ydoc *doc)
{
        if (!doc)
                return;
        if (doc->arena) {
                struct ydoc_chunk *c = doc->arena->chunks;
                while (c) {
                        struct ydoc_chunk *next = c->next;
                        free(c);
                        c = next;
                }
                free(doc->arena);
        }
        free(doc->docs);
        free(doc);
}

static int ydoc_fail(char *err, size_t errsize, int r, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int ydoc_fail(char *err, size_t errsize, int r, const char *fmt, ...)
{
        va_list ap;

        if (err && errsize && !err[0]) {
                va_start(ap, fmt);
                vsnprintf(err, errsize, fmt, ap);
                va_end(ap);
        }
        return r;
}

static struct kfs_ynode *ydoc_node(struct kfs_ydoc *d, enum kfs_ytype type)
{
        struct kfs_ynode *n;

        if (d->n_nodes >= KFS_YDOC_MAX_NODES)
                return NULL;
        n = arena_alloc(d, sizeof(*n));
        if (!n)
                return NULL;
        *n = (struct kfs_ynode) { .type = (uint8_t) type };
        d->n_nodes++;
        return n;
}

static int ydoc_add_doc(struct kfs_ydoc *d, struct kfs_ynode *root)
{
        struct kfs_ynode **docs = realloc(d->docs, (d->n_docs + 1) * sizeof(*docs));

        if (!docs)
                return -ENOMEM;
        d->docs = docs;
        d->docs[d->n_docs++] = root;
        return 0;
}

/* ---- YAML ---- */

struct yframe {
        struct kfs_ynode *node;         /* the sequence or map being built */
        struct kfs_ynode **kids;        /* its children so far (malloc'd) */
        size_t n, alloc;
        char *anchor;                   /* registered when the node is complete */
        uint64_t start;                 /* the expanded count when it began */
        bool merge;                     /* a map with a `<<` key */
};

struct yanchor {
        char *name;
        struct kfs_ynode *node;
        uint64_t weight;                /* its size with aliases expanded */
};

struct yparse {
        struct kfs_ydoc *doc;
        struct yframe *stack;
        size_t depth;
        struct yanchor *anchors;        /* of the current document, in definition order */
        size_t n_anchors, alloc_anchors;
        uint64_t expanded;              /* nodes so far with aliases expanded */
        char *err;
        size_t errsize;
};

static int yparse_fail(struct yparse *p, const yaml_mark_t *m, int r, const char *what)
{
        return ydoc_fail(p->err, p->errsize, r, "line %zu, column %zu: %s",
                         m->line + 1, m->column + 1, what);
}

static void yparse_drop_anchors(struct yparse *p)
{
        for (size_t i = 0; i < p->n_anchors; i++)
                free(p->anchors[i].name);
        p->n_anchors = 0;
}

static int yparse_anchor(struct yparse *p, const char *name, struct kfs_ynode *node, uint64_t weight)
{
        /* a redefined anchor shadows the old one: search from the end */
        if (p->n_anchors == p->alloc_anchors) {
                size_t n = p->alloc_anchors ? p->alloc_anchors * 2 : 16;
                struct yanchor *a = realloc(p->anchors, n * sizeof(*a));
                if (!a)
                        return -ENOMEM;
                p->anchors = a;
                p->alloc_anchors = n;
        }
        p->anchors[p->n_anchors] = (struct yanchor) { strdup(name), node, weight };
        if (!p->anchors[p->n_anchors].name)
                return -ENOMEM;
        p->n_anchors++;
        return 0;
}

static const struct yanchor *yparse_find_anchor(const struct yparse *p, const char *name)
{
        for (size_t i = p->n_anchors; i-- > 0;)
                if (strcmp(p->anchors[i].name, name) == 0)
                        return &p->anchors[i];
        return NULL;
}

static bool ynode_is_merge_key(const struct kfs_ynode *k)
{
        return k->type == KFS_YSCALAR && k->style == KFS_YPLAIN && strcmp(k->str, "<<") == 0 &&
               (!k->tag || strcmp(k->tag, "tag:yaml.org,2002:merge") == 0);
}

static bool ynode_same_key(const struct kfs_ynode *a, const struct kfs_ynode *b)
{
        if (a == b)
                return true;
        return a->type == KFS_YSCALAR && b->type == KFS_YSCALAR && a->n == b->n &&
               memcmp(a->str, b->str, a->n) == 0;
}

/*
 * A set of map keys (equal as ynode_same_key() says), so that merging maps
 * of n keys costs O(n), not O(n^2): `<<: *big` into a big map is input
 * anyone can write.
 */
struct ykeyset {
        const struct kfs_ynode **slot;
        size_t mask;
};

static size_t ykey_hash(const struct kfs_ynode *k)
{
        size_t h = 1469598103u;

        if (k->type != KFS_YSCALAR)
                return (size_t) (uintptr_t) k * 2654435761u;
        for (size_t i = 0; i < k->n; i++)
                h = (h ^ (unsigned char) k->str[i]) * 16777619u;
        return h;
}

static int ykeyset_init(struct ykeyset *s, size_t n)
{
        size_t size = 16;

        while (size < 2 * n)
                size *= 2;
        s->slot = calloc(size, sizeof(*s->slot));
        s->mask = size - 1;
        return s->slot ? 0 : -ENOMEM;
}

/* Adds `k`; false if an equal key was there already. */
static bool ykeyset_add(struct ykeyset *s, const struct kfs_ynode *k)
{
        size_t i = ykey_hash(k) & s->mask;

        while (s->slot[i]) {
                if (ynode_same_key(s->slot[i], k))
                        return false;
                i = (i + 1) & s->mask;
        }
        s->slot[i] = k;
        return true;
}

static int yframe_push_kid(struct yframe *f, struct kfs_ynode *kid)
{
        if (f->n == f->alloc) {
                size_t n = f->alloc ? f->alloc * 2 : 8;
                struct kfs_ynode **k = realloc(f->kids, n * sizeof(*k));
                if (!k)
                        return -ENOMEM;
                f->kids = k;
                f->alloc = n;
        }
        f->kids[f->n++] = kid;
        return 0;
}

/*
 * YAML 1.1 merge keys: replaces each `<<` entry by the entries of the map(s)
 * it names that the map does not set itself; with a list of maps the earlier
 * map wins (yaml.org/type/merge.html).
 */
static int yframe_apply_merge(struct yparse *p, struct yframe *f, const yaml_mark_t *m)
{
        struct yframe out = { 0 };
        struct ykeyset keys;
        size_t total = f->n;
        int r = 0;

        /* the map's own keys win, then the earlier merged map's */
        for (size_t i = 0; i + 1 < f->n; i += 2) {
                const struct kfs_ynode *v = f->kids[i + 1];
                if (!ynode_is_merge_key(f->kids[i]))
                        continue;
                if (v->type == KFS_YMAP)
                        total += 2 * (size_t) v->n;
                for (size_t s = 0; v->type == KFS_YSEQ && s < v->n; s++)
                        total += v->items[s]->type == KFS_YMAP ? 2 * (size_t) v->items[s]->n : 0;
        }
        if (ykeyset_init(&keys, total / 2 + 1) < 0)
                return -ENOMEM;
        for (size_t i = 0; i + 1 < f->n; i += 2)
                if (!ynode_is_merge_key(f->kids[i]))
                        ykeyset_add(&keys, f->kids[i]);

        for (size_t i = 0; i + 1 < f->n && r == 0; i += 2) {
                struct kfs_ynode *k = f->kids[i], *v = f->kids[i + 1];
                struct kfs_ynode *const *srcs = &v;
                size_t n_srcs = 1;

                if (!ynode_is_merge_key(k)) {
                        r = yframe_push_kid(&out, k);
                        if (r == 0)
                                r = yframe_push_kid(&out, v);
                        continue;
                }
                if (v->type == KFS_YSEQ) {
                        srcs = v->items;
                        n_srcs = v->n;
                }
                for (size_t s = 0; s < n_srcs && r == 0; s++) {
                        const struct kfs_ynode *src = srcs[s];

                        if (src->type != KFS_YMAP) {
                                r = yparse_fail(p, m, -EINVAL, "a merge key (<<) needs a map or a list of maps");
                                break;
                        }
                        for (size_t j = 0; j < src->n && r == 0; j++) {
                                struct kfs_ynode *mk = src->items[2 * j], *mv = src->items[2 * j + 1];

                                if (!ykeyset_add(&keys, mk))
                                        continue;
                                r = yframe_push_kid(&out, mk);
                                if (r == 0)
                                        r = yframe_push_kid(&out, mv);
                        }
                }
        }
        free(keys.slot);
        free(f->kids);
        f->kids = out.kids;
        f->n = out.n;
        f->alloc = out.alloc;
        return r;
}

/* Adds a finished node to the open container, or makes it the document root. */
static int yparse_emit(struct yparse *p, struct kfs_ynode *node, struct kfs_ynode **root)
{
        if (p->depth == 0) {
                *root = node;
                return 0;
        }
        struct yframe *f = &p->stack[p->depth - 1];
        if (f->node->type == KFS_YMAP && f->n % 2 == 0 && ynode_is_merge_key(node))
                f->merge = true;
        return yframe_push_kid(f, node);
}

static int yparse_count(struct yparse *p, uint64_t weight, const yaml_mark_t *m)
{
        p->expanded += weight;
        if (p->expanded > KFS_YDOC_MAX_EXPANDED)
                return yparse_fail(p, m, -E2BIG, "too large with aliases expanded (limit "
                                   YDOC_STR(KFS_YDOC_MAX_EXPANDED) " nodes)");
        return 0;
}

static int yparse_event(struct yparse *p, yaml_event_t *ev, struct kfs_ynode **root)
{
        struct kfs_ydoc *d = p->doc;
        struct kfs_ynode *n;
        const char *anchor = NULL, *tag = NULL;
        int r;

        switch (ev->type) {
        case YAML_SCALAR_EVENT:
                n = ydoc_node(d, KFS_YSCALAR);
                if (!n)
                        return yparse_fail(p, &ev->start_mark, d->n_nodes >= KFS_YDOC_MAX_NODES ? -E2BIG : -ENOMEM,
                                           "too many nodes (limit " YDOC_STR(KFS_YDOC_MAX_NODES) ")");
                n->style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? KFS_YPLAIN : KFS_YQUOTED;
                n->line = (uint32_t) ev->start_mark.line + 1;
                n->n = (uint32_t) ev->data.scalar.length;
                n->str = arena_strndup(d, (const char *) ev->data.scalar.value, ev->data.scalar.length);
                anchor = (const char *) ev->data.scalar.anchor;
                tag = (const char *) ev->data.scalar.tag;
                if (!n->str || (tag && !(n->tag = arena_strndup(d, tag, strlen(tag)))))
                        return -ENOMEM;
                r = yparse_count(p, 1, &ev->start_mark);
                if (r == 0 && anchor)
                        r = yparse_anchor(p, anchor, n, 1);
                return r < 0 ? r : yparse_emit(p, n, root);

        case YAML_ALIAS_EVENT: {
                const struct yanchor *a = yparse_find_anchor(p, (const char *) ev->data.alias.anchor);

                if (!a)
                        return yparse_fail(p, &ev->start_mark, -EINVAL, "alias to an undefined or enclosing anchor");
                r = yparse_count(p, a->weight, &ev->start_mark);
                return r < 0 ? r : yparse_emit(p, a->node, root);
        }

        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
                bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
                struct yframe *f;

                if (p->depth >= KFS_YDOC_MAX_DEPTH)
                        return yparse_fail(p, &ev->start_mark, -E2BIG, "nesting deeper than " YDOC_STR(KFS_YDOC_MAX_DEPTH) " levels");
                n = ydoc_node(d, seq ? KFS_YSEQ : KFS_YMAP);
                if (!n)
                        return yparse_fail(p, &ev->start_mark, d->n_nodes >= KFS_YDOC_MAX_NODES ? -E2BIG : -ENOMEM,
                                           "too many nodes (limit " YDOC_STR(KFS_YDOC_MAX_NODES) ")");
                n->line = (uint32_t) ev->start_mark.line + 1;
                anchor = seq ? (const char *) ev->data.sequence_start.anchor
                             : (const char *) ev->data.mapping_start.anchor;
                tag = seq ? (const char *) ev->data.sequence_start.tag : (const char *) ev->data.mapping_start.tag;
                if (tag && !(n->tag = arena_strndup(d, tag, strlen(tag))))
                        return -ENOMEM;
                if ((r = yparse_count(p, 1, &ev->start_mark)) < 0)
                        return r;
                f = &p->stack[p->depth++];
                *f = (struct yframe) { .node = n, .start = p->expanded - 1 };
                if (anchor && !(f->anchor = strdup(anchor)))
                        return -ENOMEM;
                return 0;
        }

        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
                struct yframe *f = &p->stack[p->depth - 1];

                n = f->node;
                if (f->merge && (r = yframe_apply_merge(p, f, &ev->start_mark)) < 0)
                        return r;
                if (f->n) {
                        n->items = arena_alloc(d, f->n * sizeof(*n->items));
                        if (!n->items)
                                return -ENOMEM;
                        memcpy(n->items, f->kids, f->n * sizeof(*n->items));
                }
                n->n = (uint32_t) (n->type == KFS_YMAP ? f->n / 2 : f->n);
                r = 0;
                if (f->anchor)
                        r = yparse_anchor(p, f->anchor, n, p->expanded - f->start);
                free(f->kids);
                free(f->anchor);
                p->depth--;
                return r < 0 ? r : yparse_emit(p, n, root);
        }

        default:
                return 0;
        }
}

static int ydoc_parse_yaml(struct kfs_ydoc *d, const char *data, size_t len, char *err, size_t errsize)
{
        struct yparse p = { .doc = d, .err = err, .errsize = errsize };
        struct kfs_ynode *root = NULL;
        yaml_parser_t parser;
        bool done = false;
        int r = 0;

        p.stack = calloc(KFS_YDOC_MAX_DEPTH, sizeof(*p.stack));
        if (!p.stack || !yaml_parser_initialize(&parser)) {
                free(p.stack);
                return -ENOMEM;
        }
        yaml_parser_set_input_string(&parser, (const unsigned char *) data, len);
        while (!done && r == 0) {
                yaml_event_t ev;

                if (!yaml_parser_parse(&parser, &ev)) {
                        if (parser.error == YAML_MEMORY_ERROR)
                                r = -ENOMEM;
                        else if (parser.context)
                                r = ydoc_fail(err, errsize, -EINVAL, "line %zu, column %zu: %s (%s at line %zu)",
                                              parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                              parser.problem ? parser.problem : "invalid YAML",
                                              parser.context, parser.context_mark.line + 1);
                        else
                                r = ydoc_fail(err, errsize, -EINVAL, "line %zu, column %zu: %s",
                                              parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                              parser.problem ? parser.problem : "invalid YAML");
                        break;
                }
                switch (ev.type) {
                case YAML_DOCUMENT_START_EVENT:
                        root = NULL;
                        p.expanded = 0;
                        yparse_drop_anchors(&p);
                        break;
                case YAML_DOCUMENT_END_EVENT:
                        if (root)
                                r = ydoc_add_doc(d, root);
                        break;
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                default:
                        r = yparse_event(&p, &ev, &root);
                        break;
                }
                yaml_event_delete(&ev);
        }
        while (p.depth > 0) {
                p.depth--;
                free(p.stack[p.depth].kids);
                free(p.stack[p.depth].anchor);
        }
        yparse_drop_anchors(&p);
        free(p.anchors);
        free(p.stack);
        yaml_parser_delete(&parser);
        return r;
}

/* ---- JSON ---- */

/* The shortest text that reads back as the same double, always with a '.' or exponent. */
static void ydoc_format_real(double v, char *buf, size_t size)
{
        if (isnan(v)) {
                snprintf(buf, size, ".nan");
                return;
        }
        if (isinf(v)) {
                snprintf(buf, size, v < 0 ? "-.inf" : ".inf");
                return;
        }
        for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, size, "%.*g", prec, v);
                if (strtod(buf, NULL) == v)
                        break;
        }
        if (!strpbrk(buf, ".eEn"))
                strncat(buf, ".0", size - strlen(buf) - 1);
}

static struct kfs_ynode *ydoc_from_json(struct kfs_ydoc *d, json_t *j, unsigned depth, char *err, size_t errsize,
                                        int *ret_err)
{
        struct kfs_ynode *n;
        char num[64];
        const char *text = NULL;
        size_t text_len = 0;

        if (depth > KFS_YDOC_MAX_DEPTH) {
                *ret_err = ydoc_fail(err, errsize, -E2BIG, "nesting deeper than " YDOC_STR(KFS_YDOC_MAX_DEPTH) " levels");
                return NULL;
        }
        switch (json_typeof(j)) {
        case JSON_OBJECT:
        case JSON_ARRAY: {
                bool obj = json_is_object(j);
                size_t count = obj ? json_object_size(j) : json_array_size(j), i = 0;

                n = ydoc_node(d, obj ? KFS_YMAP : KFS_YSEQ);
                if (!n)
                        goto nomem;
                n->n = (uint32_t) count;
                if (count && !(n->items = arena_alloc(d, (obj ? 2 : 1) * count * sizeof(*n->items))))
                        goto nomem;
                if (obj) {
                        const char *key;
                        json_t *v;

                        json_object_foreach(j, key, v) {
                                struct kfs_ynode *k = ydoc_node(d, KFS_YSCALAR);

                                if (!k || !(k->str = arena_strndup(d, key, strlen(key))))
                                        goto nomem;
                                k->style = KFS_YQUOTED;
                                k->n = (uint32_t) strlen(key);
                                n->items[2 * i] = k;
                                if (!(n->items[2 * i + 1] = ydoc_from_json(d, v, depth + 1, err, errsize, ret_err)))
                                        return NULL;
                                i++;
                        }
                } else {
                        for (i = 0; i < count; i++)
                                if (!(n->items[i] = ydoc_from_json(d, json_array_get(j, i), depth + 1, err,
                                                                   errsize, ret_err)))
                                        return NULL;
                }
                return n;
        }
        case JSON_STRING:
                text = json_string_value(j);
                text_len = json_string_length(j);
                break;
        case JSON_INTEGER:
                snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(j));
                text = num;
                break;
        case JSON_REAL:
                ydoc_format_real(json_real_value(j), num, sizeof(num));
                text = num;
                break;
        case JSON_TRUE:
                text = "true";
                break;
        case JSON_FALSE:
                text = "false";
                break;
        case JSON_NULL:
                text = "null";
                break;
        }
        n = ydoc_node(d, KFS_YSCALAR);
        if (!n)
                goto nomem;
        if (!text_len)
                text_len = strlen(text);
        n->style = json_is_string(j) ? KFS_YQUOTED : KFS_YPLAIN;
        n->n = (uint32_t) text_len;
        if (!(n->str = arena_strndup(d, text, text_len)))
                goto nomem;
        return n;
nomem:
        *ret_err = d->n_nodes >= KFS_YDOC_MAX_NODES
                ? ydoc_fail(err, errsize, -E2BIG, "too many nodes (limit " YDOC_STR(KFS_YDOC_MAX_NODES) ")")
                : -ENOMEM;
        return NULL;
}

/* A lower bound of the nodes a JSON text makes: its ',' and ':' outside strings. */
static size_t ydoc_json_bound(const char *data, size_t len)
{
        size_t n = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = data[i];

                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == ',' || c == ':') {
                        n++;
                }
        }
        return n;
}

static int ydoc_parse_json(struct kfs_ydoc *d, const char *data, size_t len, char *err, size_t errsize)
{
        json_error_t jerr;
        json_t *j;
        struct kfs_ynode *root;
        int r = 0;

        /* jansson's tree costs ~40-130 bytes a value before ours is built:
         * refuse what would pass the node limit before it is made (every
         * ',' and ':' outside strings stands for at least one node) */
        if (ydoc_json_bound(data, len) >= KFS_YDOC_MAX_NODES)
                return ydoc_fail(err, errsize, -E2BIG, "too many nodes (limit " YDOC_STR(KFS_YDOC_MAX_NODES) ")");
        j = json_loadb(data, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!j) {
                /* "... near 'TEXT'" would quote the file: a token, perhaps */
                char *near = strstr(jerr.text, " near ");
                if (near)
                        *near = '\0';
                return ydoc_fail(err, errsize, -EINVAL, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        }
        root = ydoc_from_json(d, j, 0, err, errsize, &r);
        json_decref(j);
        if (!root)
                return r < 0 ? r : -ENOMEM;
        d->json = true;
        return ydoc_add_doc(d, root);
}

/* Whether the text (after a BOM and white space) starts like a JSON document. */
static bool ydoc_looks_json(const char *data, size_t len)
{
        size_t i = 0;

        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
                i = 3;
        while (i < len && strchr(" \t\r\n", data[i]))
                i++;
        return i < len && (data[i] == '{' || data[i] == '[');
}

static struct kfs_ydoc *ydoc_new(void)
{
        struct kfs_ydoc *d = calloc(1, sizeof(*d));

        if (d && !(d->arena = calloc(1, sizeof(*d->arena)))) {
                free(d);
                return NULL;
        }
        return d;
}

int kfs_ydoc_parse(const char *data, size_t len, struct kfs_ydoc **ret, char *err, size_t errsize)
{
        struct kfs_ydoc *d;
        int r;

        if (err && errsize)
                err[0] = '\0';
        if (len > UINT32_MAX)
                return ydoc_fail(err, errsize, -E2BIG, "too big");
        d = ydoc_new();
        if (!d)
                return -ENOMEM;
        if (ydoc_looks_json(data, len)) {
                r = ydoc_parse_json(d, data, len, err, errsize);
                if (r == 0) {
                        *ret = d;
                        return 0;
                }
                /* YAML's flow syntax takes what JSON refuses (comments, trailing commas...) */
                kfs_ydoc_free(d);
                if (r == -ENOMEM || r == -E2BIG || !(d = ydoc_new()))
                        return r == -E2BIG ? r : -ENOMEM;
                char jsonerr[256];
                snprintf(jsonerr, sizeof(jsonerr), "%s", err ? err : "");
                if (err && errsize)
                        err[0] = '\0';
                r = ydoc_parse_yaml(d, data, len, NULL, 0);
                if (r < 0) {
                        kfs_ydoc_free(d);
                        return ydoc_fail(err, errsize, r, "invalid JSON: %s", jsonerr);
                }
                *ret = d;
                return 0;
        }
        r = ydoc_parse_yaml(d, data, len, err, errsize);
        if (r < 0) {
                kfs_ydoc_free(d);
                return r;
        }
        *ret = d;
        return 0;
}

struct kfs_ynode *kfs_ydoc_new_scalar(struct kfs_ydoc *doc, const char *text)
{
        struct kfs_ynode *n = ydoc_node(doc, KFS_YSCALAR);

        if (!n || !(n->str = arena_strndup(doc, text, strlen(text))))
                return NULL;
        n->style = KFS_YQUOTED;
        n->n = (uint32_t) strlen(text);
        return n;
}

/* ---- building a tree (other parsers: toml.c) ---- */

struct kfs_ydoc *kfs_ydoc_new(void)
{
        return ydoc_new();
}

struct kfs_ynode *kfs_ydoc_new_node(struct kfs_ydoc *doc, enum kfs_ytype type, size_t n)
{
        struct kfs_ynode *node;

        if (n > UINT32_MAX || (type == KFS_YMAP && n > UINT32_MAX / 2))
                return NULL;
        node = ydoc_node(doc, type);
        if (!node)
                return NULL;
        node->n = (uint32_t) n;
        if (type == KFS_YSCALAR) {
                node->str = "";
                return node;
        }
        node->items = arena_alloc(doc, (type == KFS_YMAP ? 2 * n : n) * sizeof(*node->items) + 1);
        return node->items ? node : NULL;
}

struct kfs_ynode *kfs_ydoc_new_text(struct kfs_ydoc *doc, enum kfs_ystyle style, const char *tag,
                                    const char *text, size_t len)
{
        struct kfs_ynode *n;

        if (len > UINT32_MAX)
                return NULL;
        n = ydoc_node(doc, KFS_YSCALAR);
        if (!n || !(n->str = arena_strndup(doc, text, len)))
                return NULL;
        n->style = (uint8_t) style;
        n->n = (uint32_t) len;
        n->tag = tag;
        return n;
}

int kfs_ydoc_add_root(struct kfs_ydoc *doc, struct kfs_ynode *root)
{
        return ydoc_add_doc(doc, root);
}

/* ---- queries ---- */

const char *kfs_yscalar(const struct kfs_ynode *n)
{
        return n && n->type == KFS_YSCALAR ? n->str : NULL;
}

const struct kfs_ynode *kfs_ymap_get(const struct kfs_ynode *map, const char *key)
{
        size_t klen = strlen(key);

        if (!map || map->type != KFS_YMAP)
                return NULL;
        for (size_t i = map->n; i-- > 0;) {
                const struct kfs_ynode *k = map->items[2 * i];
                if (k->type == KFS_YSCALAR && k->n == klen && memcmp(k->str, key, klen) == 0)
                        return map->items[2 * i + 1];
        }
        return NULL;
}

const char *kfs_ymap_str(const struct kfs_ynode *map, const char *key)
{
        return kfs_yscalar(kfs_ymap_get(map, key));
}

bool kfs_ynull(const struct kfs_ynode *n)
{
        return !n || (n->type == KFS_YSCALAR && kfs_ykind(n) == KFS_YNULL);
}

static bool ykind_in(const char *s, const char *const *set)
{
        for (; *set; set++)
                if (strcmp(s, *set) == 0)
                        return true;
        return false;
}

bool kfs_yint_parse(const char *s, bool *ret_neg, uint64_t *ret_mag)
{
        const char *p = s, *digits;
        bool neg = false;
        unsigned base = 10;
        uint64_t v = 0;

        if (*p == '+' || *p == '-')
                neg = *p++ == '-';
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                base = 16, p += 2;
        else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
                base = 8, p += 2;
        else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
                base = 2, p += 2;
        else if (p[0] == '0' && p[1])
                base = 8, p += 1;
        digits = p;
        for (; *p; p++) {
                unsigned dv;

                if (*p >= '0' && *p <= '9')
                        dv = (unsigned) (*p - '0');
                else if (*p >= 'a' && *p <= 'f')
                        dv = (unsigned) (*p - 'a' + 10);
                else if (*p >= 'A' && *p <= 'F')
                        dv = (unsigned) (*p - 'A' + 10);
                else
                        return false;
                if (dv >= base || v > (UINT64_MAX - dv) / base)
                        return false;
                v = v * base + dv;
        }
        /* "0x" alone is no number; a negative one must fit int64 */
        if (p == digits || (neg && v > (uint64_t) INT64_MAX + 1))
                return false;
        *ret_neg = neg && v != 0;
        *ret_mag = v;
        return true;
}

/* go-yaml v2's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool ykind_yaml_float(const char *s)
{
        const char *p = s;
        size_t d;

        if (*p == '+' || *p == '-')
                p++;
        if (*p == '.') {
                p++;
                d = strspn(p, "0123456789");
                if (!d)
                        return false;
                p += d;
        } else {
                d = strspn(p, "0123456789");
                if (!d)
                        return false;
                p += d;
                if (*p == '.')
                        p += 1 + strspn(p + 1, "0123456789");
        }
        if (*p == 'e' || *p == 'E') {
                p++;
                if (*p == '+' || *p == '-')
                        p++;
                d = strspn(p, "0123456789");
                if (!d)
                        return false;
                p += d;
        }
        return *p == '\0';
}

enum kfs_ykind kfs_ykind(const struct kfs_ynode *n)
{
        static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
        static const char *const bools[] = {
                "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
                "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL,
        };
        static const char *const floats[] = {
                ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                ".nan", ".NaN", ".NAN", NULL,
        };
        const char *s;
        char plain[128];
        bool neg;
        uint64_t mag;
        size_t k = 0;

        if (!n || n->type != KFS_YSCALAR)
                return KFS_YSTR;
        if (n->tag) {
                const char *t = n->tag;
                if (strncmp(t, "tag:yaml.org,2002:", 18) == 0)
                        t += 18;
                else if (strncmp(t, "!!", 2) == 0)
                        t += 2;
                if (strcmp(t, "null") == 0)
                        return KFS_YNULL;
                if (strcmp(t, "bool") == 0)
                        return KFS_YBOOL;
                if (strcmp(t, "int") == 0)
                        return KFS_YINT;
                if (strcmp(t, "float") == 0)
                        return KFS_YFLOAT;
                return KFS_YSTR;
        }
        if (n->style != KFS_YPLAIN)
                return KFS_YSTR;
        s = n->str;
        /* every word below is at most 6 bytes and starts with one of these */
        if (n->n <= 6 && (!s[0] || strchr("~nNyYtToOfF.+-", s[0]))) {
                if (ykind_in(s, nulls))
                        return KFS_YNULL;
                if (ykind_in(s, bools))
                        return KFS_YBOOL;
                if (ykind_in(s, floats))
                        return KFS_YFLOAT;
        }
        if (!strchr("+-.0123456789", s[0]) || n->n >= sizeof(plain))
                return KFS_YSTR;
        /* go-yaml v2 drops every '_' before trying numbers */
        for (const char *p = s; *p; p++)
                if (*p != '_')
                        plain[k++] = *p;
        plain[k] = '\0';
        if (kfs_yint_parse(plain, &neg, &mag))
                return KFS_YINT;
        /* strconv.ParseFloat must succeed too: out of range (1e400) is a string */
        if (ykind_yaml_float(plain) && isfinite(strtod(plain, NULL)))
                return KFS_YFLOAT;
        return KFS_YSTR;
}

bool kfs_ybool(const struct kfs_ynode *n)
{
        const char *s = kfs_yscalar(n);

        return s && s[0] && (strchr("yYtT", s[0]) || strcmp(s, "on") == 0 || strcmp(s, "On") == 0 ||
                             strcmp(s, "ON") == 0);
}
