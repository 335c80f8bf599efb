/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every input is read through a root prefix, so a captured tree replays like a live machine. */
#ifndef HEADROOM_ROOTFS_H
#define HEADROOM_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include "headroom/error.h"

struct hr_root {
	char dir[512];		/* "/" for the live machine */
	bool live;		/* dir is "/": CPUID and /proc/kcore describe the same machine */
};

enum hr_status hr_root_init(struct hr_root *root, const char *dir, struct hr_error *err);

/* DIR + path into out; path is absolute ("/proc/iomem"). */
enum hr_status hr_root_path(const struct hr_root *root, const char *path, char *out, size_t len,
			    struct hr_error *err);

/* Open a file under the root for reading: a regular file only (HR_E_TYPE otherwise, found
 * without blocking on a FIFO). The caller closes *fd. */
enum hr_status hr_open_file(const struct hr_root *root, const char *path, int *fd,
			    struct hr_error *err);

/* Read a whole file (at most max bytes, else HR_E_RANGE) into a NUL-terminated malloc'd buffer.
 * Errors name the real path, not the prefixed one. */
enum hr_status hr_read_file(const struct hr_root *root, const char *path, size_t max, char **buf,
			    size_t *len, struct hr_error *err);

/* A whole file (at most max bytes) as read-only bytes: mapped where the file has a size and
 * can be mapped (no copy: /sys/kernel/btf/vmlinux is megabytes, and Linux 6.16 maps it), else read
 * as hr_read_file does. The caller releases it with hr_file_view_release. */
struct hr_file_view {
	const char *data;
	size_t len;
	bool mapped;		/* data is a mapping, else a malloc'd copy */
};

enum hr_status hr_view_file(const struct hr_root *root, const char *path, size_t max,
			    struct hr_file_view *view, struct hr_error *err);
void hr_file_view_release(struct hr_file_view *view);

/* The same for a gzip file (/proc/config.gz); plain text passes through unchanged. */
enum hr_status hr_read_gz_file(const struct hr_root *root, const char *path, size_t max,
			       char **buf, size_t *len, struct hr_error *err);

/* The same for a path taken as given (not under the root), e.g. a file named on the command line. */
enum hr_status hr_read_path(const char *path, size_t max, char **buf, size_t *len,
			    struct hr_error *err);

/* The same from a descriptor the caller opened (and closes); errors name shown. */
enum hr_status hr_read_fd(int fd, const char *shown, size_t max, char **buf, size_t *len,
			  struct hr_error *err);

/* Whether path exists under the root. */
bool hr_root_exists(const struct hr_root *root, const char *path);

#endif
