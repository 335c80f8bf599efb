/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every fuzz target asserts about a message, beyond the sanitizers. */
#ifndef HEADROOM_FUZZ_CHECK_H
#define HEADROOM_FUZZ_CHECK_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/error.h"

/* A message must be valid UTF-8 (jansson refuses anything else) and name the file it is about. */
static inline void fuzz_check_error(const struct hr_error *e, const char *path)
{
	json_t *text = json_string(e->message);

	if (!text || !e->message[0] || (path && strcmp(e->path, path) != 0)) {
		fprintf(stderr, "bad message: path \"%s\" (want \"%s\"), \"%s\"\n", e->path,
			path ? path : "", e->message);
		abort();
	}
	json_decref(text);
}

#endif
