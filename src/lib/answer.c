// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/answer.h"
#include "headroom/parse.h"
#include "headroom/report.h"

#define ANSWER_MAGIC "# headroom kernel answer v1"
#define ANSWER_MAX_REQUESTS 4096

/* "0x1000-0x1fff" */
static bool parse_range(const char *s, struct hr_range *r)
{
	const char *dash = strchr(s, '-');

	return dash && hr_parse_hex(s, dash, &r->start) &&
	       hr_parse_hex(dash + 1, dash + 1 + strlen(dash + 1), &r->end) && r->start <= r->end;
}

static bool parse_request(char *rest, struct hr_answer_request *r)
{
	char *size = strtok(rest, " "), *what = strtok(NULL, " "), *code = strtok(NULL, " ");

	if (!size || !what || !hr_parse_u64(size, &r->size) || r->size == 0)
		return false;
	if (strcmp(what, "error") == 0) {
		char *end;
		long e = code ? strtol(code, &end, 10) : 0;

		r->placed = false;
		r->error = (int)e;
		return code && *end == '\0' && e < 0 && !strtok(NULL, " ");
	}
	r->placed = true;
	return !code && parse_range(what, &r->range);
}

enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_error *err)
{
	struct hr_answer a = {0};
	char *text = strndup(buf, len), *save = NULL;
	unsigned lineno = 0;
	bool magic = false, have_iomem = false;
	enum hr_status st = HR_OK;

	if (!text)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	for (char *line = strtok_r(text, "\n", &save); line && !st; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *rest = sp ? sp + 1 : NULL;

		lineno++;
		if (lineno == 1) {
			magic = strcmp(line, ANSWER_MAGIC) == 0;
			if (!magic)
				st = hr_fail(err, HR_E_PARSE, path, 1, "not a kernel answer: expected \"%s\"",
					     ANSWER_MAGIC);
			continue;
		}
		if (sp)
			*sp = '\0';
		if (strcmp(line, "release") == 0 && rest) {
			snprintf(a.release, sizeof(a.release), "%s", rest);
		} else if (strcmp(line, "iomem_end") == 0 && rest && hr_parse_u64(rest, &a.iomem_end)) {
			have_iomem = true;
		} else if (strcmp(line, "direct_map_end") == 0 && rest) {
			a.have_direct_map_end = strcmp(rest, "absent") != 0;
			if (a.have_direct_map_end && !hr_parse_u64(rest, &a.direct_map_end))
				st = hr_fail(err, HR_E_PARSE, path, lineno, "bad direct_map_end \"%s\"", rest);
		} else if (strcmp(line, "request") == 0 && rest) {
			struct hr_answer_request *grown;

			if (a.count == ANSWER_MAX_REQUESTS) {
				st = hr_fail(err, HR_E_RANGE, path, lineno, "more than %d requests",
					     ANSWER_MAX_REQUESTS);
				break;
			}
			grown = realloc(a.requests, (a.count + 1) * sizeof(*grown));
			if (!grown) {
				st = hr_fail(err, HR_E_NOMEM, path, lineno, "out of memory");
				break;
			}
			a.requests = grown;
			memset(&a.requests[a.count], 0, sizeof(*grown));
			if (!parse_request(rest, &a.requests[a.count]))
				st = hr_fail(err, HR_E_PARSE, path, lineno,
					     "expected \"request SIZE START-END\" or \"request SIZE error -ERRNO\"");
			a.count++;
		} else if (strcmp(line, "error") == 0 || strcmp(line, "truncated") == 0) {
			/* The probe could not answer everything: a partial answer proves nothing. */
			st = hr_fail(err, HR_E_PARSE, path, lineno, "the probe reported: %s%s%s", line,
				     rest ? " " : "", rest ? rest : "");
		}
		/* Other lines (extra limits the probe prints for people) are not part of v1. */
	}
	free(text);
	if (!st && !magic)
		st = hr_fail(err, HR_E_PARSE, path, 0, "empty kernel answer");
	if (!st && (!have_iomem || !a.count))
		st = hr_fail(err, HR_E_PARSE, path, 0, "no %s line", have_iomem ? "request" : "iomem_end");
	if (st) {
		hr_answer_free(&a);
		return st;
	}
	*out = a;
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
