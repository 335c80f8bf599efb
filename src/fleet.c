// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom fleet: many machines' reports rolled up. */
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "closestream.h"
#include "headroom/fleet.h"
#include "headroom/parse.h"

enum fleet_format { FLEET_TEXT, FLEET_JSON, FLEET_CSV, FLEET_CSV_COUNTS };

static void fleet_usage(void)
{
	printf("Usage: headroom fleet [--format text|json|csv|csv-counts] [--top N] [FILE|DIR|-]...\n"
	       "Roll up reports written by 'headroom --format jsonl' (or --json), one per machine:\n"
	       "counts by verdict, kernel, phys-bits, hypervisor and GPU model, the advice the most\n"
	       "failing hosts carry, and the worst hosts. A directory is read recursively (*.json,\n"
	       "*.jsonl, *.ndjson); '-' or no argument reads standard input. A capture bundle is\n"
	       "not a report: 'headroom -s BUNDLE --format jsonl' writes its report.\n\n"
	       "Options:\n"
	       "      --format FORMAT  text (default); json (schema %s); csv, a row\n"
	       "                       per host as it is read; csv-counts, the counts as CSV\n"
	       "  -J, --json           --format json\n"
	       "      --top N          worst hosts to list (default 10, at most %d)\n"
	       "  -h, --help           this help\n\n"
	       "Exit status: 0 every record was a report, 2 some input was unreadable or not a report\n"
	       "(each named on stderr, the rest rolled up), 3 usage or internal error.\n",
	       HR_FLEET_SCHEMA, HR_FLEET_MAX_TOP);
}

/* One line, as the audit's usage errors. */
static int fleet_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "headroom fleet: %s '%s'; try 'headroom fleet --help'\n", what, arg);
	return EXIT_USAGE;
}

static bool write_rollup(const struct hr_fleet *fleet, enum fleet_format format)
{
	json_t *rollup = hr_fleet_json(fleet);
	bool ok = rollup != NULL;

	if (format == FLEET_CSV)	/* its rows went out as the hosts were read */
		ok = true;
	else if (ok && format == FLEET_JSON)
		ok = json_dumpf(rollup, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
		     fputc('\n', stdout) != EOF;
	else if (ok && format == FLEET_CSV_COUNTS)
		ok = hr_fleet_csv(stdout, rollup);
	else if (ok)
		ok = hr_fleet_text(stdout, rollup);
	json_decref(rollup);
	return ok;
}

int fleet_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'J'},
		{"top", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const stdin_only[] = {"-"};
	enum fleet_format format = FLEET_TEXT;
	const char *const *paths;
	struct hr_fleet fleet;
	struct hr_error err;
	char text[900];
	uint64_t top = 10;
	size_t n_paths;
	int c, rc = EXIT_FITS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hJ", longopts, NULL)) != -1) {
		if (c == 'J')
			format = FLEET_JSON;
		else if (c == 'f' && strcmp(optarg, "text") == 0)
			format = FLEET_TEXT;
		else if (c == 'f' && strcmp(optarg, "json") == 0)
			format = FLEET_JSON;
		else if (c == 'f' && strcmp(optarg, "csv") == 0)
			format = FLEET_CSV;
		else if (c == 'f' && strcmp(optarg, "csv-counts") == 0)
			format = FLEET_CSV_COUNTS;
		else if (c == 'f')
			return fleet_usage_error("--format wants text, json, csv or csv-counts, not",
						 optarg);
		else if (c == 't' && (!hr_parse_u64(optarg, &top) || top > HR_FLEET_MAX_TOP))
			return fleet_usage_error("--top wants 0 to 1000, not", optarg);
		else if (c == 'h')
			return fleet_usage(), close_stdout() ? EXIT_FITS : EXIT_USAGE;
		else if (c != 't')
			return fleet_usage_error("unknown option or missing argument", argv[optind - 1]);
	}
	paths = optind < argc ? (const char *const *)argv + optind : stdin_only;
	n_paths = optind < argc ? (size_t)(argc - optind) : 1;
	if (hr_fleet_init(&fleet, (size_t)top, &err)) {
		fprintf(stderr, "headroom fleet: %s\n", hr_error_text(&err, text, sizeof(text)));
		return EXIT_USAGE;
	}
	if (format == FLEET_CSV)
		fleet.host_rows = stdout;
	for (size_t i = 0; i < n_paths; i++) {
		enum hr_status st = hr_fleet_read(&fleet, paths[i], &err);

		if (st)
			fprintf(stderr, "headroom fleet: %s\n", hr_error_text(&err, text, sizeof(text)));
		if (st == HR_E_NOMEM) {
			hr_fleet_free(&fleet);
			return EXIT_USAGE;
		}
		if (st)
			rc = EXIT_INCONCLUSIVE;
	}
	for (size_t i = 0; i < fleet.diags.count; i++)
		fprintf(stderr, "headroom fleet: %s\n", hr_error_text(&fleet.diags.items[i], text,
								      sizeof(text)));
	if (fleet.bad_records > fleet.diags.count)
		fprintf(stderr, "headroom fleet: and %llu more bad records\n",
			(unsigned long long)(fleet.bad_records - fleet.diags.count));
	if (fleet.bad_records)
		rc = EXIT_INCONCLUSIVE;
	/* Nothing was read: the lines above said why, and a roll-up of nothing says nothing. */
	if (!fleet.reports) {
		if (rc == EXIT_FITS)
			fprintf(stderr, "headroom fleet: no report in the input: 'headroom --format jsonl' "
				"writes one\n");
		hr_fleet_free(&fleet);
		return close_stdout() ? EXIT_INCONCLUSIVE : EXIT_USAGE;
	}
	if ((!write_rollup(&fleet, format) && errno != EPIPE) || !close_stdout()) {
		fprintf(stderr, "headroom fleet: write error\n");
		rc = EXIT_USAGE;
	}
	hr_fleet_free(&fleet);
	return rc;
}
