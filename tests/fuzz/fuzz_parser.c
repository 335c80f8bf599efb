// SPDX-License-Identifier: GPL-2.0-or-later
/* One libFuzzer target for any parser that follows the contract (include/headroom/error.h), built
 * once per parser with FUZZ_HEADER, FUZZ_PARSE, FUZZ_OUT and FUZZ_FREE (tests/fuzz/CMakeLists.txt).
 * Beyond what the sanitizers catch, it checks the contract: whatever the status, the output can be
 * freed (the parser zeroes it on entry: it starts as garbage here), and every message is valid
 * UTF-8 naming the file. FUZZ_APPENDS: the parser appends to an output the caller zeroed.
 * FUZZ_NO_ACPIEXEC: AML in the input is not handed to acpiexec (whose output has its own target).
 * FUZZ_CHECK_OUT: a function (in a source of the target) asserting more about the output. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include FUZZ_HEADER
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef FUZZ_CHECK_OUT
void FUZZ_CHECK_OUT(const FUZZ_OUT *out);
#endif

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
#ifdef FUZZ_APPENDS
	memset(&out, 0, sizeof(out));
#else
	memset(&out, 0xa5, sizeof(out));
#endif
#ifdef FUZZ_NO_ACPIEXEC
	setenv("HEADROOM_ACPIEXEC", "/nonexistent/acpiexec", 1);
#endif
	st = FUZZ_PARSE((const void *)buf, size, "/fuzz/input", &out, &diags, &err);
	if (st)
		fuzz_check_error(&err, "/fuzz/input");
	for (size_t i = 0; i < diags.count; i++)
		fuzz_check_error(&diags.items[i], "/fuzz/input");
#ifdef FUZZ_CHECK_OUT
	FUZZ_CHECK_OUT(&out);
#endif
	FUZZ_FREE(&out);
	hr_diags_free(&diags);
	free(buf);
	return 0;
}
