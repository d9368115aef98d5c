/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic YAML/JSON views: JSON strings and numbers as Kubernetes
 * writes them, .flat paths, recognition, kubelet checkpoints.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>

#include "buf.h"
#include "checkpoint.h"
#include "pipeline.h"
#include "registry.h"
#include "test.h"
#include "yflat.h"
#include "hash.h"

static char *json_str(const char *s, size_t n, bool eq)
{
        static char out[512];
        struct kfs_buf b = KFS_BUF_INIT(sizeof(out) - 1);

        kfs_yjson_string(&b, s, n, eq);
        snprintf(out, sizeof(out), "%s", kfs_buf_str(&b));
        kfs_buf_release(&b);
        return out;
}

static void test_strings(void)
{
        CHECK_STR(json_str("plain", 5, false), "\"plain\"");
        CHECK_STR(json_str("a\"b\\c", 5, false), "\"a\\\"b\\\\c\"");
        CHECK_STR(json_str("l1\nl2\r\t\b\f", 9, false), "\"l1\\nl2\\r\\t\\b\\f\"");
        CHECK_STR(json_str("\x01\x1f\x7f", 3, false), "\"\\u0001\\u001f\\u007f\"");
        CHECK_STR(json_str("nul\0x", 5, false), "\"nul\\u0000x\"");
        CHECK_STR(json_str("caf\xc3\xa9 \xe2\x9c\x93", 9, false), "\"caf\xc3\xa9 \xe2\x9c\x93\"");
        CHECK_STR(json_str("\xe2\x80\xa8\xe2\x80\xa9", 6, false), "\"\\u2028\\u2029\"");
        /* not UTF-8: each byte escaped by its value */
        CHECK_STR(json_str("\xff\xc3(", 3, false), "\"\\u00ff\\u00c3(\"");
        CHECK_STR(json_str("a = b", 5, false), "\"a = b\"");
        CHECK_STR(json_str("a = b", 5, true), "\"a \\u003d b\"");
}

static char *flat_key(const char *k, bool first)
{
        static char out[512];
        struct kfs_buf b = KFS_BUF_INIT(sizeof(out) - 1);

        kfs_yflat_key(&b, k, strlen(k), first);
        snprintf(out, sizeof(out), "%s", kfs_buf_str(&b));
        kfs_buf_release(&b);
        return out;
}

static void test_path_keys(void)
{
        CHECK_STR(flat_key("clusterDNS", true), "clusterDNS");
        CHECK_STR(flat_key("clusterDNS", false), ".clusterDNS");
        CHECK_STR(flat_key("_x9", false), "._x9");
        CHECK_STR(flat_key("memory.available", false), "[\"memory.available\"]");
        CHECK_STR(flat_key("current-context", true), "[\"current-context\"]");
        CHECK_STR(flat_key("9lives", false), "[\"9lives\"]");
        CHECK_STR(flat_key("", false), "[\"\"]");
        CHECK_STR(flat_key("with space", false), "[\"with space\"]");
        CHECK_STR(flat_key("a = b", false), "[\"a \\u003d b\"]");
        CHECK_STR(flat_key("line\nbreak", false), "[\"line\\nbreak\"]");
        CHECK_STR(flat_key("q\"uote]", false), "[\"q\\\"uote]\"]");
        CHECK_STR(flat_key("n\xc3\xa4me", false), "[\"n\xc3\xa4me\"]");
}

static void test_floats(void)
{
        static const struct {
                double v;
                char fmt;
                const char *want;
        } cases[] = {
                /* encoding/json (float64) */
                { 0.1, 'j', "0.1" }, { 1000, 'j', "1000" }, { 1.5, 'j', "1.5" }, { -2.25, 'j', "-2.25" },
                { 1e20, 'j', "100000000000000000000" }, { 1e21, 'j', "1e+21" }, { 1.5e300, 'j', "1.5e+300" },
                { 1e-6, 'j', "0.000001" }, { 1e-7, 'j', "1e-7" }, { 1.5e-9, 'j', "1.5e-9" },
                { 1e-10, 'j', "1e-10" }, { 5e-324, 'j', "5e-324" }, { 0, 'j', "0" }, { -0.0, 'j', "-0" },
                { 1.7976931348623157e308, 'j', "1.7976931348623157e+308" }, { 123456789012345678.0, 'j', "123456789012345680" },
                /* strconv.FormatFloat(v, 'g', -1, 64) */
                { 1, 'g', "1" }, { 0.5, 'g', "0.5" }, { 100000, 'g', "100000" }, { 1e6, 'g', "1e+06" },
                { 123456789, 'g', "1.23456789e+08" }, { 0.0001, 'g', "0.0001" }, { 0.00001, 'g', "1e-05" },
                { -1.5e-7, 'g', "-1.5e-07" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char buf[32];
                kfs_yfloat_format(cases[i].v, cases[i].fmt, buf);
                if (strcmp(buf, cases[i].want) != 0)
                        fprintf(stderr, "%.17g as '%c'\n", cases[i].v, cases[i].fmt);
                CHECK_STR(buf, cases[i].want);
        }
}

/* .json of a YAML text (errors as "error: ...") */
static char *to_json(const char *yaml)
{
        static char out[4096];
        struct kfs_buf b = KFS_BUF_INIT(sizeof(out) - 1);
        struct kfs_ydoc *d = NULL;
        char err[256] = "";

        if (kfs_ydoc_parse(yaml, strlen(yaml), &d, err, sizeof(err)) < 0 ||
            kfs_yjson_render(d->docs, d->n_docs, &b, err, sizeof(err)) < 0)
                snprintf(out, sizeof(out), "error: %s", err);
        else
                snprintf(out, sizeof(out), "%s", kfs_buf_str(&b));
        kfs_ydoc_free(d);
        kfs_buf_release(&b);
        return out;
}

/* go-yaml v2's typing (what sigs.k8s.io/yaml hands encoding/json) */
static void test_typing(void)
{
        static const struct {
                const char *yaml, *json;
        } cases[] = {
                { "[true, True, TRUE, yes, Yes, on, ON, y, Y]", "[true,true,true,true,true,true,true,true,true]" },
                { "[false, no, NO, off, n, N]", "[false,false,false,false,false,false]" },
                { "- ~\n- null\n- Null\n- NULL\n-\n", "[null,null,null,null,null]" },
                { "[10, -3, +12, 0x1F, -0x1F, 0o17, 0777, 0b101, 1_000, 0]", "[10,-3,12,31,-31,15,511,5,1000,0]" },
                { "[9223372036854775807, -9223372036854775808, 18446744073709551615]",
                  "[9223372036854775807,-9223372036854775808,18446744073709551615]" },
                { "[18446744073709551616, 123456789012345678901234567890]", "[18446744073709552000,1.2345678901234568e+29]" },
                { "[1.5, .5, -.5, 1e3, 1.0e+3, 6.02e23, 1e-7, 08, 09.5, 1_0.5]", "[1.5,0.5,-0.5,1000,1000,6.02e+23,1e-7,8,9.5,10.5]" },
                { "[1e400]", "[\"1e400\"]" },
                { "- 'true'\n- \"10\"\n- !!str 10\n- !!str yes\n- |\n  10\n", "[\"true\",\"10\",\"10\",\"yes\",\"10\\n\"]" },
                { "{y: 1, n: 2, x: 3}", "{\"true\":1,\"false\":2,\"x\":3}" },
                { "[!!int '7', !!float '1', !!bool 'on', !!null 'x']", "[7,1,true,null]" },
                { "[10Mi, 1.2.3, 0x, 0b2, 2001-12-14, '=', =, <<x, 1:30, 0.0.0.0/0]",
                  "[\"10Mi\",\"1.2.3\",\"0x\",\"0b2\",\"2001-12-14\",\"=\",\"=\",\"<<x\",\"1:30\",\"0.0.0.0/0\"]" },
                { "[!custom x, !!binary aGk=]", "[\"x\",\"aGk=\"]" },
                { "{yes: 1, 0x10: 2, 1.0: 3, ~: 4, 1e6: 5, .inf: 6, 'q': 7, 08: 8}",
                  "{\"true\":1,\"16\":2,\"1\":3,\"null\":4,\"1e+06\":5,\"+Inf\":6,\"q\":7,\"8\":8}" },
                { "a: 1\na: 2\nb: 3\n", "{\"a\":2,\"b\":3}" },
                { "a: {}\nb: []\nc: ''\nd:\n", "{\"a\":{},\"b\":[],\"c\":\"\",\"d\":null}" },
                { "{\"n\": 1.0, \"i\": -0, \"e\": 1E2, \"s\": \"\\u00e9\\n\"}", "{\"n\":1,\"i\":0,\"e\":100,\"s\":\"\xc3\xa9\\n\"}" },
                { "---\na: 1\n---\n- x\n", "{\"a\":1}\n[\"x\"]" },
                { "a: .inf", "error: line 1: infinity and NaN have no JSON form" },
                { "a: !!int x", "error: line 1: a !!int or !!float tag on a scalar that is not a number" },
                { "a: !!int 1.5", "error: line 1: a !!int tag on a scalar that is not an integer" },
                { "a: !!bool maybe", "error: line 1: a !!bool tag on a scalar that is not a boolean" },
                { "? [a, b]\n: c\n", "error: line 1: a map or list used as a map key has no JSON form" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char want[1024];
                snprintf(want, sizeof(want), "%s%s", cases[i].json, strncmp(cases[i].json, "error", 5) ? "\n" : "");
                CHECK_STR(to_json(cases[i].yaml), want);
        }
}

static char *to_flat(const char *yaml)
{
        static char out[4096];
        struct kfs_buf b = KFS_BUF_INIT(sizeof(out) - 1), notes = KFS_BUF_INIT(64 << 10);
        struct kfs_ydoc *d = NULL;
        char err[256] = "";

        if (kfs_ydoc_parse(yaml, strlen(yaml), &d, err, sizeof(err)) < 0 ||
            kfs_yflat_render(d->docs, d->n_docs, &b, &notes, err, sizeof(err)) < 0)
                snprintf(out, sizeof(out), "error: %s", err);
        else
                snprintf(out, sizeof(out), "%s%s", kfs_buf_str(&notes), kfs_buf_str(&b));
        kfs_ydoc_free(d);
        kfs_buf_release(&b);
        kfs_buf_release(&notes);
        return out;
}

static void test_flat(void)
{
        CHECK_STR(to_flat("a:\n  b: [1, x]\n  c.d: {}\n  e: []\n"),
                  "a.b[0] = 1\na.b[1] = \"x\"\na[\"c.d\"] = {}\na.e = []\n");
        CHECK_STR(to_flat("hello"), ". = \"hello\"\n");
        CHECK_STR(to_flat("{}"), ". = {}\n");
        CHECK_STR(to_flat("- a\n- - b\n"), "[0] = \"a\"\n[1][0] = \"b\"\n");
        CHECK_STR(to_flat("---\na: 1\n---\n~\n---\n[]\n"), "[0].a = 1\n[1] = null\n[2] = []\n");
        CHECK_STR(to_flat("\"k = v\": \"x = y\\nz = w\"\n"), "[\"k \\u003d v\"] = \"x = y\\nz = w\"\n");
        CHECK_STR(to_flat("x: 1\nz:\n  a: 1\n  b: 2\n  a: 3\n"),
                  "# z.a: the key is given more than once (lines 3, 5); the last value counts\n"
                  "x = 1\nz.a = 3\nz.b = 2\n");
        CHECK_STR(to_flat("a: &x {k: v}\nb: *x\n"), "a.k = \"v\"\nb.k = \"v\"\n");
        /* more repeated keys than notes (the fuzzer found the 21st read past the list) */
        {
                struct kfs_buf b = KFS_BUF_INIT(1 << 20);
                for (int i = 0; i < 30; i++)
                        kfs_buf_addf(&b, "k%d: 1\nk%d: 2\n", i, i);
                const char *flat = to_flat(kfs_buf_str(&b));
                CHECK(strstr(flat, "# k19: the key is given more than once (lines 39, 40); the last value counts\n"
                                   "# more keys are given twice; only the first 20 are listed\nk0 = 2\n") != NULL);
                kfs_buf_release(&b);
        }
}

/* Every .flat line of random keys and values reads back: the first " = "
 * ends the path, and path and value are JSON tokens. */
static void test_flat_roundtrip(void)
{
        static const char alphabet[] = "ab.= \"\\\n\t[]{}#:-_\x01\x7f\xc3\xa9";
        unsigned seed = 12345;

        for (int round = 0; round < 200; round++) {
                struct kfs_buf doc = KFS_BUF_INIT(1 << 20), out = KFS_BUF_INIT(1 << 20), notes = KFS_BUF_INIT(1 << 20);
                struct kfs_ydoc *d = NULL;
                char err[256];
                json_error_t jerr;

                kfs_buf_addc(&doc, '{');
                for (int k = 0; k < 5; k++) {
                        char key[16], val[16];
                        for (int c = 0; c < 15; c++) {
                                seed = seed * 1103515245 + 12345;
                                key[c] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
                                val[c] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
                        }
                        key[15] = val[15] = '\0';
                        json_t *jk = json_string(key), *jv = json_string(val);
                        char *sk = json_dumps(jk, JSON_ENCODE_ANY), *sv = json_dumps(jv, JSON_ENCODE_ANY);
                        kfs_buf_addf(&doc, "%s%s:%s", k ? "," : "", sk ? sk : "\"\"", sv ? sv : "\"\"");
                        free(sk);
                        free(sv);
                        json_decref(jk);
                        json_decref(jv);
                }
                kfs_buf_addc(&doc, '}');
                if (kfs_ydoc_parse(doc.buf, doc.len, &d, err, sizeof(err)) < 0) {
                        kfs_buf_release(&doc);
                        continue;       /* a random string jansson refused: no UTF-8 */
                }
                CHECK_INT(kfs_yflat_render(d->docs, d->n_docs, &out, &notes, err, sizeof(err)), 0);
                for (char *line = out.buf; line && *line;) {
                        char *nl = strchr(line, '\n'), *sep;
                        CHECK(nl != NULL);
                        *nl = '\0';
                        sep = strstr(line, " = ");
                        CHECK(sep && sep[3]);
                        if (sep) {
                                /* the path is ["..."] here: the key is a JSON string */
                                json_t *v = json_loads(sep + 3, JSON_DECODE_ANY, &jerr);
                                CHECK(v && json_is_string(v));
                                json_decref(v);
                                CHECK(line[0] == '[' && sep[-1] == ']');
                                sep[-1] = '\0';
                                v = json_loads(line + 1, JSON_DECODE_ANY, &jerr);
                                CHECK(v && json_is_string(v));
                                json_decref(v);
                        }
                        line = nl + 1;
                }
                kfs_ydoc_free(d);
                kfs_buf_release(&doc);
                kfs_buf_release(&out);
                kfs_buf_release(&notes);
        }
}

static bool matches_n(const char *path, const char *text, size_t n, const struct kfs_decoder *dec)
{
        uint32_t mask = kfs_probe_data(path, text, n);
        int i = kfs_registry_index(dec);

        return i >= 0 && (mask & (UINT32_C(1) << i));
}

/* Which files the generic YAML/JSON decoder and .objects take, by name and
 * first bytes (len 0: the text's strlen). */
static const struct {
        const char *path, *text;
        size_t len;
        const struct kfs_decoder *dec;
        bool want;
} recognition[] = {
        /* by name */
        { "var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\n", 0, &kfs_decoder_yaml, true },
        { "etc/crictl.yml", "runtime-endpoint: x\n", 0, &kfs_decoder_yaml, true },
        { "etc/cni/net.d/10-flannel.conflist", "{\"name\": \"cbr0\"}", 0, &kfs_decoder_yaml, true },
        { "x/OWNERS", "approvers:\n- a\n", 0, &kfs_decoder_yaml, true },
        { "x/OWNERS_ALIASES", "aliases: {}\n", 0, &kfs_decoder_yaml, true },
        { "a/b.json", "[1]", 0, &kfs_decoder_yaml, true },
        { "a/broken.yaml", "\x01\x02\x00binary", 9, &kfs_decoder_yaml, true }, /* its views say what is wrong */
        /* by name and first bytes */
        { "etc/kubernetes/admin.conf", "apiVersion: v1\nclusters:\n", 0, &kfs_decoder_yaml, true },
        { "etc/kubernetes/admin.conf", "# generated\n\n---\napiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "etc/cni/net.d/10-bridge.conf", "{\n  \"cniVersion\": \"1.0.0\"\n}\n", 0, &kfs_decoder_yaml, true },
        { "root/.kube/config", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "var/snap/microk8s/current/credentials/client.config", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "var/lib/rancher/k3s/agent/kubelet.kubeconfig", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "etc/kubernetes/manifests/etcd.manifest", "{\"kind\": \"Pod\"}", 0, &kfs_decoder_yaml, true },
        { "etc/kubernetes/manifests/etcd.yaml.bak", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "# Note: This dropin only works with kubeadm\n[Service]\nEnvironment=\"A=b:c\"\n", 0, &kfs_decoder_yaml, false },
        { "etc/kubernetes/ca.conf", "[req]\ndistinguished_name = req_dn\n", 0, &kfs_decoder_yaml, false },
        { "etc/kubernetes/ca.conf", "HOME = .\n[ca]\n", 0, &kfs_decoder_yaml, false },
        { "etc/containerd/config.conf", "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n", 0, &kfs_decoder_yaml, false },
        { "etc/containerd/config.toml", "version = 2\n", 0, &kfs_decoder_yaml, false },
        { "etc/sysctl.d/k8s.conf", "net.ipv4.ip_forward = 1\n", 0, &kfs_decoder_yaml, false },
        { "etc/modules-load.d/k8s.conf", "overlay\nbr_netfilter\n", 0, &kfs_decoder_yaml, false },
        { "etc/default/kubelet", "KUBELET_EXTRA_ARGS=--node-ip=10.0.0.1:x\n", 0, &kfs_decoder_yaml, false },
        { "var/lib/kubelet/kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--a=b\"\n", 0, &kfs_decoder_yaml, false },
        { "etc/kubernetes/pki/ca.crt", "-----BEGIN CERTIFICATE-----\n", 0, &kfs_decoder_yaml, false },
        { "etc/kubernetes/pki/ca.yaml", "-----BEGIN CERTIFICATE-----\n", 0, &kfs_decoder_yaml, false },
        { "etc/kubernetes/admin.conf", "apiVersion: v1\x00\x01", 16, &kfs_decoder_yaml, false },
        { "etc/systemd/system/kubelet.service", "[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n", 0, &kfs_decoder_yaml, false },
        { "root/.kube/kubectx", "default\n", 0, &kfs_decoder_yaml, false },
        /* issue 18: templates of YAML and JSON get the views (an error with the hint when they do not parse) */
        { "x/kube.yaml.j2", "kind: {{ kind }}\n", 0, &kfs_decoder_yaml, true },
        { "cluster/addons/dns/kube-dns/kube-dns.yaml.in", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "cluster/addons/dns/coredns/coredns.yaml.sed", "apiVersion: v1\n", 0, &kfs_decoder_yaml, true },
        { "x/a.yml.tmpl", "a: 1\n", 0, &kfs_decoder_yaml, true },
        { "x/a.yaml.template", "a: 1\n", 0, &kfs_decoder_yaml, true },
        { "x/a.json.in", "{}\n", 0, &kfs_decoder_yaml, true },
        { "x/audit.jsonl", "{\"a\": 1}\n{\"a\": 2}\n", 0, &kfs_decoder_yaml, true },
        { "x/kubelet.service.j2", "[Unit]\n", 0, &kfs_decoder_yaml, false },
        { "x/config.in", "a: 1\n", 0, &kfs_decoder_yaml, false },
        { "x/yaml.in", "a: 1\n", 0, &kfs_decoder_yaml, false },
        /* kubelet checkpoints */
        { "var/lib/kubelet/cpu_manager_state", "{\"policyName\":\"none\"}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/memory_manager_state", "  {}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/dra_manager_state", "{\"Data\":\"{}\",\"Checksum\":1}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/allocated_pods_state", "{}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/actuated_pods_state", "{}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/graceful_node_shutdown_state", "{}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint", "{}", 0, &kfs_decoder_yaml, true },
        { "var/lib/kubelet/cpu_manager_state", "\0\0\0\0", 4, &kfs_decoder_yaml, true }, /* a broken one */
        { "var/lib/kubelet/cpu_manager_state", "garbage", 0, &kfs_decoder_yaml, false },
        { "var/lib/kubelet/cpu_manager_state", "{}", 0, &kfs_decoder_objects, false },
        /* .objects: only with apiVersion/kind at the top */
        { "etc/kubernetes/manifests/etcd.yaml", "apiVersion: v1\nkind: Pod\n", 0, &kfs_decoder_objects, true },
        { "addons/dns.yaml", "# x\n---\nkind: List\n", 0, &kfs_decoder_objects, true },
        { "a/pod.json", "{\n  \"kind\" : \"Pod\"}", 0, &kfs_decoder_objects, true },
        { "var/lib/kubelet/config.yaml.orig", "kind: X\n", 0, &kfs_decoder_objects, false },
        { "etc/crictl.yaml", "runtime-endpoint: unix:///run/containerd/containerd.sock\n", 0, &kfs_decoder_objects, false },
        { "x/OWNERS", "approvers:\n- kind\n", 0, &kfs_decoder_objects, false },
        { "etc/cni/net.d/10-flannel.conflist", "{\"name\": \"kind\"}", 0, &kfs_decoder_objects, false },
};

static void test_recognition(void)
{
        for (size_t i = 0; i < sizeof(recognition) / sizeof(recognition[0]); i++) {
                const char *t = recognition[i].text;
                size_t n = recognition[i].len ? recognition[i].len : strlen(t);

                if (matches_n(recognition[i].path, t, n, recognition[i].dec) != recognition[i].want) {
                        fprintf(stderr, "recognition[%zu]: %s by %s: expected %s\n", i, recognition[i].path,
                                recognition[i].dec->name, recognition[i].want ? "taken" : "not taken");
                        test_failures++;
                }
        }
}

/* The notes kfs_ckpt_process() writes for a checkpoint text. */
static char *ckpt_notes(enum kfs_ckpt kind, const char *text)
{
        static char out[2048];
        struct kfs_buf notes = KFS_BUF_INIT(sizeof(out) - 1);
        struct kfs_ckpt_state st = { 0 };
        struct kfs_ydoc *d = NULL;
        char err[256];

        CHECK_INT(kfs_ydoc_parse(text, strlen(text), &d, err, sizeof(err)), 0);
        CHECK_INT(kfs_ckpt_process(kind, d, &st, &notes), 0);
        snprintf(out, sizeof(out), "%s", kfs_buf_str(&notes));
        kfs_ckpt_release(&st);
        kfs_ydoc_free(d);
        kfs_buf_release(&notes);
        return out;
}

/* Test vectors from the kubelet's own tests and from real nodes. */
static void test_checkpoints(void)
{
        CHECK_INT(kfs_crc32("123456789", 9), 0xcbf43926);
        CHECK_INT(kfs_fnv32a(KFS_FNV32A_INIT, "a", 1), 0xe40c292c);

        /* cpumanager state_checkpoint_test.go, v2 and v1 */
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"defaultCPUSet\":\"1-3\",\"entries\":"
                             "{\"pod\":{\"container1\":\"4-6\",\"container2\":\"1-3\"}},\"checksum\":3610638499}"),
                  "# checksum: ok (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":1353318690}"),
                  "# checksum: ok (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"defaultCPUSet\":\"1-3\",\"checksum\":1694838852}"),
                  "# checksum: ok (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"static\",\"defaultCpuSet\":\"0,2-12,14-23\",\"entries\":"
                             "{\"235148fe-393f-47a8-a17d-bd55bc1a836b\":{\"cgroup1-0\":\"1,13\"}},\"checksum\":1552716370}"),
                  "# checksum: ok (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"defaultCpuSet\":\"0-1\",\"checksum\":1353318690}"),
                  "# checksum: mismatch (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint is "
                  "3328944622; the kubelet refuses this file)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":0}"),
                  "# checksum: 0, not set (the kubelet accepts that)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"policyName\":\"none\",\"podEntries\":{},\"checksum\":5}"),
                  "# checksum: not verified (a layout kubefs does not know)\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_CPU, "{\"data\":\"{\\\"policyName\\\":\\\"none\\\",\\\"defaultCPUSet\\\":\\\"4-6\\\"}\","
                             "\"checksum\":657950972}"),
                  "# checksum: ok (FNV-32a of \"(string)\" + data)\n# data: JSON text in a string, shown decoded\n");
        /* memorymanager state_checkpoint_test.go */
        CHECK_STR(ckpt_notes(KFS_CKPT_MEMORY, "{\"policyName\":\"static\",\"machineState\":{\"0\":{\"numberOfAssignments\":0,"
                             "\"memoryMap\":{\"memory\":{\"total\":2048,\"systemReserved\":512,\"allocatable\":1536,"
                             "\"reserved\":512,\"free\":1024}},\"cells\":[]}},\"entries\":{\"pod\":{\"container1\":"
                             "[{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":512}]}},\"checksum\":4215593881}"),
                  "# checksum: ok (FNV-32a of the kubelet's printout of its MemoryManagerCheckpoint)\n");
        /* device manager: a kind node with a GPU; a node without allocations */
        CHECK_STR(ckpt_notes(KFS_CKPT_DEVICE, "{\"Data\":{\"PodDeviceEntries\":[{\"PodUID\":\"bf52b2cd-b611-4e79-86b1-280b283185c3\","
                             "\"ContainerName\":\"check\",\"ResourceName\":\"nvidia.com/gpu\",\"DeviceIDs\":{\"-1\":[\"tegra\"]},"
                             "\"AllocResp\":\"Ch8KFk5WSURJQV9WSVNJQkxFX0RFVklDRVMSBXRlZ3Jh\"}],\"RegisteredDevices\":"
                             "{\"nvidia.com/gpu\":[\"tegra\"]}},\"Checksum\":3660592824}"),
                  "# Checksum: ok (FNV-32a of the kubelet's printout of its checkpointData)\n"
                  "# AllocResp in Data.PodDeviceEntries: base64 protobuf, shown as its size and SHA-256\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_DEVICE, "{\"Data\":{\"PodDeviceEntries\":null,\"RegisteredDevices\":{\"nvidia.com/gpu\":"
                             "[\"GPU-0650a168-e770-3ea8-8ac3-8a1d419763e0\"]}},\"Checksum\":3952659280}"),
                  "# Checksum: ok (FNV-32a of the kubelet's printout of its checkpointData)\n");
        /* dra checkpointer_test.go: CRC-32 of Data */
        CHECK_STR(ckpt_notes(KFS_CKPT_DRA, "{\"Data\":\"{\\\"kind\\\":\\\"DRACheckpoint\\\",\\\"apiVersion\\\":\\\"checkpoint.dra.kubelet.k8s.io/v1\\\","
                             "\\\"Entries\\\":[{\\\"ClaimUID\\\":\\\"067798be-454e-4be4-9047-1aa06aea63f7\\\",\\\"ClaimName\\\":\\\"example\\\","
                             "\\\"Namespace\\\":\\\"default\\\",\\\"PodUIDs\\\":{\\\"139cdb46-f989-4f17-9561-ca10cfb509a6\\\":{}},"
                             "\\\"DriverState\\\":{\\\"test-driver.cdi.k8s.io\\\":{\\\"Devices\\\":[{\\\"PoolName\\\":\\\"worker-1\\\","
                             "\\\"DeviceName\\\":\\\"dev-1\\\",\\\"RequestNames\\\":[\\\"test request\\\"],\\\"CDIDeviceIDs\\\":"
                             "[\\\"example.com/example=cdi-example\\\"]}]}}}]}\",\"Checksum\":1597924435}"),
                  "# Checksum: ok (CRC-32 IEEE of Data)\n# Data: JSON text in a string, shown decoded\n");
        /* allocation state_checkpoint_test.go */
        CHECK_STR(ckpt_notes(KFS_CKPT_PODS, "{\"data\":\"{\\\"entries\\\":{\\\"pod1\\\":{\\\"ContainerResources\\\":"
                             "{\\\"container1\\\":{\\\"requests\\\":{\\\"cpu\\\":\\\"1Ki\\\",\\\"memory\\\":\\\"1Ki\\\"}}}}}}\","
                             "\"checksum\":1178570812}"),
                  "# checksum: ok (FNV-32a of \"(string)\" + data)\n# data: JSON text in a string, shown decoded\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_PODS, "{\"data\":\"not json\",\"checksum\":1}"),
                  "# checksum: mismatch (FNV-32a of \"(string)\" + data is 2187468796; the kubelet refuses this file)\n"
                  "# data: a string that is not a JSON object or array, shown as is\n");
        CHECK_STR(ckpt_notes(KFS_CKPT_DRA, "[1]"), "# not a kubelet checkpoint: a JSON object was expected\n");
}

int main(void)
{
        test_strings();
        test_path_keys();
        test_floats();
        test_typing();
        test_flat();
        test_flat_roundtrip();
        test_recognition();
        test_checkpoints();
        return test_exit();
}
