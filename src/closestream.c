// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "closestream.h"

bool close_stdout(void)
{
	bool ok = !ferror(stdout);

	return fclose(stdout) == 0 && ok;
}
