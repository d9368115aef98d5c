/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "options.h"

/* Mounts and serves until unmounted. Returns the exit code. */
int kfs_mount_main(const struct kfs_options *o);
