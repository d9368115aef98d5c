/* SPDX-License-Identifier: Apache-2.0 */
/* lib/str.h and lib/hash.h: the helpers every layer shares, on known vectors. */
#include <stdint.h>

#include "hash.h"
#include "str.h"
#include "test.h"

static void test_str(void)
{
        static const char *const exts[] = { "crt", "pem", NULL };
        char hex[64];

        CHECK(kfs_str_ends_with("ca.crt", ".crt"));
        CHECK(kfs_str_ends_with("x", ""));
        CHECK(!kfs_str_ends_with("crt", ".crt"));
        CHECK(!kfs_str_ends_with("ca.CRT", ".crt"));
        CHECK(kfs_str_ends_with_case("ca.CRT", ".crt"));
        CHECK(kfs_str_starts_with("--token=x", "--token"));
        CHECK(!kfs_str_starts_with("-t", "--token"));
        CHECK(kfs_name_is_dot(".") && kfs_name_is_dot(".."));
        CHECK(!kfs_name_is_dot(".kube") && !kfs_name_is_dot("...") && !kfs_name_is_dot(""));
        CHECK_STR(kfs_name_ext("ca.crt"), "crt");
        CHECK_STR(kfs_name_ext("a.tar.gz"), "gz");
        CHECK_STR(kfs_name_ext(".bashrc"), "");
        CHECK_STR(kfs_name_ext("Makefile"), "");
        CHECK(kfs_name_has_ext("CA.PEM", exts));
        CHECK(!kfs_name_has_ext("ca.key", exts));
        kfs_hex_colon((const unsigned char *) "\x01\xab\xff", 3, hex);
        CHECK_STR(hex, "01:AB:FF");
        kfs_hex_colon((const unsigned char *) "", 0, hex);
        CHECK_STR(hex, "");
        kfs_hex_lower((const unsigned char *) "\x01\xab\xff", 3, hex);
        CHECK_STR(hex, "01abff");
}

/* Vectors: FNV's reference test suite (isthe.com/chongo/tech/comp/fnv) and
 * the CRC-32 check value of "123456789". */
static void test_hash(void)
{
        CHECK(kfs_fnv32a(KFS_FNV32A_INIT, "", 0) == UINT32_C(0x811c9dc5));
        CHECK(kfs_fnv32a(KFS_FNV32A_INIT, "a", 1) == UINT32_C(0xe40c292c));
        CHECK(kfs_fnv32a(KFS_FNV32A_INIT, "foobar", 6) == UINT32_C(0xbf9cf968));
        CHECK(kfs_fnv64a(KFS_FNV64A_INIT, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
        CHECK(kfs_fnv64a(KFS_FNV64A_INIT, "foobar", 6) == UINT64_C(0x85944171f73967e8));
        CHECK(kfs_fnv64a_str(KFS_FNV64A_INIT, "foobar") == UINT64_C(0x85944171f73967e8));
        /* chained pieces hash as their concatenation */
        CHECK(kfs_fnv64a_str(kfs_fnv64a_str(KFS_FNV64A_INIT, "foo"), "bar") == UINT64_C(0x85944171f73967e8));
        CHECK(kfs_crc32("123456789", 9) == UINT32_C(0xcbf43926));
        CHECK(kfs_crc32("", 0) == 0);
}

int main(void)
{
        test_str();
        test_hash();
        return test_exit();
}
