// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig compact: compact the memory of some nodes now, trace it, and say
 * what it did: pages migrated and failed, pages/s, each node's
 * fragmentation score before and after, and how dsamig.ko copied the pages.
 *
 * The compact file blocks until the kernel is done, so a child process
 * writes it while dsamig drains the trace. The first Ctrl-C (SIGINT,
 * SIGTERM, SIGHUP) stops the compaction: the child is killed (the kernel
 * stops compacting for a task with a fatal signal), and once it is reaped
 * the report covers what happened, marked interrupted, with rates over the
 * time really spent. Nothing is left behind but the compacted memory: the
 * tracing instance is removed on every exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "compact.h"
#include "dsamig.h"
#include "frag.h"
#include "parse.h"
#include "report.h"
#include "stats_json.h"
#include "top.h"

#define PROGRESS_NS	(500 * 1000000ULL)

struct compact_args {
	struct dsamig_nodemask nodes;
	bool have_nodes, all, json, quiet;
};

/* What the worker writes to the pipe when it is done. */
struct compact_result {
	int err;			/* negative errno of the first failure */
	unsigned int failed_node;
};

static const struct argp_option options[] = {
	{ "node", 'N', "NODES", 0, "Compact these nodes (a list: 0,2-3)", 0 },
	{ "all", 'a', NULL, 0, "Compact every node with memory (the default)", 0 },
	{ "json", 'j', NULL, 0, "Print the report as one JSON object", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line while compacting", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct compact_args *a = state->input;

	switch (key) {
	case 'N':
		if (dsamig_parse_nodelist(arg, DSAMIG_MAX_NODES, &a->nodes) ||
		    !dsamig_nodemask_weight(&a->nodes))
			return cli_usage_error(state, "bad node list '%s'", arg);
		a->have_nodes = true;
		return 0;
	case 'a':
		a->all = true;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (a->have_nodes && a->all)
			return cli_usage_error(state, "--node and --all exclude each other");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp compact_argp = {
	.options = options,
	.parser = parser,
	.doc = "Compact the memory of the chosen nodes now (all nodes with memory by "
	       "default), tracing it, then report the pages migrated and failed, "
	       "pages/s, each node's fragmentation score before and after, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

struct compact_report {
	struct dsamig_nodemask nodes;
	double secs;
	bool interrupted;
	int signal;			/* the stop signal, when interrupted */
	uint64_t migrated, failed;
	int before[DSAMIG_STATS_NODES], after[DSAMIG_STATS_NODES];
	struct dsamig_vmstat vmstat;	/* deltas */
};

static void progress(const struct top_session *s, unsigned int reason, uint64_t t0)
{
	double secs = (double)(top_now_ns() - t0) / 1e9;
	uint64_t pages = s->total.migrate[reason].succeeded;

	fprintf(stderr, "\r  compacting: %10llu %s migrated  %10.0f pages/s  %6.1f s ",
		(unsigned long long)pages, dsamig_plural(pages, "page ", "pages"),
		secs > 0 ? (double)pages / secs : 0, secs);
}

static int print_json(const struct compact_report *r, const struct top_session *s)
{
	struct json_object *j = json_object_new_object(), *nodes, *frag, *vm, *o;
	unsigned int n;
	char key[16];

	if (!j)
		return DSAMIG_EXIT_FAILURE;
	nodes = json_object_new_array();
	frag = json_object_new_object();
	for (n = 0; n < DSAMIG_MAX_NODES; n++) {
		if (!dsamig_nodemask_test(&r->nodes, n))
			continue;
		json_object_array_add(nodes, json_object_new_int((int)n));
		if (n >= DSAMIG_STATS_NODES)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "before", json_object_new_int(r->before[n]));
		json_object_object_add(o, "after", json_object_new_int(r->after[n]));
		snprintf(key, sizeof(key), "%u", n);
		json_object_object_add(frag, key, o);
	}
	json_object_object_add(j, "nodes", nodes);
	json_object_object_add(j, "duration_s", json_object_new_double(r->secs));
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	report_add_u64(j, "pages_migrated", r->migrated);
	report_add_u64(j, "pages_failed", r->failed);
	json_object_object_add(j, "pages_per_s",
			       json_object_new_double(r->secs > 0 ? (double)r->migrated / r->secs : 0));
	report_migrate_json(j, &s->total, r->migrated);
	json_object_object_add(j, "fragmentation_score", frag);
	vm = json_object_new_object();
	for (n = 0; n < DSAMIG_NR_VMSTAT; n++)
		report_add_u64(vm, dsamig_vmstat_name(n), r->vmstat.v[n]);
	json_object_object_add(j, "vmstat", vm);
	json_object_object_add(j, "module_loaded", json_object_new_boolean(s->module));
	if (s->module)
		json_object_object_add(j, "copy", report_copy_json(&s->total));
	report_add_u64(j, "lost_events", s->total.lost_events);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return 0;
}

/* One "  NAME  N page(s)" line of the report. */
static void print_pages(const char *name, uint64_t pages)
{
	printf("  %-20s %12llu %s\n", name, (unsigned long long)pages,
	       dsamig_plural(pages, "page", "pages"));
}

static void print_human(const struct compact_report *r, const struct top_session *s)
{
	unsigned int n;

	printf("Compaction%s (%.2f s)\n", r->interrupted ? ", interrupted" : "", r->secs);
	if (r->interrupted)
		printf("  stopped by %s before the kernel was done: the rest is not compacted\n",
		       r->signal == SIGTERM ? "SIGTERM" : r->signal == SIGHUP ? "SIGHUP" :
		       "SIGINT (Ctrl-C)");
	print_pages("migrated", r->migrated);
	print_pages("failed", r->failed);
	printf("  %-20s %12.0f pages/s\n", "rate",
	       r->secs > 0 ? (double)r->migrated / r->secs : 0);
	report_migrate_human(&s->total, r->migrated);
	print_pages(dsamig_vmstat_name(DSAMIG_VMSTAT_pgmigrate_success),
		    r->vmstat.v[DSAMIG_VMSTAT_pgmigrate_success]);
	print_pages(dsamig_vmstat_name(DSAMIG_VMSTAT_compact_isolated),
		    r->vmstat.v[DSAMIG_VMSTAT_compact_isolated]);
	printf("  fragmentation score  %6s %8s\n", "before", "after");
	for (n = 0; n < DSAMIG_STATS_NODES; n++)
		if (dsamig_nodemask_test(&r->nodes, n))
			printf("    node %-14u %6d %8d\n", n, r->before[n], r->after[n]);
	report_copy_human(s);
}

static int check_nodes(const char *cmd, struct compact_args *a)
{
	struct dsamig_nodemask mem;
	unsigned int n;

	if (cli_nodes_with_memory(cmd, &mem))
		return DSAMIG_EXIT_FAILURE;
	if (!a->have_nodes) {
		a->nodes = mem;
		return 0;
	}
	for (n = 0; n < DSAMIG_MAX_NODES; n++)
		if (dsamig_nodemask_test(&a->nodes, n) && cli_node_has_memory(cmd, "", n, &mem))
			return DSAMIG_EXIT_FAILURE;
	return 0;
}

/*
 * Compact the nodes in a child process that writes how it ended to @fd:
 * a thread could not be stopped (the kernel checks only for a fatal
 * signal, and a thread cannot take one alone), a child is, by SIGKILL.
 */
static pid_t start_worker(const struct dsamig_nodemask *nodes, int fd)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct compact_result res = { 0 };
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
 * stop signal comes (false), with a progress line on a tty.
 */
static bool wait_worker(struct top_session *s, int fd, bool tty, unsigned int reason,
			uint64_t t0, struct compact_result *res)
{
	uint64_t next = t0 + PROGRESS_NS;
	ssize_t len;

	while (!top_stop) {
		/* true on EINTR too: only a result read says the worker is done */
		if (top_wait(s, next, fd)) {
			if (top_stop)
				break;
			len = read(fd, res, sizeof(*res));
			if (len == sizeof(*res))
				return true;
			if (len == 0) {
				/* it died without a word: killed by someone else */
				res->err = -ECHILD;
				return true;
			}
			continue;
		}
		if (top_now_ns() >= next) {
			next += PROGRESS_NS;
			if (tty)
				progress(s, reason, t0);
		}
	}
	return false;
}

int cmd_compact(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct compact_args a = { 0 };
	struct compact_result res = { 0 };
	struct compact_report r = { 0 };
	struct dsamig_vmstat vm0, vm1;
	struct top_session s;
	bool done, tty;
	unsigned int reason;
	int ret, pfd[2] = { -1, -1 };
	pid_t worker;
	uint64_t t0;

	ret = cli_parse_args(&compact_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "compact memory and trace it");
	if (ret)
		return ret;
	ret = check_nodes(argv[0], &a);
	if (ret)
		return ret;
	r.nodes = a.nodes;
	if (dsamig_frag_read(r.before, DSAMIG_STATS_NODES) < 0 || dsamig_vmstat_read(&vm0)) {
		fprintf(stderr, "%s: cannot read /proc/buddyinfo, /proc/zoneinfo or /proc/vmstat; "
			"is /proc mounted?\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	ret = top_session_open(&s, argv[0]);
	if (ret)
		return ret;
	top_signals(&s, NULL);
	reason = report_reason(s.dec, "compaction", DSAMIG_REASON_COMPACTION);
	ret = DSAMIG_EXIT_FAILURE;
	/* non-blocking: a wake-up by a signal must not block in read() */
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK)) {
		fprintf(stderr, "%s: cannot create a pipe: %s\n", argv[0], strerror(errno));
		goto out_session;
	}

	t0 = top_now_ns();
	worker = start_worker(&a.nodes, pfd[1]);
	if (worker < 0) {
		fprintf(stderr, "%s: cannot start the compaction process: %s\n", argv[0],
			strerror(errno));
		goto out_pipe;
	}
	/* the worker's end only: EOF when it dies */
	close(pfd[1]);
	pfd[1] = -1;

	tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
	done = wait_worker(&s, pfd[0], tty, reason, t0, &res);
	if (!done)
		kill(worker, SIGKILL);
	/* the kernel is done, or stopped for the killed worker: the time spent */
	while (waitpid(worker, NULL, 0) < 0 && errno == EINTR)
		;
	r.secs = (double)(top_now_ns() - t0) / 1e9;
	r.interrupted = !done;
	r.signal = top_stop;
	if (tty)
		fputs("\r\033[K", stderr);
	top_drain(&s);
	dsamig_frag_read(r.after, DSAMIG_STATS_NODES);
	if (!dsamig_vmstat_read(&vm1))
		dsamig_vmstat_delta(&vm1, &vm0, &r.vmstat);
	r.migrated = s.total.migrate[reason].succeeded;
	r.failed = s.total.migrate[reason].failed;

	if (res.err == -ECHILD) {
		fprintf(stderr, "%s: the compaction process was killed; see dmesg\n", argv[0]);
	} else if (res.err) {
		fprintf(stderr, "%s: cannot compact node %u: %s; %s\n", argv[0], res.failed_node,
			strerror(-res.err), res.err == -ENOENT ?
			"this kernel needs CONFIG_COMPACTION" : "see dmesg");
	} else {
		ret = a.json ? print_json(&r, &s) : (print_human(&r, &s), 0);
	}
out_pipe:
	if (pfd[1] >= 0)
		close(pfd[1]);
	close(pfd[0]);
out_session:
	top_session_close(&s);
	return ret;
}
