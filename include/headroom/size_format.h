/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes as people read them, for the reports and for the findings' and checks' messages. */
#ifndef HEADROOM_SIZE_FORMAT_H
#define HEADROOM_SIZE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/carve.h"

/* "1 GiB", "1.50 TiB", "4 KiB"; with bytes the exact count, "1073741824 B". */
const char *hr_format_size(uint64_t size, bool bytes, char *buf, size_t len);

/* The size of r the same way; [0, 2^64 - 1] is "16 EiB" ("18446744073709551616 B"). */
const char *hr_format_range_size(struct hr_range r, bool bytes, char *buf, size_t len);

#endif
