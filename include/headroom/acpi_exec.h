/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPICA's acpiexec (package acpica-tools) as a child process: it loads DSDT and SSDTs into a
 * simulated namespace and evaluates _HID, _CID and every _CRS, methods included. The library
 * never runs AML itself; it reads what acpiexec prints. */
#ifndef HEADROOM_ACPI_EXEC_H
#define HEADROOM_ACPI_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "headroom/acpi_cache.h"
#include "headroom/error.h"
#include "headroom/firmware.h"
#include "headroom/rootfs.h"

/* An AML BreakPoint is a no-op for Linux (acpi_os_signal(), drivers/acpi/osl.c:1356-1365@6.12.118,
 * :1362@6.1.192, :1405@7.3.4) but stops acpiexec's debugger, which then reads its next command:
 * each "go" runs on to the next one (a go at the prompt does nothing). A thousand fit in what
 * hr_acpiexec_start can send. */
#define HR_ACPIEXEC_GO10 "go\ngo\ngo\ngo\ngo\ngo\ngo\ngo\ngo\ngo\n"
#define HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 \
	HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 HR_ACPIEXEC_GO10 \
	HR_ACPIEXEC_GO10
#define HR_ACPIEXEC_GO1000 HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 \
	HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100 \
	HR_ACPIEXEC_GO100 HR_ACPIEXEC_GO100
/* What the runner asks acpiexec: the IDs of every device, then every device's resources, run on
 * past BreakPoints; then help, whose echo marks the end of the answer (hr_acpiexec_finish says
 * why). An echo "% help" instead means a BreakPoint still held the debugger there. Once stopped,
 * the debugger sets its debug level back to the console's (acpi_db_set_output_destination(),
 * drivers/acpi/acpica/dbutils.c:72-83@6.12.118), 0x200B in acpiexec 20200925, without
 * ACPI_LV_RESOURCES (0x10000): every later resource dump would be missing. The level command
 * adds it to the console's first. */
#define HR_ACPIEXEC_COMMANDS "level 1200B console\nfind _HID\nfind _CID\nresources\n" \
	HR_ACPIEXEC_GO1000 "help\nquit\n"
#define HR_ACPIEXEC_STOPPED "\n% help\n"

/* acpiexec running: started by hr_acpiexec_start, waited for by hr_acpiexec_finish, so that the
 * caller can read other inputs meanwhile. */
struct hr_acpiexec {
	pid_t pid;		/* -1: none running, or not yet known */
	int out;		/* its stdout and stderr, -1: none */
	char prog[512];		/* the program, for messages */
	struct hr_acpiexec_spawn *spawn;	/* the thread starting it, until finish joins it */
};

/* The options acpiexec is given (NULL-terminated): -vr logs each operation-region access, which
 * tells a _CRS read from hardware registers; -dt spares ACPICA's tracking of its allocations;
 * -to 1 ends a loop that polls a register within a second. */
extern const char *const hr_acpiexec_options[];

/* The AML is run once per fill of the simulated registers (-fv), the runs at once: a window that
 * comes out differently was computed from registers by AML outside the _CRS (a Name that _INI
 * patched from them), and only the live machine knows it. Every bit clear and every bit set; a
 * third fill (0x5a, as the corpus's truth has) made some runs 20 times slower (loops that poll
 * for a pattern time out) and decides only windows of a _CRS that reads registers itself, which
 * are dropped anyway. */
#define HR_ACPIEXEC_FILLS 2
extern const char *const hr_acpiexec_fills[HR_ACPIEXEC_FILLS];

/* The program to run ($HEADROOM_ACPIEXEC, else acpiexec) as PATH finds it, into path: the first
 * executable regular file of that name. HR_E_NOENT when no directory of PATH has it. */
enum hr_status hr_acpiexec_program(char *path, size_t size, struct hr_error *err);

/* Start program (from hr_acpiexec_program) with hr_acpiexec_options (and -fv fill unless fill is
 * NULL) on the AML files, with the
 * commands on its stdin (its debugger reads them there; -b batch mode would idle up to a second at
 * exit: measured in reports/acpi-decisions.md), stdout and stderr on one pipe. On HR_OK the child
 * is being started by a thread and hr_acpiexec_finish must be called; until then the caller must
 * not change the environment (the thread passes it to the child). On failure nothing is left to
 * finish. The files must stay until then; the list of their names need not. */
enum hr_status hr_acpiexec_start(const char *program, const char *const *files, size_t n_files,
				 const char *fill, const char *commands, struct hr_acpiexec *run,
				 struct hr_error *err);

/* The output of n runs (at most HR_ACPIEXEC_FILLS, read at once), stdout and stderr, into *out
 * (malloc'd; the runs' outputs in order, each ended by a NUL; each at most 16 MiB once each run of
 * region-trace lines is cut to its first: the parser needs no more), waiting at most timeout_ms
 * from this call; then the children are killed if need be, reaped, and their pipes closed,
 * whatever the status. The output ends at the echo of a help command: the run stops
 * there, for acpiexec would then idle at exit for up to 100 ms. HR_E_NOENT when the program is not
 * installed (as a child can tell it), HR_E_IO when it failed or timed out. Until this is called
 * acpiexec runs on without a reader for up to 1 MiB of output (its pipe, where the kernel grants
 * that size; QEMU's DSDTs print 27 to 100 KiB), then waits for this call. */
enum hr_status hr_acpiexec_finish(struct hr_acpiexec *runs, size_t n, unsigned timeout_ms,
				  char **out, size_t *len, struct hr_error *err);

/* The host bridges (a _HID or _CID of PNP0A03, PNP0A08 or ACPI0016) in one run's output, with
 * the address-space descriptors of their own _CRS only. A bridge whose _CRS read an operation
 * region (its values come from hardware registers the simulation does not have) gets no windows
 * and a diagnostic. Appends to fw->bridges. */
enum hr_status hr_acpiexec_bridges_parse(const char *buf, size_t len, const char *path,
					 struct hr_firmware *fw, struct hr_diags *diags,
					 struct hr_error *err);

/* hr_acpiexec_finish's answer for the HR_ACPIEXEC_FILLS runs: the first run's bridges (its
 * problems into diags), each keeping only the windows that every run gives; a bridge whose
 * windows differ between runs is windows_unknown, with a diagnostic. fw->tables must be read:
 * they tell x86 firmware, whose I/O windows past 64 KiB Linux disables. */
enum hr_status hr_acpiexec_answer_parse(const char *buf, size_t len, const char *path,
					struct hr_firmware *fw, struct hr_diags *diags,
					struct hr_error *err);

/* A table directory's AML on its way through acpiexec: from hr_acpi_read_start, which starts it,
 * to hr_acpi_read_finish, which takes its answer, so that other inputs are read meanwhile. */
struct hr_aml_run {
	bool pending;			/* hr_acpi_read_finish has something to do */
	size_t n_files;			/* DSDT and SSDTs found; 0: nothing to evaluate */
	enum hr_status started;		/* hr_acpiexec_start's status; error says why it failed */
	struct hr_error error;
	struct hr_acpiexec child[HR_ACPIEXEC_FILLS];	/* one per hr_acpiexec_fills */
	size_t n_started;
	const char *shown;		/* where the tables were read, for messages */
	const char *cache;		/* where its answer is kept (live audits), or NULL */
	struct hr_acpi_key key;		/* what the answer depends on, to keep it under */
	char *answer;			/* the answer kept from an earlier run: no child */
	size_t answer_len;
};

/* Every table in DIR/sys/firmware/acpi/tables and its dynamic/ subdirectory into fw (their
 * problems into diags), then acpiexec started on DSDT and every SSDT for the host bridges; on the
 * live machine, its answer taken from the cache instead when one was kept for the same AML and
 * the same program (acpi_cache.h).
 * HR_E_NOENT when there is no table directory (no ACPI). Whatever the status,
 * hr_acpi_read_finish(run) must follow: it is what waits for acpiexec. */
enum hr_status hr_acpi_read_start(const struct hr_root *root, struct hr_firmware *fw,
				  struct hr_aml_run *run, struct hr_diags *diags,
				  struct hr_error *err);

/* The host bridges from acpiexec's answer into fw, fw->aml and fw->aml_detail saying whether they
 * could be had, and why not; the problems in the answer into diags. The child is reaped and its
 * pipe closed. Nothing to do for a run with nothing pending. */
void hr_acpi_read_finish(struct hr_aml_run *run, struct hr_firmware *fw, struct hr_diags *diags);

#endif
