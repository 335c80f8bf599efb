/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the command line asked for, shared by the audit and the validate subcommand. */
#ifndef HEADROOM_CLI_H
#define HEADROOM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include "headroom/audit.h"
#include "headroom/report.h"

enum { EXIT_FITS = 0, EXIT_FAILS = 1, EXIT_INCONCLUSIVE = 2, EXIT_USAGE = 3 };
enum { MAX_ADD_GPUS = 64 };
/* The names --add-gpu's @DRIVER takes (hr_gpu_driver_from_name). */
#define ADD_GPU_DRIVERS "nvidia-uvm (the default), amdgpu, xe, nouveau, test_hmm, uvmem"
enum { MAX_COLUMNS = 32 };

#define VALIDATION_SCHEMA "headroom/validation-v1"	/* headroom validate --json */

enum { MAX_VRAM_OVERRIDES = 64 };

enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JSONL, FORMAT_PROMETHEUS, FORMAT_SVG };
enum color_when { COLOR_AUTO, COLOR_NEVER, COLOR_ALWAYS };

struct cli {
	const char *root;
	bool root_given;
	enum output_format format;
	bool bytes, verbose, noheadings, raw;
	enum color_when color;		/* --color */
	enum hr_column columns[MAX_COLUMNS];	/* -o; n_columns 0: the default ones */
	size_t n_columns;
	bool add_columns;			/* -o +LIST: after each table's default ones */
	bool validate;
	const char *answer;		/* validate: a recorded kernel answer */
	const char *probe_module;	/* validate: a prebuilt headroom_probe.ko */
	const char *test_hmm;		/* validate: what loading lib/test_hmm did */
	const char *acpidump;		/* ACPI tables from acpidump's text instead of sysfs */
	uint64_t sizes[HR_MAX_REQUESTS];
	size_t n_sizes;
	struct hr_overrides ov;
	struct hr_gpu add_gpus[MAX_ADD_GPUS];	/* ov.add_gpus points here */
	struct hr_vram_override vram[MAX_VRAM_OVERRIDES];	/* --vram BDF=SIZE */
	size_t n_vram;
};

int validate_main(const struct cli *cli);
int fleet_main(int argc, char **argv);
int capture_main(int argc, char **argv);

#endif
