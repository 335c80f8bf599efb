// SPDX-License-Identifier: GPL-2.0-or-later
/* Where ACPI tables come from: the kernel's copies in /sys/firmware/acpi/tables (and dynamic/ for
 * SSDTs loaded at run time), or the text acpidump prints. Each table is checked and decoded; then
 * DSDT and the SSDTs go to acpiexec for the host bridges' _CRS. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/acpi_exec.h"
#include "headroom/facts.h"
#include "headroom/firmware.h"
#include "headroom/parse.h"

#define TABLES_DIR "/sys/firmware/acpi/tables"
#define TABLE_MAX (16u << 20)
#define ACPIEXEC_TIMEOUT_MS 30000
#define MAX_AML 64

/* The AML tables (DSDT, SSDT*) to evaluate, as files acpiexec can open. */
struct aml_files {
	char *paths[MAX_AML];
	size_t count;
};

static bool is_aml(const uint8_t *buf)
{
	return !memcmp(buf, "DSDT", 4) || !memcmp(buf, "SSDT", 4);
}

static void aml_files_free(struct aml_files *aml)
{
	for (size_t i = 0; i < aml->count; i++)
		free(aml->paths[i]);
	aml->count = 0;
}

/* Check and decode one table: whether it is AML that acpiexec can be given. */
static bool take_table(const uint8_t *buf, size_t len, const char *shown, struct hr_firmware *fw,
		       struct hr_diags *diags)
{
	struct hr_error e;

	if (hr_acpi_table_parse(buf, len, shown, fw, diags, &e)) {
		hr_diag_add_error(diags, &e);
		return false;
	}
	return is_aml(buf);
}

/* Start acpiexec on the AML, if there is any, unless the cache (a directory given, the key
 * written up to the program) has its answer; shown (where the tables were read) must last until
 * hr_acpi_read_finish. The key is the run's from here. */
static void start_aml(const struct aml_files *aml, const char *shown, const char *cache,
		      struct hr_acpi_key *key, struct hr_aml_run *run)
{
	char program[4096];

	*run = (struct hr_aml_run){.pending = true, .n_files = aml->count, .shown = shown};
	if (aml->count)
		run->started = hr_acpiexec_program(program, sizeof(program), &run->error);
	if (aml->count && !run->started && cache && hr_acpi_key_close(key, program)) {
		if (hr_acpi_cache_load(cache, key, &run->answer, &run->answer_len)) {
			hr_acpi_key_free(key);
			return;
		}
		run->cache = cache;
		run->key = *key;
		*key = (struct hr_acpi_key){0};
	}
	hr_acpi_key_free(key);
	for (size_t i = 0; aml->count && !run->started && i < HR_ACPIEXEC_FILLS; i++) {
		run->started = hr_acpiexec_start(program, (const char *const *)aml->paths, aml->count,
						 hr_acpiexec_fills[i], HR_ACPIEXEC_COMMANDS,
						 &run->child[i], &run->error);
		run->n_started += !run->started;
	}
}

void hr_acpi_read_finish(struct hr_aml_run *run, struct hr_firmware *fw, struct hr_diags *diags)
{
	struct hr_error e = run->error;
	enum hr_status st = run->started;
	char *out = NULL;
	size_t len = 0;

	if (!run->pending)
		return;
	run->pending = false;
	if (!run->n_files) {
		fw->aml = HR_AML_NONE;
		return;
	}
	if (run->answer) {
		out = run->answer;
		len = run->answer_len;
		run->answer = NULL;
	} else if (run->n_started) {
		/* The runs that started are reaped even where another could not start. */
		struct hr_error ignored;
		enum hr_status finished = hr_acpiexec_finish(run->child, run->n_started,
							     ACPIEXEC_TIMEOUT_MS, &out, &len,
							     st ? &ignored : &e);

		if (st) {
			free(out);
			out = NULL;
		} else {
			st = finished;
		}
		if (!st && run->cache)
			hr_acpi_cache_store(run->cache, &run->key, out, len);
	}
	hr_acpi_key_free(&run->key);
	if (st == HR_E_NOENT) {
		fw->aml = HR_AML_NO_ACPIEXEC;
		snprintf(fw->aml_detail, sizeof(fw->aml_detail), "the host bridges' windows are in "
			 "AML, which only running it can tell: install acpiexec (Debian package "
			 "acpica-tools)");
		return;
	}
	if (!st)
		st = hr_acpiexec_answer_parse(out, len, run->shown, fw, diags, &e);
	free(out);
	fw->aml = st ? HR_AML_FAILED : HR_AML_EVALUATED;
	if (st) {
		if (snprintf(fw->aml_detail, sizeof(fw->aml_detail), "acpiexec could not evaluate "
			     "%s: %s", run->shown, e.message) >= (int)sizeof(fw->aml_detail))
			hr_trim_partial_utf8(fw->aml_detail);
	}
}

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static bool is_directory(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Every file in one table directory (data/ and dynamic/ are directories: skipped; anything else
 * that is not a regular file is reported). A directory that cannot be listed for another reason
 * than its absence is reported too; the status says why. */
static enum hr_status read_dir(const struct hr_root *root, const char *dir, struct hr_firmware *fw,
			       struct aml_files *aml, struct hr_acpi_key *key, struct hr_diags *diags)
{
	char full[1024], shown[512], file[1536];
	struct dirent **names;
	struct hr_error e;
	int n, forbidden = 0;

	if (hr_root_path(root, dir, full, sizeof(full), &e))
		return e.status;
	n = scandir(full, &names, not_dot, versionsort);
	if (n < 0) {
		int why = errno;

		if (why != ENOENT)
			hr_diag_add(diags, hr_status_from_errno(why), dir, 0, "cannot list: %s",
				    strerror(why));
		return hr_status_from_errno(why);
	}
	for (int i = 0; i < n; i++) {
		char *buf;
		size_t len;

		snprintf(shown, sizeof(shown), "%s/%s", dir, names[i]->d_name);
		snprintf(file, sizeof(file), "%s/%s", full, names[i]->d_name);
		free(names[i]);
		if (is_directory(file))
			continue;
		if (hr_read_file(root, shown, TABLE_MAX, &buf, &len, &e)) {
			forbidden += e.status == HR_E_ACCESS;
			if (e.status != HR_E_ACCESS)
				hr_diag_add_error(diags, &e);
			continue;
		}
		if (take_table((uint8_t *)buf, len, shown, fw, diags) && aml->count < MAX_AML) {
			if ((aml->paths[aml->count] = strdup(file))) {
				aml->count++;
				hr_acpi_key_add(key, buf, len);
			} else {
				hr_diag_add(diags, HR_E_NOMEM, shown, 0, "out of memory: not evaluated");
			}
		}
		free(buf);
	}
	free(names);
	/* The tables are readable by root only: one message, not one per table. */
	if (forbidden)
		hr_diag_add(diags, HR_E_ACCESS, dir, 0, "%d tables cannot be read (root only): the "
			    "firmware view needs root", forbidden);
	return HR_OK;
}

enum hr_status hr_acpi_read_start(const struct hr_root *root, struct hr_firmware *fw,
				  struct hr_aml_run *run, struct hr_diags *diags,
				  struct hr_error *err)
{
	struct aml_files aml = {0};
	struct hr_acpi_key key = {0};
	/* Only the live machine's: a fleet's captures would replace each other's answer. */
	const char *cache = root->live ? hr_acpi_cache_dir() : NULL;
	enum hr_status st;

	*fw = (struct hr_firmware){0};
	*run = (struct hr_aml_run){0};
	if (cache)
		hr_acpi_key_open(&key, hr_acpiexec_options, hr_acpiexec_fills, HR_ACPIEXEC_FILLS,
				 HR_ACPIEXEC_COMMANDS);
	st = read_dir(root, TABLES_DIR, fw, &aml, &key, diags);
	if (st) {
		hr_acpi_key_free(&key);
		return hr_fail(err, st, TABLES_DIR, 0, "no ACPI tables");
	}
	read_dir(root, TABLES_DIR "/dynamic", fw, &aml, &key, diags);
	start_aml(&aml, TABLES_DIR, cache, &key, run);
	aml_files_free(&aml);
	return HR_OK;
}

/* ---- acpidump text ---- */

/* "    0000: 44 53 44 54 74 26 00 00  DSDTt&.." : the offset, then up to 16 hex bytes. */
static bool dump_line(const char *s, const char *end, uint8_t *bytes, size_t *n, uint64_t *offset)
{
	const char *colon;

	while (s < end && *s == ' ')
		s++;
	colon = memchr(s, ':', (size_t)(end - s));
	if (!colon || !hr_parse_hex(s, colon, offset))
		return false;
	*n = 0;
	for (s = colon + 1; *n < 16 && end - s >= 3 && s[0] == ' ' && s[1] != ' '; s += 3) {
		uint64_t v;

		if (!hr_parse_hex(s + 1, s + 3, &v))
			break;
		bytes[(*n)++] = (uint8_t)v;
	}
	return *n > 0;
}

/* Write one AML table where acpiexec can read it. */
static void save_aml(const uint8_t *buf, size_t len, const char *dir, struct aml_files *aml)
{
	char file[600];
	FILE *f;

	if (aml->count >= MAX_AML)
		return;
	snprintf(file, sizeof(file), "%s/%zu.aml", dir, aml->count);
	f = fopen(file, "wb");
	if (!f)
		return;
	bool written = fwrite(buf, 1, len, f) == len;

	if (fclose(f) == 0 && written && (aml->paths[aml->count] = strdup(file)))
		aml->count++;
	else
		unlink(file);
}

/* The table gathered so far, if any, checked and decoded; its AML saved for acpiexec. Its
 * problems are the dump file's, at the line of the table's name (shown, "PATH: SIG (line N)", is
 * where fw->tables says it was read). */
static void finish_dump_table(uint8_t *buf, size_t len, const char *path, unsigned line,
			      const char *shown, const char *tmpdir, struct hr_firmware *fw,
			      struct aml_files *aml, struct hr_diags *diags)
{
	size_t first = diags ? diags->count : 0;

	if (!shown[0])
		return;
	/* The RSDP (acpidump names it "RSD " or "RSDP") is a pointer structure without the tables'
	 * header (ACPI 6.5 5.2.5.3): bytes 4-7 are its checksum and OEM ID, not a length. */
	if (len >= 8 && !memcmp(buf, "RSD PTR ", 8))
		return;
	if (!len)
		hr_diag_add(diags, HR_E_PARSE, path, line, "no bytes under the table's name");
	else if (take_table(buf, len, shown, fw, diags))
		save_aml(buf, len, tmpdir, aml);
	for (size_t i = first; diags && i < diags->count; i++) {
		snprintf(diags->items[i].path, sizeof(diags->items[i].path), "%s", path);
		diags->items[i].line = line;
	}
}

enum hr_status hr_acpidump_parse(const char *buf, size_t len, const char *path,
				 struct hr_firmware *fw, struct hr_diags *diags,
				 struct hr_error *err)
{
	const char *pos = buf, *end = buf + len;
	char tmpdir[] = "/tmp/headroom-acpi-XXXXXX", shown[600] = "";
	struct aml_files aml = {0};
	uint8_t *table = NULL;
	size_t used = 0, cap = 0;
	unsigned line = 0, table_line = 0, n_tables = 0;

	*fw = (struct hr_firmware){0};
	if (!mkdtemp(tmpdir))
		return hr_fail(err, hr_status_from_errno(errno), "/tmp", 0, "cannot make a "
			       "directory for acpiexec: %s", strerror(errno));
	while (pos < end) {
		const char *eol = memchr(pos, '\n', (size_t)(end - pos));
		uint8_t bytes[16];
		uint64_t offset;
		size_t n;

		if (!eol)
			eol = end;
		line++;
		/* "DSDT @ 0x0000000000000000": a new table starts. */
		if (eol - pos > 7 && pos[0] != ' ' && !memcmp(pos + 4, " @ ", 3)) {
			char name[20];

			finish_dump_table(table, used, path, table_line, shown, tmpdir, fw, &aml,
					  diags);
			hr_quote(pos, 4, 4, name, sizeof(name));
			if (!hr_is_plain_text(pos, 4))
				hr_diag_add(diags, HR_E_PARSE, path, line, "the table name holds bytes "
					    "that are not UTF-8 text: \"%s\"", name);
			snprintf(shown, sizeof(shown), "%s: %s (line %u)", path, name, line);
			table_line = line;
			used = 0;
			n_tables++;
		} else if (shown[0] && dump_line(pos, eol, bytes, &n, &offset)) {
			if (offset != used) {
				hr_diag_add(diags, HR_E_PARSE, path, line, "offset %#llx where %#zx "
					    "was expected; the table is cut here",
					    (unsigned long long)offset, used);
			} else if (used + n <= TABLE_MAX) {
				if (used + n > cap) {
					uint8_t *bigger = realloc(table, cap ? cap * 2 : 4096);

					if (!bigger) {
						free(table);
						aml_files_free(&aml);
						rmdir(tmpdir);
						return hr_fail(err, HR_E_NOMEM, path, line,
							       "out of memory");
					}
					table = bigger;
					cap = cap ? cap * 2 : 4096;
				}
				memcpy(table + used, bytes, n);
				used += n;
			}
		}
		pos = eol < end ? eol + 1 : end;
	}
	finish_dump_table(table, used, path, table_line, shown, tmpdir, fw, &aml, diags);
	free(table);
	if (n_tables) {
		struct hr_aml_run run;
		struct hr_acpi_key no_key = {0};

		start_aml(&aml, path, NULL, &no_key, &run);
		hr_acpi_read_finish(&run, fw, diags);
	}
	for (size_t i = 0; i < aml.count; i++)
		unlink(aml.paths[i]);
	aml_files_free(&aml);
	rmdir(tmpdir);
	if (!n_tables)
		return hr_fail(err, HR_E_PARSE, path, 0, "no \"SIG @ 0x...\" table header: not "
			       "acpidump output");
	return HR_OK;
}

void hr_facts_use_acpidump(struct hr_facts *f, const char *path)
{
	struct hr_error e;
	char *buf;
	size_t len;

	hr_firmware_free(&f->firmware);
	f->acpi_status = hr_read_path(path, TABLE_MAX * 8, &buf, &len, &e);
	if (!f->acpi_status) {
		f->acpi_status = hr_acpidump_parse(buf, len, path, &f->firmware, &f->diags, &e);
		free(buf);
	}
	if (f->acpi_status)
		hr_diag_add_error(&f->diags, &e);
}
