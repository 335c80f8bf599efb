/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The firmware memory map, two ways: /sys/firmware/memmap (what the kernel registered) and the raw
 * E820 table the boot loader handed over in /sys/kernel/boot_params/data. */
#ifndef HEADROOM_FIRMWARE_MAP_H
#define HEADROOM_FIRMWARE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"

/* E820 types as in arch/x86/include/asm/e820/types.h. */
enum hr_e820_type {
	HR_E820_RAM = 1,
	HR_E820_RESERVED = 2,
	HR_E820_ACPI = 3,
	HR_E820_NVS = 4,
	HR_E820_UNUSABLE = 5,
	HR_E820_PMEM = 7,
	HR_E820_PRAM = 12,
	HR_E820_SOFT_RESERVED = 0xefffffff,
};

struct hr_map_entry {
	uint64_t start, end;	/* inclusive, as the kernel prints them */
	uint32_t type;		/* enum hr_e820_type, or 0 when the name is not known */
};

struct hr_memmap {
	struct hr_map_entry *entries;
	size_t count;
};

/* One place where the two maps disagree. A type of 0 means "not covered by that map". */
struct hr_map_mismatch {
	uint64_t start, end;
	uint32_t sysfs_type, e820_type;
};

/* The kernel's name for a type in /sys/firmware/memmap/N/type (e820_type_to_string()). */
const char *hr_e820_type_name(uint32_t type);

/* Read /sys/firmware/memmap/N/{start,end,type}, sorted by start. A broken entry goes to diags
 * and is skipped; entries past HR_MEMMAP_MAX_ENTRIES too. HR_E_NOENT when the directory is
 * missing. */
#define HR_MEMMAP_MAX_ENTRIES 8192	/* the kernel registers at most E820_MAX_ENTRIES (~3200) */
enum hr_status hr_sysfs_memmap_read(const struct hr_root *root, struct hr_memmap *out,
				    struct hr_diags *diags, struct hr_error *err);

/* Parse the E820 table inside a struct boot_params image (count at 0x1e8, entries of 20 bytes
 * at 0x2d0, at most 128). An entry whose end passes 2^64 - 1 is skipped with a diagnostic. */
enum hr_status hr_boot_params_e820_parse(const uint8_t *buf, size_t len, const char *path,
					 struct hr_memmap *out, struct hr_diags *diags,
					 struct hr_error *err);

/* Read /sys/kernel/boot_params/data: its E820 table into out, and into *kaslr whether the
 * decompressor set KASLR_FLAG in loadflags (what kaslr_enabled() reads; -1 when the file is too
 * short to say, which it can be even when the table is damaged). */
enum hr_status hr_boot_params_read(const struct hr_root *root, struct hr_memmap *out, int *kaslr,
				   struct hr_diags *diags, struct hr_error *err);

struct hr_map_mismatches {
	struct hr_map_mismatch *items;	/* in address order, NULL when none */
	size_t count;
};

/* Compare the two maps by coverage (adjacent entries of one type merged first). HR_E_NOMEM (with
 * *out empty) is the only failure. */
enum hr_status hr_memmap_reconcile(const struct hr_memmap *sysfs, const struct hr_memmap *e820,
				   struct hr_map_mismatches *out, struct hr_error *err);
void hr_map_mismatches_free(struct hr_map_mismatches *mm);

void hr_memmap_free(struct hr_memmap *map);

#endif
