// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "headroom/iomem.h"
#include "headroom/parse.h"

#define IOMEM_PATH "/proc/iomem"
#define IOMEM_MAX_BYTES (16u << 20)	/* real files are a few KiB; refuse absurd ones */
#define IOMEM_MAX_DEPTH 32		/* the kernel nests a handful of levels */
#define IOMEM_MAX_ENTRIES (1u << 18)	/* real files have hundreds to a few thousand lines */

#define NAMES_BLOCK (64u << 10)

/* The entries' names, in blocks filled one after another: each name costs its bytes, not a malloc
 * of its own (10^5 entries: 1.6 MiB instead of 3.2). */
struct hr_iomem_names {
	struct hr_iomem_names *next;
	size_t used, size;
	char text[];
};

/* A copy of name in io's blocks, NULL when out of memory. */
static char *keep_name(struct hr_iomem *io, const char *name)
{
	size_t len = strlen(name) + 1;
	struct hr_iomem_names *b = io->names;
	char *kept;

	if (!b || b->size - b->used < len) {
		size_t size = len > NAMES_BLOCK ? len : NAMES_BLOCK;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		*b = (struct hr_iomem_names){.next = io->names, .size = size};
		io->names = b;
	}
	kept = memcpy(b->text + b->used, name, len);
	b->used += len;
	return kept;
}

/* One line: "<indent>start-end : name". A name that is not text is kept escaped (*escaped).
 * HR_E_PARSE for a line of another shape. */
static enum hr_status parse_line(const char *line, const char *eol, struct hr_iomem_entry *e,
				 bool *escaped)
{
	const char *p = line, *dash, *colon, *name;
	size_t spaces = 0;

	while (p < eol && *p == ' ') {
		p++;
		spaces++;
	}
	if (spaces % 2)
		return HR_E_PARSE;
	dash = memchr(p, '-', (size_t)(eol - p));
	if (!dash)
		return HR_E_PARSE;
	colon = dash;
	while (colon < eol && *colon != ' ')
		colon++;
	if (eol - colon < 3 || memcmp(colon, " : ", 3) != 0)
		return HR_E_PARSE;
	if (!hr_parse_hex(p, dash, &e->start) || !hr_parse_hex(dash + 1, colon, &e->end))
		return HR_E_PARSE;
	name = colon + 3;
	e->name = hr_quote_dup(name, (size_t)(eol - name), escaped);
	e->depth = (unsigned)(spaces / 2);
	return e->name ? HR_OK : HR_E_NOMEM;
}

/* The kernel keeps siblings disjoint and children inside their parent; a file that breaks this is
 * damaged. The entry is still used: every top-level range is busy whatever the damage. */
static void check_nesting(const struct hr_iomem *io, const size_t *last,
			  const struct hr_iomem_entry *e, unsigned lineno, const char *path,
			  struct hr_diags *diags)
{
	const struct hr_iomem_entry *sibling = last[e->depth] ? &io->entries[last[e->depth] - 1] : NULL;
	const struct hr_iomem_entry *parent = e->depth ? &io->entries[last[e->depth - 1] - 1] : NULL;

	if (parent && (e->start < parent->start || e->end > parent->end))
		hr_diag_add(diags, HR_E_PARSE, path, lineno,
			    "%#llx-%#llx lies outside its parent on line %u",
			    (unsigned long long)e->start, (unsigned long long)e->end, parent->line);
	if (sibling && sibling->end >= e->start && sibling->start <= e->end)
		hr_diag_add(diags, HR_E_PARSE, path, lineno, "%#llx-%#llx overlaps line %u",
			    (unsigned long long)e->start, (unsigned long long)e->end, sibling->line);
	else if (sibling && e->start < sibling->start)
		hr_diag_add(diags, HR_E_PARSE, path, lineno, "%#llx-%#llx is out of order: it starts "
			    "below line %u, which the kernel lists first",
			    (unsigned long long)e->start, (unsigned long long)e->end, sibling->line);
}

static void lose_line(struct hr_iomem *io, unsigned lineno)
{
	if (!io->lines_skipped++ && !io->rest_missing)
		io->first_lost_line = lineno;
}

static void lose_rest(struct hr_iomem *io, unsigned lineno)
{
	if (!io->lines_skipped)
		io->first_lost_line = lineno;
	io->rest_missing = true;
}

enum hr_status hr_iomem_parse(const char *buf, size_t len, const char *path, struct hr_iomem *out,
			      struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0, prev_depth = 0;
	size_t cap = 0, nonzero = 0;
	/* last[d]: index + 1 of the latest entry at depth d, for the nesting checks (0: none). */
	size_t last[IOMEM_MAX_DEPTH + 1] = {0};
	struct hr_iomem io = {0};

	*out = (struct hr_iomem){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct hr_iomem_entry e = {0};
		bool escaped = false;
		enum hr_status line_st;

		if (!eol)
			eol = end;
		lineno++;
		if (eol == p) {
			p = eol + 1;
			continue;
		}
		line_st = parse_line(p, eol, &e, &escaped);
		if (line_st == HR_E_NOMEM) {
			hr_iomem_free(&io);
			return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
		}
		if (escaped)
			hr_diag_add(diags, HR_E_PARSE, path, lineno, "the name holds bytes that are not "
				    "UTF-8 text, kept escaped: \"%s\"", e.name);
		if (line_st || e.end < e.start || e.depth > prev_depth + 1 || (io.count == 0 && e.depth > 0) ||
		    e.depth > IOMEM_MAX_DEPTH)
			lose_line(&io, lineno);
		if (line_st) {
			char quoted[512];

			hr_diag_add(diags, HR_E_PARSE, path, lineno, "not an iomem line, skipped: \"%s\"",
				    hr_quote(p, (size_t)(eol - p), 80, quoted, sizeof(quoted)));
		} else if (e.end < e.start) {
			hr_diag_add(diags, HR_E_PARSE, path, lineno, "end %#llx is below start %#llx, skipped",
				    (unsigned long long)e.end, (unsigned long long)e.start);
			free(e.name);
		} else if (e.depth > prev_depth + 1 || (io.count == 0 && e.depth > 0) ||
			   e.depth > IOMEM_MAX_DEPTH) {
			hr_diag_add(diags, HR_E_PARSE, path, lineno, "indented deeper than its parent, skipped");
			free(e.name);
		} else {
			enum hr_status grown = hr_grow(&io.entries, &cap, io.count, sizeof(e),
						       IOMEM_MAX_ENTRIES);
			char *kept;

			if (e.start || e.end)	/* zeroed lines (unprivileged reader) say nothing */
				check_nesting(&io, last, &e, lineno, path, diags);
			if (grown == HR_E_RANGE) {
				lose_rest(&io, lineno);
				free(e.name);
				hr_diag_add(diags, HR_E_RANGE, path, lineno,
					    "more than %u entries, the rest is ignored", IOMEM_MAX_ENTRIES);
				break;
			}
			kept = grown ? NULL : keep_name(&io, e.name);
			free(e.name);
			if (!kept) {
				hr_iomem_free(&io);
				return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
			}
			e.name = kept;
			e.line = lineno;
			io.entries[io.count++] = e;
			last[e.depth] = io.count;
			if (e.depth < IOMEM_MAX_DEPTH)
				last[e.depth + 1] = 0;
			prev_depth = e.depth;
			if (e.depth == 0)
				io.top_count++;
			if (e.start || e.end)
				nonzero++;
		}
		p = eol + 1;
	}
	/* The kernel ends every line: a file that stops inside one was cut short. */
	if (len && buf[len - 1] != '\n') {
		lose_rest(&io, lineno);
		hr_diag_add(diags, HR_E_TRUNCATED, path, lineno, "the file ends inside this line: it was "
			    "cut short, and the entries after it are missing");
	}
	if (io.count == 0) {
		hr_iomem_free(&io);
		return hr_fail(err, HR_E_PARSE, path, 0, "no iomem entries found");
	}
	if (nonzero == 0) {
		hr_iomem_free(&io);
		return hr_fail(err, HR_E_ACCESS, path, 0,
			       "every address is zero: the kernel hides them from readers without "
			       "CAP_SYS_ADMIN, run as root");
	}
	*out = io;
	return HR_OK;
}

enum hr_status hr_iomem_read(const struct hr_root *root, struct hr_iomem *out,
			     struct hr_diags *diags, struct hr_error *err)
{
	char *buf;
	size_t len;
	enum hr_status st = hr_read_file(root, IOMEM_PATH, IOMEM_MAX_BYTES, &buf, &len, err);

	if (st)
		return st;
	st = hr_iomem_parse(buf, len, IOMEM_PATH, out, diags, err);
	free(buf);
	return st;
}

bool hr_iomem_ram_bounds(const struct hr_iomem *iomem, uint64_t *bottom, uint64_t *top)
{
	bool found = false;

	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];

		if (e->depth || strcmp(e->name, "System RAM") != 0)
			continue;
		if (!found || e->start < *bottom)
			*bottom = e->start;
		if (!found || e->end > *top)
			*top = e->end;
		found = true;
	}
	return found;
}

void hr_iomem_free(struct hr_iomem *iomem)
{
	while (iomem->names) {
		struct hr_iomem_names *next = iomem->names->next;

		free(iomem->names);
		iomem->names = next;
	}
	free(iomem->entries);
	*iomem = (struct hr_iomem){0};
}
