/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pod: Pod manifests (`kind: Pod`) -- kubeadm's static pods in
 * etc/kubernetes/manifests/, rke2's agent/pod-manifests/, any other -- as
 * YAML or JSON, one or several documents (ydoc.c).
 *
 * View:
 *   .flags  each container's command, then its args, one element a line:
 *           init containers first (they run first), then containers. When a
 *           file has more than one container, each is introduced by
 *           "# initContainer NAME" or "# container NAME" (and by the pod's
 *           name when the file holds several pods). `$(VAR)` references are
 *           expanded as the kubelet does (Kubernetes API reference,
 *           Container.args): from the container's `env` entries that have a
 *           literal `value`, `$$` is `$`, and references that cannot be
 *           resolved stay as written. Values of variables with secret names
 *           expand to REDACTED, and secret flags' values read REDACTED
 *           (SPEC section 3); the document is redacted first (yredact.c),
 *           so secrets inside strings are gone too. A container without command and args (the
 *           image's entrypoint) has no lines after its header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "flags.h"
#include "redact.h"
#include "sdsyntax.h"
#include "ydoc.h"
#include "yredact.h"

struct pod_doc {
        struct kfs_ydoc *y;
};

/* Whether `head` has a top-level `kind: Pod` line, or `"kind": "Pod"`. */
static bool pod_match(const struct kfs_probe *p)
{
        const char *s = p->head;

        for (const char *k = strstr(s, "kind"); k; k = strstr(k + 4, "kind")) {
                const char *v = k + 4;
                bool json = k > s && k[-1] == '"';

                if (!json && k != s && k[-1] != '\n')
                        continue;               /* YAML: at the start of a line */
                if (json && *v++ != '"')
                        continue;
                v += strspn(v, " \t");
                if (*v++ != ':')
                        continue;
                v += strspn(v, " \t");
                if (*v == '"' || *v == '\'')
                        v++;
                if (strncmp(v, "Pod", 3) != 0)
                        continue;
                v += 3;
                if (*v == '"' || *v == '\'')
                        v++;
                v += strspn(v, " \t");
                if (!*v || *v == '\n' || *v == '\r' || *v == '#' || *v == ',' || *v == '}')
                        return true;
        }
        return false;
}

static void pod_free(void *p)
{
        struct pod_doc *d = p;

        if (!d)
                return;
        kfs_ydoc_free(d->y);
        free(d);
}

static int pod_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct pod_doc *d = calloc(1, sizeof(*d));
        char err[256] = "";
        int r;

        if (!d)
                return -ENOMEM;
        r = kfs_ydoc_parse(data, len, &d->y, err, sizeof(err));
        if (r < 0) {
                free(d);
                return kfs_ctx_fail(ctx, r, "%s", err[0] ? err : "not YAML");
        }
        /* secrets inside strings (`sh -c "... --token X"`) too: work from the redacted document */
        r = kfs_yredact(d->y);
        if (r < 0) {
                kfs_ydoc_free(d->y);
                free(d);
                return kfs_ctx_fail(ctx, r, "cannot redact the document");
        }
        *ret_doc = d;
        return 0;
}

static bool pod_is_pod(const struct kfs_ynode *root)
{
        const char *kind = kfs_ymap_str(root, "kind");

        return kind && strcmp(kind, "Pod") == 0;
}

/* dependent-envvars expansion: $(NAME) from env, $$ is $, unresolved stays. */
static int pod_expand(const char *s, const struct kfs_ynode *env, struct kfs_buf *w)
{
        while (*s) {
                const char *close;

                if (s[0] == '$' && s[1] == '$') {
                        kfs_buf_addc(w, '$');
                        s += 2;
                        continue;
                }
                if (s[0] == '$' && s[1] == '(' && (close = strchr(s + 2, ')'))) {
                        const char *val = NULL;
                        bool secret = false;
                        size_t n = (size_t) (close - s - 2);

                        for (uint32_t i = 0; env && env->type == KFS_YSEQ && i < env->n; i++) {
                                const char *name = kfs_ymap_str(env->items[i], "name");
                                const char *v = kfs_ymap_str(env->items[i], "value");

                                if (name && v && strlen(name) == n && strncmp(name, s + 2, n) == 0) {
                                        val = v;        /* the last one wins, as in the kubelet's map */
                                        secret = kfs_redact_value(name, n, v, strlen(v));
                                }
                        }
                        if (val) {
                                kfs_buf_add(w, secret ? KFS_REDACTED : val);
                                s = close + 1;
                                continue;
                        }
                }
                kfs_buf_addc(w, *s++);
        }
        return w->err;
}

/* The container's command then args, expanded, into `argv`. */
static int pod_container_argv(const struct kfs_ynode *c, struct kfs_sd_strv *argv, struct kfs_ctx *ctx)
{
        static const char *const keys[] = { "command", "args" };
        const struct kfs_ynode *env = kfs_ymap_get(c, "env");

        for (size_t k = 0; k < 2; k++) {
                const struct kfs_ynode *l = kfs_ymap_get(c, keys[k]);

                if (kfs_ynull(l))
                        continue;
                if (l->type != KFS_YSEQ)
                        return kfs_ctx_fail(ctx, -EINVAL, "line %u: %s is not a list", l->line, keys[k]);
                for (uint32_t i = 0; i < l->n; i++) {
                        struct kfs_buf w = KFS_BUF_INIT(KFS_SD_WORD_MAX);
                        const char *s = kfs_yscalar(l->items[i]);
                        int r;

                        if (!s) {
                                kfs_buf_release(&w);
                                return kfs_ctx_fail(ctx, -EINVAL, "line %u: an item of %s is not a string",
                                                    l->items[i]->line, keys[k]);
                        }
                        kfs_buf_add(&w, "");
                        r = pod_expand(s, env, &w);
                        if (r == 0)
                                r = kfs_sd_strv_push(argv, kfs_buf_detach(&w, NULL), KFS_SD_ARGS_MAX);
                        kfs_buf_release(&w);
                        if (r < 0)
                                return r == -EFBIG || r == -E2BIG
                                        ? kfs_ctx_fail(ctx, -E2BIG, "%s: too long", keys[k]) : r;
                }
        }
        return 0;
}

static int pod_render_flags(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        static const char *const lists[][2] = {
                { "initContainers", "initContainer" },
                { "containers", "container" },
        };
        const struct pod_doc *d = doc;
        size_t n_pods = 0, n_containers = 0;

        for (size_t i = 0; i < d->y->n_docs; i++) {
                const struct kfs_ynode *spec = kfs_ymap_get(d->y->docs[i], "spec");

                if (!pod_is_pod(d->y->docs[i]))
                        continue;
                n_pods++;
                for (size_t k = 0; k < 2; k++) {
                        const struct kfs_ynode *l = kfs_ymap_get(spec, lists[k][0]);

                        if (l && l->type == KFS_YSEQ)
                                n_containers += l->n;
                }
        }
        if (n_pods == 0)
                return kfs_ctx_fail(ctx, -EINVAL, "no kind: Pod document");
        if (n_containers == 0)
                kfs_buf_add(out, "# no containers\n");
        for (size_t i = 0; i < d->y->n_docs; i++) {
                const struct kfs_ynode *pod = d->y->docs[i], *spec = kfs_ymap_get(pod, "spec");

                if (!pod_is_pod(pod))
                        continue;
                if (n_pods > 1) {
                        const char *name = kfs_ymap_str(kfs_ymap_get(pod, "metadata"), "name");

                        kfs_buf_addf(out, "# pod %s\n", name ? name : "(unnamed)");
                }
                for (size_t k = 0; k < 2; k++) {
                        const struct kfs_ynode *l = kfs_ymap_get(spec, lists[k][0]);

                        for (uint32_t j = 0; l && l->type == KFS_YSEQ && j < l->n; j++) {
                                struct kfs_sd_strv argv = { 0 };
                                const char *name = kfs_ymap_str(l->items[j], "name");
                                int r;

                                if (n_containers > 1)
                                        kfs_buf_addf(out, "# %s %s\n", lists[k][1], name ? name : "(unnamed)");
                                r = pod_container_argv(l->items[j], &argv, ctx);
                                if (r == 0)
                                        kfs_flags_add_argv(out, argv.v, argv.n);
                                kfs_sd_strv_release(&argv);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return out->err;
}

static const struct kfs_view pod_views[] = {
        { "flags", pod_render_flags, 0 },
        { 0 },
};

const struct kfs_decoder kfs_decoder_pod = {
        .name = "pod",
        .match = pod_match,
        .parse = pod_parse,
        .free = pod_free,
        .views = pod_views,
};
