/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem as a tree: depth comes from the two-space indentation the kernel prints. */
#ifndef HEADROOM_IOMEM_H
#define HEADROOM_IOMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"

struct hr_iomem_entry {
	uint64_t start, end;	/* inclusive */
	unsigned depth;		/* 0 = child of iomem_resource (top level) */
	unsigned line;		/* line in the file, for messages */
	char *name;
};

struct hr_iomem_names;

struct hr_iomem {
	struct hr_iomem_entry *entries;	/* in file order */
	size_t count;
	size_t top_count;		/* entries with depth 0 */
	struct hr_iomem_names *names;	/* where the entries' names are kept */
	/* Entries the file holds but the map lacks: lines skipped as malformed, and the rest of a
	 * file cut short (it ends inside a line) or past IOMEM_MAX_ENTRIES. */
	unsigned lines_skipped;
	unsigned first_lost_line;	/* 1-based: the first line skipped, or where the file stops */
	bool rest_missing;
};

/* Parse the text of /proc/iomem. A malformed line goes to diags and is skipped; an all-zero file
 * (what an unprivileged reader sees) is HR_E_ACCESS, and nothing is computed from it. path only
 * names the source in messages. */
enum hr_status hr_iomem_parse(const char *buf, size_t len, const char *path, struct hr_iomem *out,
			      struct hr_diags *diags, struct hr_error *err);

enum hr_status hr_iomem_read(const struct hr_root *root, struct hr_iomem *out,
			     struct hr_diags *diags, struct hr_error *err);

/* Lowest start and highest end of the top-level "System RAM" entries; false when there is none. */
bool hr_iomem_ram_bounds(const struct hr_iomem *iomem, uint64_t *bottom, uint64_t *top);

void hr_iomem_free(struct hr_iomem *iomem);

#endif
