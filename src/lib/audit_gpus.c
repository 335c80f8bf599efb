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

static void gpu_env(const struct hr_facts *facts, const struct hr_model *m, struct hr_gpu_env *env)
{
	memset(env, 0, sizeof(*env));
	hr_gpu_env_read(&facts->root, env);
	env->arm64 = m->arm64;
	env->version_known = m->version_source != HR_SRC_UNKNOWN;
	env->version = m->version;
	/* With CONFIG_DEVICE_PRIVATE overridden, the options that depend on it are unknown too. */
	env->nouveau_svm = m->device_private_source == HR_SRC_OVERRIDE ? -1
			   : tristate_int(hr_kconfig_enabled(&facts->config, "DRM_NOUVEAU_SVM"));
	env->amd_svm = m->device_private_source == HR_SRC_OVERRIDE ? -1
		       : tristate_int(hr_kconfig_enabled(&facts->config, "HSA_AMD_SVM"));
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

/* A carve this GPU's driver already made, named after the GPU (amdgpu, xe) or the driver: by name
 * alone, in order, since the driver's size (nvidia's highest allocatable address) is not exactly
 * the VRAM the inventory knows. */
static const char *already_carved(struct hr_audit *a, const struct hr_gpu_result *g, bool *used)
{
	static const char *const names[] = {[HR_DRIVER_NVIDIA_UVM] = "nvidia-uvm-hmm",
					    [HR_DRIVER_TEST_HMM] = "hmm_dmirror",
					    [HR_DRIVER_PPC_UVMEM] = "kvmppc_uvmem"};
	enum hr_gpu_driver d = g->profile.driver;
	const char *own = d < sizeof(names) / sizeof(names[0]) ? names[d] : NULL;

	for (size_t i = 0; i < a->n_existing; i++) {
		const struct hr_existing_carve *e = &a->existing[i];

		if (!used[i] && (strcmp(e->name, g->gpu.bdf) == 0 || (own && strcmp(e->name, own) == 0))) {
			used[i] = true;
			return e->name;
		}
	}
	return NULL;
}

static enum hr_status judge_gpu(struct hr_audit *a, struct hr_carver *c, struct hr_gpu_result *g,
				bool *used)
{
	for (size_t k = 0; k < g->profile.n_carves; k++) {
		const struct hr_profile_carve *pc = &g->profile.carves[k];
		struct hr_gpu_carve_result *res = &g->carves[g->n_carves++];
		uint64_t aligned;

		if (pc->count == 1 && g->gpu.vram_source != HR_VRAM_WHAT_IF &&
		    hr_align_up(pc->size, a->model.section_size, &aligned) &&
		    (g->existing = already_carved(a, g, used)) != NULL) {
			/* Measured: the carve is in /proc/iomem and already part of the space. */
			res->count = res->n_placed = 1;
			res->r = (struct hr_request_result){.size = pc->size, .aligned_size = aligned,
							    .placed = true, .legacy = HR_FITS,
							    .new_scheme = HR_NEW_FITS};
			continue;
		}
		for (uint64_t n = 0; n < pc->count; n++) {
			struct hr_request_result r;
			/* Only a single carve says which phys-bits would place it: for a group of
			 * chunks that answer is for one chunk, and the advice answers for all. */
			bool explain = pc->count == 1;
			enum hr_status st = hr_carver_judge(c, pc->size, explain, &r);

			if (st)
				return st;
			add_to_group(res, &r);
		}
		g->fails |= hr_audit_carve_fails(a, &res->r);
	}
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
	/* --hole64 models the window the firmware would give them: the warning is answered. */
	if (!st && !ov->have_hole64)
		what_if_bars(a);
	return st;
}

/* Each GPU with a carve is a subject of the verdict: it gets its range, or what blocks it. */
void hr_audit_gpu_subjects(struct hr_audit *a, const char *unknown_code, const char *unknown_why)
{
	for (size_t i = 0; i < a->n_gpus; i++) {
		const struct hr_gpu_result *g = &a->gpus[i];
		struct hr_subject s = {.kind = "GPU", .outcome = HR_OUTCOME_RANGE};
		const struct hr_request_result *worst = NULL;

		if (!g->n_carves)
			continue;
		snprintf(s.label, sizeof(s.label), "%s", g->gpu.bdf);
		for (size_t c = 0; c < g->n_carves && !worst; c++)
			if (hr_audit_carve_fails(a, &g->carves[c].r))
				worst = &g->carves[c].r;
		if (worst)
			hr_audit_judge_subject(a, worst, unknown_code, unknown_why, &s);
		hr_verdict_add_subject(&a->verdict, &s);
	}
}
