/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's effective configuration through its API (kubelet.h), on
 * scratch node trees, and Go's time.Duration text (kubelet-int.h) against
 * values Go prints (time.ParseDuration(x).String()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubelet-int.h"
#include "kubelet.h"
#include "test.h"

static void test_durations(void)
{
        static const struct {
                const char *in, *go;
        } cases[] = {
                { "0", "0s" }, { "0s", "0s" }, { "4h", "4h0m0s" }, { "1h30m", "1h30m0s" }, { "90m", "1h30m0s" },
                { "1.5s", "1.5s" }, { "300ms", "300ms" }, { "100ms", "100ms" }, { "1500ms", "1.5s" },
                { "2us", "2\xc2\xb5s" }, { "2\xc2\xb5s", "2\xc2\xb5s" }, { "5ns", "5ns" }, { "1.001ms", "1.001ms" },
                { "-2m", "-2m0s" }, { "+20s", "20s" }, { "0.5h", "30m0s" }, { "1h0m0s", "1h0m0s" },
                { "25h", "25h0m0s" }, { "4h0m0.000000001s", "4h0m0.000000001s" },
        };
        static const char *const bad[] = { "", "1", "h", "1x", "1.s5", "--1s", "s1", NULL };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t d = -1;
                char out[40];

                CHECK(kfs_kubelet_duration_parse(cases[i].in, &d));
                kfs_kubelet_duration_format(d, out);
                CHECK_STR(out, cases[i].go);
        }
        for (size_t i = 0; bad[i]; i++) {
                int64_t d;

                CHECK(!kfs_kubelet_duration_parse(bad[i], &d));
        }
}

/* Every flag's field is a real path (a default names the same ones). */
static void test_tables(void)
{
        size_t n = 0;

        for (const struct kfs_kubelet_flag *f = kfs_kubelet_flags; f->name; f++, n++) {
                CHECK(kfs_kubelet_flag_find(f->name) == f);
                CHECK(f->name[0] != '-' && strchr(f->path, '-') == NULL);
        }
        CHECK(n > 90);
        CHECK(kfs_kubelet_flag_is_bool("anonymous-auth") && !kfs_kubelet_flag_is_bool("config") &&
              !kfs_kubelet_flag_is_bool("read-only-port"));
        for (const struct kfs_kubelet_default *d = kfs_kubelet_defaults; d->path; d++)
                CHECK(d->json[0] != '\0');
}

static struct kfs_kubelet *load(const char *top, const struct kfs_reader *reader)
{
        static struct kfs_root root;
        static struct kfs_locations locs;
        struct kfs_report_env env = { .root = &root, .locs = &locs, .now = 1767225600, .reader = reader,
                                      .src = &kfs_report_pipeline };
        struct kfs_kubelet *k = NULL;

        kfs_root_release(&root);
        kfs_locations_release(&locs);
        if (kfs_root_init(&root, top) < 0 || kfs_locations_init(&locs, false, NULL, 0) < 0)
                exit(EXIT_FAILURE);
        return kfs_kubelet_load(&env, &k) == 0 ? k : NULL;
}

static void test_effective(void)
{
        const char *top = test_tree("kubelet");
        struct kfs_kubelet *k;
        const char *src = NULL, *v;
        char *const *argv;
        size_t n;

        test_sh("mkdir -p %s/etc/systemd/system %s/var/lib/kubelet %s/etc/kubernetes/kubelet.conf.d", top, top, top);
        test_put("etc/systemd/system/kubelet.service",
                 "[Service]\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml "
                 "--config-dir /etc/kubernetes/kubelet.conf.d --cgroup-driver=systemd --anonymous-auth "
                 "--feature-gates=A=true --eviction-hard=memory.available<1Gi --v 3\n");
        test_put("var/lib/kubelet/config.yaml",
                 "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                 "cgroupDriver: cgroupfs\nfeatureGates:\n  B: false\nnodeStatusUpdateFrequency: 20s\n"
                 "staticPodURLHeader:\n  Authorization: [\"Bearer s3cret\"]\nevictionHard:\n  nodefs.available: 1%\n"
                 "extra:\n  bootstrapToken: t0ken\n  password: [pw1]\n");
        test_put("etc/kubernetes/kubelet.conf.d/10-a.conf",
                 "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  B: null\n"
                 "maxPods: 50\n");
        k = load(top, NULL);
        CHECK(k != NULL);
        if (!k)
                return;
        argv = kfs_kubelet_argv(k, &n, &src);
        CHECK_INT(n, 10);
        CHECK_STR(argv[0], "/usr/bin/kubelet");
        CHECK_STR(src, "/etc/systemd/system/kubelet.service");
        CHECK_STR(kfs_kubelet_flag(k, "--config-dir"), "/etc/kubernetes/kubelet.conf.d");
        CHECK_STR(kfs_kubelet_flag(k, "anonymous-auth"), "true");
        CHECK_STR(kfs_kubelet_config_path(k), "/var/lib/kubelet/config.yaml");
        CHECK(kfs_kubelet_error(k) == NULL);
        CHECK_STR(kfs_kubelet_get(k, "cgroupDriver", &src), "\"systemd\"");
        CHECK_STR(src, "flag --cgroup-driver");
        CHECK_STR(kfs_kubelet_get(k, "authentication.anonymous.enabled", &src), "true");
        CHECK_STR(src, "flag --anonymous-auth");
        CHECK_STR(kfs_kubelet_get(k, "maxPods", &src), "50");
        CHECK_STR(src, "/etc/kubernetes/kubelet.conf.d/10-a.conf");
        /* feature gates: the drop-in removed B (null), the flag added A */
        CHECK_STR(kfs_kubelet_get(k, "featureGates", NULL), "{\"A\":true}");
        /* the first --eviction-hard replaces the file's map */
        CHECK_STR(kfs_kubelet_get(k, "evictionHard", &src), "{\"memory.available\":\"1Gi\"}");
        CHECK_STR(src, "flag --eviction-hard");
        CHECK_STR(kfs_kubelet_get(k, "logging.verbosity", &src), "3");
        /* nodeStatusReportFrequency follows an explicit nodeStatusUpdateFrequency */
        CHECK_STR(kfs_kubelet_get(k, "nodeStatusReportFrequency", &src), "\"20s\"");
        CHECK_STR(src, "default");
        /* no secret reaches a view */
        v = kfs_kubelet_get(k, "staticPodURLHeader", NULL);
        CHECK(v && !strstr(v, "s3cret") && strstr(v, "REDACTED"));
        /* a field of the kubelet's whose name has "Secret" in it is no secret */
        CHECK_STR(kfs_kubelet_get(k, "configMapAndSecretChangeDetectionStrategy", NULL), "\"Watch\"");
        CHECK_STR(kfs_kubelet_get(k, "extra", NULL), "{\"bootstrapToken\":\"REDACTED\",\"password\":\"REDACTED\"}");
        kfs_kubelet_free(k);

        /* the reader: a config file it may not read is not used, and said so */
        test_sh("chmod 755 %s && chmod 600 %s/var/lib/kubelet/config.yaml", top, top);
        {
                struct kfs_reader rd = { .uid = 1000, .gid = 1000 };

                k = load(top, &rd);
                CHECK(k != NULL);
                if (k) {
                        CHECK(kfs_kubelet_error(k) && strstr(kfs_kubelet_error(k), "you may not read it"));
                        CHECK(kfs_kubelet_get(k, "featureGates.B", NULL) == NULL);
                        kfs_kubelet_free(k);
                }
        }
        test_sh("rm -rf %s", top);

        /* no kubelet at all */
        top = test_tree("kubelet-none");
        CHECK(load(top, NULL) == NULL);
        test_sh("rm -rf %s", top);
}

int main(void)
{
        test_durations();
        test_tables();
        test_effective();
        return test_exit();
}
