// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/answer.h"
#include "headroom/parse.h"
#include "headroom/size_format.h"
#include "headroom_answer.h"

#define KVMALLOC_MAX 0x7fffffffull	/* __kvmalloc_node(): sizes above INT_MAX are refused */
#define WORDS_MAX 14			/* the longest line: a v2 "pagemap" line */

/* The space-separated words of one line, without copying it. */
struct words {
	const char *w[WORDS_MAX];
	size_t len[WORDS_MAX];
	size_t n;		/* more than WORDS_MAX counts as WORDS_MAX + 1 */
};

static void split_words(const char *p, const char *eol, struct words *out)
{
	out->n = 0;
	while (p < eol) {
		const char *w = p;

		while (p < eol && *p != ' ')
			p++;
		if (p > w) {
			if (out->n == WORDS_MAX) {
				out->n = WORDS_MAX + 1;
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

/* A signed decimal: "-4096", "123". */
static bool word_signed(const struct words *ws, size_t i, int64_t *out)
{
	struct words rest = *ws;
	bool negative = i < ws->n && ws->len[i] > 1 && ws->w[i][0] == '-';
	uint64_t v;

	if (negative) {
		rest.w[i]++;
		rest.len[i]--;
	}
	if (!word_number(&rest, i, &v) || v > INT64_MAX || (rest.len[i] > 1 && rest.w[i][0] == '0'
							     && rest.w[i][1] == 'x'))
		return false;
	*out = negative ? -(int64_t)v : (int64_t)v;
	return true;
}

/* "pagemap SIZE offset START-END|error -ERRNO alloc BYTES memavail N vmalloc N slab N warn W" */
static bool parse_pagemap(const struct words *ws, struct hr_answer_pagemap *p)
{
	if (ws->n != 14 || !word_number(ws, 1, &p->size) || hr_request_check(p->size, NULL))
		return false;
	if (word_is(ws, 2, "offset"))
		p->ok = word_range(ws, 3, &p->offsets);
	else if (!word_is(ws, 2, "error") || !word_errno(ws, 3, &p->error))
		return false;
	if (word_is(ws, 13, "yes"))
		p->warn = HR_WARN_YES;
	else if (word_is(ws, 13, "unknown"))
		p->warn = HR_WARN_UNKNOWN;
	else if (!word_is(ws, 13, "no"))
		return false;
	return (p->ok || p->error) && word_is(ws, 4, "alloc") && word_number(ws, 5, &p->alloc) &&
	       word_is(ws, 6, "memavail") && word_signed(ws, 7, &p->memavail) &&
	       word_is(ws, 8, "vmalloc") && word_signed(ws, 9, &p->vmalloc) &&
	       word_is(ws, 10, "slab") && word_signed(ws, 11, &p->slab) && word_is(ws, 12, "warn");
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

/* Room for one more request or pagemap line, or the reason there is none. */
static enum hr_status grow_line(void *items, size_t *cap, size_t count, size_t size, const char *what,
				const char *path, unsigned lineno, struct hr_error *err)
{
	enum hr_status grown = hr_grow(items, cap, count, size, HR_MAX_REQUESTS);

	if (grown == HR_E_RANGE)
		return hr_fail(err, HR_E_RANGE, path, lineno, "more than %d %s", HR_MAX_REQUESTS, what);
	if (grown)
		return hr_fail(err, HR_E_NOMEM, path, lineno, "out of memory");
	return HR_OK;
}

enum hr_status hr_answer_parse(const char *buf, size_t len, const char *path,
			       struct hr_answer *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	size_t cap = 0, pagemap_cap = 0;
	bool have_iomem = false, have_new_scheme = false;
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
			if ((size_t)(eol - line) == strlen(HR_ANSWER_MAGIC) &&
			    memcmp(line, HR_ANSWER_MAGIC, (size_t)(eol - line)) == 0)
				out->version = 1;
			else if ((size_t)(eol - line) == strlen(HR_ANSWER_MAGIC_V2) &&
				 memcmp(line, HR_ANSWER_MAGIC_V2, (size_t)(eol - line)) == 0)
				out->version = 2;
			else
				return hr_fail(err, HR_E_PARSE, path, 1,
					       "not a kernel answer: expected \"%s\" or v2", HR_ANSWER_MAGIC);
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
			enum hr_status grown = grow_line(&out->requests, &cap, out->count,
							 sizeof(*out->requests), "requests", path,
							 lineno, err);

			if (grown) {
				hr_answer_free(out);
				return grown;
			}
			out->requests[out->count] = (struct hr_answer_request){0};
			if (!parse_request(&ws, &out->requests[out->count++]))
				problem = "expected \"request SIZE START-END\" or \"request SIZE error "
					  "-ERRNO\" with SIZE from 1 to 2^62 - 1";
		} else if (word_is(&ws, 0, "error") || word_is(&ws, 0, HR_ANSWER_TRUNCATED)) {
			/* The probe could not answer everything: a partial answer proves nothing. */
			problem = "the probe reported";
		} else if (out->version == 2 && word_is(&ws, 0, "new_scheme")) {
			out->new_scheme = word_is(&ws, 1, "present");
			if (ws.n != 2 || (!out->new_scheme && !word_is(&ws, 1, "absent")))
				problem = "expected \"new_scheme present\" or \"new_scheme absent\"";
			have_new_scheme = true;
		} else if (out->version == 2 && word_is(&ws, 0, "pagemap")) {
			enum hr_status grown = grow_line(&out->pagemaps, &pagemap_cap, out->n_pagemaps,
							 sizeof(*out->pagemaps), "pagemaps", path,
							 lineno, err);

			if (grown) {
				hr_answer_free(out);
				return grown;
			}
			out->pagemaps[out->n_pagemaps] = (struct hr_answer_pagemap){0};
			if (!parse_pagemap(&ws, &out->pagemaps[out->n_pagemaps++]))
				problem = "expected \"pagemap SIZE offset START-END|error -ERRNO alloc BYTES "
					  "memavail N vmalloc N slab N warn yes|no|unknown\"";
		}
		/* Other lines (extra limits the probe prints for people) are not part of the answer. */
		if (problem) {
			hr_answer_free(out);
			return hr_fail(err, HR_E_PARSE, path, lineno, "%s: \"%s\"", problem,
				       hr_quote(line, (size_t)(eol - line), 120, quoted, sizeof(quoted)));
		}
	}
	if (lineno == 0)
		return hr_fail(err, HR_E_PARSE, path, 0, "empty kernel answer");
	if (out->version == 2 && (!have_new_scheme || (out->n_pagemaps && !out->new_scheme))) {
		hr_answer_free(out);
		return hr_fail(err, HR_E_PARSE, path, 0, "%s", have_new_scheme
			       ? "pagemap lines, but new_scheme absent" : "no new_scheme line in a v2 answer");
	}
	if (!have_iomem || !out->count) {
		hr_answer_free(out);
		return hr_fail(err, HR_E_PARSE, path, 0, "no %s line", have_iomem ? "request" : "iomem_end");
	}
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

/* A limit the model read or derived is checked against the kernel's; one given on the command line
 * (e.g. --direct-map-end copied from this very answer) proves nothing, so it is shown as given. */
static bool compare_fact(struct hr_comparison *cmp, const char *what, const struct hr_fact_addr *fact,
			 uint64_t kernel)
{
	struct hr_check *c;

	if (!compare_value(cmp, what, fact->value, kernel))
		return false;
	c = &cmp->checks[cmp->count - 1];
	if (fact->source == HR_SRC_OVERRIDE) {
		c->given = true;
		c->agrees = false;
		snprintf(c->predicted, sizeof(c->predicted), "%#llx given",
			 (unsigned long long)fact->value);
	}
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

		snprintf(what, sizeof(what), "pagemap %zu (%s)", i + 1,
			 hr_format_size(k->size, false, size, sizeof(size)));
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
			snprintf(c->predicted, sizeof(c->predicted), "%llu (1%% + %llu MiB)",
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
	if (!compare_fact(out, "iomem_resource.end", &m->iomem_end, answer->iomem_end))
		goto nomem;
	if (answer->have_direct_map_end &&
	    !compare_fact(out, "direct-map end", &m->direct_map_end, answer->direct_map_end))
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
	for (size_t i = 0; i < out->count; i++) {
		out->agreements += out->checks[i].agrees;
		out->given += out->checks[i].given;
	}
	return HR_OK;
nomem:
	hr_comparison_free(out);
	return HR_E_NOMEM;
}

enum hr_status hr_test_hmm_parse(const char *buf, size_t len, const char *path,
				 struct hr_test_hmm *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	bool have_insmod = false;
	char quoted[200];

	(void)diags;	/* a partial record proves nothing: every problem is fatal */
	*out = (struct hr_test_hmm){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	for (; p < end; p = p < end ? p + 1 : end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *line = p;
		struct words ws;
		struct hr_range r;
		int64_t rc;
		bool ok;

		if (!eol)
			eol = end;
		p = eol;
		if (++lineno == 1) {
			if ((size_t)(eol - line) != strlen("# headroom test_hmm v1") ||
			    memcmp(line, "# headroom test_hmm v1", (size_t)(eol - line)) != 0)
				return hr_fail(err, HR_E_PARSE, path, 1,
					       "not a test_hmm record: expected \"# headroom test_hmm v1\"");
			continue;
		}
		split_words(line, eol, &ws);
		if (word_is(&ws, 0, "insmod")) {
			ok = ws.n == 2 && word_signed(&ws, 1, &rc);
			out->loaded = ok && rc == 0;
			have_insmod = true;
		} else if (word_is(&ws, 0, "iomem")) {
			size_t i = out->n_carves;

			ok = ws.n == 2 && word_range(&ws, 1, &r) &&
			     i < sizeof(out->carves) / sizeof(out->carves[0]);
			for (; ok && i > 0 && out->carves[i - 1].start > r.start; i--)
				out->carves[i] = out->carves[i - 1];
			if (ok) {
				out->carves[i] = r;
				out->n_carves++;
			}
		} else {
			ok = word_is(&ws, 0, "chunk");	/* test_hmm's own dmesg line, for people */
		}
		if (!ok)
			return hr_fail(err, HR_E_PARSE, path, lineno, "unexpected line \"%s\"",
				       hr_quote(line, (size_t)(eol - line), 120, quoted, sizeof(quoted)));
	}
	if (!have_insmod)
		return hr_fail(err, HR_E_PARSE, path, 0, "no insmod line");
	return HR_OK;
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
