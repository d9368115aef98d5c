/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a decoder reads besides its input (decoders/ctx.c): a dependency that
 * cannot be recorded fails the decode (issue 10, item 4), since an unrecorded
 * one would neither be re-checked nor restrict the sidecar's permissions.
 *
 * Linked with -Wl,--wrap=realloc: realloc can be made to fail once for the
 * size the dependency array grows to past its first 8 entries.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "pipeline.h"
#include "registry.h"
#include "root.h"
#include "test.h"

void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);

static size_t fail_size;        /* the next realloc of this size fails */

void *__wrap_realloc(void *p, size_t size)
{
        if (fail_size && size == fail_size) {
                fail_size = 0;
                return NULL;
        }
        return __real_realloc(p, size);
}

int main(void)
{
        const struct kfs_decoder *unit = kfs_registry_find("unit");
        struct kfs_root root;
        struct kfs_result *res = NULL;
        int r;

        test_tree("ctx");
        test_sh("mkdir -p %s/etc/systemd/system/kubelet.service.d", test_top);
        test_put("etc/systemd/system/kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet\n");
        /* more drop-ins than the dependency array starts with */
        for (int i = 0; i < 12; i++)
                test_sh("printf '[Service]\\nEnvironment=A%d=%d\\n' > %s/etc/systemd/system/kubelet.service.d/%02d.conf",
                        i, i, test_top, i);
        test_sh("chmod 600 %s/etc/systemd/system/kubelet.service.d/05.conf", test_top);
        CHECK(unit != NULL);
        CHECK_INT(kfs_root_init(&root, test_top), 0);

        /* all recorded: the 0600 drop-in is among the dependencies */
        CHECK_INT(kfs_decode_path(&root, "etc/systemd/system/kubelet.service", unit, 0, &res), 0);
        if (res) {
                bool found = false;

                CHECK(res->error == NULL);
                CHECK(res->n_deps > 12);
                for (size_t i = 0; i < res->n_deps; i++)
                        found |= strcmp(res->deps[i].path, "etc/systemd/system/kubelet.service.d/05.conf") == 0;
                CHECK(found);
                kfs_result_free(res);
                res = NULL;
        }

        /* the array cannot grow: no result (before: one without most drop-ins) */
        fail_size = 16 * sizeof(struct kfs_dep);
        r = kfs_decode_path(&root, "etc/systemd/system/kubelet.service", unit, 0, &res);
        CHECK_INT(r, -ENOMEM);
        CHECK(fail_size == 0);  /* the failure was met */
        if (r == 0)
                kfs_result_free(res);

        kfs_root_release(&root);
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
