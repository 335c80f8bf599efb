// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel facts: Kconfig (gzip and plain), the version a distribution kernel is built from, and
 * the command line. Fixtures: this build machine's /proc/config.gz and a copy cut short. */
#include <stdlib.h>

#include "check.h"
#include "headroom/kernel.h"

static void test_kconfig_gz(void)
{
	struct hr_root root;
	struct hr_kconfig cfg;
	struct hr_diags d = {0};
	struct hr_error err;
	char *buf;
	size_t len;

	/* Read the fixture as /config.gz under the fixture directory: the same code path as
	 * /proc/config.gz under a captured root. */
	CHECK(hr_root_init(&root, FIXTURE("kconfig"), NULL) == HR_OK);
	CHECK(hr_read_gz_file(&root, "/config.gz", 8u << 20, &buf, &len, &err) == HR_OK);
	CHECK(hr_kconfig_parse(buf, len, "/proc/config.gz", &cfg, &d, &err) == HR_OK);
	free(buf);
	CHECK(hr_kconfig_enabled(&cfg, "ZONE_DEVICE") == HR_YES);
	CHECK(hr_kconfig_enabled(&cfg, "DEVICE_PRIVATE") == HR_NO);
	CHECK(strcmp(hr_kconfig_get(&cfg, "DEVICE_PRIVATE"), "n") == 0);
	CHECK(strcmp(hr_kconfig_get(&cfg, "RANDOMIZE_MEMORY_PHYSICAL_PADDING"), "0xa") == 0);
	CHECK(strcmp(hr_kconfig_get(&cfg, "LOCALVERSION"), "\"-fc-v657\"") == 0);
	CHECK(hr_kconfig_get(&cfg, "NO_SUCH_OPTION") == NULL);
	CHECK(d.count == 0);
	hr_kconfig_free(&cfg);

	CHECK(hr_read_gz_file(&root, "/truncated.gz", 8u << 20, &buf, &len, &err) == HR_E_PARSE);
	CHECK_STR_CONTAINS(err.path, "/truncated.gz");
	CHECK_STR_CONTAINS(err.message, "gzip");
	CHECK(hr_read_gz_file(&root, "/absent.gz", 8u << 20, &buf, &len, &err) == HR_E_NOENT);
	hr_diags_free(&d);
}

static void test_kconfig_missing_and_junk(void)
{
	static const char junk[] = "CONFIG_A=y\nthis line is junk\n# a comment\n# CONFIG_B is not set\n";
	struct hr_root root;
	struct hr_kconfig cfg = {0};
	struct hr_diags d = {0};
	struct hr_error err;

	/* No /proc/config.gz and no /boot/config-<release>: the message names both. */
	CHECK(hr_root_init(&root, FIXTURE("kconfig"), NULL) == HR_OK);
	CHECK(hr_kconfig_read(&root, "6.1.0-56-amd64", &cfg, &d, &err) == HR_E_NOENT);
	CHECK_STR_CONTAINS(err.message, "/boot/config-6.1.0-56-amd64");
	CHECK(hr_kconfig_enabled(&cfg, "ZONE_DEVICE") == HR_UNKNOWN);

	CHECK(hr_kconfig_parse(junk, sizeof(junk) - 1, "/boot/config-x", &cfg, &d, &err) == HR_OK);
	CHECK(hr_kconfig_enabled(&cfg, "A") == HR_YES);
	CHECK(hr_kconfig_enabled(&cfg, "B") == HR_NO);
	/* C is on no line read, but the junk line may have been CONFIG_C=y */
	CHECK(hr_kconfig_enabled(&cfg, "C") == HR_UNKNOWN);
	CHECK_U64(d.count, 1);
	CHECK_U64(d.items[0].line, 2);
	hr_kconfig_free(&cfg);
	CHECK(hr_kconfig_parse("nothing\n", 8, "/boot/config-x", &cfg, &d, &err) == HR_E_PARSE);
	hr_diags_free(&d);
}

static void test_version_guess(void)
{
	struct hr_kver v;
	char src[96];

	/* Debian: the gcc version in the same line must not be taken for the kernel's. */
	CHECK(hr_kernel_version_guess("6.1.0-56-amd64",
				      "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) "
				      "(gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils "
				      "for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)",
				      NULL, &v, src, sizeof(src)));
	CHECK(v.major == 6 && v.minor == 1 && v.sublevel == 192);
	CHECK_STR_CONTAINS(src, "Debian");
	/* Ubuntu: the upstream version ends /proc/version_signature. */
	CHECK(hr_kernel_version_guess("6.8.0-45-generic", "Linux version 6.8.0-45-generic ...",
				      "Ubuntu 6.8.0-45.45-generic 6.8.12", &v, src, sizeof(src)));
	CHECK(v.major == 6 && v.minor == 8 && v.sublevel == 12);
	/* A Debian ABI name without /proc/version: 6.1, sublevel unknown, not 6.1.0. */
	CHECK(hr_kernel_version_guess("6.1.0-56-amd64", NULL, NULL, &v, src, sizeof(src)));
	CHECK(v.major == 6 && v.minor == 1 && v.sublevel == -1);
	CHECK_STR_CONTAINS(src, "sublevel unknown");
	/* Anything else: the release itself. */
	CHECK(hr_kernel_version_guess("6.18.44-fc-v657", NULL, NULL, &v, src, sizeof(src)));
	CHECK(v.major == 6 && v.minor == 18 && v.sublevel == 44);
	CHECK(!hr_kernel_version_guess("garbage", NULL, NULL, &v, src, sizeof(src)));
	CHECK(hr_kver_parse("6.7", &v) && v.sublevel == -1);
	CHECK(!hr_kver_parse("6", &v));
}

static void parse_cmdline(const char *text, struct hr_cmdline *c, struct hr_diags *diags)
{
	CHECK_U64(hr_cmdline_parse(text, strlen(text), "/proc/cmdline", c, diags, NULL), HR_OK);
}

static void test_cmdline(void)
{
	static const char with_nul[] = "quiet\0nokaslr mem=123456789012345678901234567890123G";
	struct hr_cmdline c;
	struct hr_diags d = {0};

	parse_cmdline("BOOT_IMAGE=/vmlinuz nokaslr mem=8G memmap=1G!4G quiet -- nokaslr", &c, NULL);
	CHECK(c.present && c.nokaslr);
	CHECK(strcmp(c.mem, "8G") == 0);
	CHECK_U64(c.memmap_count, 1);
	/* Words after "--" go to init. */
	parse_cmdline("quiet -- nokaslr", &c, NULL);
	CHECK(!c.nokaslr);
	/* A NUL separates words, an over-long mem= is skipped: both named. */
	CHECK_U64(hr_cmdline_parse(with_nul, sizeof(with_nul) - 1, "/proc/cmdline", &c, &d, NULL),
		  HR_OK);
	CHECK(c.nokaslr && c.mem[0] == '\0');
	CHECK_U64(d.count, 2);
	if (d.count == 2) {
		CHECK_STR_CONTAINS(d.items[0].message, "NUL byte at offset 5");
		CHECK_STR_CONTAINS(d.items[1].message, "is longer than 31 characters");
	}
	hr_diags_free(&d);
}

/* Functions come from BTF when the kernel has it: a real BTF blob (gcc -gbtf) naming
 * memremap_device_private_pagemap(). */
static void test_symbols_from_btf(void)
{
	struct hr_root root;
	struct hr_symbols s;
	struct hr_diags d = {0};

	CHECK(hr_root_init(&root, FIXTURE("btf/root"), NULL) == HR_OK);
	hr_symbols_read(&root, &s, &d);
	CHECK(s.btf && !s.kallsyms);
	CHECK(s.present[HR_SYM_NEW_SCHEME] == HR_YES);
	/* Variables are not in BTF: without kallsyms they stay unknown. */
	CHECK(s.present[HR_SYM_PHYSMEM_END] == HR_UNKNOWN);
	CHECK_U64(d.count, 0);

	CHECK(hr_root_init(&root, FIXTURE("btf/truncated"), NULL) == HR_OK);
	hr_symbols_read(&root, &s, &d);
	CHECK(!s.btf);
	CHECK(s.present[HR_SYM_NEW_SCHEME] == HR_UNKNOWN);
	CHECK_U64(d.count, 1);
	CHECK(strcmp(d.items[0].path, "/sys/kernel/btf/vmlinux") == 0);
	CHECK_STR_CONTAINS(d.items[0].message, "not valid BTF");
	hr_diags_free(&d);
}

int main(void)
{
	test_symbols_from_btf();
	test_kconfig_gz();
	test_kconfig_missing_and_junk();
	test_version_guess();
	test_cmdline();
	CHECK_DONE();
}
