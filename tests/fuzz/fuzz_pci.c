// SPDX-License-Identifier: GPL-2.0-or-later
/* The GPUs read through libpci from a sysfs tree of three PCI functions made from the input
 * (root_image.h records naming pci_paths; `pack-root --pci` writes one from a captured root), then
 * their VRAM. Beyond the sanitizers: every message is valid UTF-8 and names its file as on the
 * real machine, never the directory the tree was unpacked in; every GPU kept is a display or
 * accelerator function at one of the three addresses, its Resizable BAR size a power of two. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "headroom/gpu.h"
#include "fuzz_check.h"
#include "root_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same list as pack-root's PCI_FILES and PCI_SLOTS. */
#define DEVICE(bdf, file) "/sys/bus/pci/devices/" bdf "/" file
#define FILES(bdf) DEVICE(bdf, "class"), DEVICE(bdf, "vendor"), DEVICE(bdf, "device"), \
	DEVICE(bdf, "subsystem_vendor"), DEVICE(bdf, "subsystem_device"), DEVICE(bdf, "numa_node"), \
	DEVICE(bdf, "resource"), DEVICE(bdf, "config"), DEVICE(bdf, "driver"), \
	DEVICE(bdf, "mem_info_vram_total")
static const char *const slots[] = {"0000:01:00.0", "0000:02:00.0", "0000:41:00.0"};
static const char *const pci_paths[] = {FILES("0000:01:00.0"), FILES("0000:02:00.0"),
					FILES("0000:41:00.0"), HR_NVIDIA_SMI_CAPTURE};
#define N_PATHS (sizeof(pci_paths) / sizeof(pci_paths[0]))

static const char *base;	/* the directory the tree is unpacked in */

static void check_message(const struct hr_error *e)
{
	fuzz_check_error(e, NULL);
	if (strstr(e->path, base) || strstr(e->message, base)) {
		fprintf(stderr, "names the unpack directory: %s: %s\n", e->path, e->message);
		abort();
	}
}

static void check_gpu(const struct hr_gpu *g)
{
	unsigned class_base = g->class_code >> 16;
	bool at_slot = false;
	json_t *basis = json_string(g->vram_basis);

	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		at_slot |= strcmp(g->bdf, slots[i]) == 0;
	if (!at_slot || (class_base != 0x03 && class_base != 0x12) || !basis ||
	    (g->rebar.present && (g->rebar.current < (1u << 20) ||
				  (g->rebar.current & (g->rebar.current - 1))))) {
		fprintf(stderr, "GPU %s class %#x ReBAR %d %#llx basis \"%s\"\n", g->bdf,
			g->class_code, g->rebar.present, (unsigned long long)g->rebar.current,
			g->vram_basis);
		abort();
	}
	json_decref(basis);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum root_kind kinds[N_PATHS];
	struct hr_diags diags = {0};
	struct hr_error err = {0};
	struct hr_root root;
	struct hr_gpus gpus;
	char dir[64];

	base = root_image_scratch("pci");
	snprintf(dir, sizeof(dir), "%s/root", base);
	root_image_remove(dir);
	if (mkdir(dir, 0755) != 0 || root_image_unpack(data, size, pci_paths, N_PATHS, dir, kinds) ||
	    hr_root_init(&root, dir, &err) != HR_OK) {
		root_image_remove(dir);
		return 0;
	}
	if (hr_gpus_read(&root, &gpus, &diags, &err) != HR_OK) {
		check_message(&err);
	} else {
		hr_gpus_read_vram(&root, &gpus, &diags);
		for (size_t i = 0; i < gpus.count; i++)
			check_gpu(&gpus.items[i]);
	}
	for (size_t i = 0; i < diags.count; i++)
		check_message(&diags.items[i]);
	hr_gpus_free(&gpus);
	hr_diags_free(&diags);
	root_image_remove(dir);
	return 0;
}
