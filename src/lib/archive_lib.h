/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libarchive, loaded when a capture bundle is written or read. Linked, it would be loaded into
 * every run, and with it libxml2, ICU and libstdc++: about 2 ms of CPU and 3.7 MiB of memory at
 * the start of an audit that reads no bundle (tests/bench/run-live-bench). */
#ifndef HEADROOM_ARCHIVE_LIB_H
#define HEADROOM_ARCHIVE_LIB_H

#include <archive.h>
#include <archive_entry.h>
#include "headroom/error.h"

#define HR_ARCHIVE_FUNCTIONS(X) \
	X(archive_entry_filetype) X(archive_entry_free) X(archive_entry_hardlink) \
	X(archive_entry_new) X(archive_entry_pathname) X(archive_entry_set_filetype) \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) X(archive_entry_set_perm) \
	X(archive_entry_set_size) X(archive_entry_set_symlink) X(archive_errno) \
	X(archive_error_string) X(archive_read_data_block) X(archive_read_free) \
	X(archive_read_new) X(archive_read_next_header) X(archive_read_open_filename) \
	X(archive_read_open_memory) \
	X(archive_read_support_filter_all) X(archive_read_support_format_tar) \
	X(archive_write_add_filter_gzip) X(archive_write_close) X(archive_write_data) \
	X(archive_write_data_block) X(archive_write_disk_new) X(archive_write_disk_set_options) \
	X(archive_write_finish_entry) X(archive_write_free) X(archive_write_header) \
	X(archive_write_new) X(archive_write_open_filename) \
	X(archive_write_set_format_pax_restricted)

/* The functions headroom calls, under their own names. */
struct hr_archive {
#define HR_ARCHIVE_POINTER(name) __typeof__(name) *name;
	HR_ARCHIVE_FUNCTIONS(HR_ARCHIVE_POINTER)
#undef HR_ARCHIVE_POINTER
};

/* libarchive's functions into *lib, loaded by the first call (one thread at a time); HR_E_NOENT
 * when it is not installed. path names the bundle in the message. */
enum hr_status hr_archive_open(const struct hr_archive **lib, const char *path,
			       struct hr_error *err);

#endif
