/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/certs: every certificate of the shown tree (certreport.h) that
 * its reader may read, by expiry, each with the symlinks of the shown tree
 * that point at its file (kubelet-client-current.pem).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certreport.h"
#include "registry.h"
#include "report.h"
#include "reports.h"

/* Symlinks remembered for naming; past it, the rest go unnamed. */
#define CERTS_MAX_LINKS 10000

struct certs_link {
        char *target;           /* what it resolves to inside ROOT */
        char *name;             /* as shown: its name, or /PATH when in another directory */
};

struct certs_walk {
        struct kfs_certreport *report;
        uint32_t x509, kubeconfig;      /* decoder bits of a probe's mask */
        struct certs_link *links;
        size_t n_links;
};

static int certs_link(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg)
{
        struct certs_walk *w = arg;
        struct certs_link *l;
        char *target = NULL, *tdir, *ldir, *name;

        if (w->n_links >= CERTS_MAX_LINKS || kfs_root_resolve(env->root, path, &target) < 0)
                return 0;       /* dangling: points at nothing to list */
        tdir = kfs_path_dirname(target);
        ldir = kfs_path_dirname(path);
        if (!tdir || !ldir)
                name = NULL;
        else if (strcmp(tdir, ldir) == 0)
                name = strdup(kfs_path_basename(path));
        else if (asprintf(&name, "/%s", path) < 0)
                name = NULL;
        free(tdir);
        free(ldir);
        l = name ? realloc(w->links, (w->n_links + 1) * sizeof(*l)) : NULL;
        if (!l) {
                free(name);
                free(target);
                return -ENOMEM;
        }
        w->links = l;
        w->links[w->n_links++] = (struct certs_link) { .target = target, .name = name };
        return 0;
}

static int certs_name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "a, b" for the links to `path`, or NULL; *ret_err on failure. */
static char *certs_links_of(const struct certs_walk *w, const char *path, int *ret_err)
{
        const char **names = NULL;
        size_t n = 0, len = 0;
        char *out;

        for (size_t i = 0; i < w->n_links; i++)
                if (strcmp(w->links[i].target, path) == 0)
                        n++;
        if (!n)
                return NULL;
        names = calloc(n, sizeof(*names));
        if (!names) {
                *ret_err = -ENOMEM;
                return NULL;
        }
        n = 0;
        for (size_t i = 0; i < w->n_links; i++)
                if (strcmp(w->links[i].target, path) == 0) {
                        names[n++] = w->links[i].name;
                        len += strlen(w->links[i].name) + 2;
                }
        qsort(names, n, sizeof(*names), certs_name_cmp);
        out = malloc(len + 1);
        if (out) {
                out[0] = '\0';
                for (size_t i = 0; i < n; i++) {
                        if (i)
                                strcat(out, ", ");
                        strcat(out, names[i]);
                }
        } else
                *ret_err = -ENOMEM;
        free(names);
        return out;
}

static uint32_t certs_bit(const char *decoder)
{
        int i = kfs_registry_index(kfs_registry_find(decoder));

        return i >= 0 ? UINT32_C(1) << i : 0;
}

static int certs_file(const struct kfs_report_env *env, const char *path, const struct stat *st, void *arg)
{
        struct certs_walk *w = arg;
        uint32_t mask;
        char *data;
        size_t len;

        if (env->src->probe(env, path, &mask) < 0 || !(mask & (w->x509 | w->kubeconfig)))
                return 0;
        if (kfs_report_read(env, path, &data, &len) < 0)
                return 0;
        int err = 0;
        char *links = certs_links_of(w, path, &err);
        if (err == 0)
                err = kfs_certreport_set_links(w->report, links);
        if (err == 0)
                err = kfs_certreport_add(w->report, path, data, len, mask & w->kubeconfig);
        kfs_certreport_set_links(w->report, NULL);
        free(links);
        free(data);
        return err == -ENOMEM ? err : 0;
}


int kfs_report_certs(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct certs_walk w = {
                .report = kfs_certreport_new(env->now),
                .x509 = certs_bit("x509"),
                .kubeconfig = certs_bit("kubeconfig"),
        };
        int r;

        if (!w.report)
                return -ENOMEM;
        r = kfs_report_walk_links(env, "", certs_link, &w);
        if (r == 0)
                r = kfs_report_walk(env, "", certs_file, &w);
        if (r == 0)
                r = kfs_certreport_render(w.report, out);
        kfs_certreport_free(w.report);
        for (size_t i = 0; i < w.n_links; i++) {
                free(w.links[i].target);
                free(w.links[i].name);
        }
        free(w.links);
        return r;
}
