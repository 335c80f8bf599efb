// SPDX-License-Identifier: GPL-2.0-or-later
/* ACPI tables: header, length and checksum of each; the fixed layouts of SRAT, MCFG, CEDT and
 * HMAT decoded from their specifications. Section numbers are ACPI 6.5 unless said otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/firmware.h"

#define HEADER_SIZE 36		/* 5.2.6 System Description Table Header */
#define MAX_TABLES 256
#define MAX_RANGES 4096

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

void *hr_fw_append(void *items, size_t *count, size_t size, size_t max)
{
	void **array = items;
	size_t n = *count;
	char *slot;

	if (n >= max)
		return NULL;
	/* Capacity is the smallest power of two >= n, at least 16: grow when it is full. */
	if (n == 0 || (n >= 16 && !(n & (n - 1)))) {
		void *bigger = realloc(*array, (n ? n * 2 : 16) * size);

		if (!bigger)
			return NULL;
		*array = bigger;
	}
	slot = (char *)*array + n * size;
	memset(slot, 0, size);
	(*count)++;
	return slot;
}

/* Walk the structures of a table from offset first: each starts with a type and a length at
 * len_off of len_size bytes. Returns false (with a diagnostic) at the first one that does not fit. */
struct walk {
	const uint8_t *t;
	uint32_t len, off;
	const char *path;
	struct hr_diags *diags;
};

static bool walk_next(struct walk *w, unsigned len_off, unsigned len_size, unsigned min,
		      const uint8_t **s, uint32_t *slen)
{
	if (w->off >= w->len)
		return false;
	if (w->len - w->off < len_off + len_size) {
		hr_diag_add(w->diags, HR_E_TRUNCATED, w->path, 0, "structure at offset %u is cut off "
			    "by the end of the table", w->off);
		return false;
	}
	*s = w->t + w->off;
	*slen = len_size == 1 ? (*s)[len_off] : len_size == 2 ? le16(*s + len_off) : le32(*s + len_off);
	if (*slen < min || *slen > w->len - w->off) {
		hr_diag_add(w->diags, HR_E_PARSE, w->path, 0, "structure at offset %u has length %u "
			    "(needs %u..%u); the rest of the table skipped", w->off, *slen, min,
			    w->len - w->off);
		return false;
	}
	w->off += *slen;
	return true;
}

/* 5.2.16 SRAT: structures from offset 48; 5.2.16.2 Memory Affinity is type 1, 40 bytes. */
static void parse_srat(struct walk *w, struct hr_firmware *fw)
{
	const uint8_t *s;
	uint32_t slen;

	fw->have_srat = true;
	w->off = 48;
	while (walk_next(w, 1, 1, 2, &s, &slen)) {
		uint32_t flags;
		uint64_t base, size;
		struct hr_mem_affinity *a;

		if (s[0] != 1)
			continue;
		if (slen < 40) {
			hr_diag_add(w->diags, HR_E_PARSE, w->path, 0, "memory affinity at offset %u "
				    "has length %u, not 40; skipped", w->off - slen, slen);
			continue;
		}
		flags = le32(s + 28);
		base = le64(s + 8);
		size = le64(s + 16);
		if (!(flags & 1) || !size)	/* bit 0 Enabled: the OS ignores disabled entries */
			continue;
		if (base + size - 1 < base) {
			hr_diag_add(w->diags, HR_E_RANGE, w->path, 0, "memory affinity at offset %u "
				    "wraps past 2^64; skipped", w->off - slen);
			continue;
		}
		a = hr_fw_append(&fw->affinity, &fw->n_affinity, sizeof(*a), MAX_RANGES);
		if (!a)
			return;
		*a = (struct hr_mem_affinity){.start = base, .end = base + size - 1,
					      .node = le32(s + 2), .hotpluggable = flags & 2,
					      .nonvolatile = flags & 4, .source = HR_FW_CRS};
	}
}

/* PCI Firmware Specification 3.3, 4.1.2 MCFG: 16-byte allocations from offset 44. The kernel
 * reserves base + start_bus * 1 MiB .. base + (end_bus + 1) * 1 MiB - 1 (pci_mmcfg). */
static void parse_mcfg(struct walk *w, struct hr_firmware *fw)
{
	for (uint32_t off = 44; off + 16 <= w->len; off += 16) {
		const uint8_t *s = w->t + off;
		uint64_t base = le64(s);
		struct hr_ecam *e;

		if (s[11] < s[10] || base + ((uint64_t)s[11] + 1) * (1u << 20) - 1 < base) {
			hr_diag_add(w->diags, HR_E_RANGE, w->path, 0, "allocation at offset %u: "
				    "buses %u-%u at %#llx do not make a range; skipped", off, s[10],
				    s[11], (unsigned long long)base);
			continue;
		}
		e = hr_fw_append(&fw->ecam, &fw->n_ecam, sizeof(*e), MAX_RANGES);
		if (!e) {	/* an ECAM range is reserved space: its loss must show */
			hr_diag_add(w->diags, HR_E_RANGE, w->path, 0, "allocation at offset %u: more "
				    "than %u (or out of memory), the rest skipped", off, MAX_RANGES);
			return;
		}
		*e = (struct hr_ecam){.start = base + (uint64_t)s[10] * (1u << 20),
				      .end = base + ((uint64_t)s[11] + 1) * (1u << 20) - 1,
				      .segment = le16(s + 8), .bus_start = s[10], .bus_end = s[11]};
	}
	if ((w->len - 44) % 16)
		hr_diag_add(w->diags, HR_E_PARSE, w->path, 0, "%u bytes after the allocations are not "
			    "a whole allocation", (w->len - 44) % 16);
}

/* CXL 3.1 9.18.1: CEDT structures from offset 36 (type, reserved, 16-bit length); 9.18.1.3 CFMWS
 * is type 1: base at 8, size at 16, encoded ways at 24, granularity at 28, restrictions at 32. */
static void parse_cedt(struct walk *w, struct hr_firmware *fw)
{
	const uint8_t *s;
	uint32_t slen;

	w->off = HEADER_SIZE;
	while (walk_next(w, 2, 2, 4, &s, &slen)) {
		uint64_t base, size;
		unsigned eniw;
		struct hr_cxl_window *c;

		if (s[0] != 1)
			continue;
		base = slen >= 36 ? le64(s + 8) : 0;
		size = slen >= 36 ? le64(s + 16) : 0;
		eniw = slen >= 36 ? s[24] : 0xff;
		if (slen < 36 || !size || base + size - 1 < base || (eniw > 4 && (eniw < 8 || eniw > 10))) {
			hr_diag_add(w->diags, HR_E_PARSE, w->path, 0, "CFMWS at offset %u is not a "
				    "valid window (length %u, size %#llx, ways code %u); skipped",
				    w->off - slen, slen, (unsigned long long)size, eniw);
			continue;
		}
		c = hr_fw_append(&fw->cxl, &fw->n_cxl, sizeof(*c), MAX_RANGES);
		if (!c)
			return;
		*c = (struct hr_cxl_window){.start = base, .end = base + size - 1,
					    .granularity = le32(s + 28) < 24 ? 256u << le32(s + 28) : 0,
					    .n_targets = eniw <= 4 ? 1u << eniw : 3u << (eniw - 8),
					    .restrictions = le16(s + 32)};
	}
}

/* 5.2.28 HMAT: structures from offset 40 (16-bit type, 32-bit length at 4): 0 memory proximity
 * domain attributes, 1 latency and bandwidth, 2 memory-side cache. */
static void parse_hmat(struct walk *w, struct hr_firmware *fw)
{
	const uint8_t *s;
	uint32_t slen;

	fw->hmat.present = true;
	w->off = 40;
	while (walk_next(w, 4, 4, 8, &s, &slen)) {
		unsigned type = le16(s);

		fw->hmat.proximity += type == 0;
		fw->hmat.latency += type == 1;
		fw->hmat.cache += type == 2;
	}
}

static const struct {
	char signature[5];
	uint8_t min_rev, max_rev;	/* the revisions whose layout the decoder follows */
	uint32_t min_len;
	void (*parse)(struct walk *w, struct hr_firmware *fw);
} decoders[] = {
	{"SRAT", 1, 3, 48, parse_srat},
	{"MCFG", 1, 1, 44, parse_mcfg},
	{"CEDT", 1, 1, HEADER_SIZE, parse_cedt},
	{"HMAT", 1, 2, 40, parse_hmat},
};

enum hr_status hr_acpi_table_parse(const uint8_t *buf, size_t len, const char *path,
				   struct hr_firmware *fw, struct hr_diags *diags,
				   struct hr_error *err)
{
	struct hr_acpi_table *t;
	struct walk w = {.t = buf, .path = path, .diags = diags};
	uint8_t sum = 0;

	if (len < HEADER_SIZE)
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "%zu bytes, shorter than the %d-byte "
			       "table header", len, HEADER_SIZE);
	t = hr_fw_append(&fw->tables, &fw->n_tables, sizeof(*t), MAX_TABLES);
	if (!t)
		return hr_fail(err, HR_E_RANGE, path, 0, "more than %d tables (or out of memory)",
			       MAX_TABLES);
	for (int i = 0; i < 4; i++)
		t->signature[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?';
	/* path holds the input's bytes (a file name, the signature in an acpidump text) */
	hr_quote(path, strlen(path), sizeof(t->path), t->path, sizeof(t->path));
	t->length = le32(buf + 4);
	t->revision = buf[8];
	if (t->length < HEADER_SIZE)
		return hr_fail(err, HR_E_PARSE, path, 0, "%s: length %u is shorter than the table "
			       "header; not decoded", t->signature, t->length);
	if (t->length > len)
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "%s: length %u runs past the end of the "
			       "%zu bytes there; not decoded", t->signature, t->length, len);
	if (t->length < len)
		hr_diag_add(diags, HR_E_PARSE, path, 0, "%s: %zu bytes after the table's length %u "
			    "ignored", t->signature, len - t->length, t->length);
	/* 5.2.10: FACS has a length but no checksum or revision in the common header's places. */
	t->has_checksum = memcmp(t->signature, "FACS", 4) != 0;
	if (!t->has_checksum) {
		t->revision = 0;
		return HR_OK;
	}
	for (uint32_t i = 0; i < t->length; i++)
		sum = (uint8_t)(sum + buf[i]);
	t->checksum_ok = sum == 0;
	if (!t->checksum_ok)
		hr_diag_add(diags, HR_E_PARSE, path, 0, "%s: checksum does not add up (sum %#04x); "
			    "decoded anyway, as Linux uses it", t->signature, sum);
	w.len = t->length;
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++) {
		if (memcmp(t->signature, decoders[i].signature, 4))
			continue;
		if (t->length < decoders[i].min_len)
			return hr_fail(err, HR_E_TRUNCATED, path, 0, "%s: length %u is shorter than "
				       "its fixed part (%u); not decoded", t->signature, t->length,
				       decoders[i].min_len);
		if (t->revision < decoders[i].min_rev || t->revision > decoders[i].max_rev)
			hr_diag_add(diags, HR_E_RANGE, path, 0, "%s: revision %u is not one this "
				    "reader knows (%u-%u); decoded with the revision %u layout",
				    t->signature, t->revision, decoders[i].min_rev,
				    decoders[i].max_rev, decoders[i].max_rev);
		decoders[i].parse(&w, fw);
	}
	return HR_OK;
}

const struct hr_fw_window *hr_firmware_window64(const struct hr_firmware *fw,
						const struct hr_host_bridge **bridge)
{
	const struct hr_fw_window *best = NULL;

	for (size_t i = 0; i < fw->n_bridges; i++)
		for (size_t j = 0; j < fw->bridges[i].n_windows; j++) {
			const struct hr_fw_window *w = &fw->bridges[i].windows[j];

			if (w->type == HR_WIN_MEM64 && w->start > 0xffffffffu &&
			    (!best || w->end - w->start > best->end - best->start)) {
				best = w;
				if (bridge)
					*bridge = &fw->bridges[i];
			}
		}
	return best;
}

const char *hr_window_type_name(enum hr_window_type type)
{
	static const char *const names[] = {"mem", "mem64", "io", "bus"};

	return names[type];
}

const char *hr_fw_source_name(enum hr_fw_source source)
{
	return source == HR_FW_DT ? "dt" : "_CRS";
}

const char *hr_aml_state_name(enum hr_aml_state state)
{
	static const char *const names[] = {"none", "evaluated", "no-acpiexec", "failed"};

	return names[state];
}

void hr_firmware_free(struct hr_firmware *fw)
{
	for (size_t i = 0; i < fw->n_bridges; i++)
		free(fw->bridges[i].windows);
	free(fw->tables);
	free(fw->bridges);
	free(fw->affinity);
	free(fw->ecam);
	free(fw->cxl);
	*fw = (struct hr_firmware){0};
}
