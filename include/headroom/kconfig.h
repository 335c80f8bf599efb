/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's build configuration: /proc/config.gz or /boot/config-<release>. */
#ifndef HEADROOM_KCONFIG_H
#define HEADROOM_KCONFIG_H

#include <stddef.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"
#include "headroom/tristate.h"

struct hr_kconfig_entry {
	char *name;	/* without the CONFIG_ prefix */
	char *value;	/* "y", "m", a number or a quoted string; "n" for "is not set" */
};

struct hr_kconfig {
	struct hr_kconfig_entry *entries;	/* sorted by name */
	size_t count;
	char path[512];				/* where it was read, "" when not found */
	bool incomplete;	/* lines skipped, settings past the cap, or bytes that are not text */
};

/* Parse Kconfig text ("CONFIG_X=y", "# CONFIG_X is not set"). Bad lines go to diags. */
enum hr_status hr_kconfig_parse(const char *buf, size_t len, const char *path,
				struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err);

/* /proc/config.gz (zlib), else /boot/config-<release>. */
enum hr_status hr_kconfig_read(const struct hr_root *root, const char *release,
			       struct hr_kconfig *out, struct hr_diags *diags, struct hr_error *err);

/* The value of CONFIG_<name>, or NULL when the config does not mention it. */
const char *hr_kconfig_get(const struct hr_kconfig *config, const char *name);

/* y or m: HR_YES; "is not set" or absent from a config that was read: HR_NO; no config: HR_UNKNOWN. */
enum hr_tristate hr_kconfig_enabled(const struct hr_kconfig *config, const char *name);

void hr_kconfig_free(struct hr_kconfig *config);

#endif
