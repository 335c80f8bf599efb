/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One map of the physical address space from every source: each top-level /proc/iomem entry with
 * the sources whose ranges cover it, then the parts of firmware ranges that iomem does not show;
 * and findings where the sources disagree. */
#ifndef HEADROOM_MERGED_MAP_H
#define HEADROOM_MERGED_MAP_H

#include <stddef.h>
#include <stdint.h>
#include "headroom/carve.h"
#include "headroom/model.h"

struct hr_audit;

enum hr_map_source {
	HR_MS_IOMEM = 1u << 0,
	HR_MS_E820 = 1u << 1,		/* boot_params' E820 table */
	HR_MS_MEMMAP = 1u << 2,		/* /sys/firmware/memmap */
	HR_MS_SRAT = 1u << 3,
	HR_MS_MCFG = 1u << 4,
	HR_MS_CEDT = 1u << 5,
	HR_MS_CRS = 1u << 6,		/* a host bridge's _CRS window */
	HR_MS_DT = 1u << 7,		/* a device tree */
	HR_MS_LAST = HR_MS_DT,
};

struct hr_merged_range {
	uint64_t start, end;
	/* The iomem name (the facts' own string: they outlive the map), or what the firmware
	 * declared (held by the map). A pointer: a map of 10^5 iomem entries stays a few MiB. */
	const char *name;
	unsigned sources;	/* enum hr_map_source bits */
};

/* iomem's top level stays in the facts, in the kernel's order, and is merged with the ranges as
 * they are walked: copied, a map of 10^5 entries took 3 MiB more. A damaged iomem, out of order,
 * is copied into the ranges and sorted with them. */
struct hr_merged_map {
	struct hr_merged_range *ranges;	/* by start: the rest of the map */
	size_t count;
	struct hr_declared *declared;	/* the firmware's ranges, which name the rest */
	size_t n_declared;
	const struct hr_iomem *iomem;	/* the facts' iomem, when in order */
};

/* Where a walk of the map stands; starts zeroed. */
struct hr_merged_walk {
	size_t iomem, range;
};

/* "iomem", "e820", "memmap", "SRAT", "MCFG", "CEDT", "_CRS", "dt". */
const char *hr_map_source_name(enum hr_map_source source);

/* The map of facts, which must outlive it. */
enum hr_status hr_merged_map_build(const struct hr_facts *facts, struct hr_merged_map *out);

/* The map's next range by start into *range; false after the last. */
bool hr_merged_map_next(const struct hr_merged_map *map, struct hr_merged_walk *walk,
			struct hr_merged_range *range);

/* Findings where the sources disagree (codes in README): fw-window-missing, iomem-window-undeclared,
 * mcfg-not-reserved, fw-beyond-phys-bits. m gives the addressable end. */
void hr_merged_map_check(const struct hr_facts *facts, const struct hr_model *m,
			 struct hr_audit *audit);

/* The first SRAT hot-pluggable range or CXL window that r overlaps, as a name; NULL if none. */
const char *hr_firmware_reserved_overlap(const struct hr_firmware *fw, struct hr_range r,
					 struct hr_range *hit);

void hr_merged_map_free(struct hr_merged_map *map);

#endif
