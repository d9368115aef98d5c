/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Small string helpers every layer uses: suffixes, file name extensions,
 * "." and "..", hex.
 */

#include <stdbool.h>
#include <stddef.h>

/* Whether `s` ends with `suffix` (byte for byte, or ASCII case-insensitively). */
bool kfs_str_ends_with(const char *s, const char *suffix);
bool kfs_str_ends_with_case(const char *s, const char *suffix);

/* Whether `s` starts with `prefix`. */
bool kfs_str_starts_with(const char *s, const char *prefix);

/* Whether a directory entry's name is "." or "..". */
bool kfs_name_is_dot(const char *name);

/* The basename's extension ("crt" for "ca.crt"), "" when none. */
const char *kfs_name_ext(const char *name);

/* Whether `name` ends in one of the NULL-terminated `exts` (without dots, case-insensitive). */
bool kfs_name_has_ext(const char *name, const char *const *exts);

/* The value of a hex digit (0-9, a-f, A-F), or -1. */
int kfs_hex_digit(char c);

/* Bytes as colon hex ("AB:CD:...", upper case) into `out` (3 * n bytes; "" when n is 0). */
void kfs_hex_colon(const unsigned char *p, size_t n, char *out);
/* ... and as plain lower-case hex (2 * n + 1 bytes). */
void kfs_hex_lower(const unsigned char *p, size_t n, char *out);
