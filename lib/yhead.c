/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The head scanner (yhead.h). Two scanners share one token reader: block
 * YAML by lines (a top-level key starts at column 0), and flow style / JSON
 * by brackets (a top-level key is at depth 1). A block document that starts
 * with '{' or '[' is handed to the flow scanner, which gives it back where
 * its outermost collection closes.
 */
#include "yhead.h"

#include <string.h>

struct yhead {
        int (*fn)(const struct kfs_yhead_key *k, void *arg);
        void *arg;
        unsigned doc;
};

bool kfs_yhead_is(const char *s, size_t n, const char *lit)
{
        return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool yhead_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A key or short value at *p: quoted (quotes dropped, escapes kept) or plain
 * up to one of `stops`, a line end or a " #" comment. Advances *p past it. */
static void yhead_token(const char **p, const char *end, const char *stops, const char **ret, size_t *ret_n)
{
        const char *s = *p, *t = s;
        size_t n;

        if (s < end && (*s == '"' || *s == '\'')) {
                char q = *s++;

                t = s;
                while (s < end && *s != q && *s != '\n') {
                        if (q == '"' && *s == '\\' && s + 1 < end)
                                s++;
                        s++;
                }
                *ret = t;
                *ret_n = (size_t) (s - t);
                *p = s < end && *s == q ? s + 1 : s;
                return;
        }
        /* strchr() finds the terminating NUL too: a NUL byte is never a stop */
        while (s < end && (!*s || !strchr(stops, *s)) && *s != '\n' && !(*s == ' ' && s + 1 < end && s[1] == '#'))
                s++;
        n = (size_t) (s - t);
        while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r'))
                n--;
        *ret = t;
        *ret_n = n;
        *p = s;
}

static int yhead_emit(struct yhead *h, const char *key, size_t key_len, const char *value, size_t value_len,
                      bool item)
{
        struct kfs_yhead_key k = {
                .key = key, .key_len = key_len, .value = value, .value_len = value_len,
                .doc = h->doc, .item = item,
        };

        return h->fn(&k, h->arg);
}

/*
 * Flow style from s (at '{' or '['): keys at depth 1, and keys of the
 * mappings inside a depth-1 "items" sequence. Returns fn's non-zero result,
 * else 0 with *ret_end where the outermost collection closed (or `end`).
 */
static int yhead_flow(struct yhead *h, const char *s, const char *end, const char **ret_end)
{
        int depth = 0, items_depth = 0, r;
        bool want_key = false;
        const char *key = NULL;
        size_t key_len = 0;

        while (s < end) {
                char c = *s;

                if (yhead_blank(c)) {
                        s++;
                } else if (c == '#') {
                        while (s < end && *s != '\n')
                                s++;
                } else if (c == '{' || c == '[') {
                        if (depth == 1 && key && c == '[' && kfs_yhead_is(key, key_len, "items"))
                                items_depth = 2;
                        depth++;
                        want_key = c == '{' && (depth == 1 || (items_depth && depth == items_depth + 1));
                        key = NULL;
                        s++;
                } else if (c == '}' || c == ']') {
                        if (items_depth && depth == items_depth)
                                items_depth = 0;
                        s++;
                        if (--depth <= 0)
                                break;
                } else if (c == ',') {
                        want_key = depth == 1 || (items_depth && depth == items_depth + 1);
                        s++;
                } else if (c == ':') {
                        s++;
                        if (key && (depth == 1 || (items_depth && depth == items_depth + 1))) {
                                const char *v;
                                size_t vn;

                                while (s < end && (*s == ' ' || *s == '\t'))
                                        s++;
                                if (s < end && (*s == '{' || *s == '['))
                                        v = s, vn = 0;
                                else
                                        yhead_token(&s, end, ",}]#\r", &v, &vn);
                                r = yhead_emit(h, key, key_len, v, vn, depth > 1);
                                if (r)
                                        return r;
                                if (depth == 1 && !kfs_yhead_is(key, key_len, "items"))
                                        key = NULL;
                                want_key = false;
                                continue;
                        }
                        want_key = false;
                } else {
                        const char *t;
                        size_t tn;

                        yhead_token(&s, end, ",:{}[]#", &t, &tn);
                        if (want_key)
                                key = t, key_len = tn;
                        if (tn == 0 && s < end && (!*s || !strchr(",:{}[]#", *s)))
                                s++;
                }
        }
        *ret_end = s;
        return 0;
}

/* The column of the first key in an item line ("- kind: x", "  - kind: x"),
 * or -1 when the line is no item. */
static long yhead_item_col(const char *s, const char *eol)
{
        const char *p = s;

        while (p < eol && *p == ' ')
                p++;
        if (p >= eol || *p != '-' || (p + 1 < eol && p[1] != ' '))
                return -1;
        p++;
        while (p < eol && *p == ' ')
                p++;
        return (long) (p - s);
}

int kfs_yhead_scan(const char *s, size_t len, int (*fn)(const struct kfs_yhead_key *k, void *arg), void *arg)
{
        struct yhead h = { .fn = fn, .arg = arg };
        const char *end = s + len;
        bool content = false, in_items = false;
        long item_col = -1;
        int r;

        if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
                s += 3;
        while (s < end) {
                const char *eol = memchr(s, '\n', (size_t) (end - s));
                const char *p = s, *key, *value;
                size_t key_len, value_len;

                if (!eol)
                        eol = end;
                if (eol - s >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0) &&
                    (eol - s == 3 || s[3] == ' ' || s[3] == '\r')) {
                        if (content)
                                h.doc++;
                        content = in_items = false;
                        item_col = -1;
                } else if (*s == '{' || *s == '[') {
                        /* a flow document (JSON): scanned whole, then the next one */
                        if (content)
                                h.doc++;
                        r = yhead_flow(&h, s, end, &p);
                        if (r)
                                return r;
                        h.doc++;
                        content = in_items = false;
                        while (p < end && *p != '\n' && yhead_blank(*p))
                                p++;
                        if (p < end && *p != '\n' && p != s) {
                                s = p;          /* another value on the same line */
                                continue;
                        }
                        eol = p < end ? memchr(p, '\n', (size_t) (end - p)) : NULL;
                        if (!eol)
                                break;
                } else if (!yhead_blank(*s) && *s != '#' && *s != '%' && *s != '-') {
                        content = true;
                        yhead_token(&p, eol, ":", &key, &key_len);
                        while (p < eol && (*p == ' ' || *p == '\t'))
                                p++;
                        if (p < eol && *p == ':' && (p + 1 == eol || p[1] == ' ' || p[1] == '\t' || p[1] == '\r')) {
                                p++;
                                while (p < eol && (*p == ' ' || *p == '\t'))
                                        p++;
                                yhead_token(&p, eol, "\r", &value, &value_len);
                                r = yhead_emit(&h, key, key_len, value, value_len, false);
                                if (r)
                                        return r;
                                in_items = kfs_yhead_is(key, key_len, "items") && value_len == 0;
                                item_col = -1;
                        }
                } else if (*s == ' ' || *s == '-') {
                        long col = yhead_item_col(s, eol);

                        content = true;
                        if (in_items && item_col < 0)
                                item_col = col;
                        if (in_items && item_col >= 0) {
                                /* an item's key: after its dash, or indented to the same column */
                                long at = col >= 0 ? col : (long) strspn(s, " ");

                                p = s + at;
                                if (at == item_col && p < eol && !yhead_blank(*p) && *p != '#' && *p != '-') {
                                        yhead_token(&p, eol, ":", &key, &key_len);
                                        if (p < eol && *p == ':') {
                                                p++;
                                                while (p < eol && (*p == ' ' || *p == '\t'))
                                                        p++;
                                                yhead_token(&p, eol, "\r", &value, &value_len);
                                                r = yhead_emit(&h, key, key_len, value, value_len, true);
                                                if (r)
                                                        return r;
                                        }
                                }
                        }
                }
                s = eol + 1;
        }
        return 0;
}
