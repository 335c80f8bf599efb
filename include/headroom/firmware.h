/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The firmware's view of the address space: what ACPI (and, later, a device tree) declared, as
 * opposed to what the running kernel accepted (/proc/iomem). Every range says which source named
 * it, so ACPI and device-tree readers fill the same arrays. */
#ifndef HEADROOM_FIRMWARE_H
#define HEADROOM_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"

enum hr_fw_source { HR_FW_CRS, HR_FW_DT };			/* "_CRS", "dt" */
enum hr_window_type { HR_WIN_MEM, HR_WIN_MEM64, HR_WIN_IO, HR_WIN_BUS };

/* One aperture a host bridge forwards: start..end are CPU addresses (bus address + translation). */
struct hr_fw_window {
	uint64_t start, end;		/* inclusive */
	uint64_t translation;		/* CPU address minus bus address */
	enum hr_window_type type;	/* MEM64: a memory window described with 64-bit fields */
	bool prefetchable;
	enum hr_fw_source source;
};

struct hr_host_bridge {
	char path[128];			/* ACPI path (\_SB.PCI0) or device-tree node */
	char hid[32];			/* PNP0A08, ACPI0016, or the DT node's first compatible */
	struct hr_fw_window *windows;
	size_t n_windows;
	bool windows_unknown;		/* _CRS failed or read hardware registers: see iomem */
};

struct hr_acpi_table {
	char signature[5];
	char path[64];			/* where it was read: /sys/firmware/acpi/tables/SSDT1, or the
					 * acpidump file and the table's position in it */
	uint32_t length;		/* from the header */
	uint8_t revision;
	bool has_checksum;		/* every table but FACS (ACPI 6.5 5.2.10 has none) */
	bool checksum_ok;
};

/* A range that memory hotplug or a NUMA node owns: SRAT Memory Affinity (ACPI 6.5 5.2.16.2), or
 * a device-tree memory node. */
struct hr_mem_affinity {
	uint64_t start, end;
	uint32_t node;			/* proximity domain */
	bool hotpluggable, nonvolatile;
	enum hr_fw_source source;	/* HR_FW_CRS stands for "an ACPI table" here */
};

struct hr_ecam {			/* MCFG allocation (PCI Firmware Spec 3.3, 4.1.2), or a DT host's */
	uint64_t start, end;
	uint16_t segment;
	uint8_t bus_start, bus_end;
	enum hr_fw_source source;	/* HR_FW_CRS stands for "MCFG" here */
};

struct hr_cxl_window {			/* CEDT CFMWS (CXL 3.1, 9.18.1.3) */
	uint64_t start, end;
	uint32_t granularity;		/* interleave granularity, bytes */
	unsigned n_targets;
	uint16_t restrictions;		/* window restrictions bits */
};

/* HMAT (ACPI 6.5 5.2.28): whether it is there and how many structures of each kind it holds. */
struct hr_hmat {
	bool present;
	unsigned proximity, latency, cache;
};

/* Whether the host bridges' _CRS could be evaluated. */
enum hr_aml_state {
	HR_AML_NONE,		/* no DSDT: nothing to evaluate */
	HR_AML_EVALUATED,	/* acpiexec evaluated every _CRS */
	HR_AML_NO_ACPIEXEC,	/* acpiexec is not installed: windows unknown */
	HR_AML_FAILED,		/* acpiexec ran and its output could not be used */
};

struct hr_firmware {
	struct hr_acpi_table *tables;
	size_t n_tables;
	struct hr_host_bridge *bridges;
	size_t n_bridges;
	struct hr_mem_affinity *affinity;
	size_t n_affinity;
	struct hr_ecam *ecam;
	size_t n_ecam;
	struct hr_cxl_window *cxl;
	size_t n_cxl;
	struct hr_hmat hmat;
	enum hr_aml_state aml;
	char aml_detail[256];		/* why the windows are unknown, and how to know them */
	bool have_srat;			/* an SRAT was read (its absence means no hotplug ranges) */
};

const char *hr_window_type_name(enum hr_window_type type);
const char *hr_aml_state_name(enum hr_aml_state state);

/* A new zeroed element at the end of the array *items (count elements of size bytes), growing it
 * geometrically: every reader of firmware ranges appends through this. NULL when max is reached
 * or memory ran out (the array is kept either way). */
void *hr_fw_append(void *items, size_t *count, size_t size, size_t max);
const char *hr_fw_source_name(enum hr_fw_source source);

/* One ACPI table as it lies in memory: checks the header (ACPI 6.5 5.2.6), the length against the
 * bytes there, and the checksum; decodes SRAT, MCFG, CEDT and HMAT into fw. A table with a bad
 * checksum is still decoded (Linux warns and uses it); one whose length is wrong is not. The
 * table goes into fw->tables unless even its header is unreadable. */
enum hr_status hr_acpi_table_parse(const uint8_t *buf, size_t len, const char *path,
				   struct hr_firmware *fw, struct hr_diags *diags,
				   struct hr_error *err);

/* The ACPI tables, as hr_acpi_read_start and hr_acpi_read_finish (acpi_exec.h) read them from a
 * table directory, from the text acpidump prints ("DSDT @ 0x..." then "    0000: 44 53 ..."
 * lines), the form attached to bug reports. */
enum hr_status hr_acpidump_parse(const char *buf, size_t len, const char *path,
				 struct hr_firmware *fw, struct hr_diags *diags,
				 struct hr_error *err);

/* The host bridge's 64-bit memory window (the one above 4 GiB, the largest if several): what the
 * GPU advice names. NULL when no bridge declares one. *bridge (may be NULL) gets its bridge. */
const struct hr_fw_window *hr_firmware_window64(const struct hr_firmware *fw,
						const struct hr_host_bridge **bridge);

void hr_firmware_free(struct hr_firmware *fw);

#endif
