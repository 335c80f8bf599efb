/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "headroom kernel answer" format (tests/vm/README.md), as the probe module writes it and
 * headroom reads it. Included by probes/headroom_probe.c (Kbuild) and by userspace, so plain
 * macros only.
 */
#ifndef HEADROOM_ANSWER_FORMAT_H
#define HEADROOM_ANSWER_FORMAT_H

#define HR_ANSWER_MAGIC "# headroom kernel answer v1"
#define HR_ANSWER_MAGIC_V2 "# headroom kernel answer v2"	/* the probe's mode=new */

/* The last line of an answer that did not fit. */
#define HR_ANSWER_TRUNCATED "truncated"

/* The whole answer, NUL included: sysfs gives a parameter's get() one page, and 4096 fits every
 * page size. A test build of the probe may shrink it (-DHR_ANSWER_MAX=512). */
#ifndef HR_ANSWER_MAX
#define HR_ANSWER_MAX 4096
#endif

/* The most sizes one run of the probe requests. */
#define HR_ANSWER_MAX_SIZES 64

#endif
