/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture bundles: every input headroom reads from the live machine, at its real path, in one
 * tar.gz (libarchive), with what the live run measured (measured.h) and a manifest of what could
 * not be read and why; and the way back: a bundle unpacked into a private directory that --root
 * replays like the machine it came from. */
#ifndef HEADROOM_CAPTURE_H
#define HEADROOM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "headroom/error.h"

#define HR_CAPTURE_MANIFEST "/headroom-capture/manifest"
#define HR_CAPTURE_MAX_FILE (64u << 20)		/* bytes in one captured file */
#define HR_CAPTURE_MAX_BYTES (512u << 20)	/* bytes a bundle may unpack to */
#define HR_CAPTURE_MAX_ENTRIES 100000

struct hr_capture_summary {
	size_t files;		/* inputs captured */
	size_t unreadable;	/* inputs the manifest lists as not captured */
};

/* Capture the machine at root_dir ("/": the live one; a directory: a captured root, which it
 * turns into a bundle) into a gzip-compressed tar at path ("-": stdout). Fails only when the root
 * is not a directory or the bundle cannot be written; inputs that cannot be read go to the
 * manifest. */
enum hr_status hr_capture_write(const char *root_dir, const char *path, const char *tool_version,
				time_t now, struct hr_capture_summary *summary, struct hr_error *err);

/* Unpack the bundle at path into a new private directory under $TMPDIR (or /tmp), whose path goes
 * to dir. Only regular files, directories and GPUs' driver links (.../driver), at relative paths
 * without "..", are unpacked; any other entry is skipped with a diagnostic naming it. On failure
 * nothing is left behind. */
enum hr_status hr_capture_unpack(const char *path, char *dir, size_t dir_len,
				 struct hr_diags *diags, struct hr_error *err);

/* The same from a bundle's bytes [buf, buf + len); path only names it in messages. */
enum hr_status hr_capture_unpack_buf(const void *buf, size_t len, const char *path, char *dir,
				     size_t dir_len, struct hr_diags *diags, struct hr_error *err);

/* Remove a directory that hr_capture_unpack() made, and everything in it. */
void hr_capture_remove(const char *dir);

#endif
