/* SPDX-License-Identifier: Apache-2.0 */
#include "locations.h"
#include "sdsyntax.h"
#include "str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOC_MAX_DEPTH 8         /* components in a location pattern */

struct kfs_location {
        char *text;                     /* the pattern as written */
        char *comp[LOC_MAX_DEPTH];      /* its components (pointers into a copy) */
        size_t n;
        char *storage;
};

/* The Kubernetes locations of docs/spec.md §2. */
static const char *const default_locations[] = {
        "etc/kubernetes",
        "var/lib/kubelet",
        "var/lib/kube-proxy",
        "etc/containerd",
        "etc/crictl.yaml",
        "etc/crio",
        "etc/default/kubelet", "etc/default/k3s*", "etc/default/rke2*",
        "etc/sysconfig/kubelet", "etc/sysconfig/k3s*", "etc/sysconfig/rke2*",
        "root/.kube",
        "home/*/.kube",
        "etc/rancher",
        "var/lib/rancher/k3s/server/tls", "var/lib/rancher/k3s/server/cred",
        "var/lib/rancher/k3s/server/manifests", "var/lib/rancher/k3s/agent",
        "var/lib/rancher/rke2/server/tls", "var/lib/rancher/rke2/server/cred",
        "var/lib/rancher/rke2/server/manifests", "var/lib/rancher/rke2/agent",
        /* every revision, so that the `current` symlink resolves to something shown */
        "var/snap/microk8s/*/certs", "var/snap/microk8s/*/credentials", "var/snap/microk8s/*/args",
        "etc/cni/net.d",
        NULL,
};

static const char *const default_excluded[] = {
        "var/lib/rancher/k3s/agent/containerd",         /* image layers */
        "var/lib/rancher/rke2/agent/containerd",
        NULL,
};

/* Unit files and drop-in dirs of the components, in every systemd unit dir. */
static const char *const unit_names[] = {
        "kubelet", "kube-*", "etcd", "containerd", "crio", "cri-docker", "k3s*", "rke2-*",
        "snap.microk8s.*", NULL,
};
static const char *const unit_suffixes[] = { ".service", ".service.d", ".service.env", ".env", NULL };

static int loc_add(struct kfs_location **list, size_t *n, const char *pattern)
{
        struct kfs_location *l = realloc(*list, (*n + 1) * sizeof(*l)), *loc;
        char *save = NULL;

        if (!l)
                return -ENOMEM;
        *list = l;
        loc = &l[*n];
        *loc = (struct kfs_location) { .text = strdup(pattern), .storage = strdup(pattern) };
        if (!loc->text || !loc->storage) {
                free(loc->text);
                free(loc->storage);
                return -ENOMEM;
        }
        for (char *c = strtok_r(loc->storage, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (loc->n == LOC_MAX_DEPTH) {
                        free(loc->text);
                        free(loc->storage);
                        return -ENAMETOOLONG;
                }
                loc->comp[loc->n++] = c;
        }
        (*n)++;
        return 0;
}

int kfs_locations_init(struct kfs_locations *l, bool all, char *const *paths, size_t n_paths)
{
        int r = 0;

        *l = (struct kfs_locations) { 0 };
        if (all)
                return loc_add(&l->list, &l->n, "");
        if (n_paths) {
                for (size_t i = 0; i < n_paths && r == 0; i++)
                        r = loc_add(&l->list, &l->n, paths[i]);
                return r;
        }
        for (size_t i = 0; default_locations[i] && r == 0; i++)
                r = loc_add(&l->list, &l->n, default_locations[i]);
        for (size_t d = 0; kfs_sd_unit_dirs[d]; d++)
                for (size_t u = 0; unit_names[u]; u++)
                        for (size_t s = 0; unit_suffixes[s] && r == 0; s++) {
                                char pat[256];

                                /* rke2 keeps `rke2-server.env` beside its unit; the others use NAME.service.env */
                                if (strcmp(unit_suffixes[s], ".env") == 0 && strcmp(unit_names[u], "rke2-*") != 0)
                                        continue;
                                snprintf(pat, sizeof(pat), "%s/%s%s", kfs_sd_unit_dirs[d], unit_names[u], unit_suffixes[s]);
                                r = loc_add(&l->list, &l->n, pat);
                        }
        for (size_t i = 0; default_excluded[i] && r == 0; i++)
                r = loc_add(&l->excluded, &l->n_excluded, default_excluded[i]);
        return r;
}

static void loc_free_list(struct kfs_location *list, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(list[i].text);
                free(list[i].storage);
        }
        free(list);
}

void kfs_locations_release(struct kfs_locations *l)
{
        loc_free_list(l->list, l->n);
        loc_free_list(l->excluded, l->n_excluded);
        *l = (struct kfs_locations) { 0 };
}

/* Splits a path into at most `max` components; returns how many (max + 1 if more). */
static size_t split(const char *path, char *buf, size_t bufsize, char **comp, size_t max)
{
        char *save = NULL;
        size_t n = 0;

        snprintf(buf, bufsize, "%s", path);
        for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (n == max)
                        return max + 1;
                comp[n++] = c;
        }
        return n;
}

/* How far `comp[0..n)` follows location `loc`: 1 = the path is at or below it,
 * 0 = the path is a proper prefix of it, -1 = unrelated. */
static int loc_relation(const struct kfs_location *loc, char *const *comp, size_t n)
{
        size_t k = n < loc->n ? n : loc->n;

        for (size_t i = 0; i < k; i++)
                if (fnmatch(loc->comp[i], comp[i], 0) != 0)
                        return -1;
        return n >= loc->n ? 1 : 0;
}

enum kfs_vis kfs_locations_classify(const struct kfs_locations *l, const char *relpath)
{
        char buf[4096], *comp[LOC_MAX_DEPTH + 1];
        size_t n = split(relpath, buf, sizeof(buf), comp, LOC_MAX_DEPTH);
        enum kfs_vis vis = KFS_VIS_HIDDEN;

        /* deeper than any pattern: only "at or below" can hold, on the first components */
        if (n > LOC_MAX_DEPTH)
                n = LOC_MAX_DEPTH;
        for (size_t i = 0; i < l->n_excluded; i++)
                if (loc_relation(&l->excluded[i], comp, n) == 1)
                        return KFS_VIS_HIDDEN;
        for (size_t i = 0; i < l->n && vis != KFS_VIS_INSIDE; i++) {
                int rel = loc_relation(&l->list[i], comp, n);
                if (rel == 1)
                        vis = KFS_VIS_INSIDE;
                else if (rel == 0)
                        vis = KFS_VIS_ANCESTOR;
        }
        return vis;
}

static bool has_glob(const char *s)
{
        return strpbrk(s, "*?[") != NULL;
}

/* Whether location `loc`, of which `relpath` (n components) is a proper prefix, exists. */
static bool loc_exists_below(const struct kfs_location *loc, const struct kfs_root *root,
                             const char *relpath, size_t n)
{
        const char *want = loc->comp[n];
        struct stat st;
        char child[4096];
        bool found = false;

        if (!has_glob(want)) {
                snprintf(child, sizeof(child), "%s%s%s", relpath, *relpath ? "/" : "", want);
                if (kfs_root_stat(root, child, KFS_RESOLVE_NOFOLLOW, &st) < 0)
                        return false;
                if (n + 1 == loc->n || S_ISLNK(st.st_mode))
                        return true;
                return S_ISDIR(st.st_mode) && loc_exists_below(loc, root, child, n + 1);
        }
        int fd = kfs_root_open(root, relpath, O_RDONLY | O_DIRECTORY, KFS_RESOLVE_NOFOLLOW);
        DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;

        if (!dir) {
                if (fd >= 0)
                        close(fd);
                return false;
        }
        while (!found && (de = readdir(dir))) {
                if (kfs_name_is_dot(de->d_name))
                        continue;
                if (fnmatch(want, de->d_name, 0) != 0)
                        continue;
                snprintf(child, sizeof(child), "%s%s%s", relpath, *relpath ? "/" : "", de->d_name);
                if (n + 1 == loc->n)
                        found = true;
                else if (kfs_root_stat(root, child, KFS_RESOLVE_NOFOLLOW, &st) == 0)
                        found = S_ISLNK(st.st_mode) ||
                                (S_ISDIR(st.st_mode) && loc_exists_below(loc, root, child, n + 1));
        }
        closedir(dir);
        return found;
}

bool kfs_locations_lead(const struct kfs_locations *l, const struct kfs_root *root, const char *relpath)
{
        char buf[4096], *comp[LOC_MAX_DEPTH + 1];
        size_t n = split(relpath, buf, sizeof(buf), comp, LOC_MAX_DEPTH);

        if (n > LOC_MAX_DEPTH)
                return false;
        for (size_t i = 0; i < l->n; i++)
                if (loc_relation(&l->list[i], comp, n) == 0 && loc_exists_below(&l->list[i], root, relpath, n))
                        return true;
        return false;
}

bool kfs_locations_may_cross(const void *locs, const char *relpath)
{
        char *dir = kfs_path_dirname(relpath);
        bool ok = dir && kfs_locations_classify(locs, dir) != KFS_VIS_INSIDE;

        free(dir);
        return ok;
}
