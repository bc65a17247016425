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

/* Every reason: the reasons knob's "all". */
#define DSAMIG_ALL_REASONS	((1UL << DSAMIG_NR_REASONS) - 1)

/*
 * The defaults, made from the default column of DSAMIG_KNOBS (see there):
 * an ENUM knob's DSA is knob_backend_DSA, DSAMIG_BACKEND_DSA of the list
 * named after it; a LIST knob's ALL or NONE its mask (reasons is the only
 * one); a STRING knob is the char array dsamig_<name>. A guest test
 * checks the module's values against the header.
 */
#define DSAMIG_KNOB_BACKEND(e, s)	knob_backend_##e = DSAMIG_BACKEND_##e,
#define DSAMIG_KNOB_WAIT(e, s)		knob_wait_##e = DSAMIG_WAIT_##e,
enum { DSAMIG_BACKENDS(DSAMIG_KNOB_BACKEND) DSAMIG_WAITS(DSAMIG_KNOB_WAIT) };

#define KNOB_LIST_ALL		DSAMIG_ALL_REASONS
#define KNOB_LIST_NONE		0UL

#define KNOB_INIT_UINT(n, d)	.n = d,
#define KNOB_INIT_ENUM(n, d)	.n = knob_##n##_##d,
#define KNOB_INIT_LIST(n, d)	.n = KNOB_LIST_##d,
#define KNOB_INIT_STRING(n, d)
#define KNOB_INIT(n, k, lo, hi, d, h)	KNOB_INIT_##k(n, d)
struct dsamig_knobs dsamig_knobs = { DSAMIG_KNOBS(KNOB_INIT) };

#define KNOB_STRING_UINT(n, d)
#define KNOB_STRING_ENUM(n, d)
#define KNOB_STRING_LIST(n, d)
#define KNOB_STRING_STRING(n, d)	char dsamig_##n[128] = d;
#define KNOB_STRING(n, k, lo, hi, d, h)	KNOB_STRING_##k(n, d)
DSAMIG_KNOBS(KNOB_STRING)

/* A default the knob's own write would refuse does not build. */
#define KNOB_CHECK_UINT(n, lo, hi, d)					\
	static_assert((d) >= (lo) && (d) <= (hi), #n " default " #d " in [" #lo ", " #hi "]");
#define KNOB_CHECK_ENUM(n, lo, hi, d)
#define KNOB_CHECK_LIST(n, lo, hi, d)
#define KNOB_CHECK_STRING(n, lo, hi, d)					\
	static_assert(sizeof(d) > 1 && sizeof(d) <= sizeof(dsamig_##n), #n " default fits");
#define KNOB_CHECK(n, k, lo, hi, d, h)	KNOB_CHECK_##k(n, lo, hi, d)
DSAMIG_KNOBS(KNOB_CHECK)

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

#define DSAMIG_UINT_KNOB(name, fn)					\
	static struct uint_knob name##_knob = {				\
		.val = &dsamig_knobs.name, .min = name##_min,		\
		.max = name##_max, .apply = fn };			\
	module_param_cb(name, &uint_ops, &name##_knob, 0644)

DSAMIG_UINT_KNOB(threshold, NULL);
DSAMIG_UINT_KNOB(max_batch, NULL);
DSAMIG_UINT_KNOB(channels, channels_apply);
DSAMIG_UINT_KNOB(timeout_ms, NULL);
DSAMIG_UINT_KNOB(mt_threads, dsamig_mt_set_threads);

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
		*mask = DSAMIG_ALL_REASONS;
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

	if (mask == DSAMIG_ALL_REASONS)
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

/*
 * modinfo's descriptions: the help of DSAMIG_KNOBS and the default, where
 * it is a literal (an ENUM default is a name only at run time: its help
 * lists the names).
 */
#define KNOB_DESC_UINT(d)	" (default " #d ")"
#define KNOB_DESC_ENUM(d)
#define KNOB_DESC_LIST(d)	KNOB_DESC_LIST_##d
#define KNOB_DESC_LIST_ALL	" (default all)"
#define KNOB_DESC_LIST_NONE	" (default none)"
#define KNOB_DESC_STRING(d)	" (default " d ")"
#define KNOB_DESC(n, k, lo, hi, d, h)	MODULE_PARM_DESC(n, h KNOB_DESC_##k(d));
DSAMIG_KNOBS(KNOB_DESC)
