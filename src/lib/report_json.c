// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "headroom/report.h"

/* Addresses as "0x..." strings: JSON integers are signed 64-bit at best. */
static json_t *addr(uint64_t value)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)value);
	return json_string(value ? buf : "0x0");
}

/* Sizes as integers; from 2^63 on (a damaged map's entries), where JSON parsers commonly lose
 * integers, as hex strings like the addresses (the schema's "size"). */
static json_t *size(uint64_t value)
{
	return value > INT64_MAX ? addr(value) : json_integer((json_int_t)value);
}

/* Strings from the inputs are escaped where they hold no valid UTF-8 (which jansson refuses). */
static json_t *text(const char *s)
{
	json_t *j = json_string(s);
	char quoted[1024];

	return j ? j : json_string(hr_quote(s, strlen(s), 256, quoted, sizeof(quoted)));
}

/* Append item (a new reference) to array; false, with item released, when either is NULL or
 * jansson runs out of memory. */
static bool append(json_t *array, json_t *item)
{
	if (!array) {
		json_decref(item);
		return false;
	}
	return json_array_append_new(array, item) == 0;
}

static json_t *tristate(enum hr_tristate t)
{
	return t == HR_UNKNOWN ? json_null() : json_boolean(t == HR_YES);
}

static json_t *range(struct hr_range r)
{
	return json_pack("{s:o, s:o, s:o}", "start", addr(r.start), "end", addr(r.end), "size",
			 hr_range_is_everything(r) ? json_string("0x10000000000000000")
			 : size(hr_range_size(r)));
}

static json_t *machine(const struct hr_facts *f, const struct hr_model *m)
{
	const char *hv = hr_hypervisor_name(f);
	char version[32];

	hr_kver_format(m->version, version, sizeof(version));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "arch", m->arch ? m->arch : "unknown",
			 "kernel_release", f->release[0] ? text(f->release) : json_null(),
			 "kernel_version", m->version_source != HR_SRC_UNKNOWN
			 ? json_string(version) : json_null(),
			 "phys_bits", m->phys_bits.source != HR_SRC_UNKNOWN
			 ? json_integer(m->phys_bits.value) : json_null(),
			 "paging_levels", m->paging_levels.source != HR_SRC_UNKNOWN
			 ? json_integer(m->paging_levels.value) : json_null(),
			 "hypervisor", hv ? text(hv) : json_null(),
			 "sources", json_pack("{s:s, s:s, s:s}", "phys_bits", m->phys_bits.basis,
					      "paging_levels", m->paging_levels.basis,
					      "kernel_version", m->version_basis));
}

static json_t *kernel(const struct hr_model *m)
{
	return json_pack("{s:o, s:b, s:o, s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s, s:b, s:s, s:s}",
			 "device_private", tristate(m->device_private),
			 "new_scheme", m->new_scheme,
			 "iomem_end", addr(m->iomem_end.value),
			 "direct_map_end", addr(m->direct_map_end.value),
			 "direct_map_end_source", hr_source_name(m->direct_map_end.source),
			 "direct_map_end_basis", m->direct_map_end.basis,
			 "search_top", addr(m->search_top),
			 "section_size", size(m->section_size),
			 "search_step", m->step_by_section ? "section" : "size",
			 "search_step_basis", m->step_basis,
			 "direct_map_clamp", m->has_clamp,
			 "direct_map_clamp_basis", m->clamp_basis,
			 "kaslr", m->kaslr.value != 0,
			 "kaslr_basis", m->kaslr.basis,
			 "max_pfn_basis", m->max_pfn_basis);
}

static json_t *request(const struct hr_request_result *r)
{
	json_t *hazards = json_array();

	for (unsigned h = HR_HAZARD_ABOVE_DIRECT_MAP; h <= HR_HAZARD_MAX_PFN_BUMP; h <<= 1)
		if ((r->hazards & h) && !append(hazards, json_string(hr_hazard_name(h)))) {
			json_decref(hazards);
			return NULL;
		}
	return json_pack("{s:o, s:o, s:{s:s, s:o, s:o, s:o, s:o}, s:{s:s, s:o}}",
			 "size", size(r->size),
			 "aligned_size", size(r->aligned_size),
			 "legacy",
			 "verdict", hr_legacy_verdict_name(r->legacy),
			 "start", r->placed ? addr(r->placement.start) : json_null(),
			 "end", r->placed ? addr(r->placement.end) : json_null(),
			 "hazards", hazards,
			 "phys_bits_needed", r->placed || !r->phys_bits_needed ? json_null()
			 : json_integer(r->phys_bits_needed),
			 "new_scheme",
			 "verdict", hr_new_verdict_name(r->new_scheme),
			 "ram_cost", size(r->ram_cost));
}

/* A range with a name: a map entry or an earlier carve. */
static json_t *named_range(struct hr_range r, const char *name)
{
	json_t *o = range(r);

	if (o && json_object_set_new(o, "name", text(name)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *top_level_map(const struct hr_facts *f)
{
	json_t *map = json_array();

	for (size_t i = 0; i < f->iomem.count; i++) {
		const struct hr_iomem_entry *e = &f->iomem.entries[i];

		if (e->depth == 0 &&
		    !append(map, named_range((struct hr_range){e->start, e->end}, e->name))) {
			json_decref(map);
			return NULL;
		}
	}
	return map;
}

json_t *hr_report_json(const struct hr_facts *f, const struct hr_audit *a)
{
	json_t *requests = json_array(), *findings = json_array(), *existing = json_array();
	bool ok = true;

	/* Every part or nothing: a report must not silently lack a finding. */
	for (size_t i = 0; i < a->n_requests && ok; i++)
		ok = append(requests, request(&a->requests[i]));
	for (size_t i = 0; i < a->n_findings && ok; i++)
		ok = append(findings, json_pack("{s:s, s:s, s:o}", "code", a->findings[i].code,
						"severity", hr_severity_name(a->findings[i].severity),
						"message", text(a->findings[i].message)));
	for (size_t i = 0; i < a->n_existing && ok; i++)
		ok = append(existing, named_range(a->existing[i].range, a->existing[i].name));
	if (!ok) {
		json_decref(requests);
		json_decref(findings);
		json_decref(existing);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
			 "schema", HR_REPORT_SCHEMA,
			 "machine", machine(f, &a->model),
			 "kernel", kernel(&a->model),
			 "free", a->model.can_place ? json_pack("{s:o, s:o}", "largest",
							 a->free.total ? range(a->free.largest)
							 : json_null(), "total", size(a->free.total))
			 : json_null(),
			 "requests", requests,
			 "existing_device_private", existing,
			 "map", a->model.map_ok ? top_level_map(f) : json_array(),
			 "findings", findings,
			 "inconclusive", a->inconclusive);
}
