/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a live run measures that no file holds: the CPUID leaves and the kernel variables read
 * through /proc/kcore. A capture writes them to HR_MEASURED_PATH under its root, and a replay reads
 * them there instead of asking the CPU and the kernel it runs on, so it reports what the live run
 * did. The text form:
 *     # headroom measured v1
 *     cpuid LEAF SUBLEAF EAX EBX ECX EDX      (hex, one line per leaf)
 *     kcore SYMBOL VALUE                      (hr_symbol_name(), hex)
 * and lines starting with "#" are comments.
 */
#ifndef HEADROOM_MEASURED_H
#define HEADROOM_MEASURED_H

#include <stdbool.h>
#include <stdint.h>
#include "headroom/cpu.h"
#include "headroom/error.h"
#include "headroom/symbols.h"

#define HR_MEASURED_PATH "/headroom-capture/measured"

struct hr_measured {
	struct hr_cpuid_leaves cpuid;		/* count 0: none were captured */
	bool have_reading[HR_SYM_COUNT];	/* a variable read through /proc/kcore */
	uint64_t reading[HR_SYM_COUNT];
};

/* The text form, malloc'd; NULL on allocation failure. */
char *hr_measured_format(const struct hr_measured *m);

/* Bad lines are skipped with a diagnostic; a missing or wrong first line is HR_E_PARSE. */
enum hr_status hr_measured_parse(const char *buf, size_t len, const char *path,
				 struct hr_measured *out, struct hr_diags *diags, struct hr_error *err);

#endif
