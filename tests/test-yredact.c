/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "yredact.h"

static const char *at(const struct kfs_ynode *n, const char *path)
{
        char key[64];

        while (*path) {
                size_t len = strcspn(path, ".");
                if (*path == '#') {
                        unsigned long i = strtoul(path + 1, NULL, 10);
                        n = n && n->type == KFS_YSEQ && i < n->n ? n->items[i] : NULL;
                } else {
                        snprintf(key, sizeof(key), "%.*s", (int) len, path);
                        n = kfs_ymap_get(n, key);
                }
                path += len + (path[len] == '.');
        }
        return kfs_yscalar(n);
}

int main(void)
{
        const char *kc =
                "apiVersion: v1\nkind: Config\n"
                "clusters:\n- name: c\n  cluster: {server: https://x, certificate-authority-data: Q0E=}\n"
                "users:\n"
                "- name: a\n  user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ, token: tok123}\n"
                "- name: b\n  user: {username: admin, password: pw123}\n"
                "- name: c\n  user:\n    auth-provider:\n      name: oidc\n"
                "      config: {id-token: idt, refresh-token: rt, client-secret: cs, client-id: kubectl}\n"
                "- name: d\n  user:\n    exec:\n      command: aws\n      env: [{name: AWS_PROFILE, value: prod}]\n"
                "contexts: []\n";
        const char *secret =
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {tls.key: S0VZ}\n"
                "stringData: {pw: x}\ntype: Opaque\n---\n"
                "kind: Pod\nspec:\n  containers:\n  - env: [{name: K3S_TOKEN, value: sekrit}, {name: HOME, value: /root}]\n"
                "    args: [--token=abc]\n";
        struct kfs_ydoc *d = NULL;
        char err[128];

        CHECK_INT(kfs_ydoc_parse(kc, strlen(kc), &d, err, sizeof(err)), 0);
        CHECK(kfs_yredact_is_kubeconfig(d->docs[0]));
        CHECK_INT(kfs_yredact(d), 0);
        const struct kfs_ynode *r = d->docs[0];
        CHECK_STR(at(r, "clusters.#0.cluster.certificate-authority-data"), "DATA+OMITTED");
        CHECK_STR(at(r, "clusters.#0.cluster.server"), "https://x");
        CHECK_STR(at(r, "users.#0.user.client-certificate-data"), "DATA+OMITTED");
        CHECK_STR(at(r, "users.#0.user.client-key-data"), "DATA+OMITTED");
        CHECK_STR(at(r, "users.#0.user.token"), "REDACTED");
        CHECK_STR(at(r, "users.#1.user.password"), "REDACTED");
        CHECK_STR(at(r, "users.#1.user.username"), "admin");
        CHECK_STR(at(r, "users.#2.user.auth-provider.config.id-token"), "REDACTED");
        CHECK_STR(at(r, "users.#2.user.auth-provider.config.refresh-token"), "REDACTED");
        CHECK_STR(at(r, "users.#2.user.auth-provider.config.client-secret"), "REDACTED");
        CHECK_STR(at(r, "users.#2.user.auth-provider.config.client-id"), "kubectl");
        CHECK_STR(at(r, "users.#3.user.exec.env.#0.value"), "REDACTED");
        CHECK_STR(at(r, "users.#3.user.exec.env.#0.name"), "AWS_PROFILE");
        CHECK_STR(at(r, "users.#3.user.exec.command"), "aws");
        kfs_ydoc_free(d);

        CHECK_INT(kfs_ydoc_parse(secret, strlen(secret), &d, err, sizeof(err)), 0);
        CHECK_INT(kfs_yredact(d), 0);
        CHECK(!kfs_yredact_is_kubeconfig(d->docs[0]));
        CHECK_STR(kfs_yscalar(kfs_ymap_get(kfs_ymap_get(d->docs[0], "data"), "tls.key")), "REDACTED");
        CHECK_STR(at(d->docs[0], "stringData.pw"), "REDACTED");
        CHECK_STR(at(d->docs[0], "metadata.name"), "s");
        CHECK_STR(at(d->docs[1], "spec.containers.#0.env.#0.value"), "REDACTED");
        CHECK_STR(at(d->docs[1], "spec.containers.#0.env.#1.value"), "/root");
        kfs_ydoc_free(d);

        /* empty values stay empty (kubectl omits them); a users-only fragment is a kubeconfig's */
        const char *frag =
                "users:\n- name: a\n  user:\n    token: \"\"\n    password: ''\n    client-key-data: \"\"\n"
                "    exec: {command: x, env: [{name: A, value: s3cr3t}, {name: B, value: \"\"}]}\n"
                "    client-certificate-data: Q0VSVA==\n";
        CHECK_INT(kfs_ydoc_parse(frag, strlen(frag), &d, err, sizeof(err)), 0);
        CHECK(!kfs_yredact_is_kubeconfig(d->docs[0]));
        CHECK_INT(kfs_yredact(d), 0);
        CHECK_STR(at(d->docs[0], "users.#0.user.token"), "");
        CHECK_STR(at(d->docs[0], "users.#0.user.password"), "");
        CHECK_STR(at(d->docs[0], "users.#0.user.client-key-data"), "");
        CHECK_STR(at(d->docs[0], "users.#0.user.exec.env.#0.value"), "REDACTED");
        CHECK_STR(at(d->docs[0], "users.#0.user.exec.env.#1.value"), "");
        CHECK_STR(at(d->docs[0], "users.#0.user.client-certificate-data"), "DATA+OMITTED");
        kfs_ydoc_free(d);
        return test_exit();
}
