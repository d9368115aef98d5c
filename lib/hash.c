/* SPDX-License-Identifier: Apache-2.0 */
#include "hash.h"

uint64_t kfs_fnv64a(uint64_t h, const void *data, size_t n)
{
        const unsigned char *p = data;

        while (n--)
                h = (h ^ *p++) * UINT64_C(0x100000001b3);
        return h;
}

uint64_t kfs_fnv64a_str(uint64_t h, const char *s)
{
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * UINT64_C(0x100000001b3);
        return h;
}

uint32_t kfs_fnv32a(uint32_t h, const void *data, size_t n)
{
        const unsigned char *p = data;

        while (n--)
                h = (h ^ *p++) * UINT32_C(0x01000193);
        return h;
}

uint32_t kfs_crc32(const void *data, size_t n)
{
        const unsigned char *p = data;
        uint32_t c = 0xffffffff;

        while (n--) {
                c ^= *p++;
                for (int k = 0; k < 8; k++)
                        c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
        }
        return ~c;
}
