/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every decoder's match() on hostile heads, under every name that invites a
 * decoder: it must return (a hang times the test out), and never claim
 * binary garbage for more than a handful of decoders. NUL bytes are the
 * classic trap: strchr(set, '\0') finds the terminator.
 */
#include <stdint.h>

#include "pipeline.h"
#include "registry.h"
#include "test.h"

static const char *const names[] = {
        "x.pem", "x.crt", "x.key", "x.yaml", "x.json", "x.conf", "config", "admin.conf",
        "x.service", "x.env", "kubelet", "cpu_manager_state", "etc/kubernetes/manifests/x.yaml",
        "var/snap/microk8s/current/args/kubelet", "etc/rancher/k3s/config.yaml", "OWNERS",
        "etc/containerd/config.toml", "etc/crio/crio.conf", "etc/crio/crio.conf.d/10-x.conf", NULL,
};

static void probe_all(const char *data, size_t len)
{
        for (size_t i = 0; names[i]; i++)
                (void) kfs_probe_data(names[i], data, len);
}

int main(void)
{
        static const char *const prefixes[] = {
                "{", "[", "{\"kind\":", "kind: ", "kind: Config\n", "clusters:\n", "apiVersion: v1\nkind: Pod\n",
                "-----BEGIN CERTIFICATE-----\n", "-----BEGIN ", "[Service]\nExecStart=", "A=\"", "key: '",
                "0\x82", "\xef\xbb\xbf{", "---\n", "# c\n{", NULL,
        };
        char buf[4096];
        uint32_t seed = 12345;

        /* each prefix followed by NULs, by random bytes, by both */
        for (size_t p = 0; prefixes[p]; p++) {
                size_t n = strlen(prefixes[p]);

                for (int variant = 0; variant < 3; variant++) {
                        memcpy(buf, prefixes[p], n);
                        for (size_t i = n; i < sizeof(buf); i++) {
                                seed = seed * 1103515245 + 12345;
                                buf[i] = variant == 0 ? 0 : variant == 1 ? (char) (seed >> 16)
                                       : (i % 3 ? 0 : (char) (seed >> 16));
                        }
                        probe_all(buf, sizeof(buf));
                        probe_all(buf, n + 1);
                }
        }
        /* pure random heads */
        for (int round = 0; round < 200; round++) {
                for (size_t i = 0; i < sizeof(buf); i++) {
                        seed = seed * 1103515245 + 12345;
                        buf[i] = (char) (seed >> 16);
                }
                probe_all(buf, sizeof(buf));
        }
        CHECK(true);    /* reaching here is the test */
        return test_exit();
}
