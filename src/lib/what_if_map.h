/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine's map with the what-ifs that edit it applied: --ram resizes the RAM above 4 GiB,
 * --hole64 moves or resizes the 64-bit PCI window. */
#ifndef HEADROOM_WHAT_IF_MAP_H
#define HEADROOM_WHAT_IF_MAP_H

#include "headroom/carve.h"
#include "headroom/model.h"

#define HR_4G (1ull << 32)

/* The 64-bit PCI window: the largest top-level "PCI Bus" entry at or above 4 GiB, or NULL. */
const struct hr_iomem_entry *hr_pci_window64(const struct hr_iomem *iomem);

/* The highest RAM byte once the RAM above 4 GiB is resized so that all of it totals ram. */
uint64_t hr_what_if_ram_top(const struct hr_iomem *iomem, uint64_t ram);

/* The names of the entries a what-if puts in the modelled map (line 0: from no file). */
#define HR_WHAT_IF_RAM "System RAM (--ram)"
#define HR_WHAT_IF_WINDOW "PCI Bus, 64-bit window (--hole64)"
#define HR_WHAT_IF_MOVED "PCI Bus, 64-bit window above the RAM (--ram)"

/* The top level of iomem with ov's map edits applied, by start: the map the verdicts are computed
 * in. Its names are iomem's (which must outlive it) or the constants above; hr_iomem_free() frees
 * it. */
enum hr_status hr_iomem_what_if(const struct hr_iomem *iomem, const struct hr_overrides *ov,
				struct hr_iomem *out);

/* The occupied space (top-level entries) with ov's map edits applied. */
enum hr_status hr_space_what_if(const struct hr_iomem *iomem, const struct hr_overrides *ov,
				struct hr_space *space);

#endif
