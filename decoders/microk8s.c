/* SPDX-License-Identifier: Apache-2.0 */
/*
 * microk8s: the argument files of microk8s's services,
 * var/snap/microk8s/<current|revision>/args/<component> (kubelet,
 * kube-apiserver, kube-proxy, kube-scheduler, kube-controller-manager,
 * containerd, k8s-dqlite, ...). Not the *.toml, *.conflist and *-env files
 * beside them, which are other formats.
 *
 * microk8s's wrapper scripts read a file into a bash array
 * (`declare -a args="($(cat "$SNAP_DATA/args/kubelet"))"`) and run the
 * component with it, so the file is split as bash would: words separated
 * by blanks and newlines, "#" starting a comment at the start of a word,
 * '...' literal, "..." and bare words with backslash escapes, quotes
 * removed, ${SNAP_DATA}/$SNAP_DATA, ${SNAP} and ${SNAP_COMMON} expanded to
 * the snap's paths. Other variables are left as written (the wrappers'
 * environment is not on the node's disk).
 *
 * View:
 *   .flags  one word a line; secret flags' values read REDACTED.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "flags.h"
#include "sdsyntax.h"
#include "strv.h"

#define MICROK8S_SNAP "/snap/microk8s/current"
#define MICROK8S_SNAP_DATA "/var/snap/microk8s/current"
#define MICROK8S_SNAP_COMMON "/var/snap/microk8s/common"

struct microk8s_doc {
        struct kfs_strv words;
};

static bool microk8s_match(const struct kfs_probe *p)
{
        const char *s = strstr(p->path, "var/snap/microk8s/"), *args;
        size_t n = strlen(p->name);

        if (!s || (s != p->path && s[-1] != '/'))
                return false;
        s += strlen("var/snap/microk8s/");
        /* <current|revision>/args/<name>, nothing deeper */
        args = strchr(s, '/');
        if (!args || strncmp(args, "/args/", 6) != 0 || strchr(args + 6, '/'))
                return false;
        return !strchr(p->name, '.') && !(n > 4 && strcmp(p->name + n - 4, "-env") == 0);
}

static void microk8s_free(void *p)
{
        struct microk8s_doc *d = p;

        if (!d)
                return;
        kfs_strv_release(&d->words);
        free(d);
}

/* A $NAME or ${NAME} at s: adds its value and returns the bytes used, or 0 if not one we know. */
static size_t microk8s_var(const char *s, const char *end, struct kfs_buf *w)
{
        static const char *const vars[][2] = {
                { "SNAP_COMMON", MICROK8S_SNAP_COMMON },
                { "SNAP_DATA", MICROK8S_SNAP_DATA },
                { "SNAP", MICROK8S_SNAP },
        };
        bool brace = s + 1 < end && s[1] == '{';
        const char *name = s + 1 + brace;

        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                size_t n = strlen(vars[i][0]);

                if ((size_t) (end - name) < n || memcmp(name, vars[i][0], n) != 0)
                        continue;
                if (brace ? (name + n < end && name[n] == '}')
                          : !(name + n < end && (name[n] == '_' || (name[n] >= 'A' && name[n] <= 'Z') ||
                                                 (name[n] >= 'a' && name[n] <= 'z') ||
                                                 (name[n] >= '0' && name[n] <= '9')))) {
                        kfs_buf_add(w, vars[i][1]);
                        return 1 + brace + n + brace;
                }
        }
        return 0;
}

static int microk8s_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct microk8s_doc *d = calloc(1, sizeof(*d));
        struct kfs_buf w = KFS_BUF_INIT(KFS_SD_WORD_MAX);
        const char *s = data, *end = data + len;
        bool inword = false;
        char quote = 0;
        int r = 0;

        if (!d)
                return -ENOMEM;
        while (s < end && r == 0) {
                char c = *s;
                size_t n;

                if (!quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                        if (inword)
                                r = kfs_strv_pushn(&d->words, kfs_buf_str(&w), w.len, KFS_SD_ARGS_MAX);
                        kfs_buf_reset(&w);
                        inword = false;
                        s++;
                } else if (!quote && !inword && c == '#') {
                        while (s < end && *s != '\n')
                                s++;
                } else if (quote == '\'') {
                        if (c == '\'')
                                quote = 0;
                        else
                                kfs_buf_addc(&w, c);
                        s++;
                } else if (c == '\\' && s + 1 < end &&
                           (!quote || strchr("$`\"\\\n", s[1]))) {
                        if (s[1] != '\n')               /* backslash-newline joins lines */
                                kfs_buf_addc(&w, s[1]);
                        inword = inword || s[1] != '\n';
                        s += 2;
                } else if (c == '$' && (n = microk8s_var(s, end, &w)) > 0) {
                        inword = true;
                        s += n;
                } else if ((c == '"' || c == '\'') && !quote) {
                        quote = c;
                        inword = true;
                        s++;
                } else if (c == '"' && quote == '"') {
                        quote = 0;
                        s++;
                } else {
                        kfs_buf_addc(&w, c);
                        inword = true;
                        s++;
                }
                if (w.err)
                        r = w.err == -EFBIG ? -E2BIG : w.err;
        }
        if (r == 0 && inword)
                r = kfs_strv_pushn(&d->words, kfs_buf_str(&w), w.len, KFS_SD_ARGS_MAX);
        kfs_buf_release(&w);
        if (r == 0 && quote)
                r = kfs_ctx_fail(ctx, -EINVAL, "unterminated %c quote", quote);
        else if (r == -E2BIG)
                r = kfs_ctx_fail(ctx, r, "a word over %u bytes or more than %u words",
                                 KFS_SD_WORD_MAX, KFS_SD_ARGS_MAX);
        if (r < 0) {
                microk8s_free(d);
                return r;
        }
        *ret_doc = d;
        return 0;
}

static int microk8s_render_flags(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct microk8s_doc *d = doc;

        kfs_flags_add_argv(out, d->words.v, d->words.n);
        return out->err;
}

static const struct kfs_view microk8s_views[] = {
        { "flags", microk8s_render_flags, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_microk8s = {
        .name = "microk8s",
        .match = microk8s_match,
        .parse = microk8s_parse,
        .free = microk8s_free,
        .views = microk8s_views,
};
