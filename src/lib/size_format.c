// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "headroom/size_format.h"

const char *hr_format_size(uint64_t size, bool bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	unsigned u = 0;

	if (bytes) {
		snprintf(buf, len, "%llu B", (unsigned long long)size);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) && size >> (10 * (u + 1)))
		u++;
	if (size % (1ull << (10 * u)) == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(size >> (10 * u)), units[u]);
	else if (u > 0 && size % (1ull << (10 * (u - 1))) == 0 && size >> (10 * (u - 1)) < 10240)
		snprintf(buf, len, "%llu %s", (unsigned long long)(size >> (10 * (u - 1))), units[u - 1]);
	else	/* truncated, so that "3.00 GiB" never stands for a little less; 128 bits: the
		 * remainder times 100 passes 2^64 from the EiB on */
		snprintf(buf, len, "%llu.%02u %s", (unsigned long long)(size >> (10 * u)),
			 (unsigned)(((unsigned __int128)(size % (1ull << (10 * u))) * 100) >> (10 * u)),
			 units[u]);
	return buf;
}

const char *hr_format_range_size(struct hr_range r, bool bytes, char *buf, size_t len)
{
	if (hr_range_is_everything(r)) {
		snprintf(buf, len, "%s", bytes ? "18446744073709551616 B" : "16 EiB");
		return buf;
	}
	return hr_format_size(hr_range_size(r), bytes, buf, len);
}
