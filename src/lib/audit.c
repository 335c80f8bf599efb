// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/audit.h"
#include "headroom/parse.h"
#include "headroom/size_format.h"
#include "what_if_map.h"

#define STRUCT_PAGE_SIZE 64ull
#define KVMALLOC_MAX 0x7fffffffull	/* __kvmalloc_node(): "Don't even allow crazy sizes" > INT_MAX */

const char *hr_legacy_verdict_name(enum hr_legacy_verdict v)
{
	static const char *const names[] = {"fits", "no-space", "unsupported", "hazard", "unknown"};

	return names[v];
}

const char *hr_new_verdict_name(enum hr_new_verdict v)
{
	static const char *const names[] = {"fits", "too-large", "no-space", "unsupported",
					    "unconverted"};

	return names[v];
}

const char *hr_severity_name(enum hr_severity s)
{
	static const char *const names[] = {"info", "warning", "error"};

	return names[s];
}

const char *hr_hazard_name(enum hr_hazard h)
{
	return h == HR_HAZARD_ABOVE_DIRECT_MAP ? "above-direct-map" : h == HR_HAZARD_MAX_PFN_BUMP
	       ? "max-pfn-bump" : "hotplug-range";
}

const char *hr_hazard_explain(const struct hr_model *m, enum hr_hazard h)
{
	if (h == HR_HAZARD_HOTPLUG_RANGE)
		return "the firmware keeps this range for memory hotplug or CXL (SRAT hot-pluggable, "
		       "CEDT window): a later hot-add there finds the space taken";
	if (h == HR_HAZARD_MAX_PFN_BUMP)
		return "max_pfn rises to the carve's end, so devices with a narrower DMA mask bounce "
		       "through swiotlb (fixed by 7170130e4c72)";
	if (m->arm64)
		return "beyond the linear map, the carve's struct pages fall outside the vmemmap: "
		       "WARNs per section or a crash (fixed by eeb8fdfcf090)";
	return "beyond the KASLR direct map, the carve can reach vmalloc space and break iounmap() "
	       "(fixed by ea72ce5da228)";
}

static struct hr_finding *add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
				      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A finding that cannot be recorded makes the whole audit fail (a->nomem): a report must not
 * silently lack one. Returns the new finding, or NULL when it could not be recorded. */
static struct hr_finding *add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
				      const char *fmt, ...)
{
	struct hr_finding *f;
	va_list ap;

	if (hr_grow(&a->findings, &a->findings_cap, a->n_findings, sizeof(*f), SIZE_MAX)) {
		a->nomem = true;
		return NULL;
	}
	f = &a->findings[a->n_findings++];
	f->code = code;
	f->severity = sev;
	f->inconclusive = false;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return f;
}

bool hr_audit_add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
			  const char *message)
{
	return add_finding(a, code, sev, "%s", message) != NULL;
}

/* Mark a finding as one that leaves the answer inconclusive. */
static void mark_inconclusive(struct hr_finding *f, bool inconclusive)
{
	if (f)
		f->inconclusive = inconclusive;
}

static void report_input_problems(const struct hr_facts *facts, struct hr_audit *a)
{
	char text[800];

	for (size_t i = 0; i < facts->diags.count; i++) {
		const struct hr_error *e = &facts->diags.items[i];
		bool unreadable = hr_status_unreadable(e->status);
		/* Without the map no placement can be computed. */
		bool map_lost = strcmp(e->path, "/proc/iomem") == 0 && e->status == facts->iomem_status;

		if (map_lost && e->status == HR_E_ACCESS)
			mark_inconclusive(add_finding(a, "iomem-hidden", HR_ERROR, "%s",
						      hr_error_text(e, text, sizeof(text))), true);
		else
			mark_inconclusive(add_finding(a, unreadable ? "input-unreadable" : "input-invalid",
						      HR_WARNING, "%s", hr_error_text(e, text, sizeof(text))),
					  map_lost);
	}
	if (facts->diags.dropped)
		add_finding(a, "input-invalid", HR_WARNING, "%zu more input problems not listed",
			    facts->diags.dropped);
}

static void report_memmap_mismatches(const struct hr_facts *facts, struct hr_audit *a)
{
	struct hr_map_mismatches mm;

	if (facts->memmap_status || facts->e820_status)
		return;
	if (hr_memmap_reconcile(&facts->memmap, &facts->e820, &mm, NULL)) {
		a->nomem = true;
		return;
	}
	for (size_t i = 0; i < mm.count; i++)
		add_finding(a, "memmap-mismatch", HR_INFO,
			    "%#llx-%#llx is %s in /sys/firmware/memmap but %s in the boot_params E820 table",
			    (unsigned long long)mm.items[i].start, (unsigned long long)mm.items[i].end,
			    mm.items[i].sysfs_type ? hr_e820_type_name(mm.items[i].sysfs_type) : "absent",
			    mm.items[i].e820_type ? hr_e820_type_name(mm.items[i].e820_type) : "absent");
	hr_map_mismatches_free(&mm);
}

/* Device-private carves are top level, named after the device (a PCI address) or the driver. */
static bool is_device_private_name(const char *name)
{
	static const char *const drivers[] = {"nouveau_dmem", "hmm_dmirror", "kvmppc_uvmem",
					      "nvidia-uvm-hmm"};
	unsigned dom, bus, dev, fn;
	char tail;
	/* pci_name() is "%04x:%02x:%02x.%d": a VMD domain (0x10000 and up) has five digits */
	size_t domain_digits = strcspn(name, ":");

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(name, drivers[i]) == 0)
			return true;
	return (domain_digits == 4 || domain_digits == 5) && strlen(name) == domain_digits + 8 &&
	       sscanf(name, "%5x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) == 4 &&
	       (domain_digits == 4 || dom >= 0x10000);
}

static void find_existing_carves(const struct hr_facts *facts, struct hr_audit *a)
{
	size_t cap = 0;

	for (size_t i = 0; i < facts->iomem.count; i++) {
		const struct hr_iomem_entry *e = &facts->iomem.entries[i];

		if (e->depth || !is_device_private_name(e->name) ||
		    hr_range_size((struct hr_range){e->start, e->end}) % a->model.section_size)
			continue;
		if (hr_grow(&a->existing, &cap, a->n_existing, sizeof(*a->existing), SIZE_MAX)) {
			a->nomem = true;
			return;
		}
		a->existing[a->n_existing++] = (struct hr_existing_carve){{e->start, e->end}, e->name};
		add_finding(a, "existing-device-private", HR_INFO,
			    "%#llx-%#llx (%s) is already a device-private range (line %u of /proc/iomem)",
			    (unsigned long long)e->start, (unsigned long long)e->end, e->name, e->line);
	}
}

static struct hr_carve_rule carve_rule(const struct hr_model *m, uint64_t top)
{
	return (struct hr_carve_rule){.top = top, .align = m->section_size,
				      .step_by_align = m->step_by_section};
}

/* The search top the same kernel would use with another phys-bits. */
static uint64_t top_for_phys_bits(const struct hr_model *m, int bits)
{
	uint64_t iomem_end = (1ull << bits) - 1,
		 cap = m->has_clamp ? m->direct_map_end.value : (1ull << m->max_physmem_bits) - 1;

	return iomem_end < cap ? iomem_end : cap;
}

static int phys_bits_needed(const struct hr_model *m, const struct hr_space *space, uint64_t size)
{
	struct hr_range r;

	for (int bits = m->phys_bits.value + 1; bits <= (int)m->max_physmem_bits; bits++) {
		struct hr_carve_rule rule = carve_rule(m, top_for_phys_bits(m, bits));

		if (hr_carve(space, &rule, size, &r))
			return bits;
	}
	return 0;
}

static unsigned hazards_of(const struct hr_model *m, const struct hr_firmware *fw,
			   struct hr_range placed)
{
	struct hr_range hit;
	unsigned h = 0;

	if (hr_firmware_reserved_overlap(fw, placed, &hit))
		h |= HR_HAZARD_HOTPLUG_RANGE;
	if (m->map_end_bug && placed.end > m->mapped_end)
		h |= HR_HAZARD_ABOVE_DIRECT_MAP;
	if (m->bumps_max_pfn && placed.end > m->top_of_ram)
		h |= HR_HAZARD_MAX_PFN_BUMP;
	return h;
}

enum hr_status hr_carver_judge(struct hr_carver *c, uint64_t size, bool explain, bool converted,
			       struct hr_request_result *r)
{
	const struct hr_model *m = c->model;
	uint64_t pages = (size + m->page_size - 1) / m->page_size,
		 offset_space = 1ull << m->max_physmem_bits;

	memset(r, 0, sizeof(*r));
	r->size = size;
	if (!hr_align_up(size, m->section_size, &r->aligned_size))
		r->aligned_size = 0;
	r->placed = m->can_place && r->aligned_size != c->unplaceable &&
		    hr_carve(&c->space, &c->rule, size, &r->placement);
	if (r->placed) {
		r->hazards = hazards_of(m, c->firmware, r->placement);
		if (hr_space_add(&c->space, r->placement))
			return HR_E_NOMEM;
	} else {
		c->unplaceable = r->aligned_size;
	}
	if (m->zone_device == HR_NO || m->device_private == HR_NO)
		r->legacy = HR_UNSUPPORTED;
	else if (!m->can_place)
		r->legacy = HR_VERDICT_UNKNOWN;
	else if (!r->placed)
		r->legacy = HR_NO_SPACE;
	else
		r->legacy = r->hazards ? HR_HAZARD : HR_FITS;
	if (m->can_place && !r->placed && explain && m->phys_bits.source != HR_SRC_UNKNOWN)
		r->phys_bits_needed = phys_bits_needed(m, &c->space, size);

	/* The series' memremap_device_private_pagemap(): kvzalloc of the struct pages, and an
	 * offset range from a maple tree bounded by 1 << MAX_PHYSMEM_BITS. */
	r->ram_cost = converted ? pages * STRUCT_PAGE_SIZE : 0;
	if (m->device_private == HR_NO)
		r->new_scheme = HR_NEW_UNSUPPORTED;
	else if (!converted)	/* refused before any offset or struct page is taken */
		r->new_scheme = HR_NEW_NOT_CONVERTED;
	else if (r->ram_cost > KVMALLOC_MAX)
		r->new_scheme = HR_NEW_TOO_LARGE;
	else if (pages * m->page_size > offset_space - c->offset_used)
		r->new_scheme = HR_NEW_NO_SPACE;
	else
		c->offset_used += pages * m->page_size;
	return HR_OK;
}

bool hr_audit_carve_fails(const struct hr_audit *a, const struct hr_request_result *r)
{
	return a->scheme_new ? r->new_scheme != HR_NEW_FITS : r->legacy != HR_FITS;
}

/* The GPUs first, in probe order, then the requests: each carve stays for the next. */
static enum hr_status judge_carves(struct hr_audit *a, const struct hr_facts *facts,
				   const struct hr_overrides *ov, const uint64_t *sizes, size_t n)
{
	const struct hr_model *m = &a->model;
	struct hr_carver c = {.model = m, .firmware = &facts->firmware,
			       .rule = carve_rule(m, m->search_top)};
	enum hr_status st;

	a->requests = calloc(n ? n : 1, sizeof(*a->requests));
	if (!a->requests || hr_space_what_if(&facts->iomem, ov, &c.space))
		return HR_E_NOMEM;
	st = m->can_place ? hr_free_space(&c.space, m->search_top, m->section_size, &a->free) : HR_OK;
	if (!st)
		st = hr_audit_gpus(a, facts, ov, &c);
	for (size_t i = 0; i < n && !st; i++)
		st = hr_carver_judge(&c, sizes[i], true, true, &a->requests[i]);
	hr_space_free(&c.space);
	return st;
}

/* What the kernel is, and what about it could not be read, each with how to supply it. */
static void explain_kernel(struct hr_audit *a, const struct hr_facts *facts)
{
	const struct hr_model *m = &a->model;
	bool no_config = facts->config.count == 0;

	if (!m->arch_supported)
		mark_inconclusive(add_finding(a, "arch-unsupported", HR_ERROR,
					      "the inputs look like neither x86_64 nor arm64 (%s): no "
					      "model applies", m->arch), true);
	if (facts->cmdline.mem[0] || facts->cmdline.memmap_count)
		add_finding(a, "cmdline-memory", HR_INFO,
			    "/proc/cmdline has %s%s%s%s: the kernel already applied it to /proc/iomem, so the "
			    "map and the top of RAM, which sizes the KASLR direct map, are read as it left them",
			    facts->cmdline.mem[0] ? "mem=" : "", facts->cmdline.mem,
			    facts->cmdline.mem[0] && facts->cmdline.memmap_count ? " and " : "",
			    facts->cmdline.memmap_count ? "memmap=" : "");
	if (m->sublevel_matters)
		mark_inconclusive(add_finding(a, "kernel-sublevel-unknown", HR_WARNING,
					      "the stable sublevel of %d.%d is unknown, and that branch "
					      "took backports that change the search: give --kernel-version "
					      "%d.%d.N with N from the distribution's package version",
					      m->version.major, m->version.minor, m->version.major,
					      m->version.minor), true);
	if (m->version_source == HR_SRC_UNKNOWN)
		mark_inconclusive(add_finding(a, "kernel-version-unknown", HR_WARNING,
					      "kernel version unknown: the version rules assume the oldest "
					      "behaviour; give --kernel-version X.Y.Z"), true);
	if (m->device_private_source == HR_SRC_OVERRIDE)
		add_finding(a, "device-private-override", HR_INFO,
			    "CONFIG_ZONE_DEVICE and CONFIG_DEVICE_PRIVATE taken as %s (--device-private), not "
			    "from the kernel config", m->device_private == HR_YES ? "on" : "off");
	else if (m->zone_device == HR_NO || m->device_private == HR_NO)
		add_finding(a, "device-private-off", HR_ERROR,
			    "%s is not set in %s: no driver can register device-private memory on this "
			    "kernel, under either scheme; use a kernel built with CONFIG_ZONE_DEVICE=y and "
			    "CONFIG_DEVICE_PRIVATE=y",
			    m->zone_device == HR_NO ? "CONFIG_ZONE_DEVICE" : "CONFIG_DEVICE_PRIVATE",
			    facts->config.path);
	if (no_config && (m->device_private == HR_UNKNOWN || (m->unknowns & HR_UNKNOWN_KCONFIG)))
		mark_inconclusive(add_finding(a, "kconfig-missing", HR_WARNING,
					      "no kernel config was readable: %s; supply /proc/config.gz "
					      "or /boot/config-RELEASE%s",
					      m->device_private == HR_UNKNOWN
					      ? "whether CONFIG_DEVICE_PRIVATE is set is unknown"
					      : "the KASLR padding of the direct map is assumed",
					      m->device_private == HR_UNKNOWN
					      ? ", or give --device-private on|off" : ""), true);
	if (!no_config && facts->config.incomplete &&
	    (m->zone_device == HR_UNKNOWN || m->device_private == HR_UNKNOWN))
		mark_inconclusive(add_finding(a, "input-incomplete", HR_WARNING,
					      "%s was read only in part, and CONFIG_ZONE_DEVICE or "
					      "CONFIG_DEVICE_PRIVATE is not among the settings read whole: "
					      "whether it is set is unknown; give --device-private on|off",
					      facts->config.path), true);
	if (!facts->symbols.btf && !facts->symbols.kallsyms)
		add_finding(a, "symbols-unreadable", HR_WARNING,
			    "neither /sys/kernel/btf/vmlinux nor /proc/kallsyms was readable: whether the "
			    "kernel has memremap_device_private_pagemap() is unknown");
	if (m->new_scheme == HR_YES)
		add_finding(a, "new-scheme-present", HR_INFO,
			    "this kernel has memremap_device_private_pagemap(): converted drivers need no "
			    "physical address space");
	if (m->direct_map_end.source == HR_SRC_MODELLED && m->has_clamp && !m->arm64)
		add_finding(a, "direct-map-end-modelled", HR_INFO,
			    "the direct-map end is modelled, not read from the kernel: reading it needs "
			    "root, CONFIG_KALLSYMS_ALL and /proc/kcore on the live machine");
}

/* The facts the model needed and could not get, each with how to supply it. */
static void explain_unknowns(struct hr_audit *a, const struct hr_facts *facts)
{
	const struct hr_model *m = &a->model;
	const struct hr_iomem *io = &facts->iomem;

	if (m->unknowns & HR_UNKNOWN_PHYS_BITS)
		mark_inconclusive(add_finding(a, "phys-bits-unknown", HR_WARNING,
					      "the physical address width is unknown (%s), and so are "
					      "iomem_resource.end and the search top: give --phys-bits N",
					      m->phys_bits.basis), true);
	if ((m->unknowns & HR_UNKNOWN_PAGING) && m->arm64)
		mark_inconclusive(add_finding(a, "paging-unknown", HR_WARNING,
					      "the kernel config gives no CONFIG_ARM64_PA_BITS and "
					      "CONFIG_ARM64_VA_BITS: 48-bit physical and virtual addresses "
					      "are assumed; supply /proc/config.gz or /boot/config-RELEASE"),
				  true);
	else if (m->unknowns & HR_UNKNOWN_PAGING)
		mark_inconclusive(add_finding(a, "paging-unknown", HR_WARNING,
					      "without /proc/cpuinfo the paging mode is unknown: 4-level is "
					      "assumed, which puts MAX_PHYSMEM_BITS at 46; give --la57 on|off"),
				  true);
	if ((m->unknowns & HR_UNKNOWN_MAP_PART) && io->rest_missing)
		mark_inconclusive(add_finding(a, "input-incomplete", HR_WARNING,
					      "/proc/iomem stops at line %u%s: the entries lost may lie "
					      "where the search runs, so no placement is certain; read the "
					      "whole file, as root", io->first_lost_line,
					      io->lines_skipped ? ", and lines before it were skipped" : ""),
				  true);
	else if (m->unknowns & HR_UNKNOWN_MAP_PART)
		mark_inconclusive(add_finding(a, "input-incomplete", HR_WARNING,
					      "/proc/iomem: %u line%s skipped (the first is line %u): the entries "
					      "lost may lie where the search runs, so no placement is certain",
					      io->lines_skipped, io->lines_skipped == 1 ? "" : "s",
					      io->first_lost_line), true);
	if ((m->unknowns & HR_UNKNOWN_GPUS) && facts->gpus.unreadable)
		mark_inconclusive(add_finding(a, "input-incomplete", HR_WARNING,
					      "/sys/bus/pci/devices: %zu device%s that may be a GPU could not "
					      "be read (%s%s): a GPU's carve comes before the requests, so "
					      "neither its verdict nor where the requests land is certain",
					      facts->gpus.unreadable, facts->gpus.unreadable == 1 ? "" : "s",
					      facts->gpus.unreadable == 1 ? "" : "the first ",
					      facts->gpus.first_unreadable), true);
	else if (m->unknowns & HR_UNKNOWN_GPUS)
		mark_inconclusive(add_finding(a, "input-incomplete", HR_WARNING,
					      "/sys/bus/pci/devices could not be read: a GPU's carve comes "
					      "before the requests, so where they land is not certain"), true);
	if (m->unknowns & HR_UNKNOWN_DIRECT_MAP_END)
		mark_inconclusive(add_finding(a, "direct-map-end-unknown", HR_WARNING,
					      "on arm64 the search stops at %#llx as modelled, which no input "
					      "confirms: %s. Give --direct-map-end ADDR with the kernel's "
					      "value, which headroom validate reads on the live machine",
					      (unsigned long long)m->direct_map_end.value,
					      m->direct_map_end.basis), true);
}

/* "6.11, or 6.1.110, 6.6.51 and 6.10.10 on their branches" */
static const char *rule_versions(enum hr_rule_id id, char *buf, size_t len)
{
	const struct hr_rule *r = hr_rule_get(id);
	int n = snprintf(buf, len, "%d.%d", r->mainline.major, r->mainline.minor);

	for (int i = 0; i < r->n_backports && n > 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - (size_t)n, "%s%d.%d.%d", i == 0 ? ", or "
			      : i + 1 == r->n_backports ? " and " : ", ", r->backports[i].major,
			      r->backports[i].minor, r->backports[i].first_sublevel);
	if (r->n_backports && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " on their branches");
	return buf;
}

/* Whether every kernel that carries rule a (its mainline release and each backport) carries b. */
static bool rule_carries(enum hr_rule_id a, enum hr_rule_id b)
{
	const struct hr_rule *r = hr_rule_get(a);
	bool carries = hr_rule_in_version(hr_rule_get(b), r->mainline);

	for (int i = 0; i < r->n_backports; i++)
		carries = carries && hr_rule_in_version(hr_rule_get(b), (struct hr_kver){
			r->backports[i].major, r->backports[i].minor, r->backports[i].first_sublevel});
	return carries;
}

/* Why no placement could be computed, as a finding code and a few words. */
static const char *unknown_placement(const struct hr_audit *a, const struct hr_facts *facts,
				     const char **why)
{
	if (!a->model.map_ok) {
		*why = facts->iomem_status == HR_E_ACCESS ? "/proc/iomem hides its addresses from "
			"non-root readers" : "/proc/iomem could not be read";
		return facts->iomem_status == HR_E_ACCESS ? "iomem-hidden"
		       : hr_status_unreadable(facts->iomem_status) ? "input-unreadable" : "input-invalid";
	}
	*why = "the physical address width is unknown";
	return "phys-bits-unknown";
}

void hr_audit_judge_subject(const struct hr_audit *a, const struct hr_request_result *r,
			    const char *unknown_code, const char *unknown_why, struct hr_subject *s)
{
	const struct hr_model *m = &a->model;
	/* Without the config neither scheme registers anything: the config is the blocker. */
	const char *config_off = m->zone_device == HR_NO ? "CONFIG_ZONE_DEVICE is not set"
				 : "CONFIG_DEVICE_PRIVATE is not set";

	s->outcome = HR_OUTCOME_BLOCKED;
	if (a->scheme_new) {	/* the series' own outcomes: no physical address space involved */
		s->outcome = r->new_scheme == HR_NEW_FITS ? HR_OUTCOME_RANGE : HR_OUTCOME_BLOCKED;
		s->blocker = r->new_scheme == HR_NEW_UNSUPPORTED ? "device-private-off" : "new-scheme";
		snprintf(s->why, sizeof(s->why), "%s",
			 r->new_scheme == HR_NEW_TOO_LARGE
			 ? "-ENOMEM, its struct pages exceed kvzalloc()'s INT_MAX (128 GiB of pagemap or more)"
			 : r->new_scheme == HR_NEW_NO_SPACE ? "-EBUSY, the device-private offset space is full"
			 : config_off);
		return;
	}
	switch (r->legacy) {
	case HR_FITS:
		s->outcome = HR_OUTCOME_RANGE;
		break;
	case HR_NO_SPACE:
		s->blocker = "no-space";
		snprintf(s->why, sizeof(s->why), "-ERANGE, no free slot of the size below the search top "
			 "%#llx", (unsigned long long)m->search_top);
		break;
	case HR_UNSUPPORTED:
		s->blocker = "device-private-off";
		snprintf(s->why, sizeof(s->why), "%s", config_off);
		break;
	case HR_HAZARD:
		s->blocker = "hazard";
		snprintf(s->why, sizeof(s->why), "%s",
			 r->hazards & HR_HAZARD_ABOVE_DIRECT_MAP
			 ? "placed past the direct map, a hazard on this kernel"
			 : r->hazards & HR_HAZARD_MAX_PFN_BUMP
			 ? "placed above RAM, which raises max_pfn on this kernel"
			 : "placed in a range the firmware keeps for memory hotplug or CXL");
		break;
	case HR_VERDICT_UNKNOWN:
		s->outcome = HR_OUTCOME_UNKNOWN;
		s->blocker = unknown_code;
		snprintf(s->why, sizeof(s->why), "%s", unknown_why);
		break;
	}
}

/* Where placements are known, turning the config on alone gives this carve a range. */
static bool config_alone_fixes(const struct hr_model *m, const struct hr_request_result *r)
{
	return r->legacy == HR_UNSUPPORTED && (!m->can_place || (r->placed && !r->hazards));
}

/* Can this kernel register device-private memory at all, whatever the sizes. */
static void judge_possible(struct hr_audit *a, const struct hr_facts *facts)
{
	const struct hr_model *m = &a->model;
	struct hr_verdict *v = &a->verdict;
	const char *why;
	char sz[32], big[32];

	v->possible = HR_YES;
	if (m->zone_device == HR_NO || m->device_private == HR_NO) {
		v->possible = HR_NO;
		v->possible_code = "device-private-off";
		snprintf(v->possible_why, sizeof(v->possible_why), "%s is not set",
			 m->zone_device == HR_NO ? "CONFIG_ZONE_DEVICE" : "CONFIG_DEVICE_PRIVATE");
	} else if (m->device_private == HR_UNKNOWN) {
		v->possible = HR_UNKNOWN;
		v->possible_code = "kconfig-missing";
		snprintf(v->possible_why, sizeof(v->possible_why),
			 "no kernel config says whether CONFIG_DEVICE_PRIVATE is set");
	} else if (m->new_scheme == HR_YES) {
		snprintf(v->possible_why, sizeof(v->possible_why), "this kernel has "
			 "memremap_device_private_pagemap(), which needs no physical address space");
	} else if (!m->can_place) {
		v->possible = HR_UNKNOWN;
		v->possible_code = unknown_placement(a, facts, &why);
		snprintf(v->possible_why, sizeof(v->possible_why), "%s", why);
	} else if (!a->free.total) {
		v->possible = HR_NO;
		v->possible_code = "no-free-space";
		snprintf(v->possible_why, sizeof(v->possible_why), "no whole %s section is free below "
			 "the search top %#llx", hr_format_size(m->section_size, false, sz, sizeof(sz)),
			 (unsigned long long)m->search_top);
	} else {
		snprintf(v->possible_why, sizeof(v->possible_why), "%s free below the search top "
			 "%#llx, the largest run %s", hr_format_size(a->free.total, false, sz, sizeof(sz)),
			 (unsigned long long)m->search_top,
			 hr_format_range_size(a->free.largest, false, big, sizeof(big)));
	}
	if (v->possible == HR_NO && strcmp(v->possible_code, "no-free-space") == 0)
		add_finding(a, "no-free-space", HR_ERROR, "%s: request_free_mem_region() fails with "
			    "-ERANGE for any size", v->possible_why);
}

/* The verdict: each request as a subject, and the fixes that unblock them (the advice adds its
 * own before this runs). */
static void judge_verdict(struct hr_audit *a, const struct hr_facts *facts)
{
	const struct hr_model *m = &a->model;
	const char *unknown_why, *unknown_code = unknown_placement(a, facts, &unknown_why);
	size_t n[HR_VERDICT_UNKNOWN + 1] = {0}, above = 0, max_pfn = 0, both = 0, config_alone = 0;
	enum hr_rule_id clamp = m->arm64 ? HR_RULE_ARM64_LINEAR_MAP_END : HR_RULE_PHYSMEM_END_CLAMP;
	bool max_pfn_fix_clamps = rule_carries(HR_RULE_NO_MAX_PFN_BUMP, clamp);
	char versions[128];

	judge_possible(a, facts);
	for (size_t i = 0; i < a->n_requests; i++) {
		const struct hr_request_result *r = &a->requests[i];

		struct hr_subject s = {.kind = "request"};

		hr_format_size(r->size, false, s.label, sizeof(s.label));
		hr_audit_judge_subject(a, r, unknown_code, unknown_why, &s);
		hr_verdict_add_subject(&a->verdict, &s);
		n[r->legacy]++;
		above += r->hazards == HR_HAZARD_ABOVE_DIRECT_MAP;
		max_pfn += r->hazards == HR_HAZARD_MAX_PFN_BUMP;
		both += r->hazards == (HR_HAZARD_ABOVE_DIRECT_MAP | HR_HAZARD_MAX_PFN_BUMP);
		config_alone += config_alone_fixes(m, r);
	}
	hr_audit_gpu_subjects(a, unknown_code, unknown_why);
	for (size_t i = 0; i < a->n_gpus; i++) {
		/* Under the new scheme a driver the series does not convert stays refused. */
		bool fixed = a->gpus[i].fails && a->gpus[i].n_carves &&
			     !(a->scheme_new && a->gpus[i].profile.not_converted);

		for (size_t c = 0; c < a->gpus[i].n_carves; c++)
			fixed = fixed && config_alone_fixes(m, &a->gpus[i].carves[c].r);
		config_alone += fixed;
	}
	/* Fixes the advice does not give, ahead of it: they are needed whatever else changes. */
	if (m->zone_device == HR_NO || m->device_private == HR_NO)
		hr_verdict_add_fix(&a->verdict, "device-private-off", config_alone,
				   "a kernel built with CONFIG_ZONE_DEVICE=y and CONFIG_DEVICE_PRIVATE=y");
	if (!m->can_place && strcmp(unknown_code, "iomem-hidden") == 0)
		hr_verdict_add_fix(&a->verdict, unknown_code, n[HR_VERDICT_UNKNOWN],
				   "run as root: /proc/iomem shows its addresses only to CAP_SYS_ADMIN");
	else if (!m->can_place && m->map_ok)
		hr_verdict_add_fix(&a->verdict, unknown_code, n[HR_VERDICT_UNKNOWN],
				   "give --phys-bits N, the machine's physical address width");
	else if (!m->can_place)
		hr_verdict_add_fix(&a->verdict, unknown_code, n[HR_VERDICT_UNKNOWN],
				   "a readable /proc/iomem: capture it as root");
	if (above)
		hr_verdict_add_fix(&a->verdict, "hazard", above, "a kernel that clamps the search at the "
				   "direct-map end, %s: %s", hr_rule_get(clamp)->commit,
				   rule_versions(clamp, versions, sizeof(versions)));
	if (max_pfn || (both && max_pfn_fix_clamps))
		hr_verdict_add_fix(&a->verdict, "hazard", max_pfn + (max_pfn_fix_clamps ? both : 0),
				   "a kernel whose device-private add_pages() keeps max_pfn, %s%s: %s",
				   hr_rule_get(HR_RULE_NO_MAX_PFN_BUMP)->commit,
				   both && max_pfn_fix_clamps ? ", which also clamps the search" : "",
				   rule_versions(HR_RULE_NO_MAX_PFN_BUMP, versions, sizeof(versions)));
}

enum hr_status hr_request_check(uint64_t size, struct hr_error *err)
{
	if (size == 0 || size >= HR_REQUEST_LIMIT)
		return hr_fail(err, HR_E_RANGE, "", 0, "request size %#llx is %s", (unsigned long long)size,
			       size ? "beyond any physical address space (2^62 or more)" : "zero");
	return HR_OK;
}

/* The map --ram and --hole64 model, for the reports to print; a --hole64 window no firmware
 * would give (past what the CPU addresses, or over RAM) is flagged, and judged as given. */
static enum hr_status model_what_if_map(struct hr_audit *a, const struct hr_facts *facts,
					const struct hr_overrides *ov)
{
	const struct hr_model *m = &a->model;
	struct hr_range w = {ov->hole64_start, ov->hole64_start + ov->hole64_size - 1};

	if (!m->map_ok || (!ov->ram && !ov->have_hole64))
		return HR_OK;
	if (hr_iomem_what_if(&facts->iomem, ov, &a->what_if_map))
		return HR_E_NOMEM;
	a->map_modelled = true;
	if (!ov->have_hole64)
		return HR_OK;
	if (m->phys_bits.source != HR_SRC_UNKNOWN && m->phys_bits.value < 64 &&
	    w.end >> m->phys_bits.value)
		add_finding(a, "what-if-window-invalid", HR_WARNING, "--hole64 %#llx-%#llx ends at or "
			    "above 2^%d, past the last address the CPU's %d phys-bits reach: no firmware "
			    "puts the 64-bit window there, and the verdicts that use it are not the "
			    "machine's", (unsigned long long)w.start, (unsigned long long)w.end,
			    m->phys_bits.value, m->phys_bits.value);
	for (size_t i = 0; i < a->what_if_map.count; i++) {
		const struct hr_iomem_entry *e = &a->what_if_map.entries[i];

		if (strncmp(e->name, "System RAM", 10) == 0 && e->start <= w.end && w.start <= e->end) {
			add_finding(a, "what-if-window-invalid", HR_WARNING, "--hole64 %#llx-%#llx "
				    "overlaps RAM at %#llx-%#llx: no firmware puts the 64-bit window "
				    "over RAM, and the verdicts that use it are not the machine's",
				    (unsigned long long)w.start, (unsigned long long)w.end,
				    (unsigned long long)e->start, (unsigned long long)e->end);
			break;
		}
	}
	return HR_OK;
}

enum hr_status hr_audit_judge(const struct hr_facts *facts, const struct hr_overrides *ov,
			      const uint64_t *sizes, size_t n_sizes, struct hr_audit *a)
{
	enum hr_status st;

	memset(a, 0, sizeof(*a));
	if (n_sizes > HR_MAX_REQUESTS)
		return HR_E_RANGE;
	for (size_t i = 0; i < n_sizes; i++)
		if (hr_request_check(sizes[i], NULL))
			return HR_E_RANGE;
	report_input_problems(facts, a);
	hr_model_build(facts, ov, &a->model);
	/* A kernel that has the series places device-private memory by it: its verdicts are then the
	 * primary ones, unless --scheme says otherwise. */
	a->scheme_new = ov->scheme == 1 || (ov->scheme == -1 && a->model.new_scheme == HR_YES);
	report_memmap_mismatches(facts, a);
	if (a->model.map_ok)
		find_existing_carves(facts, a);
	explain_kernel(a, facts);
	st = model_what_if_map(a, facts, ov);
	st = st ? st : judge_carves(a, facts, ov, sizes, n_sizes);
	a->n_requests = n_sizes;
	if (!st) {
		explain_unknowns(a, facts);
		judge_verdict(a, facts);
		hr_merged_map_check(facts, &a->model, a);
	}
	if (st || a->nomem || a->verdict.nomem) {
		hr_audit_free(a);
		return HR_E_NOMEM;
	}
	a->inconclusive = a->model.inconclusive || a->model.device_private == HR_UNKNOWN ||
			  a->model.zone_device == HR_UNKNOWN;
	for (size_t i = 0; i < a->n_gpus; i++)
		a->inconclusive |= a->gpus[i].unsure;
	return HR_OK;
}

enum hr_status hr_audit_run(const struct hr_facts *facts, const struct hr_overrides *ov,
			    const uint64_t *sizes, size_t n_sizes, struct hr_audit *a)
{
	enum hr_status st = hr_audit_judge(facts, ov, sizes, n_sizes, a);

	if (!st && a->model.can_place)
		st = hr_audit_advise(a, facts, ov, sizes, n_sizes);
	if (!st && (a->nomem || a->verdict.nomem))
		st = HR_E_NOMEM;
	if (st)
		hr_audit_free(a);
	return st;
}

void hr_audit_free(struct hr_audit *a)
{
	free(a->requests);
	free(a->gpus);
	free(a->advice);
	hr_free_release(&a->free);
	free(a->existing);
	free(a->findings);
	hr_iomem_free(&a->what_if_map);
	hr_verdict_free(&a->verdict);
	memset(a, 0, sizeof(*a));
}

int hr_audit_exit_code(const struct hr_audit *a)
{
	bool fails = false;

	/* A failure that holds whatever the missing facts are (CONFIG_DEVICE_PRIVATE off) is certain. */
	if (a->model.zone_device == HR_NO || a->model.device_private == HR_NO)
		return 1;
	if (a->inconclusive)
		return 2;
	for (size_t i = 0; i < a->n_gpus; i++)
		fails |= a->gpus[i].fails;
	if (!a->n_requests && !fails)
		return a->verdict.possible == HR_YES ? 0 : a->verdict.possible == HR_NO ? 1 : 2;
	for (size_t i = 0; i < a->n_requests; i++)
		fails |= hr_audit_carve_fails(a, &a->requests[i]);
	return fails ? 1 : 0;
}

const char *hr_audit_exit_verdict(int exit_code)
{
	static const char *const names[] = {"fits", "fails", "inconclusive"};

	return exit_code >= 0 && exit_code <= 2 ? names[exit_code] : NULL;
}

size_t hr_audit_inconclusive_codes(const struct hr_audit *a, const char **codes, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_findings && n < max; i++) {
		size_t j = 0;

		while (j < n && strcmp(codes[j], a->findings[i].code) != 0)
			j++;
		if (a->findings[i].inconclusive && j == n)
			codes[n++] = a->findings[i].code;
	}
	return n;
}
