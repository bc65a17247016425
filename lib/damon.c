// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig's own DAMON kdamond: see damon.h. The write order is damo's
 * (src/_damon_sysfs.py: write_kdamonds_dir -> write_context_dir ->
 * write_scheme_dir), and every nr_* file is written once, right after the
 * directory holding it appears.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "damon.h"
#include "sysfile.h"

/* DAMON's sysfs stores take a mutex with trylock: EBUSY means "again". */
#define BUSY_TRIES	100
#define BUSY_WAIT_NS	20000000L

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

static void busy_wait(void)
{
	struct timespec ts = { 0, BUSY_WAIT_NS };

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
		busy_wait();
	}
	if (err)
		snprintf(d->failed, sizeof(d->failed), "%s: %s", path, value);
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
	if (err)
		return err;
	d->others = (unsigned int)nr;
	d->others_on = 0;
	for (k = 0; k < nr; k++) {
		pathf(path, "%s/kdamonds/%" PRIu64 "/state", admin_dir, k);
		if (!dsamig_read_line(path, state, sizeof(state)) && strcmp(state, "off"))
			d->others_on++;
	}
	return nr ? -EBUSY : 0;
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
	err = put_u64(d, sch, 4096, "access_pattern/sz/min") ?:
	      put_u64(d, sch, UINT64_C(1) << 62, "access_pattern/sz/max") ?:
	      put_u64(d, sch, s->min_accesses, "access_pattern/nr_accesses/min") ?:
	      put_u64(d, sch, s->max_accesses, "access_pattern/nr_accesses/max") ?:
	      put_u64(d, sch, s->min_age, "access_pattern/age/min") ?:
	      put_u64(d, sch, UINT32_MAX, "access_pattern/age/max");
	if (err)
		return err;
	err = put(d, sch, s->hot ? "migrate_hot" : "migrate_cold", "action");
	if (err == -EINVAL) {
		d->gap = DSAMIG_DAMON_NO_MIGRATE;
		return -EOPNOTSUPP;
	}
	if (err)
		return err;
	return put_u64(d, sch, s->target_nid, "target_nid") ?:
	       put_u64(d, sch, s->quota_bytes ? 1000 : 0, "quotas/reset_interval_ms") ?:
	       put_u64(d, sch, s->quota_bytes, "quotas/bytes") ?:
	       put_u64(d, sch, 0, "quotas/ms") ?:
	       put(d, sch, "none", "watermarks/metric");
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

int dsamig_damon_start(struct dsamig_damon *d)
{
	int err = put(d, d->kdamond, "on", "state");

	if (!err)
		d->running = true;
	return err;
}

int dsamig_damon_stats(struct dsamig_damon *d, struct dsamig_damon_stats *st)
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
	}
	return err;
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

int dsamig_damon_pid(struct dsamig_damon *d)
{
	char path[PATH_MAX];
	uint64_t pid;

	pathf(path, "%s/pid", d->kdamond);
	if (dsamig_read_u64(path, 10, &pid) || pid > INT32_MAX)
		return 0;
	return (int)pid;
}
