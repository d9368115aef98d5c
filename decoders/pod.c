/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pod: the command lines of every pod template in a manifest -- kubeadm's
 * static pods in etc/kubernetes/manifests/, rke2's agent/pod-manifests/,
 * the addon manager's /etc/kubernetes/addons, k3s/rke2 server/manifests --
 * as YAML or JSON, one or several documents (ydoc.c), `kind: List` items
 * included. A pod template is the `spec` of a Pod, `spec.template.spec` of
 * a Deployment, DaemonSet, StatefulSet, ReplicaSet, ReplicationController
 * or Job, `template.spec` of a PodTemplate, and
 * `spec.jobTemplate.spec.template.spec` of a CronJob.
 *
 * View:
 *   .flags  each container's command, then its args, one element a line:
 *           init containers first (they run first), then containers. When a
 *           file has more than one container, each is introduced by
 *           "# initContainer NAME" or "# container NAME"; when it holds
 *           several objects with pod templates, each object by
 *           "# KIND NAME" (kind in lower case: "# daemonset kube-proxy").
 *           `$(VAR)` references are expanded as the kubelet does
 *           (Kubernetes API reference, Container.args): from the
 *           container's `env` entries that have a literal `value`, `$$` is
 *           `$`, and references that cannot be resolved stay as written.
 *           Values of variables with secret names expand to REDACTED, and
 *           secret flags' values read REDACTED (docs/spec.md §3); the
 *           document is loaded and redacted as every YAML view's (yfile.h),
 *           so secrets inside strings are gone too and a file that does not
 *           parse gets the same error (template hint included). A container
 *           without command and args (the image's entrypoint) has no lines
 *           after its header. An element holding a control character shows
 *           it escaped (\n, \t, \xHH), so that a line stays an element.
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
#include "yfile.h"
#include "yflat.h"
#include "yhead.h"

/* Lists inside Lists are followed this deep. */
#define POD_MAX_LIST_DEPTH 4

/* Kinds that hold a pod template, and where (after `spec.`, see pod_template()). */
static const char *const pod_kinds[] = {
        "Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController",
        "Job", "CronJob", "PodTemplate", NULL,
};

/* Whether v[0..) starts with a pod kind ending the value. */
static bool pod_kind_value(const char *v)
{
        if (*v == '"' || *v == '\'')
                v++;
        for (size_t i = 0; pod_kinds[i]; i++) {
                size_t n = strlen(pod_kinds[i]);
                const char *e = v + n;

                if (strncmp(v, pod_kinds[i], n) != 0)
                        continue;
                if (*e == '"' || *e == '\'')
                        e++;
                e += strspn(e, " \t");
                if (!*e || *e == '\n' || *e == '\r' || *e == '#' || *e == ',' || *e == '}')
                        return true;
        }
        return false;
}

/*
 * Whether `head` has a top-level `kind:` line with a pod kind, or
 * `"kind": "Pod"` (JSON) anywhere; indented kind lines count in a List
 * (a top-level `items:` line).
 */
static int pod_seen_key(const struct kfs_yhead_key *k, void *arg)
{
        char value[64];

        if (!kfs_yhead_is(k->key, k->key_len, "kind") || k->value_len >= sizeof(value))
                return 0;
        memcpy(value, k->value, k->value_len);
        value[k->value_len] = '\0';
        return pod_kind_value(value);
}

/* A workload kind at the top level of any document, or in a List's items. */
static bool pod_match(const struct kfs_probe *p)
{
        return kfs_yhead_scan(p->head, p->head_len, pod_seen_key, NULL) > 0;
}

static void pod_free(void *p)
{
        kfs_yfile_free(p);
}

static int pod_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        /* the same loading as .flat/.json: redacted, same errors, same template hint */
        return kfs_yfile_load(data, len, ctx, (struct kfs_yfile **) ret_doc);
}

/* The pod spec of an object with a pod template, or NULL. */
static const struct kfs_ynode *pod_template(const struct kfs_ynode *obj)
{
        const char *kind = kfs_ymap_str(obj, "kind");
        const struct kfs_ynode *spec = kfs_ymap_get(obj, "spec");
        size_t i;

        if (!kind)
                return NULL;
        for (i = 0; pod_kinds[i] && strcmp(pod_kinds[i], kind) != 0; i++)
                ;
        if (!pod_kinds[i])
                return NULL;
        if (strcmp(kind, "Pod") == 0)
                return spec;
        if (strcmp(kind, "PodTemplate") == 0)
                return kfs_ymap_get(kfs_ymap_get(obj, "template"), "spec");
        if (strcmp(kind, "CronJob") == 0)
                spec = kfs_ymap_get(kfs_ymap_get(spec, "jobTemplate"), "spec");
        return kfs_ymap_get(kfs_ymap_get(spec, "template"), "spec");
}

struct pod_obj {
        const struct kfs_ynode *obj, *spec;
};

struct pod_objs {
        struct pod_obj *v;
        size_t n, alloc;
};

/* The objects with a pod template in `n`, a List's items in their place. */
static int pod_collect(const struct kfs_ynode *n, unsigned depth, struct pod_objs *o)
{
        const char *kind = kfs_ymap_str(n, "kind");
        const struct kfs_ynode *items = kfs_ymap_get(n, "items"), *spec;
        size_t len = kind ? strlen(kind) : 0;

        if (len >= 4 && strcmp(kind + len - 4, "List") == 0 && items && items->type == KFS_YSEQ) {
                if (depth >= POD_MAX_LIST_DEPTH)
                        return 0;
                for (size_t i = 0; i < items->n; i++) {
                        int r = pod_collect(items->items[i], depth + 1, o);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (!(spec = pod_template(n)))
                return 0;
        if (o->n == o->alloc) {
                size_t alloc = o->alloc ? 2 * o->alloc : 8;
                struct pod_obj *v = realloc(o->v, alloc * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                o->v = v;
                o->alloc = alloc;
        }
        o->v[o->n++] = (struct pod_obj) { n, spec };
        return 0;
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
static int pod_container_argv(const struct kfs_ynode *c, struct kfs_strv *argv, struct kfs_ctx *ctx)
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
                                r = kfs_strv_push(argv, kfs_buf_detach(&w, NULL), KFS_SD_ARGS_MAX);
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
        const struct kfs_yfile *f = doc;
        struct pod_objs o = { 0 };
        size_t n_containers = 0;
        int r = 0;

        if (f->template || f->template_ext) {
                /* a template whose text has no JSON form (a {{ }} map used as a key) is an
                 * error in .flat and .json: .flags says the same, hint included */
                struct kfs_buf scratch = KFS_BUF_INIT(KFS_MAX_OUTPUT);
                char err[256] = "";

                r = kfs_yjson_render(f->docs, f->n_docs, &scratch, err, sizeof(err));
                kfs_buf_release(&scratch);
                if (r < 0 && r != -EFBIG && r != -ENOMEM)
                        return kfs_yfile_fail(f, ctx, r, err[0] ? err : "no JSON form");
                r = 0;
        }
        for (size_t i = 0; i < f->n_docs && r == 0; i++)
                r = pod_collect(f->docs[i], 0, &o);
        if (r < 0) {
                free(o.v);
                return r;
        }
        if (o.n == 0) {
                free(o.v);
                return kfs_ctx_fail(ctx, -EINVAL, "no pod template (kind: Pod, Deployment, DaemonSet, StatefulSet, "
                                    "ReplicaSet, ReplicationController, Job, CronJob, PodTemplate)");
        }
        for (size_t i = 0; i < o.n; i++)
                for (size_t k = 0; k < 2; k++) {
                        const struct kfs_ynode *l = kfs_ymap_get(o.v[i].spec, lists[k][0]);

                        if (l && l->type == KFS_YSEQ)
                                n_containers += l->n;
                }
        if (n_containers == 0)
                kfs_buf_add(out, "# no containers\n");
        for (size_t i = 0; i < o.n && r == 0; i++) {
                const struct kfs_ynode *spec = o.v[i].spec;

                if (o.n > 1) {
                        const char *name = kfs_ymap_str(kfs_ymap_get(o.v[i].obj, "metadata"), "name");
                        const char *kind = kfs_ymap_str(o.v[i].obj, "kind");

                        kfs_buf_add(out, "# ");
                        for (; *kind; kind++)
                                kfs_buf_addc(out, *kind >= 'A' && *kind <= 'Z' ? (char) (*kind - 'A' + 'a') : *kind);
                        kfs_buf_addc(out, ' ');
                        kfs_flags_add_arg(out, name ? name : "(unnamed)");
                }
                for (size_t k = 0; k < 2 && r == 0; k++) {
                        const struct kfs_ynode *l = kfs_ymap_get(spec, lists[k][0]);

                        for (uint32_t j = 0; l && l->type == KFS_YSEQ && j < l->n && r == 0; j++) {
                                struct kfs_strv argv = { 0 };
                                const char *name = kfs_ymap_str(l->items[j], "name");

                                if (n_containers > 1) {
                                        kfs_buf_addf(out, "# %s ", lists[k][1]);
                                        kfs_flags_add_arg(out, name ? name : "(unnamed)");
                                }
                                r = pod_container_argv(l->items[j], &argv, ctx);
                                if (r < 0 && r != -ENOMEM && (f->template || f->template_ext)) {
                                        char msg[sizeof(ctx->error)];

                                        snprintf(msg, sizeof(msg), "%s", ctx->error);
                                        r = kfs_yfile_fail(f, ctx, r, msg);
                                }
                                if (r == 0)
                                        kfs_flags_add_argv(out, argv.v, argv.n);
                                kfs_strv_release(&argv);
                        }
                }
        }
        free(o.v);
        return r < 0 ? r : out->err;
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
