// SPDX-License-Identifier: GPL-2.0-or-later
/* The physical address space as a picture (SVG): one lane per kind of range on a log2 axis, the
 * search top and the direct-map end as lines, each carve placed and each failure listed. Drawn from
 * the JSON report; the free gaps, which the JSON sums up, come from the audit's list. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/report.h"

#define WIDTH 1200
#define LEFT 150		/* lane labels */
#define RIGHT 40
#define TOP 56			/* title and the marker labels */
#define LANE 34
#define BAR 22
#define LOW_BITS 20		/* the axis starts at 1 MiB: everything below is one sliver */

enum lane { LANE_RAM, LANE_PCI, LANE_OTHER, LANE_FIRMWARE, LANE_FREE, LANE_CARVES, LANES };

static const struct {
	const char *label, *fill;
} lanes[LANES] = {
	[LANE_RAM] = {"System RAM", "#4c9a4c"},
	[LANE_PCI] = {"PCI windows", "#3a6fb0"},
	[LANE_OTHER] = {"other map entries", "#9a9a9a"},
	[LANE_FIRMWARE] = {"firmware windows", "#8a5ab0"},
	[LANE_FREE] = {"free (whole sections)", "#d9ead3"},
	[LANE_CARVES] = {"predicted carves", "#e08a1e"},
};

struct canvas {
	FILE *out;
	unsigned top_bits;	/* the axis ends at 2^top_bits */
	int height;
};

/* Text for XML: the five special characters escaped, control characters dropped. */
static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, out);
		}
	}
}

static bool address_at(const json_t *obj, const char *key, uint64_t *out)
{
	const char *s = json_string_value(json_object_get(obj, key));
	char *end;

	if (!s || strncmp(s, "0x", 2) != 0)
		return false;
	*out = strtoull(s, &end, 16);
	return *end == '\0';
}

static double x_of(const struct canvas *c, uint64_t address)
{
	double bits = address > (1ull << LOW_BITS) ? log2((double)address) : LOW_BITS;

	if (bits > c->top_bits)
		bits = c->top_bits;
	return LEFT + (bits - LOW_BITS) / (c->top_bits - LOW_BITS) * (WIDTH - LEFT - RIGHT);
}

static double lane_y(enum lane lane)
{
	return TOP + lane * LANE;
}

/* One range [start, end] in a lane, at least a pixel wide, named in its tooltip and, when it is
 * wide enough, on itself. */
static void range(const struct canvas *c, enum lane lane, uint64_t start, uint64_t end,
		  const char *name, const char *fill)
{
	double x0 = x_of(c, start), x1 = x_of(c, end == UINT64_MAX ? end : end + 1), w = x1 - x0;
	char size[32];

	if (w < 1)
		w = 1;
	hr_format_size(end - start + 1, false, size, sizeof(size));
	fprintf(c->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#ffffff\" stroke-width=\"0.5\"><title>", x0, lane_y(lane), w, BAR,
		fill ? fill : lanes[lane].fill);
	xml_text(c->out, name);
	fprintf(c->out, ": %#llx-%#llx, %s</title></rect>\n", (unsigned long long)start,
		(unsigned long long)end, size);
	/* About 5.6 pixels a character at 10 px: the name only where it fits. */
	if (w >= 5.6 * (double)strlen(name) + 6) {
		fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"in\">", x0 + 3,
			lane_y(lane) + BAR - 7);
		xml_text(c->out, name);
		fputs("</text>\n", c->out);
	}
}

static enum lane map_lane(const char *name)
{
	if (strcmp(name, "System RAM") == 0)
		return LANE_RAM;
	return strncmp(name, "PCI", 3) == 0 ? LANE_PCI : LANE_OTHER;
}

static void map_lanes(const struct canvas *c, const json_t *map)
{
	size_t i;
	json_t *e;

	json_array_foreach(map, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		uint64_t start, end;

		if (name && address_at(e, "start", &start) && address_at(e, "end", &end))
			range(c, map_lane(name), start, end, name, NULL);
	}
}

/* The host bridges' memory windows from the ACPI tables, when the report has them. */
static void firmware_lane(const struct canvas *c, const json_t *firmware)
{
	size_t i, k;
	json_t *bridge, *w;

	json_array_foreach(json_object_get(firmware, "host_bridges"), i, bridge) {
		const char *path = json_string_value(json_object_get(bridge, "path"));

		json_array_foreach(json_object_get(bridge, "windows"), k, w) {
			const char *type = json_string_value(json_object_get(w, "type"));
			char name[160];
			uint64_t start, end;

			if (!type || strcmp(type, "mem") != 0 || !address_at(w, "start", &start) ||
			    !address_at(w, "end", &end))
				continue;
			snprintf(name, sizeof(name), "%s window", path ? path : "host bridge");
			range(c, LANE_FIRMWARE, start, end, name, NULL);
		}
	}
}

static void free_lane(const struct canvas *c, const struct hr_free *gaps)
{
	for (size_t i = 0; gaps && i < gaps->count; i++)
		range(c, LANE_FREE, gaps->gaps[i].start, gaps->gaps[i].end, "free", NULL);
}

/* Each carve, numbered in the order it is asked for: placed, on the carves lane with its number
 * above it; and in the list below the axis with its verdict and range, or -ERANGE. */
static void carve(const struct canvas *c, const char *what, const json_t *legacy, int n)
{
	const char *verdict = json_string_value(json_object_get(legacy, "verdict"));
	bool fits = verdict && strcmp(verdict, "fits") == 0;
	uint64_t start, end;
	char label[200];

	snprintf(label, sizeof(label), "%d. %s: %s", n, what, verdict ? verdict : "unknown");
	fprintf(c->out, "<text x=\"%d\" y=\"%.1f\"%s>", LEFT, lane_y(LANES) + 48 + 16.0 * (n - 1),
		fits ? "" : " class=\"fail\"");
	xml_text(c->out, label);
	if (address_at(legacy, "start", &start) && address_at(legacy, "end", &end)) {
		fprintf(c->out, ", %#llx-%#llx</text>\n", (unsigned long long)start,
			(unsigned long long)end);
		range(c, LANE_CARVES, start, end, label, fits ? NULL : "#c0392b");
		fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">"
			"%d</text>\n", (x_of(c, start) + x_of(c, end)) / 2, lane_y(LANE_CARVES) - 2, n);
	} else {
		fputs(", no range (-ERANGE)</text>\n", c->out);
	}
}

static void carves(const struct canvas *c, const json_t *report)
{
	size_t i, k;
	json_t *r, *g, *cv;
	char what[200], size[32];
	int n = 0;

	json_array_foreach(json_object_get(report, "requests"), i, r) {
		hr_format_size((uint64_t)json_integer_value(json_object_get(r, "size")), false, size,
			       sizeof(size));
		snprintf(what, sizeof(what), "request %zu (%s)", i + 1, size);
		carve(c, what, json_object_get(r, "legacy"), ++n);
	}
	json_array_foreach(json_object_get(report, "gpus"), i, g) {
		const char *bdf = json_string_value(json_object_get(g, "bdf"));

		json_array_foreach(json_object_get(g, "carves"), k, cv) {
			hr_format_size((uint64_t)json_integer_value(json_object_get(cv, "size")), false,
				       size, sizeof(size));
			snprintf(what, sizeof(what), "GPU %s carve %zu (%s)", bdf ? bdf : "?", k + 1, size);
			carve(c, what, json_object_get(cv, "legacy"), ++n);
		}
	}
}

/* A vertical line across the lanes with its name above them. */
static void marker(const struct canvas *c, const char *name, const json_t *kernel, const char *key,
		   const char *colour, int row)
{
	uint64_t address;
	double x;

	if (!address_at(kernel, key, &address) || address == 0)
		return;
	x = x_of(c, address);
	fprintf(c->out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"2\" stroke-dasharray=\"5,3\"><title>%s: %#llx</title></line>\n",
		x, TOP - 22 + 11 * row, x, lane_y(LANES), colour, name, (unsigned long long)address);
	fprintf(c->out, "<text x=\"%.1f\" y=\"%d\" class=\"mark\" fill=\"%s\" text-anchor=\"end\">"
		"%s %#llx</text>\n", x - 3, TOP - 24 + 11 * row, colour, name,
		(unsigned long long)address);
}

/* Ticks every 4 bits (1 MiB, 16 MiB, 256 MiB, 4 GiB...). */
static void axis(const struct canvas *c)
{
	double y = lane_y(LANES) + 4;
	char label[32];

	fprintf(c->out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n", LEFT,
		y, WIDTH - RIGHT, y);
	for (unsigned bits = LOW_BITS; bits <= c->top_bits; bits += 4) {
		double x = x_of(c, bits == 64 ? UINT64_MAX : 1ull << bits);

		hr_format_size(bits == 64 ? UINT64_MAX : 1ull << bits, false, label, sizeof(label));
		if (bits == 64)
			snprintf(label, sizeof(label), "16 EiB");
		fprintf(c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
			x, y, x, y + 5, x, y + 17, label);
	}
}

static unsigned bits_of(uint64_t end)
{
	return end == UINT64_MAX ? 64 : (unsigned)ceil(log2((double)end + 1));
}

/* The axis ends past 2^phys_bits, iomem_end and the direct-map end, whichever is highest. */
static unsigned axis_bits(const json_t *report)
{
	const json_t *bits = json_object_get(json_object_get(report, "machine"), "phys_bits"),
		     *kernel = json_object_get(report, "kernel");
	static const char *const ends[] = {"iomem_end", "direct_map_end", "search_top"};
	unsigned n = json_is_integer(bits) ? (unsigned)json_integer_value(bits) : 0;
	uint64_t end;

	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (address_at(kernel, ends[i], &end) && bits_of(end) > n)
			n = bits_of(end);
	return n < LOW_BITS + 4 ? LOW_BITS + 4 : n > 64 ? 64 : n;
}

/* Past 2^phys_bits no address exists on this machine: shaded, so that a limit drawn there reads
 * as out of reach. */
static void beyond_phys_bits(const struct canvas *c, const json_t *machine)
{
	const json_t *bits = json_object_get(machine, "phys_bits");
	unsigned n = json_is_integer(bits) ? (unsigned)json_integer_value(bits) : 64;
	double x;

	if (n >= c->top_bits)
		return;
	x = x_of(c, 1ull << n);
	fprintf(c->out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#000\" "
		"fill-opacity=\"0.08\"><title>beyond 2^%u: past the physical address width</title>"
		"</rect>\n<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">beyond phys-bits (%u)</text>\n",
		x, TOP - 4, WIDTH - RIGHT - x, lane_y(LANES) - TOP + 4, n, x + 4,
		lane_y(LANE_FIRMWARE) + BAR - 7, n);
}

static size_t count_carves(const json_t *report)
{
	size_t n = json_array_size(json_object_get(report, "requests")), i;
	json_t *g;

	json_array_foreach(json_object_get(report, "gpus"), i, g)
		n += json_array_size(json_object_get(g, "carves"));
	return n;
}

bool hr_report_svg(FILE *out, const json_t *report, const struct hr_free *gaps)
{
	const json_t *machine = json_object_get(report, "machine"),
		     *kernel = json_object_get(report, "kernel");
	const char *release = json_string_value(json_object_get(machine, "kernel_release"));
	struct canvas c = {.out = out, .top_bits = axis_bits(report)};

	c.height = (int)lane_y(LANES) + 40 + 16 * (int)count_carves(report) + 12;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n"
		"<style>.in{fill:#fff;font-size:10px}.tick{fill:#333;font-size:10px}"
		".mark{font-size:10px}.fail{fill:#c0392b}.lane{fill:#222}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
		"<text x=\"10\" y=\"16\" font-size=\"13\" font-weight=\"bold\">physical address space, "
		"log2 scale, 1 MiB to 2^%u", WIDTH, c.height, WIDTH, c.height, c.top_bits);
	if (release) {
		fputs(" (", out);
		xml_text(out, release);
		fputs(")", out);
	}
	fputs("</text>\n", out);
	for (int lane = 0; lane < LANES; lane++)
		fprintf(out, "<text x=\"10\" y=\"%.1f\" class=\"lane\">%s</text>\n",
			lane_y(lane) + BAR - 7, lanes[lane].label);
	map_lanes(&c, json_object_get(report, "map"));
	firmware_lane(&c, json_object_get(report, "firmware"));
	free_lane(&c, gaps);
	beyond_phys_bits(&c, machine);
	carves(&c, report);
	marker(&c, "search top", kernel, "search_top", "#c0392b", 0);
	marker(&c, "direct-map end", kernel, "direct_map_end", "#6c3483", 1);
	axis(&c);
	fputs("</svg>\n", out);
	return !ferror(out);
}
