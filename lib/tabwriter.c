/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A port of the parts of liggitt/tabwriter (Go's text/tabwriter plus
 * RememberWidths) that kubectl's tables use: no HTML filter, space padding,
 * no escapes (0xff cannot occur in the UTF-8 text kubectl prints). The
 * recursion over column blocks follows Writer.format(), the flushes follow
 * Writer.Write(), so that ragged tables pad exactly as kubectl pads them.
 */
#include "tabwriter.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct tw_cell {
        const char *text;
        size_t size;            /* bytes */
        size_t width;           /* UTF-8 characters */
};

struct tw_line {
        struct tw_cell *cells;
        size_t n;               /* cells; the last one is the text after the last tab */
        bool newline;           /* the input line ended with '\n' or '\f' */
        bool flush;             /* Write() flushes after this line */
};

struct tw {
        const struct kfs_tabwriter_config *cfg;
        struct tw_line *lines;
        size_t n_lines;
        size_t *widths;         /* a stack, as Go's b.widths */
        size_t n_widths;
        size_t *maxwidths;      /* RememberWidths: per column depth, across flushes */
        size_t n_maxwidths;
        struct kfs_buf *out;
};

static size_t tw_width(const char *s, size_t n)
{
        size_t w = 0;

        for (size_t i = 0; i < n; i++)
                if (((unsigned char) s[i] & 0xC0) != 0x80)
                        w++;
        return w;
}

static void tw_write_lines(struct tw *t, size_t line0, size_t line1)
{
        for (size_t i = line0; i < line1; i++) {
                const struct tw_line *l = &t->lines[i];

                for (size_t j = 0; j < l->n; j++) {
                        const struct tw_cell *c = &l->cells[j];

                        kfs_buf_addn(t->out, c->text, c->size);
                        if (j < t->n_widths && t->widths[j] > c->width)
                                kfs_buf_pad(t->out, ' ', t->widths[j] - c->width);
                }
                if (l->newline)
                        kfs_buf_addc(t->out, '\n');
        }
}

/* RememberWidths: a column is never narrower than it was before. */
static size_t tw_remember(struct tw *t, size_t width)
{
        if (!t->cfg->remember_widths)
                return width;
        if (t->n_maxwidths < t->n_widths) {
                memcpy(t->maxwidths + t->n_maxwidths, t->widths + t->n_maxwidths,
                       (t->n_widths - t->n_maxwidths) * sizeof(*t->widths));
                t->n_maxwidths = t->n_widths;
        }
        if (t->n_maxwidths == t->n_widths)
                t->maxwidths[t->n_maxwidths++] = width;
        else if (t->maxwidths[t->n_widths] > width)
                width = t->maxwidths[t->n_widths];
        else
                t->maxwidths[t->n_widths] = width;
        return width;
}

static void tw_format(struct tw *t, size_t line0, size_t line1)
{
        size_t column = t->n_widths;

        for (size_t this = line0; this < line1; this++) {
                size_t width = t->cfg->minwidth;

                if (column + 1 >= t->lines[this].n)
                        continue;
                /* a block of lines that have this column starts here */
                tw_write_lines(t, line0, this);
                line0 = this;
                for (; this < line1; this++) {
                        const struct tw_line *l = &t->lines[this];

                        if (column + 1 >= l->n)
                                break;
                        if (l->cells[column].width + t->cfg->padding > width)
                                width = l->cells[column].width + t->cfg->padding;
                }
                t->widths[t->n_widths++] = tw_remember(t, width);
                tw_format(t, line0, this);
                t->n_widths--;
                line0 = this;
        }
        tw_write_lines(t, line0, line1);
}

/* The end of the line starting at `pos`: the next '\n' or '\f', or len. */
static size_t tw_eol(const char *text, size_t pos, size_t len)
{
        while (pos < len && text[pos] != '\n' && text[pos] != '\f')
                pos++;
        return pos;
}

int kfs_tabwriter(const struct kfs_tabwriter_config *cfg, const char *text, size_t len,
                  struct kfs_buf *out)
{
        struct tw t = { .cfg = cfg, .out = out };
        size_t max_cells = 0, pos = 0, seg = 0;
        int r = 0;

        /* split into lines of cells */
        while (pos < len) {
                size_t end = tw_eol(text, pos, len);
                struct tw_line *lines = realloc(t.lines, (t.n_lines + 1) * sizeof(*lines));
                struct tw_line *l;

                if (!lines) {
                        r = -ENOMEM;
                        goto out;
                }
                t.lines = lines;
                l = &t.lines[t.n_lines++];
                *l = (struct tw_line) { .newline = end < len };
                for (size_t start = pos;;) {
                        size_t cend = start;
                        struct tw_cell *cells = realloc(l->cells, (l->n + 1) * sizeof(*cells));

                        if (!cells) {
                                r = -ENOMEM;
                                goto out;
                        }
                        l->cells = cells;
                        while (cend < end && text[cend] != '\t' && text[cend] != '\v')
                                cend++;
                        l->cells[l->n++] = (struct tw_cell) {
                                .text = text + start,
                                .size = cend - start,
                                .width = tw_width(text + start, cend - start),
                        };
                        if (cend == end)
                                break;
                        start = cend + 1;
                }
                /* Write() flushes after a '\f' and after a line of one cell */
                l->flush = end < len && (text[end] == '\f' || l->n == 1);
                if (l->n > max_cells)
                        max_cells = l->n;
                pos = end + 1;
        }
        t.widths = calloc(max_cells + 1, sizeof(*t.widths));
        t.maxwidths = calloc(max_cells + 1, sizeof(*t.maxwidths));
        if (!t.widths || !t.maxwidths) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < t.n_lines; i++) {
                if (t.lines[i].flush) {
                        tw_format(&t, seg, i + 1);
                        seg = i + 1;
                }
        }
        tw_format(&t, seg, t.n_lines);
        r = out->err;
out:
        for (size_t i = 0; i < t.n_lines; i++)
                free(t.lines[i].cells);
        free(t.lines);
        free(t.widths);
        free(t.maxwidths);
        return r;
}
