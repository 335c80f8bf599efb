/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal assertions for the unit tests: each failure prints where, and main returns the count. */
#ifndef HEADROOM_TEST_CHECK_H
#define HEADROOM_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                             \
		}                                                                     \
	} while (0)

#define CHECK_U64(got, want)                                                          \
	do {                                                                          \
		unsigned long long g_ = (got), w_ = (want);                           \
		if (g_ != w_) {                                                       \
			fprintf(stderr, "%s:%d: %s = %#llx, want %#llx\n", __FILE__, __LINE__, #got, g_, w_); \
			check_failures++;                                             \
		}                                                                     \
	} while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                          \
	do {                                                                          \
		const char *h_ = (haystack);                                          \
		if (!h_ || !strstr(h_, (needle))) {                                   \
			fprintf(stderr, "%s:%d: \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, h_ ? h_ : "(null)", (needle)); \
			check_failures++;                                             \
		}                                                                     \
	} while (0)

/* Fixtures live under HEADROOM_FIXTURES (set by CMake). */
#define FIXTURE(rel) HEADROOM_FIXTURES "/" rel

#define CHECK_DONE()                                                                  \
	do {                                                                          \
		if (check_failures)                                                   \
			fprintf(stderr, "%d check(s) failed\n", check_failures);      \
		return check_failures ? 1 : 0;                                        \
	} while (0)

#endif
