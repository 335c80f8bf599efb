/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verdicts: each request replayed under the legacy carve and judged under the new scheme, plus
 * findings about the machine. This is what the report writers print. */
#ifndef HEADROOM_AUDIT_H
#define HEADROOM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/carve.h"
#include "headroom/model.h"
#include "headroom/verdict.h"

/* HR_VERDICT_UNKNOWN: the map could not be read, so no placement was computed. */
enum hr_legacy_verdict { HR_FITS, HR_NO_SPACE, HR_UNSUPPORTED, HR_HAZARD, HR_VERDICT_UNKNOWN };
enum hr_new_verdict { HR_NEW_FITS, HR_NEW_TOO_LARGE, HR_NEW_NO_SPACE, HR_NEW_UNSUPPORTED };
enum hr_severity { HR_INFO, HR_WARNING, HR_ERROR };

enum hr_hazard {
	HR_HAZARD_ABOVE_DIRECT_MAP = 1u << 0,	/* before ea72ce5da228: carve above the KASLR direct map */
	HR_HAZARD_MAX_PFN_BUMP = 1u << 1,	/* before 7170130e: max_pfn raised to the carve's end */
};

struct hr_request_result {
	uint64_t size, aligned_size;
	bool placed;
	struct hr_range placement;
	enum hr_legacy_verdict legacy;
	unsigned hazards;			/* enum hr_hazard bits */
	enum hr_new_verdict new_scheme;
	uint64_t ram_cost;			/* struct pages: 64 bytes per 4 KiB page */
	int phys_bits_needed;			/* for no-space: smallest phys-bits that fits, 0 if none */
	bool fits_stepping_by_section;		/* for no-space under step = size: 659aa050 would place it */
};

struct hr_finding {
	const char *code;			/* stable name */
	enum hr_severity severity;
	bool inconclusive;			/* one of the reasons the answer is inconclusive */
	char message[512];
};

/* A top-level /proc/iomem entry recognised as an earlier device-private carve. */
struct hr_existing_carve {
	struct hr_range range;
	const char *name;			/* points into the iomem entry */
};

struct hr_audit {
	struct hr_model model;
	struct hr_free free;		/* below the search top, before any request */
	struct hr_request_result *requests;
	size_t n_requests;
	struct hr_existing_carve *existing;
	size_t n_existing;
	struct hr_finding *findings;
	size_t n_findings, findings_cap;
	bool inconclusive;		/* the findings marked inconclusive say why */
	bool nomem;			/* while running: something could not be recorded */
	struct hr_verdict verdict;	/* the answer in a few words, with the best fix */
};

/* Limits on what can be asked, enforced here whoever asks (command line, recorded answers). */
#define HR_MAX_REQUESTS 256
#define HR_REQUEST_LIMIT (1ull << 62)	/* beyond any physical address space (52 bits) */

/* HR_OK for a size from 1 to HR_REQUEST_LIMIT - 1, else HR_E_RANGE with err filled. */
enum hr_status hr_request_check(uint64_t size, struct hr_error *err);

/* Judge the requests (sizes in bytes, in the order the drivers would ask) on this machine.
 * HR_E_RANGE (nothing judged) for more than HR_MAX_REQUESTS or a size hr_request_check()
 * refuses; HR_E_NOMEM with everything freed. */
enum hr_status hr_audit_run(const struct hr_facts *facts, const struct hr_overrides *ov,
			    const uint64_t *sizes, size_t n_sizes, struct hr_audit *audit);
void hr_audit_free(struct hr_audit *audit);

const char *hr_legacy_verdict_name(enum hr_legacy_verdict v);
const char *hr_new_verdict_name(enum hr_new_verdict v);
const char *hr_severity_name(enum hr_severity s);
const char *hr_hazard_name(enum hr_hazard h);

/* The codes of the findings that leave the answer inconclusive, each once, in report order; at
 * most max of them. Returns how many were stored. */
size_t hr_audit_inconclusive_codes(const struct hr_audit *audit, const char **codes, size_t max);

/* One sentence on what the hazard does on this kernel and which commit fixed it. */
const char *hr_hazard_explain(const struct hr_model *m, enum hr_hazard h);

/* 1 when CONFIG_DEVICE_PRIVATE is off (certain whatever else is unknown), else 2 when
 * inconclusive, else with requests 0 when every one fits and 1 when one fails or is a hazard;
 * without requests 0 when device-private memory is possible and 1 when it is not. */
int hr_audit_exit_code(const struct hr_audit *audit);

#endif
