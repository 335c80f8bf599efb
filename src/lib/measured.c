// SPDX-License-Identifier: GPL-2.0-or-later
/* The measured facts a capture carries: CPUID leaves and /proc/kcore readings, as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/measured.h"
#include "headroom/parse.h"

#define MAGIC "# headroom measured v1"
#define MAX_WORDS 7

char *hr_measured_format(const struct hr_measured *m)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (!out)
		return NULL;
	fprintf(out, "%s\n", MAGIC);
	for (size_t i = 0; i < m->cpuid.count; i++) {
		const struct hr_cpuid_leaf *l = &m->cpuid.items[i];

		fprintf(out, "cpuid 0x%08x 0x%x 0x%08x 0x%08x 0x%08x 0x%08x\n", l->leaf, l->subleaf,
			l->eax, l->ebx, l->ecx, l->edx);
	}
	for (int s = 0; s < HR_SYM_COUNT; s++)
		if (m->have_reading[s])
			fprintf(out, "kcore %s 0x%llx\n", hr_symbol_name(s),
				(unsigned long long)m->reading[s]);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Split [p, end) at single spaces into at most MAX_WORDS words; the count, or -1 for more. */
static int split_words(const char *p, const char *end, const char *word[], const char *word_end[])
{
	int n = 0;

	while (p < end) {
		const char *space = memchr(p, ' ', (size_t)(end - p));

		if (n == MAX_WORDS)
			return -1;
		word[n] = p;
		word_end[n++] = space ? space : end;
		p = space ? space + 1 : end;
	}
	return n;
}

static bool hex32(const char *s, const char *end, unsigned *out)
{
	uint64_t v;

	if (!hr_parse_hex(s, end, &v) || v > 0xffffffffu)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_cpuid(const char *word[], const char *word_end[], int n, struct hr_measured *m)
{
	struct hr_cpuid_leaf l;
	unsigned *fields[] = {&l.leaf, &l.subleaf, &l.eax, &l.ebx, &l.ecx, &l.edx};

	if (n != 7 || m->cpuid.count == HR_CPUID_MAX_LEAVES)
		return false;
	for (int i = 0; i < 6; i++)
		if (!hex32(word[i + 1], word_end[i + 1], fields[i]))
			return false;
	m->cpuid.items[m->cpuid.count++] = l;
	return true;
}

static bool parse_kcore(const char *word[], const char *word_end[], int n, struct hr_measured *m)
{
	if (n != 3)
		return false;
	for (int s = 0; s < HR_SYM_COUNT; s++) {
		const char *name = hr_symbol_name(s);

		if ((size_t)(word_end[1] - word[1]) == strlen(name) &&
		    memcmp(word[1], name, strlen(name)) == 0 &&
		    hr_parse_hex(word[2], word_end[2], &m->reading[s]))
			return m->have_reading[s] = true;
	}
	return false;
}

enum hr_status hr_measured_parse(const char *buf, size_t len, const char *path,
				 struct hr_measured *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;

	if (!out)
		return hr_fail(err, HR_E_USAGE, path, 0, "no output");
	memset(out, 0, sizeof(*out));
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		const char *word[MAX_WORDS], *word_end[MAX_WORDS];
		int n = split_words(p, eol, word, word_end);
		char quoted[100];

		if (++line == 1 && ((size_t)(eol - p) != strlen(MAGIC) || memcmp(p, MAGIC, strlen(MAGIC))))
			return hr_fail(err, HR_E_PARSE, path, 1, "expected \"%s\" on the first line", MAGIC);
		if (line > 1 && eol > p && *p != '#' && !(n > 0 && word_end[0] - word[0] == 5 &&
		      ((memcmp(word[0], "cpuid", 5) == 0 && parse_cpuid(word, word_end, n, out)) ||
		       (memcmp(word[0], "kcore", 5) == 0 && parse_kcore(word, word_end, n, out)))))
			hr_diag_add(diags, HR_E_PARSE, path, line, "expected \"cpuid LEAF SUBLEAF EAX EBX "
				    "ECX EDX\" or \"kcore SYMBOL VALUE\" (at most %d leaves), got \"%s\"",
				    HR_CPUID_MAX_LEAVES, hr_quote(p, (size_t)(eol - p), 60, quoted,
								  sizeof(quoted)));
		p = nl ? nl + 1 : end;
	}
	if (line == 0)
		return hr_fail(err, HR_E_PARSE, path, 0, "empty: expected \"%s\"", MAGIC);
	return HR_OK;
}
