// SPDX-License-Identifier: GPL-2.0-or-later
#include "headroom/report.h"

bool hr_report_jsonl(FILE *out, const json_t *report, const struct hr_facts *facts,
		     const char *tool_version, time_t generated_at)
{
	char when[32];
	struct tm tm;
	json_t *line;
	bool ok;

	if (!gmtime_r(&generated_at, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return false;
	line = json_pack("{s:o, s:s, s:s, s:s}",
			 "host", facts->hostname[0] ? json_string(facts->hostname) : json_null(),
			 "generated_at", when, "tool_version", tool_version,
			 "input", facts->root.live ? "live" : "captured");
	ok = line && json_object_update(line, (json_t *)report) == 0 &&
	     json_dumpf(line, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF;
	json_decref(line);
	return ok;
}
