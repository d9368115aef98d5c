/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "buf.h"
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

/* Parses and redacts `text`; the result's first document. */
static struct kfs_ydoc *redacted(const char *text)
{
        struct kfs_ydoc *d = NULL;
        char err[128];

        CHECK_INT(kfs_ydoc_parse(text, strlen(text), &d, err, sizeof(err)), 0);
        if (d)
                CHECK_INT(kfs_yredact(d), 0);
        return d;
}

/* secrets in the text of values, under innocent keys */
static void test_text(void)
{
        const char *doc =
                "data:\n"
                "  key.pem: |\n"
                "    -----BEGIN RSA PRIVATE KEY-----\n"
                "    MIIEcanary\n"
                "    -----END RSA PRIVATE KEY-----\n"
                "  cert.pem: \"-----BEGIN CERTIFICATE-----\"\n"
                "  jwt: \"Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJl end\"\n"
                "  join: kubeadm join 10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00\n"
                "  db: postgres://k3s:canarypw@10.0.0.2:5432/k3s\n"
                "  plain: https://example.com:443/path\n"
                "  env: K3S_TOKEN=canary1 HOME=/root\n"
                "  conf: \"server: x\\ntoken: canary2\\nname: y\\n\"\n"
                "args: [--token=canary3, --token, canary4, --v, '2', --password, canary5]\n"
                "certificateKey: canary6\n"
                "auth: canary7\n"
                "registry: {auth: {username: u, password: canary9, auth: canary10}}\n"
                "tlsPrivateKey: canary8\n"
                "tlsPrivateKeyFile: /etc/x.key\n"
                "eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln: as a key\n";
        struct kfs_ydoc *d = redacted(doc);
        const struct kfs_ynode *r = d->docs[0];

        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "key.pem"), "REDACTED");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "cert.pem"), "-----BEGIN CERTIFICATE-----");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "jwt"), "Authorization: Bearer REDACTED end");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "join"),
                  "kubeadm join 10.0.0.1:6443 --token REDACTED --discovery-token-ca-cert-hash sha256:00");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "db"), "postgres://k3s:REDACTED@10.0.0.2:5432/k3s");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "plain"), "https://example.com:443/path");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "env"), "K3S_TOKEN=REDACTED HOME=/root");
        CHECK_STR(kfs_ymap_str(kfs_ymap_get(r, "data"), "conf"), "server: x\ntoken: REDACTED\nname: y\n");
        CHECK_STR(at(r, "args.#0"), "--token=REDACTED");
        CHECK_STR(at(r, "args.#1"), "--token");
        CHECK_STR(at(r, "args.#2"), "REDACTED");
        CHECK_STR(at(r, "args.#4"), "2");
        CHECK_STR(at(r, "args.#6"), "REDACTED");
        CHECK_STR(at(r, "certificateKey"), "REDACTED");
        CHECK_STR(at(r, "auth"), "REDACTED");
        CHECK_STR(at(r, "registry.auth.username"), "u");
        CHECK_STR(at(r, "registry.auth.password"), "REDACTED");
        CHECK_STR(at(r, "registry.auth.auth"), "REDACTED");
        CHECK_STR(at(r, "tlsPrivateKey"), "REDACTED");
        CHECK_STR(at(r, "tlsPrivateKeyFile"), "/etc/x.key");
        CHECK_STR(kfs_yscalar(r->items[2 * (r->n - 1)]), "REDACTED");
        kfs_ydoc_free(d);
}

/* Kubernetes names secrets by reference; references are not secrets */
static void test_references(void)
{
        struct kfs_ydoc *d = redacted(
                "spec:\n"
                "  imagePullSecrets: [{name: regcred}]\n"
                "  volumes:\n"
                "  - name: certs\n"
                "    secret: {secretName: etcd-certs, defaultMode: 0400}\n"
                "  - projected: {sources: [{secret: {name: ca, items: [{key: ca.crt, path: ca.crt}]}}]}\n"
                "  containers:\n"
                "  - env:\n"
                "    - name: DB_PASSWORD\n"
                "      valueFrom: {secretKeyRef: {name: db, key: password}}\n"
                "    envFrom: [{secretRef: {name: app}}]\n"
                "secrets: [{name: sa-token-x}]\n"
                "clientSecretName: oidc\n"
                "configMapAndSecretChangeDetectionStrategy: Watch\n"
                "automountServiceAccountToken: false\n"
                "projected: {sources: [{serviceAccountToken: {path: token, audience: vault, expirationSeconds: 3600}}]}\n"
                "discovery: {bootstrapToken: {token: abcdef.0123456789abcdef, apiServerEndpoint: '10.0.0.1:6443'}}\n"
                "secret: {raw: material}\n");
        const struct kfs_ynode *r = d->docs[0];

        CHECK_STR(at(r, "spec.imagePullSecrets.#0.name"), "regcred");
        CHECK_STR(at(r, "spec.volumes.#0.secret.secretName"), "etcd-certs");
        CHECK_STR(at(r, "spec.volumes.#1.projected.sources.#0.secret.name"), "ca");
        CHECK_STR(at(r, "spec.containers.#0.env.#0.valueFrom.secretKeyRef.name"), "db");
        CHECK_STR(at(r, "spec.containers.#0.env.#0.valueFrom.secretKeyRef.key"), "password");
        CHECK_STR(at(r, "spec.containers.#0.envFrom.#0.secretRef.name"), "app");
        CHECK_STR(at(r, "secrets.#0.name"), "sa-token-x");
        CHECK_STR(at(r, "clientSecretName"), "oidc");
        CHECK_STR(at(r, "configMapAndSecretChangeDetectionStrategy"), "Watch");
        CHECK_STR(at(r, "automountServiceAccountToken"), "false");
        CHECK_STR(at(r, "projected.sources.#0.serviceAccountToken.audience"), "vault");
        CHECK_STR(at(r, "discovery.bootstrapToken.token"), "REDACTED");
        CHECK_STR(at(r, "discovery.bootstrapToken.apiServerEndpoint"), "10.0.0.1:6443");
        /* not a reference: its scalar leaves are hidden, its shape stays (issue 18 item 2) */
        CHECK_STR(at(r, "secret.raw"), "REDACTED");
        kfs_ydoc_free(d);
}

/* issue 18 item 2: scalars only; maps and lists keep their shape, references and schemas stay */
static void test_shape(void)
{
        struct kfs_ydoc *d = redacted(
                "password: {secretKeyRef: {name: db, key: pw}}\n"
                "token: {valueFrom: {secretKeyRef: {name: t, key: k}}, plain: canary1, list: [canary2, {x: canary3}]}\n"
                "apiKey: {existingSecret: api-creds, raw: canary4}\n"
                "secrets: [canary5]\n"
                "spec:\n"
                "  versions:\n"
                "  - schema:\n"
                "      openAPIV3Schema:\n"
                "        properties:\n"
                "          password: {type: string, description: 'password: the one for the db', format: password}\n"
                "          token: {type: object, properties: {value: {type: string}}}\n");
        const struct kfs_ynode *r = d->docs[0];

        CHECK_STR(at(r, "password.secretKeyRef.name"), "db");
        CHECK_STR(at(r, "password.secretKeyRef.key"), "pw");
        CHECK_STR(at(r, "token.valueFrom.secretKeyRef.name"), "t");
        CHECK_STR(at(r, "token.plain"), "REDACTED");
        CHECK_STR(at(r, "token.list.#0"), "REDACTED");
        CHECK_STR(at(r, "token.list.#1.x"), "REDACTED");
        CHECK_STR(at(r, "apiKey.existingSecret"), "api-creds");
        CHECK_STR(at(r, "apiKey.raw"), "REDACTED");
        CHECK_STR(at(r, "secrets.#0"), "REDACTED");
        CHECK_STR(at(r, "spec.versions.#0.schema.openAPIV3Schema.properties.password.type"), "string");
        CHECK_STR(at(r, "spec.versions.#0.schema.openAPIV3Schema.properties.password.description"),
                  "password: the one for the db");
        CHECK_STR(at(r, "spec.versions.#0.schema.openAPIV3Schema.properties.password.format"), "password");
        CHECK_STR(at(r, "spec.versions.#0.schema.openAPIV3Schema.properties.token.properties.value.type"), "string");
        kfs_ydoc_free(d);
}

/* issue 18 item 1: documents inside strings, at any depth; the text around stays byte for byte */
static void test_embedded(void)
{
        struct kfs_ydoc *d = redacted(
                "env:\n"
                "- name: CNI_NETWORK_CONFIG\n"
                "  value: |-\n"
                "    {\n"
                "      \"kubernetes\": {\"kubeconfig\": \"__KUBECONFIG_FILEPATH__\"},\n"
                "      \"policy\": {\"type\": \"k8s\", \"k8s_auth_token\": \"canary1\"},\n"
                "      \"debug\": true, \"password\": null, \"apiKey\": 12345\n"
                "    }\n"
                "data:\n"
                "  a: '{\"password\": \"hunter2hunter2\"}'\n"
                "  deep: '{\"cni\": \"{\\\"password\\\": \\\"canary2\\\", \\\"x\\\": 1}\"}'\n"
                "  ini: \"[auth]\\nuser = admin\\npassword = canary3 # note\\nport = 5\\n\"\n"
                "  toml: \"[registry]\\napi_key = \\\"canary4\\\"\\n\"\n"
                "  envtext: \"API_KEY=canary5\\nHOME=/root\\nFLANNEL_PSK=canary6\\n\"\n"
                "  yaml: \"auth:\\n  password: |\\n    canary7\\n    canary8\\n  user: me\\n\"\n"
                "  pairs: '[{\"name\": \"DB_PASSWORD\", \"value\": \"canary9\"}, {\"name\": \"HOME\", \"value\": \"/root\"}]'\n");
        const struct kfs_ynode *r = d->docs[0];

        CHECK_STR(at(r, "env.#0.value"),
                  "{\n  \"kubernetes\": {\"kubeconfig\": \"__KUBECONFIG_FILEPATH__\"},\n"
                  "  \"policy\": {\"type\": \"k8s\", \"k8s_auth_token\": \"REDACTED\"},\n"
                  "  \"debug\": true, \"password\": null, \"apiKey\": REDACTED\n}");
        CHECK_STR(at(r, "data.a"), "{\"password\": \"REDACTED\"}");
        CHECK_STR(at(r, "data.deep"), "{\"cni\": \"{\\\"password\\\": \\\"REDACTED\\\", \\\"x\\\": 1}\"}");
        CHECK_STR(at(r, "data.ini"), "[auth]\nuser = admin\npassword = REDACTED # note\nport = 5\n");
        CHECK_STR(at(r, "data.toml"), "[registry]\napi_key = \"REDACTED\"\n");
        CHECK_STR(at(r, "data.envtext"), "API_KEY=REDACTED\nHOME=/root\nFLANNEL_PSK=REDACTED\n");
        CHECK_STR(at(r, "data.yaml"), "auth:\n  password: |\n    REDACTED\n  user: me\n");
        CHECK_STR(at(r, "data.pairs"),
                  "[{\"name\": \"DB_PASSWORD\", \"value\": \"REDACTED\"}, {\"name\": \"HOME\", \"value\": \"/root\"}]");
        kfs_ydoc_free(d);
}

/* aliases cannot make the text scan unbounded: it fails closed */
static void test_scan_budget(void)
{
        struct kfs_buf b = KFS_BUF_INIT(64u << 20);
        struct kfs_ydoc *d = NULL;
        char err[128];

        kfs_buf_add(&b, "a: &a \"");
        kfs_buf_pad(&b, 'x', 1u << 20);
        kfs_buf_add(&b, "\"\nb: [");
        for (int i = 0; i < 100; i++)
                kfs_buf_add(&b, "*a,");
        kfs_buf_add(&b, "*a]\n");
        CHECK_INT(kfs_ydoc_parse(kfs_buf_str(&b), b.len, &d, err, sizeof(err)), 0);
        CHECK_INT(kfs_yredact(d), -E2BIG);
        kfs_ydoc_free(d);
        kfs_buf_release(&b);
}

int main(void)
{
        test_shape();
        test_embedded();
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
        test_text();
        test_references();
        test_scan_budget();
        return test_exit();
}
