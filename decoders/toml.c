/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml: container runtime configuration in TOML 1.0 -- containerd's
 * config.toml (versions 1, 2 and 3) and the files its `imports` name,
 * CRI-O's crio.conf and crio.conf.d/ files, any *.toml in the locations.
 *
 * Views, the same lines the YAML path writes for the same data (yflat.h;
 * docs/flat.md, "TOML files"):
 *   .flat   `plugins["io.containerd.grpc.v1.cri"].containerd.runtimes.runc.options.SystemdCgroup = true`,
 *           keys in the order the document defines them; "# ..." notes first
 *           say which containerd config version this is and what its
 *           `imports` match;
 *   .json   the document as compact JSON: integers exact, datetimes as
 *           RFC 3339 strings, inf and nan as the strings "inf", "-inf", "nan".
 * Both are built from the redacted tree (yredact.h): registry passwords,
 * `auth`, `identitytoken` and other secret-named values read REDACTED.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "toml.h"
#include "yflat.h"
#include "yredact.h"

/* Room for the "# ..." notes about a file. */
#define TOML_MAX_NOTES (16u << 10)
/* `imports` entries looked at, and files listed per entry. */
#define TOML_MAX_IMPORTS 32
#define TOML_MAX_IMPORT_FILES 64

struct toml_file {
        struct kfs_ydoc *doc;
        struct kfs_buf notes;
};

/* ---- recognition ---- */

static bool toml_match(const struct kfs_probe *p)
{
        const char *dot = strrchr(p->name, '.');
        const char *s = p->head;
        size_t plen = strlen(p->path), nlen = strlen(p->name);

        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
                s++;
        if (strncmp(s, "-----BEGIN ", 11) == 0)
                return false;
        if (dot && strcmp(dot, ".toml") == 0)
                return true;
        if (strcmp(p->name, "crio.conf") == 0)
                return true;
        /* crio.conf.d/NAME: CRI-O reads every file there, in name order */
        return p->name[0] != '.' && plen > nlen + 12 &&
               memcmp(p->path + plen - nlen - 12, "crio.conf.d/", 12) == 0 &&
               (plen == nlen + 12 || p->path[plen - nlen - 13] == '/');
}

/* ---- containerd: version and imports ---- */

static bool toml_is_containerd(const struct kfs_ctx *ctx, const struct kfs_ynode *root)
{
        const char *path = ctx->path;

        if (strncmp(path, "etc/containerd/", 15) == 0)
                return true;
        return kfs_ymap_get(root, "plugins") && (kfs_ymap_get(root, "grpc") || kfs_ymap_get(root, "version"));
}

/* The files one `imports` entry names (containerd: filepath.Glob, relative
 * to the config's directory). Only the last component may hold a pattern. */
static void toml_note_import(struct kfs_ctx *ctx, const char *entry, struct kfs_buf *notes)
{
        char *full = NULL, **names = NULL;
        const char *slash;
        size_t shown = 0;

        kfs_buf_add(notes, "# imports: ");
        kfs_yjson_string(notes, entry, strlen(entry), false);
        full = entry[0] == '/' ? strdup(entry) : NULL;
        if (!full && asprintf(&full, "/%s%s%s", ctx->dir, ctx->dir[0] ? "/" : "", entry) < 0)
                full = NULL;
        if (!full)
                goto out;
        slash = strrchr(full, '/');
        if (strpbrk(full, "*?[") && strpbrk(full, "*?[") < slash) {
                kfs_buf_add(notes, " (a pattern in a directory name: not listed)");
                goto out;
        }
        if (!strpbrk(slash + 1, "*?[")) {
                struct stat st;
                kfs_buf_add(notes, kfs_ctx_stat(ctx, full, &st) == 0 ? " (present)" : " (missing)");
                goto out;
        }
        char *dir = strndup(full, (size_t) (slash - full) + 1);
        if (!dir || kfs_ctx_list(ctx, dir, &names) < 0) {
                free(dir);
                kfs_buf_add(notes, " (no such directory)");
                goto out;
        }
        free(dir);
        for (size_t i = 0; names[i]; i++) {
                if (fnmatch(slash + 1, names[i], FNM_PERIOD) != 0)
                        continue;
                if (shown++ >= TOML_MAX_IMPORT_FILES)
                        continue;
                kfs_buf_add(notes, shown == 1 ? " -> " : ", ");
                kfs_buf_add(notes, names[i]);
        }
        if (shown > TOML_MAX_IMPORT_FILES)
                kfs_buf_addf(notes, ", ... (%zu files)", shown);
        if (!shown)
                kfs_buf_add(notes, " (no file matches)");
out:
        kfs_buf_add(notes, "\n");
        kfs_strv_free(names);
        free(full);
}

static void toml_notes(struct toml_file *f, struct kfs_ctx *ctx)
{
        const struct kfs_ynode *root = f->doc->docs[0], *imports, *version;

        if (!toml_is_containerd(ctx, root))
                return;
        version = kfs_ymap_get(root, "version");
        kfs_buf_addf(&f->notes, "# containerd config version %s\n",
                     version && kfs_ykind(version) == KFS_YINT ? version->str : "1 (no version key)");
        imports = kfs_ymap_get(root, "imports");
        if (!imports || imports->type != KFS_YSEQ)
                return;
        for (size_t i = 0; i < imports->n && i < TOML_MAX_IMPORTS; i++) {
                const char *s = kfs_yscalar(imports->items[i]);
                if (s && imports->items[i]->style == KFS_YQUOTED)
                        toml_note_import(ctx, s, &f->notes);
        }
}

/* ---- the decoder ---- */

static void toml_free(void *doc)
{
        struct toml_file *f = doc;

        if (!f)
                return;
        kfs_ydoc_free(f->doc);
        kfs_buf_release(&f->notes);
        free(f);
}

static int toml_parse(const char *data, size_t len, struct kfs_ctx *ctx, void **ret_doc)
{
        struct toml_file *f = calloc(1, sizeof(*f));
        char err[256];
        int r;

        if (!f)
                return -ENOMEM;
        kfs_buf_init(&f->notes, TOML_MAX_NOTES);
        r = kfs_toml_parse(data, len, &f->doc, err, sizeof(err));
        if (r < 0) {
                if (r != -ENOMEM)
                        r = kfs_ctx_fail(ctx, r, "%s", err[0] ? err : "invalid TOML");
                goto fail;
        }
        r = kfs_yredact(f->doc);
        if (r == -E2BIG)
                r = kfs_ctx_fail(ctx, r, "too large to check for secrets");
        if (r < 0)
                goto fail;
        toml_notes(f, ctx);
        *ret_doc = f;
        return 0;
fail:
        toml_free(f);
        return r;
}

static int toml_render_done(struct kfs_ctx *ctx, int r, const char *err, struct kfs_buf *out)
{
        if (r >= 0)
                return 0;
        kfs_buf_release(out);
        if (r == -EFBIG)
                return kfs_ctx_fail(ctx, r, "the view would be larger than %u MiB", KFS_MAX_OUTPUT >> 20);
        return err[0] ? kfs_ctx_fail(ctx, r, "%s", err) : r;
}

static int toml_render_flat(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct toml_file *f = doc;
        struct kfs_buf dups = KFS_BUF_INIT(TOML_MAX_NOTES);  /* TOML refuses repeated keys: stays empty */
        char err[256] = "";
        int r;

        kfs_buf_addn(out, f->notes.buf, f->notes.len);
        r = kfs_yflat_render(f->doc->docs, f->doc->n_docs, out, &dups, err, sizeof(err));
        kfs_buf_release(&dups);
        return toml_render_done(ctx, r, err, out);
}

static int toml_render_json(const void *doc, struct kfs_ctx *ctx, struct kfs_buf *out)
{
        const struct toml_file *f = doc;
        char err[256] = "";
        int r = kfs_yjson_render(f->doc->docs, f->doc->n_docs, out, err, sizeof(err));

        return toml_render_done(ctx, r, err, out);
}

static const struct kfs_view toml_views[] = {
        { "flat", toml_render_flat, 0 },
        { "json", toml_render_json, KFS_VIEW_JSON },
        { NULL, NULL, 0 },
};

const struct kfs_decoder kfs_decoder_toml = {
        .name = "toml",
        .match = toml_match,
        .parse = toml_parse,
        .free = toml_free,
        .views = toml_views,
};
