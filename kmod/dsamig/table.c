// SPDX-License-Identifier: GPL-2.0
/*
 * The per-task pair table: which dst the migration allocator returned for
 * each src of the current batch of one migrate_pages() call, and what a run
 * did with the pair. Slots are preallocated so that the migration path never
 * allocates; a task that finds no free slot simply migrates on the CPU.
 *
 * Lifetime (DESIGN.md, "Safety invariants"): a slot is claimed at the start
 * of migrate_pages() (tracepoint mm_migrate_pages_start) and released at
 * its end (mm_migrate_pages); nested calls only count depth. Within a call,
 * the first allocation after a batch reached its copy points begins a new
 * batch and forgets the old one, so that no mark outlives its batch.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>
#include <linux/hash.h>
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

/* Forget every pair: a new batch, or a new call. */
static void table_clear(struct dsamig_task *t)
{
	unsigned int i;

	for (i = 0; i < t->nr; i++)
		t->map[t->used[i]].src = NULL;
	t->nr = 0;
	t->moving = false;
	t->untrusted = false;
	t->missed = dsamig_hooks_missed();
}

/**
 * dsamig_task_enter() - migrate_pages() starts in the current task
 * @reason: its enum migrate_reason
 * @claim: take a slot if the task has none (the backend is not off)
 *
 * Returns the slot of the outermost call, or NULL for a nested call or when
 * every slot is taken. Runs in the tracepoint probe: must not sleep.
 */
struct dsamig_task *dsamig_task_enter(int reason, bool claim)
{
	struct dsamig_task *t = task_slot();
	int i;

	if (t) {
		t->depth++;
		return NULL;
	}
	if (!claim)
		return NULL;
	for (i = 0; i < DSAMIG_NR_SLOTS; i++) {
		t = &slots[i];
		if (!READ_ONCE(t->task) && !cmpxchg(&t->task, NULL, current)) {
			t->depth = 1;
			t->reason = reason;
			t->in_run = false;
			t->cpu = (struct dsamig_cpu_acc){ 0 };
			table_clear(t);
			return t;
		}
	}
	return NULL;
}

/* migrate_pages() ends: the outermost call frees the slot. */
void dsamig_task_leave(void)
{
	struct dsamig_task *t = task_slot();

	if (!t || --t->depth)
		return;
	dsamig_cpu_acc_flush(t);
	table_clear(t);
	smp_store_release(&t->task, NULL);
}

/* The current task's slot while it is in its outermost migrate_pages(). */
struct dsamig_task *dsamig_task_outer(void)
{
	struct dsamig_task *t = task_slot();

	return t && t->depth == 1 ? t : NULL;
}

/*
 * The slot the copy path may use: outermost call, and no run of the task
 * copying, so that a migration nested inside a run (say, an allocation that
 * compacts) stays on the CPU and cannot disturb the run's table and scratch.
 */
struct dsamig_task *dsamig_task_find(void)
{
	struct dsamig_task *t = dsamig_task_outer();

	return t && !t->in_run ? t : NULL;
}

static struct dsamig_pair *probe(struct dsamig_task *t, struct folio *src, bool insert)
{
	unsigned int i = hash_ptr(src, DSAMIG_MAP_BITS), k;

	for (k = 0; k < DSAMIG_MAP_SIZE; k++, i = (i + 1) & (DSAMIG_MAP_SIZE - 1)) {
		struct dsamig_pair *p = &t->map[i];

		if (p->src == src)
			return p;
		if (!p->src) {
			if (!insert || t->nr == DSAMIG_MAP_LIMIT)
				return NULL;
			t->used[t->nr++] = i;
			p->src = src;
			return p;
		}
	}
	return NULL;
}

/**
 * dsamig_pair_record() - the allocator returned @dst for @src
 *
 * The latest allocation for a src is the one migration pairs it with: an
 * unmap that failed after allocating frees its dst and allocates again on
 * retry. Runs in the allocator's return probe: must not sleep.
 */
void dsamig_pair_record(struct dsamig_task *t, struct folio *src, struct folio *dst)
{
	struct dsamig_pair *p;

	if (t->moving)
		table_clear(t);
	p = probe(t, src, true);
	if (!p) {
		/* A src without its latest dst would pair with a stale one. */
		t->untrusted = true;
		return;
	}
	p->dst = dst;
	p->state = DSAMIG_PAIR_NEW;
}

struct dsamig_pair *dsamig_pair_find(struct dsamig_task *t, struct folio *src)
{
	struct dsamig_pair *p = probe(t, src, false);

	return p && p->dst ? p : NULL;
}

/* Emit the CPU-path copies gathered so far as one event. */
void dsamig_cpu_acc_flush(struct dsamig_task *t)
{
	if (!t->cpu.nr_folios)
		return;
	trace_dsamig_cpu_copy(t->reason, t->cpu.nr_folios, t->cpu.nr_pages, t->cpu.ns);
	t->cpu = (struct dsamig_cpu_acc){ 0 };
}
