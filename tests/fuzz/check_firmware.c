// SPDX-License-Identifier: GPL-2.0-or-later
/* What the ACPI targets assert about the firmware view beyond the contract: it goes into the report
 * whole (a name kept from the input that is not valid UTF-8 would make the report drop its table or
 * bridge without a word), and every range in it is one. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "headroom/report.h"

void fuzz_check_firmware(const struct hr_firmware *fw);

static size_t reported(const json_t *j, const char *key)
{
	return json_array_size(json_object_get(j, key));
}

void fuzz_check_firmware(const struct hr_firmware *fw)
{
	json_t *j = hr_report_firmware_json(fw);
	bool ok = j && reported(j, "tables") == fw->n_tables &&
		  reported(j, "host_bridges") == fw->n_bridges &&
		  reported(j, "memory_affinity") == fw->n_affinity &&
		  reported(j, "cxl_windows") == fw->n_cxl && reported(j, "ecam") == fw->n_ecam;

	for (size_t i = 0; i < fw->n_bridges; i++)
		for (size_t k = 0; k < fw->bridges[i].n_windows; k++)
			ok = ok && fw->bridges[i].windows[k].start <= fw->bridges[i].windows[k].end;
	for (size_t i = 0; i < fw->n_affinity; i++)
		ok = ok && fw->affinity[i].start <= fw->affinity[i].end;
	for (size_t i = 0; i < fw->n_cxl; i++)
		ok = ok && fw->cxl[i].start <= fw->cxl[i].end;
	for (size_t i = 0; i < fw->n_ecam; i++)
		ok = ok && fw->ecam[i].start <= fw->ecam[i].end;
	if (!ok) {
		fprintf(stderr, "the firmware view is not reported whole (%zu of %zu tables, %zu of %zu "
			"bridges), or holds a range that is none\n", reported(j, "tables"),
			fw->n_tables, reported(j, "host_bridges"), fw->n_bridges);
		abort();
	}
	json_decref(j);
}
