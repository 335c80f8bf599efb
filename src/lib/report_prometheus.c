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

static void info(FILE *out, const json_t *report, const json_t *machine, const json_t *kernel)
{
	const char *scheme = text_at(report, "scheme");

	family(out, "headroom_info", "The machine and kernel judged; the scheme the verdicts follow "
	       "(legacy: request_free_mem_region(); new: memremap_device_private_pagemap()) and whether "
	       "the kernel has the new one. Always 1.");
	fputs("headroom_info{", out);
	label(out, "arch", text_at(machine, "arch"), false);
	label(out, "kernel_release", text_at(machine, "kernel_release"), false);
	label(out, "kernel_version", text_at(machine, "kernel_version"), false);
	label(out, "hypervisor", text_at(machine, "hypervisor"), false);
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

static void requests(FILE *out, const json_t *list)
{
	static const char *const schemes[] = {"legacy", "new_scheme"};
	size_t i;
	json_t *r;

	if (!json_array_size(list))
		return;
	family(out, "headroom_request_verdict", "Each --request, in order, judged under the legacy "
	       "carve and under the new scheme: 1 for the verdict it gets.");
	json_array_foreach(list, i, r) {
		for (size_t s = 0; s < sizeof(schemes) / sizeof(schemes[0]); s++) {
			fputs("headroom_request_verdict{", out);
			request_labels(out, i, r, false);
			label(out, "scheme", s ? "new" : "legacy", false);
			label(out, "verdict", text_at(json_object_get(r, schemes[s]), "verdict"), true);
			fputs(" 1\n", out);
		}
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

/* Per-GPU verdicts, from the gpus[] array when the report has one. */
static void gpus(FILE *out, const json_t *list)
{
	size_t i;
	json_t *g;

	if (!json_array_size(list))
		return;
	family(out, "headroom_gpu_verdict", "Each GPU, in bus order: 1 for the verdict its driver's "
	       "device-private registration gets.");
	json_array_foreach(list, i, g) {
		fputs("headroom_gpu_verdict{", out);
		label(out, "gpu", text_at(g, "bdf"), false);
		label(out, "model", text_at(g, "name"), false);
		label(out, "verdict", text_at(g, "verdict"), true);
		fputs(" 1\n", out);
	}
}

static void findings(FILE *out, const json_t *list)
{
	static const char *const severities[] = {"info", "warning", "error"};
	size_t i;
	json_t *f;

	family(out, "headroom_findings", "Findings in the report, by severity.");
	for (size_t s = 0; s < sizeof(severities) / sizeof(severities[0]); s++) {
		unsigned count = 0;
		const char *sev;

		json_array_foreach(list, i, f) {
			sev = text_at(f, "severity");
			count += sev && strcmp(sev, severities[s]) == 0;
		}
		fputs("headroom_findings{", out);
		label(out, "severity", severities[s], true);
		fprintf(out, " %u\n", count);
	}
}

bool hr_report_prometheus(FILE *out, const json_t *report)
{
	const json_t *machine = json_object_get(report, "machine"),
		     *kernel = json_object_get(report, "kernel"),
		     *free_space = json_object_get(report, "free");

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
