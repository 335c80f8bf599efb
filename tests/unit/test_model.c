// SPDX-License-Identifier: GPL-2.0-or-later
/* The limits the model derives, rule by rule, from hand-made facts. Expected values are worked out
 * from arch/x86/mm/kaslr.c kernel_randomize_memory():
 *   memory_tb = DIV_ROUND_UP(max_pfn << PAGE_SHIFT, 1UL << TB_SHIFT) + CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING;
 *   if (!IS_ENABLED(CONFIG_ZONE_DEVICE) && memory_tb < kaslr_regions[0].size_tb)   (269031b15c14; 6.15 tested PCI_P2PDMA)
 *           kaslr_regions[0].size_tb = memory_tb;
 * and the direct-map end is size_tb TiB - 1; kernel/resource.c gfr_start() then starts at
 * min(base->end, DIRECT_MAP_PHYSMEM_END) (ea72ce5da228) or min(base->end, 2^MAX_PHYSMEM_BITS - 1). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "headroom/audit.h"

#define TIB (1ull << 40)

static const char iomem_2g[] =
	"00000000-00000fff : Reserved\n"
	"00001000-7fffffff : System RAM\n"
	"80000000-febfffff : PCI Bus 0000:00\n"
	"100000000-8ffffffff : PCI Bus 0000:00\n";

static const char config_base[] =
	"CONFIG_ZONE_DEVICE=y\n"
	"CONFIG_DEVICE_PRIVATE=y\n"
	"CONFIG_RANDOMIZE_MEMORY=y\n"
	"CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING=0xa\n"
	"# CONFIG_PCI_P2PDMA is not set\n";

/* Facts of a KASLR-on guest with 2 GiB of RAM and the given kernel. */
static void facts_for(struct hr_facts *f, const char *release, const char *proc_version,
		      const char *config, int phys_bits, bool la57)
{
	memset(f, 0, sizeof(*f));
	CHECK(hr_root_init(&f->root, "/nonexistent-root-for-tests", NULL) != HR_OK);
	CHECK(hr_iomem_parse(iomem_2g, sizeof(iomem_2g) - 1, "/proc/iomem", &f->iomem, &f->diags,
			     NULL) == HR_OK);
	f->memmap_status = f->e820_status = HR_E_NOENT;
	CHECK(hr_kconfig_parse(config, strlen(config), "/boot/config", &f->config, &f->diags, NULL) == HR_OK);
	f->have_cpuinfo = true;
	f->cpuinfo = (struct hr_cpuinfo){.phys_bits = phys_bits, .virt_bits = la57 ? 57 : 48, .la57 = la57,
					 .hypervisor = true, .vendor = "AuthenticAMD"};
	f->boot_kaslr = 1;
	snprintf(f->release, sizeof(f->release), "%s", release);
	f->proc_version = proc_version ? strdup(proc_version) : NULL;
	hr_cmdline_parse("console=ttyS0", 13, "/proc/cmdline", &f->cmdline, NULL, NULL);
	for (int i = 0; i < HR_SYM_COUNT; i++)
		f->symbols.present[i] = HR_NO;
	f->symbols.kallsyms = true;
}

static struct hr_model model_of(struct hr_facts *f)
{
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_model m;

	hr_model_build(f, &ov, &m);
	return m;
}

/* 6.12.0 has the clamp but not the ZONE_DEVICE exception: 2 GiB RAM rounds up to 1 TiB, plus 10. */
static void test_kaslr_trim_clamps_the_search(void)
{
	struct hr_facts f;
	struct hr_model m;

	facts_for(&f, "6.12.0", NULL, config_base, 46, false);
	m = model_of(&f);
	CHECK(!m.inconclusive);
	CHECK(m.has_clamp);
	CHECK(m.step_by_section);
	CHECK_U64(m.direct_map_end.value, 11 * TIB - 1);
	CHECK(m.direct_map_end.source == HR_SRC_MODELLED);
	CHECK_U64(m.search_top, 0xaffffffffff);
	CHECK_U64(m.iomem_end.value, (1ull << 46) - 1);
	hr_facts_free(&f);
}

/* 6.12.67 took 269031b15c14: with CONFIG_ZONE_DEVICE the direct map keeps 2^46. */
static void test_zone_device_exception(void)
{
	struct hr_facts f;
	struct hr_model m;

	facts_for(&f, "6.12.67", NULL, config_base, 46, false);
	m = model_of(&f);
	CHECK_U64(m.direct_map_end.value, (1ull << 46) - 1);
	CHECK_U64(m.search_top, (1ull << 46) - 1);
	hr_facts_free(&f);
}

/* 6.15 skips the trim for CONFIG_PCI_P2PDMA=y, even with ZONE_DEVICE off. */
static void test_p2pdma_exception(void)
{
	static const char config[] = "# CONFIG_ZONE_DEVICE is not set\nCONFIG_PCI_P2PDMA=y\n"
				     "CONFIG_RANDOMIZE_MEMORY=y\nCONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING=0xa\n";
	struct hr_facts f;
	struct hr_model m;

	facts_for(&f, "6.15.0", NULL, config, 46, false);
	m = model_of(&f);
	CHECK_U64(m.direct_map_end.value, (1ull << 46) - 1);
	CHECK(m.zone_device == HR_NO);
	hr_facts_free(&f);
	/* 6.14.0 has no such exception. */
	facts_for(&f, "6.14.0", NULL, config, 46, false);
	m = model_of(&f);
	CHECK_U64(m.direct_map_end.value, 11 * TIB - 1);
	hr_facts_free(&f);
}

/* Without KASLR the direct map is never trimmed; with 5-level paging it spans 2^52. */
static void test_no_kaslr_and_la57(void)
{
	struct hr_facts f;
	struct hr_model m;

	facts_for(&f, "6.12.0", NULL, config_base, 52, true);
	f.boot_kaslr = 0;
	m = model_of(&f);
	CHECK_U64(m.paging_levels.value, 5);
	CHECK_U64(m.direct_map_end.value, (1ull << 52) - 1);
	CHECK_U64(m.search_top, (1ull << 52) - 1);
	hr_facts_free(&f);
}

/* 6.10 has no clamp: the search starts at 2^phys_bits - 1 and the carve lands above the KASLR
 * direct map, the bug ea72ce5da228 fixed; it also raises max_pfn (no 7170130e4c72). */
static void test_hazards_before_the_clamp(void)
{
	struct hr_facts f;
	struct hr_audit a;
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	const uint64_t sizes[] = {1ull << 30};

	facts_for(&f, "6.10.0", NULL, config_base, 46, false);
	CHECK(hr_audit_run(&f, &ov, sizes, 1, &a) == HR_OK);
	CHECK(!a.model.has_clamp);
	CHECK_U64(a.model.search_top, (1ull << 46) - 1);
	CHECK(a.requests[0].placed);
	CHECK_U64(a.requests[0].placement.start, (1ull << 46) - (1ull << 30));
	CHECK(a.requests[0].legacy == HR_HAZARD);
	CHECK(a.requests[0].hazards == (HR_HAZARD_ABOVE_DIRECT_MAP | HR_HAZARD_MAX_PFN_BUMP));
	CHECK(hr_audit_exit_code(&a) == 1);
	hr_audit_free(&a);
	hr_facts_free(&f);
}

/* Debian's 6.1.0-56 is 6.1.192: clamp (6.1.110), ZONE_DEVICE exception (6.1.162), no max_pfn
 * bump (6.1.141), but still the step by size. */
static void test_debian_6_1_192(void)
{
	struct hr_facts f;
	struct hr_model m;

	facts_for(&f, "6.1.0-56-amd64",
		  "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian "
		  "12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP "
		  "PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-09-01)", config_base, 40, false);
	m = model_of(&f);
	CHECK_U64(m.version.major, 6);
	CHECK_U64(m.version.minor, 1);
	CHECK_U64(m.version.sublevel, 192);
	CHECK(m.has_clamp);
	CHECK(!m.step_by_section);
	CHECK(!m.bumps_max_pfn);
	CHECK_U64(m.direct_map_end.value, (1ull << 46) - 1);
	CHECK_U64(m.search_top, (1ull << 40) - 1);
	hr_facts_free(&f);
}

/* The new scheme: 64 bytes of struct page per 4 KiB, and kvzalloc() refuses more than INT_MAX
 * bytes, so a single pagemap of 128 GiB (2^25 pages, 2^31 bytes) is one byte too many. */
static void test_new_scheme_costs(void)
{
	struct hr_facts f;
	struct hr_audit a;
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	const uint64_t sizes[] = {1, 80ull << 30, (128ull << 30) - 4096, 128ull << 30};

	facts_for(&f, "6.12.67", NULL, config_base, 46, false);
	CHECK(hr_audit_run(&f, &ov, sizes, 4, &a) == HR_OK);
	CHECK_U64(a.requests[0].ram_cost, 64);
	CHECK(a.requests[0].new_scheme == HR_NEW_FITS);
	CHECK_U64(a.requests[1].ram_cost, 1280ull << 20);
	CHECK(a.requests[2].new_scheme == HR_NEW_FITS);
	CHECK(a.requests[3].new_scheme == HR_NEW_TOO_LARGE);
	hr_audit_free(&a);
	hr_facts_free(&f);
}

/* Without requests the exit status says whether device-private memory is possible at all. */
static void test_verdict_without_requests(void)
{
	static const char config_off[] = "CONFIG_ZONE_DEVICE=y\n# CONFIG_DEVICE_PRIVATE is not set\n";
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts f;
	struct hr_audit a;

	/* 36 bits: 0x900000000-0xfffffffff is free above the 64-bit window. */
	facts_for(&f, "6.12.67", NULL, config_base, 36, false);
	CHECK(hr_audit_run(&f, &ov, NULL, 0, &a) == HR_OK);
	CHECK(a.verdict.possible == HR_YES && a.verdict.n_subjects == 0);
	CHECK(hr_audit_exit_code(&a) == 0);
	hr_audit_free(&a);
	hr_facts_free(&f);

	/* 35 bits: the window reaches the search top, no section is left. */
	facts_for(&f, "6.12.67", NULL, config_base, 35, false);
	CHECK(hr_audit_run(&f, &ov, NULL, 0, &a) == HR_OK);
	CHECK(a.verdict.possible == HR_NO && strcmp(a.verdict.possible_code, "no-free-space") == 0);
	CHECK(hr_audit_exit_code(&a) == 1);
	hr_audit_free(&a);
	hr_facts_free(&f);

	facts_for(&f, "6.12.67", NULL, config_off, 36, false);
	CHECK(hr_audit_run(&f, &ov, NULL, 0, &a) == HR_OK);
	CHECK(a.verdict.possible == HR_NO && hr_audit_exit_code(&a) == 1);
	CHECK(hr_verdict_best_fix(&a.verdict) &&
	      strcmp(hr_verdict_best_fix(&a.verdict)->code, "device-private-off") == 0);
	hr_audit_free(&a);
	hr_facts_free(&f);
}

/* Subjects and the best fix: on 36 bits the 16 GiB request fits, the 32 GiB one needs 37 bits. */
static void test_verdict_subjects_and_fix(void)
{
	const uint64_t sizes[] = {16ull << 30, 32ull << 30};
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	const struct hr_fix *fix;
	struct hr_facts f;
	struct hr_audit a;

	facts_for(&f, "6.12.67", NULL, config_base, 36, false);
	CHECK(hr_audit_run(&f, &ov, sizes, 2, &a) == HR_OK);
	CHECK(a.verdict.n_subjects == 2);
	CHECK(hr_verdict_count(&a.verdict, "request", HR_OUTCOME_RANGE) == 1);
	CHECK(a.verdict.subjects[1].outcome == HR_OUTCOME_BLOCKED &&
	      strcmp(a.verdict.subjects[1].blocker, "no-space") == 0);
	fix = hr_verdict_best_fix(&a.verdict);
	CHECK(fix && strcmp(fix->code, "advice-phys-bits") == 0 && fix->fixes == 1);
	CHECK(fix && strstr(fix->change, "phys-bits=37") != NULL);
	CHECK(hr_audit_exit_code(&a) == 1 && !a.inconclusive);
	hr_audit_free(&a);
	hr_facts_free(&f);
}

int main(void)
{
	test_kaslr_trim_clamps_the_search();
	test_zone_device_exception();
	test_p2pdma_exception();
	test_no_kaslr_and_la57();
	test_hazards_before_the_clamp();
	test_debian_6_1_192();
	test_new_scheme_costs();
	test_verdict_without_requests();
	test_verdict_subjects_and_fix();
	CHECK_DONE();
}
