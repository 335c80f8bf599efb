/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each GPU driver carves out of the physical address space for its device-private memory,
 * when, and what the user loses when the carve fails: one rule per driver, each written from that
 * driver's source (the call sites are cited in gpu_profile.c). */
#ifndef HEADROOM_GPU_PROFILE_H
#define HEADROOM_GPU_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/gpu.h"
#include "headroom/kernel_rules.h"
#include "headroom/rootfs.h"

enum hr_gpu_driver {
	HR_DRIVER_NONE,			/* no rule: the driver registers no device-private memory */
	HR_DRIVER_AMDGPU,		/* amdkfd SVM */
	HR_DRIVER_XE,
	HR_DRIVER_NOUVEAU,
	HR_DRIVER_NVIDIA_UVM,
	HR_DRIVER_TEST_HMM,		/* lib/test_hmm */
	HR_DRIVER_PPC_UVMEM,		/* powerpc KVM secure guests */
};

/* Which build of NVIDIA's kernel modules is loaded: the first line of /proc/driver/nvidia/version. */
enum hr_nvidia_flavour {
	HR_NVIDIA_FLAVOUR_UNKNOWN,	/* the file is absent or not in the driver's format */
	HR_NVIDIA_OPEN,			/* "NVIDIA UNIX Open Kernel Module for ARCH  VERSION ..." */
	HR_NVIDIA_PROPRIETARY,		/* "NVIDIA UNIX ARCH Kernel Module  VERSION ..." */
};

/* The facts outside the GPU that the rules read. */
struct hr_gpu_env {
	bool arm64;
	bool version_known;
	struct hr_kver version;
	int uvm_disable_hmm;		/* /sys/module/nvidia_uvm/parameters: -1 unreadable, 0, 1 */
	int uvm_enable_va_space_mm;	/* the same directory: -1 unreadable, 0, nonzero 1 */
	int hmm_mirror;			/* CONFIG_HMM_MIRROR: -1 unknown, 0, 1 */
	int migrate_device_range;	/* in the kernel's symbols: -1 unknown, 0 absent, 1 present */
	enum hr_nvidia_flavour nvidia_flavour;
	int nvidia_version[3];		/* 570.86.15 from the same line; [0] == 0: unknown */
	char nvidia_problem[200];	/* what is wrong with /proc/driver/nvidia/version's first line */
	int nouveau_svm;		/* CONFIG_DRM_NOUVEAU_SVM: -1 unknown, 0, 1 */
	int amd_svm;			/* CONFIG_HSA_AMD_SVM: -1 unknown, 0, 1 */
	int xe_svm;			/* xe's SVM device memory: -1 unknown, 0 off, 1 on */
	const char *xe_svm_off;		/* the CONFIG_DRM_XE_* symbol that is not set, when off */
};

/* Read the driver parameters and the NVIDIA version file under root; what is absent stays -1
 * (the Kconfig options are the caller's). A version file that cannot be read or is not in the
 * driver's format goes to diags (when not NULL), naming the file and the problem. */
void hr_gpu_env_read(const struct hr_root *root, struct hr_gpu_env *env, struct hr_diags *diags);

#define HR_PROFILE_MAX_CARVES (HR_GPU_MAX_TILES)

/* count carves of size bytes each, in this order. */
struct hr_profile_carve {
	uint64_t size;
	uint64_t count;
};

struct hr_gpu_profile {
	enum hr_gpu_driver driver;
	const char *driver_name;	/* "amdgpu", "xe", "nouveau", "nvidia-uvm", ... */
	bool predicted;			/* no driver bound: the rule is predicted from vendor/device */
	bool lazy;			/* carves on first use, not at probe (nouveau) */
	/* A failed carve costs more than the device-private memory: it fails the GPU's registration
	 * (nvidia-uvm's rows that say so) or leaves the driver broken for later use (xe 6.15-6.19: the
	 * tile's pagemap stays unset and the first VRAM-bound SVM fault likely oopses [I]). */
	bool failure_fatal;
	bool undecided;			/* whether it carves at all is unknown: nothing counted */
	int measured;			/* the driver shows the carve: 1 made, 0 failed, -1 not shown */
	bool not_converted;		/* still calls memremap_pages() for MEMORY_DEVICE_PRIVATE, which
					 * the series refuses: fails under the new scheme */
	const char *carve_assumed;	/* the fact the carve rests on that the inputs do not show
					 * (NVIDIA's flavour, a backport): its failure is unknown, not
					 * certain; NULL when nothing is assumed */
	const char *new_scheme_note;	/* not_converted: why, and what the driver would have to change */
	char rule[200];			/* what the driver asks for */
	char conditions[2048];		/* what held, what was assumed, what ruled the carve out */
	const char *source;		/* the driver source line the rule follows */
	const char *on_failure;		/* the driver's message, or its silence */
	const char *loses;		/* the effect on the user when the carve fails */
	struct hr_profile_carve carves[HR_PROFILE_MAX_CARVES];
	size_t n_carves;		/* 0: the conditions rule the carve out, or leave it undecided */
};

/* The rule for this GPU. A GPU with no bound driver is predicted from its vendor and device, and
 * the assumption is stated in conditions. */
void hr_gpu_profile(const struct hr_gpu *gpu, const struct hr_gpu_env *env,
		    struct hr_gpu_profile *out);

/* Parse the first line of /proc/driver/nvidia/version into env's flavour and version; false with
 * env->nvidia_problem set when it is not in the driver's format. */
bool hr_nvidia_version_parse(const char *line, struct hr_gpu_env *env);

/* "nvidia-uvm" (or "nvidia"), "amdgpu", "xe", "nouveau", "test_hmm", "uvmem": the driver a
 * what-if GPU is bound to; HR_DRIVER_NONE when the name is none of them. */
enum hr_gpu_driver hr_gpu_driver_from_name(const char *name);

/* A what-if GPU: COUNT of these come from --add-gpu COUNTxSIZE@DRIVER. */
void hr_gpu_what_if(unsigned index, uint64_t vram, enum hr_gpu_driver driver, struct hr_gpu *out);

#endif
