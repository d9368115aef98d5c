/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A YAML or JSON file as the generic views see it (yaml.c: .flat, .json;
 * objects.c: .objects): parsed by ydoc, kubelet checkpoints unwrapped
 * (checkpoint.h), then redacted (yredact.h) -- no view ever sees the
 * unredacted tree.
 */

#include <stdbool.h>

#include "buf.h"
#include "checkpoint.h"
#include "decoder.h"
#include "ydoc.h"

struct kfs_yfile {
        struct kfs_ydoc *doc;
        struct kfs_ckpt_state ckpt;
        struct kfs_ynode **docs;        /* the documents shown: empty ones ("---" and nothing) left out */
        size_t n_docs;
        struct kfs_buf notes;           /* "# ..." lines about the file, for .flat */
        bool template;                  /* the text has "{{": errors say it looks like a template */
        const char *template_ext;       /* the name's template suffix (".in", ".sed"...), or NULL */
        bool lines;                     /* JSON Lines: a document a line */
};

/* The template suffix of a YAML or JSON template's name ("coredns.yaml.sed": ".sed"), or NULL. */
const char *kfs_yfile_template_ext(const char *name);

/* Whether a file is YAML or JSON the generic views take (name, first bytes). */
bool kfs_yfile_match(const struct kfs_probe *p);

/* Parses, unwraps and redacts; on failure says why through kfs_ctx_fail(). */
int kfs_yfile_load(const char *data, size_t len, struct kfs_ctx *ctx, struct kfs_yfile **ret);
void kfs_yfile_free(struct kfs_yfile *f);

/* kfs_ctx_fail() with `msg`, and a word about templates when it fits. */
int kfs_yfile_fail(const struct kfs_yfile *f, struct kfs_ctx *ctx, int r, const char *msg);
