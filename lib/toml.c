/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TOML 1.0.0 by hand (https://toml.io/en/v1.0.0, its ABNF), into a
 * temporary tree that knows how each table came to be, then into a ydoc.
 *
 * Why the temporary tree: TOML's rules on redefinition depend on how a
 * table was made (tomllib's Flags: EXPLICIT_NEST, FROZEN):
 * - a `[header]` defines its table once; a table made implicitly by a
 *   longer header (`a` for `[a.b]`) may be defined later by its own header;
 * - dotted keys make tables that belong to the section (the header, or the
 *   top) that wrote them: no header may define them later, no other section
 *   may add to them with dotted keys, and dotted keys may not add to a table
 *   a header defined (toml-lang/toml#846);
 * - inline tables and arrays are complete when closed (frozen);
 * - `[[a]]` appends to an array of tables, never to an inline array.
 * Lookups go through one hash table keyed by (table, key), so a table of a
 * million keys costs linear time. Recursion (inline values, the final
 * conversion) is bounded by KFS_TOML_MAX_DEPTH.
 */
#include "toml.h"
#include "str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tkind { TV_SCALAR, TV_TABLE, TV_ARRAY, TV_AOT };

enum tflag {
        TF_IMPLICIT = 1 << 0,   /* made by a longer header; a header may still define it */
        TF_HEADER = 1 << 1,     /* defined by [header] or [[header]] */
        TF_DOTTED = 1 << 2,     /* made by dotted keys of section `section` */
        TF_FROZEN = 1 << 3,     /* an inline table or array, or inside one */
};

struct tval {
        struct tval *next_alloc;        /* every tval, for freeing without recursion */
        uint8_t kind, flags, style;
        unsigned depth;
        uint32_t section, line;
        size_t n, alloc;
        struct tval **vals;             /* table values, array items */
        char **keys;                    /* table keys (malloc'd, may hold NULs) */
        size_t *klens;
        const char *tag;                /* scalars */
        char *text;
        size_t len;
};

struct tent {
        const struct tval *table;
        const char *key;
        size_t klen;
        struct tval *val;
};

struct tparse {
        const char *start, *p, *end;
        struct tval *allocs;
        size_t nodes;
        uint32_t section;
        struct tent *hash;
        size_t hcap, hn;
        char *err;
        size_t errsize;
        int fail;               /* the first error's code */
        const char *line_at;    /* tline()'s cache: line_no is the line of line_at */
        uint32_t line_no;
};

/* A growable byte string for strings and keys. */
struct tstr {
        char *s;
        size_t n, alloc;
};

/* ---- errors ---- */

static int tfail(struct tparse *p, const char *at, int r, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static int tfail(struct tparse *p, const char *at, int r, const char *fmt, ...)
{
        size_t line = 1, col = 1;
        char what[200];
        va_list ap;

        if (p->fail)
                return p->fail;
        p->fail = r;
        if (!p->err || !p->errsize)
                return r;
        if (!at || at > p->end)
                at = p->end;
        for (const char *s = p->start; s < at; s++) {
                if (*s == '\n')
                        line++, col = 1;
                else if (((unsigned char) *s & 0xC0) != 0x80)
                        col++;
        }
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        snprintf(p->err, p->errsize, "line %zu, column %zu: %s", line, col, what);
        return r;
}

static int tnomem(struct tparse *p)
{
        if (!p->fail)
                p->fail = -ENOMEM;
        return -ENOMEM;
}

/* The line of `at`: counted on from the last position asked (the parse only
 * moves forward), so a file's line numbers cost one pass. */
static uint32_t tline(struct tparse *p, const char *at)
{
        if (at < p->line_at) {
                p->line_at = p->start;
                p->line_no = 1;
        }
        for (; p->line_at < at && p->line_at < p->end; p->line_at++)
                p->line_no += *p->line_at == '\n';
        return p->line_no;
}

/* ---- values ---- */

static struct tval *tval_new(struct tparse *p, enum tkind kind, unsigned depth, const char *at)
{
        struct tval *v;

        if (depth > KFS_TOML_MAX_DEPTH) {
                tfail(p, at, -E2BIG, "nested more than %d deep", KFS_TOML_MAX_DEPTH);
                return NULL;
        }
        if (p->nodes >= KFS_TOML_MAX_NODES) {
                tfail(p, at, -E2BIG, "more than %d keys and values", KFS_TOML_MAX_NODES);
                return NULL;
        }
        v = calloc(1, sizeof(*v));
        if (!v) {
                tnomem(p);
                return NULL;
        }
        v->kind = (uint8_t) kind;
        v->depth = depth;
        v->section = p->section;
        v->line = 0;
        v->next_alloc = p->allocs;
        p->allocs = v;
        p->nodes++;
        return v;
}

static int tval_push(struct tparse *p, struct tval *parent, char *key, size_t klen, struct tval *v)
{
        if (parent->n == parent->alloc) {
                size_t a = parent->alloc ? 2 * parent->alloc : 4;
                struct tval **vals = realloc(parent->vals, a * sizeof(*vals));
                if (!vals)
                        return tnomem(p);
                parent->vals = vals;
                if (parent->kind == TV_TABLE) {
                        char **keys = realloc(parent->keys, a * sizeof(*keys));
                        if (!keys)
                                return tnomem(p);
                        parent->keys = keys;
                        size_t *klens = realloc(parent->klens, a * sizeof(*klens));
                        if (!klens)
                                return tnomem(p);
                        parent->klens = klens;
                }
                parent->alloc = a;
        }
        if (parent->kind == TV_TABLE) {
                parent->keys[parent->n] = key;
                parent->klens[parent->n] = klen;
        }
        parent->vals[parent->n++] = v;
        return 0;
}

static void tparse_release(struct tparse *p)
{
        struct tval *v = p->allocs;

        while (v) {
                struct tval *next = v->next_alloc;
                if (v->keys)
                        for (size_t i = 0; i < v->n; i++)
                                free(v->keys[i]);
                free(v->keys);
                free(v->klens);
                free(v->vals);
                free(v->text);
                free(v);
                v = next;
        }
        free(p->hash);
}

/* ---- the (table, key) index ---- */

static size_t thash_of(const struct tval *t, const char *key, size_t klen)
{
        uint64_t h = 1469598103934665603ull ^ (uint64_t) (uintptr_t) t;

        for (size_t i = 0; i < klen; i++)
                h = (h ^ (unsigned char) key[i]) * 1099511628211ull;
        return (size_t) (h ^ (h >> 29));
}

static struct tval *tlookup(const struct tparse *p, const struct tval *t, const char *key, size_t klen)
{
        if (!p->hcap)
                return NULL;
        for (size_t i = thash_of(t, key, klen) & (p->hcap - 1);; i = (i + 1) & (p->hcap - 1)) {
                const struct tent *e = &p->hash[i];
                if (!e->table)
                        return NULL;
                if (e->table == t && e->klen == klen && memcmp(e->key, key, klen) == 0)
                        return e->val;
        }
}

static int tindex(struct tparse *p, const struct tval *t, const char *key, size_t klen, struct tval *v)
{
        if (2 * (p->hn + 1) > p->hcap) {
                size_t cap = p->hcap ? 2 * p->hcap : 64;
                struct tent *h = calloc(cap, sizeof(*h));
                if (!h)
                        return tnomem(p);
                for (size_t i = 0; i < p->hcap; i++) {
                        struct tent *e = &p->hash[i];
                        if (!e->table)
                                continue;
                        size_t j = thash_of(e->table, e->key, e->klen) & (cap - 1);
                        while (h[j].table)
                                j = (j + 1) & (cap - 1);
                        h[j] = *e;
                }
                free(p->hash);
                p->hash = h;
                p->hcap = cap;
        }
        size_t i = thash_of(t, key, klen) & (p->hcap - 1);
        while (p->hash[i].table)
                i = (i + 1) & (p->hcap - 1);
        p->hash[i] = (struct tent) { .table = t, .key = key, .klen = klen, .val = v };
        p->hn++;
        return 0;
}

/* Adds key -> v to table t (the key is taken over). */
static int tset(struct tparse *p, struct tval *t, struct tstr *key, struct tval *v);

/* A new `kind` value with `flags` under `key` (taken over) in table `t`, made
 * by the text at `at`: *ret, or -errno. */
static int tchild(struct tparse *p, struct tval *t, struct tstr *key, enum tkind kind, unsigned flags,
                  const char *at, struct tval **ret)
{
        struct tval *c = tval_new(p, kind, t->depth + 1, at);
        int r;

        if (!c)
                return p->fail;
        c->flags = flags;
        c->line = tline(p, at);
        r = tset(p, t, key, c);
        if (r < 0)
                return r;
        *ret = c;
        return 0;
}

static int tset(struct tparse *p, struct tval *t, struct tstr *key, struct tval *v)
{
        char *k = key->s ? key->s : strdup("");
        size_t klen = key->n;
        int r;

        key->s = NULL;
        key->n = key->alloc = 0;
        if (!k)
                return tnomem(p);
        if (p->nodes >= KFS_TOML_MAX_NODES) {
                free(k);
                return tfail(p, NULL, -E2BIG, "more than %d keys and values", KFS_TOML_MAX_NODES);
        }
        p->nodes++;
        r = tval_push(p, t, k, klen, v);
        if (r < 0) {
                free(k);
                return r;
        }
        return tindex(p, t, k, klen, v);
}

/* ---- lexing ---- */

static int tstr_add(struct tparse *p, struct tstr *s, const char *b, size_t n)
{
        if (s->n + n + 1 > s->alloc) {
                size_t a = s->alloc ? s->alloc : 32;
                while (a < s->n + n + 1)
                        a *= 2;
                char *ns = realloc(s->s, a);
                if (!ns)
                        return tnomem(p);
                s->s = ns;
                s->alloc = a;
        }
        memcpy(s->s + s->n, b, n);
        s->n += n;
        s->s[s->n] = '\0';
        return 0;
}

static int tstr_utf8(struct tparse *p, struct tstr *s, uint32_t c)
{
        char b[4];
        size_t n;

        if (c < 0x80)
                b[0] = (char) c, n = 1;
        else if (c < 0x800)
                b[0] = (char) (0xC0 | c >> 6), b[1] = (char) (0x80 | (c & 0x3F)), n = 2;
        else if (c < 0x10000)
                b[0] = (char) (0xE0 | c >> 12), b[1] = (char) (0x80 | ((c >> 6) & 0x3F)),
                b[2] = (char) (0x80 | (c & 0x3F)), n = 3;
        else
                b[0] = (char) (0xF0 | c >> 18), b[1] = (char) (0x80 | ((c >> 12) & 0x3F)),
                b[2] = (char) (0x80 | ((c >> 6) & 0x3F)), b[3] = (char) (0x80 | (c & 0x3F)), n = 4;
        return tstr_add(p, s, b, n);
}

static void tstr_release(struct tstr *s)
{
        free(s->s);
        s->s = NULL;
        s->n = s->alloc = 0;
}

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF); the offset
 * of the first bad byte, or len. */
static size_t tutf8_check(const unsigned char *s, size_t len)
{
        size_t i = 0;

        while (i < len) {
                unsigned char c = s[i];
                size_t n;
                uint32_t cp;

                if (c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0xC2 && c <= 0xDF)
                        n = 1, cp = c & 0x1F;
                else if (c >= 0xE0 && c <= 0xEF)
                        n = 2, cp = c & 0x0F;
                else if (c >= 0xF0 && c <= 0xF4)
                        n = 3, cp = c & 0x07;
                else
                        return i;
                if (len - i <= n)
                        return i;
                for (size_t k = 1; k <= n; k++) {
                        if ((s[i + k] & 0xC0) != 0x80)
                                return i;
                        cp = cp << 6 | (s[i + k] & 0x3F);
                }
                if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
                    (cp >= 0xD800 && cp <= 0xDFFF))
                        return i;
                i += n + 1;
        }
        return len;
}

static bool teof(const struct tparse *p)
{
        return p->p >= p->end;
}

static bool tat(const struct tparse *p, const char *s)
{
        size_t n = strlen(s);

        return (size_t) (p->end - p->p) >= n && memcmp(p->p, s, n) == 0;
}

static void tskip_ws(struct tparse *p)
{
        while (!teof(p) && (*p->p == ' ' || *p->p == '\t'))
                p->p++;
}

/* A newline (LF or CRLF) here: consumed, true. */
static bool tnewline(struct tparse *p)
{
        if (tat(p, "\n")) {
                p->p++;
                return true;
        }
        if (tat(p, "\r\n")) {
                p->p += 2;
                return true;
        }
        return false;
}

/* Control characters TOML allows nowhere (tab aside); LF is the caller's. */
static bool tcontrol(unsigned char c)
{
        return (c < 0x20 && c != '\t') || c == 0x7F;
}

/* A comment, if one starts here: consumed up to (not including) its newline. */
static int tcomment(struct tparse *p)
{
        if (teof(p) || *p->p != '#')
                return 0;
        for (p->p++; !teof(p) && *p->p != '\n'; p->p++) {
                if (*p->p == '\r' && p->p + 1 < p->end && p->p[1] == '\n')
                        break;
                if (tcontrol((unsigned char) *p->p))
                        return tfail(p, p->p, -EINVAL, "control character in a comment");
        }
        return 0;
}

/* Whitespace, newlines and comments (inside arrays). */
static int tskip_all(struct tparse *p)
{
        for (;;) {
                int r;
                tskip_ws(p);
                r = tcomment(p);
                if (r < 0)
                        return r;
                if (!tnewline(p))
                        return 0;
        }
}

/* After a statement: whitespace, a comment, then a newline or the end. */
static int tend_line(struct tparse *p)
{
        int r;

        tskip_ws(p);
        r = tcomment(p);
        if (r < 0)
                return r;
        if (teof(p) || tnewline(p))
                return 0;
        return tfail(p, p->p, -EINVAL, "expected a newline after the value");
}

/* An escape after '\' in a basic string. */
static int tescape(struct tparse *p, struct tstr *out)
{
        const char *at = p->p - 1;
        char c;
        int n;
        uint32_t cp = 0;

        if (teof(p))
                return tfail(p, at, -EINVAL, "unfinished escape");
        c = *p->p++;
        switch (c) {
        case 'b': return tstr_add(p, out, "\b", 1);
        case 't': return tstr_add(p, out, "\t", 1);
        case 'n': return tstr_add(p, out, "\n", 1);
        case 'f': return tstr_add(p, out, "\f", 1);
        case 'r': return tstr_add(p, out, "\r", 1);
        case '"': return tstr_add(p, out, "\"", 1);
        case '\\': return tstr_add(p, out, "\\", 1);
        case 'u': n = 4; break;
        case 'U': n = 8; break;
        default:
                return tfail(p, at, -EINVAL, "invalid escape sequence");
        }
        if (p->end - p->p < n)
                return tfail(p, at, -EINVAL, "unfinished \\%c escape", c);
        for (int i = 0; i < n; i++) {
                int h = kfs_hex_digit(p->p[i]);
                if (h < 0)
                        return tfail(p, at, -EINVAL, "invalid \\%c escape", c);
                cp = cp << 4 | (uint32_t) h;
        }
        p->p += n;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return tfail(p, at, -EINVAL, "\\%c escape is not a Unicode scalar value", c);
        return tstr_utf8(p, out, cp);
}

/* A string of any of the four kinds, starting at its opening quote. */
static int tstring(struct tparse *p, struct tstr *out, bool allow_multi)
{
        const char *open = p->p;
        char q = *p->p;
        bool basic = q == '"';
        bool multi = allow_multi && tat(p, basic ? "\"\"\"" : "'''");

        if (!multi) {
                for (p->p++;; ) {
                        if (teof(p) || *p->p == '\n' || tat(p, "\r\n"))
                                return tfail(p, open, -EINVAL, "unterminated string");
                        unsigned char c = (unsigned char) *p->p;
                        if (c == (unsigned char) q) {
                                p->p++;
                                return 0;
                        }
                        if (tcontrol(c))
                                return tfail(p, p->p, -EINVAL, "control character in a string");
                        if (basic && c == '\\') {
                                p->p++;
                                int r = tescape(p, out);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        const char *s = p->p;
                        while (!teof(p) && *p->p != q && *p->p != '\\' && !tcontrol((unsigned char) *p->p))
                                p->p++;
                        if (!basic && !teof(p) && *p->p == '\\')
                                p->p++;
                        int r = tstr_add(p, out, s, (size_t) (p->p - s));
                        if (r < 0)
                                return r;
                }
        }
        p->p += 3;
        tnewline(p);    /* a newline right after the opening delimiter is trimmed */
        for (;;) {
                int r;
                if (teof(p))
                        return tfail(p, open, -EINVAL, "unterminated multi-line string");
                unsigned char c = (unsigned char) *p->p;
                if (c == (unsigned char) q) {
                        size_t run = 0;
                        while (p->p + run < p->end && p->p[run] == q)
                                run++;
                        if (run < 3) {
                                r = tstr_add(p, out, p->p, run);
                                p->p += run;
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        if (run > 5)
                                return tfail(p, p->p, -EINVAL, "too many quotes at the end of a multi-line string");
                        r = tstr_add(p, out, p->p, run - 3);
                        p->p += run;
                        return r;
                }
                if (c == '\n' || c == '\r') {
                        if (!tnewline(p))
                                return tfail(p, p->p, -EINVAL, "bare carriage return in a string");
                        r = tstr_add(p, out, "\n", 1);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (tcontrol(c))
                        return tfail(p, p->p, -EINVAL, "control character in a string");
                if (basic && c == '\\') {
                        const char *bs = p->p++;
                        const char *s = p->p;
                        while (s < p->end && (*s == ' ' || *s == '\t'))
                                s++;
                        if (s < p->end && (*s == '\n' || *s == '\r')) {
                                /* a line-ending backslash: trim to the next non-blank */
                                p->p = s;
                                if (!tnewline(p))
                                        return tfail(p, p->p, -EINVAL, "bare carriage return in a string");
                                for (;;) {
                                        tskip_ws(p);
                                        if (!tnewline(p))
                                                break;
                                }
                                continue;
                        }
                        if (s != p->p)
                                return tfail(p, bs, -EINVAL, "invalid escape sequence");
                        r = tescape(p, out);
                        if (r < 0)
                                return r;
                        continue;
                }
                const char *s = p->p;
                while (!teof(p) && *p->p != q && *p->p != '\n' && *p->p != '\r' &&
                       !(basic && *p->p == '\\') && !tcontrol((unsigned char) *p->p))
                        p->p++;
                r = tstr_add(p, out, s, (size_t) (p->p - s));
                if (r < 0)
                        return r;
        }
}

static bool tbare_char(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* One key part. */
static int tkey_part(struct tparse *p, struct tstr *out)
{
        if (teof(p))
                return tfail(p, p->p, -EINVAL, "expected a key");
        if (*p->p == '"' || *p->p == '\'') {
                int r = tstring(p, out, false);
                if (r == 0 && !out->s)
                        r = tstr_add(p, out, "", 0);
                return r;
        }
        const char *s = p->p;
        while (!teof(p) && tbare_char(*p->p))
                p->p++;
        if (p->p == s)
                return tfail(p, s, -EINVAL, "expected a key");
        return tstr_add(p, out, s, (size_t) (p->p - s));
}

struct tkey {
        struct tstr parts[KFS_TOML_MAX_DEPTH];
        size_t n;
};

static void tkey_release(struct tkey *k)
{
        for (size_t i = 0; i < k->n; i++)
                tstr_release(&k->parts[i]);
        k->n = 0;
}

/* A dotted key: parts separated by '.', blanks around the dots. */
static int tkey(struct tparse *p, struct tkey *k, unsigned depth)
{
        for (;;) {
                int r;
                if (k->n + depth >= KFS_TOML_MAX_DEPTH)
                        return tfail(p, p->p, -E2BIG, "nested more than %d deep", KFS_TOML_MAX_DEPTH);
                k->parts[k->n] = (struct tstr) { 0 };
                r = tkey_part(p, &k->parts[k->n]);
                k->n++;
                if (r < 0)
                        return r;
                tskip_ws(p);
                if (teof(p) || *p->p != '.')
                        return 0;
                p->p++;
                tskip_ws(p);
        }
}

/* ---- scalars: numbers, dates and times ---- */

static bool tdigits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

static unsigned tnum(const char *s, size_t n)
{
        unsigned v = 0;

        for (size_t i = 0; i < n; i++)
                v = v * 10 + (unsigned) (s[i] - '0');
        return v;
}

/* HH:MM:SS(.frac)? at s; its length, or 0. */
static size_t ttime(const char *s, size_t n)
{
        size_t i = 8;

        if (n < 8 || !tdigits(s, 2) || s[2] != ':' || !tdigits(s + 3, 2) || s[5] != ':' || !tdigits(s + 6, 2))
                return 0;
        if (tnum(s, 2) > 23 || tnum(s + 3, 2) > 59 || tnum(s + 6, 2) > 60)
                return 0;
        if (i < n && s[i] == '.') {
                size_t d = 0;
                while (i + 1 + d < n && s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
                        d++;
                if (!d)
                        return 0;
                i += 1 + d;
        }
        return i;
}

static bool tdate(const char *s, size_t n)
{
        static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        unsigned y, m, d, max;

        if (n < 10 || !tdigits(s, 4) || s[4] != '-' || !tdigits(s + 5, 2) || s[7] != '-' || !tdigits(s + 8, 2))
                return false;
        y = tnum(s, 4), m = tnum(s + 5, 2), d = tnum(s + 8, 2);
        if (m < 1 || m > 12 || d < 1)
                return false;
        max = mdays[m - 1];
        if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
                max = 29;
        return d <= max;
}

/* A date, time or date-time token as RFC 3339 text; false if it is none. */
static bool tdatetime(struct tparse *p, const char *s, size_t n, struct tstr *out)
{
        size_t t;

        if (n >= 3 && s[2] == ':') {
                t = ttime(s, n);
                return t && t == n && tstr_add(p, out, s, n) == 0;
        }
        if (!tdate(s, n))
                return false;
        if (n == 10)
                return tstr_add(p, out, s, n) == 0;
        if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
                return false;
        t = ttime(s + 11, n - 11);
        if (!t)
                return false;
        if (tstr_add(p, out, s, 10) < 0 || tstr_add(p, out, "T", 1) < 0 || tstr_add(p, out, s + 11, t) < 0)
                return false;
        s += 11 + t;
        n -= 11 + t;
        if (n == 0)
                return true;
        if (n == 1 && (*s == 'Z' || *s == 'z'))
                return tstr_add(p, out, "Z", 1) == 0;
        if (n == 6 && (*s == '+' || *s == '-') && tdigits(s + 1, 2) && s[3] == ':' && tdigits(s + 4, 2) &&
            tnum(s + 1, 2) <= 23 && tnum(s + 4, 2) <= 59)
                return tstr_add(p, out, s, n) == 0;
        return false;
}

/* digits with single '_' between digits, in `base`; appended without '_'. */
static bool tdigit_run(const char *s, size_t n, unsigned base, char *out, size_t *k)
{
        if (!n)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '_') {
                        if (i == 0 || i + 1 == n || s[i - 1] == '_')
                                return false;
                        continue;
                }
                int h = kfs_hex_digit(s[i]);
                if (h < 0 || (unsigned) h >= base)
                        return false;
                out[(*k)++] = s[i];
        }
        return true;
}

/* An integer or float token; false if it is neither. */
static bool tnumber(const char *s, size_t n, struct tstr *out, const char **ret_tag, struct tparse *p)
{
        char buf[512];
        size_t k = 0, i = 0;

        if (n >= sizeof(buf) / 2)
                return false;
        if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
                unsigned base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
                uint64_t v = 0;
                if (!tdigit_run(s + 2, n - 2, base, buf, &k))
                        return false;
                for (size_t j = 0; j < k; j++) {
                        unsigned d = (unsigned) kfs_hex_digit(buf[j]);
                        if (v > ((uint64_t) INT64_MAX - d) / base)
                                return false;
                        v = v * base + d;
                }
                snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);
                *ret_tag = "!!int";
                return tstr_add(p, out, buf, strlen(buf)) == 0;
        }
        if (s[0] == '+' || s[0] == '-')
                buf[k++] = s[i++];
        /* integer part: 0, or no leading zero */
        size_t ie = i;
        while (ie < n && s[ie] != '.' && s[ie] != 'e' && s[ie] != 'E')
                ie++;
        if (ie == i || (s[i] == '0' && ie - i > 1))
                return false;
        if (!tdigit_run(s + i, ie - i, 10, buf, &k))
                return false;
        i = ie;
        if (i == n) {
                /* an integer: within int64 */
                const char *d = buf + (buf[0] == '+' || buf[0] == '-');
                size_t nd = k - (size_t) (d - buf);
                bool neg = buf[0] == '-';
                const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
                if (nd > 19 || (nd == 19 && memcmp(d, lim, 19) > 0))
                        return false;
                buf[k] = '\0';
                if (buf[0] == '+')
                        memmove(buf, buf + 1, k--);
                if (strcmp(buf, "-0") == 0)
                        strcpy(buf, "0"), k = 1;
                *ret_tag = "!!int";
                return tstr_add(p, out, buf, k) == 0;
        }
        if (s[i] == '.') {
                size_t fe = ++i;
                buf[k++] = '.';
                while (fe < n && s[fe] != 'e' && s[fe] != 'E')
                        fe++;
                if (!tdigit_run(s + i, fe - i, 10, buf, &k))
                        return false;
                i = fe;
        }
        if (i < n) {
                buf[k++] = 'e';
                i++;
                if (i < n && (s[i] == '+' || s[i] == '-'))
                        buf[k++] = s[i++];
                if (!tdigit_run(s + i, n - i, 10, buf, &k))
                        return false;
        }
        *ret_tag = "!!float";
        return tstr_add(p, out, buf, k) == 0;
}

/* ---- values ---- */

static struct tval *tvalue(struct tparse *p, unsigned depth);
static int tkeyval(struct tparse *p, struct tval *table, unsigned depth, bool inline_table);

static struct tval *tscalar(struct tparse *p, const char *at, unsigned depth, enum kfs_ystyle style,
                            const char *tag, struct tstr *text)
{
        struct tval *v = tval_new(p, TV_SCALAR, depth, at);

        if (!v) {
                tstr_release(text);
                return NULL;
        }
        v->style = (uint8_t) style;
        v->tag = tag;
        v->text = text->s;
        v->len = text->n;
        text->s = NULL;
        return v;
}

/* Everything inside a closed inline table or array is complete. */
static void tfreeze(struct tval *v)
{
        if (v->flags & TF_FROZEN)
                return;         /* closed before, with all it holds */
        v->flags |= TF_FROZEN;
        if (v->kind != TV_SCALAR)
                for (size_t i = 0; i < v->n; i++)
                        tfreeze(v->vals[i]);
}

static struct tval *tarray(struct tparse *p, unsigned depth)
{
        const char *at = p->p;
        struct tval *a = tval_new(p, TV_ARRAY, depth, at);

        if (!a)
                return NULL;
        p->p++;
        for (;;) {
                if (tskip_all(p) < 0)
                        return NULL;
                if (teof(p)) {
                        tfail(p, at, -EINVAL, "unterminated array");
                        return NULL;
                }
                if (*p->p == ']')
                        break;
                struct tval *v = tvalue(p, depth + 1);
                if (!v || tval_push(p, a, NULL, 0, v) < 0)
                        return NULL;
                if (tskip_all(p) < 0)
                        return NULL;
                if (!teof(p) && *p->p == ',') {
                        p->p++;
                        continue;
                }
                if (!teof(p) && *p->p == ']')
                        break;
                tfail(p, p->p, -EINVAL, "expected ',' or ']' in an array");
                return NULL;
        }
        p->p++;
        tfreeze(a);
        return a;
}

static struct tval *tinline(struct tparse *p, unsigned depth)
{
        const char *at = p->p;
        struct tval *t = tval_new(p, TV_TABLE, depth, at);

        if (!t)
                return NULL;
        p->p++;
        tskip_ws(p);
        if (!teof(p) && *p->p == '}') {
                p->p++;
                tfreeze(t);
                return t;
        }
        for (;;) {
                tskip_ws(p);
                if (tkeyval(p, t, depth, true) < 0)
                        return NULL;
                tskip_ws(p);
                if (teof(p)) {
                        tfail(p, at, -EINVAL, "unterminated inline table");
                        return NULL;
                }
                if (*p->p == ',') {
                        p->p++;
                        continue;
                }
                if (*p->p == '}')
                        break;
                tfail(p, p->p, -EINVAL, "expected ',' or '}' in an inline table");
                return NULL;
        }
        p->p++;
        tfreeze(t);
        return t;
}

static bool tdelim(char c)
{
        return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r';
}

static struct tval *tvalue(struct tparse *p, unsigned depth)
{
        const char *at = p->p;
        struct tstr text = { 0 };

        if (depth > KFS_TOML_MAX_DEPTH) {
                tfail(p, at, -E2BIG, "nested more than %d deep", KFS_TOML_MAX_DEPTH);
                return NULL;
        }
        if (teof(p)) {
                tfail(p, at, -EINVAL, "expected a value");
                return NULL;
        }
        switch (*p->p) {
        case '"':
        case '\'':
                if (tstring(p, &text, true) < 0 || (!text.s && tstr_add(p, &text, "", 0) < 0)) {
                        tstr_release(&text);
                        return NULL;
                }
                return tscalar(p, at, depth, KFS_YQUOTED, NULL, &text);
        case '[':
                return tarray(p, depth);
        case '{':
                return tinline(p, depth);
        default:
                break;
        }
        /* a bare token: true, false, inf, nan, a number, a date or time */
        const char *s = p->p;
        while (!teof(p) && !tdelim(*p->p))
                p->p++;
        /* a date, a space, a time: one date-time */
        if (p->p - s == 10 && tdate(s, 10) && p->end - p->p >= 4 && p->p[0] == ' ' && tdigits(p->p + 1, 2) &&
            p->p[3] == ':') {
                p->p++;
                while (!teof(p) && !tdelim(*p->p))
                        p->p++;
        }
        size_t n = (size_t) (p->p - s);
        const char *tag = NULL;
        const char *bare = s + (n && (s[0] == '+' || s[0] == '-'));
        size_t nb = n - (size_t) (bare - s);

        if (n == 4 && memcmp(s, "true", 4) == 0) {
                tstr_add(p, &text, "true", 4);
                return text.s ? tscalar(p, at, depth, KFS_YPLAIN, "!!bool", &text) : NULL;
        }
        if (n == 5 && memcmp(s, "false", 5) == 0) {
                tstr_add(p, &text, "false", 5);
                return text.s ? tscalar(p, at, depth, KFS_YPLAIN, "!!bool", &text) : NULL;
        }
        if (nb == 3 && (memcmp(bare, "inf", 3) == 0 || memcmp(bare, "nan", 3) == 0)) {
                const char *v = bare[0] == 'n' ? "nan" : s[0] == '-' ? "-inf" : "inf";
                tstr_add(p, &text, v, strlen(v));
                return text.s ? tscalar(p, at, depth, KFS_YQUOTED, NULL, &text) : NULL;
        }
        if (n && ((s[0] >= '0' && s[0] <= '9') || ((s[0] == '+' || s[0] == '-') && n > 1))) {
                if (n >= 8 && (s[2] == ':' || s[4] == '-') && tdatetime(p, s, n, &text))
                        return tscalar(p, at, depth, KFS_YQUOTED, NULL, &text);
                tstr_release(&text);
                if (!p->fail && tnumber(s, n, &text, &tag, p))
                        return tscalar(p, at, depth, KFS_YPLAIN, tag, &text);
                tstr_release(&text);
        }
        if (!p->fail)
                tfail(p, at, -EINVAL, n ? "invalid value" : "expected a value");
        return NULL;
}

/* ---- statements ---- */

/* key = value, into `table` (an inline table being built, or the section's). */
static int tkeyval(struct tparse *p, struct tval *table, unsigned depth, bool inline_table)
{
        const char *at = p->p;
        struct tkey *k = calloc(1, sizeof(*k));
        struct tval *t = table, *v;
        int r;

        (void) inline_table;
        if (!k)
                return tnomem(p);
        r = tkey(p, k, depth);
        if (r < 0)
                goto out;
        tskip_ws(p);
        if (teof(p) || *p->p != '=') {
                r = tfail(p, p->p, -EINVAL, "expected '=' after a key");
                goto out;
        }
        p->p++;
        tskip_ws(p);
        for (size_t i = 0; i + 1 < k->n; i++) {
                struct tval *c = tlookup(p, t, k->parts[i].s, k->parts[i].n);
                if (!c) {
                        r = tchild(p, t, &k->parts[i], TV_TABLE, TF_DOTTED, at, &c);
                        if (r < 0)
                                goto out;
                } else if (c->kind != TV_TABLE) {
                        r = tfail(p, at, -EINVAL, "a dotted key goes through a value that is not a table");
                        goto out;
                } else if (c->flags & TF_FROZEN) {
                        r = tfail(p, at, -EINVAL, "an inline table cannot be extended");
                        goto out;
                } else if (c->flags & TF_HEADER) {
                        r = tfail(p, at, -EINVAL, "dotted keys cannot add to a table defined by a [header]");
                        goto out;
                } else if ((c->flags & TF_DOTTED) && c->section != p->section) {
                        r = tfail(p, at, -EINVAL, "dotted keys cannot add to a table another section made");
                        goto out;
                } else if (c->flags & TF_IMPLICIT) {
                        c->flags = TF_DOTTED;
                        c->section = p->section;
                }
                t = c;
        }
        if (tlookup(p, t, k->parts[k->n - 1].s, k->parts[k->n - 1].n)) {
                r = tfail(p, at, -EINVAL, "duplicate key");
                goto out;
        }
        v = tvalue(p, t->depth + 1);
        if (!v) {
                r = p->fail ? p->fail : -EINVAL;
                goto out;
        }
        v->line = tline(p, at);
        r = tset(p, t, &k->parts[k->n - 1], v);
out:
        tkey_release(k);
        free(k);
        return r;
}

/* [a.b.c] or [[a.b.c]]. */
static int theader(struct tparse *p, struct tval *root, struct tval **ret_table)
{
        const char *at = p->p;
        bool aot = tat(p, "[[");
        struct tkey *k = calloc(1, sizeof(*k));
        struct tval *t = root, *c;
        int r;

        if (!k)
                return tnomem(p);
        p->p += aot ? 2 : 1;
        tskip_ws(p);
        r = tkey(p, k, 0);
        if (r < 0)
                goto out;
        if (!tat(p, aot ? "]]" : "]")) {
                r = tfail(p, p->p, -EINVAL, aot ? "expected ']]' to end the header" : "expected ']' to end the header");
                goto out;
        }
        p->p += aot ? 2 : 1;
        p->section++;
        for (size_t i = 0; i + 1 < k->n; i++) {
                c = tlookup(p, t, k->parts[i].s, k->parts[i].n);
                if (!c) {
                        r = tchild(p, t, &k->parts[i], TV_TABLE, TF_IMPLICIT, at, &c);
                        if (r < 0)
                                goto out;
                } else if (c->kind == TV_AOT) {
                        c = c->vals[c->n - 1];
                } else if (c->kind != TV_TABLE || (c->flags & TF_FROZEN)) {
                        r = tfail(p, at, -EINVAL, "a header goes through a value that is not a table");
                        goto out;
                }
                t = c;
        }
        struct tstr *last = &k->parts[k->n - 1];
        c = tlookup(p, t, last->s, last->n);
        if (aot) {
                if (!c) {
                        r = tchild(p, t, last, TV_AOT, 0, at, &c);
                        if (r < 0)
                                goto out;
                } else if (c->kind != TV_AOT) {
                        r = tfail(p, at, -EINVAL, "[[header]] names a value that is not an array of tables");
                        goto out;
                }
                struct tval *e = tval_new(p, TV_TABLE, c->depth + 1, at);
                if (!e) {
                        r = p->fail;
                        goto out;
                }
                e->flags = TF_HEADER;
                e->line = tline(p, at);
                r = tval_push(p, c, NULL, 0, e);
                if (r < 0)
                        goto out;
                *ret_table = e;
        } else {
                if (!c) {
                        r = tchild(p, t, last, TV_TABLE, 0, at, &c);
                        if (r < 0)
                                goto out;
                } else if (c->kind != TV_TABLE || !(c->flags & TF_IMPLICIT)) {
                        r = tfail(p, at, -EINVAL, "a table is defined twice");
                        goto out;
                }
                c->flags = TF_HEADER;
                *ret_table = c;
        }
        r = 0;
out:
        tkey_release(k);
        free(k);
        return r;
}

/* ---- into a ydoc ---- */

static struct kfs_ynode *tconvert(struct kfs_ydoc *d, const struct tval *v)
{
        struct kfs_ynode *n;

        if (v->kind == TV_SCALAR) {
                n = kfs_ydoc_new_text(d, (enum kfs_ystyle) v->style, v->tag, v->text, v->len);
        } else if (v->kind == TV_TABLE) {
                n = kfs_ydoc_new_node(d, KFS_YMAP, v->n);
                for (size_t i = 0; n && i < v->n; i++) {
                        n->items[2 * i] = kfs_ydoc_new_text(d, KFS_YQUOTED, NULL, v->keys[i], v->klens[i]);
                        n->items[2 * i + 1] = tconvert(d, v->vals[i]);
                        if (!n->items[2 * i] || !n->items[2 * i + 1])
                                return NULL;
                        n->items[2 * i]->line = v->vals[i]->line;
                }
        } else {
                n = kfs_ydoc_new_node(d, KFS_YSEQ, v->n);
                for (size_t i = 0; n && i < v->n; i++)
                        if (!(n->items[i] = tconvert(d, v->vals[i])))
                                return NULL;
        }
        if (n)
                n->line = v->line;
        return n;
}

int kfs_toml_parse(const char *data, size_t len, struct kfs_ydoc **ret, char *err, size_t errsize)
{
        struct tparse p = { .start = data, .p = data, .end = data + len, .err = err, .errsize = errsize,
                            .line_at = data, .line_no = 1 };
        struct tval *root, *cur;
        struct kfs_ydoc *d = NULL;
        size_t bad;
        int r;

        if (err && errsize)
                err[0] = '\0';
        if (len > UINT32_MAX)
                return tfail(&p, data, -E2BIG, "too big");
        bad = tutf8_check((const unsigned char *) data, len);
        if (bad < len)
                return tfail(&p, data + bad, -EINVAL, "not UTF-8");
        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
                p.p += 3;
        root = cur = tval_new(&p, TV_TABLE, 0, data);
        if (!root)
                return -ENOMEM;
        root->flags = TF_HEADER;
        root->line = 1;
        for (;;) {
                tskip_ws(&p);
                if (teof(&p))
                        break;
                if (*p.p == '#') {
                        r = tend_line(&p);
                } else if (tnewline(&p)) {
                        continue;
                } else if (*p.p == '[') {
                        r = theader(&p, root, &cur);
                        if (r >= 0)
                                r = tend_line(&p);
                } else if (tbare_char(*p.p) || *p.p == '"' || *p.p == '\'') {
                        r = tkeyval(&p, cur, cur->depth, false);
                        if (r >= 0)
                                r = tend_line(&p);
                } else {
                        r = tfail(&p, p.p, -EINVAL, *p.p == '\r' ? "bare carriage return" : "expected a key or a [table]");
                }
                if (r < 0)
                        goto out;
        }
        d = kfs_ydoc_new();
        if (!d) {
                r = -ENOMEM;
                goto out;
        }
        struct kfs_ynode *top = tconvert(d, root);
        if (!top || kfs_ydoc_add_root(d, top) < 0) {
                r = d->n_nodes >= KFS_YDOC_MAX_NODES ? tfail(&p, NULL, -E2BIG, "too many nodes") : -ENOMEM;
                goto out;
        }
        *ret = d;
        d = NULL;
        r = 0;
out:
        if (r < 0 && p.fail && r != p.fail)
                r = p.fail;
        kfs_ydoc_free(d);
        tparse_release(&p);
        return r;
}
