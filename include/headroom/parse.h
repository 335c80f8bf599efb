/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checked number parsing shared by the parsers. */
#ifndef HEADROOM_PARSE_H
#define HEADROOM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"

/* Parse a whole hex number (optional 0x). False on empty, junk or overflow. */
bool hr_parse_hex(const char *s, const char *end, uint64_t *out);

/* Parse a whole unsigned number: decimal, or hex with 0x. */
bool hr_parse_u64(const char *s, uint64_t *out);

/* Parse a size: bytes, or a number with a binary suffix K, M, G, T, P, E (optionally "iB"/"B"). */
bool hr_parse_size(const char *s, uint64_t *out);

/* Room for one more element in the array at *(T **)items holding count of *cap, each size bytes:
 * the capacity doubles (from 16), so n appends cost O(n). HR_E_RANGE when count has reached max
 * (the parser's cap on records), HR_E_NOMEM on allocation failure; *items is kept either way. */
enum hr_status hr_grow(void *items, size_t *cap, size_t count, size_t size, size_t max);

#endif
