/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "buf.h"
#include "test.h"
#include "ydoc.h"

static struct kfs_ydoc *parse(const char *text, int want)
{
        struct kfs_ydoc *d = NULL;
        char err[256];
        int r = kfs_ydoc_parse(text, strlen(text), &d, err, sizeof(err));

        if (r != want)
                fprintf(stderr, "parse returned %d (%s), expected %d for:\n%.200s\n", r, err, want, text);
        CHECK_INT(r, want);
        return d;
}

static void test_basic(void)
{
        struct kfs_ydoc *d = parse("a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\nempty:\n", 0);
        const struct kfs_ynode *root = d->docs[0], *b;

        CHECK_INT(d->n_docs, 1);
        CHECK_INT(root->type, KFS_YMAP);
        CHECK_INT(root->n, 4);
        CHECK_STR(kfs_ymap_str(root, "a"), "1");
        CHECK_INT(kfs_ykind(kfs_ymap_get(root, "a")), KFS_YINT);
        b = kfs_ymap_get(root, "b");
        CHECK(b && b->type == KFS_YSEQ && b->n == 3);
        CHECK_INT(b->items[1]->style, KFS_YQUOTED);
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(root, "c"), "d"), "e");
        CHECK(kfs_ynull(kfs_ymap_get(root, "empty")));
        CHECK(kfs_ymap_get(root, "nope") == NULL);
        CHECK_INT(kfs_ymap_get(root, "c")->line, 3);
        kfs_ydoc_free(d);
}

static void test_multidoc_and_dupes(void)
{
        struct kfs_ydoc *d = parse("---\nk: 1\nk: 2\n---\n- a\n---\n", 0);

        CHECK_INT(d->n_docs, 3);
        CHECK_STR(kfs_ymap_str(d->docs[0], "k"), "2");  /* the last one, as Go */
        CHECK_INT(d->docs[0]->n, 2);                     /* both kept, in order */
        CHECK(kfs_ynull(d->docs[2]));
        kfs_ydoc_free(d);
        d = parse("", 0);
        CHECK_INT(d->n_docs, 0);
        kfs_ydoc_free(d);
}

static void test_anchors_merge(void)
{
        struct kfs_ydoc *d = parse(
                "base: &b {x: 1, y: 2}\n"
                "other: &o {y: 20, z: 30}\n"
                "m:\n  <<: [*b, *o]\n  x: 10\n"
                "alias: *b\n", 0);
        const struct kfs_ynode *m = kfs_ymap_get(d->docs[0], "m");

        CHECK_INT(m->n, 3);
        CHECK_STR(kfs_ymap_str(m, "x"), "10");   /* the map's own key wins */
        CHECK_STR(kfs_ymap_str(m, "y"), "2");    /* the earlier merged map wins */
        CHECK_STR(kfs_ymap_str(m, "z"), "30");
        CHECK(kfs_ymap_get(d->docs[0], "alias") == kfs_ymap_get(d->docs[0], "base"));
        kfs_ydoc_free(d);
        kfs_ydoc_free(parse("a: *nope\n", -EINVAL));
        kfs_ydoc_free(parse("a: &x [ *x ]\n", -EINVAL));        /* recursive */
        kfs_ydoc_free(parse("a: {<<: 1}\n", -EINVAL));
}

static void test_hostile(void)
{
        char *deep, *p;
        const char *laughs =
                "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        char err[256];
        struct kfs_ydoc *d = NULL;

        CHECK_INT(kfs_ydoc_parse(laughs, strlen(laughs), &d, err, sizeof(err)), -E2BIG);
        CHECK(strstr(err, "aliases expanded") != NULL);
        /* 20,000 levels, YAML and JSON */
        deep = malloc(40002);
        for (p = deep; p < deep + 20000; p++)
                *p = '[';
        memset(p, ']', 20000);
        p[20000] = '\0';
        CHECK_INT(kfs_ydoc_parse(deep, 40000, &d, err, sizeof(err)), -E2BIG);
        for (p = deep; p < deep + 20000; p++)
                *p = "- "[(p - deep) % 2];
        deep[20000] = 'x';
        deep[20001] = '\0';
        CHECK(kfs_ydoc_parse(deep, 20001, &d, err, sizeof(err)) < 0);
        free(deep);
        /* invalid YAML names line and column */
        CHECK_INT(kfs_ydoc_parse("a: b\n c: d\n", 11, &d, err, sizeof(err)), -EINVAL);
        CHECK(strncmp(err, "line 2, column ", 15) == 0);
        CHECK(kfs_ydoc_parse("a: \x01\n", 6, &d, err, sizeof(err)) < 0);
        CHECK(kfs_ydoc_parse("a: \xff\xfe\n", 6, &d, err, sizeof(err)) < 0);
}

static void test_json(void)
{
        struct kfs_ydoc *d = parse("{\"policyName\":\"static\",\"n\":1.5,\"i\":-3,\"b\":true,\"z\":null,"
                                   "\"s\":\"true\",\"l\":[1,2]}", 0);
        const struct kfs_ynode *r = d->docs[0];

        CHECK(d->json);
        CHECK_INT(r->n, 7);
        CHECK_STR(kfs_yscalar(r->items[0]), "policyName");      /* key order kept */
        CHECK_STR(kfs_ymap_str(r, "n"), "1.5");
        CHECK_INT(kfs_ykind(kfs_ymap_get(r, "n")), KFS_YFLOAT);
        CHECK_INT(kfs_ykind(kfs_ymap_get(r, "i")), KFS_YINT);
        CHECK_INT(kfs_ykind(kfs_ymap_get(r, "b")), KFS_YBOOL);
        CHECK_INT(kfs_ykind(kfs_ymap_get(r, "z")), KFS_YNULL);
        CHECK_INT(kfs_ykind(kfs_ymap_get(r, "s")), KFS_YSTR);  /* a JSON string stays a string */
        kfs_ydoc_free(d);
        /* what JSON refuses, YAML flow syntax may take */
        d = parse("{\"a\": 1, # comment\n \"b\": 2}\n", 0);
        CHECK_STR(kfs_ymap_str(d->docs[0], "b"), "2");
        kfs_ydoc_free(d);
        /* integers beyond int64 */
        d = parse("[123456789012345678901234567890]", 0);
        CHECK_INT(kfs_ykind(d->docs[0]->items[0]), KFS_YFLOAT);
        kfs_ydoc_free(d);
}

static void test_kinds(void)
{
        struct kfs_ydoc *d = parse("[yes, No, on, ~, null, '', 0x1F, 0o17, 0777, 08, 1_000, 1e3, .5, -.inf, "
                                   "1.2.3, 10Mi, \"10\", !!str 10, !!int '7', 0b101, +12, -, 1e400, .1e-400, "
                                   "-1e308, .5_0]", 0);
        const struct kfs_ynode *l = d->docs[0];
        const enum kfs_ykind want[] = {
                KFS_YBOOL, KFS_YBOOL, KFS_YBOOL, KFS_YNULL, KFS_YNULL, KFS_YSTR, KFS_YINT, KFS_YINT,
                KFS_YINT, KFS_YFLOAT, KFS_YINT, KFS_YFLOAT, KFS_YFLOAT, KFS_YFLOAT,
                KFS_YSTR, KFS_YSTR, KFS_YSTR, KFS_YSTR, KFS_YINT, KFS_YINT, KFS_YINT, KFS_YSTR,
                KFS_YSTR, KFS_YFLOAT, KFS_YFLOAT, KFS_YFLOAT,
        };

        CHECK_INT(l->n, sizeof(want) / sizeof(want[0]));
        /* Go's ParseInt(s, 0, 64) wants digits after a prefix */
        {
                bool neg;
                uint64_t mag;
                CHECK(!kfs_yint_parse("0o", &neg, &mag));
                CHECK(!kfs_yint_parse("0x", &neg, &mag));
                CHECK(kfs_yint_parse("-0x1F", &neg, &mag) && neg && mag == 31);
                CHECK(kfs_yint_parse("-9223372036854775808", &neg, &mag) && neg && mag == (uint64_t) INT64_MAX + 1);
                CHECK(!kfs_yint_parse("-9223372036854775809", &neg, &mag));
                CHECK(kfs_yint_parse("18446744073709551615", &neg, &mag) && !neg && mag == UINT64_MAX);
                CHECK(!kfs_yint_parse("18446744073709551616", &neg, &mag));
                CHECK(kfs_yint_parse("0777", &neg, &mag) && mag == 511);
                CHECK(!kfs_yint_parse("08", &neg, &mag));
        }
        for (size_t i = 0; i < l->n && i < sizeof(want) / sizeof(want[0]); i++) {
                if (kfs_ykind(l->items[i]) != want[i])
                        fprintf(stderr, "item %zu '%s'\n", i, l->items[i]->str);
                CHECK_INT(kfs_ykind(l->items[i]), want[i]);
        }
        kfs_ydoc_free(d);
}

/* `<<: *big` into a big map: linear, and the map's own keys still win */
static void test_merge_big(void)
{
        struct kfs_buf b = KFS_BUF_INIT(16u << 20);
        const size_t n = 20000;
        struct kfs_ydoc *d;

        kfs_buf_add(&b, "base: &b\n");
        for (size_t i = 0; i < n; i++)
                kfs_buf_addf(&b, "  k%zu: base\n", i);
        kfs_buf_add(&b, "m:\n  k7: own\n  <<: *b\n");
        for (size_t i = 0; i < n; i++)
                kfs_buf_addf(&b, "  j%zu: v\n", i);
        d = parse(kfs_buf_str(&b), 0);
        if (d) {
                const struct kfs_ynode *m = kfs_ymap_get(d->docs[0], "m");
                CHECK_INT(m->n, 2 * n);
                CHECK_STR(kfs_ymap_str(m, "k7"), "own");
                CHECK_STR(kfs_ymap_str(m, "k19999"), "base");
                CHECK_STR(kfs_yscalar(m->items[0]), "k7");      /* own keys keep their place */
                CHECK_STR(kfs_yscalar(m->items[2]), "k0");      /* merged ones come where << was */
        }
        kfs_ydoc_free(d);
        kfs_buf_release(&b);
}

/* error messages never quote the input (it may be a token) */
static void test_errors_quote_nothing(void)
{
        const char *bad[] = {
                "{\"token\": abc123sekrit",
                "{\"token\": \"x\" abc123sekrit}",
                "[abc123sekrit",
        };
        char err[256];
        struct kfs_ydoc *d = NULL;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                CHECK(kfs_ydoc_parse(bad[i], strlen(bad[i]), &d, err, sizeof(err)) < 0);
                CHECK(strstr(err, "abc123") == NULL);
                CHECK(strncmp(err, "invalid JSON: line 1, column ", 29) == 0);
        }
}

/* JSON past the node limit is refused before jansson builds its tree */
static void test_json_limit(void)
{
        size_t n = KFS_YDOC_MAX_NODES + 1;
        char *s = malloc(2 * n + 2), err[256];
        struct kfs_ydoc *d = NULL;

        s[0] = '[';
        for (size_t i = 0; i < n; i++) {
                s[1 + 2 * i] = '0';
                s[2 + 2 * i] = i + 1 < n ? ',' : ']';
        }
        s[2 * n + 1] = '\0';
        CHECK_INT(kfs_ydoc_parse(s, strlen(s), &d, err, sizeof(err)), -E2BIG);
        CHECK(strstr(err, "too many nodes") != NULL);
        free(s);
}

int main(void)
{
        test_basic();
        test_multidoc_and_dupes();
        test_anchors_merge();
        test_hostile();
        test_json();
        test_kinds();
        test_merge_big();
        test_errors_quote_nothing();
        test_json_limit();
        return test_exit();
}
