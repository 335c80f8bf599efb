/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flattened device tree the kernel booted with (/sys/firmware/fdt), read with libfdt: what the
 * firmware said about memory, reservations and PCIe host bridges, before the kernel acted on it. */
#ifndef HEADROOM_FDT_H
#define HEADROOM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/firmware.h"
#include "headroom/rootfs.h"

#define HR_FDT_PATH "/sys/firmware/fdt"

/* Inclusive, in CPU physical addresses (translated through every parent bus's ranges). */
struct hr_dt_range {
	uint64_t start, end;
};

/* A /memory range, or a /reserved-memory child with a fixed reg (dynamic ones have no address
 * until boot). */
struct hr_dt_region {
	struct hr_dt_range range;
	char node[64];			/* the node's name (hr_quote'd) */
	bool usable_memory;		/* memory: from linux,usable-memory, which the kernel prefers to reg */
	bool hotpluggable;		/* memory */
	uint32_t numa_node;		/* memory: numa-node-id, 0 without one */
	bool no_map;			/* reserved: left out of the linear map, still DRAM to memblock */
};

/* PCI address space codes, the "ss" bits of the first cell of a PCI child address. */
enum hr_dt_pci_space {
	HR_DT_PCI_CONFIG = 0,
	HR_DT_PCI_IO = 1,
	HR_DT_PCI_MEM32 = 2,
	HR_DT_PCI_MEM64 = 3,
};

/* One entry of a host bridge's ranges: a window of PCI bus addresses and where the CPU sees it. */
struct hr_dt_pci_window {
	struct hr_dt_range cpu;
	uint64_t pci_start;
	enum hr_dt_pci_space space;
	bool prefetchable;
};

struct hr_dt_host_bridge {
	char path[128];			/* node path, e.g. /pcie@10000000 (hr_quote'd) */
	char compatible[32];		/* first compatible string (hr_quote'd) */
	bool have_config;		/* the ECAM area is known */
	struct hr_dt_range config;
	uint32_t domain;		/* linux,pci-domain, 0 without one */
	uint8_t bus_start, bus_end;	/* bus-range, 0-255 without one (of_pci_parse_bus_range) */
	struct hr_dt_pci_window *windows;
	size_t n_windows, cap_windows;
};

/* Where the powerpc ultravisor's secure memory was read (kvmppc_get_secmem_size() order). */
enum hr_dt_secure_source {
	HR_DT_SECURE_NONE,
	HR_DT_SECURE_NODES,		/* compatible "ibm,secure-memory" nodes, their reg */
	HR_DT_SECURE_UV_RANGES,		/* "ibm,uv-firmware" secure-memory-ranges (deprecated) */
};

struct hr_dt {
	struct hr_dt_region *memory;		/* top-level device_type "memory" nodes */
	size_t n_memory;
	struct hr_dt_region *reserved;		/* /reserved-memory */
	size_t n_reserved;
	struct hr_dt_range *memreserve;		/* the blob's /memreserve/ block */
	size_t n_memreserve;
	struct hr_dt_range *usable;		/* /chosen linux,usable-memory-range (crash kernels) */
	size_t n_usable;
	struct hr_dt_range *secure;		/* powerpc ultravisor secure memory */
	size_t n_secure;
	enum hr_dt_secure_source secure_source;
	struct hr_dt_host_bridge *bridges;	/* device_type "pci" nodes not under another one */
	size_t n_bridges;
	/* Allocated lengths of the arrays above (hr_grow). */
	size_t cap_memory, cap_reserved, cap_memreserve, cap_usable, cap_secure, cap_bridges;
};

/* Parse a flattened device tree blob. The whole blob is checked first (fdt_check_full): a damaged
 * one is HR_E_TRUNCATED or HR_E_PARSE with nothing kept. A node whose cells or lengths do not add
 * up goes to diags, naming path, the node and its offset in the file, and is skipped. */
enum hr_status hr_fdt_parse(const char *buf, size_t len, const char *path, struct hr_dt *out,
			    struct hr_diags *diags, struct hr_error *err);

/* Read HR_FDT_PATH under the root. HR_E_NOENT when the machine has no device tree. */
enum hr_status hr_fdt_read(const struct hr_root *root, struct hr_dt *out, struct hr_diags *diags,
			   struct hr_error *err);

/* Lowest and highest byte of the /memory ranges; false when there is none. */
bool hr_dt_memory_bounds(const struct hr_dt *dt, uint64_t *bottom, uint64_t *top);

const char *hr_dt_pci_space_name(enum hr_dt_pci_space space);

/* Add the tree's host bridges (their windows and ECAM areas) and /memory nodes to the firmware
 * view, each with source "dt". What does not fit (a cap, memory) goes to diags. */
void hr_dt_to_firmware(const struct hr_dt *dt, struct hr_firmware *fw, struct hr_diags *diags);

void hr_dt_free(struct hr_dt *dt);

#endif
