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

/* The --config-dir in use (ROOT path), or NULL. */
const char *kfs_kubelet_config_dir(const struct kfs_kubelet *k);

/* The drop-ins merged from --config-dir, in kubelet's order (ROOT paths). */
char *const *kfs_kubelet_dropins(const struct kfs_kubelet *k, size_t *ret_n);

/* Why the kubelet as its files configure it would refuse to start (a
 * missing or broken --config file, a drop-in without its kind), or why the
 * configuration shown is incomplete for this reader; NULL when neither. */
const char *kfs_kubelet_error(const struct kfs_kubelet *k);

/* "# " lines saying what was found and left out ("" when nothing). */
const char *kfs_kubelet_notes(const struct kfs_kubelet *k);

/* Where the kubelet was found: "unit", "k3s", "rke2" or "microk8s". */
const char *kfs_kubelet_kind(const struct kfs_kubelet *k);

/* The reports' bodies: the argv as a .flags view; the effective
 * configuration as .flat lines ending in "    # SOURCE", sorted by path;
 * as JSON (configz: wrapped in {"kubeletconfig": ...} as the kubelet's
 * /configz endpoint serves it). */
int kfs_kubelet_render_flags(const struct kfs_kubelet *k, struct kfs_buf *out);
int kfs_kubelet_render_flat(const struct kfs_kubelet *k, struct kfs_buf *out);
int kfs_kubelet_render_json(const struct kfs_kubelet *k, bool configz, struct kfs_buf *out);
