// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One rule per driver: what it carves with request_free_mem_region(), when, and what is lost when
 * the carve fails. Each driver's rules over the kernels are rows of data (struct driver_rule), each
 * citing file:line@version of Debian's linux-source-6.1 (6.1.192), -6.12 (6.12.118) and -7.3
 * (7.3.4); [I] marks what is inferred from posted patches rather than read in a tree. The
 * nvidia-uvm lines are from NVIDIA/open-gpu-kernel-modules 595.45.04.
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

/* A driver's rule over a range of kernels: from <= kernel < until ({0} until: no end yet). */
struct driver_rule {
	struct hr_kver from, until;
	uint64_t chunk;			/* bytes per carve when the driver fixes it; 0: VRAM sized */
	bool lazy, fatal;		/* fatal: see hr_gpu_profile.failure_fatal */
	const char *rule;		/* what the driver asks for */
	const char *source;		/* the call, file:line@version */
	const char *on_failure;		/* what the driver does and says when the carve fails */
	const char *loses;		/* what the user loses */
	int test;			/* the driver's own test over these kernels (amdgpu: enum apu_test) */
};

static void set_carve(struct hr_gpu_profile *p, uint64_t size, uint64_t count)
{
	if (p->n_carves < HR_PROFILE_MAX_CARVES && size && count)
		p->carves[p->n_carves++] = (struct hr_profile_carve){size, count};
}

/* v with a sublevel (a stable backport) compares it too; an unknown sublevel is before it. */
static bool version_before(const struct hr_gpu_env *env, struct hr_kver v)
{
	return env->version_known && (v.sublevel < 0 ? hr_kver_cmp_series(env->version, v)
						     : hr_kver_cmp(env->version, v)) < 0;
}

/* The row for env's kernel; rows[assumed] when the version is unknown; NULL before the first. */
static const struct driver_rule *rule_for(const struct driver_rule *rows, size_t n,
					  const struct hr_gpu_env *env, size_t assumed)
{
	if (!env->version_known)
		return &rows[assumed];
	for (size_t i = 0; i < n; i++)
		if (!version_before(env, rows[i].from) &&
		    (!rows[i].until.major || version_before(env, rows[i].until)))
			return &rows[i];
	return NULL;
}

static void apply_rule(struct hr_gpu_profile *p, const struct driver_rule *r)
{
	snprintf(p->rule, sizeof(p->rule), "%s", r->rule);
	p->source = r->source;
	p->on_failure = r->on_failure;
	p->loses = r->loses;
	p->lazy = r->lazy;
	p->failure_fatal = r->fatal;
}

/* Append "; text" to the conditions. */
static void note(struct hr_gpu_profile *p, const char *text)
{
	size_t len = strlen(p->conditions);

	snprintf(p->conditions + len, sizeof(p->conditions) - len, "%s%s", len ? "; " : "", text);
}

/* Whether the GPU carves at all is unknown: nothing is counted, and the conditions say why. */
static void undecided(struct hr_gpu_profile *p, const char *why)
{
	note(p, why);
	p->undecided = true;
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
 * amdkfd: the carve is kgd2kfd_init_zone_device() (6.12, 7.3; svm_migrate_init() in 6.1), whose
 * caller ignores its return value (kfd_device.c:638@6.1 kgd2kfd_device_init(),
 * amdgpu_device.c:3089@6.12 amdgpu_device_ip_init(), amdgpu_device.c:4178@7.3 amdgpu_device_init()):
 *   GC < 9.0.1: -EINVAL, no carve   kfd_migrate.c:1045@6.12, :1053@7.3 (6.1: :1018 KFD_IS_SOC15)
 *   the APU test                    none in 6.1; :1048@6.12 AMD_IS_APU; :1056@7.3 apu_prefer_gtt
 *   size = ALIGN(real_vram_size, 2 MiB)          :1027@6.1, :1057@6.12, :1065@7.3
 *   xgmi.connected_to_cpu: DEVICE_COHERENT, no carve  :1028@6.1, :1058@6.12, :1066@7.3
 *   devm_request_free_mem_region(adev->dev, ...) :1033@6.1, :1063@6.12, :1071@7.3
 * The APU test's history [I] (commits seen in merge logs and pull requests, not in a tree):
 * until 6.9.8 only gmc.is_app_apu (the MI300A) skipped the carve; 89773b85599a "drm/amdkfd: Let
 * VRAM allocations go to GTT domain on small APUs" (amd-drm-fixes-6.10, also seen as
 * eb853413d02c; the 6.9.9 backport is reported, not seen) added AMD_IS_APU there and to
 * KFD_IS_SVM_API_SUPPORTED (kfd_svm.h:204-205@6.12); 8b0d068e7dd1 and 759e764f7d58 "use GTT
 * for VRAM on APUs only if GTT is larger" (amd-drm-next-6.15-2025-02-21) replaced it with apu_prefer_gtt (kfd_svm.h:209-210@7.3), which
 * 7.3's amdgpu_ttm.c:2224-2226 sets only for an APU whose real_vram_size is below the GTT size
 * (ttm_tt_pages_limit() or amdgpu.gttsize, capped at RAM: :2189-2211), shown by mem_info_gtt_total.
 */
enum apu_test {
	APU_CARVES,			/* 6.1: no APU test, APUs carve their carve-out */
	APU_APP_APU_ONLY,		/* only the MI300A (gmc.is_app_apu) skips [I] */
	APU_SKIPPED,			/* AMD_IS_APU: no APU carves */
	APU_EITHER,			/* the kernel version is unknown: any of the tests */
	APU_PREFER_GTT,			/* an APU carves when its carve-out is at least its GTT */
};

static const char amd_on_failure[] =
	"silence: the carve's error returns to its caller, which ignores it (kfd_device.c:638@6.1 "
	"kgd2kfd_device_init(), amdgpu_device.c:3089@6.12 amdgpu_device_ip_init(), :4178@7.3 "
	"amdgpu_device_init())";
static const char amd_loses_6_1[] =
	"the whole SVM API on this GPU, not only migration: KFD_IS_SVM_API_SUPPORTED is false "
	"(kfd_svm.h:201@6.1), so HSA_CAP_SVMAPI_SUPPORTED stays clear (kfd_topology.c:2005@6.1) and "
	"SVM ranges (HIP managed memory with XNACK) are refused on it";
static const char amd_loses[] =
	"the whole SVM API on this GPU, not only migration: KFD_IS_SVM_API_SUPPORTED is false "
	"(kfd_svm.h:204@6.12, :209@7.3), so HSA_CAP_SVMAPI_SUPPORTED stays clear "
	"(kfd_topology.c:2183@6.12, :2199@7.3) and SVM ranges (HIP managed memory with XNACK) are "
	"refused on it";
static const char amd_source[] =
	"drivers/gpu/drm/amd/amdkfd/kfd_migrate.c:1063@6.12, :1071@7.3 "
	"kgd2kfd_init_zone_device(): devm_request_free_mem_region(adev->dev, &iomem_resource, "
	"size), size = ALIGN(real_vram_size, 2 MiB)";

static const struct driver_rule amd_rules[] = {
	{{5, 14, -1}, {6, 2, -1}, 0, false, false,
	  "one carve of ALIGN(real VRAM, 2 MiB) at device init",
	  "drivers/gpu/drm/amd/amdkfd/kfd_migrate.c:1033@6.1 svm_migrate_init(): "
	  "devm_request_free_mem_region(adev->dev, &iomem_resource, size), size = "
	  "ALIGN(real_vram_size, 2 MiB)",
	  amd_on_failure, amd_loses_6_1, APU_CARVES},
	{{6, 2, -1}, {6, 9, 9}, 0, false, false,
	  "one carve of ALIGN(real VRAM, 2 MiB) at device init, not on the MI300A [I]",
	  amd_source, amd_on_failure, amd_loses_6_1, APU_APP_APU_ONLY},
	{{6, 9, 9}, {6, 15, -1}, 0, false, false,
	  "one carve of ALIGN(real VRAM, 2 MiB) at device init, not on APUs",
	  amd_source, amd_on_failure, amd_loses, APU_SKIPPED},
	{{6, 15, -1}, {0, 0, 0}, 0, false, false,
	  "one carve of ALIGN(real VRAM, 2 MiB) at device init, on an APU only when its carve-out "
	  "is at least its GTT",
	  amd_source, amd_on_failure, amd_loses, APU_PREFER_GTT},
};
#define AMD_RULE_VERSION_UNKNOWN 3	/* 7.3's texts; the APU test is APU_EITHER */

/* Whether an APU carves under the row's test: false when it does not or it is undecided. */
static bool apu_carves(const struct hr_gpu *gpu, const struct hr_gpu_env *env, enum apu_test apu,
		       const char *chip, struct hr_gpu_profile *p)
{
	char text[480], vram[24], gtt[24];
	bool below_gtt = gpu->vram && gpu->gtt && gpu->vram < gpu->gtt;

	snprintf(vram, sizeof(vram), "%llu MiB", (unsigned long long)(gpu->vram / MIB));
	snprintf(gtt, sizeof(gtt), "%llu MiB", (unsigned long long)(gpu->gtt / MIB));
	switch (apu) {
	case APU_CARVES:
		snprintf(text, sizeof(text), "%s is an APU: svm_migrate_init() has no APU test "
			 "(kfd_migrate.c:1009-1033@6.1), so its VRAM carve-out is carved", chip);
		note(p, text);
		return true;
	case APU_APP_APU_ONLY:
		if (env->version.major == 6 && env->version.minor == 9 && env->version.sublevel < 0) {
			snprintf(text, sizeof(text), "%s is an APU and the 6.9 kernel's sublevel is "
				 "unknown: 6.9.9 took AMD_IS_APU into the carve's APU test [I], so "
				 "whether it carves is unknown, not counted", chip);
			undecided(p, text);
			return false;
		}
		snprintf(text, sizeof(text), "%s is an APU: before 89773b85599a (6.10, 6.9.9 [I]) "
			 "only gmc.is_app_apu, the MI300A, skipped the carve, so a consumer APU's "
			 "carve-out is carved [I]", chip);
		note(p, text);
		return true;
	case APU_SKIPPED:
		snprintf(text, sizeof(text), "%s is an APU: kfd_migrate.c:1048@6.12 (AMD_IS_APU, "
			 "from 6.9.9 to 6.14 [I]) returns before the carve", chip);
		note(p, text);
		return false;
	case APU_EITHER:
		snprintf(text, sizeof(text), "%s is an APU and the kernel version is unknown: "
			 "whether it carves depends on it (no carve under AMD_IS_APU, "
			 "kfd_migrate.c:1048@6.12; by carve-out and GTT under apu_prefer_gtt, :1056@7.3): "
			 "not counted", chip);
		undecided(p, text);
		return false;
	case APU_PREFER_GTT:
		if (!gpu->gtt || !gpu->vram) {
			snprintf(text, sizeof(text), "%s is an APU and its %s is unknown: "
				 "apu_prefer_gtt (amdgpu_ttm.c:2224-2226@7.3, from 6.15 [I]) cannot be "
				 "decided: not counted", chip,
				 gpu->gtt ? "carve-out" : "GTT size (mem_info_gtt_total)");
			undecided(p, text);
			return false;
		}
		snprintf(text, sizeof(text), below_gtt
			 ? "%s is an APU whose carve-out (%s) is below its GTT (%s, mem_info_gtt_total): "
			   "apu_prefer_gtt is set (amdgpu_ttm.c:2224-2226@7.3, from 6.15 [I]) and "
			   "kfd_migrate.c:1056@7.3 returns before the carve"
			 : "%s is an APU whose carve-out (%s) is at least its GTT (%s, "
			   "mem_info_gtt_total): apu_prefer_gtt stays false (amdgpu_ttm.c:2224-2226@7.3, "
			   "from 6.15 [I]), so the carve-out is carved", chip, vram, gtt);
		note(p, text);
		return !below_gtt;
	}
	return false;
}

/*
 * On a live system the KFD topology shows whether the carve was made: it beats the prediction.
 * HSA_CAP_SVMAPI_SUPPORTED is KFD_IS_SVM_API_SUPPORTED (kfd_topology.c:2198-2199@7.3): pgmap.type
 * != 0, the carve, alone on 6.1 (kfd_svm.h:201@6.1), or'ed with AMD_IS_APU on 6.12
 * (kfd_svm.h:204-205@6.12) and with apu_prefer_gtt on 7.3 (kfd_svm.h:209-210@7.3). So the bit
 * shows the carve only for a known dGPU, or an APU on a kernel whose clause is false for it
 * (6.1, before 6.9.9 [I], or apu_prefer_gtt false): the only GPUs predicted to carve and so
 * passed here. An APU whose clause holds, or a GPU not known to be an APU or not, never is.
 */
static void amd_measured(const struct hr_gpu *gpu, const struct hr_gpu_env *env, bool apu,
			 struct hr_gpu_profile *p)
{
	char text[400];

	if (!gpu->kfd_node)
		return;
	if (!gpu->kfd_svm && env->amd_svm < 0) {
		snprintf(text, sizeof(text), "measured: %s lacks HSA_CAP_SVMAPI_SUPPORTED "
			 "(0x08000000): the carve failed or CONFIG_HSA_AMD_SVM is off, which the inputs "
			 "do not show: not counted", gpu->kfd_properties);
		undecided(p, text);
		p->n_carves = 0;
		return;
	}
	p->measured = gpu->kfd_svm;
	snprintf(text, sizeof(text), gpu->kfd_svm
		 ? "measured: %s has HSA_CAP_SVMAPI_SUPPORTED (0x08000000), which on this %s is the "
		   "carve's pgmap alone (kfd_svm.h:204@6.12, :209@7.3): the carve was made"
		 : "measured: %s lacks HSA_CAP_SVMAPI_SUPPORTED (0x08000000), which on this %s is the "
		   "carve's pgmap alone (kfd_svm.h:204@6.12, :209@7.3): the carve failed",
		 gpu->kfd_properties, apu ? "APU (apu_prefer_gtt false)" : "dGPU");
	note(p, text);
}

static void profile_amdgpu(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			   struct hr_gpu_profile *p)
{
	uint64_t size = (gpu->vram + 2 * MIB - 1) / (2 * MIB) * (2 * MIB);
	const struct hr_amdgpu_id *row = gpu->vendor == VENDOR_AMD ? amdgpu_id_find(gpu->device) : NULL;
	const struct driver_rule *r = rule_for(amd_rules, sizeof(amd_rules) / sizeof(amd_rules[0]),
					       env, AMD_RULE_VERSION_UNKNOWN);
	const char *chip = row ? hr_amd_chip_names[row->chip] : "this part";
	char text[480];
	bool apu = false;

	apply_rule(p, r ? r : &amd_rules[0]);
	if (!r) {
		note(p, "kernel older than 5.14: amdkfd has no SVM and carves nothing");
		return;
	}
	if (!env->version_known)
		note(p, "kernel version unknown: 7.3's rule assumed, and an APU is undecided");
	if (env->amd_svm == 0) {
		note(p, "CONFIG_HSA_AMD_SVM is not set: no SVM, no carve");
		return;
	}
	if (env->amd_svm < 0)
		note(p, "CONFIG_HSA_AMD_SVM unknown: assumed set (its default with DEVICE_PRIVATE, "
			"amdkfd/Kconfig)");
	if (row && row->chip < HR_AMD_CHIP_VEGA10) {
		snprintf(text, sizeof(text), "%s (amdgpu_drv.c pciidlist) is older than gfx9: "
			 "kfd_migrate.c:1045@6.12 skips it, no carve", chip);
		note(p, text);
		return;
	}
	if (!row && gpu->kfd_node && gpu->kfd_apu < 0) {
		snprintf(text, sizeof(text), "not in amdgpu's explicit pciidlist, and its KFD topology "
			 "node (%s) does not say whether it is an APU: no CPU cores (from 6.12 a GPU's "
			 "node never has them, kfd_crat.c:2312@7.3) and gfx_target_version %u is not "
			 "one of an APU or a dGPU alone (90402 is the MI300A's and the MI300X's, "
			 "amdgpu_discovery.c:3610-3614@7.3): whether it carves is unknown, not counted",
			 gpu->kfd_properties, gpu->kfd_gfx_target);
		undecided(p, text);
		return;
	}
	if ((row && row->apu) || (!row && gpu->kfd_node && gpu->kfd_apu > 0)) {
		if (!row) {
			snprintf(text, sizeof(text), "an APU by its KFD topology node (%s): CPU cores on "
				 "it (6.1's ACPI CRAT), or gfx_target_version %u, an APU's GC "
				 "(kfd_device.c:306-475@7.3, AMD_IS_APU at amdgpu_discovery.c:3413-3437@7.3)",
				 gpu->kfd_properties, gpu->kfd_gfx_target);
			note(p, text);
		}
		apu = true;
		if (!apu_carves(gpu, env, env->version_known ? (enum apu_test)r->test : APU_EITHER,
				chip, p))
			return;
	} else if (row) {
		snprintf(text, sizeof(text), "%s (amdgpu_drv.c pciidlist): gfx9 or newer, not an APU",
			 chip);
		note(p, text);
	} else if (gpu->kfd_node) {
		snprintf(text, sizeof(text), "not in amdgpu's explicit pciidlist (CHIP_IP_DISCOVERY, "
			 "gfx9 or newer); not an APU: its KFD topology node (%s) has gfx_target_version "
			 "%u, a dGPU's GC (kfd_device.c:306-475@7.3, not AMD_IS_APU at "
			 "amdgpu_discovery.c:3413-3437@7.3)", gpu->kfd_properties, gpu->kfd_gfx_target);
		note(p, text);
	} else {
		note(p, "not in amdgpu's explicit pciidlist: a part amdgpu takes by its class "
			"(CHIP_IP_DISCOVERY, all gfx9 or newer); whether it is an APU shows in the KFD "
			"topology (/sys/class/kfd/kfd/topology/nodes/*/properties), which the inputs do "
			"not have: assumed not");
	}
	if (!gpu->vram) {
		note(p, "VRAM unknown: a part headroom cannot size; give --vram");
		return;
	}
	note(p, "assumed not xGMI-connected to the CPU (kfd_migrate.c:1058@6.12: those use "
		"DEVICE_COHERENT at the aperture and carve nothing)");
	set_carve(p, size, 1);
	amd_measured(gpu, env, apu, p);
}

/* Ponte Vecchio: XeHPC, has_usm (xe_pci.c:90@7.3). */
static bool xe_is_pvc(uint16_t device)
{
	static const uint16_t pvc[] = {0x0b69, 0x0b6e, 0x0bd4, 0x0bd5, 0x0bd6, 0x0bd7, 0x0bd8,
				       0x0bd9, 0x0bda, 0x0bdb, 0x0be0, 0x0be1, 0x0be5};

	for (size_t i = 0; i < sizeof(pvc) / sizeof(pvc[0]); i++)
		if (device == pvc[i])
			return true;
	return false;
}

/* Crescent Island: INTEL_CRI_IDS 0x674C-0x6750 (include/drm/intel/pciids.h:901-906@7.3), cri_desc
 * DGFX_FEATURES (xe_pci.c:468-488@7.3, listed at :536), graphics IP Xe3p_XPC (:186) with
 * XE2_GFX_FEATURES' has_usm (:109, :131-143). Not in 6.12's xe; the first kernel with it was not
 * read. */
static bool xe_is_cri(uint16_t device)
{
	return device >= 0x674c && device <= 0x6750;
}

/* Discrete parts whose graphics IP has_usm: Ponte Vecchio, Battlemage (XE_BMG_IDS, 0xE2xx) and
 * Crescent Island. */
static bool xe_discrete_with_usm(uint16_t device)
{
	return xe_is_pvc(device) || (device & 0xff00) == 0xe200 || xe_is_cri(device);
}

/*
 * xe. 6.15 to 6.19 [I] (read in Kingxukai/linux@9b44fff655e2 and the posted "drm/xe: Add SVM
 * device memory mirroring"): xe_devm_add(tile, vr), under #if IS_ENABLED(CONFIG_DRM_XE_DEVMEM_MIRROR)
 * (later CONFIG_DRM_XE_PAGEMAP), called from xe_tile_init_noalloc() when has_usm && IS_DGFX, its
 * return ignored. It sets vr->dpagemap.ops and hpa_base only after the carve succeeds, while
 * xe_svm_handle_pagefault() tries VRAM (devmem_possible = IS_DGFX && the option) through
 * xe_svm_alloc_vram() and the tile's drm_pagemap whatever happened at init.
 * From 7.0 (the drm_pagemap cache series, posted Oct-Nov 2025 after 6.19's drm cut-off [I]; read in
 * 7.3) the carve is lazy: xe_pagemap_create() xe_svm.c:1822@7.3, from xe_svm_init() :908 when the
 * first fault-mode VM opens, one per tile with VRAM; its error fails that VM_CREATE. All of it is
 * inside #if IS_ENABLED(CONFIG_DRM_XE_PAGEMAP) (:1601-2044@7.3, the stub at :824 returns 0), and
 * xe_svm.o needs CONFIG_DRM_XE_GPUSVM (Makefile:159@7.3); both default y (Kconfig:79-97@7.3).
 * The carve is the tile's usable_size (xe_vram.c:262@7.3): its VRAM less the stolen memory and
 * flat-CCS (tile_vram_size() :144-180), which no sysfs file shows.
 */
static const struct driver_rule xe_rules[] = {
	{{6, 15, -1}, {7, 0, -1}, 0, false, true,
	 "one carve per tile of its usable VRAM, at tile init, on discrete parts with USM",
	 "drivers/gpu/drm/xe/xe_svm.c xe_devm_add() (6.15 to 6.19 [I], Kingxukai/linux@9b44fff655e2): "
	 "devm_request_free_mem_region(dev, &iomem_resource, vr->usable_size), from "
	 "xe_tile_init_noalloc()",
	 "no message: xe_devm_add() returns the error and xe_tile_init_noalloc() ignores it, but the "
	 "tile's drm_pagemap ops and hpa_base are set only after a successful carve",
	 "[I] not a quiet fallback: the first SVM page fault that migrates to VRAM "
	 "(xe_svm_handle_pagefault() -> xe_svm_alloc_vram()) uses the tile's unset drm_pagemap, "
	 "likely a NULL dereference (kernel oops)", 0},
	{{7, 0, -1}, {0, 0, 0}, 0, true, false,
	 "one carve per tile of its usable VRAM, when the first fault-mode VM opens, on discrete "
	 "parts with USM",
	 "drivers/gpu/drm/xe/xe_svm.c:1822@7.3 xe_pagemap_create(): devm_request_free_mem_region(dev, "
	 "&iomem_resource, vr->usable_size), from xe_svm_init() :908 when a fault-mode VM opens",
	 "the error returns from DRM_IOCTL_XE_VM_CREATE for a fault-mode VM, no kernel message",
	 "the application's fault-mode VM is not created: no shared virtual memory on this GPU", 0},
};
#define XE_RULE_VERSION_UNKNOWN 1

/* An unbound part xe binds only with xe.force_probe, if at all: Ponte Vecchio, in no pciidlist of
 * 6.12 or 7.3 (pvc_desc is __maybe_unused, xe_pci.c:321@6.12, :365@7.3, and require_force_probe
 * :377@7.3), and Crescent Island (cri_desc require_force_probe, xe_pci.c:487@7.3). */
static bool xe_force_probe_unbound(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
				   struct hr_gpu_profile *p)
{
	if (!p->predicted)
		return false;
	if (xe_is_cri(gpu->device)) {
		undecided(p, "Crescent Island: xe binds it only with xe.force_probe (cri_desc "
			  "require_force_probe, xe_pci.c:487@7.3, listed at :536@7.3; 6.12 has no "
			  "Crescent Island), which the inputs do not show: not counted");
		return true;
	}
	if (!xe_is_pvc(gpu->device))
		return false;
	if (env->version_known && !version_before(env, (struct hr_kver){7, 3, -1})) {
		note(p, "Ponte Vecchio: 7.3's xe_pci.c pciidlist does not list it (pvc_desc is "
			"__maybe_unused, :365@7.3), so xe does not bind it: no carve");
		return true;
	}
	undecided(p, "Ponte Vecchio: xe binds it only with xe.force_probe where its pciidlist has "
		  "it at all (pvc_desc require_force_probe, xe_pci.c:377@7.3; 6.12 and 7.3 list it "
		  "nowhere), which the inputs do not show: not counted");
	return true;
}

static void profile_xe(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
		       struct hr_gpu_profile *p)
{
	const struct driver_rule *r = rule_for(xe_rules, sizeof(xe_rules) / sizeof(xe_rules[0]), env,
					       XE_RULE_VERSION_UNKNOWN);
	char text[300];

	apply_rule(p, r ? r : &xe_rules[0]);
	if (!r) {
		note(p, "kernel older than 6.15: xe has no device-private memory");
		return;
	}
	if (!env->version_known)
		note(p, "kernel version unknown: the 7.0+ rule assumed");
	if (env->xe_svm == 0) {
		snprintf(text, sizeof(text), "CONFIG_%s is not set: the carve is compiled out, "
			 "xe_svm.c:1601@7.3 #if IS_ENABLED(CONFIG_DRM_XE_PAGEMAP), 6.15's "
			 "CONFIG_DRM_XE_DEVMEM_MIRROR [I]: no carve", env->xe_svm_off);
		note(p, text);
		return;
	}
	if (env->xe_svm < 0)
		note(p, "CONFIG_DRM_XE_PAGEMAP (6.15: DRM_XE_DEVMEM_MIRROR) and DRM_XE_GPUSVM unknown: "
			"assumed set, their default (Kconfig:79-97@7.3)");
	if (!xe_discrete_with_usm(gpu->device)) {
		note(p, "not a discrete part with USM (Ponte Vecchio, Battlemage, Crescent Island): no "
			"carve");
		return;
	}
	if (xe_force_probe_unbound(gpu, env, p))
		return;
	if (gpu->n_tiles && gpu->tile_vram[0]) {
		note(p, "each tile's physical VRAM taken as its usable size, which is a little lower "
			"(xe_vram.c:144-180@7.3 takes the stolen memory and flat-CCS off it)");
		for (unsigned t = 0; t < gpu->n_tiles && t < HR_GPU_MAX_TILES; t++)
			set_carve(p, gpu->tile_vram[t], 1);
		return;
	}
	if (!gpu->vram) {
		note(p, "VRAM unknown; give --vram");
		return;
	}
	if (gpu->n_tiles > 1) {
		snprintf(text, sizeof(text), "%u tiles (tile0 %s tile%u in sysfs), whose VRAM xe does not "
			 "show: the VRAM split evenly between them, each taken as its usable size (a "
			 "little more than it)", gpu->n_tiles, gpu->n_tiles == 2 ? "and" : "to",
			 gpu->n_tiles - 1);
		note(p, text);
		set_carve(p, gpu->vram / gpu->n_tiles, gpu->n_tiles);
		return;
	}
	note(p, gpu->n_tiles ? "one tile (tile0 in sysfs): the whole VRAM taken as its usable size"
			     : "no tile directories read: the whole VRAM taken as one tile's usable size");
	set_carve(p, gpu->vram, 1);
}

/*
 * nouveau. Only Pascal carves: nouveau_dmem_init() returns below Pascal (nouveau_dmem.c:595@6.12,
 * :721@7.3) and nouveau_svm_init() returns above it (nouveau_svm.c:1054@6.1, :1077@6.12 and @7.3,
 * "Disable on Volta and newer"), so no SVMM exists and NOUVEAU_SVM_BIND, the only path to
 * a migration, refuses. The family is nouveau's card_type from the chipset
 * (nvkm/engine/device/base.c:3239-3247@7.3, user.c:146@6.12): its chip names (GP100, GV100,
 * TU102, ...: base.c .name) are the code names pci.ids gives each device, which libpci shows.
 * The carve: nouveau_dmem_chunk_alloc(), lazily when a migration needs a new chunk; a failure
 * leaves that page unallocated (nouveau_dmem.c:627-628@6.12), the migration skips it, and
 * nouveau_svmm_bind() ignores errors ("best effort", nouveau_svm.c:185@6.12 and @7.3).
 * CONFIG_DRM_NOUVEAU_SVM depends on STAGING and is default n (nouveau/Kconfig:93-101@6.12).
 */
static const char nouveau_on_failure[] =
	"silence: the page that needed the chunk is not allocated, the migration skips it, and "
	"NOUVEAU_SVM_BIND still returns 0 (nouveau_svm.c:185, \"best effort\")";
static const char nouveau_loses[] =
	"the pages that needed the chunk stay in system RAM: no migration to VRAM beyond the chunks "
	"already carved";

static const struct driver_rule nouveau_rules[] = {
	{{0, 0, -1}, {6, 19, -1}, 2 * MIB, true, false,
	 "lazily, one carve per 2 MiB chunk of VRAM on first use, each rounded up to a whole section",
	 "drivers/gpu/drm/nouveau/nouveau_dmem.c:243@6.12 (:244@6.1) nouveau_dmem_chunk_alloc(): "
	 "request_free_mem_region(&iomem_resource, DMEM_CHUNK_SIZE, \"nouveau_dmem\"), "
	 "DMEM_CHUNK_SIZE 2 MiB (:51)",
	 nouveau_on_failure, nouveau_loses, 0},
	{{6, 19, -1}, {0, 0, 0}, 256 * MIB, true, false,
	 "lazily, one carve per 256 MiB chunk of VRAM on first use",
	 "drivers/gpu/drm/nouveau/nouveau_dmem.c:327@7.3 nouveau_dmem_chunk_alloc(): "
	 "request_free_mem_region(&iomem_resource, DMEM_CHUNK_SIZE * NR_CHUNKS, \"nouveau_dmem\"), "
	 "2 MiB * 128 (:51-53); 6.19 as the first such kernel is from kernel-facts.md [I]",
	 nouveau_on_failure, nouveau_loses, 0},
};
#define NOUVEAU_RULE_VERSION_UNKNOWN 0

enum nv_family { NV_UNKNOWN, NV_BEFORE_PASCAL, NV_PASCAL, NV_AFTER_PASCAL };

/* The family from the chip code name that starts the device's pci.ids name, after the vendor's
 * ("NVIDIA Corporation GP104 [GeForce GTX 1080]"): the first word that is one; *chip points to it. */
static enum nv_family nouveau_family(const char *name, const char **chip, const char **family_name)
{
	static const struct {
		const char *prefix, *family;
		enum nv_family order;
	} chips[] = {
		{"GP", "Pascal", NV_PASCAL},	{"GV", "Volta", NV_AFTER_PASCAL},
		{"TU", "Turing", NV_AFTER_PASCAL}, {"GA", "Ampere", NV_AFTER_PASCAL},
		{"AD", "Ada", NV_AFTER_PASCAL},	{"GH", "Hopper", NV_AFTER_PASCAL},
		{"GB", "Blackwell", NV_AFTER_PASCAL}, {"GM", "Maxwell", NV_BEFORE_PASCAL},
		{"GK", "Kepler", NV_BEFORE_PASCAL}, {"GF", "Fermi", NV_BEFORE_PASCAL},
		{"GT", "Tesla", NV_BEFORE_PASCAL}, {"G", "Tesla or Curie", NV_BEFORE_PASCAL},
		{"NV", "pre-Tesla", NV_BEFORE_PASCAL}, {"MCP", "nForce", NV_BEFORE_PASCAL},
		{"C", "nForce", NV_BEFORE_PASCAL},
	};

	for (const char *w = name; *w; w += strcspn(w, " "), w += strspn(w, " ")) {
		if (*w == '[')
			break;		/* the marketing name, not the chip */
		for (size_t i = 0; i < sizeof(chips) / sizeof(chips[0]); i++) {
			size_t n = strlen(chips[i].prefix);

			if (strncmp(w, chips[i].prefix, n) == 0 && w[n] >= '0' && w[n] <= '9') {
				*chip = w;
				*family_name = chips[i].family;
				return chips[i].order;
			}
		}
	}
	return NV_UNKNOWN;
}

static void profile_nouveau(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			    struct hr_gpu_profile *p)
{
	const struct driver_rule *r = rule_for(nouveau_rules,
					       sizeof(nouveau_rules) / sizeof(nouveau_rules[0]), env,
					       NOUVEAU_RULE_VERSION_UNKNOWN);
	const char *family = NULL, *chip = NULL;
	enum nv_family f = nouveau_family(gpu->name, &chip, &family);
	char text[320];

	apply_rule(p, r);
	if (env->nouveau_svm == 0) {
		note(p, "CONFIG_DRM_NOUVEAU_SVM is not set: no carve");
		return;
	}
	if (f == NV_AFTER_PASCAL || f == NV_BEFORE_PASCAL) {
		snprintf(text, sizeof(text), "%.*s is %s: nouveau %s, so it carves nothing",
			 (int)strcspn(chip, " ["), chip, family, f == NV_AFTER_PASCAL
			 ? "turns SVM off above Pascal (nouveau_svm.c:1077@6.12 and @7.3)"
			 : "has no device memory below Pascal (nouveau_dmem.c:595@6.12, :721@7.3)");
		note(p, text);
		return;
	}
	if (f == NV_UNKNOWN) {
		undecided(p, "GPU family unknown (no chip code name in pci.ids for this device): only "
			  "Pascal carves (nouveau_svm.c:1077@6.12 turns SVM off above it): not counted");
		return;
	}
	snprintf(text, sizeof(text), "%.*s is Pascal, the one family nouveau's SVM runs on",
		 (int)strcspn(chip, " ["), chip);
	note(p, text);
	if (env->nouveau_svm < 0) {
		undecided(p, "CONFIG_DRM_NOUVEAU_SVM unknown, and it is a staging option that is off "
			  "by default (nouveau/Kconfig:93-101@6.12): not counted");
		return;
	}
	if (!gpu->vram) {
		note(p, "VRAM unknown; give --vram");
		return;
	}
	note(p, "every chunk counted, as when all of VRAM is used for migration");
	if (!env->version_known)
		note(p, "kernel version unknown: 2 MiB chunks (before 6.19) assumed");
	set_carve(p, r->chunk, (gpu->vram + r->chunk - 1) / r->chunk);
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
	if (version_before(env, (struct hr_kver){6, 1, -1}) && env->migrate_device_range == 1)
		note(p, "kernel older than 6.1 with migrate_device_range() backported (in its symbols): "
			"nvidia-uvm is built with HMM");
	if (version_before(env, (struct hr_kver){6, 1, -1}) && env->migrate_device_range < 0) {
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
 * lib/test_hmm.c: dmirror_device_init() ends with dmirror_allocate_chunk() (:1502@6.12,
 * :1898@7.3) for each of the two DEVICE_PRIVATE devices (:1523-1526@6.12); a failure fails the
 * module load with dmirror_allocate_chunk()'s ret = -ENOMEM (:551@6.12, :670@7.3), which the
 * request failure does not overwrite (goto err_devmem :562@6.12, :681@7.3). Later,
 * dmirror_devmem_alloc_page() carves one more chunk whenever a device's free list runs dry
 * (:674@6.12, :826@7.3).
 */
static const struct driver_rule test_hmm_rules[] = {
	{{0, 0, -1}, {0, 0, 0}, 256 * MIB, false, true,
	 "two carves of 256 MiB at module load (devices 0 and 1), more on demand after it",
	 "lib/test_hmm.c:559@6.12 (:678@7.3) dmirror_allocate_chunk(): "
	 "request_free_mem_region(&iomem_resource, DEVMEM_CHUNK_SIZE, \"hmm_dmirror\"), once per "
	 "private device at load (:1502, :1523-1526@6.12)",
	 "modprobe test_hmm fails with -ENOMEM (Cannot allocate memory), not -ERANGE "
	 "(test_hmm.c:551@6.12, :670@7.3)",
	 "the module does not load: no HMM self-tests", 0},
};

static void profile_test_hmm(const struct hr_gpu_env *env, struct hr_gpu_profile *p)
{
	const struct driver_rule *r = rule_for(test_hmm_rules, 1, env, 0);

	apply_rule(p, r);
	note(p, "VRAM does not apply: the chunk size is fixed; only the two carves at load are "
		"counted, not the ones the self-tests make on demand (test_hmm.c:674@6.12)");
	set_carve(p, r->chunk, 2);
}

/*
 * arch/powerpc/kvm/book3s_hv_uvmem.c kvmppc_uvmem_init():
 *  1169: size = kvmppc_get_secmem_size();   (ibm,secure-memory reg sizes, or secure-memory-ranges)
 *  1176: pr_info("KVMPPC-UVMEM: No support for secure guests\n") when 0
 *  1180: request_free_mem_region(&iomem_resource, size, "kvmppc_uvmem")
 * Its error fails kvmppc_book3s_init_hv(), the kvm_hv module's init (book3s_hv.c:6622-6625@6.12,
 * :6743-6746@7.3: pr_err("KVM-HV: kvmppc_uvmem_init failed %d"), return r).
 */
static const struct driver_rule ppc_uvmem_rules[] = {
	{{0, 0, -1}, {0, 0, 0}, 0, false, true,
	 "one carve of the secure-memory size at KVM-HV init",
	 "arch/powerpc/kvm/book3s_hv_uvmem.c:1180@6.12 kvmppc_uvmem_init(): "
	 "request_free_mem_region(&iomem_resource, kvmppc_get_secmem_size(), \"kvmppc_uvmem\")",
	 "\"KVM-HV: kvmppc_uvmem_init failed <errno>\" and the kvm_hv module fails to load "
	 "(book3s_hv.c:6622-6625@6.12, :6743-6746@7.3)",
	 "the kvm_hv module does not load: no HV guests at all on this host, not only secure (PEF) "
	 "ones", 0},
};

static void profile_ppc_uvmem(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
			      struct hr_gpu_profile *p)
{
	apply_rule(p, rule_for(ppc_uvmem_rules, 1, env, 0));
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
	p->measured = -1;
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
		profile_test_hmm(env, p);
		break;
	case HR_DRIVER_PPC_UVMEM:
		profile_ppc_uvmem(gpu, env, p);
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
