/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fleet roll-up: many reports (JSON Lines from --format jsonl, or JSON reports) streamed in,
 * counted by verdict, kernel, phys-bits, hypervisor and GPU model, with the worst hosts and the
 * advice that the most failing hosts carry. Memory stays bounded whatever the number of reports:
 * nothing is kept per report, each count keeps at most HR_FLEET_MAX_VALUES distinct values (the
 * rest are counted as other) and the ranking keeps the top N. */
#ifndef HEADROOM_FLEET_H
#define HEADROOM_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "headroom/error.h"

#define HR_FLEET_SCHEMA "headroom/fleet-v1"
#define HR_FLEET_MAX_VALUES 1024	/* distinct values kept per dimension */
#define HR_FLEET_MAX_TOP 1000		/* --top */
#define HR_FLEET_MAX_RECORD (16u << 20)	/* bytes in one report */
#define HR_FLEET_MAX_DIAGS 100		/* bad records described; the rest only counted */

/* A host's verdict, by the rule of headroom's exit status (hr_audit_exit_code()). */
enum hr_fleet_verdict { HR_FLEET_FITS, HR_FLEET_INCONCLUSIVE, HR_FLEET_FAILS };

#define HR_FLEET_HOST_ADVICE 8
#define HR_FLEET_HOST_GPUS 64

/* What the roll-up takes from one report (strings truncated to their buffers). */
struct hr_fleet_host {
	char host[128];			/* "" when the report names none */
	char source[320];		/* "FILE:LINE" where the report starts */
	bool is_report;			/* "schema": "headroom/report-v1" */
	char kernel[128];		/* machine.kernel_release, "" when null */
	int phys_bits;			/* -1 when null */
	char hypervisor[64];		/* "" when null: bare metal, or a guest the inputs do not name */
	int guest;			/* machine.guest: 1, 0, -1 null or absent */
	bool inconclusive;
	bool device_private_off;	/* kernel.device_private false: fails whatever else */
	bool scheme_new;		/* "scheme": "new": requests are judged under the new scheme */
	int possible;			/* verdict.possible: 1, 0, -1 null or absent */
	bool gpu_fails;			/* a GPU's carves fail (gpus[].fails) */
	unsigned gpus, gpus_failing;	/* gpus[], and those whose fails is true */
	unsigned requests;
	unsigned legacy_failing, new_failing;	/* requests whose verdict is not fits, per scheme */
	char fix[256];			/* verdict.fix.change, "" when none */
	bool have_free;
	uint64_t free_total, largest_gap;
	struct {
		char code[32], message[512];
	} advice[HR_FLEET_HOST_ADVICE];
	unsigned n_advice;
	char gpu_models[HR_FLEET_HOST_GPUS][160];	/* distinct GPU names, gpus[].name */
	unsigned n_gpu_models;
};

enum hr_fleet_verdict hr_fleet_host_verdict(const struct hr_fleet_host *host);

/* The requests that get no range under the scheme the host's verdict follows. */
unsigned hr_fleet_host_failing(const struct hr_fleet_host *host);
const char *hr_fleet_verdict_name(enum hr_fleet_verdict verdict);

struct hr_fleet_value {
	char *value;
	uint64_t hosts;
};

/* Hosts counted by one property; values past HR_FLEET_MAX_VALUES go to other. */
struct hr_fleet_tally {
	const char *name;		/* "verdict", "kernel", ... */
	struct hr_fleet_value *slots;	/* open addressing, 2 * HR_FLEET_MAX_VALUES */
	size_t count;
	uint64_t other;
};

enum { HR_FLEET_VERDICT, HR_FLEET_KERNEL, HR_FLEET_PHYS_BITS, HR_FLEET_HYPERVISOR, HR_FLEET_GPU_MODEL,
       HR_FLEET_FIX, HR_FLEET_ADVICE_CODE, HR_FLEET_ADVICE, HR_FLEET_TALLIES };

struct hr_fleet_worst {
	char host[128], source[320], kernel[128];
	enum hr_fleet_verdict verdict;
	int phys_bits;
	unsigned requests, failing;
	unsigned gpus, gpus_failing;
	bool have_free;
	uint64_t free_total, largest_gap;
};

struct hr_fleet {
	uint64_t reports, bad_records;
	struct hr_fleet_tally tallies[HR_FLEET_TALLIES];	/* advice*: failing hosts only */
	struct hr_fleet_worst *worst;	/* worst first */
	size_t n_worst, top;
	struct hr_diags diags;		/* the first HR_FLEET_MAX_DIAGS bad records */
	FILE *host_rows;		/* when set, a CSV row per host as it is read (hr_fleet_add),
					 * under a header written with the first */
};

/* top: how many worst hosts to keep (at most HR_FLEET_MAX_TOP). */
enum hr_status hr_fleet_init(struct hr_fleet *fleet, size_t top, struct hr_error *err);
void hr_fleet_free(struct hr_fleet *fleet);

/* Count one report. */
enum hr_status hr_fleet_add(struct hr_fleet *fleet, const struct hr_fleet_host *host);

/* A bad record: described while there is room, counted always. */
void hr_fleet_bad(struct hr_fleet *fleet, const char *path, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Stream every report in a file, a directory (recursively: *.json, *.jsonl, *.ndjson) or "-"
 * (stdin). Records are JSON Lines or JSON reports (pretty-printed, concatenated); a bad record is
 * described with its file and line and the reading goes on at the next line that opens a report
 * ("{" in column 1). Fails only when the path itself cannot be read. */
enum hr_status hr_fleet_read(struct hr_fleet *fleet, const char *path, struct hr_error *err);

/* The same for one open stream (a file, a pipe, fmemopen() of a buffer); name names it in the
 * messages. */
enum hr_status hr_fleet_read_stream(struct hr_fleet *fleet, FILE *in, const char *name,
				    struct hr_error *err);

/* The roll-up as a JSON object (schema headroom/fleet-v1, new reference), NULL on allocation failure. */
json_t *hr_fleet_json(const struct hr_fleet *fleet);

/* The roll-up for people, and its counts as CSV (dimension,value,hosts), both written from
 * hr_fleet_json(). */
bool hr_fleet_text(FILE *out, const json_t *rollup);
bool hr_fleet_csv(FILE *out, const json_t *rollup);

/* The header of the CSV that fleet->host_rows gets, a row per host: host, source, verdict, ... */
void hr_fleet_host_csv_header(FILE *out);
/* One such row. */
void hr_fleet_host_csv(FILE *out, const struct hr_fleet_worst *host);

#endif
