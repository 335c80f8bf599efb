// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/kversion.h"

bool hr_kver_parse(const char *s, struct hr_kver *out)
{
	struct hr_kver v = {.sublevel = -1};
	char *end;
	long n;

	if (!isdigit((unsigned char)*s))
		return false;
	n = strtol(s, &end, 10);
	if (*end != '.' || n < 2 || n > 99)
		return false;
	v.major = (int)n;
	if (!isdigit((unsigned char)end[1]))
		return false;
	n = strtol(end + 1, &end, 10);
	if (n > 999)
		return false;
	v.minor = (int)n;
	if (*end == '.' && isdigit((unsigned char)end[1])) {
		n = strtol(end + 1, &end, 10);
		if (n > 9999)
			return false;
		v.sublevel = (int)n;
	}
	*out = v;
	return true;
}

const char *hr_kver_format(struct hr_kver v, char *buf, size_t len)
{
	if (v.sublevel >= 0)
		snprintf(buf, len, "%d.%d.%d", v.major, v.minor, v.sublevel);
	else
		snprintf(buf, len, "%d.%d", v.major, v.minor);
	return buf;
}

int hr_kver_cmp_series(struct hr_kver a, struct hr_kver b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	return 0;
}

int hr_kver_cmp(struct hr_kver a, struct hr_kver b)
{
	int series = hr_kver_cmp_series(a, b);

	if (series)
		return series;
	if (a.sublevel != b.sublevel)
		return a.sublevel < b.sublevel ? -1 : 1;
	return 0;
}

/* The version right after "word " in text whose X.Y matches the release: in "(gcc-12 (Debian
 * 12.2.0-14) ...) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2" only the second is the kernel's. */
static bool version_after(const char *text, const char *word, struct hr_kver release,
			  struct hr_kver *out)
{
	size_t n = strlen(word);

	for (const char *p = text ? strstr(text, word) : NULL; p; p = strstr(p + 1, word))
		if (p[n] == ' ' && hr_kver_parse(p + n + 1, out) && out->sublevel >= 0 &&
		    out->major == release.major && out->minor == release.minor)
			return true;
	return false;
}

bool hr_kernel_version_guess(const char *release, const char *proc_version,
			     const char *version_signature, struct hr_kver *out, char *source,
			     size_t source_len)
{
	struct hr_kver rel;
	const char *last;

	if (!release || !hr_kver_parse(release, &rel))
		return false;
	if (version_after(proc_version, "Debian", rel, out)) {
		snprintf(source, source_len, "/proc/version (Debian package version)");
		return true;
	}
	/* "Ubuntu 6.8.0-45.45-generic 6.8.12": the upstream version is the last word. */
	if (version_signature && (last = strrchr(version_signature, ' ')) &&
	    hr_kver_parse(last + 1, out) && out->major == rel.major && out->minor == rel.minor) {
		snprintf(source, source_len, "/proc/version_signature");
		return true;
	}
	*out = rel;
	/* Debian names its ABI "6.1.0-56-amd64": that 0 is not the stable sublevel. */
	if (rel.sublevel == 0 && strstr(release, ".0-") && !version_signature) {
		out->sublevel = -1;
		snprintf(source, source_len, "/proc/sys/kernel/osrelease (a Debian-style ABI name: "
			 "stable sublevel unknown)");
		return true;
	}
	snprintf(source, source_len, "/proc/sys/kernel/osrelease");
	return true;
}
