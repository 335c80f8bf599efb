// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 limits, from the captured guests (whose kernels answered) and from hand-made facts
 * whose expected values are worked out from Debian's 6.1.192 and 6.12.117 sources:
 *   arch/arm64/include/asm/memory.h: PAGE_OFFSET = -2^VA_BITS; PAGE_END = -2^(VA_BITS_MIN - 1), or
 *     with generic/tag KASAN the shadow start 2^(64 - scale) + KASAN_SHADOW_OFFSET - 2^(va - scale);
 *     VA_BITS_MIN = 47 (16K pages) or 48 when VA_BITS > 48; PHYSMEM_END = __pa(PAGE_END - 1) (6.12).
 *   arch/arm64/mm/init.c arm64_memblock_init(): memstart_addr = round_down(memblock_start_of_DRAM(),
 *     ARM64_MEMSTART_ALIGN), less 2^52 - 2^vabits_actual on a 52-bit kernel running 48 bits.
 *   arch/arm64/include/asm/pgtable-prot.h: with CONFIG_ARM64_LPA2, PHYS_MASK_SHIFT (and so
 *     MAX_PHYSMEM_BITS) is 48 unless LPA2 is enabled.
 *   Before f0b13ee23241 (5.12) SECTION_SIZE_BITS is 30 for every page size.
 */
#include <glob.h>
#include <stdlib.h>

#include "check.h"
#include "headroom/audit.h"
#include "headroom/parse.h"

#define CASES HEADROOM_FIXTURES "/../cases"
#define GIB (1ull << 30)
#define MIB (1ull << 20)

/* The kernel's own direct_map_end from a guest's kernel-answer. */
static bool kernel_answer_end(const char *dir, uint64_t *end)
{
	char path[1024], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel-answer", dir);
	f = fopen(path, "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "direct_map_end %" SCNx64, end) == 1;
	if (f)
		fclose(f);
	return found;
}

/*
 * Every captured arm64 guest: the device tree's host bridge, ECAM and memory enter the firmware
 * view as "dt"; the model takes the DRAM start from the device tree's /memory; on
 * 6.1 the limit is 2^48 - 1, as the kernel said. On 6.12 the kernel's linear-map end, given as the
 * direct-map end, settles vabits_actual (52 only past what 48 bits map) and with it, on this LPA2
 * kernel, MAX_PHYSMEM_BITS; modelled without it, the end is the kernel's when KASLR is off and the
 * CPU has no LPA2, the basis names the LPA2 end otherwise, and KASLR only ever lowers it.
 */
static void test_guests(void)
{
	glob_t g;
	unsigned checked_612 = 0, lpa2_seen = 0;

	CHECK(glob(CASES "/vm*-arm64-*", GLOB_ONLYDIR, NULL, &g) == 0);
	for (size_t c = 0; c < g.gl_pathc; c++) {
		char root[1024];
		struct hr_facts f;
		struct hr_overrides given = HR_OVERRIDES_NONE, none = HR_OVERRIDES_NONE;
		struct hr_model m;
		uint64_t answer, bottom, top;
		bool v612, lpa2;

		snprintf(root, sizeof(root), "%s/root", g.gl_pathv[c]);
		hr_facts_gather(root, &f);
		CHECK(kernel_answer_end(g.gl_pathv[c], &answer));
		CHECK(hr_dt_memory_bounds(&f.dt, &bottom, &top));
		/* The tree's host bridge and memory reach the firmware view as "dt". */
		CHECK_U64(f.firmware.n_bridges, 1);
		for (size_t i = 0; i < f.firmware.n_bridges; i++)
			for (size_t j = 0; j < f.firmware.bridges[i].n_windows; j++)
				CHECK(f.firmware.bridges[i].windows[j].source == HR_FW_DT);
		CHECK(f.firmware.n_affinity == 1 && f.firmware.affinity[0].source == HR_FW_DT &&
		      f.firmware.affinity[0].start == bottom && f.firmware.affinity[0].end == top);
		CHECK(f.firmware.n_ecam == 1 && f.firmware.ecam[0].source == HR_FW_DT);
		hr_model_build(&f, &none, &m);
		CHECK(m.arm64);
		CHECK_U64(m.dram_start.value, bottom);
		CHECK_STR_CONTAINS(m.dram_start.basis, "/memory");
		v612 = m.version.major == 6 && m.version.minor == 12;
		if (!v612) {
			CHECK_U64(m.direct_map_end.value, answer);
			CHECK_U64(m.section_size, 128 * MIB);
			hr_facts_free(&f);
			continue;
		}
		checked_612++;
		lpa2 = answer > bottom + (1ull << 47) - 1;
		lpa2_seen += lpa2;
		if (!lpa2 && !m.kaslr.value)
			CHECK_U64(m.direct_map_end.value, answer);
		if (lpa2) {
			char want[64];

			snprintf(want, sizeof(want), "with LPA2 it is %#llx", (unsigned long long)answer);
			CHECK_STR_CONTAINS(m.direct_map_end.basis, want);
		}
		CHECK(answer <= (lpa2 ? bottom + (1ull << 52) - (1ull << 47) - 1 : m.direct_map_end.value));
		CHECK(m.vabits_actual.source == HR_SRC_UNKNOWN && m.inconclusive);
		CHECK_U64(m.max_physmem_bits, 48);

		given.have_direct_map_end = true;
		given.direct_map_end = answer;
		hr_model_build(&f, &given, &m);
		CHECK_U64(m.vabits_actual.value, lpa2 ? 52 : 48);
		CHECK(m.vabits_actual.source == (lpa2 ? HR_SRC_MEASURED : HR_SRC_UNKNOWN));
		CHECK_U64(m.max_physmem_bits, lpa2 ? 52 : 48);
		hr_facts_free(&f);
	}
	/* 7 Debian 6.12 guests, two of them on -cpu max (LPA2). */
	CHECK_U64(checked_612, 7);
	CHECK_U64(lpa2_seen, 2);
	globfree(&g);
}

static const char iomem_nomap[] =
	"09000000-09000fff : pl011@9000000\n"
	"83fe00000-83fffffff : reserved\n"
	"840000000-93fdfffff : System RAM\n"
	"8000000000-ffffffffff : pcie@10000000\n";

static const char iomem_ram_only[] =
	"840000000-93fdfffff : System RAM\n";

/* An arm64 machine with the given kernel, config, iomem and (optionally) device tree. */
static void arm64_facts(struct hr_facts *f, const char *release, const char *config,
			const char *iomem, const char *dtb)
{
	memset(f, 0, sizeof(*f));
	CHECK(hr_root_init(&f->root, "/nonexistent-root-for-tests", NULL) != HR_OK);
	CHECK(hr_iomem_parse(iomem, strlen(iomem), "/proc/iomem", &f->iomem, &f->diags, NULL) == HR_OK);
	f->memmap_status = f->e820_status = HR_E_NOENT;
	f->dt_status = HR_E_NOENT;
	if (dtb) {
		char *buf;
		size_t len;
		struct hr_error err;

		CHECK(hr_read_path(dtb, 1u << 20, &buf, &len, &err) == HR_OK);
		f->dt_status = hr_fdt_parse(buf, len, dtb, &f->dt, &f->diags, NULL);
		CHECK(f->dt_status == HR_OK);
		free(buf);
	}
	CHECK(hr_kconfig_parse(config, strlen(config), "/boot/config", &f->config, &f->diags, NULL) == HR_OK);
	f->have_cpuinfo = true;
	f->cpuinfo = (struct hr_cpuinfo){.phys_bits = -1, .virt_bits = -1, .arm64 = true};
	f->boot_kaslr = -1;
	snprintf(f->release, sizeof(f->release), "%s", release);
	hr_cmdline_parse("console=ttyAMA0 nokaslr", 23, "/proc/cmdline", &f->cmdline, NULL, NULL);
	for (int i = 0; i < HR_SYM_COUNT; i++)
		f->symbols.present[i] = HR_NO;
	f->symbols.kallsyms = true;
}

static struct hr_model arm64_model(const char *release, const char *config, const char *iomem,
				   const char *dtb)
{
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts f;
	struct hr_model m;

	arm64_facts(&f, release, config, iomem, dtb);
	hr_model_build(&f, &ov, &m);
	hr_facts_free(&f);
	return m;
}

#define CONFIG_4K_VA48 "CONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS=48\nCONFIG_ARM64_PA_BITS=48\n" \
	"CONFIG_RANDOMIZE_BASE=y\nCONFIG_ZONE_DEVICE=y\nCONFIG_DEVICE_PRIVATE=y\n"

/* The DRAM start is memblock's, no-map memory included: from /memory, or from iomem's top-level
 * "reserved" beside System RAM; System RAM alone starts 1 GiB (one rounding step) too high. */
static void test_dram_start(void)
{
	uint64_t low = 0x800000000ull + (1ull << 47) - 1, high = 0x840000000ull + (1ull << 47) - 1;
	struct hr_model m;

	m = arm64_model("6.12.0", CONFIG_4K_VA48, iomem_nomap, HEADROOM_DTB_DIR "/arm64-nomap.dtb");
	CHECK_U64(m.dram_start.value, 0x83fe00000);
	CHECK_STR_CONTAINS(m.dram_start.basis, "/memory in /sys/firmware/fdt");
	CHECK_U64(m.direct_map_end.value, low);
	CHECK(!m.inconclusive);
	m = arm64_model("6.12.0", CONFIG_4K_VA48, iomem_nomap, NULL);
	CHECK_U64(m.dram_start.value, 0x83fe00000);
	CHECK_STR_CONTAINS(m.dram_start.basis, "no-map \"reserved\"");
	CHECK_U64(m.direct_map_end.value, low);
	m = arm64_model("6.12.0", CONFIG_4K_VA48, iomem_ram_only, NULL);
	CHECK_U64(m.direct_map_end.value, high);
	/* The device tree settles it even when iomem hides the no-map memory. */
	m = arm64_model("6.12.0", CONFIG_4K_VA48, iomem_ram_only, HEADROOM_DTB_DIR "/arm64-nomap.dtb");
	CHECK_U64(m.direct_map_end.value, low);
}

/* 16K pages, VA_BITS 52: VA_BITS_MIN is 47, so without LPA2 the map spans 2^47 - 2^46. */
static void test_16k_va_bits_min(void)
{
	struct hr_model m = arm64_model("6.12.0", "CONFIG_ARM64_16K_PAGES=y\nCONFIG_ARM64_VA_BITS=52\n"
					"CONFIG_ARM64_PA_BITS=52\nCONFIG_ARM64_LPA2=y\n",
					iomem_ram_only, NULL);

	CHECK_U64(m.page_size, 16384);
	CHECK_U64(m.direct_map_end.value, 0x840000000ull + (1ull << 46) - 1);
	CHECK_U64(m.vabits_actual.value, 47);
	CHECK_STR_CONTAINS(m.direct_map_end.basis, "with LPA2 it is 0xfc0083fffffff");
	CHECK_U64(m.max_physmem_bits, 48);
	CHECK(m.inconclusive);
}

/* KASAN: generic (scale 3) and software tags (scale 4) end the map at the shadow. */
static void test_kasan_page_end(void)
{
	struct hr_model m;

	/* 2^61 + 0xdfff800000000000 - 2^45 = 0xffff600000000000; minus PAGE_OFFSET -2^48: 96 TiB. */
	m = arm64_model("6.12.0", CONFIG_4K_VA48 "CONFIG_KASAN=y\nCONFIG_KASAN_GENERIC=y\n"
			"CONFIG_KASAN_SHADOW_OFFSET=0xdfff800000000000\n", iomem_ram_only, NULL);
	CHECK_U64(m.direct_map_end.value, 0x840000000ull + 0x600000000000ull - 1);
	CHECK_STR_CONTAINS(m.direct_map_end.basis, "up to the KASAN shadow");
	/* 2^60 + 0xefff800000000000 - 2^44 = 0xffff700000000000: 112 TiB. */
	m = arm64_model("6.12.0", CONFIG_4K_VA48 "CONFIG_KASAN=y\nCONFIG_KASAN_SW_TAGS=y\n"
			"CONFIG_KASAN_SHADOW_OFFSET=0xefff800000000000\n", iomem_ram_only, NULL);
	CHECK_U64(m.direct_map_end.value, 0x840000000ull + 0x700000000000ull - 1);
	/* Hardware tags keep no shadow. */
	m = arm64_model("6.12.0", CONFIG_4K_VA48 "CONFIG_KASAN=y\nCONFIG_KASAN_HW_TAGS=y\n",
			iomem_ram_only, NULL);
	CHECK_U64(m.direct_map_end.value, 0x840000000ull + (1ull << 47) - 1);
	/* A shadow whose offset the config does not give cannot be placed. */
	m = arm64_model("6.12.0", CONFIG_4K_VA48 "CONFIG_KASAN=y\nCONFIG_KASAN_GENERIC=y\n",
			iomem_ram_only, NULL);
	CHECK(m.inconclusive);
	CHECK_STR_CONTAINS(m.direct_map_end.basis, "CONFIG_KASAN_SHADOW_OFFSET unknown");
}

/* 6.10 (LPA2 support, no linear-map PHYSMEM_END): 2^48 - 1 unless the CPU has LPA2, which no file
 * shows; 64K pages reach 52 bits through LVA/LPA without the cap. */
static void test_lpa2_physmem_end(void)
{
	static const char lpa2[] = "CONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS=52\n"
				   "CONFIG_ARM64_PA_BITS=52\nCONFIG_ARM64_LPA2=y\n";
	struct hr_overrides given = HR_OVERRIDES_NONE;
	struct hr_facts f;
	struct hr_model m;

	m = arm64_model("6.10.0", lpa2, iomem_ram_only, NULL);
	CHECK_U64(m.max_physmem_bits, 48);
	CHECK_U64(m.direct_map_end.value, (1ull << 48) - 1);
	CHECK_STR_CONTAINS(m.direct_map_end.basis, "CONFIG_ARM64_LPA2");
	CHECK(m.inconclusive);
	/* The kernel's own stop at 2^52 - 1 can only come from an LPA2 CPU. */
	arm64_facts(&f, "6.10.0", lpa2, iomem_ram_only, NULL);
	given.have_direct_map_end = true;
	given.direct_map_end = (1ull << 52) - 1;
	hr_model_build(&f, &given, &m);
	CHECK_U64(m.max_physmem_bits, 52);
	CHECK(m.vabits_actual.source == HR_SRC_MEASURED);
	hr_facts_free(&f);
	m = arm64_model("6.10.0", "CONFIG_ARM64_64K_PAGES=y\nCONFIG_ARM64_VA_BITS=52\n"
			"CONFIG_ARM64_PA_BITS=52\n", iomem_ram_only, NULL);
	CHECK_U64(m.max_physmem_bits, 52);
	CHECK_U64(m.direct_map_end.value, (1ull << 52) - 1);
	CHECK_U64(m.section_size, 512 * MIB);
}

/* 5.10 (before f0b13ee23241): 1 GiB sections, so requests round to 1 GiB and the search steps by
 * the rounded size from 2^48; 5.12 rounds to 128 MiB. */
static void test_sections_before_5_12(void)
{
	static const uint64_t sizes[] = {GIB, 512 * MIB, 512 * MIB};
	uint64_t top = 1ull << 48;
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts f;
	struct hr_audit a;

	arm64_facts(&f, "5.10.0", CONFIG_4K_VA48, iomem_ram_only, NULL);
	CHECK(hr_audit_run(&f, &ov, sizes, 3, &a) == HR_OK);
	CHECK_U64(a.model.section_size, GIB);
	CHECK(!a.model.step_by_section);
	CHECK_U64(a.requests[1].aligned_size, GIB);
	CHECK_U64(a.requests[1].placement.start, top - 2 * GIB);
	CHECK_U64(a.requests[2].placement.start, top - 3 * GIB);
	hr_audit_free(&a);
	hr_facts_free(&f);

	arm64_facts(&f, "5.12.0", CONFIG_4K_VA48, iomem_ram_only, NULL);
	CHECK(hr_audit_run(&f, &ov, sizes, 3, &a) == HR_OK);
	CHECK_U64(a.model.section_size, 128 * MIB);
	CHECK_U64(a.requests[1].aligned_size, 512 * MIB);
	CHECK_U64(a.requests[1].placement.start, top - GIB - 512 * MIB);
	hr_audit_free(&a);
	hr_facts_free(&f);
}

int main(void)
{
	test_guests();
	test_dram_start();
	test_16k_va_bits_min();
	test_kasan_page_end();
	test_lpa2_physmem_end();
	test_sections_before_5_12();
	CHECK_DONE();
}
