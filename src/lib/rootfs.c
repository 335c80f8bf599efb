#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static enum hr_status errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return HR_E_NOENT;
	case EACCES:
	case EPERM:
		return HR_E_ACCESS;
	case ENOMEM:
		return HR_E_NOMEM;
	default:
		return HR_E_IO;
	}
}

/* Read full (the file on disk); errors name shown (its real path). */
static enum hr_status read_whole(const char *full, const char *shown, size_t max, char **buf,
				 size_t *len, struct hr_error *err)
{
	size_t cap = 4096, used = 0;
	char *data;
	int fd;

	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_fail(err, errno_status(errno), shown, 0, "cannot open: %s", strerror(errno));
	data = malloc(cap + 1);
	for (;;) {
		ssize_t got;

		if (!data) {
			close(fd);
			return hr_fail(err, HR_E_NOMEM, shown, 0, "out of memory");
		}
		/* procfs and sysfs files report size 0: read until EOF. */
		got = read(fd, data + used, cap - used);
		if (got < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(data);
			close(fd);
			return hr_fail(err, errno_status(e), shown, 0, "read failed: %s", strerror(e));
		}
		if (got == 0)
			break;
		used += (size_t)got;
		if (used > max) {
			free(data);
			close(fd);
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
	close(fd);
	data[used] = '\0';
	*buf = data;
	if (len)
		*len = used;
	return HR_OK;
}

enum hr_status hr_read_file(const struct hr_root *root, const char *path, size_t max, char **buf,
			    size_t *len, struct hr_error *err)
{
	char full[1024];
	enum hr_status st = hr_root_path(root, path, full, sizeof(full), err);

	return st ? st : read_whole(full, path, max, buf, len, err);
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
