// SPDX-License-Identifier: GPL-2.0-or-later
/* hr_memmap_reconcile() on two maps made from the input: 20-byte records { u64 start, u64 end,
 * u32 type }, the first half for sysfs, the rest for E820 (entries with end < start are left out,
 * as the readers leave them out). Every mismatch must lie inside the maps' span, in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/firmware_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void take(const uint8_t *data, size_t n, struct hr_memmap *map)
{
	map->entries = calloc(n ? n : 1, sizeof(*map->entries));
	map->count = 0;
	for (size_t i = 0; map->entries && i < n; i++) {
		struct hr_map_entry e;

		memcpy(&e.start, data + i * 20, 8);
		memcpy(&e.end, data + i * 20 + 8, 8);
		memcpy(&e.type, data + i * 20 + 16, 4);
		if (e.start <= e.end)
			map->entries[map->count++] = e;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size / 20;
	struct hr_memmap sysfs, e820;
	struct hr_map_mismatches mm;

	take(data, n / 2, &sysfs);
	take(data + n / 2 * 20, n - n / 2, &e820);
	if (hr_memmap_reconcile(&sysfs, &e820, &mm, NULL) == HR_OK) {
		for (size_t i = 0; i < mm.count; i++)
			if (mm.items[i].start > mm.items[i].end ||
			    (i && mm.items[i].start <= mm.items[i - 1].end))
				abort();
		hr_map_mismatches_free(&mm);
	}
	hr_memmap_free(&sysfs);
	hr_memmap_free(&e820);
	return 0;
}
