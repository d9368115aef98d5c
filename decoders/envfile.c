/* SPDX-License-Identifier: Apache-2.0 */
/*
 * envfile: environment files that units read with EnvironmentFile= --
 * kubeadm's var/lib/kubelet/kubeadm-flags.env (written with Go's %q
 * quoting), etc/default/kubelet and etc/sysconfig/kubelet (packages),
 * kubespray's kubelet.env (values in "..." over several lines), k3s's
 * k3s.service.env, rke2's %N.env, and any other *.env file.
 *
 * The file is read with the EnvironmentFile= grammar of systemd.exec(5)
 * (sdsyntax.c: comments, quotes, continuations), as systemd reads it, and
 * names that are not valid variable names are dropped as systemd drops
 * them (with a "# " line saying so).
 *
 * View:
 *   .flags  each variable's value split into words as systemd splits "$VAR"
 *           on a command line (quotes respected, then removed), one word a
 *           line. With several variables, each is introduced by a "# NAME"
 *           line, in the order systemd sets them (first assignment's place,
 *           last assignment's value). Secrets read REDACTED: every word of a
 *           variable whose name is secret (K3S_TOKEN), and the values of
 *           secret flags (--token=..., --token VALUE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "flags.h"
#include "redact.h"
#include "sdsyntax.h"
#include "strv.h"
#include "str.h"

struct envfile_doc {
        struct kfs_sd_env env;
        struct kfs_strv notes;
};

static bool envfile_starts_with(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool envfile_match(const struct kfs_probe *p)
{
        static const char *const dirs[] = { "etc/default/", "etc/sysconfig/" };

        if (kfs_str_ends_with(p->name, ".env"))
                return true;
        if (!(strcmp(p->name, "kubelet") == 0 || envfile_starts_with(p->name, "k3s") ||
              envfile_starts_with(p->name, "rke2")))
                return false;
        /* directly in etc/default/ or etc/sysconfig/, also of a node copied below ROOT */
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                size_t n = strlen(dirs[i]), plen = strlen(p->path), blen = strlen(p->name);

                if (plen == n + blen && strncmp(p->path, dirs[i], n) == 0)
                        return true;
                if (plen > n + blen && p->path[plen - blen - n - 1] == '/' &&
                    strncmp(p->path + plen - blen - n, dirs[i], n) == 0)
                        return true;
        }
        return false;
}

static void envfile_free(void *p)
{
        struct envfile_doc *d = p;

        if (!d)
                return;
        kfs_sd_env_release(&d->env);
        kfs_strv_release(&d->notes);
        free(d);
}

static int envfile_push(void *userdata, const char *key, const char *value, unsigned line)
{
        struct envfile_doc *d = userdata;

        if (!kfs_sd_env_name_valid(key, strlen(key))) {
                char *note;

                /* load_env_files() drops it; say so rather than lose it silently */
                if (d->notes.n < 16 && asprintf(&note, "line %u: \"%s\" is not a valid variable name, "
                                                "systemd ignores it", line, key) >= 0)
                        (void) kfs_strv_push(&d->notes, note, 16);
                return 0;
        }
        return kfs_sd_env_setkv(&d->env, key, value);
}

static int envfile_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct envfile_doc *d = calloc(1, sizeof(*d));
        int r;

        if (!d)
                return -ENOMEM;
        r = kfs_sd_envfile_parse(data, len, envfile_push, d);
        if (r == -E2BIG)
                r = kfs_ctx_fail(ctx, r, "a value over %u bytes or more than %u variables",
                                 KFS_SD_WORD_MAX, KFS_SD_VARS_MAX);
        if (r < 0) {
                envfile_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

static int envfile_render_flags(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct envfile_doc *d = doc;
        bool headers = d->env.l.n > 1;

        for (size_t i = 0; i < d->notes.n; i++)
                kfs_buf_addf(out, "# %s\n", d->notes.v[i]);
        for (size_t i = 0; i < d->env.l.n; i++) {
                const char *a = d->env.l.v[i], *eq = strchr(a, '=');
                struct kfs_strv words = { 0 };
                int r;

                if (headers)
                        kfs_buf_addf(out, "# %.*s\n", (int) (eq - a), a);
                r = kfs_sd_split(eq + 1, &words);
                if (r < 0) {
                        kfs_strv_release(&words);
                        return kfs_ctx_fail(ctx, r, "%.*s: more than %u words",
                                            (int) (eq - a), a, KFS_SD_ARGS_MAX);
                }
                if (kfs_redact_value(a, (size_t) (eq - a), eq + 1, strlen(eq + 1))) {
                        for (size_t j = 0; j < words.n; j++)
                                kfs_buf_add(out, KFS_REDACTED "\n");
                } else {
                        kfs_flags_add_argv(out, words.v, words.n);
                }
                kfs_strv_release(&words);
        }
        return out->err;
}

static const struct kfs_view envfile_views[] = {
        { "flags", envfile_render_flags, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_envfile = {
        .name = "envfile",
        .match = envfile_match,
        .parse = envfile_parse,
        .free = envfile_free,
        .views = envfile_views,
};
