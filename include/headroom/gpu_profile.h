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

/* The facts outside the GPU that the rules read. */
struct hr_gpu_env {
	bool arm64;
	bool version_known;
	struct hr_kver version;
	int uvm_disable_hmm;		/* /sys/module/nvidia_uvm/parameters: -1 unreadable, 0, 1 */
	int nouveau_svm;		/* CONFIG_DRM_NOUVEAU_SVM: -1 unknown, 0, 1 */
	int amd_svm;			/* CONFIG_HSA_AMD_SVM: -1 unknown, 0, 1 */
	int xe_svm;			/* xe's SVM device memory: -1 unknown, 0 off, 1 on */
	const char *xe_svm_off;		/* the CONFIG_DRM_XE_* symbol that is not set, when off */
};

/* Read the driver parameters the rules use under root; what is absent stays -1. */
void hr_gpu_env_read(const struct hr_root *root, struct hr_gpu_env *env);

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
	bool failure_fatal;		/* a failed carve fails the GPU's registration (nvidia-uvm) */
	bool undecided;			/* whether it carves at all is unknown: nothing counted */
	int measured;			/* the driver shows the carve: 1 made, 0 failed, -1 not shown */
	char rule[200];			/* what the driver asks for */
	char conditions[768];		/* what held, what was assumed, what ruled the carve out */
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

/* "nvidia-uvm" (or "nvidia"), "amdgpu", "xe", "nouveau", "test_hmm", "uvmem": the driver a
 * what-if GPU is bound to; HR_DRIVER_NONE when the name is none of them. */
enum hr_gpu_driver hr_gpu_driver_from_name(const char *name);

/* A what-if GPU: COUNT of these come from --add-gpu COUNTxSIZE@DRIVER. */
void hr_gpu_what_if(unsigned index, uint64_t vram, enum hr_gpu_driver driver, struct hr_gpu *out);

#endif
