// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/iomem as a tree, from real captures: this build machine as root and as nobody. */
#include <stdlib.h>

#include "check.h"
#include "headroom/iomem.h"

#define HOST HEADROOM_FIXTURES "/../cases/host-firecracker-6.18/root"
#define HOST_NONROOT HEADROOM_FIXTURES "/../cases/host-nonroot/root"

static void test_real_tree(void)
{
	struct hr_root root;
	struct hr_iomem io;
	struct hr_diags d = {0};
	struct hr_error err;
	uint64_t bottom, top;

	CHECK(hr_root_init(&root, HOST, NULL) == HR_OK);
	CHECK(hr_iomem_read(&root, &io, &d, &err) == HR_OK);
	CHECK_U64(d.count, 0);
	/* 27 lines, 9 of them unindented (counted with grep -c '^[0-9a-f]'). */
	CHECK_U64(io.count, 27);
	CHECK_U64(io.top_count, 9);
	CHECK_U64(io.entries[0].start, 0);
	CHECK_U64(io.entries[0].end, 0xfff);
	CHECK(strcmp(io.entries[0].name, "Reserved") == 0);
	/* Line 14, "    eec00000-eecfffff : PCI Bus 0000:00", sits two levels down. */
	CHECK_U64(io.entries[13].depth, 2);
	CHECK_U64(io.entries[13].line, 14);
	CHECK(strcmp(io.entries[13].name, "PCI Bus 0000:00") == 0);
	CHECK(hr_iomem_ram_bounds(&io, &bottom, &top));
	CHECK_U64(bottom, 0x1000);
	CHECK_U64(top, 0x63fffffff);
	hr_iomem_free(&io);
	hr_diags_free(&d);
}

static void test_unprivileged_zeros(void)
{
	struct hr_root root;
	struct hr_iomem io;
	struct hr_diags d = {0};
	struct hr_error err;

	CHECK(hr_root_init(&root, HOST_NONROOT, NULL) == HR_OK);
	CHECK(hr_iomem_read(&root, &io, &d, &err) == HR_E_ACCESS);
	CHECK(strcmp(err.path, "/proc/iomem") == 0);
	CHECK_STR_CONTAINS(err.message, "run as root");
	/* Zeroed lines are not reported as overlapping one another. */
	CHECK_U64(d.count, 0);
	hr_diags_free(&d);
}

static void test_damaged_lines(void)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"  00000000-00001fff : child larger than its parent\n"
		"00001000-0009ffff : System RAM\n"
		"00050000-000fffff : overlaps RAM\n"
		"zz-10 : junk\n"
		"        00100000-001fffff : too deep\n"
		"00200000-002fffff:missing spaces\n"
		"\n";
	struct hr_iomem io;
	struct hr_diags d = {0};
	struct hr_error err;

	CHECK(hr_iomem_parse(text, sizeof(text) - 1, "/proc/iomem", &io, &d, &err) == HR_OK);
	CHECK_U64(io.count, 4);
	CHECK_U64(io.top_count, 3);
	CHECK_U64(d.count, 5);
	CHECK_U64(d.items[0].line, 2);
	CHECK_STR_CONTAINS(d.items[0].message, "outside its parent on line 1");
	CHECK_STR_CONTAINS(d.items[1].message, "overlaps line 3");
	CHECK_STR_CONTAINS(d.items[2].message, "not an iomem line");
	CHECK_STR_CONTAINS(d.items[3].message, "deeper than its parent");
	CHECK_U64(d.items[4].line, 7);
	hr_iomem_free(&io);
	CHECK(hr_iomem_parse("\n\n", 2, "/proc/iomem", &io, &d, &err) == HR_E_PARSE);
	hr_diags_free(&d);
}

int main(void)
{
	test_real_tree();
	test_unprivileged_zeros();
	test_damaged_lines();
	CHECK_DONE();
}
