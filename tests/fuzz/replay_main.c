// SPDX-License-Identifier: GPL-2.0-or-later
/* A fuzz target without libFuzzer: every file named (or inside a directory named) is run through
 * it once. A directory that does not exist holds no inputs yet; but a replay of no input at all
 * (every seed glob empty) tests nothing, and fails. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (size == cap) {
			uint8_t *grown = realloc(data, cap = cap ? cap * 2 : 65536);

			if (!grown)
				abort();
			data = grown;
		}
		size_t got = fread(data + size, 1, cap - size, f);

		if (!got)
			break;
		size += got;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int fail = 0, n = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;
		char path[4096];

		if (stat(argv[i], &st) != 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			fail |= replay_file(argv[i]);
			n++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			fail |= replay_file(path);
			n++;
		}
		if (d)
			closedir(d);
	}
	fprintf(stderr, "%d inputs replayed\n", n);
	if (!n)
		fprintf(stderr, "no input to replay: the seeds are missing\n");
	return fail || !n;
}
