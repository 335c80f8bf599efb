// SPDX-License-Identifier: GPL-2.0-or-later
/* Allocation-failure injection: the whole audit of a captured root (gather, audit, JSON and text
 * reports, the JSON one also streamed) with the Nth allocation made by the library (and jansson) failing, for N over every
 * allocation the run makes (all of the first 400, then a stride through the rest). Each run must
 * end cleanly (an HR_E_NOMEM, a report that names what it lost, or a NULL JSON report), and leave
 * nothing allocated; one that still reports must report what the clean run does, or name the loss
 * ("out of memory"). Linked with --wrap for the allocator (tests/alloc/CMakeLists.txt); run under
 * ASan or valgrind by the sanitizer builds for the use-after-free side. */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/report.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);
char *__wrap_strndup(const char *s, size_t n);
char *__wrap_strdup(const char *s);

static long calls, fail_at = -1;

/* The live allocations made through the wrappers (open addressing; frees of memory the C library
 * allocated itself, as scandir's, are not in it and are ignored). */
#define LIVE_SLOTS (1u << 20)
static void **live;
static size_t n_live;

static size_t slot_of(void *p)
{
	size_t i = ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull % LIVE_SLOTS;

	while (live[i] && live[i] != p)
		i = (i + 1) % LIVE_SLOTS;
	return i;
}

static void track(void *p)
{
	if (p && !live[slot_of(p)]) {
		live[slot_of(p)] = p;
		n_live++;
	}
}

static void untrack(void *p)
{
	size_t i, j;

	if (!p || !live[i = slot_of(p)])
		return;
	live[i] = NULL;
	n_live--;
	/* Re-insert the rest of the cluster so that lookups stay correct. */
	for (j = (i + 1) % LIVE_SLOTS; live[j]; j = (j + 1) % LIVE_SLOTS) {
		void *q = live[j];

		live[j] = NULL;
		live[slot_of(q)] = q;
	}
}

static bool fail_now(void)
{
	return ++calls == fail_at;
}

void *__wrap_malloc(size_t size)
{
	void *p = fail_now() ? NULL : __real_malloc(size);

	track(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : __real_calloc(n, size);

	track(p);
	return p;
}

void *__wrap_realloc(void *old, size_t size)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_realloc(old, size);
	if (p) {
		untrack(old);
		track(p);
	}
	return p;
}

void __wrap_free(void *p)
{
	untrack(p);
	__real_free(p);
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = __wrap_malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *__wrap_strdup(const char *s)
{
	return __wrap_strndup(s, SIZE_MAX);
}

/* One whole run; returns whether it produced every report. The text report goes to *text (NULL
 * when not asked), in memory the C library allocates itself, outside the counted allocations. */
static bool run(const char *root, FILE *sink, char **text)
{
	static const uint64_t sizes[] = {1ull << 30, 64ull << 30};
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_report_options opts = {0};
	struct hr_facts facts;
	struct hr_audit audit;
	json_t *report = NULL;
	bool done = false;
	size_t text_len;
	FILE *out = text ? open_memstream(text, &text_len) : sink;

	if (!out)
		return false;
	hr_facts_gather(root, &facts);
	if (hr_audit_run(&facts, &ov, sizes, 2, &audit) == HR_OK) {
		report = hr_report_json(&facts, &audit);
		done = report && hr_report_text(out, &facts, &audit, &opts) &&
		       hr_report_json_write(sink, &facts, &audit);
		json_decref(report);
		hr_audit_free(&audit);
	}
	hr_facts_free(&facts);
	if (text)
		fclose(out);
	return done;
}

/* A run that absorbed a failed allocation and still reported: its report must be the clean run's,
 * or say what it lost; a report quietly short of a range or a GPU would be a wrong answer. */
static bool names_loss(const char *text)
{
	char *flat = __real_malloc(strlen(text) + 1);	/* not counted: the run is over */
	size_t kept = 0;
	bool named;

	if (!flat)
		return false;
	/* the report wraps its lines: runs of white space become one space */
	for (size_t i = 0; text[i]; i++)
		if (!isspace((unsigned char)text[i]) || (kept && flat[kept - 1] != ' '))
			flat[kept++] = isspace((unsigned char)text[i]) ? ' ' : text[i];
	flat[kept] = '\0';
	/* what the library says of a loss: a failed allocation, or diagnostics it could not keep */
	named = strstr(flat, "out of memory") || strstr(flat, "input problems not listed");
	__real_free(flat);
	return named;
}

/* The first line where text departs from clean, for the message. */
static void first_difference(const char *clean, const char *text, long n, const char *root)
{
	size_t at = 0, line = 1;

	while (clean[at] && clean[at] == text[at])
		line += clean[at++] == '\n';
	while (at && clean[at - 1] != '\n')
		at--;
	fprintf(stderr, "%s: allocation %ld failing gives a report that differs from the clean one "
		"at line %zu, and says nothing of a loss:\n  clean: %.*s\n  got:   %.*s\n", root, n, line,
		(int)strcspn(clean + at, "\n"), clean + at, (int)strcspn(text + at, "\n"), text + at);
}

int main(int argc, char **argv)
{
	FILE *sink = fopen("/dev/null", "w");
	int failures = 0;

	live = __real_calloc(LIVE_SLOTS, sizeof(*live));
	if (!sink || !live)
		return 2;
	json_set_alloc_funcs(__wrap_malloc, __wrap_free);
	for (int r = 1; r < argc; r++) {
		long total, runs = 0, absorbed = 0, named = 0;

		char *clean = NULL, *text = NULL;

		calls = 0;
		fail_at = -1;
		if (!run(argv[r], sink, &clean) || n_live) {
			fprintf(stderr, "%s: the run without failures fails or leaks\n", argv[r]);
			return 1;
		}
		total = calls;
		for (long n = 1; n <= total; n += n < 400 ? 1 : total / 400 + 1) {
			bool reported;

			calls = 0;
			fail_at = n;
			reported = run(argv[r], sink, &text);
			if (reported && strcmp(clean, text) != 0) {
				if (names_loss(text)) {
					named++;
				} else {
					first_difference(clean, text, n, argv[r]);
					failures++;
				}
			}
			free(text);
			text = NULL;
			absorbed += reported;
			runs++;
			if (n_live) {
				fprintf(stderr, "%s: allocation %ld failing leaves %zu allocations\n",
					argv[r], n, n_live);
				failures++;
				n_live = 0;
				memset(live, 0, LIVE_SLOTS * sizeof(*live));
			}
		}
		fprintf(stderr, "%s: %ld allocations, %ld failed one by one, %ld runs still reported, "
			"%ld of them different and saying what they lost\n", argv[r], total, runs,
			absorbed, named);
		free(clean);
	}
	fclose(sink);
	return failures ? 1 : 0;
}
