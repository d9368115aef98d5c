/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The CIS Kubernetes Benchmark's file checks (kube-bench cfg/cis-1.12,
 * sections 1.1 and 4.1) on a node ROOT: owner and mode of the files the
 * benchmark covers. A mode passes when it grants nothing the benchmark's
 * mode does not (600 passes "600 or more restrictive", 640 does not).
 * Owners are named from ROOT's own etc/passwd and etc/group (a copied node's
 * users, not the machine's).
 *
 * One finding a line:
 *   PASS 1.1.1 /etc/kubernetes/manifests/kube-apiserver.yaml mode 600 (600 or stricter)
 *   FAIL 4.1.9 /var/lib/kubelet/config.yaml mode 644 (600 or stricter)
 *   FAIL 1.1.12 /var/lib/etcd owner root:root (etcd:etcd)
 * Files the node does not have are not listed.
 */

#include "report.h"
#include "reports.h"
