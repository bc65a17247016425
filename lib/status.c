// SPDX-License-Identifier: GPL-2.0
/*
 * The state of the system as dsamig sees it, gathered once into a struct
 * dsamig_status so that the human and the --json output of dsamig status
 * agree (status_json.c renders it as JSON).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ctx.h"
#include "damon.h"
#include "module.h"
#include "status.h"

#define STATUS_NAME(e, s) s,
static const char *const backend_names[] = { DSAMIG_BACKENDS(STATUS_NAME) };
static const char *const cause_names[] = { DSAMIG_CAUSES(STATUS_NAME) };

#define HOOK_TARGET(sym, need, kind)	{ #sym, DSAMIG_HOOK_##need },
static const struct {
	const char *name;
	bool required;
} hook_targets[] = { DSAMIG_HOOKS(HOOK_TARGET) };

/* Every problem status knows of at most once, and one per hook target. */
#define MAX_PROBLEMS	(16 + DSAMIG_NR_HOOKS)

const char *dsamig_hook_name(enum dsamig_hook h)
{
	return h < DSAMIG_NR_HOOKS ? hook_targets[h].name : NULL;
}

bool dsamig_hook_required(enum dsamig_hook h)
{
	return h < DSAMIG_NR_HOOKS && hook_targets[h].required;
}

static int add_problem(struct dsamig_status *st, const char *id, const char *what,
		       const char *remedy)
{
	struct dsamig_status_problem *p;

	if (st->nr_problems >= MAX_PROBLEMS)
		return -ENOSPC;
	p = &st->problems[st->nr_problems];
	p->problem = strdup(what);
	if (!p->problem)
		goto fail;
	p->remedy = strdup(remedy);
	if (!p->remedy)
		goto fail_problem;
	p->id = id;
	st->nr_problems++;
	return 0;
fail_problem:
	free(p->problem);
	p->problem = NULL;
fail:
	return -ENOMEM;
}

static void read_counter(struct dsamig_status_counter *c, const char *path)
{
	c->read = !dsamig_counter_read(path, &c->value);
}

static void gather_counters(struct dsamig_status_module *m)
{
	char path[64];
	size_t b;

	read_counter(&m->channels, "channels");
	read_counter(&m->cpu_path_pages, "cpu_path_pages");
	read_counter(&m->skipped_copies, "skipped_copies");
	read_counter(&m->errors, "errors");
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++) {
		snprintf(path, sizeof(path), "%s/runs", backend_names[b]);
		read_counter(&m->backend[b].runs, path);
		snprintf(path, sizeof(path), "%s/pages", backend_names[b]);
		read_counter(&m->backend[b].pages, path);
		snprintf(path, sizeof(path), "%s/bytes", backend_names[b]);
		read_counter(&m->backend[b].bytes, path);
	}
	for (b = 0; b < DSAMIG_NR_CAUSES; b++) {
		snprintf(path, sizeof(path), "fallbacks/%s", cause_names[b]);
		read_counter(&m->fallbacks[b], path);
	}
}

static int gather_module(struct dsamig_status_module *m)
{
	size_t i;

	m->loaded = dsamig_module_loaded();
	if (!m->loaded)
		return 0;
	m->has_version = !dsamig_module_version(m->version, sizeof(m->version));
	m->knobs = calloc(dsamig_nr_knobs, sizeof(*m->knobs));
	if (!m->knobs)
		return -ENOMEM;
	m->nr_knobs = dsamig_nr_knobs;
	for (i = 0; i < m->nr_knobs; i++) {
		struct dsamig_status_knob *k = &m->knobs[i];

		k->knob = &dsamig_knob_table[i];
		k->read = !dsamig_module_knob_read(k->knob->name, k->value, sizeof(k->value));
	}
	gather_counters(m);
	return 0;
}

static bool kernel_at_least(const char *release, int major, int minor)
{
	int ma = 0, mi = 0;

	if (sscanf(release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/*
 * The kernel series the project tests dsamig.ko on (tests/vm/kernel.sh):
 * Debian's 6.12 (bookworm-backports and trixie) and 7.3 (trixie-backports).
 * NULL when the running release is of none of them.
 */
static const char *tested_series(const char *release)
{
	static const char *const series[] = { "6.12", "7.3" };
	size_t i, n;

	for (i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
		n = strlen(series[i]);
		if (!strncmp(release, series[i], n) && (release[n] == '.' || release[n] == '-'))
			return series[i];
	}
	return NULL;
}

/*
 * Which functions of DSAMIG_HOOKS /proc/kallsyms names: one it lacks is
 * not in this kernel, or was inlined away. Names are readable unprivileged.
 */
static void find_hook_targets(const struct dsamig_ctx *ctx, bool *found)
{
	char line[512], sym[256], type, path[512];
	FILE *f = NULL;
	size_t i;

	if (!dsamig_ctx_path(ctx, path, sizeof(path), "/proc/kallsyms"))
		f = fopen(path, "r");
	if (!f) {
		/* Cannot tell: claim nothing missing. */
		for (i = 0; i < DSAMIG_NR_HOOKS; i++)
			found[i] = true;
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, sym) != 2 || strchr(line, '['))
			continue;
		for (i = 0; i < DSAMIG_NR_HOOKS; i++)
			if (!strcmp(sym, hook_targets[i].name))
				found[i] = true;
	}
	fclose(f);
}

/* Whether any IOMMU is on (DMA remapping units registered). */
static bool iommu_on(const struct dsamig_ctx *ctx)
{
	char path[512];
	struct dirent *e;
	bool on = false;
	DIR *d;

	if (dsamig_ctx_path(ctx, path, sizeof(path), "/sys/class/iommu"))
		return false;
	d = opendir(path);
	if (!d)
		return false;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			on = true;
	closedir(d);
	return on;
}

/*
 * Whether tracefs can be used here: not readable when it is there but this
 * user may not look into it (mode 0700 for root), not mounted when the
 * directory is empty.
 */
static enum dsamig_tracefs_state tracefs_state(const struct dsamig_ctx *ctx)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/trace", "/sys/kernel/debug/tracing/trace",
	};
	enum dsamig_tracefs_state state = DSAMIG_TRACEFS_NOT_MOUNTED;
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (dsamig_ctx_path(ctx, path, sizeof(path), "%s", paths[i]))
			continue;
		if (!access(path, F_OK))
			return DSAMIG_TRACEFS_OK;
		if (errno == EACCES || errno == EPERM)
			state = DSAMIG_TRACEFS_NOT_READABLE;
	}
	return state;
}

static void gather_kernel(const struct dsamig_ctx *ctx, struct dsamig_status_kernel *k,
			  bool loaded, const char *damon_admin)
{
	struct utsname u;

	if (!uname(&u))
		snprintf(k->release, sizeof(k->release), "%s", u.release);
	k->tested_series = tested_series(k->release);
	k->hooks_armed = loaded;
	k->tracefs = tracefs_state(ctx);
	k->damon = !access(damon_admin, F_OK);
	/* DAMOS_MIGRATE_HOT appeared in Linux 6.11. */
	k->damon_migrate_hot = k->damon && kernel_at_least(k->release, 6, 11);
	k->iommu = iommu_on(ctx);
	find_hook_targets(ctx, k->hook_found);
}

static int hook_problems(struct dsamig_status *st)
{
	char what[160];
	size_t i;
	int err;

	for (i = 0; i < DSAMIG_NR_HOOKS; i++) {
		if (!hook_targets[i].required || st->kernel.hook_found[i])
			continue;
		snprintf(what, sizeof(what),
			 "%s is not in this kernel (missing or inlined): dsamig.ko cannot hook it",
			 hook_targets[i].name);
		err = add_problem(st, "hook_target_missing", what,
				  "use Linux 6.12 or 7.3, where dsamig.ko's hooks are tested");
		if (err)
			return err;
	}
	return 0;
}

/* Kdamonds left by a killed promote or demote, or someone else's: promote refuses. */
static int kdamond_problems(struct dsamig_status *st, const char *damon_admin)
{
	struct dsamig_damon_survey *sv = malloc(sizeof(*sv));
	char what[256], *fix = NULL;
	int err = 0;

	if (!sv)
		return -ENOMEM;
	if (dsamig_damon_survey(damon_admin, DSAMIG_DAMON_RECORD, sv) || !sv->nr)
		goto out;
	if (sv->left) {
		snprintf(what, sizeof(what),
			 "a DAMON kdamond that dsamig %s (pid %d) left when it was killed: "
			 "dsamig promote and demote refuse to run beside it", sv->left_verb,
			 sv->left_pid);
		err = add_problem(st, "kdamond_left", what, sv->remedy);
		goto out;
	}
	snprintf(what, sizeof(what),
		 "%u DAMON kdamond%s configured (%u running) by someone else: dsamig promote "
		 "and demote refuse to run beside %s", sv->nr, sv->nr == 1 ? " is" : "s are",
		 sv->nr_on, sv->nr == 1 ? "it" : "them");
	if (asprintf(&fix, "if nothing uses %s: %s", sv->nr == 1 ? "it" : "them",
		     sv->remedy) < 0) {
		fix = NULL;
		err = -ENOMEM;
		goto out;
	}
	err = add_problem(st, "kdamond_in_use", what, fix);
out:
	free(fix);
	free(sv);
	return err;
}

static int kernel_problems(const struct dsamig_ctx *ctx, struct dsamig_status *st,
			   const char *damon_admin)
{
	const struct dsamig_status_kernel *k = &st->kernel;
	char path[512], what[160], fix[160];
	const char *user = NULL;
	int err = 0;

	if (!k->tested_series) {
		err = add_problem(st, "kernel_not_tested",
				  "dsamig.ko is tested on the 6.12 and 7.3 kernel series, not this one",
				  "use Linux 6.12 or 7.3 (Debian 13 has both), or check dsamig.ko's hooks here");
		if (err)
			return err;
	}
	err = hook_problems(st);
	if (err)
		return err;
	if (!dsamig_ctx_path(ctx, path, sizeof(path), "/sys/module"))
		user = dsamig_damon_exclusive_user(path);
	if (user) {
		snprintf(what, sizeof(what),
			 "the kernel's %s runs exclusively: DAMON cannot start a kdamond (dsamig promote and demote need one)",
			 user);
		snprintf(fix, sizeof(fix), "echo N > /sys/module/%s/parameters/enabled", user);
		err = add_problem(st, "damon_exclusive", what, fix);
		if (err)
			return err;
	}
	if (k->tracefs == DSAMIG_TRACEFS_NOT_READABLE)
		err = add_problem(st, "tracefs_unreadable",
				  "tracefs is not readable by this user (dsamig top, stat, compact and promote trace as root)",
				  "run them as root (sudo)");
	else if (k->tracefs == DSAMIG_TRACEFS_NOT_MOUNTED)
		err = add_problem(st, "no_tracefs",
				  "tracefs is not mounted (dsamig top and stat need it)",
				  "mount -t tracefs nodev /sys/kernel/tracing");
	if (err)
		return err;
	if (!k->damon)
		err = add_problem(st, "no_damon", "no DAMON sysfs interface (dsamig promote needs it)",
				  "use a kernel built with CONFIG_DAMON_SYSFS and CONFIG_DAMON_PADDR");
	else if (!k->damon_migrate_hot)
		err = add_problem(st, "no_migrate_hot",
				  "DAMON has no migrate_hot action (dsamig promote needs it)",
				  "use Linux 6.11 or later");
	if (err)
		return err;
	if (k->damon)
		return kdamond_problems(st, damon_admin);
	return 0;
}

static int dsa_problems(struct dsamig_status *st)
{
	if (st->nr_devs < 0)
		return add_problem(st, "dsa_unreadable",
				   "cannot read the DSA devices (libaccel-config failed)",
				   "check that the idxd driver is loaded: modprobe idxd");
	if (st->nr_devs == 0)
		return add_problem(st, "no_dsa_device", "no DSA device",
				   "on Xeon with DSA: enable VT-d (intel_iommu=on) and modprobe idxd; "
				   "elsewhere use --backend mt, or dsasim for tests");
	if (!st->dma_channels)
		return add_problem(st, "no_dma_channel",
				   "no DSA work queue gives the kernel a DMA channel",
				   "run 'dsamig setup'");
	return 0;
}

static int module_problems(struct dsamig_status *st)
{
	const struct dsamig_status_module *m = &st->module;

	if (!m->loaded)
		return add_problem(st, "module_not_loaded", "dsamig.ko is not loaded",
				   "run 'dsamig load'");
	if (m->has_version && strcmp(m->version, DSAMIG_VERSION))
		return add_problem(st, "version_mismatch", "dsamig.ko and dsamig differ in version",
				   "run 'dsamig unload' and 'dsamig load' with matching versions");
	return 0;
}

static const struct dsamig_status_knob *find_knob(const struct dsamig_status_module *m,
						  const char *name)
{
	size_t i;

	for (i = 0; i < m->nr_knobs; i++)
		if (m->knobs[i].read && !strcmp(m->knobs[i].knob->name, name))
			return &m->knobs[i];
	return NULL;
}

/*
 * Ready: dsamig.ko is loaded with a backend that copies (dsa with at least
 * one DMA channel, mt, or cpu). The readiness says what, or what is missing.
 */
static void readiness(struct dsamig_status *st)
{
	const struct dsamig_status_module *m = &st->module;
	const struct dsamig_status_knob *backend = find_knob(m, "backend");
	size_t len = sizeof(st->readiness);
	char *why = st->readiness;

	st->ready = false;
	if (!m->loaded) {
		snprintf(why, len, "dsamig.ko is not loaded");
		return;
	}
	if (!backend) {
		snprintf(why, len, "cannot read dsamig.ko's backend knob");
		return;
	}
	if (!strcmp(backend->value, "off")) {
		snprintf(why, len, "dsamig.ko's backend is off: the kernel copies every page itself");
		return;
	}
	if (strcmp(backend->value, "dsa")) {
		snprintf(why, len, "migrations use dsamig.ko (backend %.32s)", backend->value);
		st->ready = true;
		return;
	}
	if (!m->channels.read || !m->channels.value) {
		snprintf(why, len, "dsamig.ko's backend is dsa but it has no DMA channel: "
			 "every copy falls back to the CPU");
		return;
	}
	snprintf(why, len, "migrations use dsamig.ko (backend dsa, %llu DMA channel%s)",
		 (unsigned long long)m->channels.value, m->channels.value == 1 ? "" : "s");
	st->ready = true;
}

static void count_channels(struct dsamig_status *st)
{
	int i, j;

	for (i = 0; i < st->nr_devs; i++)
		for (j = 0; j < st->devs[i].nr_wqs; j++)
			if (st->devs[i].wq[j].channel[0])
				st->dma_channels++;
}

int dsamig_status_gather(struct dsamig_ctx *ctx, struct dsamig_status **out)
{
	struct dsamig_status *st;
	char damon_admin[512];
	int err = -ENOMEM;

	st = calloc(1, sizeof(*st));
	if (!st)
		goto fail;
	st->devs = calloc(DSAMIG_STATUS_MAX_DEVS, sizeof(*st->devs));
	if (!st->devs)
		goto fail_free;
	st->problems = calloc(MAX_PROBLEMS, sizeof(*st->problems));
	if (!st->problems)
		goto fail_free;
	err = dsamig_ctx_path(ctx, damon_admin, sizeof(damon_admin), DSAMIG_DAMON_ADMIN);
	if (err)
		goto fail_free;

	st->nr_devs = dsa_describe_all(st->devs, DSAMIG_STATUS_MAX_DEVS);
	count_channels(st);
	err = gather_module(&st->module);
	if (err)
		goto fail_free;
	gather_kernel(ctx, &st->kernel, st->module.loaded, damon_admin);
	readiness(st);

	/* Problems in the order the remedies are best taken: kernel, DSA, module. */
	err = kernel_problems(ctx, st, damon_admin);
	if (err)
		goto fail_free;
	err = dsa_problems(st);
	if (err)
		goto fail_free;
	err = module_problems(st);
	if (err)
		goto fail_free;
	*out = st;
	return 0;
fail_free:
	dsamig_status_free(st);
fail:
	return err;
}

void dsamig_status_free(struct dsamig_status *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nr_problems; i++) {
		free(st->problems[i].problem);
		free(st->problems[i].remedy);
	}
	free(st->problems);
	free(st->module.knobs);
	free(st->devs);
	free(st);
}
