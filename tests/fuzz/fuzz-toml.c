/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer: any bytes as a TOML file through the toml decoder (lib/toml.c,
 * redaction, containerd notes and imports, .flat, .json), as `kubefs
 * decode` runs it. The first byte picks the file name (containerd, CRI-O,
 * other).
 * Checked besides "no crash": every .json line is JSON (or the error
 * object), every .flat line is "# ..." or has " = " and no control byte.
 */
#include "fuzz-doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_paths[] = {
        "etc/containerd/config.toml",
        "etc/crio/crio.conf",
        "etc/crio/crio.conf.d/10-crun.conf",
        "etc/kubernetes/other.toml",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct kfs_decoder *const decs[] = { &kfs_decoder_toml };

        return fuzz_doc_run(data, size, fuzz_paths, sizeof(fuzz_paths) / sizeof(fuzz_paths[0]),
                            decs, sizeof(decs) / sizeof(decs[0]));
}
