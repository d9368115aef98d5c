/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubeconfig decoder without an oracle at hand: recognition, go-yaml
 * v2's printing rules (goyaml.c), kubectl's loading rules and messages, the
 * views on small documents, and hostile input. Expected outputs were taken
 * from kubectl 1.32 (config view / get-contexts) on the same input; the
 * oracle test (kubeconfig/oracle.py) compares the rest with kubectl live.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "pipeline.h"
#include "registry.h"
#include "goyaml.h"
#include "test.h"

static struct kfs_root root;

static bool matches(const char *name, const char *text)
{
        uint32_t mask = kfs_probe_data(name, text, strlen(text));

        return mask & (UINT32_C(1) << kfs_registry_index(&kfs_decoder_kubeconfig));
}

/* The view `view` of `text` decoded as a kubeconfig (malloc'd). */
static char *view(const char *text, const char *view)
{
        struct kfs_result *r = NULL;
        char *out = NULL;

        CHECK_INT(kfs_decode_data(&root, "etc/kubernetes/admin.conf", &kfs_decoder_kubeconfig, text,
                                  strlen(text), 0, &r), 0);
        if (!r)
                return strdup("");
        for (size_t i = 0; i < r->n_views; i++)
                if (strcmp(kfs_decoder_kubeconfig.views[i].name, view) == 0)
                        out = strdup(r->views[i].data);
        kfs_result_free(r);
        return out ? out : strdup("(no such view)");
}

static void check_view(const char *text, const char *v, const char *want, int line)
{
        char *got = view(text, v);

        if (strcmp(got, want) != 0) {
                fprintf(stderr, "line %d: .%s is\n%s\nexpected\n%s\n", line, v, got, want);
                test_failures++;
        }
        free(got);
}

#define CHECK_VIEW(text, v, want) check_view(text, v, want, __LINE__)

static void test_match(void)
{
        char *big;
        size_t n = 0;

        /* kubectl writes kind: Config after the clusters */
        CHECK(matches("admin.conf", "apiVersion: v1\nclusters:\n- cluster:\n    server: https://x\n  name: k\n"
                                    "contexts: []\ncurrent-context: \"\"\nkind: Config\nusers: null\n"));
        CHECK(matches("config", "kind: Config\n"));
        CHECK(matches("k3s.yaml", "clusters: []\nusers: []\n"));
        CHECK(matches("x", "\xef\xbb\xbf---\n# comment\n\"kind\": 'Config' # here\n"));
        CHECK(matches("x.json", "{\n  \"kind\": \"Config\",\n  \"apiVersion\": \"v1\"\n}\n"));
        CHECK(matches("x.json", "{\"apiVersion\":\"v1\",\"clusters\":[{\"name\":\"a\",\"cluster\":{}}],\"users\":[]}"));
        CHECK(matches("x", "{kind: Config, clusters: []}\n"));
        CHECK(matches("x", "clusters:\n- name: a\n  cluster: {server: x}\ncontexts:\n- name: b\n"));
        /* a name never makes a kubeconfig */
        CHECK(!matches("admin.conf", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"));
        CHECK(!matches("kubelet.kubeconfig", "hello\n"));
        CHECK(!matches("x", "kind: ConfigMap\ndata:\n  kubeconfig: |\n    kind: Config\n    clusters: []\n"));
        CHECK(!matches("x", "clusters: []\n"));         /* no contexts, no users */
        CHECK(!matches("x", "spec:\n  clusters: []\n  users: []\n"));
        CHECK(!matches("x", "- kind: Config\n"));
        CHECK(!matches("x", "{\"a\": {\"kind\": \"Config\"}, \"clusters\": []}"));
        CHECK(!matches("x", "kind: ConfigMap\n---\nkind: Config\n"));  /* kubectl reads the first document */
        CHECK(!matches("x", "kind: Configuration\n"));
        /* a head filled by clusters: the rest is not seen */
        big = malloc(200000);
        n += (size_t) sprintf(big, "apiVersion: v1\nclusters:\n");
        while (n < 150000)
                n += (size_t) sprintf(big + n, "- cluster:\n    certificate-authority-data: %0100d\n  name: c%zu\n", 0, n);
        sprintf(big + n, "contexts: []\nkind: Config\n");
        CHECK(matches("config", big));
        memcpy(big, "kind: Pod\n", 10);
        CHECK(!matches("config", big));
        free(big);
}

static void test_goyaml(void)
{
        static const char *const plain[] = {
                "a", "kubernetes-admin", "https://10.0.0.1:6443", "<<", "=", "x, y", "1e400", ".1e400",
                "0x1ffffffffffffffffff", "2001-02-30", "1.2.3", "0x", "0x1g", "yess", "1_000x", NULL,
        };
        static const char *const quoted[] = {
                "", "true", "y", "N", "off", "null", "~", "0x10", "017", "0o17", "0b101", "-0x1F", "1_000",
                "1.5", "1e3", ".5", "+1", "1.", ".inf", "-.Inf", ".NaN", "12:30:00", "190:20:30", "1:20",
                "2001-01-01", "2001-1-1", "2001-01-01T10:00:00Z", "2001-01-01 1:2:3.5", "2001-01-01t01:02:03+05:00",
                "99999999999999999999999", "-99999999999999999999", "+0x10", "08", NULL,
        };

        for (const char *const *s = plain; *s; s++)
                if (!kfs_goyaml_plain_ok(*s, strlen(*s))) {
                        fprintf(stderr, "'%s' should print plain\n", *s);
                        test_failures++;
                }
        for (const char *const *s = quoted; *s; s++)
                if (kfs_goyaml_plain_ok(*s, strlen(*s))) {
                        fprintf(stderr, "'%s' should print quoted\n", *s);
                        test_failures++;
                }

        /* keyList.Less: punctuation and digits before letters, numbers by value */
        CHECK(kfs_goyaml_keycmp("_b", 2, "A", 1) < 0);
        CHECK(kfs_goyaml_keycmp("A", 1, "a9", 2) < 0);
        CHECK(kfs_goyaml_keycmp("a9", 2, "a10", 3) < 0);
        CHECK(kfs_goyaml_keycmp("a10", 3, "client-id", 9) < 0);
        CHECK(kfs_goyaml_keycmp("contexts", 8, "current-context", 15) < 0);
        CHECK(kfs_goyaml_keycmp("1", 1, "B", 1) < 0);
        CHECK(kfs_goyaml_keycmp("as", 2, "as-groups", 9) < 0);
        CHECK(kfs_goyaml_keycmp("x", 1, "x", 1) == 0);

        /* a tree as sigs.k8s.io/yaml prints it */
        struct kfs_gv *m = kfs_gv_new(KFS_GV_MAP), *seq = kfs_gv_new(KFS_GV_SEQ);
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);
        char err[128];

        kfs_gv_set(m, "z", kfs_gv_str("x\n"));
        kfs_gv_set(m, "a10", kfs_gv_new(KFS_GV_NULL));
        kfs_gv_set(m, "a9", kfs_gv_bool(true));
        kfs_gv_append(seq, kfs_gv_str("yes"));
        kfs_gv_append(seq, kfs_gv_str("- x"));
        kfs_gv_append(seq, kfs_gv_str("a\xc2\x85 \xc2\x85" "b"));     /* NEL, folded on the way */
        kfs_gv_append(seq, kfs_gv_str("\xef\xbb\xbf" "b c"));          /* go-yaml escapes it all */
        kfs_gv_set(m, "list", seq);
        kfs_gv_set(m, "empty", kfs_gv_new(KFS_GV_MAP));
        kfs_gv_set(m, "a9", kfs_gv_bool(false));                        /* replaces */
        CHECK(!kfs_gv_failed(m));
        CHECK_INT(kfs_goyaml_emit(m, &out, err, sizeof(err)), 0);
        CHECK_STR(kfs_buf_str(&out), "a9: false\na10: null\nempty: {}\nlist:\n- \"yes\"\n- '- x'\n- |-\n  a\n  b\n"
                                     "- \"\\uFEFF\\x62\\x20\\x63\"\nz: |\n  x\n");
        kfs_buf_reset(&out);
        /* what go-yaml's reader refuses after json.Marshal */
        kfs_gv_set(m, "del", kfs_gv_str("a\x7f"));
        CHECK_INT(kfs_goyaml_emit(m, &out, err, sizeof(err)), -EINVAL);
        CHECK_STR(err, "yaml: control characters are not allowed");
        kfs_gv_free(m);
        kfs_buf_release(&out);

        /* numbers through YAMLToJSON and back */
        struct kfs_ydoc *d = NULL;
        const char *nums = "[1.0, 2.5, 0x10, 1e3, 1_000, 1.5e-7, 12345678.5, 100000000000000000000, 0.000001, -0.0, "
                           "9223372036854775807, 18446744073709551615, 99999999999999999999, y]";
        CHECK_INT(kfs_ydoc_parse(nums, strlen(nums), &d, err, sizeof(err)), 0);
        struct kfs_gv *g = kfs_gv_from_ynode(d->docs[0], err, sizeof(err));
        CHECK(g != NULL);
        out = (struct kfs_buf) KFS_BUF_INIT(1 << 20);
        CHECK_INT(kfs_goyaml_emit(g, &out, err, sizeof(err)), 0);
        CHECK_STR(kfs_buf_str(&out), "- 1\n- 2.5\n- 16\n- 1000\n- 1000\n- 1.5e-07\n- 1.23456785e+07\n- 1e+20\n- 1e-06\n"
                                     "- 0\n- 9223372036854775807\n- 18446744073709551615\n- 1e+20\n- true\n");
        kfs_gv_free(g);
        kfs_buf_release(&out);
        kfs_ydoc_free(d);
        CHECK_INT(kfs_ydoc_parse("[.inf]", 6, &d, err, sizeof(err)), 0);
        CHECK(kfs_gv_from_ynode(d->docs[0], err, sizeof(err)) == NULL);
        CHECK_STR(err, "json: unsupported value: +Inf");
        kfs_ydoc_free(d);
}

static void test_views(void)
{
        const char *kc =
                "apiVersion: v1\nkind: Config\ncurrent-context: b\n"
                "clusters:\n- name: c\n  cluster: {server: https://c:6443, insecure-skip-tls-verify: yes, tls-server-name: api}\n"
                "contexts:\n- name: b\n  context: {cluster: c, user: u, namespace: ns}\n"
                "- name: a\n  context: {cluster: c, user: u}\n"
                "users:\n- name: u\n  user:\n    token: SECRET1\n    username: admin\n    password: SECRET2\n"
                "    client-key-data: U0VDUkVUMw==\n"
                "    auth-provider: {name: oidc, config: {id-token: SECRET4, client-id: k}}\n"
                "    exec: {command: aws, env: [{name: A, value: SECRET5}], apiVersion: client.authentication.k8s.io/v1beta1}\n";

        CHECK_VIEW(kc, "contexts",
                   "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"
                   "          a      c         u          \n"
                   "*         b      c         u          ns\n");
        CHECK_VIEW(kc, "current-context", "b\n");
        CHECK_VIEW(kc, "clusters",
                   "NAME   SERVER           CA       TLS\n"
                   "c      https://c:6443   <none>   insecure-skip-tls-verify tls-server-name=api\n");
        CHECK_VIEW(kc, "users", "NAME   AUTH\nu      token; basic admin; exec aws; auth-provider oidc\n");
        CHECK_VIEW(kc, "yaml",
                   "apiVersion: v1\nclusters:\n- cluster:\n    insecure-skip-tls-verify: true\n    server: https://c:6443\n"
                   "    tls-server-name: api\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: a\n"
                   "- context:\n    cluster: c\n    namespace: ns\n    user: u\n  name: b\ncurrent-context: b\n"
                   "kind: Config\npreferences: {}\nusers:\n- name: u\n  user:\n    auth-provider:\n      config:\n"
                   "        client-id: k\n        id-token: REDACTED\n      name: oidc\n"
                   "    client-key-data: DATA+OMITTED\n    exec:\n"
                   "      apiVersion: client.authentication.k8s.io/v1beta1\n      args: null\n      command: aws\n"
                   "      env:\n      - name: A\n        value: REDACTED\n      interactiveMode: IfAvailable\n"
                   "      provideClusterInfo: false\n    password: REDACTED\n    token: REDACTED\n    username: admin\n");
        CHECK_VIEW(kc, "txt", "");

        /* kubectl's messages */
        CHECK_VIEW("kind: Config\ncurrent-context: \"\"\n", "current-context", "error: current-context is not set\n");
        CHECK_VIEW("", "contexts", "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n");
        CHECK_VIEW("kind: Config\ncontexts: [{name: a, context: {namespace: 5}}]\n", "contexts",
                   "error: json: cannot unmarshal number into Go struct field Context.contexts.context.namespace of type string\n");
        CHECK_VIEW("kind: Config\nclusters: [1]\n", "yaml",
                   "error: json: cannot unmarshal number into Go struct field Config.clusters of type v1.NamedCluster\n");
        CHECK_VIEW("kind: Config\nusers: [{name: a, user: {as-user-extra: {x: 1}}}]\n", "yaml",
                   "error: json: cannot unmarshal number into Go struct field AuthInfo.users.user.as-user-extra of type []string\n");
        CHECK_VIEW("kind: Config\nusers: [{name: a, user: {exec: {interactiveMode: 1}}}]\n", "yaml",
                   "error: json: cannot unmarshal number into Go struct field ExecConfig.users.user.exec.interactiveMode "
                   "of type v1.ExecInteractiveMode\n");
        CHECK_VIEW("kind: Config\ncontexts: [{name: a}, {name: a}]\n", "current-context",
                   "error: error converting *[]NamedContext into *map[string]*api.Context: duplicate name \"a\" in list\n");
        CHECK_VIEW("kind: Config\nextensions: [{name: a, extension: null}, {name: a, extension: 1}]\n", "yaml",
                   "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: \"\"\nextensions:\n"
                   "- extension: 1\n  name: a\nkind: Config\npreferences: {}\nusers: null\n");
        CHECK_VIEW("kind: Foo\n", "contexts",
                   "error: no kind \"Foo\" is registered for version \"v1\" in scheme "
                   "\"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\"\n");
        CHECK_VIEW("kind: 5\n", "contexts",
                   "error: couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct "
                   "field .kind of type string\n");
        CHECK_VIEW("foo\n", "contexts",
                   "error: couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value "
                   "of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; "
                   "Kind string \"json:\\\"kind,omitempty\\\"\" }\n");
        /* Go's base64: \r\n skipped, padding required, the offset as Go counts it */
        CHECK_VIEW("kind: Config\nclusters: [{name: a, cluster: {certificate-authority-data: aGVsbG8}}]\n", "contexts",
                   "error: illegal base64 data at input byte 4\n");
        CHECK_VIEW("kind: Config\nclusters: [{name: a, cluster: {certificate-authority-data: \"aGVs bG8=\"}}]\n", "contexts",
                   "error: illegal base64 data at input byte 4\n");
        CHECK_VIEW("kind: Config\nclusters: [{name: a, cluster: {certificate-authority-data: \"aGVsbA=\\n=x\"}}]\n",
                   "contexts", "error: illegal base64 data at input byte 9\n");
        CHECK_VIEW("kind: Config\nclusters: [{name: a, cluster: {certificate-authority-data: \"aGVs\\r\\nbG8=\\n\"}}]\n",
                   "clusters", "NAME   SERVER   CA                                       TLS\n"
                   "a               embedded (error: no certificate found)   verify\n");
        /* a name with a newline: kubectl's tabwriter flushes at the one-cell line and remembers widths */
        CHECK_VIEW("kind: Config\ncontexts:\n- {name: \"a-long-name\\nx\", context: {cluster: c, user: u}}\n"
                   "- {name: b, context: {cluster: c, user: u}}\n", "contexts",
                   "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"
                   "          a-long-name\nx         c      u         \n"
                   "          b      c         u          \n");
}

static void test_hostile(void)
{
        /* one big certificate aliased a hundred thousand times */
        size_t n = 0, cap = 8u << 20;
        char *text = malloc(cap);

        n += (size_t) sprintf(text, "kind: Config\nx: &big \"");
        memset(text + n, 'A', 1u << 20);
        n += 1u << 20;
        n += (size_t) sprintf(text + n, "\"\nclusters:\n");
        for (int i = 0; i < 100 && n < cap - 100; i++)
                n += (size_t) sprintf(text + n, "- {name: c%d, cluster: {certificate-authority-data: *big}}\n", i);
        text[n] = '\0';
        char *out = view(text, "contexts");
        CHECK_STR(out, "error: too much certificate data (more than 64 MiB)\n");
        free(out);
        free(text);

        /* deep nesting and alias bombs are ydoc's limits, reported as the view's error */
        out = view("kind: Config\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "yaml");
        CHECK(strncmp(out, "error: yaml: ", 13) == 0);
        free(out);
        out = view("kind: Config\nclusters: [\n", "txt");
        CHECK(strncmp(out, "error: yaml: ", 13) == 0);
        free(out);
}

int main(void)
{
        char top[] = "/tmp/kfs-test-kubeconfig-XXXXXX";

        if (!mkdtemp(top) || kfs_root_init(&root, top) < 0) {
                perror(top);
                return 1;
        }
        test_match();
        test_goyaml();
        test_views();
        test_hostile();
        kfs_root_release(&root);
        rmdir(top);
        return test_exit();
}
