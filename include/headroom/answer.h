/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's own answer (what the probe module saw request_free_mem_region() do and, in a v2
 * answer, memremap_device_private_pagemap()), and its comparison with headroom's prediction. */
#ifndef HEADROOM_ANSWER_H
#define HEADROOM_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/audit.h"

struct hr_answer_request {
	uint64_t size;
	bool placed;
	struct hr_range range;
	int error;		/* the errno the kernel returned when not placed, e.g. -34 */
};

enum hr_answer_warn { HR_WARN_NO, HR_WARN_YES, HR_WARN_UNKNOWN };

/* One device-private pagemap of the series, registered, measured and released (answer v2). */
struct hr_answer_pagemap {
	uint64_t size;
	bool ok;
	struct hr_range offsets;	/* from the maple tree, when ok */
	int error;			/* the errno when not ok, e.g. -12 */
	uint64_t alloc;			/* nr_pages * sizeof(struct page): what the series kvzalloc()s */
	int64_t memavail, vmalloc, slab; /* bytes MemAvailable fell, vmalloc and slab rose (vmalloc -1: no counter) */
	enum hr_answer_warn warn;	/* whether the call set TAINT_WARN */
};

struct hr_answer {
	int version;			/* 1, or 2 with new_scheme and pagemap lines */
	char release[128];
	uint64_t iomem_end;
	bool have_direct_map_end;	/* false: the kernel has no such variable */
	uint64_t direct_map_end;
	struct hr_answer_request *requests;
	size_t count;
	bool new_scheme;		/* v2: memremap_device_private_pagemap() exists */
	struct hr_answer_pagemap *pagemaps;
	size_t n_pagemaps;
};

/* Parse "# headroom kernel answer v1" (or v2) text (the parser contract, error.h). A partial
 * answer proves nothing, so every bad line is fatal: HR_E_PARSE naming the line, HR_E_RANGE past
 * HR_MAX_REQUESTS requests or pagemaps; sizes must pass hr_request_check(). */
enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_diags *diags, struct hr_error *err);
void hr_answer_free(struct hr_answer *answer);

/* The request sizes in order, for replaying them (points into answer). */
void hr_answer_sizes(const struct hr_answer *answer, uint64_t *sizes);

struct hr_check {
	char what[64];		/* "iomem_resource.end", "request 2 (16 GiB)" */
	char predicted[48], kernel[48];
	bool agrees;
	bool given;		/* the prediction was given on the command line: shown, never an agreement */
};

struct hr_comparison {
	struct hr_check *checks;
	size_t count, agreements, given;	/* every check agrees when agreements + given == count */
};

/* The measured RAM of a pagemap agrees with ram_cost within 1 % plus this: vmalloc's page tables
 * (8 bytes per 4 KiB, 0.2 %) are inside the 1 %; the constant covers the pages that move between
 * the per-CPU free lists and MemAvailable while the pagemap is set up. */
#define HR_PAGEMAP_RAM_SLACK (4ull << 20)

/* Compare limits, every placement and, for a v2 answer, whether the series is present and every
 * pagemap's verdict, allocation, measured RAM and WARN against the new-scheme prediction; the
 * audit must have replayed the answer's sizes. */
enum hr_status hr_answer_compare(const struct hr_answer *answer, const struct hr_audit *audit,
				 struct hr_comparison *out);
void hr_comparison_free(struct hr_comparison *cmp);

/* What loading lib/test_hmm did ("# headroom test_hmm v1", tests/vm/init.sh): it registers two
 * device-private chunks of HR_TEST_HMM_CHUNK at load, carved from physical address space by a
 * kernel without the series. */
#define HR_TEST_HMM_CHUNK (256ull << 20)
#define HR_TEST_HMM_CHUNKS 2

struct hr_test_hmm {
	bool loaded;			/* insmod returned 0 */
	struct hr_range carves[8];	/* its "hmm_dmirror" ranges in /proc/iomem, in address order */
	size_t n_carves;
};

/* The parser contract (error.h): every bad line is fatal (HR_E_PARSE naming it). */
enum hr_status hr_test_hmm_parse(const char *buf, size_t len, const char *path,
				 struct hr_test_hmm *out, struct hr_diags *diags, struct hr_error *err);

/* Append to cmp whether test_hmm loads and where its chunks went, against an audit of
 * HR_TEST_HMM_CHUNKS requests of HR_TEST_HMM_CHUNK: the new scheme's verdicts where the kernel
 * has it (no carve at all), the legacy placements otherwise. */
enum hr_status hr_test_hmm_compare(const struct hr_test_hmm *th, const struct hr_audit *audit,
				   struct hr_comparison *cmp);

#endif
