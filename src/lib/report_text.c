// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "headroom/report.h"

static void map_line(FILE *out, uint64_t start, uint64_t end, const char *name, bool bytes)
{
	char sz[32];

	fprintf(out, "  0x%012llx-0x%012llx %12s  %s\n", (unsigned long long)start,
		(unsigned long long)end, hr_format_size(end - start + 1, bytes, sz, sizeof(sz)), name);
}

/* Top-level entries and the free sections between them, in address order. */
static void print_map(FILE *out, const struct hr_facts *f, const struct hr_model *m,
		      const struct hr_free *gaps, bool bytes)
{
	size_t g = 0;
	char sz[32];

	fprintf(out, "\nAddress map (top level of /proc/iomem; free: whole %s sections up to the "
		"search top)\n", hr_format_size(m->section_size, false, sz, sizeof(sz)));
	for (size_t i = 0; i < f->iomem.count; i++) {
		const struct hr_iomem_entry *e = &f->iomem.entries[i];

		if (e->depth)
			continue;
		for (; g < gaps->count && gaps->gaps[g].start < e->start; g++)
			map_line(out, gaps->gaps[g].start, gaps->gaps[g].end, "(free)", bytes);
		map_line(out, e->start, e->end, e->name, bytes);
	}
	for (; g < gaps->count; g++)
		map_line(out, gaps->gaps[g].start, gaps->gaps[g].end, "(free)", bytes);
}

static const char *yes_no_unknown(enum hr_tristate t)
{
	return t == HR_YES ? "yes" : t == HR_NO ? "no" : "unknown";
}

static void print_machine(FILE *out, const struct hr_facts *f, const struct hr_model *m)
{
	const char *hv = hr_hypervisor_name(f);

	fprintf(out, "Machine\n");
	if (hv && strcmp(hv, "unknown") == 0)
		fprintf(out, "  arch            %s, a guest (hypervisor not named in the inputs)\n", m->arch);
	else
		fprintf(out, "  arch            %s%s%s\n", m->arch, hv ? ", guest of " : "", hv ? hv : "");
	char version[32];

	if (m->version_source == HR_SRC_UNKNOWN)
		fprintf(out, "  kernel          %s, version unknown\n", f->release[0] ? f->release : "?");
	else
		fprintf(out, "  kernel          %s, modelled as %s (%s: %s)\n",
			f->release[0] ? f->release : "?", hr_kver_format(m->version, version, sizeof(version)),
			hr_source_name(m->version_source), m->version_basis);
	if (m->phys_bits.source == HR_SRC_UNKNOWN)
		fprintf(out, "  phys-bits       unknown (%s)\n", m->phys_bits.basis);
	else
		fprintf(out, "  phys-bits       %d (%s: %s)\n", m->phys_bits.value,
			hr_source_name(m->phys_bits.source), m->phys_bits.basis);
	fprintf(out, "  paging          %d-level (%s: %s)\n", m->paging_levels.value,
		hr_source_name(m->paging_levels.source), m->paging_levels.basis);
	fprintf(out, "  KASLR           %s (%s: %s)\n", m->kaslr.value ? "on" : "off",
		hr_source_name(m->kaslr.source), m->kaslr.basis);
}

static void print_limits(FILE *out, const struct hr_model *m, bool bytes)
{
	char sz[32];

	fprintf(out, "\nKernel\n");
	fprintf(out, "  device private  %s (CONFIG_ZONE_DEVICE %s, CONFIG_DEVICE_PRIVATE %s)\n",
		m->zone_device == HR_YES && m->device_private == HR_YES ? "supported"
		: m->device_private == HR_UNKNOWN ? "unknown" : "not supported",
		yes_no_unknown(m->zone_device), yes_no_unknown(m->device_private));
	fprintf(out, "  new scheme      %s\n", m->new_scheme ? "present (memremap_device_private_pagemap)"
		: "absent (no memremap_device_private_pagemap): the requests' NEW SCHEME column says "
		  "what it would do");
	fprintf(out, "  iomem end       %#llx (%s: %s)\n", (unsigned long long)m->iomem_end.value,
		hr_source_name(m->iomem_end.source), m->iomem_end.basis);
	fprintf(out, "  direct-map end  %#llx (%s: %s)\n", (unsigned long long)m->direct_map_end.value,
		hr_source_name(m->direct_map_end.source), m->direct_map_end.basis);
	fprintf(out, "  clamp           %s (%s)\n", m->has_clamp ? "search stops at the direct-map end"
		: "search ignores the direct-map end", m->clamp_basis);
	fprintf(out, "  search top      %#llx\n", (unsigned long long)m->search_top);
	fprintf(out, "  section         %s\n", hr_format_size(m->section_size, bytes, sz, sizeof(sz)));
	fprintf(out, "  search step     %s (%s)\n", m->step_by_section ? "one section" : "the request size",
		m->step_basis);
}

static void print_requests(FILE *out, const struct hr_audit *a, bool bytes)
{
	char sz[32], cost[32], place[48];

	if (!a->n_requests)
		return;
	fprintf(out, "\nRequests (in order; each carve stays for the next)\n");
	fprintf(out, "  %-12s %-12s %-33s %s\n", "SIZE", "LEGACY", "PLACEMENT", "NEW SCHEME");
	for (size_t i = 0; i < a->n_requests; i++) {
		const struct hr_request_result *r = &a->requests[i];

		if (r->placed)
			snprintf(place, sizeof(place), "%#llx-%#llx", (unsigned long long)r->placement.start,
				 (unsigned long long)r->placement.end);
		else if (r->phys_bits_needed)
			snprintf(place, sizeof(place), "-ERANGE (phys-bits %d would fit)",
				 r->phys_bits_needed);
		else if (a->model.can_place)
			snprintf(place, sizeof(place), "-ERANGE");
		else
			snprintf(place, sizeof(place), "(unknown)");
		fprintf(out, "  %-12s %-12s %-33s %s, %s of struct pages\n",
			hr_format_size(r->size, bytes, sz, sizeof(sz)), hr_legacy_verdict_name(r->legacy),
			place, hr_new_verdict_name(r->new_scheme),
			hr_format_size(r->ram_cost, bytes, cost, sizeof(cost)));
		for (unsigned h = HR_HAZARD_ABOVE_DIRECT_MAP; h <= HR_HAZARD_MAX_PFN_BUMP; h <<= 1)
			if (r->hazards & h)
				fprintf(out, "  %-12s hazard: %s: %s\n", "", hr_hazard_name(h),
					hr_hazard_explain(&a->model, h));
	}
}

bool hr_report_text(FILE *out, const struct hr_facts *f, const struct hr_audit *a,
		    const struct hr_report_options *opts)
{
	char sz[32], sz2[32];

	fprintf(out, "headroom: physical address space for device-private memory\n\n");
	hr_report_text_gpus(out, a, opts);
	print_machine(out, f, &a->model);
	print_limits(out, &a->model, opts->bytes);
	if (a->model.can_place) {
		print_map(out, f, &a->model, &a->free, opts->bytes);
		if (a->free.total)
			fprintf(out, "\nFree below the search top: %s, largest %s at %#llx-%#llx\n",
				hr_format_size(a->free.total, opts->bytes, sz, sizeof(sz)),
				hr_format_size(a->free.largest.end - a->free.largest.start + 1, opts->bytes,
					       sz2, sizeof(sz2)),
				(unsigned long long)a->free.largest.start,
				(unsigned long long)a->free.largest.end);
		else
			fprintf(out, "\nFree below the search top: none\n");
	}
	print_requests(out, a, opts->bytes);
	if (!a->n_gpus)
		hr_report_text_advice(out, a);
	if (a->n_findings)
		fprintf(out, "\nFindings\n");
	for (size_t i = 0; i < a->n_findings; i++)
		fprintf(out, "  %-7s %s: %s\n", hr_severity_name(a->findings[i].severity),
			a->findings[i].code, a->findings[i].message);
	if (a->inconclusive)
		fprintf(out, "\nInconclusive: see the findings above for what is missing.\n");
	return !ferror(out);
}
