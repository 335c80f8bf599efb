// SPDX-License-Identifier: GPL-2.0-or-later
/* ACPI: the acpiexec runner on its own (missing, failing, hanging, real), what is read from its
 * output, the table checks, and acpidump text; on tables captured from a QEMU guest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "headroom/acpi_cache.h"
#include "headroom/acpi_exec.h"
#include "headroom/firmware.h"
#include "headroom/rootfs.h"

#define GUEST_TABLES HEADROOM_FIXTURES "/../cases/vm-q35-seabios-hotplug-pb40/root/sys/firmware/acpi/tables"

/* acpiexec (or $HEADROOM_ACPIEXEC) found and started on one file. */
static enum hr_status start(const char *const *files, struct hr_acpiexec *run, struct hr_error *err)
{
	char program[4096];
	enum hr_status st = hr_acpiexec_program(program, sizeof(program), err);

	return st ? st : hr_acpiexec_start(program, files, 1, NULL, HR_ACPIEXEC_COMMANDS, run, err);
}

/* acpiexec started and waited for at once. */
static enum hr_status run_acpiexec(const char *const *files, unsigned timeout_ms, char **out,
				   size_t *len, struct hr_error *err)
{
	struct hr_acpiexec run;
	enum hr_status st = start(files, &run, err);

	*out = NULL;
	if (st)
		return st;
	return hr_acpiexec_finish(&run, 1, timeout_ms, out, len, err);
}

static enum hr_status run_with(const char *prog, unsigned timeout_ms, struct hr_error *err)
{
	const char *files[] = {GUEST_TABLES "/DSDT"};
	char *out;
	size_t len;
	enum hr_status st;

	setenv("HEADROOM_ACPIEXEC", prog, 1);
	st = run_acpiexec(files, timeout_ms, &out, &len, err);
	unsetenv("HEADROOM_ACPIEXEC");
	CHECK(st ? out == NULL : out != NULL);
	free(out);
	return st;
}

/* A stand-in for acpiexec: a shell script in path (a mkstemp template). */
static void write_script(char *path, const char *text)
{
	int fd = mkstemp(path);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && close(fd) == 0 &&
	      chmod(path, 0700) == 0);
}

static void test_runner_failures(void)
{
	char script[] = "/tmp/headroom-test-acpiexec-XXXXXX";
	struct hr_error err;

	CHECK(run_with("/nonexistent/acpiexec", 5000, &err) == HR_E_NOENT);
	CHECK(run_with("false", 5000, &err) == HR_E_IO);
	CHECK_STR_CONTAINS(err.message, "exit status 1");
	/* A program that never answers is killed at the time limit. */
	write_script(script, "#!/bin/sh\nexec sleep 30\n");
	CHECK(run_with(script, 200, &err) == HR_E_IO);
	CHECK_STR_CONTAINS(err.message, "time limit");
	unlink(script);
}

/* acpiexec idles at exit (ACPICA polls its debugger thread every 100 ms): the run ends at the
 * echo of help, with all that came before it and nothing after, however long the program would
 * go on. */
static void test_runner_ends_at_help(void)
{
	char script[] = "/tmp/headroom-test-acpiexec-XXXXXX";
	const char *files[] = {GUEST_TABLES "/DSDT"};
	struct hr_error err;
	char *out = NULL;
	size_t len;

	write_script(script, "#!/bin/sh\ncat > /dev/null\necho 'Device: \\_SB.PCI0'\n"
		     "printf -- '- help\\nHelp text\\n'\nexec sleep 30\n");
	setenv("HEADROOM_ACPIEXEC", script, 1);
	CHECK(run_acpiexec(files, 5000, &out, &len, &err) == HR_OK);
	unsetenv("HEADROOM_ACPIEXEC");
	CHECK(out && !strcmp(out, "Device: \\_SB.PCI0\n- help\n") && len == strlen(out));
	free(out);
	unlink(script);
}

/* A region trace of 20 MiB (more than the 16 MiB kept) before the answer, as boards whose _INI
 * polls registers print: each run of trace lines is kept as its first, and the answer comes. */
static void test_runner_region_flood(void)
{
	char script[] = "/tmp/headroom-test-acpiexec-XXXXXX";
	const char *files[] = {GUEST_TABLES "/DSDT"};
	struct hr_error err;
	char *out = NULL;
	size_t len;

	write_script(script, "#!/bin/sh\ncat > /dev/null\n"
		     "yes 'AcpiExec: SystemMemory Read : Val 0 Addr FED10000' | head -n 400000\n"
		     "echo 'Device: \\_SB.PCI0'\n"
		     "yes 'AcpiExec: SystemIO Read : Val 0 Addr 000000B2' | head -n 400000\n"
		     "printf -- '- help\\n'\n");
	setenv("HEADROOM_ACPIEXEC", script, 1);
	CHECK(run_acpiexec(files, 20000, &out, &len, &err) == HR_OK);
	unsetenv("HEADROOM_ACPIEXEC");
	CHECK(out && !strcmp(out, "AcpiExec: SystemMemory Read : Val 0 Addr FED10000\n"
			     "Device: \\_SB.PCI0\nAcpiExec: SystemIO Read : Val 0 Addr 000000B2\n"
			     "- help\n"));
	free(out);
	unlink(script);
}

/* Started early, collected late: the answer is whole however long after the child has finished,
 * and the child is reaped and its pipe closed, on success and on failure (this test has no other
 * child, so none may be left). */
static void test_runner_collects_late(void)
{
	char script[] = "/tmp/headroom-test-acpiexec-XXXXXX", done[64], text[256];
	const char *files[] = {GUEST_TABLES "/DSDT"};
	struct hr_acpiexec run;
	struct hr_error err;
	char *out = NULL;
	size_t len;

	FILE *f;

	/* The script's last step marks a file named after it: made, then written. */
	write_script(script, "");
	snprintf(done, sizeof(done), "%s.done", script);
	snprintf(text, sizeof(text), "#!/bin/sh\ncat > /dev/null\necho 'Device: \\_SB.PCI0'\n"
		 "printf -- '- help\\n'\ntouch %s\n", done);
	f = fopen(script, "w");
	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
	setenv("HEADROOM_ACPIEXEC", script, 1);
	CHECK(start(files, &run, &err) == HR_OK);
	/* Until it has printed all (its last step marks it): 10 s at most. */
	for (int i = 0; i < 1000 && access(done, F_OK); i++)
		usleep(10000);
	CHECK(access(done, F_OK) == 0);
	CHECK(hr_acpiexec_finish(&run, 1, 5000, &out, &len, &err) == HR_OK);
	CHECK(out && !strcmp(out, "Device: \\_SB.PCI0\n- help\n"));
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD && run.pid == -1 && run.out == -1);
	free(out);

	setenv("HEADROOM_ACPIEXEC", "false", 1);
	CHECK(start(files, &run, &err) == HR_OK);
	CHECK(hr_acpiexec_finish(&run, 1, 5000, &out, &len, &err) == HR_E_IO && !out);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD && run.pid == -1 && run.out == -1);
	unsetenv("HEADROOM_ACPIEXEC");
	unlink(script);
	unlink(done);
}

static void test_bridges_from_guest(void)
{
	const char *files[] = {GUEST_TABLES "/DSDT"};
	struct hr_firmware fw = {0};
	struct hr_diags diags = {0};
	struct hr_error err;
	const struct hr_host_bridge *b = NULL;
	const struct hr_fw_window *w;
	char *out;
	size_t len;

	CHECK(run_acpiexec(files, 30000, &out, &len, &err) == HR_OK);
	CHECK(hr_acpiexec_bridges_parse(out, len, "DSDT", &fw, &diags, &err) == HR_OK);
	free(out);
	/* One host bridge: MHPD and the DIMM slots (PNP0C80) have descriptors, but are not bridges. */
	CHECK(fw.n_bridges == 1);
	CHECK(fw.n_bridges && !strcmp(fw.bridges[0].path, "\\_SB.PCI0"));
	CHECK(fw.n_bridges && !strcmp(fw.bridges[0].hid, "PNP0A08"));
	CHECK(fw.n_bridges && fw.bridges[0].n_windows == 7);
	w = hr_firmware_window64(&fw, &b);
	CHECK(w && b == &fw.bridges[0]);
	if (w) {
		/* /proc/iomem of the same guest: 1180000000-197fffffff : PCI Bus 0000:00 */
		CHECK_U64(w->start, 0x1180000000);
		CHECK_U64(w->end, 0x197fffffff);
		CHECK(w->type == HR_WIN_MEM64 && w->source == HR_FW_CRS);
	}
	hr_firmware_free(&fw);
	hr_diags_free(&diags);

	CHECK(hr_acpiexec_bridges_parse("garbage\n", 8, "out", &fw, NULL, &err) == HR_E_PARSE);
	hr_firmware_free(&fw);
}

static void test_tables(void)
{
	struct hr_root root;
	struct hr_firmware fw = {0};
	struct hr_diags diags = {0};
	struct hr_error err;
	uint8_t short_table[20] = "SRAT";
	char *srat;
	size_t len;

	CHECK(hr_root_init(&root, "/", &err) == HR_OK);
	CHECK(hr_read_file(&root, GUEST_TABLES "/SRAT", 1 << 20, &srat, &len, &err) == HR_OK);
	CHECK(hr_acpi_table_parse((const uint8_t *)srat, len, "SRAT", &fw, &diags, &err) == HR_OK);
	/* -m 4G,slots=4,maxmem=64G: 60 GiB + 4 slots x 1 GiB from 0x180000000 */
	CHECK(fw.n_tables == 1 && fw.tables[0].checksum_ok && fw.have_srat);
	for (size_t i = 0; i < fw.n_affinity; i++)
		if (fw.affinity[i].hotpluggable) {
			CHECK_U64(fw.affinity[i].start, 0x180000000);
			CHECK_U64(fw.affinity[i].end, 0x117fffffff);
		}
	CHECK(diags.count == 0);
	/* Shorter than a header: refused, not listed. */
	CHECK(hr_acpi_table_parse(short_table, sizeof(short_table), "X", &fw, &diags, &err) ==
	      HR_E_TRUNCATED);
	CHECK(fw.n_tables == 1);
	free(srat);
	hr_firmware_free(&fw);
	hr_diags_free(&diags);
}

static void test_acpidump_text(void)
{
	/* A FACS (no AML, nothing for acpiexec) whose second line skips an offset. */
	static const char dump[] =
		"FACS @ 0x0000000000000000\n"
		"    0000: 46 41 43 53 40 00 00 00 00 00 00 00 00 00 00 00  FACS@...........\n"
		"    0020: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n";
	struct hr_firmware fw = {0};
	struct hr_diags diags = {0};
	struct hr_error err;

	CHECK(hr_acpidump_parse(dump, sizeof(dump) - 1, "dump.txt", &fw, &diags, &err) == HR_OK);
	CHECK(diags.count >= 1);
	CHECK(diags.count && strstr(diags.items[0].message, "offset 0x20 where 0x10"));
	CHECK(diags.count && diags.items[0].line == 3);
	hr_firmware_free(&fw);
	hr_diags_free(&diags);
	CHECK(hr_acpidump_parse("hello\n", 6, "x", &fw, NULL, &err) == HR_E_PARSE);
	hr_firmware_free(&fw);
}

/* The kept answer file: found under its own key only, and not when it is cut short, carries a
 * wrong length, is a symbolic link or sits in a directory others can write to. */
static void test_cache_file(void)
{
	static const char kept[] = "Device: \\_SB.PCI0\n";
	char dir[] = "/tmp/headroom-test-cache-XXXXXX", file[64], link_to[80];
	struct hr_acpi_key key, other;
	char *answer;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof(file), "%s/acpiexec-answer", dir);
	snprintf(link_to, sizeof(link_to), "%s/elsewhere", dir);
	hr_acpi_key_open(&key, hr_acpiexec_options, hr_acpiexec_fills, HR_ACPIEXEC_FILLS,
			 "resources\n");
	hr_acpi_key_add(&key, "DSDT\x01", 5);
	CHECK(hr_acpi_key_close(&key, "/bin/sh"));
	hr_acpi_key_open(&other, hr_acpiexec_options, hr_acpiexec_fills, HR_ACPIEXEC_FILLS,
			 "resources\n");
	hr_acpi_key_add(&other, "DSDT\x02", 5);
	CHECK(hr_acpi_key_close(&other, "/bin/sh") && other.len == key.len);

	CHECK(!hr_acpi_cache_load(dir, &key, &answer, &len));
	hr_acpi_cache_store(dir, &key, kept, strlen(kept));
	CHECK(hr_acpi_cache_load(dir, &key, &answer, &len) && len == strlen(kept) &&
	      !strcmp(answer, kept));
	free(answer);
	CHECK(!hr_acpi_cache_load(dir, &other, &answer, &len) && !answer);

	CHECK(truncate(file, (off_t)key.len + 12) == 0);
	CHECK(!hr_acpi_cache_load(dir, &key, &answer, &len));
	hr_acpi_cache_store(dir, &key, "x", 1);
	CHECK(rename(file, link_to) == 0 && symlink(link_to, file) == 0);
	CHECK(!hr_acpi_cache_load(dir, &key, &answer, &len));
	CHECK(unlink(file) == 0 && rename(link_to, file) == 0);
	CHECK(hr_acpi_cache_load(dir, &key, &answer, &len));
	free(answer);
	CHECK(chmod(dir, 0777) == 0);
	CHECK(!hr_acpi_cache_load(dir, &key, &answer, &len));

	setenv("HEADROOM_CACHE_DIR", "", 1);
	CHECK(hr_acpi_cache_dir() == NULL);
	unsetenv("HEADROOM_CACHE_DIR");
	CHECK(!strcmp(hr_acpi_cache_dir(), "/var/cache/headroom"));
	hr_acpi_key_free(&key);
	hr_acpi_key_free(&other);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	test_cache_file();
	test_runner_failures();
	test_runner_ends_at_help();
	test_runner_collects_late();
	test_runner_region_flood();
	test_bridges_from_guest();
	test_tables();
	test_acpidump_text();
	return check_failures != 0;
}
