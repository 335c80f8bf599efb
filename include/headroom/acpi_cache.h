/* SPDX-License-Identifier: GPL-2.0-or-later */
/* acpiexec's answer kept for the next live audit: one file holding the answer of the last run and
 * everything that answer depends on (the program's file, its options, the commands, the AML bytes
 * in order), so that a hit is the answer the same run would give again (its output differs only
 * in what the reader does not read: the file names and the addresses ACPICA loaded the tables at).
 * Without it a live audit spends most of its time waiting for acpiexec (README, Benchmarks). */
#ifndef HEADROOM_ACPI_CACHE_H
#define HEADROOM_ACPI_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The directory: $HEADROOM_CACHE_DIR, or /var/cache/headroom when it is unset; NULL when it is
 * set empty (no cache). */
const char *hr_acpi_cache_dir(void);

/* What one acpiexec run depends on, written as it is learnt. */
struct hr_acpi_key {
	FILE *stream;		/* NULL: no key (no memory) */
	char *bytes;		/* the key, once closed */
	size_t len;
};

/* The program's options (NULL-terminated) and the commands. */
void hr_acpi_key_open(struct hr_acpi_key *key, const char *const *options,
		      const char *const *fills, size_t n_fills, const char *commands);
/* One AML table, in the order acpiexec is given them. */
void hr_acpi_key_add(struct hr_acpi_key *key, const void *table, size_t len);
/* The program's file last (its path, device, inode, size, modification and change times), and the
 * key whole in key->bytes; false when there is none (the file gone, or no memory). */
bool hr_acpi_key_close(struct hr_acpi_key *key, const char *program);
void hr_acpi_key_free(struct hr_acpi_key *key);

/* The answer kept under exactly this key into *answer (malloc'd, NUL-terminated); false when there
 * is none, it was kept under another key, or the directory or file could be another user's doing
 * (not ours, writable by others, a symbolic link, not a regular file, over 64 MiB). */
bool hr_acpi_cache_load(const char *dir, const struct hr_acpi_key *key, char **answer,
			size_t *len);

/* Keep answer under key, replacing what was kept (written aside, then renamed into place), in the
 * directory made 0700 if missing, and only if it is ours and writable by nobody else. A failure
 * leaves the cache as it was: it is only ever a shortcut. */
void hr_acpi_cache_store(const char *dir, const struct hr_acpi_key *key, const char *answer,
			 size_t len);

#endif
