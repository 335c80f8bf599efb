// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A limit that may be unknown: null then, never 0x0. */
static json_t *fact_addr(const struct hr_fact_addr *fact)
{
	return fact->source == HR_SRC_UNKNOWN ? json_null() : addr(fact->value);
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
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "arch", m->arch ? m->arch : "unknown",
			 "kernel_release", f->release[0] ? text(f->release) : json_null(),
			 "kernel_version", m->version_source != HR_SRC_UNKNOWN
			 ? json_string(version) : json_null(),
			 "phys_bits", m->phys_bits.source != HR_SRC_UNKNOWN
			 ? json_integer(m->phys_bits.value) : json_null(),
			 "paging_levels", m->paging_levels.source != HR_SRC_UNKNOWN
			 ? json_integer(m->paging_levels.value) : json_null(),
			 "guest", tristate(hr_guest(f)),
			 "hypervisor", hv ? text(hv) : json_null(),
			 "sources", json_pack("{s:s, s:s, s:s}", "phys_bits", m->phys_bits.basis,
					      "paging_levels", m->paging_levels.basis,
					      "kernel_version", m->version_basis));
}

static json_t *kernel(const struct hr_model *m)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:s, s:o, s:s, s:s}",
			 "device_private", tristate(m->device_private),
			 "new_scheme", tristate(m->new_scheme),
			 "iomem_end", fact_addr(&m->iomem_end),
			 "direct_map_end", fact_addr(&m->direct_map_end),
			 "direct_map_end_source", hr_source_name(m->direct_map_end.source),
			 "direct_map_end_basis", m->direct_map_end.basis,
			 "search_top", m->search_top_known ? addr(m->search_top) : json_null(),
			 "section_size", size(m->section_size),
			 "search_step", m->step_by_section ? "section" : "size",
			 "search_step_basis", m->step_basis,
			 "direct_map_clamp", m->has_clamp,
			 "direct_map_clamp_basis", m->clamp_basis,
			 "kaslr", m->kaslr.source == HR_SRC_UNKNOWN ? json_null()
			 : json_boolean(m->kaslr.value != 0),
			 "kaslr_basis", m->kaslr.basis,
			 "max_pfn_basis", m->max_pfn_basis);
}

/* A carve's legacy verdict and placement, as in requests[] and gpus[].carves[]. */
static json_t *legacy(const struct hr_request_result *r)
{
	json_t *hazards = json_array();

	for (unsigned h = HR_HAZARD_ABOVE_DIRECT_MAP; h <= HR_HAZARD_LAST; h <<= 1)
		if ((r->hazards & h) && !append(hazards, json_string(hr_hazard_name(h)))) {
			json_decref(hazards);
			return NULL;
		}
	return json_pack("{s:s, s:o, s:o, s:o, s:o}",
			 "verdict", hr_legacy_verdict_name(r->legacy),
			 "start", r->placed ? addr(r->placement.start) : json_null(),
			 "end", r->placed ? addr(r->placement.end) : json_null(),
			 "hazards", hazards,
			 "phys_bits_needed", r->placed || !r->phys_bits_needed ? json_null()
			 : json_integer(r->phys_bits_needed));
}

static json_t *new_scheme(const struct hr_request_result *r)
{
	return json_pack("{s:s, s:o}", "verdict", hr_new_verdict_name(r->new_scheme),
			 "ram_cost", size(r->ram_cost));
}

static json_t *request(const struct hr_request_result *r)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "size", size(r->size), "aligned_size",
			 size(r->aligned_size), "legacy", legacy(r), "new_scheme", new_scheme(r));
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

/* A map entry: the range with the sources that name it. */
static json_t *map_entry(const struct hr_merged_range *r)
{
	json_t *o = named_range((struct hr_range){r->start, r->end}, r->name);
	json_t *sources = json_array();

	for (unsigned s = HR_MS_IOMEM; sources && s <= HR_MS_LAST; s <<= 1)
		if ((r->sources & s) && !append(sources, json_string(hr_map_source_name(s)))) {
			json_decref(sources);
			sources = NULL;
		}
	if (!o) {
		json_decref(sources);
		return NULL;
	}
	if (json_object_set_new(o, "sources", sources) != 0) {	/* took sources, even NULL */
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The merged map as one array. Built here, where it is printed: it holds every top-level iomem
 * entry, which no other part of the audit needs. */
static json_t *merged_map(const struct hr_facts *f)
{
	struct hr_merged_map merged;
	struct hr_merged_walk walk = {0};
	struct hr_merged_range r;
	json_t *map;

	if (hr_merged_map_build(f, &merged))
		return NULL;
	map = json_array();
	while (map && hr_merged_map_next(&merged, &walk, &r))
		if (!append(map, map_entry(&r))) {
			json_decref(map);
			map = NULL;
		}
	hr_merged_map_free(&merged);
	return map;
}

/* The map --hole64 and --ram model: iomem's top level edited, each entry from iomem, or from
 * "what-if" for those the options put there. The firmware's ranges are left out: the what-if is
 * a change of firmware, whose old windows would contradict it. */
static json_t *modelled_map(const struct hr_audit *a)
{
	json_t *map = json_array();

	for (size_t i = 0; map && i < a->what_if_map.count; i++) {
		const struct hr_iomem_entry *e = &a->what_if_map.entries[i];
		json_t *o = named_range((struct hr_range){e->start, e->end}, e->name);

		/* line 0: from no file, an entry the what-if made */
		if (!o || json_object_set_new(o, "sources", json_pack("[s]", e->line ? "iomem"
									  : "what-if")) != 0 ||
		    !append(map, o)) {
			json_decref(map);
			map = NULL;
		}
	}
	return map;
}

/* PCI ids as lspci -n writes them, with 0x: "0x10de", class "0x030200". */
static json_t *hex_id(unsigned id, int digits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", digits, id);
	return json_string(buf);
}

static json_t *gpu_bars(const struct hr_gpu *g)
{
	json_t *bars = json_array();

	for (unsigned i = 0; i < HR_PCI_BARS; i++) {
		const struct hr_pci_bar *b = &g->bars[i];

		if (b->size)
			json_array_append_new(bars, json_pack("{s:i, s:o, s:o, s:b, s:b, s:b}",
							      "index", (int)b->index,
							      "start", addr(b->start),
							      "size", size(b->size),
							      "prefetchable", b->prefetchable,
							      "is_64bit", b->is_64bit, "io", b->io));
	}
	return bars;
}

static json_t *gpu_rebar(const struct hr_gpu *g)
{
	json_t *supported;

	if (!g->have_config)
		return json_null();
	if (!g->rebar.present)
		return json_false();
	supported = json_array();
	for (unsigned n = 0; n < 64; n++)
		if (g->rebar.supported >> n & 1)
			json_array_append_new(supported, size((1ull << 20) << n));
	return json_pack("{s:i, s:o, s:o}", "bar", (int)g->rebar.bar, "current",
			 size(g->rebar.current), "supported", supported);
}

/* One GPU as the inventory read it; the driver profile adds its carves here. */
static json_t *gpu(const struct hr_gpu *g)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:s, s:o}, s:o, s:o, s:o, "
			 "s:o}",
			 "bdf", g->bdf,
			 "vendor", hex_id(g->vendor, 4),
			 "device", hex_id(g->device, 4),
			 "subsystem_vendor", hex_id(g->subsys_vendor, 4),
			 "subsystem_device", hex_id(g->subsys_device, 4),
			 "class", hex_id(g->class_code, 6),
			 "name", g->name[0] ? text(g->name) : json_null(),
			 "driver", g->driver[0] ? text(g->driver) : json_null(),
			 "vram",
			 "bytes", g->vram ? size(g->vram) : json_null(),
			 "source", hr_vram_source_name(g->vram_source),
			 "basis", text(g->vram_basis),
			 "numa_node", g->numa_node >= 0 ? json_integer(g->numa_node) : json_null(),
			 "bars", gpu_bars(g),
			 "rebar", gpu_rebar(g),
			 "missing", g->missing[0] ? text(g->missing) : json_null());
}

/* The answer in short: who gets a range, what blocks the rest, the best fix. */
static json_t *verdict(const struct hr_verdict *v)
{
	const struct hr_fix *fix = hr_verdict_best_fix(v);
	json_t *subjects = json_array();

	for (size_t i = 0; i < v->n_subjects; i++) {
		const struct hr_subject *s = &v->subjects[i];

		if (!append(subjects, json_pack("{s:s, s:o, s:s, s:o}", "kind", s->kind, "label",
						text(s->label), "outcome", hr_outcome_name(s->outcome),
						"blocker", s->blocker ? json_string(s->blocker)
						: json_null()))) {
			json_decref(subjects);
			return NULL;
		}
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}",
			 "possible", tristate(v->possible),
			 "possible_blocker", v->possible_code ? json_string(v->possible_code) : json_null(),
			 "possible_basis", text(v->possible_why),
			 "subjects", subjects,
			 "fix", fix ? json_pack("{s:s, s:o, s:I}", "code", fix->code, "change",
						 text(fix->change), "fixes", (json_int_t)fix->fixes)
			 : json_null());
}

static json_t *inconclusive_because(const struct hr_audit *a)
{
	const char *codes[32];
	size_t n = hr_audit_inconclusive_codes(a, codes, 32);
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		if (!append(list, json_string(codes[i]))) {
			json_decref(list);
			return NULL;
		}
	return list;
}

/* The driver rule applied to a GPU, with what held and what was assumed; "undecided" and
 * "measured" only where they say something. */
static json_t *gpu_profile(const struct hr_gpu_profile *p)
{
	json_t *o = json_pack("{s:s, s:b, s:b, s:s, s:s, s:s, s:s, s:b, s:b, s:s?, s:s?}",
			      "driver", p->driver_name, "predicted", p->predicted, "lazy", p->lazy,
			      "rule", p->rule, "conditions", p->conditions, "source", p->source,
			      "on_failure", p->on_failure, "failure_fatal", p->failure_fatal,
			      "not_converted", p->not_converted, "carve_assumed", p->carve_assumed,
			      "new_scheme_note", p->new_scheme_note);

	if (o && ((p->undecided && json_object_set_new(o, "undecided", json_true())) ||
		  (p->measured >= 0 &&
		   json_object_set_new(o, "measured", json_boolean(p->measured))))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *gpu_carves(const struct hr_gpu_result *g)
{
	json_t *carves = json_array();

	for (size_t c = 0; c < g->n_carves; c++) {
		const struct hr_gpu_carve_result *cr = &g->carves[c];

		if (!append(carves, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
					      "size", size(cr->r.size),
					      "aligned_size", size(cr->r.aligned_size),
					      "count", size(cr->count), "placed", size(cr->n_placed),
					      "legacy", legacy(&cr->r),
					      "new_scheme", new_scheme(&cr->r)))) {
			json_decref(carves);
			return NULL;
		}
	}
	return carves;
}

/* The GPU's verdict in a word: its first failing carve's, under the scheme judged; "fits"; "none"
 * when its driver carves nothing; "unknown" when whether it carves is not known. */
static const char *gpu_verdict(const struct hr_audit *a, const struct hr_gpu_result *r)
{
	if (r->unsure)
		return "unknown";
	for (size_t c = 0; c < r->n_carves; c++)
		if (hr_audit_carve_fails(a, &r->carves[c].r))
			return a->scheme_new ? hr_new_verdict_name(r->carves[c].r.new_scheme)
					     : hr_legacy_verdict_name(r->carves[c].r.legacy);
	return r->n_carves ? "fits" : r->profile.undecided ? "unknown" : "none";
}

/* A GPU with its driver profile and the verdicts on its carves. */
static json_t *gpu_result(const struct hr_audit *a, const struct hr_gpu_result *r)
{
	json_t *o = gpu(&r->gpu);

	if (o && json_object_update_new(o, json_pack("{s:o, s:o, s:o, s:s, s:b, s:b, s:s?}",
						     "profile", gpu_profile(&r->profile),
						     "carves", gpu_carves(r),
						     "existing", r->existing ? text(r->existing)
						     : json_null(),
						     "verdict", gpu_verdict(a, r),
						     "fails", r->fails, "unsure", r->unsure,
						     "loses", r->profile.loses[0] ? r->profile.loses
						     : NULL)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The machine's GPUs and the what-if ones; null when the inputs hold no PCI devices at all (a
 * capture without them) and none was added. */
static json_t *gpus(const struct hr_facts *f, const struct hr_audit *a)
{
	json_t *list;

	if (f->gpus_status && !a->n_gpus)
		return json_null();
	list = json_array();
	for (size_t i = 0; i < a->n_gpus; i++)
		if (!append(list, gpu_result(a, &a->gpus[i]))) {
			json_decref(list);
			return NULL;
		}
	return list;
}

static json_t *advice(const struct hr_advice *adv)
{
	json_t *fixes = json_array();

	for (size_t k = 0; k < adv->n_fixes; k++)
		if (!append(fixes, json_string(adv->fixes[k]))) {
			json_decref(fixes);
			return NULL;
		}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b}",
			 "kind", adv->kind, "change", adv->change, "knob", adv->knob,
			 "value", adv->value, "what_if", adv->what_if, "fixes", fixes,
			 "fixes_all", adv->fixes_all, "verified", adv->verified);
}

/* The report with map as its address map (a new reference, taken even on failure). */
static json_t *report(const struct hr_facts *f, const struct hr_audit *a, json_t *map)
{
	json_t *requests = json_array(), *findings = json_array(), *existing = json_array(),
	       *advices = json_array();
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
	for (size_t i = 0; i < a->n_advice && ok; i++)
		ok = append(advices, advice(&a->advice[i]));
	if (!ok) {
		json_decref(requests);
		json_decref(findings);
		json_decref(existing);
		json_decref(advices);
		json_decref(map);
		return NULL;
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o}",
			 "schema", HR_REPORT_SCHEMA,
			 "verdict", verdict(&a->verdict),
			 "machine", machine(f, &a->model),
			 "kernel", kernel(&a->model),
			 "gpus", gpus(f, a),
			 "scheme", a->scheme_new ? "new" : "legacy",
			 "free", a->model.can_place ? json_pack("{s:o, s:o}", "largest",
							 a->free.total ? range(a->free.largest)
							 : json_null(), "total", size(a->free.total))
			 : json_null(),
			 "requests", requests,
			 "existing_device_private", existing,
			 "map", map,
			 "findings", findings,
			 "advice", advices,
			 "inconclusive", a->inconclusive,
			 "inconclusive_because", inconclusive_because(a),
			 "firmware", hr_report_firmware_json(&f->firmware));
}

json_t *hr_report_json(const struct hr_facts *f, const struct hr_audit *a)
{
	return report(f, a, !a->model.map_ok ? json_array()
		      : a->map_modelled ? modelled_map(a) : merged_map(f));
}

#define REPORT_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* json_dump_callback's writer for a value dumped on its own but printed nested: each line break
 * gets the nesting's indent after it. A line break in jansson's output is always indentation
 * (strings hold theirs escaped). */
struct nested {
	FILE *out;
	const char *indent;
};

static int write_nested(const char *buf, size_t size, void *data)
{
	const struct nested *n = data;
	const char *line_break;

	while ((line_break = memchr(buf, '\n', size))) {
		size_t len = (size_t)(line_break - buf) + 1;

		if (fwrite(buf, 1, len, n->out) != len || fputs(n->indent, n->out) == EOF)
			return -1;
		buf += len;
		size -= len;
	}
	return fwrite(buf, 1, size, n->out) == size ? 0 : -1;
}

/* The map's entries, each built, written and freed in turn, laid out as json_dumpf lays out the
 * elements of an array inside the top-level object. */
static bool write_map_entries(FILE *out, const struct hr_merged_map *merged)
{
	struct nested entry_out = {out, "    "};
	struct hr_merged_walk walk = {0};
	struct hr_merged_range r;
	size_t n;

	for (n = 0; hr_merged_map_next(merged, &walk, &r); n++) {
		json_t *entry = map_entry(&r);
		bool ok = entry && fputs(n ? ",\n    " : "\n    ", out) != EOF &&
			  json_dump_callback(entry, write_nested, &entry_out, REPORT_FLAGS) == 0;

		json_decref(entry);
		if (!ok)
			return false;
	}
	return !n || fputs("\n  ", out) != EOF;
}

bool hr_report_json_write(FILE *out, const struct hr_facts *f, const struct hr_audit *a)
{
	/* The rest of the report is small: dumped whole with an empty map, and split where the map
	 * opens (the only "map" at the top level, whose keys alone follow a line break and two
	 * spaces). */
	static const char map_key[] = "\n  \"map\": [";
	struct hr_merged_map merged = {0};

	/* A modelled map is iomem's top level alone: small, so dumped with the rest. */
	if (a->map_modelled) {
		json_t *whole = hr_report_json(f, a);
		bool written = whole && json_dumpf(whole, out, REPORT_FLAGS) == 0 &&
			       fputc('\n', out) != EOF;

		json_decref(whole);
		return written;
	}
	json_t *rest = !a->model.map_ok || hr_merged_map_build(f, &merged) == HR_OK
		       ? report(f, a, json_array()) : NULL;
	char *text = rest ? json_dumps(rest, REPORT_FLAGS) : NULL;
	char *map_at = text ? strstr(text, map_key) : NULL;
	char *map = map_at ? map_at + strlen(map_key) : NULL;
	bool ok = map && fwrite(text, 1, (size_t)(map - text), out) == (size_t)(map - text) &&
		  write_map_entries(out, &merged) && fputs(map, out) != EOF &&
		  fputc('\n', out) != EOF;

	hr_merged_map_free(&merged);
	json_decref(rest);
	free(text);
	return ok;
}
