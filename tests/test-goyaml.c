/* SPDX-License-Identifier: Apache-2.0 */
/*
 * go-yaml v2's printer (lib/goyaml.c), the one kubectl's `-o yaml` and
 * `config view` use: key order, quoting, block styles, empty collections.
 * Expected texts follow go-yaml v2's emitter rules (sorted map keys, no
 * indentation for a sequence under a key, '' or "" quoting where a plain
 * scalar would read back as another type or break the syntax, |- for
 * multi-line strings).
 */
#include <string.h>

#include "goyaml.h"
#include "test.h"

static void check_emit(struct kfs_gv *v, const char *want, int line)
{
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);
        char err[256] = "";
        int r = kfs_goyaml_emit(v, &out, err, sizeof(err));

        if (r < 0 || strcmp(kfs_buf_str(&out), want) != 0) {
                fprintf(stderr, "%s:%d: emit gave (r=%d %s)\n%s\nexpected\n%s\n", __FILE__, line, r, err,
                        kfs_buf_str(&out), want);
                test_failures++;
        }
        kfs_buf_release(&out);
        kfs_gv_free(v);
}
#define EMIT(v, want) check_emit((v), (want), __LINE__)

static struct kfs_gv *map1(const char *k, struct kfs_gv *v)
{
        struct kfs_gv *m = kfs_gv_new(KFS_GV_MAP);

        kfs_gv_set(m, k, v);
        return m;
}

static struct kfs_gv *num(const char *text)
{
        struct kfs_gv *n = kfs_gv_str(text);

        n->type = KFS_GV_NUM;
        return n;
}

int main(void)
{
        struct kfs_gv *m, *s;

        /* keys sorted, scalars plain where they read back as strings */
        m = kfs_gv_new(KFS_GV_MAP);
        kfs_gv_set(m, "name", kfs_gv_str("kubernetes"));
        kfs_gv_set(m, "apiVersion", kfs_gv_str("v1"));
        kfs_gv_set(m, "count", num("3"));
        kfs_gv_set(m, "on", kfs_gv_bool(true));
        EMIT(m, "apiVersion: v1\ncount: 3\nname: kubernetes\n\"on\": true\n");

        /* strings that would read back as something else are quoted */
        EMIT(map1("a", kfs_gv_str("true")), "a: \"true\"\n");
        EMIT(map1("a", kfs_gv_str("123")), "a: \"123\"\n");
        EMIT(map1("a", kfs_gv_str("")), "a: \"\"\n");
        EMIT(map1("a", kfs_gv_str("null")), "a: \"null\"\n");
        EMIT(map1("a", kfs_gv_str("x: y")), "a: 'x: y'\n");
        EMIT(map1("a", kfs_gv_str("- x")), "a: '- x'\n");
        EMIT(map1("a", kfs_gv_new(KFS_GV_NULL)), "a: null\n");

        /* a sequence under a key is not indented; nested maps are, by 2 */
        s = kfs_gv_new(KFS_GV_SEQ);
        kfs_gv_append(s, kfs_gv_str("x"));
        kfs_gv_append(s, map1("k", kfs_gv_str("v")));
        EMIT(map1("list", s), "list:\n- x\n- k: v\n");
        EMIT(map1("outer", map1("inner", kfs_gv_str("v"))), "outer:\n  inner: v\n");

        /* empty collections inline */
        EMIT(map1("m", kfs_gv_new(KFS_GV_MAP)), "m: {}\n");
        EMIT(map1("s", kfs_gv_new(KFS_GV_SEQ)), "s: []\n");

        /* multi-line strings as literal blocks, without the final newline kept (|-) */
        EMIT(map1("text", kfs_gv_str("line one\nline two")), "text: |-\n  line one\n  line two\n");

        CHECK(kfs_goyaml_plain_ok("kubernetes", 10));
        CHECK(!kfs_goyaml_plain_ok("yes", 3));
        CHECK(!kfs_goyaml_plain_ok("", 0));
        CHECK(kfs_goyaml_keycmp("a", 1, "b", 1) < 0);
        return test_exit();
}
