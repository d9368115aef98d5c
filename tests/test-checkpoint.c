/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's state files (decoders/checkpoint.c) through the YAML/JSON
 * decoder's .flat view: the checksum verdict for each rule the kubelet
 * uses, embedded JSON unwrapped, unknown layouts said to be unverified.
 *
 * Expected checksums: the cpu_manager_state one is the value real kubelets
 * write for policy "none" with an empty set (as seen in countless bug
 * reports); the others were computed independently of kubefs when this
 * test was written (Python: zlib.crc32, and FNV-32a by its definition).
 */
#include <string.h>

#include "checkpoint.h"
#include "pipeline.h"
#include "registry.h"
#include "test.h"

static struct kfs_root root;

/* The .flat view of `data` named `path`. */
static char *flat(const char *path, const char *data)
{
        const struct kfs_decoder *dec = kfs_registry_find("yaml");
        struct kfs_result *res = NULL;
        char *out = NULL;

        CHECK(dec != NULL);
        if (!dec)
                return NULL;
        CHECK_INT(kfs_decode_data(&root, path, dec, data, strlen(data), 1000, &res), 0);
        for (size_t i = 0; res && dec->views[i].name; i++)
                if (strcmp(dec->views[i].name, "flat") == 0)
                        out = strdup(res->views[i].data);
        kfs_result_free(res);
        return out;
}

struct ckpt_case {
        const char *path, *data;
        const char *want;               /* a line the .flat view must hold */
};

static const struct ckpt_case cases[] = {
        { "var/lib/kubelet/cpu_manager_state",
          "{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":1353318690}",
          "# checksum: ok (FNV-32a of the kubelet's printout of its CPUManagerCheckpoint)\n" },
        { "var/lib/kubelet/cpu_manager_state",
          "{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":1353318691}",
          "mismatch" },
        { "var/lib/kubelet/allocated_pods_state",
          "{\"data\":\"{\\\"podResourceInfoMap\\\":{}}\",\"checksum\":1684494490}",
          "# checksum: ok (FNV-32a of \"(string)\" + data)\n" },
        { "var/lib/kubelet/allocated_pods_state",
          "{\"data\":\"{\\\"podResourceInfoMap\\\":{}}\",\"checksum\":1684494491}",
          "mismatch" },
        { "var/lib/kubelet/dra_manager_state",
          "{\"Data\":\"{\\\"kind\\\":\\\"DRACheckpoint\\\",\\\"apiVersion\\\":\\\"checkpoint.dra.kubelet.k8s.io/v1\\\","
          "\\\"ClaimInfoStateList\\\":[]}\",\"Checksum\":2361995144}",
          "# Checksum: ok (CRC-32 IEEE of Data)\n" },
        /* the string is shown as the structure it holds */
        { "var/lib/kubelet/dra_manager_state",
          "{\"Data\":\"{\\\"kind\\\":\\\"DRACheckpoint\\\",\\\"apiVersion\\\":\\\"checkpoint.dra.kubelet.k8s.io/v1\\\","
          "\\\"ClaimInfoStateList\\\":[]}\",\"Checksum\":2361995144}",
          "Data.kind = \"DRACheckpoint\"\n" },
        /* an older layout: said, not guessed */
        { "var/lib/kubelet/dra_manager_state",
          "{\"version\":\"v1\",\"entries\":[],\"checksum\":1}",
          "not verified" },
        /* the same bytes under another name are plain JSON */
        { "var/lib/kubelet/other_state",
          "{\"policyName\":\"none\",\"defaultCpuSet\":\"\",\"checksum\":1353318691}",
          "checksum = 1353318691\n" },
};

int main(void)
{
        if (kfs_root_init(&root, "/") < 0)
                return 1;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *out = flat(cases[i].path, cases[i].data);

                if (!out || !strstr(out, cases[i].want)) {
                        fprintf(stderr, "case %zu (%s): want \"%s\" in:\n%s\n", i, cases[i].path, cases[i].want,
                                out ? out : "(null)");
                        test_failures++;
                }
                free(out);
        }
        CHECK(kfs_ckpt_kind("cpu_manager_state") == KFS_CKPT_CPU);
        CHECK(kfs_ckpt_kind("kubelet_internal_checkpoint") == KFS_CKPT_DEVICE);
        CHECK(kfs_ckpt_kind("cpu_manager_state.bak") == KFS_CKPT_NONE);
        kfs_root_release(&root);
        return test_exit();
}
