// SPDX-License-Identifier: GPL-2.0
/*
 * The per-task batch table: which (dst, src) pairs of the current
 * migrate_pages_batch() a run has already copied. Slots are preallocated so
 * that the migration path never allocates; a task that finds no free slot
 * simply migrates on the CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/vmalloc.h>
#include "internal.h"
#include "trace.h"

#define DSAMIG_NR_SLOTS		8

static struct dsamig_task *slots;

int dsamig_table_init(void)
{
	slots = vzalloc(array_size(DSAMIG_NR_SLOTS, sizeof(*slots)));
	return slots ? 0 : -ENOMEM;
}

/* Called once no task can be inside a hook any more. */
void dsamig_table_exit(void)
{
	vfree(slots);
	slots = NULL;
}

static struct dsamig_task *task_slot(void)
{
	int i;

	for (i = 0; i < DSAMIG_NR_SLOTS; i++)
		if (READ_ONCE(slots[i].task) == current)
			return &slots[i];
	return NULL;
}

/*
 * The current task's slot. While one of its runs copies, a migration nested
 * inside it (say, an allocation that compacts) sees none and stays on the
 * CPU, so that it cannot disturb the run's table and scratch space.
 */
struct dsamig_task *dsamig_task_find(void)
{
	struct dsamig_task *t = task_slot();

	return t && !t->in_run ? t : NULL;
}

/* The current task's slot, claimed if it has none. May run in atomic context. */
struct dsamig_task *dsamig_task_claim(void)
{
	struct dsamig_task *t = task_slot();
	int i;

	if (t)
		return t->in_run ? NULL : t;
	for (i = 0; i < DSAMIG_NR_SLOTS; i++) {
		if (!READ_ONCE(slots[i].task) &&
		    !cmpxchg(&slots[i].task, NULL, current)) {
			dsamig_table_clear(&slots[i]);
			slots[i].in_run = false;
			slots[i].cpu = (struct dsamig_cpu_acc){ 0 };
			return &slots[i];
		}
	}
	return NULL;
}

void dsamig_table_clear(struct dsamig_task *t)
{
	t->nr = 0;
	t->live = 0;
	t->hint = 0;
}

void dsamig_task_release(struct dsamig_task *t)
{
	dsamig_cpu_acc_flush(t);
	dsamig_table_clear(t);
	smp_store_release(&t->task, NULL);
}

/* A new migrate_pages_batch(): nothing of an earlier one may be trusted. */
void dsamig_task_reset(struct dsamig_task *t, int reason)
{
	dsamig_cpu_acc_flush(t);
	dsamig_table_clear(t);
	t->reason = reason;
}

/*
 * The kernel moves pairs in list order, which is the order of the entries:
 * the search starts after the last hit, so a batch costs O(n), not O(n^2).
 */
struct dsamig_entry *dsamig_entry_find(struct dsamig_task *t, struct folio *dst,
				       struct folio *src)
{
	unsigned int i, k;

	for (k = 0; k < t->nr; k++) {
		i = t->hint + k < t->nr ? t->hint + k : t->hint + k - t->nr;
		if (t->entries[i].dst == dst && (!src || t->entries[i].src == src)) {
			t->hint = i;
			return &t->entries[i];
		}
	}
	return NULL;
}

struct dsamig_entry *dsamig_entry_add(struct dsamig_task *t, struct folio *src,
				      struct folio *dst, u8 state)
{
	struct dsamig_entry *e;

	if (t->nr == DSAMIG_MAX_RUN)
		return NULL;
	e = &t->entries[t->nr++];
	e->src = src;
	e->dst = dst;
	e->state = state;
	e->seen = false;
	t->live++;
	return e;
}

/* A consumed entry matches nothing any more; the table empties with the last. */
void dsamig_entry_remove(struct dsamig_task *t, struct dsamig_entry *e)
{
	e->dst = NULL;
	e->src = NULL;
	if (--t->live)
		return;
	t->nr = 0;
	t->hint = 0;
	dsamig_cpu_acc_flush(t);
}

/* Emit the CPU-path copies gathered so far as one event. */
void dsamig_cpu_acc_flush(struct dsamig_task *t)
{
	if (!t->cpu.nr_folios)
		return;
	trace_dsamig_cpu_copy(t->reason, t->cpu.nr_folios, t->cpu.nr_pages, t->cpu.ns);
	t->cpu = (struct dsamig_cpu_acc){ 0 };
}
