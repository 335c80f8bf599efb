// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-root-unpack IMAGE DIR: the root an input of fuzz_report stands for, to replay it through
 * the real binary (run-fuzz checks those reports against the schema). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "root_image.h"

int main(int argc, char **argv)
{
	static uint8_t data[1 << 20];
	enum root_kind kinds[32];
	size_t size;
	FILE *f;

	if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: fuzz-root-unpack IMAGE DIR\n");
		return 3;
	}
	size = fread(data, 1, sizeof(data), f);
	fclose(f);
	if (mkdir(argv[2], 0755) != 0 ||
	    root_image_unpack(data, size, root_image_paths, root_image_count, argv[2], kinds) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
