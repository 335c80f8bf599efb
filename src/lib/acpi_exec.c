// SPDX-License-Identifier: GPL-2.0-or-later
/* Running acpiexec: a child with its output captured, never printed. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "headroom/acpi_exec.h"

#define OUTPUT_MAX (16u << 20)	/* what is kept; a large DSDT's resources print a few MiB at most */
#define MAX_FILES 64
#define COMMANDS_MAX 4096	/* what a socket's buffer holds, so that sending them cannot block */
#define OUTPUT_PIPE (1 << 20)	/* /proc/sys/fs/pipe-max-size by default: what anyone may ask for */
/* The debugger echoes each command after its prompt "- ". help prints 6 KiB, more than the 4 KiB
 * stdio buffer acpiexec has on a pipe, so the echo of help comes out while help is still being
 * printed, after all that the commands before it printed. */
#define HELP_ECHO "\n- help\n"
/* -vr prints one line per operation-region access: 130 000 on a board whose _INI and _CRS poll
 * registers, 5 MiB before the first command. The parser needs to know only that one happened. */
#define REGION_TRACE "AcpiExec: "

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What is kept of the output: every line, except that a run of region-trace lines is kept as its
 * first, so that what is kept grows with what the commands print, not with what the AML polls. */
struct kept {
	char *data;
	size_t cap, used;	/* data[0..used): kept lines, then the last line not yet ended */
	size_t done;		/* data[0..done): kept whole lines */
	bool in_trace;		/* the last kept line is a region-trace line */
};

/* Filter the whole lines in data[done..used) in place. */
static void keep_lines(struct kept *k)
{
	size_t from = k->done, to = k->done;

	for (;;) {
		char *nl = memchr(k->data + from, '\n', k->used - from);
		size_t n;
		bool trace;

		if (!nl)
			break;
		n = (size_t)(nl - (k->data + from)) + 1;
		trace = n > strlen(REGION_TRACE) &&
			!memcmp(k->data + from, REGION_TRACE, strlen(REGION_TRACE));
		if (!(trace && k->in_trace)) {
			memmove(k->data + to, k->data + from, n);
			to += n;
		}
		k->in_trace = trace;
		from += n;
	}
	memmove(k->data + to, k->data + from, k->used - from);
	k->used = to + (k->used - from);
	k->done = to;
}

/* One child's output being read. */
struct reader {
	struct kept k;
	bool answered;		/* the echo of help was read: the output is cut after it */
	bool done;		/* answered or EOF */
};

/* One read from fd into r, up to EOF or the echo of help. */
static enum hr_status read_some(int fd, struct reader *r, const char *prog, struct hr_error *err)
{
	struct kept *k = &r->k;
	ssize_t got = read(fd, k->data + k->used, k->cap - k->used);
	size_t from;
	char *echo;

	if (got < 0 && errno == EINTR)
		return HR_OK;
	if (got <= 0) {
		r->done = true;
		return HR_OK;
	}
	k->used += (size_t)got;
	/* From just before the new lines: the echo may straddle two reads. */
	from = k->done > strlen(HELP_ECHO) ? k->done - strlen(HELP_ECHO) : 0;
	keep_lines(k);
	if (memmem(k->data + from, k->done - from, HR_ACPIEXEC_STOPPED, strlen(HR_ACPIEXEC_STOPPED)))
		return hr_fail(err, HR_E_IO, prog, 0, "an AML BreakPoint still held its debugger after "
			       "every go command");
	echo = memmem(k->data + from, k->done - from, HELP_ECHO, strlen(HELP_ECHO));
	if (echo) {
		k->used = (size_t)(echo - k->data) + strlen(HELP_ECHO);
		r->answered = r->done = true;
	} else if (k->used == k->cap) {
		char *bigger = k->cap >= OUTPUT_MAX ? NULL : realloc(k->data, k->cap * 2 + 1);

		if (!bigger && k->cap < OUTPUT_MAX)
			return hr_fail(err, HR_E_NOMEM, prog, 0, "out of memory");
		if (!bigger)
			return hr_fail(err, HR_E_RANGE, prog, 0, "printed more than %u bytes besides "
				       "its region trace", OUTPUT_MAX);
		k->data = bigger;
		k->cap *= 2;
	}
	return HR_OK;
}

/* Read every child's pipe at once (one that waits on a full pipe would wait for the others to
 * end) until each reaches EOF or the echo of help, or the deadline. */
static enum hr_status drain(struct hr_acpiexec *runs, size_t n, long long deadline,
			    struct reader *readers, struct hr_error *err)
{
	struct pollfd p[HR_ACPIEXEC_FILLS];

	for (size_t i = 0; i < n; i++) {
		readers[i].k = (struct kept){.cap = 1u << 16};
		readers[i].k.data = malloc(readers[i].k.cap + 1);
		if (!readers[i].k.data)
			return hr_fail(err, HR_E_NOMEM, runs[i].prog, 0, "out of memory");
	}
	for (;;) {
		size_t waiting = 0;
		long long left = deadline - now_ms();

		for (size_t i = 0; i < n; i++)
			if (!readers[i].done)
				p[waiting++] = (struct pollfd){.fd = runs[i].out, .events = POLLIN};
		if (!waiting)
			return HR_OK;
		if (left <= 0 || poll(p, waiting, (int)left) == 0)
			return hr_fail(err, HR_E_IO, runs[0].prog, 0, "no answer within the time "
				       "limit");
		for (size_t i = 0, j = 0; i < n; i++) {
			enum hr_status st;

			if (readers[i].done)
				continue;
			if (p[j++].revents && (st = read_some(runs[i].out, &readers[i], runs[i].prog,
							       err)))
				return st;
		}
	}
}

static bool executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* PROG as posix_spawnp would find it (the first executable regular file of that name along PATH),
 * searched before the spawn thread starts so that a missing program is known at once, and so that
 * the file the cache's key names is the one run. False when no directory holds it. */
static bool find_program(const char *prog, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *dir, *end;

	if (strchr(prog, '/'))
		return snprintf(path, size, "%s", prog) < (int)size;
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (dir = dirs; ; dir = end + 1) {
		end = strchrnul(dir, ':');
		/* An empty entry is the current directory, as for execvp. */
		if (snprintf(path, size, "%.*s%s%s", (int)(end - dir), dir, end > dir ? "/" : "",
			     prog) < (int)size && executable_file(path))
			return true;
		if (!*end)
			return false;
	}
}

/* posix_spawn returns once the child has exec'd. On the 2-CPU VM of the benchmark that wait was
 * 1.2 to 2.3 ms of an 8 ms live audit in most runs (the child started on the idle CPU, then the
 * parent woken there; 0.15 ms when both stayed on one), so a thread waits for it while the
 * caller reads its other inputs. */
struct hr_acpiexec_spawn {
	pthread_t thread;
	bool threaded;		/* else spawn_child ran in the caller */
	char path[4096];
	char *argv[MAX_FILES + 10];	/* the program, hr_acpiexec_options, -fv FILL, the files, NULL */
	char commands[COMMANDS_MAX + 1];
	posix_spawn_file_actions_t actions;
	int child_stdin, child_stdout, commands_to;	/* the child's ends, and ours of its stdin */
	pid_t pid;
	int rc;			/* posix_spawn's */
};

static void spawn_free(struct hr_acpiexec_spawn *s)
{
	for (size_t i = 0; i < sizeof(s->argv) / sizeof(s->argv[0]); i++)
		free(s->argv[i]);
	posix_spawn_file_actions_destroy(&s->actions);
	free(s);
}

static void *spawn_child(void *arg)
{
	struct hr_acpiexec_spawn *s = arg;

	s->rc = posix_spawn(&s->pid, s->path, &s->actions, NULL, s->argv, environ);
	close(s->child_stdin);
	close(s->child_stdout);
	/* A short write means it exited before reading: its output and status say why. */
	if (!s->rc)
		(void)!send(s->commands_to, s->commands, strlen(s->commands), MSG_NOSIGNAL);
	close(s->commands_to);
	return NULL;
}

/* -dt: ACPICA's own tracking of every allocation, for its leak report at exit, is half the CPU
 * time on the q35 hotplug DSDT (9.7 ms, 4.6 ms without), and the run ends before it. -to 1: a
 * While that polls a register the simulation never sets runs until ACPICA's loop timeout (10 s
 * by default) aborts its method; ThinkPads' _INI has three such loops, which took 30 s. What the
 * loop would have read is the live machine's anyway. */
const char *const hr_acpiexec_options[] = {"-vr", "-dt", "-to", "1", NULL};

/* What the simulated operation regions hold in each run (-fv): every bit clear, every bit set. */
const char *const hr_acpiexec_fills[HR_ACPIEXEC_FILLS] = {"0", "0xff"};

/* The job for spawn_child in *job, its pipes made, ours of its output in *out. */
static enum hr_status spawn_job(const char *prog, const char *path, const char *const *files,
				size_t n_files, const char *fill, const char *commands, struct hr_acpiexec_spawn **job,
				int *out, struct hr_error *err)
{
	struct hr_acpiexec_spawn *s = calloc(1, sizeof(*s));
	enum hr_status st;
	int pipefd[2], in[2];
	size_t n = 0;

	if (!s)
		return hr_fail(err, HR_E_NOMEM, prog, 0, "out of memory");
	posix_spawn_file_actions_init(&s->actions);
	snprintf(s->commands, sizeof(s->commands), "%s", commands);
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->argv[n++] = strdup(prog);
	for (size_t i = 0; hr_acpiexec_options[i]; i++)
		s->argv[n++] = strdup(hr_acpiexec_options[i]);
	if (fill) {
		s->argv[n++] = strdup("-fv");
		s->argv[n++] = strdup(fill);
	}
	for (size_t i = 0; i < n_files; i++)
		s->argv[n++] = strdup(files[i]);
	for (size_t i = 0; i < n; i++)
		if (!s->argv[i]) {
			st = hr_fail(err, HR_E_NOMEM, prog, 0, "out of memory");
			goto fail;
		}
	if (pipe2(pipefd, O_CLOEXEC)) {
		st = hr_fail(err, hr_status_from_errno(errno), prog, 0, "pipe: %s", strerror(errno));
		goto fail;
	}
	/* Room for all it prints (100 KiB for QEMU's hotplug DSDT; 64 KiB is the default), so that it
	 * need not wait for hr_acpiexec_finish to read; where the kernel refuses, it merely waits. */
	(void)fcntl(pipefd[0], F_SETPIPE_SZ, OUTPUT_PIPE);
	/* stdin is a socket so that a child gone early cannot raise SIGPIPE here (MSG_NOSIGNAL). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in)) {
		st = hr_fail(err, hr_status_from_errno(errno), prog, 0, "pipe: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		goto fail;
	}
	/* Without its dup2s the child would print into the report. The caller opens files while the
	 * thread spawns, not all of them close-on-exec (libpci's): none above 2 passes. */
	if (posix_spawn_file_actions_adddup2(&s->actions, in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&s->actions, pipefd[1], 1) ||
	    posix_spawn_file_actions_adddup2(&s->actions, pipefd[1], 2) ||
	    posix_spawn_file_actions_addclosefrom_np(&s->actions, 3)) {
		st = hr_fail(err, HR_E_NOMEM, prog, 0, "out of memory");
		close(pipefd[0]);
		close(pipefd[1]);
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	s->child_stdin = in[0];
	s->child_stdout = pipefd[1];
	s->commands_to = in[1];
	*out = pipefd[0];
	*job = s;
	return HR_OK;
fail:
	spawn_free(s);
	return st;
}

static const char *program_name(void)
{
	const char *prog = getenv("HEADROOM_ACPIEXEC");

	return prog && *prog ? prog : "acpiexec";
}

enum hr_status hr_acpiexec_program(char *path, size_t size, struct hr_error *err)
{
	const char *prog = program_name();

	if (!find_program(prog, path, size))
		return hr_fail(err, HR_E_NOENT, prog, 0, "cannot run: %s", strerror(ENOENT));
	return HR_OK;
}

enum hr_status hr_acpiexec_start(const char *program, const char *const *files, size_t n_files,
				 const char *fill, const char *commands, struct hr_acpiexec *run,
				 struct hr_error *err)
{
	const char *prog = program_name();
	enum hr_status st;

	run->pid = -1;
	run->out = -1;
	run->spawn = NULL;
	snprintf(run->prog, sizeof(run->prog), "%s", prog);
	if (n_files > MAX_FILES)
		return hr_fail(err, HR_E_RANGE, prog, 0, "more than %d AML tables", MAX_FILES);
	/* The commands must fit in the socket's buffer so that writing them cannot block. */
	if (strlen(commands) > COMMANDS_MAX)
		return hr_fail(err, HR_E_USAGE, prog, 0, "commands longer than a pipe holds");
	st = spawn_job(prog, program, files, n_files, fill, commands, &run->spawn, &run->out, err);
	if (st)
		return st;
	/* Without a thread, the caller waits for the exec itself. */
	run->spawn->threaded = !pthread_create(&run->spawn->thread, NULL, spawn_child, run->spawn);
	if (!run->spawn->threaded)
		spawn_child(run->spawn);
	return HR_OK;
}

/* Wait for the spawn thread: the child's pid, or why it could not be started. */
static enum hr_status spawned(struct hr_acpiexec *run, struct hr_error *err)
{
	struct hr_acpiexec_spawn *s = run->spawn;
	int rc;

	if (!s)
		return hr_fail(err, HR_E_USAGE, run->prog, 0, "not started");
	if (s->threaded)
		pthread_join(s->thread, NULL);
	rc = s->rc;
	run->pid = rc ? -1 : s->pid;
	spawn_free(s);
	run->spawn = NULL;
	if (rc)
		return hr_fail(err, rc == ENOENT ? HR_E_NOENT : hr_status_from_errno(rc), run->prog, 0,
			       "cannot run: %s", strerror(rc));
	return HR_OK;
}

/* Reap a child that was started: killed first unless it ended by itself (*status). */
static void reap(struct hr_acpiexec *run, bool kill_it, int *status)
{
	if (kill_it)
		kill(run->pid, SIGKILL);
	while (waitpid(run->pid, status, 0) < 0 && errno == EINTR)
		;
	run->pid = -1;
	close(run->out);
	run->out = -1;
}

enum hr_status hr_acpiexec_finish(struct hr_acpiexec *runs, size_t n, unsigned timeout_ms,
				  char **out, size_t *len, struct hr_error *err)
{
	struct reader readers[HR_ACPIEXEC_FILLS] = {0};
	enum hr_status st = n > HR_ACPIEXEC_FILLS ? hr_fail(err, HR_E_USAGE, runs[0].prog, 0,
							    "more than %d runs", HR_ACPIEXEC_FILLS)
			    : HR_OK;
	size_t total = 0;
	char *joined;

	*out = NULL;
	*len = 0;
	/* Every thread is joined, every child reaped, whatever fails. */
	for (size_t i = 0; i < n && i < HR_ACPIEXEC_FILLS; i++) {
		struct hr_error e;

		if (spawned(&runs[i], &e)) {
			close(runs[i].out);
			runs[i].out = -1;
			if (!st)
				st = e.status, *err = e;
		}
	}
	if (!st)
		st = drain(runs, n, now_ms() + timeout_ms, readers, err);
	for (size_t i = 0; i < n && i < HR_ACPIEXEC_FILLS; i++) {
		const char *prog = runs[i].prog;
		int status = 0;

		if (runs[i].pid < 0)
			continue;
		/* Once help is echoed the answer is whole; what is left is help and ACPICA's exit,
		 * which polls its debugger thread with 100 ms sleeps (AcpiTerminateDebugger): most
		 * runs would idle there for longer than all the rest takes. */
		reap(&runs[i], st || readers[i].answered, &status);
		if (st || readers[i].answered || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
			continue;
		/* 127 with no output: the exec failed in the child (posix_spawn reports it there when
		 * it cannot report it to the parent, e.g. under valgrind). */
		st = WIFEXITED(status) && WEXITSTATUS(status) == 127 && !readers[i].k.used
		     ? hr_fail(err, HR_E_NOENT, prog, 0, "cannot run: not found")
		     : hr_fail(err, HR_E_IO, prog, 0, "failed (%s %d)",
			       WIFEXITED(status) ? "exit status" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	for (size_t i = 0; i < n && i < HR_ACPIEXEC_FILLS; i++)
		total += readers[i].k.used + 1;
	joined = st ? NULL : malloc(total);
	if (!st && !joined)
		st = hr_fail(err, HR_E_NOMEM, runs[0].prog, 0, "out of memory");
	for (size_t i = 0; i < n && i < HR_ACPIEXEC_FILLS; i++) {
		if (joined) {
			memcpy(joined + *len, readers[i].k.data, readers[i].k.used);
			*len += readers[i].k.used;
			joined[(*len)++] = '\0';
		}
		free(readers[i].k.data);
	}
	if (joined) {
		(*len)--;	/* the last NUL ends the string, as for one output */
		*out = joined;
	}
	return st;
}
