/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule set for secrets. Names are folded once (lower case, '_' as '-',
 * leading dashes dropped) and matched against suffixes and words; values
 * are judged only to spare what cannot be a secret under a weak name (a
 * boolean, a path). kfs_redact_text() is the scanner for raw text and for
 * documents embedded in strings: it finds names the same way whatever the
 * syntax around them (flags, env, JSON, YAML, INI/TOML), so that a secret
 * hides the same in every view.
 */
#include "redact.h"
#include "str.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Lower-cased copy with '_' as '-', leading dashes dropped; false if too long. */
static bool redact_fold(const char *name, size_t len, char *out, size_t size)
{
        size_t n = 0;

        while (len && *name == '-') {
                name++;
                len--;
        }
        if (len >= size)
                return false;
        for (size_t i = 0; i < len; i++)
                out[n++] = name[i] == '_' ? '-' : (char) tolower((unsigned char) name[i]);
        out[n] = '\0';
        return true;
}

enum strength { NOT_SECRET, WEAK, STRONG };

/* Whether the folded name ends in the word "auth" (vpn-auth, basic-auth, auth) or in it (basicauth). */
static bool redact_auth_word(const char *f)
{
        return kfs_str_ends_with(f, "auth");
}

/* Names of paths and of settings about a secret, not holding one (weak rules only). */
static bool redact_path_name(const char *f)
{
        return kfs_str_ends_with(f, "file") || kfs_str_ends_with(f, "path") || kfs_str_ends_with(f, "dir");
}

/*
 * Names ending in "key" that name a lookup key, not a secret: selectors and
 * indexes (topologyKey, labelFromKey in kube-state-metrics' config, a
 * chart's imageKey), public keys. Compared without dashes.
 */
static bool redact_lookup_key(const char *f)
{
        static const char *const lookup[] = {
                "topologykey", "publickey", "labelkey", "fromkey", "imagekey", "sortkey", "hashkey",
                "partitionkey", "primarykey", "routingkey", "groupkey", "lookupkey", "indexkey", "cachekey",
                "mapkey", "objectkey", "resourcekey", "idempotencykey", NULL,
        };
        char c[256];
        size_t n = 0;

        for (; *f && n + 1 < sizeof(c); f++)
                if (*f != '-')
                        c[n++] = *f;
        c[n] = '\0';
        for (size_t i = 0; lookup[i]; i++)
                if (kfs_str_ends_with(c, lookup[i]))
                        return true;
        return false;
}

static enum strength redact_strength(const char *name, size_t len)
{
        char f[256];

        /* a name too long to fold is unusual enough to treat as secret */
        if (!redact_fold(name, len, f, sizeof(f)))
                return STRONG;
        if (kfs_str_ends_with(f, "token") ||
            strstr(f, "password") || strstr(f, "passwd") || strstr(f, "secret") ||
            kfs_str_ends_with(f, "key-data") ||
            kfs_str_ends_with(f, "privatekey") || kfs_str_ends_with(f, "private-key") ||
            /* kubeadm's key for the control-plane certificates it uploads */
            kfs_str_ends_with(f, "certificate-key") || kfs_str_ends_with(f, "certificatekey") ||
            kfs_str_ends_with(f, "psk"))
                return STRONG;
        /* the weak rules are for names, not for any text that ends like one */
        if (redact_path_name(f) || f[strspn(f, "abcdefghijklmnopqrstuvwxyz0123456789-.")] != '\0')
                return NOT_SECRET;
        /* "tls.key" is a file's name (a key pasted there is a PEM block, found by the text rules) */
        if (kfs_str_ends_with(f, "key") && strcmp(f, "key") != 0 && !kfs_str_ends_with(f, ".key") &&
            !redact_lookup_key(f))
                return WEAK;
        if (redact_auth_word(f))
                return WEAK;
        return NOT_SECRET;
}

bool kfs_redact_name(const char *name, size_t len)
{
        return redact_strength(name, len) != NOT_SECRET;
}

static bool redact_is(const char *v, size_t n, const char *word)
{
        return strlen(word) == n && strncasecmp(v, word, n) == 0;
}

static bool redact_vends(const char *v, size_t n, const char *suffix)
{
        size_t m = strlen(suffix);

        return n >= m && strncasecmp(v + n - m, suffix, m) == 0;
}

/* What cannot be a secret under a weak name: a boolean, a path (no longer than PATH_MAX). */
static bool redact_harmless(const char *v, size_t n)
{
        if (n > 4096)
                return false;
        return redact_is(v, n, "true") || redact_is(v, n, "false") ||
               (n > 0 && v[0] == '/') || (n > 1 && memcmp(v, "./", 2) == 0) ||
               (n > 2 && memcmp(v, "../", 3) == 0) || (n > 1 && memcmp(v, "~/", 2) == 0) ||
               redact_vends(v, n, ".key") || redact_vends(v, n, ".pem") || redact_vends(v, n, ".crt");
}

bool kfs_redact_value(const char *name, size_t nlen, const char *value, size_t vlen)
{
        enum strength s = redact_strength(name, nlen);

        if (s == NOT_SECRET || vlen == 0)
                return false;
        return s == STRONG || !redact_harmless(value, vlen);
}

/* ---- values ---- */

/* NAME=VALUE inside a value inside a value...: followed this deep (a=a=a=... is hostile). */
#define REDACT_MAX_NESTING 4
/* How far back the text scan looks for what opened a line (indentation, a flow '{'):
 * past it, the safe reading (more is hidden) is taken. */
#define REDACT_MAX_LOOKBACK 4096
/* A "name" key's value is read this far (a secret name is short). */
#define REDACT_MAX_PAIR_NAME 256

static bool rc_name(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
}

/* Length of "name" in "name=value" at v[0..n): a name starting with a letter,
 * then '=', then a value that is not '=' padding; else 0. */
static size_t redact_nested_name(const char *v, size_t n)
{
        size_t k = 0;

        if (n == 0 || !((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z')))
                return 0;
        while (k < n && rc_name(v[k]))
                k++;
        if (k == n || v[k] != '=' || k + 1 == n || v[k + 1] == '=')
                return 0;
        return k;
}

/* Whether the value is a list of NAME=VALUE pieces one of whose names is secret. */
static bool redact_nested_secret(const char *v, size_t n)
{
        size_t i = 0;

        while (i < n) {
                const char *c = memchr(v + i, ',', n - i);
                size_t e = c ? (size_t) (c - v) : n, k = redact_nested_name(v + i, e - i);

                if (k && kfs_redact_value(v + i, k, v + i + k + 1, e - i - k - 1))
                        return true;
                i = e + 1;
        }
        return false;
}

static bool redact_add_value(struct kfs_buf *out, const char *name, size_t nlen, const char *value, size_t vlen,
                             unsigned depth)
{
        bool secret = kfs_redact_value(name, nlen, value, vlen), changed = false;
        size_t i = 0;

        if (depth < REDACT_MAX_NESTING && redact_nested_name(value, vlen) &&
            (!secret || redact_nested_secret(value, vlen))) {
                while (i <= vlen) {
                        const char *c = memchr(value + i, ',', vlen - i);
                        size_t e = c ? (size_t) (c - value) : vlen;
                        size_t k = redact_nested_name(value + i, e - i);

                        if (i > 0)
                                kfs_buf_addc(out, ',');
                        if (!k) {
                                if (secret && e > i) {
                                        kfs_buf_add(out, KFS_REDACTED);
                                        changed = true;
                                } else {
                                        kfs_buf_addn(out, value + i, e - i);
                                }
                                i = e + 1;
                                continue;
                        }
                        kfs_buf_addn(out, value + i, k + 1);
                        if (kfs_redact_value(value + i, k, value + i + k + 1, e - i - k - 1) ||
                            (secret && !redact_vends(value + i, k, "name"))) {
                                /* its value runs on over commas up to the next NAME= */
                                while (e < vlen) {
                                        const char *c2 = memchr(value + e + 1, ',', vlen - e - 1);
                                        size_t e2 = c2 ? (size_t) (c2 - value) : vlen;
                                        if (redact_nested_name(value + e + 1, e2 - e - 1))
                                                break;
                                        e = e2;
                                }
                                kfs_buf_add(out, KFS_REDACTED);
                                changed = true;
                        } else {
                                changed |= redact_add_value(out, value + i, k, value + i + k + 1,
                                                            e - i - k - 1, depth + 1);
                        }
                        i = e + 1;
                }
                return changed;
        }
        if (!secret) {
                kfs_buf_addn(out, value, vlen);
                return false;
        }
        if (redact_strength(name, nlen) == WEAK) {
                char f[256];
                const char *colon = memchr(value, ':', vlen);

                /* user:password (--basic-auth): the user stays */
                if (colon && colon > value && redact_fold(name, nlen, f, sizeof(f)) && redact_auth_word(f) &&
                    !memchr(value, '/', (size_t) (colon - value)) && !memchr(value, '@', (size_t) (colon - value)) &&
                    (size_t) (colon - value) + 1 < vlen && colon[1] != '/') {
                        kfs_buf_addn(out, value, (size_t) (colon - value) + 1);
                        kfs_buf_add(out, KFS_REDACTED);
                        return true;
                }
        }
        kfs_buf_add(out, KFS_REDACTED);
        return true;
}

bool kfs_redact_add_value(struct kfs_buf *out, const char *name, size_t nlen, const char *value, size_t vlen)
{
        return redact_add_value(out, name, nlen, value, vlen, 0);
}

bool kfs_redact_short_flag(const char *prog, const char *flag, size_t flen)
{
        const char *base;

        if (!prog || flen != 2 || memcmp(flag, "-t", 2) != 0)
                return false;
        base = strrchr(prog, '/');
        base = base ? base + 1 : prog;
        return strcmp(base, "k3s") == 0 || strcmp(base, "rke2") == 0;
}

/* ---- text ---- */

static bool tc_lower_digit(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool tc_b64url(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool tc_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool tc_blank(char c)
{
        return c == ' ' || c == '\t';
}

static bool tc_name(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Length of a kubeadm bootstrap token ([a-z0-9]{6}.[a-z0-9]{16}) at s[i], standing alone; else 0. */
static size_t text_bootstrap(const char *s, size_t n, size_t i)
{
        if (i > 0 && (tc_name(s[i - 1]) || s[i - 1] == '.'))
                return 0;
        if (n - i < 23)
                return 0;
        for (size_t k = 0; k < 23; k++)
                if (k == 6 ? s[i + k] != '.' : !tc_lower_digit(s[i + k]))
                        return 0;
        if (n - i > 23 && (tc_name(s[i + 23]) || s[i + 23] == '.'))
                return 0;
        return 23;
}

/* Length of a JWT (eyJ...header.eyJ...payload.signature) at s[i]; else 0. */
static size_t text_jwt(const char *s, size_t n, size_t i)
{
        size_t k = i, parts = 0;

        if (n - i < 10 || memcmp(s + i, "eyJ", 3) != 0 || (i > 0 && tc_b64url(s[i - 1])))
                return 0;
        for (;;) {
                size_t start = k;

                while (k < n && tc_b64url(s[k]))
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

/*
 * A quote at s[i], possibly escaped ('"', '\'', '\"', '\\\"'...): its length
 * (backslashes and the quote), or 0.
 */
static size_t text_quote(const char *s, size_t n, size_t i)
{
        size_t k = i;

        while (k < n && s[k] == '\\')
                k++;
        return k < n && (s[k] == '"' || s[k] == '\'') ? k + 1 - i : 0;
}

/* The closing match of quote s[q..q+ql) at or after `from`: the same quote
 * preceded by exactly as many backslashes; n when there is none. */
static size_t text_close(const char *s, size_t n, size_t q, size_t ql, size_t from)
{
        char c = s[q + ql - 1];
        size_t want = ql - 1;

        for (size_t k = from; k < n; k++) {
                size_t b = 0;

                if (s[k] != c)
                        continue;
                while (b < k - from && s[k - 1 - b] == '\\')
                        b++;
                if (b == want)
                        return k - want;
        }
        return n;
}

/* The end of an unquoted flag or env value starting at s[i] (commas are
 * kfs_redact_add_value()'s: they separate nested NAME=VALUE pieces). */
static size_t text_word_end(const char *s, size_t n, size_t i)
{
        while (i < n && !tc_space(s[i]) && s[i] != '"' && s[i] != '\'' && s[i] != ';' && s[i] != '\\')
                i++;
        return i;
}

/* Whether s[a..b) is a value that holds nothing: null, ~, a boolean. */
static bool text_nothing(const char *s, size_t a, size_t b)
{
        return b == a || redact_is(s + a, b - a, "null") || redact_is(s + a, b - a, "~") ||
               redact_is(s + a, b - a, "true") || redact_is(s + a, b - a, "false");
}

/* Indentation of the line holding s[i]; 0 (the whole rest is the block) past REDACT_MAX_LOOKBACK. */
static size_t text_indent(const char *s, size_t i)
{
        size_t start = i, k;

        while (start > 0 && s[start - 1] != '\n') {
                if (i - start >= REDACT_MAX_LOOKBACK)
                        return 0;
                start--;
        }
        for (k = start; k < i && (s[k] == ' ' || s[k] == '-'); k++)
                ;
        return k - start;
}

/* Whether s[from..i) on the current line opened a flow collection or a JSON value. */
static bool text_in_flow(const char *s, size_t i)
{
        size_t from = i;

        while (i > 0 && s[i - 1] != '\n' && from - i < REDACT_MAX_LOOKBACK) {
                i--;
                if (s[i] == '{' || s[i] == '[')
                        return true;
        }
        return false;
}

struct text_span {
        size_t from, to;        /* the bytes replaced by REDACTED */
        size_t next;            /* where the scan goes on */
};

/*
 * The value of NAME=VALUE (NAME at s[name, name_end), VALUE at s[vs, ve)) by
 * the value rule (nested NAME=VALUE forms, user:password): when it changes
 * anything, out gets everything from *copied to ve with the value redacted,
 * *copied = ve, and true. *ret_failed says the rule could not tell.
 */
static bool text_nested(struct kfs_buf *out, const char *s, size_t *copied, size_t name, size_t name_end,
                        size_t vs, size_t ve, bool *ret_failed)
{
        struct kfs_buf tmp = KFS_BUF_INIT((size_t) -1);
        bool done = kfs_redact_add_value(&tmp, s + name, name_end - name, s + vs, ve - vs) && !tmp.err;

        if (done) {
                kfs_buf_addn(out, s + *copied, vs - *copied);
                kfs_buf_addn(out, tmp.buf, tmp.len);
                *copied = ve;
        }
        *ret_failed = tmp.err != 0;
        kfs_buf_release(&tmp);
        return done;
}

/*
 * The value of a key `name` (s[i..e)) whose separator follows at s[e]:
 * "name": v, "name" = v, name: v, name = v. Fills `sp` with the value's
 * extent, quotes left out, and where the scan goes on (past the value);
 * returns false when no key/value form is here, or the value is a map or a
 * list (entered by the scan, not replaced). `n` may stop short of the text's
 * end to bound how far the value is read.
 */
static bool text_key_value(const char *s, size_t n, size_t i, size_t e, bool quoted, struct text_span *sp)
{
        size_t k = e, v, ql;
        char sep;

        while (quoted && k < n && (s[k] == '\\' || s[k] == '"' || s[k] == '\''))
                k++;                                    /* the name's closing quote */
        while (k < n && tc_blank(s[k]))
                k++;
        if (k >= n || (s[k] != ':' && s[k] != '='))
                return false;
        sep = s[k];
        /* unquoted "name:" wants a blank or the end after it (YAML), not "name:x" (a URL, user:pw) */
        if (!quoted && sep == ':' && k + 1 < n && !tc_space(s[k + 1]))
                return false;
        /* unquoted "name=" without blanks is an assignment: the caller's */
        if (!quoted && sep == '=' && k == e)
                return false;
        for (v = k + 1; v < n && tc_blank(s[v]); v++)
                ;
        if (v >= n || s[v] == '{' || s[v] == '[')
                return false;
        if ((ql = text_quote(s, n, v))) {
                sp->from = v + ql;
                sp->to = text_close(s, n, v, ql, sp->from);
                sp->next = sp->to < n ? sp->to + ql : n;
                return true;
        }
        if (!quoted && sep == ':' && (s[v] == '|' || s[v] == '>') && !text_in_flow(s, i)) {
                /* a block scalar: the lines below, more indented than the key */
                size_t ind = text_indent(s, i), l = v;

                while (l < n && s[l] != '\n')
                        l++;
                sp->from = l < n ? l + 1 : n;
                while (sp->from < n && s[sp->from] == ' ')
                        sp->from++;             /* the block's indentation stays */
                sp->to = sp->from;
                while (sp->to < n) {
                        size_t a = sp->to, b = a;
                        while (b < n && s[b] == ' ')
                                b++;
                        if (b < n && s[b] != '\n' && b - a <= ind && a != sp->from)
                                break;
                        while (b < n && s[b] != '\n')
                                b++;
                        sp->to = b < n ? b + 1 : n;
                }
                while (sp->to > sp->from && (s[sp->to - 1] == '\n' || s[sp->to - 1] == '\r'))
                        sp->to--;
                sp->next = sp->to;
                return true;
        }
        sp->from = v;
        if (quoted || (sep == ':' && text_in_flow(s, i))) {
                /* JSON or a flow mapping: up to , } ] or a blank */
                for (sp->to = v; sp->to < n && !tc_space(s[sp->to]) && s[sp->to] != ',' && s[sp->to] != '}' &&
                     s[sp->to] != ']' && s[sp->to] != '\\' && s[sp->to] != '"' && s[sp->to] != '\''; sp->to++)
                        ;
        } else {
                /* YAML or INI/TOML: the rest of the line, but a comment */
                for (sp->to = v; sp->to < n && s[sp->to] != '\n' && s[sp->to] != '\r'; sp->to++)
                        if (s[sp->to] == '#' && sp->to > v && tc_blank(s[sp->to - 1]))
                                break;
                while (sp->to > v && tc_blank(s[sp->to - 1]))
                        sp->to--;
        }
        sp->next = sp->to;
        return true;
}

bool kfs_redact_text(const char *s, size_t n, struct kfs_buf *out)
{
        size_t i = 0, copied = 0;
        bool changed = false, pair = false;     /* pair: a secret "name" was seen, its "value" is next */

        if (memmem(s, n, "PRIVATE KEY-----", 16) || memmem(s, n, "PRIVATE KEY BLOCK-----", 22)) {
                kfs_buf_add(out, KFS_REDACTED);
                return true;
        }
        while (i < n) {
                struct text_span sp = { 0, 0, 0 };
                size_t len;

                if ((len = text_jwt(s, n, i)) || (len = text_bootstrap(s, n, i))) {
                        sp = (struct text_span) { i, i + len, i + len };
                } else if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/') {
                        /* scheme://user:password@host */
                        size_t a = i + 3, e = a;

                        while (e < n && !tc_space(s[e]) && s[e] != '/' && s[e] != '@' && s[e] != '"')
                                e++;
                        const char *colon = memchr(s + a, ':', e - a);
                        if (e < n && s[e] == '@' && colon)
                                sp = (struct text_span) { (size_t) (colon - s) + 1, e, e };
                        else
                                sp.next = i + 3;
                } else if (tc_name(s[i]) && (i == 0 || (!tc_name(s[i - 1]) && s[i - 1] != '/' && s[i - 1] != '.'))) {
                        /* a name; not a path's component (/etc/passwd: ...) */
                        size_t e = i, v;
                        bool quoted = i > 0 && (s[i - 1] == '"' || s[i - 1] == '\'');

                        while (e < n && tc_name(s[e]))
                                e++;
                        sp.next = e;
                        bool secret_name = kfs_redact_name(s + i, e - i);
                        bool key_name = e - i == 4 && memcmp(s + i, "name", 4) == 0;
                        bool key_value = pair && e - i == 5 && memcmp(s + i, "value", 5) == 0;

                        /* every form below reads a value: only for names that need it, so that
                         * the scan stays linear (a name that is no secret is read past, and
                         * what its value holds is scanned as text) */
                        if (!secret_name && !key_name && !key_value) {
                                /* nothing */
                        } else if (e < n && s[e] == '=' && !secret_name) {
                                /* nothing: NAME=VALUE of a name that is no secret */
                        } else if (e < n && s[e] == '=') {
                                /* NAME=VALUE, --NAME=VALUE, and nested forms within */
                                size_t q = text_quote(s, n, e + 1), vs = e + 1 + q;
                                size_t ve = q ? text_close(s, n, e + 1, q, vs) : text_word_end(s, n, vs);
                                bool failed;

                                if (text_nested(out, s, &copied, i, e, vs, ve, &failed)) {
                                        i = ve;
                                        changed = true;
                                        continue;
                                } else if (failed) {
                                        /* cannot say what it holds: hide it */
                                        sp = (struct text_span) { vs, ve, ve };
                                } else {
                                        sp.next = ve;   /* a harmless value (a path): read past */
                                }
                        } else if (s[i] == '-' && e < n && tc_blank(s[e]) && kfs_redact_name(s + i, e - i)) {
                                /* --NAME VALUE */
                                for (v = e; v < n && tc_blank(s[v]); v++)
                                        ;
                                size_t q = text_quote(s, n, v), vs = v + q;
                                size_t ve = q ? text_close(s, n, v, q, vs) : text_word_end(s, n, vs);
                                if (v < n && s[v] != '-' && s[v] != '\\' &&
                                    kfs_redact_value(s + i, e - i, s + vs, ve - vs)) {
                                        /* nested NAME=VALUE, user:password: the value rule */
                                        bool failed;

                                        if (text_nested(out, s, &copied, i, e, vs, ve, &failed)) {
                                                i = ve;
                                                changed = true;
                                                continue;
                                        }
                                        sp = (struct text_span) { vs, ve, ve };
                                } else if (v < n && s[v] != '-' && s[v] != '\\') {
                                        sp.next = ve;   /* a harmless value (a path): read past */
                                }
                        } else if (text_key_value(s, key_name && n - e > REDACT_MAX_PAIR_NAME ? e + REDACT_MAX_PAIR_NAME : n,
                                                  i, e, quoted, &sp)) {
                                if (key_name) {
                                        pair = kfs_redact_name(s + sp.from, sp.to - sp.from);
                                        sp.from = sp.to;
                                } else if (text_nothing(s, sp.from, sp.to)) {
                                        sp.from = sp.to;
                                } else if (!key_value &&
                                           !kfs_redact_value(s + i, e - i, s + sp.from, sp.to - sp.from)) {
                                        sp.from = sp.to;        /* harmless (a path): read past */
                                }
                                if (key_value)
                                        pair = false;
                        }
                } else if (s[i] == '}') {
                        pair = false;
                }
                if (sp.to > sp.from) {
                        kfs_buf_addn(out, s + copied, sp.from - copied);
                        kfs_buf_add(out, KFS_REDACTED);
                        copied = sp.to;
                        changed = true;
                }
                i = sp.next > i ? sp.next : i + 1;
        }
        if (changed)
                kfs_buf_addn(out, s + copied, n - copied);
        return changed;
}
