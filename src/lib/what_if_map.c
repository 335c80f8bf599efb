// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "what_if_map.h"

static bool is_ram(const struct hr_iomem_entry *e)
{
	return e->depth == 0 && strcmp(e->name, "System RAM") == 0;
}

const struct hr_iomem_entry *hr_pci_window64(const struct hr_iomem *iomem)
{
	const struct hr_iomem_entry *best = NULL;

	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (e->depth == 0 && e->start >= HR_4G && strncmp(e->name, "PCI Bus", 7) == 0 &&
		    (!best || e->end - e->start > best->end - best->start))
			best = e;
	}
	return best;
}

/* RAM below 4 GiB stays as captured (firmware keeps its holes there); the rest is one range from
 * 4 GiB up, as QEMU lays out guest RAM. */
static uint64_t ram_below_4g(const struct hr_iomem *iomem)
{
	uint64_t low = 0;

	for (size_t i = 0; i < iomem->count; i++)
		if (is_ram(&iomem->entries[i]) && iomem->entries[i].end < HR_4G)
			low += iomem->entries[i].end - iomem->entries[i].start + 1;
	return low;
}

uint64_t hr_what_if_ram_top(const struct hr_iomem *iomem, uint64_t ram)
{
	uint64_t low = ram_below_4g(iomem);

	return ram > low ? HR_4G + (ram - low) - 1 : low - 1;
}

enum hr_status hr_space_what_if(const struct hr_iomem *iomem, const struct hr_overrides *ov,
				struct hr_space *space)
{
	const struct hr_iomem_entry *window = hr_pci_window64(iomem);
	uint64_t old_top = 0, new_top = 0, shift = 0;
	enum hr_status st = HR_OK;

	if (!ov->ram && !ov->have_hole64)
		return hr_space_from_iomem(iomem, space);
	if (ov->ram) {
		uint64_t bottom;

		hr_iomem_ram_bounds(iomem, &bottom, &old_top);
		new_top = hr_what_if_ram_top(iomem, ov->ram);
		/* Firmware puts the 64-bit window above the RAM: it moves with the RAM's top. */
		shift = new_top > old_top ? new_top - old_top : 0;
	}
	*space = (struct hr_space){0};
	for (size_t i = 0; i < iomem->count && !st; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];
		struct hr_range r = {e->start, e->end};

		if (e->depth)
			continue;
		if (ov->ram && is_ram(e) && e->start >= HR_4G)
			continue;
		if (e == window && ov->have_hole64)
			continue;
		if (e == window && ov->ram && e->start > old_top)
			r = (struct hr_range){e->start + shift, e->end + shift};
		st = hr_space_add(space, r);
	}
	if (!st && ov->ram && new_top >= HR_4G)
		st = hr_space_add(space, (struct hr_range){HR_4G, new_top});
	if (!st && ov->have_hole64)
		st = hr_space_add(space, (struct hr_range){ov->hole64_start,
							  ov->hole64_start + ov->hole64_size - 1});
	if (st)
		hr_space_free(space);
	return st;
}

/* Top-level entries by start, the order the kernel keeps them in. */
static int by_start(const void *x, const void *y)
{
	const struct hr_iomem_entry *a = x, *b = y;

	return a->start < b->start ? -1 : a->start > b->start;
}

enum hr_status hr_iomem_what_if(const struct hr_iomem *iomem, const struct hr_overrides *ov,
				struct hr_iomem *out)
{
	const struct hr_iomem_entry *window = hr_pci_window64(iomem);
	uint64_t bottom, old_top = 0, new_top = 0, shift = 0;
	size_t n = 0;

	*out = (struct hr_iomem){0};
	out->entries = calloc(iomem->top_count + 2, sizeof(*out->entries));
	if (!out->entries)
		return HR_E_NOMEM;
	if (ov->ram) {
		hr_iomem_ram_bounds(iomem, &bottom, &old_top);
		new_top = hr_what_if_ram_top(iomem, ov->ram);
		shift = new_top > old_top ? new_top - old_top : 0;
	}
	/* The same edits as hr_space_what_if(), on the named entries; the children go with their
	 * parents' moves, so only the top level is kept. */
	for (size_t i = 0; i < iomem->count && n < iomem->top_count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (e->depth || (ov->ram && is_ram(e) && e->start >= HR_4G) ||
		    (e == window && ov->have_hole64))
			continue;
		out->entries[n] = *e;
		if (e == window && ov->ram && e->start > old_top) {
			out->entries[n].start += shift;
			out->entries[n].end += shift;
			out->entries[n].name = (char *)HR_WHAT_IF_MOVED;
		}
		n++;
	}
	if (ov->ram && new_top >= HR_4G)
		out->entries[n++] = (struct hr_iomem_entry){HR_4G, new_top, 0, 0,
							    (char *)HR_WHAT_IF_RAM};
	if (ov->have_hole64)
		out->entries[n++] = (struct hr_iomem_entry){ov->hole64_start,
			ov->hole64_start + ov->hole64_size - 1, 0, 0, (char *)HR_WHAT_IF_WINDOW};
	qsort(out->entries, n, sizeof(*out->entries), by_start);
	out->count = out->top_count = n;
	return HR_OK;
}
