/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yaml: any YAML or JSON file -- kubelet and kube-proxy configs, manifests,
 * kubeconfigs, CNI configs, OWNERS, the kubelet's checkpoints.
 *
 * Views (yflat.h has the rules, docs/flat.md the grammar for users):
 *   .flat   one line per scalar, `path.to[0]["key"] = JSON value`, in
 *           document order, "[N]" first in multi-document files; "# ..."
 *           lines first say what kubefs did (checkpoint strings unwrapped,
 *           checksums checked, keys given twice).
 *   .json   each document as compact JSON on a line of its own, typed as
 *           Kubernetes' YAML types it (go-yaml v2 via sigs.k8s.io/yaml).
 * Both are built from the redacted document (yredact.h).
 *
 * Recognition, by name then first bytes:
 *   .yaml .yml .json .jsonl .conflist, OWNERS, OWNERS_ALIASES, and the
 *     templates of YAML and JSON (.yaml.in, .yaml.sed, .yaml.tmpl,
 *     .yaml.template, .yaml.j2, .json.in, ... after .yaml, .yml, .json):
 *     by name (a PEM file is never taken; a broken file still gets its
 *     views, which say what is wrong -- for a template, with a word that
 *     it is one);
 *   JSON Lines: .jsonl, and a .json file whose first two lines are whole
 *     JSON values and which does not parse as one document: one document
 *     a line (docs/flat.md), a bad line named by its number;
 *   .conf .config .kubeconfig, .kube/config, files in manifests/ and
 *     pod-manifests/ directories, GCE's .manifest: when the first line
 *     that is not a comment is a YAML map key ("key:" with no '=' before
 *     it) or a JSON object -- not "[Section]" (systemd, OpenSSL, TOML), not
 *     "key = value", not a bare word;
 *   the kubelet's state files (checkpoint.h), by name, when they start with
 *     '{' (or hold a NUL or nothing: a broken checkpoint is worth an error).
 */
#include "yfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "yflat.h"
#include "yredact.h"

/* Room for the "# ..." notes about a file. */
#define YFILE_MAX_NOTES (64u << 10)

/* ---- recognition ---- */

static const char *yname_ext(const char *name)
{
        const char *dot = strrchr(name, '.');

        return dot && dot != name ? dot + 1 : "";
}

static bool yname_in(const char *s, const char *const *set)
{
        for (; *set; set++)
                if (strcmp(s, *set) == 0)
                        return true;
        return false;
}

/* The parent directory's name of a ROOT-relative path, into buf. */
static const char *ypath_parent(const char *path, char *buf, size_t size)
{
        const char *end = strrchr(path, '/'), *start;

        if (!end)
                return "";
        for (start = end; start > path && start[-1] != '/'; start--)
                ;
        snprintf(buf, size, "%.*s", (int) (end - start), start);
        return buf;
}

enum yhead {
        YHEAD_OTHER,
        YHEAD_MAP,              /* key: value */
        YHEAD_SEQ,              /* - item */
        YHEAD_OBJECT,           /* { */
        YHEAD_ARRAY,            /* [ followed by what JSON has there */
};

/* What the first significant line of the head is. */
static enum yhead yhead_kind(const struct kfs_probe *p)
{
        const char *s = p->head, *end = p->head + p->head_len;

        if (p->head_len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
                s += 3;
        while (s < end) {
                const char *eol = memchr(s, '\n', (size_t) (end - s)), *t = s, *e;
                const char *next = eol ? eol + 1 : end;

                e = eol ? eol : end;
                while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                        e--;
                while (t < e && (*t == ' ' || *t == '\t'))
                        t++;
                if (t == e || *t == '#' || *s == '%' || (e - s == 3 && memcmp(s, "...", 3) == 0)) {
                        s = next;
                        continue;
                }
                if (e - s >= 3 && memcmp(s, "---", 3) == 0 && (e - s == 3 || s[3] == ' ' || s[3] == '\t')) {
                        for (t = s + 3; t < e && (*t == ' ' || *t == '\t'); t++)
                                ;
                        if (t == e || *t == '#') {
                                s = next;
                                continue;
                        }
                }
                if (*t == '{')
                        return YHEAD_OBJECT;
                if (*t == '[')
                        return e - t > 1 && ((t[1] >= 'A' && t[1] <= 'Z') || (t[1] >= 'a' && t[1] <= 'z') ||
                                             t[1] == '[') && e[-1] == ']'
                                ? YHEAD_OTHER : YHEAD_ARRAY;
                if (*t == '-' && (e - t == 1 || t[1] == ' ' || t[1] == '\t'))
                        return YHEAD_SEQ;
                if (strchr("=:[]{},&*!|>@`", *t))
                        return YHEAD_OTHER;
                for (const char *c = t; c < e; c++) {
                        if (*c == '=')
                                return YHEAD_OTHER;
                        if (*c == ':' && (c + 1 == e || c[1] == ' ' || c[1] == '\t'))
                                return YHEAD_MAP;
                }
                return YHEAD_OTHER;
        }
        return YHEAD_OTHER;
}

static bool yhead_pem(const struct kfs_probe *p)
{
        const char *s = p->head;

        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
                s++;
        return strncmp(s, "-----BEGIN ", 11) == 0;
}

/* Template suffixes after .yaml, .yml or .json ("kube-dns.yaml.in", "coredns.yaml.sed"). */
static const char *const ytemplate_ext[] = { "in", "sed", "tmpl", "template", "j2", NULL };

const char *kfs_yfile_template_ext(const char *name)
{
        const char *ext = yname_ext(name), *dot = ext - 1, *inner;

        if (!*ext || !yname_in(ext, ytemplate_ext))
                return NULL;
        for (inner = dot; inner > name && inner[-1] != '.'; inner--)
                ;
        if (inner == name)
                return NULL;
        if (((size_t) (dot - inner) == 4 && (memcmp(inner, "yaml", 4) == 0 || memcmp(inner, "json", 4) == 0)) ||
            ((size_t) (dot - inner) == 3 && memcmp(inner, "yml", 3) == 0))
                return dot;
        return NULL;
}

/* Whether the name says JSON Lines (*.jsonl) or JSON (*.json, *.json.in...). */
static bool yname_jsonl(const char *name)
{
        return strcmp(yname_ext(name), "jsonl") == 0;
}

static bool yname_json(const char *name)
{
        const char *t = kfs_yfile_template_ext(name);
        size_t n = t ? (size_t) (t - name) : strlen(name);

        return n >= 5 && memcmp(name + n - 5, ".json", 5) == 0;
}

bool kfs_yfile_match(const struct kfs_probe *p)
{
        static const char *const by_name[] = { "yaml", "yml", "json", "jsonl", "conflist", NULL };
        static const char *const gated[] = { "conf", "config", "kubeconfig", "manifest", NULL };
        const char *ext = yname_ext(p->name), *parent;
        bool nul = memchr(p->head, '\0', p->head_len) != NULL;
        enum yhead kind;
        char buf[256];

        if (kfs_ckpt_kind(p->name) != KFS_CKPT_NONE) {
                const char *s = p->head;
                while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
                        s++;
                return p->head_len == 0 || nul || *s == '{';
        }
        if (yhead_pem(p))
                return false;
        if (yname_in(ext, by_name) || kfs_yfile_template_ext(p->name) ||
            strcmp(p->name, "OWNERS") == 0 || strcmp(p->name, "OWNERS_ALIASES") == 0)
                return true;
        parent = ypath_parent(p->path, buf, sizeof(buf));
        if (!yname_in(ext, gated) && !(strcmp(parent, ".kube") == 0 && strcmp(p->name, "config") == 0) &&
            !((strcmp(parent, "manifests") == 0 || strcmp(parent, "pod-manifests") == 0) && p->name[0] != '.'))
                return false;
        if (nul)
                return false;
        kind = yhead_kind(p);
        return kind == YHEAD_MAP || kind == YHEAD_OBJECT ||
               (kind == YHEAD_SEQ && strcmp(ext, "conf") != 0 && strcmp(ext, "config") != 0);
}

/* ---- loading ---- */

void kfs_yfile_free(struct kfs_yfile *f)
{
        if (!f)
                return;
        kfs_ckpt_release(&f->ckpt);
        kfs_ydoc_free(f->doc);
        free(f->docs);
        kfs_buf_release(&f->notes);
        free(f);
}

int kfs_yfile_fail(const struct kfs_yfile *f, struct kfs_ctx *ctx, int r, const char *msg)
{
        if (f && f->template_ext)
                return kfs_ctx_fail(ctx, r, "%s (the file is a template: its name ends in %s)", msg, f->template_ext);
        return kfs_ctx_fail(ctx, r, "%s%s", msg,
                            f && f->template ? " (the file looks like a template: it contains '{{')" : "");
}

/* A document that is only "---" (or nothing): a plain empty scalar. */
static bool yfile_empty(const struct kfs_ynode *n)
{
        return n->type == KFS_YSCALAR && n->style == KFS_YPLAIN && n->n == 0 && !n->tag;
}

/* Whether a path is a k3s/rke2 config.yaml or one of its drop-ins (their keys are flags). */
static bool yfile_k3s(const char *path)
{
        return strstr(path, "etc/rancher/k3s/config.yaml") || strstr(path, "etc/rancher/rke2/config.yaml");
}

int kfs_yfile_load(const char *data, size_t len, struct kfs_ctx *ctx, struct kfs_yfile **ret)
{
        struct kfs_yfile *f = calloc(1, sizeof(*f));
        char err[256];
        int r;

        if (!f)
                return -ENOMEM;
        kfs_buf_init(&f->notes, YFILE_MAX_NOTES);
        f->template = memmem(data, len, "{{", 2) != NULL && !memchr(data, '\0', len);
        f->template_ext = kfs_yfile_template_ext(kfs_path_basename(ctx->path));
        if (yname_jsonl(kfs_path_basename(ctx->path))) {
                f->lines = true;
                r = kfs_ydoc_parse_lines(data, len, &f->doc, err, sizeof(err));
        } else {
                r = kfs_ydoc_parse(data, len, &f->doc, err, sizeof(err));
                /* a .json file with one value a line (an ABAC policy file) is JSON Lines */
                if (r == -EINVAL && yname_json(kfs_path_basename(ctx->path)) && kfs_ydoc_lines_like(data, len)) {
                        f->lines = true;
                        r = kfs_ydoc_parse_lines(data, len, &f->doc, err, sizeof(err));
                }
        }
        if (f->lines)
                f->template = false;    /* "{{" in JSON Lines is in a string */
        if (r < 0) {
                r = r == -ENOMEM ? r : kfs_yfile_fail(f, ctx, r, err[0] ? err : "invalid YAML");
                goto fail;
        }
        r = kfs_ckpt_process(kfs_ckpt_kind(kfs_path_basename(ctx->path)), f->doc, &f->ckpt, &f->notes);
        if (r < 0)
                goto fail;
        r = kfs_yredact_opts(f->doc, yfile_k3s(ctx->path) ? KFS_YREDACT_K3S : 0);
        if (r == -E2BIG)
                r = kfs_ctx_fail(ctx, r, "too large to check for secrets (aliases expand it too much)");
        if (r < 0)
                goto fail;
        f->docs = calloc(f->doc->n_docs ? f->doc->n_docs : 1, sizeof(*f->docs));
        if (!f->docs) {
                r = -ENOMEM;
                goto fail;
        }
        for (size_t i = 0; i < f->doc->n_docs; i++)
                if (!yfile_empty(f->doc->docs[i]))
                        f->docs[f->n_docs++] = f->doc->docs[i];
        *ret = f;
        return 0;
fail:
        kfs_yfile_free(f);
        return r;
}

/* ---- the decoder ---- */

static int yaml_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        return kfs_yfile_load(data, len, ctx, (struct kfs_yfile **) ret_doc);
}

static void yaml_free(void *doc)
{
        kfs_yfile_free(doc);
}

/* A failed view is replaced by its error line: give back what it held
 * (up to KFS_MAX_OUTPUT) now rather than with the cached result. */
static int yaml_render_done(const struct kfs_yfile *f, struct kfs_ctx *ctx, int r, const char *err,
                            struct kfs_buf *out)
{
        if (r >= 0)
                return 0;
        kfs_buf_release(out);
        if (r == -EFBIG)
                return kfs_ctx_fail(ctx, r, "the view would be larger than %u MiB", KFS_MAX_OUTPUT >> 20);
        return err[0] ? kfs_yfile_fail(f, ctx, r, err) : r;
}

static int yaml_render_flat(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kfs_yfile *f = doc;
        struct kfs_buf notes = KFS_BUF_INIT(YFILE_MAX_NOTES);
        char err[256] = "";
        size_t len;
        int r;

        kfs_buf_addn(&notes, f->notes.buf, f->notes.len);
        r = kfs_yflat_render(f->docs, f->n_docs, out, &notes, err, sizeof(err));
        /* notes past YFILE_MAX_NOTES are left out, whole lines only */
        len = notes.len;
        while (len && notes.buf[len - 1] != '\n')
                len--;
        kfs_buf_truncate(&notes, len);
        if (r == 0 && notes.len) {
                /* the notes go first: grow, then move the lines down */
                len = out->len;
                if (kfs_buf_addn(out, notes.buf, notes.len) == 0) {
                        memmove(out->buf + notes.len, out->buf, len);
                        memcpy(out->buf, notes.buf, notes.len);
                }
                r = out->err;
        }
        kfs_buf_release(&notes);
        return yaml_render_done(f, ctx, r, err, out);
}

static int yaml_render_json(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct kfs_yfile *f = doc;
        char err[256] = "";
        int r = kfs_yjson_render(f->docs, f->n_docs, out, err, sizeof(err));

        return yaml_render_done(f, ctx, r, err, out);
}

static bool yaml_match(const struct kfs_probe *p)
{
        return kfs_yfile_match(p);
}

static const struct kfs_view yaml_views[] = {
        { "flat", yaml_render_flat, 0 },
        { "json", yaml_render_json, KFS_VIEW_JSON },
        { NULL, NULL, 0 },
};

const struct kfs_decoder kfs_decoder_yaml = {
        .name = "yaml",
        .match = yaml_match,
        .parse = yaml_parse,
        .free = yaml_free,
        .views = yaml_views,
};
