// SPDX-License-Identifier: GPL-2.0-or-later
/* The GPUs, read with libpci's sysfs method under the root prefix (lib/sysfs.c of pciutils 3.9:
 * it lists DIR/devices by name and reads each device's files on demand, so a captured tree with
 * no config file still lists its devices). */
#include <dirent.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/gpu.h"
#include "headroom/parse.h"

#define RESOURCE_MAX_BYTES (16u << 10)	/* 17 lines of 57 bytes in real files */
#define CONFIG_HEADER_BYTES 64		/* what an unprivileged reader gets */
#define CONFIG_PCI_BYTES 256
#define CONFIG_PCIE_BYTES 4096
#define PCI_BASE_CLASS_ACCELERATOR 0x12	/* processing accelerators (PCI code and ID spec) */

/* Resizable BAR extended capability registers (PCIe base spec 7.8.6; the kernel's
 * include/uapi/linux/pci_regs.h PCI_REBAR_*): per resizable BAR, a capability dword (bits 4-31:
 * 1 MiB << (bit - 4) supported) and a control dword (BAR index, count, current size, and in
 * bits 16-31 the supported sizes above 128 TiB). */
#define REBAR_CAP 4
#define REBAR_CTRL 8
#define REBAR_CTRL_BAR_IDX 0x7u
#define REBAR_CTRL_NBAR(ctrl) (((ctrl) >> 5) & 0x7u)
#define REBAR_CTRL_SIZE(ctrl) (((ctrl) >> 8) & 0x3fu)

/* libpci reports through callbacks. Its error callback must not return (libpci would go on with
 * a half-read device; its default one exits the process), so on_error longjmps back to the
 * guarded call that entered libpci. What libpci had open at that moment (a FILE, a DIR) leaks:
 * it only happens on malformed input, which the checks below mostly keep from libpci. */
struct pci_ctx {
	const struct hr_root *root;
	struct hr_diags *diags;
	struct hr_gpus *gpus;
	char noted[16];			/* the last device counted in gpus->unreadable */
	char where[128];		/* the device directory being read, for warnings */
	jmp_buf jump;
	char message[1024];
};

static _Thread_local struct pci_ctx *current;

/* libpci names files with the root prefix; diagnostics name them as on the real machine. */
__attribute__((format(printf, 2, 0)))
static void format_message(struct pci_ctx *c, const char *fmt, va_list ap)
{
	size_t n = strlen(c->root->dir);
	char raw[sizeof(c->message) / 4], *at;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	raw[strcspn(raw, "\n")] = '\0';
	while (!c->root->live && (at = strstr(raw, c->root->dir)) && at[n] == '/')
		memmove(at, at + n, strlen(at + n) + 1);
	/* file names come from the inputs: any bytes */
	hr_quote(raw, strlen(raw), sizeof(raw), c->message, sizeof(c->message));
}

static void on_error(char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void on_error(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_message(current, fmt, ap);
	va_end(ap);
	longjmp(current->jump, 1);
}

static void on_warning(char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void on_warning(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_message(current, fmt, ap);
	va_end(ap);
	hr_diag_add(current->diags, HR_E_IO, current->where, 0, "libpci: %s", current->message);
}

static void on_debug(char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void on_debug(char *fmt, ...)
{
	(void)fmt;
}

/* Each entry into libpci that can fail goes through one of these: setjmp must be called where
 * the jump lands, and its caller must still be running when on_error jumps. */
static bool guarded_start(struct pci_ctx *c, struct pci_access *a)
{
	if (setjmp(c->jump) != 0)
		return false;
	pci_init(a);
	pci_scan_bus(a);
	return true;
}

static bool guarded_fill(struct pci_ctx *c, struct pci_dev *d, unsigned flags)
{
	if (setjmp(c->jump) != 0)
		return false;
	pci_fill_info(d, (int)flags);
	return true;
}

static bool guarded_find_ext_cap(struct pci_ctx *c, struct pci_dev *d, unsigned id,
				 struct pci_cap **cap)
{
	if (setjmp(c->jump) != 0)
		return false;
	*cap = pci_find_cap(d, id, PCI_CAP_EXTENDED);
	return true;
}

static bool guarded_name(struct pci_ctx *c, struct pci_access *a, struct hr_gpu *g)
{
	if (setjmp(c->jump) != 0)
		return false;
	if (!pci_lookup_name(a, g->name, sizeof(g->name),
			     PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS |
			     PCI_LOOKUP_NO_HWDB, g->vendor, g->device))
		g->name[0] = '\0';
	return true;
}

static void add_missing(struct hr_gpu *g, const char *what)
{
	size_t used = strlen(g->missing);

	snprintf(g->missing + used, sizeof(g->missing) - used, "%s%s", used ? ", " : "", what);
}

/* The device's file as seen on the real machine. */
static void device_file(const struct hr_gpu *g, const char *file, char *out, size_t len)
{
	snprintf(out, len, "/sys/bus/pci/devices/%s/%s", g->bdf, file);
}

static bool device_file_exists(const struct pci_ctx *c, const struct hr_gpu *g, const char *file)
{
	char path[128];

	device_file(g, file, path, sizeof(path));
	return hr_root_exists(c->root, path);
}

/* libpci reads an id file with strtol, which takes "0x03\xff0" for 3 and "" for 0 without a
 * word: "0x" and hex digits, then a newline, or the file is reported with its bytes escaped. An
 * absent or unreadable file is said where it matters. The live /sys is the kernel's own
 * formatting (as in only_files()): only a captured root is read twice for this. */
static bool check_id_file(struct pci_ctx *c, const struct hr_gpu *g, const char *file)
{
	char path[128], quoted[200], *buf;
	struct hr_error err;
	size_t len, digits;

	if (c->root->live)
		return true;
	device_file(g, file, path, sizeof(path));
	if (hr_read_file(c->root, path, 64, &buf, &len, &err)) {
		if (err.status == HR_E_RANGE)
			hr_diag_add_error(c->diags, &err);
		return err.status != HR_E_RANGE;
	}
	if (len && buf[len - 1] == '\n')
		len--;
	digits = len > 2 && memcmp(buf, "0x", 2) == 0 ? strspn(buf + 2, "0123456789abcdefABCDEF") : 0;
	if (!digits || 2 + digits != len)
		hr_diag_add(c->diags, HR_E_PARSE, path, 0, "not a hex number: \"%s\"",
			    hr_quote(buf, len, 40, quoted, sizeof(quoted)));
	free(buf);
	return digits && 2 + digits == len;
}

static bool gpu_class(unsigned long class_code)
{
	unsigned base = (unsigned)(class_code >> 16);

	return base == PCI_BASE_CLASS_DISPLAY || base == PCI_BASE_CLASS_ACCELERATOR;
}

/* A device that could not be read, or read only in part, is counted as a possible GPU unless its
 * class file, read on its own, says "0x" and six hex digits of a class that is no GPU. */
static void note_unreadable(struct pci_ctx *c, const struct hr_gpu *g)
{
	char path[128], *buf;
	struct hr_error err;
	size_t len;
	bool no_gpu = false;

	device_file(g, "class", path, sizeof(path));
	if (!hr_read_file(c->root, path, 64, &buf, &len, &err)) {
		if (len == 9 && buf[8] == '\n' && memcmp(buf, "0x", 2) == 0 &&
		    strspn(buf + 2, "0123456789abcdefABCDEF") == 6) {
			no_gpu = !gpu_class(strtoul(buf, NULL, 16));
		}
		free(buf);
	}
	if (no_gpu || strcmp(c->noted, g->bdf) == 0)
		return;
	snprintf(c->noted, sizeof(c->noted), "%s", g->bdf);
	if (!c->gpus->unreadable++)
		snprintf(c->gpus->first_unreadable, sizeof(c->gpus->first_unreadable), "%s", g->bdf);
}

/* libpci stops at the first resource line it cannot parse, with an error; check the file first
 * so a bad line gets a diagnostic with its number and libpci is only handed a good file. */
static bool resource_file_ok(struct pci_ctx *c, const struct hr_gpu *g)
{
	struct hr_error err;
	char path[128], *buf;
	const char *p, *end;
	unsigned lineno = 0;
	bool ok = true;
	size_t len;

	device_file(g, "resource", path, sizeof(path));
	if (hr_read_file(c->root, path, RESOURCE_MAX_BYTES, &buf, &len, &err)) {
		hr_diag_add_error(c->diags, &err);
		return false;
	}
	for (p = buf, end = buf + len; ok && p < end; lineno++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *field = p;
		uint64_t v;

		if (!eol)
			eol = end;
		for (int i = 0; ok && i < 3; i++) {
			const char *sep = memchr(field, ' ', (size_t)(eol - field));

			if (i == 2)
				sep = eol;
			ok = sep && hr_parse_hex(field, sep, &v);
			field = sep ? sep + 1 : eol;
		}
		p = eol + 1;
	}
	if (!ok)
		hr_diag_add(c->diags, HR_E_PARSE, path, lineno,
			    "not \"start end flags\" in hex: BARs unread");
	else if (len == 0)
		hr_diag_add(c->diags, HR_E_TRUNCATED, path, 0, "empty: BARs unread");
	free(buf);
	return ok && len > 0;
}

/* BARs as the kernel assigned them: libpci keeps the BAR's type bits in base_addr's low bits. */
static void read_bars(const struct pci_dev *d, struct hr_gpu *g)
{
	for (unsigned i = 0; i < HR_PCI_BARS; i++) {
		struct hr_pci_bar *b = &g->bars[i];
		pciaddr_t flags = d->base_addr[i] & PCI_ADDR_FLAG_MASK;

		b->index = i;
		b->size = d->size[i];
		b->io = flags & PCI_BASE_ADDRESS_SPACE_IO;
		b->start = d->base_addr[i] & (b->io ? PCI_ADDR_IO_MASK : PCI_ADDR_MEM_MASK);
		b->is_64bit = !b->io && (flags & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
					 PCI_BASE_ADDRESS_MEM_TYPE_64;
		b->prefetchable = !b->io && (flags & PCI_BASE_ADDRESS_MEM_PREFETCH);
	}
}

/* The resizable BAR with the largest current size: the VRAM aperture (AMD parts also resize a
 * small doorbell BAR). */
static void read_rebar(struct pci_dev *d, unsigned where, struct hr_gpu *g)
{
	unsigned n = REBAR_CTRL_NBAR(pci_read_long(d, (int)(where + REBAR_CTRL)));

	for (unsigned i = 0; i < n && i < HR_PCI_BARS; i++) {
		uint32_t cap = pci_read_long(d, (int)(where + REBAR_CAP + 8 * i));
		uint32_t ctrl = pci_read_long(d, (int)(where + REBAR_CTRL + 8 * i));
		uint64_t current_size = (1ull << 20) << REBAR_CTRL_SIZE(ctrl);

		if (g->rebar.present && current_size <= g->rebar.current)
			continue;
		g->rebar.present = true;
		g->rebar.bar = ctrl & REBAR_CTRL_BAR_IDX;
		g->rebar.current = current_size;
		g->rebar.supported = (uint64_t)(cap >> 4) | (uint64_t)(ctrl >> 16) << 28;
	}
}

/* Config space: the capabilities are only known when the file holds them all. */
static void read_config(struct pci_ctx *c, struct pci_dev *d, struct hr_gpu *g)
{
	char path[128], full[640], what[96];
	struct pci_cap *cap = NULL;
	struct stat st;
	off_t size;

	device_file(g, "config", path, sizeof(path));
	if (hr_root_path(c->root, path, full, sizeof(full), NULL) || stat(full, &st) != 0) {
		add_missing(g, "config");
		return;
	}
	size = st.st_size;
	if (size != CONFIG_HEADER_BYTES && size != CONFIG_PCI_BYTES && size != CONFIG_PCIE_BYTES)
		hr_diag_add(c->diags, HR_E_TRUNCATED, path, 0,
			    "%lld bytes, not 64, 256 or 4096: capabilities past the end unread",
			    (long long)size);
	if (size < CONFIG_PCI_BYTES) {
		snprintf(what, sizeof(what), "config (%lld bytes: capabilities unread)", (long long)size);
		add_missing(g, what);
		return;
	}
	/* A PCIe function's extended capabilities (Resizable BAR) start at 0x100. */
	if (!guarded_fill(c, d, PCI_FILL_CAPS)) {
		hr_diag_add(c->diags, HR_E_PARSE, path, 0, "%s", c->message);
		return;
	}
	/* A copy made without privileges can hold the 64 bytes the kernel gave, padded with zeros:
	 * a capability list that points at a zero capability ID was not captured. */
	if ((pci_read_word(d, PCI_STATUS) & PCI_STATUS_CAP_LIST) && d->first_cap &&
	    d->first_cap->id == 0) {
		hr_diag_add(c->diags, HR_E_TRUNCATED, path, 0,
			    "the capability list at %#x reads as zeros: config space past 64 bytes "
			    "was not captured", d->first_cap->addr);
		add_missing(g, "config (zeros past 64 bytes: capabilities unread)");
		return;
	}
	if (pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL) && size < CONFIG_PCIE_BYTES) {
		snprintf(what, sizeof(what), "config (%lld bytes: extended capabilities unread)",
			 (long long)size);
		add_missing(g, what);
		return;
	}
	if (!guarded_find_ext_cap(c, d, PCI_EXT_CAP_ID_REBAR, &cap)) {
		hr_diag_add(c->diags, HR_E_PARSE, path, 0, "%s", c->message);
		return;
	}
	g->have_config = true;
	if (cap)
		read_rebar(d, cap->addr, g);
}

/* readlink, not libpci's realpath: a captured link's target need not exist. */
static void read_driver(const struct pci_ctx *c, struct hr_gpu *g)
{
	char path[128], full[640], target[256];
	const char *base;
	ssize_t n;

	device_file(g, "driver", path, sizeof(path));
	if (hr_root_path(c->root, path, full, sizeof(full), NULL))
		return;
	n = readlink(full, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(g->driver, sizeof(g->driver), "%.*s", (int)sizeof(g->driver) - 1, base ? base + 1 : target);
}

/* libpci opens a device's files with a plain open(), which blocks for ever on a FIFO; a captured
 * root may hold anything (the live /sys holds only attributes). False, with a diagnostic naming
 * it, when an entry of the device's directory (a link followed) is neither a file nor a directory. */
static bool only_files(struct pci_ctx *c)
{
	char full[640], name[4 * 32 + 8];
	struct dirent *e;
	struct stat st;
	bool ok = true;
	DIR *d;

	if (c->root->live || hr_root_path(c->root, c->where, full, sizeof(full), NULL) ||
	    !(d = opendir(full)))
		return true;
	while (ok && (e = readdir(d)))
		ok = fstatat(dirfd(d), e->d_name, &st, 0) != 0 || S_ISREG(st.st_mode) ||
		     S_ISDIR(st.st_mode);
	if (!ok)
		hr_diag_add(c->diags, HR_E_TYPE, c->where, 0, "\"%s\" is not a regular file: device "
			    "skipped", hr_quote(e->d_name, strlen(e->d_name), 32, name, sizeof(name)));
	closedir(d);
	return ok;
}

/* One device: false when it is not a GPU or could not be classified. */
static bool read_device(struct pci_ctx *c, struct pci_access *a, struct pci_dev *d,
			struct hr_gpu *g)
{
	static const char *const optional[] = {"subsystem_vendor", "subsystem_device", "numa_node"};
	static const char *const id_files[] = {"vendor", "device", "subsystem_vendor",
					       "subsystem_device", "revision"};
	unsigned flags = PCI_FILL_CLASS;
	const char *where = c->where;
	bool ids_from_config = false, class_ok, ids_ok = true;

	memset(g, 0, sizeof(*g));
	snprintf(g->bdf, sizeof(g->bdf), "%04x:%02x:%02x.%u", (unsigned)d->domain, d->bus, d->dev,
		 d->func);
	snprintf(c->where, sizeof(c->where), "/sys/bus/pci/devices/%s", g->bdf);
	if (!only_files(c)) {
		note_unreadable(c, g);
		return false;
	}
	/* libpci reads a malformed class with strtol, which proves nothing either way */
	class_ok = check_id_file(c, g, "class");
	if (!guarded_fill(c, d, PCI_FILL_CLASS)) {
		hr_diag_add(c->diags, HR_E_NOENT, where, 0, "%s: device skipped", c->message);
		note_unreadable(c, g);
		return false;
	}
	if (!class_ok)
		note_unreadable(c, g);
	if (!class_ok || !gpu_class((unsigned long)d->device_class << 8))
		return false;

	g->numa_node = -1;
	for (size_t i = 0; i < sizeof(id_files) / sizeof(id_files[0]); i++)
		ids_ok &= check_id_file(c, g, id_files[i]) || i >= 2;	/* vendor, device: who it is */
	if (!ids_ok)
		note_unreadable(c, g);
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!device_file_exists(c, g, optional[i]))
			add_missing(g, optional[i]);
	/* Without their sysfs file libpci falls back to config space, which may be absent too. */
	if (device_file_exists(c, g, "subsystem_vendor"))
		flags |= PCI_FILL_SUBSYS;
	if (device_file_exists(c, g, "revision") || device_file_exists(c, g, "config"))
		flags |= PCI_FILL_CLASS_EXT;
	if (device_file_exists(c, g, "numa_node"))
		flags |= PCI_FILL_NUMA_NODE;
	/* libpci's sysfs method insists on both id files; config space holds the same ids. */
	if (device_file_exists(c, g, "vendor") && device_file_exists(c, g, "device")) {
		flags |= PCI_FILL_IDENT;
	} else if (device_file_exists(c, g, "config")) {
		ids_from_config = true;
		add_missing(g, "vendor or device (ids from config space)");
	} else {
		hr_diag_add(c->diags, HR_E_NOENT, where, 0,
			    "no vendor or device file and no config space: device skipped");
		note_unreadable(c, g);
		return false;
	}
	if (!device_file_exists(c, g, "resource"))
		add_missing(g, "resource");
	else if (resource_file_ok(c, g))
		flags |= PCI_FILL_BASES | PCI_FILL_SIZES | PCI_FILL_IO_FLAGS;
	else
		add_missing(g, "resource (unreadable)");
	if (!guarded_fill(c, d, flags)) {
		hr_diag_add(c->diags, HR_E_PARSE, where, 0, "%s: device skipped", c->message);
		note_unreadable(c, g);
		return false;
	}
	g->vendor = ids_from_config ? pci_read_word(d, PCI_VENDOR_ID) : d->vendor_id;
	g->device = ids_from_config ? pci_read_word(d, PCI_DEVICE_ID) : d->device_id;
	if (flags & PCI_FILL_SUBSYS) {
		g->subsys_vendor = d->subsys_vendor_id;
		g->subsys_device = d->subsys_id;
	}
	g->class_code = (uint32_t)d->device_class << 8 | d->prog_if;
	if (flags & PCI_FILL_NUMA_NODE)
		g->numa_node = d->numa_node;
	if (flags & PCI_FILL_BASES)
		read_bars(d, g);
	read_config(c, d, g);
	read_driver(c, g);
	if (!guarded_name(c, a, g))
		hr_diag_add(c->diags, HR_E_PARSE, "pci.ids", 0, "%s", c->message);
	if (g->missing[0])
		hr_diag_add(c->diags, HR_E_NOENT, where, 0, "GPU %04x:%04x read without: %s",
			    g->vendor, g->device, g->missing);
	return true;
}

static int bus_order(const void *x, const void *y)
{
	const struct pci_dev *a = *(struct pci_dev *const *)x, *b = *(struct pci_dev *const *)y;
	unsigned long long ka = (unsigned long long)a->domain << 24 | a->bus << 16 | a->dev << 8 | a->func;
	unsigned long long kb = (unsigned long long)b->domain << 24 | b->bus << 16 | b->dev << 8 | b->func;

	return (ka > kb) - (ka < kb);
}

/* This machine's pci.ids (names only: ids and everything else come from the root). */
static char *system_pci_ids(void)
{
	static char *const candidates[] = {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids",
					   "/usr/share/pci.ids"};

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return candidates[0];	/* absent: libpci then finds no names, and says nothing */
}

/* The devices libpci listed, in bus order; NULL (with err) when out of memory. */
static struct pci_dev **sorted_devices(struct pci_access *a, size_t *n, struct hr_error *err)
{
	struct pci_dev **list, *d;
	size_t count = 0;

	for (d = a->devices; d; d = d->next)
		count++;
	list = calloc(count ? count : 1, sizeof(*list));
	if (!list) {
		hr_fail(err, HR_E_NOMEM, "/sys/bus/pci/devices", 0, "out of memory");
		return NULL;
	}
	count = 0;
	for (d = a->devices; d; d = d->next)
		list[count++] = d;
	qsort(list, count, sizeof(*list), bus_order);
	*n = count;
	return list;
}

enum hr_status hr_gpus_read(const struct hr_root *root, struct hr_gpus *gpus,
			    struct hr_diags *diags, struct hr_error *err)
{
	struct pci_ctx ctx = {.root = root, .diags = diags, .gpus = gpus, .where = "/sys/bus/pci/devices"};
	char sysfs[640];
	struct pci_access *a;
	struct pci_dev **devs;
	enum hr_status st;
	size_t n = 0;

	memset(gpus, 0, sizeof(*gpus));
	st = hr_root_path(root, "/sys/bus/pci", sysfs, sizeof(sysfs), err);
	if (st)
		return st;
	if (!hr_root_exists(root, "/sys/bus/pci/devices"))
		return hr_fail(err, HR_E_NOENT, "/sys/bus/pci/devices", 0, "no PCI devices listed");
	a = pci_alloc();
	a->error = on_error;
	a->warning = on_warning;
	a->debug = on_debug;
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(a, "sysfs.path", sysfs);
	/* udev's hwdb is the live machine's and would make a replay's names differ from pci.ids. */
	pci_set_param(a, "hwdb.disable", "1");
	pci_set_name_list_path(a, system_pci_ids(), 0);
	current = &ctx;
	if (!guarded_start(&ctx, a)) {
		st = hr_fail(err, HR_E_PARSE, "/sys/bus/pci/devices", 0, "libpci: %s", ctx.message);
		goto out;
	}
	devs = sorted_devices(a, &n, err);
	if (!devs) {
		st = HR_E_NOMEM;
		goto out;
	}
	gpus->items = calloc(n ? n : 1, sizeof(*gpus->items));
	if (!gpus->items) {
		st = hr_fail(err, HR_E_NOMEM, "/sys/bus/pci/devices", 0, "out of memory");
		free(devs);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (read_device(&ctx, a, devs[i], &gpus->items[gpus->count]))
			gpus->count++;
	free(devs);
out:
	pci_cleanup(a);
	current = NULL;
	return st;
}

void hr_gpus_free(struct hr_gpus *gpus)
{
	free(gpus->items);
	memset(gpus, 0, sizeof(*gpus));
}
