/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The subcommands that need no FUSE: `kubefs decode` and `kubefs views`.
 * Both take argv after the subcommand name and return the exit code. */

int kfs_cli_decode(int argc, char **argv);
int kfs_cli_views(int argc, char **argv);

/* Exit codes (SPEC section 1). */
enum {
        KFS_EXIT_OK = 0,
        KFS_EXIT_FAILURE = 1,
        KFS_EXIT_USAGE = 2,
};
