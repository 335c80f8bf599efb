/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ACPICA's acpiexec (package acpica-tools) as a child process: it loads DSDT and SSDTs into a
 * simulated namespace and evaluates _HID, _CID and every _CRS, methods included. The library
 * never runs AML itself; it reads what acpiexec prints. */
#ifndef HEADROOM_ACPI_EXEC_H
#define HEADROOM_ACPI_EXEC_H

#include <stddef.h>
#include "headroom/error.h"
#include "headroom/firmware.h"

/* What the runner asks acpiexec: the IDs of every device, then every device's resources; then
 * help, whose echo marks the end of the answer (hr_acpiexec_run says why). */
#define HR_ACPIEXEC_COMMANDS "find _HID\nfind _CID\nresources\nhelp\nquit\n"

/* Run acpiexec (or $HEADROOM_ACPIEXEC) -vr -dt on the AML files with the commands on its stdin
 * (its debugger reads them there; -b batch mode would idle up to a second at exit: measured in
 * reports/acpi-decisions.md), stdout and stderr captured into *out (malloc'd, NUL-terminated, at
 * most 16 MiB). -vr logs each operation-region access, which tells a _CRS read from hardware
 * registers; -dt spares ACPICA's tracking of its allocations. Killed after timeout_ms. The output
 * ends at the echo of a help command: the run stops there, for acpiexec would then idle at exit
 * for up to 100 ms. HR_E_NOENT when the program is not installed, HR_E_IO when it failed or timed
 * out. */
enum hr_status hr_acpiexec_run(const char *const *files, size_t n_files, const char *commands,
			       unsigned timeout_ms, char **out, size_t *len, struct hr_error *err);

/* The host bridges (a _HID or _CID of PNP0A03, PNP0A08 or ACPI0016) in that output, with the
 * address-space descriptors of their own _CRS only. A bridge whose _CRS read an operation region
 * (its values come from hardware registers the simulation does not have) gets no windows and a
 * diagnostic. Appends to fw->bridges. */
enum hr_status hr_acpiexec_bridges_parse(const char *buf, size_t len, const char *path,
					 struct hr_firmware *fw, struct hr_diags *diags,
					 struct hr_error *err);

#endif
