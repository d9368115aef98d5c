/* SPDX-License-Identifier: Apache-2.0 */
/* kubefs: a read-only view of a node's Kubernetes files, with decoded sidecars. */
#include <string.h>

#include "cli.h"
#include "mount.h"
#include "options.h"

int main(int argc, char **argv)
{
        struct kfs_options o;
        int r;

        if (argc > 1 && strcmp(argv[1], "decode") == 0)
                return kfs_cli_decode(argc - 1, argv + 1);
        if (argc > 1 && strcmp(argv[1], "views") == 0)
                return kfs_cli_views(argc - 1, argv + 1);
        if (argc > 1 && strcmp(argv[1], "report") == 0)
                return kfs_cli_report(argc - 1, argv + 1);
        r = kfs_options_parse(&o, argc, argv);
        if (r < 0)
                r = kfs_mount_main(&o);
        kfs_options_release(&o);
        return r;
}
