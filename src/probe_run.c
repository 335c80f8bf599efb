// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "headroom/rootfs.h"
#include "headroom_answer.h"
#include "probe_run.h"

extern char **environ;

/* Run argv with stdout and stderr appended to log; true when it exits 0. */
static bool run_logged(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;
	bool ok = false;

	if (posix_spawn_file_actions_init(&fa))
		return false;
	if (!posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0600) &&
	    !posix_spawn_file_actions_adddup2(&fa, 1, 2) &&
	    !posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) &&
	    posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0 &&
	    waitpid(pid, &status, 0) == pid)
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	posix_spawn_file_actions_destroy(&fa);
	return ok;
}

/* The module's sources (not its build products) into dir. */
static enum hr_status copy_sources(const char *from, const char *to, struct hr_error *err)
{
	static const char *const files[] = {"Kbuild", "headroom_probe.c", "headroom_answer.h"};
	char src[1024], dst[1024];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text;
		size_t len;
		FILE *out;
		bool written;

		snprintf(src, sizeof(src), "%s/%s", from, files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", to, files[i]);
		if (hr_read_path(src, 1 << 20, &text, &len, err))
			return err->status;
		out = fopen(dst, "we");
		written = out && fwrite(text, 1, len, out) == len;
		if (out && fclose(out) != 0)
			written = false;
		free(text);
		if (!written)
			return hr_fail(err, HR_E_IO, dst, 0, "cannot write: %s", strerror(errno));
	}
	return HR_OK;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1024];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (e->d_type == DT_DIR ||
			    (e->d_type == DT_UNKNOWN && lstat(path, &st) == 0 && S_ISDIR(st.st_mode)))
				remove_tree(path);
			else
				unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* The probe gives back every region it took: /proc/iomem must not name it any more. */
static enum hr_status check_released(char **answer, struct hr_error *err)
{
	struct hr_root live;
	char *iomem = NULL;
	enum hr_status st;

	hr_root_init(&live, "/", NULL);
	st = hr_read_file(&live, "/proc/iomem", 16u << 20, &iomem, NULL, err);
	if (!st && strstr(iomem, PROBE_MODULE))
		st = hr_fail(err, HR_E_IO, "/proc/iomem", 0, "a %s region is still there after rmmod",
			     PROBE_MODULE);
	free(iomem);
	if (st) {
		free(*answer);
		*answer = NULL;
	}
	return st;
}

static char *sizes_param(const uint64_t *sizes, size_t n)
{
	size_t len = 8 + n * 20;
	char *param = malloc(len), *p = param;

	if (!param)
		return NULL;
	p += snprintf(p, len, "sizes=");
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - param), "%s%#llx", i ? "," : "",
			      (unsigned long long)sizes[i]);
	return param;
}

static enum hr_status check_can_load(const struct hr_root *live, struct hr_error *err)
{
	char *flag;
	bool disabled;

	if (access("/proc/modules", F_OK) != 0)
		return hr_fail(err, HR_E_ACCESS, "/proc/modules", 0,
			       "this kernel cannot load modules (built without CONFIG_MODULES)");
	if (hr_read_file(live, "/proc/sys/kernel/modules_disabled", 64, &flag, NULL, NULL) == HR_OK) {
		disabled = flag[0] == '1';
		free(flag);
		if (disabled)
			return hr_fail(err, HR_E_ACCESS, "/proc/sys/kernel/modules_disabled", 0,
				       "module loading is switched off until the next boot");
	}
	if (access("/sys/module/" PROBE_MODULE, F_OK) == 0)
		return hr_fail(err, HR_E_USAGE, "/sys/module/" PROBE_MODULE, 0,
			       "the probe is already loaded: rmmod %s first", PROBE_MODULE);
	return HR_OK;
}

/* Build the module from probe_dir's sources in tmp, against the running kernel's headers. */
static enum hr_status build_probe(const char *probe_dir, const char *release, const char *tmp,
				  const char *log, struct hr_error *err)
{
	char kdir[512], mflag[600];

	snprintf(kdir, sizeof(kdir), "/lib/modules/%s/build", release);
	if (access(kdir, F_OK) != 0)
		return hr_fail(err, HR_E_NOENT, kdir, 0,
			       "the headers of the running kernel are not installed (Debian: apt-get "
			       "install linux-headers-%s)", release);
	if (copy_sources(probe_dir, tmp, err))
		return err->status;
	snprintf(mflag, sizeof(mflag), "M=%s", tmp);
	if (!run_logged((char *[]){"make", "-C", kdir, mflag, "modules", NULL}, log))
		return hr_fail(err, HR_E_IO, log, 0, "building the probe failed; the log is kept here");
	return HR_OK;
}

/* insmod, read the answer, rmmod. */
static enum hr_status ask(const struct hr_root *live, const char *ko, const uint64_t *sizes,
			  size_t n_sizes, const char *log, char **answer, struct hr_error *err)
{
	char *param = sizes_param(sizes, n_sizes);
	enum hr_status st;

	if (!param)
		return hr_fail(err, HR_E_NOMEM, "", 0, "out of memory");
	if (!run_logged((char *[]){"insmod", (char *)ko, param, NULL}, log)) {
		free(param);
		return hr_fail(err, HR_E_ACCESS, log, 0,
			       "the kernel refused the probe (module signing, lockdown or a missing "
			       "symbol); see this log");
	}
	free(param);
	st = hr_read_file(live, PROBE_ANSWER, HR_ANSWER_MAX, answer, NULL, err);
	if (!run_logged((char *[]){"rmmod", PROBE_MODULE, NULL}, log)) {
		if (!st)
			free(*answer);
		return hr_fail(err, HR_E_IO, log, 0, "rmmod %s failed; see this log", PROBE_MODULE);
	}
	return st ? st : check_released(answer, err);
}

enum hr_status probe_run(const char *probe_dir, const char *prebuilt, const char *release,
			 const uint64_t *sizes, size_t n_sizes, char **answer, struct hr_error *err)
{
	struct hr_root live;
	char tmp[] = "/tmp/headroom-probe.XXXXXX", log[600], ko[600];
	enum hr_status st;

	hr_root_init(&live, "/", NULL);
	st = check_can_load(&live, err);
	if (st)
		return st;
	if (!mkdtemp(tmp))
		return hr_fail(err, HR_E_IO, "/tmp", 0, "mkdtemp: %s", strerror(errno));
	snprintf(log, sizeof(log), "%s/probe.log", tmp);
	snprintf(ko, sizeof(ko), "%s/%s.ko", tmp, PROBE_MODULE);
	st = prebuilt ? HR_OK : build_probe(probe_dir, release, tmp, log, err);
	if (!st)
		st = ask(&live, prebuilt ? prebuilt : ko, sizes, n_sizes, log, answer, err);
	/* Keep the log of a failure that names it. */
	if (!st || strcmp(err->path, log) != 0)
		remove_tree(tmp);
	return st;
}
