/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Non-cryptographic hashes: FNV-1a (hash tables, and the kubelet's
 * checkpoint checksums, which are FNV-32a) and CRC-32 (IEEE, as Go's
 * hash/crc32 computes for the kubelet's device-manager checkpoint).
 * Chain calls to hash several pieces: h = kfs_fnv64a(kfs_fnv64a(INIT, a), b).
 */

#include <stddef.h>
#include <stdint.h>

#define KFS_FNV64A_INIT UINT64_C(0xcbf29ce484222325)
#define KFS_FNV32A_INIT UINT32_C(0x811c9dc5)

uint64_t kfs_fnv64a(uint64_t h, const void *data, size_t n);
/* kfs_fnv64a() over a NUL-terminated string, without the NUL. */
uint64_t kfs_fnv64a_str(uint64_t h, const char *s);
uint32_t kfs_fnv32a(uint32_t h, const void *data, size_t n);
uint32_t kfs_crc32(const void *data, size_t n);
