/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The smallest useful unit-test kit: CHECK* macros that report file:line and
 * keep going, and test_exit() for main's return (1 if anything failed).
 * Exit code 77 means "skipped" to meson.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define CHECK(cond) do { \
        if (!(cond)) { \
                fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
                test_failures++; \
        } \
} while (0)

#define CHECK_INT(a, b) do { \
        long long a_ = (long long) (a), b_ = (long long) (b); \
        if (a_ != b_) { \
                fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
                        __FILE__, __LINE__, #a, a_, #b, b_); \
                test_failures++; \
        } \
} while (0)

#define CHECK_STR(a, b) do { \
        const char *a_ = (a), *b_ = (b); \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
                fprintf(stderr, "%s:%d: %s is\n  \"%s\"\nexpected\n  \"%s\"\n", \
                        __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
                test_failures++; \
        } \
} while (0)

/*
 * Scratch node trees: test_tree("name") makes /tmp/kfs-test-name-XXXXXX
 * (its path in test_top), test_put() writes a file in it, test_sh() runs a
 * setup command (printf-style; the test stops if it fails).
 */
static char test_top[64];

static inline const char *test_tree(const char *name)
{
        snprintf(test_top, sizeof(test_top), "/tmp/kfs-test-%s-XXXXXX", name);
        if (!mkdtemp(test_top)) {
                perror("mkdtemp");
                exit(EXIT_FAILURE);
        }
        return test_top;
}

static inline void test_put(const char *rel, const char *content)
{
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", test_top, rel);
        f = fopen(path, "w");
        if (!f) {
                perror(path);
                exit(EXIT_FAILURE);
        }
        fputs(content, f);
        fclose(f);
}

#define test_sh(...) do { \
        char cmd_[8192]; \
        snprintf(cmd_, sizeof(cmd_), __VA_ARGS__); \
        if (system(cmd_) != 0) { \
                fprintf(stderr, "setup failed: %s\n", cmd_); \
                exit(EXIT_FAILURE); \
        } \
} while (0)

static inline int test_exit(void)
{
        if (test_failures)
                fprintf(stderr, "%d check(s) failed\n", test_failures);
        return test_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
