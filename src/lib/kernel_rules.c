// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which kernels carry the upstream changes the placement model depends on.
 *
 * Every entry below was found in a public record: a stable review or release mail (subject,
 * date, Message-ID), a mainline merge log, or the Debian linux-source package. A stable branch
 * with no record stays out of its table, so such a kernel is modelled as lacking the change;
 * reports/kernel-model-notes.md lists the evidence and what is still unknown.
 */
#include <stddef.h>

#include "headroom/kernel_rules.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 659aa050a538: 6.1.y never took it (Debian 6.1.192 still steps by size). */
static const struct hr_backport step_by_section_backports[] = {
	{ 6, 6, 11, "[PATCH 6.6 099/124] kernel/resource: Increment by align value in "
		    "get_free_mem_region(), 2024-01-08 <20240108150607.528720157@linuxfoundation.org>, "
		    "in \"[PATCH 6.6 000/124] 6.6.11-rc1 review\" <20240108150602.976232871@linuxfoundation.org>" },
};

/* ea72ce5da228 (tip id dfb3911c3692): 5.4 refused it; no record for 5.10 or 5.15. */
static const struct hr_backport physmem_end_backports[] = {
	{ 6, 1, 110, "listed in \"[PATCH 6.1 000/186] 6.1.110-rc2 review\", 2024-09-11 "
		     "<20240911130536.697107864@linuxfoundation.org>; Debian linux 6.1 changelog, "
		     "ChangeLog-6.1.110 section; code present (physmem_end) in Debian 6.1.192" },
	{ 6, 6, 51, "[PATCH 6.6 018/269] x86/kaslr: Expose and use the end of the physical memory "
		    "address space, 2024-09-10 <20240910092608.908890009@linuxfoundation.org>, "
		    "in 6.6.51-rc1 <20240910092608.225137854@linuxfoundation.org>" },
	{ 6, 10, 10, "listed in \"[PATCH 6.10 000/375] 6.10.10-rc1 review\", 2024-09-10 "
		     "<20240910092622.245959861@linuxfoundation.org>" },
};

/* 7ffb791423c7: 5.10.238 (the same stable batch) does not list it. */
static const struct hr_backport p2pdma_backports[] = {
	{ 5, 15, 185, "[PATCH 5.15 098/207] x86/kaslr: Reduce KASLR entropy on most x86 systems, "
		      "2025-06-02 <20250602134302.578445281@linuxfoundation.org>, in 5.15.185-rc1 "
		      "<20250602134258.769974467@linuxfoundation.org>" },
	{ 6, 1, 141, "[PATCH 6.1 143/325] 2025-06-02 <20250602134325.624253617@linuxfoundation.org>; "
		     "\"Linux 6.1.141\" 2025-06-04 <2025060410-directory-replace-61df@gregkh>; Debian "
		     "changelog, ChangeLog-6.1.141 section" },
	{ 6, 6, 93, "[PATCH 6.6 195/444] 2025-06-02 <20250602134348.821586041@linuxfoundation.org>, "
		    "in 6.6.93-rc1 <20250602134340.906731340@linuxfoundation.org>" },
	{ 6, 12, 31, "[PATCH 6.12 305/626] 2025-05-27 <20250527162457.425427604@linuxfoundation.org>, "
		     "in 6.12.31-rc1 <20250527162445.028718347@linuxfoundation.org>" },
	{ 6, 14, 9, "[PATCH 6.14 376/783] 2025-05-27 <20250527162528.401538248@linuxfoundation.org>, "
		    "in 6.14.9-rc1 <20250527162513.035720581@linuxfoundation.org>" },
};

/* 269031b15c14: absent from the 5.10 stable queue of 2026-01-26, which 5.15 took it from. */
static const struct hr_backport zone_device_backports[] = {
	{ 5, 15, 199, "\"Linux 5.15.199\" 2026-02-06 <2026020628-possible-rink-b83f@gregkh> lists it" },
	{ 6, 1, 162, "[PATCH 6.1 042/280] 2026-02-04 <20260204143911.152130954@linuxfoundation.org>; "
		     "\"Linux 6.1.162\" 2026-02-06 <2026020634-dander-challenge-0143@gregkh>; code present "
		     "in Debian 6.1.192 (its changelog omits the title)" },
	{ 6, 6, 122, "[PATCH 6.6 051/254] 2026-01-28 <20260128145346.537715362@linuxfoundation.org>; "
		     "\"Linux 6.6.122\" 2026-01-30 <2026013054-mannish-peddling-dcfd@gregkh>" },
	{ 6, 12, 67, "[PATCH 6.12 072/139] 2026-01-21 <20260121181414.046614172@linuxfoundation.org>; "
		     "\"Linux 6.12.67\" 2026-01-23 <2026012318-stencil-giant-f670@gregkh>" },
	{ 6, 18, 7, "listed in \"[PATCH 6.18 000/198] 6.18.7-rc1 review\", 2026-01-21 "
		    "<20260121181418.537774329@linuxfoundation.org>" },
};

/* 7170130e4c72: 5.15 refused it (FAILED mail); no record for 5.10. */
static const struct hr_backport no_max_pfn_bump_backports[] = {
	{ 6, 1, 141, "\"Linux 6.1.141\" 2025-06-04 <2025060410-directory-replace-61df@gregkh>; Debian "
		     "changelog, ChangeLog-6.1.141 section; code present in Debian 6.1.192" },
	{ 6, 6, 93, "[PATCH 6.6 390/444] 2025-06-02 <20250602134356.742091064@linuxfoundation.org>, "
		    "in 6.6.93-rc1 <20250602134340.906731340@linuxfoundation.org>" },
	{ 6, 12, 31, "[PATCH 6.12 625/626] 2025-05-27 <20250527162510.396791895@linuxfoundation.org>, "
		     "in 6.12.31-rc1 <20250527162445.028718347@linuxfoundation.org>" },
	{ 6, 14, 9, "[PATCH 6.14 637/783] 2025-05-27 <20250527162539.086305403@linuxfoundation.org>, "
		    "in 6.14.9-rc1 <20250527162513.035720581@linuxfoundation.org>" },
};

/* Indexed by enum hr_rule_id. */
static const struct hr_rule rules[HR_RULE_COUNT] = {
	[HR_RULE_STEP_BY_SECTION] = {
		.id = HR_RULE_STEP_BY_SECTION,
		.commit = "659aa050a538",
		.title = "kernel/resource: Increment by align value in get_free_mem_region()",
		.mainline = { 6, 7, 0 },
		.mainline_evidence = "mainline master had it by 2024-01-03 (bpf-next post-receive "
			"<170430679260.24581.11335858026245237151@gitolite.kernel.org>), before v6.7 "
			"(2024-01-07); posted 2023-11-13, after v6.6; 6.6.11 backport cites it as upstream",
		.backports = step_by_section_backports,
		.n_backports = ARRAY_LEN(step_by_section_backports),
	},
	[HR_RULE_PHYSMEM_END_CLAMP] = {
		.id = HR_RULE_PHYSMEM_END_CLAMP,
		/* dfb3911c3692 was the first tip x86/urgent id; the branch was rebuilt before merge. */
		.commit = "ea72ce5da228",
		.title = "x86/kaslr: Expose and use the end of the physical memory address space",
		.mainline = { 6, 11, 0 },
		.mainline_evidence = "merged into master with x86-urgent-2024-09-01, between "
			"431c1646e1f8 and the ata-6.11-rc7 merge (post-receive "
			"<172538218208.126262.10856454845556509383@gitolite.kernel.org>); "
			"stable patches say \"commit ea72ce5da228 upstream\"",
		.backports = physmem_end_backports,
		.n_backports = ARRAY_LEN(physmem_end_backports),
	},
	[HR_RULE_P2PDMA_NO_TRIM] = {
		.id = HR_RULE_P2PDMA_NO_TRIM,
		.commit = "7ffb791423c7",
		.title = "x86/kaslr: Reduce KASLR entropy on most x86 systems",
		.mainline = { 6, 15, 0 },
		.mainline_evidence = "tip x86/mm, in linux-next by next-20250307; merged for v6.15; "
			"6.14.y needed the backport (6.14.9)",
		.backports = p2pdma_backports,
		.n_backports = ARRAY_LEN(p2pdma_backports),
	},
	[HR_RULE_ZONE_DEVICE_NO_TRIM] = {
		.id = HR_RULE_ZONE_DEVICE_NO_TRIM,
		.commit = "269031b15c14",
		.title = "x86/kaslr: Recognize all ZONE_DEVICE users as physaddr consumers",
		.mainline = { 6, 19, 0 },
		.mainline_evidence = "in master with the 6.19-rc6 merges (post-receive "
			"<176862157920.4114540.8689098393249386637@gitolite.kernel.org>, 2026-01-17); "
			"6.18.y needed the backport (6.18.7)",
		.backports = zone_device_backports,
		.n_backports = ARRAY_LEN(zone_device_backports),
	},
	[HR_RULE_NO_MAX_PFN_BUMP] = {
		.id = HR_RULE_NO_MAX_PFN_BUMP,
		.commit = "7170130e4c72",
		.title = "x86/mm/init: Handle the special case of device private pages in add_pages(), "
			 "to not increase max_pfn and trigger dma_addressing_limited() bounce buffers",
		.mainline = { 6, 15, 0 },
		.mainline_evidence = "posted 2025-04-01 (after v6.14), picked from mainline by "
			"\"[PATCH AUTOSEL 6.14 630/642]\" 2025-05-05 (before v6.15, 2025-05-25); "
			"6.14.y needed the backport (6.14.9)",
		.backports = no_max_pfn_bump_backports,
		.n_backports = ARRAY_LEN(no_max_pfn_bump_backports),
	},
	[HR_RULE_ARM64_LINEAR_MAP_END] = {
		.id = HR_RULE_ARM64_LINEAR_MAP_END,
		.commit = "eeb8fdfcf090",
		.title = "arm64: Expose the end of the linear map in PHYSMEM_END",
		.mainline = { 6, 12, 0 },
		.mainline_evidence = "posted 2024-09-03 <20240903164532.3874988-1-scott@os.amperecomputing.com>; "
			"\"arm64 updates for 6.12\" <20240913164001.GA24426@willie-the-truck> lists \"Define "
			"PHYSMEM_END to fix a crash in the amdgpu driver\"; Cc stable was dropped because "
			"PHYSMEM_END then existed only in linux-next",
		.backports = NULL,
		.n_backports = 0,
	},
	[HR_RULE_ARM64_SMALL_SECTIONS] = {
		.id = HR_RULE_ARM64_SMALL_SECTIONS,
		.commit = "f0b13ee23241",
		.title = "arm64/sparsemem: reduce SECTION_SIZE_BITS",
		.mainline = { 5, 12, 0 },
		.mainline_evidence = "in master with the arm64 merge for 5.12 (torvalds post-receive "
			"d310ec03a34e..66f73fb3facd, 2021-02-21, after v5.11 "
			"<161394484410.30234.6177773604618879048@gitolite.kernel.org>); no stable "
			"backport found (makedumpfile had to learn both sizes)",
		.backports = NULL,
		.n_backports = 0,
	},
};

const struct hr_rule *hr_rule_get(enum hr_rule_id id)
{
	if ((unsigned)id >= HR_RULE_COUNT)
		return NULL;
	return &rules[id];
}

/* The stable branch of v's series that took the change, NULL when none did. */
static const struct hr_backport *backport_for(const struct hr_rule *rule, struct hr_kver v)
{
	for (int i = 0; rule && i < rule->n_backports; i++)
		if (rule->backports[i].major == v.major && rule->backports[i].minor == v.minor)
			return &rule->backports[i];
	return NULL;
}

bool hr_rule_has_backport(const struct hr_rule *rule, struct hr_kver v)
{
	return backport_for(rule, v) != NULL;
}

/*
 * A release series at or past the mainline one carries the change whatever its sublevel
 * (an -rc of that series is counted as carrying it too: hr_kver has no rc field). Older
 * series carry it only from the first stable sublevel that took it; an unknown sublevel
 * there cannot be placed, so it counts as lacking.
 */
bool hr_rule_in_version(const struct hr_rule *rule, struct hr_kver v)
{
	const struct hr_backport *b = backport_for(rule, v);

	if (!rule)
		return false;
	if (hr_kver_cmp_series(v, rule->mainline) >= 0)
		return true;
	return b && v.sublevel >= 0 && v.sublevel >= b->first_sublevel;
}
