// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "headroom/kernel_rules.h"
#include "headroom/model.h"
#include "headroom/parse.h"
#include "what_if_map.h"

/* arch/x86/include/asm/sparsemem.h: SECTION_SIZE_BITS 27; MAX_PHYSMEM_BITS 52 with 5-level
 * paging, else 46. arch/arm64/include/asm/sparsemem.h: SECTION_SIZE_BITS 29 with 64K pages, else
 * 27 (30 for every page size before f0b13ee23241, 5.12); MAX_PHYSMEM_BITS is CONFIG_ARM64_PA_BITS,
 * or 48 on an ARM64_LPA2 kernel whose CPU lacks LPA2 (6.9+, asm/pgtable-prot.h PHYS_MASK_SHIFT). */
#define SECTION_128M (1ull << 27)
#define SECTION_512M (1ull << 29)
#define GIB (1ull << 30)
#define TIB (1ull << 40)

const char *hr_source_name(enum hr_source source)
{
	switch (source) {
	case HR_SRC_MEASURED: return "measured";
	case HR_SRC_MODELLED: return "modelled";
	case HR_SRC_OVERRIDE: return "override";
	case HR_SRC_UNKNOWN: break;
	}
	return "unknown";
}

static void set_int(struct hr_fact_int *f, int value, enum hr_source source, const char *basis)
{
	f->value = value;
	f->source = source;
	snprintf(f->basis, sizeof(f->basis), "%s", basis);
}

static const char *arch_of(const struct hr_facts *facts)
{
	/* Only x86 prints "address sizes" and vendor_id in /proc/cpuinfo, and only x86 exports
	 * /sys/kernel/boot_params; arm64 prints "CPU implementer". */
	if (facts->have_cpuinfo && facts->cpuinfo.arm64)
		return "arm64";
	if (facts->have_cpuid || (facts->have_cpuinfo && (facts->cpuinfo.phys_bits > 0 ||
							   facts->cpuinfo.vendor[0])))
		return "x86_64";
	return facts->e820_status != HR_E_NOENT ? "x86_64" : "unknown";
}

/* A numeric Kconfig value (decimal or 0x hex) up to max, or fallback when the config lacks it or
 * holds something else. */
static uint64_t kconfig_number(const struct hr_facts *facts, const char *name, uint64_t max,
			       uint64_t fallback)
{
	const char *v = hr_kconfig_get(&facts->config, name);
	uint64_t n;

	return v && hr_parse_u64(v, &n) && n <= max ? n : fallback;
}

/* arm64: the CPU's PA range is not exported, and the kernel's widths are Kconfig choices. */
static void model_arm64_cpu(const struct hr_facts *facts, const struct hr_overrides *ov,
			    struct hr_model *m)
{
	uint64_t pa_bits = kconfig_number(facts, "ARM64_PA_BITS", 64, 0),
		 va_bits = kconfig_number(facts, "ARM64_VA_BITS", 64, 0);
	unsigned page_shift = hr_kconfig_enabled(&facts->config, "ARM64_64K_PAGES") == HR_YES ? 16
			      : hr_kconfig_enabled(&facts->config, "ARM64_16K_PAGES") == HR_YES ? 14 : 12;
	char basis[160];

	m->page_size = 1ull << page_shift;
	if (ov->phys_bits > 0)
		set_int(&m->phys_bits, ov->phys_bits, HR_SRC_OVERRIDE, "--phys-bits");
	else
		set_int(&m->phys_bits, 0, HR_SRC_UNKNOWN,
			"arm64 does not export the CPU's physical address range");
	if (pa_bits < 36 || pa_bits > 52 || va_bits < 36 || va_bits > 52) {
		pa_bits = va_bits = 48;
		set_int(&m->paging_levels, 4, HR_SRC_UNKNOWN,
			"assumed 48-bit PA and VA, 4K pages: no CONFIG_ARM64_PA_BITS/VA_BITS");
		m->unknowns |= HR_UNKNOWN_PAGING;
	} else {
		/* Each level resolves page_shift - 3 bits: ceil((va - page_shift) / (page_shift - 3)). */
		snprintf(basis, sizeof(basis), "CONFIG_ARM64_VA_BITS=%llu with %llu KiB pages",
			 (unsigned long long)va_bits, (unsigned long long)(m->page_size >> 10));
		set_int(&m->paging_levels, (int)((va_bits - 4) / (page_shift - 3)), HR_SRC_MEASURED,
			basis);
	}
	m->max_physmem_bits = (unsigned)pa_bits;
	m->va_bits = (unsigned)va_bits;
}

static void model_x86_cpu(const struct hr_facts *facts, const struct hr_overrides *ov,
			  struct hr_model *m)
{
	char basis[160];

	m->page_size = 4096;
	m->section_size = SECTION_128M;
	if (ov->phys_bits > 0) {
		set_int(&m->phys_bits, ov->phys_bits, HR_SRC_OVERRIDE, "--phys-bits");
	} else if (facts->have_cpuinfo && facts->cpuinfo.phys_bits > 0) {
		/* The kernel's x86_phys_bits, after any reduction for memory encryption. */
		set_int(&m->phys_bits, facts->cpuinfo.phys_bits, HR_SRC_MEASURED,
			"/proc/cpuinfo address sizes");
	} else if (facts->have_cpuid && facts->cpuid.phys_bits > 0) {
		set_int(&m->phys_bits, facts->cpuid.phys_bits, HR_SRC_MEASURED, "CPUID 0x80000008");
	} else {
		set_int(&m->phys_bits, 0, HR_SRC_UNKNOWN, "no /proc/cpuinfo address sizes");
	}

	if (ov->la57 >= 0) {
		set_int(&m->paging_levels, ov->la57 ? 5 : 4, HR_SRC_OVERRIDE, "--la57");
	} else if (facts->have_cpuinfo) {
		/* The kernel clears the la57 flag unless it runs 5-level paging, so a 57-bit virtual
		 * width without the flag is a 5-level-capable CPU under a 4-level kernel. */
		snprintf(basis, sizeof(basis), "/proc/cpuinfo: %s", facts->cpuinfo.la57 ? "la57 flag"
			 : facts->cpuinfo.virt_bits == 57 ? "57 virtual bits but no la57 flag"
			 : "no la57 flag");
		set_int(&m->paging_levels, facts->cpuinfo.la57 ? 5 : 4, HR_SRC_MEASURED, basis);
	} else {
		set_int(&m->paging_levels, 4, HR_SRC_UNKNOWN, "assumed 4-level: no /proc/cpuinfo");
		m->unknowns |= HR_UNKNOWN_PAGING;
	}
	m->max_physmem_bits = m->paging_levels.value == 5 ? 52 : 46;
}

static void model_version(const struct hr_facts *facts, const struct hr_overrides *ov,
			  struct hr_model *m)
{
	if (ov->have_version) {
		m->version = ov->version;
		m->version_source = HR_SRC_OVERRIDE;
		snprintf(m->version_basis, sizeof(m->version_basis), "--kernel-version");
	} else if (hr_kernel_version_guess(facts->release, facts->proc_version,
					   facts->version_signature, &m->version, m->version_basis,
					   sizeof(m->version_basis))) {
		m->version_source = HR_SRC_MEASURED;
		/* Without the sublevel, a backport to this branch may or may not be there. */
		for (int id = 0; id < HR_RULE_COUNT && m->version.sublevel < 0; id++)
			if (hr_rule_has_backport(hr_rule_get(id), m->version))
				m->sublevel_matters = true;
		if (m->sublevel_matters)
			m->unknowns |= HR_UNKNOWN_SUBLEVEL;
	} else {
		m->version_source = HR_SRC_UNKNOWN;
		snprintf(m->version_basis, sizeof(m->version_basis), "no readable kernel version");
		m->unknowns |= HR_UNKNOWN_VERSION;
	}
}

static bool rule_applies(const struct hr_model *m, enum hr_rule_id id)
{
	return m->version_source != HR_SRC_UNKNOWN && hr_rule_in_version(hr_rule_get(id), m->version);
}

/* "6.1.192 carries 659aa050a538" / "6.1.192 lacks 659aa050a538" */
static void rule_basis(char *buf, size_t len, const struct hr_model *m, enum hr_rule_id id)
{
	const struct hr_rule *r = hr_rule_get(id);
	char version[32];

	if (m->version_source == HR_SRC_UNKNOWN)
		snprintf(buf, len, "kernel version unknown; assumed without %s (%s)", r->commit, r->title);
	else
		snprintf(buf, len, "%s %s %s (%s)", hr_kver_format(m->version, version, sizeof(version)),
			 rule_applies(m, id) ? "carries" : "lacks", r->commit, r->title);
}

static void model_kaslr(const struct hr_facts *facts, const struct hr_overrides *ov, struct hr_model *m)
{
	if (ov->kaslr >= 0)
		set_int(&m->kaslr, ov->kaslr, HR_SRC_OVERRIDE, "--kaslr");
	else if (m->arm64 && hr_kconfig_enabled(&facts->config, "RANDOMIZE_BASE") == HR_NO)
		set_int(&m->kaslr, 0, HR_SRC_MEASURED, "CONFIG_RANDOMIZE_BASE is not set");
	else if (!m->arm64 && hr_kconfig_enabled(&facts->config, "RANDOMIZE_MEMORY") == HR_NO)
		set_int(&m->kaslr, 0, HR_SRC_MEASURED, "CONFIG_RANDOMIZE_MEMORY is not set");
	else if (!m->arm64 && hr_kconfig_enabled(&facts->config, "KASAN") == HR_YES)
		set_int(&m->kaslr, 0, HR_SRC_MEASURED, "CONFIG_KASAN disables memory KASLR");
	else if (facts->boot_kaslr >= 0)
		set_int(&m->kaslr, facts->boot_kaslr, HR_SRC_MEASURED, facts->boot_kaslr
			? "boot_params loadflags has KASLR_FLAG"
			: "boot_params loadflags lacks KASLR_FLAG (nokaslr or a boot path that skips it)");
	else if (facts->cmdline.present)
		set_int(&m->kaslr, !facts->cmdline.nokaslr, HR_SRC_MODELLED,
			facts->cmdline.nokaslr ? "nokaslr on /proc/cmdline" : "no nokaslr on /proc/cmdline");
	else
		set_int(&m->kaslr, 1, HR_SRC_UNKNOWN, "assumed on: no boot_params, no /proc/cmdline");
}

/* arch/x86/mm/kaslr.c kernel_randomize_memory(): the direct map is 2^MAX_PHYSMEM_BITS unless
 * KASLR trims it to DIV_ROUND_UP(max_pfn << PAGE_SHIFT, 1 TiB) + PADDING TiB. *why says which
 * rule decided. */
static void kaslr_direct_map_end(const struct hr_facts *facts, struct hr_model *m,
				 uint64_t *end, char *why, size_t len)
{
	/* Without a config, the Kconfig default for kernels with MEMORY_HOTPLUG, as distributions
	 * build them; the answer is then only a guess. */
	bool have_config = facts->config.count > 0;
	/* Kconfig: range 0x1 0x40 (0 without MEMORY_HOTPLUG); anything else is not a real config. */
	uint64_t full_tb = 1ull << (m->max_physmem_bits - 40), memory_tb,
		 padding = kconfig_number(facts, "RANDOMIZE_MEMORY_PHYSICAL_PADDING", 0x40,
					  have_config ? 0 : 0xa);
	char rule[200];

	*end = (1ull << m->max_physmem_bits) - 1;
	if (!m->kaslr.value) {
		snprintf(why, len, "KASLR off (%s)", m->kaslr.basis);
		return;
	}
	if (m->zone_device == HR_YES && rule_applies(m, HR_RULE_ZONE_DEVICE_NO_TRIM)) {
		rule_basis(rule, sizeof(rule), m, HR_RULE_ZONE_DEVICE_NO_TRIM);
		snprintf(why, len, "no KASLR trim: CONFIG_ZONE_DEVICE=y and %s", rule);
		return;
	}
	if (hr_kconfig_enabled(&facts->config, "PCI_P2PDMA") == HR_YES &&
	    rule_applies(m, HR_RULE_P2PDMA_NO_TRIM)) {
		rule_basis(rule, sizeof(rule), m, HR_RULE_P2PDMA_NO_TRIM);
		snprintf(why, len, "no KASLR trim: CONFIG_PCI_P2PDMA=y and %s", rule);
		return;
	}
	/* DIV_ROUND_UP(top + 1, 1 TiB), which cannot overflow written this way: RAM may end at the
	 * very top in a damaged map. */
	memory_tb = m->top_of_ram / TIB + 1 + padding;
	if (memory_tb >= full_tb) {
		snprintf(why, len, "KASLR trim does not bite: RAM top rounded up + %llu TiB padding "
			 "reaches 2^%u", (unsigned long long)padding, m->max_physmem_bits);
		return;
	}
	*end = memory_tb * TIB - 1;
	snprintf(why, len, "KASLR trims the direct map to RAM top rounded up to a TiB + %llu TiB "
		 "padding (CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING%s)", (unsigned long long)padding,
		 have_config ? "" : " unknown: no kernel config, the default assumed");
	if (!have_config)
		m->unknowns |= HR_UNKNOWN_KCONFIG;
}

/* Whether the kernel clamps the search at the direct-map end (ea72ce5da228). The symbol it added is the
 * kernel's own answer; the version table is the fallback. */
static void model_clamp(const struct hr_facts *facts, struct hr_model *m)
{
	const struct hr_symbols *s = &facts->symbols;

	/* With --kernel-version the question is about another kernel: its rules decide. */
	if (m->version_source != HR_SRC_OVERRIDE &&
	    (s->present[HR_SYM_DIRECT_MAP_PHYSMEM_END] == HR_YES ||
	     s->present[HR_SYM_PHYSMEM_END] == HR_YES)) {
		m->has_clamp = true;
		snprintf(m->clamp_basis, sizeof(m->clamp_basis), "%s is in /proc/kallsyms",
			 s->present[HR_SYM_DIRECT_MAP_PHYSMEM_END] == HR_YES
			 ? "direct_map_physmem_end" : "physmem_end");
		return;
	}
	m->has_clamp = rule_applies(m, HR_RULE_PHYSMEM_END_CLAMP);
	rule_basis(m->clamp_basis, sizeof(m->clamp_basis), m, HR_RULE_PHYSMEM_END_CLAMP);
}

/* The direct-map end: given, read from the kernel, or modelled. */
static void set_direct_map_end(const struct hr_facts *facts, const struct hr_overrides *ov,
			       struct hr_model *m, uint64_t modelled, const char *why)
{
	struct hr_fact_addr *dme = &m->direct_map_end;

	if (ov->have_direct_map_end) {
		dme->value = ov->direct_map_end;
		dme->source = HR_SRC_OVERRIDE;
		snprintf(dme->basis, sizeof(dme->basis), "--direct-map-end");
	} else if (facts->have_direct_map_reading) {
		dme->value = facts->direct_map_reading;
		dme->source = HR_SRC_MEASURED;
		snprintf(dme->basis, sizeof(dme->basis), "%s read through /proc/kcore",
			 hr_symbol_name(facts->direct_map_symbol));
	} else {
		dme->value = modelled;
		dme->source = HR_SRC_MODELLED;
		if (snprintf(dme->basis, sizeof(dme->basis), "%s", why) >= (int)sizeof(dme->basis))
			hr_trim_partial_utf8(dme->basis);
	}
}

static void model_x86_limits(const struct hr_facts *facts, const struct hr_overrides *ov,
			     struct hr_model *m)
{
	uint64_t full = (1ull << m->max_physmem_bits) - 1, kaslr_end;
	char why[256];

	m->iomem_end.value = m->phys_bits.value <= 0 ? 0 : m->phys_bits.value >= 64 ? UINT64_MAX
			     : (1ull << m->phys_bits.value) - 1;
	m->iomem_end.source = m->phys_bits.source == HR_SRC_OVERRIDE ? HR_SRC_OVERRIDE
			      : m->phys_bits.source == HR_SRC_UNKNOWN ? HR_SRC_UNKNOWN : HR_SRC_MODELLED;
	/* arch/x86/kernel/setup.c: iomem_resource.end = (1ULL << boot_cpu_data.x86_phys_bits) - 1 */
	snprintf(m->iomem_end.basis, sizeof(m->iomem_end.basis), "2^phys_bits - 1 (%s)",
		 m->phys_bits.basis);

	kaslr_direct_map_end(facts, m, &kaslr_end, why, sizeof(why));
	set_direct_map_end(facts, ov, m, kaslr_end, why);
	model_clamp(facts, m);
	/* Before the clamp, get_free_mem_region() started at min(base->end, 2^MAX_PHYSMEM_BITS - 1),
	 * and a carve past a trimmed direct map could reach vmalloc space. */
	m->search_top = m->iomem_end.value;
	if (m->has_clamp ? m->direct_map_end.value < m->search_top : full < m->search_top)
		m->search_top = m->has_clamp ? m->direct_map_end.value : full;
	m->search_top_known = m->iomem_end.source != HR_SRC_UNKNOWN;
	m->mapped_end = m->direct_map_end.source == HR_SRC_MODELLED ? kaslr_end : m->direct_map_end.value;
	m->map_end_bug = !m->has_clamp;
	m->bumps_max_pfn = !rule_applies(m, HR_RULE_NO_MAX_PFN_BUMP);
	rule_basis(m->max_pfn_basis, sizeof(m->max_pfn_basis), m, HR_RULE_NO_MAX_PFN_BUMP);
}

/* printf onto the end of buf. */
static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	if (used < len)
		vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void set_addr(struct hr_fact_addr *f, uint64_t value, enum hr_source source,
		     const char *basis)
{
	f->value = value;
	f->source = source;
	snprintf(f->basis, sizeof(f->basis), "%s", basis);
}

/* memblock_start_of_DRAM(): the lowest memory the kernel was given, no-map regions included. The
 * device tree's /memory gives it; without one (EFI boot), iomem shows no-map memory as top-level
 * "reserved" beside "System RAM" (arch/arm64/kernel/setup.c request_standard_resources()). */
static void arm64_dram_start(const struct hr_facts *facts, struct hr_model *m)
{
	uint64_t bottom = UINT64_MAX, top;

	if (facts->dt_status == HR_OK && hr_dt_memory_bounds(&facts->dt, &bottom, &top)) {
		set_addr(&m->dram_start, bottom, HR_SRC_MEASURED, "/memory in " HR_FDT_PATH);
		return;
	}
	for (size_t i = 0; m->map_ok && i < facts->iomem.count; i++) {
		const struct hr_iomem_entry *e = &facts->iomem.entries[i];

		if (!e->depth && e->start < bottom && (strcmp(e->name, "System RAM") == 0 ||
						      strcmp(e->name, "reserved") == 0))
			bottom = e->start;
	}
	if (bottom != UINT64_MAX)
		set_addr(&m->dram_start, bottom, HR_SRC_MEASURED,
			 "/proc/iomem System RAM and no-map \"reserved\", no /memory");
	else
		set_addr(&m->dram_start, 0, HR_SRC_UNKNOWN, "no /memory and no System RAM");
}

/* The generic and software-tag KASAN shadows end the linear map early (asm/memory.h: PAGE_END is
 * KASAN_SHADOW_START); scale is KASAN_SHADOW_SCALE_SHIFT (arch/arm64/Makefile: 3, or 4 for tags). */
struct arm64_kasan {
	unsigned scale;			/* 0: no shadow */
	uint64_t offset;		/* CONFIG_KASAN_SHADOW_OFFSET */
};

static bool arm64_kasan(const struct hr_facts *facts, struct arm64_kasan *k)
{
	const char *offset = hr_kconfig_get(&facts->config, "KASAN_SHADOW_OFFSET");

	k->scale = 0;
	if (hr_kconfig_enabled(&facts->config, "KASAN") != HR_YES ||
	    (hr_kconfig_enabled(&facts->config, "KASAN_GENERIC") != HR_YES &&
	     hr_kconfig_enabled(&facts->config, "KASAN_SW_TAGS") != HR_YES))
		return true;
	if (!offset || !hr_parse_u64(offset, &k->offset))
		return false;
	k->scale = hr_kconfig_enabled(&facts->config, "KASAN_SW_TAGS") == HR_YES ? 4 : 3;
	return true;
}

/* __pa(PAGE_END - 1) with vabits_actual va: memstart_addr (arm64_memblock_init(): the DRAM start
 * rounded down, less 2^52 - 2^va when a 52-bit kernel runs with fewer) + PAGE_END - PAGE_OFFSET - 1,
 * PAGE_END being -2^(VA_BITS_MIN - 1) or the KASAN shadow start (virtual addresses modulo 2^64, as
 * the kernel's). */
static uint64_t arm64_linear_end(const struct hr_model *m, const struct arm64_kasan *k,
				 uint64_t memstart, unsigned va, unsigned va_min)
{
	uint64_t page_offset = 0 - (1ull << m->va_bits),
		 page_end = k->scale ? (1ull << (64 - k->scale)) + k->offset - (1ull << (va - k->scale))
				     : 0 - (1ull << (va_min - 1)),
		 span = page_end - page_offset, end;

	if (m->va_bits == 52 && va != 52)
		span -= (1ull << 52) - (1ull << va);	/* memstart_addr moves down as much */
	/* A DRAM start within span of 2^64 (a damaged map) leaves the linear map at the top. */
	return __builtin_add_overflow(memstart, span - 1, &end) ? UINT64_MAX : end;
}

/* vabits_actual: a kernel built for more than VA_BITS_MIN falls back to it on a CPU without 52-bit
 * virtual addresses (LVA with 64K pages, LPA2 otherwise: arch/arm64/kernel/pi/map_kernel.c), and no
 * file names the CPU's features. On an ARM64_LPA2 kernel that also caps physical addresses at 48
 * bits (LPA2 is on exactly when the wider width is). A known search stop past what the narrower
 * width allows proves the wider one: the linear-map end from 6.12 (KASLR only moves it down),
 * 2^48 - 1 before it on LPA2 kernels. Returns whether MAX_PHYSMEM_BITS is capped at 48. */
static bool arm64_vabits(const struct hr_facts *facts, const struct hr_overrides *ov,
			 struct hr_model *m, uint64_t narrow_end, unsigned va_min)
{
	bool lpa2_kernel = hr_kconfig_enabled(&facts->config, "ARM64_LPA2") == HR_YES,
	     known = ov->have_direct_map_end || facts->have_direct_map_reading;
	uint64_t end = ov->have_direct_map_end ? ov->direct_map_end : facts->direct_map_reading;
	char basis[160];

	if (m->va_bits == va_min) {
		snprintf(basis, sizeof(basis), "CONFIG_ARM64_VA_BITS=%u", m->va_bits);
		set_int(&m->vabits_actual, (int)va_min, HR_SRC_MEASURED, basis);
	} else if (known && end > narrow_end &&
		   (lpa2_kernel || rule_applies(m, HR_RULE_ARM64_LINEAR_MAP_END))) {
		snprintf(basis, sizeof(basis), "the direct-map end %#llx lies past what %u bits reach",
			 (unsigned long long)end, va_min);
		set_int(&m->vabits_actual, (int)m->va_bits, HR_SRC_MEASURED, basis);
	} else {
		snprintf(basis, sizeof(basis), "assumed: no file shows whether the CPU has %s",
			 m->page_size == 1u << 16 ? "LVA" : "LPA2");
		set_int(&m->vabits_actual, (int)va_min, HR_SRC_UNKNOWN, basis);
	}
	if (!lpa2_kernel || m->vabits_actual.value == 52)
		return false;
	m->max_physmem_bits = 48;
	return true;
}

/* arm64 never narrows iomem_resource.end; PHYSMEM_END is 2^MAX_PHYSMEM_BITS - 1 until 6.12 puts it
 * at the end of the linear map, __pa(PAGE_END - 1). KASLR can only move the linear map down
 * (checked in 6.12 guests: cortex-a57 ends at RAM start + 2^47 - 1, -cpu max at RAM start + 2^52 -
 * 2^47 - 1). */
static void model_arm64_limits(const struct hr_facts *facts, const struct hr_overrides *ov,
			       struct hr_model *m)
{
	bool small_sections = rule_applies(m, HR_RULE_ARM64_SMALL_SECTIONS);
	/* asm/memory.h: VA_BITS_MIN is 47 for 16K pages and 48 otherwise when VA_BITS is larger. */
	unsigned va_min = m->va_bits <= 48 ? m->va_bits : m->page_size == 1u << 14 ? 47 : 48;
	/* ARM64_MEMSTART_ALIGN: PUD (4K), contiguous PMDs (16K), PMD (64K), at least a section. */
	uint64_t align, memstart, linear_end;
	struct arm64_kasan kasan;
	bool kasan_known = arm64_kasan(facts, &kasan), lpa2_cap;
	char why[512];

	m->section_size = !small_sections ? GIB : m->page_size == 1u << 16 ? SECTION_512M : SECTION_128M;
	align = m->page_size == 1u << 16 && m->section_size < GIB ? SECTION_512M : GIB;
	arm64_dram_start(facts, m);
	memstart = m->dram_start.value & ~(align - 1);
	lpa2_cap = arm64_vabits(facts, ov, m, rule_applies(m, HR_RULE_ARM64_LINEAR_MAP_END)
				? arm64_linear_end(m, &kasan, memstart, va_min, va_min) : (1ull << 48) - 1,
				va_min);
	linear_end = arm64_linear_end(m, &kasan, memstart, (unsigned)m->vabits_actual.value, va_min);

	m->iomem_end.value = UINT64_MAX;
	m->iomem_end.source = HR_SRC_MODELLED;
	snprintf(m->iomem_end.basis, sizeof(m->iomem_end.basis),
		 "arm64 leaves iomem_resource.end at all ones");
	m->has_clamp = true;
	rule_basis(m->clamp_basis, sizeof(m->clamp_basis), m, HR_RULE_ARM64_LINEAR_MAP_END);
	if (rule_applies(m, HR_RULE_ARM64_LINEAR_MAP_END)) {
		snprintf(why, sizeof(why), "linear map end: DRAM start %#llx from %.160s, rounded down to "
			 "%s; %d-bit VA, %s%s", (unsigned long long)m->dram_start.value, m->dram_start.basis,
			 align == GIB ? "1 GiB" : "512 MiB", m->vabits_actual.value,
			 m->vabits_actual.basis, kasan.scale ? ", up to the KASAN shadow" : "");
		if (m->vabits_actual.source == HR_SRC_UNKNOWN)
			append(why, sizeof(why), "; with %s it is %#llx",
			       m->page_size == 1u << 16 ? "LVA" : "LPA2", (unsigned long long)
			       arm64_linear_end(m, &kasan, memstart, m->va_bits, va_min));
		if (m->kaslr.value)
			append(why, sizeof(why), "; KASLR may move it lower");
		if (!kasan_known)
			append(why, sizeof(why), "; CONFIG_KASAN_SHADOW_OFFSET unknown");
		set_direct_map_end(facts, ov, m, linear_end, why);
		if (m->direct_map_end.source == HR_SRC_MODELLED &&
		    (m->kaslr.value || m->vabits_actual.source == HR_SRC_UNKNOWN || !kasan_known))
			m->unknowns |= HR_UNKNOWN_DIRECT_MAP_END;
	} else {
		if (lpa2_cap)
			snprintf(why, sizeof(why), "PHYSMEM_END = 2^MAX_PHYSMEM_BITS - 1, 48 on this "
				 "CONFIG_ARM64_LPA2 kernel: %s", m->vabits_actual.basis);
		else
			snprintf(why, sizeof(why), "PHYSMEM_END = 2^MAX_PHYSMEM_BITS - 1 "
				 "(CONFIG_ARM64_PA_BITS=%u)", m->max_physmem_bits);
		set_direct_map_end(facts, ov, m, (1ull << m->max_physmem_bits) - 1, why);
		if (m->direct_map_end.source == HR_SRC_MODELLED && lpa2_cap &&
		    m->vabits_actual.source == HR_SRC_UNKNOWN)
			m->unknowns |= HR_UNKNOWN_DIRECT_MAP_END;
		/* The 2023 WARN flood and the amdgpu crash: struct pages outside the vmemmap. */
		m->map_end_bug = true;
	}
	m->search_top = m->direct_map_end.value;
	m->search_top_known = true;
	m->mapped_end = linear_end;
	snprintf(m->max_pfn_basis, sizeof(m->max_pfn_basis), "x86 only");
}

void hr_model_build(const struct hr_facts *facts, const struct hr_overrides *ov,
		    struct hr_model *m)
{
	memset(m, 0, sizeof(*m));
	m->arch = arch_of(facts);
	m->arm64 = strcmp(m->arch, "arm64") == 0;
	m->arch_supported = m->arm64 || strcmp(m->arch, "x86_64") == 0;
	m->map_ok = facts->iomem_status == HR_OK;
	if (m->map_ok)
		hr_iomem_ram_bounds(&facts->iomem, &m->bottom_of_ram, &m->top_of_ram);
	if (m->map_ok && ov->ram)
		m->top_of_ram = hr_what_if_ram_top(&facts->iomem, ov->ram);
	if (m->arm64)
		model_arm64_cpu(facts, ov, m);
	else
		model_x86_cpu(facts, ov, m);
	model_version(facts, ov, m);
	model_kaslr(facts, ov, m);
	if (ov->device_private >= 0) {
		m->zone_device = m->device_private = ov->device_private ? HR_YES : HR_NO;
		m->device_private_source = HR_SRC_OVERRIDE;
	} else {
		m->zone_device = hr_kconfig_enabled(&facts->config, "ZONE_DEVICE");
		m->device_private = hr_kconfig_enabled(&facts->config, "DEVICE_PRIVATE");
		m->device_private_source = m->device_private == HR_UNKNOWN ? HR_SRC_UNKNOWN : HR_SRC_MEASURED;
	}
	/* The series is in no release, so another kernel version cannot promise it. */
	m->new_scheme = m->version_source == HR_SRC_OVERRIDE ? HR_NO
			: facts->symbols.present[HR_SYM_NEW_SCHEME];
	if (m->arm64)
		model_arm64_limits(facts, ov, m);
	else
		model_x86_limits(facts, ov, m);
	m->step_by_section = rule_applies(m, HR_RULE_STEP_BY_SECTION);
	rule_basis(m->step_basis, sizeof(m->step_basis), m, HR_RULE_STEP_BY_SECTION);
	m->can_place = m->map_ok && m->search_top_known;
	if (!m->map_ok)
		m->unknowns |= HR_UNKNOWN_MAP;
	/* Entries lost from the map may lie where the search runs; a GPU not read may carve first. */
	else if (facts->iomem.lines_skipped || facts->iomem.rest_missing)
		m->unknowns |= HR_UNKNOWN_MAP_PART;
	if (facts->gpus.unreadable || (facts->gpus_status && facts->gpus_status != HR_E_NOENT))
		m->unknowns |= HR_UNKNOWN_GPUS;
	if (!m->search_top_known)
		m->unknowns |= HR_UNKNOWN_PHYS_BITS;
	if (!m->arch_supported)
		m->unknowns |= HR_UNKNOWN_ARCH;
	if (m->unknowns)
		m->inconclusive = true;
}

enum hr_tristate hr_guest(const struct hr_facts *facts)
{
	/* arm64's /proc/cpuinfo has no hypervisor flag: it cannot say either way. */
	if (facts->have_cpuid)
		return facts->cpuid.hypervisor ? HR_YES : HR_NO;
	if (facts->have_cpuinfo && !facts->cpuinfo.arm64)
		return facts->cpuinfo.hypervisor ? HR_YES : HR_NO;
	return HR_UNKNOWN;
}

const char *hr_hypervisor_name(const struct hr_facts *facts)
{
	static const struct {
		const char *signature, *name;
	} known[] = {
		{"KVMKVMKVM", "kvm"}, {"Microsoft Hv", "hyper-v"}, {"VMwareVMware", "vmware"},
		{"XenVMMXenVMM", "xen"}, {"TCGTCGTCGTCG", "tcg"}, {"ACRNACRNACRN", "acrn"},
		{"bhyve bhyve ", "bhyve"}, {" lrpepyh  vr", "parallels"}, {"QNXQVMBSQG", "qnx"},
	};

	if (facts->have_cpuid && facts->cpuid.hypervisor_vendor[0]) {
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(facts->cpuid.hypervisor_vendor, known[i].signature) == 0)
				return known[i].name;
		return facts->cpuid.hypervisor_vendor;
	}
	return NULL;
}
