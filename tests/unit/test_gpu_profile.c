// SPDX-License-Identifier: GPL-2.0-or-later
/* Each driver rule against the source line it follows (cited per test; line numbers from Debian's
 * linux-source-6.1, -6.12 and -7.3 and NVIDIA/open-gpu-kernel-modules 595.45.04, as in
 * gpu_profile.c). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "headroom/gpu_profile.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static struct hr_gpu gpu_with(uint16_t vendor, uint16_t device, const char *driver, uint64_t vram)
{
	struct hr_gpu g = {.vendor = vendor, .device = device, .numa_node = -1, .vram = vram,
			   .vram_source = HR_VRAM_TABLE};

	snprintf(g.bdf, sizeof(g.bdf), "0000:41:00.0");
	snprintf(g.driver, sizeof(g.driver), "%s", driver);
	return g;
}

static struct hr_gpu_env env_for(int major, int minor)
{
	return (struct hr_gpu_env){.version_known = true, .version = {major, minor, 0},
				   .uvm_disable_hmm = -1, .uvm_enable_va_space_mm = -1,
				   .hmm_mirror = 1, .migrate_device_range = -1, .nouveau_svm = 1,
				   .amd_svm = 1, .xe_svm = 1};
}

/* Real first lines of /proc/driver/nvidia/version: the open flavour from
 * nix-community/nixGL#186 (Ubuntu 24.04, nvidia-driver-565-open), the proprietary one from a
 * public Debian CUDA install guide (590.48.01, the format of NVIDIA's kernel_open README and of
 * dylanaraps/neofetch#876's 384.98). */
static const char open_565[] = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  565.57.01  "
			       "Release Build  (dvs-builder@U16-A24-9-2)  Thu Oct 10 12:15:00 UTC "
			       "2024\nGCC version:  gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)\n";
static const char proprietary_590[] = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  590.48.01  "
				      "Mon Dec  8 11:22:45 UTC 2025\nGCC version:  gcc version "
				      "14.2.0 (Debian 14.2.0-19)\n";

/* An env with the open flavour of driver major.minor.patch loaded. */
static struct hr_gpu_env env_open(int major, int minor, int patch)
{
	struct hr_gpu_env env = env_for(6, 12);

	env.nvidia_flavour = HR_NVIDIA_OPEN;
	env.nvidia_version[0] = major;
	env.nvidia_version[1] = minor;
	env.nvidia_version[2] = patch;
	return env;
}

/* kfd_migrate.c:1057 size = ALIGN(adev->gmc.real_vram_size, 2ULL << 20); :1063 one
 * devm_request_free_mem_region(); :1065 a failure returns silently. CONFIG_HSA_AMD_SVM from 5.14. */
static void test_amdgpu(void)
{
	struct hr_gpu g = gpu_with(0x1002, 0x74a1, "amdgpu", 192 * GIB + 1);
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_AMDGPU && !p.predicted && !p.lazy && !p.failure_fatal);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 192 * GIB + 2 * MIB);	/* ALIGN(x, 2 MiB) */
	CHECK_U64(p.carves[0].count, 1);
	CHECK_STR_CONTAINS(p.on_failure, "silence");
	CHECK_STR_CONTAINS(p.source, "kfd_migrate.c:1063@6.12");
	CHECK_STR_CONTAINS(p.loses, "the whole SVM API");
	CHECK_STR_CONTAINS(p.conditions, "xGMI");

	env.amd_svm = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "CONFIG_HSA_AMD_SVM is not set");
	env = env_for(5, 13);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "older than 5.14");
}

/* xe_svm.c xe_devm_add(): devm_request_free_mem_region(dev, &iomem_resource, vr->usable_size) for
 * each tile, only when has_usm && IS_DGFX (PVC 0x0bd5, BMG 0xe20b; DG2 0x56a0 has no USM), 6.15 on;
 * from 7.0 the same carve in xe_pagemap_create() (7.3.4 xe_svm.c:1822), when a fault-mode VM opens. */
static void test_xe(void)
{
	struct hr_gpu g = gpu_with(0x8086, 0x0bd5, "xe", 128 * GIB);
	struct hr_gpu_env env = env_for(6, 15);
	struct hr_gpu_profile p;

	g.n_tiles = 2;
	g.tile_vram[0] = g.tile_vram[1] = 64 * GIB;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_XE && !p.lazy);
	CHECK_U64(p.n_carves, 2);
	CHECK_U64(p.carves[0].size, 64 * GIB);
	CHECK_U64(p.carves[1].size, 64 * GIB);
	CHECK_STR_CONTAINS(p.rule, "at tile init");
	CHECK_STR_CONTAINS(p.on_failure, "no message");
	/* 6.15-6.19: the pagemap is used unset on the first VRAM-bound fault [I] */
	CHECK(p.failure_fatal);
	CHECK_STR_CONTAINS(p.loses, "kernel oops");

	env = env_for(7, 3);
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.lazy);
	CHECK_U64(p.n_carves, 2);
	CHECK_STR_CONTAINS(p.rule, "when the first fault-mode VM opens");
	CHECK_STR_CONTAINS(p.source, "xe_svm.c:1822");
	CHECK_STR_CONTAINS(p.on_failure, "DRM_IOCTL_XE_VM_CREATE");
	env = env_for(6, 15);

	g = gpu_with(0x8086, 0xe20b, "xe", 12 * GIB);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "whole VRAM taken as one tile");

	/* 6.12's sysfs: two tile directories and no sizes, so the VRAM split between them */
	g = gpu_with(0x8086, 0x0bd5, "xe", 128 * GIB);
	g.n_tiles = 2;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 64 * GIB);
	CHECK_U64(p.carves[0].count, 2);
	CHECK_STR_CONTAINS(p.conditions, "split evenly");

	g = gpu_with(0x8086, 0x56a0, "xe", 16 * GIB);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "not a discrete part with USM");

	g = gpu_with(0x8086, 0x0bd5, "xe", 128 * GIB);
	env = env_for(6, 14);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
}

/* The carve exists only with its Kconfig options: xe_svm.c:1601@7.3 #if
 * IS_ENABLED(CONFIG_DRM_XE_PAGEMAP), xe_svm.o only with DRM_XE_GPUSVM (Makefile:159@7.3). */
static void test_xe_kconfig_off(void)
{
	struct hr_gpu g = gpu_with(0x8086, 0xe20b, "xe", 12 * GIB);
	struct hr_gpu_env env = env_for(7, 3);
	struct hr_gpu_profile p;

	env.xe_svm = 0;
	env.xe_svm_off = "DRM_XE_PAGEMAP";
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "CONFIG_DRM_XE_PAGEMAP is not set");
	env.xe_svm = -1;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "assumed set");
}

/* An unbound Ponte Vecchio: 7.3's pciidlist has no PVC (pvc_desc __maybe_unused, xe_pci.c:365),
 * so xe does not take it; elsewhere it binds only with xe.force_probe, which is not known. */
/* Crescent Island 0x674C-0x6750 (pciids.h:901-906@7.3): DGFX, Xe3p_XPC has_usm (xe_pci.c:109,
 * :131-143, :186@7.3), require_force_probe (:487@7.3). */
static void test_xe_cri(void)
{
	struct hr_gpu g = gpu_with(0x8086, 0x674c, "xe", 160 * GIB);
	struct hr_gpu_env env = env_for(7, 3);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 160 * GIB);
	g.device = 0x6750;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	g.device = 0x6751;		/* past the range: not a part with USM */
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	g = gpu_with(0x8086, 0x674e, "", 160 * GIB);	/* unbound: force_probe not shown */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided && p.n_carves == 0);
	CHECK_STR_CONTAINS(p.conditions, "Crescent Island");
}

static void test_xe_pvc_unbound(void)
{
	struct hr_gpu g = gpu_with(0x8086, 0x0bd5, "", 128 * GIB);
	struct hr_gpu_env env = env_for(7, 3);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK(p.predicted && p.driver == HR_DRIVER_XE);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "does not bind it");
	env = env_for(6, 16);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "force_probe");
	g = gpu_with(0x8086, 0x0bd5, "xe", 128 * GIB);	/* bound: it was force-probed */
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
}

/* Only Pascal carves: nouveau_svm.c:1077@6.12 returns for family > PASCAL, nouveau_dmem.c:595@6.12
 * for family < PASCAL; the family from the pci.ids chip name (nvkm device/base.c chip names).
 * nouveau_dmem.c:51 DMEM_CHUNK_SIZE (2UL << 20), :243 one request_free_mem_region() per chunk, on
 * first use; 256 MiB (DMEM_CHUNK_SIZE * NR_CHUNKS, :53,:327@7.3) per carve from 6.19. */
static void test_nouveau(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x15f9, "nouveau", 16 * GIB);
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	snprintf(g.name, sizeof(g.name), "GP100GL [Tesla P100 SXM2 16GB]");
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NOUVEAU && p.lazy && !p.failure_fatal && !p.undecided);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 2 * MIB);
	CHECK_U64(p.carves[0].count, 16 * GIB / (2 * MIB));
	CHECK_STR_CONTAINS(p.conditions, "GP100GL is Pascal");
	CHECK_STR_CONTAINS(p.on_failure, "still returns 0");
	CHECK_STR_CONTAINS(p.loses, "stay in system RAM");
	env = env_for(6, 19);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.carves[0].size, 256 * MIB);
	CHECK_U64(p.carves[0].count, 64);
	CHECK_STR_CONTAINS(p.source, "nouveau_dmem.c:327@7.3");
	/* CONFIG_DRM_NOUVEAU_SVM is staging and default n: unknown is not "set" */
	env.nouveau_svm = -1;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(p.undecided);
	env.nouveau_svm = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);

	env = env_for(6, 12);
	g = gpu_with(0x10de, 0x2330, "nouveau", 80 * GIB);
	snprintf(g.name, sizeof(g.name), "GH100[H100 SXM5 80GB]");
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "GH100 is Hopper");
	snprintf(g.name, sizeof(g.name), "GV100GL [Tesla V100 SXM2 16GB]");
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "Volta");
	snprintf(g.name, sizeof(g.name), "GM204 [GeForce GTX 980]");
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "below Pascal");
	/* no chip name: the family is unknown, so nothing is counted, and no failure */
	g.name[0] = '\0';
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "family unknown");
}

/* uvm_pmm_gpu.c:3375@595.45.04 size = gpu->max_allocatable_address, only when
 * uvm_hmm_is_enabled_system_wide() (uvm_hmm.c:141-158: uvm_disable_hmm, default false on x86_64
 * :29, true elsewhere :40); made at the first registration of the GPU by a process (lazy); the
 * series refuses its memremap_pages() (not converted). */
static void test_nvidia_uvm(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x2330, "nvidia", 80 * GIB);
	struct hr_gpu_env env = env_open(595, 45, 4);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NVIDIA_UVM && p.lazy && p.not_converted && p.carve_assumed == NULL);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 80 * GIB);
	CHECK_STR_CONTAINS(p.conditions, "x86_64 default");
	CHECK_STR_CONTAINS(p.conditions, "the open flavour");
	CHECK_STR_CONTAINS(p.rule, "first registers the GPU (CUDA init)");
	CHECK_STR_CONTAINS(p.new_scheme_note, "memremap_device_private_pagemap() instead of "
			   "request_free_mem_region() + memremap_pages()");
	CHECK_STR_CONTAINS(p.new_scheme_note, "0013-mm-Remove-device-private-pages");

	env.uvm_disable_hmm = 1;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "uvm_disable_hmm=Y");

	env = env_open(595, 45, 4);
	env.arm64 = true;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	env.uvm_disable_hmm = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
}

/* The flavour and version from the first line of /proc/driver/nvidia/version ("NVRM version: %s"
 * of pNVRM_ID, nv-procfs.c:234@595.45.04; "UNIX Open Kernel Module" from src/nvidia/Makefile:199).
 * HMM is open-flavour only: the proprietary flavour carves nothing; with no file the open flavour
 * is assumed and the carve marked assumed, except for a what-if GPU, which asks about it. */
static void test_nvidia_flavour(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x2330, "nvidia", 80 * GIB);
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	CHECK(hr_nvidia_version_parse(open_565, &env));
	CHECK(env.nvidia_flavour == HR_NVIDIA_OPEN);
	CHECK(env.nvidia_version[0] == 565 && env.nvidia_version[1] == 57 && env.nvidia_version[2] == 1);
	CHECK(hr_nvidia_version_parse(proprietary_590, &env));
	CHECK(env.nvidia_flavour == HR_NVIDIA_PROPRIETARY);
	CHECK(env.nvidia_version[0] == 590 && env.nvidia_version[1] == 48 && env.nvidia_version[2] == 1);
	CHECK(hr_nvidia_version_parse("NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.142  Thu "
				      "Mar  5 2026\n", &env));
	CHECK(env.nvidia_version[0] == 580 && env.nvidia_version[1] == 142 && env.nvidia_version[2] < 0);

	hr_nvidia_version_parse(proprietary_590, &env);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(p.carve_assumed == NULL);
	CHECK_STR_CONTAINS(p.conditions, "proprietary flavour");
	CHECK_STR_CONTAINS(p.conditions, "inferred");

	CHECK(!hr_nvidia_version_parse("nvidia version unknown\n", &env));
	CHECK(env.nvidia_flavour == HR_NVIDIA_FLAVOUR_UNKNOWN);
	hr_gpu_profile(&g, &env, &p);
	CHECK_STR_CONTAINS(p.conditions, "/proc/driver/nvidia/version: the first line is not");
	CHECK(p.carve_assumed != NULL);
	CHECK_U64(p.n_carves, 1);

	env = env_for(6, 12);
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.carve_assumed != NULL);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "the open flavour assumed");
	CHECK_STR_CONTAINS(p.on_failure, "depends on the driver version");
	CHECK(!p.failure_fatal);
	g = gpu_with(0x10de, 0x2330, "", 80 * GIB);	/* unbound: the same */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.predicted && p.carve_assumed != NULL);

	hr_gpu_what_if(0, 80 * GIB, HR_DRIVER_NVIDIA_UVM, &g);
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.carve_assumed == NULL);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "a what-if GPU");
}

/* One row per release range (first tags as in NVIDIA/open-gpu-kernel-modules):
 *   525.147.05: no request_free_mem_region() in uvm_pmm_gpu.c;
 *   530.x: devmem_init() per uvm_gpu_t, uvm_disable_hmm defaults to true (uvm_hmm.c:42@530.41.03);
 *   535.43.02-570.86.16: ALIGN(max_allocatable_address, 2 MiB) per GPU instance
 *     (uvm_pmm_gpu.c:3252,3497@565.57.01), -ERANGE becomes NV_ERR_GENERIC, registration fails;
 *   570.123.01-590.48.01: max_allocatable_address per parent, NV_ERR_NO_MEMORY (:3253@590.48.01);
 *   595.44.02 on: NV_ERR_BUSY_RETRY (:3393@595.45.04), the caller retries without HMM. */
static void test_nvidia_releases(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x2330, "nvidia", 81559 * MIB + 1);
	struct hr_gpu_env env = env_open(525, 147, 5);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "before 530");

	env = env_open(530, 41, 3);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "uvm_hmm.c:42@530.41.03");
	env.uvm_disable_hmm = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);

	env = env_open(570, 86, 16);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 81560 * MIB);	/* ALIGN(x, 2 MiB) */
	CHECK(p.failure_fatal);
	CHECK_STR_CONTAINS(p.source, "uvm_pmm_gpu.c:3252,3263@565.57.01");
	CHECK_STR_CONTAINS(p.on_failure, "NV_ERR_GENERIC");
	CHECK_STR_CONTAINS(p.on_failure, "no kernel message in a release build");
	CHECK_STR_CONTAINS(p.loses, "CUDA cannot use it");
	CHECK_STR_CONTAINS(p.conditions, "MIG is in no input, assumed off");

	env = env_open(570, 123, 1);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.carves[0].size, 81559 * MIB + 1);
	CHECK(p.failure_fatal);
	CHECK_STR_CONTAINS(p.on_failure, "\"Out of memory\"");
	CHECK(strstr(p.conditions, "MIG") == NULL);
	env = env_open(590, 48, 1);
	hr_gpu_profile(&g, &env, &p);
	CHECK_STR_CONTAINS(p.source, "@590.48.01");
	CHECK_STR_CONTAINS(p.on_failure, "NV_ERR_NO_MEMORY");

	env = env_open(595, 44, 2);
	hr_gpu_profile(&g, &env, &p);
	CHECK(!p.failure_fatal);
	CHECK_STR_CONTAINS(p.on_failure, "NV_ERR_BUSY_RETRY");
	CHECK_STR_CONTAINS(p.loses, "retries without HMM");
	CHECK(strstr(p.on_failure, "err -34") == NULL);
}

/* UVM_IS_CONFIG_HMM() needs CONFIG_HMM_MIRROR and migrate_device_range() (Linux 6.1,
 * conftest.sh:3579-3593@595.45.04; uvm_linux.h:90-94); uvm_enable_va_space_mm=0 turns HMM off
 * (uvm_hmm.c:158, uvm_va_space_mm.c:159-170); the size is max_allocatable_address, which
 * nvidia-smi's FB Total only approaches. */
static void test_nvidia_conditions(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x2330, "nvidia", 80 * GIB);
	struct hr_gpu_env env = env_open(580, 142, -1);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "driver 580.142 ");
	CHECK_STR_CONTAINS(p.conditions, "FB Total nvidia-smi shows");
	/* Before 6.1 only a backport carves: unknown in a capture, measured in the symbols. */
	env.version = (struct hr_kver){5, 14, 0};
	env.migrate_device_range = -1;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK(p.carve_assumed != NULL);
	CHECK_STR_CONTAINS(p.conditions, "backported migrate_device_range()");
	env.migrate_device_range = 1;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK(p.carve_assumed == NULL);
	env.migrate_device_range = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "no migrate_device_range()");
	env = env_open(580, 142, -1);
	env.hmm_mirror = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "CONFIG_HMM_MIRROR is not set");
	env = env_open(580, 142, -1);
	env.uvm_enable_va_space_mm = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "uvm_enable_va_space_mm=0");
}

/* test_hmm.c:37 DEVMEM_CHUNK_SIZE (256 * 1024 * 1024U), one chunk per private device (:1523-1526)
 * at load; powerpc book3s_hv_uvmem.c:1180 one carve of kvmppc_get_secmem_size(), none when 0. */
static void test_test_hmm_and_uvmem(void)
{
	struct hr_gpu g;
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	hr_gpu_what_if(0, 1 * GIB, HR_DRIVER_TEST_HMM, &g);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_U64(p.carves[0].size, 256 * MIB);
	CHECK_U64(p.carves[0].count, 2);
	CHECK(p.failure_fatal);
	CHECK_STR_CONTAINS(p.on_failure, "-ENOMEM");	/* test_hmm.c:551: ret is not overwritten */
	CHECK_STR_CONTAINS(p.rule, "more on demand");	/* test_hmm.c:674 */

	hr_gpu_what_if(0, 16 * GIB, HR_DRIVER_PPC_UVMEM, &g);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.carves[0].size, 16 * GIB);
	CHECK_STR_CONTAINS(p.loses, "kvm_hv module does not load");	/* book3s_hv.c:6622-6625 */
	g.vram = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "No support for secure guests");
}

/* No driver bound: predicted from the vendor, and said so; vfio-pci and i915 carve nothing. */
static void test_unbound_and_other_drivers(void)
{
	struct hr_gpu g = gpu_with(0x10de, 0x2330, "", 80 * GIB);
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK(p.predicted && p.driver == HR_DRIVER_NVIDIA_UVM);
	CHECK_STR_CONTAINS(p.conditions, "no driver bound");
	g = gpu_with(0x10de, 0x2330, "vfio-pci", 80 * GIB);
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NONE && !p.predicted);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "the guest's driver carves");
	g = gpu_with(0x1234, 0x1111, "", 1 * GIB);
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NONE && p.predicted);
}

/* An unbound AMD device gets the driver the kernel's own tables give it (amdgpu_drv.c, 6.12):
 * amdgpu_unsupported_pciidlist (:1096) leaves QEMU's ati-vga, an RV100, to radeon; SI chips go to
 * radeon by default (:2310); pciidlist rows name the chip, so gfx8 carves nothing (kfd_migrate.c
 * :1045) and an APU carves nothing on 6.12 (:1048) but does on 6.1 (svm_migrate_init() has no APU
 * test); other parts are taken by class (:2158-2172), and only VGA, display and accelerators. */
static void test_amd_prediction(void)
{
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;
	struct hr_gpu g = gpu_with(0x1002, 0x5159, "", 16 * MIB);

	g.class_code = 0x030000;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.predicted && p.driver == HR_DRIVER_NONE && strcmp(p.driver_name, "radeon") == 0);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "amdgpu_unsupported_pciidlist");

	g.device = 0x6798;		/* CHIP_TAHITI */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NONE && strcmp(p.driver_name, "radeon") == 0);
	CHECK_STR_CONTAINS(p.conditions, "si_support=1");

	g.device = 0x67df;		/* CHIP_POLARIS10, the RX 580 */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_AMDGPU && p.predicted);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "CHIP_POLARIS10 (amdgpu_drv.c pciidlist) is older than gfx9");
	snprintf(g.driver, sizeof(g.driver), "amdgpu");
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_AMDGPU && !p.predicted);
	CHECK_U64(p.n_carves, 0);

	g = gpu_with(0x1002, 0x740f, "", 64 * GIB);	/* CHIP_ALDEBARAN, the MI210 */
	g.class_code = 0x038000;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_AMDGPU);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "CHIP_ALDEBARAN (amdgpu_drv.c pciidlist): gfx9 or newer");

	g = gpu_with(0x1002, 0x15dd, "", 2 * GIB);	/* CHIP_RAVEN, an APU */
	g.class_code = 0x030000;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK_STR_CONTAINS(p.conditions, "CHIP_RAVEN is an APU");
	env = env_for(6, 1);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);

	env = env_for(6, 12);
	g = gpu_with(0x1002, 0x744c, "", 24 * GIB);	/* Navi 31: not in pciidlist, VGA class */
	g.class_code = 0x030000;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_AMDGPU);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "any AMD device of this class");
	g.class_code = 0x040300;			/* its HDMI audio function's class */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.driver == HR_DRIVER_NONE);
	CHECK_U64(p.n_carves, 0);
}

/* The parameters are read through the root, as /sys/module/nvidia_uvm/parameters shows them, and
 * the first line of /proc/driver/nvidia/version. */
static void test_env_read(void)
{
	struct hr_root root;
	struct hr_gpu_env env = {0};

	CHECK(hr_root_init(&root, FIXTURE("gpu/uvm-hmm-disabled"), NULL) == HR_OK);
	hr_gpu_env_read(&root, &env, NULL);
	CHECK(env.uvm_disable_hmm == 1);
	CHECK(hr_root_init(&root, FIXTURE("gpu"), NULL) == HR_OK);
	hr_gpu_env_read(&root, &env, NULL);
	CHECK(env.uvm_disable_hmm == -1 && env.uvm_enable_va_space_mm == -1);
	CHECK(env.nvidia_flavour == HR_NVIDIA_FLAVOUR_UNKNOWN && !env.nvidia_problem[0]);
	/* /proc/driver/nvidia/version and the parameters as the open 565.57.01 driver writes them. */
	CHECK(hr_root_init(&root, FIXTURE("../cases/gpu-8x-h100-nvidia-open-565-new-scheme/root"),
			   NULL) == HR_OK);
	hr_gpu_env_read(&root, &env, NULL);
	CHECK(env.nvidia_flavour == HR_NVIDIA_OPEN && env.nvidia_version[0] == 565);
	CHECK(env.uvm_disable_hmm == 0 && env.uvm_enable_va_space_mm == 1);
}

/* A real H100 80GB (10de:2330) from its published sysfs files (tests/fixtures/pci/README.md), read
 * by the inventory: no driver link, so nvidia-uvm is predicted, and the carve is the 81559 MiB of
 * VRAM the table has from nvidia-smi of a real one, not its 128 GiB BAR 1. */
static void test_real_h100(void)
{
	struct hr_root root;
	struct hr_gpus gpus;
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	CHECK(hr_root_init(&root, FIXTURE("pci/nvidia-h100-sysfs/root"), NULL) == HR_OK);
	CHECK(hr_gpus_read(&root, &gpus, NULL, NULL) == HR_OK);
	hr_gpus_read_vram(&root, &gpus, NULL);
	CHECK_U64(gpus.count, 1);
	if (gpus.count == 1) {
		CHECK(gpus.items[0].vram_source == HR_VRAM_TABLE);
		hr_gpu_profile(&gpus.items[0], &env, &p);
		CHECK(p.predicted && p.driver == HR_DRIVER_NVIDIA_UVM);
		CHECK_U64(p.n_carves, 1);
		CHECK_U64(p.carves[0].size, gpus.items[0].vram);
		CHECK_U64(p.carves[0].size, 81559 * MIB);
	}
	hr_gpus_free(&gpus);
}

/* The same real H100 bound to nouveau: pci.ids names it GH100, Hopper, and nouveau_svm.c:1077@6.12
 * turns SVM off above Pascal, so it carves nothing and cannot fail. */
static void test_real_h100_nouveau(void)
{
	struct hr_root root;
	struct hr_gpus gpus;
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	CHECK(hr_root_init(&root, FIXTURE("pci/nvidia-h100-sysfs/root"), NULL) == HR_OK);
	CHECK(hr_gpus_read(&root, &gpus, NULL, NULL) == HR_OK);
	CHECK_U64(gpus.count, 1);
	if (gpus.count == 1) {
		snprintf(gpus.items[0].driver, sizeof(gpus.items[0].driver), "nouveau");
		hr_gpu_profile(&gpus.items[0], &env, &p);
		CHECK(p.driver == HR_DRIVER_NOUVEAU && !p.undecided);
		CHECK_U64(p.n_carves, 0);
		CHECK_STR_CONTAINS(p.conditions, "Hopper");
	}
	hr_gpus_free(&gpus);
}

/* An APU outside the explicit pciidlist (Phoenix 1002:15bf, GC 11.0.1: gfx_target_version 110003,
 * kfd_device.c:421-424@7.3, AMD_IS_APU at amdgpu_discovery.c:3423-3424@7.3) known from its KFD
 * topology node. 6.1: no APU test (kfd_migrate.c:1009-1033@6.1); before 6.9.9 only the MI300A
 * skips [I]; 6.9.9-6.14: AMD_IS_APU skips it (:1048@6.12); from 6.15 apu_prefer_gtt (:1056@7.3),
 * set when real_vram_size < GTT (amdgpu_ttm.c:2224-2226@7.3). */
static void test_amd_apu(void)
{
	struct hr_gpu g = gpu_with(0x1002, 0x15bf, "amdgpu", 16 * GIB);
	struct hr_gpu_env env = env_for(7, 3);
	struct hr_gpu_profile p;

	g.kfd_node = true;
	g.kfd_apu = 1;
	g.kfd_gfx_target = 110003;
	g.gtt = 8 * GIB;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "apu_prefer_gtt stays false");
	CHECK_STR_CONTAINS(p.conditions, "gfx_target_version 110003");
	env = env_for(6, 15);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	g.gtt = 32 * GIB;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "apu_prefer_gtt is set");
	g.gtt = 8 * GIB;		/* 6.9.9-6.14: AMD_IS_APU skips any APU */
	env = env_for(6, 14);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	CHECK_STR_CONTAINS(p.conditions, "AMD_IS_APU");
	env = env_for(6, 12);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	env.version.minor = 9, env.version.sublevel = 9;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 0);
	CHECK(!p.undecided);
	env.version.sublevel = 8;	/* before 89773b85599a: only is_app_apu skips */
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "is_app_apu");
	env.version.sublevel = -1;	/* 6.9 with no sublevel: either side of 6.9.9 */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided && p.n_carves == 0);
	env = env_for(6, 6);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	env = env_for(6, 1);
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.loses, "kfd_svm.h:201@6.1");
	env.version_known = false;	/* which APU test is unknown */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided && p.n_carves == 0);
	env = env_for(7, 3);		/* GTT unknown: apu_prefer_gtt cannot be decided */
	g.gtt = 0;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided);
	g.kfd_apu = 0;			/* a dGPU's gfx_target_version */
	g.kfd_gfx_target = 110000;
	hr_gpu_profile(&g, &env, &p);
	CHECK_U64(p.n_carves, 1);
	CHECK_STR_CONTAINS(p.conditions, "a dGPU's GC");
	g.kfd_apu = -1;			/* 90402: the MI300A's and the MI300X's */
	g.kfd_gfx_target = 90402;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided && p.n_carves == 0);
	CHECK_STR_CONTAINS(p.conditions, "gfx_target_version 90402");
}

/* The KFD topology capability bit HSA_CAP_SVMAPI_SUPPORTED (kfd_sysfs.h:59) is set exactly when
 * KFD_IS_SVM_API_SUPPORTED, which for a dGPU is the carve's pgmap (kfd_svm.h:204@6.12), but for
 * an APU also AMD_IS_APU (kfd_svm.h:204-205@6.12) or apu_prefer_gtt (:209-210@7.3). */
static void test_amd_measured(void)
{
	struct hr_gpu g = gpu_with(0x1002, 0x74a1, "amdgpu", 192 * GIB);
	struct hr_gpu_env env = env_for(6, 12);
	struct hr_gpu_profile p;

	hr_gpu_profile(&g, &env, &p);
	CHECK(p.measured == -1);
	g.kfd_node = true;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.measured == 0);
	CHECK_STR_CONTAINS(p.conditions, "the carve failed");
	g.kfd_svm = true;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.measured == 1);
	g.kfd_svm = false;
	env.amd_svm = -1;		/* clear, and the config unknown: SVM may be off */
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.undecided && p.n_carves == 0);

	/* Strix Halo on 6.12 has the bit from AMD_IS_APU alone: it shows no carve */
	g = gpu_with(0x1002, 0x1586, "amdgpu", 96 * GIB);
	env = env_for(6, 12);
	g.kfd_node = g.kfd_svm = true;
	g.kfd_apu = 1;
	g.kfd_gfx_target = 110501;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.measured == -1 && p.n_carves == 0);
	/* 7.3 with apu_prefer_gtt false: the bit is the pgmap again */
	env = env_for(7, 3);
	g.gtt = 16 * GIB;
	hr_gpu_profile(&g, &env, &p);
	CHECK(p.measured == 1 && p.n_carves == 1);
	CHECK_STR_CONTAINS(p.conditions, "APU (apu_prefer_gtt false)");
}

int main(void)
{
	test_real_h100();
	test_amdgpu();
	test_xe();
	test_xe_kconfig_off();
	test_xe_pvc_unbound();
	test_xe_cri();
	test_nouveau();
	test_real_h100_nouveau();
	test_amd_apu();
	test_amd_measured();
	test_nvidia_uvm();
	test_nvidia_flavour();
	test_nvidia_releases();
	test_nvidia_conditions();
	test_test_hmm_and_uvmem();
	test_unbound_and_other_drivers();
	test_amd_prediction();
	test_env_read();
	CHECK_DONE();
}
