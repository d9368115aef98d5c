/* SPDX-License-Identifier: Apache-2.0 */
#include "redact.h"
#include "test.h"

static bool r(const char *s)
{
        return kfs_redact_name(s, strlen(s));
}

int main(void)
{
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
