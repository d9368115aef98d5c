/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The render function of every report (report.h states their contract);
 * registry.c puts them in the table.
 */

#include "buf.h"
#include "report.h"

int kfs_report_audit(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_audit_json(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_audit_xml(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_check_expiration(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_check_expiration_json(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_certs(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_metrics(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_doctor(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_doctor_json(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_errors(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_kubelet_flags(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_kubelet_config_flat(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_kubelet_config_json(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_kubelet_configz_json(const struct kfs_report_env *env, struct kfs_buf *out);
int kfs_report_version(const struct kfs_report_env *env, struct kfs_buf *out);
