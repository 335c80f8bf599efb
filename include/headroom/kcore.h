/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel memory read through /proc/kcore. */
#ifndef HEADROOM_KCORE_H
#define HEADROOM_KCORE_H

#include <stdint.h>
#include "headroom/error.h"
#include "headroom/rootfs.h"

/* Read 8 bytes at a kernel virtual address through /proc/kcore (live machine, root). */
enum hr_status hr_kcore_read_u64(const struct hr_root *root, uint64_t vaddr, uint64_t *value,
				 struct hr_error *err);

#endif
