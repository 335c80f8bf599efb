/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verdicts: each request replayed under the legacy carve and judged under the new scheme, plus
 * findings about the machine. This is what the report writers print. */
#ifndef HEADROOM_AUDIT_H
#define HEADROOM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/carve.h"
#include "headroom/gpu_profile.h"
#include "headroom/merged_map.h"
#include "headroom/model.h"
#include "headroom/verdict.h"

/* HR_VERDICT_UNKNOWN: the map could not be read, so no placement was computed. */
enum hr_legacy_verdict { HR_FITS, HR_NO_SPACE, HR_UNSUPPORTED, HR_HAZARD, HR_VERDICT_UNKNOWN };
/* HR_NEW_NOT_CONVERTED: the driver still calls memremap_pages() for device-private memory, which
 * the series refuses (nvidia-uvm). */
enum hr_new_verdict { HR_NEW_FITS, HR_NEW_TOO_LARGE, HR_NEW_NO_SPACE, HR_NEW_UNSUPPORTED,
		      HR_NEW_NOT_CONVERTED };
enum hr_severity { HR_INFO, HR_WARNING, HR_ERROR };

enum hr_hazard {
	HR_HAZARD_ABOVE_DIRECT_MAP = 1u << 0,	/* before ea72ce5da228: carve above the KASLR direct map */
	HR_HAZARD_MAX_PFN_BUMP = 1u << 1,	/* before 7170130e: max_pfn raised to the carve's end */
	HR_HAZARD_HOTPLUG_RANGE = 1u << 2,	/* the carve takes space memory hotplug or CXL needs */
	HR_HAZARD_LAST = HR_HAZARD_HOTPLUG_RANGE,
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

/* One group of a GPU's profile: count carves of one size, judged one after the other. */
struct hr_gpu_carve_result {
	uint64_t count, n_placed;	/* n_placed: how many the legacy carve placed */
	uint64_t n_existing;		/* of them already in /proc/iomem (or shown made by the driver) */
	struct hr_request_result r;	/* size and aligned_size of one; the worst verdicts; the span
					 * of the placed ones; ram_cost for all of them */
};

struct hr_gpu_result {
	struct hr_gpu gpu;
	struct hr_gpu_profile profile;
	struct hr_gpu_carve_result carves[HR_PROFILE_MAX_CARVES];
	size_t n_carves;
	const char *existing;		/* already carved: the /proc/iomem entry's name (or where the
					 * driver shows it made), else NULL */
	bool fails;			/* a carve fails under the scheme judged */
	bool unsure;			/* a carve would fail, but the carve itself is assumed
					 * (profile.carve_assumed): unknown, not failing */
};

/* A change that makes failing GPUs (or requests) fit, found by re-running the model with it. */
#define HR_ADVICE_MAX_FIXES 32
struct hr_advice {
	const char *kind;		/* "phys-bits", "pci-hole64", "nokaslr", "kernel", "new-scheme" */
	char change[480];		/* in words, with the verified effect */
	const char *knob;		/* "qemu", "libvirt", "kernel-cmdline", "kernel" */
	char value[240];		/* exactly what to set: no placeholders */
	char what_if[96];		/* the headroom options that model the change */
	char fixes[HR_ADVICE_MAX_FIXES][24];	/* GPU addresses and "request N" */
	size_t n_fixes;
	bool fixes_all;			/* every failing GPU and request fits with it */
	bool verified;			/* the re-run showed every fix claimed */
};

struct hr_audit {
	struct hr_model model;
	bool scheme_new;		/* verdicts and the exit code follow the new scheme */
	struct hr_gpu_result *gpus;	/* the machine's GPUs in probe order, then --add-gpu */
	size_t n_gpus;
	struct hr_gpu_env gpu_env;	/* what the driver rules read */
	struct hr_advice *advice;
	size_t n_advice;
	struct hr_free free;		/* below the search top, before any request */
	struct hr_iomem what_if_map;	/* with --ram or --hole64: the map they model (top level) */
	bool map_modelled;		/* the reports print what_if_map instead of the facts' iomem */
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
#define HR_MAX_REQUESTS 1024
#define HR_REQUEST_LIMIT (1ull << 62)	/* beyond any physical address space (52 bits) */

/* HR_OK for a size from 1 to HR_REQUEST_LIMIT - 1, else HR_E_RANGE with err filled. */
enum hr_status hr_request_check(uint64_t size, struct hr_error *err);

/* The legacy carve and the new scheme's offset space, replayed in order. */
struct hr_carver {
	const struct hr_model *model;
	const struct hr_firmware *firmware;	/* hot-pluggable and CXL ranges: a hazard to carve */
	struct hr_space space;
	struct hr_carve_rule rule;
	uint64_t offset_used;
	uint64_t unplaceable;		/* an aligned size that failed: carves only fill the space */
};

/* Judge one carve of size bytes and, when it is placed, keep it for the next. explain: for a
 * failure, also find the phys-bits that would place it (a search). converted: the driver uses the
 * series' memremap_device_private_pagemap(); else the series refuses it (HR_NEW_NOT_CONVERTED). */
enum hr_status hr_carver_judge(struct hr_carver *c, uint64_t size, bool explain, bool converted,
			       struct hr_request_result *r);

/* The GPUs' carves, in probe order, and their subjects in the verdict (audit_gpus.c). */
enum hr_status hr_audit_gpus(struct hr_audit *a, const struct hr_facts *facts,
			     const struct hr_overrides *ov, struct hr_carver *carver);
void hr_audit_gpu_subjects(struct hr_audit *a, const char *unknown_code, const char *unknown_why);

/* A subject's outcome, blocker and why from its carve r, under the scheme the audit judges; for an
 * unknown placement, the finding code and words that say why it is unknown. The same words for a
 * request and a GPU. */
void hr_audit_judge_subject(const struct hr_audit *a, const struct hr_request_result *r,
			    const char *unknown_code, const char *unknown_why, struct hr_subject *s);

/* Whether a carve fails under the scheme the audit judges. */
bool hr_audit_carve_fails(const struct hr_audit *a, const struct hr_request_result *r);

/* Record a finding from another part of the audit (the advice); false when it could not be. */
bool hr_audit_add_finding(struct hr_audit *a, const char *code, enum hr_severity sev,
			  const char *message);

/* The verdicts alone, without advice: what the advice search re-runs. */
enum hr_status hr_audit_judge(const struct hr_facts *facts, const struct hr_overrides *ov,
			      const uint64_t *sizes, size_t n_sizes, struct hr_audit *audit);

/* Search each knob for the smallest change that makes the failures fit (advice.c). */
enum hr_status hr_audit_advise(struct hr_audit *a, const struct hr_facts *facts,
			       const struct hr_overrides *ov, const uint64_t *sizes, size_t n_sizes);

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
/* That exit code in a word: "fits" (0), "fails" (1), "inconclusive" (2); NULL for any other. */
const char *hr_audit_exit_verdict(int exit_code);

#endif
