// SPDX-License-Identifier: GPL-2.0-or-later
/* Reports streamed into the fleet roll-up through yajl's event parser. Nothing is built per
 * report: only the fields the roll-up counts are copied as they go by, so memory stays bounded and
 * 10^5 reports take seconds (parsing each one into a jansson tree took 11 s for 10^5 alone). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yajl/yajl_parse.h>

#include "headroom/fleet.h"
#include "headroom/parse.h"

#define MAX_NESTING 16		/* reports nest 5 deep */
#define MAX_DIR_DEPTH 32
#define CHUNK (64u << 10)
#define UNMATCHED '\x01'	/* a path component too long to keep: matches no field */

struct walker {
	struct hr_fleet *fleet;
	const char *file;
	unsigned line;			/* the line being fed */
	unsigned record_line;		/* where the report being read started */
	char path[256];			/* "machine.kernel_release", "requests[].legacy.verdict" */
	size_t len, base[MAX_NESTING];	/* base[d]: path length where container d began */
	int depth;
	size_t record_bytes;
	struct hr_fleet_host host;	/* the report being read */
	char code[32], message[512], gpu[160];	/* the finding or GPU being read */
	enum hr_status failed;		/* set when the walker stopped for want of memory */
	char why[160];			/* set when the walker stopped on a record that is no report */
};

/* Copy a JSON string into a buffer, cut at a UTF-8 character boundary when it does not fit. */
static void copy_text(char *dst, size_t size, const unsigned char *s, size_t len)
{
	if (len >= size) {
		len = size - 1;
		while (len > 0 && (s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static bool at(const struct walker *w, const char *path)
{
	return strcmp(w->path, path) == 0;
}

static bool text_is(const unsigned char *s, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(s, text, len) == 0;
}

/* A size from 2^63 on is a hex string in the report (schema: $defs/size). */
static void hex_size(const unsigned char *s, size_t len, bool *have, uint64_t *out)
{
	uint64_t v;

	if (hr_parse_hex((const char *)s, (const char *)s + len, &v)) {
		*out = v;
		if (have)
			*have = true;
	}
}

static int stop(struct walker *w, const char *why)
{
	snprintf(w->why, sizeof(w->why), "%s", why);
	return 0;
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct walker *w = ctx;
	struct hr_fleet_host *h = &w->host;

	if (w->depth == 0)
		return stop(w, "a JSON string where a report should start");
	if (at(w, "schema"))
		h->is_report = text_is(s, len, "headroom/report-v1");
	else if (at(w, "host"))
		copy_text(h->host, sizeof(h->host), s, len);
	else if (at(w, "machine.kernel_release"))
		copy_text(h->kernel, sizeof(h->kernel), s, len);
	else if (at(w, "machine.hypervisor"))
		copy_text(h->hypervisor, sizeof(h->hypervisor), s, len);
	else if (at(w, "requests[].legacy.verdict")) {
		h->requests++;
		h->legacy_failing += !text_is(s, len, "fits");
	} else if (at(w, "requests[].new_scheme.verdict"))
		h->new_failing += !text_is(s, len, "fits");
	else if (at(w, "scheme"))
		h->scheme_new = text_is(s, len, "new");
	else if (at(w, "verdict.fix.change"))
		copy_text(h->fix, sizeof(h->fix), s, len);
	else if (at(w, "findings[].code"))
		copy_text(w->code, sizeof(w->code), s, len);
	else if (at(w, "findings[].message"))
		copy_text(w->message, sizeof(w->message), s, len);
	else if (at(w, "gpus[].name"))
		copy_text(w->gpu, sizeof(w->gpu), s, len);
	else if (at(w, "free.total"))
		hex_size(s, len, &h->have_free, &h->free_total);
	else if (at(w, "free.largest.size"))
		hex_size(s, len, NULL, &h->largest_gap);
	return 1;
}

static int on_integer(void *ctx, long long v)
{
	struct walker *w = ctx;

	if (w->depth == 0)
		return stop(w, "a JSON number where a report should start");
	if (at(w, "machine.phys_bits"))
		w->host.phys_bits = v >= 0 && v <= 64 ? (int)v : -1;
	else if (at(w, "free.total")) {
		w->host.have_free = true;
		w->host.free_total = v < 0 ? 0 : (uint64_t)v;
	} else if (at(w, "free.largest.size"))
		w->host.largest_gap = v < 0 ? 0 : (uint64_t)v;
	return 1;
}

static int on_double(void *ctx, double v)
{
	(void)v;
	return ((struct walker *)ctx)->depth ? 1 : stop(ctx, "a JSON number where a report should start");
}

static int on_boolean(void *ctx, int v)
{
	struct walker *w = ctx;

	if (w->depth == 0)
		return stop(w, "a JSON boolean where a report should start");
	if (at(w, "inconclusive"))
		w->host.inconclusive = v;
	else if (at(w, "kernel.device_private"))
		w->host.device_private_off = !v;
	else if (at(w, "verdict.possible"))
		w->host.possible = v;
	else if (at(w, "gpus[].fails")) {
		w->host.gpu_fails |= v;
		w->host.gpus_failing += v != 0;
	}
	else if (at(w, "machine.guest"))
		w->host.guest = v;
	return 1;
}

static int on_null(void *ctx)
{
	return ((struct walker *)ctx)->depth ? 1 : stop(ctx, "a JSON null where a report should start");
}

static int open_container(struct walker *w, const char *suffix)
{
	if (w->depth == MAX_NESTING)
		return stop(w, "nested deeper than any report");
	w->base[w->depth++] = w->len;
	w->len += (size_t)snprintf(w->path + w->len, sizeof(w->path) - w->len, "%s", suffix);
	if (w->len >= sizeof(w->path))
		return stop(w, "nested deeper than any report");
	return 1;
}

static int close_container(struct walker *w)
{
	w->len = w->base[--w->depth];
	w->path[w->len] = '\0';
	return 1;
}

static int on_start_map(void *ctx)
{
	struct walker *w = ctx;

	if (w->depth == 0) {
		memset(&w->host, 0, sizeof(w->host));
		w->host.phys_bits = -1;
		w->host.possible = -1;
		w->host.guest = -1;
		snprintf(w->host.source, sizeof(w->host.source), "%s:%u", w->file, w->line);
		w->record_line = w->line;
	}
	/* a finding or a GPU starts afresh; maps nested in them (a GPU's vram) do not */
	if (at(w, "findings[]") || at(w, "gpus[]"))
		w->code[0] = w->message[0] = w->gpu[0] = '\0';
	return open_container(w, "");
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct walker *w = ctx;
	size_t room = sizeof(w->path) - w->base[w->depth - 1] - 2;

	w->len = w->base[w->depth - 1];
	if (w->len)
		w->path[w->len++] = '.';
	if (len > room || memchr(key, '\0', len)) {
		w->path[w->len++] = UNMATCHED;
	} else {
		memcpy(w->path + w->len, key, len);
		w->len += len;
	}
	w->path[w->len] = '\0';
	return 1;
}

static void end_finding(struct walker *w)
{
	struct hr_fleet_host *h = &w->host;

	if (strncmp(w->code, "advice-", 7) != 0 || h->n_advice == HR_FLEET_HOST_ADVICE)
		return;
	snprintf(h->advice[h->n_advice].code, sizeof(h->advice[0].code), "%s", w->code);
	snprintf(h->advice[h->n_advice].message, sizeof(h->advice[0].message), "%s", w->message);
	h->n_advice++;
}

static void end_gpu(struct walker *w)
{
	struct hr_fleet_host *h = &w->host;
	const char *model = w->gpu[0] ? w->gpu : "unknown";

	h->gpus++;
	for (unsigned i = 0; i < h->n_gpu_models; i++)
		if (strcmp(h->gpu_models[i], model) == 0)
			return;
	if (h->n_gpu_models < HR_FLEET_HOST_GPUS)
		snprintf(h->gpu_models[h->n_gpu_models++], sizeof(h->gpu_models[0]), "%s", model);
}

static int on_end_map(void *ctx)
{
	struct walker *w = ctx;

	close_container(w);
	if (at(w, "findings[]"))
		end_finding(w);
	else if (at(w, "gpus[]"))
		end_gpu(w);
	else if (w->depth == 0 && !w->host.is_report)
		return stop(w, "not a headroom report (no \"schema\": \"headroom/report-v1\")");
	else if (w->depth == 0)
		w->failed = hr_fleet_add(w->fleet, &w->host);
	return !w->failed;
}

static int on_start_array(void *ctx)
{
	struct walker *w = ctx;

	return w->depth ? open_container(w, "[]") : stop(w, "a JSON array where a report should start");
}

static int on_end_array(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null, .yajl_boolean = on_boolean, .yajl_integer = on_integer,
	.yajl_double = on_double, .yajl_string = on_string, .yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key, .yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array, .yajl_end_array = on_end_array,
};

static yajl_handle new_parser(struct walker *w)
{
	yajl_handle h = yajl_alloc(&callbacks, NULL, w);

	if (h)
		yajl_config(h, yajl_allow_multiple_values, 1);
	w->depth = 0;
	w->len = 0;
	w->path[0] = '\0';
	w->why[0] = '\0';
	return h;
}

/* The parser stopped at w->line: describe why; the caller skips to the next report. */
static void bad_record(struct walker *w, yajl_handle h)
{
	unsigned char *msg;

	if (w->why[0]) {
		hr_fleet_bad(w->fleet, w->file, w->line, "%s", w->why);
		return;
	}
	msg = yajl_get_error(h, 0, NULL, 0);
	hr_fleet_bad(w->fleet, w->file, w->line, "not JSON: %.*s", msg ? (int)strcspn((char *)msg, "\n") : 1,
		     msg ? (const char *)msg : "?");
	if (msg)
		yajl_free_error(h, msg);
}

/* Inside a report that broke, the lines that carry on with it (indented, or closing it). */
static bool continues_report(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '}' || c == ']' || c == ',';
}

/* Feed the stream a line at a time (a long line in pieces), so errors name their line. A report
 * starts with "{" in column 1, in JSON Lines as in pretty-printed reports; after a bad record the
 * lines that carry on with it are skipped, and any other line is a bad record of its own. */
enum hr_status hr_fleet_read_stream(struct hr_fleet *fleet, FILE *in, const char *name,
				    struct hr_error *err)
{
	struct walker *w = calloc(1, sizeof(*w));
	unsigned char *buf = malloc(CHUNK);
	yajl_handle parser = NULL;
	bool line_start = true, skipping = false;
	enum hr_status st = HR_OK;
	size_t got;

	if (w) {
		w->fleet = fleet;
		w->file = name;
		w->line = 1;
		parser = new_parser(w);
	}
	if (!buf || !parser) {
		st = hr_fail(err, HR_E_NOMEM, name, 0, "out of memory");
		goto out;
	}
	while (!st && (got = fread(buf, 1, CHUNK, in)) > 0) {
		/* gzip's magic: a capture bundle, one line that says what to run instead of a
		 * bad record for every line of binary. */
		if (w->line == 1 && line_start && got >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
			st = hr_fail(err, HR_E_PARSE, name, 0, "a capture bundle, not a report: 'headroom "
				     "-s %s --format jsonl' writes its report", name);
			break;
		}
		for (size_t pos = 0; pos < got && !st;) {
			unsigned char *nl = memchr(buf + pos, '\n', got - pos);
			size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : got - pos;

			if (line_start && buf[pos] == '{' && (skipping || w->depth)) {
				if (!skipping)
					hr_fleet_bad(fleet, name, w->record_line, "the report ends early: "
						     "another starts at line %u", w->line);
				skipping = false;
				yajl_free(parser);
				parser = new_parser(w);
				if (!parser)
					st = hr_fail(err, HR_E_NOMEM, name, 0, "out of memory");
			} else if (line_start && skipping && !continues_report(buf[pos])) {
				hr_fleet_bad(fleet, name, w->line, "not a report");
			}
			if (!skipping && !st) {
				w->record_bytes = w->depth ? w->record_bytes + n : n;
				if (w->record_bytes > HR_FLEET_MAX_RECORD) {
					hr_fleet_bad(fleet, name, w->line, "a report larger than %u bytes",
						     HR_FLEET_MAX_RECORD);
					skipping = true;
				} else if (yajl_parse(parser, buf + pos, n) != yajl_status_ok) {
					if (w->failed)
						st = hr_fail(err, w->failed, name, w->line, "out of memory");
					else
						bad_record(w, parser);
					skipping = true;
				}
			}
			line_start = nl != NULL;
			w->line += nl != NULL;
			pos += n;
		}
	}
	if (!st && ferror(in))
		st = hr_fail(err, HR_E_IO, name, w->line, "read failed: %s", strerror(errno));
	else if (!st && !skipping && w->depth)
		hr_fleet_bad(fleet, name, w->record_line, "the input ends inside this report");
out:
	if (parser)
		yajl_free(parser);
	free(buf);
	free(w);
	return st;
}

static bool is_report_file(const char *name)
{
	static const char *const suffixes[] = {".json", ".jsonl", ".ndjson"};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
			return true;
	}
	return false;
}

static enum hr_status read_path(struct hr_fleet *fleet, const char *path, unsigned depth,
				struct hr_error *err);

/* Every report file under dir, in name order; symbolic links to directories are not followed. */
static enum hr_status read_dir(struct hr_fleet *fleet, const char *dir, unsigned depth,
			       struct hr_error *err)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	enum hr_status st = HR_OK;

	if (n < 0)
		return hr_fail(err, hr_status_from_errno(errno), dir, 0, "cannot read the directory: %s",
			       strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char child[4096];
		struct stat lst, st_child;
		struct hr_error child_err;

		if (!st && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
		    snprintf(child, sizeof(child), "%s/%s", dir, name) < (int)sizeof(child) &&
		    lstat(child, &lst) == 0 && stat(child, &st_child) == 0 &&
		    ((S_ISDIR(lst.st_mode) && depth < MAX_DIR_DEPTH) ||
		     (S_ISREG(st_child.st_mode) && is_report_file(name)))) {
			st = read_path(fleet, child, depth + 1, &child_err);
			/* A file that cannot be opened is reported and counted; memory is fatal. */
			if (st && st != HR_E_NOMEM) {
				hr_fleet_bad(fleet, child, 0, "%s", child_err.message);
				st = HR_OK;
			} else if (st) {
				*err = child_err;
			}
		}
		free(names[i]);
	}
	free(names);
	return st;
}

static enum hr_status read_path(struct hr_fleet *fleet, const char *path, unsigned depth,
				struct hr_error *err)
{
	struct stat sb;
	enum hr_status st;
	FILE *in;

	if (strcmp(path, "-") == 0)
		return hr_fleet_read_stream(fleet, stdin, "(stdin)", err);
	if (stat(path, &sb) != 0)
		return hr_fail(err, hr_status_from_errno(errno), path, 0, "cannot open: %s",
			       strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return read_dir(fleet, path, depth, err);
	in = fopen(path, "re");
	if (!in)
		return hr_fail(err, hr_status_from_errno(errno), path, 0, "cannot open: %s",
			       strerror(errno));
	st = hr_fleet_read_stream(fleet, in, path, err);
	fclose(in);
	return st;
}

enum hr_status hr_fleet_read(struct hr_fleet *fleet, const char *path, struct hr_error *err)
{
	return read_path(fleet, path, 0, err);
}
