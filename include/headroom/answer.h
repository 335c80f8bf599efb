/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's own answer (what the probe module saw request_free_mem_region() do), and its
 * comparison with headroom's prediction. */
#ifndef HEADROOM_ANSWER_H
#define HEADROOM_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/audit.h"

#define HR_ANSWER_MAGIC "# headroom kernel answer v1"

struct hr_answer_request {
	uint64_t size;
	bool placed;
	struct hr_range range;
	int error;		/* the errno the kernel returned when not placed, e.g. -34 */
};

struct hr_answer {
	char release[128];
	uint64_t iomem_end;
	bool have_direct_map_end;	/* false: the kernel has no such variable */
	uint64_t direct_map_end;
	struct hr_answer_request *requests;
	size_t count;
};

/* Parse "# headroom kernel answer v1" text (the parser contract, error.h). A partial answer proves
 * nothing, so every bad line is fatal: HR_E_PARSE naming the line, HR_E_RANGE past
 * HR_MAX_REQUESTS requests; sizes must pass hr_request_check(). */
enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_diags *diags, struct hr_error *err);
void hr_answer_free(struct hr_answer *answer);

/* The request sizes in order, for replaying them (points into answer). */
void hr_answer_sizes(const struct hr_answer *answer, uint64_t *sizes);

struct hr_check {
	char what[64];		/* "iomem_resource.end", "request 2 (16 GiB)" */
	char predicted[48], kernel[48];
	bool agrees;
};

struct hr_comparison {
	struct hr_check *checks;
	size_t count, agreements;
};

/* Compare limits and every placement; the audit must have replayed the answer's sizes. */
enum hr_status hr_answer_compare(const struct hr_answer *answer, const struct hr_audit *audit,
				 struct hr_comparison *out);
void hr_comparison_free(struct hr_comparison *cmp);

#endif
