/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Which parts of ROOT the mount shows (docs/spec.md §2): the Kubernetes
 * locations (or --path ones, or all of ROOT with --all) and the directories
 * leading to them. A location is a '/'-separated pattern whose components
 * are fnmatch(3) globs ("home/star/.kube"); everything below a location is
 * shown, except its exclusions (k3s's agent/containerd image store).
 */

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

enum kfs_vis {
        KFS_VIS_HIDDEN,         /* not shown */
        KFS_VIS_ANCESTOR,       /* a directory on the way to a location: only those entries */
        KFS_VIS_INSIDE,         /* a location or below: everything, with sidecars */
};

struct kfs_location;

struct kfs_locations {
        struct kfs_location *list;
        size_t n;
        struct kfs_location *excluded;
        size_t n_excluded;
};

/* The default locations, or `paths` when n_paths > 0, or everything when `all`. */
int kfs_locations_init(struct kfs_locations *l, bool all, char *const *paths, size_t n_paths);
void kfs_locations_release(struct kfs_locations *l);

/* Where the ROOT-relative path `relpath` ("" for ROOT) stands. */
enum kfs_vis kfs_locations_classify(const struct kfs_locations *l, const char *relpath);

/* For an ANCESTOR directory: whether any location below it exists in ROOT
 * ("locations that do not exist are simply absent", with the directories
 * leading to them). Costs a few stats and, for globs, a readdir. */
/*
 * A struct kfs_root's may_cross for these locations (`locs`): a filesystem
 * mounted at a directory inside a location (a pod's secret volume, a bind
 * mount) is not entered; between ROOT and a location (/var on its own disk)
 * mounts are crossed.
 */
bool kfs_locations_may_cross(const void *locs, const char *relpath);

bool kfs_locations_lead(const struct kfs_locations *l, const struct kfs_root *root, const char *relpath);
