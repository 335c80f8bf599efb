// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>

#include "closestream.h"

bool close_stdout(void)
{
	/* The error of a failed write is errno still: nothing but stdout is written before this. */
	int error = ferror(stdout) ? errno : 0;

	if (fclose(stdout) != 0)
		error = errno;
	/* A reader that has gone (| head -1) wanted no more: util-linux's close_stdout skips EPIPE. */
	if (error == EPIPE)
		return true;
	errno = error;
	return !error;
}
