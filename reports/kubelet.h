/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The node's kubelet as its files configure it, for the reports that ask
 * (.kubefs/kubelet/, audit, doctor, metrics): its effective command line
 * (the unit's .flags, or k3s/rke2 kubelet-arg, or microk8s args/kubelet),
 * and its effective KubeletConfiguration: kubelet's v1beta1 defaults, then
 * the --config file, then the --config-dir drop-ins, then the flags that
 * still override config fields; every value with where it came from.
 *
 * Made for a reader (report.h): files the reader may not read are not used,
 * and kfs_kubelet_load() says so in ->notes.
 */

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "report.h"

struct kfs_kubelet;

/* -ENOENT when the node has no kubelet kubefs can find. */
int kfs_kubelet_load(const struct kfs_report_env *env, struct kfs_kubelet **ret);
void kfs_kubelet_free(struct kfs_kubelet *k);

/* The effective argv (argv[0] the binary), and the file it came from. */
char *const *kfs_kubelet_argv(const struct kfs_kubelet *k, size_t *ret_n, const char **ret_source);

/* The value of flag `name` ("--container-runtime-endpoint") as the kubelet
 * parses its argv (the last one wins), or NULL. */
const char *kfs_kubelet_flag(const struct kfs_kubelet *k, const char *name);

/*
 * The effective value of the KubeletConfiguration field at `path` (the .flat
 * path: "cgroupDriver", "authentication.anonymous.enabled",
 * "evictionHard[\"memory.available\"]") as JSON text ("\"systemd\"", "false",
 * "10"), or NULL when unset; *ret_source gets "default", a ROOT path
 * ("/var/lib/kubelet/config.yaml") or "flag --NAME".
 */
const char *kfs_kubelet_get(const struct kfs_kubelet *k, const char *path, const char **ret_source);

/* The --config file (ROOT path) in use, or NULL. */
const char *kfs_kubelet_config_path(const struct kfs_kubelet *k);
