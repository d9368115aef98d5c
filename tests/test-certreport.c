/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The certificate table (reports/certreport.c) on certificates made at test
 * time with openssl(1): rows sorted by expiry, days left and status as of a
 * fixed now, the CA column from basicConstraints, bundles as PATH#N, key
 * blocks beside certificates never read, junk adding nothing.
 */
#include <string.h>
#include <time.h>

#include "certreport.h"
#include "test.h"

static char *slurp(const char *rel, size_t *ret_len)
{
        char path[4096];
        FILE *f;
        char *data;
        long n;

        snprintf(path, sizeof(path), "%s/%s", test_top, rel);
        f = fopen(path, "r");
        if (!f)
                return NULL;
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        data = calloc(1, (size_t) n + 1);
        if (fread(data, 1, (size_t) n, f) != (size_t) n)
                n = 0;
        fclose(f);
        *ret_len = (size_t) n;
        return data;
}

static void add(struct kfs_certreport *r, const char *rel, const char *as)
{
        size_t len;
        char *data = slurp(rel, &len);

        CHECK(data != NULL);
        if (data)
                CHECK(kfs_certreport_add(r, as, data, len, false) >= 0);
        free(data);
}

/* The row of `path` (a line containing it), or NULL. */
static const char *row(const char *text, const char *path)
{
        const char *p = strstr(text, path);

        while (p && p > text && p[-1] != '\n')
                p--;
        return p;
}

int main(void)
{
        /* certificates start at the real clock (OpenSSL 3.0 has no
         * -not_after): "now" is 15 days later, taken before they are made, so
         * a 10-day one ended 5 days ago and a 20-day one has 5 days left */
        time_t now = time(NULL) + 15 * 86400;
        struct kfs_certreport *r = kfs_certreport_new(now);
        struct kfs_buf out = KFS_BUF_INIT(1 << 20);
        const char *text, *a, *b, *c;

        test_tree("certreport");
        test_sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key"
                " -subj /CN=test-ca -days 3650 -out ca.crt 2>/dev/null"
                " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -subj /CN=leaf"
                " -out leaf.csr 2>/dev/null"
                " && openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -days 20"
                " -out leaf.crt 2>/dev/null"
                " && openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -days 10"
                " -out old.crt 2>/dev/null"
                " && cat leaf.crt leaf.key > combined.pem && cat ca.crt leaf.crt > bundle.crt"
                " && echo 'not a certificate' > junk.crt", test_top);
        if (!r)
                return 1;
        add(r, "ca.crt", "/etc/kubernetes/pki/ca.crt");
        add(r, "leaf.crt", "/etc/kubernetes/pki/leaf.crt");
        add(r, "old.crt", "/etc/kubernetes/pki/old.crt");
        add(r, "combined.pem", "/var/lib/kubelet/pki/combined.pem");
        add(r, "bundle.crt", "/etc/ssl/bundle.crt");
        add(r, "junk.crt", "/etc/kubernetes/pki/junk.crt");
        CHECK_INT(kfs_certreport_render(r, &out), 0);
        text = kfs_buf_str(&out);

        CHECK(strncmp(text, "EXPIRES", 7) == 0);
        a = row(text, "/etc/kubernetes/pki/old.crt");
        b = row(text, "/etc/kubernetes/pki/leaf.crt");
        c = row(text, "/etc/kubernetes/pki/ca.crt");
        CHECK(a && b && c && a < b && b < c);           /* soonest expiry first */
        CHECK(a && strncmp(a + 20, "   -5     expired", 17) == 0);
        CHECK(b && strncmp(b + 20, "   5      expiring", 18) == 0);
        CHECK(c && strstr(c, "valid") && strstr(c, " yes ") && strstr(c, "test-ca"));
        CHECK(b && strstr(b, " no ") && strstr(b, "leaf"));
        /* a bundle's certificates as PATH#N; a cert+key file has its certificate only */
        CHECK(strstr(text, "/etc/ssl/bundle.crt#1") && strstr(text, "/etc/ssl/bundle.crt#2"));
        CHECK(strstr(text, "/var/lib/kubelet/pki/combined.pem\n") != NULL);
        CHECK(strstr(text, "junk.crt") == NULL);
        CHECK(strstr(text, "PRIVATE") == NULL);

        kfs_buf_release(&out);
        kfs_certreport_free(r);
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
