/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubectl's YAML: what go-yaml v2 (the copy inside sigs.k8s.io/yaml)
 * decides before its emitter runs -- key order (encode.go keyList.Less),
 * string style (encode.go stringv: resolve() and isBase60Float()) and the
 * numbers' text after the JSON round trip -- ported here; the emitter
 * itself is libyaml's, of which go-yaml's emitterc.go is a line-by-line
 * port (same scalar analysis, same folding at 80 columns).
 */
#include "goyaml.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- the tree ---- */

struct kfs_gv *kfs_gv_new(enum kfs_gv_type type)
{
        struct kfs_gv *v = calloc(1, sizeof(*v));

        if (v)
                v->type = type;
        return v;
}

struct kfs_gv *kfs_gv_bool(bool b)
{
        struct kfs_gv *v = kfs_gv_new(KFS_GV_BOOL);

        if (v)
                v->b = b;
        return v;
}

static struct kfs_gv *gv_text(enum kfs_gv_type type, const char *s, size_t n)
{
        struct kfs_gv *v = kfs_gv_new(type);

        if (!v)
                return NULL;
        v->str = malloc(n + 1);
        if (!v->str) {
                free(v);
                return NULL;
        }
        memcpy(v->str, s, n);
        v->str[n] = '\0';
        v->n = n;
        return v;
}

/*
 * json.Marshal leaves U+0085 (NEL) raw, and go-yaml reading the JSON back
 * takes it for a line break inside a double-quoted scalar: folded with the
 * spaces around it into one space, or into n-1 newlines for n breaks.
 */
static size_t gv_fold_nel(char *s, size_t n)
{
        size_t k = 0;

        for (size_t i = 0; i < n;) {
                size_t j = i, breaks = 0;

                while (j < n && (s[j] == ' ' || (j + 1 < n && (unsigned char) s[j] == 0xC2 &&
                                                 (unsigned char) s[j + 1] == 0x85))) {
                        breaks += s[j] != ' ';
                        j += s[j] == ' ' ? 1 : 2;
                }
                if (breaks == 0) {
                        size_t end = j > i ? j : i + 1;

                        memmove(s + k, s + i, end - i);
                        k += end - i;
                        i = end;
                        continue;
                }
                if (breaks == 1)
                        s[k++] = ' ';
                else
                        for (size_t b = 1; b < breaks; b++)
                                s[k++] = '\n';
                i = j;
        }
        s[k] = '\0';
        return k;
}

struct kfs_gv *kfs_gv_strn(const char *s, size_t n)
{
        struct kfs_gv *v = gv_text(KFS_GV_STR, s, n);

        if (v && memmem(v->str, v->n, "\xc2\x85", 2))
                v->n = gv_fold_nel(v->str, v->n);
        return v;
}

struct kfs_gv *kfs_gv_str(const char *s)
{
        return kfs_gv_strn(s, strlen(s));
}

void kfs_gv_free(struct kfs_gv *v)
{
        if (!v)
                return;
        if (v->type == KFS_GV_STR || v->type == KFS_GV_NUM) {
                free(v->str);
        } else if (v->type == KFS_GV_SEQ || v->type == KFS_GV_MAP) {
                size_t n = v->type == KFS_GV_MAP ? 2 * v->n : v->n;

                for (size_t i = 0; i < n; i++)
                        kfs_gv_free(v->items[i]);
                free(v->items);
        }
        free(v);
}

/* Room for `more` item pointers; false (and the node marked failed) if none. */
static bool gv_reserve(struct kfs_gv *v, size_t more)
{
        size_t used = v->type == KFS_GV_MAP ? 2 * v->n : v->n;

        if (used + more > v->alloc) {
                size_t n = v->alloc ? 2 * v->alloc : 8;
                struct kfs_gv **items;

                while (n < used + more)
                        n *= 2;
                items = realloc(v->items, n * sizeof(*items));
                if (!items) {
                        v->failed = true;
                        return false;
                }
                v->items = items;
                v->alloc = n;
        }
        return true;
}

void kfs_gv_append(struct kfs_gv *seq, struct kfs_gv *item)
{
        if (!item || !gv_reserve(seq, 1)) {
                seq->failed = true;
                kfs_gv_free(item);
                return;
        }
        seq->items[seq->n++] = item;
}

void kfs_gv_setn(struct kfs_gv *map, const char *key, size_t keylen, struct kfs_gv *value)
{
        struct kfs_gv *k;

        if (!value) {
                map->failed = true;
                return;
        }
        /* json.Marshal leaves NEL raw, and a line break in an implicit key of
         * the JSON breaks go-yaml's reading of it: kubectl fails to print */
        if (memmem(key, keylen, "\xc2\x85", 2))
                map->broken_key = true;
        /* a repeated key is kept here and dropped when printing: the last wins */
        k = kfs_gv_strn(key, keylen);
        if (!k || !gv_reserve(map, 2)) {
                map->failed = true;
                kfs_gv_free(k);
                kfs_gv_free(value);
                return;
        }
        map->items[2 * map->n] = k;
        map->items[2 * map->n + 1] = value;
        map->n++;
}

void kfs_gv_set(struct kfs_gv *map, const char *key, struct kfs_gv *value)
{
        kfs_gv_setn(map, key, strlen(key), value);
}

bool kfs_gv_failed(const struct kfs_gv *v)
{
        if (!v || v->failed)
                return true;
        if (v->type == KFS_GV_SEQ || v->type == KFS_GV_MAP) {
                size_t n = v->type == KFS_GV_MAP ? 2 * v->n : v->n;

                for (size_t i = 0; i < n; i++)
                        if (kfs_gv_failed(v->items[i]))
                                return true;
        }
        return false;
}

/* ---- go-yaml v2 keyList.Less ---- */

/* The next code point of a valid UTF-8 string (invalid bytes stand for themselves). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
        unsigned char c = s[*i];
        uint32_t cp;
        size_t len;

        if (c < 0x80)
                len = 1, cp = c;
        else if ((c & 0xE0) == 0xC0)
                len = 2, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
                len = 3, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
                len = 4, cp = c & 0x07;
        else
                len = 1, cp = 0xFFFD;
        if (*i + len > n)
                len = 1, cp = 0xFFFD;
        for (size_t k = 1; k < len; k++)
                cp = (cp << 6) | (s[*i + k] & 0x3F);
        *i += len;
        return cp;
}

/* unicode.IsLetter for ASCII; other scripts' characters in a key are taken as letters. */
static bool key_letter(uint32_t r)
{
        return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
}

static bool key_digit(char c)
{
        return c >= '0' && c <= '9';
}

/* Digits are ASCII, so the digit runs keyList.Less reads are byte runs. */
int kfs_goyaml_keycmp(const char *a, size_t an, const char *b, size_t bn)
{
        size_t i = 0;           /* the strings are equal before i (bytes, and so runes) */

        while (i < an && i < bn) {
                size_t ia = i, ib = i, ai, bi;
                uint32_t ra = utf8_next((const unsigned char *) a, an, &ia);
                uint32_t rb = utf8_next((const unsigned char *) b, bn, &ib);
                bool al, bl;
                uint64_t na = 0, nb = 0;

                if (ra == rb) {
                        /* invalid bytes all read as U+FFFD: order them bytewise */
                        int c = memcmp(a + i, b + i, (ia < ib ? ia : ib) - i);

                        if (c == 0 && ia == ib) {
                                i = ia;
                                continue;
                        }
                        return c ? c : ia < ib ? -1 : 1;
                }
                al = key_letter(ra);
                bl = key_letter(rb);
                if (al && bl)
                        return ra < rb ? -1 : 1;
                if (al || bl)
                        return bl ? -1 : 1;
                if (ra == '0' || rb == '0') {
                        for (size_t j = i; j-- > 0 && key_digit(a[j]);) {
                                if (a[j] != '0') {
                                        na = nb = 1;
                                        break;
                                }
                        }
                }
                for (ai = i; ai < an && key_digit(a[ai]); ai++)
                        na = na * 10 + (uint64_t) (a[ai] - '0');
                for (bi = i; bi < bn && key_digit(b[bi]); bi++)
                        nb = nb * 10 + (uint64_t) (b[bi] - '0');
                if (na != nb)
                        return (int64_t) na < (int64_t) nb ? -1 : 1;
                if (ai != bi)
                        return ai < bi ? -1 : 1;
                return ra < rb ? -1 : 1;
        }
        /* one is a prefix of the other: the shorter first */
        return (an > i) - (bn > i);
}

/* ---- go-yaml v2 resolve(): what a plain scalar would read back as ---- */

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return n > 0;
}

/* time.Parse's getnum(s, false): one or two digits. */
static bool ts_num(const char **p, int *ret)
{
        const char *s = *p;

        if (s[0] < '0' || s[0] > '9')
                return false;
        if (s[1] >= '0' && s[1] <= '9') {
                *ret = (s[0] - '0') * 10 + (s[1] - '0');
                *p = s + 2;
        } else {
                *ret = s[0] - '0';
                *p = s + 1;
        }
        return true;
}

static int days_in(int month, int year)
{
        static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

        return month == 2 && leap ? 29 : days[month - 1];
}

/* go-yaml's parseTimestamp: time.Parse with "2006-1-2T15:4:5.999999999Z07:00",
 * the same with 't', "2006-1-2 15:4:5.999999999" or "2006-1-2". */
static bool goyaml_timestamp(const char *s)
{
        const char *p = s;
        int year, month, day, v;
        char sep;

        if (!all_digits(s, 4) || s[4] != '-')
                return false;
        year = atoi(s);         /* four digits */
        p = s + 5;
        if (!ts_num(&p, &month) || month < 1 || month > 12 || *p++ != '-' || !ts_num(&p, &day))
                return false;
        if (day < 1 || day > days_in(month, year))
                return false;
        if (*p == '\0')
                return true;
        sep = *p++;
        if (sep != 'T' && sep != 't' && sep != ' ')
                return false;
        if (!ts_num(&p, &v) || v > 23 || *p++ != ':' || !ts_num(&p, &v) || v > 59 ||
            *p++ != ':' || !ts_num(&p, &v) || v > 59)
                return false;
        if ((*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        ;
        if (sep == ' ')
                return *p == '\0';
        if (*p == 'Z')
                return p[1] == '\0';
        if ((*p != '+' && *p != '-') || !all_digits(p + 1, 2) || p[3] != ':' || !all_digits(p + 4, 2))
                return false;
        return p[6] == '\0' && atoi(p + 1) <= 24 && atoi(p + 4) <= 60;
}

/* regexp ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool goyaml_base60(const char *s)
{
        const char *p = s;
        int groups = 0;

        if (*p == '+' || *p == '-')
                p++;
        if (*p < '0' || *p > '9' || !strchr(s, ':'))
                return false;
        p += strspn(p, "0123456789_");
        while (*p == ':') {
                size_t d = strspn(p + 1, "0123456789");

                if (d == 0 || d > 2 || (d == 2 && p[1] > '5'))
                        return false;
                p += 1 + d;
                groups++;
        }
        if (*p == '.')
                p += 1 + strspn(p + 1, "0123456789_");
        return groups > 0 && *p == '\0';
}

bool kfs_goyaml_plain_ok(const char *s, size_t n)
{
        struct kfs_ynode node = { .type = KFS_YSCALAR, .style = KFS_YPLAIN, .n = (uint32_t) n, .str = s };

        if (memchr(s, '\0', n))
                return true;            /* nothing below matches a NUL */
        /* what a plain scalar reads back as (resolve()), plus what go-yaml
         * quotes on the way out only: timestamps and base-60 floats */
        return kfs_ykind(&node) == KFS_YSTR &&
               !(strchr("+-0123456789", s[0]) && (goyaml_base60(s) || goyaml_timestamp(s)));
}

/* ---- numbers as Go prints them ---- */

/* The shortest digits that read back as `v` (float32 when bits == 32):
 * digits[] without the point, *ret_dp the decimal point position (Go's decimal.dp). */
static void go_shortest(double v, int bits, char *digits, size_t size, int *ret_dp)
{
        char buf[64];
        int prec;

        for (prec = 1; prec <= 17; prec++) {
                snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
                double back = strtod(buf, NULL);
                if (bits == 32 ? (float) back == (float) v : back == v)
                        break;
        }
        /* buf is [-]d[.ddd]e[+-]xx */
        const char *p = buf + (buf[0] == '-');
        size_t k = 0;
        for (; *p && *p != 'e'; p++)
                if (*p != '.' && k + 1 < size)
                        digits[k++] = *p;
        digits[k] = '\0';
        /* drop trailing zeros, as the shortest decimal has none */
        while (k > 1 && digits[k - 1] == '0')
                digits[--k] = '\0';
        *ret_dp = atoi(p + 1) + 1;
        if (strcmp(digits, "0") == 0)
                *ret_dp = 0;
}

/* strconv.FormatFloat(v, fmt, -1, bits) for fmt 'e' and 'f'. */
static void go_format_float(double v, char fmt, int bits, char *out, size_t size)
{
        char d[32], buf[512];
        int dp = 0, nd = 0;
        size_t k = 0;

        if (signbit(v))
                buf[k++] = '-';
        if (v != 0) {
                go_shortest(fabs(v), bits, d, sizeof(d), &dp);
                nd = (int) strlen(d);
        }
        if (fmt == 'e') {
                int exp = nd ? dp - 1 : 0;

                buf[k++] = nd ? d[0] : '0';
                if (nd > 1) {
                        buf[k++] = '.';
                        for (int i = 1; i < nd; i++)
                                buf[k++] = d[i];
                }
                snprintf(buf + k, sizeof(buf) - k, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        } else {
                /* only used below 1e21, so the integer part fits */
                if (dp > 0)
                        for (int i = 0; i < dp; i++)
                                buf[k++] = i < nd ? d[i] : '0';
                else
                        buf[k++] = '0';
                if (nd > dp) {
                        buf[k++] = '.';
                        for (int i = dp; i < nd && k + 1 < sizeof(buf); i++)
                                buf[k++] = i < 0 ? '0' : d[i];
                }
                buf[k] = '\0';
        }
        snprintf(out, size, "%s", buf);
}

/* strconv.FormatFloat(v, 'g', -1, bits): shortest digits, %e when the
 * exponent is below -4 or at least 6 (Go's rule for shortest precision). */
static void go_format_g(double v, int bits, char *out, size_t size)
{
        char d[32];
        int dp = 0;

        if (v != 0)
                go_shortest(fabs(v), bits, d, sizeof(d), &dp);
        go_format_float(v, v != 0 && (dp - 1 < -4 || dp - 1 >= 6) ? 'e' : 'f', bits, out, size);
}

/*
 * The decimal text of a KFS_YINT scalar without '_' (Go's ParseInt or
 * ParseUint(s, 0, 64): sign, 0x/0o/0b prefixes, a leading 0 for octal);
 * false when it needs more than 64 bits, or when `int64_only` and it needs
 * more than int64.
 */
static bool gv_int_text(const char *plain, bool int64_only, char *out, size_t size)
{
        const char *p = plain;
        bool negative = false;
        unsigned long long v;

        if (*p == '+' || *p == '-')
                negative = *p++ == '-';
        errno = 0;
        /* kfs_ykind() checked the syntax; strtoull() knows 0x and 0 but not 0o and 0b */
        if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
                v = strtoull(p + 2, NULL, 2);
        else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
                v = strtoull(p + 2, NULL, 8);
        else
                v = strtoull(p, NULL, 0);
        if (errno == ERANGE)
                return false;
        if (negative) {
                if (v > (unsigned long long) INT64_MAX + 1)
                        return false;
                snprintf(out, size, "-%llu", v);
                if (v == 0)
                        snprintf(out, size, "0");
        } else {
                if (int64_only && v > INT64_MAX)
                        return false;
                snprintf(out, size, "%llu", v);
        }
        return true;
}

/*
 * A float64 after json.Marshal (shortest 'f', or 'e' outside [1e-6, 1e21))
 * and go-yaml reading that text back: integral text that fits 64 bits is an
 * int, anything else a float printed with %g.
 */
static int gv_float(double v, char *out, size_t size, char *err, size_t errsize)
{
        char json[64];
        double a = fabs(v);

        if (!isfinite(v)) {
                snprintf(err, errsize, "json: unsupported value: %s", isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
                return -EINVAL;
        }
        go_format_float(v, a != 0 && (a < 1e-6 || a >= 1e21) ? 'e' : 'f', 64, json, sizeof(json));
        if (!strpbrk(json, ".e") && gv_int_text(json, false, out, size))
                return 0;
        go_format_g(strtod(json, NULL), 64, out, size);
        return 0;
}

/* The scalar without '_' (go-yaml drops them before reading numbers). */
static void strip_underscores(const char *s, char *out, size_t size)
{
        size_t k = 0;

        for (; *s && k + 1 < size; s++)
                if (*s != '_')
                        out[k++] = *s;
        out[k] = '\0';
}

/* The value of a KFS_YFLOAT scalar (".inf", ".nan", or decimal). */
static double yfloat_value(const char *plain)
{
        if (strpbrk(plain, "aA"))
                return NAN;
        if (strpbrk(plain, "iI"))
                return plain[0] == '-' ? -INFINITY : INFINITY;
        return strtod(plain, NULL);
}

/* A YAML 1.1 integer as go-yaml holds it, then as JSON and back. */
static int gv_int(const char *s, char *out, size_t size, char *err, size_t errsize)
{
        char plain[512];

        strip_underscores(s, plain, sizeof(plain));
        if (gv_int_text(plain, false, out, size))
                return 0;
        /* kfs_ykind() leaves wider ones to the float reading */
        return gv_float(strtod(plain, NULL), out, size, err, errsize);
}

static struct kfs_gv *gv_num(const char *text)
{
        return gv_text(KFS_GV_NUM, text, strlen(text));
}

int kfs_goyaml_key(const struct kfs_ynode *k, char *buf, size_t size, const char **ret, size_t *ret_n,
                   char *err, size_t errsize)
{
        char plain[512];
        double v;

        if (k->type != KFS_YSCALAR) {
                snprintf(err, errsize, "yaml: invalid map key: a %s", k->type == KFS_YMAP ? "map" : "sequence");
                return -EINVAL;
        }
        switch (kfs_ykind(k)) {
        case KFS_YSTR:
                *ret = k->str;
                *ret_n = k->n;
                return 0;
        case KFS_YBOOL:
                snprintf(buf, size, "%s", kfs_ybool(k) ? "true" : "false");
                break;
        case KFS_YINT:
                strip_underscores(k->str, plain, sizeof(plain));
                if (!gv_int_text(plain, true, buf, size)) {
                        snprintf(err, errsize, "unsupported map key: %s", k->str);
                        return -EINVAL;
                }
                break;
        case KFS_YFLOAT:
                strip_underscores(k->str, plain, sizeof(plain));
                v = yfloat_value(plain);
                if (isnan(v))
                        snprintf(buf, size, ".nan");
                else if (isinf(v))
                        snprintf(buf, size, "%s", v < 0 ? "-.inf" : ".inf");
                else
                        go_format_g(v, 32, buf, size);
                break;
        case KFS_YNULL:
        default:
                snprintf(err, errsize, "unsupported map key of type: <nil>");
                return -EINVAL;
        }
        *ret = buf;
        *ret_n = strlen(buf);
        return 0;
}

struct kfs_gv *kfs_gv_from_ynode(const struct kfs_ynode *n, char *err, size_t errsize)
{
        struct kfs_gv *v;
        char num[128], plain[512];

        err[0] = '\0';
        if (!n)
                return kfs_gv_new(KFS_GV_NULL);
        if (n->type == KFS_YSEQ || n->type == KFS_YMAP) {
                bool map = n->type == KFS_YMAP;

                v = kfs_gv_new(map ? KFS_GV_MAP : KFS_GV_SEQ);
                for (size_t i = 0; v && i < n->n; i++) {
                        char kbuf[64];
                        const char *k = NULL;
                        size_t kn = 0;
                        struct kfs_gv *item;

                        if ((map && kfs_goyaml_key(n->items[2 * i], kbuf, sizeof(kbuf), &k, &kn, err, errsize) < 0) ||
                            !(item = kfs_gv_from_ynode(n->items[map ? 2 * i + 1 : i], err, errsize))) {
                                kfs_gv_free(v);
                                return NULL;
                        }
                        /* a repeated key: the last one wins, as in a Go map */
                        if (map)
                                kfs_gv_setn(v, k, kn, item);
                        else
                                kfs_gv_append(v, item);
                }
                return v;
        }
        switch (kfs_ykind(n)) {
        case KFS_YNULL:
                return kfs_gv_new(KFS_GV_NULL);
        case KFS_YBOOL:
                return kfs_gv_bool(kfs_ybool(n));
        case KFS_YINT:
                if (gv_int(n->str, num, sizeof(num), err, errsize) < 0)
                        return NULL;
                return gv_num(num);
        case KFS_YFLOAT:
                strip_underscores(n->str, plain, sizeof(plain));
                if (gv_float(yfloat_value(plain), num, sizeof(num), err, errsize) < 0)
                        return NULL;
                return gv_num(num);
        case KFS_YSTR:
        default:
                return kfs_gv_strn(n->str, n->n);
        }
}

/* ---- printing ---- */

struct emit {
        yaml_emitter_t emitter;
        char *err;
        size_t errsize;
        char **bom;             /* the text of strings that start with a BOM, see emit_bom() */
        size_t n_bom;
};

static int emit_write(void *data, unsigned char *buffer, size_t size)
{
        return kfs_buf_addn(data, buffer, size) == 0;
}

/*
 * What Go's json.Marshal leaves raw in a string and go-yaml's reader then
 * refuses: DEL, the C1 controls but NEL, U+FFFE and U+FFFF. (json.Marshal
 * escapes C0 controls, which go-yaml reads back as escapes.)
 */
static bool emit_refused(const char *s, size_t n)
{
        for (size_t i = 0; i < n;) {
                uint32_t c = utf8_next((const unsigned char *) s, n, &i);

                if (c == 0x7F || (c >= 0x80 && c <= 0x9F && c != 0x85) || c == 0xFFFE || c == 0xFFFF)
                        return true;
        }
        return false;
}

static int emit_scalar(struct emit *e, const char *s, size_t n, yaml_scalar_style_t style)
{
        yaml_event_t ev;

        if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *) s, (int) n, 1, 1, style))
                return -ENOMEM;
        if (!yaml_emitter_emit(&e->emitter, &ev))
                return e->emitter.error == YAML_MEMORY_ERROR ? -ENOMEM : -EIO;
        return 0;
}

/*
 * go-yaml's is_bom(b, i) looks at b[0], not b[i]: in a double-quoted string
 * that starts with U+FEFF every character is escaped ("\uFEFF\x62\x6F\x6D").
 * libyaml does it right, so such a string is emitted as a placeholder of
 * the same width, replaced afterwards by go-yaml's text.
 */
static int emit_bom(struct emit *e, const char *s, size_t n)
{
        struct kfs_buf text = KFS_BUF_INIT(16 * n + 16);
        char holder[64], **bom;
        size_t k;
        int w;

        kfs_buf_addc(&text, '"');
        for (size_t i = 0; i < n;) {
                uint32_t c = utf8_next((const unsigned char *) s, n, &i);
                const char *esc = NULL;

                switch (c) {
                case 0x00: esc = "0"; break;
                case 0x07: esc = "a"; break;
                case 0x08: esc = "b"; break;
                case 0x09: esc = "t"; break;
                case 0x0A: esc = "n"; break;
                case 0x0B: esc = "v"; break;
                case 0x0C: esc = "f"; break;
                case 0x0D: esc = "r"; break;
                case 0x1B: esc = "e"; break;
                case 0x22: esc = "\""; break;
                case 0x5C: esc = "\\"; break;
                case 0x85: esc = "N"; break;
                case 0xA0: esc = "_"; break;
                case 0x2028: esc = "L"; break;
                case 0x2029: esc = "P"; break;
                }
                if (esc)
                        kfs_buf_addf(&text, "\\%s", esc);
                else if (c <= 0xFF)
                        kfs_buf_addf(&text, "\\x%02X", c);
                else if (c <= 0xFFFF)
                        kfs_buf_addf(&text, "\\u%04X", c);
                else
                        kfs_buf_addf(&text, "\\U%08X", c);
        }
        kfs_buf_addc(&text, '"');
        if (text.err || !(bom = realloc(e->bom, (e->n_bom + 1) * sizeof(*bom)))) {
                kfs_buf_release(&text);
                return -ENOMEM;
        }
        e->bom = bom;
        e->bom[e->n_bom] = kfs_buf_detach(&text, NULL);
        if (!e->bom[e->n_bom])
                return -ENOMEM;
        /* libyaml writes "\x01" + index + filler: 6 + digits + filler columns */
        w = snprintf(holder, sizeof(holder), "\x01%zu", e->n_bom);
        for (k = (size_t) w; k + 4 < strlen(e->bom[e->n_bom]) && k + 1 < sizeof(holder); k++)
                holder[k] = 'x';
        holder[k] = '\0';
        e->n_bom++;
        return emit_scalar(e, holder, k, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* Puts go-yaml's text where emit_bom() left placeholders, in order. */
static int emit_unbom(struct emit *e, struct kfs_buf *out, size_t start)
{
        size_t len = out->len - start, cursor = 0;
        char *copy = malloc(len + 1);

        if (!copy)
                return -ENOMEM;
        memcpy(copy, kfs_buf_str(out) + start, len);
        kfs_buf_truncate(out, start);
        for (size_t i = 0; i < e->n_bom; i++) {
                char holder[64];
                int w = snprintf(holder, sizeof(holder), "\"\\x01%zu", i);
                const char *at = memmem(copy + cursor, len - cursor, holder, (size_t) w);
                const char *end;

                if (!at)
                        break;
                end = memchr(at + 1, '"', len - (size_t) (at + 1 - copy));
                if (!end)
                        break;
                kfs_buf_addn(out, copy + cursor, (size_t) (at - (copy + cursor)));
                kfs_buf_add(out, e->bom[i]);
                cursor = (size_t) (end + 1 - copy);
        }
        kfs_buf_addn(out, copy + cursor, len - cursor);
        free(copy);
        return out->err;
}

static int emit_string(struct emit *e, const char *s, size_t n)
{
        yaml_scalar_style_t style;

        if (emit_refused(s, n)) {
                snprintf(e->err, e->errsize, "yaml: control characters are not allowed");
                return -EINVAL;
        }
        if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
                return emit_bom(e, s, n);
        /* encode.go stringv */
        if (memchr(s, '\n', n))
                style = YAML_LITERAL_SCALAR_STYLE;
        else if (kfs_goyaml_plain_ok(s, n))
                style = YAML_PLAIN_SCALAR_STYLE;
        else
                style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        return emit_scalar(e, s, n, style);
}

/* A map entry to print, with its position: of equal keys the last wins. */
struct emit_pair {
        const struct kfs_gv *key, *value;
        size_t pos;
};

static int emit_pair_cmp(const void *a, const void *b)
{
        const struct emit_pair *x = a, *y = b;
        int c = kfs_goyaml_keycmp(x->key->str, x->key->n, y->key->str, y->key->n);

        return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int emit_value(struct emit *e, const struct kfs_gv *v)
{
        yaml_event_t ev;
        int r = 0;

        switch (v->type) {
        case KFS_GV_NULL:
                return emit_scalar(e, "null", 4, YAML_PLAIN_SCALAR_STYLE);
        case KFS_GV_BOOL:
                return v->b ? emit_scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE)
                            : emit_scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
        case KFS_GV_NUM:
                return emit_scalar(e, v->str, v->n, YAML_PLAIN_SCALAR_STYLE);
        case KFS_GV_STR:
                return emit_string(e, v->str, v->n);
        case KFS_GV_SEQ:
                if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE))
                        return -ENOMEM;
                if (!yaml_emitter_emit(&e->emitter, &ev))
                        return -EIO;
                for (size_t i = 0; i < v->n && r == 0; i++)
                        r = emit_value(e, v->items[i]);
                if (r < 0)
                        return r;
                yaml_sequence_end_event_initialize(&ev);
                return yaml_emitter_emit(&e->emitter, &ev) ? 0 : -EIO;
        case KFS_GV_MAP: {
                struct emit_pair *pairs;

                if (v->broken_key) {
                        snprintf(e->err, e->errsize, "yaml: line 1: did not find expected ',' or '}'");
                        return -EINVAL;
                }
                pairs = malloc((v->n ? v->n : 1) * sizeof(*pairs));
                if (!pairs)
                        return -ENOMEM;
                for (size_t i = 0; i < v->n; i++)
                        pairs[i] = (struct emit_pair) { v->items[2 * i], v->items[2 * i + 1], i };
                qsort(pairs, v->n, sizeof(*pairs), emit_pair_cmp);
                if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)) {
                        free(pairs);
                        return -ENOMEM;
                }
                r = yaml_emitter_emit(&e->emitter, &ev) ? 0 : -EIO;
                for (size_t i = 0; i < v->n && r == 0; i++) {
                        const struct kfs_gv *k = pairs[i].key;

                        if (i + 1 < v->n && k->n == pairs[i + 1].key->n && memcmp(k->str, pairs[i + 1].key->str, k->n) == 0)
                                continue;
                        r = emit_string(e, k->str, k->n);
                        if (r == 0)
                                r = emit_value(e, pairs[i].value);
                }
                free(pairs);
                if (r < 0)
                        return r;
                yaml_mapping_end_event_initialize(&ev);
                return yaml_emitter_emit(&e->emitter, &ev) ? 0 : -EIO;
        }
        }
        return -EINVAL;
}

int kfs_goyaml_emit(const struct kfs_gv *v, struct kfs_buf *out, char *err, size_t errsize)
{
        struct emit e = { .err = err, .errsize = errsize };
        size_t start = out->len;
        yaml_event_t ev;
        int r;

        err[0] = '\0';
        if (!yaml_emitter_initialize(&e.emitter))
                return -ENOMEM;
        yaml_emitter_set_output(&e.emitter, emit_write, out);
        yaml_emitter_set_unicode(&e.emitter, 1);
        yaml_emitter_set_break(&e.emitter, YAML_LN_BREAK);
        yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
        r = yaml_emitter_emit(&e.emitter, &ev) ? 0 : -EIO;
        if (r == 0) {
                yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
                r = yaml_emitter_emit(&e.emitter, &ev) ? 0 : -EIO;
        }
        if (r == 0)
                r = emit_value(&e, v);
        if (r == 0) {
                yaml_document_end_event_initialize(&ev, 1);
                r = yaml_emitter_emit(&e.emitter, &ev) ? 0 : -EIO;
        }
        if (r == 0) {
                yaml_stream_end_event_initialize(&ev);
                r = yaml_emitter_emit(&e.emitter, &ev) ? 0 : -EIO;
        }
        if (r == -EIO && out->err)
                r = out->err;
        else if (r == -EIO && e.emitter.problem && !err[0])
                snprintf(err, errsize, "yaml: %s", e.emitter.problem);
        yaml_emitter_delete(&e.emitter);
        if (r == 0 && e.n_bom)
                r = emit_unbom(&e, out, start);
        for (size_t i = 0; i < e.n_bom; i++)
                free(e.bom[i]);
        free(e.bom);
        if (r < 0)
                return r;
        /* libyaml ends a stream whose last scalar kept trailing newlines (|+)
         * with "..."; go-yaml's encoder clears open_ended first and does not */
        if (out->len - start >= 4 && memcmp(kfs_buf_str(out) + out->len - 4, "...\n", 4) == 0 &&
            (out->len - start == 4 || kfs_buf_str(out)[out->len - 5] == '\n'))
                kfs_buf_truncate(out, out->len - 4);
        return out->err;
}
