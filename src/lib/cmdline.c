// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <string.h>

#include "headroom/cmdline.h"

enum hr_status hr_cmdline_parse(const char *buf, size_t len, const char *path,
				struct hr_cmdline *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	char quoted[128];

	*out = (struct hr_cmdline){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");
	out->present = true;
	while (p < end) {
		const char *w;
		size_t n;

		while (p < end && isspace((unsigned char)*p))
			p++;
		for (w = p; p < end && !isspace((unsigned char)*p) && *p; p++)
			;
		n = (size_t)(p - w);
		if (p < end && !*p) {
			/* The kernel prints the command line as one string: a NUL is damage. */
			hr_diag_add(diags, HR_E_PARSE, path, 0, "NUL byte at offset %zu, read as a space",
				    (size_t)(p - buf));
			p++;
		}
		/* Everything after "--" goes to init, not the kernel. */
		if (n == 2 && memcmp(w, "--", 2) == 0)
			break;
		if (n == 7 && memcmp(w, "nokaslr", 7) == 0) {
			out->nokaslr = true;
		} else if (n > 4 && memcmp(w, "mem=", 4) == 0) {
			hr_quote(w + 4, n - 4, n - 4, quoted, sizeof(quoted));
			if (strlen(quoted) < sizeof(out->mem))
				memcpy(out->mem, quoted, strlen(quoted) + 1);
			else
				hr_diag_add(diags, HR_E_PARSE, path, 0, "mem=%s is longer than %zu "
					    "characters, skipped", hr_quote(w + 4, n - 4, 40, quoted,
									    sizeof(quoted)),
					    sizeof(out->mem) - 1);
		} else if (n > 7 && memcmp(w, "memmap=", 7) == 0) {
			out->memmap_count++;
		}
	}
	return HR_OK;
}
