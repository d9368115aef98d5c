/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's kubelet as its files configure it (kubelet.h).
 *
 * The order is kubelet's own (cmd/kubelet/app/server.go):
 *  1. without --config, the command-line defaults (applyLegacyDefaults over
 *     the v1beta1 defaults: anonymous auth on, AlwaysAllow, read-only port
 *     10255); with --config, the file (relative paths in it made relative to
 *     its directory) and then the v1beta1 defaults for what it leaves unset
 *     (loadConfigFile; a pointer field only when absent, a plain field also
 *     when zero: `streamingConnectionIdleTimeout: 0s` means 4h0m0s);
 *  2. the --config-dir drop-ins: every *.conf under it, subdirectories
 *     included, in lexical order (filepath.WalkDir), each a JSON merge patch
 *     (RFC 7386) over the configuration so far, then the defaults again
 *     (mergeKubeletConfigurations);
 *  3. the flags bound to config fields, re-parsed over the result
 *     (kubeletConfigFlagPrecedence): the last use of a flag wins.
 * Every value keeps where it came from, by .flat path.
 */
#include "kubelet.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flags.h"
#include "kubelet-int.h"
#include "redact.h"
#include "root.h"
#include "yflat.h"
#include "ydoc.h"
#include "jsonbuf.h"

#define KUBELET_MAX_ARGS 4096           /* argv elements taken from a .flags view */
#define KUBELET_MAX_DROPINS 256         /* *.conf files merged from --config-dir */
#define KUBELET_MAX_DROPIN_DEPTH 8      /* subdirectories of --config-dir entered */
#define KUBELET_MAX_DIR_ENTRIES 4096    /* entries read from one drop-in directory */
#define KUBELET_MAX_SOURCES 100000      /* values tracked (a config is ~100) */

#define KUBELET_GROUP_VERSION "kubelet.config.k8s.io/v1beta1"

struct kl_flag {
        char *name;                     /* without dashes, '_' made '-' */
        char *value;
};

struct kfs_kubelet {
        char **argv;
        size_t argc;
        char *argv_source;              /* "/usr/lib/systemd/system/kubelet.service" */
        char *flags_text;               /* the flags report */
        struct kl_flag *flags;
        size_t n_flags;
        const char *kind;               /* "unit", "k3s", "rke2", "microk8s" */
        char *cwd;                      /* its working directory, ROOT-relative ("" for /) */
        char *config_path;              /* "/var/lib/kubelet/config.yaml", or NULL */
        bool config_read;               /* it was read and parsed */
        char *config_dir;               /* "/etc/kubernetes/kubelet.conf.d", or NULL */
        char **dropins;                 /* ROOT paths with '/', in merge order */
        size_t n_dropins;
        json_t *config;                 /* the effective KubeletConfiguration */
        json_t *sources;                /* .flat path -> where it came from */
        json_t *texts;                  /* .flat path -> JSON text, for kfs_kubelet_get() */
        struct kfs_buf notes;           /* "# " lines */
        char *error;                    /* why the kubelet would not start, or NULL */
};

/* ---- small helpers ---- */

static void kl_note(struct kfs_kubelet *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kl_note(struct kfs_kubelet *k, const char *fmt, ...)
{
        va_list ap;

        kfs_buf_add(&k->notes, "# ");
        va_start(ap, fmt);
        kfs_buf_vaddf(&k->notes, fmt, ap);
        va_end(ap);
        kfs_buf_addc(&k->notes, '\n');
}

static void kl_fail(struct kfs_kubelet *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kl_fail(struct kfs_kubelet *k, const char *fmt, ...)
{
        va_list ap;
        char buf[1024];

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        kl_note(k, "%s", buf);
        if (!k->error)
                k->error = strdup(buf);
}

/* A ROOT-relative path from an absolute one the kubelet would use ("/a/b"
 * -> "a/b"), relative ones taken from `cwd` (ROOT-relative). */
static char *kl_rel(const char *cwd, const char *path)
{
        return kfs_path_join(path[0] == '/' ? "" : cwd, path);
}

static char *kl_show(const char *rel)
{
        char *s;

        return asprintf(&s, "/%s", rel) < 0 ? NULL : s;
}

/* ---- the configuration tree with its sources ---- */

/* Drops the sources of `path` and of everything below it. */
static void src_drop(struct kfs_kubelet *k, const char *path)
{
        size_t n = strlen(path);
        const char *key;
        json_t *v;
        void *tmp;

        json_object_foreach_safe(k->sources, tmp, key, v) {
                if (strncmp(key, path, n) == 0 && (key[n] == '\0' || key[n] == '.' || key[n] == '['))
                        json_object_del(k->sources, key);
        }
}

static void src_set(struct kfs_kubelet *k, const char *path, const char *source)
{
        src_drop(k, path);
        if (json_object_size(k->sources) < KUBELET_MAX_SOURCES)
                json_object_set_new(k->sources, path, json_string(source));
}

/* The source of `path`, or of the nearest thing above it that has one. */
static const char *src_get(const struct kfs_kubelet *k, const char *path)
{
        char *p = strdup(path);
        const char *s = NULL;

        while (p && *p) {
                json_t *v = json_object_get(k->sources, p);
                char *cut;

                if (v) {
                        s = json_string_value(v);
                        break;
                }
                cut = strrchr(p, p[strlen(p) - 1] == ']' ? '[' : '.');
                if (!cut || cut == p)
                        break;
                *cut = '\0';
        }
        free(p);
        return s;
}

/* RFC 7386 merge of object `patch` into object `target`; `path` holds the
 * .flat path of `target`. */
static int kl_merge(struct kfs_kubelet *k, json_t *target, json_t *patch, struct kfs_buf *path, const char *source)
{
        const char *key;
        json_t *v;

        json_object_foreach(patch, key, v) {
                size_t mark = path->len;
                json_t *t;

                kfs_yflat_key(path, key, strlen(key), mark == 0);
                if (path->err)
                        return path->err;
                if (json_is_null(v)) {
                        json_object_del(target, key);
                        src_drop(k, kfs_buf_str(path));
                } else if (json_is_object(v)) {
                        t = json_object_get(target, key);
                        if (!json_is_object(t)) {
                                t = json_object();
                                json_object_set_new(target, key, t);
                                src_drop(k, kfs_buf_str(path));
                        }
                        if (json_object_size(v) == 0 && json_object_size(t) == 0)
                                src_set(k, kfs_buf_str(path), source);
                        kl_merge(k, t, v, path, source);
                } else {
                        json_object_set(target, key, v);
                        src_set(k, kfs_buf_str(path), source);
                }
                kfs_buf_truncate(path, mark);
        }
        return 0;
}

/* The node at dotted `path` ("authentication.anonymous.enabled"), or NULL. */
static json_t *kl_at(json_t *root, const char *path)
{
        char buf[256], *save = NULL;
        json_t *n = root;

        snprintf(buf, sizeof(buf), "%s", path);
        for (char *c = strtok_r(buf, ".", &save); c && n; c = strtok_r(NULL, ".", &save))
                n = json_object_get(n, c);
        return n;
}

/* Sets dotted `path` to `v` (stolen), creating the maps on the way; the
 * whole value is from `source`. */
static void kl_set(struct kfs_kubelet *k, const char *path, json_t *v, const char *source)
{
        char buf[256], *save = NULL, *c, *next;
        json_t *n = k->config;

        snprintf(buf, sizeof(buf), "%s", path);
        c = strtok_r(buf, ".", &save);
        while (c && (next = strtok_r(NULL, ".", &save))) {
                json_t *m = json_object_get(n, c);

                if (!json_is_object(m)) {
                        m = json_object();
                        json_object_set_new(n, c, m);
                }
                n = m;
                c = next;
        }
        json_object_set_new(n, c, v);
        src_set(k, path, source);
}

static bool kl_zero(const json_t *v, bool duration)
{
        int64_t d;

        if (!v || json_is_null(v) || json_is_false(v))
                return true;
        if (json_is_integer(v))
                return json_integer_value(v) == 0;
        if (json_is_real(v))
                return json_real_value(v) == 0;
        if (json_is_string(v))
                return !*json_string_value(v) ||
                       (duration && kfs_kubelet_duration_parse(json_string_value(v), &d) && d == 0);
        if (json_is_array(v))
                return json_array_size(v) == 0;
        return false;
}

static bool kl_is_duration_default(const struct kfs_kubelet_default *d)
{
        int64_t ns;
        char s[64];

        if (d->json[0] != '"')
                return false;
        snprintf(s, sizeof(s), "%.*s", (int) strlen(d->json) - 2, d->json + 1);
        return kfs_kubelet_duration_parse(s, &ns);
}

/* SetDefaults_KubeletConfiguration over what is there. */
static void kl_defaults(struct kfs_kubelet *k)
{
        for (const struct kfs_kubelet_default *d = kfs_kubelet_defaults; d->path; d++) {
                json_t *cur = kl_at(k->config, d->path);
                bool unset = d->unset == KUBELET_NIL ? !cur || json_is_null(cur)
                                                     : kl_zero(cur, kl_is_duration_default(d));

                if (strcmp(d->path, "nodeStatusReportFrequency") == 0) {
                        json_t *upd = kl_at(k->config, "nodeStatusUpdateFrequency");

                        if (!kl_zero(cur, true))
                                continue;
                        if (!kl_zero(upd, true)) {
                                kl_set(k, d->path, json_deep_copy(upd), "default");
                                continue;
                        }
                } else if (strcmp(d->path, "podPidsLimit") == 0) {
                        unset = !json_is_integer(cur) || json_integer_value(cur) < -1;
                } else if (strcmp(d->path, "serializeImagePulls") == 0) {
                        json_t *par = kl_at(k->config, "maxParallelImagePulls");

                        if (cur && !json_is_null(cur))
                                continue;
                        kl_set(k, d->path, json_boolean(!json_is_integer(par) || json_integer_value(par) < 2),
                               "default");
                        continue;
                }
                if (unset)
                        kl_set(k, d->path, json_loads(d->json, JSON_DECODE_ANY, NULL), "default");
        }
}

/* loadConfigFile: evictionHard, which has no default in SetDefaults. */
static void kl_eviction_defaults(struct kfs_kubelet *k)
{
        json_t *eh = json_object_get(k->config, "evictionHard");
        bool merge = json_is_true(json_object_get(k->config, "mergeDefaultEvictionSettings"));

        if (eh && !json_is_null(eh) && !merge)
                return;
        if (!json_is_object(eh)) {
                eh = json_object();
                json_object_set_new(k->config, "evictionHard", eh);
        }
        for (const struct kfs_kubelet_default *d = kfs_kubelet_default_eviction_hard; d->path; d++) {
                struct kfs_buf p = KFS_BUF_INIT(1024);

                if (json_object_get(eh, d->path))
                        continue;
                json_object_set_new(eh, d->path, json_loads(d->json, JSON_DECODE_ANY, NULL));
                kfs_buf_add(&p, "evictionHard");
                kfs_yflat_key(&p, d->path, strlen(d->path), false);
                src_set(k, kfs_buf_str(&p), "default");
                kfs_buf_release(&p);
        }
}

/* Durations as the kubelet keeps them (time.Duration) and shows them
 * (Duration.String(): "4h" is "4h0m0s"). */
static void kl_normalize_durations(struct kfs_kubelet *k)
{
        for (const struct kfs_kubelet_flag *f = kfs_kubelet_flags; f->name; f++) {
                json_t *v;
                int64_t ns;
                char buf[40];

                if (f->type != KF_DURATION || !(v = kl_at(k->config, f->path)) || !json_is_string(v) ||
                    !kfs_kubelet_duration_parse(json_string_value(v), &ns))
                        continue;
                kfs_kubelet_duration_format(ns, buf);
                json_string_set(v, buf);
        }
}

/* ---- reading config files ---- */

/* The YAML or JSON document of ROOT file `rel` as a JSON object. */
static int kl_load_doc(struct kfs_kubelet *k, const struct kfs_report_env *env, const char *rel, json_t **ret)
{
        struct kfs_buf text = KFS_BUF_INIT(SIZE_MAX / 2);
        struct kfs_ydoc *doc = NULL;
        char *data = NULL, err[256] = "";
        size_t len;
        json_t *obj = NULL;
        int r;

        r = kfs_report_read(env, rel, &data, &len);
        if (r < 0)
                return r;
        r = kfs_ydoc_parse(data, len, &doc, err, sizeof(err));
        free(data);
        if (r < 0) {
                kl_fail(k, "/%s: %s: the kubelet would not start", rel, err);
                return r;
        }
        if (doc->n_docs == 0 || !doc->docs[0] || kfs_ynull(doc->docs[0]))
                obj = json_object();
        else if (kfs_yjson_render(doc->docs, 1, &text, err, sizeof(err)) == 0)
                obj = json_loads(kfs_buf_str(&text), 0, NULL);
        kfs_ydoc_free(doc);
        kfs_buf_release(&text);
        if (!json_is_object(obj)) {
                json_decref(obj);
                kl_fail(k, "/%s: not a KubeletConfiguration map: the kubelet would not start", rel);
                return -EINVAL;
        }
        *ret = obj;
        return 0;
}

static bool kl_gvk_ok(const json_t *obj)
{
        const char *kind = json_string_value(json_object_get(obj, "kind"));
        const char *api = json_string_value(json_object_get(obj, "apiVersion"));

        return kind && api && strcmp(kind, "KubeletConfiguration") == 0 && strcmp(api, KUBELET_GROUP_VERSION) == 0;
}

/* Relative paths in the --config file are the file's directory's (resolveRelativePaths). */
static void kl_resolve_paths(json_t *obj, const char *dir)
{
        for (size_t i = 0; kfs_kubelet_path_refs[i]; i++) {
                json_t *v = kl_at(obj, kfs_kubelet_path_refs[i]);
                const char *s = json_string_value(v);
                char *abs;

                if (!s || !*s || s[0] == '/')
                        continue;
                abs = kfs_path_join(dir, s);
                if (abs) {
                        char *shown = kl_show(abs);

                        if (shown)
                                json_string_set(v, shown);
                        free(shown);
                }
                free(abs);
        }
}

static int kl_load_config(struct kfs_kubelet *k, const struct kfs_report_env *env, const char *rel)
{
        struct kfs_buf path = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH);
        struct stat st;
        json_t *obj;
        char *dir;
        int r;

        if (kfs_root_stat(env->root, rel, KFS_RESOLVE_FOLLOW, &st) < 0) {
                kl_fail(k, "%s: no such file: the kubelet refuses to start without its --config file",
                        k->config_path);
                return -ENOENT;
        }
        r = kl_load_doc(k, env, rel, &obj);
        if (r == -EACCES) {
                kl_fail(k, "%s: you may not read it: the values it sets are not shown", k->config_path);
                return r;
        }
        if (r < 0)
                return r;
        if (!kl_gvk_ok(obj))
                kl_note(k, "%s: kind/apiVersion is not KubeletConfiguration/%s", k->config_path,
                        KUBELET_GROUP_VERSION);
        dir = kfs_path_dirname(rel);
        if (dir)
                kl_resolve_paths(obj, dir);
        free(dir);
        r = kl_merge(k, k->config, obj, &path, k->config_path);
        json_decref(obj);
        kfs_buf_release(&path);
        k->config_read = r == 0;
        return r;
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* filepath.WalkDir of `rel`: lexical order, subdirectories entered where
 * they sort, symlinks not followed into. Collects *.conf into k->dropins. */
static void kl_walk_dropins(struct kfs_kubelet *k, const struct kfs_report_env *env, const char *rel, int depth)
{
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int fd;

        if (depth > KUBELET_MAX_DROPIN_DEPTH) {
                kl_note(k, "/%s: deeper than %d directories: not entered", rel, KUBELET_MAX_DROPIN_DEPTH);
                return;
        }
        if (!kfs_report_may_list(env, rel)) {
                kl_fail(k, "/%s: you may not list it: its drop-ins are not shown", rel);
                return;
        }
        fd = kfs_root_open(env->root, rel, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_FOLLOW);
        d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        names = calloc(KUBELET_MAX_DIR_ENTRIES, sizeof(*names));
        while (names && (de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (n == KUBELET_MAX_DIR_ENTRIES) {
                        kl_note(k, "/%s: more than %d entries: the rest not read", rel, KUBELET_MAX_DIR_ENTRIES);
                        break;
                }
                if ((names[n] = strdup(de->d_name)))
                        n++;
        }
        closedir(d);
        if (names)
                qsort(names, n, sizeof(*names), name_cmp);
        for (size_t i = 0; i < n; i++) {
                char *child = kfs_path_join(rel, names[i]);
                struct stat st;
                size_t len = strlen(names[i]);

                if (child && kfs_root_stat(env->root, child, KFS_RESOLVE_NOFOLLOW, &st) == 0) {
                        if (S_ISDIR(st.st_mode))
                                kl_walk_dropins(k, env, child, depth + 1);
                        else if (len > 5 && strcmp(names[i] + len - 5, ".conf") == 0) {
                                if (k->n_dropins == KUBELET_MAX_DROPINS)
                                        kl_note(k, "/%s: more than %d drop-ins: not merged", child,
                                                KUBELET_MAX_DROPINS);
                                else if ((k->dropins[k->n_dropins] = kl_show(child)))
                                        k->n_dropins++;
                        }
                }
                free(child);
                free(names[i]);
        }
        free(names);
}

static void kl_load_dropins(struct kfs_kubelet *k, const struct kfs_report_env *env, const char *rel)
{
        struct stat st;

        if (kfs_root_stat(env->root, rel, KFS_RESOLVE_FOLLOW, &st) < 0) {
                kl_note(k, "%s: no such directory: no drop-ins", k->config_dir);
                return;
        }
        k->dropins = calloc(KUBELET_MAX_DROPINS, sizeof(*k->dropins));
        if (!k->dropins)
                return;
        kl_walk_dropins(k, env, rel, 0);
        for (size_t i = 0; i < k->n_dropins; i++) {
                struct kfs_buf path = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH);
                json_t *obj;
                int r = kl_load_doc(k, env, k->dropins[i] + 1, &obj);

                if (r == -EACCES) {
                        kl_fail(k, "%s: you may not read it: the values it sets are not shown", k->dropins[i]);
                        continue;
                }
                if (r < 0)
                        continue;
                if (!kl_gvk_ok(obj))
                        kl_fail(k, "%s: no kind: KubeletConfiguration / apiVersion: %s: the kubelet refuses it",
                                k->dropins[i], KUBELET_GROUP_VERSION);
                else
                        kl_merge(k, k->config, obj, &path, k->dropins[i]);
                json_decref(obj);
                kfs_buf_release(&path);
        }
        kl_defaults(k);
}

/* ---- flags ---- */

static bool kl_parse_bool(const char *s, bool *ret)
{
        static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
        static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False", NULL };

        for (size_t i = 0; t[i]; i++) {
                if (strcmp(s, t[i]) == 0)
                        return *ret = true;
                if (strcmp(s, f[i]) == 0)
                        return !(*ret = false);
        }
        return false;
}

/* pflag's parse of argv[1..]: --name=value, --name value, bool --name. */
static int kl_parse_argv(struct kfs_kubelet *k)
{
        k->flags = calloc(k->argc ? k->argc : 1, sizeof(*k->flags));
        if (!k->flags)
                return -ENOMEM;
        for (size_t i = 1; i < k->argc; i++) {
                const char *a = k->argv[i], *eq;
                char *name;

                if (strcmp(a, "--") == 0)
                        break;          /* pflag: the rest are arguments */
                if (a[0] != '-' || strcmp(a, "-") == 0)
                        continue;
                a += a[1] == '-' ? 2 : 1;
                eq = strchr(a, '=');
                name = eq ? strndup(a, (size_t) (eq - a)) : strdup(a);
                if (!name)
                        return -ENOMEM;
                for (char *p = name; *p; p++)
                        if (*p == '_')
                                *p = '-';
                if (eq)
                        k->flags[k->n_flags].value = strdup(eq + 1);
                else if (kfs_kubelet_flag_is_bool(name))
                        k->flags[k->n_flags].value = strdup("true");
                else if (i + 1 < k->argc)
                        k->flags[k->n_flags].value = strdup(k->argv[++i]);
                else
                        k->flags[k->n_flags].value = strdup("");
                k->flags[k->n_flags++].name = name;
        }
        return 0;
}

static json_t *kl_flag_map(json_t *into, const char *value, char sep, bool booleans)
{
        char *copy = strdup(value), *save = NULL;

        if (!copy)
                return into;
        for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char *s = strchr(item, sep);
                bool b;

                while (*item == ' ')
                        item++;
                if (!s)
                        continue;
                *s++ = '\0';
                if (booleans)
                        json_object_set_new(into, item, kl_parse_bool(s, &b) ? json_boolean(b) : json_string(s));
                else
                        json_object_set_new(into, item, json_string(s));
        }
        free(copy);
        return into;
}

static void kl_apply_flags(struct kfs_kubelet *k)
{
        size_t n_known = 0;
        bool *seen;

        while (kfs_kubelet_flags[n_known].name)
                n_known++;
        seen = calloc(n_known + 1, sizeof(bool));

        for (size_t i = 0; i < k->n_flags; i++) {
                const struct kfs_kubelet_flag *f = kfs_kubelet_flag_find(k->flags[i].name);
                const char *v = k->flags[i].value;
                char source[256], buf[40];
                json_t *val = NULL, *cur;
                long long n;
                int64_t ns;
                char *end;
                bool b;

                if (!f)
                        continue;
                snprintf(source, sizeof(source), "flag --%s", f->name);
                switch (f->type) {
                case KF_BOOL:
                        if (kl_parse_bool(v, &b))
                                val = json_boolean(b);
                        break;
                case KF_INT:
                        n = strtoll(v, &end, 0);
                        if (*v && !*end)
                                val = json_integer(n);
                        break;
                case KF_FLOAT:
                        val = json_real(strtod(v, NULL));
                        break;
                case KF_STRING:
                        val = json_string(v);
                        break;
                case KF_DURATION:
                        if (kfs_kubelet_duration_parse(v, &ns)) {
                                kfs_kubelet_duration_format(ns, buf);
                                val = json_string(buf);
                        }
                        break;
                case KF_LIST: {
                        char *copy = strdup(v), *save = NULL;

                        val = json_array();
                        for (char *it = copy ? strtok_r(copy, ",", &save) : NULL; it; it = strtok_r(NULL, ",", &save))
                                json_array_append_new(val, json_string(it));
                        free(copy);
                        break;
                }
                case KF_MAP:
                case KF_LANGLEMAP:
                case KF_MAPBOOL:
                        /* the first use replaces the config's map (cliflag's Set
                         * starts a new map), later uses add; feature gates the
                         * config set and the flags do not name are put back */
                        cur = kl_at(k->config, f->path);
                        if (f->type == KF_MAPBOOL || (seen && seen[f - kfs_kubelet_flags]))
                                val = json_is_object(cur) ? json_deep_copy(cur) : json_object();
                        else
                                val = json_object();
                        kl_flag_map(val, v, f->type == KF_LANGLEMAP ? '<' : '=', f->type == KF_MAPBOOL);
                        break;
                }
                if (!val) {
                        kl_fail(k, "flag --%s=%s: not a valid value: the kubelet would not start", f->name, v);
                        continue;
                }
                if (seen)
                        seen[f - kfs_kubelet_flags] = true;
                kl_set(k, f->path, val, source);
        }
        free(seen);
}

/* ---- finding the kubelet ---- */

/* argv from a .flags view: one element a line, "# " lines are notes. */
static int kl_argv_from_view(struct kfs_kubelet *k, const char *text, const char *argv0)
{
        char *copy = strdup(text), *save = NULL;

        k->argv = calloc(KUBELET_MAX_ARGS + 1, sizeof(char *));
        if (!copy || !k->argv) {
                free(copy);
                return -ENOMEM;
        }
        if (argv0)
                k->argv[k->argc++] = strdup(argv0);
        for (char *l = strtok_r(copy, "\n", &save); l && k->argc < KUBELET_MAX_ARGS; l = strtok_r(NULL, "\n", &save)) {
                if (strncmp(l, "# ", 2) == 0 || *l == '\0')
                        continue;
                k->argv[k->argc++] = strdup(l);
        }
        free(copy);
        return 0;
}

/* WorkingDirectory= of the [Service] sections of a .unit view (the unit
 * and its drop-ins in order; the last assignment wins, an empty one resets
 * it), ROOT-relative; "" (/) when unset, as systemd runs system services. */
static char *kl_working_directory(const char *unit)
{
        char *copy = strdup(unit), *save = NULL, *cwd = strdup("");
        bool service = false;

        for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l && cwd; l = strtok_r(NULL, "\n", &save)) {
                const char *v;

                if (*l == '[') {
                        service = strcmp(l, "[Service]") == 0;
                        continue;
                }
                if (!service || strncmp(l, "WorkingDirectory=", 17) != 0)
                        continue;
                v = l + 17;
                if (*v == '-')
                        v++;
                free(cwd);
                /* "~" is the home of User=, root's when unset */
                cwd = strcmp(v, "~") == 0 ? strdup("root") : kfs_path_join("", v);
        }
        free(copy);
        return cwd;
}

static int kl_from_unit(struct kfs_kubelet *k, const struct kfs_report_env *env)
{
        static const char *const units[] = {
                "etc/systemd/system/kubelet.service", "run/systemd/system/kubelet.service",
                "usr/local/lib/systemd/system/kubelet.service", "usr/lib/systemd/system/kubelet.service",
                "lib/systemd/system/kubelet.service", NULL,
        };

        for (size_t i = 0; units[i]; i++) {
                struct kfs_report_decode d;
                const struct kfs_output *o;
                struct stat st;
                int r;

                if (kfs_root_stat(env->root, units[i], KFS_RESOLVE_NOFOLLOW, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                r = kfs_report_decode(env, units[i], "unit", &d);
                if (r < 0) {
                        kl_note(k, "/%s: %s", units[i], r == -EACCES ? "you may not read it" : strerror(-r));
                        return r;
                }
                o = kfs_report_view(&d, "flags");
                if (!o || !o->data) {
                        kfs_report_release(env, &d);
                        continue;
                }
                k->flags_text = strdup(o->data);
                r = kl_argv_from_view(k, o->data, NULL);
                o = kfs_report_view(&d, "unit");
                if (o && o->data)
                        k->cwd = kl_working_directory(o->data);
                kfs_report_release(env, &d);
                k->argv_source = kl_show(units[i]);
                k->kind = "unit";
                return r < 0 ? r : 1;
        }
        return 0;
}

/*
 * k3s and rke2 run the kubelet inside their own process with arguments they
 * make (k3s pkg/daemons/agent, kubeletArgsAndConfig: --config-dir under the
 * data dir, --kubeconfig, --read-only-port=0, --hostname-override, --node-ip,
 * --node-labels), then the kubelet-arg values over them (util.GetArgs: a
 * kubelet-arg replaces the argument of the same name), sorted.
 */
static int kl_from_rancher(struct kfs_kubelet *k, const struct kfs_report_env *env)
{
        static const char *const dists[] = { "k3s", "rke2", NULL };

        for (size_t i = 0; dists[i]; i++) {
                char cfg[64], *data_dir = NULL, *node_name = NULL, *node_ip = NULL;
                bool ccm = true;
                struct kfs_buf labels = KFS_BUF_INIT(1 << 20), text = KFS_BUF_INIT(SIZE_MAX / 2);
                char **extra = NULL, **args = NULL;
                size_t n_extra = 0, n_args = 0;
                struct kfs_report_decode d;
                const struct kfs_output *o;
                struct stat st;
                int r;

                snprintf(cfg, sizeof(cfg), "etc/rancher/%s/config.yaml", dists[i]);
                if (kfs_root_stat(env->root, cfg, KFS_RESOLVE_FOLLOW, &st) < 0)
                        continue;
                r = kfs_report_decode(env, cfg, "rancher", &d);
                if (r < 0) {
                        kl_note(k, "/%s: %s", cfg, r == -EACCES ? "you may not read it" : strerror(-r));
                        return r;
                }
                o = kfs_report_view(&d, "flags");
                extra = calloc(KUBELET_MAX_ARGS, sizeof(char *));
                args = calloc(KUBELET_MAX_ARGS + 8, sizeof(char *));
                if (!extra || !args) {
                        kfs_report_release(env, &d);
                        free(extra);
                        free(args);
                        return -ENOMEM;
                }
                {
                        char *save = NULL, *copy = o && o->data ? strdup(o->data) : NULL;

                        for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
                                const char *v;

                                if (strncmp(l, "# ", 2) == 0) {
                                        kfs_buf_addf(&text, "%s\n", l);
                                        continue;
                                }
                                v = strchr(l, '=');
                                v = v ? v + 1 : "true";
                                if (strncmp(l, "--kubelet-arg=", 14) == 0 && n_extra < KUBELET_MAX_ARGS)
                                        extra[n_extra++] = strdup(v);
                                else if (strncmp(l, "--data-dir=", 11) == 0 || strncmp(l, "-d=", 3) == 0) {
                                        free(data_dir);
                                        data_dir = strdup(v);
                                } else if (strncmp(l, "--node-name=", 12) == 0) {
                                        free(node_name);
                                        node_name = strdup(v);
                                } else if (strncmp(l, "--node-ip=", 10) == 0 || strncmp(l, "-i=", 3) == 0) {
                                        free(node_ip);
                                        node_ip = strdup(v);
                                } else if (strncmp(l, "--disable-cloud-controller=", 27) == 0) {
                                        ccm = strcmp(v, "true") != 0;
                                } else if (strncmp(l, "--node-label=", 13) == 0)
                                        kfs_buf_addf(&labels, "%s%s", labels.len ? "," : "", v);
                        }
                        free(copy);
                }
                kfs_report_release(env, &d);
                {
                        char *dd = data_dir ? data_dir : NULL, def[64];
                        struct {
                                const char *name;
                                char *value;
                        } init[8];
                        size_t n_init = 0;

                        snprintf(def, sizeof(def), "/var/lib/rancher/%s", dists[i]);
                        if (!dd)
                                dd = def;
                        if (asprintf(&init[n_init].value, "%s/agent/etc/kubelet.conf.d", dd) >= 0)
                                init[n_init++].name = "config-dir";
                        if (asprintf(&init[n_init].value, "%s/agent/kubelet.kubeconfig", dd) >= 0)
                                init[n_init++].name = "kubeconfig";
                        init[n_init].name = "read-only-port";
                        init[n_init++].value = strdup("0");
                        if (ccm) {
                                /* the embedded cloud controller sets the node's addresses */
                                init[n_init].name = "cloud-provider";
                                init[n_init++].value = strdup("external");
                        }
                        if (node_name) {
                                init[n_init].name = "hostname-override";
                                init[n_init++].value = strdup(node_name);
                        }
                        if (node_ip) {
                                init[n_init].name = "node-ip";
                                init[n_init++].value = strdup(node_ip);
                        }
                        init[n_init].name = "node-labels";
                        init[n_init++].value = strdup(kfs_buf_str(&labels));
                        for (size_t j = 0; j < n_init; j++) {
                                bool replaced = false;

                                for (size_t e = 0; e < n_extra; e++) {
                                        size_t nl = strlen(init[j].name);

                                        if (extra[e] && strncmp(extra[e], init[j].name, nl) == 0 &&
                                            (extra[e][nl] == '=' || extra[e][nl] == '\0'))
                                                replaced = true;
                                }
                                if (!replaced && init[j].value &&
                                    asprintf(&args[n_args], "--%s=%s", init[j].name, init[j].value) >= 0)
                                        n_args++;
                                free(init[j].value);
                        }
                }
                for (size_t e = 0; e < n_extra; e++) {
                        if (extra[e] && asprintf(&args[n_args], "--%s%s", extra[e], strchr(extra[e], '=') ? "" : "=true") >= 0)
                                n_args++;
                        free(extra[e]);
                }
                free(extra);
                qsort(args, n_args, sizeof(*args), name_cmp);
                kfs_buf_addf(&text, "# the kubelet %s runs inside its own process: %s's arguments, then kubelet-arg from /%s\n",
                             dists[i], dists[i], cfg);
                kfs_buf_add(&text, "kubelet\n");
                for (size_t j = 0; j < n_args; j++)
                        kfs_flags_add_arg(&text, args[j]);
                k->flags_text = kfs_buf_detach(&text, NULL);
                r = kl_argv_from_view(k, k->flags_text ? k->flags_text : "", NULL);
                for (size_t j = 0; j < n_args; j++)
                        free(args[j]);
                free(args);
                free(data_dir);
                free(node_name);
                free(node_ip);
                kfs_buf_release(&labels);
                kfs_buf_release(&text);
                k->argv_source = kl_show(cfg);
                k->kind = dists[i];
                return r < 0 ? r : 1;
        }
        return 0;
}

static int kl_from_microk8s(struct kfs_kubelet *k, const struct kfs_report_env *env)
{
        static const char path[] = "var/snap/microk8s/current/args/kubelet";
        struct kfs_report_decode d;
        const struct kfs_output *o;
        struct kfs_buf text = KFS_BUF_INIT(SIZE_MAX / 2);
        struct stat st;
        int r;

        if (kfs_root_stat(env->root, path, KFS_RESOLVE_FOLLOW, &st) < 0)
                return 0;
        r = kfs_report_decode(env, path, "microk8s", &d);
        if (r < 0) {
                kl_note(k, "/%s: %s", path, r == -EACCES ? "you may not read it" : strerror(-r));
                return r;
        }
        o = kfs_report_view(&d, "flags");
        kfs_buf_add(&text, "kubelet\n");
        if (o && o->data)
                kfs_buf_add(&text, o->data);
        kfs_report_release(env, &d);
        k->flags_text = kfs_buf_detach(&text, NULL);
        kfs_buf_release(&text);
        r = kl_argv_from_view(k, k->flags_text ? k->flags_text : "", NULL);
        k->argv_source = kl_show(path);
        k->kind = "microk8s";
        return r < 0 ? r : 1;
}

/* ---- the effective configuration ---- */

static void kl_texts(struct kfs_kubelet *k, const json_t *v, struct kfs_buf *path)
{
        const char *key;
        json_t *c;
        char *s;

        s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(16));
        if (s && path->len)
                json_object_set_new(k->texts, kfs_buf_str(path), json_string(s));
        free(s);
        if (json_is_object(v)) {
                json_object_foreach((json_t *) v, key, c) {
                        size_t mark = path->len;

                        kfs_yflat_key(path, key, strlen(key), mark == 0);
                        kl_texts(k, c, path);
                        kfs_buf_truncate(path, mark);
                }
        }
}

/* staticPodURLHeader may carry credentials (an Authorization header); a
 * key the kubelet does not know may be anything: every value under a name
 * that carries secrets (redact.h) is shown as REDACTED too. */
/* Whether `key` names a KubeletConfiguration field kubefs knows (a
 * component of a defaults or flags path): those are not secrets, even
 * configMapAndSecretChangeDetectionStrategy. */
static bool kl_path_has(const char *path, const char *key, size_t n)
{
        for (const char *p = path; (p = strstr(p, key)); p += n)
                if ((p == path || p[-1] == '.') && (p[n] == '\0' || p[n] == '.'))
                        return true;
        return false;
}

static bool kl_known_field(const char *key)
{
        size_t n = strlen(key);

        for (const struct kfs_kubelet_default *d = kfs_kubelet_defaults; d->path; d++)
                if (kl_path_has(d->path, key, n))
                        return true;
        for (const struct kfs_kubelet_flag *f = kfs_kubelet_flags; f->name; f++)
                if (kl_path_has(f->path, key, n))
                        return true;
        return false;
}

static void kl_redact(json_t *v, int depth)
{
        const char *key;
        json_t *c;

        if (depth > KFS_YDOC_MAX_DEPTH)
                return;
        if (json_is_array(v)) {
                for (size_t i = 0; i < json_array_size(v); i++)
                        kl_redact(json_array_get(v, i), depth + 1);
                return;
        }
        json_object_foreach(v, key, c) {
                if (kfs_redact_name(key, strlen(key)) && !kl_known_field(key) && !json_is_object(c))
                        json_object_set_new(v, key, json_string(KFS_REDACTED));
                else
                        kl_redact(c, depth + 1);
        }
        c = json_object_get(v, "staticPodURLHeader");
        json_object_foreach(c, key, v) {
                json_object_set_new(c, key, json_pack("[s]", KFS_REDACTED));
        }
}

int kfs_kubelet_load(const struct kfs_report_env *env, struct kfs_kubelet **ret)
{
        struct kfs_kubelet *k = calloc(1, sizeof(*k));
        const char *config, *config_dir;
        int r;

        if (!k)
                return -ENOMEM;
        kfs_buf_init(&k->notes, 1 << 20);
        k->config = json_object();
        k->sources = json_object();
        k->texts = json_object();
        if (!k->config || !k->sources || !k->texts) {
                kfs_kubelet_free(k);
                return -ENOMEM;
        }
        r = kl_from_unit(k, env);
        if (r == 0)
                r = kl_from_rancher(k, env);
        if (r == 0)
                r = kl_from_microk8s(k, env);
        if (r <= 0 || k->argc == 0) {
                kfs_kubelet_free(k);
                return r < 0 ? r : -ENOENT;
        }
        r = kl_parse_argv(k);
        if (r < 0) {
                kfs_kubelet_free(k);
                return r;
        }
        config = kfs_kubelet_flag(k, "--config");
        config_dir = kfs_kubelet_flag(k, "--config-dir");
        json_object_set_new(k->config, "kind", json_string("KubeletConfiguration"));
        json_object_set_new(k->config, "apiVersion", json_string(KUBELET_GROUP_VERSION));
        src_set(k, "kind", "default");
        src_set(k, "apiVersion", "default");
        if (config && *config) {
                /* kubelet makes it absolute from its working directory: the
                 * unit's WorkingDirectory=, / without one, and for k3s */
                char *rel = kl_rel(k->cwd ? k->cwd : "", config);

                k->config_path = rel ? kl_show(rel) : NULL;
                if (rel)
                        kl_load_config(k, env, rel);
                free(rel);
                kl_defaults(k);
                kl_eviction_defaults(k);
        } else {
                kl_note(k, "no --config: the kubelet starts from its command-line defaults "
                           "(anonymous auth on, authorization AlwaysAllow, read-only port 10255)");
                kl_defaults(k);
                for (const struct kfs_kubelet_default *d = kfs_kubelet_legacy_defaults; d->path; d++)
                        kl_set(k, d->path, json_loads(d->json, JSON_DECODE_ANY, NULL), "default (no --config)");
                kl_eviction_defaults(k);
        }
        if (config_dir && *config_dir) {
                char *rel = kl_rel(k->cwd ? k->cwd : "", config_dir);

                k->config_dir = rel ? kl_show(rel) : NULL;
                if (rel)
                        kl_load_dropins(k, env, rel);
                free(rel);
                if (k->kind && strcmp(k->kind, "unit") && strcmp(k->kind, "microk8s") && k->config_dir) {
                        bool found = false;

                        for (size_t i = 0; i < k->n_dropins; i++)
                                found |= strstr(k->dropins[i], "/00-") != NULL;
                        if (!found)
                                kl_note(k, "%s writes its kubelet settings to %s/00-%s-defaults.conf at every start; "
                                           "this copy has none, so what it sets there is not known",
                                        k->kind, k->config_dir, k->kind);
                }
        }
        kl_apply_flags(k);
        kl_normalize_durations(k);
        kl_redact(k->config, 0);
        {
                struct kfs_buf path = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH);

                kl_texts(k, k->config, &path);
                kfs_buf_release(&path);
        }
        if (k->notes.err) {
                r = k->notes.err;
                kfs_kubelet_free(k);
                return r;
        }
        *ret = k;
        return 0;
}

void kfs_kubelet_free(struct kfs_kubelet *k)
{
        if (!k)
                return;
        for (size_t i = 0; i < k->argc; i++)
                free(k->argv[i]);
        free(k->argv);
        for (size_t i = 0; i < k->n_flags; i++) {
                free(k->flags[i].name);
                free(k->flags[i].value);
        }
        free(k->flags);
        for (size_t i = 0; i < k->n_dropins; i++)
                free(k->dropins[i]);
        free(k->dropins);
        free(k->argv_source);
        free(k->flags_text);
        free(k->cwd);
        free(k->config_path);
        free(k->config_dir);
        free(k->error);
        json_decref(k->config);
        json_decref(k->sources);
        json_decref(k->texts);
        kfs_buf_release(&k->notes);
        free(k);
}

char *const *kfs_kubelet_argv(const struct kfs_kubelet *k, size_t *ret_n, const char **ret_source)
{
        if (ret_n)
                *ret_n = k->argc;
        if (ret_source)
                *ret_source = k->argv_source;
        return k->argv;
}

const char *kfs_kubelet_flag(const struct kfs_kubelet *k, const char *name)
{
        const char *v = NULL;

        while (*name == '-')
                name++;
        for (size_t i = 0; i < k->n_flags; i++)
                if (strcmp(k->flags[i].name, name) == 0)
                        v = k->flags[i].value;
        return v;
}

const char *kfs_kubelet_get(const struct kfs_kubelet *k, const char *path, const char **ret_source)
{
        json_t *t = json_object_get(k->texts, path);

        if (ret_source)
                *ret_source = t ? src_get(k, path) : NULL;
        return json_string_value(t);
}

const char *kfs_kubelet_config_path(const struct kfs_kubelet *k)
{
        return k->config_path;
}

const char *kfs_kubelet_config_dir(const struct kfs_kubelet *k)
{
        return k->config_dir;
}

char *const *kfs_kubelet_dropins(const struct kfs_kubelet *k, size_t *ret_n)
{
        *ret_n = k->n_dropins;
        return k->dropins;
}

const char *kfs_kubelet_error(const struct kfs_kubelet *k)
{
        return k->error;
}

const char *kfs_kubelet_notes(const struct kfs_kubelet *k)
{
        return kfs_buf_str(&k->notes);
}

const char *kfs_kubelet_kind(const struct kfs_kubelet *k)
{
        return k->kind;
}

int kfs_kubelet_render_flags(const struct kfs_kubelet *k, struct kfs_buf *out)
{
        kfs_buf_add(out, k->flags_text ? k->flags_text : "");
        return out->err;
}

static int kl_flat(const struct kfs_kubelet *k, const json_t *v, struct kfs_buf *path, struct kfs_buf *out)
{
        if (json_is_object(v) && json_object_size(v)) {
                const char **keys = calloc(json_object_size(v), sizeof(char *));
                size_t n = 0;
                const char *key;
                json_t *c;

                if (!keys)
                        return -ENOMEM;
                json_object_foreach((json_t *) v, key, c)
                        keys[n++] = key;
                qsort(keys, n, sizeof(*keys), name_cmp);
                for (size_t i = 0; i < n; i++) {
                        size_t mark = path->len;

                        kfs_yflat_key(path, keys[i], strlen(keys[i]), mark == 0);
                        kl_flat(k, json_object_get(v, keys[i]), path, out);
                        kfs_buf_truncate(path, mark);
                }
                free(keys);
        } else if (json_is_array(v) && json_array_size(v)) {
                for (size_t i = 0; i < json_array_size(v); i++) {
                        size_t mark = path->len;

                        kfs_buf_addf(path, "[%zu]", i);
                        kl_flat(k, json_array_get(v, i), path, out);
                        kfs_buf_truncate(path, mark);
                }
        } else {
                char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(16));
                const char *src = src_get(k, kfs_buf_str(path));

                kfs_buf_addf(out, "%s = %s    # %s\n", path->len ? kfs_buf_str(path) : ".", s ? s : "null",
                             src ? src : "?");
                free(s);
        }
        return out->err;
}

int kfs_kubelet_render_flat(const struct kfs_kubelet *k, struct kfs_buf *out)
{
        struct kfs_buf path = KFS_BUF_INIT(KFS_YFLAT_MAX_PATH);
        int r;

        kfs_buf_addf(out, "# the kubelet of %s; defaults: %s\n", k->argv_source ? k->argv_source : "?",
                     kfs_kubelet_defaults_version);
        kfs_buf_add(out, kfs_buf_str(&k->notes));
        r = kl_flat(k, k->config, &path, out);
        kfs_buf_release(&path);
        return r < 0 ? r : out->err;
}

int kfs_kubelet_render_json(const struct kfs_kubelet *k, bool configz, struct kfs_buf *out)
{
        json_t *top = configz ? json_pack("{sO}", "kubeletconfig", k->config) : json_incref(k->config);
        int r = kfs_buf_add_json(out, top, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(16));

        json_decref(top);
        return r;
}
