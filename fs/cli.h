/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The subcommands that need no FUSE: `kubefs decode` and `kubefs views`.
 * Both take argv after the subcommand name and return the exit code. */

int kfs_cli_decode(int argc, char **argv);
int kfs_cli_views(int argc, char **argv);
/* `kubefs report`: a node-wide report without a mount (report-cli.c). */
int kfs_cli_report(int argc, char **argv);

#include <time.h>
/* Now, or KUBEFS_NOW=<epoch seconds> when set (reproducible tests). */
time_t kfs_cli_now(void);

/* Exit codes (docs/spec.md §1). */
enum {
        KFS_EXIT_OK = 0,
        KFS_EXIT_FAILURE = 1,
        KFS_EXIT_USAGE = 2,
};
