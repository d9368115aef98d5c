/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer: any bytes as a YAML file through the yaml and objects
 * decoders (parse, checkpoint unwrapping, redaction, .flat, .json,
 * .objects), as `kubefs decode` runs them. The first byte picks the file
 * name, so kubeconfig, manifest and checkpoint paths are all reached.
 * Checked besides "no crash": every .json line is JSON (or the error
 * object), every .flat line is "# ..." or has " = " and no control byte.
 */
#include "fuzz-doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_paths[] = {
        "var/lib/kubelet/config.yaml",
        "etc/kubernetes/admin.conf",
        "etc/kubernetes/manifests/kube-apiserver.yaml",
        "var/lib/kubelet/cpu_manager_state",
        "var/lib/kubelet/memory_manager_state",
        "var/lib/kubelet/dra_manager_state",
        "var/lib/kubelet/allocated_pods_state",
        "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct kfs_decoder *const decs[] = { &kfs_decoder_yaml, &kfs_decoder_objects };

        return fuzz_doc_run(data, size, fuzz_paths, sizeof(fuzz_paths) / sizeof(fuzz_paths[0]),
                            decs, sizeof(decs) / sizeof(decs[0]));
}
