// SPDX-License-Identifier: GPL-2.0-or-later
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "headroom/kernel.h"
#include "headroom/parse.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define KALLSYMS_PATH "/proc/kallsyms"

static const struct {
	const char *name;
	bool function;	/* BTF names functions; variables need kallsyms (CONFIG_KALLSYMS_ALL) */
} symbols[HR_SYM_COUNT] = {
	[HR_SYM_NEW_SCHEME] = {"memremap_device_private_pagemap", true},
	[HR_SYM_REQUEST_FREE_MEM_REGION] = {"request_free_mem_region", true},
	[HR_SYM_DIRECT_MAP_PHYSMEM_END] = {"direct_map_physmem_end", false},
	[HR_SYM_PHYSMEM_END] = {"physmem_end", false},
};

const char *hr_symbol_name(enum hr_symbol sym)
{
	return symbols[sym].name;
}

/* libbpf logs to stderr by default; the library must stay silent. */
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void read_btf(const struct hr_root *root, struct hr_symbols *out, struct hr_diags *diags)
{
	char full[1024];
	libbpf_print_fn_t previous;
	struct btf *btf;

	if (hr_root_path(root, BTF_PATH, full, sizeof(full), NULL) || !hr_root_exists(root, BTF_PATH))
		return;
	previous = libbpf_set_print(quiet_libbpf);
	btf = btf__parse_raw(full);
	libbpf_set_print(previous);
	if (!btf) {
		hr_diag_add(diags, HR_E_PARSE, BTF_PATH, 0, "not valid BTF: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (symbols[i].function)
			out->present[i] = btf__find_by_name_kind(btf, symbols[i].name, BTF_KIND_FUNC) > 0
						  ? HR_YES : HR_NO;
	btf__free(btf);
	out->btf = true;
}

/* "ffffffff81000000 T name [module]" */
static void scan_kallsyms_line(char *line, struct hr_symbols *out, bool *seen)
{
	char *addr = strtok(line, " \t\n"), *type = strtok(NULL, " \t\n"), *name = strtok(NULL, " \t\n");
	uint64_t value;

	if (!addr || !type || !name || strtok(NULL, " \t\n"))	/* module symbols are not ours */
		return;
	for (int i = 0; i < HR_SYM_COUNT; i++) {
		if (strcmp(name, symbols[i].name) != 0)
			continue;
		seen[i] = true;
		if (hr_parse_hex(addr, addr + strlen(addr), &value))
			out->address[i] = value;
	}
}

static void read_kallsyms(const struct hr_root *root, struct hr_symbols *out, struct hr_diags *diags)
{
	char full[1024], line[512];
	bool seen[HR_SYM_COUNT] = {0};
	FILE *f;

	if (hr_root_path(root, KALLSYMS_PATH, full, sizeof(full), NULL))
		return;
	f = fopen(full, "re");
	if (!f) {
		if (errno != ENOENT)
			hr_diag_add(diags, HR_E_IO, KALLSYMS_PATH, 0, "cannot open: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		scan_kallsyms_line(line, out, seen);
	if (ferror(f)) {
		hr_diag_add(diags, HR_E_IO, KALLSYMS_PATH, 0, "read failed");
		fclose(f);
		return;
	}
	fclose(f);
	out->kallsyms = true;
	for (int i = 0; i < HR_SYM_COUNT; i++) {
		if (seen[i])
			out->present[i] = HR_YES;
		else if (out->present[i] == HR_UNKNOWN && symbols[i].function)
			out->present[i] = HR_NO;
	}
}

void hr_symbols_read(const struct hr_root *root, struct hr_symbols *out, struct hr_diags *diags)
{
	*out = (struct hr_symbols){0};
	for (int i = 0; i < HR_SYM_COUNT; i++)
		out->present[i] = HR_UNKNOWN;
	read_btf(root, out, diags);
	read_kallsyms(root, out, diags);
}
