/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Writing command lines and environment values into .flags, .env and .unit
 * views, with the secrets of docs/spec.md §3 replaced by KFS_REDACTED:
 *
 *   --token=abc          -> --token=REDACTED        (kfs_redact_name() of the flag)
 *   --token abc          -> --token REDACTED        (the flag's value as the next word)
 *   K3S_TOKEN=abc        -> K3S_TOKEN=REDACTED      (a variable assignment as a word)
 *   scheme://u:pw@host   -> scheme://u:REDACTED@host (a password in a URL, anywhere)
 *   --kube-apiserver-arg=oidc-client-secret=x -> ...=oidc-client-secret=REDACTED (nested)
 *   --vpn-auth=name=tailscale,joinKey=x       -> ...=name=tailscale,joinKey=REDACTED
 *   --basic-auth=user:pw -> --basic-auth=user:REDACTED (user:password)
 *   k3s server -t x      -> k3s server -t REDACTED  (k3s's and rke2's -t is --token)
 *   {"password": "x"}    -> {"password": "REDACTED"} (documents inside words, kfs_redact_text())
 *
 * Which names are secret, and how values are rewritten, is redact.h's one
 * rule set; this file only finds names in command-line words and raw text.
 *
 * Used by every decoder that shows command lines (unit, envfile, microk8s,
 * pod, rancher), so that they all hide the same things.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Whether `arg` ("--name=value", "-name=value", "NAME=value") carries a secret
 * after its '='; *ret_value is then the offset of the value.
 */
bool kfs_flags_secret_assignment(const char *arg, size_t len, size_t *ret_value);

/* Whether `arg` is a flag without '=' ("--token") whose value is the next word. */
bool kfs_flags_secret_flag(const char *arg, size_t len);

/*
 * Adds argv[0..n) to `out`, one element a line, redacted as above. Control
 * characters inside an element (a newline in a ${VAR}) are written as C
 * escapes (\n, \t, \x01) so that one line stays one element.
 */
void kfs_flags_add_argv(struct kfs_buf *out, char *const *argv, size_t n);

/* One element, as kfs_flags_add_argv() writes it, with its newline. */
void kfs_flags_add_arg(struct kfs_buf *out, const char *arg);

/* The same, for a flag of the program `prog` (its short secret flags: kfs_redact_short_flag()). */
void kfs_flags_add_arg_prog(struct kfs_buf *out, const char *arg, const char *prog);

/*
 * Adds `s` (len bytes) with the same redaction applied to its words: words
 * are runs of non-blanks, '...' and "..." spans included, and everything
 * else (spacing, quotes, line breaks) is kept as it is. For showing raw
 * text that may hold secrets: a variable's value, a unit file's line.
 * `pending` (may be NULL) carries "the next word is a secret flag's value"
 * from one call to the next, for a "--token \" line continued by its value.
 */
void kfs_flags_redact_text(struct kfs_buf *out, const char *s, size_t len, bool *pending);

/*
 * What kfs_flags_redact_text_state() carries from one piece of text to the
 * next (zero it before the first): a secret flag waiting for its value on
 * the next line, and whether k3s or rke2 was named (their -t is --token).
 */
struct kfs_flags_text {
        bool pending;           /* the next word is the value of flag `name` */
        bool k3s;               /* a word named k3s or rke2: -t VALUE and -t=VALUE are secret */
        char name[128];
};

/* kfs_flags_redact_text() with the whole state. */
void kfs_flags_redact_text_state(struct kfs_buf *out, const char *s, size_t len, struct kfs_flags_text *st);
