/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Everything headroom reads from one machine (live, or a captured root), before any modelling. */
#ifndef HEADROOM_FACTS_H
#define HEADROOM_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include "headroom/cmdline.h"
#include "headroom/cpu.h"
#include "headroom/error.h"
#include "headroom/fdt.h"
#include "headroom/firmware.h"
#include "headroom/firmware_map.h"
#include "headroom/gpu.h"
#include "headroom/gpu_profile.h"
#include "headroom/iomem.h"
#include "headroom/kconfig.h"
#include "headroom/rootfs.h"
#include "headroom/symbols.h"

/* Everything read from the machine. Each input that failed left a diagnostic and its status. */
struct hr_facts {
	struct hr_root root;
	enum hr_status iomem_status;
	struct hr_iomem iomem;
	enum hr_status memmap_status, e820_status;
	struct hr_memmap memmap, e820;
	enum hr_status dt_status;	/* HR_E_NOENT: no device tree (x86, ACPI-only arm64) */
	struct hr_dt dt;
	enum hr_status acpi_status;	/* HR_E_NOENT: no ACPI tables (a device-tree machine) */
	struct hr_firmware firmware;	/* what ACPI (or a device tree) declared */
	bool have_cpuinfo, have_cpuid;
	struct hr_cpuinfo cpuinfo;
	struct hr_cpuid cpuid;
	int boot_kaslr;			/* KASLR_FLAG from boot_params loadflags: 1, 0, -1 unknown */
	char release[128];		/* osrelease, "" when unknown */
	char hostname[65];		/* /proc/sys/kernel/hostname, "" when unknown */
	char *proc_version, *version_signature;
	struct hr_kconfig config;
	struct hr_cmdline cmdline;
	struct hr_symbols symbols;
	bool have_direct_map_reading;	/* the variable was read through /proc/kcore */
	uint64_t direct_map_reading;
	enum hr_symbol direct_map_symbol;
	enum hr_status gpus_status;	/* HR_E_NOENT: no /sys/bus/pci in the inputs */
	struct hr_gpus gpus;
	struct hr_gpu_env gpu_env;	/* the GPU drivers' parameters and NVIDIA's version file */
	struct hr_diags diags;		/* every input problem, naming its file */
};

/* Read every input under root. Never fails as a whole: what is missing is recorded. */
void hr_facts_gather(const char *root_dir, struct hr_facts *facts);
void hr_facts_free(struct hr_facts *facts);

/* Take the ACPI tables from acpidump's text in the file at path (not under the root) instead. */
void hr_facts_use_acpidump(struct hr_facts *facts, const char *path);

#endif
