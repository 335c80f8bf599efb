/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Report writers: one for people, one for machines (schema headroom/report-v1, reports/). */
#ifndef HEADROOM_REPORT_H
#define HEADROOM_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "headroom/audit.h"

#define HR_REPORT_SCHEMA "headroom/report-v1"

struct hr_report_options {
	bool bytes;	/* sizes as exact byte counts instead of binary units */
};

/* The report as a JSON object (new reference), NULL on allocation failure. */
json_t *hr_report_json(const struct hr_facts *facts, const struct hr_audit *audit);

/* Write the human report; false when the stream failed. */
bool hr_report_text(FILE *out, const struct hr_facts *facts, const struct hr_audit *audit,
		    const struct hr_report_options *opts);

/* The GPU section (verdicts, losses, verified fixes, details); nothing when there are no GPUs. */
void hr_report_text_gpus(FILE *out, const struct hr_audit *audit,
			 const struct hr_report_options *opts);

/* The verified fixes alone. */
void hr_report_text_advice(FILE *out, const struct hr_audit *audit);

/* "1 GiB", "1.5 TiB", "4 KiB"; exact bytes with opts->bytes. */
const char *hr_format_size(uint64_t size, bool bytes, char *buf, size_t len);

/* The hypervisor's short name ("kvm", "hyper-v"...), "unknown" for a guest whose vendor could not
 * be read, NULL on bare metal. */
const char *hr_hypervisor_name(const struct hr_facts *facts);

#endif
