/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the running (or captured) kernel is: release and version, Kconfig, command line, and
 * which functions and variables it has. */
#ifndef HEADROOM_KERNEL_H
#define HEADROOM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "headroom/error.h"
#include "headroom/kernel_rules.h"
#include "headroom/kversion.h"
#include "headroom/rootfs.h"

enum hr_tristate { HR_UNKNOWN = -1, HR_NO = 0, HR_YES = 1 };

struct hr_kconfig_entry {
	char *name;	/* without the CONFIG_ prefix */
	char *value;	/* "y", "m", a number or a quoted string; "n" for "is not set" */
};

struct hr_kconfig {
	struct hr_kconfig_entry *entries;	/* sorted by name */
	size_t count;
	char path[512];				/* where it was read, "" when not found */
};

/* Parse Kconfig text ("CONFIG_X=y", "# CONFIG_X is not set"). Bad lines go to diags. */
enum hr_status hr_kconfig_parse(const char *buf, size_t len, const char *path,
				struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err);

/* /proc/config.gz (zlib), else /boot/config-<release>. */
enum hr_status hr_kconfig_read(const struct hr_root *root, const char *release,
			       struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err);

/* The value of CONFIG_<name>, or NULL when the config does not mention it. */
const char *hr_kconfig_get(const struct hr_kconfig *config, const char *name);

/* y or m: HR_YES; "is not set" or absent from a config that was read: HR_NO; no config: HR_UNKNOWN. */
enum hr_tristate hr_kconfig_enabled(const struct hr_kconfig *config, const char *name);

void hr_kconfig_free(struct hr_kconfig *config);

struct hr_cmdline {
	bool present;
	bool nokaslr;
	char mem[32];		/* mem=, "" when absent */
	unsigned memmap_count;	/* memmap= options */
};

/* /proc/cmdline (the parser contract, error.h): nokaslr, mem= and memmap= before any "--". */
enum hr_status hr_cmdline_parse(const char *buf, size_t len, const char *path,
				struct hr_cmdline *out, struct hr_diags *diags, struct hr_error *err);

/* Names headroom looks for in the kernel's symbol tables. */
enum hr_symbol {
	HR_SYM_NEW_SCHEME,		/* memremap_device_private_pagemap */
	HR_SYM_REQUEST_FREE_MEM_REGION,	/* request_free_mem_region */
	HR_SYM_DIRECT_MAP_PHYSMEM_END,	/* direct_map_physmem_end (6.13+) */
	HR_SYM_PHYSMEM_END,		/* physmem_end (6.11, 6.12, backports) */
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

/* A raw BTF blob (/sys/kernel/btf/vmlinux): which of the functions it has as BTF_KIND_FUNC. One
 * walk over the type records, every offset checked; no type graph is built. A blob that cannot be
 * walked to its end is invalid as a whole (HR_E_PARSE, HR_E_TRUNCATED). */
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

/* Read 8 bytes at a kernel virtual address through /proc/kcore (live machine, root). */
enum hr_status hr_kcore_read_u64(const struct hr_root *root, uint64_t vaddr, uint64_t *value,
				 struct hr_error *err);

#endif
