// SPDX-License-Identifier: GPL-2.0-or-later
/* The firmware map readers against real captures (tests/fixtures/{memmap,boot_params}/README). */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "headroom/firmware_map.h"

#define BP_PATH "/sys/kernel/boot_params/data"

struct want {
	uint64_t start, end;
	uint32_t type;
};

static void check_map(const struct hr_memmap *map, const struct want *want, size_t n)
{
	CHECK_U64(map->count, n);
	for (size_t i = 0; i < n && i < map->count; i++) {
		CHECK_U64(map->entries[i].start, want[i].start);
		CHECK_U64(map->entries[i].end, want[i].end);
		CHECK_U64(map->entries[i].type, want[i].type);
	}
}

/* host/ as `cat sys/firmware/memmap/N/{start,end,type}` shows it. */
static const struct want host_sysfs[] = {
	{0x0, 0x9fbff, HR_E820_RAM},
	{0x9fc00, 0xfffff, HR_E820_RESERVED},
	{0x100000, 0xbfffffff, HR_E820_RAM},
	{0xeec00000, 0xfebfffff, HR_E820_RESERVED},
	{0x100000000, 0x63fffffff, HR_E820_RAM},
};

/* host.bin's table in firmware order, decoded with Python's struct.unpack_from('<QQI'). */
static const struct want host_e820[] = {
	{0x0, 0x9fbff, 1},
	{0x9fc00, 0xdffff, 2},
	{0xeec00000, 0xfebfffff, 2},
	{0x100000, 0xbfffffff, 1},
	{0x100000000, 0x63fffffff, 1},
	{0xa0000, 0xfffff, 2},
};

/* qemu-max: SeaBIOS's table; the kernel registered it unchanged in sysfs. */
static const struct want qemu_max[] = {
	{0x0, 0x9fbff, 1},
	{0x9fc00, 0x9ffff, 2},
	{0xf0000, 0xfffff, 2},
	{0x100000, 0xbffdffff, 1},
	{0xbffe0000, 0xbfffffff, 2},
	{0xfffc0000, 0xffffffff, 2},
	{0x100000000, 0x17fffffff, 1},
	{0xfd00000000, 0xffffffffff, 2},
};

static void root_at(struct hr_root *root, const char *dir)
{
	struct hr_error err = {0};

	if (hr_root_init(root, dir, &err) != HR_OK) {
		fprintf(stderr, "root %s: %s\n", dir, err.message);
		exit(2);
	}
}

static void test_type_names(void)
{
	CHECK(strcmp(hr_e820_type_name(HR_E820_RAM), "System RAM") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_RESERVED), "Reserved") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_ACPI), "ACPI Tables") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_NVS), "ACPI Non-volatile Storage") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_UNUSABLE), "Unusable memory") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_PMEM), "Persistent Memory") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_PRAM), "Persistent Memory (legacy)") == 0);
	CHECK(strcmp(hr_e820_type_name(HR_E820_SOFT_RESERVED), "Soft Reserved") == 0);
	CHECK(strcmp(hr_e820_type_name(128), "System RAM") == 0);	/* E820_TYPE_RESERVED_KERN */
	CHECK(strcmp(hr_e820_type_name(6), "Unknown E820 type") == 0);
	CHECK(strcmp(hr_e820_type_name(0), "Unknown E820 type") == 0);
}

static void read_sysfs(const char *dir, struct hr_memmap *map, struct hr_diags *diags)
{
	struct hr_root root;
	struct hr_error err = {0};

	root_at(&root, dir);
	CHECK_U64(hr_sysfs_memmap_read(&root, map, diags, &err), HR_OK);
}

static void test_sysfs_real(void)
{
	struct hr_memmap map;
	struct hr_diags diags = {0};

	read_sysfs(FIXTURE("memmap/host"), &map, &diags);
	check_map(&map, host_sysfs, 5);
	CHECK_U64(diags.count, 0);
	hr_memmap_free(&map);

	read_sysfs(FIXTURE("memmap/qemu-max"), &map, &diags);
	check_map(&map, qemu_max, 8);
	CHECK_U64(diags.count, 0);
	hr_memmap_free(&map);
	CHECK(map.entries == NULL && map.count == 0);
}

static void test_sysfs_missing_dir(void)
{
	struct hr_root root;
	struct hr_memmap map;
	struct hr_diags diags = {0};
	struct hr_error err = {0};

	root_at(&root, FIXTURE("memmap"));	/* a root without sys/ */
	CHECK_U64(hr_sysfs_memmap_read(&root, &map, &diags, &err), HR_E_NOENT);
	CHECK_U64(err.status, HR_E_NOENT);
	CHECK(strcmp(err.path, "/sys/firmware/memmap") == 0);
	CHECK(map.entries == NULL && map.count == 0);
}

/* A variant of host/ with one broken entry: that entry is skipped with one diagnostic. */
static void check_broken_entry(const char *dir, size_t skipped, enum hr_status status,
			       const char *path, const char *message)
{
	struct hr_memmap map;
	struct hr_diags diags = {0};
	struct want want[5];
	size_t n = 0;

	for (size_t i = 0; i < 5; i++)
		if (i != skipped)
			want[n++] = host_sysfs[i];
	read_sysfs(dir, &map, &diags);
	check_map(&map, want, n);
	CHECK_U64(diags.count, 1);
	if (diags.count == 1) {
		CHECK_U64(diags.items[0].status, status);
		CHECK(strcmp(diags.items[0].path, path) == 0);
		CHECK_STR_CONTAINS(diags.items[0].message, message);
	}
	hr_memmap_free(&map);
	hr_diags_free(&diags);
}

static void test_sysfs_broken(void)
{
	struct hr_memmap map;
	struct hr_diags diags = {0};

	check_broken_entry(FIXTURE("memmap/bad-start"), 2, HR_E_PARSE,
			   "/sys/firmware/memmap/2/start", "0x10zz00");
	check_broken_entry(FIXTURE("memmap/missing-type"), 3, HR_E_NOENT,
			   "/sys/firmware/memmap/3/type", "cannot open");
	check_broken_entry(FIXTURE("memmap/end-below-start"), 1, HR_E_RANGE,
			   "/sys/firmware/memmap/1/end", "below start");

	/* A name the kernel does not print: kept as type 0, with a diagnostic. */
	read_sysfs(FIXTURE("memmap/unknown-type"), &map, &diags);
	CHECK_U64(map.count, 5);
	if (map.count == 5) {
		CHECK_U64(map.entries[4].start, 0x100000000);
		CHECK_U64(map.entries[4].type, 0);
	}
	CHECK_U64(diags.count, 1);
	if (diags.count == 1) {
		CHECK_U64(diags.items[0].status, HR_E_PARSE);
		CHECK(strcmp(diags.items[0].path, "/sys/firmware/memmap/4/type") == 0);
		CHECK_STR_CONTAINS(diags.items[0].message, "Application Reserved");
	}
	hr_memmap_free(&map);
	hr_diags_free(&diags);
}

static char *load(const char *name, size_t *len)
{
	struct hr_root root;
	struct hr_error err = {0};
	char path[256], *buf = NULL;

	root_at(&root, FIXTURE("boot_params"));
	snprintf(path, sizeof(path), "/%s", name);
	if (hr_read_file(&root, path, 1 << 16, &buf, len, &err) != HR_OK) {
		fprintf(stderr, "%s: %s\n", name, err.message);
		exit(2);
	}
	return buf;
}

static void test_boot_params_real(void)
{
	struct hr_memmap map;
	struct hr_error err = {0};
	size_t len;
	char *buf = load("host.bin", &len);

	CHECK_U64(len, 4096);
	CHECK_U64(hr_boot_params_e820_parse((uint8_t *)buf, len, "host.bin", &map, NULL, &err), HR_OK);
	check_map(&map, host_e820, 6);
	hr_memmap_free(&map);
	free(buf);

	buf = load("six-entries-exact.bin", &len);
	CHECK_U64(hr_boot_params_e820_parse((uint8_t *)buf, len, "six", &map, NULL, &err), HR_OK);
	check_map(&map, host_e820, 6);
	hr_memmap_free(&map);
	free(buf);

	buf = load("qemu-max.bin", &len);
	CHECK_U64(hr_boot_params_e820_parse((uint8_t *)buf, len, "qemu-max.bin", &map, NULL, &err), HR_OK);
	check_map(&map, qemu_max, 8);
	hr_memmap_free(&map);
	free(buf);
}

static void test_boot_params_broken(void)
{
	static const struct {
		const char *file;
		enum hr_status status;
		const char *message;
	} cases[] = {
		{"truncated-table.bin", HR_E_TRUNCATED, "750 bytes, too short for 6 e820 entries"},
		{"truncated-header.bin", HR_E_TRUNCATED, "480 bytes, too short for e820_entries"},
		{"count-200.bin", HR_E_RANGE, "e820_entries is 200"},
		{"count-7-short.bin", HR_E_TRUNCATED, "840 bytes, too short for 7 e820 entries"},
	};
	struct hr_diags diags = {0};
	struct hr_memmap skipped;
	size_t size;
	char *image;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hr_memmap map = {(struct hr_map_entry *)1, 99};
		struct hr_error err = {0};
		size_t len;
		char *buf = load(cases[i].file, &len);

		CHECK_U64(hr_boot_params_e820_parse((uint8_t *)buf, len, cases[i].file, &map, NULL, &err),
			  cases[i].status);
		CHECK_U64(err.status, cases[i].status);
		CHECK(strcmp(err.path, cases[i].file) == 0);
		CHECK_STR_CONTAINS(err.message, cases[i].message);
		CHECK(map.entries == NULL && map.count == 0);
		free(buf);
	}

	/* A bad entry is skipped with a diagnostic naming it; the others are kept. */
	image = load("size-overflow.bin", &size);
	CHECK_U64(hr_boot_params_e820_parse((uint8_t *)image, size, "size-overflow.bin", &skipped,
					    &diags, NULL), HR_OK);
	CHECK_U64(diags.count, 1);
	if (diags.count) {
		CHECK_U64(diags.items[0].status, HR_E_RANGE);
		CHECK(strcmp(diags.items[0].path, "size-overflow.bin") == 0);
		CHECK_STR_CONTAINS(diags.items[0].message, "e820 entry 4 at offset 0x320: addr 0x100000000 + size");
	}
	CHECK(skipped.count > 0);
	for (size_t i = 0; i < skipped.count; i++)
		CHECK(skipped.entries[i].start != 0x100000000);
	hr_memmap_free(&skipped);
	hr_diags_free(&diags);
	free(image);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* Edges the real images do not have, made on a copy of host.bin. */
static void test_boot_params_edges(void)
{
	struct hr_memmap map;
	struct hr_error err = {0};
	struct hr_diags diags = {0};
	size_t len;
	uint8_t *buf = (uint8_t *)load("host.bin", &len);
	uint8_t *e1 = buf + 0x2d0 + 20, *e5 = buf + 0x2d0 + 5 * 20;

	/* A zero-size entry is skipped; an entry reaching the last byte of the space is fine. */
	put64(e1 + 8, 0);
	put64(e5, 0xfffffffffffff000);
	put64(e5 + 8, 0x1000);
	CHECK_U64(hr_boot_params_e820_parse(buf, len, "edge", &map, NULL, &err), HR_OK);
	CHECK_U64(map.count, 5);
	if (map.count == 5) {
		CHECK_U64(map.entries[1].start, 0xeec00000);
		CHECK_U64(map.entries[4].start, 0xfffffffffffff000);
		CHECK_U64(map.entries[4].end, UINT64_MAX);
	}
	hr_memmap_free(&map);

	/* One byte further passes 2^64: that entry alone is skipped. */
	put64(e5 + 8, 0x1001);
	CHECK_U64(hr_boot_params_e820_parse(buf, len, "edge", &map, &diags, &err), HR_OK);
	CHECK_U64(map.count, 4);
	CHECK_U64(diags.count, 1);
	if (diags.count)
		CHECK_STR_CONTAINS(diags.items[0].message, "e820 entry 5");
	hr_memmap_free(&map);
	hr_diags_free(&diags);

	/* No entries at all. */
	buf[0x1e8] = 0;
	CHECK_U64(hr_boot_params_e820_parse(buf, len, "edge", &map, NULL, &err), HR_OK);
	CHECK(map.count == 0 && map.entries == NULL);

	CHECK_U64(hr_boot_params_e820_parse(NULL, 0, "empty", &map, NULL, &err), HR_E_TRUNCATED);
	CHECK_U64(hr_boot_params_e820_parse(NULL, 10, "null", &map, NULL, &err), HR_E_USAGE);
	free(buf);
}

static void test_boot_params_read(void)
{
	struct hr_root root;
	struct hr_memmap map;
	struct hr_error err = {0};
	int kaslr;

	/* This build machine boots without the decompressor: loadflags (0x211) is 0. */
	root_at(&root, FIXTURE("memmap/host"));
	CHECK_U64(hr_boot_params_read(&root, &map, &kaslr, NULL, &err), HR_OK);
	check_map(&map, host_e820, 6);
	CHECK(kaslr == 0);
	hr_memmap_free(&map);

	/* The QEMU guest booted its bzImage through the decompressor, KASLR on: 0x211 has bit 1. */
	root_at(&root, FIXTURE("memmap/qemu-max"));
	CHECK_U64(hr_boot_params_read(&root, &map, &kaslr, NULL, &err), HR_OK);
	CHECK(kaslr == 1);
	hr_memmap_free(&map);

	root_at(&root, FIXTURE("memmap/bad-start"));	/* no boot_params there */
	CHECK_U64(hr_boot_params_read(&root, &map, &kaslr, NULL, &err), HR_E_NOENT);
	CHECK(kaslr == -1);
	CHECK(strcmp(err.path, BP_PATH) == 0);
	CHECK(map.entries == NULL && map.count == 0);
}

/* Both real machines: the kernel's sanitized sysfs map covers exactly what the raw table does. */
static void test_reconcile_real(void)
{
	static const char *roots[] = {FIXTURE("memmap/host"), FIXTURE("memmap/qemu-max")};

	for (size_t i = 0; i < 2; i++) {
		struct hr_root root;
		struct hr_memmap sysfs, e820;
		struct hr_diags diags = {0};
		struct hr_error err = {0};
		struct hr_map_mismatches mm = {(struct hr_map_mismatch *)1, 1};
		int kaslr;

		root_at(&root, roots[i]);
		CHECK_U64(hr_sysfs_memmap_read(&root, &sysfs, &diags, &err), HR_OK);
		CHECK_U64(hr_boot_params_read(&root, &e820, &kaslr, NULL, &err), HR_OK);
		CHECK_U64(hr_memmap_reconcile(&sysfs, &e820, &mm, &err), HR_OK);
		CHECK(mm.items == NULL && mm.count == 0);
		hr_memmap_free(&sysfs);
		hr_memmap_free(&e820);
	}
}

static void test_reconcile_made_up(void)
{
	static struct hr_map_entry s[] = {
		{0x0, 0xfff, 1},
		{0x1000, 0x1fff, 2},
		{0x3000, 0x3fff, 1},
		{0x5000, 0x5fff, 0},	/* "Unknown E820 type" */
		{0x6000, 0x6fff, 1},
		{0xa000, 0xafff, 1},
		{0xfffffffffffff000, UINT64_MAX, 2},
	};
	static struct hr_map_entry e[] = {
		{0xfffffffffffff000, UINT64_MAX, 2},
		{0x800, 0xfff, 1},	/* unsorted, and adjacent to the next: same as sysfs 0-0xfff */
		{0x0, 0x7ff, 1},
		{0x1000, 0x17ff, 2},
		{0x1800, 0x1fff, 3},	/* type differs */
		{0x2000, 0x2fff, 1},	/* only in e820 */
		{0x5000, 0x5fff, 13},	/* unknown both ways */
		{0x6800, 0x6fff, 2},	/* overlaps the next: the higher type wins, as in the kernel */
		{0x6000, 0x6fff, 1},
		{0x8000, 0x8fff, 1},
		{0x9000, 0x9fff, 1},	/* adjacent to the previous: one mismatch */
		{0xa000, 0xafff, 128},	/* E820_TYPE_RESERVED_KERN is "System RAM" */
	};
	static const struct hr_map_mismatch want[] = {
		{0x1800, 0x1fff, 2, 3},
		{0x2000, 0x2fff, 0, 1},
		{0x3000, 0x3fff, 1, 0},
		{0x6800, 0x6fff, 1, 2},
		{0x8000, 0x9fff, 0, 1},
	};
	struct hr_memmap sysfs = {s, sizeof(s) / sizeof(s[0])}, e820 = {e, sizeof(e) / sizeof(e[0])};
	struct hr_memmap empty = {0};
	struct hr_map_mismatches mm;

	CHECK_U64(hr_memmap_reconcile(&sysfs, &e820, &mm, NULL), HR_OK);
	CHECK_U64(mm.count, 5);
	for (size_t i = 0; i < mm.count && i < 5; i++) {
		CHECK_U64(mm.items[i].start, want[i].start);
		CHECK_U64(mm.items[i].end, want[i].end);
		CHECK_U64(mm.items[i].sysfs_type, want[i].sysfs_type);
		CHECK_U64(mm.items[i].e820_type, want[i].e820_type);
	}
	hr_map_mismatches_free(&mm);

	CHECK_U64(hr_memmap_reconcile(&sysfs, &empty, &mm, NULL), HR_OK);
	CHECK_U64(mm.count, 7);
	if (mm.count == 7)
		CHECK(mm.items[6].start == 0xfffffffffffff000 && mm.items[6].end == UINT64_MAX &&
		      mm.items[6].sysfs_type == 2 && mm.items[6].e820_type == 0);
	hr_map_mismatches_free(&mm);
	CHECK_U64(hr_memmap_reconcile(&empty, &empty, &mm, NULL), HR_OK);
	CHECK(mm.items == NULL && mm.count == 0);
}

int main(void)
{
	test_type_names();
	test_sysfs_real();
	test_sysfs_missing_dir();
	test_sysfs_broken();
	test_boot_params_real();
	test_boot_params_broken();
	test_boot_params_edges();
	test_boot_params_read();
	test_reconcile_real();
	test_reconcile_made_up();
	CHECK_DONE();
}
