// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig stat -- COMMAND: trace while COMMAND runs, then print the
 * migrations of that period, as perf stat does for counters, and exit with
 * COMMAND's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dsamig.h"
#include "stats_json.h"
#include "top.h"

#define EXIT_NOT_FOUND	127	/* as the shell, when COMMAND cannot run */

struct stat_args {
	bool json;
	const char *output;	/* NULL: standard error, as perf stat */
	int cmd;		/* index of COMMAND in argv */
};

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "Print the totals as one JSON object", 0 },
	{ "output", 'o', "FILE", 0, "Print the totals to FILE instead of standard error", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct stat_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_ARGS:
		a->cmd = state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		return cli_usage_error(state, "no COMMAND to run");
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp stat_argp = {
	.options = options,
	.parser = parser,
	.args_doc = "[--] COMMAND [ARG...]",
	.doc = "Run COMMAND, trace the page migrations while it runs, then print their "
	       "totals: per reason, through DSA and the CPU, setup against transfer time, "
	       "compaction and DAMON. Exits with COMMAND's status.",
};

static void hist_line(FILE *f, const char *name, const struct dsamig_hist *h, bool ns)
{
	unsigned int b, used = dsamig_hist_used(h);
	char lo[16];

	if (!used)
		return;
	fprintf(f, "  %-22s", name);
	for (b = 0; b < used; b++) {
		if (!h->bucket[b])
			continue;
		if (ns)
			cli_fmt_ns(lo, sizeof(lo), (double)dsamig_hist_bucket_min(b));
		else
			snprintf(lo, sizeof(lo), "%llu", (unsigned long long)dsamig_hist_bucket_min(b));
		fprintf(f, " >=%s:%llu", lo, (unsigned long long)h->bucket[b]);
	}
	fputc('\n', f);
}

void top_print_summary(FILE *f, const struct top_session *s, const struct dsamig_stats *st,
		       double secs)
{
	static const char *const phase[DSAMIG_NR_PHASES] = { "sg", "map", "submit", "wait", "unmap" };
	const struct dsamig_offload *dsa = &st->offload[DSAMIG_BACKEND_DSA];
	uint64_t dsa_pages = dsa->pages + dsa->fallback_pages;
	uint64_t all = dsamig_offload_setup_ns(dsa) + dsa->phase_ns[DSAMIG_PHASE_WAIT];
	unsigned int r, p;
	char buf[32], t[32];

	fprintf(f, "  %-22s %14s %12s %10s\n", "migrations (pages)", "succeeded", "failed", "calls");
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		if (!st->migrate[r].calls)
			continue;
		fprintf(f, "    %-20s %14llu %12llu %10llu\n",
			dsamig_reason_name(s->dec, r, buf, sizeof(buf)),
			(unsigned long long)st->migrate[r].succeeded,
			(unsigned long long)st->migrate[r].failed,
			(unsigned long long)st->migrate[r].calls);
	}
	fprintf(f, "    %-20s %14llu %12llu %10s   %.1f pages/s\n", "total",
		(unsigned long long)dsamig_stats_migrated(st),
		(unsigned long long)dsamig_stats_migrate_failed(st), "",
		secs > 0 ? (double)dsamig_stats_migrated(st) / secs : 0);
	fputc('\n', f);
	if (s->module) {
		fprintf(f, "  %-22s %14llu runs %10llu pages %8llu fallbacks\n", "DSA",
			(unsigned long long)dsa->runs, (unsigned long long)dsa->pages,
			(unsigned long long)dsa->fallback_runs);
		for (p = 0; p < DSAMIG_NR_PHASES; p++) {
			cli_fmt_ns(t, sizeof(t), (double)dsa->phase_ns[p]);
			fprintf(f, "    %-20s %14s %10.0f ns/page %7.1f%%\n", phase[p], t,
				dsa_pages ? (double)dsa->phase_ns[p] / (double)dsa_pages : 0,
				all ? 100.0 * (double)dsa->phase_ns[p] / (double)all : 0);
		}
		cli_fmt_ns(t, sizeof(t), (double)st->cpu_copy_ns);
		fprintf(f, "  %-22s %14llu pages %9s copying %.0f ns/page\n", "CPU",
			(unsigned long long)st->cpu_pages, t,
			st->cpu_pages ? (double)st->cpu_copy_ns / (double)st->cpu_pages : 0);
	} else {
		fprintf(f, "  dsamig.ko is not loaded: no DSA/CPU copy split\n");
	}
	fprintf(f, "  %-22s %14llu runs %10llu migrated %7llu failed %llu kcompactd wakes\n",
		"compaction", (unsigned long long)st->compact_runs,
		(unsigned long long)st->compact_migrated, (unsigned long long)st->compact_failed,
		(unsigned long long)st->kcompactd_wakes);
	fprintf(f, "  %-22s %14llu regions %7llu bytes applied\n", "DAMON",
		(unsigned long long)st->damos_applies, (unsigned long long)st->damos_bytes);
	hist_line(f, "migrate_pages() pages", &st->migrate_pages_hist, false);
	hist_line(f, "migrate_pages() time", &st->migrate_ns_hist, true);
	hist_line(f, "run pages", &st->run_pages_hist, false);
	hist_line(f, "run time", &st->run_ns_hist, true);
	fprintf(f, "  %-22s %14llu (of %llu events)\n", "lost events",
		(unsigned long long)st->lost_events, (unsigned long long)st->events);
}

static pid_t spawn(char *argv[], int *err_pipe)
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
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(pfd[0]);
		execvp(argv[0], argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(EXIT_NOT_FOUND);
		_exit(EXIT_NOT_FOUND);
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

static int report_json(FILE *f, struct top_session *s, char *argv[], int status,
		       double secs, double end)
{
	struct json_object *j, *args;
	char buf[32];
	int i;

	j = dsamig_stats_json(&s->total, s->dec, secs, s->module);
	if (!j)
		return -ENOMEM;
	args = json_object_new_array();
	for (i = 0; argv[i]; i++)
		json_object_array_add(args, json_object_new_string(argv[i]));
	snprintf(buf, sizeof(buf), "%.3f", end);
	json_object_object_add(j, "time", json_object_new_double_s(end, buf));
	json_object_object_add(j, "command", json_object_new_string(argv[0]));
	json_object_object_add(j, "argv", args);
	json_object_object_add(j, "exit_status", json_object_new_int(
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
	fprintf(f, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return 0;
}

/* The totals of COMMAND @argv, to @f: standard error or the -o FILE. */
static int report(FILE *f, struct top_session *s, const struct stat_args *a, char *argv[],
		  int status, double secs, double end)
{
	if (a->json)
		return report_json(f, s, argv, status, secs, end);
	fprintf(f, "\n Migration statistics for '%s' (%.2f s):\n\n", argv[0], secs);
	top_print_summary(f, s, &s->total, secs);
	fputc('\n', f);
	return 0;
}

int cmd_stat(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct stat_args a = { 0 };
	struct top_session s = { 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	int ret, status = 0, err_pipe = -1, exec_err = 0, pidfd = -1;
	FILE *out = stderr;
	uint64_t t0, t1;
	pid_t pid;

	ret = cli_parse_args(&stat_argp, argc, argv, ARGP_IN_ORDER, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "trace migrations (tracefs)");
	if (ret)
		return ret;
	/* Before COMMAND runs, as perf stat: a FILE that cannot be written stops here. */
	if (a.output) {
		out = fopen(a.output, "we");
		if (!out) {
			fprintf(stderr, "%s: cannot write '%s': %s; check the path\n", argv[0],
				a.output, strerror(errno));
			return DSAMIG_EXIT_FAILURE;
		}
	}
	ret = top_session_open(&s, argv[0]);
	if (ret)
		goto out_close;
	top_signals(&s, NULL);
	/* Like perf stat: Ctrl-C goes to COMMAND; dsamig prints what it saw. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);

	t0 = top_now_ns();
	pid = spawn(&argv[a.cmd], &err_pipe);
	if (pid < 0) {
		fprintf(stderr, "%s: cannot start '%s': %s\n", argv[0], argv[a.cmd], strerror(errno));
		ret = DSAMIG_EXIT_FAILURE;
		goto out_session;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		/* Drain every 200 ms while COMMAND runs, so that the buffers never fill. */
		top_wait(&s, top_now_ns() + 200000000ULL, pidfd);
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid || (ret < 0 && errno != EINTR))
			break;
		if (top_stop == SIGTERM || top_stop == SIGHUP)
			kill(pid, (int)top_stop);
		top_stop = 0;
	}
	t1 = top_now_ns();
	if (read(err_pipe, &exec_err, sizeof(exec_err)) != sizeof(exec_err))
		exec_err = 0;
	if (exec_err) {
		fprintf(stderr, "%s: cannot run '%s': %s\n", argv[0], argv[a.cmd], strerror(exec_err));
		ret = EXIT_NOT_FOUND;
		goto out_session;
	}
	top_interval(&s);
	if (report(out, &s, &a, &argv[a.cmd], status, (double)(t1 - t0) / 1e9, unix_now())) {
		fprintf(stderr, "%s: out of memory for the report\n", argv[0]);
		ret = DSAMIG_EXIT_FAILURE;
		goto out_session;
	}
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

out_session:
	if (pidfd >= 0)
		close(pidfd);
	if (err_pipe >= 0)
		close(err_pipe);
	top_session_close(&s);
out_close:
	if (a.output && fclose(out)) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", argv[0], a.output, strerror(errno));
		ret = DSAMIG_EXIT_FAILURE;
	}
	return ret;
}
