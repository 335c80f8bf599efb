/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine's GPUs as libpci sees them under the root prefix, with their VRAM and where that
 * number came from. VRAM is never a BAR size: a 128 GiB BAR on an 80 GiB part is common. */
#ifndef HEADROOM_GPU_H
#define HEADROOM_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"

#define HR_PCI_BARS 6
#define HR_GPU_MAX_TILES 4

struct hr_pci_bar {
	unsigned index;			/* 0-5; a 64-bit BAR takes index and index + 1 */
	uint64_t start, size;		/* size 0: unused */
	bool is_64bit, prefetchable, io;
};

struct hr_rebar {
	bool present;			/* Resizable BAR capability, read from config space */
	unsigned bar;			/* the BAR it resizes (the VRAM aperture) */
	uint64_t current;		/* bytes */
	uint64_t supported;		/* bit n set: 1 MiB << n supported */
};

enum hr_vram_source {
	HR_VRAM_UNKNOWN,
	HR_VRAM_DRIVER,			/* the bound driver's sysfs (amdgpu, xe, nouveau) */
	HR_VRAM_NVIDIA_PROC,		/* /proc/driver/nvidia/gpus/BDF/... */
	HR_VRAM_NVIDIA_SMI,		/* nvidia-smi -q output captured in the root */
	HR_VRAM_TABLE,			/* headroom's table by PCI device id (row cites its source) */
	HR_VRAM_OVERRIDE,		/* --vram BDF=SIZE */
	HR_VRAM_WHAT_IF,		/* --add-gpu: a GPU that is not in the inputs */
};

struct hr_gpu {
	char bdf[16];			/* "0000:01:00.0" */
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;		/* base, sub, prog-if: 0x030200 */
	char name[160];			/* from pci.ids, "" when unknown */
	char driver[32];		/* the bound driver, "" when none */
	int numa_node;			/* -1: none or unknown */
	struct hr_pci_bar bars[HR_PCI_BARS];
	struct hr_rebar rebar;
	bool have_config;		/* config space readable (capabilities known) */
	char missing[160];		/* sysfs files that were absent ("config, numa_node"), or "" */
	uint64_t vram;			/* bytes, 0 when unknown */
	enum hr_vram_source vram_source;
	char vram_basis[480];		/* the file, nvidia-smi field or table citation it came from */
	unsigned n_tiles;		/* xe: tileN directories, one VRAM region and carve each; 0 elsewhere */
	uint64_t tile_vram[HR_GPU_MAX_TILES];	/* each tile's, when the driver shows it; else 0 */
	uint64_t gtt;			/* amdgpu: mem_info_gtt_total in bytes, 0 when unknown */
	bool kfd_node;			/* amdkfd: a KFD topology node has this GPU's address; then: */
	int kfd_apu;			/* 1: an APU, 0: a dGPU, -1: its node does not say (kfd.c) */
	uint32_t kfd_gfx_target;	/* the node's gfx_target_version, 0 when absent */
	bool kfd_svm;			/* its capability has HSA_CAP_SVMAPI_SUPPORTED */
	char kfd_properties[80];	/* the node's properties file */
};

struct hr_gpus {
	struct hr_gpu *items;		/* in bus order, the order drivers probe them */
	size_t count;
	/* Devices that may be GPUs but could not be read as one (skipped, or their class, vendor or
	 * device file malformed): a GPU's carve comes before the requests, so each leaves the
	 * placements unknown. A skipped device whose class file says it is no GPU is not counted. */
	size_t unreadable;
	char first_unreadable[16];	/* the first one's address, "0000:62:00.0" */
};

/* "driver", "nvidia-proc", "nvidia-smi", "table", "override", "what-if", "unknown". */
const char *hr_vram_source_name(enum hr_vram_source source);

/* The GPUs (PCI class 0x03 display, 0x12 processing accelerator) under ROOT/sys/bus/pci, read
 * with libpci's sysfs method, in bus order. A device whose files are missing or malformed keeps
 * what could be read, with hr_gpu.missing and a diagnostic naming the file. HR_E_NOENT: the root
 * has no /sys/bus/pci/devices. Fatal libpci errors become a status with err naming the file. */
enum hr_status hr_gpus_read(const struct hr_root *root, struct hr_gpus *gpus,
			    struct hr_diags *diags, struct hr_error *err);
void hr_gpus_free(struct hr_gpus *gpus);

/* VRAM for each GPU from the best source under the root: the bound driver's sysfs, then
 * /proc/driver/nvidia, then captured nvidia-smi -q output (HR_NVIDIA_SMI_CAPTURE), then
 * headroom's table by device id. */
#define HR_NVIDIA_SMI_CAPTURE "/var/lib/headroom/nvidia-smi-q.txt"
void hr_gpus_read_vram(const struct hr_root *root, struct hr_gpus *gpus, struct hr_diags *diags);

/* What amdgpu and amdkfd show of each AMD GPU beyond its VRAM: mem_info_gtt_total, and the KFD
 * topology node (/sys/class/kfd/kfd/topology/nodes/N/properties) whose domain and location_id are
 * the GPU's PCI address. A malformed file gets a diagnostic naming it and is left out. */
#define HR_KFD_NODES "/sys/class/kfd/kfd/topology/nodes"
void hr_gpus_read_kfd(const struct hr_root *root, struct hr_gpus *gpus, struct hr_diags *diags);

/* nvidia-smi -q output (the parser contract, error.h): per "GPU BUS-ID" section, its
 * "FB Memory Usage" Total. A section without a usable Total is kept with fb_total 0 and a
 * diagnostic. HR_E_PARSE: no GPU section at all. */
#define HR_NVIDIA_SMI_MAX_GPUS 256
#define HR_NVIDIA_SMI_MAX_MIB (1ull << 30)	/* 1 PiB: anything larger is not a GPU's memory */
struct hr_smi_gpu {
	char bdf[16];			/* normalised "0000:18:00.0" */
	uint64_t fb_total;		/* bytes, 0 when the section had none */
	unsigned line, fb_line;		/* the section's line, its Total's line (0: none) */
};
struct hr_nvidia_smi {
	struct hr_smi_gpu *items;
	size_t count;
};
enum hr_status hr_nvidia_smi_parse(const char *buf, size_t len, const char *path,
				   struct hr_nvidia_smi *out, struct hr_diags *diags,
				   struct hr_error *err);
void hr_nvidia_smi_free(struct hr_nvidia_smi *smi);

/* --vram BDF=SIZE: what the user knows about a GPU. */
struct hr_vram_override {
	char bdf[16];			/* normalised "0000:01:00.0" */
	uint64_t bytes;
};

/* "01:00.0=80G" or "0000:01:00.0=80G"; false when malformed. */
bool hr_vram_override_parse(const char *arg, struct hr_vram_override *out);

/* Apply overrides: they replace a table value or an unknown, never a value the driver or
 * nvidia-smi reported (that one is kept, with a diagnostic). HR_E_USAGE: an override names a
 * BDF that is not one of the GPUs. */
enum hr_status hr_vram_overrides_apply(struct hr_gpus *gpus, const struct hr_vram_override *ov,
				       size_t n, struct hr_diags *diags, struct hr_error *err);

#endif
