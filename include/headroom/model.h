/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's device-private carve, modelled for one machine: every input fact with where it came
 * from, the limits derived from them, and the replay of request_free_mem_region(). */
#ifndef HEADROOM_MODEL_H
#define HEADROOM_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "headroom/facts.h"
#include "headroom/gpu.h"
#include "headroom/kversion.h"
#include "headroom/tristate.h"

enum hr_source {
	HR_SRC_UNKNOWN,
	HR_SRC_MEASURED,	/* read from the running kernel or the CPU */
	HR_SRC_MODELLED,	/* derived from the kernel source rules for this version */
	HR_SRC_OVERRIDE,	/* given on the command line */
};

const char *hr_source_name(enum hr_source source);

/* Whether the machine is a guest: HR_UNKNOWN when no input says (arm64, or no cpuinfo/CPUID). */
enum hr_tristate hr_guest(const struct hr_facts *facts);

/* The hypervisor's short name ("kvm", "hyper-v"...), NULL when not a guest or not named. */
const char *hr_hypervisor_name(const struct hr_facts *facts);

struct hr_overrides {
	int phys_bits;			/* -1: none */
	bool have_direct_map_end;
	uint64_t direct_map_end;
	bool have_version;
	struct hr_kver version;
	int la57, kaslr;		/* -1: none, else 0/1 */
	int device_private;		/* -1: none, else 0/1: CONFIG_ZONE_DEVICE and DEVICE_PRIVATE */
	/* What-ifs that edit the machine itself: the modelled map and GPUs that are not there. */
	uint64_t ram;			/* 0: none; --ram: the guest's RAM size */
	bool have_hole64;
	uint64_t hole64_start, hole64_size;	/* --hole64: the 64-bit PCI window moved or resized */
	int scheme;			/* -1: none (legacy), 0 legacy, 1 new: the scheme verdicts follow */
	const struct hr_gpu *add_gpus;	/* --add-gpu, after the machine's own */
	size_t n_add_gpus;
};

#define HR_OVERRIDES_NONE {.phys_bits = -1, .la57 = -1, .kaslr = -1, .device_private = -1, \
			   .scheme = -1}

struct hr_fact_int {
	int value;
	enum hr_source source;
	char basis[160];		/* what it was read from or derived by */
};

struct hr_fact_addr {
	uint64_t value;
	enum hr_source source;
	char basis[512];
};

/* Why a model is inconclusive: each bit is reported as a finding that says how to supply the fact. */
enum hr_unknown {
	HR_UNKNOWN_ARCH = 1u << 0,		/* arch-unsupported */
	HR_UNKNOWN_MAP = 1u << 1,		/* /proc/iomem not read: iomem-hidden, input-unreadable */
	HR_UNKNOWN_PHYS_BITS = 1u << 2,		/* phys-bits-unknown (x86: the search top follows) */
	HR_UNKNOWN_PAGING = 1u << 3,		/* paging-unknown */
	HR_UNKNOWN_VERSION = 1u << 4,		/* kernel-version-unknown */
	HR_UNKNOWN_SUBLEVEL = 1u << 5,		/* kernel-sublevel-unknown */
	HR_UNKNOWN_KCONFIG = 1u << 6,		/* kconfig-missing: x86 KASLR padding assumed */
	HR_UNKNOWN_DIRECT_MAP_END = 1u << 7,	/* direct-map-end-unknown: arm64 linear map end */
	HR_UNKNOWN_MAP_PART = 1u << 8,		/* input-incomplete: /proc/iomem lines lost */
	HR_UNKNOWN_GPUS = 1u << 9,		/* input-incomplete: a PCI device that may be a GPU */
};

struct hr_model {
	const char *arch;		/* "x86_64", "arm64" or "unknown" */
	bool arm64;
	bool arch_supported;
	struct hr_fact_int phys_bits, paging_levels, kaslr;
	struct hr_kver version;
	enum hr_source version_source;
	char version_basis[96];
	bool sublevel_matters;		/* sublevel unknown, and a rule was backported to this branch */
	enum hr_tristate zone_device, device_private;
	enum hr_source device_private_source;
	enum hr_tristate new_scheme;	/* memremap_device_private_pagemap() exists */
	bool has_clamp;			/* ea72ce5da228: search top clamped to the direct-map end */
	char clamp_basis[160];
	unsigned max_physmem_bits;	/* x86: 46 or 52; arm64: CONFIG_ARM64_PA_BITS, 48 on LPA2 kernels without LPA2 */
	unsigned va_bits;		/* arm64: CONFIG_ARM64_VA_BITS */
	struct hr_fact_int vabits_actual;	/* arm64: the virtual width the kernel runs with */
	struct hr_fact_addr dram_start;	/* arm64: memblock_start_of_DRAM(), no-map memory included */
	uint64_t section_size;		/* 1 << SECTION_SIZE_BITS */
	uint64_t page_size;
	uint64_t bottom_of_ram, top_of_ram;	/* lowest and highest System RAM byte, /proc/iomem */
	struct hr_fact_addr iomem_end, direct_map_end;	/* source HR_SRC_UNKNOWN: unknown */
	uint64_t search_top;
	bool search_top_known;		/* false when the address width is unknown (x86) */
	bool step_by_section;		/* 659aa050 */
	char step_basis[160];
	bool bumps_max_pfn;		/* device-private add_pages() raises max_pfn (no 7170130e) */
	char max_pfn_basis[160];
	bool map_end_bug;		/* a carve past mapped_end breaks this kernel (see hazards) */
	uint64_t mapped_end;		/* where the direct (x86) or linear (arm64) map really ends */
	bool map_ok;			/* /proc/iomem was read */
	bool can_place;			/* the map and the address width are known: placements follow */
	bool inconclusive;		/* a fact the verdicts need is unknown: see unknowns */
	unsigned unknowns;		/* enum hr_unknown bits */
};

/* Derive what the facts allow; what is missing leaves map_ok false or inconclusive set. */
void hr_model_build(const struct hr_facts *facts, const struct hr_overrides *ov,
		    struct hr_model *model);

#endif
