// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/answer.h"
#include "headroom/parse.h"
#include "headroom/report.h"

#define ANSWER_MAGIC "# headroom kernel answer v"
#define ANSWER_MAX_REQUESTS 4096
#define KVMALLOC_MAX 0x7fffffffull	/* __kvmalloc_node(): sizes above INT_MAX are refused */

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

static bool parse_signed(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return false;
	v = strtoll(s, &end, 10);
	*out = v;
	return *end == '\0';
}

/* "0x<size> offset 0x<a>-0x<b> | error -N, alloc 0x.. memavail N vmalloc N slab N warn yes|no|unknown" */
static bool parse_pagemap(char *rest, struct hr_answer_pagemap *p)
{
	char *size = strtok(rest, " "), *what = strtok(NULL, " "), *where = strtok(NULL, " ");
	char *key, *val;
	unsigned seen = 0;

	if (!size || !what || !where || !hr_parse_u64(size, &p->size) || p->size == 0)
		return false;
	if (strcmp(what, "offset") == 0) {
		p->ok = true;
		if (!parse_range(where, &p->offsets))
			return false;
	} else if (strcmp(what, "error") == 0) {
		int64_t e;

		if (!parse_signed(where, &e) || e >= 0 || e < -4095)
			return false;
		p->error = (int)e;
	} else {
		return false;
	}
	while ((key = strtok(NULL, " ")) && (val = strtok(NULL, " "))) {
		if (strcmp(key, "alloc") == 0 && hr_parse_u64(val, &p->alloc))
			seen |= 1;
		else if (strcmp(key, "memavail") == 0 && parse_signed(val, &p->memavail))
			seen |= 2;
		else if (strcmp(key, "vmalloc") == 0 && parse_signed(val, &p->vmalloc))
			seen |= 4;
		else if (strcmp(key, "slab") == 0 && parse_signed(val, &p->slab))
			seen |= 8;
		else if (strcmp(key, "warn") == 0 && strcmp(val, "yes") == 0)
			p->warn = HR_WARN_YES, seen |= 16;
		else if (strcmp(key, "warn") == 0 && strcmp(val, "no") == 0)
			p->warn = HR_WARN_NO, seen |= 16;
		else if (strcmp(key, "warn") == 0 && strcmp(val, "unknown") == 0)
			p->warn = HR_WARN_UNKNOWN, seen |= 16;
		else
			return false;
	}
	return seen == 31 && !key;
}

/* Grow *array of *count elements of size each by one zeroed element. */
static void *grow(void *array, size_t *count, size_t size)
{
	char *grown = realloc(array, (*count + 1) * size);

	if (grown)
		memset(grown + *count * size, 0, size);
	return grown;
}

enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_error *err)
{
	struct hr_answer a = {0};
	char *text = strndup(buf, len), *save = NULL;
	unsigned lineno = 0;
	bool magic = false, have_iomem = false, have_new_scheme = false;
	enum hr_status st = HR_OK;

	if (!text)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	for (char *line = strtok_r(text, "\n", &save); line && !st; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), *rest = sp ? sp + 1 : NULL;

		lineno++;
		if (lineno == 1) {
			magic = strcmp(line, ANSWER_MAGIC "1") == 0 || strcmp(line, ANSWER_MAGIC "2") == 0;
			if (!magic)
				st = hr_fail(err, HR_E_PARSE, path, 1, "not a kernel answer: expected "
					     "\"%s1\" or \"%s2\"", ANSWER_MAGIC, ANSWER_MAGIC);
			a.version = line[strlen(ANSWER_MAGIC)] - '0';
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
			grown = grow(a.requests, &a.count, sizeof(*grown));
			if (!grown) {
				st = hr_fail(err, HR_E_NOMEM, path, lineno, "out of memory");
				break;
			}
			a.requests = grown;
			if (!parse_request(rest, &a.requests[a.count]))
				st = hr_fail(err, HR_E_PARSE, path, lineno,
					     "expected \"request SIZE START-END\" or \"request SIZE error -ERRNO\"");
			a.count++;
		} else if (a.version == 2 && strcmp(line, "new_scheme") == 0 && rest) {
			have_new_scheme = strcmp(rest, "present") == 0 || strcmp(rest, "absent") == 0;
			a.new_scheme = strcmp(rest, "present") == 0;
			if (!have_new_scheme)
				st = hr_fail(err, HR_E_PARSE, path, lineno, "bad new_scheme \"%s\"", rest);
		} else if (a.version == 2 && strcmp(line, "pagemap") == 0 && rest) {
			struct hr_answer_pagemap *grown;

			if (a.n_pagemaps == ANSWER_MAX_REQUESTS) {
				st = hr_fail(err, HR_E_RANGE, path, lineno, "more than %d pagemaps",
					     ANSWER_MAX_REQUESTS);
				break;
			}
			grown = grow(a.pagemaps, &a.n_pagemaps, sizeof(*grown));
			if (!grown) {
				st = hr_fail(err, HR_E_NOMEM, path, lineno, "out of memory");
				break;
			}
			a.pagemaps = grown;
			if (!parse_pagemap(rest, &a.pagemaps[a.n_pagemaps]))
				st = hr_fail(err, HR_E_PARSE, path, lineno,
					     "expected \"pagemap SIZE offset START-END|error -ERRNO alloc BYTES "
					     "memavail N vmalloc N slab N warn yes|no|unknown\"");
			a.n_pagemaps++;
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
	if (!st && a.version == 2 && !have_new_scheme)
		st = hr_fail(err, HR_E_PARSE, path, 0, "no new_scheme line in a v2 answer");
	if (!st && a.n_pagemaps && !a.new_scheme)
		st = hr_fail(err, HR_E_PARSE, path, 0, "pagemap lines, but new_scheme absent");
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
	free(answer->pagemaps);
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

/* What the kernel's return says, in the prediction's words: -ENOMEM for an allocation above
 * INT_MAX is kvzalloc() refusing the struct pages (too-large), -EBUSY the maple tree out of
 * offsets (no-space); anything else is reported as the errno. */
static void pagemap_verdict(const struct hr_answer_pagemap *k, char *buf, size_t len)
{
	if (k->ok)
		snprintf(buf, len, "fits");
	else if (k->error == -12 && k->alloc > KVMALLOC_MAX)
		snprintf(buf, len, "too-large");
	else if (k->error == -16)
		snprintf(buf, len, "no-space");
	else
		snprintf(buf, len, "error %d", k->error);
}

static enum hr_status compare_pagemaps(const struct hr_answer *answer, const struct hr_audit *audit,
				       struct hr_comparison *out)
{
	bool warn_seen = false;	/* kvmalloc's WARN_ON_ONCE: only the first refusal can show it */
	char what[64], size[32];
	struct hr_check *c;

	c = add_check(out, "new scheme present");
	if (!c)
		return HR_E_NOMEM;
	snprintf(c->predicted, sizeof(c->predicted), "%s", audit->model.new_scheme ? "yes" : "no");
	snprintf(c->kernel, sizeof(c->kernel), "%s", answer->new_scheme ? "yes" : "no");
	c->agrees = audit->model.new_scheme == answer->new_scheme;
	for (size_t i = 0; i < answer->n_pagemaps; i++) {
		const struct hr_answer_pagemap *k = &answer->pagemaps[i];
		const struct hr_request_result *p = i < audit->n_requests && audit->requests[i].size == k->size
							    ? &audit->requests[i] : NULL;
		uint64_t diff;

		hr_format_size(k->size, false, size, sizeof(size));
		snprintf(what, sizeof(what), "pagemap %zu (%s)", i + 1, size);
		c = add_check(out, what);
		if (!c)
			return HR_E_NOMEM;
		pagemap_verdict(k, c->kernel, sizeof(c->kernel));
		if (!p) {
			snprintf(c->predicted, sizeof(c->predicted), "not predicted");
			continue;
		}
		snprintf(c->predicted, sizeof(c->predicted), "%s", hr_new_verdict_name(p->new_scheme));
		c->agrees = strcmp(c->predicted, c->kernel) == 0;

		snprintf(what, sizeof(what), "pagemap %zu struct pages", i + 1);
		if (!compare_value(out, what, p->ram_cost, k->alloc))
			return HR_E_NOMEM;
		if (k->ok) {
			snprintf(what, sizeof(what), "pagemap %zu RAM taken", i + 1);
			c = add_check(out, what);
			if (!c)
				return HR_E_NOMEM;
			snprintf(c->predicted, sizeof(c->predicted), "%#llx (1%% + %llu MiB)",
				 (unsigned long long)p->ram_cost, HR_PAGEMAP_RAM_SLACK >> 20);
			snprintf(c->kernel, sizeof(c->kernel), "%lld", (long long)k->memavail);
			diff = k->memavail > (int64_t)p->ram_cost ? (uint64_t)k->memavail - p->ram_cost
								   : p->ram_cost - (uint64_t)k->memavail;
			c->agrees = k->memavail >= 0 && diff <= p->ram_cost / 100 + HR_PAGEMAP_RAM_SLACK;
		}
		if (p->new_scheme == HR_NEW_TOO_LARGE && !warn_seen) {
			warn_seen = true;
			snprintf(what, sizeof(what), "pagemap %zu kvmalloc WARN", i + 1);
			c = add_check(out, what);
			if (!c)
				return HR_E_NOMEM;
			snprintf(c->predicted, sizeof(c->predicted), "yes");
			snprintf(c->kernel, sizeof(c->kernel), "%s",
				 k->warn == HR_WARN_YES ? "yes" : k->warn == HR_WARN_NO ? "no" : "unknown");
			c->agrees = k->warn == HR_WARN_YES;
		}
	}
	return HR_OK;
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
	if (answer->version == 2 && compare_pagemaps(answer, audit, out))
		goto nomem;
	for (size_t i = 0; i < out->count; i++)
		out->agreements += out->checks[i].agrees;
	return HR_OK;
nomem:
	hr_comparison_free(out);
	return HR_E_NOMEM;
}

enum hr_status hr_test_hmm_parse(const char *buf, size_t len, const char *path,
				 struct hr_test_hmm *out, struct hr_error *err)
{
	char *text = strndup(buf, len), *save = NULL;
	unsigned lineno = 0;
	bool have_insmod = false;
	enum hr_status st = HR_OK;

	memset(out, 0, sizeof(*out));
	if (!text)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	for (char *line = strtok_r(text, "\n", &save); line && !st; line = strtok_r(NULL, "\n", &save)) {
		struct hr_range r;
		int64_t rc;

		if (++lineno == 1) {
			if (strcmp(line, "# headroom test_hmm v1") != 0)
				st = hr_fail(err, HR_E_PARSE, path, 1,
					     "not a test_hmm record: expected \"# headroom test_hmm v1\"");
		} else if (strncmp(line, "insmod ", 7) == 0 && parse_signed(line + 7, &rc)) {
			have_insmod = true;
			out->loaded = rc == 0;
		} else if (strncmp(line, "iomem ", 6) == 0 && parse_range(line + 6, &r)) {
			size_t i = out->n_carves;

			if (i == sizeof(out->carves) / sizeof(out->carves[0])) {
				st = hr_fail(err, HR_E_RANGE, path, lineno, "too many hmm_dmirror ranges");
				break;
			}
			for (; i > 0 && out->carves[i - 1].start > r.start; i--)
				out->carves[i] = out->carves[i - 1];
			out->carves[i] = r;
			out->n_carves++;
		} else if (strncmp(line, "chunk ", 6) != 0) {
			st = hr_fail(err, HR_E_PARSE, path, lineno, "unexpected line \"%s\"", line);
		}
	}
	free(text);
	if (!st && !have_insmod)
		st = hr_fail(err, HR_E_PARSE, path, 0, "no insmod line");
	return st;
}

static enum hr_status test_hmm_checks(const struct hr_test_hmm *th, const struct hr_audit *audit,
				      struct hr_comparison *cmp)
{
	bool new_scheme = audit->model.new_scheme, loads = audit->n_requests == HR_TEST_HMM_CHUNKS;
	struct hr_range predicted[HR_TEST_HMM_CHUNKS];
	size_t n_predicted = 0;
	struct hr_check *c;

	for (size_t i = 0; i < audit->n_requests; i++) {
		const struct hr_request_result *r = &audit->requests[i];

		loads &= new_scheme ? r->new_scheme == HR_NEW_FITS : r->placed;
		if (!new_scheme && r->placed && n_predicted < HR_TEST_HMM_CHUNKS)
			predicted[n_predicted++] = r->placement;
	}
	/* each carve goes below the one before: address order is the reverse */
	if (n_predicted == 2 && predicted[0].start > predicted[1].start) {
		struct hr_range t = predicted[0];

		predicted[0] = predicted[1];
		predicted[1] = t;
	}
	c = add_check(cmp, "test_hmm loads");
	if (!c)
		return HR_E_NOMEM;
	snprintf(c->predicted, sizeof(c->predicted), "%s", loads ? "yes" : "no");
	snprintf(c->kernel, sizeof(c->kernel), "%s", th->loaded ? "yes" : "no");
	c->agrees = loads == th->loaded;
	if (!th->loaded)
		return HR_OK;
	if (!loads)
		n_predicted = 0;	/* a failed load releases what it carved */
	c = add_check(cmp, "test_hmm physical carves");
	if (!c)
		return HR_E_NOMEM;
	snprintf(c->predicted, sizeof(c->predicted), "%zu", n_predicted);
	snprintf(c->kernel, sizeof(c->kernel), "%zu", th->n_carves);
	c->agrees = n_predicted == th->n_carves;
	for (size_t i = 0; c->agrees && i < n_predicted; i++) {
		char what[64];

		snprintf(what, sizeof(what), "test_hmm chunk %zu", i + 1);
		c = add_check(cmp, what);
		if (!c)
			return HR_E_NOMEM;
		range_text(c->predicted, sizeof(c->predicted), true, predicted[i], 0);
		range_text(c->kernel, sizeof(c->kernel), true, th->carves[i], 0);
		c->agrees = predicted[i].start == th->carves[i].start && predicted[i].end == th->carves[i].end;
	}
	return HR_OK;
}

enum hr_status hr_test_hmm_compare(const struct hr_test_hmm *th, const struct hr_audit *audit,
				   struct hr_comparison *cmp)
{
	size_t first = cmp->count;
	enum hr_status st = test_hmm_checks(th, audit, cmp);

	for (size_t i = first; i < cmp->count; i++)
		cmp->agreements += cmp->checks[i].agrees;
	return st;
}

void hr_comparison_free(struct hr_comparison *cmp)
{
	free(cmp->checks);
	memset(cmp, 0, sizeof(*cmp));
}
