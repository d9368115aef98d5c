/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The head scanner (lib/yhead.c): which keys are top level, in block YAML,
 * flow style and JSON, across documents and in a List's items; and the
 * decoders that recognise files by it agree on that meaning (a "kind: Pod"
 * nested inside another object makes no Pod).
 */
#include <string.h>

#include "pipeline.h"
#include "registry.h"
#include "test.h"
#include "yhead.h"

static int collect(const struct kfs_yhead_key *k, void *arg)
{
        struct kfs_buf *b = arg;

        kfs_buf_addf(b, "%s%u:%.*s=%.*s;", k->item ? "i" : "", k->doc, (int) k->key_len, k->key,
                     (int) k->value_len, k->value);
        return 0;
}

static void check_keys(const char *text, const char *want, int line)
{
        struct kfs_buf b = KFS_BUF_INIT(1 << 16);

        kfs_yhead_scan(text, strlen(text), collect, &b);
        if (strcmp(kfs_buf_str(&b), want) != 0) {
                fprintf(stderr, "%s:%d: keys\n  %s\nexpected\n  %s\n", __FILE__, line, kfs_buf_str(&b), want);
                test_failures++;
        }
        kfs_buf_release(&b);
}
#define KEYS(text, want) check_keys((text), (want), __LINE__)

/* Whether the decoder `name` recognises `text` as the file `path`. */
static bool recognises(const char *name, const char *path, const char *text)
{
        int i = kfs_registry_index(kfs_registry_find(name));

        return i >= 0 && (kfs_probe_data(path, text, strlen(text)) & (UINT32_C(1) << i));
}

int main(void)
{
        /* block YAML: column 0 only, values on the key's line, comments dropped */
        KEYS("apiVersion: v1\nkind: Pod # a pod\nmetadata:\n  name: x\n  kind: nested\n",
             "0:apiVersion=v1;0:kind=Pod;0:metadata=;");
        KEYS("# c\n%YAML 1.1\n---\n\"kind\": 'Config'\n", "0:kind=Config;");
        KEYS("\xef\xbb\xbfkind: Pod\n", "0:kind=Pod;");
        /* documents */
        KEYS("kind: A\n---\nkind: B\n...\n---\nkind: C\n", "0:kind=A;1:kind=B;2:kind=C;");
        KEYS("---\n---\nkind: A\n", "0:kind=A;");
        /* a List's items, by dash or by indentation; deeper keys are not items' */
        KEYS("kind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  spec:\n    kind: no\n- kind: Service\n",
             "0:kind=List;0:items=;i0:apiVersion=v1;i0:kind=Pod;i0:spec=;i0:kind=Service;");
        KEYS("items:\n  - kind: Pod\n    metadata: {}\n", "0:items=;i0:kind=Pod;i0:metadata={};");
        /* JSON and flow style: depth 1, items' objects; one value after another */
        KEYS("{\"kind\": \"Pod\", \"metadata\": {\"kind\": \"no\"}, \"spec\": []}",
             "0:kind=Pod;0:metadata=;0:spec=;");
        KEYS("{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"x\":{\"kind\":\"no\"}},{\"kind\":\"Svc\"}]}",
             "0:kind=List;0:items=;i0:kind=Pod;i0:x=;i0:kind=Svc;");
        KEYS("{\"a\": 1}\n{\"b\": 2}\n", "0:a=1;1:b=2;");
        KEYS("[1, {\"kind\": \"no\"}]", "");

        /* the decoders agree: top level (or a List's items), never deeper */
        CHECK(recognises("pod", "etc/kubernetes/manifests/a.json", "{\"kind\":\"Pod\",\"spec\":{}}"));
        CHECK(!recognises("pod", "etc/kubernetes/manifests/a.json",
                          "{\"kind\":\"ConfigMap\",\"data\":{\"x\":{\"kind\":\"Pod\"}}}"));
        CHECK(!recognises("pod", "a/cm.yaml", "kind: ConfigMap\ndata:\n  kind: Pod\n"));
        CHECK(recognises("pod", "a/list.yaml", "kind: List\nitems:\n- kind: DaemonSet\n"));
        CHECK(recognises("pod", "a/multi.yaml", "kind: Service\n---\nkind: Deployment\n"));
        CHECK(recognises("objects", "a/x.json", "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}"));
        CHECK(!recognises("objects", "a/x.json", "{\"spec\":{\"kind\":\"Service\"}}"));
        CHECK(recognises("kubeconfig", "etc/kubernetes/admin.conf", "apiVersion: v1\nkind: Config\n"));
        CHECK(!recognises("kubeconfig", "etc/kubernetes/admin.conf", "kind: X\n---\nkind: Config\n"));
        return test_exit();
}
