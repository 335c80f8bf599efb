// SPDX-License-Identifier: GPL-2.0-or-later
/* The GPU inventory read with libpci from captured sysfs trees: a QEMU guest's (four emulated
 * display devices, captured by its kernel), a public config-space dump with Resizable BAR, and
 * copies of those damaged on purpose. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "headroom/gpu.h"

#define GUEST_ROOT FIXTURE("../cases/gpu-q35-bochs-qxl-virtio/root")
#define FIJI_ROOT FIXTURE("pci/amd-fiji-rebar/root")
#define H100_ROOT FIXTURE("pci/nvidia-h100-sysfs/root")
#define QXL "/sys/bus/pci/devices/0000:01:00.0"

static char scratch[] = "/tmp/headroom-test-pci-XXXXXX";

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		exit(2);
	}
}

/* A scratch root holding only a fresh copy of the guest's PCI devices. */
static void fresh_copy(void)
{
	sh("rm -rf %s/* && mkdir -p %s/sys/bus/pci && cp -a %s/sys/bus/pci/devices %s/sys/bus/pci/",
	   scratch, scratch, GUEST_ROOT, scratch);
}

static bool read_root(const char *dir, struct hr_gpus *gpus, struct hr_diags *diags)
{
	struct hr_root root;
	struct hr_error err;

	if (hr_root_init(&root, dir, &err) != HR_OK)
		return false;
	if (hr_gpus_read(&root, gpus, diags, &err) != HR_OK) {
		fprintf(stderr, "hr_gpus_read: %s: %s\n", err.path, err.message);
		return false;
	}
	hr_gpus_read_vram(&root, gpus, diags);
	return true;
}

static bool has_diag(const struct hr_diags *d, const char *path, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->items[i].path, path) && strstr(d->items[i].message, text))
			return true;
	return false;
}

static void print_diags(const struct hr_diags *d)
{
	for (size_t i = 0; i < d->count; i++)
		fprintf(stderr, "  diag: %s:%u: %s\n", d->items[i].path, d->items[i].line,
			d->items[i].message);
}

/* What the guest's kernel showed: lspci order, the BARs it assigned, the drivers it bound. */
static void test_guest_inventory(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	CHECK(read_root(GUEST_ROOT, &gpus, &diags));
	CHECK_U64(gpus.count, 4);
	CHECK_U64(diags.count, 0);
	if (gpus.count != 4)
		return;
	g = &gpus.items[0];
	CHECK(strcmp(g->bdf, "0000:00:03.0") == 0);
	CHECK_U64(g->vendor, 0x1234);
	CHECK_U64(g->device, 0x1111);
	CHECK_U64(g->class_code, 0x030000);
	CHECK(strcmp(g->driver, "bochs-drm") == 0);
	CHECK_U64(g->bars[0].start, 0xf8000000);
	CHECK_U64(g->bars[0].size, 64 << 20);	/* -device VGA,vgamem_mb=64 */
	CHECK(g->bars[0].prefetchable && !g->bars[0].is_64bit && !g->bars[0].io);
	CHECK(g->have_config && !g->rebar.present);
	CHECK_U64(g->numa_node, (uint64_t)-1);

	g = &gpus.items[1];			/* ati-vga: no driver in the guest */
	CHECK(strcmp(g->bdf, "0000:00:06.0") == 0);
	CHECK_U64(g->vendor, 0x1002);
	CHECK(g->driver[0] == '\0');
	CHECK(g->bars[1].io && g->bars[1].size == 256);
	CHECK_STR_CONTAINS(g->name, "RV100");

	g = &gpus.items[2];			/* qxl,vram64_size_mb=4096 behind a root port */
	CHECK(strcmp(g->bdf, "0000:01:00.0") == 0);
	CHECK_U64(g->class_code, 0x038000);
	CHECK(strcmp(g->driver, "qxl") == 0);
	CHECK_U64(g->bars[4].start, 0x100000000);
	CHECK_U64(g->bars[4].size, 4ull << 30);
	CHECK(g->bars[4].prefetchable && g->bars[4].is_64bit);
	CHECK(!g->bars[5].size);		/* the upper half of the 64-bit BAR */
	CHECK_STR_CONTAINS(g->name, "QXL");

	g = &gpus.items[3];			/* virtio-gpu-pci: PCIe, 4096 bytes of config */
	CHECK(strcmp(g->bdf, "0000:02:00.0") == 0);
	CHECK(strcmp(g->driver, "virtio-pci") == 0);
	CHECK(g->have_config && !g->rebar.present && g->missing[0] == '\0');
	CHECK(g->vram_source == HR_VRAM_UNKNOWN && g->vram == 0);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* pciutils' tests/cap-rebar: an AMD Fiji whose BAR 0 is resizable from 256 MiB to 4 GiB, at
 * 256 MiB. The dump has no resource file to go with it: BARs unknown, said so. */
static void test_rebar(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	CHECK(read_root(FIJI_ROOT, &gpus, &diags));
	CHECK_U64(gpus.count, 1);
	if (gpus.count != 1)
		return;
	g = &gpus.items[0];
	CHECK_U64(g->device, 0x7300);
	CHECK(g->have_config && g->rebar.present);
	CHECK_U64(g->rebar.bar, 0);
	CHECK_U64(g->rebar.current, 256ull << 20);
	CHECK_U64(g->rebar.supported, 0x1f00);	/* 1 MiB << 8 .. 1 MiB << 12 */
	CHECK_STR_CONTAINS(g->missing, "resource");
	CHECK_STR_CONTAINS(g->missing, "numa_node");
	CHECK(has_diag(&diags, "0000:09:00.0", "resource"));
	CHECK_U64(g->bars[0].size, 0);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* Config space written from the PCIe spec layout (tests/fixtures/pci/spec-lspci: Resizable BAR
 * extended capability 0x15 at 0x100, one entry, BAR 2 at 16 GiB from 256 MiB to 16 GiB; lspci -F
 * decodes the same bytes the same way), eight times, with the resource files the BARs belong to. */
static void test_rebar_from_spec(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;

	CHECK(read_root(FIXTURE("pci/xe-b580x8-rebar/root"), &gpus, &diags));
	CHECK_U64(gpus.count, 8);
	for (size_t i = 0; i < gpus.count; i++) {
		const struct hr_gpu *g = &gpus.items[i];

		CHECK(g->have_config && g->rebar.present && g->missing[0] == '\0');
		CHECK_U64(g->rebar.bar, 2);
		CHECK_U64(g->rebar.current, 16ull << 30);
		CHECK_U64(g->rebar.supported, 0x7f00);	/* 1 MiB << 8 .. 1 MiB << 14 */
		CHECK_U64(g->bars[2].size, g->rebar.current);
		CHECK_U64(g->bars[2].start, (1ull << 40) + i * (16ull << 30));
		CHECK(strcmp(g->driver, "xe") == 0 && g->n_tiles == 0);
	}
	CHECK_U64(diags.count, 0);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* xe in 6.12 makes a tileN directory per tile (xe_tile_sysfs.c:46) but shows no VRAM size in it:
 * the tile count comes from the directories, the size from the table. */
static void test_xe_tiles(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	CHECK(read_root(FIXTURE("pci/xe-max1550-tiles/root"), &gpus, &diags));
	CHECK_U64(gpus.count, 1);
	if (gpus.count != 1)
		return;
	g = &gpus.items[0];
	CHECK_U64(g->n_tiles, 2);
	CHECK_U64(g->tile_vram[0], 0);
	CHECK(g->vram_source == HR_VRAM_TABLE);
	CHECK_U64(g->vram, 128ull << 30);
	CHECK(g->have_config && !g->rebar.present);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* A real H100's first 96 bytes of config space and its NVIDIA information file, as published:
 * ids and class from the config space, capabilities and BARs unknown and said so, VRAM from the
 * table (the information file holds no memory size). */
static void test_h100_page(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	CHECK(read_root(H100_ROOT, &gpus, &diags));
	CHECK_U64(gpus.count, 1);
	if (gpus.count != 1)
		return;
	g = &gpus.items[0];
	CHECK(strcmp(g->bdf, "0000:62:00.0") == 0);
	CHECK_U64(g->vendor, 0x10de);
	CHECK_U64(g->device, 0x2330);
	CHECK_U64(g->subsys_device, 0x16c1);
	CHECK_U64(g->class_code, 0x030200);
	CHECK(!g->have_config && g->driver[0] == '\0');
	CHECK_STR_CONTAINS(g->missing, "config (96 bytes");
	CHECK_STR_CONTAINS(g->missing, "resource");
	CHECK(has_diag(&diags, "0000:62:00.0/config", "96 bytes, not 64, 256 or 4096"));
	CHECK(g->vram_source == HR_VRAM_TABLE);
	CHECK_U64(g->vram, 81559ull << 20);	/* what nvidia-smi shows of one, not the 80 GiB */
	CHECK_STR_CONTAINS(g->vram_basis, "driver-visible size of a real one");
	CHECK_STR_CONTAINS(g->vram_basis, "H100 SXM5 80GB");
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* Real amdgpu sysfs dumps (amdgpu-sysfs-rs' test data): VRAM from the driver, small 256 MiB
 * BARs. The RX 6900 XT's dump pads every file to 4096 bytes with NULs, which libpci refuses. */
static void test_amdgpu_captures(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	CHECK(read_root(FIXTURE("pci/amdgpu-rx580/root"), &gpus, &diags));
	CHECK_U64(gpus.count, 1);
	if (gpus.count == 1) {
		g = &gpus.items[0];
		CHECK(strcmp(g->bdf, "0000:09:00.0") == 0 && g->device == 0x67df);
		CHECK(strcmp(g->driver, "amdgpu") == 0);
		CHECK(g->vram_source == HR_VRAM_DRIVER);
		CHECK_U64(g->vram, 4294967296);
		CHECK_U64(g->bars[0].start, 0xd0000000);
		CHECK_U64(g->bars[0].size, 256 << 20);
		CHECK(g->bars[0].is_64bit && g->bars[0].prefetchable);
		CHECK(!g->have_config);
		CHECK_STR_CONTAINS(g->missing, "config");
	}
	hr_gpus_free(&gpus);
	CHECK(read_root(FIXTURE("pci/amdgpu-vega56/root"), &gpus, &diags));
	CHECK(gpus.count == 1 && gpus.items[0].vram == 8573157376);
	hr_gpus_free(&gpus);
	CHECK(read_root(FIXTURE("pci/amdgpu-rx6900xt/root"), &gpus, &diags));
	CHECK_U64(gpus.count, 0);
	CHECK(has_diag(&diags, "0000:0c:00.0", "class too long: device skipped"));
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* The guest's qxl relabelled as an H100 SXM5 (10de:2330), then given VRAM sources one by one. */
static void test_vram_precedence(void)
{
	struct hr_diags diags = {0};
	struct hr_vram_override ov;
	struct hr_error err;
	struct hr_gpus gpus;
	struct hr_gpu *g;

	fresh_copy();
	sh("printf '0x10de\\n' > %s" QXL "/vendor && printf '0x2330\\n' > %s" QXL "/device", scratch,
	   scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	g = &gpus.items[2];
	CHECK(g->vram_source == HR_VRAM_TABLE);
	CHECK_U64(g->vram, 81559ull << 20);
	CHECK_STR_CONTAINS(g->vram_basis, "10de:2330");
	CHECK_U64(g->bars[4].size, 4ull << 30);		/* never the BAR */
	hr_gpus_free(&gpus);
	/* an A100 PCIe 40GB (10de:20b1): no capture of one in the table, so the nominal size */
	sh("printf '0x20b1\\n' > %s" QXL "/device", scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	g = &gpus.items[2];
	CHECK_U64(g->vram, 40ull << 30);
	CHECK_STR_CONTAINS(g->vram_basis, "nominal, the datasheet's GB read as GiB");
	hr_gpus_free(&gpus);
	sh("printf '0x2330\\n' > %s" QXL "/device", scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	g = &gpus.items[2];
	/* --vram beats the table; an unknown BDF is a usage error */
	CHECK(hr_vram_override_parse("01:00.0=94G", &ov));
	CHECK(strcmp(ov.bdf, "0000:01:00.0") == 0);
	CHECK(hr_vram_overrides_apply(&gpus, &ov, 1, &diags, &err) == HR_OK);
	CHECK(g->vram_source == HR_VRAM_OVERRIDE && g->vram == 94ull << 30);
	CHECK(hr_vram_override_parse("0000:07:00.0=1G", &ov));
	CHECK(hr_vram_overrides_apply(&gpus, &ov, 1, &diags, &err) == HR_E_USAGE);
	CHECK(!hr_vram_override_parse("01:00.0", &ov) && !hr_vram_override_parse("1:2=8G", &ov) &&
	      !hr_vram_override_parse("01:00.0=lots", &ov) && !hr_vram_override_parse("01:20.0=8G", &ov));
	hr_gpus_free(&gpus);

	/* nvidia-smi -q (an 8-GPU H100 log, its first GPU moved to this bus) beats the table */
	sh("mkdir -p %s/var/lib/headroom && sed 's/00000000:18:00.0/00000000:01:00.0/' %s "
	   "> %s" HR_NVIDIA_SMI_CAPTURE, scratch, FIXTURE("pci/nvidia-smi-q-h100x8.txt"), scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	g = &gpus.items[2];
	CHECK(g->vram_source == HR_VRAM_NVIDIA_SMI);
	CHECK_U64(g->vram, 81559ull << 20);
	CHECK_STR_CONTAINS(g->vram_basis, "nvidia-smi-q.txt line");
	/* the seven other GPUs of the log are not in this root: each said so */
	CHECK(has_diag(&diags, HR_NVIDIA_SMI_CAPTURE, "GPU 0000:db:00.0 is not in /sys/bus/pci"));
	CHECK(hr_vram_override_parse("01:00.0=94G", &ov));
	CHECK(hr_vram_overrides_apply(&gpus, &ov, 1, &diags, &err) == HR_OK);
	CHECK(g->vram_source == HR_VRAM_NVIDIA_SMI);	/* a measurement is kept, with a word */
	CHECK(has_diag(&diags, "", "--vram 0000:01:00.0 ignored"));
	hr_gpus_free(&gpus);

	/* the driver's own sysfs file beats everything */
	sh("printf '85899345920\\n' > %s" QXL "/mem_info_vram_total", scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	g = &gpus.items[2];
	CHECK(g->vram_source == HR_VRAM_DRIVER && g->vram == 80ull << 30);
	CHECK_STR_CONTAINS(g->vram_basis, QXL "/mem_info_vram_total");
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* Damaged copies: each problem is a diagnostic naming the file, and the rest is kept. */
static void test_bad_input(void)
{
	struct hr_diags diags = {0};
	struct hr_gpus gpus;
	const struct hr_gpu *g;

	fresh_copy();
	sh("truncate -s 100 %s" QXL "/config", scratch);
	sh("sed -i '3s/.*/0x00000000f0000000 garbage/' %s/sys/bus/pci/devices/0000:00:03.0/resource",
	   scratch);
	sh("rm %s/sys/bus/pci/devices/0000:02:00.0/numa_node "
	   "%s/sys/bus/pci/devices/0000:02:00.0/subsystem_vendor", scratch, scratch);
	sh("rm %s/sys/bus/pci/devices/0000:00:06.0/class", scratch);
	sh("printf 'lots\\n' > %s" QXL "/mem_info_vram_total", scratch);
	/* virtio-gpu: a config copied without privileges (64 bytes, then zeros), no device file */
	sh("cd %s/sys/bus/pci/devices/0000:02:00.0 && head -c 64 config > c && truncate -s 4096 c && "
	   "mv c config && rm device", scratch);
	CHECK(read_root(scratch, &gpus, &diags));
	CHECK_U64(gpus.count, 3);	/* the one without a class cannot be told a GPU */
	CHECK(has_diag(&diags, "0000:00:06.0", "class"));
	if (gpus.count != 3) {
		print_diags(&diags);
		return;
	}
	g = &gpus.items[0];		/* malformed resource line: BARs unread, the rest kept */
	CHECK(has_diag(&diags, "0000:00:03.0/resource", "not \"start end flags\""));
	CHECK_U64(g->bars[0].size, 0);
	CHECK(strcmp(g->driver, "bochs-drm") == 0 && g->vendor == 0x1234);
	CHECK_STR_CONTAINS(g->missing, "resource");

	g = &gpus.items[1];		/* truncated config: capabilities unknown, BARs kept */
	CHECK(has_diag(&diags, QXL "/config", "100 bytes"));
	CHECK(!g->have_config);
	CHECK_STR_CONTAINS(g->missing, "config (100 bytes");
	CHECK_U64(g->bars[4].size, 4ull << 30);
	CHECK(has_diag(&diags, QXL "/mem_info_vram_total", "not a size"));
	CHECK(g->vram_source == HR_VRAM_UNKNOWN);

	g = &gpus.items[2];		/* missing optional files: listed */
	CHECK_STR_CONTAINS(g->missing, "subsystem_vendor");
	CHECK_STR_CONTAINS(g->missing, "numa_node");
	CHECK(!g->have_config && g->bars[4].size == 16384);
	CHECK(has_diag(&diags, "0000:02:00.0", "read without: subsystem_vendor"));
	CHECK(has_diag(&diags, "0000:02:00.0/config", "reads as zeros"));
	CHECK_STR_CONTAINS(g->missing, "zeros past 64 bytes");
	CHECK_STR_CONTAINS(g->missing, "ids from config space");
	CHECK(g->vendor == 0x1af4 && g->device == 0x1050);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
}

/* The 8-GPU H100 log as published, then damaged. */
static void test_nvidia_smi(void)
{
	struct hr_diags diags = {0};
	struct hr_nvidia_smi smi;
	struct hr_error err;
	char *buf, *cut;
	size_t len;

	CHECK(hr_read_path(FIXTURE("pci/nvidia-smi-q-h100x8.txt"), 1 << 20, &buf, &len, &err) == HR_OK);
	CHECK(hr_nvidia_smi_parse(buf, len, "smi", &smi, &diags, &err) == HR_OK);
	CHECK_U64(smi.count, 8);
	CHECK_U64(diags.count, 0);
	if (smi.count == 8) {
		CHECK(strcmp(smi.items[0].bdf, "0000:18:00.0") == 0);
		CHECK(strcmp(smi.items[7].bdf, "0000:db:00.0") == 0);	/* "DB" in the log */
		for (size_t i = 0; i < 8; i++)
			CHECK_U64(smi.items[i].fb_total, 81559ull << 20);	/* not BAR1's 131072 */
	}
	hr_nvidia_smi_free(&smi);

	/* cut before the first GPU's FB section; a garbled bus id on the second header */
	cut = strstr(buf, "    FB Memory Usage");
	CHECK(cut != NULL);
	if (cut) {
		char *second = strstr(buf, "GPU 00000000:2A:00.0");

		if (second)
			memcpy(second + 4, "0000zz00", 8);
		CHECK(hr_nvidia_smi_parse(buf, (size_t)(cut - buf), "smi", &smi, &diags, &err) == HR_OK);
		CHECK_U64(smi.count, 1);
		CHECK(has_diag(&diags, "smi", "GPU 0000:18:00.0: no \"FB Memory Usage\" Total"));
		hr_nvidia_smi_free(&smi);
		CHECK(hr_nvidia_smi_parse(buf, len, "smi", &smi, &diags, &err) == HR_OK);
		CHECK_U64(smi.count, 7);
		CHECK(has_diag(&diags, "smi", "not a GPU bus id: \"GPU 0000zz00:2A:00.0\""));
		hr_nvidia_smi_free(&smi);
	}
	/* not nvidia-smi output at all */
	CHECK(hr_nvidia_smi_parse("NVIDIA-SMI has failed\n", 22, "smi", &smi, &diags, &err) ==
	      HR_E_PARSE);
	CHECK_STR_CONTAINS(err.message, "not nvidia-smi -q output");
	CHECK(smi.items == NULL && smi.count == 0);
	free(buf);
	hr_diags_free(&diags);
}

static void test_no_pci(void)
{
	struct hr_gpus gpus;
	struct hr_error err;
	struct hr_root root;

	sh("rm -rf %s/*", scratch);
	CHECK(hr_root_init(&root, scratch, &err) == HR_OK);
	CHECK(hr_gpus_read(&root, &gpus, NULL, &err) == HR_E_NOENT);
	CHECK(strcmp(err.path, "/sys/bus/pci/devices") == 0);
	CHECK_U64(gpus.count, 0);
}

int main(void)
{
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 2;
	}
	test_guest_inventory();
	test_rebar();
	test_rebar_from_spec();
	test_xe_tiles();
	test_h100_page();
	test_amdgpu_captures();
	test_vram_precedence();
	test_bad_input();
	test_nvidia_smi();
	test_no_pci();
	sh("rm -rf %s", scratch);
	CHECK_DONE();
}
