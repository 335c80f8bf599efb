// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's answer as the probe writes it, and its comparison with the replay. Fixtures: the
 * answer and capture of a q35 SeaBIOS guest with 40 phys-bits (tests/cases/vm-q35-seabios-pb40),
 * and a v2 answer with test_hmm's record from 7.3.4 with the device-private series, phys-bits 36
 * and the 64-bit window filling 4-64 GiB (tests/cases/vm73n-q35-seabios-pb36-hole60g). */
#include <stdlib.h>

#include "check.h"
#include "headroom/answer.h"

#define CASE HEADROOM_FIXTURES "/../cases/vm-q35-seabios-pb40"
#define CASE73N HEADROOM_FIXTURES "/../cases/vm73n-q35-seabios-pb36-hole60g"

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

/* A direct-map end given on the command line (the kernel's own, copied from its answer) is shown as
 * given: never counted as an agreement, and the placements under it are still checked. */
static void test_compare_given(void)
{
	struct hr_answer a = read_answer();
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_facts facts;
	struct hr_audit audit;
	struct hr_comparison cmp;
	uint64_t sizes[5];

	hr_answer_sizes(&a, sizes);
	hr_facts_gather(CASE "/root", &facts);
	ov.have_direct_map_end = true;
	ov.direct_map_end = a.direct_map_end;
	CHECK(hr_audit_run(&facts, &ov, sizes, 5, &audit) == HR_OK);
	CHECK(hr_answer_compare(&a, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.count, 7);
	CHECK_STR_CONTAINS(cmp.checks[1].what, "direct-map end");
	CHECK(cmp.checks[1].given && !cmp.checks[1].agrees);
	CHECK_STR_CONTAINS(cmp.checks[1].predicted, "given");
	CHECK_U64(cmp.given, 1);
	CHECK_U64(cmp.agreements, 6);
	hr_comparison_free(&cmp);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	hr_answer_free(&a);
}

/* The series' pagemaps: every check of the real v2 answer agrees; a changed cost or verdict not. */
static void test_v2_real(void)
{
	struct hr_overrides ov = HR_OVERRIDES_NONE;
	struct hr_answer a = {0};
	struct hr_test_hmm th;
	struct hr_facts facts;
	struct hr_audit audit;
	struct hr_comparison cmp;
	struct hr_error err;
	uint64_t sizes[4];
	char *buf;
	size_t len;

	CHECK(hr_read_path(CASE73N "/kernel-answer", 1 << 20, &buf, &len, &err) == HR_OK);
	CHECK(hr_answer_parse(buf, len, "kernel-answer", &a, NULL, &err) == HR_OK);
	free(buf);
	CHECK(a.version == 2 && a.new_scheme);
	CHECK_U64(a.n_pagemaps, 4);
	CHECK(a.pagemaps[0].ok && a.pagemaps[0].offsets.start == 0);
	CHECK_U64(a.pagemaps[2].alloc, 256ull << 20);
	CHECK(a.pagemaps[2].memavail == 268959744);
	CHECK(!a.pagemaps[3].ok && a.pagemaps[3].error == -12 && a.pagemaps[3].warn == HR_WARN_YES);
	hr_answer_sizes(&a, sizes);
	hr_facts_gather(CASE73N "/root", &facts);
	CHECK(hr_audit_run(&facts, &ov, sizes, 4, &audit) == HR_OK);
	CHECK(hr_answer_compare(&a, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.agreements, cmp.count);
	hr_comparison_free(&cmp);
	a.pagemaps[1].memavail += 8 << 20;	/* 8 MiB more than 16 MiB of struct pages: too much */
	a.pagemaps[3].error = -16;		/* the maple tree full: not what the model says */
	CHECK(hr_answer_compare(&a, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.agreements, cmp.count - 2);
	hr_comparison_free(&cmp);
	hr_audit_free(&audit);

	CHECK(hr_read_path(CASE73N "/test-hmm", 1 << 16, &buf, &len, &err) == HR_OK);
	CHECK(hr_test_hmm_parse(buf, len, "test-hmm", &th, NULL, &err) == HR_OK);
	free(buf);
	CHECK(th.loaded && th.n_carves == 0);
	sizes[0] = sizes[1] = HR_TEST_HMM_CHUNK;
	CHECK(hr_audit_run(&facts, &ov, sizes, 2, &audit) == HR_OK);
	cmp = (struct hr_comparison){0};
	CHECK(hr_test_hmm_compare(&th, &audit, &cmp) == HR_OK);
	CHECK_U64(cmp.count, 2);
	CHECK_U64(cmp.agreements, 2);
	hr_comparison_free(&cmp);
	hr_audit_free(&audit);
	hr_facts_free(&facts);
	hr_answer_free(&a);
}

static void test_v2_broken(void)
{
	static const char *const head = "# headroom kernel answer v2\niomem_end 0xfff\nrequest 1 error -34\n";
	static const struct {
		const char *tail, *message;
	} broken[] = {
		{"", "no new_scheme line"},
		{"new_scheme maybe\n", "new_scheme present"},
		{"new_scheme absent\npagemap 0x1000 offset 0x0-0xfff alloc 0x40 memavail 64 vmalloc 0 slab 0 "
		 "warn no\n", "new_scheme absent"},
		{"new_scheme present\npagemap 0x1000 offset 0x0-0xfff alloc 0x40 memavail 64\n", "expected"},
		{"new_scheme present\npagemap 0x1000 error 12 alloc 0x40 memavail 0 vmalloc 0 slab 0 warn no\n",
		 "expected"},
		{"new_scheme present\npagemap 0x1000 offset 0x0-0xfff alloc 0x40 memavail 0x40 vmalloc 0 slab 0 "
		 "warn no\n", "expected"},
		{"new_scheme present\npagemap 0x1000 offset 0x0-0xfff alloc 0x40 memavail 64 vmalloc 0 slab 0 "
		 "warn maybe\n", "expected"},
	};
	static const char *const bad_hmm[] = {"# headroom test_hmm v2\ninsmod 0\n", "# headroom test_hmm v1\n",
					      "# headroom test_hmm v1\ninsmod 0\niomem 0x2-0x1\n",
					      "# headroom test_hmm v1\ninsmod zero\n"};
	struct hr_answer a;
	struct hr_test_hmm th;
	struct hr_error err;
	char text[512];

	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", head, broken[i].tail);
		CHECK(hr_answer_parse(text, strlen(text), "answer", &a, NULL, &err) == HR_E_PARSE);
		CHECK_STR_CONTAINS(err.message, broken[i].message);
	}
	/* a v1 answer knows no pagemap lines: they are ignored as the probe's extra lines are */
	snprintf(text, sizeof(text), "# headroom kernel answer v1\niomem_end 0xfff\nrequest 1 error -34\n"
		 "pagemap 0x1000 bogus\n");
	CHECK(hr_answer_parse(text, strlen(text), "answer", &a, NULL, &err) == HR_OK);
	CHECK(a.version == 1 && a.n_pagemaps == 0);
	hr_answer_free(&a);
	for (size_t i = 0; i < sizeof(bad_hmm) / sizeof(bad_hmm[0]); i++)
		CHECK(hr_test_hmm_parse(bad_hmm[i], strlen(bad_hmm[i]), "test-hmm", &th, NULL, &err) ==
		      HR_E_PARSE);
}

int main(void)
{
	test_parse_real();
	test_parse_broken();
	test_compare();
	test_compare_given();
	test_v2_real();
	test_v2_broken();
	CHECK_DONE();
}
