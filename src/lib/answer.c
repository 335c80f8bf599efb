// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/answer.h"
#include "headroom/parse.h"
#include "headroom/report.h"


/* The space-separated words of one line, without copying it. */
struct words {
	const char *w[4];
	size_t len[4];
	size_t n;		/* more than 4 counts as 5 */
};

static void split_words(const char *p, const char *eol, struct words *out)
{
	out->n = 0;
	while (p < eol) {
		const char *w = p;

		while (p < eol && *p != ' ')
			p++;
		if (p > w) {
			if (out->n == 4) {
				out->n = 5;
				return;
			}
			out->w[out->n] = w;
			out->len[out->n++] = (size_t)(p - w);
		}
		while (p < eol && *p == ' ')
			p++;
	}
}

static bool word_is(const struct words *ws, size_t i, const char *text)
{
	return i < ws->n && ws->len[i] == strlen(text) && memcmp(ws->w[i], text, ws->len[i]) == 0;
}

static bool word_number(const struct words *ws, size_t i, uint64_t *out)
{
	char text[24];

	if (i >= ws->n || ws->len[i] >= sizeof(text))
		return false;
	memcpy(text, ws->w[i], ws->len[i]);
	text[ws->len[i]] = '\0';
	return hr_parse_u64(text, out);
}

/* "0x1000-0x1fff" */
static bool word_range(const struct words *ws, size_t i, struct hr_range *r)
{
	const char *dash = i < ws->n ? memchr(ws->w[i], '-', ws->len[i]) : NULL;

	return dash && hr_parse_hex(ws->w[i], dash, &r->start) &&
	       hr_parse_hex(dash + 1, ws->w[i] + ws->len[i], &r->end) && r->start <= r->end;
}

/* "-34": a negative errno. */
static bool word_errno(const struct words *ws, size_t i, int *out)
{
	uint64_t v;
	struct words rest = *ws;

	if (i >= ws->n || ws->len[i] < 2 || ws->w[i][0] != '-')
		return false;
	rest.w[i]++;
	rest.len[i]--;
	if (!word_number(&rest, i, &v) || v == 0 || v > 4095)	/* MAX_ERRNO */
		return false;
	*out = -(int)v;
	return true;
}

/* "request SIZE START-END" or "request SIZE error -ERRNO" */
static bool parse_request(const struct words *ws, struct hr_answer_request *r)
{
	if (!word_number(ws, 1, &r->size) || hr_request_check(r->size, NULL))
		return false;
	if (word_is(ws, 2, "error"))
		return ws->n == 4 && word_errno(ws, 3, &r->error);
	r->placed = true;
	return ws->n == 3 && word_range(ws, 2, &r->range);
}

enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	size_t cap = 0;
	bool have_iomem = false;
	char quoted[200];

	(void)diags;	/* a partial answer proves nothing: every problem is fatal */
	*out = (struct hr_answer){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	for (; p < end; p = p < end ? p + 1 : end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line = p;
		struct words ws;
		const char *problem = NULL;

		if (!eol)
			eol = end;
		p = eol;
		lineno++;
		if (memchr(line, '\0', (size_t)(eol - line)))
			return hr_fail(err, HR_E_PARSE, path, lineno, "NUL byte in the line");
		if (lineno == 1) {
			if ((size_t)(eol - line) != strlen(HR_ANSWER_MAGIC) ||
			    memcmp(line, HR_ANSWER_MAGIC, (size_t)(eol - line)) != 0)
				return hr_fail(err, HR_E_PARSE, path, 1,
					       "not a kernel answer: expected \"%s\"", HR_ANSWER_MAGIC);
			continue;
		}
		split_words(line, eol, &ws);
		if (word_is(&ws, 0, "release") && eol - line > 8) {
			hr_quote(line + 8, (size_t)(eol - line - 8), sizeof(out->release),
				 out->release, sizeof(out->release));
		} else if (word_is(&ws, 0, "iomem_end")) {
			if (ws.n != 2 || !word_number(&ws, 1, &out->iomem_end))
				problem = "bad iomem_end";
			have_iomem = true;
		} else if (word_is(&ws, 0, "direct_map_end")) {
			out->have_direct_map_end = !word_is(&ws, 1, "absent");
			if (ws.n != 2 || (out->have_direct_map_end &&
					  !word_number(&ws, 1, &out->direct_map_end)))
				problem = "bad direct_map_end";
		} else if (word_is(&ws, 0, "request")) {
			enum hr_status grown = hr_grow(&out->requests, &cap, out->count,
						       sizeof(*out->requests), HR_MAX_REQUESTS);

			if (grown) {
				hr_answer_free(out);
				return grown == HR_E_RANGE
				       ? hr_fail(err, HR_E_RANGE, path, lineno, "more than %d requests",
						 HR_MAX_REQUESTS)
				       : hr_fail(err, HR_E_NOMEM, path, lineno, "out of memory");
			}
			out->requests[out->count] = (struct hr_answer_request){0};
			if (!parse_request(&ws, &out->requests[out->count++]))
				problem = "expected \"request SIZE START-END\" or \"request SIZE error "
					  "-ERRNO\" with SIZE from 1 to 2^62 - 1";
		} else if (word_is(&ws, 0, "error") || word_is(&ws, 0, "truncated")) {
			/* The probe could not answer everything: a partial answer proves nothing. */
			problem = "the probe reported";
		}
		/* Other lines (extra limits the probe prints for people) are not part of v1. */
		if (problem) {
			hr_answer_free(out);
			return hr_fail(err, HR_E_PARSE, path, lineno, "%s: \"%s\"", problem,
				       hr_quote(line, (size_t)(eol - line), 120, quoted, sizeof(quoted)));
		}
	}
	if (lineno == 0)
		return hr_fail(err, HR_E_PARSE, path, 0, "empty kernel answer");
	if (!have_iomem || !out->count) {
		hr_answer_free(out);
		return hr_fail(err, HR_E_PARSE, path, 0, "no %s line", have_iomem ? "request" : "iomem_end");
	}
	return HR_OK;
}

void hr_answer_free(struct hr_answer *answer)
{
	free(answer->requests);
	memset(answer, 0, sizeof(*answer));
}

void hr_answer_sizes(const struct hr_answer *answer, uint64_t *sizes)
{
	for (size_t i = 0; i < answer->count; i++)
		sizes[i] = answer->requests[i].size;
}

static struct hr_check *add_check(struct hr_comparison *cmp, const char *what)
{
	struct hr_check *grown = realloc(cmp->checks, (cmp->count + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	cmp->checks = grown;
	memset(&grown[cmp->count], 0, sizeof(*grown));
	snprintf(grown[cmp->count].what, sizeof(grown->what), "%s", what);
	return &grown[cmp->count++];
}

static void range_text(char *buf, size_t len, bool placed, struct hr_range r, int error)
{
	if (placed)
		snprintf(buf, len, "%#llx-%#llx", (unsigned long long)r.start, (unsigned long long)r.end);
	else
		snprintf(buf, len, "error %d", error);
}

static bool compare_value(struct hr_comparison *cmp, const char *what, uint64_t predicted,
			  uint64_t kernel)
{
	struct hr_check *c = add_check(cmp, what);

	if (!c)
		return false;
	snprintf(c->predicted, sizeof(c->predicted), "%#llx", (unsigned long long)predicted);
	snprintf(c->kernel, sizeof(c->kernel), "%#llx", (unsigned long long)kernel);
	c->agrees = predicted == kernel;
	return true;
}

enum hr_status hr_answer_compare(const struct hr_answer *answer, const struct hr_audit *audit,
				 struct hr_comparison *out)
{
	const struct hr_model *m = &audit->model;
	char what[64], size[32];

	memset(out, 0, sizeof(*out));
	if (!compare_value(out, "iomem_resource.end", m->iomem_end.value, answer->iomem_end))
		goto nomem;
	if (answer->have_direct_map_end &&
	    !compare_value(out, "direct-map end", m->direct_map_end.value, answer->direct_map_end))
		goto nomem;
	for (size_t i = 0; i < answer->count; i++) {
		const struct hr_answer_request *k = &answer->requests[i];
		const struct hr_request_result *p = i < audit->n_requests ? &audit->requests[i] : NULL;
		struct hr_check *c;

		snprintf(what, sizeof(what), "request %zu (%s)", i + 1,
			 hr_format_size(k->size, false, size, sizeof(size)));
		c = add_check(out, what);
		if (!c)
			goto nomem;
		range_text(c->kernel, sizeof(c->kernel), k->placed, k->range, k->error);
		if (!p || p->size != k->size || p->legacy == HR_VERDICT_UNKNOWN) {
			snprintf(c->predicted, sizeof(c->predicted), "not predicted");
			continue;
		}
		/* The kernel returns -ERANGE for every failed search from 6.0 on. */
		range_text(c->predicted, sizeof(c->predicted), p->placed, p->placement, -34);
		c->agrees = p->placed == k->placed &&
			    (!k->placed || (p->placement.start == k->range.start &&
					    p->placement.end == k->range.end));
	}
	for (size_t i = 0; i < out->count; i++)
		out->agreements += out->checks[i].agrees;
	return HR_OK;
nomem:
	hr_comparison_free(out);
	return HR_E_NOMEM;
}

void hr_comparison_free(struct hr_comparison *cmp)
{
	free(cmp->checks);
	memset(cmp, 0, sizeof(*cmp));
}
