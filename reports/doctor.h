/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The node doctor: misconfigurations that only show across files, for one
 * reader (report.h), at env->now. Each check (man kubefs, DOCTOR):
 *
 *   cgroup-driver      kubelet cgroupDriver vs containerd SystemdCgroup of the
 *                      CRI's default runtime / CRI-O cgroup_manager
 *   runtime-endpoint   kubelet containerRuntimeEndpoint vs containerd
 *                      grpc.address / CRI-O crio.api.listen
 *   ca-agreement       the cluster kubeconfigs' CA and the kubelet's
 *                      clientCAFile vs the cluster CA (pki/ca.crt, ssl/ca.pem)
 *   chain              every leaf certificate verifies (OpenSSL) against the
 *                      CA of ROOT's files that names its issuer
 *   key-pair           every private key matches its certificate (or X.pub:
 *                      sa.key); kubeconfig client keys match their certificates
 *   expiry             expired (error), expiring within 30 days (warning)
 *   kubelet-rotation   kubelet-*-current.pem points at an older certificate
 *                      than another rotated one beside it
 *   apiserver-san      apiserver.crt covers --advertise-address and the
 *                      node's hostname
 *   missing-file       files the kubelet's flags and config and the static
 *                      pods' File/Directory hostPaths name, absent in ROOT
 *   conflicting-flags  a kubelet flag given twice with different values
 *
 * Keys are only compared (public halves); nothing here prints key material.
 */

#include "buf.h"
#include "report.h"

enum kfs_doctor_severity {
        KFS_DOCTOR_ERROR,
        KFS_DOCTOR_WARNING,
        KFS_DOCTOR_INFO,
};

struct kfs_doctor_finding {
        enum kfs_doctor_severity severity;
        const char *check;              /* "cgroup-driver" */
        const char *path;               /* "/etc/containerd/config.toml" */
        const char *message;
        const char *const *evidence;    /* other paths, NULL-terminated */
};

/* "error", "warning", "info". */
const char *kfs_doctor_severity_name(enum kfs_doctor_severity s);

/*
 * Runs every check for env's reader and calls fn for each finding, most
 * severe first (then by check, path, message). A non-zero return from fn
 * stops and is returned. This is the hook for the metrics report's
 * kubefs_doctor_finding{check,severity,path} family.
 */
int kfs_doctor_each(const struct kfs_report_env *env,
                    int (*fn)(const struct kfs_doctor_finding *f, void *arg), void *arg);
