// SPDX-License-Identifier: GPL-2.0-or-later
/* Prometheus text exposition (version 0.0.4) from the JSON report, so that every number is the one
 * the JSON carries. Gauges only, no timestamps: node_exporter's textfile collector stamps them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/report.h"

/* A label value with \, " and newline escaped; NULL (JSON null) is the empty value, which
 * Prometheus treats as an absent label. */
static void label(FILE *out, const char *name, const char *value, bool last)
{
	fprintf(out, "%s=\"", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', out);
		if (*p == '\n')
			fputs("\\n", out);
		else
			fputc(*p, out);
	}
	fputs(last ? "\"}" : "\",", out);
}

static void family(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static const char *text_at(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* An address string ("0x...") or an integer; false for null or anything else. */
static bool number_at(const json_t *obj, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);
	char *end;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	if (!s || strncmp(s, "0x", 2) != 0)
		return false;
	*out = strtoull(s, &end, 16);
	return *end == '\0';
}

/* A family with one unlabelled sample, left out when the report has no value for it. */
static void scalar(FILE *out, const char *name, const char *help, const json_t *obj,
		   const char *key)
{
	uint64_t v;

	if (!number_at(obj, key, &v))
		return;
	family(out, name, help);
	fprintf(out, "%s %" PRIu64 "\n", name, v);
}

/* A JSON boolean as a label value; null (not known) is the empty value. */
static const char *truth(const json_t *v)
{
	return json_is_true(v) ? "true" : json_is_false(v) ? "false" : NULL;
}

static void info(FILE *out, const json_t *report, const json_t *machine, const json_t *kernel)
{
	const char *scheme = text_at(report, "scheme");

	family(out, "headroom_info", "The machine and kernel judged; the scheme the verdicts follow "
	       "(legacy: request_free_mem_region(); new: memremap_device_private_pagemap()), whether "
	       "the kernel has the new one, and whether it has CONFIG_DEVICE_PRIVATE (empty when "
	       "unknown). Always 1.");
	fputs("headroom_info{", out);
	label(out, "arch", text_at(machine, "arch"), false);
	label(out, "kernel_release", text_at(machine, "kernel_release"), false);
	label(out, "kernel_version", text_at(machine, "kernel_version"), false);
	label(out, "hypervisor", text_at(machine, "hypervisor"), false);
	label(out, "device_private", truth(json_object_get(kernel, "device_private")), false);
	label(out, "scheme", scheme ? scheme : "legacy", false);
	label(out, "new_scheme_in_kernel",
	      json_is_true(json_object_get(kernel, "new_scheme")) ? "true" : "false", false);
	label(out, "search_step", text_at(kernel, "search_step"), true);
	fputs(" 1\n", out);
}

static void request_labels(FILE *out, size_t index, const json_t *request, bool last)
{
	char n[24], size[24];
	uint64_t bytes = 0;

	snprintf(n, sizeof(n), "%zu", index + 1);
	number_at(request, "size", &bytes);
	snprintf(size, sizeof(size), "%" PRIu64, bytes);
	label(out, "request", n, false);
	label(out, "size_bytes", size, last);
}

/* One sample per state of an enum, 1 for the current state and 0 for the others, as
 * node_exporter's systemd collector writes unit states: an alert then names the state it fires on,
 * and a state left is a 0, not a series that goes stale. prefix, when given, writes the labels
 * that name the subject. */
static void states(FILE *out, const char *name, void (*prefix)(FILE *, const void *),
		   const void *subject, const char *key, const char *const *names, size_t n,
		   const char *current)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s{", name);
		if (prefix)
			prefix(out, subject);
		label(out, key, names[i], true);
		fprintf(out, " %d\n", current && strcmp(current, names[i]) == 0);
	}
}

struct request_scheme {
	size_t index;
	const json_t *request;
	const char *scheme;
};

static void request_scheme_labels(FILE *out, const void *subject)
{
	const struct request_scheme *rs = subject;

	request_labels(out, rs->index, rs->request, false);
	label(out, "scheme", rs->scheme, false);
}

static void requests(FILE *out, const json_t *list)
{
	const char *legacy[HR_VERDICT_UNKNOWN + 1], *new_scheme[HR_NEW_NOT_CONVERTED + 1];
	size_t i;
	json_t *r;

	if (!json_array_size(list))
		return;
	for (int v = HR_FITS; v <= HR_VERDICT_UNKNOWN; v++)
		legacy[v] = hr_legacy_verdict_name(v);
	for (int v = HR_NEW_FITS; v <= HR_NEW_NOT_CONVERTED; v++)
		new_scheme[v] = hr_new_verdict_name(v);
	family(out, "headroom_request_verdict", "Each --request, in order, judged under the legacy "
	       "carve and under the new scheme: one sample per verdict the scheme has, 1 for the "
	       "verdict it gets, 0 for the others.");
	json_array_foreach(list, i, r) {
		struct request_scheme old = {i, r, "legacy"}, new = {i, r, "new"};

		states(out, "headroom_request_verdict", request_scheme_labels, &old, "verdict", legacy,
		       HR_VERDICT_UNKNOWN + 1, text_at(json_object_get(r, "legacy"), "verdict"));
		states(out, "headroom_request_verdict", request_scheme_labels, &new, "verdict",
		       new_scheme, HR_NEW_NOT_CONVERTED + 1,
		       text_at(json_object_get(r, "new_scheme"), "verdict"));
	}
	family(out, "headroom_request_ram_cost_bytes", "RAM the new scheme's struct pages would take "
	       "for each --request (64 bytes per 4 KiB page).");
	json_array_foreach(list, i, r) {
		uint64_t cost = 0;

		number_at(json_object_get(r, "new_scheme"), "ram_cost", &cost);
		fputs("headroom_request_ram_cost_bytes{", out);
		request_labels(out, i, r, true);
		fprintf(out, " %" PRIu64 "\n", cost);
	}
}

static void gpu_labels(FILE *out, const void *subject)
{
	label(out, "gpu", text_at(subject, "bdf"), false);
	label(out, "model", text_at(subject, "name"), false);
}

/* Per-GPU verdicts, from the gpus[] array when the report has one. */
static void gpus(FILE *out, const json_t *list)
{
	/* A GPU's verdict is its first failing carve's under either scheme, "fits", or "none". */
	const char *verdicts[HR_VERDICT_UNKNOWN + 1 + 3];
	size_t n = 0, i;
	json_t *g;

	if (!json_array_size(list))
		return;
	for (int v = HR_FITS; v <= HR_VERDICT_UNKNOWN; v++)
		verdicts[n++] = hr_legacy_verdict_name(v);
	verdicts[n++] = hr_new_verdict_name(HR_NEW_TOO_LARGE);
	verdicts[n++] = hr_new_verdict_name(HR_NEW_NOT_CONVERTED);
	verdicts[n++] = "none";
	family(out, "headroom_gpu_verdict", "Each GPU, in bus order: one sample per verdict, 1 for "
	       "the verdict its driver's device-private registration gets, 0 for the others.");
	json_array_foreach(list, i, g)
		states(out, "headroom_gpu_verdict", gpu_labels, g, "verdict", verdicts, n,
		       text_at(g, "verdict"));
}

static void subject_labels(FILE *out, const void *subject)
{
	label(out, "kind", text_at(subject, "kind"), false);
	label(out, "subject", text_at(subject, "label"), false);
	label(out, "blocker", text_at(subject, "blocker"), false);
}

/* The answer first, as the text report's Verdict line: can this kernel register device-private
 * memory at all, what each subject gets, and the verdict and exit status of the run. */
static void answer(FILE *out, const json_t *verdict, int exit_status)
{
	static const char *const outcomes[] = {"range", "blocked", "unknown"};
	const char *verdicts[3];
	const json_t *possible = json_object_get(verdict, "possible");
	size_t i;
	json_t *s;

	family(out, "headroom_device_private_possible", "1 when this kernel can register "
	       "device-private memory at all, whatever the sizes; 0 when it cannot (the blocker "
	       "label names the finding that decides); NaN when the inputs cannot tell.");
	fputs("headroom_device_private_possible{", out);
	label(out, "blocker", text_at(verdict, "possible_blocker"), true);
	fputs(json_is_boolean(possible) ? json_is_true(possible) ? " 1\n" : " 0\n" : " NaN\n", out);
	for (int code = 0; code < 3; code++)
		verdicts[code] = hr_audit_exit_verdict(code);
	family(out, "headroom_verdict", "The run's verdict, as its exit status says it: one sample "
	       "per verdict, 1 for the verdict this run gets, 0 for the others.");
	states(out, "headroom_verdict", NULL, NULL, "verdict", verdicts, 3,
	       hr_audit_exit_verdict(exit_status));
	family(out, "headroom_exit_status", "The exit status headroom gives for this report: 0 all "
	       "fit, 1 something fails, 2 inconclusive (man headroom, EXIT STATUS).");
	fprintf(out, "headroom_exit_status %d\n", exit_status);
	if (!json_array_size(json_object_get(verdict, "subjects")))
		return;
	family(out, "headroom_subject_outcome", "Each subject of the verdict (the requests, then the "
	       "GPUs): one sample per outcome, 1 for the outcome it gets, 0 for the others; blocker "
	       "names what stops it.");
	json_array_foreach(json_object_get(verdict, "subjects"), i, s)
		states(out, "headroom_subject_outcome", subject_labels, s, "outcome", outcomes,
		       sizeof(outcomes) / sizeof(outcomes[0]), text_at(s, "outcome"));
}

/* Findings by severity, and a series per finding code that the report holds (its count): a code
 * that goes away leaves the textfile, and its series ends. */
static void findings(FILE *out, const json_t *list)
{
	size_t i, k;
	json_t *f, *g;

	family(out, "headroom_findings", "Findings in the report, by severity.");
	for (int s = HR_INFO; s <= HR_ERROR; s++) {
		unsigned count = 0;
		const char *sev;

		json_array_foreach(list, i, f) {
			sev = text_at(f, "severity");
			count += sev && strcmp(sev, hr_severity_name(s)) == 0;
		}
		fputs("headroom_findings{", out);
		label(out, "severity", hr_severity_name(s), true);
		fprintf(out, " %u\n", count);
	}
	if (!json_array_size(list))
		return;
	family(out, "headroom_finding", "How many findings of each code the report holds "
	       "(reports/findings/CODE.md says what each means and what to change).");
	json_array_foreach(list, i, f) {
		const char *code = text_at(f, "code");
		unsigned count = 0;
		bool first = true;

		/* Each code once, at its first finding. */
		json_array_foreach(list, k, g) {
			const char *other = text_at(g, "code");
			bool same = code && other && strcmp(code, other) == 0;

			first &= !(same && k < i);
			count += same;
		}
		if (!code || !first)
			continue;
		fputs("headroom_finding{", out);
		label(out, "code", code, false);
		label(out, "severity", text_at(f, "severity"), true);
		fprintf(out, " %u\n", count);
	}
}

bool hr_report_prometheus(FILE *out, const json_t *report, int exit_status)
{
	const json_t *machine = json_object_get(report, "machine"),
		     *kernel = json_object_get(report, "kernel"),
		     *free_space = json_object_get(report, "free");

	answer(out, json_object_get(report, "verdict"), exit_status);
	info(out, report, machine, kernel);
	scalar(out, "headroom_phys_bits", "Physical address width, in bits.", machine, "phys_bits");
	scalar(out, "headroom_iomem_end_bytes", "iomem_resource.end: the highest physical address "
	       "the kernel hands out, in bytes.", kernel, "iomem_end");
	scalar(out, "headroom_direct_map_end_bytes", "Where the kernel's direct map ends (physical "
	       "address, in bytes).", kernel, "direct_map_end");
	scalar(out, "headroom_search_top_bytes", "Where get_free_mem_region() starts searching down "
	       "(physical address, in bytes).", kernel, "search_top");
	if (json_is_object(free_space)) {
		const json_t *largest = json_object_get(free_space, "largest");
		uint64_t gap;

		scalar(out, "headroom_free_bytes", "Section-aligned physical address space free below "
		       "the search top, in bytes.", free_space, "total");
		family(out, "headroom_largest_gap_bytes", "The largest free gap below the search top, "
		       "in bytes: the largest single request that can still fit.");
		if (!json_is_object(largest) || !number_at(largest, "size", &gap))
			gap = 0;
		fprintf(out, "headroom_largest_gap_bytes %" PRIu64 "\n", gap);
	}
	requests(out, json_object_get(report, "requests"));
	gpus(out, json_object_get(report, "gpus"));
	findings(out, json_object_get(report, "findings"));
	family(out, "headroom_inconclusive", "1 when a fact the verdicts need could not be read.");
	fprintf(out, "headroom_inconclusive %d\n", json_is_true(json_object_get(report, "inconclusive")));
	return !ferror(out);
}
