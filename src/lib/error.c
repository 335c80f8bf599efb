// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/error.h"

void hr_trim_partial_utf8(char *s)
{
	size_t n = strlen(s), lead = n, need;

	while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || ((unsigned char)s[lead - 1] & 0x80) == 0)
		return;
	lead--;
	need = (unsigned char)s[lead] >= 0xf0 ? 4 : (unsigned char)s[lead] >= 0xe0 ? 3 : 2;
	if (n - lead < need)
		s[lead] = '\0';
}

static void fill(struct hr_error *err, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void fill(struct hr_error *err, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, va_list ap)
{
	err->status = status;
	if (snprintf(err->path, sizeof(err->path), "%s", path ? path : "") >= (int)sizeof(err->path))
		hr_trim_partial_utf8(err->path);
	err->line = line;
	if (vsnprintf(err->message, sizeof(err->message), fmt, ap) >= (int)sizeof(err->message))
		hr_trim_partial_utf8(err->message);
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
	case HR_E_TYPE: return "type";
	}
	return "unknown";
}

enum hr_status hr_status_from_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
		return HR_E_NOENT;
	case EACCES:
	case EPERM:
		return HR_E_ACCESS;
	case ENOMEM:
		return HR_E_NOMEM;
	case EISDIR:
	case ENXIO:	/* a FIFO or socket opened without a peer */
		return HR_E_TYPE;
	case EFBIG:
	case EOVERFLOW:
	case ENAMETOOLONG:
		return HR_E_RANGE;
	default:
		return HR_E_IO;	/* EIO, ELOOP, ... */
	}
}

bool hr_status_unreadable(enum hr_status status)
{
	return status == HR_E_NOENT || status == HR_E_ACCESS || status == HR_E_IO ||
	       status == HR_E_TYPE;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when there is none (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

const char *hr_quote(const char *s, size_t len, size_t max, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, i = 0;

	while (i < len && i < max) {
		char piece[8];
		size_t n = utf8_len(p + i, len - i), plen;

		if (n) {
			memcpy(piece, p + i, n);
			plen = n;
		} else if (p[i] == '\\') {
			plen = (size_t)snprintf(piece, sizeof(piece), "\\\\");
			n = 1;
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			piece[0] = (char)p[i];
			plen = n = 1;
		} else {
			plen = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", p[i]);
			n = 1;
		}
		if (used + plen + 1 > size)
			break;
		memcpy(buf + used, piece, plen);
		used += plen;
		i += n;
	}
	if (i < len && used + 4 <= size) {
		memcpy(buf + used, "...", 3);
		used += 3;
	}
	buf[used] = '\0';
	return buf;
}

static struct hr_error *diag_slot(struct hr_diags *diags, const char *path)
{
	size_t same = 0;

	if (!diags)
		return NULL;
	for (size_t i = 0; i < diags->count; i++)
		same += strcmp(diags->items[i].path, path ? path : "") == 0;
	if (same >= HR_DIAGS_PER_PATH) {
		diags->dropped++;
		return NULL;
	}
	if (diags->count == diags->cap) {
		size_t cap = diags->cap ? diags->cap * 2 : 8;
		struct hr_error *items = realloc(diags->items, cap * sizeof(*items));

		if (!items) {
			diags->dropped++;
			return NULL;
		}
		diags->items = items;
		diags->cap = cap;
	}
	return &diags->items[diags->count++];
}

void hr_diag_add(struct hr_diags *diags, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, ...)
{
	struct hr_error *slot = diag_slot(diags, path);
	va_list ap;

	if (!slot)
		return;
	va_start(ap, fmt);
	fill(slot, status, path, line, fmt, ap);
	va_end(ap);
}

void hr_diag_add_error(struct hr_diags *diags, const struct hr_error *err)
{
	struct hr_error *slot = diag_slot(diags, err->path);

	if (slot)
		*slot = *err;
}

static void reverse(struct hr_error *items, size_t begin, size_t end)
{
	while (begin + 1 < end) {
		struct hr_error t = items[begin];

		items[begin++] = items[--end];
		items[end] = t;
	}
}

/* A rotation of [at, count) by three reversals: nothing to allocate, nothing to fail. */
void hr_diags_move_back(struct hr_diags *diags, size_t from, size_t at)
{
	reverse(diags->items, at, from);
	reverse(diags->items, from, diags->count);
	reverse(diags->items, at, diags->count);
}

void hr_diags_free(struct hr_diags *diags)
{
	if (!diags)
		return;
	free(diags->items);
	*diags = (struct hr_diags){0};
}

/* How many leading bytes hr_quote() leaves as they are. */
static size_t plain_prefix(const unsigned char *p, size_t len)
{
	size_t i = 0, n;

	for (; i < len; i += n) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			n = 1;
		else if (!(n = utf8_len(p + i, len - i)))
			break;
	}
	return i;
}

bool hr_is_plain_text(const char *s, size_t len)
{
	return plain_prefix((const unsigned char *)s, len) == len;
}

char *hr_quote_dup(const char *s, size_t len, bool *escaped)
{
	char *buf, *shrunk;

	/* Most names are plain text: copy them as they are. */
	*escaped = !hr_is_plain_text(s, len);
	if (!*escaped)
		return strndup(s, len);
	buf = len < SIZE_MAX / 4 ? malloc(len * 4 + 1) : NULL;	/* every byte as \xNN at worst */
	if (!buf)
		return NULL;
	hr_quote(s, len, len, buf, len * 4 + 1);
	shrunk = realloc(buf, strlen(buf) + 1);
	return shrunk ? shrunk : buf;
}
