// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig top: live migration statistics from the tracepoints, as a screen
 * (top_tui.c) or, with --batch, one line, JSON object or CSV row per
 * interval for scripts.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsamig.h"
#include "parse.h"
#include "stats_json.h"
#include "top.h"

#define NS_PER_S	1000000000ULL
#define MIN_DELAY_NS	(100 * 1000000ULL)

enum top_format { FMT_TEXT, FMT_JSON, FMT_CSV };

enum { OPT_CSV = 0x100, OPT_DURATION };

struct top_args {
	uint64_t delay_ns;
	uint64_t duration_ns;		/* 0: until stopped */
	unsigned long iterations;	/* 0: until stopped */
	bool batch;
	enum top_format format;
};

static const struct argp_option options[] = {
	{ "delay", 'd', "SECONDS", 0, "Interval between refreshes (default 1; also 500ms, 2s)", 0 },
	{ "batch", 'b', NULL, 0, "Print one line per interval instead of the screen", 0 },
	{ "json", 'j', NULL, 0, "Batch: one JSON object per interval", 0 },
	{ "csv", OPT_CSV, NULL, 0, "Batch: CSV, a header line then one row per interval", 0 },
	{ "iterations", 'n', "N", 0, "Stop after N intervals", 0 },
	{ "duration", OPT_DURATION, "TIME", 0, "Stop after TIME (30s, 5m...)", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct top_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'd':
		if (dsamig_parse_duration(arg, &v) || v < MIN_DELAY_NS)
			return cli_usage_error(state, "bad delay '%s' (at least 0.1 s)", arg);
		a->delay_ns = v;
		return 0;
	case 'b':
		a->batch = true;
		return 0;
	case 'j':
	case OPT_CSV:
		if (a->format != FMT_TEXT)
			return cli_usage_error(state, "--json and --csv exclude each other");
		a->format = key == 'j' ? FMT_JSON : FMT_CSV;
		a->batch = true;
		return 0;
	case 'n':
		if (dsamig_parse_uint(arg, 1, UINT32_MAX, &v))
			return cli_usage_error(state, "bad iteration count '%s'", arg);
		a->iterations = (unsigned long)v;
		return 0;
	case OPT_DURATION:
		if (dsamig_parse_duration(arg, &v) || !v)
			return cli_usage_error(state, "bad duration '%s'", arg);
		a->duration_ns = v;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp top_argp = {
	.options = options,
	.parser = parser,
	.doc = "Show live where page migration time goes: migrations per reason, "
	       "pages through DSA and the CPU, setup against transfer time, run sizes "
	       "and latencies, compaction and DAMON activity. Keys: q quit, p pause, "
	       "r reset totals, t totals/rates, ? help.",
};

static double per_s(uint64_t v, double secs)
{
	return secs > 0 ? (double)v / secs : 0;
}

/* The wall clock now: Unix seconds with their sub-second part, and as HH:MM:SS.mmm. */
static double wall_clock(char *clock, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char hms[16];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (clock) {
		strftime(hms, sizeof(hms), "%H:%M:%S", localtime_r(&ts.tv_sec, &tm));
		snprintf(clock, size, "%s.%03ld", hms, ts.tv_nsec / 1000000);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_text_header(void)
{
	printf("%-12s %9s %8s %9s %9s %11s %11s %7s %6s\n", "TIME", "MIGR/s", "FAIL/s",
	       "DSA pg/s", "CPU pg/s", "SETUP ns/pg", "XFER ns/pg", "COMPACT", "LOST");
}

static void print_text(const struct dsamig_session *s)
{
	const struct dsamig_stats *d = &s->delta;
	const struct dsamig_offload *dsa = &d->offload[DSAMIG_BACKEND_DSA];
	uint64_t pages = dsa->pages + dsa->fallback_pages;
	char clock[32], setup[16], xfer[16];

	wall_clock(clock, sizeof(clock));
	if (pages) {
		snprintf(setup, sizeof(setup), "%.0f", (double)dsamig_offload_setup_ns(dsa) / pages);
		snprintf(xfer, sizeof(xfer), "%.0f",
			 (double)dsa->phase_ns[DSAMIG_PHASE_WAIT] / pages);
	} else {
		snprintf(setup, sizeof(setup), "-");
		snprintf(xfer, sizeof(xfer), "-");
	}
	printf("%-12s %9.1f %8.1f %9.1f %9.1f %11s %11s %7llu %6llu\n", clock,
	       per_s(dsamig_stats_migrated(d), s->delta_s),
	       per_s(dsamig_stats_migrate_failed(d), s->delta_s),
	       per_s(dsa->pages, s->delta_s), per_s(d->cpu_pages, s->delta_s), setup, xfer,
	       (unsigned long long)d->compact_migrated, (unsigned long long)d->lost_events);
}

static const char *const csv_offload_cols[] = {
	"runs", "pages", "fallback_runs", "sg_ns", "map_ns", "submit_ns", "wait_ns", "unmap_ns",
};

static void print_csv_offload(const struct dsamig_offload *o)
{
	printf(",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)o->runs,
	       (unsigned long long)o->pages, (unsigned long long)o->fallback_runs,
	       (unsigned long long)o->phase_ns[DSAMIG_PHASE_SG],
	       (unsigned long long)o->phase_ns[DSAMIG_PHASE_MAP],
	       (unsigned long long)o->phase_ns[DSAMIG_PHASE_SUBMIT],
	       (unsigned long long)o->phase_ns[DSAMIG_PHASE_WAIT],
	       (unsigned long long)o->phase_ns[DSAMIG_PHASE_UNMAP]);
}

/* CSV columns: fixed at start from the reasons the kernel names. */
static void print_csv(const struct dsamig_session *s, bool header)
{
	static const char *const backends[] = { "dsa", "mt" };
	const struct dsamig_stats *d = &s->delta;
	unsigned int r, nr = dsamig_decoder_nr_reasons(s->dec), b, c;
	uint64_t calls = 0;
	char buf[32];

	if (header) {
		printf("time,interval_s,events,lost_events");
		for (r = 0; r < nr; r++) {
			const char *name = dsamig_reason_name(s->dec, r, buf, sizeof(buf));

			printf(",%s_succeeded,%s_failed,%s_calls", name, name, name);
		}
		printf(",succeeded,failed,calls");
		for (b = 0; b < sizeof(backends) / sizeof(backends[0]); b++)
			for (c = 0; c < sizeof(csv_offload_cols) / sizeof(csv_offload_cols[0]); c++)
				printf(",%s_%s", backends[b], csv_offload_cols[c]);
		printf(",cpu_pages,cpu_copy_ns,compaction_runs,compaction_migrated,"
		       "compaction_failed,kcompactd_wakes,damon_bytes_applied\n");
	}
	printf("%.3f,%.3f,%llu,%llu", wall_clock(NULL, 0), s->delta_s,
	       (unsigned long long)d->events, (unsigned long long)d->lost_events);
	for (r = 0; r < nr; r++)
		printf(",%llu,%llu,%llu", (unsigned long long)d->migrate[r].succeeded,
		       (unsigned long long)d->migrate[r].failed,
		       (unsigned long long)d->migrate[r].calls);
	for (r = 0; r < DSAMIG_MAX_REASONS; r++)
		calls += d->migrate[r].calls;
	printf(",%llu,%llu,%llu", (unsigned long long)dsamig_stats_migrated(d),
	       (unsigned long long)dsamig_stats_migrate_failed(d), (unsigned long long)calls);
	print_csv_offload(&d->offload[DSAMIG_BACKEND_DSA]);
	print_csv_offload(&d->offload[DSAMIG_BACKEND_MT]);
	printf(",%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
	       (unsigned long long)d->cpu_pages, (unsigned long long)d->cpu_copy_ns,
	       (unsigned long long)d->compact_runs, (unsigned long long)d->compact_migrated,
	       (unsigned long long)d->compact_failed, (unsigned long long)d->kcompactd_wakes,
	       (unsigned long long)d->damos_bytes);
}

static int print_json(const struct dsamig_session *s)
{
	struct json_object *j = dsamig_stats_json(&s->delta, s->dec, s->delta_s, s->module);
	double now = wall_clock(NULL, 0);
	char buf[32];

	if (!j)
		return -ENOMEM;
	snprintf(buf, sizeof(buf), "%.3f", now);
	json_object_object_add(j, "time", json_object_new_double_s(now, buf));
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return 0;
}

/*
 * After a batch write: a reader that closed the pipe (EPIPE, as under
 * "| head -1") is a normal end; another write error fails.
 */
static int batch_written(const char *cmd, bool *done)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return DSAMIG_EXIT_OK;
	*done = true;
	if (errno == EPIPE || dsamig_session_stop == SIGPIPE)
		return DSAMIG_EXIT_OK;
	fprintf(stderr, "%s: cannot write the output: %s\n", cmd, strerror(errno));
	return DSAMIG_EXIT_FAILURE;
}

static int run_batch(struct dsamig_session *s, const struct top_args *a, const char *cmd)
{
	uint64_t next = s->start_ns;
	unsigned long n = 0;
	bool done = false;
	int ret;

	if (a->format == FMT_TEXT) {
		if (!s->module)
			printf("# dsamig.ko is not loaded: stock tracepoints only\n");
		print_text_header();
	}
	ret = batch_written(cmd, &done);
	while (!done && !dsamig_session_stop) {
		next += a->delay_ns;
		if (a->duration_ns && next > s->start_ns + a->duration_ns)
			next = s->start_ns + a->duration_ns;
		dsamig_session_wait(s, next, -1);
		if (dsamig_session_stop)
			break;
		dsamig_session_interval(s);
		switch (a->format) {
		case FMT_TEXT:
			print_text(s);
			break;
		case FMT_CSV:
			print_csv(s, n == 0);
			break;
		case FMT_JSON:
			if (print_json(s))
				return DSAMIG_EXIT_FAILURE;
			break;
		}
		ret = batch_written(cmd, &done);
		if (done)
			break;
		n++;
		if ((a->iterations && n >= a->iterations) ||
		    (a->duration_ns && next >= s->start_ns + a->duration_ns))
			break;
	}
	return ret;
}

int cmd_top(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct top_args a = { .delay_ns = NS_PER_S };
	struct dsamig_session s;
	int ret;

	ret = cli_parse_args(&top_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "%s: the screen needs a terminal; use --batch for a pipe\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	ret = cli_need_root(argv[0], "trace migrations (tracefs)");
	if (ret)
		return ret;
	if (dsamig_session_open(ctx, &s))
		return DSAMIG_EXIT_FAILURE;
	if (a.batch) {
		dsamig_session_signals(&s, NULL);
		ret = run_batch(&s, &a, argv[0]);
	} else {
		ret = top_tui_run(&s, a.delay_ns, a.duration_ns, a.iterations);
	}
	dsamig_session_close(&s);
	return ret;
}
