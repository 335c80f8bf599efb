// SPDX-License-Identifier: GPL-2.0-or-later
/* The physical address space as a picture (SVG): the host and the verdict in the title; one lane
 * per kind of range on a log2 axis, the search top and the direct-map end as lines, each carve
 * placed and each failure marked; below it the same lanes again on a linear axis over the carves,
 * so that carves of a few GiB apiece high in a large space stay apart; then each carve listed.
 * Drawn from the JSON report; the free gaps, which the JSON sums up, come from the audit's list. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/report.h"

#define WIDTH 1200
#define LEFT 150		/* lane labels */
#define RIGHT 40
#define TOP 74			/* the title, its second line and the marker labels */
#define LANE 34
#define BAR 22
#define LOW_BITS 20		/* the axis starts at 1 MiB: everything below is one sliver */
#define INSET_GAP 84		/* from the log axis to the inset's first lane */
#define FAIL "#c0392b"

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

/* One axis and its lanes: the whole space on a log2 scale, or the inset, linear from lo to hi. */
struct view {
	FILE *out;
	bool linear;
	unsigned top_bits;	/* log2: the axis ends at 2^top_bits */
	uint64_t lo, hi;	/* linear: the first and the last address drawn */
	double top;		/* y of the first lane */
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

/* x of an address; on the inset, addresses outside [lo, hi + 1] are held at its edges. */
static double x_of(const struct view *v, uint64_t address)
{
	double bits, span = WIDTH - LEFT - RIGHT;

	if (v->linear) {
		double at = address < v->lo ? 0 : (double)(address - v->lo),
		       whole = (double)(v->hi - v->lo) + 1;

		return LEFT + (at > whole ? whole : at) / whole * span;
	}
	bits = address > (1ull << LOW_BITS) ? log2((double)address) : LOW_BITS;
	if (bits > v->top_bits)
		bits = v->top_bits;
	return LEFT + (bits - LOW_BITS) / (v->top_bits - LOW_BITS) * span;
}

/* x just past an inclusive end. */
static double x_after(const struct view *v, uint64_t end)
{
	return x_of(v, end == UINT64_MAX ? end : end + 1);
}

static double lane_y(const struct view *v, enum lane lane)
{
	return v->top + lane * LANE;
}

static bool shown(const struct view *v, uint64_t start, uint64_t end)
{
	return !v->linear || (start <= v->hi && end >= v->lo);
}

/* One range [start, end] in a lane, at least a pixel wide, named in its tooltip and, when it is
 * wide enough, on itself; on the inset only where it meets [lo, hi]. */
static void range(const struct view *v, enum lane lane, uint64_t start, uint64_t end,
		  const char *name, const char *fill)
{
	double x0 = x_of(v, start), w = x_after(v, end) - x0;
	char size[32];

	if (!shown(v, start, end))
		return;
	if (w < 1)
		w = 1;
	hr_format_size(end - start + 1, false, size, sizeof(size));
	fprintf(v->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
		"stroke=\"#ffffff\" stroke-width=\"0.5\"><title>", x0, lane_y(v, lane), w, BAR,
		fill ? fill : lanes[lane].fill);
	xml_text(v->out, name);
	fprintf(v->out, ": %#llx-%#llx, %s</title></rect>\n", (unsigned long long)start,
		(unsigned long long)end, size);
	/* About 5.6 pixels a character at 10 px: the name only where it fits. */
	if (w >= 5.6 * (double)strlen(name) + 6) {
		fprintf(v->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"in\">", x0 + 3,
			lane_y(v, lane) + BAR - 7);
		xml_text(v->out, name);
		fputs("</text>\n", v->out);
	}
}

static enum lane map_lane(const char *name)
{
	if (strcmp(name, "System RAM") == 0)
		return LANE_RAM;
	return strncmp(name, "PCI", 3) == 0 ? LANE_PCI : LANE_OTHER;
}

static void map_lanes(const struct view *v, const json_t *map)
{
	size_t i;
	json_t *e;

	json_array_foreach(map, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		uint64_t start, end;

		if (name && address_at(e, "start", &start) && address_at(e, "end", &end))
			range(v, map_lane(name), start, end, name, NULL);
	}
}

/* The host bridges' memory windows, below 4 GiB (mem) and above (mem64), from the ACPI tables
 * or the device tree, when the report has them. */
static void firmware_lane(const struct view *v, const json_t *firmware)
{
	size_t i, k;
	json_t *bridge, *w;

	json_array_foreach(json_object_get(firmware, "host_bridges"), i, bridge) {
		const char *path = json_string_value(json_object_get(bridge, "path"));

		json_array_foreach(json_object_get(bridge, "windows"), k, w) {
			const char *type = json_string_value(json_object_get(w, "type"));
			char name[160];
			uint64_t start, end;

			if (!type || (strcmp(type, "mem") != 0 && strcmp(type, "mem64") != 0) ||
			    !address_at(w, "start", &start) || !address_at(w, "end", &end))
				continue;
			snprintf(name, sizeof(name), "%s %s window", path ? path : "host bridge",
				 type);
			range(v, LANE_FIRMWARE, start, end, name, NULL);
		}
	}
}

static void free_lane(const struct view *v, const struct hr_free *gaps)
{
	for (size_t i = 0; gaps && i < gaps->count; i++)
		range(v, LANE_FREE, gaps->gaps[i].start, gaps->gaps[i].end, "free", NULL);
}

/* Each carve in the order it is asked for (requests, then each GPU's), with its number, its
 * verdict and, when placed, its range. */
struct carve {
	char what[200];
	const char *verdict;
	bool fits, placed;
	uint64_t start, end;
};

struct carves {
	struct carve *items;
	size_t count;
};

static void carve_add(struct carves *list, const char *what, const json_t *legacy)
{
	struct carve *c = &list->items[list->count++];

	snprintf(c->what, sizeof(c->what), "%s", what);
	c->verdict = json_string_value(json_object_get(legacy, "verdict"));
	c->fits = c->verdict && strcmp(c->verdict, "fits") == 0;
	c->placed = address_at(legacy, "start", &c->start) && address_at(legacy, "end", &c->end);
}

static size_t count_carves(const json_t *report)
{
	size_t n = json_array_size(json_object_get(report, "requests")), i;
	json_t *g;

	json_array_foreach(json_object_get(report, "gpus"), i, g)
		n += json_array_size(json_object_get(g, "carves"));
	return n;
}

static bool carves_read(const json_t *report, struct carves *list)
{
	size_t i, k, n = count_carves(report);
	json_t *r, *g, *cv;
	char what[200], size[32];

	list->count = 0;
	list->items = n ? calloc(n, sizeof(*list->items)) : NULL;
	if (n && !list->items)
		return false;
	json_array_foreach(json_object_get(report, "requests"), i, r) {
		hr_format_size((uint64_t)json_integer_value(json_object_get(r, "size")), false, size,
			       sizeof(size));
		snprintf(what, sizeof(what), "request %zu (%s)", i + 1, size);
		carve_add(list, what, json_object_get(r, "legacy"));
	}
	json_array_foreach(json_object_get(report, "gpus"), i, g) {
		const char *bdf = json_string_value(json_object_get(g, "bdf"));

		json_array_foreach(json_object_get(g, "carves"), k, cv) {
			hr_format_size((uint64_t)json_integer_value(json_object_get(cv, "size")), false,
				       size, sizeof(size));
			snprintf(what, sizeof(what), "GPU %s carve %zu (%s)", bdf ? bdf : "?", k + 1, size);
			carve_add(list, what, json_object_get(cv, "legacy"));
		}
	}
	return true;
}

static void carve_label(const struct carve *c, size_t n, char *buf, size_t len)
{
	snprintf(buf, len, "%zu. %s: %s", n, c->what, c->verdict ? c->verdict : "unknown");
}

/* The carves that got no range, as one red mark where the search for them began (the search top,
 * else the axis's end; on the inset only where the search top is in it), their numbers beside
 * it: "no range: 6 7 8", right of the mark where it fits (left of it lie the placed carves). */
static void failures_mark(const struct view *v, const struct carves *list, const json_t *kernel)
{
	double y = lane_y(v, LANE_CARVES), x = WIDTH - RIGHT;
	bool have_top, right;
	uint64_t top = 0;
	char label[260], numbers[200] = "";
	size_t failed = 0, used = 0;

	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].placed)
			continue;
		failed++;
		if (used < sizeof(numbers))	/* past it, the tooltip still names every one */
			used += (size_t)snprintf(numbers + used, sizeof(numbers) - used, " %zu", i + 1);
	}
	have_top = address_at(kernel, "search_top", &top) && top;
	if (!failed || (v->linear && (!have_top || top < v->lo || top > v->hi)))
		return;
	if (have_top)
		x = x_after(v, top);
	fprintf(v->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"%d\" fill=\"" FAIL "\">"
		"<title>", x - 6, y, BAR);
	for (size_t i = 0, n = 0; i < list->count; i++) {
		if (list->items[i].placed)
			continue;
		carve_label(&list->items[i], i + 1, label, sizeof(label));
		fputs(n++ ? "; " : "", v->out);
		xml_text(v->out, label);
	}
	fputs(": no range (-ERANGE)</title></rect>\n", v->out);
	/* About 6.5 pixels a character of 11 px bold. */
	right = x + 3 + 6.5 * (double)(strlen("no range:") + strlen(numbers)) < WIDTH - 4;
	fprintf(v->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"fail\" text-anchor=\"%s\" "
		"font-weight=\"bold\">no range:%s</text>\n", right ? x + 3 : x - 9, y + BAR - 7,
		right ? "start" : "end", numbers);
}

/* The placed carves on the carves lane, a failed one in red, each numbered above where the number
 * fits over it (about 7 pixels a digit); then the failures' mark. */
static void carves_lane(const struct view *v, const struct carves *list, const json_t *kernel)
{
	char label[260];

	for (size_t i = 0; i < list->count; i++) {
		const struct carve *c = &list->items[i];
		double x0, x1;

		if (!c->placed || !shown(v, c->start, c->end))
			continue;
		carve_label(c, i + 1, label, sizeof(label));
		range(v, LANE_CARVES, c->start, c->end, label, c->fits ? NULL : FAIL);
		x0 = x_of(v, c->start);
		x1 = x_after(v, c->end);
		if (x1 - x0 >= 7.0 * (double)snprintf(NULL, 0, "%zu", i + 1))
			fprintf(v->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick%s\" "
				"text-anchor=\"middle\">%zu</text>\n", (x0 + x1) / 2,
				lane_y(v, LANE_CARVES) - 2, c->fits ? "" : " fail", i + 1);
	}
	failures_mark(v, list, kernel);
}

/* Below the inset (or the axis), every carve with its verdict and range, or -ERANGE. */
static void carve_list(FILE *out, const struct carves *list, double y)
{
	char label[260];

	for (size_t i = 0; i < list->count; i++) {
		const struct carve *c = &list->items[i];

		carve_label(c, i + 1, label, sizeof(label));
		fprintf(out, "<text x=\"%d\" y=\"%.1f\"%s>", LEFT, y + 16.0 * (double)i,
			c->fits ? "" : " class=\"fail\"");
		xml_text(out, label);
		if (c->placed)
			fprintf(out, ", %#llx-%#llx</text>\n", (unsigned long long)c->start,
				(unsigned long long)c->end);
		else
			fputs(", no range (-ERANGE)</text>\n", out);
	}
}

/* A vertical line across the lanes with its name above them. */
static void marker(const struct view *v, const char *name, const json_t *kernel, const char *key,
		   const char *colour, int row)
{
	uint64_t address;
	double x;

	if (!address_at(kernel, key, &address) || address == 0 || !shown(v, address, address))
		return;
	x = x_of(v, address);
	fprintf(v->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"2\" stroke-dasharray=\"5,3\"><title>%s: %#llx</title></line>\n",
		x, v->top - 22 + 11 * row, x, lane_y(v, LANES), colour, name,
		(unsigned long long)address);
	fprintf(v->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"mark\" fill=\"%s\" text-anchor=\"end\">"
		"%s %#llx</text>\n", x - 3, v->top - 24 + 11 * row, colour, name,
		(unsigned long long)address);
}

static void tick(const struct view *v, double x, const char *label)
{
	double y = lane_y(v, LANES) + 4;

	fprintf(v->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
		"<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
		x, y, x, y + 5, x, y + 17, label);
}

/* The log2 axis: ticks every 4 bits (1 MiB, 16 MiB, 256 MiB, 4 GiB...). The inset: ticks at the
 * multiples of a power of two, four to eight of them, named as addresses. */
static void axis(const struct view *v)
{
	double y = lane_y(v, LANES) + 4;
	char label[32];

	fprintf(v->out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		LEFT, y, WIDTH - RIGHT, y);
	if (v->linear) {
		uint64_t span = v->hi - v->lo, step = 1;

		while (step <= span / 8)
			step <<= 1;
		for (uint64_t a = (v->lo + step - 1) / step * step; a >= v->lo && a <= v->hi; a += step) {
			hr_format_size(a, false, label, sizeof(label));
			tick(v, x_of(v, a), a ? label : "0");
		}
		return;
	}
	for (unsigned bits = LOW_BITS; bits <= v->top_bits; bits += 4) {
		hr_format_size(bits == 64 ? UINT64_MAX : 1ull << bits, false, label, sizeof(label));
		if (bits == 64)
			snprintf(label, sizeof(label), "16 EiB");
		tick(v, x_of(v, bits == 64 ? UINT64_MAX : 1ull << bits), label);
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
static void beyond_phys_bits(const struct view *v, const json_t *machine)
{
	const json_t *bits = json_object_get(machine, "phys_bits");
	unsigned n = json_is_integer(bits) ? (unsigned)json_integer_value(bits) : 64;
	double x;

	if (n >= 64 || (!v->linear && n >= v->top_bits) || !shown(v, 1ull << n, UINT64_MAX))
		return;
	x = x_of(v, 1ull << n);
	fprintf(v->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#000\" "
		"fill-opacity=\"0.08\"><title>beyond 2^%u: past the physical address width</title>"
		"</rect>\n", x, v->top - 4, WIDTH - RIGHT - x, lane_y(v, LANES) - v->top + 4, n);
	if (WIDTH - x > 120)
		fprintf(v->out, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">beyond phys-bits (%u)"
			"</text>\n", x + 4, lane_y(v, LANE_FIRMWARE) + BAR - 7, n);
}

/* Every lane of one view, as a group with the view's id. */
static void lanes_draw(const struct view *v, const char *id, const json_t *report,
		       const struct hr_free *gaps, const struct carves *list)
{
	const json_t *kernel = json_object_get(report, "kernel");

	fprintf(v->out, "<g id=\"%s\">\n", id);
	for (int lane = 0; lane < LANES; lane++)
		fprintf(v->out, "<text x=\"10\" y=\"%.1f\" class=\"lane\">%s</text>\n",
			lane_y(v, lane) + BAR - 7, lanes[lane].label);
	map_lanes(v, json_object_get(report, "map"));
	firmware_lane(v, json_object_get(report, "firmware"));
	free_lane(v, gaps);
	beyond_phys_bits(v, json_object_get(report, "machine"));
	carves_lane(v, list, kernel);
	marker(v, "search top", kernel, "search_top", FAIL, 0);
	marker(v, "direct-map end", kernel, "direct_map_end", "#6c3483", 1);
	axis(v);
	fputs("</g>\n", v->out);
}

/* The inset spans the placed carves and, when it lies above them, the search top (where the
 * search began), with a margin of a sixteenth left and a sixth right (room for the failures'
 * mark), out to multiples of its tick step; false when nothing is placed. */
static bool inset_span(const struct carves *list, const json_t *kernel, uint64_t *lo,
		       uint64_t *hi)
{
	uint64_t top, span, step = 1;
	bool any = false;

	for (size_t i = 0; i < list->count; i++) {
		const struct carve *c = &list->items[i];

		if (!c->placed)
			continue;
		*lo = any && *lo < c->start ? *lo : c->start;
		*hi = any && *hi > c->end ? *hi : c->end;
		any = true;
	}
	if (!any)
		return false;
	if (address_at(kernel, "search_top", &top) && top > *hi)
		*hi = top;
	span = *hi - *lo;
	*lo = *lo > span / 16 ? *lo - span / 16 : 0;
	*hi = *hi < UINT64_MAX - span / 6 ? *hi + span / 6 : UINT64_MAX;
	while (step <= (*hi - *lo) / 8)
		step <<= 1;
	*lo -= *lo % step;
	if (*hi / step < UINT64_MAX / step)
		*hi = (*hi / step + 1) * step - 1;
	return true;
}

/* "HOST: fails: 5 of 8 GPUs get a range; 3 blocked (no-space)" from verdict{}, as the text
 * report's first line answers it, and the run's verdict as its exit status says it. The kernel
 * calls a machine without a hostname "(none)" (UTS_NODENAME, include/linux/uts.h:13@6.12.118). */
static void title(FILE *out, const json_t *report, const char *host, int exit_status)
{
	const json_t *verdict = json_object_get(report, "verdict"),
		     *possible = json_object_get(verdict, "possible"),
		     *subjects = json_object_get(verdict, "subjects");
	const char *word = hr_audit_exit_verdict(exit_status), *kind = NULL, *blocker = NULL;
	size_t range = 0, blocked = 0, unknown = 0, i;
	bool one_kind = true, one_blocker = true;
	json_t *s;

	fputs("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", out);
	xml_text(out, host && *host && strcmp(host, "(none)") != 0 ? host : "unnamed host");
	fprintf(out, " \u2014 %s: ", word ? word : "no verdict");
	json_array_foreach(subjects, i, s) {
		const char *k = json_string_value(json_object_get(s, "kind")),
			   *outcome = json_string_value(json_object_get(s, "outcome")),
			   *b = json_string_value(json_object_get(s, "blocker"));

		one_kind &= !kind || (k && strcmp(kind, k) == 0);
		kind = kind ? kind : k;
		range += outcome && strcmp(outcome, "range") == 0;
		blocked += outcome && strcmp(outcome, "blocked") == 0;
		unknown += outcome && strcmp(outcome, "unknown") == 0;
		if (b && outcome && strcmp(outcome, "range") != 0) {
			one_blocker &= !blocker || strcmp(blocker, b) == 0;
			blocker = blocker ? blocker : b;
		}
	}
	if (json_is_false(possible)) {
		fputs("no device-private memory on this kernel", out);
	} else if (json_array_size(subjects)) {
		fprintf(out, "%zu of %zu %ss get a range", range, json_array_size(subjects),
			one_kind && kind ? kind : "subject");
		if (blocked)
			fprintf(out, "; %zu blocked", blocked);
		if (unknown)
			fprintf(out, "; %zu unknown", unknown);
	} else {
		fputs(json_is_true(possible) ? "device-private memory is possible"
					     : "unknown whether device-private memory is possible", out);
	}
	blocker = json_is_false(possible) ? json_string_value(json_object_get(verdict,
									      "possible_blocker"))
					  : one_blocker ? blocker : "several reasons";
	if (blocker && (json_is_false(possible) || blocked || unknown)) {
		fputs(" (", out);
		xml_text(out, blocker);
		fputs(")", out);
	}
	fputs("</text>\n", out);
}

bool hr_report_svg(FILE *out, const json_t *report, const struct hr_free *gaps, const char *host,
		   int exit_status)
{
	const json_t *machine = json_object_get(report, "machine"),
		     *kernel = json_object_get(report, "kernel");
	const char *release = json_string_value(json_object_get(machine, "kernel_release"));
	struct view whole = {.out = out, .top_bits = axis_bits(report), .top = TOP},
		    inset = {.out = out, .linear = true};
	struct carves list;
	double list_y;
	int height;

	if (!carves_read(report, &list))
		return false;
	inset.top = lane_y(&whole, LANES) + INSET_GAP;
	if (inset_span(&list, kernel, &inset.lo, &inset.hi))
		list_y = lane_y(&inset, LANES) + 48;
	else
		list_y = lane_y(&whole, LANES) + 48;
	height = (int)list_y - 8 + 16 * (int)list.count + 12;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n"
		"<style>.in{fill:#fff;font-size:10px}.tick{fill:#333;font-size:10px}"
		".mark{font-size:10px}.fail{fill:" FAIL "}.lane{fill:#222}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n", WIDTH, height, WIDTH,
		height);
	title(out, report, host, exit_status);
	fprintf(out, "<text x=\"10\" y=\"36\" font-size=\"12\">physical address space, log2 scale, "
		"1 MiB to 2^%u", whole.top_bits);
	if (release) {
		fputs(" (", out);
		xml_text(out, release);
		fputs(")", out);
	}
	fputs("</text>\n", out);
	lanes_draw(&whole, "log2", report, gaps, &list);
	if (list_y > lane_y(&whole, LANES) + 48) {
		char lo[32], hi[32];
		double axis_y = lane_y(&whole, LANES) + 4;

		hr_format_size(inset.lo, false, lo, sizeof(lo));
		hr_format_size(inset.hi + 1, false, hi, sizeof(hi));
		/* Where the inset sits on the log2 axis, and lines from there to its ends. */
		fprintf(out, "<path d=\"M%.1f %.1f L%d %.1f M%.1f %.1f L%d %.1f\" stroke=\"#888\" "
			"fill=\"none\" stroke-dasharray=\"3,3\"/>\n<text x=\"10\" y=\"%.1f\" "
			"font-weight=\"bold\">linear from %s to %s (%#llx-%#llx): the carves</text>\n",
			x_of(&whole, inset.lo), axis_y, LEFT, axis_y + 42, x_after(&whole, inset.hi),
			axis_y, WIDTH - RIGHT, axis_y + 42, axis_y + 36, lo, hi,
			(unsigned long long)inset.lo, (unsigned long long)inset.hi);
		lanes_draw(&inset, "inset", report, gaps, &list);
	}
	carve_list(out, &list, list_y);
	free(list.items);
	fputs("</svg>\n", out);
	return !ferror(out);
}
