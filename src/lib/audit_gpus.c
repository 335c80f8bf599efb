// SPDX-License-Identifier: GPL-2.0-or-later
/* Each GPU's driver profile replayed in probe order: its carves take the space the next GPU's
 * would have used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/audit.h"
#include "headroom/size_format.h"

static int tristate_int(enum hr_tristate t)
{
	return t == HR_YES ? 1 : t == HR_NO ? 0 : -1;
}

/* xe's SVM device memory needs each of these its kernel has (xe_svm.c:1601@7.3, Makefile:159@7.3;
 * 6.15's DRM_XE_DEVMEM_MIRROR [I]); a kernel's config lists only the ones it has, so one that is
 * "not set" turns it off, and none listed leaves it unknown. */
static void xe_svm_config(const struct hr_kconfig *config, struct hr_gpu_env *env)
{
	static const char *const symbols[] = {"DRM_XE_GPUSVM", "DRM_XE_PAGEMAP",
					      "DRM_XE_DEVMEM_MIRROR"};

	env->xe_svm = -1;
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		const char *v = hr_kconfig_get(config, symbols[i]);

		if (v && strcmp(v, "n") == 0) {
			env->xe_svm = 0;
			env->xe_svm_off = symbols[i];
			return;
		}
		if (v && (strcmp(v, "y") == 0 || strcmp(v, "m") == 0))
			env->xe_svm = 1;
	}
}

static int depends_on_device_private(const struct hr_facts *facts, const struct hr_model *m,
				    const char *symbol)
{
	int v = tristate_int(hr_kconfig_enabled(&facts->config, symbol));

	return m->device_private_source == HR_SRC_OVERRIDE && v != 1 ? -1 : v;
}

static void gpu_env(const struct hr_facts *facts, const struct hr_model *m, struct hr_gpu_env *env)
{
	*env = facts->gpu_env;
	env->arm64 = m->arm64;
	env->version_known = m->version_source != HR_SRC_UNKNOWN;
	env->version = m->version;
	/* With CONFIG_DEVICE_PRIVATE overridden, an option that depends on it and is not set may
	 * be off only for want of it: unknown. One that is set stays set. */
	env->nouveau_svm = depends_on_device_private(facts, m, "DRM_NOUVEAU_SVM");
	env->amd_svm = depends_on_device_private(facts, m, "HSA_AMD_SVM");
	xe_svm_config(&facts->config, env);
	if (m->device_private_source == HR_SRC_OVERRIDE && env->xe_svm == 0)
		env->xe_svm = -1;
	env->hmm_mirror = tristate_int(hr_kconfig_enabled(&facts->config, "HMM_MIRROR"));
	/* Present in the symbols is certain; absent only where every function is listed (BTF, or a
	 * live kallsyms): a captured kallsyms keeps only the names its capture asked for. A kernel
	 * whose CONFIG_DEVICE_PRIVATE is overridden would have been built with it. */
	switch (facts->symbols.present[HR_SYM_MIGRATE_DEVICE_RANGE]) {
	case HR_YES:
		env->migrate_device_range = 1;
		break;
	case HR_NO:
		env->migrate_device_range = (facts->symbols.btf || facts->root.live) &&
					    m->device_private_source != HR_SRC_OVERRIDE ? 0 : -1;
		break;
	default:
		env->migrate_device_range = -1;
	}
}

/* Worse verdicts rank higher: the group's verdict is its worst carve's. */
static int legacy_rank(enum hr_legacy_verdict v)
{
	static const int rank[] = {[HR_FITS] = 0, [HR_HAZARD] = 1, [HR_NO_SPACE] = 2,
				   [HR_VERDICT_UNKNOWN] = 3, [HR_UNSUPPORTED] = 4};

	return rank[v];
}

static void add_to_group(struct hr_gpu_carve_result *g, const struct hr_request_result *r)
{
	struct hr_request_result *agg = &g->r;

	if (g->count == 0) {
		*agg = *r;
	} else {
		if (legacy_rank(r->legacy) > legacy_rank(agg->legacy))
			agg->legacy = r->legacy;
		if (agg->new_scheme == HR_NEW_FITS)
			agg->new_scheme = r->new_scheme;
		agg->hazards |= r->hazards;
		agg->ram_cost += r->ram_cost;
		if (r->placed && (!agg->placed || r->placement.start < agg->placement.start))
			agg->placement.start = r->placement.start;
		if (r->placed && (!agg->placed || r->placement.end > agg->placement.end))
			agg->placement.end = r->placement.end;
		agg->placed |= r->placed;
		if (!r->placed && r->phys_bits_needed > agg->phys_bits_needed)
			agg->phys_bits_needed = r->phys_bits_needed;
	}
	g->count++;
	g->n_placed += r->placed;
}

/* The carves this GPU's driver already made, in /proc/iomem under the GPU's address (amdgpu and
 * xe carve with devm_request_free_mem_region(dev, ...), named after the device) or the driver's
 * name: claimed in order, up to max, by name alone, since the driver's size (nvidia's highest
 * allocatable address) is not exactly the VRAM the inventory knows. Each joins the group as placed
 * where it is. */
static void claim_existing(struct hr_audit *a, struct hr_gpu_result *g, bool *used,
			   struct hr_gpu_carve_result *res, const struct hr_request_result *fits,
			   uint64_t max)
{
	static const char *const names[] = {[HR_DRIVER_NOUVEAU] = "nouveau_dmem",
					    [HR_DRIVER_NVIDIA_UVM] = "nvidia-uvm-hmm",
					    [HR_DRIVER_TEST_HMM] = "hmm_dmirror",
					    [HR_DRIVER_PPC_UVMEM] = "kvmppc_uvmem"};
	enum hr_gpu_driver d = g->profile.driver;
	const char *own = d < sizeof(names) / sizeof(names[0]) ? names[d] : NULL;

	for (size_t i = 0; i < a->n_existing && res->n_existing < max; i++) {
		const struct hr_existing_carve *e = &a->existing[i];
		struct hr_request_result r = *fits;

		if (used[i] || (strcmp(e->name, g->gpu.bdf) != 0 && (!own || strcmp(e->name, own) != 0)))
			continue;
		used[i] = true;
		g->existing = e->name;
		r.placement = e->range;
		add_to_group(res, &r);
		res->n_existing++;
	}
}

/* What a GPU's carve "exists" in when amdkfd's topology shows it made and /proc/iomem does not. */
static const char made_per_kfd[] = "the driver (KFD topology)";

/* nouveau_dmem, hmm_dmirror and nvidia-uvm-hmm name no GPU: with two GPUs under one such driver,
 * which made which range is unknown. Each claimed them in probe order, up to its own count; say
 * so where another GPU shares the driver. */
static void note_shared_driver_carves(struct hr_audit *a)
{
	for (size_t i = 0; i < a->n_gpus; i++) {
		struct hr_gpu_result *g = &a->gpus[i];
		struct hr_gpu_profile *p = &g->profile;
		size_t len = strlen(p->conditions);
		bool shared = false;

		if (!g->existing || strcmp(g->existing, g->gpu.bdf) == 0 ||
		    g->existing == made_per_kfd)
			continue;
		for (size_t j = 0; j < a->n_gpus && !shared; j++)
			shared = j != i && a->gpus[j].profile.driver == p->driver;
		if (shared)
			snprintf(p->conditions + len, sizeof(p->conditions) - len, "%sassumed: the "
				 "existing \"%s\" ranges name the driver, not the GPU, so which GPU made "
				 "which is unknown; each GPU of this driver takes them in probe order, up to "
				 "its own count", len ? "; " : "", g->existing);
	}
}

static enum hr_status judge_gpu(struct hr_audit *a, struct hr_carver *c, struct hr_gpu_result *g,
				bool *used)
{
	bool fails_for_space = false;

	for (size_t k = 0; k < g->profile.n_carves; k++) {
		const struct hr_profile_carve *pc = &g->profile.carves[k];
		struct hr_gpu_carve_result *res = &g->carves[g->n_carves++];
		struct hr_request_result fits = {.size = pc->size, .placed = true, .legacy = HR_FITS,
						 .new_scheme = g->profile.not_converted
						 ? HR_NEW_NOT_CONVERTED : HR_NEW_FITS};

		/* Measured: the carves in /proc/iomem are already part of the space. A what-if GPU
		 * made none, but test_hmm and powerpc's uvmem are no PCI device: one added is the
		 * module of this machine, whose carves may be there. */
		if ((g->gpu.vram_source != HR_VRAM_WHAT_IF || g->profile.driver == HR_DRIVER_TEST_HMM ||
		     g->profile.driver == HR_DRIVER_PPC_UVMEM) &&
		    hr_align_up(pc->size, a->model.section_size, &fits.aligned_size))
			claim_existing(a, g, used, res, &fits, pc->count);
		if (!res->n_existing && g->profile.measured == 1) {
			/* The driver shows the carve made, where /proc/iomem does not say. */
			fits.placed = false;
			add_to_group(res, &fits);
			res->count = res->n_placed = res->n_existing = pc->count;
			g->existing = made_per_kfd;
			continue;
		}
		for (uint64_t n = res->n_existing; n < pc->count; n++) {
			struct hr_request_result r;
			/* Only a single carve says which phys-bits would place it: for a group of
			 * chunks that answer is for one chunk, and the advice answers for all. */
			bool explain = pc->count == 1;
			enum hr_status st = hr_carver_judge(c, pc->size, explain,
							    !g->profile.not_converted, &r);

			if (st)
				return st;
			/* The driver shows the carve failed at boot: that beats the replay. */
			if (g->profile.measured == 0 && r.legacy == HR_FITS)
				r.legacy = HR_NO_SPACE;
			add_to_group(res, &r);
		}
		if (hr_audit_carve_fails(a, &res->r)) {
			g->fails = true;
			fails_for_space |= a->scheme_new ? res->r.new_scheme != HR_NEW_UNSUPPORTED
					   : res->r.legacy != HR_UNSUPPORTED;
		}
	}
	/* A failure of a carve the inputs cannot confirm is unknown, not a failure; one for want of
	 * CONFIG_DEVICE_PRIVATE is certain: no flavour or backport gets device-private memory then. */
	g->unsure = fails_for_space && g->profile.carve_assumed;
	g->fails &= !g->unsure;
	return HR_OK;
}

/* A --add-gpu GPU brings no BARs into the map, but a real one needs its VRAM behind a 64-bit BAR
 * (data-centre parts, and any with Resizable BAR: the VRAM rounded up to a power of two, an
 * 80 GiB H100's BAR 1 is 128 GiB), which the firmware must fit in the 64-bit window too. */
static void what_if_bars(struct hr_audit *a)
{
	uint64_t total = 0, space = 0;
	unsigned n = 0;
	char sz[32], whole[32], msg[sizeof(a->findings->message)];

	for (size_t i = 0; i < a->n_gpus; i++) {
		uint64_t bar = 1, vram = a->gpus[i].gpu.vram;

		if (a->gpus[i].gpu.vram_source != HR_VRAM_WHAT_IF || !vram)
			continue;
		while (bar < vram && bar <= UINT64_MAX / 2)
			bar <<= 1;
		total = total > UINT64_MAX - bar ? UINT64_MAX : total + bar;
		n++;
	}
	if (!n)
		return;
	hr_format_size(total, false, sz, sizeof(sz));
	if (a->model.phys_bits.source != HR_SRC_UNKNOWN && a->model.phys_bits.value < 64)
		space = (uint64_t)1 << a->model.phys_bits.value;
	snprintf(msg, sizeof(msg), "%u GPU%s from --add-gpu: no BARs in this map, while real ones "
		 "with all their VRAM behind a 64-bit BAR need %s more in the 64-bit PCI window%s%s%s, "
		 "which the verdicts and fixes above do not count; model the window the firmware would "
		 "give them with --hole64 START:SIZE", n, n > 1 ? "s" : "", sz,
		 space ? ", in an address space of " : "",
		 space ? hr_format_size(space, false, whole, sizeof(whole)) : "",
		 space ? " in all" : "");
	hr_audit_add_finding(a, "what-if-gpu-bars", HR_WARNING, msg);
}

/* Under the new scheme, the GPUs whose driver the series does not convert: why they fail, and what
 * the driver would have to change. And the GPUs whose failure rests on a fact the inputs do not
 * show: which fact. */
static void gpu_findings(struct hr_audit *a)
{
	size_t not_converted = 0, assumed = 0, unsure = 0;
	const char *assumption = NULL;
	char msg[sizeof(a->findings->message)];

	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];

		not_converted += a->scheme_new && g->profile.not_converted && g->n_carves;
		assumed += a->scheme_new && g->profile.not_converted && g->n_carves &&
			   g->profile.carve_assumed;
		unsure += g->unsure;
		if (g->unsure && !assumption)
			assumption = g->profile.carve_assumed;
	}
	if (not_converted) {
		snprintf(msg, sizeof(msg), "%zu GPU%s with nvidia-uvm, which the series does not convert: "
			 "under the new scheme HMM fails on %s%s (see the GPU details for the source "
			 "lines); NVIDIA's driver would have to call memremap_device_private_pagemap() "
			 "instead of request_free_mem_region() + memremap_pages()", not_converted,
			 not_converted > 1 ? "s" : "", not_converted > 1 ? "each" : "it",
			 assumed ? " where nvidia-uvm carves at all (see its conditions)" : "");
		hr_audit_add_finding(a, "driver-not-converted", HR_WARNING, msg);
	}
	if (unsure) {
		snprintf(msg, sizeof(msg), "%zu GPU%s with nvidia-uvm would fail, but %s carve rests on %s: "
			 "%s not counted as failing (see the GPUs' conditions for what would decide it)",
			 unsure, unsure > 1 ? "s" : "", unsure > 1 ? "their" : "its", assumption,
			 unsure > 1 ? "they are" : "it is");
		if (hr_audit_add_finding(a, "nvidia-carve-assumed", HR_WARNING, msg))
			a->findings[a->n_findings - 1].inconclusive = true;
	}
}

enum hr_status hr_audit_gpus(struct hr_audit *a, const struct hr_facts *facts,
			     const struct hr_overrides *ov, struct hr_carver *carver)
{
	size_t n_machine = facts->gpus_status ? 0 : facts->gpus.count, n = n_machine + ov->n_add_gpus;
	struct hr_gpu_env *env = &a->gpu_env;
	bool *used;
	enum hr_status st = HR_OK;

	if (!n)
		return HR_OK;
	gpu_env(facts, &a->model, env);
	a->gpus = calloc(n, sizeof(*a->gpus));
	used = calloc(a->n_existing + 1, sizeof(*used));
	if (!a->gpus || !used) {
		free(used);
		return HR_E_NOMEM;
	}
	for (size_t i = 0; i < n && !st; i++) {
		struct hr_gpu_result *g = &a->gpus[a->n_gpus++];

		g->gpu = i < n_machine ? facts->gpus.items[i] : ov->add_gpus[i - n_machine];
		hr_gpu_profile(&g->gpu, env, &g->profile);
		st = judge_gpu(a, carver, g, used);
	}
	free(used);
	if (!st)
		note_shared_driver_carves(a);
	/* --hole64 models the window the firmware would give them: the warning is answered. */
	if (!st && !ov->have_hole64)
		what_if_bars(a);
	if (!st)
		gpu_findings(a);
	return st;
}

/* Each GPU with a carve is a subject of the verdict: it gets its range, or what blocks it. */
void hr_audit_gpu_subjects(struct hr_audit *a, const char *unknown_code, const char *unknown_why)
{
	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		struct hr_subject s = {.kind = "GPU", .outcome = HR_OUTCOME_RANGE};
		const struct hr_request_result *worst = NULL;

		if (!g->n_carves && !g->profile.undecided)
			continue;
		snprintf(s.label, sizeof(s.label), "%s", g->gpu.bdf);
		if (g->profile.undecided) {
			s.outcome = HR_OUTCOME_UNKNOWN;
			s.blocker = "driver-undecided";
			snprintf(s.why, sizeof(s.why), "whether its driver carves at all is unknown");
			hr_verdict_add_subject(&a->verdict, &s);
			continue;
		}
		for (size_t c = 0; c < g->n_carves && !worst; c++)
			if (hr_audit_carve_fails(a, &g->carves[c].r))
				worst = &g->carves[c].r;
		if (worst && g->unsure) {
			s.outcome = HR_OUTCOME_UNKNOWN;
			s.blocker = "nvidia-carve-assumed";
			snprintf(s.why, sizeof(s.why), "its carve would fail (%s), but the carve rests on "
				 "a fact the inputs do not show", a->scheme_new
				 ? hr_new_verdict_name(worst->new_scheme)
				 : hr_legacy_verdict_name(worst->legacy));
		} else if (worst && a->scheme_new && worst->new_scheme == HR_NEW_NOT_CONVERTED) {
			s.outcome = HR_OUTCOME_BLOCKED;
			s.blocker = "driver-not-converted";
			snprintf(s.why, sizeof(s.why), "%s is not converted to the series: its "
				 "memremap_pages() call is refused (WARN, -EINVAL)", g->profile.driver_name);
		} else if (worst) {
			hr_audit_judge_subject(a, worst, unknown_code, unknown_why, &s);
			if (!a->scheme_new && g->profile.measured == 0)
				snprintf(s.why, sizeof(s.why), "its carve failed at boot, as the driver shows");
		}
		hr_verdict_add_subject(&a->verdict, &s);
	}
}
