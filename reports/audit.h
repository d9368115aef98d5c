/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The CIS Kubernetes Benchmark on a node's files, for one reader: check IDs
 * and what each check inspects follow kube-bench's cfg/cis-1.12 (CIS
 * Kubernetes Benchmark v1.12.0, for Kubernetes 1.32-1.34), decided offline:
 *
 * - 1.1.x and 4.1.x: mode and owner of the files the benchmark names, found
 *   the way the node's own components name them (the kubelet's --kubeconfig,
 *   --config, --config-dir drop-ins, its client CA, etcd's --data-dir...),
 *   and of every directory on the way to each of them inside ROOT: a parent
 *   directory others may write to, or not owned by root, fails the check (it
 *   lets them replace the file). A mode passes when it grants nothing the
 *   benchmark's mode does not; owners are named from ROOT's passwd/group.
 * - 1.2.x-1.4.x and 2.x: the effective flags of the static pod manifests
 *   (the pod decoder's .flags) or of the component's systemd unit, compared
 *   as kube-bench compares them.
 * - 4.2.x: the kubelet's effective configuration (kubelet.h: flag over
 *   config-dir over config file over kubelet's default), with the value and
 *   where it came from.
 * - What needs the live node or cluster (API objects, a process's state):
 *   WARN "not decidable from files".
 * A check that is not scored and fails is a WARN, as in kube-bench.
 */

#include <stdbool.h>

#include "report.h"
#include "reports.h"

#define KFS_AUDIT_BENCHMARK "cis-1.12"
#define KFS_AUDIT_BENCHMARK_NAME "CIS Kubernetes Benchmark v1.12.0"

enum kfs_audit_status {
        KFS_AUDIT_PASS,
        KFS_AUDIT_FAIL,
        KFS_AUDIT_WARN,
        KFS_AUDIT_INFO,
};

struct kfs_audit_result {
        const char *id;                 /* "4.2.1" */
        const char *text;               /* the benchmark's title of the check */
        const char *section;            /* "4.2" */
        const char *section_text;       /* "Kubelet" */
        const char *control;            /* "4" */
        const char *control_text;       /* "Worker Node Security Configuration" */
        const char *control_type;       /* kube-bench's node type: "master", "etcd", "controlplane", "node", "policies" */
        enum kfs_audit_status status;
        bool scored;
        const char *actual;             /* what was found, one item a line ("" when nothing) */
        const char *audit;              /* what was inspected */
        const char *expected;           /* what passes */
        const char *remediation;
};

/* "PASS", "FAIL", "WARN", "INFO". */
const char *kfs_audit_status_name(enum kfs_audit_status s);

/*
 * Runs the audit for env's reader and calls fn for each result, in
 * benchmark order; `r` and its strings are valid during the call only. A
 * non-zero return from fn stops and is returned.
 * -ENOENT when the node has neither a control plane nor a kubelet kubefs
 * can find.
 */
int kfs_audit_each(const struct kfs_report_env *env, int (*fn)(const struct kfs_audit_result *r, void *arg),
                   void *arg);
