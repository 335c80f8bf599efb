// SPDX-License-Identifier: GPL-2.0-or-later
/* acpiexec's answer kept for the next live audit (acpi_cache.h). The file is the key, then
 * "answer LEN\n" and the answer: a hit compares the whole key, so no hash has to be trusted. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "headroom/acpi_cache.h"
#include "headroom/parse.h"
#include "headroom/rootfs.h"

#define CACHE_FILE "acpiexec-answer"
#define CACHE_MAX (64u << 20)	/* every AML table and the answer: a few hundred KiB in practice */
#define KEY_MAGIC "headroom acpiexec answer 1\n"

const char *hr_acpi_cache_dir(void)
{
	const char *dir = getenv("HEADROOM_CACHE_DIR");

	if (!dir)
		return "/var/cache/headroom";
	return *dir ? dir : NULL;
}

void hr_acpi_key_open(struct hr_acpi_key *key, const char *const *options,
		      const char *const *fills, size_t n_fills, const char *commands)
{
	*key = (struct hr_acpi_key){0};
	key->stream = open_memstream(&key->bytes, &key->len);
	if (!key->stream)
		return;
	/* Every string with its length before it: no two inputs make the same bytes. */
	fputs(KEY_MAGIC, key->stream);
	for (size_t i = 0; options[i]; i++)
		fprintf(key->stream, "option %zu\n%s\n", strlen(options[i]), options[i]);
	for (size_t i = 0; i < n_fills; i++)
		fprintf(key->stream, "fill %zu\n%s\n", strlen(fills[i]), fills[i]);
	fprintf(key->stream, "commands %zu\n%s", strlen(commands), commands);
}

void hr_acpi_key_add(struct hr_acpi_key *key, const void *table, size_t len)
{
	if (!key->stream)
		return;
	fprintf(key->stream, "table %zu\n", len);
	fwrite(table, 1, len, key->stream);
}

bool hr_acpi_key_close(struct hr_acpi_key *key, const char *program)
{
	struct stat st;
	bool failed;

	if (!key->stream)
		return false;
	/* The change time too, which no one can set: a file rewritten in place with its old size
	 * and modification time is another program. */
	failed = stat(program, &st) != 0;
	if (!failed)
		fprintf(key->stream, "program %zu\n%s\nfile %llu %llu %lld %lld.%09ld %lld.%09ld\n",
			strlen(program), program, (unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino, (long long)st.st_size,
			(long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			(long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	failed |= ferror(key->stream) != 0;
	if (fclose(key->stream) || failed) {
		key->stream = NULL;
		hr_acpi_key_free(key);
		return false;
	}
	key->stream = NULL;
	return true;
}

void hr_acpi_key_free(struct hr_acpi_key *key)
{
	if (key->stream)
		fclose(key->stream);
	free(key->bytes);
	*key = (struct hr_acpi_key){0};
}

/* Made by us, a directory or regular file as asked, and writable by nobody else. */
static bool ours(int fd, struct stat *st, bool directory)
{
	return fstat(fd, st) == 0 && (directory ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode)) &&
	       st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* The cache directory opened, if it is ours (not a link): every later step goes through it, so
 * that nothing can be swapped in between the check and the use. -1 otherwise. */
static int open_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && !ours(fd, &st, true)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The whole of a trusted cache file, at most CACHE_MAX bytes. */
static char *read_cache(const char *dir, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int dfd = open_dir(dir), fd;

	if (dfd < 0)
		return NULL;
	fd = openat(dfd, CACHE_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return NULL;
	if (ours(fd, &st, false) && hr_read_fd(fd, CACHE_FILE, CACHE_MAX, &buf, len, NULL))
		buf = NULL;
	close(fd);
	return buf;
}

bool hr_acpi_cache_load(const char *dir, const struct hr_acpi_key *key, char **answer,
			size_t *len)
{
	static const char header[] = "answer ";
	size_t size;
	char *buf = read_cache(dir, &size), *count, *end;
	uint64_t answer_len;

	*answer = NULL;
	*len = 0;
	if (!buf)
		return false;
	if (size < key->len || memcmp(buf, key->bytes, key->len) != 0)
		goto miss;
	count = buf + key->len + strlen(header);
	end = memchr(buf + key->len, '\n', size - key->len);
	if (!end || end < count || memcmp(buf + key->len, header, strlen(header)) != 0)
		goto miss;
	*end = '\0';
	if (!hr_parse_u64(count, &answer_len) || answer_len != size - (size_t)(end + 1 - buf))
		goto miss;
	memmove(buf, end + 1, answer_len);
	buf[answer_len] = '\0';
	*answer = buf;
	*len = answer_len;
	return true;
miss:
	free(buf);
	return false;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t put = write(fd, p, len);

		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return false;
		p += put;
		len -= (size_t)put;
	}
	return true;
}

void hr_acpi_cache_store(const char *dir, const struct hr_acpi_key *key, const char *answer,
			 size_t len)
{
	char tmp[64], header[32];
	int dfd, fd, header_len = snprintf(header, sizeof(header), "answer %zu\n", len);
	bool written;

	/* One that load would refuse is not worth writing. */
	if (key->len > CACHE_MAX || len > CACHE_MAX - key->len - (size_t)header_len)
		return;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return;
	dfd = open_dir(dir);
	if (dfd < 0)
		return;
	/* The directory is ours alone: a name left by an audit killed while writing is ours too. */
	snprintf(tmp, sizeof(tmp), "." CACHE_FILE ".%ld", (long)getpid());
	unlinkat(dfd, tmp, 0);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		written = write_all(fd, key->bytes, key->len) &&
			  write_all(fd, header, (size_t)header_len) && write_all(fd, answer, len);
		if (close(fd) || !written || renameat(dfd, tmp, dfd, CACHE_FILE))
			unlinkat(dfd, tmp, 0);
	}
	close(dfd);
}
