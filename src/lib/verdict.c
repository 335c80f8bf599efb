// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/verdict.h"

const char *hr_outcome_name(enum hr_outcome outcome)
{
	static const char *const names[] = {"range", "blocked", "unknown"};

	return names[outcome];
}

enum hr_status hr_verdict_add_subject(struct hr_verdict *v, const struct hr_subject *subject)
{
	struct hr_subject *grown = realloc(v->subjects, (v->n_subjects + 1) * sizeof(*grown));

	if (!grown) {
		v->nomem = true;
		return HR_E_NOMEM;
	}
	v->subjects = grown;
	grown[v->n_subjects++] = *subject;
	return HR_OK;
}

enum hr_status hr_verdict_add_fix(struct hr_verdict *v, const char *code, size_t fixes,
				  const char *fmt, ...)
{
	struct hr_fix *grown = realloc(v->fixes, (v->n_fixes + 1) * sizeof(*grown));
	va_list ap;

	if (!grown) {
		v->nomem = true;
		return HR_E_NOMEM;
	}
	v->fixes = grown;
	grown[v->n_fixes].code = code;
	grown[v->n_fixes].fixes = fixes;
	va_start(ap, fmt);
	vsnprintf(grown[v->n_fixes].change, sizeof(grown->change), fmt, ap);
	va_end(ap);
	v->n_fixes++;
	return HR_OK;
}

const struct hr_fix *hr_verdict_best_fix(const struct hr_verdict *v)
{
	const struct hr_fix *best = NULL;

	if (!v->n_subjects)
		return v->n_fixes ? &v->fixes[0] : NULL;
	for (size_t i = 0; i < v->n_fixes; i++)
		if (v->fixes[i].fixes && (!best || v->fixes[i].fixes > best->fixes))
			best = &v->fixes[i];
	return best;
}

size_t hr_verdict_count(const struct hr_verdict *v, const char *kind, enum hr_outcome outcome)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_subjects; i++)
		n += strcmp(v->subjects[i].kind, kind) == 0 && v->subjects[i].outcome == outcome;
	return n;
}

size_t hr_verdict_count_kind(const struct hr_verdict *v, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_subjects; i++)
		n += strcmp(v->subjects[i].kind, kind) == 0;
	return n;
}

void hr_verdict_free(struct hr_verdict *v)
{
	free(v->subjects);
	free(v->fixes);
	memset(v, 0, sizeof(*v));
}
