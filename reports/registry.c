/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reports of MNT/.kubefs, in listing order. Adding a report: its own
 * file in reports/, its render function declared in reports.h, one line here.
 */
#include "report.h"
#include "reports.h"

const struct kfs_report kfs_reports[] = {
        { "audit", kfs_report_audit },
        { "audit.json", kfs_report_audit_json },
        { "audit.xml", kfs_report_audit_xml },
        { "certs", kfs_report_certs },
        { "check-expiration", kfs_report_check_expiration },
        { "check-expiration.json", kfs_report_check_expiration_json },
        { "doctor", kfs_report_doctor },
        { "doctor.json", kfs_report_doctor_json },
        { "errors", kfs_report_errors },
        { "kubelet/config.flat", kfs_report_kubelet_config_flat },
        { "kubelet/config.json", kfs_report_kubelet_config_json },
        { "kubelet/configz.json", kfs_report_kubelet_configz_json },
        { "kubelet/flags", kfs_report_kubelet_flags },
        { "metrics/kubefs.prom", kfs_report_metrics },
        { "version", kfs_report_version },
        { 0 },
};
