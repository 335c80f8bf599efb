// SPDX-License-Identifier: GPL-2.0-or-later
/* One libFuzzer target for any parser that follows the contract (include/headroom/error.h), built
 * once per parser with FUZZ_HEADER, FUZZ_PARSE, FUZZ_OUT and FUZZ_FREE (tests/fuzz/CMakeLists.txt).
 * Beyond what the sanitizers catch, it checks the contract: whatever the status, the output can be
 * freed, and every message is valid UTF-8 naming the file. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include FUZZ_HEADER
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, no NUL after them: ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	FUZZ_OUT out;
	struct hr_diags diags = {0};
	struct hr_error err = {0};
	enum hr_status st;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	st = FUZZ_PARSE((const void *)buf, size, "/fuzz/input", &out, &diags, &err);
	if (st)
		fuzz_check_error(&err, "/fuzz/input");
	for (size_t i = 0; i < diags.count; i++)
		fuzz_check_error(&diags.items[i], "/fuzz/input");
	FUZZ_FREE(&out);
	hr_diags_free(&diags);
	free(buf);
	return 0;
}
