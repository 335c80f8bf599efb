// SPDX-License-Identifier: GPL-2.0-or-later
/* The measured facts a capture carries: CPUID leaves and /proc/kcore readings. */
#include <stdlib.h>

#include "check.h"
#include "headroom/measured.h"
#include "headroom/rootfs.h"

static char *fixture(const char *path, size_t *len)
{
	struct hr_error err;
	char *buf = NULL;

	CHECK_U64(hr_read_path(path, 1 << 16, &buf, len, &err), HR_OK);
	return buf;
}

/* Leaves `headroom capture` recorded in the Firecracker guest (KVM, AMD EPYC) the live run named
 * as a kvm guest with 48 physical bits. */
static void test_real_leaves(void)
{
	struct hr_measured m;
	struct hr_cpuid id;
	struct hr_error err;
	size_t len;
	char *buf = fixture(FIXTURE("measured/firecracker-6.18-kvm"), &len);

	CHECK_U64(hr_measured_parse(buf, len, "measured", &m, NULL, &err), HR_OK);
	CHECK_U64(m.cpuid.count, 6);
	CHECK(hr_cpuid_decode(&m.cpuid, &id));
	CHECK_U64(id.phys_bits, 48);
	CHECK_U64(id.virt_bits, 48);
	CHECK(!id.la57);
	CHECK(id.hypervisor);
	CHECK(strcmp(id.hypervisor_vendor, "KVMKVMKVM") == 0);
	for (int s = 0; s < HR_SYM_COUNT; s++)
		CHECK(!m.have_reading[s]);
	free(buf);
}

/* What this CPU answers survives the text form: the replay decodes what the live run decodes. */
static void test_round_trip(void)
{
	struct hr_measured m = {0}, back;
	struct hr_cpuid live, replayed;
	struct hr_error err;
	char *text;

	hr_cpuid_execute(&m.cpuid);
	m.have_reading[HR_SYM_DIRECT_MAP_PHYSMEM_END] = true;
	m.reading[HR_SYM_DIRECT_MAP_PHYSMEM_END] = 0xfffffffffffffull;
	text = hr_measured_format(&m);
	CHECK(text != NULL);
	CHECK_U64(hr_measured_parse(text, strlen(text), "x", &back, NULL, &err), HR_OK);
	CHECK_U64(back.cpuid.count, m.cpuid.count);
	CHECK(memcmp(back.cpuid.items, m.cpuid.items, m.cpuid.count * sizeof(m.cpuid.items[0])) == 0);
	CHECK(back.have_reading[HR_SYM_DIRECT_MAP_PHYSMEM_END]);
	CHECK_U64(back.reading[HR_SYM_DIRECT_MAP_PHYSMEM_END], 0xfffffffffffffull);
	CHECK(!back.have_reading[HR_SYM_PHYSMEM_END]);
	CHECK(hr_cpuid_read(&live) == hr_cpuid_decode(&back.cpuid, &replayed));
	CHECK(memcmp(&live, &replayed, sizeof(live)) == 0);
	free(text);
}

/* A bad line is skipped with a diagnostic naming it; a file without the first line is refused. */
static void test_bad_lines(void)
{
	static const char text[] =
		"# headroom measured v1\n"
		"# a comment\n"
		"cpuid 0x80000008 0x0 0x00303030 0x0 0x0 0x0\n"
		"cpuid 0x1 0x0 0x0 0x0 0x0\n"			/* five registers */
		"cpuid 0x1 0x0 0x0 0x0 0x100000000 0x0\n"	/* wider than 32 bits */
		"kcore no_such_symbol 0x1000\n"
		"kcore physmem_end 0x7fffffffffff\n"
		"bogus\n";
	struct hr_diags diags = {0};
	struct hr_measured m;
	struct hr_error err;

	CHECK_U64(hr_measured_parse(text, strlen(text), "m", &m, &diags, &err), HR_OK);
	CHECK_U64(m.cpuid.count, 1);
	CHECK(m.have_reading[HR_SYM_PHYSMEM_END]);
	CHECK_U64(m.reading[HR_SYM_PHYSMEM_END], 0x7fffffffffffull);
	CHECK_U64(diags.count, 4);
	CHECK_U64(diags.items[0].line, 4);
	CHECK_U64(diags.items[3].line, 8);
	CHECK_STR_CONTAINS(diags.items[2].message, "no_such_symbol");
	hr_diags_free(&diags);
	CHECK_U64(hr_measured_parse("cpuid 0x1 0x0 0x0 0x0 0x0 0x0\n", 30, "m", &m, NULL, &err),
		  HR_E_PARSE);
	CHECK_U64(err.line, 1);
	CHECK_U64(hr_measured_parse("", 0, "m", &m, NULL, &err), HR_E_PARSE);
	CHECK_U64(hr_measured_parse(NULL, 3, "m", &m, NULL, &err), HR_E_USAGE);
}

int main(void)
{
	test_real_leaves();
	test_round_trip();
	test_bad_lines();
	CHECK_DONE();
}
