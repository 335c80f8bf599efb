/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Closing stdout so that a late write error shows, as util-linux's closestream.h. */
#ifndef HEADROOM_CLOSESTREAM_H
#define HEADROOM_CLOSESTREAM_H

#include <stdbool.h>

/* Late write errors (a full disk) must not pass for success: false, with errno set, when a write to
 * stdout failed or closing it did. A closed pipe (EPIPE) is success, as in util-linux: the reader
 * took what it wanted. */
bool close_stdout(void);

#endif
