// SPDX-License-Identifier: GPL-2.0
/*
 * The three ftrace hooks on a stock 6.12 kernel (DESIGN.md, "Hook"):
 *   migrate_pages_batch  entry: reset the task's batch table;
 *   migrate_folio_move   redirected to a wrapper that pre-copies the rest of
 *                        the batch in one run, then calls the original;
 *   folio_mc_copy        redirected to dsamig_copy_folio(), which skips the
 *                        pairs a run copied and copies the others itself.
 * The end of migrate_pages() (tracepoint mm_migrate_pages) frees the task's
 * table. Redirected code runs in the caller's context, so it may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/migrate.h>
#include <linux/delay.h>
#include <asm/ibt.h>
#include "internal.h"

typedef int (*move_fn_t)(void *put_new_folio, unsigned long private,
			 struct folio *src, struct folio *dst,
			 enum migrate_mode mode, enum migrate_reason reason,
			 struct list_head *ret);

/* Tasks inside a redirect target: unload waits for them. */
static atomic_t inflight = ATOMIC_INIT(0);

void dsamig_inflight_get(void)
{
	atomic_inc(&inflight);
}

void dsamig_inflight_put(void)
{
	atomic_dec(&inflight);
}

/* The entry of the original migrate_folio_move, learnt from its fentry site. */
static unsigned long move_addr;

static unsigned long fentry_to_func(unsigned long ip)
{
	/* With IBT the fentry call follows the function's ENDBR. */
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) && is_endbr(*(u32 *)(ip - ENDBR_INSN_SIZE)))
		return ip - ENDBR_INSN_SIZE;
	return ip;
}

static int dsamig_migrate_folio_move(void *put_new_folio, unsigned long private,
				     struct folio *src, struct folio *dst,
				     enum migrate_mode mode, enum migrate_reason reason,
				     struct list_head *ret)
{
	move_fn_t orig = (move_fn_t)READ_ONCE(move_addr);
	int rc;

	dsamig_inflight_get();
	dsamig_move_entry(src, dst, reason);
	/* Our own call is not redirected again: see move_hook(). */
	rc = orig(put_new_folio, private, src, dst, mode, reason, ret);
	dsamig_inflight_put();
	return rc;
}

static int dsamig_folio_mc_copy(struct folio *dst, struct folio *src)
{
	int rc;

	dsamig_inflight_get();
	rc = dsamig_copy_folio(dst, src);
	dsamig_inflight_put();
	return rc;
}

static void notrace batch_hook(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	/* migrate_pages_batch(from, get, put, private, mode, reason, ...) */
	int reason = (int)ftrace_regs_get_argument(fregs, 5);
	struct dsamig_task *t;

	if (READ_ONCE(dsamig_knobs.backend) == DSAMIG_BACKEND_OFF)
		return;
	t = dsamig_task_claim();
	if (t)
		dsamig_task_reset(t, reason);
}

static void notrace move_hook(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (unlikely(!READ_ONCE(move_addr)))
		WRITE_ONCE(move_addr, fentry_to_func(ip));
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)dsamig_migrate_folio_move);
}

static void notrace copy_hook(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (within_module(parent_ip, THIS_MODULE))
		return;
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)dsamig_folio_mc_copy);
}

struct dsamig_hook {
	const char *name;
	struct ftrace_ops ops;
	bool registered;
};

static struct dsamig_hook hooks[] = {
	{ .name = "migrate_pages_batch",
	  .ops = { .func = batch_hook, .flags = FTRACE_OPS_FL_SAVE_REGS |
						FTRACE_OPS_FL_RECURSION } },
	{ .name = "migrate_folio_move",
	  .ops = { .func = move_hook, .flags = FTRACE_OPS_FL_SAVE_REGS |
					       FTRACE_OPS_FL_IPMODIFY |
					       FTRACE_OPS_FL_RECURSION } },
	{ .name = "folio_mc_copy",
	  .ops = { .func = copy_hook, .flags = FTRACE_OPS_FL_SAVE_REGS |
					       FTRACE_OPS_FL_IPMODIFY |
					       FTRACE_OPS_FL_RECURSION } },
};

/* ---- end of migrate_pages(): free the task's table ---- */
static struct tracepoint *tp_migrate_pages;

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "mm_migrate_pages"))
		tp_migrate_pages = tp;
}

static void migrate_pages_done(void *data, unsigned long succeeded, unsigned long failed,
			       unsigned long thp_succeeded, unsigned long thp_failed,
			       unsigned long thp_split, unsigned long large_folio_split,
			       enum migrate_mode mode, int reason)
{
	struct dsamig_task *t = dsamig_task_find();

	if (t)
		dsamig_task_release(t);
}

static void unregister_hooks(void)
{
	int i;

	for (i = ARRAY_SIZE(hooks) - 1; i >= 0; i--) {
		if (!hooks[i].registered)
			continue;
		unregister_ftrace_function(&hooks[i].ops);
		ftrace_free_filter(&hooks[i].ops);
		hooks[i].registered = false;
	}
}

/**
 * dsamig_hooks_arm() - find and hook the migration functions
 *
 * Refuses, with a message naming the symbol, when a function is missing or
 * not traceable on this kernel, or already owned by another IPMODIFY user
 * (a live patch): nothing is left half-armed.
 */
int dsamig_hooks_arm(void)
{
	int i, err;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if (!tp_migrate_pages) {
		pr_err("tracepoint migrate:mm_migrate_pages not found; hooks not armed\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(tp_migrate_pages, migrate_pages_done, NULL);
	if (err) {
		pr_err("cannot attach to mm_migrate_pages (%d); hooks not armed\n", err);
		return err;
	}
	/* The copy hook first: the others only prepare work for it. */
	for (i = ARRAY_SIZE(hooks) - 1; i >= 0; i--) {
		struct dsamig_hook *h = &hooks[i];

		err = ftrace_set_filter(&h->ops, (unsigned char *)h->name, strlen(h->name), 1);
		if (err) {
			pr_err("%s is missing or not traceable on this kernel (%d); hooks not armed\n",
			       h->name, err);
			goto fail;
		}
		err = register_ftrace_function(&h->ops);
		if (err) {
			pr_err("cannot hook %s (%d%s); hooks not armed\n", h->name, err,
			       err == -EBUSY ? ": owned by a live patch or another module" : "");
			ftrace_free_filter(&h->ops);
			goto fail;
		}
		h->registered = true;
	}
	return 0;
fail:
	unregister_hooks();
	tracepoint_probe_unregister(tp_migrate_pages, migrate_pages_done, NULL);
	tracepoint_synchronize_unregister();
	return err;
}

/**
 * dsamig_hooks_disarm() - unhook and wait until no task runs module code
 *
 * After the hooks are gone no new task enters; tasks already redirected
 * either hold the in-flight count or will take it before their next
 * voluntary switch, which synchronize_rcu_tasks() waits for.
 */
void dsamig_hooks_disarm(void)
{
	unregister_hooks();
	tracepoint_probe_unregister(tp_migrate_pages, migrate_pages_done, NULL);
	tracepoint_synchronize_unregister();
	synchronize_rcu_tasks();
	while (atomic_read(&inflight))
		msleep(1);
	/* ...and leave the instructions after the decrement. */
	synchronize_rcu_tasks();
}
