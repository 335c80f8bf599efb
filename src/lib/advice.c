// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verified advice: for each knob the user has, the smallest change that makes the failing GPUs
 * and requests fit, found by re-running the whole model with the change applied, never by a
 * formula. An advice names only what its re-run showed fixed, and the change breaks nothing that
 * fitted before.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/audit.h"
#include "headroom/size_format.h"
#include "what_if_map.h"

#define GIB (1ull << 30)
#define MAX_TARGETS 1024

/* What the advice search needs to re-run the model. */
struct search {
	struct hr_audit *a;
	const struct hr_facts *facts;
	const struct hr_overrides *ov;
	const uint64_t *sizes;
	size_t n_sizes;
	size_t n_targets;		/* a->n_gpus + a->n_requests */
	bool failing[MAX_TARGETS];
	size_t n_failing;
};

/* The VM the inputs describe, for the knobs' spelling. */
struct vm {
	bool guest, q35, ovmf;
	const char *cpu_model;		/* for -cpu MODEL,phys-bits=N */
};

static bool target_fails(const struct hr_audit *a, size_t k)
{
	return k < a->n_gpus ? a->gpus[k].fails || a->gpus[k].unsure
			     : hr_audit_carve_fails(a, &a->requests[k - a->n_gpus]);
}

/* Re-run with ov2. fixed[k]: a failure that fits now. False when the change makes something that
 * fitted fail, or the re-run could not be made. */
static bool evaluate(const struct search *s, const struct hr_overrides *ov2, bool *fixed,
		     size_t *n_fixed)
{
	struct hr_audit b;
	enum hr_status st = hr_audit_judge(s->facts, ov2, s->sizes, s->n_sizes, &b);
	bool ok = st == HR_OK && b.n_gpus + b.n_requests == s->n_targets;

	if (st == HR_E_NOMEM)
		s->a->nomem = true;	/* the audit fails rather than lose an advice */

	*n_fixed = 0;
	for (size_t k = 0; ok && k < s->n_targets; k++) {
		bool fails = target_fails(&b, k);

		if (fails && !s->failing[k])
			ok = false;
		fixed[k] = s->failing[k] && !fails;
		*n_fixed += fixed[k];
	}
	hr_audit_free(&b);
	return ok && *n_fixed;
}

static void target_label(const struct hr_audit *a, size_t k, char *buf, size_t len)
{
	if (k < a->n_gpus)
		snprintf(buf, len, "%s", a->gpus[k].gpu.bdf);
	else
		snprintf(buf, len, "request %zu", k - a->n_gpus + 1);
}

static struct hr_advice *add_advice(const struct search *s, const char *kind, const char *knob,
				    const char *what_if, const bool *fixed, size_t n_fixed,
				    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static struct hr_advice *add_advice(const struct search *s, const char *kind, const char *knob,
				    const char *what_if, const bool *fixed, size_t n_fixed,
				    const char *fmt, ...)
{
	struct hr_audit *a = s->a;
	struct hr_advice *grown = realloc(a->advice, (a->n_advice + 1) * sizeof(*grown)), *adv;
	va_list ap;

	if (!grown) {
		a->nomem = true;	/* the audit fails rather than lose an advice */
		return NULL;
	}
	a->advice = grown;
	adv = memset(&grown[a->n_advice++], 0, sizeof(*adv));
	adv->kind = kind;
	adv->knob = knob;
	snprintf(adv->what_if, sizeof(adv->what_if), "%s", what_if);
	for (size_t k = 0; k < s->n_targets && adv->n_fixes < HR_ADVICE_MAX_FIXES; k++)
		if (fixed[k])
			target_label(a, k, adv->fixes[adv->n_fixes++], sizeof(adv->fixes[0]));
	adv->fixes_all = n_fixed == s->n_failing;
	adv->verified = true;
	va_start(ap, fmt);
	vsnprintf(adv->value, sizeof(adv->value), fmt, ap);
	va_end(ap);
	return adv;
}

static void set_change(struct hr_advice *adv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_change(struct hr_advice *adv, const char *fmt, ...)
{
	va_list ap;

	if (!adv)
		return;
	va_start(ap, fmt);
	vsnprintf(adv->change, sizeof(adv->change), fmt, ap);
	va_end(ap);
}

static void describe_vm(const struct hr_facts *f, struct vm *vm)
{
	const char *model = f->have_cpuinfo ? f->cpuinfo.model_name : "";

	memset(vm, 0, sizeof(*vm));
	vm->guest = hr_guest(f) == HR_YES;
	for (size_t i = 0; i < f->iomem.count; i++)
		if (f->iomem.entries[i].depth == 0 && (strncmp(f->iomem.entries[i].name, "PCI ECAM", 8) == 0 ||
						      strncmp(f->iomem.entries[i].name, "PCI MMCONFIG", 12) == 0))
			vm->q35 = true;
	/* OVMF leaves an EFI system table and, in QEMU, a BGRT; SeaBIOS neither. */
	vm->ovmf = hr_root_exists(&f->root, "/sys/firmware/efi") ||
		   hr_root_exists(&f->root, "/sys/firmware/acpi/tables/BGRT");
	vm->cpu_model = strncmp(model, "QEMU Virtual CPU", 16) == 0 ? "qemu64"
			: strncmp(model, "Common KVM processor", 20) == 0 ? "kvm64" : "host";
}

/* The smallest phys-bits that fixes every failure, else the one that fixes the most. */
static void search_phys_bits(const struct search *s, const struct vm *vm)
{
	const struct hr_model *m = &s->a->model;
	bool fixed[MAX_TARGETS], best_fixed[MAX_TARGETS];
	size_t n_fixed, best_n = 0;
	int best = 0;
	char what_if[32];
	struct hr_advice *adv;

	if (m->arm64 || m->phys_bits.source == HR_SRC_UNKNOWN || !vm->guest)
		return;
	for (int bits = m->phys_bits.value + 1; bits <= 52 && best_n < s->n_failing; bits++) {
		struct hr_overrides ov2 = *s->ov;

		ov2.phys_bits = bits;
		if (evaluate(s, &ov2, fixed, &n_fixed) && n_fixed > best_n) {
			best = bits;
			best_n = n_fixed;
			memcpy(best_fixed, fixed, sizeof(fixed));
		}
	}
	if (!best)
		return;
	snprintf(what_if, sizeof(what_if), "--phys-bits %d", best);
	set_change(add_advice(s, "phys-bits", "qemu", what_if, best_fixed, best_n,
			      "-cpu %s,phys-bits=%d", vm->cpu_model, best),
		   "raise the guest's physical address width from %d to %d bits (with the same map)",
		   m->phys_bits.value, best);
	set_change(add_advice(s, "phys-bits", "libvirt", what_if, best_fixed, best_n,
			      "<cpu><maxphysaddr mode='emulate' bits='%d'/></cpu>", best),
		   "raise the guest's physical address width from %d to %d bits (with the same map)",
		   m->phys_bits.value, best);
	/* The host's width is not in the inputs: the same fix only if it has the bits. */
	adv = add_advice(s, "phys-bits", "qemu", what_if, best_fixed, best_n,
			 "-cpu %s,host-phys-bits=on", vm->cpu_model);
	set_change(adv, "or give the guest the host's physical address width: the same fix if the "
		   "host has %d bits or more, which the inputs do not show", best);
	if (adv)
		adv->verified = false;
}

/* The 64-bit window the advice resizes. The knob the user turns changes what the firmware declares
 * (QEMU builds the host bridge's _CRS from pci-hole64-size, OVMF from X-PciMmio64Mb), so that window
 * is the one to size when the inputs have it; else the kernel's view of it in /proc/iomem, which
 * can differ (Linux clips host-bridge windows to E820, for one), and the advice says which. */
struct window64 {
	uint64_t start, end;
	const struct hr_iomem_entry *iomem;	/* the kernel's, which the re-run replaces */
	const struct hr_host_bridge *bridge;	/* the declaring bridge, NULL for iomem's */
	enum hr_fw_source source;
	size_t n_candidates;	/* 64-bit windows it was chosen from (the largest): with several
				 * host bridges, the advice must say which one it means */
};

/* How many windows hr_firmware_window64 (or, without one, hr_pci_window64) chose from. */
static size_t count_window64(const struct hr_facts *f, bool declared)
{
	size_t n = 0;

	for (size_t i = 0; declared && i < f->firmware.n_bridges; i++)
		for (size_t j = 0; j < f->firmware.bridges[i].n_windows; j++)
			n += f->firmware.bridges[i].windows[j].type == HR_WIN_MEM64 &&
			     f->firmware.bridges[i].windows[j].start > 0xffffffffu;
	for (size_t i = 0; !declared && i < f->iomem.count; i++)
		n += !f->iomem.entries[i].depth && f->iomem.entries[i].start >= HR_4G &&
		     !strncmp(f->iomem.entries[i].name, "PCI Bus", 7);
	return n;
}

static bool current_window64(const struct hr_facts *f, struct window64 *w)
{
	const struct hr_fw_window *declared = hr_firmware_window64(&f->firmware, &w->bridge);

	w->iomem = hr_pci_window64(&f->iomem);
	if (!w->iomem)
		return false;
	w->n_candidates = count_window64(f, declared);
	if (!declared) {
		w->bridge = NULL;
		w->start = w->iomem->start;
		w->end = w->iomem->end;
		return true;
	}
	w->start = declared->start;
	w->end = declared->end;
	w->source = declared->source;
	return true;
}

/* "the 64-bit PCI window of \_SB.PCI0, from its _CRS," or the iomem fallback, for the advice;
 * where there are several, which one: its range, and that it is the largest. */
static void window_basis(const struct window64 *w, const char *whose, char *buf, size_t len)
{
	char which[160] = "";

	if (w->n_candidates > 1)
		snprintf(which, sizeof(which), " %#llx-%#llx (the largest of the %zu 64-bit windows "
			 "%s)", (unsigned long long)w->start, (unsigned long long)w->end,
			 w->n_candidates, w->bridge ? "the host bridges declare" : "in /proc/iomem");
	if (w->bridge)
		snprintf(buf, len, "%s64-bit PCI window%s of %s, from its %s,", whose, which,
			 w->bridge->path, w->source == HR_FW_DT ? "ranges" : "_CRS");
	else
		snprintf(buf, len, "%s64-bit PCI window%s%s%s, as /proc/iomem shows it since the "
			 "firmware's declared one is unknown,", whose, which, which[0] ? ", " : "",
			 which[0] ? w->iomem->name : "");
}

/* The space the window must keep: its highest child (BARs assigned in it) and a BAR per what-if
 * GPU, its VRAM rounded up to a power of two as GPUs size their VRAM BAR. */
static uint64_t window_needs(const struct hr_facts *f, const struct hr_overrides *ov,
			     const struct window64 *w)
{
	uint64_t used = 0;

	for (size_t i = 0; i < f->iomem.count; i++) {
		const struct hr_iomem_entry *e = &f->iomem.entries[i];

		if (e->depth && e->start >= w->start && e->end <= w->end && e->end - w->start + 1 > used)
			used = e->end - w->start + 1;
	}
	for (size_t i = 0; i < ov->n_add_gpus; i++) {
		uint64_t bar = GIB;

		while (bar < ov->add_gpus[i].vram && bar < (1ull << 62))
			bar <<= 1;
		used += bar;
	}
	return used;
}

/* Where SeaBIOS and QEMU put a window of this size: from the RAM's top rounded up to 1 GiB, past
 * any top-level entry it would overlap (the AMD HyperTransport hole below 1 TiB moves it to 1 TiB).
 * OVMF keeps its base. Both were seen in the captured guests (vm-*-hole*). */
static uint64_t window_start(const struct search *s, const struct vm *vm,
			     const struct window64 *w, uint64_t size)
{
	const struct hr_iomem *iomem = &s->facts->iomem;
	uint64_t start;

	if (vm->ovmf)
		return w->start;
	start = (s->a->model.top_of_ram >= HR_4G ? s->a->model.top_of_ram + GIB : HR_4G) & ~(GIB - 1);
	for (size_t i = 0; i < iomem->count; i++) {
		const struct hr_iomem_entry *e = &iomem->entries[i];
		bool moving = e == w->iomem || (e->start >= w->start && e->end <= w->end);

		if (e->depth == 0 && !moving && e->end >= start && e->start <= start + size - 1)
			start = (e->end + GIB) & ~(GIB - 1);
	}
	return start;
}

static void advise_window_size(const struct search *s, const struct vm *vm,
			       const struct window64 *w, uint64_t size, uint64_t start,
			       const bool *fixed, size_t n_fixed)
{
	char what_if[96], sz[32], old[32], whose[400];
	const char *host = vm->q35 ? "q35-pcihost" : "i440FX-pcihost";
	struct hr_advice *adv;

	window_basis(w, vm->ovmf ? "OVMF's " : "the ", whose, sizeof(whose));
	snprintf(what_if, sizeof(what_if), "--hole64 %#llx:%lluG", (unsigned long long)start,
		 (unsigned long long)(size / GIB));
	hr_format_size(size, false, sz, sizeof(sz));
	hr_format_size(w->end - w->start + 1, false, old, sizeof(old));
	if (!vm->guest) {
		set_change(add_advice(s, "pci-hole64", "firmware", what_if, fixed, n_fixed,
				      "64-bit MMIO window (\"MMIO high size\" in most server firmware "
				      "setups) of %s", sz),
			   "shrink %s from %s to %s", whose, old, sz);
		return;
	}
	if (vm->ovmf) {
		adv = add_advice(s, "pci-hole64", "qemu", what_if, fixed, n_fixed,
				 "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=%llu",
				 (unsigned long long)(size >> 20));
		set_change(adv, "shrink %s from %s to %s (its base assumed kept)", whose, old, sz);
		adv = add_advice(s, "pci-hole64", "libvirt", what_if, fixed, n_fixed,
				 "<qemu:commandline><qemu:arg value='-fw_cfg'/><qemu:arg "
				 "value='name=opt/ovmf/X-PciMmio64Mb,string=%llu'/></qemu:commandline>",
				 (unsigned long long)(size >> 20));
		set_change(adv, "shrink %s from %s to %s (its base assumed kept)", whose, old, sz);
		return;
	}
	adv = add_advice(s, "pci-hole64", "qemu", what_if, fixed, n_fixed,
			 "-global %s.pci-hole64-size=%lluG", host, (unsigned long long)(size / GIB));
	set_change(adv, "shrink %s from %s to %s: it then starts at %#llx", whose, old, sz,
		   (unsigned long long)start);
	adv = add_advice(s, "pci-hole64", "libvirt", what_if, fixed, n_fixed,
			 "<pcihole64 unit='KiB'>%llu</pcihole64>", (unsigned long long)(size >> 10));
	set_change(adv, "shrink %s from %s to %s: it then starts at %#llx", whose, old, sz,
		   (unsigned long long)start);
}

/* The largest window (the smallest change) that fixes every failure, trying powers of two down
 * to what the BARs in it need; else the one that fixes the most. */
static void search_window(const struct search *s, const struct vm *vm)
{
	struct window64 w;
	bool fixed[MAX_TARGETS], best_fixed[MAX_TARGETS];
	size_t n_fixed, best_n = 0;
	uint64_t need, size, best = 0, best_start = 0;

	if (!current_window64(s->facts, &w) || s->ov->have_hole64 || s->a->model.arm64)
		return;
	need = window_needs(s->facts, s->ov, &w);
	for (size = GIB; size < w.end - w.start + 1; size <<= 1)
		;
	for (size >>= 1; size >= GIB && size >= need && best_n < s->n_failing; size >>= 1) {
		struct hr_overrides ov2 = *s->ov;

		ov2.have_hole64 = true;
		ov2.hole64_size = size;
		ov2.hole64_start = window_start(s, vm, &w, size);
		if (evaluate(s, &ov2, fixed, &n_fixed) && n_fixed > best_n) {
			best = size;
			best_start = ov2.hole64_start;
			best_n = n_fixed;
			memcpy(best_fixed, fixed, sizeof(fixed));
		}
	}
	if (best)
		advise_window_size(s, vm, &w, best, best_start, best_fixed, best_n);
}

static void search_nokaslr(const struct search *s)
{
	struct hr_overrides ov2 = *s->ov;
	bool fixed[MAX_TARGETS];
	size_t n_fixed;

	if (!s->a->model.kaslr.value)
		return;
	ov2.kaslr = 0;
	if (evaluate(s, &ov2, fixed, &n_fixed))
		set_change(add_advice(s, "nokaslr", "kernel-cmdline", "--kaslr off", fixed, n_fixed,
				      "nokaslr"),
			   "boot with memory KASLR off: the direct map is no longer trimmed to the RAM");
}

static int kver_order(const void *x, const void *y)
{
	return hr_kver_cmp(*(const struct hr_kver *)x, *(const struct hr_kver *)y);
}

/* Every release the rule table names (mainline firsts and stable backports), newer than v, in
 * order: the versions at which the modelled behaviour can change. */
static size_t kernel_candidates(struct hr_kver v, struct hr_kver *out, size_t cap)
{
	size_t n = 0;

	for (int id = 0; id < HR_RULE_COUNT; id++) {
		const struct hr_rule *r = hr_rule_get(id);

		for (int b = -1; b < r->n_backports && n < cap; b++) {
			struct hr_kver c = b < 0 ? r->mainline
					   : (struct hr_kver){r->backports[b].major, r->backports[b].minor,
							      r->backports[b].first_sublevel};

			if (hr_kver_cmp(c, v) > 0)
				out[n++] = c;
		}
	}
	qsort(out, n, sizeof(*out), kver_order);
	return n;
}

/* Whether a rule changes the model on this architecture. */
static bool rule_matters(const struct hr_model *m, enum hr_rule_id id)
{
	return id == HR_RULE_STEP_BY_SECTION || m->arm64 == (id == HR_RULE_ARM64_LINEAR_MAP_END);
}

/* The oldest newer kernel that fixes every failure, else the one that fixes the most. */
static void search_kernel(const struct search *s)
{
	const struct hr_model *m = &s->a->model;
	struct hr_kver candidates[64], best = {0};
	bool fixed[MAX_TARGETS], best_fixed[MAX_TARGETS];
	size_t n, n_fixed, best_n = 0;
	char what_if[64], version[32], carries[400] = "";

	if (m->version_source == HR_SRC_UNKNOWN)
		return;
	n = kernel_candidates(m->version, candidates, sizeof(candidates) / sizeof(candidates[0]));
	for (size_t i = 0; i < n && best_n < s->n_failing; i++) {
		struct hr_overrides ov2 = *s->ov;

		if (i && hr_kver_cmp(candidates[i], candidates[i - 1]) == 0)
			continue;
		ov2.have_version = true;
		ov2.version = candidates[i];
		if (evaluate(s, &ov2, fixed, &n_fixed) && n_fixed > best_n) {
			best = candidates[i];
			best_n = n_fixed;
			memcpy(best_fixed, fixed, sizeof(fixed));
		}
	}
	if (!best_n)
		return;
	/* Name what the advised kernel carries that this one lacks. */
	for (int id = 0; id < HR_RULE_COUNT; id++) {
		const struct hr_rule *r = hr_rule_get(id);
		size_t len = strlen(carries);

		if (rule_matters(m, id) && !hr_rule_in_version(r, m->version) &&
		    hr_rule_in_version(r, best))
			snprintf(carries + len, sizeof(carries) - len, "%s%s", len ? ", " : "", r->commit);
	}
	/* And the driver rules that change with it (nouveau's chunk size). */
	for (size_t i = 0; i < s->a->n_gpus; i++) {
		const struct hr_gpu_result *g = &s->a->gpus[i];
		struct hr_gpu_env env = s->a->gpu_env;
		struct hr_gpu_profile p;
		size_t len = strlen(carries);

		env.version = best;
		env.version_known = true;
		hr_gpu_profile(&g->gpu, &env, &p);
		if (strcmp(p.rule, g->profile.rule) && !strstr(carries, p.driver_name))
			snprintf(carries + len, sizeof(carries) - len, "%s%s's rule: %s", len ? ", and " : "",
				 p.driver_name, p.rule);
	}
	hr_kver_format(best, version, sizeof(version));
	snprintf(what_if, sizeof(what_if), "--kernel-version %s", version);
	set_change(add_advice(s, "kernel", "kernel", what_if, best_fixed, best_n, "Linux %s or later",
			      version),
		   "a kernel that carries %s", carries);
}

static void search_new_scheme(const struct search *s)
{
	struct hr_overrides ov2 = *s->ov;
	bool fixed[MAX_TARGETS];
	size_t n_fixed;
	uint64_t ram = 0;
	size_t not_converted = 0;
	char sz[32];

	if (s->a->scheme_new)
		return;
	for (size_t i = 0; i < s->a->n_gpus; i++)
		not_converted += s->a->gpus[i].profile.not_converted && s->a->gpus[i].n_carves;
	ov2.scheme = 1;
	if (!evaluate(s, &ov2, fixed, &n_fixed))
		return;
	for (size_t k = 0; k < s->n_targets; k++) {
		if (!fixed[k])
			continue;
		if (k < s->a->n_gpus)
			for (size_t c = 0; c < s->a->gpus[k].n_carves; c++)
				ram += s->a->gpus[k].carves[c].r.ram_cost;
		else
			ram += s->a->requests[k - s->a->n_gpus].ram_cost;
	}
	hr_format_size(ram, false, sz, sizeof(sz));
	set_change(add_advice(s, "new-scheme", "kernel", "--scheme new", fixed, n_fixed,
			      "a kernel with memremap_device_private_pagemap() (the v6 series, not "
			      "merged) and drivers converted to it: %s of RAM for struct pages", sz),
		   "the new scheme: device-private pages take no physical address space%s",
		   not_converted ? " (not for the nvidia-uvm GPUs: the series does not convert "
				   "nvidia-uvm, which then fails on it)" : "");
}

/* With CONFIG_DEVICE_PRIVATE off nothing fits: that is the first change, and the other knobs are
 * searched on top of it. */
static enum hr_status advise_device_private(struct search *s, struct hr_overrides *base)
{
	struct hr_audit b;
	bool fixed[MAX_TARGETS];
	size_t n_fixed = 0;

	base->device_private = 1;
	if (hr_audit_judge(s->facts, base, s->sizes, s->n_sizes, &b) != HR_OK) {
		hr_audit_free(&b);
		return HR_E_NOMEM;
	}
	for (size_t k = 0; k < s->n_targets; k++) {
		bool fails = target_fails(&b, k);

		fixed[k] = s->failing[k] && !fails;
		n_fixed += fixed[k];
		s->failing[k] = fails;
	}
	hr_audit_free(&b);
	if (n_fixed)
		set_change(add_advice(s, "kernel-config", "kernel", "--device-private on", fixed, n_fixed,
				      "CONFIG_ZONE_DEVICE=y and CONFIG_DEVICE_PRIVATE=y"),
			   "a kernel built with device-private memory");
	s->n_failing = 0;
	for (size_t k = 0; k < s->n_targets; k++)
		s->n_failing += s->failing[k];
	s->ov = base;
	return HR_OK;
}

/* Each change once as a finding (its knobs' values, what it fixes) and as a fix for the verdict. */
static void publish(struct hr_audit *a, size_t first)
{
	static const struct {
		const char *kind, *code;
	} codes[] = {{"phys-bits", "advice-phys-bits"}, {"pci-hole64", "advice-pci-window"},
		     {"nokaslr", "advice-kernel"}, {"kernel", "advice-kernel"},
		     {"new-scheme", "advice-new-scheme"}};

	for (size_t i = first; i < a->n_advice; i++) {
		const struct hr_advice *adv = &a->advice[i];
		const char *code = NULL;
		char text[sizeof(a->findings[0].message)];
		size_t n;

		/* Only what a re-run showed is advice the verdict and the findings repeat. */
		if ((i > first && strcmp(adv->change, a->advice[i - 1].change) == 0) || !adv->verified)
			continue;
		/* The audit's own config fix counts only what placements show; the re-run with the
		 * config on shows it for every subject, the new scheme's included. */
		if (strcmp(adv->kind, "kernel-config") == 0)
			for (size_t f = 0; f < a->verdict.n_fixes; f++)
				if (strcmp(a->verdict.fixes[f].code, "device-private-off") == 0 &&
				    a->verdict.fixes[f].fixes < adv->n_fixes)
					a->verdict.fixes[f].fixes = adv->n_fixes;
		for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++)
			if (strcmp(adv->kind, codes[c].kind) == 0)
				code = codes[c].code;
		if (!code)
			continue;
		n = (size_t)snprintf(text, sizeof(text), "%s", adv->change);
		for (size_t j = i; j < a->n_advice && !strcmp(a->advice[j].change, adv->change) &&
		     n < sizeof(text); j++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "; %s: %s", a->advice[j].knob,
					      a->advice[j].value);
		if (n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "; fixes %s",
					      adv->fixes_all ? "every failure" : "");
		for (size_t k = 0; !adv->fixes_all && k < adv->n_fixes && n < sizeof(text); k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", k ? ", " : "",
					      adv->fixes[k]);
		if (n < sizeof(text))
			snprintf(text + n, sizeof(text) - n, " (verified: headroom %s)", adv->what_if);
		if (!hr_audit_add_finding(a, code, HR_INFO, text))
			return;
		hr_verdict_add_fix(&a->verdict, code, adv->n_fixes, "%s: %s", adv->change, adv->value);
	}
}

enum hr_status hr_audit_advise(struct hr_audit *a, const struct hr_facts *facts,
			       const struct hr_overrides *ov, const uint64_t *sizes, size_t n_sizes)
{
	struct search s = {.a = a, .facts = facts, .ov = ov, .sizes = sizes, .n_sizes = n_sizes,
			   .n_targets = a->n_gpus + a->n_requests};
	struct hr_overrides base = *ov;
	bool on_top = a->model.device_private == HR_NO;
	size_t first = 0;
	struct vm vm;

	if (s.n_targets > MAX_TARGETS)
		return HR_OK;
	for (size_t k = 0; k < s.n_targets; k++) {
		s.failing[k] = target_fails(a, k);
		s.n_failing += s.failing[k];
	}
	if (!s.n_failing)
		return HR_OK;
	if (on_top) {
		if (advise_device_private(&s, &base))
			return HR_E_NOMEM;
		first = a->n_advice;
	}
	describe_vm(facts, &vm);
	if (s.n_failing) {
		search_phys_bits(&s, &vm);
		search_window(&s, &vm);
		search_nokaslr(&s);
		search_kernel(&s);
		search_new_scheme(&s);
	}
	for (size_t i = first; on_top && i < a->n_advice; i++) {
		struct hr_advice *adv = &a->advice[i];
		char text[sizeof(adv->change) + 40];

		snprintf(text, sizeof(text), "%s, with CONFIG_DEVICE_PRIVATE=y", adv->change);
		snprintf(adv->change, sizeof(adv->change), "%.*s", (int)sizeof(adv->change) - 1, text);
		snprintf(text, sizeof(text), "%s --device-private on", adv->what_if);
		snprintf(adv->what_if, sizeof(adv->what_if), "%.*s", (int)sizeof(adv->what_if) - 1, text);
	}
	publish(a, 0);
	return HR_OK;
}
