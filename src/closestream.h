/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Closing stdout so that a late write error shows, as util-linux's closestream.h. */
#ifndef HEADROOM_CLOSESTREAM_H
#define HEADROOM_CLOSESTREAM_H

#include <stdbool.h>

/* Late write errors (a full disk, a closed pipe) must not pass for success: false when a write to
 * stdout failed or closing it did. */
bool close_stdout(void);

#endif
