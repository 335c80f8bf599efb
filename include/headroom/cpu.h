/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the CPU says about address widths: /proc/cpuinfo, and CPUID on a live x86 machine. */
#ifndef HEADROOM_CPU_H
#define HEADROOM_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include "headroom/error.h"

struct hr_cpuinfo {
	int phys_bits, virt_bits;	/* "address sizes", -1 when absent */
	bool la57;			/* "la57" flag: the kernel runs 5-level paging */
	bool hypervisor;		/* "hypervisor" flag */
	char vendor[16];		/* vendor_id, "" when absent */
	char model_name[64];		/* "model name", "" when absent */
	bool arm64;			/* "CPU implementer": an arm64 kernel's cpuinfo */
};

/* Parse the first processor block of /proc/cpuinfo (the parser contract, error.h). A malformed
 * "address sizes" or vendor_id is skipped with a diagnostic; HR_E_PARSE when the block holds
 * neither address sizes nor flags (x86) nor "CPU implementer" (arm64). */
enum hr_status hr_cpuinfo_parse(const char *buf, size_t len, const char *path,
				struct hr_cpuinfo *out, struct hr_diags *diags, struct hr_error *err);

struct hr_cpuid {
	int phys_bits, virt_bits;	/* leaf 0x80000008 EAX[7:0], EAX[15:8] */
	bool la57;			/* leaf 7 ECX bit 16: the CPU can do 5-level paging */
	bool hypervisor;		/* leaf 1 ECX bit 31 */
	char hypervisor_vendor[13];	/* leaf 0x40000000 EBX,ECX,EDX, "" when none */
};

/* Execute CPUID on this CPU. False on non-x86 builds or when the leaves are missing. */
bool hr_cpuid_read(struct hr_cpuid *out);

/* The raw leaves hr_cpuid comes from, so that a capture can carry them and a replay decodes them
 * as the live run does. */
#define HR_CPUID_MAX_LEAVES 16

struct hr_cpuid_leaf {
	unsigned leaf, subleaf;
	unsigned eax, ebx, ecx, edx;
};

struct hr_cpuid_leaves {
	struct hr_cpuid_leaf items[HR_CPUID_MAX_LEAVES];
	size_t count;
};

/* Execute the leaves headroom decodes on this CPU. False on non-x86 builds. */
bool hr_cpuid_execute(struct hr_cpuid_leaves *out);

/* Decode the leaves. False when the address-size leaf 0x80000008 is missing. */
bool hr_cpuid_decode(const struct hr_cpuid_leaves *leaves, struct hr_cpuid *out);

#endif
