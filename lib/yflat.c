/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON and .flat forms of a ydoc tree. JSON is written here rather than
 * through jansson because Kubernetes prints floats as Go does (shortest
 * form: 0.1, 1000, 1e+21) where jansson prints 0.10000000000000001 and
 * 1000.0, and because streaming keeps a 7 MB list from costing a second
 * tree in memory. Every string goes through kfs_yjson_string(); the tests
 * read every output back with jansson.
 *
 * The walks follow aliases (the tree is a DAG); ydoc bounded the expanded
 * size when it parsed, and the output buffer's cap stops a walk early.
 */
#include "yflat.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YFLAT_STR_(x) #x
#define YFLAT_STR(x) YFLAT_STR_(x)

static int yflat_fail(char *err, size_t errsize, int r, const struct kfs_ynode *n, const char *what)
{
        if (err && errsize && !err[0]) {
                if (n && n->line)
                        snprintf(err, errsize, "line %u: %s", n->line, what);
                else
                        snprintf(err, errsize, "%s", what);
        }
        return r;
}

/* ---- JSON strings ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t yutf8_len(const unsigned char *s, size_t n)
{
        size_t len;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0)
                len = 2, cp = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                len = 3, cp = s[0] & 0x0f;
        else if ((s[0] & 0xf8) == 0xf0)
                len = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        /* overlong forms, surrogates, beyond Unicode */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        return len;
}

/* How an ASCII byte is written in a JSON string: NULL as is, ESC_HEX as \u00XX. */
static const char ESC_HEX[] = "";
static const char *yjson_escape(unsigned char c, bool escape_eq)
{
        switch (c) {
        case '"': return "\\\"";
        case '\\': return "\\\\";
        case '\n': return "\\n";
        case '\t': return "\\t";
        case '\r': return "\\r";
        case '\b': return "\\b";
        case '\f': return "\\f";
        case '=': return escape_eq ? ESC_HEX : NULL;
        default: return c < 0x20 || c == 0x7f ? ESC_HEX : NULL;
        }
}

int kfs_yjson_string(struct kfs_buf *out, const char *s, size_t n, bool escape_eq)
{
        const unsigned char *u = (const unsigned char *) s;
        size_t i = 0, run = 0;

        kfs_buf_addc(out, '"');
        while (i < n) {
                unsigned char c = u[i];
                const char *esc = NULL;
                char hex[8];
                size_t len = 1;

                if (c >= 0x80) {
                        len = yutf8_len(u + i, n - i);
                        /* U+2028/U+2029 end lines for some readers */
                        if (len == 3 && c == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] == 0xa8 || u[i + 2] == 0xa9)) {
                                snprintf(hex, sizeof(hex), "\\u%04x", u[i + 2] == 0xa8 ? 0x2028 : 0x2029);
                                esc = hex;
                        } else if (len == 0) {
                                snprintf(hex, sizeof(hex), "\\u%04x", c);
                                esc = hex;
                                len = 1;
                        }
                } else {
                        esc = yjson_escape(c, escape_eq);
                        if (esc == ESC_HEX) {
                                snprintf(hex, sizeof(hex), "\\u%04x", c);
                                esc = hex;
                        }
                }
                if (esc) {
                        kfs_buf_addn(out, s + i - run, run);
                        kfs_buf_add(out, esc);
                        run = 0;
                } else {
                        run += len;
                }
                i += len;
        }
        kfs_buf_addn(out, s + n - run, run);
        return kfs_buf_addc(out, '"');
}

/* ---- numbers, as Go prints them ---- */

/* The shortest decimal digits that read back as v (finite, non-zero):
 * v = 0.DIGITS x 10^dp, as Go's strconv decimal. */
static void yfloat_digits(double v, char digits[static 24], int *ret_nd, int *ret_dp)
{
        char buf[48], *p, *e;
        int nd = 0;

        for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
                if (strtod(buf, NULL) == v)
                        break;
        }
        e = strchr(buf, 'e');
        for (p = buf; p < e; p++)
                if (*p >= '0' && *p <= '9')
                        digits[nd++] = *p;
        while (nd > 1 && digits[nd - 1] == '0')
                nd--;
        digits[nd] = '\0';
        *ret_nd = nd;
        *ret_dp = atoi(e + 1) + 1;
}

void kfs_yfloat_format(double v, char fmt, char buf[static 32])
{
        char d[24];
        int nd, dp, exp, k = 0;
        bool e_form;

        if (v == 0) {
                snprintf(buf, 32, "%s", signbit(v) ? "-0" : "0");
                return;
        }
        yfloat_digits(v, d, &nd, &dp);
        exp = dp - 1;
        if (fmt == 'j')
                e_form = fabs(v) < 1e-6 || fabs(v) >= 1e21;
        else
                e_form = exp < -4 || exp >= 6;  /* 'g', shortest: precision 6 decides */
        if (v < 0)
                buf[k++] = '-';
        if (e_form) {
                buf[k++] = d[0];
                if (nd > 1) {
                        buf[k++] = '.';
                        memcpy(buf + k, d + 1, (size_t) nd - 1);
                        k += nd - 1;
                }
                /* Go: at least two exponent digits; encoding/json then drops
                 * the 0 of e-07 */
                if (fmt == 'j' && exp < 0 && exp > -10)
                        snprintf(buf + k, 32 - (size_t) k, "e-%d", -exp);
                else
                        snprintf(buf + k, 32 - (size_t) k, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
                return;
        }
        if (dp <= 0) {
                buf[k++] = '0';
                buf[k++] = '.';
                for (int i = 0; i < -dp; i++)
                        buf[k++] = '0';
                memcpy(buf + k, d, (size_t) nd);
                k += nd;
        } else if (dp >= nd) {
                memcpy(buf + k, d, (size_t) nd);
                k += nd;
                for (int i = 0; i < dp - nd; i++)
                        buf[k++] = '0';
        } else {
                memcpy(buf + k, d, (size_t) dp);
                k += dp;
                buf[k++] = '.';
                memcpy(buf + k, d + dp, (size_t) (nd - dp));
                k += nd - dp;
        }
        buf[k] = '\0';
}

/* The scalar without '_' (go-yaml drops them before reading numbers). */
static bool ynum_plain(const struct kfs_ynode *n, char plain[static 128])
{
        size_t k = 0;

        for (size_t i = 0; i < n->n; i++) {
                if (n->str[i] == '_')
                        continue;
                if (k + 1 >= 128 || n->str[i] == '\0')
                        return false;
                plain[k++] = n->str[i];
        }
        plain[k] = '\0';
        return true;
}

static int ybool_value(const char *s)
{
        static const char *const t[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL };
        static const char *const f[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL };

        for (size_t i = 0; t[i]; i++)
                if (strcmp(s, t[i]) == 0)
                        return 1;
        for (size_t i = 0; f[i]; i++)
                if (strcmp(s, f[i]) == 0)
                        return 0;
        return -1;
}

enum ynum {
        YNUM_NONE,      /* not a number go-yaml would read */
        YNUM_INT,
        YNUM_FLOAT,
        YNUM_INF,       /* .inf, -.inf, .nan */
};

/* Reads an INT or FLOAT scalar as go-yaml v2 does. */
static enum ynum ynum_read(const struct kfs_ynode *n, bool *neg, uint64_t *mag, double *f)
{
        char plain[128], *end;

        if (!ynum_plain(n, plain))
                return YNUM_NONE;
        if (strcmp(plain + (plain[0] == '+' || plain[0] == '-'), ".inf") == 0 ||
            strcmp(plain + (plain[0] == '+' || plain[0] == '-'), ".Inf") == 0 ||
            strcmp(plain + (plain[0] == '+' || plain[0] == '-'), ".INF") == 0 ||
            strcmp(plain, ".nan") == 0 || strcmp(plain, ".NaN") == 0 || strcmp(plain, ".NAN") == 0) {
                *f = plain[1] == 'n' || plain[1] == 'N' ? NAN : plain[0] == '-' ? -INFINITY : INFINITY;
                return YNUM_INF;
        }
        if (kfs_yint_parse(plain, neg, mag))
                return YNUM_INT;
        errno = 0;
        *f = strtod(plain, &end);
        if (end == plain || *end || !isfinite(*f) || (errno == ERANGE && fabs(*f) > 1))
                return YNUM_NONE;
        return YNUM_FLOAT;
}

/* A decimal integer; printf is the slowest part of a long list's .flat otherwise. */
static int yflat_addu(struct kfs_buf *out, bool neg, unsigned long long v)
{
        char buf[24], *p = buf + sizeof(buf);

        do
                *--p = (char) ('0' + v % 10);
        while (v /= 10);
        if (neg)
                *--p = '-';
        return kfs_buf_addn(out, p, (size_t) (buf + sizeof(buf) - p));
}

int kfs_yjson_scalar(struct kfs_buf *out, const struct kfs_ynode *n, char *err, size_t errsize)
{
        enum ynum num;
        bool neg = false;
        uint64_t mag = 0;
        double f = 0;
        char buf[32];
        int b;

        enum kfs_ykind kind = kfs_ykind(n);

        switch (kind) {
        case KFS_YNULL:
                return kfs_buf_add(out, "null");
        case KFS_YBOOL:
                b = ybool_value(n->str);
                if (b < 0)
                        return yflat_fail(err, errsize, -EINVAL, n, "a !!bool tag on a scalar that is not a boolean");
                return kfs_buf_add(out, b ? "true" : "false");
        case KFS_YINT:
        case KFS_YFLOAT:
                num = ynum_read(n, &neg, &mag, &f);
                if (num == YNUM_INT && kind == KFS_YINT)
                        return yflat_addu(out, neg, mag);
                if (num == YNUM_INT)    /* !!float 1 */
                        f = neg ? -(double) mag : (double) mag;
                if (num == YNUM_INF)
                        return yflat_fail(err, errsize, -EINVAL, n, "infinity and NaN have no JSON form");
                if (num == YNUM_NONE) {
                        /* go-yaml: a plain scalar that overflows a float64 stays a string */
                        if (!n->tag)
                                return kfs_yjson_string(out, n->str, n->n, false);
                        return yflat_fail(err, errsize, -EINVAL, n, "a !!int or !!float tag on a scalar that is not a number");
                }
                if (kind == KFS_YINT)
                        return yflat_fail(err, errsize, -EINVAL, n, "a !!int tag on a scalar that is not an integer");
                kfs_yfloat_format(f, 'j', buf);
                return kfs_buf_add(out, buf);
        case KFS_YSTR:
        default:
                return kfs_yjson_string(out, n->str, n->n, false);
        }
}

int kfs_yjson_key(struct kfs_buf *out, const struct kfs_ynode *k, char *err, size_t errsize)
{
        bool neg = false;
        uint64_t mag = 0;
        double f = 0;
        char buf[32];
        int b;

        if (k->type != KFS_YSCALAR)
                return yflat_fail(err, errsize, -EINVAL, k, "a map or list used as a map key has no JSON form");
        switch (kfs_ykind(k)) {
        case KFS_YNULL:
                return kfs_buf_add(out, "null");
        case KFS_YBOOL:
                b = ybool_value(k->str);
                return kfs_buf_add(out, b < 0 ? k->str : b ? "true" : "false");
        case KFS_YINT:
        case KFS_YFLOAT:
                switch (ynum_read(k, &neg, &mag, &f)) {
                case YNUM_INT:
                        if (kfs_ykind(k) == KFS_YINT)
                                return yflat_addu(out, neg, mag);
                        f = neg ? -(double) mag : (double) mag;
                        break;
                case YNUM_INF:
                        return kfs_buf_add(out, isnan(f) ? "NaN" : f < 0 ? "-Inf" : "+Inf");
                case YNUM_FLOAT:
                        break;
                case YNUM_NONE:
                default:
                        return kfs_buf_addn(out, k->str, k->n);
                }
                kfs_yfloat_format(f, 'g', buf);
                return kfs_buf_add(out, buf);
        case KFS_YSTR:
        default:
                return kfs_buf_addn(out, k->str, k->n);
        }
}

/* ---- maps: a key given twice keeps its first place and its last value ---- */

static int ykey_cmp(const void *a, const void *b, void *arg)
{
        struct kfs_ynode *const *items = arg;
        size_t i = *(const size_t *) a, j = *(const size_t *) b;
        const struct kfs_ynode *ki = items[2 * i], *kj = items[2 * j];
        size_t n = ki->n < kj->n ? ki->n : kj->n;
        int c = memcmp(ki->str, kj->str, n);

        if (c == 0 && ki->n != kj->n)
                c = ki->n < kj->n ? -1 : 1;
        if (c == 0)
                c = i < j ? -1 : i > j;
        return c;
}

static bool ykey_same(const struct kfs_ynode *a, const struct kfs_ynode *b)
{
        return a == b || (a->type == KFS_YSCALAR && b->type == KFS_YSCALAR && a->n == b->n &&
                          memcmp(a->str, b->str, a->n) == 0);
}

/*
 * For each pair of `map`, where its value is taken from: itself, or
 * (*ret_from)[i] = the index of the last pair with the same key, and
 * SIZE_MAX for the later pairs that were moved up. *ret_from is NULL when
 * no key repeats (the common case, decided without allocating for small
 * maps).
 */
static int ymap_dups(const struct kfs_ynode *map, size_t **ret_from)
{
        size_t n = map->n, *idx = NULL, *from = NULL;
        bool dup = false;

        *ret_from = NULL;
        if (n < 2)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (map->items[2 * i]->type != KFS_YSCALAR)
                        return 0;       /* refused later, by kfs_yjson_key() */
        if (n <= 8) {
                for (size_t i = 0; i < n && !dup; i++)
                        for (size_t j = i + 1; j < n && !dup; j++)
                                dup = ykey_same(map->items[2 * i], map->items[2 * j]);
                if (!dup)
                        return 0;
        }
        idx = malloc(n * sizeof(*idx));
        from = malloc(n * sizeof(*from));
        if (!idx || !from) {
                free(idx);
                free(from);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                idx[i] = from[i] = i;
        qsort_r(idx, n, sizeof(*idx), ykey_cmp, map->items);
        dup = false;
        for (size_t s = 0; s < n;) {
                size_t e = s + 1;

                while (e < n && ykey_same(map->items[2 * idx[s]], map->items[2 * idx[e]]))
                        e++;
                /* idx[s] is the first place, idx[e - 1] the last value */
                if (e - s > 1) {
                        dup = true;
                        from[idx[s]] = idx[e - 1];
                        for (size_t k = s + 1; k < e; k++)
                                from[idx[k]] = SIZE_MAX;
                }
                s = e;
        }
        free(idx);
        if (!dup) {
                free(from);
                return 0;
        }
        *ret_from = from;
        return 0;
}

/* ---- the walks ---- */

struct ywalk {
        struct kfs_buf *out;
        struct kfs_buf *notes;          /* .flat: "# ..." lines */
        struct kfs_buf path;            /* .flat: the current path */
        struct kfs_buf key;             /* scratch: one key's JSON text */
        const struct kfs_ynode *noted[KFS_YFLAT_MAX_NOTES];
        size_t n_noted;
        unsigned long budget;           /* node visits left */
        char *err;
        size_t errsize;
};

static int ywalk_visit(struct ywalk *w, const struct kfs_ynode *n, unsigned depth)
{
        if (w->out->err)
                return w->out->err;
        /* ydoc bounds both already; these keep a rewritten tree honest */
        if (depth > 2 * KFS_YDOC_MAX_DEPTH + 8)
                return yflat_fail(w->err, w->errsize, -E2BIG, n, "nesting too deep");
        if (w->budget-- == 0)
                return yflat_fail(w->err, w->errsize, -E2BIG, n,
                                  "too large with aliases expanded (limit " YFLAT_STR(KFS_YDOC_MAX_EXPANDED) " nodes)");
        return 0;
}

static void ywalk_init(struct ywalk *w, struct kfs_buf *out, struct kfs_buf *notes, char *err, size_t errsize)
{
        *w = (struct ywalk) {
                .out = out,
                .notes = notes,
                .path = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH),
                .key = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH),
                .budget = 2ul * KFS_YDOC_MAX_EXPANDED,
                .err = err,
                .errsize = errsize,
        };
}

static void ywalk_release(struct ywalk *w)
{
        kfs_buf_release(&w->path);
        kfs_buf_release(&w->key);
}

/* The JSON text of map key `k` into w->key. */
static int ywalk_key(struct ywalk *w, const struct kfs_ynode *k)
{
        int r;

        kfs_buf_reset(&w->key);
        r = kfs_yjson_key(&w->key, k, w->err, w->errsize);
        return r < 0 ? r : w->key.err;
}

static int yjson_node(struct ywalk *w, const struct kfs_ynode *n, unsigned depth)
{
        size_t *from = NULL;
        bool first = true;
        int r;

        if ((r = ywalk_visit(w, n, depth)) < 0)
                return r;
        if (n->type == KFS_YSCALAR)
                return kfs_yjson_scalar(w->out, n, w->err, w->errsize);
        if (n->type == KFS_YSEQ) {
                kfs_buf_addc(w->out, '[');
                for (size_t i = 0; i < n->n; i++) {
                        if (i)
                                kfs_buf_addc(w->out, ',');
                        if ((r = yjson_node(w, n->items[i], depth + 1)) < 0)
                                return r;
                }
                return kfs_buf_addc(w->out, ']');
        }
        if ((r = ymap_dups(n, &from)) < 0)
                return r;
        kfs_buf_addc(w->out, '{');
        for (size_t i = 0; i < n->n && r == 0; i++) {
                size_t v = from ? from[i] : i;

                if (v == SIZE_MAX)
                        continue;
                if (!first)
                        kfs_buf_addc(w->out, ',');
                first = false;
                if ((r = ywalk_key(w, n->items[2 * i])) < 0)
                        break;
                kfs_yjson_string(w->out, kfs_buf_str(&w->key), w->key.len, false);
                kfs_buf_addc(w->out, ':');
                r = yjson_node(w, n->items[2 * v + 1], depth + 1);
        }
        free(from);
        return r < 0 ? r : kfs_buf_addc(w->out, '}');
}

int kfs_yjson_render(struct kfs_ynode *const *docs, size_t n_docs, struct kfs_buf *out,
                     char *err, size_t errsize)
{
        struct ywalk w;
        int r = 0;

        ywalk_init(&w, out, NULL, err, errsize);
        for (size_t i = 0; i < n_docs && r == 0; i++) {
                r = yjson_node(&w, docs[i], 0);
                if (r == 0)
                        r = kfs_buf_addc(out, '\n');
        }
        ywalk_release(&w);
        return r;
}

static bool yflat_ident(const char *s, size_t n)
{
        if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

int kfs_yflat_key(struct kfs_buf *path, const char *key, size_t n, bool first)
{
        if (yflat_ident(key, n)) {
                if (!first)
                        kfs_buf_addc(path, '.');
                return kfs_buf_addn(path, key, n);
        }
        kfs_buf_addc(path, '[');
        kfs_yjson_string(path, key, n, true);
        return kfs_buf_addc(path, ']');
}

static int yflat_line(struct ywalk *w, const struct kfs_ynode *n, const char *empty)
{
        int r;

        if (w->path.len)
                kfs_buf_addn(w->out, w->path.buf, w->path.len);
        else
                kfs_buf_addc(w->out, '.');
        kfs_buf_add(w->out, " = ");
        if (empty)
                kfs_buf_add(w->out, empty);
        else if ((r = kfs_yjson_scalar(w->out, n, w->err, w->errsize)) < 0)
                return r;
        return kfs_buf_addc(w->out, '\n');
}

static int yflat_path_err(struct ywalk *w, const struct kfs_ynode *n)
{
        if (w->path.err == -EFBIG)
                return yflat_fail(w->err, w->errsize, -E2BIG, n,
                                  "a path longer than " YFLAT_STR(KFS_YFLAT_MAX_PATH) " bytes");
        return w->path.err;
}

/* "# PATH: the key is given more than once (lines a, b); the last value
 * counts", added whole or not at all (a cut note would swallow the next
 * line), its path cut to a few KiB. */
static void yflat_note_dups(struct ywalk *w, const struct kfs_ynode *map, size_t i)
{
        const struct kfs_ynode *k = map->items[2 * i];
        struct kfs_buf note = KFS_BUF_INIT(4096);
        size_t count = 0, plen = w->path.len;

        for (size_t j = 0; j < w->n_noted && j < KFS_YFLAT_MAX_NOTES; j++)
                if (w->noted[j] == k)
                        return;         /* seen through an alias */
        if (w->n_noted == KFS_YFLAT_MAX_NOTES) {
                kfs_buf_add(w->notes, "# more keys are given twice; only the first "
                            YFLAT_STR(KFS_YFLAT_MAX_NOTES) " are listed\n");
                w->n_noted++;
        }
        if (w->n_noted > KFS_YFLAT_MAX_NOTES)
                return;
        w->noted[w->n_noted++] = k;
        if (plen > 2048) {
                plen = 2048;
                while (plen && ((unsigned char) w->path.buf[plen] & 0xc0) == 0x80)
                        plen--;         /* not inside a UTF-8 character */
        }
        kfs_buf_add(&note, "# ");
        kfs_buf_addn(&note, w->path.buf, plen);
        kfs_buf_add(&note, plen < w->path.len ? "...: the key" : ": the key");
        kfs_buf_add(&note, " is given more than once (lines");
        for (size_t j = i; j < map->n; j++)
                if (ykey_same(k, map->items[2 * j]) && count++ < 8)
                        kfs_buf_addf(&note, "%s %u", count > 1 ? "," : "", map->items[2 * j]->line);
        kfs_buf_add(&note, "); the last value counts\n");
        if (!note.err)
                kfs_buf_addn(w->notes, note.buf, note.len);
        kfs_buf_release(&note);
}

static int yflat_node(struct ywalk *w, const struct kfs_ynode *n, unsigned depth)
{
        size_t *from = NULL, mark = w->path.len;
        int r;

        if ((r = ywalk_visit(w, n, depth)) < 0)
                return r;
        if (n->type == KFS_YSCALAR)
                return yflat_line(w, n, NULL);
        if (n->n == 0)
                return yflat_line(w, n, n->type == KFS_YSEQ ? "[]" : "{}");
        if (n->type == KFS_YSEQ) {
                for (size_t i = 0; i < n->n; i++) {
                        kfs_buf_addc(&w->path, '[');
                        yflat_addu(&w->path, false, i);
                        kfs_buf_addc(&w->path, ']');
                        if (w->path.err)
                                return yflat_path_err(w, n);
                        r = yflat_node(w, n->items[i], depth + 1);
                        kfs_buf_truncate(&w->path, mark);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if ((r = ymap_dups(n, &from)) < 0)
                return r;
        for (size_t i = 0; i < n->n && r == 0; i++) {
                size_t v = from ? from[i] : i;

                if (v == SIZE_MAX)
                        continue;
                if ((r = ywalk_key(w, n->items[2 * i])) < 0)
                        break;
                kfs_yflat_key(&w->path, kfs_buf_str(&w->key), w->key.len, mark == 0);
                if (w->path.err) {
                        r = yflat_path_err(w, n);
                        break;
                }
                if (v != i)
                        yflat_note_dups(w, n, i);
                r = yflat_node(w, n->items[2 * v + 1], depth + 1);
                kfs_buf_truncate(&w->path, mark);
        }
        free(from);
        return r;
}

int kfs_yflat_render(struct kfs_ynode *const *docs, size_t n_docs, struct kfs_buf *out,
                     struct kfs_buf *notes, char *err, size_t errsize)
{
        struct ywalk w;
        int r = 0;

        ywalk_init(&w, out, notes, err, errsize);
        for (size_t i = 0; i < n_docs && r == 0; i++) {
                kfs_buf_reset(&w.path);
                if (n_docs > 1)
                        kfs_buf_addf(&w.path, "[%zu]", i);
                r = yflat_node(&w, docs[i], 0);
        }
        ywalk_release(&w);
        return r < 0 ? r : out->err;
}
