// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/acpi_exec.h"
#include "headroom/facts.h"
#include "headroom/kcore.h"
#include "headroom/measured.h"

#define SMALL_FILE_MAX (64u << 10)

/* The first line of [buf, buf + len) as text, NULL when it is empty or memory ran out (that
 * reported); bytes that are not UTF-8 text are reported and kept escaped. */
static char *first_line_text(struct hr_facts *f, const char *path, const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	bool escaped;
	char *text;

	if (nl)
		len = (size_t)(nl - buf);
	if (!len)
		return NULL;
	text = hr_quote_dup(buf, len, &escaped);
	if (!text)
		hr_diag_add(&f->diags, HR_E_NOMEM, path, 0, "out of memory");
	else if (escaped)
		hr_diag_add(&f->diags, HR_E_PARSE, path, 1, "holds bytes that are not UTF-8 text, "
			    "read escaped: \"%s\"", text);
	return text;
}

/* A file that should hold one short line of text; missing is recorded (unless optional), not
 * fatal. An empty line is reported and read as absent. */
static char *read_text(struct hr_facts *f, const char *path, bool optional)
{
	struct hr_error err;
	char *buf, *text;
	size_t len;

	if (hr_read_file(&f->root, path, SMALL_FILE_MAX, &buf, &len, &err) != HR_OK) {
		if (!(optional && err.status == HR_E_NOENT))
			hr_diag_add_error(&f->diags, &err);
		return NULL;
	}
	text = first_line_text(f, path, buf, len);
	if (!len || buf[0] == '\n')
		hr_diag_add(&f->diags, HR_E_PARSE, path, 0, "empty: no text on its first line");
	free(buf);
	return text;
}

static void gather_cmdline(struct hr_facts *f)
{
	static const char path[] = "/proc/cmdline";
	struct hr_error err;
	char *buf, *nl;
	size_t len;

	if (hr_read_file(&f->root, path, SMALL_FILE_MAX, &buf, &len, &err) != HR_OK) {
		hr_diag_add_error(&f->diags, &err);
		return;
	}
	/* Only the words headroom looks for are kept; the line is checked as text all the same. */
	free(first_line_text(f, path, buf, len));
	nl = memchr(buf, '\n', len);
	if (hr_cmdline_parse(buf, nl ? (size_t)(nl - buf) : len, path, &f->cmdline, &f->diags, &err))
		hr_diag_add_error(&f->diags, &err);
	free(buf);
}

static void gather_boot_params(struct hr_facts *f)
{
	struct hr_error err;

	f->e820_status = hr_boot_params_read(&f->root, &f->e820, &f->boot_kaslr, &f->diags, &err);
	if (f->e820_status)
		hr_diag_add_error(&f->diags, &err);
}

static void gather_cpu(struct hr_facts *f)
{
	struct hr_error err;
	char *buf;
	size_t len;

	if (hr_read_file(&f->root, "/proc/cpuinfo", 4u << 20, &buf, &len, &err) == HR_OK) {
		f->have_cpuinfo = hr_cpuinfo_parse(buf, len, "/proc/cpuinfo", &f->cpuinfo, &f->diags,
						     &err) == HR_OK;
		free(buf);
	}
	if (!f->have_cpuinfo)
		hr_diag_add_error(&f->diags, &err);
	/* CPUID describes this CPU, so it only counts for the live machine. */
	if (f->root.live)
		f->have_cpuid = hr_cpuid_read(&f->cpuid);
}

static const enum hr_symbol direct_map_symbols[] = {HR_SYM_DIRECT_MAP_PHYSMEM_END,
						    HR_SYM_PHYSMEM_END};

/* The direct-map end as the running kernel holds it: the address from kallsyms, the value from
 * /proc/kcore. Only possible live, as root, on kernels with CONFIG_KALLSYMS_ALL and PROC_KCORE. */
static void gather_direct_map_reading(struct hr_facts *f)
{
	struct hr_error err;

	if (!f->root.live)
		return;
	for (size_t i = 0; i < sizeof(direct_map_symbols) / sizeof(direct_map_symbols[0]); i++) {
		enum hr_symbol sym = direct_map_symbols[i];

		if (f->symbols.present[sym] != HR_YES || !f->symbols.address[sym])
			continue;
		if (hr_kcore_read_u64(&f->root, f->symbols.address[sym], &f->direct_map_reading, &err)) {
			hr_diag_add_error(&f->diags, &err);
			return;
		}
		f->have_direct_map_reading = true;
		f->direct_map_symbol = sym;
		return;
	}
}

/* A capture carries what its live run measured (measured.h): the replay takes CPUID and the
 * direct-map reading from there, as the live run took them from the CPU and /proc/kcore. */
static void gather_measured(struct hr_facts *f)
{
	struct hr_measured m;
	struct hr_error err;
	enum hr_status st;
	char *buf;
	size_t len;

	if (f->root.live)
		return;
	st = hr_read_file(&f->root, HR_MEASURED_PATH, SMALL_FILE_MAX, &buf, &len, &err);
	if (st == HR_OK) {
		st = hr_measured_parse(buf, len, HR_MEASURED_PATH, &m, &f->diags, &err);
		free(buf);
	}
	if (st) {
		if (st != HR_E_NOENT)
			hr_diag_add_error(&f->diags, &err);
		return;
	}
	f->have_cpuid = hr_cpuid_decode(&m.cpuid, &f->cpuid);
	for (size_t i = 0; i < sizeof(direct_map_symbols) / sizeof(direct_map_symbols[0]); i++) {
		if (m.have_reading[direct_map_symbols[i]]) {
			f->have_direct_map_reading = true;
			f->direct_map_reading = m.reading[direct_map_symbols[i]];
			f->direct_map_symbol = direct_map_symbols[i];
			return;
		}
	}
}

/* The GPUs and their VRAM. A capture from before the PCI files were taken has no /sys/bus at all,
 * which is not worth a word; a live machine or a capture with /sys/bus but no PCI devices is. */
static void gather_gpus(struct hr_facts *f)
{
	struct hr_error err;

	f->gpus_status = hr_gpus_read(&f->root, &f->gpus, &f->diags, &err);
	if (f->gpus_status == HR_E_NOENT && !f->root.live && !hr_root_exists(&f->root, "/sys/bus"))
		return;
	if (f->gpus_status)
		hr_diag_add_error(&f->diags, &err);
	else {
		hr_gpus_read_vram(&f->root, &f->gpus, &f->diags);
		hr_gpus_read_kfd(&f->root, &f->gpus, &f->diags);
	}
}

/* acpiexec has run while the other inputs were read: the host bridges it found, and the device
 * tree's after them, join the firmware view now, their diagnostics moved back to where they stood
 * when acpiexec was waited for at once (diags_at), so that no report changes. */
static void finish_firmware(struct hr_facts *f, struct hr_aml_run *aml, size_t diags_at)
{
	size_t late = f->diags.count;

	hr_acpi_read_finish(aml, &f->firmware, &f->diags);
	if (f->dt_status == HR_OK)
		hr_dt_to_firmware(&f->dt, &f->firmware, &f->diags);
	hr_diags_move_back(&f->diags, late, diags_at);
}

void hr_facts_gather(const char *root_dir, struct hr_facts *f)
{
	struct hr_aml_run aml;
	struct hr_error err;
	size_t acpi_at, acpi_diags, firmware_diags;
	char *text;

	memset(f, 0, sizeof(*f));
	if (hr_root_init(&f->root, root_dir, &err)) {
		hr_diag_add_error(&f->diags, &err);
		f->iomem_status = err.status;
		return;
	}
	/* acpiexec, the slowest input, starts first and runs while the rest is read
	 * (finish_firmware); the tables' diagnostics move to where they stood before (below). */
	acpi_at = f->diags.count;
	f->acpi_status = hr_acpi_read_start(&f->root, &f->firmware, &aml, &f->diags, &err);
	acpi_diags = f->diags.count;
	f->iomem_status = hr_iomem_read(&f->root, &f->iomem, &f->diags, &err);
	if (f->iomem_status)
		hr_diag_add_error(&f->diags, &err);
	gather_cpu(f);
	/* The firmware memory map and boot_params exist on x86 only. */
	if (f->have_cpuinfo && f->cpuinfo.arm64) {
		f->memmap_status = f->e820_status = HR_E_NOENT;
		f->boot_kaslr = -1;
	} else {
		f->memmap_status = hr_sysfs_memmap_read(&f->root, &f->memmap, &f->diags, &err);
		if (f->memmap_status)
			hr_diag_add_error(&f->diags, &err);
		gather_boot_params(f);
	}
	f->dt_status = hr_fdt_read(&f->root, &f->dt, &f->diags, &err);
	if (f->dt_status && f->dt_status != HR_E_NOENT)
		hr_diag_add_error(&f->diags, &err);
	hr_diags_move_back(&f->diags, acpi_diags, acpi_at);
	firmware_diags = f->diags.count;

	text = read_text(f, "/proc/sys/kernel/osrelease", false);
	if (text)
		snprintf(f->release, sizeof(f->release), "%s", text);
	free(text);
	/* Only reports for fleets name the host; captures older than this lack it. */
	text = read_text(f, "/proc/sys/kernel/hostname", true);
	if (text)
		snprintf(f->hostname, sizeof(f->hostname), "%s", text);
	free(text);
	f->proc_version = read_text(f, "/proc/version", false);
	f->version_signature = read_text(f, "/proc/version_signature", true);
	gather_cmdline(f);
	if (hr_kconfig_read(&f->root, f->release, &f->config, &f->diags, &err))
		hr_diag_add_error(&f->diags, &err);
	hr_symbols_read(&f->root, &f->symbols, &f->diags);
	gather_direct_map_reading(f);
	gather_measured(f);
	gather_gpus(f);
	hr_gpu_env_read(&f->root, &f->gpu_env, &f->diags);
	finish_firmware(f, &aml, firmware_diags);
}

void hr_facts_free(struct hr_facts *f)
{
	hr_iomem_free(&f->iomem);
	hr_memmap_free(&f->memmap);
	hr_memmap_free(&f->e820);
	hr_dt_free(&f->dt);
	hr_firmware_free(&f->firmware);
	free(f->proc_version);
	free(f->version_signature);
	hr_kconfig_free(&f->config);
	hr_gpus_free(&f->gpus);
	hr_diags_free(&f->diags);
}
