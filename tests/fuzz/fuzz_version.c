// SPDX-License-Identifier: GPL-2.0-or-later
/* The version strings: osrelease, /proc/version and /proc/version_signature, the input split at
 * NUL bytes into the three. A guessed version keeps the release's X.Y. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 3), *release, *version, *signature, source[160];
	struct hr_kver rel, v;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = text[size + 1] = text[size + 2] = '\0';
	release = text;
	version = release + strlen(release) + 1;
	signature = version + strlen(version) + 1;
	if (hr_kernel_version_guess(release, *version ? version : NULL,
				    *signature ? signature : NULL, &v, source, sizeof(source))) {
		char formatted[32];

		if (!hr_kver_parse(release, &rel) || rel.major != v.major || rel.minor != v.minor ||
		    !source[0])
			abort();
		hr_kver_format(v, formatted, sizeof(formatted));
		if (hr_kver_cmp(v, v) != 0)
			abort();
	}
	free(text);
	return 0;
}
