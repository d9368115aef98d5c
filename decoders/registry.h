/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Every decoder kubefs has; registry.c orders them. One per file in decoders/. */

#include "decoder.h"

extern const struct kfs_decoder kfs_decoder_x509;        /* x509.c */
extern const struct kfs_decoder kfs_decoder_pkey;        /* pkey.c */
extern const struct kfs_decoder kfs_decoder_kubeconfig;  /* kubeconfig.c */
extern const struct kfs_decoder kfs_decoder_unit;        /* unit.c */
extern const struct kfs_decoder kfs_decoder_envfile;     /* envfile.c */
extern const struct kfs_decoder kfs_decoder_pod;         /* pod.c */
extern const struct kfs_decoder kfs_decoder_rancher;     /* rancher.c */
extern const struct kfs_decoder kfs_decoder_microk8s;    /* microk8s.c */
extern const struct kfs_decoder kfs_decoder_toml;        /* toml.c */
extern const struct kfs_decoder kfs_decoder_yaml;        /* yaml.c */
extern const struct kfs_decoder kfs_decoder_objects;     /* objects.c */
