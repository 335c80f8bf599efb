// SPDX-License-Identifier: GPL-2.0-or-later
/* The merged map's walk: by start, iomem's top level (left in the facts) merged with the firmware
 * ranges iomem does not show; also when a damaged iomem lists its top level out of order. */
#include "check.h"
#include "headroom/facts.h"
#include "headroom/merged_map.h"

/* SRAT's hot-pluggable range 0x180000000-0x117fffffff lies between two top-level iomem entries. */
#define HOTPLUG HEADROOM_FIXTURES "/../cases/vm-q35-seabios-hotplug-pb40/root"

/* Walk the map: every range after the one before it by start, each top-level iomem entry once,
 * and the hot-pluggable range among them. Returns how many ranges it walked. */
static size_t check_walk(const struct hr_facts *f)
{
	struct hr_merged_map map;
	struct hr_merged_walk walk = {0};
	struct hr_merged_range r, prev = {0};
	size_t n = 0, from_iomem = 0, hotplug_at = 0;

	CHECK(hr_merged_map_build(f, &map) == HR_OK);
	while (hr_merged_map_next(&map, &walk, &r)) {
		CHECK(!n || prev.start < r.start || (prev.start == r.start && prev.end >= r.end));
		from_iomem += (r.sources & HR_MS_IOMEM) != 0;
		if (r.start == 0x180000000 && r.sources == HR_MS_SRAT) {
			CHECK_U64(r.end, 0x117fffffff);
			hotplug_at = n;
		}
		prev = r;
		n++;
	}
	CHECK_U64(from_iomem, f->iomem.top_count);
	CHECK_U64(hotplug_at, n - 3);	/* before the 64-bit PCI window and the last Reserved */
	hr_merged_map_free(&map);
	return n;
}

static void test_in_order(void)
{
	struct hr_facts f;

	hr_facts_gather(HOTPLUG, &f);
	CHECK(f.iomem_status == HR_OK);
	CHECK_U64(check_walk(&f), f.iomem.top_count + 1);	/* the hot-pluggable range */
	hr_facts_free(&f);
}

/* The first two top-level lines swapped, as tests/bad-inputs/iomem-out-of-order does to the file. */
static void test_out_of_order(void)
{
	struct hr_facts f;
	struct hr_iomem_entry first;

	hr_facts_gather(HOTPLUG, &f);
	CHECK(f.iomem_status == HR_OK && f.iomem.count > 1 && !f.iomem.entries[1].depth);
	first = f.iomem.entries[0];
	f.iomem.entries[0] = f.iomem.entries[1];
	f.iomem.entries[1] = first;
	check_walk(&f);
	hr_facts_free(&f);
}

int main(void)
{
	test_in_order();
	test_out_of_order();
	CHECK_DONE();
}
