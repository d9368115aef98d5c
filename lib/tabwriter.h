/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Go's tabwriter as kubectl configures it for its tables: cli-runtime's
 * printers.GetNewTabWriter(), github.com/liggitt/tabwriter (a fork of
 * text/tabwriter) with NewWriter(out, 6, 4, 3, ' ', RememberWidths). The
 * input is lines of tab-terminated cells ('\v' terminates a cell too, '\f'
 * ends a line); every terminated cell is padded with spaces to its column
 * block's width (the widest cell + 3, at least 6; widths counted in UTF-8
 * characters); the text after a line's last tab is written as is. Columns
 * are formed in blocks of consecutive lines that have that column, as Go
 * does; a line without a tab (or a '\f') flushes what came before, as
 * Write() does; and RememberWidths keeps each column at least as wide as it
 * was in an earlier block or flush (when the config asks for it, as kubectl's
 * does; kubeadm's plain text/tabwriter does not). So output is byte-identical to kubectl's,
 * also when a name holds a tab or a newline.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct kfs_tabwriter_config {
        size_t minwidth;        /* 6 */
        size_t padding;         /* 3 */
        bool remember_widths;   /* liggitt/tabwriter's RememberWidths (kubectl); false: Go's text/tabwriter */
};

#define KFS_TABWRITER_KUBECTL \
        ((struct kfs_tabwriter_config) { .minwidth = 6, .padding = 3, .remember_widths = true })
/* kubeadm's text printers: text/tabwriter.NewWriter(out, 10, 4, 3, ' ', 0)
 * (the tab width only matters when padding with tabs). */
#define KFS_TABWRITER_KUBEADM \
        ((struct kfs_tabwriter_config) { .minwidth = 10, .padding = 3, .remember_widths = false })

/* Formats `text` (len bytes) into `out`. Returns 0 or out's error. */
int kfs_tabwriter(const struct kfs_tabwriter_config *cfg, const char *text, size_t len,
                  struct kfs_buf *out);
