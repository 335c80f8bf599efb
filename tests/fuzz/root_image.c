// SPDX-License-Identifier: GPL-2.0-or-later
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "root_image.h"

/* Every input headroom reads from a captured root (an x86 and an arm64 machine's worth). */
const char *const root_image_paths[] = {
	"/proc/iomem", "/proc/cpuinfo", "/proc/sys/kernel/osrelease", "/proc/version",
	"/proc/cmdline", "/proc/kallsyms", "/proc/config.gz", "/proc/version_signature",
	"/sys/kernel/boot_params/data", "/sys/kernel/btf/vmlinux", "/sys/firmware/fdt",
	"/sys/firmware/memmap/0/start", "/sys/firmware/memmap/0/end", "/sys/firmware/memmap/0/type",
	"/sys/firmware/memmap/1/start", "/sys/firmware/memmap/1/end", "/sys/firmware/memmap/1/type",
};
const size_t root_image_count = sizeof(root_image_paths) / sizeof(root_image_paths[0]);

/* mkdir -p of path's parent directories under dir. */
static int make_parents(const char *full)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", full);
	for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int make_one(const char *full, enum root_kind kind, const uint8_t *bytes, size_t len)
{
	int fd, ok;

	if (make_parents(full))
		return -1;
	switch (kind) {
	case ROOT_DIR:
		return mkdir(full, 0755);
	case ROOT_FIFO:
		return mkfifo(full, 0644);
	case ROOT_LOOP:
		return symlink(full, full);
	default:
		fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -1;
		ok = len == 0 || write(fd, bytes, len) == (ssize_t)len;
		close(fd);
		return ok ? 0 : -1;
	}
}

int root_image_unpack(const uint8_t *data, size_t size, const char *const *paths, size_t count,
		      const char *dir, enum root_kind *kinds)
{
	static const enum root_kind by_code[] = {ROOT_FILE, ROOT_DIR, ROOT_FIFO, ROOT_LOOP};
	char full[512];

	for (size_t i = 0; i < count; i++)
		kinds[i] = ROOT_ABSENT;
	while (size >= 3) {
		size_t index = (data[0] & 31u) % count, len = data[1] | (size_t)data[2] << 8;
		enum root_kind kind = by_code[(data[0] >> 5) & 3];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (kinds[index] == ROOT_ABSENT) {
			snprintf(full, sizeof(full), "%s%s", dir, paths[index]);
			if (make_one(full, kind, data, len))
				return -1;
			kinds[index] = kind;
		}
		data += len;
		size -= len;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void root_image_remove(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char scratch[64];

static void remove_scratch(void)
{
	root_image_remove(scratch);
}

const char *root_image_scratch(const char *name)
{
	if (scratch[0])
		return scratch;
	snprintf(scratch, sizeof(scratch), "/dev/shm/headroom-fuzz-%.16s-XXXXXX", name);
	if (!mkdtemp(scratch)) {
		snprintf(scratch, sizeof(scratch), "/tmp/headroom-fuzz-%.16s-XXXXXX", name);
		if (!mkdtemp(scratch))
			abort();
	}
	if (atexit(remove_scratch) != 0)
		abort();
	return scratch;
}
