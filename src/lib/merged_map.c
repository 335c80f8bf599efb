// SPDX-License-Identifier: GPL-2.0-or-later
/* The merged map and the disagreements between its sources. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/audit.h"
#include "headroom/merged_map.h"

#define GiB4 0x100000000ull

/* A range one firmware source declares. */
struct hr_declared {
	uint64_t start, end;
	unsigned source;
	char name[128];
};

const char *hr_map_source_name(enum hr_map_source source)
{
	switch (source) {
	case HR_MS_IOMEM: return "iomem";
	case HR_MS_E820: return "e820";
	case HR_MS_MEMMAP: return "memmap";
	case HR_MS_SRAT: return "SRAT";
	case HR_MS_MCFG: return "MCFG";
	case HR_MS_CEDT: return "CEDT";
	case HR_MS_CRS: return "_CRS";
	case HR_MS_DT: return "dt";
	}
	return "?";
}

/* False when out of memory, as everything that adds to the map: a map must not lack a range. */
static bool declare(struct hr_merged_map *l, uint64_t start, uint64_t end, unsigned source,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool declare(struct hr_merged_map *l, uint64_t start, uint64_t end, unsigned source,
		    const char *fmt, ...)
{
	struct hr_declared *d = hr_fw_append(&l->declared, &l->n_declared, sizeof(*d), SIZE_MAX);
	va_list ap;

	if (!d)
		return false;
	d->start = start;
	d->end = end;
	d->source = source;
	va_start(ap, fmt);
	vsnprintf(d->name, sizeof(d->name), fmt, ap);
	va_end(ap);
	return true;
}

static bool is_memory_window(const struct hr_fw_window *w)
{
	return w->type == HR_WIN_MEM || w->type == HR_WIN_MEM64;
}

/* Every range the firmware sources declare (memory space only). */
static bool collect(const struct hr_facts *f, struct hr_merged_map *l)
{
	const struct hr_firmware *fw = &f->firmware;
	bool ok = true;

	for (size_t i = 0; i < f->e820.count; i++)
		ok &= declare(l, f->e820.entries[i].start, f->e820.entries[i].end, HR_MS_E820,
			      "%s (e820)", hr_e820_type_name(f->e820.entries[i].type));
	for (size_t i = 0; i < f->memmap.count; i++)
		ok &= declare(l, f->memmap.entries[i].start, f->memmap.entries[i].end, HR_MS_MEMMAP,
			"%s (memmap)", hr_e820_type_name(f->memmap.entries[i].type));
	for (size_t i = 0; i < fw->n_affinity; i++) {
		const struct hr_mem_affinity *a = &fw->affinity[i];

		ok &= declare(l, a->start, a->end, a->source == HR_FW_DT ? HR_MS_DT : HR_MS_SRAT,
			"node %u memory%s%s", a->node, a->hotpluggable ? ", hot-pluggable" : "",
			a->nonvolatile ? ", non-volatile" : "");
	}
	for (size_t i = 0; i < fw->n_ecam; i++)
		ok &= declare(l, fw->ecam[i].start, fw->ecam[i].end,
			fw->ecam[i].source == HR_FW_DT ? HR_MS_DT : HR_MS_MCFG,
			"ECAM segment %u [bus %02x-%02x]", fw->ecam[i].segment, fw->ecam[i].bus_start,
			fw->ecam[i].bus_end);
	for (size_t i = 0; i < fw->n_cxl; i++)
		ok &= declare(l, fw->cxl[i].start, fw->cxl[i].end, HR_MS_CEDT, "CXL fixed memory window");
	for (size_t i = 0; i < fw->n_bridges; i++)
		for (size_t j = 0; j < fw->bridges[i].n_windows; j++) {
			const struct hr_fw_window *w = &fw->bridges[i].windows[j];

			if (is_memory_window(w))
				ok &= declare(l, w->start, w->end,
					      w->source == HR_FW_DT ? HR_MS_DT : HR_MS_CRS, "%s window%s",
					      fw->bridges[i].path, w->prefetchable ? " (prefetchable)" : "");
		}
	return ok;
}

static void finding(struct hr_audit *a, const char *code, enum hr_severity sev, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

static void finding(struct hr_audit *a, const char *code, enum hr_severity sev, const char *fmt,
		    ...)
{
	char message[sizeof(a->findings->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	hr_audit_add_finding(a, code, sev, message);
}

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 <= e2 && s2 <= e1;
}

/* Append a range; a declared piece (first_declared: the index where they begin, after iomem's)
 * that another source declared the same way joins that one, so that one range has both sources.
 * Only the declared pieces are searched: iomem's many entries never merge. */
static struct hr_merged_range *add_range(struct hr_merged_map *map, size_t first_declared,
					 uint64_t start, uint64_t end, unsigned sources,
					 const char *name)
{
	struct hr_merged_range *r;

	for (size_t i = first_declared; i < map->count; i++)
		if (map->ranges[i].start == start && map->ranges[i].end == end) {
			map->ranges[i].sources |= sources;
			return &map->ranges[i];
		}
	r = hr_fw_append(&map->ranges, &map->count, sizeof(*r), SIZE_MAX);
	if (r)
		*r = (struct hr_merged_range){.start = start, .end = end, .name = name,
					      .sources = sources};
	return r;
}

/* The parts of d that no top-level iomem entry covers. */
static bool add_uncovered(struct hr_merged_map *map, size_t first_declared,
			  const struct hr_iomem *iomem, const struct hr_declared *d)
{
	uint64_t next = d->start;

	for (size_t i = 0; i < iomem->count && next <= d->end; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (e->depth || !overlaps(e->start, e->end, next, d->end))
			continue;
		if (e->start > next &&
		    !add_range(map, first_declared, next, e->start - 1, d->source, d->name))
			return false;
		if (e->end >= d->end)
			return true;
		next = e->end + 1;
	}
	return next > d->end || next < d->start ||
	       add_range(map, first_declared, next, d->end, d->source, d->name);
}

static int by_start(const void *a, const void *b)
{
	const struct hr_merged_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end;
}

/* A top-level iomem entry as a range of the map, with every source that declares it whole. */
static struct hr_merged_range iomem_range(const struct hr_merged_map *map,
					  const struct hr_iomem_entry *e)
{
	struct hr_merged_range r = {.start = e->start, .end = e->end, .name = e->name,
				    .sources = HR_MS_IOMEM};

	for (size_t j = 0; j < map->n_declared; j++)
		if (map->declared[j].start <= e->start && e->end <= map->declared[j].end)
			r.sources |= map->declared[j].source;
	return r;
}

/* Whether iomem's top level is in by_start order, as the kernel lists it. */
static bool in_order(const struct hr_iomem *iomem)
{
	const struct hr_iomem_entry *prev = NULL;

	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (e->depth)
			continue;
		if (prev && by_start(&(struct hr_merged_range){.start = prev->start, .end = prev->end},
				     &(struct hr_merged_range){.start = e->start, .end = e->end}) > 0)
			return false;
		prev = e;
	}
	return true;
}

enum hr_status hr_merged_map_build(const struct hr_facts *f, struct hr_merged_map *out)
{
	size_t first_declared;
	bool ok;

	*out = (struct hr_merged_map){0};
	ok = collect(f, out);
	if (in_order(&f->iomem))
		out->iomem = &f->iomem;
	else
		for (size_t i = 0; ok && i < f->iomem.count; i++)
			if (!f->iomem.entries[i].depth) {
				struct hr_merged_range *r = hr_fw_append(&out->ranges, &out->count,
									 sizeof(*r), SIZE_MAX);

				if (r)
					*r = iomem_range(out, &f->iomem.entries[i]);
				ok = r != NULL;
			}
	/* Found walking iomem in its order, the kernel's (sorted and flat at the top level: it refuses
	 * overlaps there); in a damaged file out of order, a covered part can look uncovered. */
	first_declared = out->count;
	for (size_t j = 0; ok && j < out->n_declared; j++)
		ok = add_uncovered(out, first_declared, &f->iomem, &out->declared[j]);
	if (!ok) {
		hr_merged_map_free(out);
		return HR_E_NOMEM;
	}
	if (out->count)
		qsort(out->ranges, out->count, sizeof(*out->ranges), by_start);
	return HR_OK;
}

bool hr_merged_map_next(const struct hr_merged_map *map, struct hr_merged_walk *walk,
			struct hr_merged_range *range)
{
	const struct hr_iomem *iomem = map->iomem;
	struct hr_merged_range top;

	while (iomem && walk->iomem < iomem->count && iomem->entries[walk->iomem].depth)
		walk->iomem++;
	if (iomem && walk->iomem < iomem->count) {
		top = iomem_range(map, &iomem->entries[walk->iomem]);
		if (walk->range == map->count || by_start(&top, &map->ranges[walk->range]) <= 0) {
			*range = top;
			walk->iomem++;
			return true;
		}
	}
	if (walk->range == map->count)
		return false;
	*range = map->ranges[walk->range++];
	return true;
}

void hr_merged_map_free(struct hr_merged_map *map)
{
	free(map->ranges);
	free(map->declared);
	*map = (struct hr_merged_map){0};
}

static bool iomem_overlaps(const struct hr_iomem *iomem, uint64_t start, uint64_t end,
			   const char *prefix, bool top_only)
{
	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if ((!top_only || !e->depth) && overlaps(e->start, e->end, start, end) &&
		    !strncmp(e->name, prefix, strlen(prefix)))
			return true;
	}
	return false;
}

/* The name of the top-level iomem entry that covers start..end whole, NULL if none. */
static const char *top_level_cover(const struct hr_iomem *iomem, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (!e->depth && e->start <= start && end <= e->end)
			return e->name;
	}
	return NULL;
}

static bool windows_known(const struct hr_firmware *fw)
{
	if (fw->aml != HR_AML_EVALUATED || !fw->n_bridges)
		return false;
	for (size_t i = 0; i < fw->n_bridges; i++)
		if (fw->bridges[i].windows_unknown)
			return false;
	return true;
}

static bool declared_window(const struct hr_firmware *fw, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < fw->n_bridges; i++)
		for (size_t j = 0; j < fw->bridges[i].n_windows; j++) {
			const struct hr_fw_window *w = &fw->bridges[i].windows[j];

			if (is_memory_window(w) && overlaps(w->start, w->end, start, end))
				return true;
		}
	return false;
}

/* How iomem names a host bridge's window: "PCI Bus dddd:bb" (ACPI), or the device-tree node's
 * name (of_pci_range_to_resource() names the resource after the node). */
static const char *window_name(const struct hr_host_bridge *b, const struct hr_fw_window *w)
{
	const char *slash = strrchr(b->path, '/');

	return w->source == HR_FW_DT && slash ? slash + 1 : "PCI Bus";
}

static void check_windows(const struct hr_facts *f, uint64_t iomem_end, struct hr_audit *a)
{
	const struct hr_firmware *fw = &f->firmware;

	for (size_t i = 0; i < fw->n_bridges; i++)
		for (size_t j = 0; j < fw->bridges[i].n_windows; j++) {
			const struct hr_fw_window *w = &fw->bridges[i].windows[j];

			if (!is_memory_window(w))
				continue;
			if (w->end > iomem_end)
				finding(a, "fw-beyond-phys-bits", HR_WARNING,
					"%s declares the window %#llx-%#llx (%s), which ends past "
					"the last address the CPU can reach (%#llx): the kernel "
					"clips it there (acpi_pci_root_validate_resources)",
					fw->bridges[i].path, (unsigned long long)w->start,
					(unsigned long long)w->end, hr_fw_source_name(w->source),
					(unsigned long long)iomem_end);
			if (w->start <= iomem_end &&
			    !iomem_overlaps(&f->iomem, w->start, w->end, window_name(&fw->bridges[i], w),
					    true))
				finding(a, "fw-window-missing", HR_WARNING,
					"%s declares the window %#llx-%#llx (%s), and /proc/iomem has "
					"no %s entry there: the kernel did not take it",
					fw->bridges[i].path, (unsigned long long)w->start,
					(unsigned long long)w->end, hr_fw_source_name(w->source),
					window_name(&fw->bridges[i], w));
		}
	if (!windows_known(fw))
		return;
	for (size_t i = 0; i < f->iomem.count; i++) {
		const struct hr_iomem_entry *e = &f->iomem.entries[i];

		if (!e->depth && !strncmp(e->name, "PCI Bus", 7) &&
		    !declared_window(fw, e->start, e->end))
			finding(a, "iomem-window-undeclared", HR_INFO,
				"/proc/iomem has %s at %#llx-%#llx, and no host bridge's _CRS "
				"declares it", e->name, (unsigned long long)e->start,
				(unsigned long long)e->end);
	}
}

/* The hotplug-range hazard of one carve (a request, or a GPU's), as a finding naming the range. */
static void carve_in_hotplug(struct hr_audit *a, const struct hr_firmware *fw,
			     const struct hr_request_result *r, const char *who)
{
	struct hr_range hit;
	const char *what;

	if (!(r->hazards & HR_HAZARD_HOTPLUG_RANGE) ||
	    !(what = hr_firmware_reserved_overlap(fw, r->placement, &hit)))
		return;
	finding(a, "carve-in-hotplug-range", HR_WARNING,
		"the %s's %llu-byte carve would land at %#llx-%#llx, inside %s %#llx-%#llx: memory "
		"hot-added there later finds the space taken", who, (unsigned long long)r->size,
		(unsigned long long)r->placement.start, (unsigned long long)r->placement.end, what,
		(unsigned long long)hit.start, (unsigned long long)hit.end);
}

void hr_merged_map_check(const struct hr_facts *f, const struct hr_model *m,
			 struct hr_audit *a)
{
	const struct hr_firmware *fw = &f->firmware;
	uint64_t iomem_end = m->iomem_end.value;

	if (fw->aml == HR_AML_NO_ACPIEXEC || fw->aml == HR_AML_FAILED)
		finding(a, "acpi-aml-unevaluated", HR_INFO, "%s", fw->aml_detail);
	for (size_t i = 0; i < a->n_requests; i++)
		carve_in_hotplug(a, fw, &a->requests[i], "request");
	for (size_t i = 0; i < a->n_gpus; i++)
		for (size_t j = 0; j < a->gpus[i].n_carves; j++)
			carve_in_hotplug(a, fw, &a->gpus[i].carves[j].r, a->gpus[i].gpu.bdf);
	if (!m->map_ok)
		return;
	if (m->iomem_end.source != HR_SRC_UNKNOWN) {
		check_windows(f, iomem_end, a);
		for (size_t i = 0; i < fw->n_affinity; i++)
			if (fw->affinity[i].end > iomem_end && !fw->affinity[i].hotpluggable)
				finding(a, "fw-beyond-phys-bits", HR_WARNING,
					"%s declares memory at %#llx-%#llx, past the last address "
					"the CPU can reach (%#llx)", fw->affinity[i].source ==
					HR_FW_DT ? "the device tree" : "SRAT",
					(unsigned long long)fw->affinity[i].start,
					(unsigned long long)fw->affinity[i].end,
					(unsigned long long)iomem_end);
		for (size_t i = 0; i < f->iomem.count; i++) {
			const struct hr_iomem_entry *e = &f->iomem.entries[i];

			if (!e->depth && e->end > iomem_end && !strcmp(e->name, "System RAM"))
				finding(a, "fw-beyond-phys-bits", HR_WARNING,
					"System RAM at %#llx-%#llx ends past the last address the "
					"CPU can reach (%#llx)", (unsigned long long)e->start,
					(unsigned long long)e->end, (unsigned long long)iomem_end);
		}
	}
	for (size_t i = 0; i < fw->n_ecam; i++) {
		const struct hr_ecam *e = &fw->ecam[i];
		const char *cover = top_level_cover(&f->iomem, e->start, e->end);

		/* "PCI ECAM" in newer kernels (arch/x86/pci/mmconfig-shared.c), "PCI MMCONFIG" before. */
		if (iomem_overlaps(&f->iomem, e->start, e->end, "PCI MMCONFIG", false) ||
		    iomem_overlaps(&f->iomem, e->start, e->end, "PCI ECAM", false))
			continue;
		finding(a, "mcfg-not-reserved", cover ? HR_INFO : HR_WARNING,
			"%s declares ECAM for segment %u [bus %02x-%02x] at %#llx-%#llx, and "
			"/proc/iomem has no PCI MMCONFIG (or ECAM) entry for it%s%s%s",
			e->source == HR_FW_DT ? "The device tree" : "MCFG", e->segment,
			e->bus_start, e->bus_end, (unsigned long long)e->start,
			(unsigned long long)e->end, cover ? " (the top-level \"" : ": nothing "
			"keeps a carve out of it", cover ? cover : "", cover ? "\" entry still "
			"covers it)" : "");
	}
}

const char *hr_firmware_reserved_overlap(const struct hr_firmware *fw, struct hr_range r,
					 struct hr_range *hit)
{
	for (size_t i = 0; i < fw->n_affinity; i++)
		if (fw->affinity[i].hotpluggable &&
		    overlaps(fw->affinity[i].start, fw->affinity[i].end, r.start, r.end)) {
			*hit = (struct hr_range){fw->affinity[i].start, fw->affinity[i].end};
			return fw->affinity[i].source == HR_FW_DT ? "a hot-pluggable memory range"
				: "SRAT's hot-pluggable range";
		}
	for (size_t i = 0; i < fw->n_cxl; i++)
		if (overlaps(fw->cxl[i].start, fw->cxl[i].end, r.start, r.end)) {
			*hit = (struct hr_range){fw->cxl[i].start, fw->cxl[i].end};
			return "a CXL fixed memory window (CEDT)";
		}
	return NULL;
}
