// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's answer as the probe writes it, and its comparison with the replay. Fixture: the
 * answer and capture of a q35 SeaBIOS guest with 40 phys-bits (tests/cases/vm-q35-seabios-pb40). */
#include <stdlib.h>

#include "check.h"
#include "headroom/answer.h"

#define CASE HEADROOM_FIXTURES "/../cases/vm-q35-seabios-pb40"

static struct hr_answer read_answer(void)
{
	struct hr_answer a = {0};
	struct hr_error err;
	char *buf;
	size_t len;

	CHECK(hr_read_path(CASE "/kernel-answer", 1 << 20, &buf, &len, &err) == HR_OK);
	CHECK(hr_answer_parse(buf, len, "kernel-answer", &a, NULL, &err) == HR_OK);
	free(buf);
	return a;
}

static void test_parse_real(void)
{
	struct hr_answer a = read_answer();

	CHECK(strcmp(a.release, "6.1.0-56-amd64") == 0);
	CHECK_U64(a.iomem_end, 0xffffffffff);
	CHECK(a.have_direct_map_end);
	CHECK_U64(a.direct_map_end, 0x3fffffffffff);
	CHECK_U64(a.count, 5);
	CHECK_U64(a.requests[0].size, 1ull << 30);
	CHECK(a.requests[0].placed);
	CHECK_U64(a.requests[0].range.start, 0xfcc0000000);
	CHECK(!a.requests[4].placed);
	CHECK(a.requests[4].error == -34);
	hr_answer_free(&a);
}

static void test_parse_broken(void)
{
	static const struct {
		const char *text, *message;
	} broken[] = {
		{"headroom answer\n", "not a kernel answer"},
		{"# headroom kernel answer v1\nrequest 0x40000000 0x1-0x2\n", "no iomem_end"},
		{"# headroom kernel answer v1\niomem_end 0xfff\n", "no request"},
		{"# headroom kernel answer v1\niomem_end 0xfff\nrequest 0x40000000 banana\n", "expected"},
		{"# headroom kernel answer v1\niomem_end 0xfff\nrequest 0x40000000 0x2-0x1\n", "expected"},
		{"# headroom kernel answer v1\niomem_end 0xfff\nrequest 0x40000000 error 34\n", "expected"},
		{"# headroom kernel answer v1\niomem_end 0xfff\ndirect_map_end zz\nrequest 1 error -34\n",
		 "bad direct_map_end"},
		{"# headroom kernel answer v1\niomem_end 0xfff\nrequest 1 error -34\nerror too many sizes\n",
		 "the probe reported: \"error too many sizes\""},
		{"# headroom kernel answer v1\niomem_end 0xfff\nrequest 1 error -34\ntruncated\n",
		 "the probe reported: \"truncated\""},
	};
	struct hr_answer a;
	struct hr_error err;

	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		CHECK(hr_answer_parse(broken[i].text, strlen(broken[i].text), "answer", &a, NULL, &err) ==
		      HR_E_PARSE);
		CHECK_STR_CONTAINS(err.message, broken[i].message);
		CHECK(strcmp(err.path, "answer") == 0);
	}
}

/* The replay of the guest's capture agrees with its kernel; a changed placement does not. */
static void test_compare(void)
{
	struct hr_answer a = read_answer();
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts facts;
	struct hr_audit audit;
	struct hr_comparison cmp;
	uint64_t sizes[5];

	hr_answer_sizes(&a, sizes);
	hr_facts_gather(CASE "/root", &facts);
	CHECK(hr_audit_run(&facts, &ov, sizes, 5, &audit) == HR_OK);
	CHECK(hr_answer_compare(&a, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.count, 7);
	CHECK_U64(cmp.agreements, 7);
	hr_comparison_free(&cmp);

	a.requests[2].range.start += 1ull << 27;
	a.direct_map_end = 0xaffffffffff;
	CHECK(hr_answer_compare(&a, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.agreements, 5);
	CHECK(!cmp.checks[1].agrees);
	CHECK(!cmp.checks[4].agrees);
	CHECK_STR_CONTAINS(cmp.checks[4].what, "request 3 (80 GiB)");
	hr_comparison_free(&cmp);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	hr_answer_free(&a);
}

int main(void)
{
	test_parse_real();
	test_parse_broken();
	test_compare();
	CHECK_DONE();
}
