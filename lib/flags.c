/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command lines into views, secrets redacted (docs/spec.md §3). The rule for
 * which names are secret is redact.c's; this file only finds the names in
 * command-line words and raw text.
 */
#include "flags.h"

#include <stdio.h>
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
        if (n == 0 || !kfs_redact_value(arg, n, eq + 1, len - n - 1))
                return false;
        *ret_value = n + 1;
        return true;
}

bool kfs_flags_secret_flag(const char *arg, size_t len)
{
        return len > 1 && arg[0] == '-' && !memchr(arg, '=', len) && kfs_redact_name(arg, len);
}

static void flags_add_escaped(struct kfs_buf *out, const char *s, size_t len)
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

/* Adds `a` after the text rules (secrets inside the element: URLs, documents), escaped, and a newline. */
static void flags_add_line(struct kfs_buf *out, const struct kfs_buf *a)
{
        struct kfs_buf b = KFS_BUF_INIT((size_t) -1);

        if (a->err) {
                kfs_buf_add(out, KFS_REDACTED "\n");   /* cannot say what it holds: hide it */
                return;
        }
        if (kfs_redact_text(a->buf ? a->buf : "", a->len, &b)) {
                if (b.err)
                        kfs_buf_add(out, KFS_REDACTED);
                else
                        flags_add_escaped(out, b.buf, b.len);
        } else {
                flags_add_escaped(out, a->buf ? a->buf : "", a->len);
        }
        kfs_buf_release(&b);
        kfs_buf_addc(out, '\n');
}

/* One element; `prog` (may be NULL) is the command's program, for its short flags. */
static void flags_add_arg_prog(struct kfs_buf *out, const char *arg, const char *prog)
{
        struct kfs_buf a = KFS_BUF_INIT((size_t) -1);
        size_t len = strlen(arg);
        const char *eq = memchr(arg, '=', len);
        size_t n = eq ? (size_t) (eq - arg) : 0;

        if (n > 0 && (arg[0] == '-' || flags_env_name(arg, n))) {
                kfs_buf_addn(&a, arg, n + 1);
                if (kfs_redact_short_flag(prog, arg, n) && n + 1 < len)
                        kfs_buf_add(&a, KFS_REDACTED);
                else
                        kfs_redact_add_value(&a, arg, n, eq + 1, len - n - 1);
        } else {
                kfs_buf_addn(&a, arg, len);
        }
        flags_add_line(out, &a);
        kfs_buf_release(&a);
}

void kfs_flags_add_arg(struct kfs_buf *out, const char *arg)
{
        flags_add_arg_prog(out, arg, NULL);
}

void kfs_flags_add_arg_prog(struct kfs_buf *out, const char *arg, const char *prog)
{
        flags_add_arg_prog(out, arg, prog);
}

void kfs_flags_add_argv(struct kfs_buf *out, char *const *argv, size_t n)
{
        const char *prog = n > 0 ? argv[0] : NULL;

        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(argv[i]);
                bool short_secret = kfs_redact_short_flag(prog, argv[i], len);

                flags_add_arg_prog(out, argv[i], prog);
                if (i + 1 < n && argv[i + 1][0] != '-' &&
                    (short_secret || kfs_flags_secret_flag(argv[i], len))) {
                        struct kfs_buf a = KFS_BUF_INIT((size_t) -1);
                        bool hidden = short_secret;

                        if (short_secret)
                                kfs_buf_add(&a, KFS_REDACTED);
                        else
                                hidden = kfs_redact_add_value(&a, argv[i], len, argv[i + 1], strlen(argv[i + 1]));
                        if (hidden) {
                                flags_add_line(out, &a);
                                i++;
                        }
                        kfs_buf_release(&a);
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

/* Whether the word w[0..n) names k3s or rke2 (its path or name): their -t is --token. */
static bool flags_k3s_word(const char *w, size_t n)
{
        char prog[256];

        if (n >= sizeof(prog))
                return false;
        memcpy(prog, w, n);
        prog[n] = '\0';
        return kfs_redact_short_flag(prog, "-t", 2);
}

/* The words of `s` into `t`: secret flags' values replaced. */
static void flags_text_words(struct kfs_buf *t, const char *s, size_t len, struct kfs_flags_text *st)
{
        size_t i = 0;

        while (i < len) {
                size_t e, lead = 0, n;
                const char *w, *eq;

                if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
                        kfs_buf_addc(t, s[i++]);
                        continue;
                }
                e = flags_word_end(s, len, i);
                w = s + i;
                while (lead < e - i && (w[lead] == '"' || w[lead] == '\''))
                        lead++;
                n = e - i - lead;
                /* a closing quote of a quoted word ("--token") is not part of it */
                if (lead && n > 0 && w[lead + n - 1] == w[0])
                        n--;
                eq = memchr(w + lead, '=', n);
                if (st->pending && w[lead] != '-' && !(w[0] == '\\' && e - i == 1)) {
                        st->pending = false;
                        if (!kfs_redact_value(st->name, strlen(st->name), w + lead, n)) {
                                kfs_buf_addn(t, w, e - i);
                        } else if (lead == 1 && e - i > 1 && s[e - 1] == w[0] && !memchr(w + 1, w[0], n)) {
                                /* "VALUE": nested NAME=VALUE and user:password as the one rule says */
                                kfs_buf_addc(t, w[0]);
                                kfs_redact_add_value(t, st->name, strlen(st->name), w + 1, n);
                                kfs_buf_addc(t, w[0]);
                        } else {
                                if (lead)
                                        kfs_buf_addc(t, w[0]);
                                kfs_buf_add(t, KFS_REDACTED);
                                if (lead && e - i > 1 && s[e - 1] == w[0])
                                        kfs_buf_addc(t, w[0]);
                        }
                } else if (eq && eq > w + lead && (w[lead] == '-' || flags_env_name(w + lead, (size_t) (eq - w - lead)))) {
                        size_t k = (size_t) (eq - w - lead), v = lead + k + 1;

                        st->pending = false;
                        if (flags_k3s_word(w + v, e - i - v))
                                st->k3s = true;         /* ExecStart=/usr/local/bin/k3s */
                        kfs_buf_addn(t, w, v);
                        if (st->k3s && kfs_redact_short_flag("k3s", w + lead, k)) {
                                flags_add_redacted(t, w + v, e - i - v, lead ? w[0] : 0);
                        } else if (v < e - i && (w[v] == '"' || w[v] == '\'')) {
                                /* NAME="VALUE": the value inside its quotes */
                                const char *close = memchr(w + v + 1, w[v], e - i - v - 1);

                                if (!close) {
                                        if (kfs_flags_secret_assignment(w + lead, e - i - lead, &k))
                                                flags_add_redacted(t, w + v, e - i - v, lead ? w[0] : 0);
                                        else
                                                kfs_buf_addn(t, w + v, e - i - v);
                                } else {
                                        kfs_buf_addc(t, w[v]);
                                        kfs_redact_add_value(t, w + lead, k, w + v + 1, (size_t) (close - w - v - 1));
                                        kfs_buf_addn(t, close, (size_t) (w + (e - i) - close));
                                }
                        } else {
                                /* nested NAME=VALUE, user:password: the one rule for values */
                                kfs_redact_add_value(t, w + lead, k, w + v, lead + n - v);
                                kfs_buf_addn(t, w + lead + n, e - i - lead - n);
                        }
                } else {
                        if (!(w[0] == '\\' && e - i == 1)) {    /* a continuation between flag and value */
                                st->pending = kfs_flags_secret_flag(w + lead, n);
                                if (st->pending)
                                        snprintf(st->name, sizeof(st->name), "%.*s", (int) n, w + lead);
                                if (st->k3s && kfs_redact_short_flag("k3s", w + lead, n)) {
                                        st->pending = true;
                                        strcpy(st->name, "--token");
                                }
                                if (flags_k3s_word(w + lead, n))
                                        st->k3s = true;
                        }
                        kfs_buf_addn(t, w, e - i);
                }
                i = e;
        }
}

void kfs_flags_redact_text_state(struct kfs_buf *out, const char *s, size_t len, struct kfs_flags_text *st)
{
        struct kfs_buf t = KFS_BUF_INIT((size_t) -1), u = KFS_BUF_INIT((size_t) -1);

        flags_text_words(&t, s, len, st);
        if (t.err)
                kfs_buf_add(out, KFS_REDACTED);         /* cannot say what it holds: hide it */
        else if (kfs_redact_text(kfs_buf_str(&t), t.len, &u))
                kfs_buf_addn(out, u.err ? KFS_REDACTED : u.buf, u.err ? strlen(KFS_REDACTED) : u.len);
        else
                kfs_buf_addn(out, kfs_buf_str(&t), t.len);
        kfs_buf_release(&t);
        kfs_buf_release(&u);
}

void kfs_flags_redact_text(struct kfs_buf *out, const char *s, size_t len, bool *pending)
{
        struct kfs_flags_text st = { .pending = pending ? *pending : false };

        if (st.pending)
                strcpy(st.name, "token");       /* the old contract: a strong secret */
        kfs_flags_redact_text_state(out, s, len, &st);
        if (pending)
                *pending = st.pending;
}
