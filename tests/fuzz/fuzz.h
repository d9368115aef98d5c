/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the harnesses share: a ROOT made once per process (an empty temp
 * dir with pki/ and ssh/), and one decode of the input under one of a few
 * names, all views rendered, the match() masks computed too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "decoders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kfs_root fuzz_root;

static void fuzz_init(void)
{
        static char dir[] = "/tmp/kubefs-fuzz-XXXXXX";
        char path[64];

        if (fuzz_root.path)
                return;
        if (!mkdtemp(dir))
                abort();
        snprintf(path, sizeof(path), "%s/pki", dir);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/ssh", dir);
        mkdir(path, 0755);
        if (kfs_root_init(&fuzz_root, dir) < 0)
                abort();
}

static inline int fuzz_decode(const struct kfs_decoder *dec, const char *const *names, size_t n_names,
                              const uint8_t *data, size_t size)
{
        struct kfs_result *r = NULL;
        const char *name;
        char *copy;

        fuzz_init();
        if (size < 1)
                return 0;
        name = names[data[0] % n_names];
        data++;
        size--;
        /* decoders get NUL-terminated data, as kfs_root_read() gives it */
        copy = malloc(size + 1);
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        (void) kfs_probe_data(name, copy, size);
        if (kfs_decode_data(&fuzz_root, name, dec, copy, size, 1767225600, &r) == 0)
                kfs_result_free(r);
        free(copy);
        return 0;
}
