// SPDX-License-Identifier: GPL-2.0-or-later
/* headroom capture: the live machine's inputs into one tar.gz. The list is the one that
 * tests/capture-root copies (tests/check-capture compares the two on the machine it runs on). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/capture.h"
#include "headroom/measured.h"
#include "headroom/model.h"

/* Every file headroom reads; patterns are expanded on the machine captured. */
static const char *const inputs[] = {
	"/proc/iomem", "/proc/cpuinfo", "/proc/version", "/proc/sys/kernel/osrelease",
	"/proc/sys/kernel/hostname", "/proc/cmdline", "/proc/config.gz", "/proc/version_signature",
	"/sys/kernel/boot_params/data", "/sys/kernel/boot_params/version", "/sys/firmware/fdt",
	"/sys/firmware/memmap/*/start", "/sys/firmware/memmap/*/end", "/sys/firmware/memmap/*/type",
	"/sys/firmware/acpi/tables/*",
};

/* The lines of /proc/kallsyms kept: the full file is megabytes and holds every kernel address. */
static const char *const kallsyms_kept[] = {
	"physmem_end", "direct_map_physmem_end", "memremap_device_private_pagemap",
	"devm_memremap_device_private_pagemap", "device_private_offset_to_page",
	"request_free_mem_region", "devm_request_free_mem_region", "get_free_mem_region",
	"alloc_free_mem_region", "memremap_pages",
};

struct bundle {
	struct archive *archive;
	time_t now;
	FILE *manifest;			/* open_memstream */
	char *manifest_text;
	size_t manifest_len;
	struct hr_capture_summary *summary;
};

static enum hr_status add_entry(struct bundle *b, const char *path, const char *data, size_t len,
				struct hr_error *err)
{
	struct archive_entry *e = archive_entry_new();
	enum hr_status st = HR_OK;

	if (!e)
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	archive_entry_set_pathname(e, path + 1);	/* relative: "proc/iomem" */
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, b->now, 0);
	if (archive_write_header(b->archive, e) != ARCHIVE_OK ||
	    (len && archive_write_data(b->archive, data, len) != (la_ssize_t)len))
		st = hr_fail(err, HR_E_IO, path, 0, "cannot add to the bundle: %s",
			     archive_error_string(b->archive));
	archive_entry_free(e);
	return st;
}

static void not_captured(struct bundle *b, const char *path, const struct hr_error *why)
{
	fprintf(b->manifest, "unreadable %s: %s (%s)\n", path, why->message,
		hr_status_name(why->status));
	b->summary->unreadable++;
}

static enum hr_status capture_file(struct bundle *b, const struct hr_root *root, const char *path,
				   struct hr_error *err)
{
	struct hr_error why;
	enum hr_status st;
	char *data;
	size_t len;

	if (hr_read_file(root, path, HR_CAPTURE_MAX_FILE, &data, &len, &why)) {
		not_captured(b, path, &why);
		return HR_OK;
	}
	st = add_entry(b, path, data, len, err);
	free(data);
	b->summary->files += !st;
	return st;
}

/* A pattern's matches that are regular files (acpi/tables also holds directories). */
static enum hr_status capture_pattern(struct bundle *b, const struct hr_root *root,
				      const char *pattern, struct hr_error *err)
{
	enum hr_status st = HR_OK;
	struct stat sb;
	glob_t g;

	if (!strchr(pattern, '*'))
		return capture_file(b, root, pattern, err);
	if (glob(pattern, 0, NULL, &g) != 0)
		return HR_OK;	/* no such directory on this machine: nothing headroom would read */
	for (size_t i = 0; i < g.gl_pathc && !st; i++)
		if (stat(g.gl_pathv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			st = capture_file(b, root, g.gl_pathv[i], err);
	globfree(&g);
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
	FILE *in = fopen(path, "re"), *kept;
	char *text = NULL, *line = NULL;
	size_t text_len = 0, cap = 0;
	enum hr_status st;

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
	st = add_entry(b, path, text, text_len, err);
	free(text);
	b->summary->files += !st;
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
	st = add_entry(b, HR_MEASURED_PATH, text, strlen(text), err);
	free(text);
	return st;
}

static enum hr_status capture_inputs(struct bundle *b, const char *tool_version,
				     struct hr_error *err)
{
	char when[32], config[192];
	struct hr_facts live;
	enum hr_status st = HR_OK;
	struct tm tm;

	hr_facts_gather("/", &live);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&b->now, &tm));
	fprintf(b->manifest, "# headroom capture v1\ntool_version %s\ncaptured_at %s\neuid %u%s\n",
		tool_version, when, (unsigned)geteuid(), geteuid() ? " (not root: /proc/iomem and "
		"/proc/kallsyms read with their addresses zeroed)" : "");
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]) && !st; i++)
		st = capture_pattern(b, &live.root, inputs[i], err);
	if (!st && live.release[0]) {
		snprintf(config, sizeof(config), "/boot/config-%s", live.release);
		st = capture_file(b, &live.root, config, err);
	}
	st = st ? st : capture_kallsyms(b, err);
	st = st ? st : capture_measured(b, &live, err);
	hr_facts_free(&live);
	return st;
}

enum hr_status hr_capture_write(const char *path, const char *tool_version, time_t now,
				struct hr_capture_summary *summary, struct hr_error *err)
{
	struct bundle b = {.archive = archive_write_new(), .now = now, .summary = summary};
	enum hr_status st;

	*summary = (struct hr_capture_summary){0};
	b.manifest = open_memstream(&b.manifest_text, &b.manifest_len);
	if (!b.archive || !b.manifest) {
		st = hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if (archive_write_add_filter_gzip(b.archive) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(b.archive) != ARCHIVE_OK ||
	    archive_write_open_filename(b.archive, strcmp(path, "-") == 0 ? NULL : path) != ARCHIVE_OK) {
		st = hr_fail(err, HR_E_IO, path, 0, "cannot write: %s", archive_error_string(b.archive));
		goto out;
	}
	st = capture_inputs(&b, tool_version, err);
	if (!st && fflush(b.manifest) != 0)
		st = hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	st = st ? st : add_entry(&b, HR_CAPTURE_MANIFEST, b.manifest_text, b.manifest_len, err);
	if (archive_write_close(b.archive) != ARCHIVE_OK && !st)
		st = hr_fail(err, HR_E_IO, path, 0, "cannot write: %s", archive_error_string(b.archive));
out:
	if (b.manifest)
		fclose(b.manifest);
	free(b.manifest_text);
	if (b.archive)
		archive_write_free(b.archive);
	return st;
}
