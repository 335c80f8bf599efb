// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device tree, read with libfdt the way the kernel reads it at boot (drivers/of/fdt.c,
 * drivers/of/of_reserved_mem.c, drivers/pci/of.c, arch/powerpc/kvm/book3s_hv_uvmem.c).
 * libfdt checks the blob; what is decoded here is only what libfdt leaves to its callers: cells.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "headroom/fdt.h"
#include "headroom/parse.h"

#define FDT_MAX_BYTES (64u << 20)	/* real blobs are a few KiB to a few MiB */
#define FDT_MAX_RECORDS 65536u	/* ranges of one kind: far more than any firmware declares */
#define PCI_ADDRESS_CELLS 3

struct ctx {
	const void *fdt;
	const char *path;	/* the file, for messages */
	struct hr_diags *diags;
	bool capped;		/* FDT_MAX_RECORDS was reached and reported */
};

/* A new zeroed element at the end of an array (hr_grow), or NULL: *st is HR_E_NOMEM, or HR_OK
 * when the array reached FDT_MAX_RECORDS (reported once per blob; the rest is ignored). */
static void *push(struct ctx *c, void *items, size_t *count, size_t *cap, size_t size,
		  enum hr_status *st)
{
	char *base;

	*st = hr_grow(items, cap, *count, size, FDT_MAX_RECORDS);
	if (*st == HR_E_RANGE) {
		if (!c->capped)
			hr_diag_add(c->diags, HR_E_RANGE, c->path, 0, "more than %u ranges of one kind, "
				    "the rest is ignored", FDT_MAX_RECORDS);
		c->capped = true;
		*st = HR_OK;
	}
	if (*st)
		return NULL;
	memcpy(&base, items, sizeof(base));
	memset(base + *count * size, 0, size);
	return base + (*count)++ * size;
}

/* The node's path, quoted: it is text from the blob. */
static const char *node_path(struct ctx *c, int node, char *buf, size_t len)
{
	char raw[256];

	if (fdt_get_path(c->fdt, node, raw, sizeof(raw)) < 0)
		snprintf(raw, sizeof(raw), "?");
	return hr_quote(raw, strlen(raw), sizeof(raw), buf, len);
}

/* "PATH at offset N" for messages, N the node's byte offset in the file. */
static const char *where(struct ctx *c, int node, char *buf, size_t len)
{
	char path[256];

	snprintf(buf, len, "%s at offset %u", node_path(c, node, path, sizeof(path)),
		 fdt_off_dt_struct(c->fdt) + (unsigned)node);
	return buf;
}

/* A number of cells: more than two must have zero high cells to fit 64 bits. */
static bool read_cells(const fdt32_t *p, int n, uint64_t *out)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		if (v >> 32)
			return false;
		v = v << 32 | fdt32_to_cpu(p[i]);
	}
	*out = v;
	return true;
}

/* #address-cells (size false) or #size-cells of bus, with a diagnostic when it is invalid. */
static int bus_cells(struct ctx *c, int bus, bool size)
{
	int n = size ? fdt_size_cells(c->fdt, bus) : fdt_address_cells(c->fdt, bus);
	char at[320];

	if (n < 0)
		hr_diag_add(c->diags, HR_E_PARSE, c->path, 0, "%s: invalid %s (libfdt: %s: not one cell, or above 4), its children skipped",
			    where(c, bus, at, sizeof(at)), size ? "#size-cells" : "#address-cells",
			    fdt_strerror(n));
	return n;
}

/* Move addr from the address space of bus up to the CPU's, through each ancestor's ranges (as
 * of_translate_address() does). *why says what stopped it. */
static bool translate(struct ctx *c, int bus, uint64_t *addr, const char **why)
{
	while (bus > 0) {
		int parent = fdt_parent_offset(c->fdt, bus), len, ac, pac, sc, entry;
		const fdt32_t *r = fdt_getprop(c->fdt, bus, "ranges", &len);
		bool found = false;

		*why = "a parent bus has no ranges: not visible to the CPU";
		if (!r || parent < 0)
			return false;
		*why = "invalid cells in a parent bus";
		ac = fdt_address_cells(c->fdt, bus);
		sc = fdt_size_cells(c->fdt, bus);
		pac = fdt_address_cells(c->fdt, parent);
		if (ac < 0 || sc < 0 || pac < 0)
			return false;
		entry = (ac + pac + sc) * (int)sizeof(fdt32_t);
		for (int off = 0; len > 0 && entry > 0 && off + entry <= len && !found; off += entry) {
			const fdt32_t *e = (const fdt32_t *)((const char *)r + off);
			uint64_t child, up, size;

			if (!read_cells(e, ac, &child) || !read_cells(e + ac, pac, &up) ||
			    !read_cells(e + ac + pac, sc, &size))
				continue;
			if (*addr >= child && *addr - child < size) {
				*addr = *addr - child + up;
				found = true;
			}
		}
		*why = "outside every entry of a parent bus's ranges";
		if (len > 0 && !found)
			return false;
		bus = parent;
	}
	return true;
}

/* [addr, addr + size) of the address space of bus (-1: the CPU's already) as a CPU range. */
static bool cpu_range(struct ctx *c, int bus, uint64_t addr, uint64_t size,
		      struct hr_dt_range *out, const char **why)
{
	if (bus >= 0 && !translate(c, bus, &addr, why))
		return false;
	*why = "wraps past 2^64";
	if (addr + (size - 1) < addr)
		return false;
	*out = (struct hr_dt_range){addr, addr + (size - 1)};
	return true;
}

/*
 * Each (address, size) pair of prop, ac + sc cells each, in the address space of bus, appended to
 * *out as CPU ranges; bus < 0 means the addresses are CPU addresses already. A property whose
 * length or values do not fit is reported and skipped. Only running out of memory fails.
 */
static enum hr_status decode_pairs(struct ctx *c, int node, const char *prop, int ac, int sc,
				   int bus, struct hr_dt_range **out, size_t *n, size_t *cap)
{
	int len, entry = (ac + sc) * (int)sizeof(fdt32_t);
	const fdt32_t *p = fdt_getprop(c->fdt, node, prop, &len);
	char at[320];

	if (!p)
		return HR_OK;
	if (entry == 0 || sc == 0 || len % entry) {
		hr_diag_add(c->diags, HR_E_PARSE, c->path, 0,
			    "%s: %s is %d bytes, not a whole number of (%d address + %d size) cells, skipped",
			    where(c, node, at, sizeof(at)), prop, len, ac, sc);
		return HR_OK;
	}
	for (int off = 0; off < len; off += entry) {
		const fdt32_t *e = p + off / (int)sizeof(fdt32_t);
		const char *why = "more than 64 bits";
		struct hr_dt_range range, *r;
		uint64_t start, size;
		enum hr_status st;

		if (!read_cells(e, ac, &start) || !read_cells(e + ac, sc, &size) ||
		    (size && !cpu_range(c, bus, start, size, &range, &why))) {
			hr_diag_add(c->diags, HR_E_RANGE, c->path, 0, "%s: %s entry %d: %s, skipped",
				    where(c, node, at, sizeof(at)), prop, off / entry, why);
			continue;
		}
		if (!size)
			continue;
		r = push(c, out, n, cap, sizeof(*r), &st);
		if (!r)
			return st;
		*r = range;
	}
	return HR_OK;
}

/* reg of node, in the cells of its parent bus (of_n_addr_cells() / of_n_size_cells()). */
static enum hr_status decode_reg(struct ctx *c, int node, const char *prop,
				 struct hr_dt_range **out, size_t *n, size_t *cap)
{
	int bus = fdt_parent_offset(c->fdt, node), ac, sc;

	if (bus < 0 || (ac = bus_cells(c, bus, false)) < 0 || (sc = bus_cells(c, bus, true)) < 0)
		return HR_OK;
	return decode_pairs(c, node, prop, ac, sc, bus, out, n, cap);
}

/* of_fdt_device_is_available(): no status, "okay" or "ok". */
static bool available(struct ctx *c, int node)
{
	const char *status = fdt_getprop(c->fdt, node, "status", NULL);

	return !status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

static bool prop_is(struct ctx *c, int node, const char *name, const char *value)
{
	int len;
	const char *v = fdt_getprop(c->fdt, node, name, &len);

	return v && fdt_stringlist_contains(v, len, value);
}

/* A one-cell property, or fallback when it is absent or not one cell. */
static uint32_t u32_prop(struct ctx *c, int node, const char *name, uint32_t fallback)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, name, &len);

	return p && len == sizeof(*p) ? fdt32_to_cpu(*p) : fallback;
}

/* Every range of prop of node, with the node's name and flags, appended to *out. */
static enum hr_status add_regions(struct ctx *c, int node, const char *prop,
				  struct hr_dt_region **out, size_t *n, size_t *cap)
{
	int name_len = 0;
	const char *name = fdt_get_name(c->fdt, node, &name_len);
	struct hr_dt_range *ranges = NULL;
	size_t count = 0, ranges_cap = 0;
	enum hr_status st = decode_reg(c, node, prop, &ranges, &count, &ranges_cap);

	for (size_t i = 0; st == HR_OK && i < count; i++) {
		struct hr_dt_region *r = push(c, out, n, cap, sizeof(*r), &st);

		if (!r)
			break;
		r->range = ranges[i];
		hr_quote(name ? name : "", name ? (size_t)name_len : 0, sizeof(r->node), r->node,
			 sizeof(r->node));
		r->usable_memory = strcmp(prop, "linux,usable-memory") == 0;
		r->hotpluggable = fdt_getprop(c->fdt, node, "hotpluggable", NULL) != NULL;
		r->no_map = fdt_getprop(c->fdt, node, "no-map", NULL) != NULL;
		r->numa_node = u32_prop(c, node, "numa-node-id", 0);
	}
	free(ranges);
	return st;
}

/* early_init_dt_scan_memory(): top-level device_type "memory" nodes; linux,usable-memory (a crash
 * kernel's view) replaces reg when present. */
static enum hr_status scan_memory(struct ctx *c, struct hr_dt *dt)
{
	enum hr_status st;
	int node;

	fdt_for_each_subnode(node, c->fdt, 0) {
		bool usable = fdt_getprop(c->fdt, node, "linux,usable-memory", NULL) != NULL;

		if (!prop_is(c, node, "device_type", "memory") || !available(c, node))
			continue;
		st = add_regions(c, node, usable ? "linux,usable-memory" : "reg", &dt->memory,
				 &dt->n_memory, &dt->cap_memory);
		if (st)
			return st;
	}
	return HR_OK;
}

/* fdt_scan_reserved_mem(): /reserved-memory must use the root's cells, or the kernel ignores it. */
static enum hr_status scan_reserved(struct ctx *c, struct hr_dt *dt)
{
	int rm = fdt_path_offset(c->fdt, "/reserved-memory"), node;
	enum hr_status st;
	char at[320];

	if (rm < 0)
		return HR_OK;
	if (fdt_address_cells(c->fdt, rm) != fdt_address_cells(c->fdt, 0) ||
	    fdt_size_cells(c->fdt, rm) != fdt_size_cells(c->fdt, 0)) {
		hr_diag_add(c->diags, HR_E_PARSE, c->path, 0, "%s: #address-cells/#size-cells differ "
			    "from the root's, so the kernel ignores the node; skipped",
			    where(c, rm, at, sizeof(at)));
		return HR_OK;
	}
	fdt_for_each_subnode(node, c->fdt, rm)
		if (available(c, node) &&
		    (st = add_regions(c, node, "reg", &dt->reserved, &dt->n_reserved, &dt->cap_reserved)))
			return st;
	return HR_OK;
}

static enum hr_status scan_memreserve(struct ctx *c, struct hr_dt *dt)
{
	int count = fdt_num_mem_rsv(c->fdt);

	for (int i = 0; i < count; i++) {
		uint64_t address, size;
		struct hr_dt_range *r;
		enum hr_status st;

		if (fdt_get_mem_rsv(c->fdt, i, &address, &size) < 0 || !size)
			continue;
		if (address + (size - 1) < address) {
			hr_diag_add(c->diags, HR_E_RANGE, c->path, 0, "/memreserve/ entry %d at offset %u "
				    "wraps past 2^64, skipped", i, fdt_off_mem_rsvmap(c->fdt) + 16u * (unsigned)i);
			continue;
		}
		r = push(c, &dt->memreserve, &dt->n_memreserve, &dt->cap_memreserve, sizeof(*r), &st);
		if (!r)
			return st;
		*r = (struct hr_dt_range){address, address + (size - 1)};
	}
	return HR_OK;
}

/* early_init_dt_check_for_usable_mem_range(): pairs in the root's cells. */
static enum hr_status scan_chosen(struct ctx *c, struct hr_dt *dt)
{
	int chosen = fdt_path_offset(c->fdt, "/chosen"), ac, sc;

	if (chosen < 0 || (ac = bus_cells(c, 0, false)) < 0 || (sc = bus_cells(c, 0, true)) < 0)
		return HR_OK;
	return decode_pairs(c, chosen, "linux,usable-memory-range", ac, sc, -1, &dt->usable,
			    &dt->n_usable, &dt->cap_usable);
}

/* kvmppc_get_secmem_size(): "ibm,secure-memory" nodes first; only without them the deprecated
 * secure-memory-ranges of "ibm,uv-firmware", read as 2 address and 2 size cells per entry. The
 * kernel asks request_free_mem_region() for as much device-private space as this adds up to. */
static enum hr_status scan_secure(struct ctx *c, struct hr_dt *dt)
{
	enum hr_status st;
	int node;

	for (node = fdt_node_offset_by_compatible(c->fdt, -1, "ibm,secure-memory"); node >= 0;
	     node = fdt_node_offset_by_compatible(c->fdt, node, "ibm,secure-memory"))
		if ((st = decode_reg(c, node, "reg", &dt->secure, &dt->n_secure, &dt->cap_secure)))
			return st;
	if (dt->n_secure) {
		dt->secure_source = HR_DT_SECURE_NODES;
		return HR_OK;
	}
	node = fdt_node_offset_by_compatible(c->fdt, -1, "ibm,uv-firmware");
	if (node < 0)
		return HR_OK;
	st = decode_pairs(c, node, "secure-memory-ranges", 2, 2, -1, &dt->secure, &dt->n_secure,
			  &dt->cap_secure);
	if (dt->n_secure)
		dt->secure_source = HR_DT_SECURE_UV_RANGES;
	return st;
}

/* One ranges entry of a host bridge: a 3-cell PCI address (phys.hi npt000ss bbbbbbbb dddddfff
 * rrrrrrrr, then 64 bits), a parent-bus address, a size (IEEE 1275 PCI binding). */
static bool pci_window(struct ctx *c, int host, const fdt32_t *e, int pac, int sc,
		       struct hr_dt_pci_window *w, const char **why)
{
	uint32_t hi = fdt32_to_cpu(e[0]);
	uint64_t cpu, size;

	*why = "more than 64 bits";
	if (!read_cells(e + 1, 2, &w->pci_start) || !read_cells(e + PCI_ADDRESS_CELLS, pac, &cpu) ||
	    !read_cells(e + PCI_ADDRESS_CELLS + pac, sc, &size))
		return false;
	*why = "size 0";
	if (!size || !cpu_range(c, fdt_parent_offset(c->fdt, host), cpu, size, &w->cpu, why))
		return false;
	w->space = (enum hr_dt_pci_space)(hi >> 24 & 3);
	w->prefetchable = hi >> 30 & 1;
	return true;
}

static enum hr_status decode_host_ranges(struct ctx *c, int host, int pac,
					struct hr_dt_host_bridge *b)
{
	int len, ac = bus_cells(c, host, false), sc = bus_cells(c, host, true), entry;
	const fdt32_t *p = fdt_getprop(c->fdt, host, "ranges", &len);
	enum hr_status st;
	char at[320];

	if (!p || ac < 0 || sc < 0)
		return HR_OK;
	entry = (ac + pac + sc) * (int)sizeof(fdt32_t);
	if (ac != PCI_ADDRESS_CELLS || sc == 0 || len % entry) {
		hr_diag_add(c->diags, HR_E_PARSE, c->path, 0, "%s: ranges is %d bytes with #address-cells "
			    "%d (PCI needs %d), parent #address-cells %d, #size-cells %d: skipped",
			    where(c, host, at, sizeof(at)), len, ac, PCI_ADDRESS_CELLS, pac, sc);
		return HR_OK;
	}
	for (int off = 0; off < len; off += entry) {
		const fdt32_t *e = p + off / (int)sizeof(fdt32_t);
		struct hr_dt_pci_window w = {0}, *slot;
		const char *why;

		if (!pci_window(c, host, e, pac, sc, &w, &why)) {
			hr_diag_add(c->diags, HR_E_RANGE, c->path, 0, "%s: ranges entry %d: %s, skipped",
				    where(c, host, at, sizeof(at)), off / entry, why);
			continue;
		}
		slot = push(c, &b->windows, &b->n_windows, &b->cap_windows, sizeof(*slot), &st);
		if (!slot)
			return st;
		*slot = w;
	}
	return HR_OK;
}

/* The config space: reg-names "config" where the binding names it (DesignWare and others), else
 * reg[0] for the generic ECAM/CAM hosts (pci-host-common.c maps resource 0). */
static enum hr_status decode_host_config(struct ctx *c, int host, struct hr_dt_host_bridge *b)
{
	int index = fdt_stringlist_search(c->fdt, host, "reg-names", "config");
	struct hr_dt_range *regs = NULL;
	size_t n = 0, cap = 0;
	enum hr_status st;

	if (index < 0 && !prop_is(c, host, "compatible", "pci-host-ecam-generic") &&
	    !prop_is(c, host, "compatible", "pci-host-cam-generic"))
		return HR_OK;
	st = decode_reg(c, host, "reg", &regs, &n, &cap);
	if (index < 0)
		index = 0;
	if ((size_t)index < n) {
		b->config = regs[index];
		b->have_config = true;
	}
	free(regs);
	return st;
}

/* The PCI domain and bus numbers a host owns (drivers/pci/of.c). */
static void host_numbering(struct ctx *c, int host, struct hr_dt_host_bridge *b)
{
	int len;
	const fdt32_t *range = fdt_getprop(c->fdt, host, "bus-range", &len);

	b->domain = u32_prop(c, host, "linux,pci-domain", 0);
	b->bus_start = 0;
	b->bus_end = 0xff;
	if (range && len == 2 * (int)sizeof(*range) && fdt32_to_cpu(range[0]) <= fdt32_to_cpu(range[1]) &&
	    fdt32_to_cpu(range[1]) <= 0xff) {
		b->bus_start = (uint8_t)fdt32_to_cpu(range[0]);
		b->bus_end = (uint8_t)fdt32_to_cpu(range[1]);
	}
}

static bool is_pci(struct ctx *c, int node)
{
	return prop_is(c, node, "device_type", "pci") || prop_is(c, node, "device_type", "pciex");
}

/* Host bridges: PCI nodes whose parent is not PCI (a PCI-PCI bridge described in the tree is). */
static enum hr_status scan_host_bridges(struct ctx *c, struct hr_dt *dt)
{
	for (int node = fdt_next_node(c->fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(c->fdt, node, NULL)) {
		const char *compatible = fdt_getprop(c->fdt, node, "compatible", NULL);
		int parent = fdt_parent_offset(c->fdt, node), pac;
		struct hr_dt_host_bridge *b;
		enum hr_status st;

		if (!is_pci(c, node) || !available(c, node) || is_pci(c, parent))
			continue;
		b = push(c, &dt->bridges, &dt->n_bridges, &dt->cap_bridges, sizeof(*b), &st);
		if (!b)
			return st;
		node_path(c, node, b->path, sizeof(b->path));
		hr_quote(compatible ? compatible : "", compatible ? strlen(compatible) : 0,
			 sizeof(b->compatible), b->compatible, sizeof(b->compatible));
		host_numbering(c, node, b);
		/* The parent bus's cells shape both reg and ranges: checked once. */
		if ((pac = bus_cells(c, parent, false)) < 0 || bus_cells(c, parent, true) < 0)
			continue;
		if ((st = decode_host_config(c, node, b)) || (st = decode_host_ranges(c, node, pac, b)))
			return st;
	}
	return HR_OK;
}

/* The whole blob before any of it is used: header, blocks inside it, and a walk of the structure
 * block (fdt_check_full), plus a check libfdt leaves out: strings that overlap the structure. */
static enum hr_status blob_check(const char *buf, size_t len, const char *path, struct hr_error *err)
{
	uint32_t total = fdt_totalsize(buf), st = fdt_off_dt_struct(buf), st_len = fdt_size_dt_struct(buf),
		 str = fdt_off_dt_strings(buf), str_len = fdt_size_dt_strings(buf);
	int rc;

	if (fdt_magic(buf) != FDT_MAGIC)
		return hr_fail(err, HR_E_PARSE, path, 0, "not a device tree: magic %#x, not %#x",
			       fdt_magic(buf), FDT_MAGIC);
	if (total > len)
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "truncated device tree: the header says "
			       "%u bytes, the file has %zu", total, len);
	rc = fdt_check_full(buf, len);
	if (rc == 0 && str < (uint64_t)st + st_len && st < (uint64_t)str + str_len)
		rc = -FDT_ERR_BADLAYOUT;
	if (rc < 0)
		return hr_fail(err, HR_E_PARSE, path, 0, "invalid device tree (%s): structure block "
			       "%#x+%#x, strings %#x+%#x, reservations at %#x, in %u bytes",
			       rc == -FDT_ERR_TRUNCATED ? "a block runs past the end"
			       : rc == -FDT_ERR_BADLAYOUT ? "the strings overlap the structure"
			       : fdt_strerror(rc), st, st_len, str, str_len, fdt_off_mem_rsvmap(buf), total);
	return HR_OK;
}

enum hr_status hr_fdt_parse(const char *buf, size_t len, const char *path, struct hr_dt *out,
			    struct hr_diags *diags, struct hr_error *err)
{
	struct hr_diags ignored = {0};
	struct ctx c = {.fdt = buf, .path = path, .diags = diags ? diags : &ignored};
	enum hr_status st;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(struct fdt_header))
		return hr_fail(err, HR_E_TRUNCATED, path, 0, "%zu bytes, shorter than a device tree "
			       "header (%zu)", len, sizeof(struct fdt_header));
	st = blob_check(buf, len, path, err);
	if (st)
		return st;
	if ((st = scan_memory(&c, out)) || (st = scan_reserved(&c, out)) ||
	    (st = scan_memreserve(&c, out)) || (st = scan_chosen(&c, out)) ||
	    (st = scan_secure(&c, out)) || (st = scan_host_bridges(&c, out)))
		hr_fail(err, st, path, 0, "out of memory");
	hr_diags_free(&ignored);
	return st;
}

enum hr_status hr_fdt_read(const struct hr_root *root, struct hr_dt *out, struct hr_diags *diags,
			   struct hr_error *err)
{
	char *buf;
	size_t len;
	enum hr_status st;

	memset(out, 0, sizeof(*out));
	st = hr_read_file(root, HR_FDT_PATH, FDT_MAX_BYTES, &buf, &len, err);
	if (st)
		return st;
	st = hr_fdt_parse(buf, len, HR_FDT_PATH, out, diags, err);
	free(buf);
	return st;
}

bool hr_dt_memory_bounds(const struct hr_dt *dt, uint64_t *bottom, uint64_t *top)
{
	*bottom = UINT64_MAX;
	*top = 0;
	for (size_t i = 0; i < dt->n_memory; i++) {
		if (dt->memory[i].range.start < *bottom)
			*bottom = dt->memory[i].range.start;
		if (dt->memory[i].range.end > *top)
			*top = dt->memory[i].range.end;
	}
	return dt->n_memory > 0;
}

const char *hr_dt_pci_space_name(enum hr_dt_pci_space space)
{
	switch (space) {
	case HR_DT_PCI_CONFIG: return "config";
	case HR_DT_PCI_IO: return "io";
	case HR_DT_PCI_MEM32: return "mem";
	case HR_DT_PCI_MEM64: return "mem64";
	}
	return "unknown";
}

void hr_dt_free(struct hr_dt *dt)
{
	for (size_t i = 0; i < dt->n_bridges; i++)
		free(dt->bridges[i].windows);
	free(dt->memory);
	free(dt->reserved);
	free(dt->memreserve);
	free(dt->usable);
	free(dt->secure);
	free(dt->bridges);
	memset(dt, 0, sizeof(*dt));
}
