// SPDX-License-Identifier: GPL-2.0-or-later
/* The replay of get_free_mem_region(), rule by rule. Each expectation is worked out by hand from
 * kernel/resource.c:
 *   6.1.y:  for (addr = end - size + 1; addr > size && addr >= base->start; addr -= size)
 *   6.7+:   for (addr = gfr_start(); gfr_continue(base, addr, align, flags); addr = gfr_next(addr, align))
 *           with gfr_continue() = addr > align && addr >= base->start (descending)
 * and a candidate is taken when __region_intersects(base, addr, size, 0, IORES_DESC_NONE) finds no
 * top-level resource overlapping [addr, addr + size - 1]. */
#include <stdlib.h>

#include "check.h"
#include "headroom/carve.h"
#include "headroom/iomem.h"

#define GIB (1ull << 30)
#define SECTION (128ull << 20)

static struct hr_space space_of(const struct hr_range *busy, size_t n)
{
	struct hr_space s = {0};

	for (size_t i = 0; i < n; i++)
		CHECK(hr_space_add(&s, busy[i]) == HR_OK);
	return s;
}

static struct hr_carve_rule rule(uint64_t top, bool by_section)
{
	return (struct hr_carve_rule){.top = top, .align = SECTION, .step_by_align = by_section};
}

/* QEMU's AMD HT hole (fd00000000-ffffffffff, reserved) at the top of a 40-bit space. */
static void test_step_by_size_vs_section(void)
{
	const struct hr_range busy[] = {{0, 0x7fffffff}, {0xfd00000000, 0xffffffffff}};
	struct hr_space s = space_of(busy, 2);
	struct hr_carve_rule by_size = rule(0xffffffffff, false), by_section = rule(0xffffffffff, true);
	struct hr_range r;

	/* 16 GiB: first candidate 0x10000000000 - 0x400000000 = 0xfc00000000 overlaps the hole.
	 * Step by size: next is 0xf800000000, free. */
	CHECK(hr_carve(&s, &by_size, 16 * GIB, &r));
	CHECK_U64(r.start, 0xf800000000);
	CHECK_U64(r.end, 0xfbffffffff);
	/* Step by section: the first window ending below 0xfd00000000 starts at 0xf900000000. */
	CHECK(hr_carve(&s, &by_section, 16 * GIB, &r));
	CHECK_U64(r.start, 0xf900000000);
	CHECK_U64(r.end, 0xfcffffffff);
	hr_space_free(&s);
}

/* The loop runs only while addr > step: with step = size, no request of half the space or more
 * fits, however empty the space is. */
static void test_stop_condition(void)
{
	const struct hr_range busy[] = {{0, 0x7fffffff}};
	struct hr_space s = space_of(busy, 1);
	struct hr_carve_rule by_size = rule(0xfffffffff, false), by_section = rule(0xfffffffff, true);
	struct hr_range r;

	/* 32 GiB in 64 GiB: addr = 0x800000000, not > size (0x800000000): -ERANGE. */
	CHECK(!hr_carve(&s, &by_size, 32 * GIB, &r));
	/* 31 GiB: addr = 0x840000000 > 0x7c0000000: placed at the top. */
	CHECK(hr_carve(&s, &by_size, 31 * GIB, &r));
	CHECK_U64(r.start, 0x840000000);
	/* By section the stop is addr > 128 MiB: 48 GiB lands at 0x400000000. */
	CHECK(hr_carve(&s, &by_section, 48 * GIB, &r));
	CHECK_U64(r.start, 0x400000000);
	/* 62 GiB starts at 0x80000000, right above RAM's end 0x7fffffff: placed. */
	CHECK(hr_carve(&s, &by_section, 62 * GIB, &r));
	CHECK_U64(r.start, 0x80000000);
	/* 63 GiB starts at 0x40000000, inside RAM, and so does every candidate down to 128 MiB. */
	CHECK(!hr_carve(&s, &by_section, 63 * GIB, &r));
	hr_space_free(&s);
}

/* Sizes round up to the section (GFR_DEFAULT_ALIGN = 1 << PA_SECTION_SHIFT); a request as large as
 * the space or larger never fits. */
static void test_alignment_and_bounds(void)
{
	struct hr_space s = {0};
	struct hr_carve_rule by_section = rule(0xfffffffff, true);
	struct hr_range r;
	uint64_t aligned;

	CHECK(hr_align_up(1, SECTION, &aligned));
	CHECK_U64(aligned, SECTION);
	CHECK(hr_align_up(2 * SECTION, SECTION, &aligned));
	CHECK_U64(aligned, 2 * SECTION);
	CHECK(!hr_align_up(UINT64_MAX - 5, SECTION, &aligned));
	CHECK(hr_carve(&s, &by_section, 1, &r));
	CHECK_U64(r.start, 0x1000000000 - SECTION);
	CHECK_U64(r.end, 0xfffffffff);
	CHECK(!hr_carve(&s, &by_section, 64 * GIB, &r));
	CHECK(!hr_carve(&s, &by_section, 65 * GIB, &r));
	CHECK(!hr_carve(&s, &by_section, 0, &r));
}

/* Each carve becomes a top-level resource that the next request sees. */
static void test_sequential(void)
{
	const struct hr_range busy[] = {{0, 0x7fffffff}, {0xfd00000000, 0xffffffffff}};
	struct hr_space s = space_of(busy, 2);
	struct hr_carve_rule by_section = rule(0xffffffffff, true);
	struct hr_range first, second;

	CHECK(hr_carve(&s, &by_section, 16 * GIB, &first));
	CHECK(hr_space_add(&s, first) == HR_OK);
	CHECK(hr_carve(&s, &by_section, 16 * GIB, &second));
	CHECK_U64(second.start, 0xf500000000);
	CHECK_U64(second.end, 0xf8ffffffff);
	hr_space_free(&s);
}

/* Only top-level entries count: children lie inside their parents. The busy set built from a
 * parsed /proc/iomem holds exactly its top-level lines. */
static void test_top_level_only(void)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"00100000-7fffffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"800000000-fffffffff : PCI Bus 0000:00\n"
		"  800000000-8000fffff : 0000:00:02.0\n"
		"    800000000-8000fffff : virtio-pci-modern\n";
	struct hr_iomem io;
	struct hr_space s;
	struct hr_diags d = {0};
	struct hr_range r;
	struct hr_carve_rule by_section = rule(0xfffffffff, true);

	CHECK(hr_iomem_parse(text, sizeof(text) - 1, "/proc/iomem", &io, &d, NULL) == HR_OK);
	CHECK(hr_space_from_iomem(&io, &s) == HR_OK);
	CHECK_U64(s.count, 3);
	CHECK_U64(s.busy[2].start, 0x800000000);
	CHECK(hr_carve(&s, &by_section, 1 * GIB, &r));
	CHECK_U64(r.end, 0x7ffffffff);
	hr_space_free(&s);
	hr_iomem_free(&io);
	hr_diags_free(&d);
}

/* The kernel's loop, literally, one candidate at a time. */
static bool naive_carve(const struct hr_space *s, const struct hr_carve_rule *rl, uint64_t size,
			struct hr_range *out)
{
	uint64_t step, addr;

	size = (size + rl->align - 1) / rl->align * rl->align;
	if (size > rl->top)
		return false;
	step = rl->step_by_align ? rl->align : size;
	for (addr = rl->top - size + 1; addr > step; addr -= step) {
		bool hit = false;

		for (size_t i = 0; i < s->count; i++)
			hit |= s->busy[i].start <= addr + size - 1 && s->busy[i].end >= addr;
		if (!hit) {
			*out = (struct hr_range){addr, addr + size - 1};
			return true;
		}
	}
	return false;
}

/* Random spaces of up to max_ranges ranges, each up to max_halves half sections long, carved
 * into: the replay must land where the literal loop does. */
static void compare_with_the_literal_loop(int rounds, int max_ranges, int max_halves)
{
	for (int round = 0; round < rounds; round++) {
		struct hr_space s = {0};
		int n = rand() % max_ranges;
		bool by_section = round % 2;
		struct hr_carve_rule rl = rule(0xfffffffff, by_section);

		for (int i = 0; i < n; i++) {
			uint64_t start = ((uint64_t)rand() % 512) * SECTION + (uint64_t)(rand() % 3) * 4096;
			uint64_t len = ((uint64_t)rand() % max_halves + 1) * (SECTION / 2);

			if (start + len - 1 <= rl.top)
				CHECK(hr_space_add(&s, (struct hr_range){start, start + len - 1}) == HR_OK);
		}
		for (int k = 0; k < 6; k++) {
			uint64_t size = ((uint64_t)rand() % 160 + 1) * (SECTION / 3);
			struct hr_range fast = {0}, slow = {0};
			bool f = hr_carve(&s, &rl, size, &fast), w = naive_carve(&s, &rl, size, &slow);

			CHECK(f == w);
			if (f && w) {
				CHECK_U64(fast.start, slow.start);
				CHECK(hr_space_add(&s, fast) == HR_OK);
			}
		}
		hr_space_free(&s);
	}
}

/* The replay jumps from resource to resource: a few ranges, long and short. */
static void test_jumps_match_the_literal_loop(void)
{
	srand(12345);
	compare_with_the_literal_loop(300, 8, 64);
}

/* Hundreds of short ranges with small gaps between them, many blocks of HR_SPACE_BLOCK: the
 * replay passes whole blocks whose gaps are too small, and must still land where the loop does. */
static void test_block_skips_match_the_literal_loop(void)
{
	srand(54321);
	compare_with_the_literal_loop(200, 600, 3);
}

static void test_free_space(void)
{
	/* Gaps: 0x80000000-0x7ffffffff (30 GiB, already section aligned) and 0x1000000000 + ... none
	 * above: the PCI window runs to the top. A 4 KiB entry in the middle splits a section. */
	const struct hr_range busy[] = {{0, 0x7fffffff}, {0x400000000, 0x400000fff},
					{0x800000000, 0xfffffffff}};
	struct hr_space s = space_of(busy, 3);
	struct hr_free f;

	CHECK(hr_free_space(&s, 0xfffffffff, SECTION, &f) == HR_OK);
	/* [2 GiB, 16 GiB) is 14 GiB; [16 GiB + 128 MiB, 32 GiB) is 16 GiB - 128 MiB. */
	CHECK_U64(f.total, 14 * GIB + 16 * GIB - SECTION);
	CHECK_U64(f.largest.start, 0x408000000);
	CHECK_U64(f.largest.end, 0x7ffffffff);
	CHECK_U64(f.count, 2);
	CHECK_U64(f.gaps[0].start, 0x80000000);
	CHECK_U64(f.gaps[0].end, 0x3ffffffff);
	hr_free_release(&f);
	hr_space_free(&s);
}

/* Touching ranges join (thousands of chunk carves stay one entry); ranges with a gap, or that
 * overlap, stay apart. Carves see the same space either way. */
static void test_touching_ranges_join(void)
{
	const struct hr_range busy[] = {{4 * GIB, 5 * GIB - 1}, {5 * GIB, 6 * GIB - 1},
					{3 * GIB, 4 * GIB - 1}, {7 * GIB, 8 * GIB - 1}};
	struct hr_space s = space_of(busy, 4);
	struct hr_carve_rule r = rule(8 * GIB - 1, true);
	struct hr_range got;

	CHECK_U64(s.count, 2);
	CHECK_U64(s.busy[0].start, 3 * GIB);
	CHECK_U64(s.busy[0].end, 6 * GIB - 1);
	CHECK_U64(s.max_end[1], 8 * GIB - 1);
	/* 1 GiB fits only between 6 and 7 GiB. */
	CHECK(hr_carve(&s, &r, GIB, &got));
	CHECK_U64(got.start, 6 * GIB);
	CHECK(hr_space_add(&s, got) == HR_OK);
	CHECK_U64(s.count, 1);
	CHECK(!hr_carve(&s, &r, 2 * GIB, &got) || got.end < 3 * GIB);
	hr_space_free(&s);
}

int main(void)
{
	test_touching_ranges_join();
	test_step_by_size_vs_section();
	test_stop_condition();
	test_alignment_and_bounds();
	test_sequential();
	test_top_level_only();
	test_jumps_match_the_literal_loop();
	test_block_skips_match_the_literal_loop();
	test_free_space();
	CHECK_DONE();
}
