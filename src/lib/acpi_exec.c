// SPDX-License-Identifier: GPL-2.0-or-later
/* Running acpiexec: a child with its output captured, never printed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "headroom/acpi_exec.h"

#define OUTPUT_MAX (16u << 20)	/* a large DSDT's resources print a few MiB at most */
#define MAX_FILES 64
/* The debugger echoes each command after its prompt "- ". help prints 6 KiB, more than the 4 KiB
 * stdio buffer acpiexec has on a pipe, so the echo of help comes out while help is still being
 * printed, after all that the commands before it printed. */
#define HELP_ECHO "\n- help\n"

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the pipe until EOF, the echo of help (*answered, the output cut after it), the cap or the
 * deadline. */
static enum hr_status drain(int fd, const char *prog, long long deadline, char **out, size_t *len,
			    bool *answered, struct hr_error *err)
{
	size_t cap = 1u << 16, used = 0;
	char *data = malloc(cap + 1), *echo;

	*answered = false;

	if (!data)
		return hr_fail(err, HR_E_NOMEM, prog, 0, "out of memory");
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		ssize_t got;
		size_t from;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			free(data);
			return hr_fail(err, HR_E_IO, prog, 0, "no answer within the time limit");
		}
		got = read(fd, data + used, cap - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		used += (size_t)got;
		/* From just before the new bytes: the echo may straddle two reads. */
		from = used - (size_t)got > strlen(HELP_ECHO) ? used - (size_t)got - strlen(HELP_ECHO) : 0;
		echo = memmem(data + from, used - from, HELP_ECHO, strlen(HELP_ECHO));
		if (echo) {
			used = (size_t)(echo - data) + strlen(HELP_ECHO);
			*answered = true;
			break;
		}
		if (used == cap) {
			char *bigger = cap >= OUTPUT_MAX ? NULL : realloc(data, cap * 2 + 1);

			if (!bigger) {
				free(data);
				return hr_fail(err, HR_E_RANGE, prog, 0, "printed more than %u bytes",
					       OUTPUT_MAX);
			}
			data = bigger;
			cap *= 2;
		}
	}
	data[used] = '\0';
	*out = data;
	*len = used;
	return HR_OK;
}

enum hr_status hr_acpiexec_run(const char *const *files, size_t n_files, const char *commands,
			       unsigned timeout_ms, char **out, size_t *len, struct hr_error *err)
{
	const char *prog = getenv("HEADROOM_ACPIEXEC");
	const char *argv[MAX_FILES + 4];
	posix_spawn_file_actions_t actions;
	int pipefd[2], in[2], status, rc;
	size_t n_commands = strlen(commands);
	pid_t pid;
	bool answered;
	enum hr_status st;

	*out = NULL;
	*len = 0;
	if (!prog || !*prog)
		prog = "acpiexec";
	if (n_files > MAX_FILES)
		return hr_fail(err, HR_E_RANGE, prog, 0, "more than %d AML tables", MAX_FILES);
	/* The commands must fit in the socket's buffer so that writing them cannot block. */
	if (n_commands > 4096)
		return hr_fail(err, HR_E_USAGE, prog, 0, "commands longer than a pipe holds");
	argv[0] = prog;
	argv[1] = "-vr";
	/* ACPICA's own tracking of every allocation, for its leak report at exit: half the CPU time
	 * on the q35 hotplug DSDT (9.7 ms, 4.6 ms without), and the run ends before that report. */
	argv[2] = "-dt";
	for (size_t i = 0; i < n_files; i++)
		argv[3 + i] = files[i];
	argv[3 + n_files] = NULL;

	if (pipe2(pipefd, O_CLOEXEC))
		return hr_fail(err, hr_status_from_errno(errno), prog, 0, "pipe: %s", strerror(errno));
	/* stdin is a socket so that a child gone early cannot raise SIGPIPE here (MSG_NOSIGNAL). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in)) {
		close(pipefd[0]);
		close(pipefd[1]);
		return hr_fail(err, hr_status_from_errno(errno), prog, 0, "pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, in[0], 0);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
	rc = posix_spawnp(&pid, prog, &actions, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	close(in[0]);
	if (rc) {
		close(pipefd[0]);
		close(in[1]);
		return hr_fail(err, rc == ENOENT ? HR_E_NOENT : hr_status_from_errno(rc), prog, 0,
			       "cannot run: %s", strerror(rc));
	}
	/* A short write means it exited before reading: its output and status say why. */
	(void)!send(in[1], commands, n_commands, MSG_NOSIGNAL);
	close(in[1]);
	st = drain(pipefd[0], prog, now_ms() + timeout_ms, out, len, &answered, err);
	close(pipefd[0]);
	/* Once help is echoed the answer is whole; what is left is help and ACPICA's exit, which
	 * polls its debugger thread with 100 ms sleeps (AcpiTerminateDebugger): most runs would
	 * idle there for longer than all the rest takes. */
	if (st || answered)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!st && !answered && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		/* 127 with no output: the exec failed in the child (posix_spawn reports it there when
		 * it cannot report it to the parent, e.g. under valgrind). */
		bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127 && !*len;

		free(*out);
		*out = NULL;
		*len = 0;
		st = missing ? hr_fail(err, HR_E_NOENT, prog, 0, "cannot run: not found")
		     : hr_fail(err, HR_E_IO, prog, 0, "failed (%s %d)",
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	return st;
}
