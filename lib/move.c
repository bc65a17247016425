// SPDX-License-Identifier: GPL-2.0
/* dsamig promote's and demote's action: see move.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "move.h"
#include "node_check.h"
#include "stats_json.h"

#define NSEC		1000000000ULL
#define MAX_ACCESSES	(DSAMIG_MOVE_AGGR_US / DSAMIG_MOVE_SAMPLE_US)

/* Removed on every exit, and by the crash handler. */
static struct dsamig_damon damon;
static char record[PATH_MAX];

static void restore_damon(void)
{
	if (!dsamig_damon_destroy(&damon))
		dsamig_damon_forget(record);
}

static int find_ranges(struct dsamig_ctx *ctx, struct dsamig_move_report *r)
{
	unsigned int node = r->p.from;
	int n = dsamig_node_ranges(dsamig_ctx_root(ctx), node, r->ranges, DSAMIG_MAX_RANGES);

	if (n > 0) {
		r->nr_ranges = (unsigned int)n;
		return 0;
	}
	switch (n) {
	case -ENOTSUP:
		dsamig_err(ctx, "cannot find node %u's memory: no /sys/devices/system/memory "
			   "(the kernel needs CONFIG_MEMORY_HOTPLUG)", node);
		break;
	case -EPERM:
		dsamig_err(ctx, "/proc/iomem shows no addresses to this process; it needs "
			   "CAP_SYS_ADMIN");
		break;
	case -ENOENT:
	case -ERANGE:
		dsamig_err(ctx, "node %u has no System RAM in /proc/iomem under its memory blocks",
			   node);
		break;
	default:
		dsamig_err(ctx, "cannot find node %u's memory ranges: %s", node, strerror(-n));
	}
	return n < 0 ? n : -ENOENT;
}

/* -EBUSY from "on": a kernel DAMON module runs exclusively. */
static void busy_error(struct dsamig_ctx *ctx)
{
	char dir[PATH_MAX];
	const char *user = NULL;

	if (!dsamig_ctx_path(ctx, dir, sizeof(dir), "/sys/module"))
		user = dsamig_damon_exclusive_user(dir);
	if (user)
		dsamig_err(ctx, "DAMON is busy: the kernel's %s runs exclusively; stop it with "
			   "'echo N > /sys/module/%s/parameters/enabled'", user, user);
	else
		dsamig_err(ctx, "DAMON is busy: another kdamond runs exclusively");
}

/*
 * -EBUSY from create: kdamonds exist. The record names one a killed
 * promote or demote left (SIGKILL runs no cleanup); else they are someone
 * else's. Either way the remedy: the writes that remove them.
 */
static void busy_kdamonds(struct dsamig_ctx *ctx, const char *admin)
{
	const char *it = damon.others == 1 ? "it" : "them";
	struct dsamig_damon_survey sv;
	char what[256];

	snprintf(what, sizeof(what), "%u DAMON kdamond%s already configured (%u running); "
		 "adding one would reset %s, and dsamig does not touch kdamonds it did not create",
		 damon.others, damon.others == 1 ? " is" : "s are", damon.others_on, it);
	if (dsamig_damon_survey(admin, record, &sv) || !sv.nr)
		dsamig_err(ctx, "%s", what);
	else if (sv.left)
		dsamig_err(ctx, "%s; dsamig %s (pid %d) left %s when it was killed: remove %s "
			   "with '%s'", what, sv.left_verb, sv.left_pid, sv.nr == 1 ? "it" : "one",
			   it, sv.remedy);
	else
		dsamig_err(ctx, "%s; if nothing uses %s, remove %s with '%s'", what, it, it,
			   sv.remedy);
}

static int create_error(struct dsamig_ctx *ctx, const char *admin, int err)
{
	switch (err) {
	case -ENOENT:
	case -EOPNOTSUPP:
		dsamig_err(ctx, "%s", dsamig_damon_gap_str(damon.gap));
		break;
	case -EBUSY:
		busy_kdamonds(ctx, admin);
		break;
	default:
		dsamig_err(ctx, "cannot set up a DAMON kdamond: %s failed: %s", damon.failed,
			   strerror(-err));
	}
	return err;
}

static int start_error(struct dsamig_ctx *ctx, int err)
{
	if (err == -EBUSY)
		busy_error(ctx);
	else if (err == -ETIMEDOUT)
		dsamig_err(ctx, "the kdamond did not apply its scheme within 30 s; "
			   "nothing was migrated");
	else
		dsamig_err(ctx, "cannot start the kdamond (%s: %s)", damon.failed, strerror(-err));
	return err;
}

static void build_scheme(const struct dsamig_move_report *r, struct dsamig_damon_scheme *s)
{
	const struct dsamig_move_params *p = &r->p;

	memset(s, 0, sizeof(*s));
	s->hot = !p->demote;
	s->target_nid = p->to;
	if (s->hot) {
		/* at least one sample: DAMON counts whole samples */
		s->min_accesses = (p->hot_pct * MAX_ACCESSES + 99) / 100;
		s->max_accesses = MAX_ACCESSES;
	} else {
		s->min_age = (unsigned int)(p->min_age_ns / 1000 / DSAMIG_MOVE_AGGR_US);
	}
	s->quota_bytes = p->quota;
	s->sample_us = DSAMIG_MOVE_SAMPLE_US;
	s->aggr_us = DSAMIG_MOVE_AGGR_US;
	s->ranges = r->ranges;
	s->nr_ranges = r->nr_ranges;
}

/* Run the kdamond until the duration ends or a stop signal, with progress. */
static void run(struct dsamig_session *s, struct dsamig_move_report *r,
		const struct dsamig_progress *progress)
{
	uint64_t t0 = s->begin_ns, end = t0 + r->p.duration_ns, next = t0 + NSEC, now;
	struct dsamig_damon_stats st;

	while (dsamig_session_wait(s, next < end ? next : end, -1) == DSAMIG_WAKE_DEADLINE) {
		now = dsamig_now_ns();
		if (now >= end)
			break;
		next += NSEC;
		if (!dsamig_damon_pid(&damon)) {
			r->died = true;
			break;
		}
		/* also the last stats should the kdamond end by itself */
		if (!dsamig_damon_stats(&damon, &st)) {
			r->st = st;
			if (progress->fn)
				progress->fn(progress->arg, r->st.sz_applied / r->page_size,
					     (double)(now - t0) / 1e9);
		}
	}
}

/* The final stats (no migration after the quiesce), then off and removed. */
static void finish(struct dsamig_ctx *ctx, struct dsamig_move_report *r, const char *admin,
		   double secs)
{
	struct dsamig_damon_stats final;
	int err;

	if (r->died) {
		dsamig_err(ctx, "the kdamond ended by itself after %.1f s; the report shows "
			   "the last stats read", secs);
	} else {
		err = dsamig_damon_quiesce(&damon) ?: dsamig_damon_stats(&damon, &final);
		if (err)
			dsamig_err(ctx, "cannot read the final DAMON stats (%s: %s); the report "
				   "shows the last ones read", damon.failed, strerror(-err));
		else
			r->st = final;
	}
	err = dsamig_damon_destroy(&damon);
	if (!err) {
		dsamig_damon_forget(record);
		return;
	}
	r->kdamond_left = true;
	dsamig_err(ctx, "cannot remove the kdamond (%s: %s); remove it with "
		   "'echo off > %s/state; echo 0 > %s/kdamonds/nr_kdamonds'", damon.failed,
		   strerror(-err), damon.kdamond, admin);
}

int dsamig_move_run(struct dsamig_ctx *ctx, const struct dsamig_move_params *p,
		    const struct dsamig_progress *progress, struct dsamig_move_report *r)
{
	const char *verb = p->demote ? "demote" : "promote";
	struct dsamig_damon_scheme scheme;
	struct dsamig_nodemask mem;
	enum dsamig_damon_gap gap;
	struct dsamig_session s;
	char admin[PATH_MAX];
	int err;

	memset(r, 0, sizeof(*r));
	r->p = *p;
	r->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	err = dsamig_memory_nodes(ctx, &mem) ?:
	      dsamig_node_usable(ctx, "source ", p->from, &mem) ?:
	      dsamig_node_usable(ctx, "target ", p->to, &mem);
	if (err)
		return err;
	if (dsamig_ctx_path(ctx, admin, sizeof(admin), "%s", DSAMIG_DAMON_ADMIN) ||
	    snprintf(record, sizeof(record), "%s/kdamond", dsamig_ctx_state_dir(ctx)) >=
	    (int)sizeof(record)) {
		dsamig_err(ctx, "the root or state directory path is too long");
		return -ENAMETOOLONG;
	}
	gap = dsamig_damon_check_admin(admin);
	if (gap) {
		dsamig_err(ctx, "%s", dsamig_damon_gap_str(gap));
		return -EOPNOTSUPP;
	}
	err = find_ranges(ctx, r);
	if (err)
		return err;

	err = dsamig_session_start(ctx, &s, "damon", DSAMIG_REASON_DAMON, restore_damon);
	if (err)
		return err;
	build_scheme(r, &scheme);
	err = dsamig_damon_create(&damon, admin, &scheme);
	if (err) {
		create_error(ctx, admin, err);
		goto out_session;
	}
	/* for status and the next run, should this one be killed: best effort */
	dsamig_damon_record(&damon, verb, record);
	damon.stop = &dsamig_session_stop;
	err = dsamig_damon_start(&damon);
	/* -EINTR: stopped during the quota warm-up; the report says so */
	if (err && err != -EINTR) {
		start_error(ctx, err);
		goto out_damon;
	}
	/* now with the kdamond's pid */
	dsamig_damon_record(&damon, verb, record);
	s.begin_ns = dsamig_now_ns();
	run(&s, r, progress);
	dsamig_session_mark_end(&s);
	finish(ctx, r, admin, (double)(dsamig_now_ns() - s.begin_ns) / 1e9);
	dsamig_session_finish(&s, &r->m);
	return 0;

out_damon:
	restore_damon();
out_session:
	dsamig_session_close(&s);
	return err;
}

double dsamig_move_pages_per_s(const struct dsamig_move_report *r)
{
	return r->m.secs > 0 ? (double)(r->st.sz_applied / r->page_size) / r->m.secs : 0;
}

struct json_object *dsamig_move_report_to_json(const struct dsamig_move_report *r)
{
	const struct dsamig_move_params *p = &r->p;
	struct json_object *j = json_object_new_object(), *ranges, *o;
	unsigned int i;

	if (!j)
		return NULL;
	json_object_object_add(j, "action", json_object_new_string(p->demote ? "migrate_cold" :
									      "migrate_hot"));
	json_object_object_add(j, "from", json_object_new_int((int)p->from));
	json_object_object_add(j, "to", json_object_new_int((int)p->to));
	ranges = json_object_new_array();
	for (i = 0; i < r->nr_ranges; i++) {
		o = json_object_new_object();
		dsamig_json_u64(o, "start", r->ranges[i].start);
		dsamig_json_u64(o, "end", r->ranges[i].end);
		json_object_array_add(ranges, o);
	}
	json_object_object_add(j, "ranges", ranges);
	if (p->demote)
		dsamig_json_double(j, "min_age_s", (double)p->min_age_ns / 1e9, 3);
	else
		json_object_object_add(j, "hot_percent", json_object_new_int((int)p->hot_pct));
	dsamig_json_u64(j, "quota_bytes_per_s", p->quota);
	json_object_object_add(j, "kdamond_died", json_object_new_boolean(r->died));
	json_object_object_add(j, "kdamond_left", json_object_new_boolean(r->kdamond_left));
	dsamig_json_u64(j, "regions_tried", r->st.nr_tried);
	dsamig_json_u64(j, "bytes_tried", r->st.sz_tried);
	dsamig_json_u64(j, "regions_applied", r->st.nr_applied);
	dsamig_json_u64(j, "bytes_applied", r->st.sz_applied);
	dsamig_json_u64(j, "quota_exceeded", r->st.qt_exceeds);
	dsamig_json_u64(j, "pages_applied", r->st.sz_applied / r->page_size);
	dsamig_json_double(j, "pages_per_s", dsamig_move_pages_per_s(r), 1);
	if (dsamig_result_to_json(j, &r->m)) {
		json_object_put(j);
		return NULL;
	}
	return j;
}
