/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command lines into views, secrets redacted (docs/spec.md §3). The rule for
 * which names are secret is redact.c's; this file only finds the names in
 * command-line words and raw text.
 */
#include "flags.h"

#include <string.h>

#include "redact.h"

static bool flags_env_name(const char *s, size_t n)
{
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

bool kfs_flags_secret_assignment(const char *arg, size_t len, size_t *ret_value)
{
        const char *eq = memchr(arg, '=', len);
        size_t n;

        if (!eq)
                return false;
        n = (size_t) (eq - arg);
        /* a flag, or a variable assignment; not "a=b" in the middle of a URL */
        if (!(arg[0] == '-' || flags_env_name(arg, n)))
                return false;
        if (n == 0 || !kfs_redact_name(arg, n))
                return false;
        *ret_value = n + 1;
        return true;
}

bool kfs_flags_secret_flag(const char *arg, size_t len)
{
        return len > 1 && arg[0] == '-' && !memchr(arg, '=', len) && kfs_redact_name(arg, len);
}

/*
 * The password of a URL's user info ("postgres://user:pw@db/k3s", k3s's
 * --datastore-endpoint): where it starts and how long it is, within s[0..len).
 */
static bool flags_url_password(const char *s, size_t len, size_t *ret_start, size_t *ret_len)
{
        for (size_t i = 0; i + 3 <= len; i++) {
                size_t at, colon = 0;

                if (memcmp(s + i, "://", 3) != 0)
                        continue;
                for (at = i + 3; at < len && s[at] != '@' && s[at] != '/' && s[at] != ' '; at++)
                        if (s[at] == ':' && !colon)
                                colon = at;
                if (at < len && s[at] == '@' && colon) {
                        *ret_start = colon + 1;
                        *ret_len = at - colon - 1;
                        return true;
                }
        }
        return false;
}

/* Adds s[0..len), a URL's password replaced. */
static void flags_add_url_redacted(struct kfs_buf *out, const char *s, size_t len,
                                   void (*add)(struct kfs_buf *, const char *, size_t))
{
        size_t start, n;

        while (flags_url_password(s, len, &start, &n)) {
                add(out, s, start);
                kfs_buf_add(out, KFS_REDACTED);
                s += start + n;
                len -= start + n;
        }
        add(out, s, len);
}

static void flags_addn(struct kfs_buf *out, const char *s, size_t len)
{
        kfs_buf_addn(out, s, len);
}

static void flags_add_escaped_raw(struct kfs_buf *out, const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];

                if (c == '\n')
                        kfs_buf_add(out, "\\n");
                else if (c == '\t')
                        kfs_buf_add(out, "\\t");
                else if (c < ' ' || c == 0x7f)
                        kfs_buf_addf(out, "\\x%02x", c);
                else
                        kfs_buf_addc(out, (char) c);
        }
}

static void flags_add_escaped(struct kfs_buf *out, const char *s, size_t len)
{
        flags_add_url_redacted(out, s, len, flags_add_escaped_raw);
}

void kfs_flags_add_arg(struct kfs_buf *out, const char *arg)
{
        size_t len = strlen(arg), v;

        if (kfs_flags_secret_assignment(arg, len, &v)) {
                flags_add_escaped(out, arg, v);
                kfs_buf_add(out, KFS_REDACTED);
        } else {
                flags_add_escaped(out, arg, len);
        }
        kfs_buf_addc(out, '\n');
}

void kfs_flags_add_argv(struct kfs_buf *out, char *const *argv, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                kfs_flags_add_arg(out, argv[i]);
                if (kfs_flags_secret_flag(argv[i], strlen(argv[i])) && i + 1 < n &&
                    argv[i + 1][0] != '-') {
                        kfs_buf_add(out, KFS_REDACTED "\n");
                        i++;
                }
        }
}

/* The end of the word starting at s[i]: blanks outside quotes end it. */
static size_t flags_word_end(const char *s, size_t len, size_t i)
{
        char quote = 0;

        for (; i < len; i++) {
                char c = s[i];

                if (quote) {
                        if (c == quote)
                                quote = 0;
                        else if (c == '\\' && quote == '"' && i + 1 < len)
                                i++;
                } else if (c == '"' || c == '\'') {
                        quote = c;
                } else if (c == '\\' && i + 1 < len) {
                        i++;
                } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                        break;
                }
        }
        return i;
}

/* A word's value part replaced: keeps a quote opening the value and the
 * quote that closes the word when it was opened before the name. */
static void flags_add_redacted(struct kfs_buf *out, const char *w, size_t n, char q)
{
        if (n > 0 && (*w == '"' || *w == '\'')) {
                kfs_buf_addc(out, *w);
                kfs_buf_add(out, KFS_REDACTED);
                kfs_buf_addc(out, *w);
                if (q && q != *w)
                        kfs_buf_addc(out, q);
                return;
        }
        kfs_buf_add(out, KFS_REDACTED);
        if (q)
                kfs_buf_addc(out, q);
}

void kfs_flags_redact_text(struct kfs_buf *out, const char *s, size_t len, bool *pending)
{
        bool next_secret = pending ? *pending : false;
        size_t i = 0;

        while (i < len) {
                size_t e, lead = 0, v;
                const char *w;

                if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
                        kfs_buf_addc(out, s[i++]);
                        continue;
                }
                e = flags_word_end(s, len, i);
                w = s + i;
                while (lead < e - i && (w[lead] == '"' || w[lead] == '\''))
                        lead++;
                if (next_secret && w[lead] != '-' && !(w[0] == '\\' && e - i == 1)) {
                        next_secret = false;
                        if (lead)
                                kfs_buf_addc(out, w[0]);
                        kfs_buf_add(out, KFS_REDACTED);
                        if (lead && e - i > 1 && s[e - 1] == w[0])
                                kfs_buf_addc(out, w[0]);
                } else if (kfs_flags_secret_assignment(w + lead, e - i - lead, &v)) {
                        next_secret = false;
                        kfs_buf_addn(out, w, lead + v);
                        flags_add_redacted(out, w + lead + v, e - i - lead - v, lead ? w[0] : 0);
                } else {
                        size_t n = e - i - lead;

                        /* a closing quote of a quoted flag ("--token") is not part of its name */
                        if (lead && n > 0 && w[lead + n - 1] == w[0])
                                n--;
                        if (!(w[0] == '\\' && e - i == 1))      /* a continuation between flag and value */
                                next_secret = kfs_flags_secret_flag(w + lead, n);
                        flags_add_url_redacted(out, w, e - i, flags_addn);
                }
                i = e;
        }
        if (pending)
                *pending = next_secret;
}
