// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/carve.h"
#include "headroom/parse.h"

uint64_t hr_range_size(struct hr_range r)
{
	return hr_range_is_everything(r) ? UINT64_MAX : r.end - r.start + 1;
}

bool hr_range_is_everything(struct hr_range r)
{
	return r.start == 0 && r.end == UINT64_MAX;
}

static int range_cmp(const void *a, const void *b)
{
	const struct hr_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The free bytes just below busy[i] and above everything before it: no candidate larger than
 * this can end between busy[i - 1].start and busy[i].start. */
static uint64_t gap_below(const struct hr_space *space, size_t i)
{
	if (!i)
		return space->busy[0].start;
	return space->busy[i].start > space->max_end[i - 1]
	       ? space->busy[i].start - space->max_end[i - 1] - 1 : 0;
}

static void update_gap_block(struct hr_space *space, size_t block)
{
	size_t end = (block + 1) * HR_SPACE_BLOCK;
	uint64_t largest = 0;

	for (size_t i = block * HR_SPACE_BLOCK; i < end && i < space->count; i++)
		if (gap_below(space, i) > largest)
			largest = gap_below(space, i);
	space->block_gap[block] = largest;
}

/* max_end[i] = the highest end among busy[0..i], so that one look answers "does anything at or
 * below index i reach this address?" even when corrupt input overlaps; and the gaps from there. */
static void update_max_end(struct hr_space *space, size_t from)
{
	for (size_t i = from; i < space->count; i++)
		space->max_end[i] = i && space->max_end[i - 1] > space->busy[i].end
				    ? space->max_end[i - 1] : space->busy[i].end;
	for (size_t b = from / HR_SPACE_BLOCK; b * HR_SPACE_BLOCK < space->count; b++)
		update_gap_block(space, b);
}

static enum hr_status reserve(struct hr_space *space, size_t cap)
{
	struct hr_range *busy;
	uint64_t *max_end, *block_gap;

	if (cap <= space->cap)
		return HR_OK;
	busy = realloc(space->busy, cap * sizeof(*busy));
	if (!busy)
		return HR_E_NOMEM;
	space->busy = busy;
	max_end = realloc(space->max_end, cap * sizeof(*max_end));
	if (!max_end)
		return HR_E_NOMEM;
	space->max_end = max_end;
	block_gap = realloc(space->block_gap, (cap / HR_SPACE_BLOCK + 1) * sizeof(*block_gap));
	if (!block_gap)
		return HR_E_NOMEM;
	space->block_gap = block_gap;
	space->cap = cap;
	return HR_OK;
}

enum hr_status hr_space_add(struct hr_space *space, struct hr_range range)
{
	size_t i, lo = 0, hi = space->count;

	/* Binary search: lo becomes the number of ranges starting at or below range.start. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (space->busy[mid].start <= range.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* A range touching its neighbour joins it: the same space, and thousands of chunk carves
	 * (nouveau) stay one entry instead of an ever longer array. */
	if (lo > 0 && space->busy[lo - 1].end < range.start && space->busy[lo - 1].end + 1 == range.start) {
		space->busy[lo - 1].end = range.end;
		/* Filling a hole between two ranges joins all three. */
		if (lo < space->count && range.end < space->busy[lo].start &&
		    range.end + 1 == space->busy[lo].start) {
			space->busy[lo - 1].end = space->busy[lo].end;
			memmove(&space->busy[lo], &space->busy[lo + 1],
				(space->count - lo - 1) * sizeof(*space->busy));
			space->count--;
		}
		update_max_end(space, lo - 1);
		return HR_OK;
	}
	if (lo < space->count && range.end < space->busy[lo].start &&
	    range.end + 1 == space->busy[lo].start) {
		space->busy[lo].start = range.start;
		update_gap_block(space, lo / HR_SPACE_BLOCK);
		return HR_OK;
	}
	if (space->count == space->cap && reserve(space, space->cap ? space->cap * 2 : 64))
		return HR_E_NOMEM;
	/* Keep the array sorted by start. */
	for (i = space->count; i > 0 && space->busy[i - 1].start > range.start; i--)
		space->busy[i] = space->busy[i - 1];
	space->busy[i] = range;
	space->count++;
	update_max_end(space, i);
	return HR_OK;
}

enum hr_status hr_space_from_iomem(const struct hr_iomem *iomem, struct hr_space *space)
{
	*space = (struct hr_space){0};
	if (reserve(space, iomem->top_count + 16)) {
		hr_space_free(space);
		return HR_E_NOMEM;
	}
	for (size_t i = 0; i < iomem->count; i++)
		if (iomem->entries[i].depth == 0)
			space->busy[space->count++] =
				(struct hr_range){iomem->entries[i].start, iomem->entries[i].end};
	qsort(space->busy, space->count, sizeof(*space->busy), range_cmp);
	update_max_end(space, 0);
	return HR_OK;
}

void hr_space_free(struct hr_space *space)
{
	free(space->busy);
	free(space->max_end);
	free(space->block_gap);
	*space = (struct hr_space){0};
}

bool hr_align_up(uint64_t size, uint64_t align, uint64_t *out)
{
	uint64_t rem = size % align;

	if (rem && size > UINT64_MAX - (align - rem))
		return false;
	*out = rem ? size + (align - rem) : size;
	return true;
}

/* The busy range with the highest start among those overlapping [start, end], or NULL. */
static const struct hr_range *highest_overlap(const struct hr_space *space, uint64_t start,
					      uint64_t end)
{
	size_t lo = 0, hi = space->count;

	/* Binary search: hi becomes the number of ranges starting at or below end. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (space->busy[mid].start <= end)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Walk down only while something at or below reaches start (one step unless ranges overlap). */
	for (size_t i = hi; i > 0 && space->max_end[i - 1] >= start; i--)
		if (space->busy[i - 1].end >= start)
			return &space->busy[i - 1];
	return NULL;
}

/* The highest index at or below i whose gap_below() holds size bytes, or SIZE_MAX: whole blocks
 * whose largest gap is smaller are passed in one step. */
static size_t highest_gap(const struct hr_space *space, size_t i, uint64_t size)
{
	for (size_t j = i + 1; j > 0;) {
		size_t block = (j - 1) / HR_SPACE_BLOCK;

		if (space->block_gap[block] < size) {
			j = block * HR_SPACE_BLOCK;
			continue;
		}
		j--;
		if (gap_below(space, j) >= size)
			return j;
	}
	return SIZE_MAX;
}

bool hr_carve(const struct hr_space *space, const struct hr_carve_rule *rule, uint64_t size,
	      struct hr_range *out)
{
	uint64_t aligned, step, addr;

	if (!size || !hr_align_up(size, rule->align, &aligned) || aligned > rule->top)
		return false;
	step = rule->step_by_align ? rule->align : aligned;
	/* kernel/resource.c: for (addr = end - size + 1; addr > step && addr >= base->start; addr -= step) */
	for (addr = rule->top - aligned + 1; addr > step;) {
		const struct hr_range *hit = highest_overlap(space, addr, addr + aligned - 1);
		uint64_t below, jumps;
		size_t gap;

		if (!hit) {
			*out = (struct hr_range){addr, addr + aligned - 1};
			return true;
		}
		/* A candidate that ends in a gap smaller than itself overlaps what lies below the gap:
		 * pass every obstacle down to the highest one whose gap can hold it, then jump straight
		 * to the first candidate that ends below that one. */
		gap = highest_gap(space, (size_t)(hit - space->busy), aligned);
		if (gap == SIZE_MAX)
			return false;
		hit = &space->busy[gap];
		if (hit->start < aligned)
			return false;
		below = hit->start - aligned;
		jumps = (addr - below + step - 1) / step;
		if (jumps > addr / step)
			return false;
		addr -= jumps * step;
	}
	return false;
}

/* Add the whole sections of [lo, hi], if any. */
static enum hr_status add_gap(struct hr_free *f, uint64_t lo, uint64_t hi, uint64_t align)
{
	uint64_t first, end_excl, size;

	if (!hr_align_up(lo, align, &first) || hi == UINT64_MAX)
		return HR_OK;
	end_excl = (hi + 1) / align * align;
	if (end_excl <= first)
		return HR_OK;
	if (hr_grow(&f->gaps, &f->cap, f->count, sizeof(*f->gaps), SIZE_MAX))
		return HR_E_NOMEM;
	f->gaps[f->count++] = (struct hr_range){first, end_excl - 1};
	size = end_excl - first;
	f->total += size;
	if (!f->largest.end || size > hr_range_size(f->largest))
		f->largest = (struct hr_range){first, end_excl - 1};
	return HR_OK;
}

enum hr_status hr_free_space(const struct hr_space *space, uint64_t top, uint64_t align,
			     struct hr_free *out)
{
	uint64_t cursor = 0;	/* lowest address not known to be busy */
	enum hr_status st = HR_OK;

	*out = (struct hr_free){0};
	for (size_t i = 0; i < space->count && !st; i++) {
		const struct hr_range *r = &space->busy[i];

		if (r->start > top)
			break;
		if (r->start > cursor)
			st = add_gap(out, cursor, r->start - 1, align);
		if (r->end >= top)
			return st;
		if (r->end + 1 > cursor)
			cursor = r->end + 1;
	}
	return st ? st : add_gap(out, cursor, top, align);
}

void hr_free_release(struct hr_free *free_space)
{
	free(free_space->gaps);
	*free_space = (struct hr_free){0};
}
