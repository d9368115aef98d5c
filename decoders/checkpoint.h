/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The kubelet's state files ("checkpoints", var/lib/kubelet): what they
 * wrap and how the kubelet checks them, as of the kubelet sources
 * (pkg/kubelet/cm/{cpumanager,memorymanager,devicemanager,dra}/...,
 * pkg/kubelet/allocation/state, pkg/kubelet/checkpointmanager/checksum).
 *
 * - JSON text stored in a string (`Data` of dra_manager_state, `data` of
 *   allocated/actuated_pods_state and of newer cpu/memory manager files) is
 *   parsed and put in the string's place, so .flat and .json show it as
 *   structure.
 * - base64 protobuf (`AllocResp` of kubelet_internal_checkpoint, `podList`
 *   of allocated_pods_state v2) is shown as "protobuf, N bytes, sha256:HEX".
 * - Checksums are recomputed where the rule is known exactly:
 *     dra_manager_state             CRC-32 (IEEE) of the bytes of Data
 *     allocated/actuated_pods_state FNV-32a of "(string)" + data
 *     newer cpu/memory "data"       FNV-32a of "(string)" + data
 *     cpu_manager_state (v1, v2),   FNV-32a of the kubelet's
 *     memory_manager_state,           go-spew "%#v" printout of the
 *     kubelet_internal_checkpoint     checkpoint struct (rebuilt here
 *                                     from a schema of those structs)
 *   and reported "ok" or "mismatch"; any other layout is "not verified".
 * What was done is described by "# ..." notes for the .flat view.
 */

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ydoc.h"

enum kfs_ckpt {
        KFS_CKPT_NONE,
        KFS_CKPT_CPU,           /* cpu_manager_state */
        KFS_CKPT_MEMORY,        /* memory_manager_state */
        KFS_CKPT_DRA,           /* dra_manager_state */
        KFS_CKPT_PODS,          /* allocated_pods_state, actuated_pods_state, pod_status_manager_state */
        KFS_CKPT_SHUTDOWN,      /* graceful_node_shutdown_state */
        KFS_CKPT_DEVICE,        /* device-plugins/kubelet_internal_checkpoint */
};

/* Which kubelet state file a file name is (its last component). */
enum kfs_ckpt kfs_ckpt_kind(const char *name);

/* The state files kept for their own subdocuments. */
struct kfs_ckpt_state {
        struct kfs_ydoc **subdocs;      /* parsed JSON strings, owned */
        size_t n_subdocs;
};

/*
 * Checks the checksum of `doc` (a single JSON document, before any rewrite),
 * then rewrites it in place as described above. "# ..." lines go to
 * `notes`. Returns 0 or -ENOMEM; a file that does not have the expected
 * layout is not an error (its notes say so).
 */
int kfs_ckpt_process(enum kfs_ckpt kind, struct kfs_ydoc *doc, struct kfs_ckpt_state *st,
                     struct kfs_buf *notes);

void kfs_ckpt_release(struct kfs_ckpt_state *st);

/* The checksums used above, for the tests. */
