/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for the certificate decoder: recognition, the PEM
 * scanner, OpenSSL's parsers behind it, every view, and the key summaries of
 * cert+key files. The input's first byte picks the file name (and so the
 * PEM/DER paths match() takes); the rest is the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const names[] = { "ca.crt", "bundle.pem", "cert.der", "kubelet-client-current.pem" };

        return fuzz_decode(&kfs_decoder_x509, names, sizeof(names) / sizeof(names[0]), data, size);
}
