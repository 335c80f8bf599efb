// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "headroom/rootfs.h"

enum hr_status hr_root_init(struct hr_root *root, const char *dir, struct hr_error *err)
{
	struct stat st;
	size_t n;

	if (!dir || !*dir)
		dir = "/";
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= sizeof(root->dir))
		return hr_fail(err, HR_E_USAGE, dir, 0, "root directory path is too long");
	memcpy(root->dir, dir, n);
	root->dir[n] = '\0';
	if (stat(root->dir, &st) != 0)
		return hr_fail(err, HR_E_NOENT, root->dir, 0, "root directory: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return hr_fail(err, HR_E_USAGE, root->dir, 0, "root is not a directory");
	root->live = strcmp(root->dir, "/") == 0;
	return HR_OK;
}

enum hr_status hr_root_path(const struct hr_root *root, const char *path, char *out, size_t len,
			    struct hr_error *err)
{
	int n = snprintf(out, len, "%s%s", root->live ? "" : root->dir, path);

	if (n < 0 || (size_t)n >= len)
		return hr_fail(err, HR_E_RANGE, path, 0, "path too long under root %s", root->dir);
	return HR_OK;
}

/* A source of bytes: a plain file or a gzip stream. read returns the count, 0 at the end, or -1
 * with why filled. */
struct source {
	ssize_t (*read)(struct source *src, char *buf, size_t len, char *why, size_t why_len);
	int fd;
	gzFile gz;
};

static ssize_t read_fd(struct source *src, char *buf, size_t len, char *why, size_t why_len)
{
	ssize_t got;

	do
		got = read(src->fd, buf, len);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		int e = errno;

		snprintf(why, why_len, "read failed: %s", strerror(e));
		errno = e;	/* the caller maps it to a status */
	}
	return got;
}

static ssize_t read_gz(struct source *src, char *buf, size_t len, char *why, size_t why_len)
{
	int zerr, got = gzread(src->gz, buf, (unsigned)len);
	const char *msg = gzerror(src->gz, &zerr);

	/* At the end, Z_BUF_ERROR means the file stopped in the middle of a gzip stream. */
	if (got < 0 || (got == 0 && zerr == Z_BUF_ERROR)) {
		snprintf(why, why_len, "corrupt gzip data: %s", got < 0 ? msg : "truncated stream");
		return -1;
	}
	return got;
}

/* Everything src holds, up to max bytes; errors name shown (the file's real path). */
static enum hr_status slurp(struct source *src, const char *shown, size_t max, char **buf,
			    size_t *len, struct hr_error *err)
{
	size_t cap = 4096, used = 0;
	char *data = malloc(cap + 1), why[200];

	for (;;) {
		ssize_t got;

		if (!data)
			return hr_fail(err, HR_E_NOMEM, shown, 0, "out of memory");
		/* procfs and sysfs files report size 0: read until the end. */
		got = src->read(src, data + used, cap - used, why, sizeof(why));
		if (got < 0) {
			free(data);
			return hr_fail(err, src->gz ? HR_E_PARSE : hr_status_from_errno(errno), shown, 0,
				       "%s", why);
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > max) {
			free(data);
			return hr_fail(err, HR_E_RANGE, shown, 0, "larger than %zu bytes", max);
		}
		if (used == cap) {
			char *bigger = realloc(data, cap * 2 + 1);

			if (!bigger)
				free(data);
			data = bigger;
			cap *= 2;
		}
	}
	data[used] = '\0';
	*buf = data;
	if (len)
		*len = used;
	return HR_OK;
}

static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" :
	       S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" : "not a file";
}

/* Open full for reading, refusing anything but a regular file: O_NONBLOCK so that a FIFO cannot
 * block the open, fstat before any read. procfs and sysfs files are regular files. */
static enum hr_status open_regular(const char *full, const char *shown, int *fd,
				   struct hr_error *err)
{
	struct stat st;

	*fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (*fd < 0)
		return hr_fail(err, hr_status_from_errno(errno), shown, 0, "cannot open: %s",
			       strerror(errno));
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		enum hr_status status = hr_fail(err, HR_E_TYPE, shown, 0, "is %s, not a regular file",
						file_kind(st.st_mode));

		close(*fd);
		*fd = -1;
		return status;
	}
	return HR_OK;
}

enum hr_status hr_read_fd(int fd, const char *shown, size_t max, char **buf, size_t *len,
			  struct hr_error *err)
{
	struct source src = {.read = read_fd, .fd = fd};

	return slurp(&src, shown, max, buf, len, err);
}

static enum hr_status read_whole(const char *full, const char *shown, size_t max, char **buf,
				 size_t *len, struct hr_error *err)
{
	int fd;
	enum hr_status st = open_regular(full, shown, &fd, err);

	if (st)
		return st;
	st = hr_read_fd(fd, shown, max, buf, len, err);
	close(fd);
	return st;
}

enum hr_status hr_read_gz_file(const struct hr_root *root, const char *path, size_t max,
			       char **buf, size_t *len, struct hr_error *err)
{
	char full[1024];
	struct source src = {.read = read_gz, .fd = -1};
	enum hr_status st = hr_root_path(root, path, full, sizeof(full), err);

	if (st)
		return st;
	st = open_regular(full, path, &src.fd, err);
	if (st)
		return st;
	src.gz = gzdopen(src.fd, "rb");
	if (!src.gz) {
		close(src.fd);
		return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
	}
	st = slurp(&src, path, max, buf, len, err);
	gzclose(src.gz);
	return st;
}

enum hr_status hr_open_file(const struct hr_root *root, const char *path, int *fd,
			    struct hr_error *err)
{
	char full[1024];
	enum hr_status st = hr_root_path(root, path, full, sizeof(full), err);

	*fd = -1;
	return st ? st : open_regular(full, path, fd, err);
}

enum hr_status hr_read_file(const struct hr_root *root, const char *path, size_t max, char **buf,
			    size_t *len, struct hr_error *err)
{
	char full[1024];
	enum hr_status st = hr_root_path(root, path, full, sizeof(full), err);

	return st ? st : read_whole(full, path, max, buf, len, err);
}

enum hr_status hr_view_file(const struct hr_root *root, const char *path, size_t max,
			    struct hr_file_view *view, struct hr_error *err)
{
	char full[1024];
	struct source src = {.read = read_fd};
	struct stat st;
	char *copy;
	void *map;
	enum hr_status status = hr_root_path(root, path, full, sizeof(full), err);

	*view = (struct hr_file_view){0};
	if (!status)
		status = open_regular(full, path, &src.fd, err);
	if (status)
		return status;
	if (fstat(src.fd, &st) == 0 && st.st_size > 0 && (uint64_t)st.st_size <= max) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, src.fd, 0);
		if (map != MAP_FAILED) {
			close(src.fd);
			*view = (struct hr_file_view){map, (size_t)st.st_size, true};
			return HR_OK;
		}
	}
	status = slurp(&src, path, max, &copy, &view->len, err);
	close(src.fd);
	if (!status)
		view->data = copy;
	return status;
}

void hr_file_view_release(struct hr_file_view *view)
{
	if (view->mapped)
		munmap((void *)view->data, view->len);
	else
		free((void *)view->data);
	*view = (struct hr_file_view){0};
}

enum hr_status hr_read_path(const char *path, size_t max, char **buf, size_t *len,
			    struct hr_error *err)
{
	return read_whole(path, path, max, buf, len, err);
}

bool hr_root_exists(const struct hr_root *root, const char *path)
{
	char full[1024];

	return hr_root_path(root, path, full, sizeof(full), NULL) == HR_OK && access(full, F_OK) == 0;
}
