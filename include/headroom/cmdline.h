/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options of /proc/cmdline that move the kernel's memory layout. */
#ifndef HEADROOM_CMDLINE_H
#define HEADROOM_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include "headroom/error.h"

struct hr_cmdline {
	bool present;
	bool nokaslr;
	char mem[32];		/* mem=, "" when absent */
	unsigned memmap_count;	/* memmap= options */
};

/* /proc/cmdline (the parser contract, error.h): nokaslr, mem= and memmap= before any "--". */
enum hr_status hr_cmdline_parse(const char *buf, size_t len, const char *path,
				struct hr_cmdline *out, struct hr_diags *diags, struct hr_error *err);

#endif
