// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device trees read with libfdt: every captured arm64 guest against its own /proc/iomem, QEMU's
 * dumps (tests/fixtures/fdt/qemu/dump) against QEMU's memory map, the .dts sources compiled with
 * dtc by the build, and damaged blobs.
 */
#include <glob.h>
#include <stdlib.h>

#include "check.h"
#include "headroom/fdt.h"
#include "headroom/iomem.h"

#define CASES HEADROOM_FIXTURES "/../cases"
#define QEMU_DTB(name) HEADROOM_FIXTURES "/fdt/qemu/" name ".dtb"
#define DTC_DTB(name) HEADROOM_DTB_DIR "/" name ".dtb"
#define GIB (1ull << 30)

static enum hr_status parse_file(const char *file, struct hr_dt *dt, struct hr_diags *d,
				 struct hr_error *err)
{
	char *buf;
	size_t len;
	enum hr_status st = hr_read_path(file, 1u << 24, &buf, &len, err);

	if (st) {
		memset(dt, 0, sizeof(*dt));
		return st;
	}
	st = hr_fdt_parse(buf, len, file, dt, d, err);
	free(buf);
	return st;
}

/* The top-level iomem entries named name1 or name2 inside r cover it exactly, without gaps. */
static bool iomem_covers(const struct hr_iomem *io, struct hr_dt_range r, const char *name1,
			 const char *name2)
{
	uint64_t next = r.start;

	for (size_t i = 0; i < io->count; i++) {
		const struct hr_iomem_entry *e = &io->entries[i];

		if (e->depth || e->end < r.start || e->start > r.end ||
		    (strcmp(e->name, name1) != 0 && strcmp(e->name, name2) != 0))
			continue;
		if (e->start != next || e->end > r.end)
			return false;
		if (e->end == r.end)
			return true;
		next = e->end + 1;
	}
	return false;
}

static bool in_dt_memory(const struct hr_dt *dt, const struct hr_iomem_entry *e)
{
	for (size_t i = 0; i < dt->n_memory; i++)
		if (e->start >= dt->memory[i].range.start && e->end <= dt->memory[i].range.end)
			return true;
	return false;
}

static const struct hr_dt_pci_window *window_at(const struct hr_dt_host_bridge *b, uint64_t start,
						uint64_t end)
{
	for (size_t i = 0; i < b->n_windows; i++)
		if (b->windows[i].cpu.start == start && b->windows[i].cpu.end == end)
			return &b->windows[i];
	return NULL;
}

/*
 * Each captured arm64 guest (direct kernel boot, so the kernel took memory from the tree): every
 * /memory range is exactly the "System RAM" (plus the "reserved" that no-map leaves out) the
 * kernel shows at the top of iomem, and no System RAM lies outside /memory; every memory window
 * of a host bridge is a top-level iomem entry named after the node, every such entry is one of
 * its windows, and the ECAM area is the "PCI ECAM" entry.
 */
static void test_guests_agree_with_iomem(void)
{
	glob_t g;
	unsigned guests = 0, with_mem64 = 0, without_mem64 = 0;

	CHECK(glob(CASES "/vm*-arm64-*", GLOB_ONLYDIR, NULL, &g) == 0);
	for (size_t c = 0; c < g.gl_pathc; c++) {
		char dir[1024];
		struct hr_root root;
		struct hr_dt dt;
		struct hr_iomem io;
		struct hr_diags d = {0};
		struct hr_error err = {0};
		bool mem64 = false;

		snprintf(dir, sizeof(dir), "%s/root", g.gl_pathv[c]);
		CHECK(hr_root_init(&root, dir, NULL) == HR_OK);
		if (hr_fdt_read(&root, &dt, &d, &err) || hr_iomem_read(&root, &io, &d, &err)) {
			fprintf(stderr, "%s: %s\n", dir, err.message);
			check_failures++;
			continue;
		}
		guests++;
		CHECK_U64(d.count, 0);
		CHECK(dt.n_memory > 0);
		for (size_t i = 0; i < dt.n_memory; i++)
			if (!iomem_covers(&io, dt.memory[i].range, "System RAM", "reserved")) {
				fprintf(stderr, "%s: /memory %#llx-%#llx is not System RAM in iomem\n", dir,
					(unsigned long long)dt.memory[i].range.start,
					(unsigned long long)dt.memory[i].range.end);
				check_failures++;
			}
		for (size_t i = 0; i < io.count; i++)
			if (!io.entries[i].depth && strcmp(io.entries[i].name, "System RAM") == 0)
				CHECK(in_dt_memory(&dt, &io.entries[i]));
		CHECK_U64(dt.n_bridges, 1);
		for (size_t b = 0; b < dt.n_bridges; b++) {
			const struct hr_dt_host_bridge *hb = &dt.bridges[b];
			const char *node = strrchr(hb->path, '/') + 1;
			unsigned named = 0, memory_windows = 0;

			for (size_t i = 0; i < io.count; i++) {
				const struct hr_iomem_entry *e = &io.entries[i];
				const struct hr_dt_pci_window *w;

				if (e->depth == 0 && strcmp(e->name, "PCI ECAM") == 0) {
					CHECK(hb->have_config);
					CHECK_U64(e->start, hb->config.start);
					CHECK_U64(e->end, hb->config.end);
				}
				if (e->depth || strcmp(e->name, node) != 0)
					continue;
				named++;
				w = window_at(hb, e->start, e->end);
				CHECK(w && w->space != HR_DT_PCI_IO);
				mem64 |= w && w->space == HR_DT_PCI_MEM64;
			}
			for (size_t i = 0; i < hb->n_windows; i++)
				memory_windows += hb->windows[i].space != HR_DT_PCI_IO;
			CHECK_U64(named, memory_windows);
		}
		with_mem64 += mem64;
		without_mem64 += !mem64;
		hr_dt_free(&dt);
		hr_iomem_free(&io);
		hr_diags_free(&d);
	}
	/* 18 Debian 6.1 and 7 Debian 6.12 guests, the highmem=off ones without a 64-bit window. */
	CHECK_U64(guests, 25);
	CHECK(with_mem64 > 0 && without_mem64 > 0);
	globfree(&g);
}

struct want_window {
	enum hr_dt_pci_space space;
	bool prefetchable;
	uint64_t start, end, pci_start;
};

struct want_host {
	const char *path;
	uint64_t config_start, config_end;	/* 0, 0: none */
	size_t n_windows;
	struct want_window windows[4];
};

static void check_host(const struct hr_dt_host_bridge *b, const struct want_host *w)
{
	CHECK(strcmp(b->path, w->path) == 0);
	CHECK(b->have_config == (w->config_end != 0));
	CHECK_U64(b->config.start, w->config_start);
	CHECK_U64(b->config.end, w->config_end);
	CHECK_U64(b->n_windows, w->n_windows);
	for (size_t i = 0; i < w->n_windows && i < b->n_windows; i++) {
		CHECK_U64(b->windows[i].space, w->windows[i].space);
		CHECK_U64(b->windows[i].prefetchable, w->windows[i].prefetchable);
		CHECK_U64(b->windows[i].cpu.start, w->windows[i].start);
		CHECK_U64(b->windows[i].cpu.end, w->windows[i].end);
		CHECK_U64(b->windows[i].pci_start, w->windows[i].pci_start);
	}
}

/* QEMU 7.2 hw/arm/virt.c: RAM from 1 GiB; the low windows are fixed (PCIE_PIO 0x3eff0000 + 64 KiB,
 * PCIE_MMIO 0x10000000 + 0x2eff0000, PCIE_ECAM 0x3f000000 + 16 MiB). With highmem, virt_set_memmap()
 * starts the high regions at max(RAM end rounded up to 1 GiB, 256 GiB) and aligns each to its size:
 * GIC_REDIST2 64 MiB, then HIGH_PCIE_ECAM 256 MiB, then HIGH_PCIE_MMIO 512 GiB, each dropped when
 * it does not fit the CPU's physical address range. */
#define LOW_IO {HR_DT_PCI_IO, false, 0x3eff0000, 0x3effffff, 0}
#define LOW_MEM {HR_DT_PCI_MEM32, false, 0x10000000, 0x3efeffff, 0x10000000}
#define HIGH_MEM(base) {HR_DT_PCI_MEM64, false, base, base + 512 * GIB - 1, base}

static void check_qemu(const char *file, uint64_t ram_end, const struct want_host *host)
{
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;

	CHECK(parse_file(file, &dt, &d, &err) == HR_OK);
	CHECK_U64(d.count, 0);
	CHECK_U64(dt.n_memory, 1);
	CHECK_U64(dt.memory[0].range.start, GIB);
	CHECK_U64(dt.memory[0].range.end, ram_end);
	CHECK_U64(dt.n_reserved + dt.n_memreserve + dt.n_usable + dt.n_secure, 0);
	CHECK_U64(dt.n_bridges, 1);
	if (dt.n_bridges)
		check_host(&dt.bridges[0], host);
	hr_dt_free(&dt);
	hr_diags_free(&d);
}

static void test_qemu_dumps(void)
{
	const struct want_host base = {"/pcie@10000000", 0x4010000000, 0x401fffffff, 3,
				       {LOW_IO, LOW_MEM, HIGH_MEM(512 * GIB)}};
	const struct want_host highmem_off = {"/pcie@10000000", 0x3f000000, 0x3fffffff, 2,
					      {LOW_IO, LOW_MEM}};
	/* 300 GiB: RAM ends at 301 GiB, ECAM at 301.25 GiB, the window at 512 GiB fits 40 bits. */
	const struct want_host a53_300g = {"/pcie@10000000", 301 * GIB + GIB / 4,
					   301 * GIB + GIB / 2 - 1, 3,
					   {LOW_IO, LOW_MEM, HIGH_MEM(512 * GIB)}};
	/* 512 GiB on a 40-bit CPU: the window would start at 1 TiB, past 2^40, so there is none. */
	const struct want_host a15_512g = {"/pcie@10000000", 513 * GIB + GIB / 4,
					   513 * GIB + GIB / 2 - 1, 2, {LOW_IO, LOW_MEM}};
	/* 1 TiB on a 44-bit CPU: RAM ends at 1025 GiB, the window is at 1.5 TiB. */
	const struct want_host a57_1t = {"/pcie@10000000", 1025 * GIB + GIB / 4,
					 1025 * GIB + GIB / 2 - 1, 3,
					 {LOW_IO, LOW_MEM, HIGH_MEM(1536 * GIB)}};
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;

	check_qemu(QEMU_DTB("default"), 3 * GIB - 1, &base);
	check_qemu(QEMU_DTB("highmem-off"), 3 * GIB - 1, &highmem_off);
	/* secure=on adds a secure-only memory node with status "disabled": not the kernel's. */
	check_qemu(QEMU_DTB("secure"), 3 * GIB - 1, &base);
	check_qemu(QEMU_DTB("a53-300g"), 301 * GIB - 1, &a53_300g);
	check_qemu(QEMU_DTB("a15-512g"), 513 * GIB - 1, &a15_512g);
	check_qemu(QEMU_DTB("a57-1t"), 1025 * GIB - 1, &a57_1t);

	/* Two NUMA nodes: one memory node each (node 1 first, as QEMU writes them). */
	CHECK(parse_file(QEMU_DTB("numa"), &dt, &d, &err) == HR_OK);
	CHECK_U64(dt.n_memory, 2);
	if (dt.n_memory == 2) {
		CHECK_U64(dt.memory[0].range.start, 2 * GIB);
		CHECK_U64(dt.memory[0].range.end, 5 * GIB - 1);
		CHECK_U64(dt.memory[1].range.start, GIB);
		CHECK_U64(dt.memory[1].range.end, 2 * GIB - 1);
	}
	hr_dt_free(&dt);
	hr_diags_free(&d);
}

static void test_reserved(void)
{
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;
	uint64_t bottom, top;

	CHECK(parse_file(DTC_DTB("reserved"), &dt, &d, &err) == HR_OK);
	CHECK_U64(d.count, 0);
	/* Two reg pairs, the usable part of the crash kernel's node, the hotpluggable one; neither
	 * the disabled node nor the one under /bus. */
	CHECK_U64(dt.n_memory, 4);
	if (dt.n_memory == 4) {
		CHECK_U64(dt.memory[0].range.start, 0x40000000);
		CHECK_U64(dt.memory[0].range.end, 0x7fffffff);
		CHECK_U64(dt.memory[1].range.start, 0x100000000);
		CHECK_U64(dt.memory[1].range.end, 0x1ffffffff);
		CHECK(dt.memory[2].usable_memory);
		CHECK_U64(dt.memory[2].range.start, 0x100000000000);
		CHECK_U64(dt.memory[2].range.end, 0x10000fffffff);
		CHECK(dt.memory[3].hotpluggable && !dt.memory[2].hotpluggable);
		CHECK_U64(dt.memory[3].range.end, 0x2000ffffffff);
	}
	CHECK(hr_dt_memory_bounds(&dt, &bottom, &top));
	CHECK_U64(bottom, 0x40000000);
	CHECK_U64(top, 0x2000ffffffff);
	/* The dynamic pool has no address and the disabled one is not the kernel's. */
	CHECK_U64(dt.n_reserved, 2);
	if (dt.n_reserved == 2) {
		CHECK(strcmp(dt.reserved[0].node, "firmware@40000000") == 0);
		CHECK(dt.reserved[0].no_map && !dt.reserved[1].no_map);
		CHECK_U64(dt.reserved[0].range.end, 0x401fffff);
		CHECK_U64(dt.reserved[1].range.start, 0x60000000);
		CHECK_U64(dt.reserved[1].range.end, 0x63ffffff);
	}
	CHECK_U64(dt.n_memreserve, 2);
	if (dt.n_memreserve == 2) {
		CHECK_U64(dt.memreserve[0].start, 0x48000000);
		CHECK_U64(dt.memreserve[0].end, 0x480fffff);
		CHECK_U64(dt.memreserve[1].start, 0x80000000000);
		CHECK_U64(dt.memreserve[1].end, 0x80000000fff);
	}
	CHECK_U64(dt.n_usable, 2);
	if (dt.n_usable == 2) {
		CHECK_U64(dt.usable[0].start, 0x50000000);
		CHECK_U64(dt.usable[0].end, 0x5fffffff);
		CHECK_U64(dt.usable[1].start, 0x180000000);
		CHECK_U64(dt.usable[1].end, 0x1ffffffff);
	}
	CHECK_U64(dt.n_bridges, 0);
	hr_dt_free(&dt);
	hr_diags_free(&d);
}

static void test_pcie_hosts(void)
{
	/* Behind /soc: soc address 0x0 is CPU 0x10_0000_0000, 0x40000000 is CPU 0x40000000. */
	const struct want_host dw = {"/soc/pcie@1000000", 0x1001000000, 0x10010fffff, 3, {
		{HR_DT_PCI_IO, false, 0x1001100000, 0x100110ffff, 0},
		{HR_DT_PCI_MEM32, false, 0x1020000000, 0x1027ffffff, 0x20000000},
		{HR_DT_PCI_MEM64, true, 0x1030000000, 0x103fffffff, 0x30000000}}};
	const struct want_host ecam = {"/pcie@4000000000", 0x4000000000, 0x400fffffff, 3, {
		LOW_IO,
		{HR_DT_PCI_MEM32, true, 0x10000000, 0x3efeffff, 0x10000000},
		HIGH_MEM(512 * GIB)}};
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;

	CHECK(parse_file(DTC_DTB("pcie-hosts"), &dt, &d, &err) == HR_OK);
	CHECK_U64(d.count, 0);
	/* Neither the PCI-PCI bridge nor the disabled host. */
	CHECK_U64(dt.n_bridges, 2);
	if (dt.n_bridges == 2) {
		check_host(&dt.bridges[0], &dw);
		check_host(&dt.bridges[1], &ecam);
	}
	CHECK(strcmp(hr_dt_pci_space_name(HR_DT_PCI_MEM64), "mem64") == 0);
	hr_dt_free(&dt);
	hr_diags_free(&d);
}

static void test_powerpc_ultravisor(void)
{
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;

	/* The ibm,secure-memory nodes win over the deprecated ranges. */
	CHECK(parse_file(DTC_DTB("powerpc-uv"), &dt, &d, &err) == HR_OK);
	CHECK_U64(dt.secure_source, HR_DT_SECURE_NODES);
	CHECK_U64(dt.n_secure, 2);
	if (dt.n_secure == 2) {
		CHECK_U64(dt.secure[0].start, 0x1000000000);
		CHECK_U64(dt.secure[0].end, 0x13ffffffff);
		CHECK_U64(dt.secure[1].start, 0x2000000000);
		CHECK_U64(dt.secure[1].end, 0x21ffffffff);
	}
	hr_dt_free(&dt);

	CHECK(parse_file(DTC_DTB("powerpc-uv-ranges"), &dt, &d, &err) == HR_OK);
	CHECK_U64(dt.secure_source, HR_DT_SECURE_UV_RANGES);
	CHECK_U64(dt.n_secure, 2);
	if (dt.n_secure == 2) {
		CHECK_U64(dt.secure[0].start, 0x3000000000);
		CHECK_U64(dt.secure[0].end, 0x30ffffffff);
		CHECK_U64(dt.secure[1].start, 0x4000000000);
		CHECK_U64(dt.secure[1].end, 0x407fffffff);
	}
	CHECK_U64(d.count, 0);
	hr_dt_free(&dt);
	hr_diags_free(&d);
}

/* A diagnostic from bad-cells.dtb about node, "NODE at offset N: text", where the file has the
 * node's FDT_BEGIN_NODE tag and name at N. */
static bool has_diag(const struct hr_diags *d, const char *blob, const char *node, const char *text)
{
	const char *name = strrchr(node, '/') + 1;

	for (size_t i = 0; i < d->count; i++) {
		const char *m = d->items[i].message;
		size_t n = strlen(node);
		unsigned long offset;
		char colon[2];

		if (strncmp(m, node, n) != 0 || !strstr(m, text) ||
		    sscanf(m + n, " at offset %lu%1[:]", &offset, colon) != 2 ||
		    !strstr(d->items[i].path, "bad-cells.dtb"))
			continue;
		return memcmp(blob + offset, "\0\0\0\1", 4) == 0 &&
		       strcmp(blob + offset + 4, name) == 0;
	}
	fprintf(stderr, "no diagnostic for %s with \"%s\"\n", node, text);
	return false;
}

/* Each bad node is reported, naming the file, the node and where it is; the good ones are kept. */
static void test_bad_cells(void)
{
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err;
	char *blob;
	size_t len;

	CHECK(hr_read_path(DTC_DTB("bad-cells"), 1u << 20, &blob, &len, &err) == HR_OK);
	CHECK(hr_fdt_parse(blob, len, DTC_DTB("bad-cells"), &dt, &d, &err) == HR_OK);
	CHECK_U64(d.count, 7);
	CHECK(has_diag(&d, blob, "/memory@200000000",
		       "reg is 12 bytes, not a whole number of (2 address + 2 size) cells"));
	CHECK(has_diag(&d, blob, "/reserved-memory", "#address-cells/#size-cells differ from the root's"));
	CHECK(has_diag(&d, blob, "/wide", "invalid #address-cells"));
	CHECK(has_diag(&d, blob, "/wide3/secure-memory@1,0,0", "reg entry 0: more than 64 bits"));
	CHECK(has_diag(&d, blob, "/pcie@3f000000",
		       "ranges is 24 bytes with #address-cells 2 (PCI needs 3)"));
	CHECK(has_diag(&d, blob, "/pcie@4010000000", "ranges entry 1: wraps past 2^64"));
	CHECK(has_diag(&d, blob, "/pcie@4010000000", "ranges entry 2: size 0"));
	CHECK_U64(dt.n_memory, 1);
	CHECK_U64(dt.n_reserved + dt.n_secure, 0);
	CHECK_U64(dt.n_bridges, 3);
	if (dt.n_bridges == 3) {
		CHECK(!dt.bridges[0].have_config && dt.bridges[0].n_windows == 0);
		CHECK(dt.bridges[1].have_config && dt.bridges[1].n_windows == 0);
		CHECK_U64(dt.bridges[2].n_windows, 1);
		CHECK_U64(dt.bridges[2].config.start, 0x4010000000);
	}
	hr_dt_free(&dt);
	hr_diags_free(&d);
	free(blob);
}

static void put_be32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

/* A damaged blob is refused as a whole, with the file and the problem in the message. */
static void check_broken(const char *buf, size_t len, enum hr_status want, const char *text)
{
	struct hr_dt dt;
	struct hr_diags d = {0};
	struct hr_error err = {0};
	char msg[1024];

	CHECK_U64(hr_fdt_parse(buf, len, HR_FDT_PATH, &dt, &d, &err), want);
	CHECK_STR_CONTAINS(hr_error_text(&err, msg, sizeof(msg)), HR_FDT_PATH ": ");
	CHECK_STR_CONTAINS(err.message, text);
	CHECK_U64(dt.n_memory + dt.n_bridges, 0);
	hr_dt_free(&dt);
}

static void test_broken_blobs(void)
{
	char *buf, *copy;
	size_t len;
	struct hr_error err;

	CHECK(hr_read_path(QEMU_DTB("default"), 1u << 20, &buf, &len, &err) == HR_OK);
	copy = malloc(len);
	check_broken(buf, len - 100, HR_E_TRUNCATED, "truncated device tree: the header says");
	check_broken(buf, 20, HR_E_TRUNCATED, "20 bytes, shorter than a device tree header");
	/* off_dt_struct (offset 8) past the end, then the strings (offset 12) inside the structure. */
	memcpy(copy, buf, len);
	put_be32(copy + 8, (uint32_t)len);
	check_broken(copy, len, HR_E_PARSE, "invalid device tree (a block runs past the end)");
	memcpy(copy, buf, len);
	put_be32(copy + 12, 0x100);
	check_broken(copy, len, HR_E_PARSE, "invalid device tree (the strings overlap the structure)");
	/* The structure block starting mid-node. */
	memcpy(copy, buf, len);
	put_be32(copy + 8, 0x50);
	check_broken(copy, len, HR_E_PARSE, "invalid device tree (FDT_ERR_BADSTRUCTURE)");
	memcpy(copy, buf, len);
	memcpy(copy, "XXXX", 4);
	check_broken(copy, len, HR_E_PARSE, "not a device tree: magic 0x58585858, not 0xd00dfeed");
	free(copy);
	free(buf);
}

static void test_no_device_tree(void)
{
	struct hr_root root;
	struct hr_dt dt;
	struct hr_error err;

	CHECK(hr_root_init(&root, CASES "/vm-q35-ovmf-8g-pb40/root", NULL) == HR_OK);
	CHECK_U64(hr_fdt_read(&root, &dt, NULL, &err), HR_E_NOENT);
	hr_dt_free(&dt);
}

int main(void)
{
	test_guests_agree_with_iomem();
	test_qemu_dumps();
	test_reserved();
	test_pcie_hosts();
	test_powerpc_ultravisor();
	test_bad_cells();
	test_broken_blobs();
	test_no_device_tree();
	CHECK_DONE();
}
