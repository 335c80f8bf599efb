// SPDX-License-Identifier: GPL-2.0-or-later
/* Each GPU's VRAM and where the number came from. Never a BAR: an 80 GiB part commonly has a
 * 128 GiB BAR, and a small-BAR part a 256 MiB one.
 *
 * What the drivers expose, checked in their source:
 * - amdgpu: mem_info_vram_total in the PCI device's sysfs directory, the real VRAM size in bytes
 *   (amdgpu_vram_mgr.c, amdgpu_mem_info_vram_total_show: adev->gmc.real_vram_size).
 * - xe: tileN/physical_vram_size_bytes in the PCI device's directory, on discrete parts but DG1
 *   (xe_tile_sysfs.c as in rodrigovivi/linux 839a927: tile->mem.vram.actual_physical_size, so
 *   it counts reserved memory too); the xe_tile_sysfs.c of torvalds/linux 06d0742 and of Debian's
 *   6.12.117 creates the tileN directory with only the VRAM frequency files, so there the
 *   directories give the tile count and the table the size.
 * - nouveau: no VRAM size in sysfs; the table answers.
 * - nvidia: /proc/driver/nvidia/gpus/BDF/information holds no memory size (open-gpu-kernel-modules
 *   kernel-open/nvidia/nv-procfs.c, nv_procfs_read_gpu_info: Model, IRQ, UUID, VBIOS, bus, DMA
 *   mask, minor, firmware), so HR_VRAM_NVIDIA_PROC is never the answer; nvidia-smi -q output
 *   captured at HR_NVIDIA_SMI_CAPTURE is ("FB Memory Usage / Total : N MiB" per "GPU BUS-ID"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/gpu.h"
#include "headroom/parse.h"

#define SMALL_FILE_MAX (64u << 10)
#define SMI_MAX_BYTES (16u << 20)	/* 8 GPUs of nvidia-smi -q are ~60 KiB */
#define MIB (1ull << 20)
#define GIB (1ull << 30)

const char *hr_vram_source_name(enum hr_vram_source source)
{
	switch (source) {
	case HR_VRAM_UNKNOWN: return "unknown";
	case HR_VRAM_DRIVER: return "driver";
	case HR_VRAM_NVIDIA_PROC: return "nvidia-proc";
	case HR_VRAM_NVIDIA_SMI: return "nvidia-smi";
	case HR_VRAM_TABLE: return "table";
	case HR_VRAM_OVERRIDE: return "override";
	case HR_VRAM_WHAT_IF: return "what-if";
	}
	return "unknown";
}

/*
 * VRAM by PCI device id, per PCI function (a part with two dies on two functions counts one).
 * Device ids from pci.ids (pciutils/pciids c1c1254, 2026-08-22) and, for NVIDIA, the supported GPU
 * list in open-gpu-kernel-modules README.md (595.45.04).
 *
 * Two numbers, and the table says which one it gives:
 * - nominal: the datasheet's capacity. Its "GB" is read as GiB: HBM stacks and GDDR chips come in
 *   binary sizes (an H100's 80 GB is five 16 GiB stacks), and what the drivers report sits just
 *   below the GiB reading, never near the decimal one (80 GB = 76294 MiB).
 * - driver-visible: what the driver reported on a real machine of that part, with the capture
 *   cited. It is what the carve is made of: amdgpu carves ALIGN(real_vram_size, 2 MiB), and
 *   real_vram_size is mem_info_vram_total, which rocm-smi's "VRAM Total Memory (B)" reads;
 *   nvidia-uvm carves max_allocatable_address, the highest end of RM's FB regions
 *   (nv_gpu_ops.c queryFbInfo(), 595.45.04), which no file shows and which headroom takes as
 *   nvidia-smi's FB total. The firmware and RM keep some of the memory, so the driver-visible size
 *   is smaller: 81559 MiB of an H100's 81920, 183359 MiB of a B200's 184320.
 * A row without a driver-visible size gives the nominal one, which may then be up to a few sections
 * too large; --vram or a captured nvidia-smi -q gives the exact size.
 */
struct vram_row {
	uint16_t vendor, device;
	uint64_t nominal;
	const char *nominal_source;
	uint64_t visible;		/* 0: no capture of the part known to headroom */
	const char *visible_source;
};

static const struct vram_row vram_table[] = {
	{0x10de, 0x20b0, 40 * GIB, "A100 SXM4 40GB: 40 GB HBM2 (NVIDIA A100 Tensor Core GPU datasheet)",
	 40960 * MIB, "nvidia-smi 580.126.09, bottlerocket-os/bottlerocket-core-kit#834"},
	{0x10de, 0x20b1, 40 * GIB, "A100 PCIe 40GB: 40 GB HBM2 (NVIDIA A100 Tensor Core GPU datasheet)", 0, NULL},
	{0x10de, 0x20f1, 40 * GIB, "A100 PCIe 40GB: 40 GB HBM2 (NVIDIA A100 Tensor Core GPU datasheet)", 0, NULL},
	{0x10de, 0x20b2, 80 * GIB, "A100 SXM4 80GB: 80 GB HBM2e (NVIDIA A100 Tensor Core GPU datasheet)",
	 81920 * MIB, "nvidia-smi 545.23.08, NVIDIA/mig-parted#31; 525.85.12, allenai/PeerRead#40"},
	{0x10de, 0x20b5, 80 * GIB, "A100 PCIe 80GB: 80 GB HBM2e (NVIDIA A100 Tensor Core GPU datasheet)", 0, NULL},
	{0x10de, 0x2330, 80 * GIB, "H100 SXM5 80GB: 80 GB HBM3 (NVIDIA H100 Tensor Core GPU datasheet)",
	 81559 * MIB, "nvidia-smi 565.57.01, tests/fixtures/pci/nvidia-smi-q-h100x8.txt; "
		      "550.54.15, NVIDIA/nccl#1264"},
	{0x10de, 0x2331, 80 * GIB, "H100 PCIe: 80 GB HBM2e (NVIDIA H100 Tensor Core GPU datasheet)", 0, NULL},
	{0x10de, 0x2321, 94 * GIB, "H100 NVL: 94 GB HBM3 (NVIDIA H100 Tensor Core GPU datasheet)",
	 95830 * MIB, "nvidia-smi 535.183.01, NVIDIA/gpu-admin-tools#4"},
	{0x10de, 0x2335, 141 * GIB, "H200 SXM: 141 GB HBM3e (NVIDIA H200 Tensor Core GPU datasheet; "
				    "id 0x2335 in NVIDIA/mig-parted#120)",
	 143771 * MIB, "nvidia-smi 550.144.03, sgl-project/sglang#3196"},
	{0x10de, 0x233b, 141 * GIB, "H200 NVL: 141 GB HBM3e (NVIDIA H200 Tensor Core GPU datasheet)", 0, NULL},
	{0x10de, 0x2901, 180 * GIB, "B200: 180 GB HBM3e, 1,440 GB for 8 GPUs (NVIDIA DGX B200 datasheet; "
				    "id 0x2901 in NVIDIA/gpu-operator#1242)",
	 183359 * MIB, "nvidia-smi 580.95.05, NVIDIA/TensorRT-LLM#10278"},
	{0x10de, 0x26b9, 48 * GIB, "L40S: 48 GB GDDR6 (NVIDIA L40S datasheet)",
	 46068 * MIB, "nvidia-smi 595.71.05, akash-network/provider-configs#99"},
	{0x10de, 0x27b8, 24 * GIB, "L4: 24 GB GDDR6 (NVIDIA L4 Tensor Core GPU datasheet)",
	 23034 * MIB, "nvidia-smi 570.133.20, speaches-ai/speaches#438"},
	{0x10de, 0x2204, 24 * GIB, "GeForce RTX 3090: 24 GB GDDR6X (NVIDIA GeForce RTX 3090 specifications)",
	 24576 * MIB, "nvidia-smi 595.71.05, noonghunna/club-3090#758"},
	{0x10de, 0x2684, 24 * GIB, "GeForce RTX 4090: 24 GB GDDR6X (NVIDIA GeForce RTX 4090 specifications)",
	 24564 * MIB, "nvidia-smi 535.54.03, vllm-project/vllm#7553"},
	{0x10de, 0x2b85, 32 * GIB, "GeForce RTX 5090: 32 GB GDDR7 (NVIDIA GeForce RTX 5090 specifications)",
	 32607 * MIB, "nvidia-smi 595.71.05, noonghunna/club-3090#617; 610.57.04, "
		      "noonghunna/club-3090#1261"},
	{0x1002, 0x740f, 64 * GIB, "Instinct MI210: 64 GB HBM2e (AMD Instinct MI210 product page)", 0, NULL},
	{0x1002, 0x7408, 64 * GIB, "Instinct MI250X: 128 GB HBM2e on two GCDs, 64 GB each, and each GCD "
				   "is a PCI function of its own with its own amdgpu device and carve "
				   "(AMD Instinct MI250X product page)", 0, NULL},
	{0x1002, 0x740c, 64 * GIB, "Instinct MI250/MI250X: 128 GB HBM2e on two GCDs, 64 GB each, and each "
				   "GCD is a PCI function of its own with its own amdgpu device and carve "
				   "(AMD Instinct MI250 product page)", 0, NULL},
	{0x1002, 0x74a1, 192 * GIB, "Instinct MI300X: 192 GB HBM3 (AMD Instinct MI300X product page)",
	 206141652992ull, "rocm-smi VRAM Total Memory, which is mem_info_vram_total, ROCm/ROCm#4750"},
	{0x1002, 0x74a5, 256 * GIB, "Instinct MI325X: 256 GB HBM3E (AMD Instinct MI325X product page)", 0, NULL},
	{0x8086, 0x0bd9, 48 * GIB, "Data Center GPU Max 1100: 48 GB HBM2e (Intel product specifications)", 0, NULL},
	{0x8086, 0x0bda, 48 * GIB, "Data Center GPU Max 1100: 48 GB HBM2e (Intel product specifications)", 0, NULL},
	{0x8086, 0x0bdb, 48 * GIB, "Data Center GPU Max 1100: 48 GB HBM2e (Intel product specifications)", 0, NULL},
	{0x8086, 0x0bd5, 128 * GIB, "Data Center GPU Max 1550: 128 GB HBM2e (Intel product specifications)", 0, NULL},
	{0x8086, 0x0bd6, 128 * GIB, "Data Center GPU Max 1550: 128 GB HBM2e (Intel product specifications)", 0, NULL},
	{0x8086, 0x56a0, 16 * GIB, "Arc A770: 16 GB GDDR6, an 8 GB model shares the id: --vram for it "
				   "(Intel Arc A770 Graphics product specifications)", 0, NULL},
	{0x8086, 0x56a1, 8 * GIB, "Arc A750: 8 GB GDDR6 (Intel Arc A750 Graphics product specifications)", 0, NULL},
	{0x8086, 0xe20b, 12 * GIB, "Arc B580: 12 GB GDDR6 (Intel Arc B580 Graphics product specifications)", 0, NULL},
};

/* One decimal number of bytes in a sysfs file; false when absent (silently) or malformed. */
static bool read_bytes_file(const struct hr_root *root, const char *path, uint64_t *out,
			    struct hr_diags *diags)
{
	struct hr_error err;
	char *buf;

	if (hr_read_file(root, path, SMALL_FILE_MAX, &buf, NULL, &err)) {
		if (err.status != HR_E_NOENT)
			hr_diag_add_error(diags, &err);
		return false;
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (!hr_parse_u64(buf, out) || *out == 0) {
		char quoted[200];

		hr_diag_add(diags, HR_E_PARSE, path, 1, "not a size in bytes: \"%s\"",
			    hr_quote(buf, strlen(buf), 40, quoted, sizeof(quoted)));
		free(buf);
		return false;
	}
	free(buf);
	return true;
}

static bool from_amdgpu(const struct hr_root *root, struct hr_gpu *g, struct hr_diags *diags)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/mem_info_vram_total", g->bdf);
	if (!read_bytes_file(root, path, &g->vram, diags))
		return false;
	g->vram_source = HR_VRAM_DRIVER;
	snprintf(g->vram_basis, sizeof(g->vram_basis), "%s (amdgpu)", path);
	return true;
}

/* xe: one VRAM region per tile, each carved on its own. Mainline xe makes a tileN directory per
 * tile in the PCI device's directory (xe_tile_sysfs.c:46 kobject_add(..., "tile%d"), 6.12), holding
 * only memory/freq0 on Ponte Vecchio (xe_vram_freq.c:110): the tile count, not the sizes. */
static bool from_xe(const struct hr_root *root, struct hr_gpu *g, struct hr_diags *diags)
{
	char path[128];
	uint64_t total = 0;
	unsigned n = 0, sized = 0;

	for (; n < HR_GPU_MAX_TILES; n++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/tile%u", g->bdf, n);
		if (!hr_root_exists(root, path))
			break;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/tile%u/physical_vram_size_bytes",
			 g->bdf, n);
		if (sized == n && read_bytes_file(root, path, &g->tile_vram[n], diags)) {
			total += g->tile_vram[n];
			sized++;
		}
	}
	g->n_tiles = n;
	if (!n || sized != n) {
		memset(g->tile_vram, 0, sizeof(g->tile_vram));
		return false;
	}
	g->vram = total;
	g->vram_source = HR_VRAM_DRIVER;
	snprintf(g->vram_basis, sizeof(g->vram_basis),
		 "/sys/bus/pci/devices/%s/tile*/physical_vram_size_bytes (xe, %u tile%s)", g->bdf, n,
		 n == 1 ? "" : "s");
	return true;
}

/* Each GPU of the capture that is also in /sys/bus/pci, unless its driver already said. */
static void from_nvidia_smi(const struct hr_nvidia_smi *smi, struct hr_gpus *gpus,
			    struct hr_diags *diags)
{
	for (size_t i = 0; i < smi->count; i++) {
		const struct hr_smi_gpu *s = &smi->items[i];
		struct hr_gpu *g = NULL;

		for (size_t j = 0; j < gpus->count; j++)
			if (strcmp(gpus->items[j].bdf, s->bdf) == 0)
				g = &gpus->items[j];
		if (!g) {
			hr_diag_add(diags, HR_E_PARSE, HR_NVIDIA_SMI_CAPTURE, s->line,
				    "GPU %s is not in /sys/bus/pci", s->bdf);
			continue;
		}
		if (!s->fb_total || g->vram_source != HR_VRAM_UNKNOWN)
			continue;
		g->vram = s->fb_total;
		g->vram_source = HR_VRAM_NVIDIA_SMI;
		snprintf(g->vram_basis, sizeof(g->vram_basis), "%s line %u: FB Memory Usage Total",
			 HR_NVIDIA_SMI_CAPTURE, s->fb_line);
	}
}

static void from_table(struct hr_gpu *g)
{
	for (size_t i = 0; i < sizeof(vram_table) / sizeof(vram_table[0]); i++) {
		const struct vram_row *r = &vram_table[i];

		if (r->vendor != g->vendor || r->device != g->device)
			continue;
		g->vram = r->visible ? r->visible : r->nominal;
		g->vram_source = HR_VRAM_TABLE;
		if (r->visible)
			snprintf(g->vram_basis, sizeof(g->vram_basis), "headroom's table, %04x:%04x: "
				 "driver-visible size of a real one (%s); nominal: %s", r->vendor,
				 r->device, r->visible_source, r->nominal_source);
		else
			snprintf(g->vram_basis, sizeof(g->vram_basis), "headroom's table, %04x:%04x: "
				 "nominal, the datasheet's GB read as GiB: %s; the driver sees a little "
				 "less, which no capture known to headroom shows", r->vendor, r->device,
				 r->nominal_source);
		return;
	}
}

void hr_gpus_read_vram(const struct hr_root *root, struct hr_gpus *gpus, struct hr_diags *diags)
{
	struct hr_nvidia_smi smi;
	struct hr_error err;
	char *buf;
	size_t len;

	for (size_t i = 0; i < gpus->count; i++) {
		struct hr_gpu *g = &gpus->items[i];

		if (!from_amdgpu(root, g, diags))
			from_xe(root, g, diags);
	}
	if (hr_read_file(root, HR_NVIDIA_SMI_CAPTURE, SMI_MAX_BYTES, &buf, &len, &err) == HR_OK) {
		if (hr_nvidia_smi_parse(buf, len, HR_NVIDIA_SMI_CAPTURE, &smi, diags, &err) == HR_OK)
			from_nvidia_smi(&smi, gpus, diags);
		else
			hr_diag_add_error(diags, &err);
		hr_nvidia_smi_free(&smi);
		free(buf);
	} else if (err.status != HR_E_NOENT) {
		hr_diag_add_error(diags, &err);
	}
	for (size_t i = 0; i < gpus->count; i++)
		if (gpus->items[i].vram_source == HR_VRAM_UNKNOWN)
			from_table(&gpus->items[i]);
}

bool hr_vram_override_parse(const char *arg, struct hr_vram_override *out)
{
	const char *eq = strchr(arg, '=');
	unsigned domain = 0, bus, dev, func;
	char bdf[24];
	int used = 0;
	size_t n;

	if (!eq || (n = (size_t)(eq - arg)) >= sizeof(bdf))
		return false;
	memcpy(bdf, arg, n);
	bdf[n] = '\0';
	if (sscanf(bdf, "%x:%x:%x.%x%n", &domain, &bus, &dev, &func, &used) != 4 || bdf[used]) {
		domain = 0;
		if (sscanf(bdf, "%x:%x.%x%n", &bus, &dev, &func, &used) != 3 || bdf[used])
			return false;
	}
	if (domain > 0xffff || bus > 0xff || dev > 0x1f || func > 7)
		return false;
	snprintf(out->bdf, sizeof(out->bdf), "%04x:%02x:%02x.%x", domain, bus, dev, func);
	return hr_parse_size(eq + 1, &out->bytes) && out->bytes > 0 && out->bytes < (1ull << 52);
}

enum hr_status hr_vram_overrides_apply(struct hr_gpus *gpus, const struct hr_vram_override *ov,
				       size_t n, struct hr_diags *diags, struct hr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct hr_gpu *g = NULL;

		for (size_t j = 0; j < gpus->count; j++)
			if (strcmp(gpus->items[j].bdf, ov[i].bdf) == 0)
				g = &gpus->items[j];
		if (!g)
			return hr_fail(err, HR_E_USAGE, NULL, 0,
				       "--vram %s: no such GPU in the inputs", ov[i].bdf);
		if (g->vram_source == HR_VRAM_DRIVER || g->vram_source == HR_VRAM_NVIDIA_PROC ||
		    g->vram_source == HR_VRAM_NVIDIA_SMI) {
			hr_diag_add(diags, HR_E_USAGE, NULL, 0,
				    "--vram %s ignored: %s reports %llu bytes", g->bdf, g->vram_basis,
				    (unsigned long long)g->vram);
			continue;
		}
		g->vram = ov[i].bytes;
		g->vram_source = HR_VRAM_OVERRIDE;
		memset(g->tile_vram, 0, sizeof(g->tile_vram));	/* the tile count stays */
		snprintf(g->vram_basis, sizeof(g->vram_basis), "--vram %s", g->bdf);
	}
	return HR_OK;
}
