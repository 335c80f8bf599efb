// SPDX-License-Identifier: GPL-2.0-or-later
/* The firmware memory map: /sys/firmware/memmap, the E820 table in boot_params, and a comparison
 * of the two. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/firmware_map.h"
#include "headroom/parse.h"

#define MEMMAP_DIR "/sys/firmware/memmap"
#define BOOT_PARAMS_PATH "/sys/kernel/boot_params/data"
#define ATTR_PATH_MAX (sizeof(MEMMAP_DIR) + 2 + 255 + sizeof("start"))
#define ATTR_MAX_SIZE 256	/* "0x" and 16 digits, or a type name */

/* struct boot_params, arch/x86/include/uapi/asm/bootparam.h */
#define BP_E820_ENTRIES 0x1e8	/* __u8 e820_entries */
#define BP_E820_TABLE 0x2d0	/* struct boot_e820_entry e820_table[128] */
#define BP_E820_ENTRY_SIZE 20	/* packed { __u64 addr; __u64 size; __u32 type; } */
#define BP_E820_MAX 128		/* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_MAX_SIZE 65536	/* the sysfs file is one page; anything far larger is not it */
#define BP_LOADFLAGS 0x211	/* setup_header (0x1f1) .loadflags, Documentation/arch/x86/boot.rst */
#define BP_KASLR_FLAG (1u << 1)	/* KASLR_FLAG: the decompressor randomised the kernel */

#define E820_RESERVED_KERN 128	/* kernel-internal, printed as "System RAM" */

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	/* arch/x86/kernel/e820.c, e820_type_to_string() */
	{HR_E820_RAM, "System RAM"},
	{HR_E820_ACPI, "ACPI Tables"},
	{HR_E820_NVS, "ACPI Non-volatile Storage"},
	{HR_E820_UNUSABLE, "Unusable memory"},
	{HR_E820_PRAM, "Persistent Memory (legacy)"},
	{HR_E820_PMEM, "Persistent Memory"},
	{HR_E820_RESERVED, "Reserved"},
	{HR_E820_SOFT_RESERVED, "Soft Reserved"},
};

static const char unknown_name[] = "Unknown E820 type";

const char *hr_e820_type_name(uint32_t type)
{
	if (type == E820_RESERVED_KERN)
		return "System RAM";
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return unknown_name;
}

/* The type the kernel's name stands for; 0 for "Unknown E820 type" and for names it never prints. */
static uint32_t type_from_name(const char *name, bool *known)
{
	*known = strcmp(name, unknown_name) == 0;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type_names[i].name, name) == 0) {
			*known = true;
			return type_names[i].type;
		}
	return 0;
}

void hr_memmap_free(struct hr_memmap *map)
{
	free(map->entries);
	map->entries = NULL;
	map->count = 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct hr_map_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

/* ---- /sys/firmware/memmap ---- */

/* Read /sys/firmware/memmap/NAME/FILE, trailing newline stripped. On failure, a diagnostic. */
static bool read_attr(const struct hr_root *root, const char *name, const char *file,
		      char path[static ATTR_PATH_MAX], char **text, struct hr_diags *diags)
{
	struct hr_error e = {0};
	size_t len;

	snprintf(path, ATTR_PATH_MAX, MEMMAP_DIR "/%s/%s", name, file);
	if (hr_read_file(root, path, ATTR_MAX_SIZE, text, &len, &e)) {
		hr_diag_add_error(diags, &e);
		return false;
	}
	while (len && ((*text)[len - 1] == '\n' || (*text)[len - 1] == ' '))
		(*text)[--len] = '\0';
	return true;
}

static bool read_addr(const struct hr_root *root, const char *name, const char *file,
		      uint64_t *out, struct hr_diags *diags)
{
	char path[ATTR_PATH_MAX], *text, quoted[200];
	bool ok;

	if (!read_attr(root, name, file, path, &text, diags))
		return false;
	ok = hr_parse_hex(text, text + strlen(text), out);
	if (!ok)
		hr_diag_add(diags, HR_E_PARSE, path, 0, "not a hex address: \"%s\"",
			    hr_quote(text, strlen(text), 40, quoted, sizeof(quoted)));
	free(text);
	return ok;
}

/* One entry directory; false (with a diagnostic) when it is unusable. */
static bool read_entry(const struct hr_root *root, const char *name, struct hr_map_entry *out,
		       struct hr_diags *diags)
{
	char path[ATTR_PATH_MAX], *text, quoted[256];
	bool known;

	if (!read_addr(root, name, "start", &out->start, diags) ||
	    !read_addr(root, name, "end", &out->end, diags))
		return false;
	if (out->end < out->start) {
		snprintf(path, sizeof(path), MEMMAP_DIR "/%s/end", name);
		hr_diag_add(diags, HR_E_RANGE, path, 0, "end %#llx is below start %#llx",
			    (unsigned long long)out->end, (unsigned long long)out->start);
		return false;
	}
	if (!read_attr(root, name, "type", path, &text, diags))
		return false;
	out->type = type_from_name(text, &known);
	if (!known)
		hr_diag_add(diags, HR_E_PARSE, path, 0, "unknown type name \"%s\", kept as type 0",
			    hr_quote(text, strlen(text), 60, quoted, sizeof(quoted)));
	free(text);
	return true;
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

enum hr_status hr_sysfs_memmap_read(const struct hr_root *root, struct hr_memmap *out,
				    struct hr_diags *diags, struct hr_error *err)
{
	char dir[1024];
	struct dirent **names;
	int n;
	enum hr_status st = hr_root_path(root, MEMMAP_DIR, dir, sizeof(dir), err);

	*out = (struct hr_memmap){0};
	if (st)
		return st;
	n = scandir(dir, &names, not_dot, versionsort);
	if (n < 0) {
		int e = errno;

		return hr_fail(err, hr_status_from_errno(e), MEMMAP_DIR, 0, "cannot list: %s",
			       strerror(e));
	}
	if (n > HR_MEMMAP_MAX_ENTRIES)
		hr_diag_add(diags, HR_E_RANGE, MEMMAP_DIR, 0, "%d entries, only the first %d are read",
			    n, HR_MEMMAP_MAX_ENTRIES);
	out->entries = calloc((size_t)n + 1, sizeof(*out->entries));
	for (int i = 0; i < n; i++) {
		if (out->entries && i < HR_MEMMAP_MAX_ENTRIES &&
		    read_entry(root, names[i]->d_name, &out->entries[out->count], diags))
			out->count++;
		free(names[i]);
	}
	free(names);
	if (!out->entries)
		return hr_fail(err, HR_E_NOMEM, MEMMAP_DIR, 0, "out of memory");
	qsort(out->entries, out->count, sizeof(*out->entries), entry_cmp);
	return HR_OK;
}

/* ---- the E820 table in struct boot_params ---- */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum hr_status hr_boot_params_e820_parse(const uint8_t *buf, size_t len, const char *path,
					 struct hr_memmap *out, struct hr_diags *diags,
					 struct hr_error *err)
{
	size_t count;

	if (!out || (!buf && len))
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer or no output");
	*out = (struct hr_memmap){0};
	if (len <= BP_E820_ENTRIES)
		return hr_fail(err, HR_E_TRUNCATED, path, 0,
			       "%zu bytes, too short for e820_entries at %#x", len, BP_E820_ENTRIES);
	count = buf[BP_E820_ENTRIES];
	if (count > BP_E820_MAX)
		return hr_fail(err, HR_E_RANGE, path, 0, "e820_entries is %zu, more than %d", count,
			       BP_E820_MAX);
	if (len < BP_E820_TABLE || (len - BP_E820_TABLE) / BP_E820_ENTRY_SIZE < count)
		return hr_fail(err, HR_E_TRUNCATED, path, 0,
			       "%zu bytes, too short for %zu e820 entries at %#x", len, count,
			       BP_E820_TABLE);
	if (count == 0)
		return HR_OK;
	out->entries = calloc(count, sizeof(*out->entries));
	if (!out->entries)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const uint8_t *p = buf + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
		uint64_t addr = le64(p), size = le64(p + 8);

		if (size == 0)
			continue;
		/* The inclusive end addr + size - 1 must fit; a range up to 2^64 is fine. */
		if (size - 1 > UINT64_MAX - addr) {
			hr_diag_add(diags, HR_E_RANGE, path, 0,
				    "e820 entry %zu at offset %#zx: addr %#llx + size %#llx passes 2^64, "
				    "skipped", i, (size_t)(p - buf), (unsigned long long)addr,
				    (unsigned long long)size);
			continue;
		}
		out->entries[out->count++] = (struct hr_map_entry){
			.start = addr, .end = addr + (size - 1), .type = le32(p + 16)};
	}
	return HR_OK;
}

enum hr_status hr_boot_params_read(const struct hr_root *root, struct hr_memmap *out, int *kaslr,
				   struct hr_diags *diags, struct hr_error *err)
{
	char *buf;
	size_t len;
	enum hr_status st;

	*out = (struct hr_memmap){0};
	*kaslr = -1;
	st = hr_read_file(root, BOOT_PARAMS_PATH, BP_MAX_SIZE, &buf, &len, err);
	if (st)
		return st;
	if (len > BP_LOADFLAGS)
		*kaslr = (buf[BP_LOADFLAGS] & BP_KASLR_FLAG) != 0;
	st = hr_boot_params_e820_parse((const uint8_t *)buf, len, BOOT_PARAMS_PATH, out, diags, err);
	free(buf);
	return st;
}

/* ---- reconciling the two ---- */

/* Whether anything in map covers addr, and with which type: where entries of one map overlap, the
 * highest type wins, as in the kernel's sanitize_e820_table(). */
static bool type_at(const struct hr_memmap *map, uint64_t addr, uint32_t *type)
{
	bool covered = false;

	*type = 0;
	for (size_t i = 0; i < map->count; i++)
		if (map->entries[i].start <= addr && addr <= map->entries[i].end) {
			covered = true;
			if (map->entries[i].type > *type)
				*type = map->entries[i].type;
		}
	return covered;
}

/* Types compared as the kernel names them, since the sysfs map only has the names: 128 is
 * "System RAM", and every type the kernel calls "Unknown E820 type" reads back as 0. */
static uint32_t comparable(uint32_t type)
{
	bool known;

	return type_from_name(hr_e820_type_name(type), &known);
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every start and every end + 1 of both maps, sorted: between two consecutive points each map has
 * one type throughout. Returns the number of points, or 0 with *out NULL on allocation failure. */
static size_t boundaries(const struct hr_memmap *a, const struct hr_memmap *b, uint64_t **out)
{
	const struct hr_memmap *maps[2] = {a, b};
	size_t n = 0;
	uint64_t *pts = malloc((2 * (a->count + b->count) + 1) * sizeof(*pts));

	*out = pts;
	if (!pts)
		return 0;
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < maps[m]->count; i++) {
			pts[n++] = maps[m]->entries[i].start;
			if (maps[m]->entries[i].end != UINT64_MAX)
				pts[n++] = maps[m]->entries[i].end + 1;
		}
	qsort(pts, n, sizeof(*pts), u64_cmp);
	return n;
}

enum hr_status hr_memmap_reconcile(const struct hr_memmap *sysfs, const struct hr_memmap *e820,
				   struct hr_map_mismatches *out, struct hr_error *err)
{
	uint64_t *pts;
	size_t npts = boundaries(sysfs, e820, &pts);

	*out = (struct hr_map_mismatches){0};
	if (!pts)
		return hr_fail(err, HR_E_NOMEM, "", 0, "out of memory");
	for (size_t i = 0; i < npts; i++) {
		uint64_t lo = pts[i], hi;
		uint32_t s, e;
		bool s_covered, e_covered;
		struct hr_map_mismatch *last = out->count ? &out->items[out->count - 1] : NULL;

		if (i + 1 < npts && pts[i + 1] == lo)
			continue;	/* duplicate point */
		hi = i + 1 < npts ? pts[i + 1] - 1 : UINT64_MAX;
		s_covered = type_at(sysfs, lo, &s);
		e_covered = type_at(e820, lo, &e);
		if (s_covered == e_covered && (!s_covered || comparable(s) == comparable(e)))
			continue;
		if (last && last->end + 1 == lo && last->sysfs_type == s && last->e820_type == e) {
			last->end = hi;
			continue;
		}
		if (!out->items) {
			/* At most one mismatch per interval between points. */
			out->items = malloc(npts * sizeof(*out->items));
			if (!out->items) {
				free(pts);
				return hr_fail(err, HR_E_NOMEM, "", 0, "out of memory");
			}
		}
		out->items[out->count++] = (struct hr_map_mismatch){lo, hi, s, e};
	}
	free(pts);
	return HR_OK;
}

void hr_map_mismatches_free(struct hr_map_mismatches *mm)
{
	free(mm->items);
	*mm = (struct hr_map_mismatches){0};
}
