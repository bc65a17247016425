// SPDX-License-Identifier: GPL-2.0
/*
 * Run-time knobs: module parameters under /sys/module/dsamig/parameters/,
 * named and bounded by DSAMIG_KNOBS in kmod/include/dsamig.h. Every write
 * is validated first; a bad value is refused with -EINVAL and changes
 * nothing. Changes that need channels take them before they take effect.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/mutex.h>
#include <linux/migrate_mode.h>
#include "internal.h"

#define DSAMIG_NAME(e, s)	s,
const char * const dsamig_backend_names[] = { DSAMIG_BACKENDS(DSAMIG_NAME) };
const char * const dsamig_reason_names[] = { DSAMIG_REASONS(DSAMIG_NAME) };
static const char * const wait_names[] = { DSAMIG_WAITS(DSAMIG_NAME) };

/* The reasons knob's bits and the counters' names are enum migrate_reason's. */
#define DSAMIG_REASON_IS_MR(e, s) \
	static_assert((int)DSAMIG_REASON_##e == (int)MR_##e, "reason " s " is MR_" #e);
DSAMIG_REASONS(DSAMIG_REASON_IS_MR)
/* 7.x adds MR_NEVER (page_owner: never migrated), not a reason to migrate */
static_assert((int)DSAMIG_NR_REASONS <= (int)MR_TYPES, "reasons the kernel has");

/* The defaults of DSAMIG_KNOBS; a guest test checks that they agree. */
struct dsamig_knobs dsamig_knobs = {
	.backend = DSAMIG_BACKEND_DSA,
	.threshold = 32,
	.max_batch = 512,
	.reasons = (1UL << DSAMIG_NR_REASONS) - 1,
	.channels = 0,
	/*
	 * irq: idxd interrupts once per descriptor either way, and a run may
	 * wait in async compaction, a NUMA fault or kswapd, where polling burns
	 * the CPU the workload needs (tests/bench/wait-mode.sh: the wait phase
	 * is the same, moves under load 0.85x the time of poll's).
	 */
	.wait = DSAMIG_WAIT_IRQ,
	.timeout_ms = 1000,
	.mt_threads = 4,
};
char dsamig_dma_match[128] = "dsa";

/* Serialises knob writes with the channel and worker changes they cause. */
static DEFINE_MUTEX(knob_lock);
/* Before init finishes, writes only store: init acts on the final values. */
static bool knobs_live;

void dsamig_knobs_go_live(void);
void dsamig_knobs_go_live(void)
{
	mutex_lock(&knob_lock);
	knobs_live = true;
	mutex_unlock(&knob_lock);
}

static int match_name(const char *val, const char * const *names, int nr)
{
	char buf[32];
	int i;

	strscpy(buf, val, sizeof(buf));
	strim(buf);
	for (i = 0; i < nr; i++)
		if (!strcmp(buf, names[i]))
			return i;
	return -EINVAL;
}

/* ---- backend ---- */
static int backend_set(const char *val, const struct kernel_param *kp)
{
	int b = match_name(val, dsamig_backend_names, DSAMIG_NR_BACKENDS);
	int err = 0;

	if (b < 0)
		return -EINVAL;
	mutex_lock(&knob_lock);
	if (knobs_live && b == DSAMIG_BACKEND_DSA && !dsamig_dsa_nr_channels()) {
		err = dsamig_dsa_acquire(dsamig_dma_match, dsamig_knobs.channels);
		if (err) {
			pr_err("no DMA channel matches '%s'; run `dsamig setup` first, or use backend=mt\n",
			       dsamig_dma_match);
			goto out;
		}
	}
	WRITE_ONCE(dsamig_knobs.backend, b);
	/* Channels are exclusive to their client: give them back when unused. */
	if (knobs_live && b != DSAMIG_BACKEND_DSA)
		dsamig_dsa_release();
out:
	mutex_unlock(&knob_lock);
	return err;
}

static int backend_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", dsamig_backend_names[READ_ONCE(dsamig_knobs.backend)]);
}

static const struct kernel_param_ops backend_ops = { .set = backend_set, .get = backend_get };
module_param_cb(backend, &backend_ops, NULL, 0644);
MODULE_PARM_DESC(backend, "copy backend: dsa, mt, cpu or off (default dsa)");

/* ---- wait ---- */
static int wait_set(const char *val, const struct kernel_param *kp)
{
	int w = match_name(val, wait_names, DSAMIG_NR_WAITS);

	if (w < 0)
		return -EINVAL;
	WRITE_ONCE(dsamig_knobs.wait, w);
	return 0;
}

static int wait_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", wait_names[READ_ONCE(dsamig_knobs.wait)]);
}

static const struct kernel_param_ops wait_ops = { .set = wait_set, .get = wait_get };
module_param_cb(wait, &wait_ops, NULL, 0644);
MODULE_PARM_DESC(wait, "how the dsa backend waits: poll or irq (default irq)");

/* ---- whole numbers with a range ---- */
struct uint_knob {
	unsigned int *val;
	unsigned int min, max;
	int (*apply)(unsigned int v);	/* side effect once live, or NULL */
};

static int uint_set(const char *val, const struct kernel_param *kp)
{
	const struct uint_knob *k = kp->arg;
	unsigned int v;
	int err = 0;

	if (kstrtouint(val, 0, &v) || v < k->min || v > k->max)
		return -EINVAL;
	mutex_lock(&knob_lock);
	if (knobs_live && k->apply)
		err = k->apply(v);
	if (!err)
		WRITE_ONCE(*k->val, v);
	mutex_unlock(&knob_lock);
	return err;
}

static int uint_get(char *buf, const struct kernel_param *kp)
{
	const struct uint_knob *k = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*k->val));
}

static const struct kernel_param_ops uint_ops = { .set = uint_set, .get = uint_get };

/* New channel count: take the new set first, keep the old one on failure. */
static int channels_apply(unsigned int v)
{
	if (dsamig_knobs.backend != DSAMIG_BACKEND_DSA)
		return 0;
	return dsamig_dsa_acquire(dsamig_dma_match, v);
}

/* The ranges of DSAMIG_KNOBS, as constants: threshold_min, threshold_max, ... */
#define DSAMIG_KNOB_RANGE(name, kind, lo, hi, def, help)	\
	enum { name##_min = lo, name##_max = hi };
DSAMIG_KNOBS(DSAMIG_KNOB_RANGE)

#define DSAMIG_UINT_KNOB(name, fn, desc)					\
	static struct uint_knob name##_knob = {				\
		.val = &dsamig_knobs.name, .min = name##_min,		\
		.max = name##_max, .apply = fn };			\
	module_param_cb(name, &uint_ops, &name##_knob, 0644);		\
	MODULE_PARM_DESC(name, desc)

DSAMIG_UINT_KNOB(threshold, NULL,
		 "pages: smaller runs and folios stay on the CPU (default 32)");
DSAMIG_UINT_KNOB(max_batch, NULL,
		 "pages: larger runs are split (default 512)");
DSAMIG_UINT_KNOB(channels, channels_apply,
		 "DMA channels a run is spread over, 0 = all that match (default 0)");
DSAMIG_UINT_KNOB(timeout_ms, NULL,
		 "ms a run may wait for the engine before falling back (default 1000)");
DSAMIG_UINT_KNOB(mt_threads, dsamig_mt_set_threads,
		 "worker threads of the mt backend (default 4)");

/* ---- reasons: names of enum migrate_reason, comma-separated, or "all" ---- */
static int reasons_parse(const char *val, unsigned long *mask)
{
	char buf[256], *p, *tok;
	int r;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	p = strim(buf);
	*mask = 0;
	if (!strcmp(p, "all")) {
		*mask = (1UL << DSAMIG_NR_REASONS) - 1;
		return 0;
	}
	if (!strcmp(p, "none"))
		return 0;
	while ((tok = strsep(&p, ",")) != NULL) {
		r = match_name(tok, dsamig_reason_names, DSAMIG_NR_REASONS);
		if (r < 0)
			return -EINVAL;
		*mask |= 1UL << r;
	}
	return 0;
}

static int reasons_set(const char *val, const struct kernel_param *kp)
{
	unsigned long mask;

	if (reasons_parse(val, &mask))
		return -EINVAL;
	WRITE_ONCE(dsamig_knobs.reasons, mask);
	return 0;
}

static int reasons_get(char *buf, const struct kernel_param *kp)
{
	unsigned long mask = READ_ONCE(dsamig_knobs.reasons);
	int i, len = 0;

	if (mask == (1UL << DSAMIG_NR_REASONS) - 1)
		return sysfs_emit(buf, "all\n");
	if (!mask)
		return sysfs_emit(buf, "none\n");
	for (i = 0; i < DSAMIG_NR_REASONS; i++)
		if (mask & (1UL << i))
			len += sysfs_emit_at(buf, len, "%s%s", len ? "," : "",
					     dsamig_reason_names[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static const struct kernel_param_ops reasons_ops = { .set = reasons_set, .get = reasons_get };
module_param_cb(reasons, &reasons_ops, NULL, 0644);
MODULE_PARM_DESC(reasons, "migration reasons that offload, comma-separated, all or none (default all)");

/*
 * Memory-failure migrations are never offloaded, whatever the knob says:
 * they rely on copy_mc's machine-check recovery, and what a DMA engine
 * does when it reads poisoned memory is not known.
 */
bool dsamig_reason_enabled(int reason)
{
	return reason >= 0 && reason < DSAMIG_NR_REASONS &&
	       reason != MR_MEMORY_FAILURE &&
	       (READ_ONCE(dsamig_knobs.reasons) & (1UL << reason));
}

/* ---- dma_match: dsa, any, or channel names such as dma0chan0,dma1chan0 ---- */
static int dma_match_set(const char *val, const struct kernel_param *kp)
{
	char buf[sizeof(dsamig_dma_match)];
	char old[sizeof(dsamig_dma_match)];
	const char *c;
	int err = 0;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	strim(buf);
	memmove(buf, skip_spaces(buf), strlen(skip_spaces(buf)) + 1);
	if (!buf[0] || buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return -EINVAL;
	for (c = buf; *c; c++)
		if (!isalnum(*c) && *c != ',' && *c != '.' && *c != '_' && *c != '-')
			return -EINVAL;
	mutex_lock(&knob_lock);
	strscpy(old, dsamig_dma_match, sizeof(old));
	strscpy(dsamig_dma_match, buf, sizeof(dsamig_dma_match));
	if (knobs_live && dsamig_knobs.backend == DSAMIG_BACKEND_DSA) {
		err = dsamig_dsa_acquire(buf, dsamig_knobs.channels);
		if (err)
			strscpy(dsamig_dma_match, old, sizeof(dsamig_dma_match));
	}
	mutex_unlock(&knob_lock);
	return err;
}

static int dma_match_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", dsamig_dma_match);
}

static const struct kernel_param_ops dma_match_ops = { .set = dma_match_set, .get = dma_match_get };
module_param_cb(dma_match, &dma_match_ops, NULL, 0644);
MODULE_PARM_DESC(dma_match, "dsa (DSA work queues), any (any memcpy channel) or channel names (default dsa)");
