/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which functions and variables the kernel has: BTF and /proc/kallsyms. */
#ifndef HEADROOM_SYMBOLS_H
#define HEADROOM_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"
#include "headroom/tristate.h"

/* Names headroom looks for in the kernel's symbol tables. */
enum hr_symbol {
	HR_SYM_NEW_SCHEME,		/* memremap_device_private_pagemap */
	HR_SYM_DIRECT_MAP_PHYSMEM_END,	/* direct_map_physmem_end (6.13+) */
	HR_SYM_PHYSMEM_END,		/* physmem_end (6.11, 6.12, backports) */
	HR_SYM_MIGRATE_DEVICE_RANGE,	/* migrate_device_range (6.1+, backports): nvidia-uvm's HMM */
	HR_SYM_COUNT
};

struct hr_symbols {
	enum hr_tristate present[HR_SYM_COUNT];
	uint64_t address[HR_SYM_COUNT];	/* from kallsyms; 0 when hidden (kptr_restrict) or unknown */
	bool btf;			/* functions were looked up in /sys/kernel/btf/vmlinux */
	bool kallsyms;			/* /proc/kallsyms was read */
};

const char *hr_symbol_name(enum hr_symbol sym);

/* Which of the symbols one table names, and at what address (kallsyms; 0 when hidden). */
struct hr_symbol_set {
	bool found[HR_SYM_COUNT];
	uint64_t address[HR_SYM_COUNT];
};

/* A raw BTF blob (/sys/kernel/btf/vmlinux): which of the functions it has as BTF_KIND_FUNC. The
 * header's sections are checked; the type records are walked, every offset checked and no type
 * graph built, only when a function's name is in the string section, and only until the last one
 * is found; a record that cannot be stepped over in that walk makes the blob invalid as a whole
 * (HR_E_PARSE, HR_E_TRUNCATED). A blob whose strings lack every name is not walked: no record can
 * name a function that is not there. */
enum hr_status hr_btf_parse(const char *buf, size_t len, const char *path,
			    struct hr_symbol_set *out, struct hr_diags *diags, struct hr_error *err);

/* /proc/kallsyms text: the core kernel's symbols among ours (module symbols are not ours), until
 * all are found. A line longer than the kernel prints is skipped with a diagnostic. */
enum hr_status hr_kallsyms_parse(const char *buf, size_t len, const char *path,
				 struct hr_symbol_set *out, struct hr_diags *diags,
				 struct hr_error *err);

/* Functions from BTF when present, variables and addresses from /proc/kallsyms; on the live
 * machine kallsyms is read only when its addresses can be used (root and /proc/kcore) or BTF is
 * missing. A symbol stays HR_UNKNOWN when no table that could hold it was read. */
void hr_symbols_read(const struct hr_root *root, struct hr_symbols *out, struct hr_diags *diags);

#endif
