/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's own knowledge, as tables (kubelet-int.h): taken from
 * upstream's pkg/kubelet/apis/config/v1beta1/defaults.go
 * (SetDefaults_KubeletConfiguration), cmd/kubelet/app/options/options.go
 * (applyLegacyDefaults, AddKubeletConfigFlags) and pkg/kubelet/eviction
 * (DefaultEvictionHard), kubernetes master at commit 030891da (after v1.34:
 * it has mergeDefaultEvictionSettings).
 * Defaults behind feature gates that are off by default
 * (KubeletCrashLoopBackOffMax, KubeletEnsureSecretPulledImages) are left out:
 * a node's files rarely say which gates its kubelet binary enables.
 */
#include "kubelet-int.h"

#include <stdio.h>
#include <string.h>

const char kfs_kubelet_defaults_version[] = "kubelet v1beta1 defaults of kubernetes master at commit 030891da (after v1.34)";

const struct kfs_kubelet_default kfs_kubelet_defaults[] = {
        { "enableServer", "true", KUBELET_NIL },
        { "syncFrequency", "\"1m0s\"", KUBELET_ZERO },
        { "fileCheckFrequency", "\"20s\"", KUBELET_ZERO },
        { "httpCheckFrequency", "\"20s\"", KUBELET_ZERO },
        { "address", "\"0.0.0.0\"", KUBELET_ZERO },
        { "port", "10250", KUBELET_ZERO },
        { "authentication.anonymous.enabled", "false", KUBELET_NIL },
        { "authentication.webhook.enabled", "true", KUBELET_NIL },
        { "authentication.webhook.cacheTTL", "\"2m0s\"", KUBELET_ZERO },
        { "authorization.mode", "\"Webhook\"", KUBELET_ZERO },
        { "authorization.webhook.cacheAuthorizedTTL", "\"5m0s\"", KUBELET_ZERO },
        { "authorization.webhook.cacheUnauthorizedTTL", "\"30s\"", KUBELET_ZERO },
        { "registryPullQPS", "5", KUBELET_NIL },
        { "registryBurst", "10", KUBELET_ZERO },
        { "eventRecordQPS", "50", KUBELET_NIL },
        { "eventBurst", "100", KUBELET_ZERO },
        { "enableDebuggingHandlers", "true", KUBELET_NIL },
        { "healthzPort", "10248", KUBELET_NIL },
        { "healthzBindAddress", "\"127.0.0.1\"", KUBELET_ZERO },
        { "oomScoreAdj", "-999", KUBELET_NIL },
        { "streamingConnectionIdleTimeout", "\"4h0m0s\"", KUBELET_ZERO },
        /* nodeStatusUpdateFrequency when that is set, else 5m0s */
        { "nodeStatusReportFrequency", "\"5m0s\"", KUBELET_SPECIAL },
        { "nodeStatusUpdateFrequency", "\"10s\"", KUBELET_ZERO },
        { "nodeLeaseDurationSeconds", "40", KUBELET_ZERO },
        { "imageMinimumGCAge", "\"2m0s\"", KUBELET_ZERO },
        { "imageGCHighThresholdPercent", "85", KUBELET_NIL },
        { "imageGCLowThresholdPercent", "80", KUBELET_NIL },
        { "volumeStatsAggPeriod", "\"1m0s\"", KUBELET_ZERO },
        { "cgroupsPerQOS", "true", KUBELET_NIL },
        { "cgroupDriver", "\"cgroupfs\"", KUBELET_ZERO },
        { "cpuManagerPolicy", "\"none\"", KUBELET_ZERO },
        { "cpuManagerReconcilePeriod", "\"10s\"", KUBELET_ZERO },
        { "memoryManagerPolicy", "\"None\"", KUBELET_ZERO },
        { "topologyManagerPolicy", "\"none\"", KUBELET_ZERO },
        { "topologyManagerScope", "\"container\"", KUBELET_ZERO },
        { "runtimeRequestTimeout", "\"2m0s\"", KUBELET_ZERO },
        { "hairpinMode", "\"promiscuous-bridge\"", KUBELET_ZERO },
        { "maxPods", "110", KUBELET_ZERO },
        /* absent or negative: -1 */
        { "podPidsLimit", "-1", KUBELET_SPECIAL },
        { "resolvConf", "\"/etc/resolv.conf\"", KUBELET_NIL },
        { "cpuCFSQuota", "true", KUBELET_NIL },
        { "cpuCFSQuotaPeriod", "\"100ms\"", KUBELET_NIL },
        { "nodeStatusMaxImages", "50", KUBELET_NIL },
        { "maxOpenFiles", "1000000", KUBELET_ZERO },
        { "contentType", "\"application/vnd.kubernetes.protobuf\"", KUBELET_ZERO },
        { "kubeAPIQPS", "50", KUBELET_NIL },
        { "kubeAPIBurst", "100", KUBELET_ZERO },
        /* absent: true unless maxParallelImagePulls >= 2 */
        { "serializeImagePulls", "true", KUBELET_SPECIAL },
        { "evictionPressureTransitionPeriod", "\"5m0s\"", KUBELET_ZERO },
        { "mergeDefaultEvictionSettings", "false", KUBELET_NIL },
        { "enableControllerAttachDetach", "true", KUBELET_NIL },
        { "makeIPTablesUtilChains", "true", KUBELET_NIL },
        { "iptablesMasqueradeBit", "14", KUBELET_NIL },
        { "iptablesDropBit", "15", KUBELET_NIL },
        { "failSwapOn", "true", KUBELET_NIL },
        { "containerLogMaxSize", "\"10Mi\"", KUBELET_ZERO },
        { "containerLogMaxFiles", "5", KUBELET_NIL },
        { "containerLogMaxWorkers", "1", KUBELET_NIL },
        { "containerLogMonitorInterval", "\"10s\"", KUBELET_NIL },
        { "configMapAndSecretChangeDetectionStrategy", "\"Watch\"", KUBELET_ZERO },
        { "enforceNodeAllocatable", "[\"pods\"]", KUBELET_NIL },
        { "volumePluginDir", "\"/usr/libexec/kubernetes/kubelet-plugins/volume/exec/\"", KUBELET_ZERO },
        /* logsapi.SetRecommendedLoggingConfiguration */
        { "logging.format", "\"text\"", KUBELET_ZERO },
        { "logging.flushFrequency", "\"5s\"", KUBELET_ZERO },
        { "logging.verbosity", "0", KUBELET_NIL },
        { "enableSystemLogHandler", "true", KUBELET_NIL },
        { "enableProfilingHandler", "true", KUBELET_NIL },
        { "enableDebugFlagsHandler", "true", KUBELET_NIL },
        { "seccompDefault", "false", KUBELET_NIL },
        { "failCgroupV1", "false", KUBELET_NIL },
        { "memoryThrottlingFactor", "0.9", KUBELET_NIL },
        { "registerNode", "true", KUBELET_NIL },
        { "localStorageCapacityIsolation", "true", KUBELET_NIL },
        { "containerRuntimeEndpoint", "\"unix:///run/containerd/containerd.sock\"", KUBELET_ZERO },
        { "podLogsDir", "\"/var/log/pods\"", KUBELET_ZERO },
        { "podHousekeepingPeriod", "\"2s\"", KUBELET_NIL },
        { 0 },
};

const struct kfs_kubelet_default kfs_kubelet_legacy_defaults[] = {
        { "authentication.anonymous.enabled", "true", KUBELET_NIL },
        { "authentication.webhook.enabled", "false", KUBELET_NIL },
        { "authorization.mode", "\"AlwaysAllow\"", KUBELET_NIL },
        { "readOnlyPort", "10255", KUBELET_NIL },
        { 0 },
};

const struct kfs_kubelet_default kfs_kubelet_default_eviction_hard[] = {
        { "memory.available", "\"100Mi\"", KUBELET_NIL },
        { "nodefs.available", "\"10%\"", KUBELET_NIL },
        { "nodefs.inodesFree", "\"5%\"", KUBELET_NIL },
        { "imagefs.available", "\"15%\"", KUBELET_NIL },
        { "imagefs.inodesFree", "\"5%\"", KUBELET_NIL },
        { 0 },
};

const char *const kfs_kubelet_path_refs[] = {
        "staticPodPath", "authentication.x509.clientCAFile", "tlsCertFile", "tlsPrivateKeyFile",
        "resolvConf", "volumePluginDir", "podLogsDir", NULL,
};

const struct kfs_kubelet_flag kfs_kubelet_flags[] = {
        { "fail-swap-on", "failSwapOn", KF_BOOL },
        { "pod-manifest-path", "staticPodPath", KF_STRING },
        { "sync-frequency", "syncFrequency", KF_DURATION },
        { "file-check-frequency", "fileCheckFrequency", KF_DURATION },
        { "http-check-frequency", "httpCheckFrequency", KF_DURATION },
        { "manifest-url", "staticPodURL", KF_STRING },
        { "address", "address", KF_STRING },
        { "port", "port", KF_INT },
        { "read-only-port", "readOnlyPort", KF_INT },
        { "anonymous-auth", "authentication.anonymous.enabled", KF_BOOL },
        { "authentication-token-webhook", "authentication.webhook.enabled", KF_BOOL },
        { "authentication-token-webhook-cache-ttl", "authentication.webhook.cacheTTL", KF_DURATION },
        { "client-ca-file", "authentication.x509.clientCAFile", KF_STRING },
        { "authorization-mode", "authorization.mode", KF_STRING },
        { "authorization-webhook-cache-authorized-ttl", "authorization.webhook.cacheAuthorizedTTL", KF_DURATION },
        { "authorization-webhook-cache-unauthorized-ttl", "authorization.webhook.cacheUnauthorizedTTL", KF_DURATION },
        { "tls-cert-file", "tlsCertFile", KF_STRING },
        { "tls-private-key-file", "tlsPrivateKeyFile", KF_STRING },
        { "tls-cipher-suites", "tlsCipherSuites", KF_LIST },
        { "tls-min-version", "tlsMinVersion", KF_STRING },
        { "rotate-certificates", "rotateCertificates", KF_BOOL },
        { "rotate-server-certificates", "serverTLSBootstrap", KF_BOOL },
        { "registry-qps", "registryPullQPS", KF_INT },
        { "registry-burst", "registryBurst", KF_INT },
        { "event-qps", "eventRecordQPS", KF_INT },
        { "event-burst", "eventBurst", KF_INT },
        { "enable-debugging-handlers", "enableDebuggingHandlers", KF_BOOL },
        { "contention-profiling", "enableContentionProfiling", KF_BOOL },
        { "healthz-port", "healthzPort", KF_INT },
        { "healthz-bind-address", "healthzBindAddress", KF_STRING },
        { "oom-score-adj", "oomScoreAdj", KF_INT },
        { "cluster-domain", "clusterDomain", KF_STRING },
        { "cluster-dns", "clusterDNS", KF_LIST },
        { "streaming-connection-idle-timeout", "streamingConnectionIdleTimeout", KF_DURATION },
        { "node-status-update-frequency", "nodeStatusUpdateFrequency", KF_DURATION },
        { "minimum-image-ttl-duration", "imageMinimumGCAge", KF_DURATION },
        { "image-gc-high-threshold", "imageGCHighThresholdPercent", KF_INT },
        { "image-gc-low-threshold", "imageGCLowThresholdPercent", KF_INT },
        { "volume-stats-agg-period", "volumeStatsAggPeriod", KF_DURATION },
        { "feature-gates", "featureGates", KF_MAPBOOL },
        { "kubelet-cgroups", "kubeletCgroups", KF_STRING },
        { "system-cgroups", "systemCgroups", KF_STRING },
        { "provider-id", "providerID", KF_STRING },
        { "cgroups-per-qos", "cgroupsPerQOS", KF_BOOL },
        { "cgroup-root", "cgroupRoot", KF_STRING },
        { "cgroup-driver", "cgroupDriver", KF_STRING },
        { "runtime-request-timeout", "runtimeRequestTimeout", KF_DURATION },
        { "hairpin-mode", "hairpinMode", KF_STRING },
        { "max-pods", "maxPods", KF_INT },
        { "pod-cidr", "podCIDR", KF_STRING },
        { "pod-max-pids", "podPidsLimit", KF_INT },
        { "resolv-conf", "resolvConf", KF_STRING },
        { "cpu-cfs-quota", "cpuCFSQuota", KF_BOOL },
        { "cpu-cfs-quota-period", "cpuCFSQuotaPeriod", KF_DURATION },
        { "enforce-node-allocatable", "enforceNodeAllocatable", KF_LIST },
        { "cpu-manager-policy", "cpuManagerPolicy", KF_STRING },
        { "cpu-manager-policy-options", "cpuManagerPolicyOptions", KF_MAP },
        { "cpu-manager-reconcile-period", "cpuManagerReconcilePeriod", KF_DURATION },
        { "qos-reserved", "qosReserved", KF_MAP },
        { "memory-manager-policy", "memoryManagerPolicy", KF_STRING },
        { "topology-manager-policy", "topologyManagerPolicy", KF_STRING },
        { "topology-manager-policy-options", "topologyManagerPolicyOptions", KF_MAP },
        { "topology-manager-scope", "topologyManagerScope", KF_STRING },
        { "max-open-files", "maxOpenFiles", KF_INT },
        { "kube-api-content-type", "contentType", KF_STRING },
        { "kube-api-qps", "kubeAPIQPS", KF_INT },
        { "kube-api-burst", "kubeAPIBurst", KF_INT },
        { "serialize-image-pulls", "serializeImagePulls", KF_BOOL },
        { "eviction-hard", "evictionHard", KF_LANGLEMAP },
        { "eviction-soft", "evictionSoft", KF_LANGLEMAP },
        { "eviction-soft-grace-period", "evictionSoftGracePeriod", KF_MAP },
        { "eviction-pressure-transition-period", "evictionPressureTransitionPeriod", KF_DURATION },
        { "eviction-max-pod-grace-period", "evictionMaxPodGracePeriod", KF_INT },
        { "eviction-minimum-reclaim", "evictionMinimumReclaim", KF_MAP },
        { "pods-per-core", "podsPerCore", KF_INT },
        { "protect-kernel-defaults", "protectKernelDefaults", KF_BOOL },
        { "make-iptables-util-chains", "makeIPTablesUtilChains", KF_BOOL },
        { "iptables-masquerade-bit", "iptablesMasqueradeBit", KF_INT },
        { "iptables-drop-bit", "iptablesDropBit", KF_INT },
        { "container-log-max-size", "containerLogMaxSize", KF_STRING },
        { "container-log-max-files", "containerLogMaxFiles", KF_INT },
        { "allowed-unsafe-sysctls", "allowedUnsafeSysctls", KF_LIST },
        { "node-status-max-images", "nodeStatusMaxImages", KF_INT },
        { "kernel-memcg-notification", "kernelMemcgNotification", KF_BOOL },
        { "local-storage-capacity-isolation", "localStorageCapacityIsolation", KF_BOOL },
        { "system-reserved", "systemReserved", KF_MAP },
        { "kube-reserved", "kubeReserved", KF_MAP },
        { "system-reserved-cgroup", "systemReservedCgroup", KF_STRING },
        { "kube-reserved-cgroup", "kubeReservedCgroup", KF_STRING },
        { "reserved-cpus", "reservedSystemCPUs", KF_STRING },
        { "register-node", "registerNode", KF_BOOL },
        { "container-runtime-endpoint", "containerRuntimeEndpoint", KF_STRING },
        { "image-service-endpoint", "imageServiceEndpoint", KF_STRING },
        { "seccomp-default", "seccompDefault", KF_BOOL },
        { "enable-server", "enableServer", KF_BOOL },
        { "volume-plugin-dir", "volumePluginDir", KF_STRING },
        /* component-base logs flags, bound to .logging */
        { "v", "logging.verbosity", KF_INT },
        { "logging-format", "logging.format", KF_STRING },
        { "log-flush-frequency", "logging.flushFrequency", KF_DURATION },
        { 0 },
};

const struct kfs_kubelet_flag *kfs_kubelet_flag_find(const char *name)
{
        for (const struct kfs_kubelet_flag *f = kfs_kubelet_flags; f->name; f++)
                if (strcmp(f->name, name) == 0)
                        return f;
        return NULL;
}

bool kfs_kubelet_flag_is_bool(const char *name)
{
        /* KubeletFlags' own bool flags (not config fields) */
        static const char *const others[] = { "exit-on-lock-contention", "windows-service", "help",
                                              "version", NULL };
        const struct kfs_kubelet_flag *f = kfs_kubelet_flag_find(name);

        if (f)
                return f->type == KF_BOOL;
        for (size_t i = 0; others[i]; i++)
                if (strcmp(others[i], name) == 0)
                        return true;
        return false;
}

/* ---- Go's time.Duration ---- */

static const struct {
        const char *unit;
        int64_t ns;
} units[] = {
        { "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
        { "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000 }, { "h", 3600000000000 },
};

bool kfs_kubelet_duration_parse(const char *s, int64_t *ret)
{
        bool neg = false;
        uint64_t total = 0;

        if (*s == '-' || *s == '+')
                neg = *s++ == '-';
        if (strcmp(s, "0") == 0) {
                *ret = 0;
                return true;
        }
        if (!*s)
                return false;
        while (*s) {
                /* as time.ParseDuration: the integer part exactly, the
                 * fraction as float64(f) * (float64(unit) / scale) */
                uint64_t v = 0, f = 0, unit;
                double scale = 1;
                bool digits = false, overflow = false;
                size_t best = 0, bi = 0;

                while (*s >= '0' && *s <= '9') {
                        if (v > (UINT64_C(1) << 63) / 10)
                                return false;
                        v = v * 10 + (uint64_t) (*s++ - '0');
                        digits = true;
                }
                if (*s == '.') {
                        s++;
                        while (*s >= '0' && *s <= '9') {
                                if (!overflow && f <= ((UINT64_C(1) << 63) - 1) / 10) {
                                        f = f * 10 + (uint64_t) (*s - '0');
                                        scale *= 10;
                                } else
                                        overflow = true;
                                s++;
                                digits = true;
                        }
                }
                if (!digits)
                        return false;
                for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                        size_t n = strlen(units[i].unit);

                        if (strncmp(s, units[i].unit, n) == 0 && n > best) {
                                best = n;
                                bi = i;
                        }
                }
                if (!best)
                        return false;
                s += best;
                unit = (uint64_t) units[bi].ns;
                if (v > (UINT64_C(1) << 63) / unit)
                        return false;
                v *= unit;
                if (f > 0)
                        v += (uint64_t) ((double) f * ((double) unit / scale));
                total += v;
                if (total > (UINT64_C(1) << 63) - 1)
                        return false;
        }
        *ret = neg ? -(int64_t) total : (int64_t) total;
        return true;
}

/* Go's fmtFrac and fmtInt, writing backwards into buf[0..w). */
static size_t fmt_frac(char *buf, size_t w, uint64_t v, int prec, uint64_t *ret)
{
        bool print = false;

        for (int i = 0; i < prec; i++) {
                unsigned digit = v % 10;

                print = print || digit != 0;
                if (print)
                        buf[--w] = (char) ('0' + digit);
                v /= 10;
        }
        if (print)
                buf[--w] = '.';
        *ret = v;
        return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
        if (v == 0)
                buf[--w] = '0';
        while (v > 0) {
                buf[--w] = (char) ('0' + v % 10);
                v /= 10;
        }
        return w;
}

void kfs_kubelet_duration_format(int64_t d, char out[static 40])
{
        char buf[32];
        size_t w = sizeof(buf);
        uint64_t u = d < 0 ? (uint64_t) 0 - (uint64_t) d : (uint64_t) d;
        bool neg = d < 0;

        if (u < 1000000000) {
                int prec = 0;

                w--;
                buf[w] = 's';
                w--;
                if (u == 0) {
                        snprintf(out, 40, "0s");
                        return;
                } else if (u < 1000) {
                        buf[w] = 'n';
                } else if (u < 1000000) {
                        prec = 3;
                        /* U+00B5 'µ' */
                        w--;
                        memcpy(buf + w, "\xc2\xb5", 2);
                } else {
                        prec = 6;
                        buf[w] = 'm';
                }
                w = fmt_frac(buf, w, u, prec, &u);
                w = fmt_int(buf, w, u);
        } else {
                buf[--w] = 's';
                w = fmt_frac(buf, w, u, 9, &u);
                w = fmt_int(buf, w, u % 60);
                u /= 60;
                if (u > 0) {
                        buf[--w] = 'm';
                        w = fmt_int(buf, w, u % 60);
                        u /= 60;
                        if (u > 0) {
                                buf[--w] = 'h';
                                w = fmt_int(buf, w, u);
                        }
                }
        }
        if (neg)
                buf[--w] = '-';
        snprintf(out, 40, "%.*s", (int) (sizeof(buf) - w), buf + w);
}
