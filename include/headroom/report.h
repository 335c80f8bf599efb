/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Report writers: one for people, one for machines (schema headroom/report-v1, reports/). */
#ifndef HEADROOM_REPORT_H
#define HEADROOM_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>
#include "headroom/audit.h"
#include "headroom/size_format.h"

#define HR_REPORT_SCHEMA "headroom/report-v1"

/* Columns of the requests table (-o/--output). */
enum hr_column {
	HR_COL_BDF, HR_COL_DRIVER, HR_COL_CARVE, HR_COL_SIZE, HR_COL_ALIGNED, HR_COL_LEGACY, HR_COL_PLACEMENT, HR_COL_START, HR_COL_END,
	HR_COL_HAZARDS, HR_COL_PHYS_BITS, HR_COL_NEW_SCHEME, HR_COL_RAM_COST, HR_COL_COUNT
};

struct hr_report_options {
	bool bytes;		/* sizes as exact byte counts instead of binary units */
	bool verbose;		/* the whole address map and the basis of every limit */
	bool noheadings;	/* no header line over the table */
	bool raw;		/* the table unaligned, one space between cells, spaces as \x20 */
	const enum hr_column *columns;	/* the table's columns, NULL for the default ones */
	size_t n_columns;
	bool add_columns;	/* the columns follow each table's default ones (-o +LIST) */
	size_t width;		/* columns to wrap text to (the terminal's); 0: 100 */
	bool colour;		/* findings' severities in colour (a terminal, --color) */
};

/* The column's name (as -o takes it) and a line on what it holds. */
const char *hr_column_name(enum hr_column column);
const char *hr_column_help(enum hr_column column);

/* The column called name (case-insensitive), or -1. */
int hr_column_find(const char *name);

/* The report as a JSON object (new reference), NULL on allocation failure. */
json_t *hr_report_json(const struct hr_facts *facts, const struct hr_audit *audit);

/* The same report written as --json prints it (json_dumpf, indented by 2, and a line break), with
 * the address map streamed: an entry at a time, not a tree of 10^5. False when memory ran out or
 * the stream failed (errno says which). */
bool hr_report_json_write(FILE *out, const struct hr_facts *facts, const struct hr_audit *audit);

/* The firmware's declarations (tables, host bridges and windows, hotplug and CXL ranges). */
json_t *hr_report_firmware_json(const struct hr_firmware *fw);

/* The same for people: a "Firmware" section of its own, printed after the address map. */
void hr_report_firmware_text(FILE *out, const struct hr_firmware *fw, bool bytes);

/* Write the human report; false when the stream failed. */
bool hr_report_text(FILE *out, const struct hr_facts *facts, const struct hr_audit *audit,
		    const struct hr_report_options *opts);

/* A table of carves, a row each: the GPUs' carve groups when gpus, then the requests when
 * requests, in opts' columns, else those of the GPU table when a GPU carves, else of the
 * requests. */
void hr_report_table(FILE *out, const struct hr_audit *audit, bool gpus, bool requests,
		     const struct hr_report_options *opts);

/* The GPU section (verdicts, losses, verified fixes, details); nothing when there are no GPUs. */
void hr_report_text_gpus(FILE *out, const struct hr_audit *audit,
			 const struct hr_report_options *opts);

/* text after prefix, broken at spaces to fit the report's width, continuation lines indented by
 * hang. */
void hr_print_wrapped(FILE *out, const char *prefix, size_t hang, const char *text);

/* The verified fixes alone. */
void hr_report_text_advice(FILE *out, const struct hr_audit *audit);

/* One line of JSON Lines for fleets: the report, compact, led by the host, when it was made
 * (generated_at, RFC 3339 UTC), which headroom made it and from what input (live or captured). */
bool hr_report_jsonl(FILE *out, const json_t *report, const struct hr_facts *facts,
		     const char *tool_version, time_t generated_at);

/* The report as Prometheus text exposition for node_exporter's textfile collector (README). */
/* exit_status: what hr_audit_exit_code() gives for the audit the report was written from. */
bool hr_report_prometheus(FILE *out, const json_t *report, int exit_status);

/* The physical address space as an SVG picture on a log2 axis, with host (the hostname, "" when
 * unknown) and the verdict (exit_status: hr_audit_exit_code()) in the title: the map's RAM, PCI
 * and other entries, the firmware's host-bridge windows, the free gaps (the audit's list: the
 * JSON report only sums them up), each carve placed or failed, the search top and the direct-map
 * end; and a linear inset of the carves. */
bool hr_report_svg(FILE *out, const json_t *report, const struct hr_free *gaps, const char *host,
		   int exit_status);

#endif
