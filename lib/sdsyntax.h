/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * systemd's configuration syntax, as the unit, envfile and microk8s decoders
 * need it. Each function follows one rule of the man pages of systemd 252
 * (and the code behind them), named in its comment:
 *
 *   kfs_sd_unit_parse()     unit-file lines: sections, Key=value, comments,
 *                           backslash continuations         systemd.syntax(7)
 *   kfs_sd_word()           one word: quotes, C escapes    systemd.syntax(7) "QUOTING"
 *   kfs_sd_envfile_parse()  EnvironmentFile= grammar       systemd.exec(5) "EnvironmentFile="
 *   kfs_sd_env_*()          an environment block: later assignments replace
 *                           earlier ones in place            systemd.exec(5) "Environment="
 *   kfs_sd_expand_argv()    $VAR, ${VAR}, $$ in command lines systemd.service(5) "COMMAND LINES"
 *   kfs_sd_specifiers()     %n %N %p %i %I %H %% ...       systemd.unit(5) "SPECIFIERS"
 *
 * No I/O here: callers read files (through kfs_ctx_*()) and pass bytes in.
 * Every function is bounded by the limits below; the input is hostile.
 * Functions return 0 (or a count) on success and -errno on failure; ret_*
 * arguments are untouched on failure. Strings returned are malloc'd.
 */

#include <stdbool.h>
#include <stddef.h>

#include "strv.h"

/* systemd's LONG_LINE_MAX: a longer (joined) line fails the whole file. */
#define KFS_SD_LINE_MAX (1u << 20)
/* Cap on one word, one expanded argument, one variable's value. */
#define KFS_SD_WORD_MAX (1u << 20)
/* Cap on the words of one command line after expansion, and on the
 * variables of one environment block. */
#define KFS_SD_ARGS_MAX 8192u
#define KFS_SD_VARS_MAX 4096u
/* Cap on the bytes of one expanded command line (the kernel's ARG_MAX is 2 MiB). */
#define KFS_SD_EXPAND_MAX (2u << 20)

/* ---- string lists ---- */


/* ---- words: extract_first_word() ---- */

enum {
        KFS_SD_UNQUOTE = 1 << 0,        /* '...' and "..." group (anywhere in a word) and are removed */
        KFS_SD_CUNESCAPE = 1 << 1,      /* \n \t \x41 \101 \u00e9 ... (the QUOTING table) */
        KFS_SD_RELAX = 1 << 2,          /* unbalanced quotes and a trailing \ end the word */
        KFS_SD_UNESCAPE_RELAX = 1 << 3, /* unknown escapes are kept as written */
};

/*
 * Takes the next whitespace-separated word from *p (advanced past it).
 * Returns 1 with *ret set, 0 at the end of input, -EINVAL on unbalanced
 * quotes (or an unknown escape without KFS_SD_UNESCAPE_RELAX), -E2BIG past
 * KFS_SD_WORD_MAX.
 */
int kfs_sd_word(const char **p, unsigned flags, char **ret);

/*
 * extract_first_word_and_warn(): as kfs_sd_word(), but an unknown escape
 * makes it retry with KFS_SD_UNESCAPE_RELAX (the escape is kept verbatim,
 * *ret_relaxed set), as systemd does for command lines.
 */
int kfs_sd_word_relaxed(const char **p, unsigned flags, char **ret, bool *ret_relaxed);

/* All words of `s` as $VAR splitting does (strv_split_full(WHITESPACE,
 * EXTRACT_RELAX|EXTRACT_UNQUOTE)): quotes respected, then removed. */
int kfs_sd_split(const char *s, struct kfs_strv *out);

/* ---- unit files ---- */

/* The system unit directories, ROOT-relative, in systemd's order of
 * precedence (systemd.unit(5) "UNIT FILE LOAD PATH"); NULL-terminated. */
#define KFS_SD_N_UNIT_DIRS 5
extern const char *const kfs_sd_unit_dirs[KFS_SD_N_UNIT_DIRS + 1];

/*
 * Called for every assignment: section without brackets ("" before the
 * first one), key and value stripped of surrounding whitespace, the
 * 1-based line the assignment started on. A negative return stops parsing.
 */
typedef int (*kfs_sd_assign_fn)(void *userdata, const char *section, const char *key,
                                const char *value, unsigned line);

/*
 * config_parse(): splits `data` into lines (\n, \r, \r\n, \n\r and NUL end
 * a line; a leading UTF-8 BOM is dropped), skips lines whose first
 * non-blank character is # or ; (also inside a continuation), joins a line
 * ending in an unescaped backslash with the next (the backslash becomes a
 * space), then calls `fn`. Errors that make systemd refuse the whole file
 * (a malformed [section] header, a joined line over KFS_SD_LINE_MAX) return
 * -EBADMSG/-ENOBUFS with *ret_line set and stop. Lines without '=' or
 * outside any section are skipped, as systemd does after a warning.
 */
int kfs_sd_unit_parse(const char *data, size_t len, kfs_sd_assign_fn fn, void *userdata,
                      unsigned *ret_line);

/* ---- environment blocks ---- */

/* NAME=value entries, each NAME once, in the order first set. */
struct kfs_sd_env {
        struct kfs_strv l;
};

/* env_name_is_valid(): [A-Za-z_][A-Za-z0-9_]*, not empty. */
bool kfs_sd_env_name_valid(const char *name, size_t len);
/* env_assignment_is_valid(): a valid name, '=', a value. */
bool kfs_sd_env_assignment_valid(const char *a);

/* strv_env_replace(): the NAME=value `a` replaces NAME's entry in place, or
 * is appended. `a` is copied. -E2BIG past KFS_SD_VARS_MAX variables. */
int kfs_sd_env_set(struct kfs_sd_env *e, const char *a);
int kfs_sd_env_setkv(struct kfs_sd_env *e, const char *name, const char *value);
/* The value of `name` (len bytes), or NULL. */
const char *kfs_sd_env_get(const struct kfs_sd_env *e, const char *name, size_t len);
/* UnsetEnvironment=: `what` is NAME (removes it) or NAME=value (removes only that exact entry). */
void kfs_sd_env_unset(struct kfs_sd_env *e, const char *what);
/* strv_env_merge(): every entry of `src` set into `dst`, in order. */
int kfs_sd_env_merge(struct kfs_sd_env *dst, const struct kfs_sd_env *src);
void kfs_sd_env_release(struct kfs_sd_env *e);

/*
 * Called for every assignment of an environment file, in file order:
 * key (trailing blanks stripped, possibly invalid: the caller decides), the
 * value, and the line the assignment ended on. A negative return stops.
 */
typedef int (*kfs_sd_envpush_fn)(void *userdata, const char *key, const char *value,
                                 unsigned line);

/*
 * parse_env_file_internal(): the EnvironmentFile= grammar of systemd.exec(5):
 * comments (# or ; first on a line), lines without '=' ignored, unquoted
 * values trimmed with backslash escapes and continuations, '...' verbatim
 * over lines, "..." with \" \\ \` \$ and backslash-newline. Returns -E2BIG
 * when a value passes KFS_SD_WORD_MAX.
 */
int kfs_sd_envfile_parse(const char *data, size_t len, kfs_sd_envpush_fn fn, void *userdata);

/* ---- command lines ---- */

/*
 * replace_env_argv(): a word that is "$NAME" (not "${" nor "$$") is replaced
 * by NAME's value split into words (kfs_sd_split(); none when unset or not
 * a valid name); in every other word "${NAME}" is replaced by the value as
 * it is (empty when unset) and "$$" by "$"; anything else stays. Appends the
 * result to `out`. -E2BIG past KFS_SD_ARGS_MAX words or KFS_SD_EXPAND_MAX bytes.
 */
int kfs_sd_expand_argv(char *const *argv, size_t argc, const struct kfs_sd_env *env,
                       struct kfs_strv *out);

/* replace_env() on one word, as above: ${NAME} and $$. */
int kfs_sd_expand_word(const char *word, const struct kfs_sd_env *env, char **ret);

/* ---- specifiers ---- */

/*
 * What %-specifiers resolve to. Callers fill what they know; a NULL field
 * leaves its specifier verbatim in the output (the value cannot be known
 * from the files: %b boot ID, %v kernel release, %a architecture; or a
 * hostname when ROOT has no etc/hostname).
 */
struct kfs_sd_unitinfo {
        const char *name;               /* %n, full unit name "kubelet.service" */
        const char *fragment;           /* %y, "/etc/systemd/system/kubelet.service" */
        const char *hostname;           /* %H (%l is cut at the first dot) */
        const char *pretty_hostname;    /* %q, or NULL: the short hostname */
        const char *machine_id;         /* %m */
        const char *os_release;         /* contents of etc/os-release for %o %w %W %B %M %A */
};

/*
 * specifier_printf() with the unit table of a system service manager.
 * "%%" is '%'; an unknown letter or digit after '%' is -EBADSLT (systemd
 * refuses the setting); '%' before anything else, or at the end, stays.
 */
int kfs_sd_specifiers(const char *s, const struct kfs_sd_unitinfo *u, char **ret);

/* unit_name_unescape(): "\xNN" sequences decoded, "-" as "/". */
int kfs_sd_unit_unescape(const char *s, char **ret);
