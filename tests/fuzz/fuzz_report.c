// SPDX-License-Identifier: GPL-2.0-or-later
/* The whole-report oracle: any root (tests/fuzz/root_image.h) gives an audit, a JSON report whose
 * sizes hold the schema's shape, and a finding naming every input that could not be read or was
 * empty. The corpus is also replayed through the real binary and the schema (run-fuzz). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "headroom/report.h"
#include "root_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The inputs read in every run whatever the architecture: a broken one is always named. */
static const char *const always_read[] = {"/proc/iomem", "/proc/cpuinfo",
					  "/proc/sys/kernel/osrelease", "/proc/version",
					  "/proc/cmdline"};

static bool is_size_key(const char *key)
{
	static const char *const keys[] = {"size", "total", "aligned_size", "ram_cost", "section_size"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* An integer from 0 to 2^63 - 1, or a hex string of at least 2^63 (the schema's "size"). */
static bool size_ok(const json_t *v)
{
	const char *s = json_string_value(v);

	if (json_is_integer(v))
		return json_integer_value(v) >= 0;
	return s && strncmp(s, "0x", 2) == 0 && strspn(s + 2, "0123456789abcdef") == strlen(s + 2) &&
	       (strlen(s) == 18 ? s[2] >= '8' : strcmp(s, "0x10000000000000000") == 0);
}

static void check_sizes(const json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, key, v) {
			if (is_size_key(key) && !json_is_null(v) && !json_is_object(v) && !size_ok(v)) {
				fprintf(stderr, "\"%s\" breaks the schema's size\n", key);
				abort();
			}
			check_sizes(v);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			check_sizes(v);
	}
}

static bool named(const struct hr_audit *a, const char *path)
{
	for (size_t i = 0; i < a->n_findings; i++)
		if (strstr(a->findings[i].message, path))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t sizes[] = {1ull << 30, 16ull << 30, (1ull << 62) - 1};
	enum root_kind kinds[32];
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts facts;
	struct hr_audit audit;
	char dir[64];
	json_t *report;
	char *text;

	snprintf(dir, sizeof(dir), "%s/root", root_image_scratch("report"));
	root_image_remove(dir);
	if (mkdir(dir, 0755) != 0 ||
	    root_image_unpack(data, size, root_image_paths, root_image_count, dir, kinds) != 0) {
		root_image_remove(dir);
		return 0;
	}
	hr_facts_gather(dir, &facts);
	if (hr_audit_run(&facts, &ov, sizes, 3, &audit) != HR_OK)
		abort();
	for (size_t i = 0; i < sizeof(always_read) / sizeof(always_read[0]); i++)
		if (kinds[i] != ROOT_FILE && !named(&audit, always_read[i])) {
			fprintf(stderr, "%s (kind %d) is named by no finding\n", always_read[i], kinds[i]);
			abort();
		}
	if (kinds[2] == ROOT_FILE && !facts.release[0] && !named(&audit, always_read[2])) {
		fprintf(stderr, "an empty osrelease is named by no finding\n");
		abort();
	}
	report = hr_report_json(&facts, &audit);
	text = report ? json_dumps(report, 0) : NULL;
	if (!text)
		abort();
	check_sizes(report);
	free(text);
	json_decref(report);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	root_image_remove(dir);
	return 0;
}
