// SPDX-License-Identifier: GPL-2.0-or-later
/* Which functions and variables the kernel has: BTF names the functions, /proc/kallsyms names
 * everything and gives addresses. Both are read only as far as the question needs. */
#include <errno.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "headroom/symbols.h"
#include "headroom/parse.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define BTF_MAX_BYTES (256u << 20)	/* vmlinux BTF is a few MiB */
#define KALLSYMS_PATH "/proc/kallsyms"
#define KCORE_PATH "/proc/kcore"
/* KSYM_NAME_LEN is 512 and module names are shorter than 64: a longer line is not the kernel's. */
#define KSYM_NAME_LEN 512
#define KALLSYMS_LINE_MAX 1024
#define KALLSYMS_CHUNK (64u << 10)

#define NAMED(s) s, sizeof(s) - 1
static const struct {
	const char *name;
	size_t len;
	bool function;	/* BTF names functions; variables need kallsyms (CONFIG_KALLSYMS_ALL) */
} symbols[HR_SYM_COUNT] = {
	[HR_SYM_NEW_SCHEME] = {NAMED("memremap_device_private_pagemap"), true},
	[HR_SYM_DIRECT_MAP_PHYSMEM_END] = {NAMED("direct_map_physmem_end"), false},
	[HR_SYM_PHYSMEM_END] = {NAMED("physmem_end"), false},
	[HR_SYM_MIGRATE_DEVICE_RANGE] = {NAMED("migrate_device_range"), true},
};

const char *hr_symbol_name(enum hr_symbol sym)
{
	return symbols[sym].name;
}

/* The symbol named by [s, s + len), or HR_SYM_COUNT. */
static enum hr_symbol lookup(const char *s, size_t len)
{
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (symbols[i].len == len && memcmp(symbols[i].name, s, len) == 0)
			return (enum hr_symbol)i;
	return HR_SYM_COUNT;
}

/* The function named by the NUL-terminated string at name, which has room bytes before the end of
 * its section, or HR_SYM_COUNT: tens of thousands of names pass here, most told apart by their
 * first byte. */
static enum hr_symbol lookup_function(const char *name, size_t room)
{
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (symbols[i].function && symbols[i].len < room &&
		    memcmp(symbols[i].name, name, symbols[i].len + 1) == 0)
			return (enum hr_symbol)i;
	return HR_SYM_COUNT;
}

static bool all_functions_found(const struct hr_symbol_set *set)
{
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (symbols[i].function && !set->found[i])
			return false;
	return true;
}

/* ---- BTF ---- */

struct btf_reader {
	const unsigned char *buf;
	bool swap;	/* the blob's byte order is not ours (a capture from another machine) */
};

static uint32_t btf_u32(const struct btf_reader *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->buf + off, sizeof(v));
	return r->swap ? __builtin_bswap32(v) : v;
}

/* Bytes that follow a struct btf_type of this kind (include/uapi/linux/btf.h), or -1 for a kind
 * this reader does not know (so it cannot step over it). */
static long long btf_extra(uint32_t info)
{
	uint32_t vlen = BTF_INFO_VLEN(info);

	switch (BTF_INFO_KIND(info)) {
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (long long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long long)vlen * sizeof(struct btf_enum64);
	}
	return -1;
}

/* Whether any function asked about has its name, NUL included, somewhere in the string section:
 * at the start of a string or inside one, as a record's name_off may point anywhere. */
static bool any_function_named(const char *strs, size_t strs_len)
{
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (symbols[i].function && memmem(strs, strs_len, symbols[i].name, symbols[i].len + 1))
			return true;
	return false;
}

/* [off, off + size) inside [0, len), without overflow. */
static bool section_fits(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

enum hr_status hr_btf_parse(const char *buf, size_t len, const char *path,
			    struct hr_symbol_set *out, struct hr_diags *diags, struct hr_error *err)
{
	struct btf_reader r = {(const unsigned char *)buf, false};
	uint64_t types, types_end, strs, strs_len;
	uint16_t magic;

	(void)diags;	/* one bad record leaves the rest unwalkable: every problem is fatal */
	*out = (struct hr_symbol_set){0};
	if (!buf || len < sizeof(struct btf_header))
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "not valid BTF: %zu bytes, shorter than "
			       "its header", len);
	memcpy(&magic, buf, sizeof(magic));
	r.swap = magic == __builtin_bswap16(BTF_MAGIC);
	if ((magic != BTF_MAGIC && !r.swap) || r.buf[2] != BTF_VERSION)
		return hr_fail(err, HR_E_PARSE, path, 0, "not valid BTF: bad magic or version");
	types = (uint64_t)btf_u32(&r, 4) + btf_u32(&r, 8);
	types_end = types + btf_u32(&r, 12);
	strs = (uint64_t)btf_u32(&r, 4) + btf_u32(&r, 16);
	strs_len = btf_u32(&r, 20);
	if (btf_u32(&r, 4) < sizeof(struct btf_header) || !section_fits(types, types_end - types, len) ||
	    !section_fits(strs, strs_len, len))
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "not valid BTF: the header's sections "
			       "run past the end of the file (%zu bytes)", len);
	/* A function whose name is nowhere in the strings has no record: the common answer (a
	 * kernel without the series) then costs one memmem, not a walk over every type. */
	if (!any_function_named(buf + strs, strs_len))
		return HR_OK;
	/* Every record up to the last function asked about: a type is only found by stepping over
	 * all before it. */
	for (uint64_t off = types; off < types_end && !all_functions_found(out);) {
		uint32_t name_off, info;
		long long extra;

		if (types_end - off < sizeof(struct btf_type))
			return hr_fail(err, HR_E_TRUNCATED, path, 0, "not valid BTF: type record at "
				       "offset %llu is cut short", (unsigned long long)off);
		name_off = btf_u32(&r, off);
		info = btf_u32(&r, off + 4);
		extra = btf_extra(info);
		if (extra < 0)
			return hr_fail(err, HR_E_PARSE, path, 0, "not valid BTF: unknown kind %u at "
				       "offset %llu", BTF_INFO_KIND(info), (unsigned long long)off);
		if (BTF_INFO_KIND(info) == BTF_KIND_FUNC && name_off < strs_len) {
			enum hr_symbol sym = lookup_function(buf + strs + name_off, strs_len - name_off);

			if (sym != HR_SYM_COUNT)
				out->found[sym] = true;
		}
		off += sizeof(struct btf_type) + (uint64_t)extra;
	}
	return HR_OK;
}

/* ---- /proc/kallsyms ---- */

/* One whitespace-separated field of [*p, end); advances *p. */
static bool take_field(const char **p, const char *end, const char **field, size_t *field_len)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*field = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*field_len = (size_t)(*p - *field);
	return *field_len > 0;
}

struct kallsyms_scan {
	const char *path;
	unsigned lineno;
	struct hr_symbol_set *out;
	struct hr_diags *diags;
};

static void overlong(struct kallsyms_scan *s)
{
	hr_diag_add(s->diags, HR_E_PARSE, s->path, s->lineno,
		    "line longer than %d bytes: not a kallsyms line, skipped", KALLSYMS_LINE_MAX);
}

/* "ffffffff81000000 T name" (module symbols, with a fourth field, are not ours). */
static void kallsyms_line(struct kallsyms_scan *s, const char *p, const char *eol)
{
	const char *addr, *type, *name, *extra;
	size_t addr_len, type_len, name_len, extra_len;
	enum hr_symbol sym;
	uint64_t value;

	if (!take_field(&p, eol, &addr, &addr_len) || !take_field(&p, eol, &type, &type_len) ||
	    !take_field(&p, eol, &name, &name_len) || take_field(&p, eol, &extra, &extra_len))
		return;
	if (name_len >= KSYM_NAME_LEN) {
		hr_diag_add(s->diags, HR_E_PARSE, s->path, s->lineno, "a symbol name of %zu bytes, "
			    "longer than the kernel allows (%d): not a kallsyms line, skipped", name_len,
			    KSYM_NAME_LEN - 1);
		return;
	}
	if (!hr_is_plain_text(name, name_len)) {
		char quoted[KSYM_NAME_LEN * 4];

		hr_diag_add(s->diags, HR_E_PARSE, s->path, s->lineno, "the symbol name holds bytes that "
			    "are not UTF-8 text: not a kallsyms line, skipped: \"%s\"",
			    hr_quote(name, name_len, 80, quoted, sizeof(quoted)));
		return;
	}
	sym = lookup(name, name_len);
	if (sym == HR_SYM_COUNT)
		return;
	s->out->found[sym] = true;
	if (hr_parse_hex(addr, addr + addr_len, &value))
		s->out->address[sym] = value;
}

static bool all_found(const struct hr_symbol_set *set)
{
	for (int i = 0; i < HR_SYM_COUNT; i++)
		if (!set->found[i])
			return false;
	return true;
}

/* The whole lines of [buf, buf + len) (and the last one too, at the end of the input); returns
 * the bytes consumed. */
static size_t scan_lines(struct kallsyms_scan *s, const char *buf, size_t len, bool at_end)
{
	const char *p = buf, *end = buf + len;

	while (p < end && !all_found(s->out)) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol && !at_end)
			break;
		if (!eol)
			eol = end;
		s->lineno++;
		if (eol - p > KALLSYMS_LINE_MAX)
			overlong(s);
		else
			kallsyms_line(s, p, eol);
		p = eol < end ? eol + 1 : end;
	}
	return (size_t)(p - buf);
}

enum hr_status hr_kallsyms_parse(const char *buf, size_t len, const char *path,
				 struct hr_symbol_set *out, struct hr_diags *diags,
				 struct hr_error *err)
{
	struct kallsyms_scan s = {path, 0, out, diags};

	*out = (struct hr_symbol_set){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	scan_lines(&s, buf, len, true);
	return HR_OK;
}

/* Stream the file and stop once every symbol is found: the full file is megabytes, and the kernel
 * formats every line of it on read. */
static enum hr_status read_kallsyms(const struct hr_root *root, struct hr_symbol_set *out,
				    struct hr_diags *diags, struct hr_error *err)
{
	struct kallsyms_scan s = {KALLSYMS_PATH, 0, out, diags};
	char *buf;
	size_t held = 0;
	bool skipping = false;	/* inside a line already reported as too long */
	int fd;
	enum hr_status st = hr_open_file(root, KALLSYMS_PATH, &fd, err);

	*out = (struct hr_symbol_set){0};
	if (st)
		return st;
	buf = malloc(KALLSYMS_CHUNK);
	if (!buf) {
		close(fd);
		return hr_fail(err, HR_E_NOMEM, KALLSYMS_PATH, 0, "out of memory");
	}
	while (!all_found(out)) {
		ssize_t got = read(fd, buf + held, KALLSYMS_CHUNK - held);
		size_t used;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			st = hr_fail(err, hr_status_from_errno(errno), KALLSYMS_PATH, 0, "read failed: %s",
				     strerror(errno));
			break;
		}
		held += (size_t)got;
		if (skipping) {
			const char *nl = memchr(buf, '\n', held);

			used = nl ? (size_t)(nl - buf) + 1 : held;
			skipping = !nl;
		} else {
			used = scan_lines(&s, buf, held, got == 0);
		}
		memmove(buf, buf + used, held - used);
		held -= used;
		if (got == 0 && held == 0)
			break;
		if (held > KALLSYMS_LINE_MAX) {
			s.lineno++;
			overlong(&s);
			held = 0;
			skipping = true;
		}
	}
	free(buf);
	close(fd);
	return st;
}

/* The value behind a variable can only be read live, as root, through /proc/kcore: only then is
 * kallsyms worth its cost, unless BTF could not say which functions exist. A captured root holds
 * what was captured. */
static bool kallsyms_needed(const struct hr_root *root, bool have_btf)
{
	char kcore[1024];

	if (!root->live || !have_btf)
		return true;
	return geteuid() == 0 && hr_root_path(root, KCORE_PATH, kcore, sizeof(kcore), NULL) == HR_OK &&
	       access(kcore, R_OK) == 0;
}

void hr_symbols_read(const struct hr_root *root, struct hr_symbols *out, struct hr_diags *diags)
{
	struct hr_symbol_set btf = {0}, kallsyms;
	struct hr_file_view view;
	struct hr_error err;
	enum hr_status st;

	*out = (struct hr_symbols){0};
	for (int i = 0; i < HR_SYM_COUNT; i++)
		out->present[i] = HR_UNKNOWN;
	st = hr_view_file(root, BTF_PATH, BTF_MAX_BYTES, &view, &err);
	if (st == HR_OK) {
		st = hr_btf_parse(view.data, view.len, BTF_PATH, &btf, diags, &err);
		hr_file_view_release(&view);
	}
	if (st == HR_OK) {
		out->btf = true;
		for (int i = 0; i < HR_SYM_COUNT; i++)
			if (symbols[i].function)
				out->present[i] = btf.found[i] ? HR_YES : HR_NO;
	} else if (st != HR_E_NOENT) {
		hr_diag_add_error(diags, &err);
	}
	if (!kallsyms_needed(root, out->btf))
		return;
	st = read_kallsyms(root, &kallsyms, diags, &err);
	if (st) {
		if (st != HR_E_NOENT)
			hr_diag_add_error(diags, &err);
		return;
	}
	out->kallsyms = true;
	for (int i = 0; i < HR_SYM_COUNT; i++) {
		out->address[i] = kallsyms.address[i];
		if (kallsyms.found[i])
			out->present[i] = HR_YES;
		else if (out->present[i] == HR_UNKNOWN && symbols[i].function)
			out->present[i] = HR_NO;
	}
}
