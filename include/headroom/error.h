/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors and diagnostics. The library never prints and never exits: a fatal problem fills a
 * caller-owned hr_error; a problem that leaves the rest of the input usable goes to hr_diags. */
#ifndef HEADROOM_ERROR_H
#define HEADROOM_ERROR_H

#include <stddef.h>

enum hr_status {
	HR_OK = 0,
	HR_E_NOENT,	/* file missing */
	HR_E_ACCESS,	/* no permission, or the kernel hid the data (zeroed addresses) */
	HR_E_IO,	/* read error */
	HR_E_PARSE,	/* malformed content */
	HR_E_TRUNCATED,	/* shorter than its own header says */
	HR_E_RANGE,	/* a value outside what the format or the machine allows */
	HR_E_NOMEM,
	HR_E_USAGE,	/* bad argument from the caller */
};

struct hr_error {
	enum hr_status status;
	char path[512];		/* the file at its real path (without the root prefix), or "" */
	unsigned line;		/* 1-based line, 0 when not about a line */
	char message[256];
};

/* Fill err (if not NULL) and return status. */
enum hr_status hr_fail(struct hr_error *err, enum hr_status status, const char *path,
		       unsigned line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "PATH:LINE: MESSAGE" or "PATH: MESSAGE" into buf. */
const char *hr_error_text(const struct hr_error *err, char *buf, size_t len);

const char *hr_status_name(enum hr_status status);

/* Non-fatal problems collected while reading inputs. */
struct hr_diags {
	struct hr_error *items;
	size_t count, cap;
};

/* Record a problem; gives up silently on allocation failure (diagnostics are best effort). */
void hr_diag_add(struct hr_diags *diags, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void hr_diag_add_error(struct hr_diags *diags, const struct hr_error *err);
void hr_diags_free(struct hr_diags *diags);

#endif
