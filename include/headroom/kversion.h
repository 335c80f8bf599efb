/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel versions: read from a release string, written, compared, and guessed for distribution
 * kernels. */
#ifndef HEADROOM_KVERSION_H
#define HEADROOM_KVERSION_H

#include <stdbool.h>
#include <stddef.h>

struct hr_kver {
	int major, minor, sublevel;	/* sublevel -1: unknown */
};

/* Leading "X.Y[.Z]" of s. */
bool hr_kver_parse(const char *s, struct hr_kver *out);

/* "6.1.192", or "6.1" when the sublevel is unknown. */
const char *hr_kver_format(struct hr_kver v, char *buf, size_t len);

/* Kernel version compare: sublevel -1 compares below 0. */
int hr_kver_cmp(struct hr_kver a, struct hr_kver b);

/* The same for the release series X.Y alone, the sublevels not looked at. */
int hr_kver_cmp_series(struct hr_kver a, struct hr_kver b);

/* The upstream version a kernel is built from. Distribution kernels hide the stable sublevel
 * outside the release ("6.1.0-56-amd64" is Debian 6.1.192: /proc/version says "Debian 6.1.192-2";
 * Ubuntu puts it last in /proc/version_signature). source receives where the answer came from. */
bool hr_kernel_version_guess(const char *release, const char *proc_version,
			     const char *version_signature, struct hr_kver *out, char *source,
			     size_t source_len);

#endif
