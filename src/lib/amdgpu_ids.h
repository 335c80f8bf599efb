/* SPDX-License-Identifier: GPL-2.0-or-later */
/* amdgpu's own PCI id tables (src/lib/amdgpu_ids.c, generated from the kernel source): which AMD
 * device amdgpu takes, as which chip, and which it leaves to radeon, r128 or mach64. */
#ifndef HEADROOM_AMDGPU_IDS_H
#define HEADROOM_AMDGPU_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The positions of enum amd_asic_type (include/drm/amd_asic_type.h) the rules compare against. */
enum {
	HR_AMD_CHIP_HAINAN = 4,		/* TAHITI..HAINAN: SI */
	HR_AMD_CHIP_MULLINS = 9,	/* BONAIRE..MULLINS: CIK */
	HR_AMD_CHIP_VEGA10 = 19,	/* the first gfx9 part */
};

struct hr_amdgpu_id {
	uint16_t device;
	uint8_t chip;			/* index into hr_amd_chip_names */
	bool apu;			/* AMD_IS_APU in the row */
};

struct hr_amd_owned_id {
	uint16_t device;
	const char *owner;		/* "radeon", "r128", "mach64": the comment above it in the list */
};

extern const char *const hr_amd_chip_names[];
extern const struct hr_amdgpu_id hr_amdgpu_ids[];		/* sorted by device */
extern const size_t hr_amdgpu_n_ids;
extern const struct hr_amd_owned_id hr_amdgpu_unsupported[];	/* sorted by device */
extern const size_t hr_amdgpu_n_unsupported;

#endif
