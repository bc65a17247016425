// SPDX-License-Identifier: GPL-2.0
/* dsamig compact's action: see compact_run.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compact.h"
#include "compact_run.h"
#include "node_check.h"
#include "stats_json.h"

/* What the worker writes to the pipe when it is done. */
struct worker_result {
	int err;			/* negative errno of the first failure */
	unsigned int failed_node;
};

/*
 * Compact the nodes in a child process that writes how it ended to @fd:
 * a thread could not be stopped (the kernel checks only for a fatal
 * signal, and a thread cannot take one alone), a child is, by SIGKILL.
 */
static pid_t start_worker(const struct dsamig_nodemask *nodes, int fd)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct worker_result res = { 0 };
	pid_t pid, parent = getpid();
	unsigned int n, i;
	int err;

	pid = fork();
	if (pid)
		return pid;
	/*
	 * Only the parent stops it (SIGKILL), so that a Ctrl-C to the process
	 * group is the parent's interruption, not a dead worker; should the
	 * parent die, the worker dies too. Its crash handler is the parent's.
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		signal(stops[i], SIG_IGN);
	for (i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		signal(crashes[i], SIG_DFL);
	for (n = 0; n < DSAMIG_MAX_NODES; n++) {
		if (!dsamig_nodemask_test(nodes, n))
			continue;
		err = dsamig_compact_node(n);
		if (err && !res.err) {
			res.err = err;
			res.failed_node = n;
		}
	}
	_exit(write(fd, &res, sizeof(res)) == sizeof(res) ? 0 : 1);
}

/*
 * Drain the trace until the worker is done (true, *res filled in) or a
 * stop signal comes (false), with progress.
 */
static bool wait_worker(struct dsamig_session *s, int fd, const struct dsamig_progress *p,
			struct worker_result *res)
{
	uint64_t next = s->begin_ns + p->interval_ns;
	ssize_t len;

	for (;;) {
		switch (dsamig_session_wait(s, p->fn ? next : UINT64_MAX, fd)) {
		case DSAMIG_WAKE_SIGNAL:
			if (dsamig_session_stop)
				return false;
			continue;
		case DSAMIG_WAKE_FD:
			len = read(fd, res, sizeof(*res));
			if (len == sizeof(*res))
				return true;
			if (len == 0) {
				/* it died without a word: killed by someone else */
				res->err = -ECHILD;
				return true;
			}
			continue;
		case DSAMIG_WAKE_DEADLINE:
			next += p->interval_ns;
			p->fn(p->arg, s->total.migrate[s->reason].succeeded,
			      (double)(dsamig_now_ns() - s->begin_ns) / 1e9);
		}
	}
}

static int check_nodes(struct dsamig_ctx *ctx, const struct dsamig_nodemask *nodes,
		       struct dsamig_nodemask *out)
{
	struct dsamig_nodemask mem;
	int err;

	err = dsamig_memory_nodes(ctx, &mem);
	if (err)
		return err;
	if (!nodes) {
		*out = mem;
		return 0;
	}
	*out = *nodes;
	return dsamig_nodes_usable(ctx, nodes, &mem);
}

static int worker_error(struct dsamig_ctx *ctx, const struct worker_result *res)
{
	if (res->err == -ECHILD)
		dsamig_err(ctx, "the compaction process was killed; see dmesg");
	else if (res->err)
		dsamig_err(ctx, "cannot compact node %u: %s; %s", res->failed_node,
			   strerror(-res->err), res->err == -ENOENT ?
			   "this kernel needs CONFIG_COMPACTION" : "see dmesg");
	return res->err;
}

int dsamig_compact_run(struct dsamig_ctx *ctx, const struct dsamig_nodemask *nodes,
		       const struct dsamig_progress *progress, struct dsamig_compact_report *r)
{
	struct worker_result res = { 0 };
	struct dsamig_session s;
	int err, pfd[2] = { -1, -1 };
	pid_t worker;
	bool done;

	memset(r, 0, sizeof(*r));
	err = check_nodes(ctx, nodes, &r->nodes);
	if (err)
		return err;
	err = dsamig_session_start(ctx, &s, "compaction", DSAMIG_REASON_COMPACTION, NULL);
	if (err)
		return err;
	/* non-blocking: a wake-up by a signal must not block in read() */
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK)) {
		err = -errno;
		dsamig_err(ctx, "cannot create a pipe: %s", strerror(-err));
		goto out_session;
	}
	worker = start_worker(&r->nodes, pfd[1]);
	if (worker < 0) {
		err = -errno;
		dsamig_err(ctx, "cannot start the compaction process: %s", strerror(-err));
		goto out_pipe;
	}
	/* the worker's end only: EOF when it dies */
	close(pfd[1]);
	pfd[1] = -1;

	done = wait_worker(&s, pfd[0], progress, &res);
	if (!done)
		kill(worker, SIGKILL);
	/* the kernel is done, or stopped for the killed worker: the time spent */
	while (waitpid(worker, NULL, 0) < 0 && errno == EINTR)
		;
	close(pfd[0]);
	dsamig_session_finish(&s, &r->m);
	return done ? worker_error(ctx, &res) : 0;

out_pipe:
	if (pfd[1] >= 0)
		close(pfd[1]);
	close(pfd[0]);
out_session:
	dsamig_session_close(&s);
	return err;
}

struct json_object *dsamig_compact_report_to_json(const struct dsamig_compact_report *r)
{
	struct json_object *j = json_object_new_object(), *nodes, *frag, *o;
	unsigned int n;
	char key[16];

	if (!j)
		return NULL;
	nodes = json_object_new_array();
	frag = json_object_new_object();
	for (n = 0; n < DSAMIG_MAX_NODES; n++) {
		if (!dsamig_nodemask_test(&r->nodes, n))
			continue;
		json_object_array_add(nodes, json_object_new_int((int)n));
		if (n >= DSAMIG_STATS_NODES)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "before", json_object_new_int(r->m.frag_before[n]));
		json_object_object_add(o, "after", json_object_new_int(r->m.frag_after[n]));
		snprintf(key, sizeof(key), "%u", n);
		json_object_object_add(frag, key, o);
	}
	json_object_object_add(j, "nodes", nodes);
	json_object_object_add(j, "fragmentation_score", frag);
	dsamig_json_double(j, "pages_per_s",
			   r->m.secs > 0 ? (double)r->m.migrated / r->m.secs : 0, 1);
	if (dsamig_result_to_json(j, &r->m)) {
		json_object_put(j);
		return NULL;
	}
	return j;
}
