// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One rule per driver: what it carves with request_free_mem_region(), when, and what is lost when
 * the carve fails. Line numbers are those of Debian's linux-source-6.12 (6.12.117) unless another
 * tree is named; the nvidia-uvm lines are from NVIDIA/open-gpu-kernel-modules 595.45.04.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/gpu_profile.h"
#include "headroom/kversion.h"
#include "amdgpu_ids.h"

#define MIB (1ull << 20)

#define VENDOR_AMD 0x1002
#define VENDOR_INTEL 0x8086
#define VENDOR_NVIDIA 0x10de

static const char lost_migration[] =
	"no migration to VRAM: the GPU reaches the memory remotely over PCIe instead";

static void set_carve(struct hr_gpu_profile *p, uint64_t size, uint64_t count)
{
	if (p->n_carves < HR_PROFILE_MAX_CARVES && size && count)
		p->carves[p->n_carves++] = (struct hr_profile_carve){size, count};
}

static bool version_before(const struct hr_gpu_env *env, int major, int minor)
{
	return env->version_known &&
	       hr_kver_cmp_series(env->version, (struct hr_kver){major, minor, -1}) < 0;
}

/* Append "; text" to the conditions. */
static void note(struct hr_gpu_profile *p, const char *text)
{
	size_t len = strlen(p->conditions);

	snprintf(p->conditions + len, sizeof(p->conditions) - len, "%s%s", len ? "; " : "", text);
}

static int compare_device(const void *key, const void *row)
{
	return (int)*(const uint16_t *)key - (int)*(const uint16_t *)row;
}

/* Both tables of amdgpu_ids.c start each row with its uint16_t device id. */
static const struct hr_amdgpu_id *amdgpu_id_find(uint16_t device)
{
	return bsearch(&device, hr_amdgpu_ids, hr_amdgpu_n_ids, sizeof(hr_amdgpu_ids[0]),
		       compare_device);
}

static const struct hr_amd_owned_id *amdgpu_unsupported_find(uint16_t device)
{
	return bsearch(&device, hr_amdgpu_unsupported, hr_amdgpu_n_unsupported,
		       sizeof(hr_amdgpu_unsupported[0]), compare_device);
}

/*
 * amdkfd: drivers/gpu/drm/amd/amdkfd/kfd_migrate.c kgd2kfd_init_zone_device(), called from
 * amdgpu_device_ip_init() (amdgpu_device.c:3083), which ignores its return value.
 *   1045: if (amdgpu_ip_version(adev, GC_HWIP, 0) < IP_VERSION(9, 0, 1)) return -EINVAL;
 *   1048: if (adev->flags & AMD_IS_APU) return 0;   (newer kernels: adev->apu_prefer_gtt)
 *   1057: size = ALIGN(adev->gmc.real_vram_size, 2ULL << 20);
 *   1058: if (adev->gmc.xgmi.connected_to_cpu) -> MEMORY_DEVICE_COHERENT at aper_base, no carve
 *   1063: res = devm_request_free_mem_region(adev->dev, &iomem_resource, size);
 *   1065: return PTR_ERR(res);   (no message: SVM is simply off)
 * Since 5.14 (CONFIG_HSA_AMD_SVM, which depends on DEVICE_PRIVATE). Debian's linux-source-6.1
 * (6.1.192) has the same carve as svm_migrate_init() (kfd_migrate.c:1009, from kgd2kfd_device_init()
 * kfd_device.c:638), which skips parts before gfx9 (:1018 KFD_IS_SOC15) but has no APU test.
 * The gfx generation and APU flag come from amdgpu's pciidlist row (amdgpu_ids.c) when it has one.
 */
static void profile_amdgpu(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			   struct hr_gpu_profile *p)
{
	uint64_t size = (gpu->vram + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	const struct hr_amdgpu_id *row = gpu->vendor == VENDOR_AMD ? amdgpu_id_find(gpu->device) : NULL;
	char text[320];

	p->source = "drivers/gpu/drm/amd/amdkfd/kfd_migrate.c:1057 (6.12) kgd2kfd_init_zone_device(): "
		    "size = ALIGN(adev->gmc.real_vram_size, 2ULL << 20); "
		    "devm_request_free_mem_region(adev->dev, &iomem_resource, size)";
	p->on_failure = "silence: kgd2kfd_init_zone_device() returns PTR_ERR(res) and its caller "
			"ignores it";
	p->loses = lost_migration;
	snprintf(p->rule, sizeof(p->rule), "one carve of ALIGN(real VRAM, 2 MiB) at device init");
	if (version_before(env, 5, 14)) {
		note(p, "kernel older than 5.14: amdkfd has no SVM and carves nothing");
		return;
	}
	if (env->amd_svm == 0) {
		note(p, "CONFIG_HSA_AMD_SVM is not set: no SVM, no carve");
		return;
	}
	if (env->amd_svm < 0)
		note(p, "CONFIG_HSA_AMD_SVM unknown: assumed set (its default with DEVICE_PRIVATE)");
	if (row && row->chip < HR_AMD_CHIP_VEGA10) {
		snprintf(text, sizeof(text), "%s (amdgpu_drv.c pciidlist) is older than gfx9: "
			 "kfd_migrate.c:1045 skips it, no carve", hr_amd_chip_names[row->chip]);
		note(p, text);
		return;
	}
	if (row && row->apu && !version_before(env, 6, 12)) {
		snprintf(text, sizeof(text), "%s is an APU (AMD_IS_APU in its pciidlist row): "
			 "kfd_migrate.c:1048 returns before the carve%s", hr_amd_chip_names[row->chip],
			 env->version_known ? "" : " (kernel version unknown: 6.12's test assumed)");
		note(p, text);
		return;
	}
	if (!gpu->vram) {
		note(p, "VRAM unknown: an APU or a part headroom cannot size; give --vram");
		return;
	}
	if (row && row->apu) {
		snprintf(text, sizeof(text), "%s is an APU: 6.1.192's svm_migrate_init() has no APU test "
			 "and carves its VRAM carve-out too (the kernels between 6.1 and 6.12 were not "
			 "checked)", hr_amd_chip_names[row->chip]);
		note(p, text);
	} else if (row) {
		snprintf(text, sizeof(text), "%s (amdgpu_drv.c pciidlist): gfx9 or newer, not an APU",
			 hr_amd_chip_names[row->chip]);
		note(p, text);
	} else {
		note(p, "not in amdgpu's explicit pciidlist: a part amdgpu takes by its class "
			"(CHIP_IP_DISCOVERY, all gfx9 or newer); whether it is an APU comes from IP discovery "
			"at probe (amdgpu_discovery.c:2791), which config space does not show: assumed not "
			"(kfd_migrate.c:1048 skips APUs)");
	}
	note(p, "assumed not xGMI-connected to the CPU (:1058: those use DEVICE_COHERENT at the "
		"aperture and carve nothing)");
	set_carve(p, size, 1);
}

/* xe_pciids.h (6.12): discrete parts whose graphics IP has_usm (xe_pci.c:149 XeHPC, Xe2). */
static bool xe_discrete_with_usm(uint16_t device)
{
	static const uint16_t pvc[] = {0x0b69, 0x0b6e, 0x0bd4, 0x0bd5, 0x0bd6, 0x0bd7, 0x0bd8,
				       0x0bd9, 0x0bda, 0x0bdb, 0x0be0, 0x0be1, 0x0be5};

	for (size_t i = 0; i < sizeof(pvc) / sizeof(pvc[0]); i++)
		if (device == pvc[i])
			return true;
	return (device & 0xff00) == 0xe200;	/* Battlemage: XE_BMG_IDS */
}

/*
 * xe, 6.15 to 6.19: drivers/gpu/drm/xe/xe_svm.c xe_devm_add(tile, vr) (Kingxukai/linux@9b44fff655e2),
 * called from xe_tile_init_noalloc() when xe->info.has_usm && IS_DGFX(xe), return value ignored:
 *   res = devm_request_free_mem_region(dev, &iomem_resource, vr->usable_size);
 * one carve per tile VRAM region; a failed request returns with no message.
 * From 7.0 (the drm_pagemap cache series, "drm/xe: Use the drm_pagemap cache and shrinker": 7.0 is
 * inferred from its postings, Oct-Nov 2025, after 6.19's drm cut-off; read in Debian's 7.3.4; a
 * 6.19 kernel is judged by the old rule) the same carve is made lazily, xe_svm.c:1822 in
 * xe_pagemap_create(), when the first fault-mode VM opens (xe_svm_init() :908
 * xe_svm_get_pagemaps(), one per tile with VRAM); fault mode needs has_usm (xe_vm.c:2120), and the
 * error fails that VM_CREATE ioctl. An unused pagemap is released by a shrinker and carved again.
 */
static void profile_xe(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
		       struct hr_gpu_profile *p)
{
	if (version_before(env, 7, 0)) {
		p->source = "drivers/gpu/drm/xe/xe_svm.c xe_devm_add() (6.15 to 6.19, "
			    "Kingxukai/linux@9b44fff655e2): devm_request_free_mem_region(dev, "
			    "&iomem_resource, vr->usable_size)";
		p->on_failure = "silence: xe_devm_add() returns the error and xe_tile_init_noalloc() "
				"ignores it";
		p->loses = lost_migration;
		snprintf(p->rule, sizeof(p->rule), "one carve per tile of its usable VRAM, at tile "
			 "init, on discrete parts with USM");
	} else {
		p->source = "drivers/gpu/drm/xe/xe_svm.c:1822 (Debian 7.3.4) xe_pagemap_create(): "
			    "devm_request_free_mem_region(dev, &iomem_resource, vr->usable_size), from "
			    "xe_svm_init() :908 when a fault-mode VM opens";
		p->on_failure = "the error returns from DRM_IOCTL_XE_VM_CREATE for a fault-mode VM, "
				"no kernel message";
		p->loses = "the application's fault-mode VM is not created: no shared virtual memory "
			   "on this GPU";
		p->lazy = true;
		snprintf(p->rule, sizeof(p->rule), "one carve per tile of its usable VRAM, when the "
			 "first fault-mode VM opens, on discrete parts with USM");
		if (!env->version_known)
			note(p, "kernel version unknown: the 7.0+ rule assumed");
	}
	if (version_before(env, 6, 15)) {
		note(p, "kernel older than 6.15: xe has no device-private memory");
		return;
	}
	if (!xe_discrete_with_usm(gpu->device)) {
		note(p, "not a discrete part with USM (Ponte Vecchio, Battlemage): no carve");
		return;
	}
	if (gpu->n_tiles && gpu->tile_vram[0]) {
		note(p, "each tile's physical VRAM taken as its usable size (xe_vram.c:338 usable_size "
			"stops at the stolen memory, a little lower)");
		for (unsigned t = 0; t < gpu->n_tiles && t < HR_GPU_MAX_TILES; t++)
			set_carve(p, gpu->tile_vram[t], 1);
		return;
	}
	if (!gpu->vram) {
		note(p, "VRAM unknown; give --vram");
		return;
	}
	if (gpu->n_tiles > 1) {
		char text[200];

		snprintf(text, sizeof(text), "%u tiles (tile0 %s tile%u in sysfs), whose VRAM xe does not "
			 "show: the VRAM split evenly between them", gpu->n_tiles,
			 gpu->n_tiles == 2 ? "and" : "to", gpu->n_tiles - 1);
		note(p, text);
		set_carve(p, gpu->vram / gpu->n_tiles, gpu->n_tiles);
		return;
	}
	note(p, gpu->n_tiles ? "one tile (tile0 in sysfs): the whole VRAM is its region"
			     : "no tile directories read: the whole VRAM taken as one tile");
	set_carve(p, gpu->vram, 1);
}

/*
 * nouveau: drivers/gpu/drm/nouveau/nouveau_dmem.c, Pascal and newer (:595), CONFIG_DRM_NOUVEAU_SVM.
 *   51: #define DMEM_CHUNK_SIZE (2UL << 20)
 *  243: res = request_free_mem_region(&iomem_resource, DMEM_CHUNK_SIZE, "nouveau_dmem");
 * in nouveau_dmem_chunk_alloc(), lazily, when a migration to VRAM needs a new chunk; the core
 * rounds each 2 MiB chunk to a whole section. Balbir Singh's THP series (6.19, kernel-facts.md
 * section 6) asks for DMEM_CHUNK_SIZE * NR_CHUNKS = 256 MiB per carve instead.
 */
static void profile_nouveau(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			    struct hr_gpu_profile *p)
{
	bool thp = env->version_known && !version_before(env, 6, 19);
	uint64_t chunk = thp ? 256 * MIB : 2 * MIB;

	p->source = "drivers/gpu/drm/nouveau/nouveau_dmem.c:243 (6.12) nouveau_dmem_chunk_alloc(): "
		    "request_free_mem_region(&iomem_resource, DMEM_CHUNK_SIZE, \"nouveau_dmem\")";
	p->on_failure = "the migration that needed the chunk fails with the error; no message";
	p->loses = "no migration to VRAM beyond the chunks already carved: the rest is reached "
		   "remotely over PCIe";
	p->lazy = true;
	snprintf(p->rule, sizeof(p->rule), "lazily, one carve per %s chunk of VRAM on first use%s",
		 thp ? "256 MiB" : "2 MiB", thp ? "" : ", each rounded up to a whole section");
	if (env->nouveau_svm == 0) {
		note(p, "CONFIG_DRM_NOUVEAU_SVM is not set: no carve");
		return;
	}
	if (env->nouveau_svm < 0)
		note(p, "CONFIG_DRM_NOUVEAU_SVM unknown: assumed set");
	if (!gpu->vram) {
		note(p, "VRAM unknown; give --vram");
		return;
	}
	note(p, "assumed Pascal or newer (nouveau_dmem.c:595); every chunk counted, as when all of "
		"VRAM is used for migration");
	if (!env->version_known)
		note(p, "kernel version unknown: 2 MiB chunks (before the THP rework) assumed");
	set_carve(p, chunk, (gpu->vram + chunk - 1) / chunk);
}

/*
 * nvidia-uvm, from NVIDIA/open-gpu-kernel-modules (kernel-open/nvidia-uvm/, tags named per row).
 * HMM, and so the carve, exist only in the open flavour of the kernel modules: NVIDIA's README
 * (kernel_open.html, 550.54.14) lists HMM among the features only the open flavour has, and issues
 * #797, #901 and #947 report the open flavour failing where the proprietary one works. The
 * proprietary flavour's source is not public: that it carves nothing is inferred from those.
 * Every release carves only when uvm_hmm_is_enabled_system_wide() (uvm_hmm.c:141-158@595.45.04:
 * uvm_disable_hmm, ATS, Confidential Computing, uvm_enable_va_space_mm) and the module was built
 * with UVM_IS_CONFIG_HMM() (uvm_linux.h:90-94@595.45.04: CONFIG_HMM_MIRROR, CONFIG_DEVICE_PRIVATE
 * and migrate_device_range(), Linux 6.1 per conftest.sh:3579-3593@595.45.04). The carve is made when
 * a process first registers the GPU (CUDA init), not at module load, and a failure prints nothing
 * in a release build: UVM_ERR_PRINT (uvm_common.h:95-96@595.45.04) prints only with
 * uvm_debug_prints, which defaults to 0 outside debug and develop builds (uvm_common.c:30@595.45.04).
 */
#define UVM_SILENT "no kernel message in a release build (UVM_ERR_PRINT prints only with " \
		   "uvm_debug_prints, off by default: uvm_common.h:95-96, uvm_common.c:30@595.45.04); "

/* The releases whose carve or failure differs, oldest first: a row holds from its first tag. */
struct uvm_release {
	int first[3];
	const char *range;
	bool carves;
	bool hmm_default_on;		/* uvm_disable_hmm defaults to false on x86_64 */
	bool per_parent;		/* one carve per parent GPU, not one per GPU instance (MIG) */
	bool fatal;
	const char *source;
	const char *status;		/* what the user sees: what the registration returns */
	const char *loses;
};

static const struct uvm_release uvm_releases[] = {
	{{0, 0, 0}, "before 530.30.02", false, false, false, false,
	 "kernel-open/nvidia-uvm/uvm_pmm_gpu.c@525.147.05 calls no request_free_mem_region(): no "
	 "device-private memory", "", ""},
	{{530, 0, 0}, "530.30.02 to 530.41.03", true, false, false, true,
	 "kernel-open/nvidia-uvm/uvm_pmm_gpu.c:3451,3462@530.30.02 devmem_init(): size = "
	 "root_chunks.count * UVM_CHUNK_SIZE_MAX; request_free_mem_region(&iomem_resource, size, "
	 "\"nvidia-uvm-hmm\"), per GPU instance from uvm_pmm_gpu_init() :3651; uvm_disable_hmm "
	 "defaults to true (uvm_hmm.c:42@530.41.03)",
	 UVM_SILENT "GPU registration fails with NV_ERR_GENERIC, \"Failure: Generic Error\" "
	 "(errno_to_nv_status(-ERANGE) falls to its default)",
	 "UVM does not register the GPU (PMM initialisation fails): CUDA cannot use it"},
	{{535, 0, 0}, "535.43.02 to 570.86.16", true, true, false, true,
	 "kernel-open/nvidia-uvm/uvm_pmm_gpu.c:3252,3263@565.57.01 devmem_init(): size = "
	 "root_chunks.count * UVM_CHUNK_SIZE_MAX, that is ALIGN(max_allocatable_address, 2 MiB) "
	 "(:3497); request_free_mem_region(&iomem_resource, size, \"nvidia-uvm-hmm\"), per GPU "
	 "instance from uvm_pmm_gpu_init() :3537",
	 UVM_SILENT "GPU registration fails with the error errno_to_nv_status() makes of it: "
	 "NV_ERR_GENERIC, \"Failure: Generic Error\", for request_free_mem_region()'s -ERANGE "
	 "(uvm_common.c:146@565.57.01), NV_ERR_INVALID_ARGUMENT for memremap_pages()' -EINVAL (:93)",
	 "UVM does not register the GPU (uvm_gpu.c:1424@565.57.01, PMM initialisation failed): CUDA "
	 "cannot use it"},
	{{570, 123, 1}, "570.123.01 to 590.48.01", true, true, true, true,
	 "kernel-open/nvidia-uvm/uvm_pmm_gpu.c:3238,3095@590.48.01 uvm_pmm_devmem_init(): size = "
	 "gpu->max_allocatable_address; request_free_mem_region(&iomem_resource, size, "
	 "\"nvidia-uvm-hmm\"), once per parent GPU",
	 UVM_SILENT "GPU registration fails with NV_ERR_NO_MEMORY, \"Out of memory\" "
	 "(uvm_pmm_gpu.c:3253@590.48.01)",
	 "UVM does not register the GPU (uvm_gpu.c:1527@590.48.01): CUDA cannot use it"},
	{{595, 0, 0}, "595.44.02 on", true, true, true, false,
	 "kernel-open/nvidia-uvm/uvm_pmm_gpu.c:3375,3124@595.45.04 uvm_pmm_devmem_init(): size = "
	 "gpu->max_allocatable_address; request_free_mem_region(&iomem_resource, size, "
	 "\"nvidia-uvm-hmm\"), once per parent GPU",
	 UVM_SILENT "GPU registration returns NV_ERR_BUSY_RETRY, \"System is busy, retry later\" "
	 "(uvm_pmm_gpu.c:3393@595.45.04), which uvm.h:338-342@595.45.04 asks the caller to answer by "
	 "retrying with UVM_INIT_FLAGS_DISABLE_HMM",
	 "no HMM on this GPU (system-allocated memory is not migrated to its VRAM); the GPU still "
	 "works for CUDA when CUDA retries without HMM as uvm.h asks (assumed: CUDA's side is not "
	 "public)"},
};

static const char uvm_unknown_status[] = UVM_SILENT
	"what registration returns depends on the driver version, which /proc/driver/nvidia/version "
	"did not give: NV_ERR_GENERIC up to 570.86.16, NV_ERR_NO_MEMORY (\"Out of memory\") from "
	"570.123.01 to 590.48.01, NV_ERR_BUSY_RETRY from 595.44.02";
static const char uvm_unknown_loses[] =
	"up to 590.48.01 UVM does not register the GPU (CUDA cannot use it); from 595.44.02 only HMM "
	"is lost when CUDA retries without it (the driver version is unknown)";

static const char uvm_not_converted[] =
	"nvidia-uvm is out of tree and the series does not convert it: it still calls "
	"request_free_mem_region() and then memremap_pages() with a MEMORY_DEVICE_PRIVATE pagemap "
	"(uvm_pmm_gpu.c:3124,3144@595.45.04), which the series' memremap_pages() refuses with "
	"WARN(1, \"Use memremap_device_private_pagemap()\") and -EINVAL (device-private-v6 "
	"0013-mm-Remove-device-private-pages-from-the-physical-address-space.patch:1289), so HMM "
	"fails on this GPU whatever the address space holds. NVIDIA's driver would have to call "
	"memremap_device_private_pagemap() instead of request_free_mem_region() + memremap_pages()";

static int nvidia_version_cmp(const int *a, const int *b)
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* The row for the loaded driver; NULL when its version is unknown. */
static const struct uvm_release *uvm_release_for(const struct hr_gpu_env *env)
{
	const struct uvm_release *row = NULL;

	if (!env->nvidia_version[0])
		return NULL;
	for (size_t i = 0; i < sizeof(uvm_releases) / sizeof(uvm_releases[0]); i++)
		if (nvidia_version_cmp(env->nvidia_version, uvm_releases[i].first) >= 0)
			row = &uvm_releases[i];
	return row;
}

/* Whether the open flavour can be taken as loaded, with why in the conditions. A what-if GPU asks
 * what the open flavour's carve would do, so it is assumed there; a GPU of the machine with no
 * version file is predicted as the open flavour too (the only one that carves), but marked
 * assumed: reporting it as failing would be a confident wrong answer for a proprietary install,
 * and reporting no carve would hide a real failure, so its failure is "unknown", which tells the
 * user the one file to check. */
static bool uvm_flavour(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			struct hr_gpu_profile *p)
{
	char text[400];

	if (env->nvidia_problem[0]) {
		snprintf(text, sizeof(text), "/proc/driver/nvidia/version: %s", env->nvidia_problem);
		note(p, text);
	}
	switch (env->nvidia_flavour) {
	case HR_NVIDIA_PROPRIETARY:
		note(p, "the proprietary flavour of NVIDIA's kernel modules (/proc/driver/nvidia/version "
			"has no \"Open Kernel Module\"): HMM is open-flavour only (NVIDIA's kernel_open "
			"README; issues #797, #901, #947), so nvidia-uvm carves nothing (inferred: the "
			"proprietary source is not public)");
		return false;
	case HR_NVIDIA_OPEN:
		note(p, "the open flavour of NVIDIA's kernel modules (/proc/driver/nvidia/version: "
			"\"Open Kernel Module\"), the one with HMM");
		return true;
	case HR_NVIDIA_FLAVOUR_UNKNOWN:
		break;
	}
	if (gpu->vram_source == HR_VRAM_WHAT_IF) {
		note(p, "a what-if GPU: the open flavour of NVIDIA's kernel modules assumed, the only one "
			"with HMM");
		return true;
	}
	p->carve_assumed = "which flavour of NVIDIA's kernel modules is loaded (only the open one "
			   "carves), which no /proc/driver/nvidia/version says";
	snprintf(text, sizeof(text), "which flavour of NVIDIA's kernel modules is loaded is unknown%s: "
		 "the open flavour assumed, the only one with HMM and so the only one that carves; a "
		 "failure is therefore unknown, not certain: with the proprietary flavour this GPU "
		 "carves nothing", env->nvidia_problem[0] ? "" : " (no /proc/driver/nvidia/version read)");
	note(p, text);
	return true;
}

/* The size nvidia-uvm asks for, with what the inputs say of max_allocatable_address. */
static void uvm_size(const struct hr_gpu *gpu, const struct uvm_release *row,
		     struct hr_gpu_profile *p)
{
	bool per_parent = !row || row->per_parent;
	uint64_t size = per_parent ? gpu->vram : (gpu->vram + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);

	note(p, gpu->vram_source == HR_VRAM_NVIDIA_SMI || gpu->vram_source == HR_VRAM_TABLE
		? "max_allocatable_address, the highest end of RM's FB regions (nv_gpu_ops.c:2006-2012"
		  "@595.45.04), is in no file: the FB Total nvidia-smi shows (or headroom's table of it) "
		  "is taken for it, which can sit a few hundred MiB lower (on an H100, up to two "
		  "sections)"
		: "max_allocatable_address, the highest end of RM's FB regions (nv_gpu_ops.c:2006-2012"
		  "@595.45.04), is in no file: the VRAM size is taken for it");
	if (!per_parent)
		note(p, "one carve per GPU instance before 570.123.01: MIG is in no input, assumed off "
			"(each MIG instance would carve again)");
	set_carve(p, size, 1);
}

static void profile_nvidia_uvm(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			       struct hr_gpu_profile *p)
{
	const struct uvm_release *row = uvm_release_for(env);
	const struct uvm_release *rule = row ? row : &uvm_releases[sizeof(uvm_releases) /
								    sizeof(uvm_releases[0]) - 1];
	bool hmm_default_on = rule->hmm_default_on && !env->arm64;
	char text[320], patch[16] = "";

	if (env->nvidia_version[2] >= 0)
		snprintf(patch, sizeof(patch), ".%02d", env->nvidia_version[2]);
	p->lazy = true;
	p->not_converted = true;
	p->new_scheme_note = uvm_not_converted;
	p->source = rule->source;
	p->failure_fatal = row && row->fatal;
	p->on_failure = row ? row->status : uvm_unknown_status;
	p->loses = row ? row->loses : uvm_unknown_loses;
	snprintf(p->rule, sizeof(p->rule), "one carve of the GPU's highest allocatable address (about "
		 "its VRAM) when a process first registers the GPU (CUDA init), only with HMM");
	if (!uvm_flavour(gpu, env, p))
		return;
	if (row) {
		snprintf(text, sizeof(text), "driver %d.%d%s (/proc/driver/nvidia/version): the rule "
			 "of %s", env->nvidia_version[0], env->nvidia_version[1], patch, row->range);
		note(p, text);
	} else {
		note(p, "driver version unknown: the newest rule (595) assumed for the carve");
	}
	if (!rule->carves) {
		note(p, "nvidia-uvm before 530 registers no device-private memory: no carve");
		return;
	}
	/* migrate_device_range() came in 6.1 (conftest.sh:3579-3593@595.45.04); without it the
	 * module is built without HMM (uvm_linux.h:90-94). Distributions backport it: issue #901 is
	 * HMM failing on 5.14.0-570.23.1.el9_6. */
	if (env->migrate_device_range == 0) {
		note(p, "the kernel has no migrate_device_range() (not in its symbols), so nvidia-uvm is "
			"built without HMM (uvm_linux.h:90-94@595.45.04): no carve");
		return;
	}
	if (version_before(env, 6, 1) && env->migrate_device_range == 1)
		note(p, "kernel older than 6.1 with migrate_device_range() backported (in its symbols): "
			"nvidia-uvm is built with HMM");
	if (version_before(env, 6, 1) && env->migrate_device_range < 0) {
		p->carve_assumed = p->carve_assumed ? p->carve_assumed
				   : "whether this kernel, older than 6.1, has migrate_device_range() "
				     "backported, which its symbols do not show";
		note(p, "kernel older than 6.1: nvidia-uvm has HMM only if the distribution backported "
			"migrate_device_range() (conftest.sh:3579-3593@595.45.04, uvm_linux.h:90-94; EL9 "
			"kernels did, issue #901), which the inputs do not show: the carve assumed, and its "
			"failure is unknown, not certain");
	}
	if (env->hmm_mirror == 0) {
		note(p, "CONFIG_HMM_MIRROR is not set: the module is built without HMM "
			"(uvm_linux.h:90-94@595.45.04), no carve");
		return;
	}
	if (env->hmm_mirror < 0)
		note(p, "CONFIG_HMM_MIRROR unknown: assumed set (uvm_linux.h:90-94@595.45.04 needs it)");
	if (env->uvm_disable_hmm == 1) {
		note(p, "uvm_disable_hmm=Y in /sys/module/nvidia_uvm/parameters: HMM off, no carve");
		return;
	}
	if (env->uvm_disable_hmm < 0 && !hmm_default_on) {
		note(p, env->arm64 ? "uvm_disable_hmm defaults to true off x86_64 (uvm_hmm.c:40"
				     "@595.45.04): HMM off, no carve"
			 : "uvm_disable_hmm defaults to true in 530 (uvm_hmm.c:42@530.41.03): HMM off, "
			   "no carve");
		return;
	}
	note(p, env->uvm_disable_hmm < 0 ? "nvidia_uvm parameters not readable: uvm_disable_hmm "
			 "assumed at its x86_64 default (false, uvm_hmm.c:29@595.45.04)"
			 : "uvm_disable_hmm=N in /sys/module/nvidia_uvm/parameters");
	if (env->uvm_enable_va_space_mm == 0) {
		note(p, "uvm_enable_va_space_mm=0 in /sys/module/nvidia_uvm/parameters: no HMM "
			"(uvm_hmm.c:158, uvm_va_space_mm.c:159-170@595.45.04), no carve");
		return;
	}
	if (env->uvm_enable_va_space_mm < 0)
		note(p, "uvm_enable_va_space_mm assumed at its default 1 (uvm_va_space_mm.c:159"
			"@595.45.04)");
	note(p, "assumed no ATS and no Confidential Computing (uvm_hmm.c:148,155@595.45.04 turn "
		"HMM off with either)");
	if (!gpu->vram) {
		note(p, "VRAM unknown; give --vram");
		return;
	}
	uvm_size(gpu, row, p);
}

/*
 * lib/test_hmm.c: dmirror_device_init() ends with dmirror_allocate_chunk(mdevice, NULL) (:1502)
 * for each of the two DEVICE_PRIVATE devices (:1523-1526); failure fails the module load.
 *   37: #define DEVMEM_CHUNK_SIZE (256 * 1024 * 1024U)
 *  559: request_free_mem_region(&iomem_resource, DEVMEM_CHUNK_SIZE, "hmm_dmirror")
 */
static void profile_test_hmm(struct hr_gpu_profile *p)
{
	p->source = "lib/test_hmm.c:559 (6.12) dmirror_allocate_chunk(): "
		    "request_free_mem_region(&iomem_resource, DEVMEM_CHUNK_SIZE, \"hmm_dmirror\"), "
		    "once per private device at load (:1502, :1523-1526)";
	p->on_failure = "modprobe test_hmm fails with the error";
	p->loses = "the module does not load: no HMM self-tests";
	p->failure_fatal = true;
	snprintf(p->rule, sizeof(p->rule), "two carves of 256 MiB at module load (devices 0 and 1)");
	note(p, "VRAM does not apply: the chunk size is fixed");
	set_carve(p, 256 * MIB, 2);
}

/*
 * arch/powerpc/kvm/book3s_hv_uvmem.c kvmppc_uvmem_init():
 *  1169: size = kvmppc_get_secmem_size();   (ibm,secure-memory reg sizes, or secure-memory-ranges)
 *  1176: pr_info("KVMPPC-UVMEM: No support for secure guests\n") when 0
 *  1180: request_free_mem_region(&iomem_resource, size, "kvmppc_uvmem")
 */
static void profile_ppc_uvmem(const struct hr_gpu *gpu, struct hr_gpu_profile *p)
{
	p->source = "arch/powerpc/kvm/book3s_hv_uvmem.c:1180 (6.12) kvmppc_uvmem_init(): "
		    "request_free_mem_region(&iomem_resource, kvmppc_get_secmem_size(), \"kvmppc_uvmem\")";
	p->on_failure = "kvm-hv fails to initialise with the error";
	p->loses = "no secure (PEF) guests on this host";
	p->failure_fatal = true;
	snprintf(p->rule, sizeof(p->rule), "one carve of the secure-memory size at KVM-HV init");
	note(p, "powerpc only (headroom models x86_64 and arm64): the size is taken as given");
	if (!gpu->vram) {
		note(p, "no secure memory: \"KVMPPC-UVMEM: No support for secure guests\", no carve");
		return;
	}
	set_carve(p, gpu->vram, 1);
}

static const char *const driver_names[] = {
	[HR_DRIVER_NONE] = "none", [HR_DRIVER_AMDGPU] = "amdgpu", [HR_DRIVER_XE] = "xe",
	[HR_DRIVER_NOUVEAU] = "nouveau", [HR_DRIVER_NVIDIA_UVM] = "nvidia-uvm",
	[HR_DRIVER_TEST_HMM] = "test_hmm", [HR_DRIVER_PPC_UVMEM] = "uvmem",
};

enum hr_gpu_driver hr_gpu_driver_from_name(const char *name)
{
	if (strcmp(name, "nvidia") == 0)
		return HR_DRIVER_NVIDIA_UVM;
	for (size_t i = 1; i < sizeof(driver_names) / sizeof(driver_names[0]); i++)
		if (strcmp(name, driver_names[i]) == 0)
			return (enum hr_gpu_driver)i;
	return HR_DRIVER_NONE;
}

/*
 * Which driver takes an unbound AMD device, as the kernel decides it (amdgpu_drv.c, Debian's
 * linux-source-6.12; 6.1.192's unsupported list is the same, its pciidlist lacks four pre-gfx9 ids
 * and has 0x163f, a VANGOGH APU that 6.12 takes by class):
 *   1096: amdgpu_unsupported_pciidlist[], ids left to radeon, r128 and mach64;
 *         :2274-2277 amdgpu_pci_probe() returns -ENODEV for them
 *   1805: pciidlist[], explicit rows with the chip; SI and CIK chips go to radeon unless
 *         amdgpu.si_support / cik_support is set (:2310, :2329; both default to 0 when radeon is
 *         built, :625, :644)
 *   2158-2172: any other 0x1002 device of class VGA, display-other or processing accelerator,
 *         as CHIP_IP_DISCOVERY
 * radeon registers no device-private memory: drivers/gpu/drm/radeon (6.12) calls neither
 * request_free_mem_region() nor memremap_pages(), nor do r128 and the mach64 fbdev driver (aty).
 */
static enum hr_gpu_driver predict_amd(const struct hr_gpu *gpu, struct hr_gpu_profile *p)
{
	const struct hr_amd_owned_id *owned = amdgpu_unsupported_find(gpu->device);
	const struct hr_amdgpu_id *row = amdgpu_id_find(gpu->device);
	char text[400];

	if (owned) {
		p->driver_name = owned->owner;
		snprintf(text, sizeof(text), "no driver bound: predicted for %s, which registers no "
			 "device-private memory; 1002:%04x is in amdgpu_unsupported_pciidlist "
			 "(amdgpu_drv.c:1096, 6.12), so amdgpu_pci_probe() refuses it (:2277)",
			 owned->owner, gpu->device);
		note(p, text);
		return HR_DRIVER_NONE;
	}
	if (row && row->chip <= HR_AMD_CHIP_MULLINS) {
		bool si = row->chip <= HR_AMD_CHIP_HAINAN;

		p->driver_name = "radeon";
		snprintf(text, sizeof(text), "no driver bound: predicted for radeon, which registers no "
			 "device-private memory; %s is %s, which amdgpu leaves to radeon unless "
			 "amdgpu.%s_support=1 (amdgpu_drv.c:%d, 6.12)", hr_amd_chip_names[row->chip],
			 si ? "SI" : "CIK", si ? "si" : "cik", si ? 2310 : 2329);
		note(p, text);
		return HR_DRIVER_NONE;
	}
	if (row) {
		snprintf(text, sizeof(text), "no driver bound: predicted for amdgpu, whose pciidlist "
			 "has 1002:%04x as %s (amdgpu_drv.c:1805, 6.12)", gpu->device,
			 hr_amd_chip_names[row->chip]);
		note(p, text);
		return HR_DRIVER_AMDGPU;
	}
	if (gpu->class_code == 0x030000 || gpu->class_code == 0x038000 || gpu->class_code == 0x120000) {
		note(p, "no driver bound: predicted for amdgpu, which takes any AMD device of this class "
			"(amdgpu_drv.c:2158-2172, 6.12)");
		return HR_DRIVER_AMDGPU;
	}
	snprintf(text, sizeof(text), "no driver bound, and amdgpu matches neither 1002:%04x nor class "
		 "%06x (amdgpu_drv.c:1805-2172, 6.12)", gpu->device, gpu->class_code);
	note(p, text);
	return HR_DRIVER_NONE;
}

/* The driver whose rule applies: the bound one, else the one the vendor's parts normally get. */
static enum hr_gpu_driver choose_driver(const struct hr_gpu *gpu, struct hr_gpu_profile *p)
{
	enum hr_gpu_driver d;

	if (gpu->driver[0]) {
		d = hr_gpu_driver_from_name(gpu->driver);
		if (d == HR_DRIVER_NONE) {
			char text[200];

			snprintf(text, sizeof(text), "bound to %s, which registers no device-private "
				 "memory%s", gpu->driver, strcmp(gpu->driver, "vfio-pci") == 0
				 ? " (the guest's driver carves, not this kernel)" : "");
			note(p, text);
		}
		return d;
	}
	p->predicted = true;
	switch (gpu->vendor) {
	case VENDOR_NVIDIA:
		note(p, "no driver bound: predicted for the NVIDIA driver with nvidia-uvm (under nouveau "
			"the nouveau rule would apply)");
		return HR_DRIVER_NVIDIA_UVM;
	case VENDOR_AMD:
		return predict_amd(gpu, p);
	case VENDOR_INTEL:
		note(p, "no driver bound: predicted for xe");
		return HR_DRIVER_XE;
	default:
		note(p, "no driver bound and no rule for this vendor");
		return HR_DRIVER_NONE;
	}
}

void hr_gpu_profile(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
		    struct hr_gpu_profile *p)
{
	memset(p, 0, sizeof(*p));
	p->driver = choose_driver(gpu, p);
	if (!p->driver_name)
		p->driver_name = driver_names[p->driver];
	switch (p->driver) {
	case HR_DRIVER_AMDGPU:
		profile_amdgpu(gpu, env, p);
		break;
	case HR_DRIVER_XE:
		profile_xe(gpu, env, p);
		break;
	case HR_DRIVER_NOUVEAU:
		profile_nouveau(gpu, env, p);
		break;
	case HR_DRIVER_NVIDIA_UVM:
		profile_nvidia_uvm(gpu, env, p);
		break;
	case HR_DRIVER_TEST_HMM:
		profile_test_hmm(p);
		break;
	case HR_DRIVER_PPC_UVMEM:
		profile_ppc_uvmem(gpu, p);
		break;
	case HR_DRIVER_NONE:
		snprintf(p->rule, sizeof(p->rule), "no device-private memory");
		p->source = "";
		p->on_failure = "";
		p->loses = "";
		break;
	}
}

/*
 * The first line of /proc/driver/nvidia/version is "NVRM version: %s" of pNVRM_ID
 * (kernel-open/nvidia/nv-procfs.c:234@595.45.04), the ID string GENERATE_NVIDSTRING writes:
 * "NVIDIA $(2) for $(TARGET_ARCH)  $(VERSION)  Release Build  (user@host)  date" (utils.mk:552-561),
 * with $(2) "UNIX Open Kernel Module" (src/nvidia/Makefile:197-199). The proprietary flavour
 * writes "NVIDIA UNIX x86_64 Kernel Module  VERSION  date" (NVIDIA's kernel_open README).
 */
bool hr_nvidia_version_parse(const char *line, struct hr_gpu_env *env)
{
	static const char prefix[] = "NVRM version: NVIDIA UNIX ", open[] = "Open Kernel Module",
			  module[] = "Kernel Module";
	const char *end = strchr(line, '\n'), *v = strstr(line, module);
	int n, used = 0;

	env->nvidia_flavour = HR_NVIDIA_FLAVOUR_UNKNOWN;
	env->nvidia_version[0] = 0;
	env->nvidia_problem[0] = '\0';
	if (strncmp(line, prefix, sizeof(prefix) - 1) != 0 || !v || (end && v > end)) {
		snprintf(env->nvidia_problem, sizeof(env->nvidia_problem), "the first line is not "
			 "\"NVRM version: NVIDIA UNIX ... Kernel Module ...\": the flavour is unknown");
		return false;
	}
	env->nvidia_flavour = strncmp(line + sizeof(prefix) - 1, open, sizeof(open) - 1) == 0
			      ? HR_NVIDIA_OPEN : HR_NVIDIA_PROPRIETARY;
	/* The version is the first word after the module name (and the open one's "for ARCH") that
	 * starts with a digit. */
	for (v += sizeof(module) - 1; *v && *v != '\n'; v++)
		if (*v >= '0' && *v <= '9' && v[-1] == ' ')
			break;
	env->nvidia_version[2] = -1;
	n = sscanf(v, "%d.%d%n.%d%n", &env->nvidia_version[0], &env->nvidia_version[1], &used,
		   &env->nvidia_version[2], &used);
	if (n < 2 || (v[used] != ' ' && v[used] != '\n' && v[used] != '\0')) {
		env->nvidia_version[0] = 0;
		snprintf(env->nvidia_problem, sizeof(env->nvidia_problem), "no driver version (as "
			 "570.86.15) after \"Kernel Module\": the version is unknown");
		return false;
	}
	return true;
}

/* A module parameter under /sys/module/nvidia_uvm/parameters: -1 unreadable, else its value as a
 * bool ('Y' or a nonzero number). */
static int uvm_parameter(const struct hr_root *root, const char *name)
{
	char path[128], *buf = NULL;
	size_t len = 0;
	int value = -1;

	snprintf(path, sizeof(path), "/sys/module/nvidia_uvm/parameters/%s", name);
	if (hr_read_file(root, path, 16, &buf, &len, NULL) == HR_OK && len)
		value = buf[0] == 'Y' || (buf[0] >= '1' && buf[0] <= '9');
	free(buf);
	return value;
}

void hr_gpu_env_read(const struct hr_root *root, struct hr_gpu_env *env, struct hr_diags *diags)
{
	static const char version[] = "/proc/driver/nvidia/version";
	struct hr_error err;
	char *buf = NULL;
	size_t len = 0;

	env->uvm_disable_hmm = uvm_parameter(root, "uvm_disable_hmm");
	env->uvm_enable_va_space_mm = uvm_parameter(root, "uvm_enable_va_space_mm");
	env->nvidia_flavour = HR_NVIDIA_FLAVOUR_UNKNOWN;
	env->nvidia_version[0] = 0;
	env->nvidia_problem[0] = '\0';
	if (hr_read_file(root, version, 4096, &buf, &len, &err) != HR_OK) {
		if (err.status != HR_E_NOENT && diags)
			hr_diag_add_error(diags, &err);
		return;
	}
	if (!hr_nvidia_version_parse(buf, env) && diags)
		hr_diag_add(diags, HR_E_PARSE, version, 1, "%s", env->nvidia_problem);
	free(buf);
}

void hr_gpu_what_if(unsigned index, uint64_t vram, enum hr_gpu_driver driver, struct hr_gpu *out)
{
	static const uint16_t vendors[] = {
		[HR_DRIVER_AMDGPU] = VENDOR_AMD, [HR_DRIVER_XE] = VENDOR_INTEL,
		[HR_DRIVER_NOUVEAU] = VENDOR_NVIDIA, [HR_DRIVER_NVIDIA_UVM] = VENDOR_NVIDIA,
	};

	memset(out, 0, sizeof(*out));
	snprintf(out->bdf, sizeof(out->bdf), "what-if.%u", index);
	out->vendor = driver < sizeof(vendors) / sizeof(vendors[0]) ? vendors[driver] : 0;
	out->device = driver == HR_DRIVER_XE ? 0x0bd5 : 0;	/* a discrete part with USM */
	out->class_code = 0x030200;				/* 3D controller */
	snprintf(out->name, sizeof(out->name), "what-if GPU (--add-gpu)");
	snprintf(out->driver, sizeof(out->driver), "%s", driver_names[driver]);
	out->numa_node = -1;
	out->vram = vram;
	out->vram_source = HR_VRAM_WHAT_IF;
	snprintf(out->vram_basis, sizeof(out->vram_basis), "--add-gpu");
}
