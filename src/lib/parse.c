// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/parse.h"

bool hr_parse_hex(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (s >= end)
		return false;
	for (; s < end; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool parse_dec(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (s >= end)
		return false;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_number(const char *s, const char *end, uint64_t *out)
{
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return hr_parse_hex(s, end, out);
	return parse_dec(s, end, out);
}

bool hr_parse_u64(const char *s, uint64_t *out)
{
	return parse_number(s, s + strlen(s), out);
}

bool hr_parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGTPE";
	const char *end = s + strlen(s), *digits_end = end;
	unsigned shift = 0;
	uint64_t v;

	/* Accept "16G", "16GiB", "16GB" (binary in every case), or plain bytes. */
	if (digits_end - s >= 3 && strcmp(digits_end - 2, "iB") == 0)
		digits_end -= 2;
	else if (digits_end - s >= 2 && digits_end[-1] == 'B' && strchr(suffixes, digits_end[-2]))
		digits_end -= 1;
	if (digits_end > s && !(digits_end - s > 2 && s[0] == '0' && s[1] == 'x')) {
		const char *p = strchr(suffixes, toupper((unsigned char)digits_end[-1]));

		if (p && *p) {
			shift = 10 * (unsigned)(p - suffixes + 1);
			digits_end--;
		}
	}
	if (!parse_number(s, digits_end, &v))
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

enum hr_status hr_grow(void *items, size_t *cap, size_t count, size_t size, size_t max)
{
	void *old, *grown;
	size_t ncap, bytes;

	if (count < *cap)
		return HR_OK;
	if (count >= max)
		return HR_E_RANGE;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > max)
		ncap = max;
	if (__builtin_mul_overflow(ncap, size, &bytes))
		return HR_E_NOMEM;
	memcpy(&old, items, sizeof(old));
	grown = realloc(old, bytes);
	if (!grown)
		return HR_E_NOMEM;
	memcpy(items, &grown, sizeof(grown));
	*cap = ncap;
	return HR_OK;
}
