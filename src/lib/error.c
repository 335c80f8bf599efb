// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/error.h"

static void fill(struct hr_error *err, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, va_list ap)
{
	err->status = status;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->line = line;
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

enum hr_status hr_fail(struct hr_error *err, enum hr_status status, const char *path,
		       unsigned line, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		va_start(ap, fmt);
		fill(err, status, path, line, fmt, ap);
		va_end(ap);
	}
	return status;
}

const char *hr_error_text(const struct hr_error *err, char *buf, size_t len)
{
	if (!err->path[0])
		snprintf(buf, len, "%s", err->message);
	else if (err->line)
		snprintf(buf, len, "%s:%u: %s", err->path, err->line, err->message);
	else
		snprintf(buf, len, "%s: %s", err->path, err->message);
	return buf;
}

const char *hr_status_name(enum hr_status status)
{
	switch (status) {
	case HR_OK: return "ok";
	case HR_E_NOENT: return "missing";
	case HR_E_ACCESS: return "access";
	case HR_E_IO: return "io";
	case HR_E_PARSE: return "parse";
	case HR_E_TRUNCATED: return "truncated";
	case HR_E_RANGE: return "range";
	case HR_E_NOMEM: return "nomem";
	case HR_E_USAGE: return "usage";
	}
	return "unknown";
}

static struct hr_error *diag_slot(struct hr_diags *diags)
{
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		struct hr_error *items = realloc(diags->items, cap * sizeof(*items));

		if (!items)
			return NULL;
		diags->items = items;
		diags->cap = cap;
	}
	return &diags->items[diags->count++];
}

void hr_diag_add(struct hr_diags *diags, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, ...)
{
	struct hr_error *slot = diag_slot(diags);
	va_list ap;

	if (!slot)
		return;
	va_start(ap, fmt);
	fill(slot, status, path, line, fmt, ap);
	va_end(ap);
}

void hr_diag_add_error(struct hr_diags *diags, const struct hr_error *err)
{
	struct hr_error *slot = diag_slot(diags);

	if (slot)
		*slot = *err;
}

void hr_diags_free(struct hr_diags *diags)
{
	free(diags->items);
	*diags = (struct hr_diags){0};
}
