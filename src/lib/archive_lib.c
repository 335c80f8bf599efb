// SPDX-License-Identifier: GPL-2.0-or-later
#include <dlfcn.h>
#include <stdbool.h>

#include "archive_lib.h"

/* The library's ABI since libarchive 3.0 (2011). */
#define LIBARCHIVE_SONAME "libarchive.so.13"

enum hr_status hr_archive_open(const struct hr_archive **lib, const char *path,
			       struct hr_error *err)
{
	static struct hr_archive loaded;
	static bool done;
	const char *missing = NULL;
	void *handle;

	*lib = done ? &loaded : NULL;
	if (done)
		return HR_OK;
	handle = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return hr_fail(err, HR_E_NOENT, path, 0, "capture bundles need libarchive: %s",
			       dlerror());
#define HR_ARCHIVE_LOAD(name) \
	loaded.name = (__typeof__(loaded.name))dlsym(handle, #name); \
	if (!loaded.name && !missing) \
		missing = #name;
	HR_ARCHIVE_FUNCTIONS(HR_ARCHIVE_LOAD)
#undef HR_ARCHIVE_LOAD
	if (missing) {
		dlclose(handle);
		return hr_fail(err, HR_E_NOENT, path, 0, "%s has no %s", LIBARCHIVE_SONAME, missing);
	}
	done = true;
	*lib = &loaded;
	return HR_OK;
}
