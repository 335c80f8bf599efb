/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Errors and diagnostics. The library never prints and never exits: a fatal problem fills a
 * caller-owned hr_error; a problem that leaves the rest of the input usable goes to hr_diags.
 *
 * THE PARSER CONTRACT: every parser and reader in the library follows it.
 *
 *   enum hr_status hr_X_parse(const char *buf, size_t len, const char *path, struct hr_X *out,
 *                             struct hr_diags *diags, struct hr_error *err);
 *   enum hr_status hr_X_read(const struct hr_root *root, ..., struct hr_X *out,
 *                            struct hr_diags *diags, struct hr_error *err);
 *   void hr_X_free(struct hr_X *x);
 *
 * 1. Input: (buf, len), never a NUL-terminated assumption: buf may hold NUL bytes, need not end
 *    in one, and is only read in [buf, buf + len). Binary formats check every offset and count
 *    with overflow-safe arithmetic (__builtin_add_overflow, __builtin_mul_overflow) before
 *    using it. path only names the source in messages.
 * 2. Output: *out is zeroed (or set to its documented "unknown" values) on entry, before any
 *    check, and is safe to pass to hr_X_free() whatever the status; on failure it owns nothing.
 *    Arrays grow geometrically with hr_grow() (parse.h) and have a hard cap on their length:
 *    reaching it is a diagnostic, not a failure.
 * 3. A bad record (line, entry, table) is skipped with one diagnostic naming the file and the
 *    line (or the byte offset, as "at offset N"), and the rest is kept. Input text quoted in a
 *    message goes through hr_quote(): bytes that are not printable UTF-8 are escaped (\xNN),
 *    never dropped and never copied raw, so every message is valid UTF-8.
 * 4. A fatal problem (nothing usable, or the whole input has the wrong shape) returns a precise
 *    status and fills err (path, line when it is about one, message). Statuses are the enum below;
 *    errno values from system calls become statuses through hr_status_from_errno(), nowhere else.
 * 5. diags and err may both be NULL. Running out of memory is HR_E_NOMEM with everything freed.
 * 6. Readers go through the root prefix (rootfs.h: hr_read_file() and friends), which refuse
 *    anything but a regular file (HR_E_TYPE) without blocking on it, and cap the size
 *    (HR_E_RANGE); they return the same statuses as the parser they feed.
 * 7. Limits (sizes, counts, requests) are enforced here in the library, never only in the CLI.
 */
#ifndef HEADROOM_ERROR_H
#define HEADROOM_ERROR_H

#include <stdbool.h>
#include <stddef.h>

enum hr_status {
	HR_OK = 0,
	HR_E_NOENT,	/* file missing */
	HR_E_ACCESS,	/* no permission, or the kernel hid the data (zeroed addresses) */
	HR_E_IO,	/* read error */
	HR_E_PARSE,	/* malformed content */
	HR_E_TRUNCATED,	/* shorter than its own header says */
	HR_E_RANGE,	/* a value outside what the format or the machine allows */
	HR_E_NOMEM,
	HR_E_USAGE,	/* bad argument from the caller */
	HR_E_TYPE,	/* not a regular file where one is expected (FIFO, directory, device) */
};

/* The status for an errno value from open(), read(), scandir()...: the only such mapping. */
enum hr_status hr_status_from_errno(int errnum);

/* Whether the input could not be read at all (missing, forbidden, I/O error, not a regular file),
 * as opposed to read and found invalid: "input-unreadable" versus "input-invalid". */
bool hr_status_unreadable(enum hr_status status);

struct hr_error {
	enum hr_status status;
	char path[512];		/* the file at its real path (without the root prefix), or "" */
	unsigned line;		/* 1-based line, 0 when not about a line */
	char message[256];
};

/* Fill err (if not NULL) and return status. */
enum hr_status hr_fail(struct hr_error *err, enum hr_status status, const char *path,
		       unsigned line, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "PATH:LINE: MESSAGE" or "PATH: MESSAGE" into buf. */
const char *hr_error_text(const struct hr_error *err, char *buf, size_t len);

const char *hr_status_name(enum hr_status status);

/* The bytes [s, s + len) as text safe in any message: printable ASCII and valid UTF-8 as they are,
 * every other byte (control characters, NUL, invalid UTF-8) as \xNN and a backslash as \\; at most
 * max input bytes, then "...". Returns buf, always NUL-terminated (size >= 1). */
const char *hr_quote(const char *s, size_t len, size_t max, char *buf, size_t size);

/* A string cut to fit its buffer may end inside a UTF-8 sequence: drop that partial sequence. */
void hr_trim_partial_utf8(char *s);

/* Whether hr_quote() leaves [s, s + len) as it is (printable UTF-8 text, no backslash). */
bool hr_is_plain_text(const char *s, size_t len);

/* The whole of [s, s + len) through hr_quote() into a malloc'd string (NULL when out of memory);
 * *escaped tells whether anything had to be escaped. For names kept from the inputs. */
char *hr_quote_dup(const char *s, size_t len, bool *escaped);

/* Non-fatal problems collected while reading inputs. */
struct hr_diags {
	struct hr_error *items;
	size_t count, cap;
	size_t dropped;		/* not recorded: past HR_DIAGS_PER_PATH, or out of memory */
};

#define HR_DIAGS_PER_PATH 32	/* a file broken on every line says so 32 times, then counts */

/* Record a problem (diags may be NULL); one that cannot be kept is counted in dropped. */
void hr_diag_add(struct hr_diags *diags, enum hr_status status, const char *path, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void hr_diag_add_error(struct hr_diags *diags, const struct hr_error *err);
void hr_diags_free(struct hr_diags *diags);

/* Move the diagnostics recorded from index from on to index at (at <= from), before those
 * recorded between: for a step that finished late but whose problems belong at an earlier point
 * in the list. The per-path limit was counted as they were recorded. */
void hr_diags_move_back(struct hr_diags *diags, size_t from, size_t at);

#endif
