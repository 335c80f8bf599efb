// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI host bridges and their _CRS windows, read from what acpiexec printed for
 * HR_ACPIEXEC_COMMANDS: "find" lines give each device's _HID and _CID, "resources" gives each
 * device's evaluated _CRS decoded by ACPICA (rsdump.c), one "[NN] ... Resource" block per
 * descriptor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/acpi_exec.h"
#include "headroom/parse.h"

#define MAX_BRIDGES 256
#define MAX_WINDOWS 64
#define CRS_FAILED "Could not evaluate _CRS"	/* then ": AE_..." */
#define QUOTE_MAX 60

struct line {
	const char *s, *end;
	unsigned no;
};

static bool next_line(const char **pos, const char *end, struct line *l)
{
	if (*pos >= end)
		return false;
	l->s = *pos;
	l->end = memchr(*pos, '\n', (size_t)(end - *pos));
	if (!l->end)
		l->end = end;
	*pos = l->end < end ? l->end + 1 : end;
	l->no++;
	return true;
}

static bool starts(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(l->end - l->s) >= n && memcmp(l->s, prefix, n) == 0;
}

static const char *find_in(const struct line *l, const char *needle)
{
	size_t n = strlen(needle);

	for (const char *p = l->s; p + n <= l->end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* An EISA ID as ACPI packs it (ACPI 6.5 19.6.35, EISAID): three 5-bit letters, four hex digits. */
static void eisa_id(uint32_t v, char out[8])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned b0 = v & 0xff, b1 = v >> 8 & 0xff, b2 = v >> 16 & 0xff, b3 = v >> 24;

	out[0] = (char)('@' + (b0 >> 2 & 0x1f));
	out[1] = (char)('@' + ((b0 & 3) << 3 | b1 >> 5));
	out[2] = (char)('@' + (b1 & 0x1f));
	out[3] = hex[b2 >> 4];
	out[4] = hex[b2 & 15];
	out[5] = hex[b3 >> 4];
	out[6] = hex[b3 & 15];
	out[7] = '\0';
}

/* ACPI paths and IDs are printable ASCII (ACPI 6.5 20.2.2 NameString, 6.1.5 _HID): a line with
 * anything else there is not one acpiexec printed, and its bytes are kept nowhere. */
static bool printable(const char *s, const char *end)
{
	for (; s < end; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s > '~')
			return false;
	return true;
}

static bool is_host_bridge_id(const char *id)
{
	return !strcmp(id, "PNP0A03") || !strcmp(id, "PNP0A08") || !strcmp(id, "ACPI0016");
}

/* "   \_SB.PCI0._HID Integer   0x55.. 001 = 00000000080AD041" or "... String ... "ACPI0016"":
 * the device path and the ID, false for anything else (a Package _CID, a method). */
static bool id_line(const struct line *l, const char *name, char *path, size_t path_len,
		    char id[16])
{
	const char *p = l->s, *obj, *q;
	uint64_t v;

	while (p < l->end && *p == ' ')
		p++;
	obj = find_in(l, name);
	if (p >= l->end || *p != '\\' || !obj || obj <= p || (size_t)(obj - p) >= path_len ||
	    !printable(p, obj))
		return false;
	snprintf(path, path_len, "%.*s", (int)(obj - p), p);
	if (find_in(l, " Integer ") && (q = find_in(l, "= "))) {
		if (!hr_parse_hex(q + 2, l->end, &v))
			return false;
		eisa_id((uint32_t)v, id);
		return true;
	}
	if (find_in(l, " String ") && (q = memchr(p, '"', (size_t)(l->end - p)))) {
		const char *close = memchr(q + 1, '"', (size_t)(l->end - q - 1));

		if (!close || close - q - 1 >= 16 || !printable(q + 1, close))
			return false;
		snprintf(id, 16, "%.*s", (int)(close - q - 1), q + 1);
		return true;
	}
	return false;
}

static struct hr_host_bridge *find_bridge(struct hr_firmware *fw, const char *path)
{
	for (size_t i = 0; i < fw->n_bridges; i++)
		if (!strcmp(fw->bridges[i].path, path))
			return &fw->bridges[i];
	return NULL;
}

/* One address-space descriptor being read ("Key : Value" lines). */
struct descriptor {
	bool address_space, memory, io, bus, prefetchable, consumer, have_min, have_max;
	uint64_t min, max, translation, length;
};

static void descriptor_field(struct descriptor *d, const struct line *l)
{
	const char *colon = find_in(l, " : ");
	const char *key = l->s, *value;
	size_t key_len;

	if (!colon)
		return;
	while (key < colon && *key == ' ')
		key++;
	key_len = (size_t)(colon - key);
	value = colon + 3;
#define KEY(k) (key_len == sizeof(k) - 1 && !memcmp(key, k, key_len))
	if (KEY("Resource Type")) {
		d->memory = find_in(l, "Memory Range") != NULL;
		d->io = find_in(l, "I/O Range") != NULL;
		d->bus = find_in(l, "Bus Number Range") != NULL;
	} else if (KEY("Caching")) {
		d->prefetchable = find_in(l, "Prefetchable") != NULL;
	} else if (KEY("Address Minimum")) {
		d->have_min = hr_parse_hex(value, l->end, &d->min);
	} else if (KEY("Address Maximum")) {
		d->have_max = hr_parse_hex(value, l->end, &d->max);
	} else if (KEY("Translation Offset")) {
		hr_parse_hex(value, l->end, &d->translation);
	} else if (KEY("Address Length")) {
		hr_parse_hex(value, l->end, &d->length);
	} else if (KEY("Consumer/Producer")) {
		d->consumer = find_in(l, "ResourceConsumer") != NULL;
	}
#undef KEY
}

/* A finished descriptor: a window when it is a memory, I/O or bus-number address space, taken as
 * Linux's acpi_decode_space() takes it (drivers/acpi/resource.c:206-271@6.12.118, the same lines
 * in 6.1.192, one line later in 7.3.4): the translation offset counts for a producer only
 * (:232-233); a memory or I/O range with _LEN 0 is disabled, not a window
 * (acpi_dev_resource_len_valid(), :52-63, called from :252 and :258). Bus-number ranges are
 * taken whatever their _LEN (:261). */
static void descriptor_end(struct descriptor *d, struct hr_host_bridge *b, const char *path,
			   unsigned line, struct hr_diags *diags)
{
	uint64_t translation = d->consumer ? 0 : d->translation;
	struct hr_fw_window w = {.translation = translation, .source = HR_FW_CRS,
				 .prefetchable = d->prefetchable};

	if (!d->address_space || !(d->memory || d->io || d->bus))
		goto done;
	if (!d->bus && !d->length)
		goto done;
	if (!d->have_min || !d->have_max || d->max < d->min ||
	    __builtin_add_overflow(d->min, translation, &w.start) ||
	    __builtin_add_overflow(d->max, translation, &w.end)) {
		hr_diag_add(diags, HR_E_PARSE, path, line, "%s: a _CRS window without a valid range, "
			    "skipped", b->path);
		goto done;
	}
	/* 0 to 2^64-1: its length, end - start + 1, wraps to 0 (reslen, :54 and :63). */
	if (!d->bus && !w.start && w.end == UINT64_MAX)
		goto done;
	w.type = d->bus ? HR_WIN_BUS : d->io ? HR_WIN_IO : w.end > 0xffffffffu ? HR_WIN_MEM64
		 : HR_WIN_MEM;
	struct hr_fw_window *slot = hr_fw_append(&b->windows, &b->n_windows, sizeof(w), MAX_WINDOWS);

	if (slot)
		*slot = w;
	else
		hr_diag_add(diags, HR_E_RANGE, path, line, "%s: more than %d windows (or out of "
			    "memory), the rest skipped", b->path, MAX_WINDOWS);
done:
	*d = (struct descriptor){0};
}

/* Pass 1: every device whose _HID or _CID names a PCI host bridge becomes a bridge. */
static void collect_bridges(const char *buf, const char *end, const char *path,
			    struct hr_firmware *fw, struct hr_diags *diags)
{
	struct line l = {0};

	while (next_line(&buf, end, &l)) {
		char dev[sizeof(fw->bridges->path)], id[16];
		struct hr_host_bridge *b;
		bool hid = id_line(&l, "._HID ", dev, sizeof(dev), id);

		if (!hid && !id_line(&l, "._CID ", dev, sizeof(dev), id))
			continue;
		b = find_bridge(fw, dev);
		if (!b && is_host_bridge_id(id)) {
			b = hr_fw_append(&fw->bridges, &fw->n_bridges, sizeof(*b), MAX_BRIDGES);
			if (!b) {
				hr_diag_add(diags, HR_E_RANGE, path, l.no, "more than %d host bridges "
					    "(or out of memory), the rest skipped", MAX_BRIDGES);
				break;
			}
			snprintf(b->path, sizeof(b->path), "%s", dev);
		}
		if (b && (hid || !b->hid[0]))
			snprintf(b->hid, sizeof(b->hid), "%s", id);
	}
}

/* "Table [DSDT: ...] (id NN) - Table namespace load failed" */
static bool dsdt_failed(const char *buf, const char *end)
{
	struct line l = {0};

	while (next_line(&buf, end, &l))
		if (starts(&l, "Table [DSDT:") && find_in(&l, "load failed"))
			return true;
	return false;
}

/* Whether acpiexec loaded the tables: all of them, or all but some SSDTs. ACPICA's loader goes on
 * past a table that fails ("N table load failures, M successful", tbxfload.c:206-214) and Linux
 * boots without it (acpi_load_tables(), drivers/acpi/acpica/tbxfload.c:61-65@6.12.118, the same
 * in 6.1.192 and 7.3.4), so what the rest declares is what Linux has; the DSDT, which holds \_SB,
 * must have loaded. The failures are named in a diagnostic. */
static enum hr_status tables_loaded(const char *buf, size_t len, const char *path,
				    struct hr_diags *diags, struct hr_error *err)
{
	static const char failures[] = " table load failures, ";
	const char *partial, *start, *stop;
	char quoted[4 * QUOTE_MAX + 8];

	if (memmem(buf, len, "tables successfully acquired and loaded", 39))
		return HR_OK;
	partial = memmem(buf, len, failures, strlen(failures));
	if (!partial || dsdt_failed(buf, buf + len))
		return hr_fail(err, HR_E_PARSE, path, 0, "acpiexec did not load the tables");
	for (start = partial; start > buf && start[-1] != '\n' && start[-1] != ' '; start--)
		;
	stop = memchr(partial, '\n', (size_t)(buf + len - partial));
	if (!stop)
		stop = buf + len;
	hr_diag_add(diags, HR_E_PARSE, path, 0, "acpiexec: %s; Linux goes on without the tables that "
		    "fail, as here", hr_quote(start, (size_t)(stop - start), QUOTE_MAX, quoted,
					      sizeof(quoted)));
	return HR_OK;
}

enum hr_status hr_acpiexec_bridges_parse(const char *buf, size_t len, const char *path,
					 struct hr_firmware *fw, struct hr_diags *diags,
					 struct hr_error *err)
{
	const char *pos = buf, *end = buf + len;
	struct hr_host_bridge *bridge = NULL;
	struct descriptor d = {0};
	bool in_crs = false, region_read = false;
	struct line l = {0};
	enum hr_status st;

	st = tables_loaded(buf, len, path, diags, err);
	if (st)
		return st;
	collect_bridges(buf, end, path, fw, diags);
	while (next_line(&pos, end, &l)) {
		if (starts(&l, "Device: ") || starts(&l, "Evaluating ") ||
		    starts(&l, "Resource Conversion") || starts(&l, CRS_FAILED) ||
		    starts(&l, "[")) {
			if (bridge && in_crs)
				descriptor_end(&d, bridge, path, l.no, diags);
		}
		if (starts(&l, "Device: ")) {
			char dev[sizeof(fw->bridges->path)];

			snprintf(dev, sizeof(dev), "%.*s", (int)(l.end - l.s - 8), l.s + 8);
			bridge = find_bridge(fw, dev);
			in_crs = false;
		} else if (starts(&l, "Evaluating ") || starts(&l, "Resource Conversion")) {
			in_crs = starts(&l, "Evaluating _CRS");
			region_read = false;
		} else if (bridge && in_crs && starts(&l, CRS_FAILED)) {
			const char *why = l.s + strlen(CRS_FAILED);
			char quoted[4 * QUOTE_MAX + 8];

			while (why < l.end && (*why == ':' || *why == ' '))
				why++;
			bridge->windows_unknown = true;
			hr_diag_add(diags, HR_E_PARSE, path, l.no, "%s: _CRS could not be evaluated "
				    "(%s)", bridge->path, hr_quote(why, (size_t)(l.end - why), QUOTE_MAX,
								  quoted, sizeof(quoted)));
		} else if (bridge && in_crs && starts(&l, "AcpiExec: ")) {
			/* Two fills cannot tell which of its windows a third would change (the
			 * corpus has such _CRS): none is kept. */
			if (!region_read)
				hr_diag_add(diags, HR_E_PARSE, path, l.no, "%s: _CRS reads hardware "
					    "registers; its windows are known only on the live machine "
					    "(/proc/iomem shows them)", bridge->path);
			region_read = bridge->windows_unknown = true;
			bridge->n_windows = 0;
			d = (struct descriptor){0};
		} else if (bridge && in_crs && !region_read && starts(&l, "[")) {
			d.address_space = find_in(&l, "Address Space Resource") != NULL;
		} else if (bridge && in_crs && !region_read) {
			descriptor_field(&d, &l);
		}
	}
	if (bridge && in_crs)
		descriptor_end(&d, bridge, path, l.no, diags);
	return HR_OK;
}

static bool same_window(const struct hr_fw_window *a, const struct hr_fw_window *b)
{
	return a->start == b->start && a->end == b->end && a->type == b->type &&
	       a->prefetchable == b->prefetchable && a->translation == b->translation;
}

static bool has_window(const struct hr_host_bridge *b, const struct hr_fw_window *w)
{
	for (size_t i = 0; b && i < b->n_windows; i++)
		if (same_window(&b->windows[i], w))
			return true;
	return false;
}

/* Keep in fw the windows that other (the same AML under another fill) gives too; a bridge whose
 * windows differ is unknown. */
static void keep_fill_invariant(struct hr_firmware *fw, const struct hr_firmware *other,
				const char *path, struct hr_diags *diags)
{
	for (size_t i = 0; i < fw->n_bridges; i++) {
		struct hr_host_bridge *b = &fw->bridges[i];
		const struct hr_host_bridge *o = find_bridge((struct hr_firmware *)other, b->path);
		size_t kept = 0;
		bool varies = !o || o->windows_unknown != b->windows_unknown;

		for (size_t j = 0; o && j < o->n_windows; j++)
			varies |= !has_window(b, &o->windows[j]);
		for (size_t j = 0; j < b->n_windows; j++) {
			if (has_window(o, &b->windows[j]))
				b->windows[kept++] = b->windows[j];
			else
				varies = true;
		}
		b->n_windows = kept;
		if (varies && !b->windows_unknown)
			hr_diag_add(diags, HR_E_PARSE, path, 0, "%s: _CRS gives other windows when the "
				    "simulated registers hold other values (values its _INI or _CRS "
				    "computed from them); they are known only on the live machine "
				    "(/proc/iomem shows them)", b->path);
		b->windows_unknown |= varies;
	}
}

static bool has_table(const struct hr_firmware *fw, const char *signature)
{
	for (size_t i = 0; i < fw->n_tables; i++)
		if (!strcmp(fw->tables[i].signature, signature))
			return true;
	return false;
}

/* On x86 Linux disables an I/O window that ends at 0x10003 or above: I/O ports stop at 64 KiB
 * (acpi_iospace_resource_valid(), drivers/acpi/resource.c:23-27@6.12.118, the same lines in
 * 6.1.192, 24-28 in 7.3.4); elsewhere an I/O window is an MMIO range and kept. The tables are
 * taken as x86's unless they hold a GTDT or an IORT, which arm64 firmware has and x86 firmware
 * does not (assumed from the ACPI 6.5 table list, 5.2.25 and the IORT specification; the
 * corpus's truth draws the same line). */
static void drop_x86_io_windows(struct hr_firmware *fw)
{
	if (has_table(fw, "GTDT") || has_table(fw, "IORT"))
		return;
	for (size_t i = 0; i < fw->n_bridges; i++) {
		struct hr_host_bridge *b = &fw->bridges[i];
		size_t kept = 0;

		for (size_t j = 0; j < b->n_windows; j++)
			if (b->windows[j].type != HR_WIN_IO || b->windows[j].end < 0x10003)
				b->windows[kept++] = b->windows[j];
		b->n_windows = kept;
	}
}

enum hr_status hr_acpiexec_answer_parse(const char *buf, size_t len, const char *path,
					struct hr_firmware *fw, struct hr_diags *diags,
					struct hr_error *err)
{
	const char *end = buf + len, *part = memchr(buf, '\0', len);
	enum hr_status st;

	st = hr_acpiexec_bridges_parse(buf, part ? (size_t)(part - buf) : len, path, fw, diags, err);
	for (size_t i = 1; !st && i < HR_ACPIEXEC_FILLS; i++) {
		struct hr_firmware other = {0};
		struct hr_diags other_diags = {0};
		const char *next;

		if (!part)
			return hr_fail(err, HR_E_PARSE, path, 0, "acpiexec's answer holds %zu of its "
				       "%d runs", i, HR_ACPIEXEC_FILLS);
		part++;
		next = memchr(part, '\0', (size_t)(end - part));
		st = hr_acpiexec_bridges_parse(part, (size_t)((next ? next : end) - part), path,
					       &other, &other_diags, err);
		/* The other run repeats the first's messages, but a bridge or window it could not
		 * keep would read as one that varies with the fill: say why instead. */
		for (size_t k = 0; k < other_diags.count; k++)
			if (other_diags.items[k].status == HR_E_RANGE)
				hr_diag_add_error(diags, &other_diags.items[k]);
		if (other_diags.dropped)
			hr_diag_add(diags, HR_E_NOMEM, path, 0, "the run with other register values: "
				    "%zu problems not recorded (out of memory)", other_diags.dropped);
		if (!st)
			keep_fill_invariant(fw, &other, path, diags);
		hr_diags_free(&other_diags);
		hr_firmware_free(&other);
		part = next;
	}
	if (!st)
		drop_x86_io_windows(fw);
	return st;
}
