// SPDX-License-Identifier: GPL-2.0-or-later
/* The fleet roll-up for people and as CSV, both written from its JSON object. */
#include <string.h>

#include "headroom/fleet.h"
#include "headroom/parse.h"
#include "headroom/size_format.h"

#define TEXT_VALUES 10		/* values per count shown to people; JSON and CSV have them all */

static const struct {
	const char *key, *title;
} sections[] = {
	{"verdict", "Verdicts"}, {"kernel", "Kernels"}, {"phys_bits", "Phys-bits"},
	{"hypervisor", "Hypervisors"}, {"gpu_model", "GPU models"},
	{"fix", "The change that fixes the most of each failing host's requests and GPUs"},
	{"advice_code", "Failing hosts by the kind of change advised"},
	{"advice", "Advice carried by the most failing hosts (one change each)"},
};

static const char *text_or(const json_t *v, const char *fallback)
{
	return json_is_string(v) ? json_string_value(v) : fallback;
}

static void text_counts(FILE *out, const json_t *values, const char *title, json_int_t reports)
{
	size_t i, shown = 0;
	json_int_t rest_hosts = 0;
	json_t *v;

	fprintf(out, "\n%s\n", title);
	if (!json_array_size(values))
		fprintf(out, "  (none in these reports)\n");
	json_array_foreach(values, i, v) {
		json_int_t hosts = json_integer_value(json_object_get(v, "hosts"));

		if (shown == TEXT_VALUES) {
			rest_hosts += hosts;
			continue;
		}
		shown++;
		fprintf(out, "  %8lld  %5.1f%%  %s\n", (long long)hosts,
			reports ? 100.0 * (double)hosts / (double)reports : 0.0,
			text_or(json_object_get(v, "value"), "(other values)"));
	}
	if (json_array_size(values) > shown)
		fprintf(out, "  %8lld          (%zu more values: --format json or csv)\n",
			(long long)rest_hosts, json_array_size(values) - shown);
}

/* A size: an integer, or a hex string from 2^63 on. */
static const char *size_or_unknown(const json_t *v, char *buf, size_t len)
{
	const char *hex = json_string_value(v);
	uint64_t bytes;

	if (json_is_integer(v))
		return hr_format_size((uint64_t)json_integer_value(v), false, buf, len);
	if (hex && hr_parse_hex(hex, hex + strlen(hex), &bytes))
		return hr_format_size(bytes, false, buf, len);
	return "unknown";
}

static void text_worst(FILE *out, const json_t *worst)
{
	size_t i;
	json_t *w;

	fprintf(out, "\nWorst hosts (fails, then inconclusive; most requests and GPUs without a range; "
		"least free)\n");
	if (!json_array_size(worst)) {
		fprintf(out, "  (none)\n");
		return;
	}
	fprintf(out, "  %-32s %-12s %-9s %-10s %-10s %s\n", "HOST", "VERDICT", "NO RANGE", "FREE",
		"LARGEST", "SOURCE");
	json_array_foreach(worst, i, w) {
		char failing[24], free_text[32], largest[32];

		snprintf(failing, sizeof(failing), "%lld/%lld",
			 (long long)(json_integer_value(json_object_get(w, "failing")) +
				     json_integer_value(json_object_get(w, "gpus_failing"))),
			 (long long)(json_integer_value(json_object_get(w, "requests")) +
				     json_integer_value(json_object_get(w, "gpus"))));
		fprintf(out, "  %-32s %-12s %-9s %-10s %-10s %s\n",
			text_or(json_object_get(w, "host"), "(unnamed)"),
			text_or(json_object_get(w, "verdict"), "?"), failing,
			size_or_unknown(json_object_get(w, "free"), free_text, sizeof(free_text)),
			size_or_unknown(json_object_get(w, "largest_gap"), largest, sizeof(largest)),
			text_or(json_object_get(w, "source"), ""));
	}
}

bool hr_fleet_text(FILE *out, const json_t *rollup)
{
	const json_t *counts = json_object_get(rollup, "counts");
	json_int_t reports = json_integer_value(json_object_get(rollup, "reports"));

	fprintf(out, "headroom fleet: %lld reports, %lld bad records skipped\n", (long long)reports,
		(long long)json_integer_value(json_object_get(rollup, "bad_records")));
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		text_counts(out, json_object_get(counts, sections[i].key), sections[i].title, reports);
	text_worst(out, json_object_get(rollup, "worst_hosts"));
	return !ferror(out);
}

/* RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
static void csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

bool hr_fleet_csv(FILE *out, const json_t *rollup)
{
	const json_t *counts = json_object_get(rollup, "counts");

	fputs("dimension,value,hosts\r\n", out);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t k;
		json_t *v;

		json_array_foreach(json_object_get(counts, sections[i].key), k, v) {
			fprintf(out, "%s,", sections[i].key);
			/* Values past the cap: an empty value, as JSON's null. */
			csv_field(out, text_or(json_object_get(v, "value"), ""));
			fprintf(out, ",%lld\r\n", (long long)json_integer_value(json_object_get(v, "hosts")));
		}
	}
	return !ferror(out);
}

void hr_fleet_host_csv_header(FILE *out)
{
	fputs("host,source,verdict,kernel_release,phys_bits,requests,failing,gpus,gpus_failing,free,"
	      "largest_gap\r\n", out);
}

/* Unknown values are empty fields, as JSON's nulls; sizes in bytes. */
void hr_fleet_host_csv(FILE *out, const struct hr_fleet_worst *w)
{
	csv_field(out, w->host);
	fputc(',', out);
	csv_field(out, w->source);
	fprintf(out, ",%s,", hr_fleet_verdict_name(w->verdict));
	csv_field(out, w->kernel);
	fputc(',', out);
	if (w->phys_bits >= 0)
		fprintf(out, "%d", w->phys_bits);
	fprintf(out, ",%u,%u,%u,%u,", w->requests, w->failing, w->gpus, w->gpus_failing);
	if (w->have_free)
		fprintf(out, "%llu,%llu", (unsigned long long)w->free_total,
			(unsigned long long)w->largest_gap);
	else
		fputc(',', out);
	fputs("\r\n", out);
}
