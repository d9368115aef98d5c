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

static inline int test_exit(void)
{
        if (test_failures)
                fprintf(stderr, "%d check(s) failed\n", test_failures);
        return test_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
