// SPDX-License-Identifier: GPL-2.0-or-later
/* The device tree's declarations in the firmware view, beside ACPI's: host bridges and their
 * windows, ECAM areas, memory nodes (what SRAT says on ACPI machines). */
#include <stdio.h>
#include <string.h>

#include "headroom/fdt.h"

#define MAX_ITEMS 4096u		/* per array, as the ACPI readers cap theirs */

static const enum hr_window_type window_type[] = {
	[HR_DT_PCI_IO] = HR_WIN_IO,
	[HR_DT_PCI_MEM32] = HR_WIN_MEM,
	[HR_DT_PCI_MEM64] = HR_WIN_MEM64,
};

static bool add_bridge(const struct hr_dt_host_bridge *d, struct hr_firmware *fw)
{
	struct hr_host_bridge *b = hr_fw_append(&fw->bridges, &fw->n_bridges, sizeof(*b), MAX_ITEMS);
	struct hr_ecam *e;

	if (!b)
		return false;
	snprintf(b->path, sizeof(b->path), "%s", d->path);
	snprintf(b->hid, sizeof(b->hid), "%s", d->compatible);
	for (size_t i = 0; i < d->n_windows; i++) {
		const struct hr_dt_pci_window *dw = &d->windows[i];
		struct hr_fw_window *w;

		if (dw->space == HR_DT_PCI_CONFIG)
			continue;
		w = hr_fw_append(&b->windows, &b->n_windows, sizeof(*w), MAX_ITEMS);
		if (!w)
			return false;
		*w = (struct hr_fw_window){.start = dw->cpu.start, .end = dw->cpu.end,
					   .translation = dw->cpu.start - dw->pci_start,
					   .type = window_type[dw->space],
					   .prefetchable = dw->prefetchable, .source = HR_FW_DT};
	}
	if (!d->have_config)
		return true;
	e = hr_fw_append(&fw->ecam, &fw->n_ecam, sizeof(*e), MAX_ITEMS);
	if (!e)
		return false;
	*e = (struct hr_ecam){.start = d->config.start, .end = d->config.end,
			      .segment = (uint16_t)d->domain, .bus_start = d->bus_start,
			      .bus_end = d->bus_end, .source = HR_FW_DT};
	return true;
}

void hr_dt_to_firmware(const struct hr_dt *dt, struct hr_firmware *fw, struct hr_diags *diags)
{
	for (size_t i = 0; i < dt->n_bridges; i++)
		if (!add_bridge(&dt->bridges[i], fw))
			goto full;
	for (size_t i = 0; i < dt->n_memory; i++) {
		struct hr_mem_affinity *a = hr_fw_append(&fw->affinity, &fw->n_affinity, sizeof(*a),
							 MAX_ITEMS);

		if (!a)
			goto full;
		*a = (struct hr_mem_affinity){.start = dt->memory[i].range.start,
					      .end = dt->memory[i].range.end,
					      .node = dt->memory[i].numa_node,
					      .hotpluggable = dt->memory[i].hotpluggable,
					      .source = HR_FW_DT};
	}
	return;
full:
	hr_diag_add(diags, HR_E_RANGE, HR_FDT_PATH, 0, "more than %u firmware ranges of one kind "
		    "(or out of memory): the rest of the device tree's is left out", MAX_ITEMS);
}
