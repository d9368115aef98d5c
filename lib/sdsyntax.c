/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd's configuration syntax (systemd 252, the man pages on a Debian 12
 * host): unit-file lines, words, environment files, $VAR expansion and
 * %-specifiers. The rules are those of systemd.syntax(7), systemd.exec(5),
 * systemd.service(5) and systemd.unit(5); where a man page is vague, the
 * behaviour of systemd's own parsers (conf-parser.c, extract-word.c,
 * env-file.c, env-util.c, specifier.c) is the reference, and the comment
 * names the function. See sdsyntax.h for the contracts.
 */
#include "sdsyntax.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "str.h"

#define SD_WHITESPACE " \t\n\r"
#define SD_NEWLINE "\n\r"
#define SD_COMMENTS "#;"
/* SHELL_NEED_ESCAPE: what \ protects inside "..." of an environment file */
#define SD_SHELL_NEED_ESCAPE "\"\\`$"

static bool sd_in(char c, const char *set)
{
        return c != '\0' && strchr(set, c) != NULL;
}

/* ---- unit directories ---- */

const char *const kfs_sd_unit_dirs[KFS_SD_N_UNIT_DIRS + 1] = {
        "etc/systemd/system",
        "run/systemd/system",
        "usr/local/lib/systemd/system",
        "usr/lib/systemd/system",
        "lib/systemd/system",
        NULL,
};

/* ---- words ---- */

static bool sd_unichar_valid(uint32_t c)
{
        return c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff) &&
               !(c >= 0xfdd0 && c <= 0xfdef) && (c & 0xfffe) != 0xfffe;
}

static void sd_utf8_put(struct kfs_buf *b, uint32_t c)
{
        if (c < 0x80) {
                kfs_buf_addc(b, (char) c);
        } else if (c < 0x800) {
                kfs_buf_addc(b, (char) (0xc0 | (c >> 6)));
                kfs_buf_addc(b, (char) (0x80 | (c & 0x3f)));
        } else if (c < 0x10000) {
                kfs_buf_addc(b, (char) (0xe0 | (c >> 12)));
                kfs_buf_addc(b, (char) (0x80 | ((c >> 6) & 0x3f)));
                kfs_buf_addc(b, (char) (0x80 | (c & 0x3f)));
        } else {
                kfs_buf_addc(b, (char) (0xf0 | (c >> 18)));
                kfs_buf_addc(b, (char) (0x80 | ((c >> 12) & 0x3f)));
                kfs_buf_addc(b, (char) (0x80 | ((c >> 6) & 0x3f)));
                kfs_buf_addc(b, (char) (0x80 | (c & 0x3f)));
        }
}

/*
 * cunescape_one(): the escape at p (after the backslash) into b. Returns how
 * many bytes it used, or -EINVAL for anything not in the QUOTING table of
 * systemd.syntax(7). NUL is refused in every form.
 */
static int sd_cunescape_one(const char *p, struct kfs_buf *b)
{
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ";
        uint32_t c = 0;
        int n;

        for (const char *s = simple; *s; s += 2)
                if (p[0] == s[0]) {
                        kfs_buf_addc(b, s[1]);
                        return 1;
                }
        switch (p[0]) {
        case 'x': {
                int a = kfs_hex_digit(p[1]), d = a < 0 ? -1 : kfs_hex_digit(p[2]);

                if (a < 0 || d < 0 || (a == 0 && d == 0))
                        return -EINVAL;
                kfs_buf_addc(b, (char) ((a << 4) | d));         /* a byte, not a code point */
                return 3;
        }
        case 'u':
        case 'U':
                n = p[0] == 'u' ? 4 : 8;
                for (int i = 1; i <= n; i++) {
                        int h = kfs_hex_digit(p[i]);

                        if (h < 0)
                                return -EINVAL;
                        c = (c << 4) | (uint32_t) h;
                }
                if (c == 0 || !sd_unichar_valid(c))
                        return -EINVAL;
                sd_utf8_put(b, c);
                return n + 1;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
                for (int i = 0; i < 3; i++) {
                        if (p[i] < '0' || p[i] > '7')
                                return -EINVAL;
                        c = (c << 3) | (uint32_t) (p[i] - '0');
                }
                if (c == 0 || c > 255)
                        return -EINVAL;
                kfs_buf_addc(b, (char) c);
                return 3;
        default:
                return -EINVAL;
        }
}

/*
 * extract_first_word() with the separators of WHITESPACE. Quotes start
 * anywhere in a word (systemd has accepted `--flag="a b"` since v233, even
 * though systemd.syntax(7) still describes quotes around whole items) and
 * end where the same quote comes back; the word goes on until unquoted
 * whitespace.
 */
int kfs_sd_word(const char **p, unsigned flags, char **ret)
{
        struct kfs_buf b = KFS_BUF_INIT(KFS_SD_WORD_MAX);
        const char *s = *p;
        char quote = 0;
        char *w;

        while (sd_in(*s, SD_WHITESPACE))
                s++;
        if (!*s) {
                *p = s;
                return 0;
        }
        kfs_buf_add(&b, "");            /* a word, even if it ends up empty ("") */
        for (; *s; s++) {
                char c = *s;

                if (quote) {
                        if (c == quote) {
                                quote = 0;
                                if (!(flags & KFS_SD_UNQUOTE))
                                        kfs_buf_addc(&b, c);
                                continue;
                        }
                } else if ((c == '\'' || c == '"') && (flags & KFS_SD_UNQUOTE)) {
                        quote = c;
                        continue;
                } else if (sd_in(c, SD_WHITESPACE)) {
                        while (sd_in(*s, SD_WHITESPACE))
                                s++;
                        break;
                }
                if (c != '\\') {
                        kfs_buf_addc(&b, c);
                        continue;
                }
                /* a backslash, quoted or not */
                c = *++s;
                if (!c) {
                        if ((flags & KFS_SD_UNESCAPE_RELAX) && (!quote || (flags & KFS_SD_RELAX))) {
                                kfs_buf_addc(&b, '\\');
                                break;
                        }
                        if (flags & KFS_SD_RELAX)
                                break;
                        kfs_buf_release(&b);
                        return -EINVAL;
                }
                if (flags & KFS_SD_CUNESCAPE) {
                        int r = sd_cunescape_one(s, &b);

                        if (r > 0) {
                                s += r - 1;
                        } else if (flags & KFS_SD_UNESCAPE_RELAX) {
                                kfs_buf_addc(&b, '\\');
                                kfs_buf_addc(&b, c);
                        } else {
                                kfs_buf_release(&b);
                                return -EINVAL;
                        }
                } else {
                        kfs_buf_addc(&b, c);    /* \x is x, as in a shell */
                }
        }
        if (quote && !(flags & KFS_SD_RELAX)) {
                kfs_buf_release(&b);
                return -EINVAL;
        }
        if (b.err) {
                int r = b.err == -EFBIG ? -E2BIG : b.err;

                kfs_buf_release(&b);
                return r;
        }
        w = kfs_buf_detach(&b, NULL);
        if (!w)
                return -ENOMEM;
        *p = s;
        *ret = w;
        return 1;
}

int kfs_sd_word_relaxed(const char **p, unsigned flags, char **ret, bool *ret_relaxed)
{
        const char *save = *p;
        int r;

        r = kfs_sd_word(p, flags, ret);
        if (ret_relaxed)
                *ret_relaxed = false;
        if (r != -EINVAL || (flags & KFS_SD_UNESCAPE_RELAX))
                return r;
        *p = save;
        r = kfs_sd_word(p, flags | KFS_SD_UNESCAPE_RELAX, ret);
        if (r >= 0 && ret_relaxed)
                *ret_relaxed = true;
        return r;
}

int kfs_sd_split(const char *s, struct kfs_strv *out)
{
        for (;;) {
                char *w;
                int r = kfs_sd_word(&s, KFS_SD_RELAX | KFS_SD_UNQUOTE, &w);

                if (r <= 0)
                        return r;
                r = kfs_strv_push(out, w, KFS_SD_ARGS_MAX);
                if (r < 0)
                        return r;
        }
}

/* ---- unit files ---- */

/* strstrip(): [s, *e) without surrounding whitespace. */
static const char *sd_strip(const char *s, const char **e)
{
        while (s < *e && sd_in(*s, SD_WHITESPACE))
                s++;
        while (*e > s && sd_in((*e)[-1], SD_WHITESPACE))
                (*e)--;
        return s;
}

/* parse_line(): one joined line. */
static int sd_unit_line(char *l, char **section, kfs_sd_assign_fn fn, void *userdata,
                        unsigned line)
{
        const char *e = l + strlen(l), *s = sd_strip(l, &e);
        char *eq, *key, *value;
        size_t k = (size_t) (e - s);
        int r;

        if (k == 0)
                return 0;
        if (k >= 9 && strncmp(s, ".include ", 9) == 0)
                return -EBADMSG;                /* gone since v248: an error */
        if (*s == '[') {
                char *n;

                if (s[k - 1] != ']' || k < 2)
                        return -EBADMSG;        /* "Invalid section header" */
                for (const char *c = s + 1; c < e - 1; c++)
                        if ((unsigned char) *c < ' ' || *c == 0x7f || *c == '"' || *c == '\'' || *c == '\\')
                                return -EBADMSG;        /* "Bad characters in section header" */
                n = strndup(s + 1, k - 2);
                if (!n)
                        return -ENOMEM;
                free(*section);
                *section = n;
                return 0;
        }
        if (!*section)
                return 0;                       /* "Assignment outside of section. Ignoring." */
        eq = memchr(s, '=', k);
        if (!eq || eq == s)
                return 0;                       /* "Missing '='" / "Missing key name", ignoring line */
        key = strndup(s, (size_t) (eq - s));
        if (!key)
                return -ENOMEM;
        {
                const char *ke = key + strlen(key), *vs = eq + 1, *ve = e;

                sd_strip(key, &ke);
                key[ke - key] = '\0';
                vs = sd_strip(vs, &ve);
                value = strndup(vs, (size_t) (ve - vs));
        }
        if (!value) {
                free(key);
                return -ENOMEM;
        }
        r = fn(userdata, *section, key, value, line);
        free(key);
        free(value);
        return r;
}

/* read_line(): the next line of [*p, end): \n, \r, \r\n, \n\r and NUL end one. */
static bool sd_next_line(const char **p, const char *end, const char **ret_s, size_t *ret_len)
{
        const char *s = *p, *q = s;

        if (s >= end)
                return false;
        while (q < end && *q != '\n' && *q != '\r' && *q != '\0')
                q++;
        *ret_s = s;
        *ret_len = (size_t) (q - s);
        if (q < end) {
                char c = *q++;

                if (c != '\0' && q < end && (*q == '\n' || *q == '\r') && *q != c)
                        q++;
        }
        *p = q;
        return true;
}

int kfs_sd_unit_parse(const char *data, size_t len, kfs_sd_assign_fn fn, void *userdata,
                      unsigned *ret_line)
{
        struct kfs_buf cont = KFS_BUF_INIT(KFS_SD_LINE_MAX);
        const char *p = data, *end = data + len, *s;
        char *section = NULL;
        unsigned line = 0, start = 0;
        bool pending = false;
        size_t n;
        int r = 0;

        while (sd_next_line(&p, end, &s, &n)) {
                const char *l = s;
                bool escaped = false;

                line++;
                while (l < s + n && sd_in(*l, SD_WHITESPACE))
                        l++;
                if (l < s + n && sd_in(*l, SD_COMMENTS))
                        continue;               /* comments go, also inside a continuation */
                if (line == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
                        s += 3;
                        n -= 3;
                }
                if (!pending)
                        start = line;
                if (kfs_buf_addn(&cont, s, n) < 0 || kfs_buf_add(&cont, "") < 0) {
                        r = cont.err == -EFBIG ? -ENOBUFS : cont.err;
                        goto out;
                }
                /* what came before ends in the space that replaced a backslash,
                 * so only the new part can end escaped: linear, not quadratic */
                for (size_t i = cont.len - n; i < cont.len; i++)
                        escaped = escaped ? false : cont.buf[i] == '\\';
                if (escaped) {
                        cont.buf[cont.len - 1] = ' ';
                        pending = true;
                        continue;
                }
                pending = false;
                r = sd_unit_line(cont.buf, &section, fn, userdata, start);
                kfs_buf_reset(&cont);
                if (r < 0)
                        goto out;
        }
        if (pending)
                r = sd_unit_line(cont.buf, &section, fn, userdata, start);
out:
        if (r < 0 && ret_line)
                *ret_line = start ? start : line;
        kfs_buf_release(&cont);
        free(section);
        return r < 0 ? r : 0;
}

/* ---- environment blocks ---- */

bool kfs_sd_env_name_valid(const char *name, size_t len)
{
        if (len == 0 || (name[0] >= '0' && name[0] <= '9'))
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = name[i];

                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_'))
                        return false;
        }
        return true;
}

bool kfs_sd_env_assignment_valid(const char *a)
{
        const char *eq = strchr(a, '=');

        return eq && kfs_sd_env_name_valid(a, (size_t) (eq - a));
}

static size_t sd_env_namelen(const char *a)
{
        return strcspn(a, "=");
}

static ssize_t sd_env_find(const struct kfs_sd_env *e, const char *name, size_t len)
{
        for (size_t i = 0; i < e->l.n; i++)
                if (sd_env_namelen(e->l.v[i]) == len && memcmp(e->l.v[i], name, len) == 0)
                        return (ssize_t) i;
        return -1;
}

int kfs_sd_env_set(struct kfs_sd_env *e, const char *a)
{
        size_t len = sd_env_namelen(a);
        ssize_t i = sd_env_find(e, a, len);
        char *c;

        if (!a[len])
                return -EINVAL;
        c = strdup(a);
        if (!c)
                return -ENOMEM;
        if (i >= 0) {
                free(e->l.v[i]);
                e->l.v[i] = c;
                return 0;
        }
        return kfs_strv_push(&e->l, c, KFS_SD_VARS_MAX);
}

int kfs_sd_env_setkv(struct kfs_sd_env *e, const char *name, const char *value)
{
        size_t n = strlen(name), v = strlen(value);
        char *a = malloc(n + v + 2);
        int r;

        if (!a)
                return -ENOMEM;
        memcpy(a, name, n);
        a[n] = '=';
        memcpy(a + n + 1, value, v + 1);
        r = kfs_sd_env_set(e, a);
        free(a);
        return r;
}

const char *kfs_sd_env_get(const struct kfs_sd_env *e, const char *name, size_t len)
{
        ssize_t i = sd_env_find(e, name, len);

        return i < 0 ? NULL : e->l.v[i] + len + 1;
}

void kfs_sd_env_unset(struct kfs_sd_env *e, const char *what)
{
        bool exact = strchr(what, '=') != NULL;
        size_t len = sd_env_namelen(what), k = 0;

        for (size_t i = 0; i < e->l.n; i++) {
                char *a = e->l.v[i];
                bool match = exact ? strcmp(a, what) == 0
                                   : sd_env_namelen(a) == len && memcmp(a, what, len) == 0;

                if (match)
                        free(a);
                else
                        e->l.v[k++] = a;
        }
        e->l.n = k;
        if (e->l.v)
                e->l.v[k] = NULL;
}

int kfs_sd_env_merge(struct kfs_sd_env *dst, const struct kfs_sd_env *src)
{
        for (size_t i = 0; i < src->l.n; i++) {
                int r = kfs_sd_env_set(dst, src->l.v[i]);

                if (r < 0)
                        return r;
        }
        return 0;
}

void kfs_sd_env_release(struct kfs_sd_env *e)
{
        kfs_strv_release(&e->l);
}

/* ---- environment files: parse_env_file_internal() ---- */

enum sd_envstate {
        ENV_PRE_KEY,
        ENV_KEY,
        ENV_PRE_VALUE,
        ENV_VALUE,
        ENV_VALUE_ESCAPE,
        ENV_SINGLE_QUOTE,
        ENV_DOUBLE_QUOTE,
        ENV_DOUBLE_QUOTE_ESCAPE,
        ENV_COMMENT,
        ENV_COMMENT_ESCAPE,
};

static int sd_env_push(struct kfs_buf *key, size_t key_ws, struct kfs_buf *value,
                       kfs_sd_envpush_fn fn, void *userdata, unsigned line)
{
        int r;

        if (key->err || value->err)
                return key->err == -EFBIG || value->err == -EFBIG ? -E2BIG : -ENOMEM;
        if (key_ws != SIZE_MAX)
                kfs_buf_truncate(key, key_ws);  /* trailing blanks of the key go */
        r = fn(userdata, kfs_buf_str(key), kfs_buf_str(value), line);
        kfs_buf_reset(key);
        kfs_buf_reset(value);
        return r;
}

int kfs_sd_envfile_parse(const char *data, size_t len, kfs_sd_envpush_fn fn, void *userdata)
{
        struct kfs_buf key = KFS_BUF_INIT(KFS_SD_WORD_MAX), value = KFS_BUF_INIT(KFS_SD_WORD_MAX);
        enum sd_envstate state = ENV_PRE_KEY;
        size_t key_ws = SIZE_MAX, value_ws = SIZE_MAX;
        unsigned line = 1;
        int r = 0;

        /* read_full_file() stops at nothing, but a NUL can't be in a value: stop there */
        for (size_t i = 0; i < len && data[i]; i++) {
                char c = data[i];

                switch (state) {
                case ENV_PRE_KEY:
                        if (sd_in(c, SD_COMMENTS)) {
                                state = ENV_COMMENT;
                        } else if (!sd_in(c, SD_WHITESPACE)) {
                                state = ENV_KEY;
                                key_ws = SIZE_MAX;
                                kfs_buf_addc(&key, c);
                        } else if (c == '\n') {
                                line++;
                        }
                        break;
                case ENV_KEY:
                        if (sd_in(c, SD_NEWLINE)) {
                                state = ENV_PRE_KEY;    /* no '=': ignored */
                                line += c == '\n';
                                kfs_buf_reset(&key);
                        } else if (c == '=') {
                                state = ENV_PRE_VALUE;
                                value_ws = SIZE_MAX;
                        } else {
                                if (!sd_in(c, SD_WHITESPACE))
                                        key_ws = SIZE_MAX;
                                else if (key_ws == SIZE_MAX)
                                        key_ws = key.len;
                                kfs_buf_addc(&key, c);
                        }
                        break;
                case ENV_PRE_VALUE:
                        if (sd_in(c, SD_NEWLINE)) {
                                state = ENV_PRE_KEY;
                                r = sd_env_push(&key, key_ws, &value, fn, userdata, line);
                                line += c == '\n';
                                if (r < 0)
                                        goto out;
                        } else if (c == '\'') {
                                state = ENV_SINGLE_QUOTE;
                        } else if (c == '"') {
                                state = ENV_DOUBLE_QUOTE;
                        } else if (c == '\\') {
                                state = ENV_VALUE_ESCAPE;
                        } else if (!sd_in(c, SD_WHITESPACE)) {
                                state = ENV_VALUE;
                                kfs_buf_addc(&value, c);
                        }
                        break;
                case ENV_VALUE:
                        if (sd_in(c, SD_NEWLINE)) {
                                state = ENV_PRE_KEY;
                                if (value_ws != SIZE_MAX)
                                        kfs_buf_truncate(&value, value_ws);
                                r = sd_env_push(&key, key_ws, &value, fn, userdata, line);
                                line += c == '\n';
                                if (r < 0)
                                        goto out;
                        } else if (c == '\\') {
                                state = ENV_VALUE_ESCAPE;
                                value_ws = SIZE_MAX;
                        } else {
                                if (!sd_in(c, SD_WHITESPACE))
                                        value_ws = SIZE_MAX;
                                else if (value_ws == SIZE_MAX)
                                        value_ws = value.len;
                                kfs_buf_addc(&value, c);
                        }
                        break;
                case ENV_VALUE_ESCAPE:
                        state = ENV_VALUE;
                        if (!sd_in(c, SD_NEWLINE))
                                kfs_buf_addc(&value, c);
                        else
                                line += c == '\n';      /* escaped newlines are eaten */
                        break;
                case ENV_SINGLE_QUOTE:
                        if (c == '\'')
                                state = ENV_PRE_VALUE;
                        else
                                kfs_buf_addc(&value, c);
                        line += c == '\n';
                        break;
                case ENV_DOUBLE_QUOTE:
                        if (c == '"')
                                state = ENV_PRE_VALUE;
                        else if (c == '\\')
                                state = ENV_DOUBLE_QUOTE_ESCAPE;
                        else
                                kfs_buf_addc(&value, c);
                        line += c == '\n';
                        break;
                case ENV_DOUBLE_QUOTE_ESCAPE:
                        state = ENV_DOUBLE_QUOTE;
                        if (sd_in(c, SD_SHELL_NEED_ESCAPE)) {
                                kfs_buf_addc(&value, c);
                        } else if (c != '\n') {
                                kfs_buf_addc(&value, '\\');     /* kept, as a shell does */
                                kfs_buf_addc(&value, c);
                        } else {
                                line++;                         /* a continuation */
                        }
                        break;
                case ENV_COMMENT:
                        if (c == '\\') {
                                state = ENV_COMMENT_ESCAPE;
                        } else if (sd_in(c, SD_NEWLINE)) {
                                state = ENV_PRE_KEY;
                                line += c == '\n';
                        }
                        break;
                case ENV_COMMENT_ESCAPE:
                        /* systemd 252: a backslash continues even a comment */
                        state = ENV_COMMENT;
                        line += c == '\n';
                        break;
                }
                if (key.err || value.err) {
                        r = key.err == -EFBIG || value.err == -EFBIG ? -E2BIG : -ENOMEM;
                        goto out;
                }
        }
        if (state >= ENV_PRE_VALUE && state <= ENV_DOUBLE_QUOTE_ESCAPE) {
                if (state == ENV_VALUE && value_ws != SIZE_MAX)
                        kfs_buf_truncate(&value, value_ws);
                r = sd_env_push(&key, key_ws, &value, fn, userdata, line);
        }
out:
        kfs_buf_release(&key);
        kfs_buf_release(&value);
        return r < 0 ? r : 0;
}

/* ---- command lines: replace_env(), replace_env_argv() ---- */

static int sd_err(const struct kfs_buf *b)
{
        return b->err == -EFBIG ? -E2BIG : b->err;
}

int kfs_sd_expand_word(const char *word, const struct kfs_sd_env *env, char **ret)
{
        struct kfs_buf b = KFS_BUF_INIT(KFS_SD_WORD_MAX);
        const char *s = word;
        char *w;

        kfs_buf_add(&b, "");
        while (*s) {
                const char *close;

                if (s[0] != '$' || (s[1] != '{' && s[1] != '$')) {
                        kfs_buf_addc(&b, *s++);
                        continue;
                }
                if (s[1] == '$') {              /* $$ is $ */
                        kfs_buf_addc(&b, '$');
                        s += 2;
                        continue;
                }
                close = s + 2 + strcspn(s + 2, "}:");
                if (*close != '}') {
                        /* "${" never closed, or "${A:-b}": not supported, left as written */
                        size_t n = *close ? (size_t) (close - s) + 1 : strlen(s);

                        kfs_buf_addn(&b, s, n);
                        s += n;
                        continue;
                }
                {
                        const char *v = kfs_sd_env_get(env, s + 2, (size_t) (close - s - 2));

                        if (v)
                                kfs_buf_add(&b, v);
                }
                s = close + 1;
        }
        if (b.err) {
                int r = sd_err(&b);

                kfs_buf_release(&b);
                return r;
        }
        w = kfs_buf_detach(&b, NULL);
        if (!w)
                return -ENOMEM;
        *ret = w;
        return 0;
}

int kfs_sd_expand_argv(char *const *argv, size_t argc, const struct kfs_sd_env *env,
                       struct kfs_strv *out)
{
        size_t bytes = 0;
        int r;

        for (size_t i = 0; i < argc; i++) {
                const char *w = argv[i];
                size_t first = out->n;

                if (w[0] == '$' && w[1] != '{' && w[1] != '$') {
                        const char *v = NULL;

                        if (kfs_sd_env_name_valid(w + 1, strlen(w + 1)))
                                v = kfs_sd_env_get(env, w + 1, strlen(w + 1));
                        r = v ? kfs_sd_split(v, out) : 0;
                } else {
                        char *x;

                        r = kfs_sd_expand_word(w, env, &x);
                        if (r == 0)
                                r = kfs_strv_push(out, x, KFS_SD_ARGS_MAX);
                }
                if (r < 0)
                        return r;
                for (size_t j = first; j < out->n; j++)
                        bytes += strlen(out->v[j]) + 1;
                if (bytes > KFS_SD_EXPAND_MAX)
                        return -E2BIG;
        }
        return 0;
}

/* ---- specifiers ---- */

int kfs_sd_unit_unescape(const char *s, char **ret)
{
        char *r = malloc(strlen(s) + 1), *t = r;

        if (!r)
                return -ENOMEM;
        for (; *s; s++) {
                if (*s == '-') {
                        *t++ = '/';
                } else if (*s == '\\') {
                        int a, b;

                        if (s[1] != 'x' || (a = kfs_hex_digit(s[2])) < 0 || (b = kfs_hex_digit(s[3])) < 0) {
                                free(r);
                                return -EINVAL;
                        }
                        *t++ = (char) ((a << 4) | b);
                        s += 3;
                } else {
                        *t++ = *s;
                }
        }
        *t = '\0';
        *ret = r;
        return 0;
}

/* The parts of a unit name "prefix@instance.type" (instance NULL when none). */
struct sd_unitname {
        char *prefix;           /* %p */
        char *instance;         /* %i, NULL for plain units */
        char *noext;            /* %N */
};

static void sd_unitname_release(struct sd_unitname *n)
{
        free(n->prefix);
        free(n->instance);
        free(n->noext);
}

static int sd_unitname_split(const char *name, struct sd_unitname *ret)
{
        const char *dot = strrchr(name, '.'), *at;
        size_t n = dot ? (size_t) (dot - name) : strlen(name);

        *ret = (struct sd_unitname) { 0 };
        at = memchr(name, '@', n);
        ret->noext = strndup(name, n);
        ret->prefix = strndup(name, at ? (size_t) (at - name) : n);
        if (at)
                ret->instance = strndup(at + 1, (size_t) (name + n - at - 1));
        if (!ret->noext || !ret->prefix || (at && !ret->instance)) {
                sd_unitname_release(ret);
                return -ENOMEM;
        }
        return 0;
}

/* A field of os-release(5) (an env-file), or "" when absent. */
struct sd_osfield {
        const char *want;
        char *value;
};

static int sd_osrelease_push(void *userdata, const char *key, const char *value, unsigned line)
{
        struct sd_osfield *f = userdata;

        if (strcmp(key, f->want) == 0) {
                char *v = strdup(value);

                if (!v)
                        return -ENOMEM;
                free(f->value);
                f->value = v;
        }
        return 0;
}

static int sd_osrelease(const char *osr, const char *field, char **ret)
{
        struct sd_osfield f = { .want = field };
        int r = 0;

        if (osr)
                r = kfs_sd_envfile_parse(osr, strlen(osr), sd_osrelease_push, &f);
        if (r < 0) {
                free(f.value);
                return r;
        }
        *ret = f.value ? f.value : strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* The value of one specifier: 1 with *ret set, 0 to leave it verbatim, -EBADSLT if unknown. */
static int sd_specifier(char c, const struct kfs_sd_unitinfo *u, const struct sd_unitname *n,
                        char **ret)
{
        static const char *const fixed[][2] = {
                /* a system service manager's fixed answers (systemd.unit(5) "SPECIFIERS") */
                { "C", "/var/cache" }, { "E", "/etc" }, { "L", "/var/log" }, { "S", "/var/lib" },
                { "t", "/run" }, { "T", "/tmp" }, { "V", "/var/tmp" }, { "h", "/root" },
                { "s", "/bin/sh" }, { "u", "root" }, { "U", "0" }, { "g", "root" }, { "G", "0" },
        };
        const char *v = NULL;
        char *tmp = NULL;
        int r;

        for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
                if (fixed[i][0][0] == c)
                        return (*ret = strdup(fixed[i][1])) ? 1 : -ENOMEM;
        switch (c) {
        case 'n':
                v = u->name;
                break;
        case 'N':
                v = n->noext;
                break;
        case 'p':
                v = n->prefix;
                break;
        case 'i':
                v = n->instance ? n->instance : "";
                break;
        case 'P':
        case 'I':
        case 'j':
        case 'J': {
                const char *src = c == 'I' ? (n->instance ? n->instance : "") : n->prefix;

                if (c == 'j' || c == 'J') {
                        const char *dash = strrchr(n->prefix, '-');

                        src = dash ? dash + 1 : n->prefix;
                }
                if (c == 'j')
                        return (*ret = strdup(src)) ? 1 : -ENOMEM;
                r = kfs_sd_unit_unescape(src, ret);
                return r < 0 ? r : 1;
        }
        case 'f':
                r = kfs_sd_unit_unescape(n->instance ? n->instance : n->prefix, &tmp);
                if (r < 0)
                        return r;
                /* unit_name_path_unescape(): "" and "-" are "/", else "/" + the path */
                if (asprintf(ret, "%s%s", tmp[0] == '/' ? "" : "/",
                             strcmp(tmp, "/") == 0 ? "" : tmp) < 0) {
                        free(tmp);
                        return -ENOMEM;
                }
                free(tmp);
                return 1;
        case 'y':
        case 'Y':
                if (!u->fragment)
                        return 0;
                if (c == 'y')
                        return (*ret = strdup(u->fragment)) ? 1 : -ENOMEM;
                {
                        const char *slash = strrchr(u->fragment, '/');

                        *ret = slash == u->fragment ? strdup("/")
                                                    : strndup(u->fragment, slash ? (size_t) (slash - u->fragment) : 0);
                }
                return *ret ? 1 : -ENOMEM;
        case 'd':
                return asprintf(ret, "/run/credentials/%s", u->name) < 0 ? -ENOMEM : 1;
        case 'H':
                v = u->hostname;
                break;
        case 'l':
        case 'q':
                if (c == 'q' && u->pretty_hostname) {
                        v = u->pretty_hostname;
                        break;
                }
                if (!u->hostname)
                        return 0;
                *ret = strndup(u->hostname, strcspn(u->hostname, "."));
                return *ret ? 1 : -ENOMEM;
        case 'm':
                v = u->machine_id;
                break;
        case 'o': case 'w': case 'W': case 'B': case 'M': case 'A': {
                static const char *const fields[][2] = {
                        { "o", "ID" }, { "w", "VERSION_ID" }, { "W", "VARIANT_ID" },
                        { "B", "BUILD_ID" }, { "M", "IMAGE_ID" }, { "A", "IMAGE_VERSION" },
                };

                for (size_t i = 0; i < 6; i++)
                        if (fields[i][0][0] == c) {
                                r = sd_osrelease(u->os_release, fields[i][1], ret);
                                return r < 0 ? r : 1;
                        }
                return 0;
        }
        case 'a': case 'b': case 'v': case 'c': case 'r': case 'R':
                return 0;       /* only a running system knows: left as written */
        default:
                return -EBADSLT;
        }
        if (!v)
                return 0;
        return (*ret = strdup(v)) ? 1 : -ENOMEM;
}

int kfs_sd_specifiers(const char *s, const struct kfs_sd_unitinfo *u, char **ret)
{
        struct kfs_buf b = KFS_BUF_INIT(KFS_SD_WORD_MAX);
        struct sd_unitname n;
        char *out;
        int r;

        if (!strchr(s, '%'))
                return (*ret = strdup(s)) ? 0 : -ENOMEM;
        r = sd_unitname_split(u->name ? u->name : "", &n);
        if (r < 0)
                return r;
        kfs_buf_add(&b, "");
        for (; *s && !b.err; s++) {
                char c, *v = NULL;
                bool alnum;

                if (*s != '%') {
                        kfs_buf_addc(&b, *s);
                        continue;
                }
                c = *++s;
                if (!c) {
                        kfs_buf_addc(&b, '%');  /* a stray % at the end stays */
                        break;
                }
                if (c == '%') {
                        kfs_buf_addc(&b, '%');
                        continue;
                }
                alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                r = alnum ? sd_specifier(c, u, &n, &v) : 0;
                if (r < 0) {
                        kfs_buf_release(&b);
                        sd_unitname_release(&n);
                        return r;
                }
                if (r == 0) {
                        kfs_buf_addc(&b, '%');
                        kfs_buf_addc(&b, c);
                } else {
                        kfs_buf_add(&b, v);
                        free(v);
                }
        }
        sd_unitname_release(&n);
        if (b.err) {
                r = sd_err(&b);
                kfs_buf_release(&b);
                return r;
        }
        out = kfs_buf_detach(&b, NULL);
        if (!out)
                return -ENOMEM;
        *ret = out;
        return 0;
}
