// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig promote and dsamig demote: move hot pages of one node to another
 * (or cold ones), now, with a DAMON kdamond of dsamig's own, and report
 * what moved and how fast.
 *
 * The kdamond watches the physical memory of --from (paddr operations, one
 * region per range of the node) with one migrate_hot or migrate_cold scheme
 * towards --to. It runs for --duration or until Ctrl-C; then the scheme is
 * made inert (action "stat", committed online) so that the final stats
 * count every migration it did, the kdamond is stopped and removed, and the
 * tracing instance too. Nothing dsamig did not create is touched: when
 * kdamonds exist already it says so and stops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "compact.h"
#include "damon.h"
#include "dsamig.h"
#include "parse.h"
#include "report.h"
#include "top.h"

#define NSEC		1000000000ULL
#define PROGRESS_NS	NSEC
#define SAMPLE_US	5000
#define AGGR_US		100000
#define MAX_ACCESSES	(AGGR_US / SAMPLE_US)

struct promote_args {
	bool demote, have_from, have_to, have_hot, have_age, json, quiet;
	unsigned int from, to, hot_pct;
	uint64_t min_age_ns, quota, duration_ns;
};

enum { OPT_MIN_AGE = 256 };

/* The options promote and demote share, around the one that says which pages. */
#define NODE_OPTIONS \
	{ "from", 'f', "NODE", 0, "Move pages from this node (required)", 0 }, \
	{ "to", 't', "NODE", 0, "Move them to this node (required)", 0 }
#define RUN_OPTIONS \
	{ "quota", 'Q', "BYTES", 0, "Move at most BYTES per second (64M, 1G; default: no limit)", 0 }, \
	{ "duration", 'd', "TIME", 0, "Run this long (10s, 2m; default 10s), or until Ctrl-C", 0 }, \
	{ "json", 'j', NULL, 0, "Print the report as one JSON object", 0 }, \
	{ "quiet", 'q', NULL, 0, "No progress line while running", 0 }, \
	{ 0 }

static const struct argp_option promote_options[] = {
	NODE_OPTIONS,
	{ "hot", 'H', "PERCENT", 0,
	  "Promote regions accessed in at least PERCENT of DAMON's samples (1-100; default 5)", 0 },
	RUN_OPTIONS,
};

static const struct argp_option demote_options[] = {
	NODE_OPTIONS,
	{ "min-age", OPT_MIN_AGE, "TIME", 0,
	  "Demote regions not accessed for at least TIME (default 1s)", 0 },
	RUN_OPTIONS,
};

static int parse_node(struct argp_state *state, const char *opt, const char *arg,
		      unsigned int *node)
{
	uint64_t v;

	if (dsamig_parse_uint(arg, 0, DSAMIG_MAX_NODES - 1, &v))
		return cli_usage_error(state, "bad node '%s' for %s: a node number", arg, opt);
	*node = (unsigned int)v;
	return 0;
}

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct promote_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'f':
		a->have_from = true;
		return parse_node(state, "--from", arg, &a->from);
	case 't':
		a->have_to = true;
		return parse_node(state, "--to", arg, &a->to);
	case 'H':
		if (dsamig_parse_uint(arg, 1, 100, &v))
			return cli_usage_error(state, "bad --hot '%s': a percentage from 1 to 100",
					       arg);
		a->hot_pct = (unsigned int)v;
		return 0;
	case OPT_MIN_AGE:
		if (dsamig_parse_duration(arg, &a->min_age_ns) ||
		    a->min_age_ns / 1000 / AGGR_US > UINT32_MAX)
			return cli_usage_error(state, "bad --min-age '%s': a time such as 1s or 500ms",
					       arg);
		return 0;
	case 'Q':
		if (dsamig_parse_size(arg, &a->quota) || !a->quota)
			return cli_usage_error(state, "bad --quota '%s': bytes per second such as 64M",
					       arg);
		return 0;
	case 'd':
		if (dsamig_parse_duration(arg, &a->duration_ns) || a->duration_ns < NSEC / 10)
			return cli_usage_error(state, "bad --duration '%s': a time of at least 100ms "
					       "such as 10s or 2m", arg);
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
		if (!a->have_from || !a->have_to)
			return cli_usage_error(state, "--from and --to are required");
		if (a->from == a->to)
			return cli_usage_error(state, "--from and --to are the same node (%u)",
					       a->from);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp promote_argp = {
	.options = promote_options,
	.parser = parser,
	.doc = "Promote the hot pages of node --from to node --to now, with a DAMON kdamond "
	       "of dsamig's own (migrate_hot), for --duration or until Ctrl-C; then remove "
	       "the kdamond and report the bytes DAMON tried and migrated, pages/s, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

static const struct argp demote_argp = {
	.options = demote_options,
	.parser = parser,
	.doc = "Demote the cold pages of node --from to node --to now, with a DAMON kdamond "
	       "of dsamig's own (migrate_cold), for --duration or until Ctrl-C; then remove "
	       "the kdamond and report the bytes DAMON tried and migrated, pages/s, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

struct promote_report {
	const struct promote_args *a;
	struct dsamig_range ranges[DSAMIG_MAX_RANGES];
	unsigned int nr_ranges;
	double secs;
	bool interrupted, died;
	struct dsamig_damon_stats st;
	uint64_t migrated, failed;
	struct dsamig_vmstat vmstat;	/* deltas */
	long page_size;
};

/* Removed on every exit, and by the crash handler. */
static struct dsamig_damon damon;

static void restore_damon(void)
{
	if (!dsamig_damon_destroy(&damon))
		dsamig_damon_forget(DSAMIG_DAMON_RECORD);
}

static int find_ranges(const char *cmd, struct promote_report *r)
{
	unsigned int node = r->a->from;
	int n = dsamig_node_ranges("", node, r->ranges, DSAMIG_MAX_RANGES);

	if (n > 0) {
		r->nr_ranges = (unsigned int)n;
		return 0;
	}
	switch (n) {
	case -ENOTSUP:
		fprintf(stderr, "%s: cannot find node %u's memory: no /sys/devices/system/memory "
			"(the kernel needs CONFIG_MEMORY_HOTPLUG)\n", cmd, node);
		break;
	case -EPERM:
		fprintf(stderr, "%s: /proc/iomem shows no addresses to this process; it needs "
			"CAP_SYS_ADMIN\n", cmd);
		break;
	case -ENOENT:
	case -ERANGE:
		fprintf(stderr, "%s: node %u has no System RAM in /proc/iomem under its memory "
			"blocks\n", cmd, node);
		break;
	default:
		fprintf(stderr, "%s: cannot find node %u's memory ranges: %s\n", cmd, node,
			strerror(-n));
	}
	return DSAMIG_EXIT_FAILURE;
}

/* -EBUSY from "on": a kernel DAMON module runs exclusively. */
static void busy_error(const char *cmd)
{
	const char *user = dsamig_damon_exclusive_user("/sys/module");

	if (user)
		fprintf(stderr, "%s: DAMON is busy: the kernel's %s runs exclusively; stop it with "
			"'echo N > /sys/module/%s/parameters/enabled'\n", cmd, user, user);
	else
		fprintf(stderr, "%s: DAMON is busy: another kdamond runs exclusively\n", cmd);
}

/*
 * -EBUSY from create: kdamonds exist. The record names one a killed
 * promote or demote left (SIGKILL runs no cleanup); else they are someone
 * else's. Either way the remedy: the writes that remove them.
 */
static void busy_kdamonds(const char *cmd)
{
	const char *it = damon.others == 1 ? "it" : "them";
	struct dsamig_damon_survey sv;

	fprintf(stderr, "%s: %u DAMON kdamond%s already configured (%u running); adding "
		"one would reset %s, and dsamig does not touch kdamonds it did not create",
		cmd, damon.others, damon.others == 1 ? " is" : "s are", damon.others_on, it);
	if (dsamig_damon_survey(DSAMIG_DAMON_ADMIN, DSAMIG_DAMON_RECORD, &sv) || !sv.nr)
		fputc('\n', stderr);
	else if (sv.left)
		fprintf(stderr, "; dsamig %s (pid %d) left %s when it was killed: remove %s "
			"with '%s'\n", sv.left_verb, sv.left_pid, sv.nr == 1 ? "it" : "one", it,
			sv.remedy);
	else
		fprintf(stderr, "; if nothing uses %s, remove %s with '%s'\n", it, it, sv.remedy);
}

static int create_error(const char *cmd, int err)
{
	switch (err) {
	case -ENOENT:
	case -EOPNOTSUPP:
		fprintf(stderr, "%s: %s\n", cmd, dsamig_damon_gap_str(damon.gap));
		break;
	case -EBUSY:
		busy_kdamonds(cmd);
		break;
	default:
		fprintf(stderr, "%s: cannot set up a DAMON kdamond: %s failed: %s\n", cmd,
			damon.failed, strerror(-err));
	}
	return DSAMIG_EXIT_FAILURE;
}

static void build_scheme(const struct promote_args *a, const struct promote_report *r,
			 struct dsamig_damon_scheme *s)
{
	memset(s, 0, sizeof(*s));
	s->hot = !a->demote;
	s->target_nid = a->to;
	if (s->hot) {
		/* at least one sample: DAMON counts whole samples */
		s->min_accesses = (a->hot_pct * MAX_ACCESSES + 99) / 100;
		s->max_accesses = MAX_ACCESSES;
	} else {
		s->min_age = (unsigned int)(a->min_age_ns / 1000 / AGGR_US);
	}
	s->quota_bytes = a->quota;
	s->sample_us = SAMPLE_US;
	s->aggr_us = AGGR_US;
	s->ranges = r->ranges;
	s->nr_ranges = r->nr_ranges;
}

static void progress(const struct promote_report *r, double secs)
{
	char bytes[32];

	cli_fmt_bytes(bytes, sizeof(bytes), (double)r->st.sz_applied);
	fprintf(stderr, "\r  %sing: %12s migrated  %10.0f pages/s  %6.1f s ",
		r->a->demote ? "demot" : "promot", bytes,
		secs > 0 ? (double)r->st.sz_applied / (double)r->page_size / secs : 0, secs);
}

static double pages_per_s(const struct promote_report *r)
{
	return r->secs > 0 ? (double)r->st.sz_applied / (double)r->page_size / r->secs : 0;
}

static int print_json(const struct promote_report *r, const struct top_session *s)
{
	const struct promote_args *a = r->a;
	struct json_object *j = json_object_new_object(), *ranges, *o;
	unsigned int i;

	if (!j)
		return DSAMIG_EXIT_FAILURE;
	json_object_object_add(j, "action", json_object_new_string(a->demote ? "migrate_cold" :
									      "migrate_hot"));
	json_object_object_add(j, "from", json_object_new_int((int)a->from));
	json_object_object_add(j, "to", json_object_new_int((int)a->to));
	ranges = json_object_new_array();
	for (i = 0; i < r->nr_ranges; i++) {
		o = json_object_new_object();
		report_add_u64(o, "start", r->ranges[i].start);
		report_add_u64(o, "end", r->ranges[i].end);
		json_object_array_add(ranges, o);
	}
	json_object_object_add(j, "ranges", ranges);
	if (a->demote)
		json_object_object_add(j, "min_age_s",
				       json_object_new_double((double)a->min_age_ns / 1e9));
	else
		json_object_object_add(j, "hot_percent", json_object_new_int((int)a->hot_pct));
	report_add_u64(j, "quota_bytes_per_s", a->quota);
	json_object_object_add(j, "duration_s", json_object_new_double(r->secs));
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	json_object_object_add(j, "kdamond_died", json_object_new_boolean(r->died));
	report_add_u64(j, "regions_tried", r->st.nr_tried);
	report_add_u64(j, "bytes_tried", r->st.sz_tried);
	report_add_u64(j, "regions_applied", r->st.nr_applied);
	report_add_u64(j, "bytes_applied", r->st.sz_applied);
	report_add_u64(j, "quota_exceeded", r->st.qt_exceeds);
	report_add_u64(j, "pages_applied", r->st.sz_applied / (uint64_t)r->page_size);
	json_object_object_add(j, "pages_per_s", json_object_new_double(pages_per_s(r)));
	report_migrate_json(j, &s->total, r->migrated);
	report_add_u64(j, "pages_migrated", r->migrated);
	report_add_u64(j, "pages_failed", r->failed);
	o = json_object_new_object();
	report_add_u64(o, "pgmigrate_success", r->vmstat.v[DSAMIG_VMSTAT_pgmigrate_success]);
	report_add_u64(o, "pgmigrate_fail", r->vmstat.v[DSAMIG_VMSTAT_pgmigrate_fail]);
	json_object_object_add(j, "vmstat", o);
	json_object_object_add(j, "module_loaded", json_object_new_boolean(s->module));
	if (s->module)
		json_object_object_add(j, "copy", report_copy_json(&s->total));
	report_add_u64(j, "lost_events", s->total.lost_events);
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	return 0;
}

static void print_human(const struct promote_report *r, const struct top_session *s)
{
	const struct promote_args *a = r->a;
	uint64_t pages = r->st.sz_applied / (uint64_t)r->page_size;
	char tried[32], applied[32], quota[32];

	cli_fmt_bytes(tried, sizeof(tried), (double)r->st.sz_tried);
	cli_fmt_bytes(applied, sizeof(applied), (double)r->st.sz_applied);
	printf("%s node %u -> node %u%s (%.2f s)\n", a->demote ? "Demotion" : "Promotion",
	       a->from, a->to, r->interrupted ? ", interrupted" : r->died ?
	       ", the kdamond stopped early" : "", r->secs);
	if (a->demote)
		printf("  %-20s %12.3f s not accessed\n", "cold", (double)a->min_age_ns / 1e9);
	else
		printf("  %-20s %12u %% of samples accessed\n", "hot", a->hot_pct);
	if (a->quota) {
		cli_fmt_bytes(quota, sizeof(quota), (double)a->quota);
		printf("  %-20s %12s/s\n", "quota", quota);
	}
	printf("  %-20s %12s %8llu %s\n", "tried", tried, (unsigned long long)r->st.nr_tried,
	       dsamig_plural(r->st.nr_tried, "region", "regions"));
	printf("  %-20s %12s %8llu %s\n", "migrated", applied, (unsigned long long)pages,
	       dsamig_plural(pages, "page", "pages"));
	printf("  %-20s %12.0f pages/s\n", "rate", pages_per_s(r));
	printf("  %-20s %12llu %s\n", "quota exceeded", (unsigned long long)r->st.qt_exceeds,
	       dsamig_plural(r->st.qt_exceeds, "time", "times"));
	printf("  %-20s %12llu %s %8llu failed\n", "traced (damon)",
	       (unsigned long long)r->migrated, dsamig_plural(r->migrated, "page ", "pages"),
	       (unsigned long long)r->failed);
	report_migrate_human(&s->total, r->migrated);
	report_copy_human(s);
}

/* Run the kdamond until the duration ends or a stop signal; progress on a tty. */
static void run(struct promote_report *r, struct top_session *s, uint64_t t0)
{
	const struct promote_args *a = r->a;
	bool tty = !a->json && !a->quiet && isatty(STDERR_FILENO);
	uint64_t end = t0 + a->duration_ns, next = t0 + PROGRESS_NS, now;
	struct dsamig_damon_stats st;

	while (!top_stop) {
		top_wait(s, next < end ? next : end, -1);
		now = top_now_ns();
		if (top_stop || now >= end)
			break;
		next += PROGRESS_NS;
		if (!dsamig_damon_pid(&damon)) {
			r->died = true;
			break;
		}
		/* also the last stats should the kdamond end by itself */
		if (!dsamig_damon_stats(&damon, &st)) {
			r->st = st;
			if (tty)
				progress(r, (double)(now - t0) / 1e9);
		}
	}
	r->interrupted = top_stop;
	r->secs = (double)(top_now_ns() - t0) / 1e9;
	if (tty)
		fputs("\r\033[K", stderr);
}

static int cmd_move(int argc, char *argv[], struct dsamig_ctx *ctx, bool demote)
{
	struct promote_args a = { .demote = demote, .hot_pct = 5, .min_age_ns = NSEC,
				  .duration_ns = 10 * NSEC };
	struct promote_report r = { .a = &a };
	struct dsamig_damon_scheme scheme;
	struct dsamig_damon_stats final;
	enum dsamig_damon_gap gap;
	struct dsamig_nodemask mem;
	struct dsamig_vmstat vm0, vm1;
	struct top_session s;
	unsigned int reason;
	uint64_t t0;
	int ret, err;

	ret = cli_parse_args(demote ? &demote_argp : &promote_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], demote ? "demote pages with DAMON" :
				      "promote pages with DAMON");
	if (ret)
		return ret;
	ret = cli_nodes_with_memory(argv[0], &mem) ?:
	      cli_node_has_memory(argv[0], "source ", a.from, &mem) ?:
	      cli_node_has_memory(argv[0], "target ", a.to, &mem);
	if (ret)
		return ret;
	gap = dsamig_damon_check_admin(DSAMIG_DAMON_ADMIN);
	if (gap) {
		fprintf(stderr, "%s: %s\n", argv[0], dsamig_damon_gap_str(gap));
		return DSAMIG_EXIT_FAILURE;
	}
	ret = find_ranges(argv[0], &r);
	if (ret)
		return ret;
	r.page_size = sysconf(_SC_PAGESIZE);
	if (dsamig_vmstat_read(&vm0)) {
		fprintf(stderr, "%s: cannot read /proc/vmstat; is /proc mounted?\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}

	ret = top_session_open(&s, argv[0]);
	if (ret)
		return ret;
	top_signals(&s, restore_damon);
	reason = report_reason(s.dec, "damon", DSAMIG_REASON_DAMON);
	build_scheme(&a, &r, &scheme);
	err = dsamig_damon_create(&damon, DSAMIG_DAMON_ADMIN, &scheme);
	if (err) {
		top_session_close(&s);
		return create_error(argv[0], err);
	}
	/* for status and the next run, should this one be killed: best effort */
	dsamig_damon_record(&damon, demote ? "demote" : "promote", DSAMIG_DAMON_RECORD);
	damon.stop = &top_stop;
	err = dsamig_damon_start(&damon);
	if (!err || err == -EINTR)
		dsamig_damon_record(&damon, demote ? "demote" : "promote", DSAMIG_DAMON_RECORD);
	/* -EINTR: stopped during the quota warm-up; the report says so */
	if (err && err != -EINTR) {
		restore_damon();
		top_session_close(&s);
		if (err == -EBUSY)
			busy_error(argv[0]);
		else if (err == -ETIMEDOUT)
			fprintf(stderr, "%s: the kdamond did not apply its scheme within 30 s; "
				"nothing was migrated\n", argv[0]);
		else
			fprintf(stderr, "%s: cannot start the kdamond (%s: %s)\n", argv[0],
				damon.failed, strerror(-err));
		return DSAMIG_EXIT_FAILURE;
	}
	t0 = top_now_ns();
	run(&r, &s, t0);

	/* final stats: no migration after the quiesce, then off and removed */
	if (r.died) {
		fprintf(stderr, "%s: the kdamond ended by itself after %.1f s; the report shows "
			"the last stats read\n", argv[0], r.secs);
	} else {
		err = dsamig_damon_quiesce(&damon) ?: dsamig_damon_stats(&damon, &final);
		if (err)
			fprintf(stderr, "%s: cannot read the final DAMON stats (%s: %s); the "
				"report shows the last ones read\n", argv[0], damon.failed,
				strerror(-err));
		else
			r.st = final;
	}
	err = dsamig_damon_destroy(&damon);
	if (!err)
		dsamig_damon_forget(DSAMIG_DAMON_RECORD);
	top_drain(&s);
	if (!dsamig_vmstat_read(&vm1))
		dsamig_vmstat_delta(&vm1, &vm0, &r.vmstat);
	r.migrated = s.total.migrate[reason].succeeded;
	r.failed = s.total.migrate[reason].failed;
	if (err) {
		fprintf(stderr, "%s: cannot remove the kdamond (%s: %s); remove it with "
			"'echo off > %s/state; echo 0 > %s/nr_kdamonds'\n", argv[0],
			damon.failed, strerror(-err), damon.kdamond, DSAMIG_DAMON_ADMIN "/kdamonds");
		ret = DSAMIG_EXIT_FAILURE;
	}
	if (a.json)
		ret = print_json(&r, &s) ?: ret;
	else
		print_human(&r, &s);
	top_session_close(&s);
	return ret;
}

int cmd_promote(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	return cmd_move(argc, argv, ctx, false);
}

int cmd_demote(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	return cmd_move(argc, argv, ctx, true);
}
