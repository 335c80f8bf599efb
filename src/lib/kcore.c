// SPDX-License-Identifier: GPL-2.0-or-later
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "headroom/kcore.h"

#define KCORE_PATH "/proc/kcore"

static bool read_exact(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

enum hr_status hr_kcore_read_u64(const struct hr_root *root, uint64_t vaddr, uint64_t *value,
				 struct hr_error *err)
{
	char full[1024];
	Elf64_Ehdr eh;
	enum hr_status st = hr_root_path(root, KCORE_PATH, full, sizeof(full), err);
	int fd;

	if (st)
		return st;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hr_fail(err, hr_status_from_errno(errno), KCORE_PATH, 0, "cannot open: %s",
			       strerror(errno));
	st = hr_fail(err, HR_E_RANGE, KCORE_PATH, 0, "no segment maps address %#llx",
		     (unsigned long long)vaddr);
	if (!read_exact(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr)) {
		st = hr_fail(err, HR_E_PARSE, KCORE_PATH, 0, "not a 64-bit ELF core");
		goto out;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (!read_exact(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph)))) {
			st = hr_fail(err, HR_E_TRUNCATED, KCORE_PATH, 0, "program header %u unreadable", i);
			goto out;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz < 8 || vaddr < ph.p_vaddr ||
		    vaddr - ph.p_vaddr > ph.p_memsz - 8)
			continue;
		if (!read_exact(fd, value, sizeof(*value), (off_t)(ph.p_offset + (vaddr - ph.p_vaddr))))
			st = hr_fail(err, HR_E_IO, KCORE_PATH, 0, "read at %#llx failed: %s",
				     (unsigned long long)vaddr, strerror(errno));
		else
			st = HR_OK;
		break;
	}
out:
	close(fd);
	return st;
}
