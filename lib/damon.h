/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One DAMON kdamond of dsamig's own, through the sysfs interface
 * (Documentation/admin-guide/mm/damon/usage.rst): paddr operations over a
 * node's memory ranges, one migrate_hot or migrate_cold scheme towards a
 * target node, started, read, stopped and removed again.
 *
 * DAMON's sysfs tree has no notion of ownership, so dsamig only ever adds
 * a kdamond when there is none: writing nr_kdamonds deletes and recreates
 * every kdamond directory (wiping staged configurations) and fails with
 * EBUSY while any of them runs. A kdamond dsamig did not create is never
 * written to.
 */
#ifndef DSAMIG_DAMON_H
#define DSAMIG_DAMON_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "noderange.h"
#include "sysfile.h"

/* Where DAMON's sysfs interface lives under a root ("" = this system). */
#define DSAMIG_DAMON_ADMIN	"/sys/kernel/mm/damon/admin"

/* What a kernel lacks for dsamig promote and demote. */
enum dsamig_damon_gap {
	DSAMIG_DAMON_OK,
	DSAMIG_DAMON_NO_SYSFS,		/* no CONFIG_DAMON_SYSFS */
	DSAMIG_DAMON_NO_PADDR,		/* no "paddr" in avail_operations */
	DSAMIG_DAMON_NO_MIGRATE,	/* no target_nid: before Linux 6.11 */
};

/* A sentence naming what is missing, for an error message. */
const char *dsamig_damon_gap_str(enum dsamig_damon_gap gap);

/* Checks on a sysfs tree (the running one or a sample), in the order of use. */
enum dsamig_damon_gap dsamig_damon_check_admin(const char *admin_dir);
enum dsamig_damon_gap dsamig_damon_check_context(const char *context_dir);
enum dsamig_damon_gap dsamig_damon_check_scheme(const char *scheme_dir);

/* The scheme's cumulative stats (stats/ in sysfs). */
struct dsamig_damon_stats {
	uint64_t nr_tried, sz_tried, nr_applied, sz_applied, qt_exceeds;
};

struct dsamig_damon_scheme {
	bool hot;			/* migrate_hot, else migrate_cold */
	unsigned int target_nid;
	unsigned int min_accesses;	/* per aggregation interval */
	unsigned int max_accesses;
	unsigned int min_age;		/* aggregation intervals */
	uint64_t quota_bytes;		/* per second; 0: no quota */
	uint64_t sample_us, aggr_us;
	const struct dsamig_range *ranges;
	unsigned int nr_ranges;
};

struct dsamig_damon {
	char kdamond[PATH_MAX];		/* .../kdamonds/0, once created */
	bool created, running;
	enum dsamig_damon_gap gap;	/* set when a create fails for a gap */
	unsigned int others;		/* kdamonds found, when -EBUSY */
	unsigned int others_on;		/* of which running */
	char failed[PATH_MAX + 64];	/* the write that failed: "path: value" */
	struct dsamig_damon_scheme scheme;	/* as created (no ranges) */
	struct dsamig_damon_stats base;	/* stats of the warm-up, not reported */
	const volatile sig_atomic_t *stop;	/* set by the caller: ends the warm-up */
};

/*
 * Add one kdamond under @admin_dir and configure it with @s, without
 * starting it. On failure, what was created is removed again and a
 * negative errno returned:
 *   -ENOENT     no DAMON sysfs interface (d->gap says what is missing)
 *   -EOPNOTSUPP no paddr or migrate actions (d->gap)
 *   -EBUSY      kdamonds exist already (d->others, d->others_on)
 *   other       a write failed (d->failed names it)
 */
int dsamig_damon_create(struct dsamig_damon *d, const char *admin_dir,
			const struct dsamig_damon_scheme *s);

/*
 * Turn it on. -EBUSY when an exclusive DAMON user (a DAMON module) runs.
 * With a quota this takes a second or two: Linux 6.12 enforces no quota in
 * a scheme's first charge window, so the scheme gets its action only once
 * that window has passed (-ETIMEDOUT when the kdamond never applies it;
 * -EINTR when *d->stop became true meanwhile: the kdamond runs, inert).
 */
int dsamig_damon_start(struct dsamig_damon *d);

/* Ask the kdamond for fresh stats (blocks up to an aggregation interval). */
int dsamig_damon_stats(struct dsamig_damon *d, struct dsamig_damon_stats *st);

/*
 * Make the scheme inert (action "stat", committed online) so that no
 * migration runs after this returns and the stats read next are final.
 */
int dsamig_damon_quiesce(struct dsamig_damon *d);

/* Turn it off and remove the kdamond; safe to call at any point. */
int dsamig_damon_destroy(struct dsamig_damon *d);

/* The kdamond's thread pid, 0 when it does not run. */
int dsamig_damon_pid(const struct dsamig_damon *d);

/*
 * The kernel's own DAMON modules that run exclusively (damon_start(...,
 * true)) and so keep the sysfs interface from starting a kdamond (-EBUSY).
 * The guest suites read this list too (tests/vm/suites/dsamig.bash).
 */
#define DSAMIG_DAMON_EXCLUSIVE_MODULES(X)				\
	X(damon_stat)		/* on by default in Debian's 7.x kernels */ \
	X(damon_reclaim)						\
	X(damon_lru_sort)

/*
 * The first of DSAMIG_DAMON_EXCLUSIVE_MODULES that is enabled, or NULL.
 * @module_dir is /sys/module.
 */
const char *dsamig_damon_exclusive_user(const char *module_dir);

/*
 * DAMON records no owner, so promote and demote write down the kdamond
 * they run ("VERB PID KDAMOND_PID DIR": KDAMOND_PID 0 until it starts) and
 * remove the record with the kdamond. A record whose dsamig is dead while
 * its kdamond lives on names a kdamond a killed dsamig left behind.
 */
#define DSAMIG_DAMON_RECORD	DSAMIG_STATE_DIR "/kdamond"

/* Write the record of @d, run by dsamig @verb; its directory is created. */
int dsamig_damon_record(const struct dsamig_damon *d, const char *verb, const char *path);
/* Remove the record. */
void dsamig_damon_forget(const char *path);

/* The kdamonds configured under an admin directory, dsamig's or not. */
struct dsamig_damon_survey {
	unsigned int nr;		/* kdamonds (nr_kdamonds) */
	unsigned int nr_on;		/* of which running */
	bool left;			/* one is a dead dsamig's (the record says) */
	char left_verb[16];		/* its verb, "promote" or "demote" */
	int left_pid;			/* and pid */
	char remedy[2 * PATH_MAX + 64];	/* the writes that remove them all */
};

/*
 * Look at the kdamonds under @admin_dir (DSAMIG_DAMON_ADMIN): how many,
 * running, whether the record at @record names one a dead dsamig left,
 * and the shell commands that stop and remove them all (empty when there
 * is none). 0, or a negative errno when nr_kdamonds cannot be read
 * (-ENOENT: no DAMON sysfs; -EACCES: not root).
 */
int dsamig_damon_survey(const char *admin_dir, const char *record,
			struct dsamig_damon_survey *sv);

#endif /* DSAMIG_DAMON_H */
