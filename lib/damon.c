// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig's own DAMON kdamond: see damon.h. The write order is damo's
 * (src/_damon_sysfs.py: write_kdamonds_dir -> write_context_dir ->
 * write_scheme_dir), and every nr_* file is written once, right after the
 * directory holding it appears.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "damon.h"
#include "sysfile.h"

/* DAMON's sysfs stores take a mutex with trylock: EBUSY means "again". */
#define BUSY_TRIES	100
#define BUSY_WAIT_NS	20000000L

/*
 * The quota is per second. Linux 6.12 sizes it only when a charge window
 * ends (mm/damon/core.c, damos_adjust_quota): the first window has none,
 * so a scheme with a quota first runs as "stat" of everything until a
 * window has passed, and only then gets its action (see warm_up()).
 */
#define QUOTA_RESET_MS	1000
#define WARMUP_POLLS	300
#define WARMUP_POLL_NS	100000000L

/* snprintf() into a PATH_MAX buffer; a path too long is cut (and fails to open). */
static void pathf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pathf(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
}

const char *dsamig_damon_gap_str(enum dsamig_damon_gap gap)
{
	switch (gap) {
	case DSAMIG_DAMON_OK:
		return "nothing is missing";
	case DSAMIG_DAMON_NO_SYSFS:
		return "this kernel has no DAMON sysfs interface (" DSAMIG_DAMON_ADMIN
		       " is missing): it needs CONFIG_DAMON_SYSFS";
	case DSAMIG_DAMON_NO_PADDR:
		return "this kernel's DAMON has no physical address operations "
		       "(no paddr in avail_operations): it needs CONFIG_DAMON_PADDR";
	case DSAMIG_DAMON_NO_MIGRATE:
		return "this kernel's DAMON has no migrate_hot/migrate_cold actions "
		       "(no target_nid in a scheme): they came with Linux 6.11";
	}
	return "unknown";
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	pathf(path, "%s/%s", dir, name);
	return !access(path, F_OK);
}

enum dsamig_damon_gap dsamig_damon_check_admin(const char *admin_dir)
{
	return exists(admin_dir, "kdamonds/nr_kdamonds") ? DSAMIG_DAMON_OK :
							    DSAMIG_DAMON_NO_SYSFS;
}

enum dsamig_damon_gap dsamig_damon_check_context(const char *context_dir)
{
	enum dsamig_damon_gap gap = DSAMIG_DAMON_NO_PADDR;
	char path[PATH_MAX], *ops, *tok, *save;

	/* one name per line ("vaddr\nfvaddr\npaddr\n") */
	pathf(path, "%s/avail_operations", context_dir);
	ops = dsamig_slurp(path);
	if (!ops)
		return gap;
	for (tok = strtok_r(ops, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, "paddr"))
			gap = DSAMIG_DAMON_OK;
	free(ops);
	return gap;
}

enum dsamig_damon_gap dsamig_damon_check_scheme(const char *scheme_dir)
{
	return exists(scheme_dir, "target_nid") ? DSAMIG_DAMON_OK : DSAMIG_DAMON_NO_MIGRATE;
}

static void sleep_ns(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

/* Write @value to @base/@fmt..., retrying while DAMON's sysfs lock is taken. */
static int put(struct dsamig_damon *d, const char *base, const char *value,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int put(struct dsamig_damon *d, const char *base, const char *value,
	       const char *fmt, ...)
{
	char path[PATH_MAX], rel[PATH_MAX / 2];
	va_list ap;
	int err, i;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	pathf(path, "%s/%s", base, rel);
	for (i = 0; i < BUSY_TRIES; i++) {
		err = dsamig_write_str(path, value);
		if (err != -EBUSY)
			break;
		sleep_ns(BUSY_WAIT_NS);
	}
	if (err)
		snprintf(d->failed, sizeof(d->failed), "writing %s to %s", value, path);
	return err;
}

static int put_u64(struct dsamig_damon *d, const char *base, uint64_t v, const char *rel)
{
	char value[32];

	snprintf(value, sizeof(value), "%" PRIu64, v);
	return put(d, base, value, "%s", rel);
}

/* Are there kdamonds already, and do they run? */
static int count_others(struct dsamig_damon *d, const char *admin_dir)
{
	char path[PATH_MAX], state[16];
	uint64_t nr, k;
	int err;

	pathf(path, "%s/kdamonds/nr_kdamonds", admin_dir);
	err = dsamig_read_u64(path, 10, &nr);
	if (err) {
		snprintf(d->failed, sizeof(d->failed), "reading %s", path);
		return err;
	}
	d->others = (unsigned int)nr;
	d->others_on = 0;
	for (k = 0; k < nr; k++) {
		pathf(path, "%s/kdamonds/%" PRIu64 "/state", admin_dir, k);
		if (!dsamig_read_line(path, state, sizeof(state)) && strcmp(state, "off"))
			d->others_on++;
	}
	return nr ? -EBUSY : 0;
}

/* The access pattern and action of the scheme, @warmup: "stat" of everything. */
static int put_pattern(struct dsamig_damon *d, const char *sch,
		       const struct dsamig_damon_scheme *s, bool warmup)
{
	int err;

	err = put_u64(d, sch, 4096, "access_pattern/sz/min") ?:
	      put_u64(d, sch, UINT64_C(1) << 62, "access_pattern/sz/max") ?:
	      put_u64(d, sch, warmup ? 0 : s->min_accesses, "access_pattern/nr_accesses/min") ?:
	      put_u64(d, sch, warmup ? UINT32_MAX : s->max_accesses,
		      "access_pattern/nr_accesses/max") ?:
	      put_u64(d, sch, warmup ? 0 : s->min_age, "access_pattern/age/min") ?:
	      put_u64(d, sch, UINT32_MAX, "access_pattern/age/max");
	if (err)
		return err;
	err = put(d, sch, warmup ? "stat" : s->hot ? "migrate_hot" : "migrate_cold", "action");
	if (err == -EINVAL && !warmup) {
		d->gap = DSAMIG_DAMON_NO_MIGRATE;
		return -EOPNOTSUPP;
	}
	return err;
}

static int configure_scheme(struct dsamig_damon *d, const char *ctx,
			    const struct dsamig_damon_scheme *s)
{
	char sch[PATH_MAX];
	int err;

	err = put(d, ctx, "1", "schemes/nr_schemes");
	if (err)
		return err;
	pathf(sch, "%s/schemes/0", ctx);
	d->gap = dsamig_damon_check_scheme(sch);
	if (d->gap)
		return -EOPNOTSUPP;
	/* the real pattern first: a kernel without the action refuses it here */
	err = put_pattern(d, sch, s, false) ?:
	      put_u64(d, sch, s->target_nid, "target_nid") ?:
	      put_u64(d, sch, s->quota_bytes ? QUOTA_RESET_MS : 0, "quotas/reset_interval_ms") ?:
	      put_u64(d, sch, s->quota_bytes, "quotas/bytes") ?:
	      put_u64(d, sch, 0, "quotas/ms") ?:
	      put(d, sch, "none", "watermarks/metric");
	if (err || !s->quota_bytes)
		return err;
	return put_pattern(d, sch, s, true);
}

static int configure(struct dsamig_damon *d, const struct dsamig_damon_scheme *s)
{
	char ctx[PATH_MAX], tgt[PATH_MAX];
	unsigned int r;
	int err;

	err = put(d, d->kdamond, "1", "contexts/nr_contexts");
	if (err)
		return err;
	pathf(ctx, "%s/contexts/0", d->kdamond);
	d->gap = dsamig_damon_check_context(ctx);
	if (d->gap)
		return -EOPNOTSUPP;
	err = put(d, ctx, "paddr", "operations") ?:
	      put_u64(d, ctx, s->sample_us, "monitoring_attrs/intervals/sample_us") ?:
	      put_u64(d, ctx, s->aggr_us, "monitoring_attrs/intervals/aggr_us") ?:
	      put(d, ctx, "1", "targets/nr_targets");
	if (err)
		return err;
	pathf(tgt, "%s/targets/0/regions", ctx);
	err = put_u64(d, tgt, s->nr_ranges, "nr_regions");
	for (r = 0; !err && r < s->nr_ranges; r++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "%u/start", r);
		err = put_u64(d, tgt, s->ranges[r].start, rel);
		snprintf(rel, sizeof(rel), "%u/end", r);
		err = err ?: put_u64(d, tgt, s->ranges[r].end, rel);
	}
	return err ?: configure_scheme(d, ctx, s);
}

int dsamig_damon_create(struct dsamig_damon *d, const char *admin_dir,
			const struct dsamig_damon_scheme *s)
{
	char kdamonds[PATH_MAX];
	int err;

	memset(d, 0, sizeof(*d));
	d->scheme = *s;
	d->scheme.ranges = NULL;
	d->gap = dsamig_damon_check_admin(admin_dir);
	if (d->gap)
		return -ENOENT;
	err = count_others(d, admin_dir);
	if (err)
		return err;
	pathf(kdamonds, "%s/kdamonds", admin_dir);
	err = put(d, kdamonds, "1", "nr_kdamonds");
	if (err)
		return err;
	d->created = true;
	pathf(d->kdamond, "%s/kdamonds/0", admin_dir);
	err = configure(d, s);
	if (err)
		dsamig_damon_destroy(d);
	return err;
}

static int read_stats(struct dsamig_damon *d, struct dsamig_damon_stats *st);

/*
 * With a quota: wait until the "stat" scheme has been applied once (its
 * charge window then starts), let that window pass, then give the scheme
 * its pattern and action online. The stats so far become the baseline.
 */
/* Stopped: what the inert warm-up tried is not reported either. */
static bool stopped(struct dsamig_damon *d)
{
	if (!d->stop || !*d->stop)
		return false;
	read_stats(d, &d->base);
	return true;
}

static int warm_up(struct dsamig_damon *d)
{
	struct dsamig_damon_stats st;
	char sch[PATH_MAX];
	int i, err;

	for (i = 0; i < WARMUP_POLLS; i++) {
		err = read_stats(d, &st);
		if (err)
			return err;
		if (st.nr_tried)
			break;
		if (stopped(d))
			return -EINTR;
		sleep_ns(WARMUP_POLL_NS);
	}
	if (i == WARMUP_POLLS)
		return -ETIMEDOUT;
	for (i = 0; i <= QUOTA_RESET_MS * 1000000L / WARMUP_POLL_NS; i++) {
		if (stopped(d))
			return -EINTR;
		sleep_ns(WARMUP_POLL_NS);
	}
	pathf(sch, "%s/contexts/0/schemes/0", d->kdamond);
	err = put_pattern(d, sch, &d->scheme, false) ?:
	      put(d, d->kdamond, "commit", "state");
	return err ?: read_stats(d, &d->base);
}

int dsamig_damon_start(struct dsamig_damon *d)
{
	int err = put(d, d->kdamond, "on", "state");

	if (err)
		return err;
	d->running = true;
	return d->scheme.quota_bytes ? warm_up(d) : 0;
}

static int read_stats(struct dsamig_damon *d, struct dsamig_damon_stats *st)
{
	static const char *const names[] = {
		"nr_tried", "sz_tried", "nr_applied", "sz_applied", "qt_exceeds",
	};
	uint64_t *v[] = { &st->nr_tried, &st->sz_tried, &st->nr_applied, &st->sz_applied,
			  &st->qt_exceeds };
	char path[PATH_MAX];
	unsigned int i;
	int err;

	err = put(d, d->kdamond, "update_schemes_stats", "state");
	for (i = 0; !err && i < sizeof(names) / sizeof(names[0]); i++) {
		pathf(path, "%s/contexts/0/schemes/0/stats/%s", d->kdamond,
			 names[i]);
		err = dsamig_read_u64(path, 10, v[i]);
		if (err)
			snprintf(d->failed, sizeof(d->failed), "reading %s", path);
	}
	return err;
}

int dsamig_damon_stats(struct dsamig_damon *d, struct dsamig_damon_stats *st)
{
	int err = read_stats(d, st);

	if (err)
		return err;
	st->nr_tried -= d->base.nr_tried;
	st->sz_tried -= d->base.sz_tried;
	st->nr_applied -= d->base.nr_applied;
	st->sz_applied -= d->base.sz_applied;
	st->qt_exceeds -= d->base.qt_exceeds;
	return 0;
}

int dsamig_damon_quiesce(struct dsamig_damon *d)
{
	return put(d, d->kdamond, "stat", "contexts/0/schemes/0/action") ?:
	       put(d, d->kdamond, "commit", "state");
}

int dsamig_damon_destroy(struct dsamig_damon *d)
{
	char kdamonds[PATH_MAX], *slash;
	int err = 0, e;

	/* a kdamond that ended by itself (pid -1) refuses "off" */
	if (d->running && !dsamig_damon_pid(d))
		d->running = false;
	if (d->running) {
		err = put(d, d->kdamond, "off", "state");
		if (!err)
			d->running = false;
	}
	if (d->created && !d->running) {
		pathf(kdamonds, "%s", d->kdamond);
		slash = strrchr(kdamonds, '/');
		if (slash)
			*slash = '\0';
		e = put(d, kdamonds, "0", "nr_kdamonds");
		if (!e)
			d->created = false;
		err = err ?: e;
	}
	return err;
}

int dsamig_damon_pid(const struct dsamig_damon *d)
{
	char path[PATH_MAX];
	uint64_t pid;

	pathf(path, "%s/pid", d->kdamond);
	if (dsamig_read_u64(path, 10, &pid) || pid > INT32_MAX)
		return 0;
	return (int)pid;
}

const char *dsamig_damon_exclusive_user(const char *module_dir)
{
#define DAMON_MODULE_NAME(m) #m,
	static const char *const users[] = { DSAMIG_DAMON_EXCLUSIVE_MODULES(DAMON_MODULE_NAME) };
#undef DAMON_MODULE_NAME
	char path[PATH_MAX], val[8];
	size_t i;

	for (i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		pathf(path, "%s/%s/parameters/enabled", module_dir, users[i]);
		if (!dsamig_read_line(path, val, sizeof(val)) && (val[0] == 'Y' || val[0] == '1'))
			return users[i];
	}
	return NULL;
}

int dsamig_damon_record(const struct dsamig_damon *d, const char *verb, const char *path)
{
	char dir[PATH_MAX], tmp[PATH_MAX], line[PATH_MAX + 64], *slash;
	size_t len;
	int fd, err;

	pathf(dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
	}
	len = (size_t)snprintf(line, sizeof(line), "%s %d %d %s\n", verb, (int)getpid(),
			       d->running ? dsamig_damon_pid(d) : 0,
			       d->kdamond);
	/* a new file renamed over the old: a reader never sees half a record */
	pathf(tmp, "%s.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write(fd, line, len) == (ssize_t)len ? 0 : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void dsamig_damon_forget(const char *path)
{
	unlink(path);
}

/*
 * Does @record name a kdamond under @admin_dir that outlived its dsamig?
 * Its pid must be the recorded one (or, recorded before the start, it must
 * be off), so that a kdamond someone made since is not taken for it.
 */
static bool left_by_dsamig(const char *admin_dir, const char *record,
			   struct dsamig_damon_survey *sv)
{
	char line[PATH_MAX + 64], dir[PATH_MAX], path[PATH_MAX], state[16];
	struct dsamig_damon k = { 0 };
	int pid, kpid;
	size_t n;

	if (dsamig_read_line(record, line, sizeof(line)) ||
	    sscanf(line, "%15s %d %d %4095s", sv->left_verb, &pid, &kpid, dir) != 4 || pid <= 0)
		return false;
	n = strlen(admin_dir);
	if (strncmp(dir, admin_dir, n) || strncmp(dir + n, "/kdamonds/", 10))
		return false;
	if (!kill((pid_t)pid, 0) || errno != ESRCH)
		return false;
	pathf(k.kdamond, "%s", dir);
	if (kpid) {
		if (dsamig_damon_pid(&k) != kpid)
			return false;
	} else {
		pathf(path, "%s/state", dir);
		if (dsamig_read_line(path, state, sizeof(state)) || strcmp(state, "off"))
			return false;
	}
	sv->left_pid = pid;
	return true;
}

int dsamig_damon_survey(const char *admin_dir, const char *record,
			struct dsamig_damon_survey *sv)
{
	char path[PATH_MAX], state[16];
	size_t len = 0;
	uint64_t nr, k;
	int err;

	memset(sv, 0, sizeof(*sv));
	pathf(path, "%s/kdamonds/nr_kdamonds", admin_dir);
	err = dsamig_read_u64(path, 10, &nr);
	if (err)
		return err;
	sv->nr = (unsigned int)nr;
	for (k = 0; k < nr; k++) {
		pathf(path, "%s/kdamonds/%" PRIu64 "/state", admin_dir, k);
		if (dsamig_read_line(path, state, sizeof(state)) || !strcmp(state, "off"))
			continue;
		sv->nr_on++;
		/* only a running kdamond takes "off": an idle one refuses it */
		if (len < sizeof(sv->remedy))
			len += (size_t)snprintf(sv->remedy + len, sizeof(sv->remedy) - len,
						"echo off > %s; ", path);
	}
	if (nr && len < sizeof(sv->remedy))
		snprintf(sv->remedy + len, sizeof(sv->remedy) - len,
			 "echo 0 > %s/kdamonds/nr_kdamonds", admin_dir);
	sv->left = nr && record && left_by_dsamig(admin_dir, record, sv);
	return 0;
}
