/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/certs: every certificate of the shown tree (certreport.h) that
 * its reader may read, by expiry.
 */
#include <errno.h>
#include <stdlib.h>

#include "certreport.h"
#include "registry.h"
#include "report.h"
#include "reports.h"

struct certs_walk {
        struct kfs_certreport *report;
        uint32_t x509, kubeconfig;      /* decoder bits of a probe's mask */
};

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
        kfs_certreport_add(w->report, path, data, len, mask & w->kubeconfig);
        free(data);
        return 0;
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
        r = kfs_report_walk(env, "", certs_file, &w);
        if (r == 0)
                r = kfs_certreport_render(w.report, out);
        kfs_certreport_free(w.report);
        return r;
}
