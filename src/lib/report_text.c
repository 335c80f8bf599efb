// SPDX-License-Identifier: GPL-2.0-or-later
/* The human report: the verdict first, then the requests, the machine, the kernel's limits, the
 * address map and the findings. Each section is its own function; text is wrapped to the width the
 * caller asks for (the terminal's), 100 columns when it asks for none. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headroom/report.h"

#define WIDTH 100	/* columns when the options give no width */
#define MIN_WIDTH 60	/* narrower, an address map line no longer fits */

/* The width the report being written wraps to: set by hr_report_text for the report's duration. */
static size_t text_width = WIDTH;

/* Columns a prefix takes on the screen: colour escapes (ESC [ ... m) take none. */
static size_t visible_length(const char *s)
{
	size_t n = 0;

	while (*s) {
		if (*s == '\033') {
			s += strcspn(s, "m");
			s += *s != '\0';
		} else {
			n++;
			s++;
		}
	}
	return n;
}
#define LABEL 18	/* "  direct-map end  " */

/* text after prefix, broken at spaces so that no line passes the width; continuation lines are
 * indented by hang columns. A word longer than a line stays whole. */
static void print_wrapped(FILE *out, const char *prefix, size_t hang, const char *text)
{
	size_t col = visible_length(prefix);
	bool space = col && prefix[col - 1] != ' ';	/* one goes before the next word */

	fputs(prefix, out);
	for (text += strspn(text, " "); *text; text += strspn(text, " ")) {
		size_t word = strcspn(text, " ");

		if (col > hang && col + space + word > text_width) {
			fprintf(out, "\n%*s", (int)hang, "");
			col = hang;
			space = false;
		}
		if (space)
			col += (size_t)(fputc(' ', out) != EOF);
		fwrite(text, 1, word, out);
		col += word;
		text += word;
		space = true;
	}
	fputc('\n', out);
}

void hr_print_wrapped(FILE *out, const char *prefix, size_t hang, const char *text)
{
	print_wrapped(out, prefix, hang, text);
}

/* "  label           " followed by the wrapped text. */
static void print_item(FILE *out, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void print_item(FILE *out, const char *label, const char *fmt, ...)
{
	char prefix[LABEL + 1], text[1024];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "  %-*s", LABEL - 2, label);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	print_wrapped(out, prefix, LABEL, text);
}

static const char *plural(size_t n, const char *word, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", word, n == 1 ? "" : "s");
	return buf;
}

/* "1 of 3 requests gets a range", "all 2 GPUs get a range", "the request gets no range" */
static size_t say_kind(char *buf, size_t len, const struct hr_verdict *v, const char *kind)
{
	size_t total = hr_verdict_count_kind(v, kind), ranges = hr_verdict_count(v, kind,
										HR_OUTCOME_RANGE);
	char noun[32];

	plural(total, kind, noun, sizeof(noun));
	if (total == 1)
		return (size_t)snprintf(buf, len, "the %s gets %s", kind, ranges ? "a range" : "no range");
	if (ranges == total)
		return (size_t)snprintf(buf, len, "all %zu %s get a range", total, noun);
	if (!ranges)
		return (size_t)snprintf(buf, len, "none of the %zu %s gets a range", total, noun);
	return (size_t)snprintf(buf, len, "%zu of %zu %s get%s a range", ranges, total, noun,
				ranges == 1 ? "s" : "");
}

/* How many subjects each blocker stops, in the order the blockers first appear. */
static size_t say_blockers(char *buf, size_t len, const struct hr_verdict *v, size_t blocked)
{
	size_t n = 0, groups = 0;

	for (size_t i = 0; i < v->n_subjects; i++) {
		const struct hr_subject *s = &v->subjects[i];
		size_t count = 0, first = 0;

		if (s->outcome == HR_OUTCOME_RANGE)
			continue;
		while (v->subjects[first].outcome == HR_OUTCOME_RANGE ||
		       strcmp(v->subjects[first].why, s->why) != 0)
			first++;
		if (first != i)
			continue;
		for (size_t j = i; j < v->n_subjects; j++)
			count += v->subjects[j].outcome != HR_OUTCOME_RANGE &&
				 strcmp(v->subjects[j].why, s->why) == 0;
		if (count == blocked && blocked == v->n_subjects)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, ": %s", s->why);
		else if (count == blocked)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "; %zu do%s not: %s", count,
					      count == 1 ? "es" : "", s->why);
		else
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s %zu: %s",
					      groups ? ";" : ":", count, s->why);
		groups++;
	}
	return n;
}

/* One to three lines: who gets a range and what blocks the rest, the fix, what is unknown. */
static void print_verdict(FILE *out, const struct hr_audit *a)
{
	const struct hr_verdict *v = &a->verdict;
	const struct hr_fix *fix = hr_verdict_best_fix(v);
	const char *codes[16];
	size_t n = 0, blocked = 0, n_codes = hr_audit_inconclusive_codes(a, codes, 16);
	char text[1024];

	if (!v->n_subjects) {
		snprintf(text, sizeof(text), "%s: %s%s",
			 v->possible == HR_YES ? "Device-private memory can be registered"
			 : v->possible == HR_NO ? "No driver can register device-private memory here"
			 : "Whether device-private memory can be registered is unknown",
			 v->possible_why, v->possible == HR_YES ? "; --request SIZE asks for a range" : "");
	} else {
		for (size_t i = 0; i < v->n_subjects; i++) {
			const char *kind = v->subjects[i].kind;
			size_t first = 0;

			blocked += v->subjects[i].outcome != HR_OUTCOME_RANGE;
			while (strcmp(v->subjects[first].kind, kind) != 0)
				first++;
			if (first == i) {
				if (n)
					n += (size_t)snprintf(text + n, sizeof(text) - n, "; ");
				n += say_kind(text + n, sizeof(text) - n, v, kind);
			}
		}
		if (blocked)
			say_blockers(text + n, sizeof(text) - n, v, blocked);
		text[0] = (char)toupper((unsigned char)text[0]);
	}
	print_wrapped(out, "Verdict  ", 9, text);
	if (fix && v->n_subjects && blocked > 1) {
		if (fix->fixes == blocked)
			snprintf(text, sizeof(text), "%s; it fixes all %zu", fix->change, blocked);
		else
			snprintf(text, sizeof(text), "%s; it fixes %zu of %zu", fix->change, fix->fixes,
				 blocked);
		print_wrapped(out, "Fix      ", 9, text);
	} else if (fix) {
		print_wrapped(out, "Fix      ", 9, fix->change);
	}
	if (a->inconclusive) {
		n = (size_t)snprintf(text, sizeof(text), "the answer is inconclusive because of");
		for (size_t i = 0; i < n_codes; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s %s",
					      i == 0 ? "" : i + 1 == n_codes ? " and" : ",", codes[i]);
		snprintf(text + n, sizeof(text) - n, ": the findings say what to supply");
		print_wrapped(out, "Unknown  ", 9, text);
	}
}

static const struct {
	const char *name, *help;
	bool right;
} columns[HR_COL_COUNT] = {
	[HR_COL_BDF] = {"BDF", "GPU rows: the GPU's PCI address (what-if.N for --add-gpu)", false},
	[HR_COL_DRIVER] = {"DRIVER", "GPU rows: the driver whose rule carves", false},
	[HR_COL_CARVE] = {"CARVE", "what is carved: COUNTxSIZE for a GPU's carves, the size for a "
			  "request", true},
	[HR_COL_SIZE] = {"SIZE", "the size of one carve: what the driver asks for", true},
	[HR_COL_ALIGNED] = {"ALIGNED", "the size rounded up to the memory section", true},
	[HR_COL_LEGACY] = {"LEGACY", "request_free_mem_region(): fits, no-space, unsupported, "
			   "hazard or unknown", false},
	[HR_COL_PLACEMENT] = {"PLACEMENT", "where the carve lands, or why it fails", false},
	[HR_COL_START] = {"START", "the carve's first address", false},
	[HR_COL_END] = {"END", "the carve's last address", false},
	[HR_COL_HAZARDS] = {"HAZARDS", "above-direct-map, max-pfn-bump", false},
	[HR_COL_PHYS_BITS] = {"PHYS-BITS", "for -ERANGE: the smallest phys-bits that fits", true},
	[HR_COL_NEW_SCHEME] = {"NEW-SCHEME", "memremap_device_private_pagemap(): fits, too-large, "
			       "no-space or unsupported", false},
	[HR_COL_RAM_COST] = {"RAM-COST", "RAM for the new scheme's struct pages", true},
};

static const enum hr_column request_columns[] = {HR_COL_SIZE, HR_COL_LEGACY, HR_COL_PLACEMENT,
						 HR_COL_NEW_SCHEME, HR_COL_RAM_COST};
static const enum hr_column gpu_columns[] = {HR_COL_BDF, HR_COL_DRIVER, HR_COL_CARVE, HR_COL_LEGACY,
					     HR_COL_PLACEMENT, HR_COL_NEW_SCHEME, HR_COL_RAM_COST};

const char *hr_column_name(enum hr_column column)
{
	return columns[column].name;
}

const char *hr_column_help(enum hr_column column)
{
	return columns[column].help;
}

int hr_column_find(const char *name)
{
	for (int c = 0; c < HR_COL_COUNT; c++)
		if (strcasecmp(columns[c].name, name) == 0)
			return c;
	return -1;
}

/* One row of a table: a request, or one carve group of a GPU (gpu set). */
struct table_row {
	const struct hr_request_result *r;
	const struct hr_gpu_result *gpu;
	const struct hr_gpu_carve_result *carve;
};

/* The rows in carve order, one at a time: the GPUs' carves (gpus), then the requests (requests). */
struct table_rows {
	const struct hr_audit *a;
	bool gpus, requests;
	size_t gpu, carve, request;
};

static bool next_table_row(struct table_rows *it, struct table_row *row)
{
	const struct hr_audit *a = it->a;

	for (; it->gpus && it->gpu < a->n_gpus; it->gpu++, it->carve = 0) {
		const struct hr_gpu_result *g = &a->gpus[it->gpu];

		if (it->carve < g->n_carves) {
			*row = (struct table_row){&g->carves[it->carve].r, g, &g->carves[it->carve]};
			it->carve++;
			return true;
		}
	}
	if (!it->requests || it->request >= a->n_requests)
		return false;
	*row = (struct table_row){&a->requests[it->request++], NULL, NULL};
	return true;
}

/* A size cell; --raw --bytes wants the plain number, as lsblk -rb gives it. */
static void size_cell(char *buf, size_t len, uint64_t size, const struct hr_report_options *o)
{
	if (o->raw && o->bytes)
		snprintf(buf, len, "%llu", (unsigned long long)size);
	else
		hr_format_size(size, o->bytes, buf, len);
}

/* Whether the row's carve has one range to show: a GPU's only when every carve of the group got
 * one (the range spans them), none of them was carved already and the driver shows no failure. */
static bool row_placed(const struct table_row *row)
{
	if (!row->gpu)
		return row->r->placed;
	return !row->carve->n_existing && row->gpu->profile.measured != 0 && row->r->placed &&
	       row->carve->n_placed == row->carve->count;
}

static void placement_cell(char *buf, size_t len, const struct hr_audit *a,
			   const struct table_row *row)
{
	const struct hr_request_result *r = row->r;

	if (row->gpu && row->carve->n_existing == row->carve->count)
		snprintf(buf, len, "already carved: %s", row->gpu->existing);
	else if (row->gpu && row->gpu->profile.measured == 0)
		snprintf(buf, len, "failed at boot (the driver shows)");
	else if (row->gpu && row->carve->n_existing)
		snprintf(buf, len, "%llu of %llu placed, %llu already",
			 (unsigned long long)row->carve->n_placed, (unsigned long long)row->carve->count,
			 (unsigned long long)row->carve->n_existing);
	else if (row_placed(row))
		snprintf(buf, len, "%#llx-%#llx", (unsigned long long)r->placement.start,
			 (unsigned long long)r->placement.end);
	else if (row->gpu && row->carve->n_placed)
		snprintf(buf, len, "%llu of %llu placed", (unsigned long long)row->carve->n_placed,
			 (unsigned long long)row->carve->count);
	else if (r->phys_bits_needed)
		snprintf(buf, len, "-ERANGE, fits at %d bits", r->phys_bits_needed);
	else
		snprintf(buf, len, "%s", a->model.can_place ? "-ERANGE" : "unknown");
}

static void cell(char *buf, size_t len, enum hr_column c, const struct hr_audit *a,
		 const struct table_row *row, const struct hr_report_options *o)
{
	const struct hr_request_result *r = row->r;
	const char *none = "-";
	char sz[32];

	switch (c) {
	case HR_COL_BDF:
		snprintf(buf, len, "%s", row->gpu ? row->gpu->gpu.bdf : none);
		return;
	case HR_COL_DRIVER:
		snprintf(buf, len, "%s", row->gpu ? row->gpu->profile.driver_name : none);
		return;
	case HR_COL_CARVE:
		size_cell(sz, sizeof(sz), r->size, o);
		if (row->gpu && row->carve->count != 1)
			snprintf(buf, len, "%llux%s", (unsigned long long)row->carve->count, sz);
		else
			snprintf(buf, len, "%s", sz);
		return;
	case HR_COL_SIZE:
		size_cell(buf, len, r->size, o);
		return;
	case HR_COL_ALIGNED:
		size_cell(buf, len, r->aligned_size, o);
		return;
	case HR_COL_LEGACY:
		snprintf(buf, len, "%s", hr_legacy_verdict_name(r->legacy));
		return;
	case HR_COL_PLACEMENT:
		placement_cell(buf, len, a, row);
		return;
	case HR_COL_START:
	case HR_COL_END:
		if (row_placed(row))
			snprintf(buf, len, "%#llx", (unsigned long long)(c == HR_COL_START
				 ? r->placement.start : r->placement.end));
		else
			snprintf(buf, len, "%s", none);
		return;
	case HR_COL_HAZARDS:
		snprintf(buf, len, "%s", r->hazards ? "" : none);
		for (unsigned h = HR_HAZARD_ABOVE_DIRECT_MAP; h <= HR_HAZARD_LAST; h <<= 1)
			if (r->hazards & h)
				snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "," : "",
					 hr_hazard_name(h));
		return;
	case HR_COL_PHYS_BITS:
		if (r->phys_bits_needed)
			snprintf(buf, len, "%d", r->phys_bits_needed);
		else
			snprintf(buf, len, "%s", none);
		return;
	case HR_COL_NEW_SCHEME:
		snprintf(buf, len, "%s", hr_new_verdict_name(r->new_scheme));
		return;
	case HR_COL_RAM_COST:
		size_cell(buf, len, r->ram_cost, o);
		return;
	case HR_COL_COUNT:
		break;
	}
	snprintf(buf, len, "%s", none);
}

/* lsblk --raw: a space inside a cell is written \x20. */
static void print_raw_cell(FILE *out, const char *text, bool last)
{
	for (; *text; text++)
		if (*text == ' ')
			fputs("\\x20", out);
		else
			fputc(*text, out);
	fputc(last ? '\n' : ' ', out);
}

enum { CELL = 96 };

static void print_row(FILE *out, const enum hr_column *cols, size_t n, char cells[][CELL],
		      const size_t *widths, bool raw)
{
	if (!raw)
		fputs("  ", out);
	for (size_t c = 0; c < n; c++) {
		bool last = c + 1 == n;

		if (raw)
			print_raw_cell(out, cells[c], last);
		else if (last && !columns[cols[c]].right)
			fprintf(out, "%s\n", cells[c]);
		else
			fprintf(out, columns[cols[c]].right ? "%*s%s" : "%-*s%s", (int)widths[c], cells[c],
				last ? "\n" : "  ");
	}
}

void hr_report_table(FILE *out, const struct hr_audit *a, bool gpus, bool requests,
		     const struct hr_report_options *o)
{
	bool gpu_rows = false;
	const enum hr_column *defaults;
	size_t n_defaults;
	enum hr_column cols[HR_COL_COUNT * 4];
	size_t n = 0, widths[HR_COL_COUNT * 4] = {0};
	char cells[HR_COL_COUNT * 4][CELL];
	struct table_rows it = {a, gpus, requests, 0, 0, 0};
	struct table_row row;

	for (size_t i = 0; gpus && i < a->n_gpus; i++)
		gpu_rows = gpu_rows || a->gpus[i].n_carves;
	defaults = gpu_rows ? gpu_columns : request_columns;
	n_defaults = gpu_rows ? sizeof(gpu_columns) / sizeof(*defaults)
		     : sizeof(request_columns) / sizeof(*defaults);
	if (!o->columns || o->add_columns)
		for (size_t c = 0; c < n_defaults; c++)
			cols[n++] = defaults[c];
	for (size_t c = 0; o->columns && c < o->n_columns && n < HR_COL_COUNT * 4; c++)
		cols[n++] = o->columns[c];
	for (size_t c = 0; c < n; c++)
		widths[c] = o->noheadings ? 0 : strlen(columns[cols[c]].name);
	while (next_table_row(&it, &row))
		for (size_t c = 0; c < n; c++) {
			cell(cells[c], sizeof(cells[c]), cols[c], a, &row, o);
			if (strlen(cells[c]) > widths[c])
				widths[c] = strlen(cells[c]);
		}
	if (!o->noheadings) {
		for (size_t c = 0; c < n; c++)
			snprintf(cells[c], sizeof(cells[c]), "%s", columns[cols[c]].name);
		print_row(out, cols, n, cells, widths, o->raw);
	}
	it = (struct table_rows){a, gpus, requests, 0, 0, 0};
	while (next_table_row(&it, &row)) {
		for (size_t c = 0; c < n; c++)
			cell(cells[c], sizeof(cells[c]), cols[c], a, &row, o);
		print_row(out, cols, n, cells, widths, o->raw);
	}
}

/* The requests, one row each, in the columns asked for, and the hazards they meet. */
static void print_requests(FILE *out, const struct hr_audit *a, const struct hr_report_options *o)
{
	if (!a->n_requests)
		return;
	fprintf(out, "\nRequests, in order: each carve stays for the next\n");
	hr_report_table(out, a, false, true, o);
	for (size_t i = 0; i < a->n_requests; i++) {
		const struct hr_request_result *r = &a->requests[i];
		char sz[32], prefix[64];

		for (unsigned h = HR_HAZARD_ABOVE_DIRECT_MAP; h <= HR_HAZARD_LAST; h <<= 1) {
			if (!(r->hazards & h))
				continue;
			snprintf(prefix, sizeof(prefix), "  request %zu, %s: %s:", i + 1,
				 hr_format_size(r->size, o->bytes, sz, sizeof(sz)), hr_hazard_name(h));
			print_wrapped(out, prefix, 4, hr_hazard_explain(&a->model, h));
		}
	}
}

static void print_machine(FILE *out, const struct hr_facts *f, const struct hr_model *m)
{
	enum hr_tristate guest = hr_guest(f);
	const char *hv = hr_hypervisor_name(f);
	char version[32];

	fprintf(out, "\nMachine\n");
	print_item(out, "arch", "%s", m->arch);
	if (guest == HR_YES)
		print_item(out, "hypervisor", "%s", hv ? hv : "a guest of a hypervisor the inputs do not name");
	else
		print_item(out, "hypervisor", "%s", guest == HR_NO ? "none, bare metal"
			   : m->arm64 ? "unknown: arm64's /proc/cpuinfo does not say"
			   : "unknown: neither /proc/cpuinfo nor CPUID was read");
	if (m->version_source == HR_SRC_UNKNOWN)
		print_item(out, "kernel", "%s, version unknown: %s", f->release[0] ? f->release : "unknown",
			   m->version_basis);
	else
		print_item(out, "kernel", "%s, version %s from %s", f->release[0] ? f->release : "unknown",
			   hr_kver_format(m->version, version, sizeof(version)), m->version_basis);
	if (m->phys_bits.source == HR_SRC_UNKNOWN)
		print_item(out, "phys-bits", "unknown: %s", m->phys_bits.basis);
	else
		print_item(out, "phys-bits", "%d, %s: %s", m->phys_bits.value,
			   hr_source_name(m->phys_bits.source), m->phys_bits.basis);
	if (m->paging_levels.source == HR_SRC_UNKNOWN)
		print_item(out, "paging", "unknown, %s", m->paging_levels.basis);
	else
		print_item(out, "paging", "%d-level, %s: %s", m->paging_levels.value,
			   hr_source_name(m->paging_levels.source), m->paging_levels.basis);
	if (m->kaslr.source == HR_SRC_UNKNOWN)
		print_item(out, "KASLR", "unknown, %s", m->kaslr.basis);
	else
		print_item(out, "KASLR", "%s, %s: %s", m->kaslr.value ? "on" : "off",
			   hr_source_name(m->kaslr.source), m->kaslr.basis);
}

static const char *config_word(enum hr_tristate t)
{
	return t == HR_YES ? "=y" : t == HR_NO ? " is not set" : " unknown";
}

/* An address limit: its value and where it came from; the basis only when verbose. */
static void print_limit(FILE *out, const char *label, const struct hr_fact_addr *fact, bool verbose)
{
	if (fact->source == HR_SRC_UNKNOWN)
		print_item(out, label, "unknown: %s", fact->basis);
	else if (verbose || fact->source != HR_SRC_MODELLED)
		print_item(out, label, "%#llx, %s: %s", (unsigned long long)fact->value,
			   hr_source_name(fact->source), fact->basis);
	else
		print_item(out, label, "%#llx, modelled", (unsigned long long)fact->value);
}

static void print_limits(FILE *out, const struct hr_model *m, const struct hr_report_options *o)
{
	char sz[32];

	fprintf(out, "\nKernel limits\n");
	print_item(out, "device private", "%s: CONFIG_ZONE_DEVICE%s, CONFIG_DEVICE_PRIVATE%s%s",
		   m->zone_device == HR_YES && m->device_private == HR_YES ? "yes"
		   : m->device_private == HR_UNKNOWN ? "unknown" : "no", config_word(m->zone_device),
		   config_word(m->device_private),
		   m->device_private_source == HR_SRC_OVERRIDE ? ", given by --device-private" : "");
	print_item(out, "new scheme", "%s", m->new_scheme == HR_YES
		   ? "present: memremap_device_private_pagemap() is in the kernel"
		   : m->new_scheme == HR_NO ? "absent: the NEW-SCHEME column says what it would do"
		   : "unknown: no symbol table was readable");
	print_limit(out, "iomem end", &m->iomem_end, o->verbose);
	print_limit(out, "direct-map end", &m->direct_map_end, o->verbose);
	if (m->search_top_known)
		print_item(out, "search top", "%#llx", (unsigned long long)m->search_top);
	else
		print_item(out, "search top", "unknown: it is at most iomem end");
	print_item(out, "search", "%s, steps by %s", m->has_clamp ? "stops at the direct-map end"
		   : "ignores the direct-map end", m->step_by_section ? "one section" : "the request size");
	if (o->verbose) {
		print_item(out, "", "clamp: %s", m->clamp_basis);
		print_item(out, "", "step: %s", m->step_basis);
	}
	print_item(out, "section", "%s", hr_format_size(m->section_size, o->bytes, sz, sizeof(sz)));
}

/* One row of the address map: a top-level entry, or a run of free sections (name NULL). */
struct map_row {
	uint64_t start, end;
	const char *name;
};

/* The map's rows in address order, one at a time (a map of 10^5 entries is not copied): each
 * top-level entry after the free runs that start below it. */
struct map_rows {
	const struct hr_iomem *iomem;
	const struct hr_free *gaps;
	size_t entry, gap;
};

static bool next_row(struct map_rows *it, struct map_row *row)
{
	const struct hr_iomem_entry *e;

	while (it->entry < it->iomem->count && it->iomem->entries[it->entry].depth)
		it->entry++;
	e = it->entry < it->iomem->count ? &it->iomem->entries[it->entry] : NULL;
	if (it->gap < it->gaps->count && (!e || it->gaps->gaps[it->gap].start < e->start)) {
		const struct hr_range *g = &it->gaps->gaps[it->gap++];

		*row = (struct map_row){g->start, g->end, NULL};
		return true;
	}
	if (!e)
		return false;
	*row = (struct map_row){e->start, e->end, e->name};
	it->entry++;
	return true;
}

/* digits: enough hex digits for the map's highest address, at least 12; width: for the sizes. A
 * name longer than the rest of the line (the kernel sets no limit) is cut at a character boundary
 * and ends in "..."; the JSON report keeps it whole. */
static void map_line(FILE *out, const struct map_row *row, int digits, int width, bool bytes)
{
	const char *name = row->name ? row->name : "free";
	int room = (int)text_width - (2 + 2 * (2 + digits) + 1 + 1 + width + 2), keep = (int)strlen(name);
	char sz[32];

	if (keep > room) {
		for (keep = room - 3; keep > 0 && ((unsigned char)name[keep] & 0xc0) == 0x80; keep--)
			;
	}
	fprintf(out, "  0x%0*llx-0x%0*llx %*s  %.*s%s\n", digits, (unsigned long long)row->start,
		digits, (unsigned long long)row->end, width,
		hr_format_range_size((struct hr_range){row->start, row->end}, bytes, sz, sizeof(sz)),
		keep, name, name[keep] ? "..." : "");
}

/* Which rows the default map shows: the free runs and their neighbours (prev and next, NULL at the
 * ends), the rows nearest below the search top (row top_row is the last that ends at or below
 * it), and the row that holds it. */
static bool map_row_shown(const struct map_row *prev, const struct map_row *row,
			  const struct map_row *next, size_t i, size_t top_row, uint64_t top)
{
	enum { NEAR_TOP = 4 };

	if (!row->name || (prev && !prev->name) || (next && !next->name))
		return true;
	if (row->start <= top && row->end >= top)
		return true;
	return i <= top_row && i + NEAR_TOP > top_row;
}

static void print_map(FILE *out, const struct hr_facts *f, const struct hr_audit *a,
		      const struct hr_report_options *o)
{
	const struct hr_free *gaps = &a->free;
	const struct hr_iomem *iomem = a->map_modelled ? &a->what_if_map : &f->iomem;
	struct map_rows it = {iomem, gaps, 0, 0};
	struct map_row prev, row = {0}, next, last = {0};
	size_t n = 0, hidden = 0, top_row = 0;
	bool below_top = true, have_next;
	int digits = 12, width = 12;
	char sz[32], sz2[32], text[256];

	/* First pass: the row count, the last row below the search top, the widths. */
	while (next_row(&it, &row)) {
		below_top = below_top && (!n || row.end <= a->model.search_top);
		if (below_top)
			top_row = n;
		if (o->bytes && (int)strlen(hr_format_range_size((struct hr_range){row.start, row.end},
								 true, sz, sizeof(sz))) > width)
			width = (int)strlen(sz);
		last = row;
		n++;
	}
	while (n && digits < 16 && last.end >> (4 * digits))
		digits++;

	snprintf(text, sizeof(text), "top level of /proc/iomem%s%s, free runs of whole %s sections",
		 o->verbose ? "" : " near the free space",
		 a->map_modelled ? " as --hole64/--ram model it" : "",
		 hr_format_size(a->model.section_size, false, sz, sizeof(sz)));
	fputc('\n', out);
	print_wrapped(out, "Address map: ", 2, text);
	it = (struct map_rows){iomem, gaps, 0, 0};
	have_next = next_row(&it, &next);
	for (size_t i = 0; have_next; i++) {
		prev = row;
		row = next;
		have_next = next_row(&it, &next);
		if (!o->verbose && !map_row_shown(i ? &prev : NULL, &row, have_next ? &next : NULL, i,
						  top_row, a->model.search_top)) {
			hidden++;
			continue;
		}
		if (hidden)
			fprintf(out, "  ... %zu more, -v shows them\n", hidden);
		hidden = 0;
		map_line(out, &row, digits, width, o->bytes);
	}
	if (hidden)
		fprintf(out, "  ... %zu more, -v shows them\n", hidden);
	if (gaps->total)
		snprintf(text, sizeof(text), "%s, the largest run %s at %#llx-%#llx",
			 hr_format_size(gaps->total, o->bytes, sz, sizeof(sz)),
			 hr_format_range_size(gaps->largest, o->bytes, sz2, sizeof(sz2)),
			 (unsigned long long)gaps->largest.start, (unsigned long long)gaps->largest.end);
	else
		snprintf(text, sizeof(text), "none");
	print_wrapped(out, "Free below the search top: ", 2, text);
}

/* SGR colours as util-linux's: errors bold red, warnings yellow; info stays plain. */
static const char *severity_colour(enum hr_severity severity)
{
	return severity == HR_ERROR ? "\033[1;31m" : severity == HR_WARNING ? "\033[33m" : NULL;
}

static void print_findings(FILE *out, const struct hr_audit *a, bool colour)
{
	char prefix[96];

	if (a->n_findings)
		fprintf(out, "\nFindings\n");
	for (size_t i = 0; i < a->n_findings; i++) {
		const char *name = hr_severity_name(a->findings[i].severity);
		const char *on = colour ? severity_colour(a->findings[i].severity) : NULL;

		snprintf(prefix, sizeof(prefix), "  %s%s%s%*s %s:", on ? on : "", name, on ? "\033[0m" : "",
			 7 - (int)strlen(name), "", a->findings[i].code);
		print_wrapped(out, prefix, 10, a->findings[i].message);
	}
}

bool hr_report_text(FILE *out, const struct hr_facts *f, const struct hr_audit *a,
		    const struct hr_report_options *opts)
{
	/* --raw: one table for scripts, the GPUs' carves and then the requests, as they are carved. */
	if (opts->raw) {
		hr_report_table(out, a, true, true, opts);
		return !ferror(out);
	}
	text_width = opts->width ? opts->width < MIN_WIDTH ? MIN_WIDTH : opts->width : WIDTH;
	print_verdict(out, a);
	hr_report_text_gpus(out, a, opts);
	print_requests(out, a, opts);
	if (!a->n_gpus)
		hr_report_text_advice(out, a);
	print_machine(out, f, &a->model);
	print_limits(out, &a->model, opts);
	if (a->model.can_place)
		print_map(out, f, a, opts);
	hr_report_firmware_text(out, &f->firmware, opts->bytes);
	print_findings(out, a, opts->colour);
	return !ferror(out);
}
