// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared pieces of the parser contract (error.h, parse.h) and the 2^64 edges of the
 * arithmetic built on them. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <linux/btf.h>
#include "check.h"
#include "headroom/audit.h"
#include "headroom/kernel.h"
#include "headroom/parse.h"
#include "headroom/report.h"

static void test_numbers(void)
{
	uint64_t v;

	CHECK(hr_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(!hr_parse_u64("18446744073709551616", &v));
	CHECK(hr_parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
	CHECK(!hr_parse_u64("0x10000000000000000", &v));
	CHECK(!hr_parse_u64("-1", &v));
	CHECK(!hr_parse_u64("", &v));
	CHECK(!hr_parse_u64(" 1", &v));
	CHECK(hr_parse_size("16E", &v) == false);	/* 2^64: one past the largest */
	CHECK(hr_parse_size("15E", &v) && v == 15ull << 60);
	CHECK(hr_parse_size("4611686018427387904", &v) && v == 1ull << 62);
	CHECK(hr_parse_size("16GiB", &v) && v == 16ull << 30);
	CHECK(!hr_parse_size("16Q", &v));
}

/* Input text quoted in messages: valid UTF-8 kept, every other byte escaped, nothing dropped. */
static void test_quote(void)
{
	static const char bytes[] = "ok \xc3\xa9 \xff\x00\x1b[31m \\ \xe2\x82";
	char buf[128], small[8];
	bool escaped;
	char *dup;

	hr_quote(bytes, sizeof(bytes) - 1, 100, buf, sizeof(buf));
	CHECK(strcmp(buf, "ok \xc3\xa9 \\xff\\x00\\x1b[31m \\\\ \\xe2\\x82") == 0);
	/* Overlong forms and surrogates are not UTF-8. */
	hr_quote("\xc0\xaf\xed\xa0\x80", 5, 100, buf, sizeof(buf));
	CHECK(strcmp(buf, "\\xc0\\xaf\\xed\\xa0\\x80") == 0);
	/* At most max bytes, then "..."; never past the buffer, never half an escape. */
	hr_quote("abcdef", 6, 3, buf, sizeof(buf));
	CHECK(strcmp(buf, "abc...") == 0);
	hr_quote("\xff\xff\xff", 3, 3, small, sizeof(small));
	CHECK(strcmp(small, "\\xff...") == 0);
	hr_quote("", 0, 10, small, 1);
	CHECK(small[0] == '\0');

	dup = hr_quote_dup("System RAM", 10, &escaped);
	CHECK(dup && strcmp(dup, "System RAM") == 0 && !escaped);
	free(dup);
	dup = hr_quote_dup("PCI\xff" "Bus\0x", 9, &escaped);
	CHECK(dup && strcmp(dup, "PCI\\xffBus\\x00x") == 0 && escaped);
	free(dup);

	/* A string cut inside a character loses that character, never a whole one. */
	memcpy(small, "ab \xe2\x82\xac", 7);
	hr_trim_partial_utf8(small);
	CHECK(strcmp(small, "ab \xe2\x82\xac") == 0);
	small[5] = '\0';
	hr_trim_partial_utf8(small);
	CHECK(strcmp(small, "ab ") == 0);
}

static void test_status_from_errno(void)
{
	CHECK_U64(hr_status_from_errno(ENOENT), HR_E_NOENT);
	CHECK_U64(hr_status_from_errno(ENOTDIR), HR_E_NOENT);
	CHECK_U64(hr_status_from_errno(EACCES), HR_E_ACCESS);
	CHECK_U64(hr_status_from_errno(EPERM), HR_E_ACCESS);
	CHECK_U64(hr_status_from_errno(EISDIR), HR_E_TYPE);
	CHECK_U64(hr_status_from_errno(ENOMEM), HR_E_NOMEM);
	CHECK_U64(hr_status_from_errno(ELOOP), HR_E_IO);
	CHECK(hr_status_unreadable(HR_E_TYPE) && !hr_status_unreadable(HR_E_PARSE));
}

static void test_diags(void)
{
	struct hr_diags d = {0};

	/* diags may be NULL; past HR_DIAGS_PER_PATH one file's problems are counted, not kept. */
	hr_diag_add(NULL, HR_E_PARSE, "x", 1, "ignored");
	for (unsigned i = 0; i < HR_DIAGS_PER_PATH + 5; i++)
		hr_diag_add(&d, HR_E_PARSE, "/proc/iomem", i + 1, "line %u", i + 1);
	hr_diag_add(&d, HR_E_PARSE, "/proc/cpuinfo", 1, "another file still counts");
	CHECK_U64(d.count, HR_DIAGS_PER_PATH + 1);
	CHECK_U64(d.dropped, 5);
	CHECK(strcmp(d.items[d.count - 1].path, "/proc/cpuinfo") == 0);
	hr_diags_free(&d);

	/* A late step's problems moved back to where the step began: of a b c d e, c d e moved to
	 * index 1, before b, recorded meanwhile. Moving nothing (from the end) changes nothing. */
	for (unsigned i = 0; i < 5; i++)
		hr_diag_add(&d, HR_E_PARSE, "p", i, "%c", 'a' + i);
	hr_diags_move_back(&d, 2, 1);
	hr_diags_move_back(&d, 5, 3);
	for (unsigned i = 0; i < 5; i++)
		CHECK_U64(d.items[i].message[0], "acdeb"[i]);
	hr_diags_free(&d);
	hr_diags_move_back(&d, 0, 0);
}

static void test_grow(void)
{
	uint32_t *items = NULL;
	size_t cap = 0, count = 0;

	for (; count < 100; count++) {
		CHECK_U64(hr_grow(&items, &cap, count, sizeof(*items), 100), HR_OK);
		items[count] = (uint32_t)count;
	}
	CHECK_U64(cap, 100);	/* doubling, clipped at the cap */
	CHECK_U64(hr_grow(&items, &cap, count, sizeof(*items), 100), HR_E_RANGE);
	CHECK_U64(items[99], 99);
	free(items);
	items = NULL;
	cap = 0;
	CHECK_U64(hr_grow(&items, &cap, 0, SIZE_MAX / 2, SIZE_MAX), HR_E_NOMEM);
	CHECK(items == NULL && cap == 0);
}

static void test_range_sizes(void)
{
	char buf[32];

	CHECK_U64(hr_range_size((struct hr_range){0x1000, 0x1fff}), 0x1000);
	CHECK_U64(hr_range_size((struct hr_range){0, UINT64_MAX - 1}), UINT64_MAX);
	CHECK_U64(hr_range_size((struct hr_range){1, UINT64_MAX}), UINT64_MAX);
	CHECK_U64(hr_range_size((struct hr_range){0, UINT64_MAX}), UINT64_MAX);	/* saturated */
	CHECK(hr_range_is_everything((struct hr_range){0, UINT64_MAX}));
	CHECK(!hr_range_is_everything((struct hr_range){1, UINT64_MAX}));
	CHECK(strcmp(hr_format_range_size((struct hr_range){0, UINT64_MAX}, false, buf, sizeof(buf)),
		     "16 EiB") == 0);
	CHECK(strcmp(hr_format_range_size((struct hr_range){0, UINT64_MAX}, true, buf, sizeof(buf)),
		     "18446744073709551616 B") == 0);
	/* Near 2^64 the hundredths are computed without overflow, and truncated. */
	CHECK(strcmp(hr_format_size(UINT64_MAX, false, buf, sizeof(buf)), "15.99 EiB") == 0);
	CHECK(strcmp(hr_format_size(15ull << 60 | 1ull << 59, false, buf, sizeof(buf)), "15.50 EiB") == 0);
	CHECK(strcmp(hr_format_size(1ull << 62, false, buf, sizeof(buf)), "4 EiB") == 0);
}

static void test_request_limits(void)
{
	struct hr_error err;

	CHECK_U64(hr_request_check(1, &err), HR_OK);
	CHECK_U64(hr_request_check(HR_REQUEST_LIMIT - 1, &err), HR_OK);
	CHECK_U64(hr_request_check(HR_REQUEST_LIMIT, &err), HR_E_RANGE);
	CHECK_STR_CONTAINS(err.message, "beyond any physical address space");
	CHECK_U64(hr_request_check(UINT64_MAX, &err), HR_E_RANGE);
	CHECK_U64(hr_request_check(0, &err), HR_E_RANGE);
}

/* kallsyms: a line longer than the kernel prints is one skipped line, not a symbol. */
static void test_kallsyms_lines(void)
{
	char text[2200];
	struct hr_symbol_set set;
	struct hr_diags d = {0};
	int n;

	memset(text, 'x', sizeof(text));
	n = snprintf(text + 1500, 200, " T physmem_end\nffffffff81000000 T direct_map_physmem_end\n");
	CHECK_U64(hr_kallsyms_parse(text, 1500 + (size_t)n, "/proc/kallsyms", &set, &d, NULL), HR_OK);
	CHECK(!set.found[HR_SYM_PHYSMEM_END]);
	CHECK(set.found[HR_SYM_DIRECT_MAP_PHYSMEM_END]);
	CHECK_U64(set.address[HR_SYM_DIRECT_MAP_PHYSMEM_END], 0xffffffff81000000);
	CHECK_U64(d.count, 1);
	if (d.count) {
		CHECK_U64(d.items[0].line, 1);
		CHECK_STR_CONTAINS(d.items[0].message, "longer than 1024 bytes");
	}
	hr_diags_free(&d);
	/* Module symbols (a fourth field) are not the kernel's. */
	CHECK_U64(hr_kallsyms_parse("ffffffffc0000000 t physmem_end [kvm]\n", 37, "k", &set, NULL,
				    NULL), HR_OK);
	CHECK(!set.found[HR_SYM_PHYSMEM_END]);
}

/* BTF: every header offset is checked before use. */
static void test_btf_header(void)
{
	/* magic, version 1, flags, hdr_len 24, type_off 0, type_len 12, str_off 12, str_len 2^32-1 */
	static const unsigned char lying[36] = {
		0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
	};
	struct hr_symbol_set set;
	struct hr_error err;

	CHECK_U64(hr_btf_parse((const char *)lying, sizeof(lying), "btf", &set, NULL, &err),
		  HR_E_TRUNCATED);
	CHECK_STR_CONTAINS(err.message, "run past the end");
	CHECK_U64(hr_btf_parse("", 0, "btf", &set, NULL, &err), HR_E_TRUNCATED);
}

/* A BTF blob of one type record (name_off, info) and the string section strs (strs_len bytes). */
static size_t btf_blob(unsigned char *buf, uint32_t name_off, uint32_t info, const char *strs,
		       uint32_t strs_len)
{
	const uint32_t header[6] = {0x0001eb9f, 24, 0, 12, 12, strs_len};
	const uint32_t type[3] = {name_off, info, 0};

	memcpy(buf, header, sizeof(header));
	memcpy(buf + 24, type, sizeof(type));
	memcpy(buf + 36, strs, strs_len);
	return 36 + strs_len;
}

/* BTF: the types are walked only when a function's name is in the strings, and then exactly: a
 * record of an unknown kind is found only by a walk, and a name_off inside a longer string names
 * what follows it. */
static void test_btf_walk(void)
{
	static const char absent[] = "\0other_function";
	static const char inside[] = "\0xmemremap_device_private_pagemap";
	unsigned char buf[128];
	struct hr_symbol_set set;
	struct hr_error err;
	size_t len;

	len = btf_blob(buf, 0, 31u << 24, absent, sizeof(absent));
	CHECK_U64(hr_btf_parse((const char *)buf, len, "btf", &set, NULL, &err), HR_OK);
	CHECK(!set.found[HR_SYM_NEW_SCHEME]);
	len = btf_blob(buf, 0, 31u << 24, inside, sizeof(inside));
	CHECK_U64(hr_btf_parse((const char *)buf, len, "btf", &set, NULL, &err), HR_E_PARSE);
	CHECK_STR_CONTAINS(err.message, "unknown kind 31");
	len = btf_blob(buf, 2, (uint32_t)BTF_KIND_FUNC << 24, inside, sizeof(inside));
	CHECK_U64(hr_btf_parse((const char *)buf, len, "btf", &set, NULL, &err), HR_OK);
	CHECK(set.found[HR_SYM_NEW_SCHEME]);
	len = btf_blob(buf, 1, (uint32_t)BTF_KIND_FUNC << 24, inside, sizeof(inside));
	CHECK_U64(hr_btf_parse((const char *)buf, len, "btf", &set, NULL, &err), HR_OK);
	CHECK(!set.found[HR_SYM_NEW_SCHEME]);
}

int main(void)
{
	test_numbers();
	test_quote();
	test_status_from_errno();
	test_diags();
	test_grow();
	test_range_sizes();
	test_request_limits();
	test_kallsyms_lines();
	test_btf_header();
	test_btf_walk();
	CHECK_DONE();
}
