/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the key decoder: private keys in every form
 * (PKCS#8, PKCS#1, SEC 1, encrypted, OpenSSH), public keys, CSRs, OpenSSH
 * public key lines, and the directory scan for matching certificates (the
 * fuzz ROOT holds a few generated files). The first byte picks the name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const names[] = { "pki/ca.key", "pki/sa.pub", "pki/node.csr", "ssh/id.pub" };

        return fuzz_decode(&kfs_decoder_pkey, names, sizeof(names) / sizeof(names[0]), data, size);
}
