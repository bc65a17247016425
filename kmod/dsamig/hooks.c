// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks on a stock kernel (DESIGN.md, "Hook"; the functions hooked are
 * listed once in dsamig_hooks.h, which dsamig status reads too); none calls
 * a kernel function through a pointer:
 *   mm_migrate_pages_start  tracepoint: claim the task's slot (depth);
 *   mm_migrate_pages        tracepoint: release it;
 *   migration allocators    return probes: record src -> dst of the batch;
 *   folio_mc_copy           redirected to dsamig_copy_folio(), which never
 *                           calls the original: it starts a run at the first
 *                           copy of a batch, skips the pairs a run copied
 *                           and copies the others itself.
 * Every hooked function must begin with ENDBR64 on an IBT kernel: that
 * proves it is exported or address-taken, so it exists as a function with
 * the C calling convention on every build (a static, never address-taken
 * function may be inlined or have its arguments rewritten by the compiler).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/tracepoint.h>
#include <linux/migrate.h>
#include <linux/delay.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "dsamig_hooks.h"
#include "internal.h"

/* Tasks inside the redirect target: unload waits for them. */
static atomic_t inflight = ATOMIC_INIT(0);

/* ENDBR64 (f3 0f 1e fa): the landing pad of an indirect branch target. */
#define DSAMIG_ENDBR64		0xfa1e0ff3U

static bool endbr_at(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == DSAMIG_ENDBR64;
}

/*
 * @start: a function's first byte. Without IBT in the kernel there is no
 * landing pad to check, and no #CP either.
 */
static int check_endbr(const char *name, unsigned long start)
{
	if (!IS_ENABLED(CONFIG_X86_KERNEL_IBT) || endbr_at(start))
		return 0;
	pr_err("%s does not begin with ENDBR64 on %s: static and never address-taken, it cannot be hooked safely; not loading\n",
	       name, utsname()->release);
	return -ENOEXEC;
}

/* ---- folio_mc_copy: the copy point ---- */
static int dsamig_folio_mc_copy(struct folio *dst, struct folio *src)
{
	int rc;

	atomic_inc(&inflight);
	rc = dsamig_copy_folio(dst, src);
	atomic_dec(&inflight);
	return rc;
}

static void notrace copy_hook(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)dsamig_folio_mc_copy);
}

static struct ftrace_ops copy_ops = {
	.func = copy_hook,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION,
};
static bool copy_registered;

/* ---- the allocators migrate_pages() is given as get_new_folio ---- */

/*
 * Return addresses inside migrate_pages() and the functions it may inline:
 * only an allocation made there for the batch is recorded. A wrapper's own
 * call of a hooked allocator (alloc_demote_folio calls
 * alloc_migration_target) returns elsewhere and is not.
 */
static const char * const migration_callers[] = {
	"migrate_folio_unmap", "migrate_pages_batch", "migrate_pages_sync", "migrate_pages",
	"unmap_and_move_huge_page", "unmap_and_move_hugetlb_folio", "migrate_hugetlbs",
};

#define DSAMIG_NR_SITES		16
struct call_site {
	unsigned long addr;
	bool migration;
};
static struct call_site sites[DSAMIG_NR_SITES];
static unsigned int nr_sites;
static DEFINE_RAW_SPINLOCK(sites_lock);
static DEFINE_PER_CPU(char[KSYM_SYMBOL_LEN], sym_buf);

static bool caller_is_migration(unsigned long addr)
{
	char *name = *get_cpu_ptr(&sym_buf);
	bool found = false;
	size_t len;
	int i;

	sprint_symbol_no_offset(name, addr);
	len = strcspn(name, ". ");	/* foo.constprop.0, foo [module] */
	for (i = 0; i < ARRAY_SIZE(migration_callers) && !found; i++)
		found = len == strlen(migration_callers[i]) &&
			!strncmp(name, migration_callers[i], len);
	put_cpu_ptr(&sym_buf);
	return found;
}

/* Called with preemption disabled (a kretprobe handler). */
static bool from_migration(unsigned long addr)
{
	unsigned int i, n = smp_load_acquire(&nr_sites);
	unsigned long flags;
	bool verdict;

	for (i = 0; i < n; i++)
		if (sites[i].addr == addr)
			return sites[i].migration;
	verdict = caller_is_migration(addr);
	raw_spin_lock_irqsave(&sites_lock, flags);
	if (nr_sites < DSAMIG_NR_SITES) {
		sites[nr_sites].addr = addr;
		sites[nr_sites].migration = verdict;
		smp_store_release(&nr_sites, nr_sites + 1);
	}
	raw_spin_unlock_irqrestore(&sites_lock, flags);
	return verdict;
}

struct alloc_call {
	struct folio *src;
};

static int alloc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_call *call = (struct alloc_call *)ri->data;

	if (!dsamig_task_outer())
		return 1;	/* no return probe needed */
	call->src = (struct folio *)regs_get_kernel_argument(regs, 0);
	return 0;
}

static int alloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_call *call = (struct alloc_call *)ri->data;
	struct dsamig_task *t = dsamig_task_outer();

	if (t && from_migration(get_kretprobe_retaddr(ri)))
		dsamig_pair_record(t, call->src, (struct folio *)regs_return_value(regs));
	return 0;
}

/*
 * The get_new_folio callbacks of the kernels dsamig supports: the ALLOC
 * entries of DSAMIG_HOOKS. Each is address-taken, so a real function. A
 * missing optional one only means its migrations get no early copy.
 */
struct alloc_hook {
	const char *name;
	bool required;
	struct kretprobe rp;
	bool registered;
};

#define ALLOC_HOOK_ALLOC(sym, need)	{ .name = #sym, .required = DSAMIG_HOOK_##need },
#define ALLOC_HOOK_COPY(sym, need)
#define ALLOC_HOOK(sym, need, kind)	ALLOC_HOOK_##kind(sym, need)
static struct alloc_hook allocs[] = { DSAMIG_HOOKS(ALLOC_HOOK) };

/* Probe misses (no free instance, recursion): a batch with one is untrusted. */
unsigned long dsamig_hooks_missed(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(allocs); i++)
		if (allocs[i].registered)
			n += READ_ONCE(allocs[i].rp.nmissed) + READ_ONCE(allocs[i].rp.kp.nmissed);
	return n;
}

/*
 * kprobes place a probe after a function's ENDBR64, so the function starts
 * one instruction before the probe address when it has one.
 */
static unsigned long probe_func_start(struct kprobe *kp)
{
	unsigned long a = (unsigned long)kp->addr;

	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) && endbr_at(a - 4))
		return a - 4;
	return a;
}

static void unregister_allocs(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(allocs); i++) {
		if (!allocs[i].registered)
			continue;
		unregister_kretprobe(&allocs[i].rp);
		allocs[i].registered = false;
	}
}

static int register_allocs(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(allocs); i++) {
		struct alloc_hook *h = &allocs[i];

		memset(&h->rp, 0, sizeof(h->rp));
		h->rp.kp.symbol_name = h->name;
		h->rp.entry_handler = alloc_entry;
		h->rp.handler = alloc_return;
		h->rp.data_size = sizeof(struct alloc_call);
		h->rp.maxactive = max_t(int, 64, 4 * num_possible_cpus());
		err = register_kretprobe(&h->rp);
		if (err) {
			if (!h->required) {
				pr_info("%s is not on this kernel: its migrations are copied at the kernel's copy point\n",
					h->name);
				continue;
			}
			pr_err("%s is missing or cannot be probed on %s (%d); not loading\n",
			       h->name, utsname()->release, err);
			goto fail;
		}
		h->registered = true;
		err = check_endbr(h->name, probe_func_start(&h->rp.kp));
		if (err)
			goto fail;
	}
	return 0;
fail:
	unregister_allocs();
	return err;
}

/*
 * check_symbol: a function the load must also find hookable. For tests:
 * a static function (migrate_folio_move) must make the load fail.
 */
char dsamig_check_symbol[64];
module_param_string(check_symbol, dsamig_check_symbol, sizeof(dsamig_check_symbol), 0444);
MODULE_PARM_DESC(check_symbol, "test: a function the load must also find hookable (default none)");

static int check_extra_symbol(void)
{
	struct kprobe kp = { .symbol_name = dsamig_check_symbol };
	unsigned long start;
	int err;

	if (!dsamig_check_symbol[0])
		return 0;
	err = register_kprobe(&kp);
	if (err) {
		pr_err("%s is missing or cannot be probed on %s (%d); not loading\n",
		       dsamig_check_symbol, utsname()->release, err);
		return err;
	}
	start = probe_func_start(&kp);
	unregister_kprobe(&kp);
	return check_endbr(dsamig_check_symbol, start);
}

/* ---- migrate_pages() start and end: the slot's lifetime ---- */
static struct tracepoint *tp_start, *tp_end;

static void find_tracepoints(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "mm_migrate_pages_start"))
		tp_start = tp;
	else if (!strcmp(tp->name, "mm_migrate_pages"))
		tp_end = tp;
}

static void migrate_pages_start(void *data, enum migrate_mode mode, int reason)
{
	/* A nested call counts depth even with the backend off. */
	dsamig_task_enter(reason, READ_ONCE(dsamig_knobs.backend) != DSAMIG_BACKEND_OFF);
}

static void migrate_pages_done(void *data, unsigned long succeeded, unsigned long failed,
			       unsigned long thp_succeeded, unsigned long thp_failed,
			       unsigned long thp_split, unsigned long large_folio_split,
			       enum migrate_mode mode, int reason)
{
	dsamig_task_leave();
}

static bool tp_start_on, tp_end_on;

static void unregister_tracepoints(void)
{
	if (tp_start_on)
		tracepoint_probe_unregister(tp_start, migrate_pages_start, NULL);
	if (tp_end_on)
		tracepoint_probe_unregister(tp_end, migrate_pages_done, NULL);
	tp_start_on = tp_end_on = false;
	tracepoint_synchronize_unregister();
}

static int register_tracepoints(void)
{
	int err;

	for_each_kernel_tracepoint(find_tracepoints, NULL);
	if (!tp_start || !tp_end) {
		pr_err("tracepoint migrate:%s not found on %s; not loading\n",
		       tp_start ? "mm_migrate_pages" : "mm_migrate_pages_start",
		       utsname()->release);
		return -ENOENT;
	}
	/* The end first: a slot is never claimed that nothing would free. */
	err = tracepoint_probe_register(tp_end, migrate_pages_done, NULL);
	if (err)
		goto fail;
	tp_end_on = true;
	err = tracepoint_probe_register(tp_start, migrate_pages_start, NULL);
	if (err)
		goto fail;
	tp_start_on = true;
	return 0;
fail:
	pr_err("cannot attach to the migrate tracepoints (%d); not loading\n", err);
	unregister_tracepoints();
	return err;
}

/*
 * The COPY entry of DSAMIG_HOOKS: its name, and the function itself (a
 * list without exactly one COPY entry does not compile).
 */
#define COPY_NAME_COPY(sym)		#sym
#define COPY_NAME_ALLOC(sym)
#define COPY_NAME(sym, need, kind)	COPY_NAME_##kind(sym)
#define COPY_FUNC_COPY(sym)		sym
#define COPY_FUNC_ALLOC(sym)
#define COPY_FUNC(sym, need, kind)	COPY_FUNC_##kind(sym)

static int register_copy_hook(void)
{
	static const char name[] = DSAMIG_HOOKS(COPY_NAME);
	int err;

	/* The redirect target takes the hooked function's place. */
	BUILD_BUG_ON(!__same_type(&DSAMIG_HOOKS(COPY_FUNC), &dsamig_folio_mc_copy));
	err = check_endbr(name, (unsigned long)&DSAMIG_HOOKS(COPY_FUNC));
	if (err)
		return err;
	err = ftrace_set_filter(&copy_ops, (unsigned char *)name, strlen(name), 1);
	if (err) {
		pr_err("%s is not traceable on %s (%d); not loading\n", name,
		       utsname()->release, err);
		return err;
	}
	err = register_ftrace_function(&copy_ops);
	if (err) {
		pr_err("cannot hook %s (%d%s); not loading\n", name, err,
		       err == -EBUSY ? ": owned by a live patch or another module" : "");
		ftrace_free_filter(&copy_ops);
		return err;
	}
	copy_registered = true;
	return 0;
}

/**
 * dsamig_hooks_arm() - check and hook the migration functions
 *
 * Refuses, with one message naming the function and the kernel, when a
 * function is missing, not traceable, does not begin with ENDBR64 on an IBT
 * kernel, or is owned by another IPMODIFY user (a live patch): nothing is
 * left half-armed. The copy hook goes last: the others only prepare for it.
 */
int dsamig_hooks_arm(void)
{
	int err;

	err = check_extra_symbol();
	if (err)
		return err;
	err = register_tracepoints();
	if (err)
		return err;
	err = register_allocs();
	if (err)
		goto fail_tp;
	err = register_copy_hook();
	if (err)
		goto fail_allocs;
	return 0;
fail_allocs:
	unregister_allocs();
fail_tp:
	unregister_tracepoints();
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
	if (copy_registered) {
		unregister_ftrace_function(&copy_ops);
		ftrace_free_filter(&copy_ops);
		copy_registered = false;
	}
	unregister_allocs();
	unregister_tracepoints();
	synchronize_rcu_tasks();
	while (atomic_read(&inflight))
		msleep(1);
	/* ...and leave the instructions after the decrement. */
	synchronize_rcu_tasks();
}
