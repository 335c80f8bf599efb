// SPDX-License-Identifier: GPL-2.0-or-later
/* The fleet reader on any stream of reports (JSON Lines or pretty JSON): every bad record is named
 * by the input and a valid message, each counted report is counted once by verdict, and the
 * roll-up can be written as JSON, text and CSV whatever was read. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/fleet.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t tally_hosts(const struct hr_fleet_tally *t)
{
	uint64_t n = t->other;

	for (size_t i = 0; i < 2 * HR_FLEET_MAX_VALUES; i++)
		if (t->slots[i].value)
			n += t->slots[i].hosts;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	/* Exactly size bytes (fmemopen wants at least one): ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	struct hr_fleet fleet;
	struct hr_error err = {0};
	json_t *rollup;
	char *text;
	FILE *in;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	in = size ? fmemopen(buf, size, "r") : fopen("/dev/null", "r");
	if (!in || hr_fleet_init(&fleet, 10, &err) != HR_OK)
		abort();
	if (hr_fleet_read_stream(&fleet, in, "/fuzz/input", &err) != HR_OK)
		fuzz_check_error(&err, "/fuzz/input");
	fclose(in);
	for (size_t i = 0; i < fleet.diags.count; i++)
		fuzz_check_error(&fleet.diags.items[i], "/fuzz/input");
	if (fleet.diags.count > HR_FLEET_MAX_DIAGS || fleet.diags.count > fleet.bad_records ||
	    tally_hosts(&fleet.tallies[HR_FLEET_VERDICT]) != fleet.reports ||
	    fleet.n_worst > fleet.top || fleet.n_worst > fleet.reports) {
		fprintf(stderr, "roll-up does not add up: %llu reports, %llu by verdict, %zu worst\n",
			(unsigned long long)fleet.reports,
			(unsigned long long)tally_hosts(&fleet.tallies[HR_FLEET_VERDICT]), fleet.n_worst);
		abort();
	}
	rollup = hr_fleet_json(&fleet);
	text = rollup ? json_dumps(rollup, 0) : NULL;
	if (!text || !hr_fleet_text(sink, rollup) || !hr_fleet_csv(sink, rollup))
		abort();
	free(text);
	json_decref(rollup);
	hr_fleet_free(&fleet);
	free(buf);
	return 0;
}
