// SPDX-License-Identifier: GPL-2.0-or-later
/* The fleet roll-up: counts with a bounded number of distinct values, and a bounded ranking. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/fleet.h"

#define TALLY_SLOTS (2 * HR_FLEET_MAX_VALUES)

enum hr_fleet_verdict hr_fleet_host_verdict(const struct hr_fleet_host *h)
{
	/* As hr_audit_exit_code(): a kernel without device-private memory fails whatever is unknown;
	 * then unknowns; then a GPU that fails; with nothing asked, whether it is possible at all;
	 * then the requests under the report's scheme. */
	if (h->device_private_off)
		return HR_FLEET_FAILS;
	if (h->inconclusive)
		return HR_FLEET_INCONCLUSIVE;
	if (h->gpu_fails)
		return HR_FLEET_FAILS;
	if (!h->requests)
		return h->possible == 1 ? HR_FLEET_FITS : h->possible == 0 ? HR_FLEET_FAILS
					  : HR_FLEET_INCONCLUSIVE;
	return hr_fleet_host_failing(h) ? HR_FLEET_FAILS : HR_FLEET_FITS;
}

unsigned hr_fleet_host_failing(const struct hr_fleet_host *h)
{
	return h->scheme_new ? h->new_failing : h->legacy_failing;
}

const char *hr_fleet_verdict_name(enum hr_fleet_verdict verdict)
{
	static const char *const names[] = {"fits", "inconclusive", "fails"};

	return names[verdict];
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static enum hr_status tally_add(struct hr_fleet_tally *t, const char *value)
{
	size_t i = hash(value) % TALLY_SLOTS;

	while (t->slots[i].value && strcmp(t->slots[i].value, value) != 0)
		i = (i + 1) % TALLY_SLOTS;
	if (!t->slots[i].value) {
		if (t->count == HR_FLEET_MAX_VALUES) {
			t->other++;
			return HR_OK;
		}
		t->slots[i].value = strdup(value);
		if (!t->slots[i].value)
			return HR_E_NOMEM;
		t->count++;
	}
	t->slots[i].hosts++;
	return HR_OK;
}

enum hr_status hr_fleet_init(struct hr_fleet *f, size_t top, struct hr_error *err)
{
	static const char *const names[HR_FLEET_TALLIES] = {
		[HR_FLEET_VERDICT] = "verdict", [HR_FLEET_KERNEL] = "kernel",
		[HR_FLEET_PHYS_BITS] = "phys_bits", [HR_FLEET_HYPERVISOR] = "hypervisor",
		[HR_FLEET_GPU_MODEL] = "gpu_model", [HR_FLEET_FIX] = "fix",
		[HR_FLEET_ADVICE_CODE] = "advice_code",
		[HR_FLEET_ADVICE] = "advice",
	};

	bool ok;

	memset(f, 0, sizeof(*f));
	if (top > HR_FLEET_MAX_TOP)
		return hr_fail(err, HR_E_USAGE, "", 0, "at most %d worst hosts", HR_FLEET_MAX_TOP);
	f->top = top;
	f->worst = calloc(top ? top : 1, sizeof(*f->worst));
	ok = f->worst != NULL;
	for (size_t i = 0; i < HR_FLEET_TALLIES; i++) {
		f->tallies[i].name = names[i];
		f->tallies[i].slots = calloc(TALLY_SLOTS, sizeof(*f->tallies[i].slots));
		ok = ok && f->tallies[i].slots;
	}
	if (!ok) {
		hr_fleet_free(f);
		return hr_fail(err, HR_E_NOMEM, "", 0, "out of memory");
	}
	return HR_OK;
}

void hr_fleet_free(struct hr_fleet *f)
{
	for (size_t i = 0; i < HR_FLEET_TALLIES; i++) {
		for (size_t s = 0; f->tallies[i].slots && s < TALLY_SLOTS; s++)
			free(f->tallies[i].slots[s].value);
		free(f->tallies[i].slots);
	}
	free(f->worst);
	hr_diags_free(&f->diags);
	memset(f, 0, sizeof(*f));
}

/* Negative when a is worse: fails before inconclusive before fits, then more requests and GPUs
 * without a range, then less free space; the host name breaks ties so the ranking does not depend on the
 * order the reports came in. */
static int worse(const struct hr_fleet_worst *a, const struct hr_fleet_worst *b)
{
	if (a->verdict != b->verdict)
		return a->verdict > b->verdict ? -1 : 1;
	if (a->failing + a->gpus_failing != b->failing + b->gpus_failing)
		return a->failing + a->gpus_failing > b->failing + b->gpus_failing ? -1 : 1;
	if (a->free_total != b->free_total)
		return a->free_total < b->free_total ? -1 : 1;
	return strcmp(a->host, b->host);
}

/* Insert into the ranking, worst first, keeping the top entries. */
static void rank(struct hr_fleet *f, const struct hr_fleet_worst *w)
{
	size_t at = f->n_worst;

	while (at > 0 && worse(w, &f->worst[at - 1]) < 0)
		at--;
	if (at >= f->top)
		return;
	if (f->n_worst < f->top)
		f->n_worst++;
	memmove(&f->worst[at + 1], &f->worst[at], (f->n_worst - 1 - at) * sizeof(*w));
	f->worst[at] = *w;
}

/* A null hypervisor is bare metal only when the report says it is not a guest. */
static const char *hypervisor_name(const struct hr_fleet_host *h)
{
	if (h->hypervisor[0])
		return h->hypervisor;
	return h->guest == 0 ? "none" : h->guest == 1 ? "unnamed guest" : "unknown";
}

enum hr_status hr_fleet_add(struct hr_fleet *f, const struct hr_fleet_host *h)
{
	struct hr_fleet_worst w = {.verdict = hr_fleet_host_verdict(h), .phys_bits = h->phys_bits,
				   .requests = h->requests, .failing = hr_fleet_host_failing(h),
				   .gpus = h->gpus, .gpus_failing = h->gpus_failing,
				   .have_free = h->have_free, .free_total = h->free_total,
				   .largest_gap = h->largest_gap};
	char bits[16], advice[sizeof(h->advice[0].code) + sizeof(h->advice[0].message) + 2];
	enum hr_status st;

	snprintf(bits, sizeof(bits), "%d", h->phys_bits);
	st = tally_add(&f->tallies[HR_FLEET_VERDICT], hr_fleet_verdict_name(w.verdict));
	st = st ? st : tally_add(&f->tallies[HR_FLEET_KERNEL], h->kernel[0] ? h->kernel : "unknown");
	st = st ? st : tally_add(&f->tallies[HR_FLEET_PHYS_BITS], h->phys_bits < 0 ? "unknown" : bits);
	st = st ? st : tally_add(&f->tallies[HR_FLEET_HYPERVISOR], hypervisor_name(h));
	for (unsigned i = 0; !st && i < h->n_gpu_models; i++)
		st = tally_add(&f->tallies[HR_FLEET_GPU_MODEL], h->gpu_models[i]);
	if (!st && w.verdict == HR_FLEET_FAILS && h->fix[0])
		st = tally_add(&f->tallies[HR_FLEET_FIX], h->fix);
	for (unsigned i = 0; !st && w.verdict == HR_FLEET_FAILS && i < h->n_advice; i++) {
		snprintf(advice, sizeof(advice), "%s: %s", h->advice[i].code, h->advice[i].message);
		st = tally_add(&f->tallies[HR_FLEET_ADVICE_CODE], h->advice[i].code);
		st = st ? st : tally_add(&f->tallies[HR_FLEET_ADVICE], advice);
	}
	if (st)
		return st;
	f->reports++;
	snprintf(w.host, sizeof(w.host), "%s", h->host);
	snprintf(w.source, sizeof(w.source), "%s", h->source);
	snprintf(w.kernel, sizeof(w.kernel), "%s", h->kernel);
	rank(f, &w);
	if (f->host_rows && f->reports == 1)	/* no header over no hosts */
		hr_fleet_host_csv_header(f->host_rows);
	if (f->host_rows)
		hr_fleet_host_csv(f->host_rows, &w);
	return HR_OK;
}

void hr_fleet_bad(struct hr_fleet *f, const char *path, unsigned line, const char *fmt, ...)
{
	char message[sizeof(f->diags.items[0].message)];
	va_list ap;

	f->bad_records++;
	if (f->diags.count == HR_FLEET_MAX_DIAGS)
		return;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	hr_diag_add(&f->diags, HR_E_PARSE, path, line, "%s", message);
}

static int by_hosts(const void *a, const void *b)
{
	const struct hr_fleet_value *x = a, *y = b;

	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* The values of a tally, most hosts first, then other when the cap was reached. */
static json_t *tally_json(const struct hr_fleet_tally *t)
{
	struct hr_fleet_value *sorted = malloc((t->count ? t->count : 1) * sizeof(*sorted));
	json_t *list = json_array();
	size_t n = 0;

	if (!sorted || !list) {
		free(sorted);
		json_decref(list);
		return NULL;
	}
	for (size_t s = 0; s < TALLY_SLOTS; s++)
		if (t->slots[s].value)
			sorted[n++] = t->slots[s];
	qsort(sorted, n, sizeof(*sorted), by_hosts);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:I}", "value", sorted[i].value, "hosts",
						      (json_int_t)sorted[i].hosts));
	if (t->other)
		json_array_append_new(list, json_pack("{s:n, s:I}", "value", "hosts",
						      (json_int_t)t->other));
	free(sorted);
	return list;
}

/* Sizes as in the report schema: integers below 2^63, hex strings from there on. */
static json_t *size_json(bool have, uint64_t v)
{
	char hex[24];

	if (!have)
		return json_null();
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)v);
	return json_string(hex);
}

static json_t *worst_json(const struct hr_fleet_worst *w)
{
	return json_pack("{s:s?, s:s, s:s, s:s?, s:o, s:i, s:i, s:i, s:i, s:o, s:o}",
			 "host", w->host[0] ? w->host : NULL, "source", w->source,
			 "verdict", hr_fleet_verdict_name(w->verdict),
			 "kernel_release", w->kernel[0] ? w->kernel : NULL,
			 "phys_bits", w->phys_bits < 0 ? json_null() : json_integer(w->phys_bits),
			 "requests", w->requests, "failing", w->failing, "gpus", w->gpus,
			 "gpus_failing", w->gpus_failing,
			 "free", size_json(w->have_free, w->free_total),
			 "largest_gap", size_json(w->have_free, w->largest_gap));
}

json_t *hr_fleet_json(const struct hr_fleet *f)
{
	json_t *root = json_pack("{s:s, s:I, s:I}", "schema", HR_FLEET_SCHEMA,
				 "reports", (json_int_t)f->reports,
				 "bad_records", (json_int_t)f->bad_records),
	       *counts = json_object(), *worst = json_array();

	for (size_t i = 0; i < HR_FLEET_TALLIES; i++)
		json_object_set_new(counts, f->tallies[i].name, tally_json(&f->tallies[i]));
	for (size_t i = 0; i < f->n_worst; i++)
		json_array_append_new(worst, worst_json(&f->worst[i]));
	if (!root || json_object_set_new(root, "counts", counts) ||
	    json_object_set_new(root, "worst_hosts", worst)) {
		json_decref(root);
		return NULL;
	}
	return root;
}
