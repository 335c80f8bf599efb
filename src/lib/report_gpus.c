// SPDX-License-Identifier: GPL-2.0-or-later
/* The GPUs' verdicts and the verified fixes, for people: the answer to "will my GPUs get their
 * range, and if not, what exactly do I change", so it comes first. */
#include <stdio.h>
#include <string.h>

#include "headroom/report.h"

static const char *scheme_name(const struct hr_audit *a)
{
	return a->scheme_new ? "new scheme" : "legacy carve";
}

/* "80 GiB" or "40960 x 2 MiB" */
static const char *carve_size(const struct hr_gpu_carve_result *c, bool bytes, char *buf, size_t len)
{
	char sz[32];

	hr_format_size(c->r.size, bytes, sz, sizeof(sz));
	if (c->count == 1)
		snprintf(buf, len, "%s", sz);
	else
		snprintf(buf, len, "%llu x %s", (unsigned long long)c->count, sz);
	return buf;
}

static const char *placement(const struct hr_audit *a, const struct hr_gpu_result *g,
			     const struct hr_gpu_carve_result *c, char *buf, size_t len)
{
	if (g->existing)
		snprintf(buf, len, "already carved (%s)", g->existing);
	else if (c->r.placed && c->n_placed == c->count)
		snprintf(buf, len, "%#llx-%#llx", (unsigned long long)c->r.placement.start,
			 (unsigned long long)c->r.placement.end);
	else if (c->n_placed)
		snprintf(buf, len, "%llu of %llu placed", (unsigned long long)c->n_placed,
			 (unsigned long long)c->count);
	else if (c->r.phys_bits_needed)
		snprintf(buf, len, "-ERANGE (phys-bits %d would fit)", c->r.phys_bits_needed);
	else if (a->model.can_place)
		snprintf(buf, len, "-ERANGE");
	else
		snprintf(buf, len, "(unknown)");
	return buf;
}

static void print_gpu_rows(FILE *out, const struct hr_audit *a, bool bytes)
{
	char vram[32], size[48], place[64], cost[32];

	fprintf(out, "  %-13s %-11s %-9s %-16s %-11s %-33s %s\n", "GPU", "DRIVER", "VRAM", "CARVE",
		"LEGACY", "PLACEMENT", "NEW SCHEME");
	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];

		hr_format_size(g->gpu.vram, bytes, vram, sizeof(vram));
		if (!g->n_carves) {
			fprintf(out, "  %-13s %-11s %-9s %-16s (%s)\n", g->gpu.bdf, g->profile.driver_name,
				g->gpu.vram ? vram : "?", "none", g->profile.conditions);
			continue;
		}
		for (size_t c = 0; c < g->n_carves; c++) {
			const struct hr_gpu_carve_result *cr = &g->carves[c];

			fprintf(out, "  %-13s %-11s %-9s %-16s %-11s %-33s %s, %s of struct pages\n",
				c ? "" : g->gpu.bdf, c ? "" : g->profile.driver_name,
				c ? "" : g->gpu.vram ? vram : "?", carve_size(cr, bytes, size, sizeof(size)),
				hr_legacy_verdict_name(cr->r.legacy), placement(a, g, cr, place, sizeof(place)),
				hr_new_verdict_name(cr->r.new_scheme),
				hr_format_size(cr->r.ram_cost, bytes, cost, sizeof(cost)));
		}
	}
}

/* What fails and what that costs the user, one line per driver outcome. */
static void print_losses(FILE *out, const struct hr_audit *a)
{
	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		size_t same = 1;

		if (!g->fails)
			continue;
		/* GPUs in a row that fail the same way share one line. */
		while (i + same < a->n_gpus && a->gpus[i + same].fails &&
		       a->gpus[i + same].profile.loses == g->profile.loses)
			same++;
		if (same > 1)
			fprintf(out, "  %s to %s fail: %s. The driver: %s.\n", g->gpu.bdf,
				a->gpus[i + same - 1].gpu.bdf, g->profile.loses, g->profile.on_failure);
		else
			fprintf(out, "  %s fails: %s. The driver: %s.\n", g->gpu.bdf, g->profile.loses,
				g->profile.on_failure);
		i += same - 1;
	}
}

void hr_report_text_advice(FILE *out, const struct hr_audit *a)
{
	if (!a->n_advice)
		return;
	fprintf(out, "\nFixes (each found and checked by re-running the model with it)\n");
	for (size_t i = 0; i < a->n_advice; i++) {
		const struct hr_advice *adv = &a->advice[i];

		if (!i || strcmp(adv->change, a->advice[i - 1].change)) {
			fprintf(out, "  %s: fixes %s", adv->change, adv->fixes_all ? "every failure" : "");
			for (size_t k = 0; !adv->fixes_all && k < adv->n_fixes; k++)
				fprintf(out, "%s%s", k ? ", " : "", adv->fixes[k]);
			fprintf(out, "%s (headroom %s)\n", adv->verified ? ", verified" : ", not verified",
				adv->what_if);
		}
		fprintf(out, "    %-15s %s\n", adv->knob, adv->value);
	}
}

static void print_gpu_details(FILE *out, const struct hr_audit *a, bool bytes)
{
	char sz[32];

	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		size_t same = 1;

		/* What-if GPUs come in identical runs: one entry for the run. */
		while (i + same < a->n_gpus && g->gpu.vram_source == HR_VRAM_WHAT_IF &&
		       a->gpus[i + same].gpu.vram_source == HR_VRAM_WHAT_IF &&
		       a->gpus[i + same].gpu.vram == g->gpu.vram &&
		       a->gpus[i + same].profile.driver == g->profile.driver)
			same++;
		if (same > 1)
			fprintf(out, "  %s to %s", g->gpu.bdf, a->gpus[i + same - 1].gpu.bdf);
		else
			fprintf(out, "  %s", g->gpu.bdf);
		fprintf(out, " %04x:%04x %s\n", g->gpu.vendor, g->gpu.device,
			g->gpu.name[0] ? g->gpu.name : "(no name in pci.ids)");
		i += same - 1;
		fprintf(out, "    VRAM        %s (%s)\n",
			g->gpu.vram ? hr_format_size(g->gpu.vram, bytes, sz, sizeof(sz)) : "unknown",
			g->gpu.vram_basis[0] ? g->gpu.vram_basis : "no source");
		for (unsigned b = 0; b < HR_PCI_BARS; b++)
			if (g->gpu.bars[b].size)
				fprintf(out, "    BAR %u       %#llx, %s%s%s\n", g->gpu.bars[b].index,
					(unsigned long long)g->gpu.bars[b].start,
					hr_format_size(g->gpu.bars[b].size, bytes, sz, sizeof(sz)),
					g->gpu.bars[b].is_64bit ? ", 64-bit" : "",
					g->gpu.bars[b].prefetchable ? ", prefetchable" : "");
		fprintf(out, "    driver      %s%s: %s\n", g->profile.driver_name,
			g->profile.predicted ? " (predicted: none bound)" : "", g->profile.rule);
		if (g->profile.conditions[0])
			fprintf(out, "    conditions  %s\n", g->profile.conditions);
		if (g->profile.source[0])
			fprintf(out, "    source      %s\n", g->profile.source);
	}
}

void hr_report_text_gpus(FILE *out, const struct hr_audit *a, const struct hr_report_options *opts)
{
	size_t failing = 0;

	if (!a->n_gpus)
		return;
	for (size_t i = 0; i < a->n_gpus; i++)
		failing += a->gpus[i].fails;
	fprintf(out, "GPUs: %zu, %zu fail%s under the %s (in probe order; each carve stays for the "
		"next)\n", a->n_gpus, failing, failing == 1 ? "s" : "", scheme_name(a));
	print_gpu_rows(out, a, opts->bytes);
	print_losses(out, a);
	hr_report_text_advice(out, a);
	fprintf(out, "\nGPU details\n");
	print_gpu_details(out, a, opts->bytes);
	fprintf(out, "\n");
}
