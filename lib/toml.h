/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * toml: a TOML 1.0.0 document (https://toml.io/en/v1.0.0) as a ydoc tree,
 * so the YAML path's writers (yflat.h: .flat, .json) and redaction
 * (yredact.h) serve TOML unchanged. No C TOML library is packaged in
 * Debian 12; this parser is checked against the toml-test suite
 * (tests/toml/toml_test.py) and Python's tomllib (tests/toml/oracle.py).
 *
 * The tree (one document):
 * - tables are maps, arrays and arrays of tables are sequences, keys are
 *   quoted scalars, in the order the document defines them (a table made
 *   implicitly by `[a.b]` takes its place when `a` first appears), as
 *   tomllib's dicts keep them;
 * - strings are quoted scalars (escapes decoded; CRLF in multi-line
 *   strings read as LF);
 * - integers are plain scalars tagged "!!int" holding the decimal value
 *   (0x1F, 0o17, 0b101, 1_000 -> "31", "15", "5", "1000"): exact;
 * - floats are plain scalars tagged "!!float" holding the text without '_'
 *   (yflat prints them as Go prints a float64); inf and nan, which JSON
 *   lacks, are the quoted strings "inf", "-inf" and "nan";
 * - booleans are plain scalars tagged "!!bool", "true"/"false";
 * - offset and local date-times, dates and times are quoted scalars in
 *   RFC 3339 form: the date/time separator written 'T', 'Z' upper-case,
 *   fractional seconds and offsets as written.
 *
 * Hostile input meets named limits and fails with "line L, column C: what",
 * never with unbounded time, memory or C stack.
 */

#include <stddef.h>

#include "ydoc.h"

/* Nesting of tables, arrays and inline tables (a dotted key's parts count). */
#define KFS_TOML_MAX_DEPTH 256
/* Keys and values held (each becomes a ydoc node). */
#define KFS_TOML_MAX_NODES KFS_YDOC_MAX_NODES

/*
 * Parses `len` bytes into a one-document ydoc. On failure returns -EINVAL
 * (or -ENOMEM, -E2BIG when a limit trips) and writes a one-line reason with
 * line and column into err[errsize] (never the text there: it could be a
 * secret).
 */
int kfs_toml_parse(const char *data, size_t len, struct kfs_ydoc **ret, char *err, size_t errsize);
