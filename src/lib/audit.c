// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/audit.h"
#include "headroom/report.h"
#include "headroom/what_if_map.h"

#define STRUCT_PAGE_SIZE 64ull
#define KVMALLOC_MAX 0x7fffffffull	/* __kvmalloc_node(): "Don't even allow crazy sizes" > INT_MAX */

const char *hr_legacy_verdict_name(enum hr_legacy_verdict v)
{
	static const char *const names[] = {"fits", "no-space", "unsupported", "hazard", "unknown"};

	return names[v];
}

const char *hr_new_verdict_name(enum hr_new_verdict v)
{
	static const char *const names[] = {"fits", "too-large", "no-space", "unsupported"};

	return names[v];
}

const char *hr_severity_name(enum hr_severity s)
{
	static const char *const names[] = {"info", "warning", "error"};

	return names[s];
}

const char *hr_hazard_name(enum hr_hazard h)
{
	return h == HR_HAZARD_ABOVE_DIRECT_MAP ? "above-direct-map" : "max-pfn-bump";
}

const char *hr_hazard_explain(const struct hr_model *m, enum hr_hazard h)
{
	if (h == HR_HAZARD_MAX_PFN_BUMP)
		return "max_pfn rises to the carve's end, so devices with a narrower DMA mask bounce "
		       "through swiotlb (fixed by 7170130e4c72)";
	if (m->arm64)
		return "beyond the linear map, the carve's struct pages fall outside the vmemmap: "
		       "WARNs per section or a crash (fixed by eeb8fdfcf090)";
	return "beyond the KASLR direct map, the carve can reach vmalloc space and break iounmap() "
	       "(fixed by ea72ce5da228)";
}

static void add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
			const char *fmt, ...)
{
	struct hr_finding *grown = realloc(a->findings, (a->n_findings + 1) * sizeof(*grown));
	va_list ap;

	if (!grown)
		return;
	a->findings = grown;
	grown[a->n_findings].code = code;
	grown[a->n_findings].severity = sev;
	va_start(ap, fmt);
	vsnprintf(grown[a->n_findings].message, sizeof(grown->message), fmt, ap);
	va_end(ap);
	a->n_findings++;
}

static void report_input_problems(const struct hr_facts *facts, struct hr_audit *a)
{
	char text[800];

	for (size_t i = 0; i < facts->diags.count; i++) {
		const struct hr_error *e = &facts->diags.items[i];
		bool unreadable = e->status == HR_E_NOENT || e->status == HR_E_ACCESS || e->status == HR_E_IO;

		if (strcmp(e->path, "/proc/iomem") == 0 && e->status == HR_E_ACCESS)
			add_finding(a, "iomem-hidden", HR_ERROR, "%s", hr_error_text(e, text, sizeof(text)));
		else
			add_finding(a, unreadable ? "input-unreadable" : "input-invalid", HR_WARNING, "%s",
				    hr_error_text(e, text, sizeof(text)));
	}
}

static void report_memmap_mismatches(const struct hr_facts *facts, struct hr_audit *a)
{
	struct hr_map_mismatch *mm = NULL;
	long n;

	if (facts->memmap_status || facts->e820_status)
		return;
	n = hr_memmap_reconcile(&facts->memmap, &facts->e820, &mm);
	for (long i = 0; i < n; i++)
		add_finding(a, "memmap-mismatch", HR_INFO,
			    "%#llx-%#llx is %s in /sys/firmware/memmap but %s in the boot_params E820 table",
			    (unsigned long long)mm[i].start, (unsigned long long)mm[i].end,
			    mm[i].sysfs_type ? hr_e820_type_name(mm[i].sysfs_type) : "absent",
			    mm[i].e820_type ? hr_e820_type_name(mm[i].e820_type) : "absent");
	free(mm);
}

/* Device-private carves are top level, named after the device (a PCI address) or the driver. */
static bool is_device_private_name(const char *name)
{
	static const char *const drivers[] = {"nouveau_dmem", "hmm_dmirror", "kvmppc_uvmem",
					      "nvidia-uvm-hmm"};
	unsigned dom, bus, dev, fn;
	char tail;

	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(name, drivers[i]) == 0)
			return true;
	return strlen(name) == 12 && sscanf(name, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) == 4;
}

static void find_existing_carves(const struct hr_facts *facts, struct hr_audit *a)
{
	for (size_t i = 0; i < facts->iomem.count; i++) {
		const struct hr_iomem_entry *e = &facts->iomem.entries[i];
		struct hr_existing_carve *grown;

		if (e->depth || !is_device_private_name(e->name) ||
		    (e->end - e->start + 1) % a->model.section_size)
			continue;
		grown = realloc(a->existing, (a->n_existing + 1) * sizeof(*grown));
		if (!grown)
			return;
		a->existing = grown;
		grown[a->n_existing++] = (struct hr_existing_carve){{e->start, e->end}, e->name};
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

static unsigned hazards_of(const struct hr_model *m, struct hr_range placed)
{
	unsigned h = 0;

	if (m->map_end_bug && placed.end > m->mapped_end)
		h |= HR_HAZARD_ABOVE_DIRECT_MAP;
	if (m->bumps_max_pfn && placed.end > m->top_of_ram)
		h |= HR_HAZARD_MAX_PFN_BUMP;
	return h;
}

enum hr_status hr_carver_judge(struct hr_carver *c, uint64_t size, bool explain,
			       struct hr_request_result *r)
{
	const struct hr_model *m = c->model;
	uint64_t pages = (size + m->page_size - 1) / m->page_size,
		 offset_space = 1ull << m->max_physmem_bits;

	memset(r, 0, sizeof(*r));
	r->size = size;
	if (!hr_align_up(size, m->section_size, &r->aligned_size))
		r->aligned_size = 0;
	r->placed = m->can_place && hr_carve(&c->space, &c->rule, size, &r->placement);
	if (r->placed) {
		r->hazards = hazards_of(m, r->placement);
		if (hr_space_add(&c->space, r->placement))
			return HR_E_NOMEM;
	}
	if (m->zone_device == HR_NO || m->device_private == HR_NO)
		r->legacy = HR_UNSUPPORTED;
	else if (!m->can_place)
		r->legacy = HR_VERDICT_UNKNOWN;
	else if (!r->placed)
		r->legacy = HR_NO_SPACE;
	else
		r->legacy = r->hazards ? HR_HAZARD : HR_FITS;
	if (m->can_place && !r->placed && explain) {
		struct hr_carve_rule by_section = c->rule;
		struct hr_range unused;

		if (m->phys_bits.source != HR_SRC_UNKNOWN)
			r->phys_bits_needed = phys_bits_needed(m, &c->space, size);
		by_section.step_by_align = true;
		r->fits_stepping_by_section = !c->rule.step_by_align &&
					      hr_carve(&c->space, &by_section, size, &unused);
	}

	/* The series' memremap_device_private_pagemap(): kvzalloc of the struct pages, and an
	 * offset range from a maple tree bounded by 1 << MAX_PHYSMEM_BITS. */
	r->ram_cost = pages * STRUCT_PAGE_SIZE;
	if (m->device_private == HR_NO)
		r->new_scheme = HR_NEW_UNSUPPORTED;
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
	struct hr_carver c = {.model = m, .rule = carve_rule(m, m->search_top)};
	enum hr_status st;

	a->requests = calloc(n ? n : 1, sizeof(*a->requests));
	if (!a->requests || hr_space_what_if(&facts->iomem, ov, &c.space))
		return HR_E_NOMEM;
	st = m->can_place ? hr_free_space(&c.space, m->search_top, m->section_size, &a->free) : HR_OK;
	if (!st)
		st = hr_audit_gpus(a, facts, ov, &c);
	for (size_t i = 0; i < n && !st; i++)
		st = hr_carver_judge(&c, sizes[i], true, &a->requests[i]);
	hr_space_free(&c.space);
	return st;
}

static void explain_kernel(struct hr_audit *a, const struct hr_facts *facts)
{
	const struct hr_model *m = &a->model;

	if (!m->arch_supported)
		add_finding(a, "arch-unsupported", HR_ERROR,
			    "the inputs look like neither x86_64 nor arm64 (%s): no model applies", m->arch);
	if (facts->cmdline.mem[0] || facts->cmdline.memmap_count)
		add_finding(a, "cmdline-memory", HR_INFO,
			    "/proc/cmdline has %s%s%s%s: the kernel already applied it to /proc/iomem, so the "
			    "map and the top of RAM (which sizes the KASLR direct map) are read as it left them",
			    facts->cmdline.mem[0] ? "mem=" : "", facts->cmdline.mem,
			    facts->cmdline.mem[0] && facts->cmdline.memmap_count ? " and " : "",
			    facts->cmdline.memmap_count ? "memmap=" : "");
	if (m->sublevel_matters)
		add_finding(a, "kernel-sublevel-unknown", HR_WARNING,
			    "the stable sublevel of %d.%d is unknown (%s), and that branch took backports "
			    "that change the search: give --kernel-version", m->version.major,
			    m->version.minor, m->version_basis);
	if (m->version_source == HR_SRC_UNKNOWN)
		add_finding(a, "kernel-version-unknown", HR_WARNING,
			    "kernel version unknown: the version rules assume the oldest behaviour; give "
			    "--kernel-version");
	if (m->device_private_source == HR_SRC_OVERRIDE)
		add_finding(a, "device-private-override", HR_INFO,
			    "CONFIG_ZONE_DEVICE and CONFIG_DEVICE_PRIVATE taken as %s (--device-private), not "
			    "from the kernel config", m->device_private == HR_YES ? "on" : "off");
	else if (m->device_private == HR_UNKNOWN)
		add_finding(a, "kconfig-missing", HR_WARNING,
			    "no kernel config was readable, so whether CONFIG_DEVICE_PRIVATE is on is unknown");
	else if (m->zone_device == HR_NO || m->device_private == HR_NO)
		add_finding(a, "device-private-off", HR_WARNING,
			    "%s is not set in %s: no driver can register device-private memory on this "
			    "kernel, under either scheme",
			    m->zone_device == HR_NO ? "CONFIG_ZONE_DEVICE" : "CONFIG_DEVICE_PRIVATE",
			    facts->config.path);
	if (!facts->symbols.btf && !facts->symbols.kallsyms)
		add_finding(a, "symbols-unreadable", HR_WARNING,
			    "neither /sys/kernel/btf/vmlinux nor /proc/kallsyms was readable: whether the "
			    "kernel has memremap_device_private_pagemap() is unknown");
	if (m->new_scheme)
		add_finding(a, "new-scheme-present", HR_INFO,
			    "this kernel has memremap_device_private_pagemap(): converted drivers need no "
			    "physical address space");
	if (m->direct_map_end.source == HR_SRC_MODELLED && m->has_clamp && !m->arm64)
		add_finding(a, "direct-map-end-modelled", HR_INFO,
			    "the direct-map end is modelled, not read from the kernel (needs root, "
			    "CONFIG_KALLSYMS_ALL and /proc/kcore on the live machine)");
}

enum hr_status hr_audit_judge(const struct hr_facts *facts, const struct hr_overrides *ov,
			      const uint64_t *sizes, size_t n_sizes, struct hr_audit *a)
{
	enum hr_status st;

	memset(a, 0, sizeof(*a));
	report_input_problems(facts, a);
	hr_model_build(facts, ov, &a->model);
	a->scheme_new = ov->scheme == 1;
	report_memmap_mismatches(facts, a);
	if (a->model.map_ok)
		find_existing_carves(facts, a);
	explain_kernel(a, facts);
	st = judge_carves(a, facts, ov, sizes, n_sizes);
	if (st)
		return st;
	a->n_requests = n_sizes;
	a->inconclusive = a->model.inconclusive ||
			  ((n_sizes || a->n_gpus) && a->model.device_private == HR_UNKNOWN);
	return HR_OK;
}

enum hr_status hr_audit_run(const struct hr_facts *facts, const struct hr_overrides *ov,
			    const uint64_t *sizes, size_t n_sizes, struct hr_audit *a)
{
	enum hr_status st = hr_audit_judge(facts, ov, sizes, n_sizes, a);

	if (!st && a->model.can_place)
		st = hr_audit_advise(a, facts, ov, sizes, n_sizes);
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
	memset(a, 0, sizeof(*a));
}

int hr_audit_exit_code(const struct hr_audit *a)
{
	bool fails = false;

	/* A failure that holds whatever the missing facts are (CONFIG_DEVICE_PRIVATE off) is certain. */
	for (size_t i = 0; i < a->n_requests; i++) {
		if (a->requests[i].legacy == HR_UNSUPPORTED)
			return 1;
		fails |= hr_audit_carve_fails(a, &a->requests[i]);
	}
	for (size_t i = 0; i < a->n_gpus; i++)
		fails |= a->gpus[i].fails;
	if (a->inconclusive)
		return 2;
	return fails ? 1 : 0;
}
