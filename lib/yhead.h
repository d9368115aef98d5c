/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * yhead: the top-level keys of a YAML or JSON text, from its first bytes,
 * for the decoders' match() functions: no allocation, no parse (a head may
 * stop in the middle of a document), one meaning of "top level" for every
 * decoder.
 *
 * A key is top level when it is
 * - in block YAML, a mapping key at column 0 ("kind: Pod"), in any document
 *   of the stream ("---" separates them; documents are numbered from 0);
 * - in JSON or YAML flow style, a key of the outermost mapping ({"kind": ...});
 *   one such value after another (JSON Lines) are documents too;
 * and, reported with ->item set, a key of a mapping that is an item of a
 * top-level `items` sequence (the objects of a `kind: List`).
 *
 * Keys and values are as written, quotes dropped (escapes kept); a value is
 * the scalar on the key's line ("" when the value is a collection or on the
 * next lines). Comments, directives and a UTF-8 byte order mark are skipped.
 */

#include <stdbool.h>
#include <stddef.h>

struct kfs_yhead_key {
        const char *key;
        size_t key_len;
        const char *value;
        size_t value_len;
        unsigned doc;           /* the document it is in, from 0 */
        bool item;              /* a key of an item of the top-level `items` */
};

/*
 * Calls fn for each top-level key of the `len` bytes at `s`, in order, until
 * fn returns non-zero, which is then returned; 0 when the keys ran out.
 */
int kfs_yhead_scan(const char *s, size_t len, int (*fn)(const struct kfs_yhead_key *k, void *arg), void *arg);

/* Whether `n` bytes at `s` are exactly the NUL-terminated `lit`. */
bool kfs_yhead_is(const char *s, size_t n, const char *lit);
