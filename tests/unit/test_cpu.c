// SPDX-License-Identifier: GPL-2.0-or-later
/* The cpuinfo parser against real captures (tests/fixtures/cpuinfo/README), and CPUID live. */
#include <stdlib.h>

#include "check.h"
#include "headroom/cpu.h"
#include "headroom/rootfs.h"

static enum hr_status parse_fixture(const char *name, struct hr_cpuinfo *info,
				    struct hr_diags *diags, struct hr_error *err)
{
	struct hr_root root;
	char path[256], *buf;
	size_t len;
	enum hr_status st;

	if (hr_root_init(&root, FIXTURE("cpuinfo"), err) != HR_OK) {
		fprintf(stderr, "%s\n", err->message);
		exit(2);
	}
	snprintf(path, sizeof(path), "/%s", name);
	if (hr_read_file(&root, path, 1 << 20, &buf, &len, err) != HR_OK) {
		fprintf(stderr, "%s: %s\n", name, err->message);
		exit(2);
	}
	st = hr_cpuinfo_parse(buf, len, name, info, diags, err);
	free(buf);
	return st;
}

static void check_info(const char *name, int phys, int virt, bool la57, bool hypervisor,
		       const char *vendor)
{
	struct hr_cpuinfo info;
	struct hr_error err = {0};

	CHECK_U64(parse_fixture(name, &info, NULL, &err), HR_OK);
	CHECK_U64(info.phys_bits, phys);
	CHECK_U64(info.virt_bits, virt);
	CHECK(info.la57 == la57);
	CHECK(info.hypervisor == hypervisor);
	CHECK(strcmp(info.vendor, vendor) == 0);
}

/* Values as `grep -E 'vendor_id|address sizes' FILE` and `grep -ow 'la57|hypervisor'` show them. */
static void test_cpuinfo_real(void)
{
	check_info("host.txt", 46, 57, false, true, "GenuineIntel");
	check_info("qemu-epyc.txt", 40, 48, false, true, "AuthenticAMD");
	check_info("qemu-max.txt", 40, 57, true, true, "AuthenticAMD");
}

static void test_cpuinfo_no_address_sizes(void)
{
	/* Only the first block counts, though the second still has the line. */
	check_info("no-address-sizes.txt", -1, -1, false, true, "GenuineIntel");
}

/* A fatal problem in err, or (status HR_OK) a skipped record in the one diagnostic. */
static void check_broken(const char *name, enum hr_status want, unsigned line, const char *message)
{
	struct hr_cpuinfo info;
	struct hr_error err = {0};
	struct hr_diags diags = {0};
	const struct hr_error *e = want ? &err : diags.items;

	CHECK_U64(parse_fixture(name, &info, &diags, &err), want);
	e = want ? &err : diags.items;
	CHECK_U64(diags.count, want ? 0 : 1);
	if (e) {
		CHECK(strcmp(e->path, name) == 0);
		CHECK_U64(e->line, line);
		CHECK_STR_CONTAINS(e->message, message);
	}
	hr_diags_free(&diags);
}

static void test_cpuinfo_broken(void)
{
	/* The flags are still read: only the address sizes are lost. */
	check_broken("garbage-address-sizes.txt", HR_OK, 25, "lots of bits virtual");
	check_broken("no-sizes-no-flags.txt", HR_E_PARSE, 0,
		     "no \"address sizes\", \"flags\" or \"CPU implementer\"");
}

static void test_cpuinfo_edges(void)
{
	static const char flags_only[] = "\nflags\t\t: fpu la57\r\n\nflags\t\t: hypervisor\n";
	static const char cut[] = "address sizes\t: 39 bits physical, 48 bits virtual";
	static const char wide[] = "address sizes\t: 65 bits physical, 48 bits virtual\n";
	struct hr_cpuinfo info;
	struct hr_error err = {0};
	struct hr_diags diags = {0};

	/* Leading blank lines, CRLF, and a second block that must not count. */
	CHECK_U64(hr_cpuinfo_parse(flags_only, strlen(flags_only), "x", &info, NULL, &err), HR_OK);
	CHECK(info.la57 && !info.hypervisor && info.phys_bits == -1 && info.vendor[0] == '\0');

	/* The buffer ends without a newline; cut inside "48", the rest is not read. */
	CHECK_U64(hr_cpuinfo_parse(cut, strlen(cut), "x", &info, NULL, &err), HR_OK);
	CHECK_U64(info.phys_bits, 39);
	/* A malformed record is skipped with a diagnostic naming its line; with nothing else in the
	 * block, the file says nothing. */
	CHECK_U64(hr_cpuinfo_parse(cut, strlen(cut) - 14, "x", &info, &diags, &err), HR_E_PARSE);
	CHECK_U64(diags.count, 1);
	CHECK_U64(diags.items[0].line, 1);
	CHECK_STR_CONTAINS(diags.items[0].message, "address sizes: expected");

	CHECK_U64(hr_cpuinfo_parse(wide, strlen(wide), "x", &info, &diags, &err), HR_E_PARSE);
	CHECK_U64(diags.count, 2);
	CHECK_STR_CONTAINS(diags.items[1].message, "\"65 bits physical, 48 bits virtual\"");
	hr_diags_free(&diags);
	CHECK_U64(hr_cpuinfo_parse("", 0, "empty", &info, NULL, &err), HR_E_PARSE);
	CHECK(strcmp(err.path, "empty") == 0);
	CHECK_U64(hr_cpuinfo_parse(NULL, 5, "null", &info, NULL, &err), HR_E_USAGE);
}

/* CPUID agrees with what this machine's kernel shows, where both are there: its own ctest test
 * (test_cpu live), which returns SKIPPED where there is nothing to compare. */
#define SKIPPED 77

static int test_cpuid_live(void)
{
	struct hr_cpuid id;
	bool ok = hr_cpuid_read(&id);
#if defined(__x86_64__) || defined(__i386__)
	struct hr_root root;
	struct hr_cpuinfo info;
	struct hr_error err = {0};
	char *buf;
	size_t len;

	/* Valgrind answers CPUID with its own synthetic CPU: nothing to compare then. */
	if (getenv("LD_PRELOAD") && strstr(getenv("LD_PRELOAD"), "vgpreload")) {
		fprintf(stderr, "cpuid: under valgrind, which answers for its own CPU: skipped\n");
		return SKIPPED;
	}
	CHECK(ok);
	CHECK(id.phys_bits >= 32 && id.phys_bits <= 64);
	CHECK(id.virt_bits == 48 || id.virt_bits == 57);
	if (hr_root_init(&root, "/", &err) == HR_OK &&
	    hr_read_file(&root, "/proc/cpuinfo", 1 << 24, &buf, &len, &err) == HR_OK) {
		if (hr_cpuinfo_parse(buf, len, "/proc/cpuinfo", &info, NULL, &err) == HR_OK &&
		    info.phys_bits > 0) {
			/* The kernel may take key bits off phys (TME, SME), never add any. */
			CHECK(id.phys_bits >= info.phys_bits);
			CHECK_U64(id.virt_bits, info.virt_bits);
			CHECK(!info.la57 || id.la57);	/* la57 shown only when in use */
			CHECK(info.hypervisor == id.hypervisor);
		}
		free(buf);
	}
	if (!id.hypervisor)
		CHECK(id.hypervisor_vendor[0] == '\0');
	fprintf(stderr, "cpuid: %d/%d bits, la57 %d, hypervisor %d \"%s\"\n", id.phys_bits,
		id.virt_bits, id.la57, id.hypervisor, id.hypervisor_vendor);
#else
	CHECK(!ok);
#endif
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "live") == 0) {
		if (test_cpuid_live() == SKIPPED && !check_failures)
			return SKIPPED;
		CHECK_DONE();
	}
	test_cpuinfo_real();
	test_cpuinfo_no_address_sizes();
	test_cpuinfo_broken();
	test_cpuinfo_edges();
	CHECK_DONE();
}
