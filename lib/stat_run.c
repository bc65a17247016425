// SPDX-License-Identifier: GPL-2.0
/* dsamig stat's action: see stat_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "stat_run.h"
#include "stats_json.h"

#define DRAIN_NS	(200 * 1000000ULL)

/* Fork and exec @argv; an exec failure's errno comes back through *err_pipe. */
static pid_t spawn(char *const argv[], int *err_pipe)
{
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int e;

		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(pfd[0]);
		execvp(argv[0], argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(DSAMIG_EXIT_NOT_FOUND);
		_exit(DSAMIG_EXIT_NOT_FOUND);
	}
	close(pfd[1]);
	*err_pipe = pfd[0];
	return pid;
}

/* The Unix time now, with its sub-second part. */
static double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int dsamig_stat_run(struct dsamig_session *s, char *const argv[], struct dsamig_stat_result *r)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	int err = 0, err_pipe = -1, exec_err = 0, pidfd, ret;
	uint64_t t0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	dsamig_session_signals(s, NULL);
	/* Like perf stat: Ctrl-C goes to the command; dsamig prints what it saw. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);

	t0 = dsamig_now_ns();
	pid = spawn(argv, &err_pipe);
	if (pid < 0) {
		err = -errno;
		dsamig_err(s->ctx, "cannot start '%s': %s", argv[0], strerror(-err));
		return err;
	}
	/* -1 on kernels before 5.3: then the wait wakes every 200 ms only */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		dsamig_session_wait(s, dsamig_now_ns() + DRAIN_NS, pidfd);
		ret = waitpid(pid, &r->wait_status, WNOHANG);
		if (ret == pid)
			break;
		if (ret < 0 && errno != EINTR) {
			err = -errno;
			dsamig_err(s->ctx, "cannot wait for '%s': %s", argv[0], strerror(-err));
			goto out;
		}
		if (dsamig_session_stop == SIGTERM || dsamig_session_stop == SIGHUP)
			kill(pid, (int)dsamig_session_stop);
		/* the report is still to be printed: a stop ends the command, not dsamig */
		dsamig_session_stop = 0;
	}
	r->secs = (double)(dsamig_now_ns() - t0) / 1e9;
	r->end_unix = unix_now();
	r->exit_status = WIFEXITED(r->wait_status) ? WEXITSTATUS(r->wait_status) :
			 128 + WTERMSIG(r->wait_status);
	if (read(err_pipe, &exec_err, sizeof(exec_err)) != sizeof(exec_err))
		exec_err = 0;
	if (exec_err) {
		dsamig_err(s->ctx, "cannot run '%s': %s", argv[0], strerror(exec_err));
		r->exit_status = DSAMIG_EXIT_NOT_FOUND;
		err = -ENOEXEC;
		goto out;
	}
	dsamig_session_interval(s);
out:
	if (pidfd >= 0)
		close(pidfd);
	close(err_pipe);
	return err;
}

struct json_object *dsamig_stat_result_to_json(const struct dsamig_session *s,
					       char *const argv[],
					       const struct dsamig_stat_result *r)
{
	struct json_object *j, *args;
	int i;

	j = dsamig_stats_json(&s->total, s->dec, r->secs, s->module);
	if (!j)
		return NULL;
	args = json_object_new_array();
	for (i = 0; argv[i]; i++)
		json_object_array_add(args, json_object_new_string(argv[i]));
	dsamig_json_double(j, "time", r->end_unix, 3);
	json_object_object_add(j, "command", json_object_new_string(argv[0]));
	json_object_object_add(j, "argv", args);
	json_object_object_add(j, "exit_status", json_object_new_int(r->exit_status));
	return j;
}
