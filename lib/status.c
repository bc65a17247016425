// SPDX-License-Identifier: GPL-2.0
/*
 * The state of the system as dsamig sees it, gathered into one JSON object
 * so that the human and the --json output of dsamig status agree.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "damon.h"
#include "dsa.h"
#include "dsamig.h"
#include "knobs.h"
#include "module.h"
#include "status.h"

#define MAX_DEVS 16

#define STATUS_NAME(e, s) s,
static const char *const backend_names[] = { DSAMIG_BACKENDS(STATUS_NAME) };
static const char *const cause_names[] = { DSAMIG_CAUSES(STATUS_NAME) };

static void add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static void add_int(struct json_object *o, const char *key, int64_t val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

static void add_bool(struct json_object *o, const char *key, bool val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

static void problem(struct json_object *list, const char *id, const char *what,
		    const char *remedy)
{
	struct json_object *p = json_object_new_object();

	add_str(p, "id", id);
	add_str(p, "problem", what);
	add_str(p, "remedy", remedy);
	json_object_array_add(list, p);
}

static struct json_object *wq_json(const struct dsa_wq_desc *w)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "name", w->dev);
	add_int(o, "group", w->group);
	add_str(o, "type", w->type);
	add_str(o, "mode", w->shared ? "shared" : "dedicated");
	add_int(o, "size", w->size);
	add_int(o, "priority", w->priority);
	add_str(o, "wq_name", w->name);
	add_str(o, "driver", w->driver);
	add_str(o, "state", w->state);
	add_int(o, "clients", w->clients);
	if (w->channel[0])
		add_str(o, "dma_channel", w->channel);
	else
		json_object_object_add(o, "dma_channel", NULL);
	return o;
}

static struct json_object *device_json(const struct dsa_dev_desc *d, int *channels)
{
	struct json_object *o = json_object_new_object();
	struct json_object *groups = json_object_new_array();
	struct json_object *wqs = json_object_new_array();
	int g, i;

	add_str(o, "name", d->dev);
	add_str(o, "state", d->state);
	add_int(o, "clients", d->clients);
	add_bool(o, "configurable", d->configurable);
	add_int(o, "max_groups", d->max_groups);
	add_int(o, "max_engines", d->max_engines);
	add_int(o, "max_wqs", d->max_wqs);
	add_int(o, "max_wq_size", d->max_wq_size);
	for (g = 0; g < d->max_groups && g < DSA_MAX_GROUPS; g++) {
		struct json_object *grp = json_object_new_object();
		struct json_object *eng = json_object_new_array();
		struct json_object *gw = json_object_new_array();
		char name[32];

		snprintf(name, sizeof(name), "group%d.%d", d->id, g);
		add_str(grp, "name", name);
		for (i = 0; i < d->nr_engines; i++)
			if (d->engine[i].group == g)
				json_object_array_add(eng, json_object_new_string(d->engine[i].dev));
		for (i = 0; i < d->nr_wqs; i++)
			if (d->wq[i].group == g)
				json_object_array_add(gw, json_object_new_string(d->wq[i].dev));
		json_object_object_add(grp, "engines", eng);
		json_object_object_add(grp, "wqs", gw);
		json_object_array_add(groups, grp);
	}
	for (i = 0; i < d->nr_wqs; i++) {
		json_object_array_add(wqs, wq_json(&d->wq[i]));
		if (d->wq[i].channel[0])
			(*channels)++;
	}
	json_object_object_add(o, "groups", groups);
	json_object_object_add(o, "wqs", wqs);
	return o;
}

static int add_counter(struct json_object *o, const char *key, const char *path)
{
	uint64_t v;

	if (dsamig_counter_read(path, &v))
		return -1;
	add_int(o, key, (int64_t)v);
	return 0;
}

static struct json_object *counters_json(void)
{
	struct json_object *o = json_object_new_object(), *f;
	char path[64];
	size_t b;

	add_counter(o, "channels", "channels");
	add_counter(o, "cpu_path_pages", "cpu_path_pages");
	add_counter(o, "skipped_copies", "skipped_copies");
	add_counter(o, "errors", "errors");
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++) {
		struct json_object *be = json_object_new_object();

		snprintf(path, sizeof(path), "%s/runs", backend_names[b]);
		add_counter(be, "runs", path);
		snprintf(path, sizeof(path), "%s/pages", backend_names[b]);
		add_counter(be, "pages", path);
		snprintf(path, sizeof(path), "%s/bytes", backend_names[b]);
		add_counter(be, "bytes", path);
		json_object_object_add(o, backend_names[b], be);
	}
	f = json_object_new_object();
	for (b = 0; b < DSAMIG_NR_CAUSES; b++) {
		snprintf(path, sizeof(path), "fallbacks/%s", cause_names[b]);
		add_counter(f, cause_names[b], path);
	}
	json_object_object_add(o, "fallbacks", f);
	return o;
}

static struct json_object *module_json(void)
{
	struct json_object *o = json_object_new_object(), *knobs;
	char version[64], value[256];
	size_t i;

	add_bool(o, "loaded", dsamig_module_loaded());
	if (!dsamig_module_loaded()) {
		json_object_object_add(o, "version", NULL);
		json_object_object_add(o, "knobs", NULL);
		json_object_object_add(o, "counters", NULL);
		return o;
	}
	if (!dsamig_module_version(version, sizeof(version)))
		add_str(o, "version", version);
	knobs = json_object_new_object();
	for (i = 0; i < dsamig_nr_knobs; i++)
		if (!dsamig_module_knob_read(dsamig_knob_table[i].name, value, sizeof(value)))
			add_str(knobs, dsamig_knob_table[i].name, value);
	json_object_object_add(o, "knobs", knobs);
	json_object_object_add(o, "counters", counters_json());
	return o;
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
 * The functions dsamig.ko must hook (kmod/dsamig/hooks.c): a name missing
 * from /proc/kallsyms is not in this kernel, or was inlined away. Each
 * found one's bit is set in the result; names are readable unprivileged.
 */
static const char *const hook_targets[] = {
	"folio_mc_copy", "compaction_alloc", "alloc_migration_target",
};
#define NR_HOOK_TARGETS (sizeof(hook_targets) / sizeof(hook_targets[0]))

static unsigned int hook_targets_found(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned int found = 0;
	size_t i;

	if (!f)
		return (1U << NR_HOOK_TARGETS) - 1;	/* cannot tell: claim nothing */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, sym) != 2 || strchr(line, '['))
			continue;
		for (i = 0; i < NR_HOOK_TARGETS; i++)
			if (!strcmp(sym, hook_targets[i]))
				found |= 1U << i;
	}
	fclose(f);
	return found;
}

static void hook_problems(struct json_object *o, struct json_object *problems)
{
	struct json_object *missing = json_object_new_array();
	unsigned int found = hook_targets_found();
	char what[160];
	size_t i;

	for (i = 0; i < NR_HOOK_TARGETS; i++) {
		if (found & (1U << i))
			continue;
		json_object_array_add(missing, json_object_new_string(hook_targets[i]));
		snprintf(what, sizeof(what),
			 "%s is not in this kernel (missing or inlined): dsamig.ko cannot hook it",
			 hook_targets[i]);
		problem(problems, "hook_target_missing", what,
			"use Linux 6.12 or 7.3, where dsamig.ko's hooks are tested");
	}
	json_object_object_add(o, "missing_hook_targets", missing);
}

/* Whether any IOMMU is on (DMA remapping units registered). */
static bool iommu_on(void)
{
	DIR *d = opendir("/sys/class/iommu");
	struct dirent *e;
	bool on = false;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			on = true;
	closedir(d);
	return on;
}

/*
 * Whether tracefs can be used here: 0, -EACCES when it is there but this
 * user may not look into it (mode 0700 for root), -ENOENT when it is not
 * mounted (the directory is empty).
 */
static int tracefs_state(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/trace", "/sys/kernel/debug/tracing/trace",
	};
	int err = -ENOENT;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (!access(paths[i], F_OK))
			return 0;
		if (errno == EACCES || errno == EPERM)
			err = -EACCES;
	}
	return err;
}

/* Kdamonds left by a killed promote or demote, or someone else's: promote refuses. */
static void kdamond_problems(struct json_object *problems)
{
	struct dsamig_damon_survey sv;
	char what[256], fix[sizeof(sv.remedy) + 32];

	if (dsamig_damon_survey(DSAMIG_DAMON_ADMIN, DSAMIG_DAMON_RECORD, &sv) || !sv.nr)
		return;
	if (sv.left) {
		snprintf(what, sizeof(what),
			 "a DAMON kdamond that dsamig %s (pid %d) left when it was killed: "
			 "dsamig promote and demote refuse to run beside it", sv.left_verb,
			 sv.left_pid);
		problem(problems, "kdamond_left", what, sv.remedy);
		return;
	}
	snprintf(what, sizeof(what),
		 "%u DAMON kdamond%s configured (%u running) by someone else: dsamig promote "
		 "and demote refuse to run beside %s", sv.nr, sv.nr == 1 ? " is" : "s are",
		 sv.nr_on, sv.nr == 1 ? "it" : "them");
	snprintf(fix, sizeof(fix), "if nothing uses %s: %s", sv.nr == 1 ? "it" : "them",
		 sv.remedy);
	problem(problems, "kdamond_in_use", what, fix);
}

static struct json_object *kernel_json(bool loaded, struct json_object *problems)
{
	struct json_object *o = json_object_new_object();
	struct utsname u;
	bool tracefs, damon, hot;
	const char *series, *user;
	int trace_err;

	uname(&u);
	add_str(o, "release", u.release);
	trace_err = tracefs_state();
	tracefs = !trace_err;
	damon = !access("/sys/kernel/mm/damon/admin/kdamonds", F_OK);
	/* DAMOS_MIGRATE_HOT appeared in Linux 6.11. */
	hot = damon && kernel_at_least(u.release, 6, 11);
	series = tested_series(u.release);
	if (series)
		add_str(o, "tested_series", series);
	else
		json_object_object_add(o, "tested_series", NULL);
	add_bool(o, "hooks_armed", loaded);
	add_bool(o, "tracefs", tracefs);
	add_str(o, "tracefs_state", !trace_err ? "ok" : trace_err == -EACCES ? "not_readable" :
							"not_mounted");
	add_bool(o, "damon", damon);
	add_bool(o, "damon_migrate_hot", hot);
	add_bool(o, "iommu", iommu_on());
	if (!series)
		problem(problems, "kernel_not_tested",
			"dsamig.ko is tested on the 6.12 and 7.3 kernel series, not this one",
			"use Linux 6.12 or 7.3 (Debian 13 has both), or check dsamig.ko's hooks here");
	hook_problems(o, problems);
	user = dsamig_damon_exclusive_user("/sys/module");
	if (user) {
		char what[160], fix[160];

		snprintf(what, sizeof(what),
			 "the kernel's %s runs exclusively: DAMON cannot start a kdamond (dsamig promote and demote need one)",
			 user);
		snprintf(fix, sizeof(fix), "echo N > /sys/module/%s/parameters/enabled", user);
		problem(problems, "damon_exclusive", what, fix);
	}
	if (trace_err == -EACCES)
		problem(problems, "tracefs_unreadable",
			"tracefs is not readable by this user (dsamig top, stat, compact and promote trace as root)",
			"run them as root (sudo)");
	else if (!tracefs)
		problem(problems, "no_tracefs", "tracefs is not mounted (dsamig top and stat need it)",
			"mount -t tracefs nodev /sys/kernel/tracing");
	if (!damon)
		problem(problems, "no_damon", "no DAMON sysfs interface (dsamig promote needs it)",
			"use a kernel built with CONFIG_DAMON_SYSFS and CONFIG_DAMON_PADDR");
	else if (!hot)
		problem(problems, "no_migrate_hot", "DAMON has no migrate_hot action (dsamig promote needs it)",
			"use Linux 6.11 or later");
	if (damon)
		kdamond_problems(problems);
	return o;
}

/*
 * Ready: dsamig.ko is loaded with a backend that copies (dsa with at least
 * one DMA channel, mt, or cpu). @why says what, or what is missing.
 */
static bool readiness(bool loaded, char *why, size_t len)
{
	char backend[32];
	uint64_t channels = 0;

	if (!loaded) {
		snprintf(why, len, "dsamig.ko is not loaded");
		return false;
	}
	if (dsamig_module_knob_read("backend", backend, sizeof(backend))) {
		snprintf(why, len, "cannot read dsamig.ko's backend knob");
		return false;
	}
	if (!strcmp(backend, "off")) {
		snprintf(why, len, "dsamig.ko's backend is off: the kernel copies every page itself");
		return false;
	}
	if (strcmp(backend, "dsa")) {
		snprintf(why, len, "migrations use dsamig.ko (backend %s)", backend);
		return true;
	}
	if (dsamig_counter_read("channels", &channels) || !channels) {
		snprintf(why, len, "dsamig.ko's backend is dsa but it has no DMA channel: "
			 "every copy falls back to the CPU");
		return false;
	}
	snprintf(why, len, "migrations use dsamig.ko (backend dsa, %llu DMA channel%s)",
		 (unsigned long long)channels, channels == 1 ? "" : "s");
	return true;
}

struct json_object *dsamig_status_json(void)
{
	struct json_object *st = json_object_new_object();
	struct json_object *devs = json_object_new_array();
	struct json_object *problems = json_object_new_array();
	struct json_object *mod;
	struct dsa_dev_desc *d = calloc(MAX_DEVS, sizeof(*d));
	int n = 0, i, channels = 0;
	char why[160];
	bool loaded;

	if (!st || !devs || !problems || !d) {
		free(d);
		json_object_put(st);
		json_object_put(devs);
		json_object_put(problems);
		return NULL;
	}
	add_str(st, "version", DSAMIG_VERSION);
	n = dsa_describe_all(d, MAX_DEVS);
	for (i = 0; i < n; i++)
		json_object_array_add(devs, device_json(&d[i], &channels));
	free(d);
	json_object_object_add(st, "devices", devs);
	add_int(st, "dma_channels", channels);

	loaded = dsamig_module_loaded();
	mod = module_json();
	json_object_object_add(st, "module", mod);
	json_object_object_add(st, "kernel", kernel_json(loaded, problems));

	if (n < 0)
		problem(problems, "dsa_unreadable", "cannot read the DSA devices (libaccel-config failed)",
			"check that the idxd driver is loaded: modprobe idxd");
	else if (n == 0)
		problem(problems, "no_dsa_device", "no DSA device",
			"on Xeon with DSA: enable VT-d (intel_iommu=on) and modprobe idxd; "
			"elsewhere use --backend mt, or dsasim for tests");
	else if (!channels)
		problem(problems, "no_dma_channel", "no DSA work queue gives the kernel a DMA channel",
			"run 'dsamig setup'");
	if (!loaded)
		problem(problems, "module_not_loaded", "dsamig.ko is not loaded", "run 'dsamig load'");
	else {
		char v[64];

		if (!dsamig_module_version(v, sizeof(v)) && strcmp(v, DSAMIG_VERSION))
			problem(problems, "version_mismatch", "dsamig.ko and dsamig differ in version",
				"run 'dsamig unload' and 'dsamig load' with matching versions");
	}
	json_object_object_add(st, "problems", problems);
	add_bool(st, "ready", readiness(loaded, why, sizeof(why)));
	add_str(st, "readiness", why);
	return st;
}
