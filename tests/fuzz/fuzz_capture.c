// SPDX-License-Identifier: GPL-2.0-or-later
/* Any bytes as a capture bundle: refused cleanly (nothing left behind) or unpacked safely. The
 * bundle is unpacked deep inside a sandbox directory, so that a path escaping the unpack directory
 * (through "..", an absolute path or a symbolic link) lands in the sandbox, where it is seen: the
 * sandbox may hold nothing but the unpack directory, whose tree holds only directories, regular
 * files and links named driver. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "headroom/capture.h"
#include "fuzz_check.h"
#include "root_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEPTH "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16"

static const char *sandbox;
static char tmpdir[64 + sizeof(DEPTH)];
static const char *unpacked;	/* the unpack directory, "" when there should be none */
static size_t strays;

/* What may be in the sandbox: the directories down to TMPDIR, and the unpacked tree. */
static int check_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	size_t n = strlen(unpacked);
	const char *base = path + ftw->base;

	(void)flag;
	if (strlen(path) <= strlen(tmpdir) && strncmp(tmpdir, path, strlen(path)) == 0 &&
	    (tmpdir[strlen(path)] == '/' || tmpdir[strlen(path)] == '\0'))
		return 0;
	if (!n || strncmp(path, unpacked, n) != 0 || (path[n] != '/' && path[n] != '\0') ||
	    (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode) &&
	     !(S_ISLNK(st->st_mode) && strcmp(base, "driver") == 0))) {
		fprintf(stderr, "outside the unpack directory \"%s\", or not allowed: \"%s\" (mode %o)\n",
			unpacked, path, (unsigned)st->st_mode);
		strays++;
	}
	return 0;
}

static void check_sandbox(const char *dir)
{
	unpacked = dir;
	strays = 0;
	if (nftw(sandbox, check_entry, 16, FTW_PHYS) != 0 || strays)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hr_diags diags = {0};
	struct hr_error err = {0};
	char dir[4096] = "";
	enum hr_status st;
	void *buf = malloc(size ? size : 1);

	if (!tmpdir[0]) {
		sandbox = root_image_scratch("capture");
		snprintf(tmpdir, sizeof(tmpdir), "%s%s", sandbox, DEPTH);
		for (char *p = strchr(tmpdir + strlen(sandbox) + 1, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			mkdir(tmpdir, 0700);
			*p = '/';
		}
		if (mkdir(tmpdir, 0700) != 0 || setenv("TMPDIR", tmpdir, 1) != 0)
			abort();
	}
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	st = hr_capture_unpack_buf(buf, size, "/fuzz/input", dir, sizeof(dir), &diags, &err);
	if (st) {
		fuzz_check_error(&err, "/fuzz/input");
		check_sandbox("");
	} else {
		check_sandbox(dir);
		hr_capture_remove(dir);
		check_sandbox("");
	}
	for (size_t i = 0; i < diags.count; i++)
		fuzz_check_error(&diags.items[i], "/fuzz/input");
	hr_diags_free(&diags);
	free(buf);
	return 0;
}
