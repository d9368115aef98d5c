/* SPDX-License-Identifier: Apache-2.0 */
#include "redact.h"
#include "str.h"

#include <ctype.h>
#include <string.h>

/* Lower-cased copy with '_' as '-', leading dashes dropped; false if too long. */
static bool redact_fold(const char *name, size_t len, char *out, size_t size)
{
        size_t n = 0;

        while (len && *name == '-') {
                name++;
                len--;
        }
        if (len >= size)
                return false;
        for (size_t i = 0; i < len; i++)
                out[n++] = name[i] == '_' ? '-' : (char) tolower((unsigned char) name[i]);
        out[n] = '\0';
        return true;
}

bool kfs_redact_name(const char *name, size_t len)
{
        char f[256];

        /* a name too long to fold is unusual enough to treat as secret */
        if (!redact_fold(name, len, f, sizeof(f)))
                return true;
        return kfs_str_ends_with(f, "token") ||
               strstr(f, "password") || strstr(f, "passwd") ||
               strstr(f, "secret") ||
               kfs_str_ends_with(f, "key-data") ||
               /* kubeadm's key for the control-plane certificates it uploads */
               kfs_str_ends_with(f, "certificate-key") || kfs_str_ends_with(f, "certificatekey");
}
