/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel behaviour that changed at some version, and which stable branches took the change. */
#ifndef HEADROOM_KERNEL_RULES_H
#define HEADROOM_KERNEL_RULES_H

#include <stdbool.h>
#include "headroom/kversion.h"

/* One stable branch that took a backport, from its first sublevel on. */
struct hr_backport {
	int major, minor;
	int first_sublevel;
	const char *evidence;		/* where that is recorded: a stable mail, a changelog, a source package */
};

enum hr_rule_id {
	HR_RULE_STEP_BY_SECTION,	/* 659aa050a538: get_free_mem_region() steps by align, not size */
	HR_RULE_PHYSMEM_END_CLAMP,	/* ea72ce5da228: search top clamped to the KASLR direct-map end */
	HR_RULE_P2PDMA_NO_TRIM,		/* 7ffb791423c7: no KASLR trim with CONFIG_PCI_P2PDMA */
	HR_RULE_ZONE_DEVICE_NO_TRIM,	/* 269031b15c14: no KASLR trim with CONFIG_ZONE_DEVICE */
	HR_RULE_NO_MAX_PFN_BUMP,	/* 7170130e4c72: device-private add_pages() keeps max_pfn */
	HR_RULE_ARM64_LINEAR_MAP_END,	/* eeb8fdfcf090: arm64 PHYSMEM_END is the end of the linear map */
	HR_RULE_ARM64_SMALL_SECTIONS,	/* f0b13ee23241: arm64 sections 128 MiB (512 MiB with 64K pages), not 1 GiB */
	HR_RULE_COUNT
};

struct hr_rule {
	enum hr_rule_id id;
	const char *commit;		/* 12-hex abbreviated mainline commit */
	const char *title;
	struct hr_kver mainline;	/* first mainline release carrying it (sublevel 0) */
	const char *mainline_evidence;
	const struct hr_backport *backports;
	int n_backports;
};

const struct hr_rule *hr_rule_get(enum hr_rule_id id);

/* Whether the rule was backported to v's stable branch (at some sublevel). */
bool hr_rule_has_backport(const struct hr_rule *rule, struct hr_kver v);

/* Whether a kernel of version v carries the rule, from the version table alone. */
bool hr_rule_in_version(const struct hr_rule *rule, struct hr_kver v);

#endif
