/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of decoders, most specific first: when two decoders recognise
 * the same file and offer the same view name, the earlier one's view is the
 * one the file gets (a kubeconfig's .json comes from the generic YAML
 * decoder, its .txt from the kubeconfig decoder).
 *
 * Adding a format: one file in decoders/, one line here, its tests.
 */
#include <string.h>

#include "decoder.h"
#include "registry.h"

const struct kfs_decoder *const kfs_decoders[] = {
        &kfs_decoder_x509,              /* certificates (and keys beside them) */
        &kfs_decoder_pkey,              /* private and public keys, CSRs */
        &kfs_decoder_kubeconfig,        /* kubeconfigs */
        &kfs_decoder_unit,              /* systemd services */
        &kfs_decoder_envfile,           /* environment files */
        &kfs_decoder_pod,               /* Pod manifests */
        &kfs_decoder_rancher,           /* k3s/rke2 config.yaml */
        &kfs_decoder_microk8s,          /* microk8s args/ files */
        &kfs_decoder_toml,              /* containerd, CRI-O and other TOML */
        &kfs_decoder_yaml,              /* any YAML or JSON */
        &kfs_decoder_objects,           /* Kubernetes objects in YAML or JSON */
        NULL,
};

_Static_assert(sizeof(kfs_decoders) / sizeof(kfs_decoders[0]) - 1 <= KFS_MAX_DECODERS,
               "match masks are 32 bits");

uint32_t kfs_registry_match(const struct kfs_probe *p)
{
        uint32_t mask = 0;

        for (unsigned i = 0; kfs_decoders[i]; i++)
                if (kfs_decoders[i]->match(p))
                        mask |= UINT32_C(1) << i;
        return mask;
}

size_t kfs_registry_views(uint32_t mask, struct kfs_viewref *ret, size_t max)
{
        size_t n = 0;

        for (unsigned i = 0; kfs_decoders[i]; i++) {
                if (!(mask & (UINT32_C(1) << i)))
                        continue;
                for (const struct kfs_view *v = kfs_decoders[i]->views; v->name; v++) {
                        bool taken = false;

                        for (size_t j = 0; j < n && !taken; j++)
                                taken = strcmp(ret[j].view->name, v->name) == 0;
                        if (!taken && n < max)
                                ret[n++] = (struct kfs_viewref) { kfs_decoders[i], v };
                }
        }
        return n;
}

bool kfs_registry_view(uint32_t mask, const char *name, struct kfs_viewref *ret)
{
        for (unsigned i = 0; kfs_decoders[i]; i++) {
                if (!(mask & (UINT32_C(1) << i)))
                        continue;
                for (const struct kfs_view *v = kfs_decoders[i]->views; v->name; v++) {
                        if (strcmp(v->name, name) == 0) {
                                *ret = (struct kfs_viewref) { kfs_decoders[i], v };
                                return true;
                        }
                }
        }
        return false;
}

const struct kfs_decoder *kfs_registry_find(const char *name)
{
        for (unsigned i = 0; kfs_decoders[i]; i++)
                if (strcmp(kfs_decoders[i]->name, name) == 0)
                        return kfs_decoders[i];
        return NULL;
}

int kfs_registry_index(const struct kfs_decoder *dec)
{
        for (int i = 0; kfs_decoders[i]; i++)
                if (kfs_decoders[i] == dec)
                        return i;
        return -1;
}
