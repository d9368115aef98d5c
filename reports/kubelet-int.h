/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What kubelet.c needs to know of the kubelet itself (kubelet-defaults.c):
 * its v1beta1 defaults, the command-line defaults it uses without --config,
 * the flags that still set KubeletConfiguration fields, and Go's
 * time.Duration text.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How SetDefaults_KubeletConfiguration decides a field is unset. */
enum kfs_kubelet_unset {
        KUBELET_NIL,            /* a pointer field: only when absent (or null) */
        KUBELET_ZERO,           /* a plain field: also when zero ("", 0, false, "0s", []) */
        KUBELET_SPECIAL,        /* decided in kubelet.c (the comment says how) */
};

struct kfs_kubelet_default {
        const char *path;       /* dotted KubeletConfiguration path */
        const char *json;       /* the default, as JSON text */
        enum kfs_kubelet_unset unset;
};

/* SetDefaults_KubeletConfiguration, in its order; ends with { 0 }. */
extern const struct kfs_kubelet_default kfs_kubelet_defaults[];
/* applyLegacyDefaults: what a kubelet without --config starts from. */
extern const struct kfs_kubelet_default kfs_kubelet_legacy_defaults[];
/* eviction.DefaultEvictionHard (Linux): used when the config file has no evictionHard. */
extern const struct kfs_kubelet_default kfs_kubelet_default_eviction_hard[];
/* KubeletConfigurationPathRefs: relative paths in the config file are made
 * relative to the file's directory. NULL-terminated. */
extern const char *const kfs_kubelet_path_refs[];
/* The version of upstream these tables follow (for the reports' notes). */
extern const char kfs_kubelet_defaults_version[];

enum kfs_kubelet_flag_type {
        KF_BOOL,        /* pflag bool: "--x" alone is true */
        KF_INT,
        KF_FLOAT,
        KF_STRING,
        KF_DURATION,    /* Go time.Duration, shown as Duration.String() */
        KF_LIST,        /* comma-separated strings */
        KF_MAP,         /* k=v,k2=v2 (the first use replaces the config's map) */
        KF_MAPBOOL,     /* k=true,k2=false (feature gates: config keys not named stay) */
        KF_LANGLEMAP,   /* k<v,k2<v2 (eviction thresholds) */
};

struct kfs_kubelet_flag {
        const char *name;       /* without dashes */
        const char *path;       /* dotted KubeletConfiguration path */
        enum kfs_kubelet_flag_type type;
};

/* AddKubeletConfigFlags: every flag bound to a config field; ends with { 0 }. */
extern const struct kfs_kubelet_flag kfs_kubelet_flags[];

/* The flag named `name` (dashes and '_' normalised away by the caller), or NULL. */
const struct kfs_kubelet_flag *kfs_kubelet_flag_find(const char *name);

/* Whether the kubelet's own flag set takes a value for `name` (false: a
 * bool flag, which never takes the next word). Flags it does not know are
 * assumed to take one when written apart. */
bool kfs_kubelet_flag_is_bool(const char *name);

/* Go's time.ParseDuration: true with nanoseconds in *ret. */
bool kfs_kubelet_duration_parse(const char *s, int64_t *ret);
/* Go's time.Duration.String(). */
void kfs_kubelet_duration_format(int64_t d, char buf[static 40]);
