// SPDX-License-Identifier: GPL-2.0-or-later
/* The GPUs' verdicts and the verified fixes, for people: the answer to "will my GPUs get their
 * range, and if not, what exactly do I change", so it comes right after the verdict. */
#include <stdio.h>
#include <string.h>

#include "headroom/report.h"

/* GPUs i and j look alike to the report: the same part, VRAM and driver rule. */
static bool alike(const struct hr_gpu_result *x, const struct hr_gpu_result *y)
{
	return x->gpu.vendor == y->gpu.vendor && x->gpu.device == y->gpu.device &&
	       x->profile.undecided == y->profile.undecided &&
	       x->gpu.vram == y->gpu.vram && x->gpu.vram_source == y->gpu.vram_source &&
	       x->profile.driver == y->profile.driver && x->profile.predicted == y->profile.predicted &&
	       strcmp(x->profile.conditions, y->profile.conditions) == 0 &&
	       x->gpu.rebar.present == y->gpu.rebar.present && x->gpu.rebar.bar == y->gpu.rebar.bar &&
	       x->gpu.rebar.current == y->gpu.rebar.current &&
	       x->gpu.rebar.supported == y->gpu.rebar.supported;
}

/* Where a run of GPUs shares something: "what-if.1 to what-if.7" or the one address. */
static const char *run_label(const struct hr_audit *a, size_t i, size_t same, char *buf, size_t len)
{
	if (same > 1)
		snprintf(buf, len, "%s to %s", a->gpus[i].gpu.bdf, a->gpus[i + same - 1].gpu.bdf);
	else
		snprintf(buf, len, "%s", a->gpus[i].gpu.bdf);
	return buf;
}

/* What fails (or, for a carve that is assumed, may fail) and what that costs the user, one
 * paragraph per run of GPUs failing the same way. */
static void print_losses(FILE *out, const struct hr_audit *a)
{
	char label[64], text[2048];

	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		size_t same = 1;

		if (!g->fails && !g->unsure)
			continue;
		while (i + same < a->n_gpus && a->gpus[i + same].fails == g->fails &&
		       a->gpus[i + same].unsure == g->unsure &&
		       a->gpus[i + same].profile.loses == g->profile.loses)
			same++;
		snprintf(text, sizeof(text), "%s %s%s: %s. The driver: %s.%s%s",
			 run_label(a, i, same, label, sizeof(label)),
			 g->unsure ? "may fail (unknown: the carve is assumed, see its conditions)"
			 : same > 1 ? "fail" : "fails",
			 a->scheme_new && g->profile.not_converted ? " under the new scheme" : "",
			 g->profile.loses, g->profile.on_failure,
			 a->scheme_new && g->profile.not_converted ? " " : "",
			 a->scheme_new && g->profile.not_converted ? g->profile.new_scheme_note : "");
		hr_print_wrapped(out, "  ", 4, text);
		i += same - 1;
	}
}

/* The GPUs whose drivers carve nothing, or may carve but are not counted, run by run, with why. */
static void print_no_carves(FILE *out, const struct hr_audit *a)
{
	char label[64], text[2304];

	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		size_t same = 1;

		if (g->n_carves)
			continue;
		while (i + same < a->n_gpus && !a->gpus[i + same].n_carves && alike(g, &a->gpus[i + same]))
			same++;
		snprintf(text, sizeof(text), "%s %s: %s", run_label(a, i, same, label, sizeof(label)),
			 g->profile.undecided ? "may carve"
			 : same > 1 ? "carve nothing" : "carves nothing", g->profile.conditions);
		hr_print_wrapped(out, "  ", 4, text);
		i += same - 1;
	}
}

void hr_report_text_advice(FILE *out, const struct hr_audit *a)
{
	char text[1024], prefix[32];

	if (!a->n_advice)
		return;
	fprintf(out, "\nFixes, each found and checked by re-running the model with it\n");
	for (size_t i = 0; i < a->n_advice; i++) {
		const struct hr_advice *adv = &a->advice[i];
		size_t n;

		if (!i || strcmp(adv->change, a->advice[i - 1].change)) {
			n = (size_t)snprintf(text, sizeof(text), "%s: fixes %s", adv->change,
					     adv->fixes_all ? "every failure" : "");
			for (size_t k = 0; !adv->fixes_all && k < adv->n_fixes && n < sizeof(text); k++)
				n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", k ? ", " : "",
						      adv->fixes[k]);
			if (n < sizeof(text))
				snprintf(text + n, sizeof(text) - n, adv->verified
					 ? "; verified by headroom %s"
					 : "; modelled by headroom %s, not verified", adv->what_if);
			hr_print_wrapped(out, "  ", 4, text);
		}
		snprintf(prefix, sizeof(prefix), "    %-14s", adv->knob);
		hr_print_wrapped(out, prefix, 18, adv->value);
	}
}

static void print_bars(FILE *out, const struct hr_gpu *g, bool run, bool bytes)
{
	char sz[32], text[256];
	bool any = false;

	for (unsigned b = 0; b < HR_PCI_BARS; b++)
		any |= g->bars[b].size != 0;
	if (!any && g->vram_source != HR_VRAM_WHAT_IF) {
		snprintf(text, sizeof(text), "none read%s%s", g->missing[0] ? ": missing " : "",
			 g->missing);
		hr_print_wrapped(out, "    BARs        ", 16, text);
	}

	for (unsigned b = 0; b < HR_PCI_BARS; b++) {
		const struct hr_pci_bar *bar = &g->bars[b];

		if (!bar->size)
			continue;
		fprintf(out, "    BAR %u       ", bar->index);
		if (!run)
			fprintf(out, "%#llx, ", (unsigned long long)bar->start);
		fprintf(out, "%s%s%s%s\n", hr_format_size(bar->size, bytes, sz, sizeof(sz)),
			bar->is_64bit ? ", 64-bit" : "", bar->prefetchable ? ", prefetchable" : "",
			run ? ", each" : "");
	}
}

/* The Resizable BAR capability: the BAR's size now and the sizes it can take (bit n: 1 MiB << n). */
static void print_rebar(FILE *out, const struct hr_gpu *g, bool bytes)
{
	char now[32], low[32], high[32], text[256];
	uint64_t sizes = g->rebar.supported;
	unsigned first, last;

	if (!g->rebar.present || !sizes)
		return;
	first = (unsigned)__builtin_ctzll(sizes);
	last = 63 - (unsigned)__builtin_clzll(sizes);
	hr_format_size(g->rebar.current, bytes, now, sizeof(now));
	hr_format_size((1ull << 20) << first, bytes, low, sizeof(low));
	hr_format_size((1ull << 20) << last, bytes, high, sizeof(high));
	snprintf(text, sizeof(text), "BAR %u at %s, resizable from %s to %s%s", g->rebar.bar, now,
		 low, high, sizes == ((2ull << last) - (1ull << first)) ? "" : ", not every size between");
	hr_print_wrapped(out, "    ReBAR       ", 16, text);
}

static void print_gpu_details(FILE *out, const struct hr_audit *a, bool bytes)
{
	char sz[32], label[64], text[1024];

	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		size_t same = 1;

		while (i + same < a->n_gpus && alike(g, &a->gpus[i + same]))
			same++;
		fprintf(out, "  %s, %04x:%04x %s\n", run_label(a, i, same, label, sizeof(label)),
			g->gpu.vendor, g->gpu.device, g->gpu.name[0] ? g->gpu.name : "not in pci.ids");
		snprintf(text, sizeof(text), "%s, from %s",
			 g->gpu.vram ? hr_format_size(g->gpu.vram, bytes, sz, sizeof(sz)) : "unknown",
			 g->gpu.vram_basis[0] ? g->gpu.vram_basis : "no source");
		hr_print_wrapped(out, "    VRAM        ", 16, text);
		print_bars(out, &g->gpu, same > 1, bytes);
		print_rebar(out, &g->gpu, bytes);
		snprintf(text, sizeof(text), "%s%s: %s", g->profile.driver_name,
			 g->profile.predicted ? ", predicted with no driver bound" : "", g->profile.rule);
		hr_print_wrapped(out, "    driver      ", 16, text);
		if (g->profile.conditions[0])
			hr_print_wrapped(out, "    conditions  ", 16, g->profile.conditions);
		if (g->profile.source[0])
			hr_print_wrapped(out, "    source      ", 16, g->profile.source);
		if (g->profile.not_converted && g->n_carves)
			hr_print_wrapped(out, "    new scheme  ", 16, g->profile.new_scheme_note);
		i += same - 1;
	}
}

void hr_report_text_gpus(FILE *out, const struct hr_audit *a, const struct hr_report_options *opts)
{
	size_t failing = 0, carving = 0, unsure = 0;
	char unknown[48] = "", text[160];

	if (!a->n_gpus)
		return;
	for (size_t i = 0; i < a->n_gpus; i++) {
		failing += a->gpus[i].fails;
		unsure += a->gpus[i].unsure;
		carving += a->gpus[i].n_carves > 0;
	}
	if (unsure)
		snprintf(unknown, sizeof(unknown), ", %zu unknown", unsure);
	snprintf(text, sizeof(text), "%zu of %zu carve%s, %zu fail%s%s under the %s", carving,
		 a->n_gpus, a->n_gpus == 1 ? "s" : "", failing, failing == 1 ? "s" : "", unknown,
		 a->scheme_new ? "new scheme" : "legacy carve");
	fputc('\n', out);
	hr_print_wrapped(out, "GPUs in probe order, each carve staying for the next:", 2, text);
	if (carving)
		hr_report_table(out, a, true, false, opts);
	print_no_carves(out, a);
	print_losses(out, a);
	hr_report_text_advice(out, a);
	fprintf(out, "\nGPU details\n");
	print_gpu_details(out, a, opts->bytes);
}
