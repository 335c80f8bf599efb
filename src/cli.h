/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the command line asked for, shared by the audit and the validate subcommand. */
#ifndef HEADROOM_CLI_H
#define HEADROOM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include "headroom/model.h"

enum { EXIT_FITS = 0, EXIT_FAILS = 1, EXIT_INCONCLUSIVE = 2, EXIT_USAGE = 3 };
enum { MAX_REQUESTS = 256 };

struct cli {
	const char *root;
	bool root_given;
	bool json, bytes;
	bool validate;
	const char *answer;		/* validate: a recorded kernel answer */
	const char *probe_module;	/* validate: a prebuilt headroom_probe.ko */
	const char *test_hmm;		/* validate: what loading lib/test_hmm did */
	uint64_t sizes[MAX_REQUESTS];
	size_t n_sizes;
	struct hr_overrides ov;
};

int validate_main(const struct cli *cli);

/* Late write errors (a full disk, a closed pipe) must not pass for success. */
bool close_stdout(void);

#endif
