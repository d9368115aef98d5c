/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>

#include "flags.h"
#include "redact.h"
#include "test.h"

static bool r(const char *s)
{
        return kfs_redact_name(s, strlen(s));
}

static const char *value(const char *name, const char *v)
{
        static struct kfs_buf b = KFS_BUF_INIT(4096);

        kfs_buf_reset(&b);
        kfs_redact_add_value(&b, name, strlen(name), v, strlen(v));
        return kfs_buf_str(&b);
}

static const char *argv_flags(char **argv, size_t n)
{
        static struct kfs_buf b = KFS_BUF_INIT(4096);

        kfs_buf_reset(&b);
        kfs_flags_add_argv(&b, argv, n);
        return kfs_buf_str(&b);
}

static const char *text(const char *s)
{
        static struct kfs_buf b = KFS_BUF_INIT(4096);
        struct kfs_flags_text st = { 0 };

        kfs_buf_reset(&b);
        kfs_flags_redact_text_state(&b, s, strlen(s), &st);
        return kfs_buf_str(&b);
}

/* issue 9 item 6: every form, as values, command lines and raw text */
static void test_forms(void)
{
        /* *KEY, *PSK, *AUTH* names; booleans and paths under weak names are not secrets */
        CHECK(r("API_KEY"));
        CHECK(r("apiKey"));
        CHECK(r("joinKey"));
        CHECK(r("--etcd-s3-access-key"));
        CHECK(r("--flannel-ipsec-psk"));
        CHECK(r("--vpn-auth"));
        CHECK(r("--basic-auth"));
        CHECK(r("auth"));
        CHECK(r("basicAuth"));
        CHECK(!r("key"));
        CHECK(!r("topologyKey"));
        CHECK(!r("labelFromKey"));               /* kube-state-metrics' custom resource config */
        CHECK(!r("imageKey"));                   /* skaffold's artifactOverrides */
        CHECK(!r("ssh-public-key"));
        CHECK(!r("tls.key"));
        CHECK(!r("--vpn-auth-file"));
        CHECK(!r("auth-provider"));
        CHECK(!r("--authorization-mode"));
        CHECK(!r("multi\nline key"));
        CHECK(!kfs_redact_value("--anonymous-auth", 16, "false", 5));
        CHECK(!kfs_redact_value("--kubelet-client-key", 20, "/etc/kubernetes/pki/x.key", 25));
        CHECK(!kfs_redact_value("client-key", 10, "client.key", 10));
        CHECK(kfs_redact_value("API_KEY", 7, "abc", 3));
        CHECK(kfs_redact_value("--token", 7, "/x", 2));           /* strong: whatever it looks like */

        /* nested NAME=VALUE, user:password */
        CHECK_STR(value("--kube-apiserver-arg", "oidc-client-secret=canary"), "oidc-client-secret=REDACTED");
        CHECK_STR(value("--kube-apiserver-arg", "oidc-client-secret=a,b,oidc-issuer-url=https://x"),
                  "oidc-client-secret=REDACTED,oidc-issuer-url=https://x");
        CHECK_STR(value("--vpn-auth", "name=tailscale,joinKey=canary"), "name=tailscale,joinKey=REDACTED");
        CHECK_STR(value("--vpn-auth", "name=tailscale,joinKey=canary,controlServerURL=u"),
                  "name=tailscale,joinKey=REDACTED,controlServerURL=REDACTED");
        CHECK_STR(value("--basic-auth", "user:canary"), "user:REDACTED");
        CHECK_STR(value("--password", "ab=cd"), "REDACTED");              /* no name of its own: whole */
        CHECK_STR(value("--token", "Zm9vYmFy=="), "REDACTED");
        CHECK_STR(value("--node-label", "a=b,c=d"), "a=b,c=d");

        /* .flags of a command line: k3s's and rke2's -t, and every form above */
        char *k3s[] = { "/usr/local/bin/k3s", "server", "-t", "canary1", "-t=canary2",
                        "--flannel-ipsec-psk=canary3", "--vpn-auth=name=tailscale,joinKey=canary4",
                        "--kube-apiserver-arg=oidc-client-secret=canary5", "--basic-auth=user:canary6",
                        "--vpn-auth", "name=tailscale,joinKey=canary7", "--anonymous-auth", "false" };
        CHECK_STR(argv_flags(k3s, sizeof(k3s) / sizeof(k3s[0])),
                  "/usr/local/bin/k3s\nserver\n-t\nREDACTED\n-t=REDACTED\n--flannel-ipsec-psk=REDACTED\n"
                  "--vpn-auth=name=tailscale,joinKey=REDACTED\n--kube-apiserver-arg=oidc-client-secret=REDACTED\n"
                  "--basic-auth=user:REDACTED\n--vpn-auth\nname=tailscale,joinKey=REDACTED\n--anonymous-auth\nfalse\n");
        char *other[] = { "/usr/sbin/iptables", "-t", "nat", "--config={\"password\": \"canary8\"}" };
        CHECK_STR(argv_flags(other, 4), "/usr/sbin/iptables\n-t\nnat\n--config={\"password\": \"REDACTED\"}\n");

        /* raw text (.unit lines, .env values) */
        CHECK_STR(text("ExecStart=/usr/local/bin/rke2 server -t canary1 -t=canary2 --flannel-ipsec-psk canary3\n"),
                  "ExecStart=/usr/local/bin/rke2 server -t REDACTED -t=REDACTED --flannel-ipsec-psk REDACTED\n");
        CHECK_STR(text("--vpn-auth=\"name=tailscale,joinKey=canary4\" --kube-apiserver-arg=oidc-client-secret=canary5"),
                  "--vpn-auth=\"name=tailscale,joinKey=REDACTED\" --kube-apiserver-arg=oidc-client-secret=REDACTED");
        CHECK_STR(text("API_KEY=canary6 --basic-auth=user:canary7 tar -t x"),
                  "API_KEY=REDACTED --basic-auth=user:REDACTED tar -t x");
}

/* hostile text: every form stays linear (each pattern is 1 MB; quadratic would take hours
 * and trip meson's timeout) and nesting cannot exhaust the stack (a=a=a=... recursed once) */
static void test_hostile(void)
{
        static const char *const units[] = {
                "a=", "a: \\\\\\\"x\" ", "{password: x, ", "\"a\": \"b\", ", "name=\"", "--vpn-auth=a=", "password: |\n",
                "k: ", "apiKey: \"/x ", "name: DB_PASSWORD value: ", "--api-key /x ", "\\\\\\\"token\\\\\\\": ",
                "API_KEY=true,", "{\"name\": \"", "-t ", "x=y,", NULL,
        };
        size_t total = 1u << 20;
        char *s = malloc(total + 1);

        CHECK(s != NULL);
        for (size_t u = 0; s && units[u]; u++) {
                size_t n = strlen(units[u]), len = total / n * n;
                struct kfs_buf b = KFS_BUF_INIT((size_t) -1);
                struct kfs_flags_text st = { .k3s = true };

                for (size_t i = 0; i < len; i += n)
                        memcpy(s + i, units[u], n);
                s[len] = '\0';
                kfs_redact_text(s, len, &b);
                CHECK(b.err == 0);
                kfs_buf_reset(&b);
                kfs_flags_redact_text_state(&b, s, len, &st);
                CHECK(b.err == 0);
                kfs_buf_reset(&b);
                kfs_redact_add_value(&b, "--vpn-auth", 10, s, len);
                kfs_buf_release(&b);
        }
        free(s);
}

int main(void)
{
        test_hostile();
        test_forms();
        /* docs/spec.md §3: --token, --agent-token, *_TOKEN, *PASSWORD*, *SECRET* */
        CHECK(r("--token"));
        CHECK(r("token"));
        CHECK(r("--agent-token"));
        CHECK(r("K3S_TOKEN"));
        CHECK(r("id-token"));
        CHECK(r("refresh-token"));
        CHECK(r("bootstrapToken"));
        CHECK(r("ETCD_PASSWORD"));
        CHECK(r("password"));
        CHECK(r("--datastore-passwd"));
        CHECK(r("client-secret"));
        CHECK(r("AWS_SECRET_ACCESS_KEY"));
        CHECK(r("client-key-data"));
        CHECK(r("--certificate-key"));
        CHECK(r("certificateKey"));
        /* paths to secrets are not secrets */
        CHECK(!r("--token-auth-file"));
        CHECK(!r("K3S_TOKEN_FILE"));
        CHECK(!r("tokenFile"));
        CHECK(!r("--kubeconfig"));
        CHECK(!r("client-certificate-data"));
        CHECK(!r("--tls-private-key-file"));
        CHECK(!r("KUBELET_KUBEADM_ARGS"));
        return test_exit();
}
