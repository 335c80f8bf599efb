// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom capture: a machine's inputs into one tar.gz. The list is the one tests/capture-root
 * copies (tests/check-capture compares the two on the machine it runs on). The machine is the live
 * one, or a captured root, which turns a capture-root directory into a bundle. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/capture.h"
#include "headroom/facts.h"
#include "headroom/measured.h"
#include "archive_lib.h"

/* Files headroom reads on every machine: one that cannot be read goes to the manifest. */
static const char *const inputs[] = {
	"/proc/iomem", "/proc/cpuinfo", "/proc/version", "/proc/sys/kernel/osrelease",
	"/proc/sys/kernel/hostname", "/proc/cmdline", "/proc/config.gz", "/proc/version_signature",
	"/sys/kernel/boot_params/data", "/sys/kernel/boot_params/version", "/sys/firmware/fdt",
};

/* Files that only some machines have, expanded on the machine captured. One that exists but cannot
 * be read goes to the manifest (ACPI tables without root), except the write-only parameters
 * modules have. */
static const struct {
	const char *pattern;
	bool quiet;
} optional_inputs[] = {
	{"/sys/firmware/memmap/*/start", false}, {"/sys/firmware/memmap/*/end", false},
	{"/sys/firmware/memmap/*/type", false}, {"/sys/firmware/acpi/tables/*", false},
	{"/sys/module/nvidia/parameters/*", true}, {"/sys/module/nvidia_uvm/parameters/*", true},
	{"/sys/module/amdgpu/parameters/*", true}, {"/sys/module/xe/parameters/*", true},
	{"/sys/module/nouveau/parameters/*", true}, {"/sys/module/test_hmm/parameters/*", true},
	{"/proc/driver/nvidia/gpus/*/information", false}, {"/proc/driver/nvidia/version", false},
	{"/sys/class/kfd/kfd/topology/nodes/*/properties", false},
};

#define PCI_DEVICES "/sys/bus/pci/devices"
#define NVIDIA_SMI "/var/lib/headroom/nvidia-smi-q.txt"

/* What libpci and the driver profiles read of each GPU (display or processing accelerator). */
static const char *const gpu_files[] = {
	"vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision", "resource",
	"config", "numa_node", "irq", "mem_info_vram_total", "mem_info_vis_vram_total",
	"mem_info_gtt_total", "tile*/physical_vram_size_bytes",
};

/* The lines of /proc/kallsyms kept: the full file is megabytes and holds every kernel address. */
static const char *const kallsyms_kept[] = {
	"physmem_end", "direct_map_physmem_end", "memremap_device_private_pagemap",
	"devm_memremap_device_private_pagemap", "device_private_offset_to_page",
	"request_free_mem_region", "devm_request_free_mem_region", "get_free_mem_region",
	"alloc_free_mem_region", "memremap_pages", "migrate_device_range",
};

struct bundle {
	const struct hr_archive *la;
	struct archive *archive;
	const struct hr_root *root;
	time_t now;
	FILE *manifest;			/* open_memstream */
	char *manifest_text;
	size_t manifest_len;
	struct hr_capture_summary *summary;
};

/* A regular file (data, len), a directory (data NULL) or a symbolic link (link: its target). */
static enum hr_status add_entry(struct bundle *b, const char *path, const char *data, size_t len,
				const char *link, struct hr_error *err)
{
	struct archive_entry *e = b->la->archive_entry_new();
	enum hr_status st = HR_OK;

	if (!e)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	b->la->archive_entry_set_pathname(e, path + 1);	/* relative: "proc/iomem" */
	b->la->archive_entry_set_filetype(e, link ? AE_IFLNK : data ? AE_IFREG : AE_IFDIR);
	b->la->archive_entry_set_perm(e, data ? 0644 : 0755);
	b->la->archive_entry_set_size(e, (la_int64_t)len);
	if (link)
		b->la->archive_entry_set_symlink(e, link);
	b->la->archive_entry_set_mtime(e, b->now, 0);
	if (b->la->archive_write_header(b->archive, e) != ARCHIVE_OK ||
	    (len && b->la->archive_write_data(b->archive, data, len) != (la_ssize_t)len))
		st = hr_fail(err, HR_E_IO, path, 0, "cannot add to the bundle: %s",
			     b->la->archive_error_string(b->archive));
	b->la->archive_entry_free(e);
	b->summary->files += !st && data;
	return st;
}

static void not_captured(struct bundle *b, const char *path, const struct hr_error *why)
{
	fprintf(b->manifest, "unreadable %s: %s (%s)\n", path, why->message,
		hr_status_name(why->status));
	b->summary->unreadable++;
}

/* A quiet file that cannot be read (absent, write-only) is left out without a word. */
static enum hr_status capture_file(struct bundle *b, const char *path, bool quiet,
				   struct hr_error *err)
{
	struct hr_error why;
	enum hr_status st;
	char *data;
	size_t len;

	if (hr_read_file(b->root, path, HR_CAPTURE_MAX_FILE, &data, &len, &why)) {
		if (!quiet)
			not_captured(b, path, &why);
		return HR_OK;
	}
	st = add_entry(b, path, data, len, NULL, err);
	free(data);
	return st;
}

/* The regular files matching a pattern under the root (acpi/tables also holds directories). */
static enum hr_status capture_glob(struct bundle *b, const char *pattern, bool quiet,
				   struct hr_error *err)
{
	size_t skip = b->root->live ? 0 : strlen(b->root->dir);
	enum hr_status st = HR_OK;
	char full[1024];
	struct stat sb;
	glob_t g;

	if (hr_root_path(b->root, pattern, full, sizeof(full), err))
		return HR_OK;
	if (glob(full, 0, NULL, &g) != 0)
		return HR_OK;	/* nothing of the kind on this machine */
	for (size_t i = 0; i < g.gl_pathc && !st; i++)
		if (stat(g.gl_pathv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			st = capture_file(b, g.gl_pathv[i] + skip, quiet, err);
	globfree(&g);
	return st;
}

/* A GPU's driver link, kept as the link it is: headroom reads only its target's last part. */
static enum hr_status capture_driver_link(struct bundle *b, const char *device,
					  struct hr_error *err)
{
	char path[512], full[1024], target[512];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", device);
	if (hr_root_path(b->root, path, full, sizeof(full), NULL) ||
	    (n = readlink(full, target, sizeof(target) - 1)) < 0)
		return HR_OK;
	target[n] = '\0';
	return add_entry(b, path, NULL, 0, target, err);
}

/* xe's tileN directories: their number is the tile count, which mainline xe shows nowhere else
 * (xe_tile_sysfs.c, 6.12); on most parts they are empty. */
static enum hr_status capture_tile_dirs(struct bundle *b, const char *device, struct hr_error *err)
{
	size_t skip = b->root->live ? 0 : strlen(b->root->dir);
	enum hr_status st = HR_OK;
	char pattern[512], full[1024];
	struct stat sb;
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/tile[0-9]*", device);
	if (hr_root_path(b->root, pattern, full, sizeof(full), NULL) || glob(full, 0, NULL, &g) != 0)
		return HR_OK;
	for (size_t i = 0; i < g.gl_pathc && !st; i++)
		if (stat(g.gl_pathv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			st = add_entry(b, g.gl_pathv[i] + skip, NULL, 0, NULL, err);
	globfree(&g);
	return st;
}

/* The PCI directory always (empty: no GPUs; absent from a bundle: not captured), and in it each
 * GPU: class 0x03 (display) or 0x12 (processing accelerator), as capture-root takes them. */
static enum hr_status capture_pci(struct bundle *b, struct hr_error *err)
{
	size_t skip = b->root->live ? 0 : strlen(b->root->dir);
	enum hr_status st;
	char full[1024];
	glob_t g;

	if (!hr_root_exists(b->root, PCI_DEVICES))
		return HR_OK;
	st = add_entry(b, PCI_DEVICES, NULL, 0, NULL, err);
	if (st || hr_root_path(b->root, PCI_DEVICES "/*", full, sizeof(full), NULL) ||
	    glob(full, 0, NULL, &g) != 0)
		return st;
	for (size_t i = 0; i < g.gl_pathc && !st; i++) {
		const char *device = g.gl_pathv[i] + skip;
		char path[512], *class = NULL;

		snprintf(path, sizeof(path), "%s/class", device);
		if (hr_read_file(b->root, path, 64, &class, NULL, NULL) ||
		    (strncmp(class, "0x03", 4) != 0 && strncmp(class, "0x12", 4) != 0)) {
			free(class);
			continue;
		}
		free(class);
		for (size_t f = 0; f < sizeof(gpu_files) / sizeof(gpu_files[0]) && !st; f++) {
			snprintf(path, sizeof(path), "%s/%s", device, gpu_files[f]);
			st = capture_glob(b, path, false, err);
		}
		st = st ? st : capture_tile_dirs(b, device, err);
		st = st ? st : capture_driver_link(b, device, err);
	}
	globfree(&g);
	return st;
}

/* nvidia-smi -q, where the tool is (live only; a captured root brings its own copy). */
static enum hr_status capture_nvidia_smi(struct bundle *b, struct hr_error *err)
{
	FILE *smi, *out;
	char *text = NULL, chunk[4096];
	size_t len = 0, got;
	enum hr_status st;

	if (!b->root->live)
		return capture_file(b, NVIDIA_SMI, true, err);
	smi = popen("command -v nvidia-smi >/dev/null && nvidia-smi -q 2>/dev/null", "re");
	if (!smi)
		return HR_OK;
	out = open_memstream(&text, &len);
	while (out && (got = fread(chunk, 1, sizeof(chunk), smi)) > 0 && len < HR_CAPTURE_MAX_FILE)
		fwrite(chunk, 1, got, out);
	if (out)
		fclose(out);
	pclose(smi);
	st = text && len ? add_entry(b, NVIDIA_SMI, text, len, NULL, err) : HR_OK;
	free(text);
	return st;
}

static bool kept_symbol(const char *line)
{
	char name[128];

	if (sscanf(line, "%*s %*s %127s", name) != 1)
		return false;
	for (size_t i = 0; i < sizeof(kallsyms_kept) / sizeof(kallsyms_kept[0]); i++)
		if (strcmp(name, kallsyms_kept[i]) == 0)
			return true;
	return false;
}

static enum hr_status capture_kallsyms(struct bundle *b, struct hr_error *err)
{
	static const char path[] = "/proc/kallsyms";
	char full[1024], *text = NULL, *line = NULL;
	size_t text_len = 0, cap = 0;
	FILE *in, *kept;
	enum hr_status st;

	if (hr_root_path(b->root, path, full, sizeof(full), err))
		return HR_OK;
	in = fopen(full, "re");
	if (!in) {
		struct hr_error why;

		hr_fail(&why, hr_status_from_errno(errno), path, 0, "cannot open: %s", strerror(errno));
		not_captured(b, path, &why);
		return HR_OK;
	}
	kept = open_memstream(&text, &text_len);
	if (!kept) {
		fclose(in);
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	}
	while (getline(&line, &cap, in) > 0)
		if (kept_symbol(line))
			fputs(line, kept);
	free(line);
	fclose(in);
	if (fclose(kept) != 0) {
		free(text);
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	}
	st = add_entry(b, path, text ? text : "", text_len, NULL, err);
	free(text);
	return st;
}

/* What the live run measures rather than reads: CPUID, and the direct-map end through /proc/kcore
 * as the audit itself reads it (facts from hr_facts_gather() on the live machine). */
static enum hr_status capture_measured(struct bundle *b, const struct hr_facts *live,
				       struct hr_error *err)
{
	struct hr_measured m = {0};
	enum hr_status st;
	char *text;

	if (!hr_cpuid_execute(&m.cpuid))
		fprintf(b->manifest, "not-measured cpuid: not an x86 CPU\n");
	if (live->have_direct_map_reading) {
		m.have_reading[live->direct_map_symbol] = true;
		m.reading[live->direct_map_symbol] = live->direct_map_reading;
	} else {
		fprintf(b->manifest, "not-measured kcore: no direct-map end read through /proc/kcore "
			"(needs root, the variable's address in /proc/kallsyms: CONFIG_KALLSYMS_ALL, "
			"and CONFIG_PROC_KCORE)\n");
	}
	text = hr_measured_format(&m);
	if (!text)
		return hr_fail(err, HR_E_NOMEM, HR_MEASURED_PATH, 0, "out of memory");
	st = add_entry(b, HR_MEASURED_PATH, text, strlen(text), NULL, err);
	free(text);
	return st;
}

static enum hr_status capture_inputs(struct bundle *b, const char *root_dir,
				     const char *tool_version, struct hr_error *err)
{
	char when[32], config[192];
	struct hr_facts facts;
	enum hr_status st = HR_OK;
	struct tm tm;

	hr_facts_gather(root_dir, &facts);
	b->root = &facts.root;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&b->now, &tm));
	fprintf(b->manifest, "# headroom capture v1\ntool_version %s\ncaptured_at %s\n", tool_version,
		when);
	if (facts.root.live)
		fprintf(b->manifest, "euid %u%s\n", (unsigned)geteuid(), geteuid() ? " (not root: "
			"/proc/iomem and /proc/kallsyms read with their addresses zeroed)" : "");
	else
		fprintf(b->manifest, "from %s\n", facts.root.dir);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]) && !st; i++)
		st = capture_file(b, inputs[i], false, err);
	for (size_t i = 0; i < sizeof(optional_inputs) / sizeof(optional_inputs[0]) && !st; i++)
		st = capture_glob(b, optional_inputs[i].pattern, optional_inputs[i].quiet, err);
	if (!st && facts.release[0]) {
		snprintf(config, sizeof(config), "/boot/config-%s", facts.release);
		st = capture_file(b, config, !facts.root.live, err);
	}
	st = st ? st : capture_pci(b, err);
	st = st ? st : capture_nvidia_smi(b, err);
	st = st ? st : capture_kallsyms(b, err);
	if (!st && facts.root.live)
		st = capture_measured(b, &facts, err);
	else if (!st)	/* a captured root's own measured facts, when it has them */
		st = capture_file(b, HR_MEASURED_PATH, true, err);
	hr_facts_free(&facts);
	return st;
}

enum hr_status hr_capture_write(const char *root_dir, const char *path, const char *tool_version,
				time_t now, struct hr_capture_summary *summary, struct hr_error *err)
{
	struct bundle b = {.now = now, .summary = summary};
	struct hr_root root;
	enum hr_status st;

	*summary = (struct hr_capture_summary){0};
	st = hr_root_init(&root, root_dir, err);
	if (st)
		return st;
	st = hr_archive_open(&b.la, path, err);
	if (st)
		return st;
	b.archive = b.la->archive_write_new();
	b.manifest = open_memstream(&b.manifest_text, &b.manifest_len);
	if (!b.archive || !b.manifest) {
		st = hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if (b.la->archive_write_add_filter_gzip(b.archive) != ARCHIVE_OK ||
	    b.la->archive_write_set_format_pax_restricted(b.archive) != ARCHIVE_OK ||
	    b.la->archive_write_open_filename(b.archive, strcmp(path, "-") == 0 ? NULL : path) !=
	    ARCHIVE_OK) {
		st = hr_fail(err, HR_E_IO, path, 0, "cannot write: %s",
			     b.la->archive_error_string(b.archive));
		goto out;
	}
	st = capture_inputs(&b, root_dir, tool_version, err);
	if (!st && fflush(b.manifest) != 0)
		st = hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	st = st ? st : add_entry(&b, HR_CAPTURE_MANIFEST, b.manifest_text, b.manifest_len, NULL, err);
	if (b.la->archive_write_close(b.archive) != ARCHIVE_OK && !st)
		st = hr_fail(err, HR_E_IO, path, 0, "cannot write: %s",
			     b.la->archive_error_string(b.archive));
out:
	if (b.manifest)
		fclose(b.manifest);
	free(b.manifest_text);
	if (b.archive)
		b.la->archive_write_free(b.archive);
	return st;
}
