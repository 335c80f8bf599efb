/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A captured root packed into one fuzz input, so that libFuzzer can mutate whole machines. The
 * input is a run of records { u8 what; u16 length, little-endian; length bytes }: what is
 * kind << 5 | index into a list of at most 32 paths (root_image_paths, or a target's own);
 * kind 0 is a file holding the bytes, 1 a directory, 2 a FIFO, 3 a symbolic link to itself (a
 * loop). The first record for a path wins. pack-root writes such an image from a real root. */
#ifndef HEADROOM_FUZZ_ROOT_IMAGE_H
#define HEADROOM_FUZZ_ROOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum root_kind { ROOT_ABSENT, ROOT_FILE, ROOT_DIR, ROOT_FIFO, ROOT_LOOP };

extern const char *const root_image_paths[];
extern const size_t root_image_count;

/* Unpack into dir (which exists and is empty); kinds[i] receives what paths[i] became. Returns 0,
 * or -1 when the file system refused (not the input's fault). */
int root_image_unpack(const uint8_t *data, size_t size, const char *const *paths, size_t count,
		      const char *dir, enum root_kind *kinds);

/* Remove everything under dir, and dir. */
void root_image_remove(const char *dir);

/* A private directory for a target that makes files for every input, made by the first call and
 * removed at exit: on tmpfs (/dev/shm) where there is one, seven times faster than a disk's /tmp
 * for the PCI tree, else in /tmp. name goes into its name. */
const char *root_image_scratch(const char *name);

#endif
