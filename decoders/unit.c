/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unit: systemd service units (`*.service`, and `*.conf` drop-ins inside a
 * `NAME.service.d/`), with systemd 252's semantics (systemd.unit(5),
 * systemd.service(5), systemd.exec(5), systemd.syntax(7); the syntax itself
 * is in sdsyntax.c).
 *
 * Which unit the views describe:
 * - A file inside one of the unit directories of ROOT (etc/systemd/system,
 *   run/systemd/system, usr/local/lib/systemd/system, usr/lib/systemd/system,
 *   lib/systemd/system -- in that order of precedence; a directory that is
 *   the same as an earlier one, like lib -> usr/lib, counts once) describes
 *   the *effective* unit of that name on the node: the first unit file of
 *   the name in precedence order (for an instance foo@x.service, then the
 *   template foo@.service), masked when that file is empty or a symlink to
 *   /dev/null; then the drop-ins, as systemd collects them: `*.conf` in
 *   NAME.service.d/, the template's dir, the dash-prefix dirs
 *   (foo-bar-.service.d/, foo-.service.d/) of every unit directory, then the
 *   service.d/ dirs; a file name found in an earlier dir hides the same name
 *   in later ones (and masks them when it is empty or /dev/null); the
 *   survivors apply in byte order of their file names.
 * - A file anywhere else (a copy: `kubefs decode backup/kubelet.service`) is
 *   taken as the unit file itself, plus the drop-ins of a sibling
 *   NAME.service.d/ directory. No precedence, no prefix dirs.
 * - A drop-in describes the unit whose NAME.service.d/ holds it, found the
 *   same two ways. So does a link in a unit dir's *.wants/, *.requires/ or
 *   *.upholds/ (multi-user.target.wants/kubelet.service): the unit it enables.
 * Unit aliases (a symlink to a unit of another name) are read through, but
 * drop-ins are looked up under the name decoded only.
 *
 * Views:
 *   .flags  the effective ExecStart= command lines: the executable path,
 *           then argv[1...] after $VAR/${VAR} expansion, one element a line;
 *           several command lines (Type=oneshot) are separated by a blank
 *           line. Prefixes (- @ : + ! !!) are not printed; with "@" the
 *           argv[0] given is not printed either (the path that runs is);
 *           with ":" nothing is expanded.
 *   .env    the environment the unit sets, NAME=value, in systemd's order:
 *           Environment= assignments in the order first set, then variables
 *           first set by EnvironmentFile= files, later settings replacing
 *           values in place; UnsetEnvironment= removes. Values with control
 *           characters are written $'...' as `systemctl show-environment`
 *           does. Variables the manager adds at run time (PATH,
 *           INVOCATION_ID, NOTIFY_SOCKET, ...) are not known here, are not
 *           listed, and expand to nothing.
 *   .unit   the unit file and then each drop-in in the order applied, each
 *           under "# /path" with a blank line between files, as
 *           `systemctl cat` prints them. A masked unit is the single line
 *           "# Unit NAME is masked." in every view, as systemctl cat says it.
 * Things systemd would complain about (a missing EnvironmentFile= without
 * "-", a command line it cannot parse, specifiers it does not know) come
 * first in .flags and .env as "# " lines.
 *
 * Secrets (docs/spec.md §3): in .flags and .env the values of secret flags
 * and variables (--token=, --token VALUE, K3S_TOKEN=, *PASSWORD*, ...) read
 * REDACTED. .unit shows the files as they are except for exactly those
 * values, which are REDACTED there too.
 *
 * Specifiers that depend on the node are read from ROOT: %H/%l from
 * etc/hostname (the copied node has no live hostname), %q from
 * etc/machine-info, %m from etc/machine-id, %o %w %W %B %M %A from
 * etc/os-release (or usr/lib/os-release). %a %b %v exist only on a running
 * system and are left as written.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "flags.h"
#include "redact.h"
#include "sdsyntax.h"
#include "str.h"

/* Limits on what one unit may pull in. */
#define UNIT_MAX_DROPINS 128u           /* drop-in files applied */
#define UNIT_MAX_DROPIN_DIRS 512u       /* directories searched for them */
#define UNIT_MAX_ENVFILES 64u           /* EnvironmentFile= entries, and files they match */
#define UNIT_MAX_CMDS 256u              /* ExecStart= command lines */
#define UNIT_MAX_NOTES 32u
#define UNIT_MAX_FILES_BYTES (8u << 20) /* the unit, drop-ins and env files together */


struct unit_src {
        char *path;             /* as shown: "/etc/systemd/system/kubelet.service" */
        char *data;
        size_t len;
};

struct unit_cmd {
        char *path;             /* the executable */
        struct kfs_strv argv;        /* argv[0...] as written, specifiers resolved */
        bool noexpand;          /* ":" prefix */
        struct kfs_strv out; /* argv[1...] expanded: what .flags prints after path */
};

struct unit_doc {
        char *name;             /* "kubelet.service" */
        char *masked;           /* set when masked: the line the views print */
        struct unit_src *src;   /* the unit file (if any), then the drop-ins */
        size_t n_src;
        size_t bytes;

        /* [Service] as parsed */
        struct unit_cmd *cmds;
        size_t n_cmds;
        struct kfs_sd_env environment;
        struct kfs_strv envfiles;
        struct kfs_strv unset;
        char *type;             /* Type=, NULL for the default */

        struct kfs_sd_env env;  /* the result: Environment= + files - UnsetEnvironment= */
        struct kfs_strv notes;

        struct kfs_sd_unitinfo info;
        char *hostname, *pretty, *machine_id, *os_release, *fragment;

        const struct unit_src *cur;     /* while parsing */
};

static void unit_cmd_release(struct unit_cmd *c)
{
        free(c->path);
        kfs_strv_release(&c->argv);
        kfs_strv_release(&c->out);
}

static void unit_cmds_reset(struct unit_doc *d)
{
        for (size_t i = 0; i < d->n_cmds; i++)
                unit_cmd_release(&d->cmds[i]);
        free(d->cmds);
        d->cmds = NULL;
        d->n_cmds = 0;
}

static void unit_free(void *p)
{
        struct unit_doc *d = p;

        if (!d)
                return;
        free(d->name);
        free(d->masked);
        for (size_t i = 0; i < d->n_src; i++) {
                free(d->src[i].path);
                free(d->src[i].data);
        }
        free(d->src);
        unit_cmds_reset(d);
        kfs_sd_env_release(&d->environment);
        kfs_strv_release(&d->envfiles);
        kfs_strv_release(&d->unset);
        free(d->type);
        kfs_sd_env_release(&d->env);
        kfs_strv_release(&d->notes);
        free(d->hostname);
        free(d->pretty);
        free(d->machine_id);
        free(d->os_release);
        free(d->fragment);
        free(d);
}

/* The unit a drop-in directory name belongs to ("kubelet.service.d" -> "kubelet.service"),
 * or NULL for the prefix (foo-.service.d) and top-level (service.d) dirs. */
static char *unit_dropin_owner(const char *dirname)
{
        size_t n = strlen(dirname);

        if (n <= strlen(".service.d") || !kfs_str_ends_with(dirname, ".service.d"))
                return NULL;
        if (dirname[n - strlen(".service.d") - 1] == '-')
                return NULL;
        return strndup(dirname, n - 2);
}

static bool unit_match(const struct kfs_probe *p)
{
        static const char sfx[] = ".service.d";
        const size_t k = sizeof(sfx) - 1;
        const char *slash, *start;

        if (kfs_str_ends_with(p->name, ".service"))
                return true;
        /* a drop-in: NAME.service.d/x.conf with a [Service] section */
        if (!kfs_str_ends_with(p->name, ".conf") || !strstr(p->head, "[Service]"))
                return false;
        slash = strrchr(p->path, '/');
        if (!slash)
                return false;
        for (start = slash; start > p->path && start[-1] != '/'; start--)
                ;
        return (size_t) (slash - start) > k && memcmp(slash - k, sfx, k) == 0 && slash[-(ptrdiff_t) k - 1] != '-';
}

/* ---- notes ---- */

static void unit_note(struct unit_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unit_note(struct unit_doc *d, const char *fmt, ...)
{
        va_list ap;
        char *s;

        if (d->notes.n >= UNIT_MAX_NOTES)
                return;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        if (s)
                (void) kfs_strv_push(&d->notes, s, UNIT_MAX_NOTES);
}

/* ---- reading ---- */

/*
 * The kfs_ctx_*() calls with a ROOT-relative path: kfs_ctx_*() take
 * relative paths as relative to the source's directory, so these make them
 * absolute (inside ROOT) first.
 */
static char *unit_abs(const char *rel)
{
        char *a;

        return asprintf(&a, "/%s", rel) < 0 ? NULL : a;
}

static int unit_ctx_read(struct kfs_ctx *ctx, const char *rel, char **ret_data, size_t *ret_len)
{
        char *a = unit_abs(rel);
        int r = a ? kfs_ctx_read(ctx, a, ret_data, ret_len) : -ENOMEM;

        free(a);
        return r;
}

static int unit_ctx_stat(struct kfs_ctx *ctx, const char *rel, struct stat *ret_st)
{
        char *a = unit_abs(rel);
        int r = a ? kfs_ctx_stat(ctx, a, ret_st) : -ENOMEM;

        free(a);
        return r;
}

static int unit_ctx_readlink(struct kfs_ctx *ctx, const char *rel, char **ret_target)
{
        char *a = unit_abs(rel);
        int r = a ? kfs_ctx_readlink(ctx, a, ret_target) : -ENOMEM;

        free(a);
        return r;
}

static int unit_ctx_list(struct kfs_ctx *ctx, const char *rel, char ***ret_names)
{
        char *a = unit_abs(rel);
        int r = a ? kfs_ctx_list(ctx, a, ret_names) : -ENOMEM;

        free(a);
        return r;
}


static int unit_add_src(struct unit_doc *d, struct kfs_ctx *ctx, const char *shown,
                        char *data, size_t len)
{
        struct unit_src *s;

        if (d->bytes + len > UNIT_MAX_FILES_BYTES) {
                free(data);
                return kfs_ctx_fail(ctx, -EFBIG, "%s: unit files over %u bytes together",
                                    d->name, UNIT_MAX_FILES_BYTES);
        }
        s = realloc(d->src, (d->n_src + 1) * sizeof(*s));
        if (!s) {
                free(data);
                return -ENOMEM;
        }
        d->src = s;
        s[d->n_src] = (struct unit_src) { .path = strdup(shown), .data = data, .len = len };
        if (!s[d->n_src].path) {
                free(data);
                return -ENOMEM;
        }
        d->n_src++;
        d->bytes += len;
        return 0;
}

/* Reads `rel` (ROOT-relative) into the sources, shown as "/rel". */
static int unit_read_src(struct unit_doc *d, struct kfs_ctx *ctx, const char *rel)
{
        char *data, *shown;
        size_t len;
        int r;

        r = unit_ctx_read(ctx, rel, &data, &len);
        if (r < 0)
                return r;
        if (asprintf(&shown, "/%s", rel) < 0) {
                free(data);
                return -ENOMEM;
        }
        r = unit_add_src(d, ctx, shown, data, len);
        free(shown);
        return r;
}

/* The source ctx is decoding, already in memory, as the unit file at `rel`. */
static int unit_add_copy(struct unit_doc *d, struct kfs_ctx *ctx, const char *rel,
                         const char *data, size_t len)
{
        char *copy = malloc(len + 1), *shown = NULL;
        int r;

        if (!copy || asprintf(&shown, "/%s", rel) < 0) {
                free(copy);
                return -ENOMEM;
        }
        memcpy(copy, data, len);
        copy[len] = '\0';
        r = unit_add_src(d, ctx, shown, copy, len);
        free(shown);
        return r;
}

static int unit_set_masked(struct unit_doc *d)
{
        return asprintf(&d->masked, "# Unit %s is masked.", d->name) < 0 ? -ENOMEM : 1;
}

/* Whether `rel` is a symlink to /dev/null (a mask; the copy of a node
 * usually has no dev/null to follow it to). */
static bool unit_is_devnull(struct kfs_ctx *ctx, const char *rel)
{
        char *target = NULL, *dir, *abs;
        bool r = false;

        if (unit_ctx_readlink(ctx, rel, &target) < 0)
                return false;
        dir = kfs_path_dirname(rel);
        abs = dir ? kfs_path_join(dir, target) : NULL;
        r = abs && strcmp(abs, "dev/null") == 0;
        free(abs);
        free(dir);
        free(target);
        return r;
}

static bool unit_is_unit_dir(const char *dir)
{
        for (size_t i = 0; i < KFS_SD_N_UNIT_DIRS; i++)
                if (strcmp(dir, kfs_sd_unit_dirs[i]) == 0)
                        return true;
        return false;
}

/* The unit directories that exist, in precedence order, each once. */
static size_t unit_lookup_dirs(struct kfs_ctx *ctx, const char **ret)
{
        struct stat seen[KFS_SD_N_UNIT_DIRS];
        size_t n = 0;

        for (size_t i = 0; i < KFS_SD_N_UNIT_DIRS; i++) {
                struct stat st;
                bool dup = false;

                if (unit_ctx_stat(ctx, kfs_sd_unit_dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                for (size_t j = 0; j < n && !dup; j++)
                        dup = seen[j].st_dev == st.st_dev && seen[j].st_ino == st.st_ino;
                if (dup)
                        continue;
                seen[n] = st;
                ret[n++] = kfs_sd_unit_dirs[i];
        }
        return n;
}

/* "foo@bar.service" -> "foo@.service"; NULL when not an instance. */
static char *unit_template(const char *name)
{
        const char *at = strchr(name, '@'), *dot = strrchr(name, '.');
        char *t;

        if (!at || !dot || dot < at || dot == at + 1)
                return NULL;
        if (asprintf(&t, "%.*s%s", (int) (at - name + 1), name, dot) < 0)
                return NULL;
        return t;
}

/* Finds the unit file in the lookup dirs: 1 found (read), 0 none, < 0 error. */
static int unit_find_fragment(struct unit_doc *d, struct kfs_ctx *ctx, const char **dirs,
                              size_t n_dirs, const char *self, const char *data, size_t len)
{
        char *names[2] = { d->name, unit_template(d->name) };
        int r = 0;

        for (size_t k = 0; k < 2 && names[k] && r == 0; k++) {
                for (size_t i = 0; i < n_dirs && r == 0; i++) {
                        char *rel = kfs_path_join(dirs[i], names[k]);
                        char *target = NULL;
                        struct stat st;

                        if (!rel) {
                                r = -ENOMEM;
                                break;
                        }
                        if (unit_is_devnull(ctx, rel)) {
                                r = unit_set_masked(d);
                        } else if (unit_ctx_stat(ctx, rel, &st) == 0 && S_ISREG(st.st_mode)) {
                                if (st.st_size == 0) {
                                        r = unit_set_masked(d);
                                } else if (strcmp(rel, self) == 0) {
                                        r = unit_add_copy(d, ctx, rel, data, len);
                                        r = r < 0 ? r : 1;
                                } else if (unit_ctx_readlink(ctx, rel, &target) == 0 && target[0] == '/') {
                                        /* a linked unit file: systemd shows where it really is */
                                        char *tdir = kfs_path_dirname(target + 1);
                                        char *trel = kfs_path_join(NULL, target);

                                        if (tdir && trel && !unit_is_unit_dir(tdir))
                                                r = unit_read_src(d, ctx, trel);
                                        else
                                                r = unit_read_src(d, ctx, rel);
                                        r = r < 0 ? r : 1;
                                        free(tdir);
                                        free(trel);
                                } else {
                                        r = unit_read_src(d, ctx, rel);
                                        r = r < 0 ? r : 1;
                                }
                        }
                        free(target);
                        free(rel);
                }
        }
        free(names[1]);
        return r;
}

/* unit_name_to_prefix(): before '@', or before the type suffix. */
static char *unit_prefix(const char *name)
{
        const char *dot = strrchr(name, '.'), *at = strchr(name, '@');
        size_t n = at && (!dot || at < dot) ? (size_t) (at - name) : dot ? (size_t) (dot - name) : strlen(name);

        return strndup(name, n);
}

static int unit_push_dir(struct kfs_strv *dirs, const char *dir, const char *name)
{
        char *p;

        if (asprintf(&p, "%s/%s.d", dir, name) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < dirs->n; i++)
                if (strcmp(dirs->v[i], p) == 0) {
                        free(p);
                        return 0;
                }
        return kfs_strv_push(dirs, p, UNIT_MAX_DROPIN_DIRS);
}

/* unit_file_find_dirs(): NAME.d, the template's, then the dash prefixes'. */
static int unit_find_dirs(struct kfs_strv *dirs, const char *dir, const char *name, unsigned depth)
{
        char *prefix, *tmpl, *built = NULL, *dash;
        const char *dot = strrchr(name, '.'), *at = strchr(name, '@');
        bool instance, chopped = false;
        int r;

        if (depth > 256)
                return -ELOOP;
        r = unit_push_dir(dirs, dir, name);
        if (r < 0)
                return r;
        instance = at && dot && at + 1 < dot;
        tmpl = instance ? unit_template(name) : NULL;
        if (tmpl) {
                r = unit_find_dirs(dirs, dir, tmpl, depth + 1);
                free(tmpl);
                if (r < 0)
                        return r;
        }
        prefix = unit_prefix(name);
        if (!prefix)
                return -ENOMEM;
        for (;;) {
                size_t n;

                dash = strrchr(prefix, '-');
                if (!dash || dash == prefix) {
                        free(prefix);
                        return 0;
                }
                n = (size_t) (dash - prefix);
                if (prefix[n + 1] || chopped) {
                        prefix[n + 1] = '\0';
                        break;
                }
                prefix[n] = '\0';       /* a trailing dash: chop it, once */
                chopped = true;
        }
        if (instance)
                r = asprintf(&built, "%s@%.*s%s", prefix, (int) (dot - at - 1), at + 1, dot);
        else
                r = asprintf(&built, "%s%s", prefix, dot ? dot : "");
        free(prefix);
        if (r < 0)
                return -ENOMEM;
        r = unit_find_dirs(dirs, dir, built, depth + 1);
        free(built);
        return r;
}

struct unit_dropin {
        char *name;
        char *rel;      /* NULL: masked */
};

static int unit_dropin_cmp(const void *a, const void *b)
{
        return strcmp(((const struct unit_dropin *) a)->name, ((const struct unit_dropin *) b)->name);
}

/* conf_files_list_strv(): *.conf in `dirs` (earlier dirs win a name), sorted, masks dropped. */
static int unit_read_dropins(struct unit_doc *d, struct kfs_ctx *ctx, const struct kfs_strv *dirs)
{
        struct unit_dropin *found = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; i < dirs->n && r == 0; i++) {
                char **names = NULL;

                if (unit_ctx_list(ctx, dirs->v[i], &names) < 0)
                        continue;
                for (char **nm = names; *nm && r == 0; nm++) {
                        bool seen = false;
                        struct stat st;
                        char *rel;

                        if ((*nm)[0] == '.' || !kfs_str_ends_with(*nm, ".conf"))
                                continue;
                        for (size_t j = 0; j < n && !seen; j++)
                                seen = strcmp(found[j].name, *nm) == 0;
                        if (seen)
                                continue;
                        rel = kfs_path_join(dirs->v[i], *nm);
                        if (!rel) {
                                r = -ENOMEM;
                                break;
                        }
                        if (unit_is_devnull(ctx, rel)) {
                                free(rel);
                                rel = NULL;     /* a mask */
                        } else if (unit_ctx_stat(ctx, rel, &st) < 0 || !S_ISREG(st.st_mode)) {
                                free(rel);
                                continue;       /* dangling, a directory...: ignored */
                        } else if (st.st_size == 0) {
                                free(rel);
                                rel = NULL;
                        }
                        if (n >= UNIT_MAX_DROPINS) {
                                free(rel);
                                r = kfs_ctx_fail(ctx, -E2BIG, "%s: more than %u drop-ins",
                                                 d->name, UNIT_MAX_DROPINS);
                                break;
                        }
                        {
                                struct unit_dropin *f = realloc(found, (n + 1) * sizeof(*f));

                                if (!f) {
                                        free(rel);
                                        r = -ENOMEM;
                                        break;
                                }
                                found = f;
                                found[n].name = strdup(*nm);
                                found[n++].rel = rel;
                                if (!found[n - 1].name)
                                        r = -ENOMEM;
                        }
                }
                kfs_strv_free(names);
        }
        if (r == 0 && n > 0)
                qsort(found, n, sizeof(*found), unit_dropin_cmp);
        for (size_t i = 0; i < n; i++) {
                if (r == 0 && found[i].rel)
                        r = unit_read_src(d, ctx, found[i].rel);
                free(found[i].name);
                free(found[i].rel);
        }
        free(found);
        return r;
}

/* ---- [Service] settings ---- */

static int unit_printf(struct unit_doc *d, const char *s, unsigned line, const char *key, char **ret)
{
        int r = kfs_sd_specifiers(s, &d->info, ret);

        if (r == -EBADSLT)
                unit_note(d, "%s:%u: %s=: unknown specifier in \"%s\"", d->cur->path, line, key, s);
        return r;
}

/* path_simplify(): no "//", no "/./". */
static void unit_path_simplify(char *p)
{
        char *w = p;

        for (char *r = p; *r; ) {
                if (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && (r[2] == '/' || !r[2])) ) && r != p + strlen(p) - 1) {
                        r += r[1] == '/' ? 1 : 2;
                        continue;
                }
                *w++ = *r++;
        }
        *w = '\0';
        if (w - p > 1 && w[-1] == '/')
                w[-1] = '\0';
}

static bool unit_path_ok(const char *p)
{
        for (const char *c = p; *c; c++)
                if ((unsigned char) *c < ' ' || *c == 0x7f || *c == '"' || *c == '\'' || *c == '\\')
                        return false;       /* string_is_safe() */
        if (p[0] == '/')
                return p[strlen(p) - 1] != '/';
        return !strchr(p, '/') && strcmp(p, ".") != 0 && strcmp(p, "..") != 0 && strlen(p) <= 255;
}

static int unit_exec_fail(struct unit_doc *d, bool ignore, unsigned line, const char *why)
{
        unit_note(d, "%s:%u: ExecStart=: %s%s", d->cur->path, line, why,
                  ignore ? ", ignored (\"-\")" : "");
        return ignore ? 0 : -ENOEXEC;
}

/* config_parse_exec(). */
static int unit_exec(struct unit_doc *d, const char *rvalue, unsigned line)
{
        const char *p = rvalue;
        bool semicolon;
        int r;

        if (!*rvalue) {
                unit_cmds_reset(d);     /* "ExecStart=" resets the list */
                return 0;
        }
        do {
                struct unit_cmd c = { 0 };
                bool ignore = false, argv0 = false, relaxed;
                unsigned priv = 0;      /* + ! !! seen */
                char *first = NULL;
                const char *f;

                semicolon = false;
                r = kfs_sd_word_relaxed(&p, KFS_SD_UNQUOTE | KFS_SD_CUNESCAPE, &first, &relaxed);
                if (r == 0)
                        return 0;
                if (r < 0) {
                        unit_note(d, "%s:%u: ExecStart=: unbalanced quoting, ignored", d->cur->path, line);
                        return 0;
                }
                if (strcmp(first, ";") == 0) {
                        free(first);
                        semicolon = true;
                        continue;
                }
                for (f = first;; f++) {
                        if (*f == '-' && !ignore)
                                ignore = true;
                        else if (*f == '@' && !argv0)
                                argv0 = true;
                        else if (*f == ':' && !c.noexpand)
                                c.noexpand = true;
                        else if (*f == '+' && !priv)
                                priv = 1;
                        else if (*f == '!' && !priv)
                                priv = 2;
                        else if (*f == '!' && priv == 2)
                                priv = 3;       /* "!!" */
                        else
                                break;
                }
                r = unit_printf(d, f, line, "ExecStart", &c.path);
                free(first);
                if (r < 0) {
                        unit_cmd_release(&c);
                        return r == -EBADSLT ? (ignore ? 0 : -ENOEXEC) : r;
                }
                if (!*c.path || !unit_path_ok(c.path)) {
                        r = unit_exec_fail(d, ignore, line, !*c.path ? "empty executable path"
                                                               : "neither an absolute path nor a file name");
                        unit_cmd_release(&c);
                        return r;
                }
                if (!argv0 && (r = kfs_strv_push(&c.argv, strdup(c.path), KFS_SD_ARGS_MAX)) < 0) {
                        unit_cmd_release(&c);
                        return r;
                }
                unit_path_simplify(c.path);
                while (*p) {
                        char *w, *res;

                        if (p[0] == ';' && (!p[1] || strchr(" \t\n\r", p[1]))) {
                                p++;
                                p += strspn(p, " \t\n\r");
                                semicolon = true;
                                break;
                        }
                        if (p[0] == '\\' && p[1] == ';' && (!p[2] || strchr(" \t\n\r", p[2]))) {
                                p += 2;
                                p += strspn(p, " \t\n\r");
                                r = kfs_strv_push(&c.argv, strdup(";"), KFS_SD_ARGS_MAX);
                                if (r < 0)
                                        break;
                                continue;
                        }
                        r = kfs_sd_word_relaxed(&p, KFS_SD_UNQUOTE | KFS_SD_CUNESCAPE, &w, &relaxed);
                        if (r == 0)
                                break;
                        if (r == -EINVAL) {
                                r = unit_exec_fail(d, ignore, line, "unbalanced quoting");
                                unit_cmd_release(&c);
                                return r;
                        }
                        if (r < 0)
                                break;
                        if (relaxed)
                                unit_note(d, "%s:%u: ExecStart=: unknown escape sequence kept as written",
                                          d->cur->path, line);
                        r = unit_printf(d, w, line, "ExecStart", &res);
                        free(w);
                        if (r == -EBADSLT) {
                                unit_cmd_release(&c);
                                return ignore ? 0 : -ENOEXEC;
                        }
                        if (r < 0)
                                break;
                        r = kfs_strv_push(&c.argv, res, KFS_SD_ARGS_MAX);
                        if (r < 0)
                                break;
                }
                if (r < 0) {
                        unit_cmd_release(&c);
                        return r == -E2BIG ? unit_exec_fail(d, ignore, line, "too many words") : r;
                }
                if (c.argv.n == 0) {
                        r = unit_exec_fail(d, ignore, line, "empty executable name or zeroeth argument");
                        unit_cmd_release(&c);
                        return r;
                }
                if (d->n_cmds >= UNIT_MAX_CMDS) {
                        unit_cmd_release(&c);
                        return unit_exec_fail(d, false, line, "too many command lines");
                }
                {
                        struct unit_cmd *n = realloc(d->cmds, (d->n_cmds + 1) * sizeof(*n));

                        if (!n) {
                                unit_cmd_release(&c);
                                return -ENOMEM;
                        }
                        d->cmds = n;
                        d->cmds[d->n_cmds++] = c;
                }
        } while (semicolon);
        return 0;
}

/*
 * The next word of a list setting (Environment=, UnsetEnvironment=), unquoted,
 * C-unescaped and specifier-expanded, in *ret: returns 1, or 0 at the end of
 * the line or at invalid syntax (the rest of the line is ignored, as systemd
 * does; noted when `note`), or -errno. Words with a bad specifier are skipped.
 */
static int unit_next_word(struct unit_doc *d, const char **p, unsigned line, const char *key, bool note,
                          char **ret)
{
        for (;;) {
                char *w;
                int r = kfs_sd_word(p, KFS_SD_UNQUOTE | KFS_SD_CUNESCAPE, &w);

                if (r == 0)
                        return 0;
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        if (note)
                                unit_note(d, "%s:%u: %s=: invalid syntax, rest of line ignored",
                                          d->cur->path, line, key);
                        return 0;
                }
                r = unit_printf(d, w, line, key, ret);
                free(w);
                if (r != -EBADSLT)
                        return r < 0 ? r : 1;
        }
}

/* config_parse_environ(): several quoted assignments; an error drops the rest of the line. */
static int unit_environment(struct unit_doc *d, const char *rvalue, unsigned line)
{
        const char *p = rvalue;

        if (!*rvalue) {
                kfs_sd_env_release(&d->environment);    /* "Environment=" resets */
                return 0;
        }
        for (;;) {
                char *res;
                int r = unit_next_word(d, &p, line, "Environment", true, &res);

                if (r <= 0)
                        return r;
                if (!kfs_sd_env_assignment_valid(res)) {
                        const char *eq = strchr(res, '=');

                        unit_note(d, "%s:%u: Environment=: invalid assignment \"%.*s\" ignored",
                                  d->cur->path, line, eq ? (int) (eq - res) : (int) strlen(res), res);
                        free(res);
                        continue;
                }
                r = kfs_sd_env_set(&d->environment, res);
                free(res);
                if (r < 0)
                        return r;
        }
}

/* config_parse_unit_env_file(): one path per line, specifiers, must be absolute. */
static int unit_envfile(struct unit_doc *d, const char *rvalue, unsigned line)
{
        char *n;
        int r;

        if (!*rvalue) {
                kfs_strv_release(&d->envfiles);
                return 0;
        }
        r = unit_printf(d, rvalue, line, "EnvironmentFile", &n);
        if (r == -EBADSLT)
                return 0;
        if (r < 0)
                return r;
        if (n[n[0] == '-'] != '/') {
                unit_note(d, "%s:%u: EnvironmentFile=%s: not an absolute path, ignored", d->cur->path, line, n);
                free(n);
                return 0;
        }
        if (d->envfiles.n >= UNIT_MAX_ENVFILES) {
                free(n);
                unit_note(d, "%s:%u: more than %u EnvironmentFile= settings, ignored",
                          d->cur->path, line, UNIT_MAX_ENVFILES);
                return 0;
        }
        return kfs_strv_push(&d->envfiles, n, UNIT_MAX_ENVFILES);
}

/* config_parse_unset_environ(). */
static int unit_unsetenv(struct unit_doc *d, const char *rvalue, unsigned line)
{
        const char *p = rvalue;

        if (!*rvalue) {
                kfs_strv_release(&d->unset);
                return 0;
        }
        for (;;) {
                char *res;
                int r = unit_next_word(d, &p, line, "UnsetEnvironment", false, &res);

                if (r <= 0)
                        return r;
                if (!kfs_sd_env_assignment_valid(res) && !kfs_sd_env_name_valid(res, strlen(res))) {
                        free(res);
                        continue;
                }
                r = kfs_strv_push(&d->unset, res, KFS_SD_VARS_MAX);
                if (r < 0)
                        return r;
        }
}

static int unit_assign(void *userdata, const char *section, const char *key, const char *value,
                       unsigned line)
{
        struct unit_doc *d = userdata;

        if (strcmp(section, "Service") != 0)
                return 0;
        if (strcmp(key, "ExecStart") == 0)
                return unit_exec(d, value, line);
        if (strcmp(key, "Environment") == 0)
                return unit_environment(d, value, line);
        if (strcmp(key, "EnvironmentFile") == 0)
                return unit_envfile(d, value, line);
        if (strcmp(key, "UnsetEnvironment") == 0)
                return unit_unsetenv(d, value, line);
        if (strcmp(key, "Type") == 0) {
                free(d->type);
                d->type = *value ? strdup(value) : NULL;        /* "" is the default again */
                return *value && !d->type ? -ENOMEM : 0;
        }
        return 0;
}

/* ---- the node's identity, for %H %l %q %m %o ... ---- */

static bool unit_uses(const struct unit_doc *d, const char *letters)
{
        for (size_t i = 0; i < d->n_src; i++) {
                const char *s = d->src[i].data, *e = s + d->src[i].len;

                for (; s + 1 < e; s++) {
                        if (*s != '%')
                                continue;
                        if (s[1] != '%' && strchr(letters, s[1]))
                                return true;
                        s++;
                }
        }
        return false;
}

/* The first line of `rel` that is not empty and not a # comment, stripped. */
static char *unit_first_line(struct kfs_ctx *ctx, const char *rel)
{
        char *data, *res = NULL;
        size_t len;

        if (unit_ctx_read(ctx, rel, &data, &len) < 0)
                return NULL;
        for (char *l = data; l && *l; ) {
                char *nl = strchr(l, '\n'), *e;

                if (nl)
                        *nl = '\0';
                l += strspn(l, " \t\r");
                e = l + strlen(l);
                while (e > l && strchr(" \t\r", e[-1]))
                        e--;
                *e = '\0';
                if (*l && *l != '#') {
                        res = strdup(l);
                        break;
                }
                l = nl ? nl + 1 : NULL;
        }
        free(data);
        return res;
}

static int unit_pretty_push(void *userdata, const char *key, const char *value, unsigned line)
{
        char **ret = userdata;

        if (strcmp(key, "PRETTY_HOSTNAME") == 0 && *value) {
                free(*ret);
                *ret = strdup(value);
        }
        return 0;
}

static void unit_identity(struct unit_doc *d, struct kfs_ctx *ctx)
{
        char *data;
        size_t len;

        d->info.name = d->name;
        d->info.fragment = d->fragment;
        if (unit_uses(d, "Hlq"))
                d->info.hostname = d->hostname = unit_first_line(ctx, "etc/hostname");
        if (unit_uses(d, "q") && unit_ctx_read(ctx, "etc/machine-info", &data, &len) == 0) {
                (void) kfs_sd_envfile_parse(data, len, unit_pretty_push, &d->pretty);
                d->info.pretty_hostname = d->pretty;
                free(data);
        }
        if (unit_uses(d, "m"))
                d->info.machine_id = d->machine_id = unit_first_line(ctx, "etc/machine-id");
        if (unit_uses(d, "owWBMA")) {
                if (unit_ctx_read(ctx, "etc/os-release", &data, &len) == 0 ||
                    unit_ctx_read(ctx, "usr/lib/os-release", &data, &len) == 0)
                        d->info.os_release = d->os_release = data;
        }
}

/* ---- environment files ---- */

struct unit_envload {
        struct unit_doc *d;
        struct kfs_sd_env *env;
        const char *path;
};

static int unit_envfile_push(void *userdata, const char *key, const char *value, unsigned line)
{
        struct unit_envload *l = userdata;

        if (!kfs_sd_env_name_valid(key, strlen(key))) {
                unit_note(l->d, "%s:%u: \"%s\" is not a valid variable name, ignored", l->path, line, key);
                return 0;
        }
        return kfs_sd_env_setkv(l->env, key, value);
}

static int unit_load_envfile(struct unit_doc *d, struct kfs_ctx *ctx, const char *path,
                             struct kfs_sd_env *files, bool optional, size_t *budget)
{
        struct unit_envload l = { .d = d, .path = path };
        struct kfs_sd_env one = { 0 };
        char *data;
        size_t len;
        int r;

        r = unit_ctx_read(ctx, path, &data, &len);
        if (r < 0) {
                if (r == -ENOMEM)
                        return r;
                if (!optional)
                        unit_note(d, "EnvironmentFile=%s: %s; systemd would not start %s",
                                  path, r == -EINVAL ? "not a regular file" : strerror(-r), d->name);
                return 0;
        }
        if (len > *budget) {
                free(data);
                return kfs_ctx_fail(ctx, -EFBIG, "%s: environment files over %u bytes together",
                                    d->name, UNIT_MAX_FILES_BYTES);
        }
        *budget -= len;
        l.env = &one;
        r = kfs_sd_envfile_parse(data, len, unit_envfile_push, &l);
        free(data);
        if (r == 0)
                r = kfs_sd_env_merge(files, &one);
        kfs_sd_env_release(&one);
        if (r == -E2BIG) {
                unit_note(d, "EnvironmentFile=%s: a value or the variables over the limit, file ignored", path);
                r = 0;
        }
        return r;
}

/* safe_glob() of an absolute pattern, inside ROOT: matches in byte order. */
static int unit_glob(struct kfs_ctx *ctx, const char *pattern, struct kfs_strv *out)
{
        struct kfs_strv cur = { 0 }, next = { 0 };
        char *pat = strdup(pattern), *save = NULL;
        int r;

        if (!pat)
                return -ENOMEM;
        r = kfs_strv_push(&cur, strdup(""), UNIT_MAX_ENVFILES);
        for (char *comp = strtok_r(pat, "/", &save); comp && r == 0; comp = strtok_r(NULL, "/", &save)) {
                bool wild = strpbrk(comp, "*?[") != NULL;

                for (size_t i = 0; i < cur.n && r == 0; i++) {
                        char **names = NULL;

                        if (!wild) {
                                char *p = kfs_path_join(cur.v[i], comp);

                                r = kfs_strv_push(&next, p, UNIT_MAX_ENVFILES);
                                continue;
                        }
                        if (unit_ctx_list(ctx, cur.v[i][0] ? cur.v[i] : "/", &names) < 0)
                                continue;
                        for (char **nm = names; *nm && r == 0; nm++)
                                if (fnmatch(comp, *nm, FNM_PERIOD) == 0)
                                        r = kfs_strv_push(&next, kfs_path_join(cur.v[i], *nm), UNIT_MAX_ENVFILES);
                        kfs_strv_free(names);
                }
                kfs_strv_release(&cur);
                cur = next;
                next = (struct kfs_strv) { 0 };
        }
        free(pat);
        if (r == 0)
                for (size_t i = 0; i < cur.n && r == 0; i++) {
                        r = kfs_strv_push(out, cur.v[i], UNIT_MAX_ENVFILES);
                        cur.v[i] = NULL;
                }
        for (size_t i = 0; i < cur.n; i++)
                free(cur.v[i]);
        free(cur.v);
        return r;
}

/* load_env_files(), then the environment as exec_child() assembles it. */
static int unit_resolve_env(struct unit_doc *d, struct kfs_ctx *ctx)
{
        struct kfs_sd_env files = { 0 };
        size_t budget = UNIT_MAX_FILES_BYTES;
        int r = 0;

        for (size_t i = 0; i < d->envfiles.n && r == 0; i++) {
                const char *fn = d->envfiles.v[i];
                bool optional = fn[0] == '-';
                struct kfs_strv paths = { 0 };

                fn += optional;
                if (strpbrk(fn, "*?[")) {
                        r = unit_glob(ctx, fn, &paths);
                        if (r == -E2BIG) {
                                unit_note(d, "EnvironmentFile=%s: matches more than %u files, ignored",
                                          fn, UNIT_MAX_ENVFILES);
                                r = 0;
                        }
                        if (r == 0 && paths.n == 0 && !optional)
                                unit_note(d, "EnvironmentFile=%s: no file matches; systemd would not start %s",
                                          fn, d->name);
                        for (size_t j = 0; j < paths.n && r == 0; j++) {
                                char *shown;

                                if (asprintf(&shown, "/%s", paths.v[j]) < 0) {
                                        r = -ENOMEM;
                                        break;
                                }
                                r = unit_load_envfile(d, ctx, shown, &files, optional, &budget);
                                free(shown);
                        }
                } else {
                        r = unit_load_envfile(d, ctx, fn, &files, optional, &budget);
                }
                kfs_strv_release(&paths);
        }
        if (r == 0)
                r = kfs_sd_env_merge(&d->env, &d->environment);
        if (r == 0)
                r = kfs_sd_env_merge(&d->env, &files);
        for (size_t i = 0; i < d->unset.n && r == 0; i++)
                kfs_sd_env_unset(&d->env, d->unset.v[i]);
        kfs_sd_env_release(&files);
        if (r == -E2BIG)
                return kfs_ctx_fail(ctx, r, "%s: more than %u environment variables", d->name, KFS_SD_VARS_MAX);
        return r;
}

static int unit_resolve_cmds(struct unit_doc *d, struct kfs_ctx *ctx)
{
        for (size_t i = 0; i < d->n_cmds; i++) {
                struct unit_cmd *c = &d->cmds[i];
                int r;

                if (c->noexpand) {
                        for (size_t j = 1; j < c->argv.n; j++)
                                if ((r = kfs_strv_push(&c->out, strdup(c->argv.v[j]), KFS_SD_ARGS_MAX)) < 0)
                                        return r;
                        continue;
                }
                r = kfs_sd_expand_argv(c->argv.v + 1, c->argv.n - 1, &d->env, &c->out);
                if (r == -E2BIG)
                        return kfs_ctx_fail(ctx, r, "%s: a command line expands to over %u words or %u bytes",
                                            d->name, KFS_SD_ARGS_MAX, KFS_SD_EXPAND_MAX);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- parse ---- */

static int unit_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        const char *base = kfs_path_basename(ctx->path);
        struct kfs_strv dirs = { 0 };
        struct unit_doc *d;
        char *home = NULL;      /* where the unit lives: a unit dir, or the copy's dir */
        bool tree;
        int r = 0;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        if (kfs_str_ends_with(base, ".service")) {
                d->name = strdup(base);
                home = strdup(ctx->dir);
        } else {
                const char *owner = kfs_path_basename(ctx->dir);

                d->name = unit_dropin_owner(owner);
                home = kfs_path_dirname(ctx->dir);
        }
        if (!d->name || !home) {
                r = d->name || !home ? -ENOMEM : kfs_ctx_fail(ctx, -EINVAL, "not a service unit or drop-in");
                goto out;
        }
        tree = unit_is_unit_dir(home);
        if (!tree && (kfs_str_ends_with(home, ".wants") || kfs_str_ends_with(home, ".requires") ||
                      kfs_str_ends_with(home, ".upholds"))) {
                /* an enablement link (multi-user.target.wants/kubelet.service): the unit by name */
                char *parent = kfs_path_dirname(home);

                tree = parent && unit_is_unit_dir(parent);
                free(parent);
        }
        if (tree) {
                const char *lookup[KFS_SD_N_UNIT_DIRS];
                size_t n = unit_lookup_dirs(ctx, lookup);

                r = unit_find_fragment(d, ctx, lookup, n, ctx->path, data, len);
                if (r < 0 || d->masked)
                        goto out;
                if (r == 0)
                        unit_note(d, "no unit file %s; systemd would not load the unit", d->name);
                for (size_t i = 0; i < n && r >= 0; i++)
                        r = unit_find_dirs(&dirs, lookup[i], d->name, 0);
                for (size_t i = 0; i < n && r >= 0; i++)
                        r = unit_push_dir(&dirs, lookup[i], "service");
        } else {
                char *rel = kfs_path_join(home, d->name);

                if (!rel) {
                        r = -ENOMEM;
                        goto out;
                }
                if (strcmp(rel, ctx->path) == 0) {
                        r = len == 0 ? unit_set_masked(d) : unit_add_copy(d, ctx, rel, data, len);
                } else {
                        r = unit_read_src(d, ctx, rel);
                        if (r == -ENOENT) {
                                unit_note(d, "no unit file %s; systemd would not load the unit", d->name);
                                r = 0;
                        }
                }
                free(rel);
                if (r >= 0 && !d->masked)
                        r = unit_push_dir(&dirs, home, d->name);
        }
        if (r < 0 || d->masked)
                goto out;
        if (d->n_src > 0)
                d->fragment = strdup(d->src[0].path);
        r = unit_read_dropins(d, ctx, &dirs);
        if (r < 0)
                goto out;

        unit_identity(d, ctx);
        for (size_t i = 0; i < d->n_src; i++) {
                unsigned line = 0;
                bool fragment = i == 0 && d->fragment;

                d->cur = &d->src[i];
                r = kfs_sd_unit_parse(d->src[i].data, d->src[i].len, unit_assign, d, &line);
                if (r == -ENOMEM)
                        goto out;
                if (r < 0) {
                        if (r == -ENOEXEC)      /* unit_exec() said why */
                                unit_note(d, "%s: %s", d->src[i].path,
                                          fragment ? "systemd would refuse to load the unit (bad-setting)"
                                                   : "the rest of this drop-in is ignored");
                        else
                                unit_note(d, "%s:%u: %s; %s", d->src[i].path, line,
                                          r == -ENOBUFS ? "line too long" : "invalid line",
                                          fragment ? "systemd would refuse to load the unit"
                                                   : "the rest of this drop-in is ignored");
                        r = 0;
                }
        }
        d->cur = NULL;
        /* service_verify(): "Service has more than one ExecStart= setting, which is
         * only allowed for Type=oneshot services. Refusing." */
        if (d->n_cmds > 1 && !(d->type && strcmp(d->type, "oneshot") == 0))
                unit_note(d, "more than one ExecStart= command line and Type= is not oneshot; "
                          "systemd would refuse to load the unit");
        r = unit_resolve_env(d, ctx);
        if (r == 0)
                r = unit_resolve_cmds(d, ctx);
out:
        kfs_strv_release(&dirs);
        free(home);
        if (r < 0) {
                unit_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

/* ---- views ---- */

/* What every view starts with: the masked line (and nothing after it:
 * returns true), or the "# " notes of .flags and .env. */
static bool unit_render_head(const struct unit_doc *d, struct kfs_buf *out, bool notes)
{
        if (d->masked) {
                kfs_buf_addf(out, "%s\n", d->masked);
                return true;
        }
        for (size_t i = 0; notes && i < d->notes.n; i++) {
                kfs_buf_add(out, "# ");
                kfs_flags_redact_text(out, d->notes.v[i], strlen(d->notes.v[i]), NULL);
                kfs_buf_addc(out, '\n');
        }
        return false;
}

static int unit_render_flags(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct unit_doc *d = doc;

        if (unit_render_head(d, out, true))
                return out->err;
        if (d->n_cmds == 0)
                kfs_buf_addf(out, "# %s has no ExecStart=\n", d->name);
        for (size_t i = 0; i < d->n_cmds; i++) {
                const struct unit_cmd *c = &d->cmds[i];
                char **argv;

                if (i > 0)
                        kfs_buf_addc(out, '\n');
                /* the path and the words together, so "--token" and its value stay paired */
                argv = malloc((c->out.n + 1) * sizeof(*argv));
                if (!argv)
                        return -ENOMEM;
                argv[0] = c->path;
                for (size_t j = 0; j < c->out.n; j++)
                        argv[j + 1] = c->out.v[j];
                kfs_flags_add_argv(out, argv, c->out.n + 1);
                free(argv);
        }
        return out->err;
}

/* shell_maybe_quote(SHELL_ESCAPE_POSIX) for values with control characters. */
static void unit_add_value(struct kfs_buf *out, const char *v)
{
        bool cc = false;

        for (const char *s = v; *s && !cc; s++)
                cc = (unsigned char) *s < ' ' || *s == 0x7f;
        if (!cc) {
                kfs_flags_redact_text(out, v, strlen(v), NULL);
                return;
        }
        kfs_buf_add(out, "$'");
        for (const unsigned char *s = (const unsigned char *) v; *s; s++) {
                switch (*s) {
                case '\n': kfs_buf_add(out, "\\n"); break;
                case '\t': kfs_buf_add(out, "\\t"); break;
                case '\r': kfs_buf_add(out, "\\r"); break;
                case '\\': kfs_buf_add(out, "\\\\"); break;
                case '\'': kfs_buf_add(out, "\\'"); break;
                default:
                        if (*s < ' ' || *s == 0x7f)
                                kfs_buf_addf(out, "\\x%02x", *s);
                        else
                                kfs_buf_addc(out, (char) *s);
                }
        }
        kfs_buf_addc(out, '\'');
}

static int unit_render_env(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct unit_doc *d = doc;

        if (unit_render_head(d, out, true))
                return out->err;
        for (size_t i = 0; i < d->env.l.n; i++) {
                const char *a = d->env.l.v[i], *eq = strchr(a, '=');

                kfs_buf_addn(out, a, (size_t) (eq - a) + 1);
                if (kfs_redact_value(a, (size_t) (eq - a), eq + 1, strlen(eq + 1)))
                        kfs_buf_add(out, KFS_REDACTED);
                else
                        unit_add_value(out, eq + 1);
                kfs_buf_addc(out, '\n');
        }
        return out->err;
}

/*
 * One line of a unit file with secret values replaced: "Key=" kept, the rest
 * redacted. `st` carries a secret flag ("--token \") to the value on
 * the next line; comment lines neither use nor change it.
 */
static void unit_add_line(struct kfs_buf *out, const char *l, size_t n, struct kfs_flags_text *st, bool *cont)
{
        size_t k = 0, e, t = n;
        bool scratch = false, continued = *cont;

        while (k < n && (l[k] == ' ' || l[k] == '\t'))
                k++;
        if (k < n && (l[k] == '#' || l[k] == ';')) {
                kfs_flags_redact_text(out, l, n, &scratch);
                return;
        }
        if (k < n && l[k] == '[') {
                *st = (struct kfs_flags_text) { 0 };
                kfs_buf_addn(out, l, n);
                return;
        }
        /* a line after one ending in a backslash continues it, whatever it looks like ("-t=x") */
        while (t > 0 && (l[t - 1] == ' ' || l[t - 1] == '\t' || l[t - 1] == '\r'))
                t--;
        *cont = t > 0 && l[t - 1] == '\\';
        if (continued) {
                kfs_flags_redact_text_state(out, l, n, st);
                return;
        }
        /* "Key=" starts an assignment; anything else continues one */
        for (e = k; e < n && l[e] != '=' && l[e] != ' ' && l[e] != '\t' && l[e] != '"' && l[e] != '\''; e++)
                ;
        while (e < n && (l[e] == ' ' || l[e] == '\t'))
                e++;
        if (e < n && l[e] == '=' && e > k) {
                *st = (struct kfs_flags_text) { 0 };
                kfs_buf_addn(out, l, e + 1);
                kfs_flags_redact_text_state(out, l + e + 1, n - e - 1, st);
        } else {
                kfs_flags_redact_text_state(out, l, n, st);
        }
}

static int unit_render_unit(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct unit_doc *d = doc;

        if (unit_render_head(d, out, false))
                return out->err;
        for (size_t i = 0; i < d->n_src; i++) {
                const struct unit_src *s = &d->src[i];
                const char *p = s->data, *end = s->data + s->len;
                struct kfs_flags_text st = { 0 };
                bool cont = false;

                kfs_buf_addf(out, "%s# %s\n", i ? "\n" : "", s->path);
                while (p < end) {
                        const char *nl = memchr(p, '\n', (size_t) (end - p));
                        size_t n = nl ? (size_t) (nl - p) : (size_t) (end - p);

                        unit_add_line(out, p, n, &st, &cont);
                        kfs_buf_addc(out, '\n');        /* also after a last line without one */
                        p += n + 1;
                }
        }
        return out->err;
}

static const struct kfs_view unit_views[] = {
        { "flags", unit_render_flags, 0 },
        { "env", unit_render_env, 0 },
        { "unit", unit_render_unit, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_unit = {
        .name = "unit",
        .match = unit_match,
        .parse = unit_parse,
        .free = unit_free,
        .views = unit_views,
};
