/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The replay of get_free_mem_region() over the top-level entries of /proc/iomem. */
#ifndef HEADROOM_CARVE_H
#define HEADROOM_CARVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/iomem.h"

struct hr_range {
	uint64_t start, end;	/* inclusive */
};

/* Bytes in r (start <= end): end - start + 1, saturated at UINT64_MAX for the one range that holds
 * 2^64 bytes, [0, 2^64 - 1] (hr_range_is_everything() tells it apart). */
uint64_t hr_range_size(struct hr_range r);
bool hr_range_is_everything(struct hr_range r);

/* The occupied space: every top-level entry, plus the carves made so far. */
struct hr_space {
	struct hr_range *busy;		/* sorted by start */
	uint64_t *max_end;		/* max_end[i]: highest end among busy[0..i] */
	/* block_gap[b]: the largest free run just below one of busy[b * HR_SPACE_BLOCK ...] and
	 * above all before it, so that a search passes a dense stretch a block at a time. */
	uint64_t *block_gap;
	size_t count, cap;
};

#define HR_SPACE_BLOCK 64

enum hr_status hr_space_from_iomem(const struct hr_iomem *iomem, struct hr_space *space);
enum hr_status hr_space_add(struct hr_space *space, struct hr_range range);
void hr_space_free(struct hr_space *space);

struct hr_carve_rule {
	uint64_t top;		/* min(iomem_resource.end, the direct-map end the kernel uses) */
	uint64_t align;		/* GFR_DEFAULT_ALIGN: the memory section */
	bool step_by_align;	/* 659aa050: step by align, else by the aligned size */
};

/* Where request_free_mem_region(&iomem_resource, size, ...) lands: the first candidate, walking down
 * from top - size + 1 by the step while the candidate is above the step, that overlaps no busy
 * range. False for -ERANGE. It does not modify space: add the result to model sequential carves. */
bool hr_carve(const struct hr_space *space, const struct hr_carve_rule *rule, uint64_t size,
	      struct hr_range *out);

/* Section-aligned free space at or below top that no busy range covers. */
struct hr_free {
	struct hr_range *gaps;		/* runs of whole free sections, in address order */
	size_t count, cap;
	uint64_t total;
	struct hr_range largest;	/* the first of the largest runs; {0, 0} when none */
};

enum hr_status hr_free_space(const struct hr_space *space, uint64_t top, uint64_t align,
			     struct hr_free *out);
void hr_free_release(struct hr_free *free_space);

/* ALIGN(size, align), false on overflow. */
bool hr_align_up(uint64_t size, uint64_t align, uint64_t *out);

#endif
