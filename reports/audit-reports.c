/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .kubefs/audit, audit.json, audit.xml: the results of kfs_audit_each() as
 * kube-bench prints them (text: "[PASS] 4.2.1 ...", a summary per section
 * and per control), in kube-bench's JSON (Controls -> tests -> results, with
 * test_number, test_desc, audit, status, actual_value, scored,
 * expected_result, remediation), and as JUnit XML (a testsuite per section,
 * FAIL a <failure>, WARN a <skipped>).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "jsonbuf.h"

#define AUDIT_MAX_COPIES 256

/* Copies of the results, for the renderers that need them all at once. */
struct copy {
        struct kfs_audit_result r;
        char *strings[6];
};

struct all {
        struct copy v[AUDIT_MAX_COPIES];
        size_t n;
};

static int collect(const struct kfs_audit_result *r, void *arg)
{
        struct all *all = arg;
        struct copy *c;

        if (all->n == AUDIT_MAX_COPIES)
                return 0;
        c = &all->v[all->n++];
        c->r = *r;
        /* the id, texts and section names are static; these are the audit's */
        c->r.actual = c->strings[0] = strdup(r->actual);
        c->r.audit = c->strings[1] = strdup(r->audit);
        c->r.expected = c->strings[2] = strdup(r->expected);
        c->r.remediation = c->strings[3] = strdup(r->remediation);
        if (!c->strings[0] || !c->strings[1] || !c->strings[2] || !c->strings[3])
                return -ENOMEM;
        return 0;
}

static void all_free(struct all *all)
{
        for (size_t i = 0; i < all->n; i++)
                for (size_t j = 0; j < 6; j++)
                        free(all->v[i].strings[j]);
        free(all);
}

static int gather(const struct kfs_report_env *env, struct all **ret)
{
        struct all *all = calloc(1, sizeof(*all));
        int r;

        if (!all)
                return -ENOMEM;
        r = kfs_audit_each(env, collect, all);
        if (r < 0) {
                all_free(all);
                return r;
        }
        *ret = all;
        return 0;
}

struct counts {
        int n[4];
};

static void count_add(struct counts *c, const struct kfs_audit_result *r)
{
        c->n[r->status]++;
}

static void summary(struct kfs_buf *out, const char *name, const struct counts *c)
{
        kfs_buf_addf(out, "== Summary %s ==\n%d checks PASS\n%d checks FAIL\n%d checks WARN\n%d checks INFO\n\n", name,
                     c->n[KFS_AUDIT_PASS], c->n[KFS_AUDIT_FAIL], c->n[KFS_AUDIT_WARN], c->n[KFS_AUDIT_INFO]);
}

static void indent(struct kfs_buf *out, const char *text, const char *prefix)
{
        const char *p = text;

        while (*p) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t) (nl - p) : strlen(p);

                kfs_buf_addf(out, "%s%.*s\n", prefix, (int) n, p);
                p += n + (nl ? 1 : 0);
        }
}

static void header(struct kfs_buf *out)
{
        kfs_buf_add(out, "# " KFS_AUDIT_BENCHMARK_NAME " (kube-bench cfg/" KFS_AUDIT_BENCHMARK "), decided from the node's files\n");
}

int kfs_report_audit(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct all *all;
        struct counts total = { 0 };
        int r = gather(env, &all);

        if (r == -ENOENT) {
                kfs_buf_add(out, "# no control plane and no kubelet found on this node\n");
                return out->err;
        }
        if (r < 0)
                return r;
        header(out);
        for (size_t i = 0; i < all->n;) {
                const char *control = all->v[i].r.control ? all->v[i].r.control : "";
                struct counts sec = { 0 }, ctl = { 0 };
                size_t start = i;

                kfs_buf_addf(out, "[INFO] %s %s\n", control, all->v[i].r.control_text ? all->v[i].r.control_text : "");
                for (; i < all->n && all->v[i].r.control && strcmp(all->v[i].r.control, control) == 0; i++) {
                        const struct kfs_audit_result *x = &all->v[i].r;

                        if (i == start || strcmp(x->section, all->v[i - 1].r.section)) {
                                if (i != start) {
                                        summary(out, all->v[i - 1].r.section, &sec);
                                        sec = (struct counts) { 0 };
                                }
                                kfs_buf_addf(out, "[INFO] %s %s\n", x->section, x->section_text);
                        }
                        kfs_buf_addf(out, "[%s] %s %s\n", kfs_audit_status_name(x->status), x->id, x->text);
                        indent(out, x->actual, "        ");
                        count_add(&sec, x);
                        count_add(&ctl, x);
                        count_add(&total, x);
                }
                if (i > start)
                        summary(out, all->v[i - 1].r.section, &sec);
                kfs_buf_addf(out, "== Remediations %s ==\n", i > start ? all->v[start].r.control_type : "");
                for (size_t j = start; j < i; j++)
                        if (all->v[j].r.status != KFS_AUDIT_PASS && *all->v[j].r.remediation &&
                            strncmp(all->v[j].r.actual, "not decidable", 13))
                                kfs_buf_addf(out, "%s %s\n\n", all->v[j].r.id, all->v[j].r.remediation);
                summary(out, i > start ? all->v[start].r.control_type : "", &ctl);
                if (i == start)
                        i++;
        }
        summary(out, "total", &total);
        all_free(all);
        return out->err;
}

/* kube-bench's JSON: {"Controls": [...], "Totals": {...}}. */
int kfs_report_audit_json(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct all *all;
        json_t *top, *controls, *totals;
        int r = gather(env, &all), t[4] = { 0 };

        if (r == -ENOENT) {
                kfs_buf_add(out, "{\"Controls\": [], \"Totals\": {\"total_pass\": 0, \"total_fail\": 0, \"total_warn\": 0, \"total_info\": 0}}\n");
                return out->err;
        }
        if (r < 0)
                return r;
        controls = json_array();
        for (size_t i = 0; i < all->n;) {
                const struct kfs_audit_result *first = &all->v[i].r;
                json_t *ctl = json_pack("{ss ss ss ss s[]}", "id", first->control ? first->control : "",
                                        "version", KFS_AUDIT_BENCHMARK, "text",
                                        first->control_text ? first->control_text : "", "node_type",
                                        first->control_type ? first->control_type : "", "tests");
                json_t *tests = json_object_get(ctl, "tests"), *group = NULL;
                int c[4] = { 0 }, g[4] = { 0 };

                for (; i < all->n && all->v[i].r.control == first->control; i++) {
                        const struct kfs_audit_result *x = &all->v[i].r;
                        json_t *res;

                        if (!group || strcmp(json_string_value(json_object_get(group, "section")), x->section)) {
                                if (group) {
                                        json_object_set_new(group, "pass", json_integer(g[0]));
                                        json_object_set_new(group, "fail", json_integer(g[1]));
                                        json_object_set_new(group, "warn", json_integer(g[2]));
                                        json_object_set_new(group, "info", json_integer(g[3]));
                                        memset(g, 0, sizeof(g));
                                }
                                group = json_pack("{ss ss si si si si ss s[]}", "section", x->section, "type", "",
                                                  "pass", 0, "fail", 0, "warn", 0, "info", 0, "desc",
                                                  x->section_text, "results");
                                json_array_append_new(tests, group);
                        }
                        res = json_pack("{ss ss ss ss ss ss s[] ss ss sb sb ss}", "test_number", x->id, "test_desc",
                                        x->text, "audit", x->audit, "AuditEnv", "", "AuditConfig", "", "type",
                                        x->status == KFS_AUDIT_WARN && !strncmp(x->actual, "not decidable", 13) ? "manual" : "",
                                        "test_info", "remediation", x->remediation, "status",
                                        kfs_audit_status_name(x->status), "scored", x->scored, "IsMultiple", false,
                                        "expected_result", x->expected);
                        json_object_set_new(res, "actual_value", json_string(x->actual));
                        json_array_append_new(json_object_get(res, "test_info"), json_string(x->remediation));
                        json_array_append_new(json_object_get(group, "results"), res);
                        g[x->status]++;
                        c[x->status]++;
                        t[x->status]++;
                }
                if (group) {
                        json_object_set_new(group, "pass", json_integer(g[0]));
                        json_object_set_new(group, "fail", json_integer(g[1]));
                        json_object_set_new(group, "warn", json_integer(g[2]));
                        json_object_set_new(group, "info", json_integer(g[3]));
                }
                json_object_set_new(ctl, "total_pass", json_integer(c[0]));
                json_object_set_new(ctl, "total_fail", json_integer(c[1]));
                json_object_set_new(ctl, "total_warn", json_integer(c[2]));
                json_object_set_new(ctl, "total_info", json_integer(c[3]));
                json_array_append_new(controls, ctl);
        }
        totals = json_pack("{si si si si}", "total_pass", t[0], "total_fail", t[1], "total_warn", t[2], "total_info", t[3]);
        top = json_pack("{so so}", "Controls", controls, "Totals", totals);
        r = kfs_buf_add_json(out, top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(top);
        all_free(all);
        return r;
}

static void xml_text(struct kfs_buf *out, const char *s)
{
        for (; *s; s++) {
                switch (*s) {
                case '<': kfs_buf_add(out, "&lt;"); break;
                case '>': kfs_buf_add(out, "&gt;"); break;
                case '&': kfs_buf_add(out, "&amp;"); break;
                case '"': kfs_buf_add(out, "&quot;"); break;
                case '\n': kfs_buf_add(out, "&#10;"); break;
                default:
                        /* XML 1.0 has no other control characters */
                        if ((unsigned char) *s < 0x20 && *s != '\t')
                                kfs_buf_addc(out, '?');
                        else
                                kfs_buf_addc(out, *s);
                }
        }
}

/* JUnit: a testsuite per section; FAIL a <failure>, WARN a <skipped>. */
int kfs_report_audit_xml(const struct kfs_report_env *env, struct kfs_buf *out)
{
        struct all *all;
        int r = gather(env, &all), tests = 0, failures = 0, skipped = 0;

        kfs_buf_add(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        if (r == -ENOENT) {
                kfs_buf_add(out, "<testsuites name=\"kubefs audit\" tests=\"0\" failures=\"0\" skipped=\"0\"></testsuites>\n");
                return out->err;
        }
        if (r < 0)
                return r;
        for (size_t i = 0; i < all->n; i++) {
                tests++;
                failures += all->v[i].r.status == KFS_AUDIT_FAIL;
                skipped += all->v[i].r.status == KFS_AUDIT_WARN;
        }
        kfs_buf_addf(out, "<testsuites name=\"kubefs audit " KFS_AUDIT_BENCHMARK "\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n",
                     tests, failures, skipped);
        for (size_t i = 0; i < all->n;) {
                const char *section = all->v[i].r.section;
                size_t j = i;
                int n = 0, f = 0, s = 0;

                for (; j < all->n && strcmp(all->v[j].r.section, section) == 0; j++) {
                        n++;
                        f += all->v[j].r.status == KFS_AUDIT_FAIL;
                        s += all->v[j].r.status == KFS_AUDIT_WARN;
                }
                kfs_buf_add(out, "  <testsuite name=\"");
                xml_text(out, section);
                kfs_buf_addc(out, ' ');
                xml_text(out, all->v[i].r.section_text);
                kfs_buf_addf(out, "\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n", n, f, s);
                for (; i < j; i++) {
                        const struct kfs_audit_result *x = &all->v[i].r;

                        kfs_buf_add(out, "    <testcase classname=\"");
                        xml_text(out, x->section);
                        kfs_buf_add(out, "\" name=\"");
                        xml_text(out, x->id);
                        kfs_buf_addc(out, ' ');
                        xml_text(out, x->text);
                        kfs_buf_add(out, "\">\n");
                        if (x->status == KFS_AUDIT_FAIL || x->status == KFS_AUDIT_WARN) {
                                kfs_buf_add(out, x->status == KFS_AUDIT_FAIL ? "      <failure message=\"" : "      <skipped message=\"");
                                xml_text(out, x->expected);
                                kfs_buf_add(out, "\"></");
                                kfs_buf_add(out, x->status == KFS_AUDIT_FAIL ? "failure>\n" : "skipped>\n");
                        }
                        kfs_buf_add(out, "      <system-out>");
                        xml_text(out, x->actual);
                        kfs_buf_add(out, "</system-out>\n    </testcase>\n");
                }
                kfs_buf_add(out, "  </testsuite>\n");
        }
        kfs_buf_add(out, "</testsuites>\n");
        all_free(all);
        return out->err;
}
