// SPDX-License-Identifier: GPL-2.0-or-later
/* `nvidia-smi -q` text: each "GPU 00000000:18:00.0" section's "FB Memory Usage" Total, the GPU's
 * memory as the driver sizes it (81559 MiB on an H100 80GB HBM3; its "BAR1 Memory Usage" Total,
 * 131072 MiB, is the BAR and is not taken). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/gpu.h"
#include "headroom/parse.h"

#define FB_SECTION "FB Memory Usage"
#define QUOTE_MAX 60

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* "00000000:3B:00.0" (nvidia-smi's eight-digit domain, upper case) as "0000:3b:00.0". */
static bool bus_id(const char *s, const char *end, char *out, size_t len)
{
	unsigned domain, bus, dev, func;
	char text[32];
	int used = 0;

	if (end <= s || (size_t)(end - s) >= sizeof(text))
		return false;
	memcpy(text, s, (size_t)(end - s));
	text[end - s] = '\0';
	if (sscanf(text, "%8x:%2x:%2x.%1x%n", &domain, &bus, &dev, &func, &used) != 4 ||
	    text[used] != '\0' || domain > 0xffff || dev > 0x1f || func > 7)
		return false;
	snprintf(out, len, "%04x:%02x:%02x.%x", domain, bus, dev, func);
	return true;
}

/* "Total : 81559 MiB" into bytes. */
static bool fb_total(const char *p, const char *eol, uint64_t *bytes)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p));
	unsigned long long mib;
	char text[40];
	int used = 0;
	size_t n;

	if (!colon)
		return false;
	colon = skip_blanks(colon + 1, eol);
	n = (size_t)(eol - colon);
	while (n && (colon[n - 1] == ' ' || colon[n - 1] == '\r'))
		n--;
	if (n >= sizeof(text))
		return false;
	memcpy(text, colon, n);
	text[n] = '\0';
	if (sscanf(text, "%llu MiB%n", &mib, &used) != 1 || text[used] != '\0' || mib == 0 ||
	    mib > HR_NVIDIA_SMI_MAX_MIB)
		return false;
	*bytes = (uint64_t)mib << 20;
	return true;
}

static bool line_is(const char *text, const char *eol, const char *want)
{
	size_t n = strlen(want);

	while (eol > text && (eol[-1] == ' ' || eol[-1] == '\r'))
		eol--;
	return (size_t)(eol - text) == n && memcmp(text, want, n) == 0;
}

/* A section that ended without its Total. */
static void section_done(const struct hr_nvidia_smi *out, bool open, const char *path,
			 struct hr_diags *diags)
{
	const struct hr_smi_gpu *g = out->count ? &out->items[out->count - 1] : NULL;

	if (open && g && !g->fb_line)
		hr_diag_add(diags, HR_E_PARSE, path, g->line, "GPU %s: no \"%s\" Total, skipped",
			    g->bdf, FB_SECTION);
}

enum hr_status hr_nvidia_smi_parse(const char *buf, size_t len, const char *path,
				   struct hr_nvidia_smi *out, struct hr_diags *diags,
				   struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	bool open = false, in_fb = false;
	unsigned lineno = 0;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	for (; p < end; p++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *text;
		char bdf[16], quoted[4 * QUOTE_MAX + 8];
		enum hr_status st;

		if (!eol)
			eol = end;
		lineno++;
		text = skip_blanks(p, eol);
		if (text == p && eol - p > 4 && memcmp(p, "GPU ", 4) == 0) {
			section_done(out, open, path, diags);
			open = in_fb = false;
			if (!bus_id(p + 4, eol, bdf, sizeof(bdf))) {
				hr_diag_add(diags, HR_E_PARSE, path, lineno, "not a GPU bus id: \"%s\"",
					    hr_quote(p, (size_t)(eol - p), QUOTE_MAX, quoted,
						     sizeof(quoted)));
			} else if ((st = hr_grow(&out->items, &cap, out->count, sizeof(*out->items),
						 HR_NVIDIA_SMI_MAX_GPUS)) != HR_OK) {
				if (st == HR_E_NOMEM) {
					hr_nvidia_smi_free(out);
					return hr_fail(err, st, path, lineno, "out of memory");
				}
				hr_diag_add(diags, st, path, lineno, "more than %d GPUs: the rest skipped",
					    HR_NVIDIA_SMI_MAX_GPUS);
				break;
			} else {
				struct hr_smi_gpu *g = &out->items[out->count++];

				memset(g, 0, sizeof(*g));
				memcpy(g->bdf, bdf, sizeof(g->bdf));
				g->line = lineno;
				open = true;
			}
		} else if (text - p <= 4) {
			in_fb = line_is(text, eol, FB_SECTION);
		} else if (in_fb && open && eol - text > 5 && memcmp(text, "Total", 5) == 0) {
			struct hr_smi_gpu *g = &out->items[out->count - 1];

			in_fb = false;
			g->fb_line = lineno;
			if (!fb_total(text, eol, &g->fb_total))
				hr_diag_add(diags, HR_E_PARSE, path, lineno,
					    "%s Total is not \"N MiB\": \"%s\"", FB_SECTION,
					    hr_quote(text, (size_t)(eol - text), QUOTE_MAX, quoted,
						     sizeof(quoted)));
		}
		p = eol;
	}
	section_done(out, open, path, diags);
	if (!out->count) {
		hr_nvidia_smi_free(out);
		return hr_fail(err, HR_E_PARSE, path, 0,
			       "no \"GPU BUS-ID\" section: not nvidia-smi -q output");
	}
	return HR_OK;
}

void hr_nvidia_smi_free(struct hr_nvidia_smi *smi)
{
	free(smi->items);
	memset(smi, 0, sizeof(*smi));
}
