// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig compact: compact the memory of some nodes now, trace it, and say
 * what it did: pages migrated and failed, pages/s, each node's
 * fragmentation score before and after, and how dsamig.ko copied the pages.
 *
 * The compact file blocks until the kernel is done, so a worker thread
 * writes it while the main thread drains the trace. Ctrl-C stops waiting:
 * the report covers what happened so far, and exiting ends the worker (the
 * kernel stops compacting for a dying task). Nothing is left behind but
 * the compacted memory: the tracing instance is removed on every exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct compact_worker {
	struct dsamig_nodemask nodes;
	int done_fd;			/* written once when all nodes are done */
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

static void *compact_nodes(void *arg)
{
	struct compact_worker *w = arg;
	unsigned int n;
	int err;

	for (n = 0; n < DSAMIG_MAX_NODES; n++) {
		if (!dsamig_nodemask_test(&w->nodes, n))
			continue;
		err = dsamig_compact_node(n);
		if (err && !w->err) {
			w->err = err;
			w->failed_node = n;
		}
	}
	if (write(w->done_fd, "", 1) < 0)
		w->err = w->err ? w->err : -errno;
	return NULL;
}

struct compact_report {
	struct dsamig_nodemask nodes;
	double secs;
	bool interrupted;
	uint64_t migrated, failed;
	int before[DSAMIG_STATS_NODES], after[DSAMIG_STATS_NODES];
	struct dsamig_vmstat vmstat;	/* deltas */
};

static void progress(const struct top_session *s, unsigned int reason, uint64_t t0)
{
	double secs = (double)(top_now_ns() - t0) / 1e9;
	uint64_t pages = s->total.migrate[reason].succeeded;

	fprintf(stderr, "\r  compacting: %10llu pages migrated  %10.0f pages/s  %6.1f s ",
		(unsigned long long)pages, secs > 0 ? (double)pages / secs : 0, secs);
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

static void print_human(const struct compact_report *r, const struct top_session *s)
{
	unsigned int n;

	printf("Compaction%s (%.2f s)\n", r->interrupted ? ", interrupted" : "", r->secs);
	printf("  %-20s %12llu pages\n", "migrated", (unsigned long long)r->migrated);
	printf("  %-20s %12llu pages\n", "failed", (unsigned long long)r->failed);
	printf("  %-20s %12.0f pages/s\n", "rate",
	       r->secs > 0 ? (double)r->migrated / r->secs : 0);
	report_migrate_human(&s->total, r->migrated);
	printf("  %-20s %12llu pages\n", "pgmigrate_success",
	       (unsigned long long)r->vmstat.v[DSAMIG_VMSTAT_pgmigrate_success]);
	printf("  %-20s %12llu pages\n", "compact_isolated",
	       (unsigned long long)r->vmstat.v[DSAMIG_VMSTAT_compact_isolated]);
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

int cmd_compact(int argc, char *argv[])
{
	struct compact_args a = { 0 };
	/* static: an interrupted worker may outlive this frame until exit */
	static struct compact_worker w;
	struct compact_report r = { 0 };
	struct dsamig_vmstat vm0, vm1;
	struct top_session s;
	sigset_t block, old;
	pthread_t thread;
	bool done = false, tty;
	unsigned int reason;
	uint64_t t0, next;
	int ret, pfd[2];

	ret = cli_parse_args(&compact_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "compact memory and trace it");
	if (ret)
		return ret;
	ret = check_nodes(argv[0], &a);
	if (ret)
		return ret;
	r.nodes = w.nodes = a.nodes;
	if (dsamig_frag_read(r.before, DSAMIG_STATS_NODES) < 0 || dsamig_vmstat_read(&vm0)) {
		fprintf(stderr, "%s: cannot read /proc/buddyinfo, /proc/zoneinfo or /proc/vmstat; "
			"is /proc mounted?\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	ret = top_session_open(&s, argv[0]);
	if (ret)
		return ret;
	top_signals(&s, NULL);
	reason = report_reason(s.dec, "compaction", 0);
	if (pipe2(pfd, O_CLOEXEC)) {
		fprintf(stderr, "%s: cannot create a pipe: %s\n", argv[0], strerror(errno));
		top_session_close(&s);
		return DSAMIG_EXIT_FAILURE;
	}
	w.done_fd = pfd[1];

	/* Stop signals go to this thread, whose poll() they end. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t0 = top_now_ns();
	ret = pthread_create(&thread, NULL, compact_nodes, &w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		fprintf(stderr, "%s: cannot start the compaction thread: %s\n", argv[0],
			strerror(ret));
		top_session_close(&s);
		return DSAMIG_EXIT_FAILURE;
	}

	tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
	next = t0 + PROGRESS_NS;
	while (!top_stop) {
		if (top_wait(&s, next, pfd[0])) {
			done = true;
			break;
		}
		if (top_now_ns() >= next) {
			next += PROGRESS_NS;
			if (tty)
				progress(&s, reason, t0);
		}
	}
	r.secs = (double)(top_now_ns() - t0) / 1e9;
	if (tty)
		fputs("\r\033[K", stderr);
	if (done)
		pthread_join(thread, NULL);
	r.interrupted = !done;
	top_drain(&s);
	dsamig_frag_read(r.after, DSAMIG_STATS_NODES);
	if (!dsamig_vmstat_read(&vm1))
		dsamig_vmstat_delta(&vm1, &vm0, &r.vmstat);
	r.migrated = s.total.migrate[reason].succeeded;
	r.failed = s.total.migrate[reason].failed;

	if (done && w.err) {
		fprintf(stderr, "%s: cannot compact node %u: %s; %s\n", argv[0], w.failed_node,
			strerror(-w.err), w.err == -ENOENT ?
			"this kernel needs CONFIG_COMPACTION" : "see dmesg");
		ret = DSAMIG_EXIT_FAILURE;
	} else {
		ret = a.json ? print_json(&r, &s) : (print_human(&r, &s), 0);
	}
	top_session_close(&s);
	/* Interrupted: exit() ends the worker still in the kernel. */
	return ret;
}
