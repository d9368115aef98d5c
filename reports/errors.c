/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/errors: the mount's recent decode errors (its error ring), only
 * those about files the reader may read.
 */
#include "reports.h"

int kfs_report_errors(const struct kfs_report_env *env, struct kfs_buf *out)
{
        return env->errors ? env->errors(env, out) : 0;
}
