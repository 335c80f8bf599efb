// SPDX-License-Identifier: GPL-2.0-or-later
/* Address widths as the CPU reports them: the first block of /proc/cpuinfo, and CPUID. */
#include <stdio.h>
#include <string.h>

#include "headroom/cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* One "key<tabs>: value" line; key and value trimmed, not NUL-terminated. */
struct field {
	const char *key, *value;
	size_t key_len, value_len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool split_field(const char *line, size_t len, struct field *f)
{
	const char *colon = memchr(line, ':', len), *end = line + len;

	if (!colon)
		return false;
	f->key = line;
	f->key_len = (size_t)(colon - line);
	while (f->key_len && is_space(line[f->key_len - 1]))
		f->key_len--;
	f->value = colon + 1;
	while (f->value < end && is_space(*f->value))
		f->value++;
	while (end > f->value && is_space(end[-1]))
		end--;
	f->value_len = (size_t)(end - f->value);
	return true;
}

static bool key_is(const struct field *f, const char *key)
{
	return f->key_len == strlen(key) && memcmp(f->key, key, f->key_len) == 0;
}

/* Whether word is one of the space-separated words of the value. */
static bool has_word(const struct field *f, const char *word)
{
	size_t n = strlen(word);
	const char *p = f->value, *end = f->value + f->value_len;

	while (p < end) {
		const char *w = p;

		while (p < end && !is_space(*p))
			p++;
		if ((size_t)(p - w) == n && memcmp(w, word, n) == 0)
			return true;
		while (p < end && is_space(*p))
			p++;
	}
	return false;
}

/* A decimal number of bits, 1..64, at *p; advances *p. */
static bool take_bits(const char **p, const char *end, int *out)
{
	int v = 0;
	const char *start = *p;

	while (*p < end && **p >= '0' && **p <= '9' && *p - start < 3)
		v = v * 10 + (*(*p)++ - '0');
	*out = v;
	return *p > start && v >= 1 && v <= 64;
}

static bool take_text(const char **p, const char *end, const char *text)
{
	size_t n = strlen(text);

	if ((size_t)(end - *p) < n || memcmp(*p, text, n) != 0)
		return false;
	*p += n;
	return true;
}

/* The value as text into buf (size bytes, cut to fit): bytes that are not UTF-8 text are
 * escaped, and reported. */
static void field_text(const struct field *f, char *buf, size_t size, const char *path,
		       unsigned line, struct hr_diags *diags)
{
	hr_quote(f->value, f->value_len, f->value_len, buf, size);
	if (!hr_is_plain_text(f->value, f->value_len))
		hr_diag_add(diags, HR_E_PARSE, path, line, "%.*s holds bytes that are not UTF-8 text, "
			    "kept escaped: \"%s\"", (int)f->key_len, f->key, buf);
}

/* Exactly "46 bits physical, 57 bits virtual", as arch/x86/kernel/cpu/proc.c prints it. */
static bool parse_address_sizes(const struct field *f, struct hr_cpuinfo *out)
{
	const char *p = f->value, *end = f->value + f->value_len;
	int phys, virt;

	if (!take_bits(&p, end, &phys) || !take_text(&p, end, " bits physical, ") ||
	    !take_bits(&p, end, &virt) || !take_text(&p, end, " bits virtual") || p != end)
		return false;
	out->phys_bits = phys;
	out->virt_bits = virt;
	return true;
}

enum hr_status hr_cpuinfo_parse(const char *buf, size_t len, const char *path,
				struct hr_cpuinfo *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	bool seen_sizes = false, seen_flags = false, in_block = false;
	unsigned line = 0;
	char quoted[256];

	if (!out)
		return hr_fail(err, HR_E_USAGE, path, 0, "no output");
	*out = (struct hr_cpuinfo){.phys_bits = -1, .virt_bits = -1};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct field f;

		line++;
		if (n == 0 || (n == 1 && p[0] == '\r')) {
			if (in_block)
				break;	/* the first processor block is over */
		} else if (split_field(p, n, &f)) {
			in_block = true;
			if (key_is(&f, "address sizes") && !seen_sizes) {
				seen_sizes = parse_address_sizes(&f, out);
				if (!seen_sizes)
					hr_diag_add(diags, HR_E_PARSE, path, line,
						    "address sizes: expected \"N bits physical, N bits "
						    "virtual\" with N in 1..64, got \"%s\", skipped",
						    hr_quote(f.value, f.value_len, 80, quoted, sizeof(quoted)));
			} else if (key_is(&f, "flags") && !seen_flags) {
				out->la57 = has_word(&f, "la57");
				out->hypervisor = has_word(&f, "hypervisor");
				seen_flags = true;
			} else if (key_is(&f, "CPU implementer")) {
				out->arm64 = true;
			} else if (key_is(&f, "vendor_id") && !out->vendor[0]) {
				/* CPUID leaf 0 names the vendor in 12 bytes */
				field_text(&f, quoted, sizeof(quoted), path, line, diags);
				if (strlen(quoted) >= sizeof(out->vendor))
					hr_diag_add(diags, HR_E_PARSE, path, line,
						    "vendor_id \"%s\" is longer than %zu characters, "
						    "skipped", hr_quote(f.value, f.value_len, 80, quoted,
									sizeof(quoted)),
						    sizeof(out->vendor) - 1);
				else
					memcpy(out->vendor, quoted, strlen(quoted) + 1);
			} else if (key_is(&f, "model name") && !out->model_name[0]) {
				/* Only advice reads it (which -cpu model a guest runs): cut, not refused. */
				field_text(&f, out->model_name, sizeof(out->model_name), path, line,
					   diags);
			}
		} else {
			in_block = true;
		}
		p = nl ? nl + 1 : end;
	}
	if (!seen_sizes && !seen_flags && !out->arm64)
		return hr_fail(err, HR_E_PARSE, path, 0,
			       "no \"address sizes\", \"flags\" or \"CPU implementer\" in the first "
			       "processor block");
	return HR_OK;
}

static const struct hr_cpuid_leaf *find_leaf(const struct hr_cpuid_leaves *leaves, unsigned leaf,
					     unsigned subleaf)
{
	for (size_t i = 0; i < leaves->count; i++)
		if (leaves->items[i].leaf == leaf && leaves->items[i].subleaf == subleaf)
			return &leaves->items[i];
	return NULL;
}

bool hr_cpuid_decode(const struct hr_cpuid_leaves *leaves, struct hr_cpuid *out)
{
	const struct hr_cpuid_leaf *sizes = find_leaf(leaves, 0x80000008, 0),
				   *ext7 = find_leaf(leaves, 7, 0), *basic = find_leaf(leaves, 1, 0),
				   *hv = find_leaf(leaves, 0x40000000, 0);

	*out = (struct hr_cpuid){.phys_bits = -1, .virt_bits = -1};
	if (!sizes)
		return false;
	out->phys_bits = (int)(sizes->eax & 0xff);
	out->virt_bits = (int)(sizes->eax >> 8 & 0xff);
	out->la57 = ext7 && (ext7->ecx >> 16 & 1);
	out->hypervisor = basic && (basic->ecx >> 31 & 1);
	if (out->hypervisor && hv) {
		memcpy(out->hypervisor_vendor, &hv->ebx, 4);
		memcpy(out->hypervisor_vendor + 4, &hv->ecx, 4);
		memcpy(out->hypervisor_vendor + 8, &hv->edx, 4);
		out->hypervisor_vendor[12] = '\0';
	}
	return true;
}

#if defined(__x86_64__) || defined(__i386__)
static void record(struct hr_cpuid_leaves *out, unsigned leaf, unsigned subleaf)
{
	struct hr_cpuid_leaf *l = &out->items[out->count++];

	l->leaf = leaf;
	l->subleaf = subleaf;
	__cpuid_count(leaf, subleaf, l->eax, l->ebx, l->ecx, l->edx);
}

bool hr_cpuid_execute(struct hr_cpuid_leaves *out)
{
	unsigned max_basic = __get_cpuid_max(0, NULL), max_ext = __get_cpuid_max(0x80000000, NULL);
	const struct hr_cpuid_leaf *basic;

	out->count = 0;
	record(out, 0, 0);
	record(out, 0x80000000, 0);
	if (max_ext >= 0x80000008)
		record(out, 0x80000008, 0);
	if (max_basic >= 1)
		record(out, 1, 0);
	if (max_basic >= 7)
		record(out, 7, 0);
	/* Hypervisor leaves are outside the basic range: only asked when the hypervisor bit is set. */
	basic = find_leaf(out, 1, 0);
	if (basic && basic->ecx >> 31 & 1)
		record(out, 0x40000000, 0);
	return true;
}
#else
bool hr_cpuid_execute(struct hr_cpuid_leaves *out)
{
	out->count = 0;
	return false;
}
#endif

bool hr_cpuid_read(struct hr_cpuid *out)
{
	struct hr_cpuid_leaves leaves;

	*out = (struct hr_cpuid){.phys_bits = -1, .virt_bits = -1};
	return hr_cpuid_execute(&leaves) && hr_cpuid_decode(&leaves, out);
}
