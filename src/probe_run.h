/* SPDX-License-Identifier: GPL-2.0-or-later */
/* headroom validate asks the running kernel itself: build probes/headroom_probe for it, load it
 * with the request sizes, read its answer, unload it. Needs root and the kernel's headers. It runs
 * make, insmod and rmmod, so it belongs to the command, not to the library. */
#ifndef HEADROOM_PROBE_RUN_H
#define HEADROOM_PROBE_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"

#define PROBE_MODULE "headroom_probe"
#define PROBE_ANSWER "/sys/module/headroom_probe/parameters/answer"

/* On success *answer holds the kernel-answer text (malloc'd). Nothing of the probe stays loaded or
 * in /proc/iomem. prebuilt, when not NULL, is a module built already (then no headers are needed).
 * When a step fails, err names its kept log. err must not be NULL. */
enum hr_status probe_run(const char *probe_dir, const char *prebuilt, const char *release,
			 const uint64_t *sizes, size_t n_sizes, char **answer, struct hr_error *err);

#endif
