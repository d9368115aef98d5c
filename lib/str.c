/* SPDX-License-Identifier: Apache-2.0 */
#include "str.h"

#include <string.h>
#include <strings.h>

bool kfs_str_ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool kfs_str_ends_with_case(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool kfs_str_starts_with(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool kfs_name_is_dot(const char *name)
{
        return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

const char *kfs_name_ext(const char *name)
{
        const char *dot = strrchr(name, '.');

        return dot && dot != name ? dot + 1 : "";
}

bool kfs_name_has_ext(const char *name, const char *const *exts)
{
        const char *ext = kfs_name_ext(name);

        for (; *exts; exts++)
                if (strcasecmp(ext, *exts) == 0)
                        return true;
        return false;
}

int kfs_hex_digit(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

void kfs_hex_colon(const unsigned char *p, size_t n, char *out)
{
        static const char hex[] = "0123456789ABCDEF";

        if (n == 0) {
                *out = '\0';
                return;
        }
        for (size_t i = 0; i < n; i++) {
                *out++ = hex[p[i] >> 4];
                *out++ = hex[p[i] & 15];
                *out++ = i + 1 < n ? ':' : '\0';
        }
}

void kfs_hex_lower(const unsigned char *p, size_t n, char *out)
{
        static const char hex[] = "0123456789abcdef";

        for (size_t i = 0; i < n; i++) {
                *out++ = hex[p[i] >> 4];
                *out++ = hex[p[i] & 15];
        }
        *out = '\0';
}
