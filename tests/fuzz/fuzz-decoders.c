/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the decoders without a harness of their own:
 * kubeconfig, unit, envfile, pod, rancher, microk8s. The first byte picks
 * the decoder and a file name it expects (fuzz.h: the next byte picks among
 * them); every decoder's match() runs on every input as well, through
 * kfs_probe_data(). The ROOT is fuzz.h's: reads of drop-ins, env files and
 * referenced certificates find (almost) nothing, as on a bare node.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const kubeconfig[] = { "etc/kubernetes/admin.conf", "root/.kube/config" };
        static const char *const unit[] = { "etc/systemd/system/kubelet.service", "lib/kubelet.service",
                                            "etc/systemd/system/kubelet.service.d/10-kubeadm.conf" };
        static const char *const envfile[] = { "var/lib/kubelet/kubeadm-flags.env", "etc/default/kubelet" };
        static const char *const pod[] = { "etc/kubernetes/manifests/kube-apiserver.yaml" };
        static const char *const rancher[] = { "etc/rancher/k3s/config.yaml" };
        static const char *const microk8s[] = { "var/snap/microk8s/current/args/kubelet" };
        static const struct {
                const struct kfs_decoder *dec;
                const char *const *names;
                size_t n;
        } targets[] = {
                { &kfs_decoder_kubeconfig, kubeconfig, 2 },
                { &kfs_decoder_unit, unit, 3 },
                { &kfs_decoder_envfile, envfile, 2 },
                { &kfs_decoder_pod, pod, 1 },
                { &kfs_decoder_rancher, rancher, 1 },
                { &kfs_decoder_microk8s, microk8s, 1 },
        };
        size_t t;

        if (size < 2)
                return 0;
        t = data[0] % (sizeof(targets) / sizeof(targets[0]));
        return fuzz_decode(targets[t].dec, targets[t].names, targets[t].n, data + 1, size - 1);
}
