/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The answer in a few words: which subjects (the requests; GPUs when their carves are judged) get
 * a physical range, what blocks the rest, and the change that unblocks the most of them. The
 * report writers print it first. Each part of the audit adds its own subjects and fixes. */
#ifndef HEADROOM_VERDICT_H
#define HEADROOM_VERDICT_H

#include <stddef.h>
#include "headroom/error.h"
#include "headroom/tristate.h"

enum hr_outcome { HR_OUTCOME_RANGE, HR_OUTCOME_BLOCKED, HR_OUTCOME_UNKNOWN };

struct hr_subject {
	const char *kind;		/* "request", "GPU": counted apart, in the order first added */
	char label[64];			/* "16 GiB", "0000:01:00.0" */
	enum hr_outcome outcome;
	const char *blocker;		/* BLOCKED, UNKNOWN: a finding code or "no-space", "hazard" */
	char why[160];			/* the blocker in a few words, without a verb for the subject */
};

struct hr_fix {
	const char *code;		/* the finding that advises it */
	char change[240];		/* what to change, with concrete values */
	size_t fixes;			/* how many blocked or unknown subjects it unblocks */
};

struct hr_verdict {
	enum hr_tristate possible;	/* can this kernel register device-private memory at all */
	const char *possible_code;	/* the finding that decides when not HR_YES */
	char possible_why[200];
	struct hr_subject *subjects;
	size_t n_subjects;
	struct hr_fix *fixes;		/* in the order of preference on equal counts */
	size_t n_fixes;
	bool nomem;			/* an addition failed: the verdict is incomplete */
};

/* Both return HR_E_NOMEM, and set v->nomem, when the addition fails. */
enum hr_status hr_verdict_add_subject(struct hr_verdict *v, const struct hr_subject *subject);
enum hr_status hr_verdict_add_fix(struct hr_verdict *v, const char *code, size_t fixes,
				  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The fix that unblocks the most subjects (the first on a tie); with no subjects, the first fix.
 * NULL when there is none or when none unblocks anything. */
const struct hr_fix *hr_verdict_best_fix(const struct hr_verdict *v);

/* Subjects of a kind, and how many of them got each outcome. */
size_t hr_verdict_count(const struct hr_verdict *v, const char *kind, enum hr_outcome outcome);
size_t hr_verdict_count_kind(const struct hr_verdict *v, const char *kind);

const char *hr_outcome_name(enum hr_outcome outcome);
void hr_verdict_free(struct hr_verdict *v);

#endif
