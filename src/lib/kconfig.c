// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/kconfig.h"
#include "headroom/parse.h"

#define KCONFIG_MAX_BYTES (8u << 20)
#define KCONFIG_MAX_ENTRIES (1u << 16)	/* a distribution config has about 10000 */

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hr_kconfig_entry *)a)->name,
		      ((const struct hr_kconfig_entry *)b)->name);
}

/* "CONFIG_X=v" or "# CONFIG_X is not set" into name/value; false for anything else. */
static bool split_line(const char *p, const char *eol, const char **name, size_t *name_len,
		       const char **value, size_t *value_len)
{
	static const char unset_prefix[] = "# CONFIG_", unset_suffix[] = " is not set";
	const size_t plen = sizeof(unset_prefix) - 1, slen = sizeof(unset_suffix) - 1;

	if ((size_t)(eol - p) > plen + slen && memcmp(p, unset_prefix, plen) == 0 &&
	    memcmp(eol - slen, unset_suffix, slen) == 0) {
		*name = p + plen;
		*name_len = (size_t)(eol - slen - *name);
		*value = "n";
		*value_len = 1;
		return true;
	}
	if (eol - p > 7 && memcmp(p, "CONFIG_", 7) == 0) {
		const char *eq = memchr(p, '=', (size_t)(eol - p));

		if (!eq || eq == p + 7)
			return false;
		*name = p + 7;
		*name_len = (size_t)(eq - *name);
		*value = eq + 1;
		*value_len = (size_t)(eol - *value);
		return true;
	}
	return false;
}

enum hr_status hr_kconfig_parse(const char *buf, size_t len, const char *path,
				struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err)
{
	const char *p = buf, *end = buf + len;
	struct hr_kconfig cfg = {0};
	size_t cap = 0;
	unsigned lineno = 0;

	*out = (struct hr_kconfig){0};
	if (!buf && len)
		return hr_fail(err, HR_E_USAGE, path, 0, "no buffer");

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *name, *value;
		size_t name_len, value_len;

		if (!eol)
			eol = end;
		lineno++;
		if (split_line(p, eol, &name, &name_len, &value, &value_len)) {
			enum hr_status grown = hr_grow(&cfg.entries, &cap, cfg.count,
						       sizeof(*cfg.entries), KCONFIG_MAX_ENTRIES);

			if (grown == HR_E_RANGE) {
				hr_diag_add(diags, HR_E_RANGE, path, lineno, "more than %u settings, the "
					    "rest is ignored", KCONFIG_MAX_ENTRIES);
				cfg.incomplete = true;
				break;
			}
			if (grown)
				goto nomem;
			bool name_escaped, value_escaped;

			cfg.entries[cfg.count].name = hr_quote_dup(name, name_len, &name_escaped);
			cfg.entries[cfg.count].value = hr_quote_dup(value, value_len, &value_escaped);
			if (!cfg.entries[cfg.count].name || !cfg.entries[cfg.count].value) {
				cfg.count++;
				goto nomem;
			}
			cfg.incomplete |= name_escaped || value_escaped;
			if (name_escaped || value_escaped)
				hr_diag_add(diags, HR_E_PARSE, path, lineno, "holds bytes that are not UTF-8 "
					    "text, kept escaped: CONFIG_%s=%s", cfg.entries[cfg.count].name,
					    cfg.entries[cfg.count].value);
			cfg.count++;
		} else if (eol > p && *p != '#') {
			char quoted[512];

			cfg.incomplete = true;
			hr_diag_add(diags, HR_E_PARSE, path, lineno, "not a Kconfig line, skipped: \"%s\"",
				    hr_quote(p, (size_t)(eol - p), 80, quoted, sizeof(quoted)));
		}
		p = eol + 1;
	}
	if (cfg.count == 0) {
		hr_kconfig_free(&cfg);
		return hr_fail(err, HR_E_PARSE, path, 0, "no CONFIG_ lines: not a kernel config");
	}
	qsort(cfg.entries, cfg.count, sizeof(*cfg.entries), entry_cmp);
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	*out = cfg;
	return HR_OK;
nomem:
	hr_kconfig_free(&cfg);
	return hr_fail(err, HR_E_NOMEM, path, 0, "out of memory");
}

enum hr_status hr_kconfig_read(const struct hr_root *root, const char *release,
			       struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err)
{
	char boot_path[256];
	char *buf = NULL;
	size_t len = 0;
	const char *path = "/proc/config.gz";
	enum hr_status st;

	*out = (struct hr_kconfig){0};
	st = hr_read_gz_file(root, path, KCONFIG_MAX_BYTES, &buf, &len, err);

	if (st == HR_E_NOENT && release && *release) {
		snprintf(boot_path, sizeof(boot_path), "/boot/config-%s", release);
		path = boot_path;
		st = hr_read_file(root, path, KCONFIG_MAX_BYTES, &buf, &len, err);
		if (st == HR_E_NOENT)
			return hr_fail(err, HR_E_NOENT, "/proc/config.gz", 0,
				       "no kernel config: neither /proc/config.gz nor %s exists", path);
	}
	if (st)
		return st;
	st = hr_kconfig_parse(buf, len, path, out, diags, err);
	free(buf);
	return st;
}

const char *hr_kconfig_get(const struct hr_kconfig *config, const char *name)
{
	struct hr_kconfig_entry key = {.name = (char *)name}, *hit;

	if (!config->count)
		return NULL;
	hit = bsearch(&key, config->entries, config->count, sizeof(key), entry_cmp);
	return hit ? hit->value : NULL;
}

enum hr_tristate hr_kconfig_enabled(const struct hr_kconfig *config, const char *name)
{
	const char *v;

	if (!config->count)
		return HR_UNKNOWN;
	v = hr_kconfig_get(config, name);
	if (v && (strcmp(v, "y") == 0 || strcmp(v, "m") == 0))
		return HR_YES;
	/* "is not set" is said outright; absent or garbled in a file read only in part, the lost
	 * line may have set it */
	return (v && strcmp(v, "n") == 0) || !config->incomplete ? HR_NO : HR_UNKNOWN;
}

void hr_kconfig_free(struct hr_kconfig *config)
{
	for (size_t i = 0; i < config->count; i++) {
		free(config->entries[i].name);
		free(config->entries[i].value);
	}
	free(config->entries);
	*config = (struct hr_kconfig){0};
}
