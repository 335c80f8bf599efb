// SPDX-License-Identifier: GPL-2.0-or-later
/* A capture bundle unpacked into a private directory for --root, and removed afterwards. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/capture.h"
#include "archive_lib.h"

#define NOT_A_BUNDLE "not a capture bundle (a tar, optionally compressed): %s"

/* Regular files and directories at relative paths without "..": anything else in a bundle is not
 * an input headroom reads, and could write outside the directory. */
static const char *refused(const struct hr_archive *la, struct archive_entry *e)
{
	const char *name = la->archive_entry_pathname(e);
	mode_t type = la->archive_entry_filetype(e);

	if (!name || !*name || name[0] == '/')
		return "not a relative path";
	for (const char *p = name; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return "a path through \"..\"";
	/* A GPU's driver link: headroom reads the last part of its target, never through it. */
	if (type == AE_IFLNK && (strcmp(name, "driver") == 0 ||
				 (strlen(name) > 7 && strcmp(name + strlen(name) - 7, "/driver") == 0)))
		return NULL;
	if (type != AE_IFREG && type != AE_IFDIR)
		return "neither a regular file, a directory nor a GPU's driver link";
	if (la->archive_entry_hardlink(e))
		return "a hard link";
	return NULL;
}

static enum hr_status unpack(const struct hr_archive *la, struct archive *in, struct archive *out,
			     const char *path, const char *dir, struct hr_diags *diags,
			     struct hr_error *err)
{
	uint64_t total = 0;
	size_t entries = 0;
	struct archive_entry *e;
	int r;

	while ((r = la->archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		const char *why = refused(la, e);
		char full[4096];
		const void *block;
		size_t size;
		la_int64_t offset;

		if (++entries > HR_CAPTURE_MAX_ENTRIES)
			return hr_fail(err, HR_E_RANGE, path, 0, "more than %d entries",
				       HR_CAPTURE_MAX_ENTRIES);
		if (why) {
			hr_diag_add(diags, HR_E_PARSE, path, 0, "entry \"%s\" skipped: %s",
				    la->archive_entry_pathname(e) ? la->archive_entry_pathname(e) : "", why);
			continue;
		}
		if (snprintf(full, sizeof(full), "%s/%s", dir, la->archive_entry_pathname(e)) >=
		    (int)sizeof(full)) {
			hr_diag_add(diags, HR_E_RANGE, path, 0, "entry \"%s\" skipped: path too long",
				    la->archive_entry_pathname(e));
			continue;
		}
		la->archive_entry_set_pathname(e, full);
		/* Readable and removable by whoever unpacks it, whatever the bundle says. */
		if (la->archive_entry_filetype(e) != AE_IFLNK)
			la->archive_entry_set_perm(e, la->archive_entry_filetype(e) == AE_IFDIR ? 0700 : 0600);
		if (la->archive_write_header(out, e) != ARCHIVE_OK)
			return hr_fail(err, HR_E_IO, path, 0, "cannot unpack \"%s\": %s",
				       la->archive_entry_pathname(e), la->archive_error_string(out));
		while ((r = la->archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK) {
			total += size;
			if (total > HR_CAPTURE_MAX_BYTES)
				return hr_fail(err, HR_E_RANGE, path, 0, "unpacks to more than %u bytes",
					       HR_CAPTURE_MAX_BYTES);
			if (la->archive_write_data_block(out, block, size, offset) != ARCHIVE_OK)
				return hr_fail(err, HR_E_IO, path, 0, "cannot unpack \"%s\": %s",
					       la->archive_entry_pathname(e), la->archive_error_string(out));
		}
		if (r != ARCHIVE_EOF)
			return hr_fail(err, HR_E_PARSE, path, 0, "corrupt bundle at \"%s\": %s",
				       la->archive_entry_pathname(e), la->archive_error_string(in));
		if (la->archive_write_finish_entry(out) != ARCHIVE_OK)
			return hr_fail(err, HR_E_IO, path, 0, "cannot unpack \"%s\": %s",
				       la->archive_entry_pathname(e), la->archive_error_string(out));
	}
	if (r != ARCHIVE_EOF)
		return hr_fail(err, HR_E_PARSE, path, 0, NOT_A_BUNDLE, la->archive_error_string(in));
	return HR_OK;
}

/* Where a bundle's bytes are: a file (the CLI's --root), or a buffer. */
struct bundle {
	const char *file;
	const void *buf;
	size_t len;
};

static enum hr_status unpack_bundle(const struct bundle *b, const char *path, char *dir,
				    size_t dir_len, struct hr_diags *diags, struct hr_error *err)
{
	const char *tmp = getenv("TMPDIR");
	const struct hr_archive *la;
	struct archive *in, *out;
	enum hr_status st = hr_archive_open(&la, path, err);

	if (st)
		return st;
	in = la->archive_read_new();
	out = la->archive_write_disk_new();
	if (!in || !out) {
		st = hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
		goto out;
	}
	if (snprintf(dir, dir_len, "%s/headroom-XXXXXX", tmp && *tmp ? tmp : "/tmp") >= (int)dir_len ||
	    !mkdtemp(dir)) {
		st = hr_fail(err, HR_E_IO, path, 0, "cannot make a directory to unpack into: %s",
			     strerror(errno));
		goto out;
	}
	la->archive_read_support_filter_all(in);
	la->archive_read_support_format_tar(in);
	/* Entries go to dir/NAME (refused() keeps NAME relative and free of ".."); no symbolic link
	 * on the way is followed. */
	la->archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					   ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_PERM);
	if ((b->file ? la->archive_read_open_filename(in, b->file, 1 << 16)
		     : la->archive_read_open_memory(in, b->buf, b->len)) != ARCHIVE_OK) {
		int e = la->archive_errno(in);

		/* The open reads the first block: a file that is there but no archive fails here. */
		if (e == ENOENT || e == EACCES || e == EPERM)
			st = hr_fail(err, hr_status_from_errno(e), path, 0, "cannot open: %s",
				     la->archive_error_string(in));
		else
			st = hr_fail(err, HR_E_PARSE, path, 0, NOT_A_BUNDLE,
				     la->archive_error_string(in));
	} else
		st = unpack(la, in, out, path, dir, diags, err);
	if (st)
		hr_capture_remove(dir);
out:
	la->archive_read_free(in);
	la->archive_write_free(out);
	return st;
}

enum hr_status hr_capture_unpack(const char *path, char *dir, size_t dir_len,
				 struct hr_diags *diags, struct hr_error *err)
{
	return unpack_bundle(&(struct bundle){.file = path}, path, dir, dir_len, diags, err);
}

enum hr_status hr_capture_unpack_buf(const void *buf, size_t len, const char *path, char *dir,
				     size_t dir_len, struct hr_diags *diags, struct hr_error *err)
{
	return unpack_bundle(&(struct bundle){.buf = buf, .len = len}, path, dir, dir_len, diags,
			     err);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void hr_capture_remove(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
