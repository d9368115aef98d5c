/* SPDX-License-Identifier: Apache-2.0 */
/* lib/toml.c: the tree it builds, its errors (line and column), its limits. */
#include <errno.h>

#include "buf.h"
#include "pipeline.h"
#include "registry.h"
#include "test.h"
#include "toml.h"
#include "yflat.h"

static struct kfs_ydoc *parse_n(const char *text, size_t len, int want, char *err)
{
        struct kfs_ydoc *d = NULL;
        char buf[256];
        int r = kfs_toml_parse(text, len, &d, err ? err : buf, 256);

        if (r != want)
                fprintf(stderr, "parse returned %d (%s), expected %d for:\n%.200s\n", r, err ? err : buf, want, text);
        CHECK_INT(r, want);
        return d;
}

static struct kfs_ydoc *parse(const char *text, int want, char *err)
{
        return parse_n(text, strlen(text), want, err);
}

static void check_json(const char *text, const char *want)
{
        struct kfs_ydoc *d = parse(text, 0, NULL);
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);
        char err[256] = "";

        if (!d)
                return;
        CHECK_INT(kfs_yjson_render(d->docs, d->n_docs, &out, err, sizeof(err)), 0);
        CHECK_STR(out.buf, want);
        kfs_buf_release(&out);
        kfs_ydoc_free(d);
}

static void test_doc_tree(void)
{
        struct kfs_ydoc *d = parse("# c\nb = 1\na = \"x\"\n[t]\nk = true\n", 0, NULL);
        const struct kfs_ynode *root = d->docs[0];

        CHECK_INT(d->n_docs, 1);
        CHECK_INT(root->type, KFS_YMAP);
        CHECK_STR(kfs_yscalar(root->items[0]), "b");            /* document order */
        CHECK_INT(kfs_ykind(kfs_ymap_get(root, "b")), KFS_YINT);
        CHECK_INT(kfs_ykind(kfs_ymap_get(root, "a")), KFS_YSTR);
        CHECK_INT(kfs_ykind(kfs_ymap_get(kfs_ymap_get(root, "t"), "k")), KFS_YBOOL);
        CHECK(kfs_ybool(kfs_ymap_get(kfs_ymap_get(root, "t"), "k")));
        CHECK_INT(kfs_ymap_get(root, "a")->line, 3);
        kfs_ydoc_free(d);
}

static void test_values(void)
{
        check_json("i = 0xDEAD_beef\no = 0o17\nb = 0b101\nn = -9223372036854775808\np = +1_000\n",
                   "{\"i\":3735928559,\"o\":15,\"b\":5,\"n\":-9223372036854775808,\"p\":1000}\n");
        check_json("f = 1e3\ng = -0.5\nh = 6.02e23\ni = inf\nj = -inf\nk = nan\n",
                   "{\"f\":1000,\"g\":-0.5,\"h\":6.02e+23,\"i\":\"inf\",\"j\":\"-inf\",\"k\":\"nan\"}\n");
        check_json("a = 1979-05-27 07:32:00z\nb = 1979-05-27t07:32:00.999+01:00\nc = 1979-05-27\nd = 07:32:00\n",
                   "{\"a\":\"1979-05-27T07:32:00Z\",\"b\":\"1979-05-27T07:32:00.999+01:00\","
                   "\"c\":\"1979-05-27\",\"d\":\"07:32:00\"}\n");
        check_json("s = \"\\u00e9\\t\\U0001F600\"\nl = 'C:\\x'\nm = \"\"\"\nab\\\n   c\"\"\"\"\"\n",
                   "{\"s\":\"\xc3\xa9\\t\xf0\x9f\x98\x80\",\"l\":\"C:\\\\x\",\"m\":\"abc\\\"\\\"\"}\n");
        check_json("[a.b]\nx = 1\n[a]\ny = 2\n[[c]]\n[[c]]\nz = {p.q = 1}\n",
                   "{\"a\":{\"b\":{\"x\":1},\"y\":2},\"c\":[{},{\"z\":{\"p\":{\"q\":1}}}]}\n");
}

static void test_errors(void)
{
        char err[256];

        kfs_ydoc_free(parse("a = 1\nb = \"x\n", -EINVAL, err));
        CHECK_STR(err, "line 2, column 5: unterminated string");
        kfs_ydoc_free(parse("a = 1\na = 2\n", -EINVAL, err));
        CHECK_STR(err, "line 2, column 1: duplicate key");
        kfs_ydoc_free(parse("[a]\n[a]\n", -EINVAL, err));
        CHECK_STR(err, "line 2, column 1: a table is defined twice");
        kfs_ydoc_free(parse("[a.b]\n[a]\nb.c = 1\n", -EINVAL, err));
        kfs_ydoc_free(parse("a = {}\n[a.b]\n", -EINVAL, err));
        kfs_ydoc_free(parse("a = []\n[[a]]\n", -EINVAL, err));
        kfs_ydoc_free(parse("a = 9223372036854775808\n", -EINVAL, err));
        kfs_ydoc_free(parse("a = 2021-02-29\n", -EINVAL, err));
        kfs_ydoc_free(parse("a = \"\\ud800\"\n", -EINVAL, err));
        kfs_ydoc_free(parse_n("a = \"\0\"\n", 8, -EINVAL, err));
        CHECK_STR(err, "line 1, column 6: control character in a string");
        kfs_ydoc_free(parse("a = \"\xff\"\n", -EINVAL, err));
        CHECK_STR(err, "line 1, column 6: not UTF-8");
        /* the message never holds the text */
        kfs_ydoc_free(parse("password = hunter2\n", -EINVAL, err));
        CHECK(!strstr(err, "hunter2"));
}

static void test_limits(void)
{
        struct kfs_buf b = KFS_BUF_INIT(64 << 20);
        char err[256];

        /* nesting: arrays, inline tables, dotted keys, headers */
        kfs_buf_add(&b, "a = ");
        for (int i = 0; i < 100000; i++)
                kfs_buf_add(&b, "[");
        kfs_ydoc_free(parse(b.buf, -E2BIG, err));
        CHECK(strstr(err, "nested more than") != NULL);
        kfs_buf_truncate(&b, 0);
        kfs_buf_add(&b, "a = ");
        for (int i = 0; i < 100000; i++)
                kfs_buf_add(&b, "{b = ");
        kfs_ydoc_free(parse(b.buf, -E2BIG, err));
        kfs_buf_truncate(&b, 0);
        for (int i = 0; i < 100000; i++)
                kfs_buf_add(&b, "a.");
        kfs_buf_add(&b, "a = 1\n");
        kfs_ydoc_free(parse(b.buf, -E2BIG, err));
        kfs_buf_truncate(&b, 0);
        kfs_buf_add(&b, "[");
        for (int i = 0; i < 100000; i++)
                kfs_buf_add(&b, "a.");
        kfs_buf_add(&b, "a]\n");
        kfs_ydoc_free(parse(b.buf, -E2BIG, err));
        /* at the limit's edge it still parses */
        kfs_buf_truncate(&b, 0);
        kfs_buf_add(&b, "a = ");
        for (int i = 0; i < KFS_TOML_MAX_DEPTH - 2; i++)
                kfs_buf_add(&b, "[");
        for (int i = 0; i < KFS_TOML_MAX_DEPTH - 2; i++)
                kfs_buf_add(&b, "]");
        kfs_ydoc_free(parse(b.buf, 0, err));
        /* too many values: refused, not held */
        kfs_buf_truncate(&b, 0);
        kfs_buf_add(&b, "a = [");
        for (int i = 0; i < KFS_TOML_MAX_NODES + 10; i++)
                kfs_buf_add(&b, "1,");
        kfs_buf_add(&b, "]\n");
        kfs_ydoc_free(parse(b.buf, -E2BIG, err));
        CHECK(strstr(err, "keys and values") != NULL);
        /* many keys in one table: linear (hashed), and kept */
        kfs_buf_truncate(&b, 0);
        for (int i = 0; i < 200000; i++)
                kfs_buf_addf(&b, "k%d = %d\n", i, i);
        struct kfs_ydoc *d = parse(b.buf, 0, err);
        CHECK(d && d->docs[0]->n == 200000);
        kfs_ydoc_free(d);
        kfs_buf_release(&b);
}

static bool matches(const char *path, const char *text)
{
        uint32_t mask = kfs_probe_data(path, text, strlen(text));
        int i = kfs_registry_index(&kfs_decoder_toml);

        return i >= 0 && (mask & (UINT32_C(1) << i));
}

static void test_recognition(void)
{
        CHECK(matches("etc/containerd/config.toml", "version = 2\n"));
        CHECK(matches("etc/containerd/conf.d/10-x.toml", "[debug]\n"));
        CHECK(matches("etc/crio/crio.conf", "[crio]\n"));
        CHECK(matches("etc/crio/crio.conf.d/10-crun.conf", "[crio.runtime]\n"));
        CHECK(matches("etc/crio/crio.conf.d/01-no-extension", "# c\n"));
        CHECK(matches("var/lib/rancher/k3s/agent/etc/containerd/config.toml", "# generated\n"));
        CHECK(!matches("etc/crio/crio.conf.d/.hidden.conf", "[crio]\n"));
        CHECK(!matches("etc/crio/notcrio.conf.d/x.conf", "[crio]\n"));
        CHECK(!matches("etc/kubernetes/x.conf", "a = 1\n"));
        CHECK(!matches("etc/kubernetes/pki/x.toml", "-----BEGIN CERTIFICATE-----\n"));
        /* and the YAML decoder leaves them alone */
        uint32_t mask = kfs_probe_data("etc/containerd/config.toml", "version = 2\n", 12);
        CHECK(!(mask & (UINT32_C(1) << kfs_registry_index(&kfs_decoder_yaml))));
}

int main(void)
{
        test_recognition();
        test_doc_tree();
        test_values();
        test_errors();
        test_limits();
        return test_exit();
}
