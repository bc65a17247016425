// SPDX-License-Identifier: GPL-2.0
/*
 * Runs: at migrate_folio_move() of a pair the table does not know, collect
 * that pair and the rest of the batch, pre-copy the eligible ones in one
 * run through the backend, and record which pairs the run copied. At the
 * kernel's copy point (folio_mc_copy), skip exactly those.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/task_stack.h>
#include <linux/highmem.h>
#include "internal.h"
#include "trace.h"

/*
 * A pair may be copied early only when nobody can write src before the
 * kernel's own copy point: locked, unmapped, not movable_ops or hugetlb,
 * the same size as dst, and no reference beyond those migration expects
 * (the check __migrate_folio() makes).
 */
static bool pair_eligible(struct folio *src, struct folio *dst)
{
	if (!folio_test_locked(src) || folio_mapped(src))
		return false;
	if (__folio_test_movable(src) || folio_test_hugetlb(src))
		return false;
	if (folio_nr_pages(src) != folio_nr_pages(dst))
		return false;
	return folio_ref_count(src) == folio_expected_ref_count(src) + 1;
}

static void count_run(struct dsamig_run *run, unsigned int pages)
{
	struct dsamig_counters *c = &dsamig_counters;

	atomic64_inc(&c->runs[run->backend]);
	atomic64_add(pages, &c->pages[run->backend]);
	atomic64_add((u64)pages << PAGE_SHIFT, &c->bytes[run->backend]);
	if (run->reason >= 0 && run->reason < DSAMIG_NR_REASONS) {
		atomic64_inc(&c->reason_runs[run->reason]);
		atomic64_add(pages, &c->reason_pages[run->reason]);
	}
}

/* Copy the run through the current backend; 0 when every pair was copied. */
static int copy_run(struct dsamig_task *t, struct dsamig_run *run)
{
	unsigned int i, copied = 0;
	int result, err;

	t->in_run = true;
	switch (run->backend) {
	case DSAMIG_BACKEND_DSA:
		err = dsamig_dsa_copy_run(run);
		break;
	case DSAMIG_BACKEND_MT:
		err = dsamig_mt_copy_run(run);
		break;
	default:
		err = dsamig_cpu_copy_run(run);
		break;
	}
	t->in_run = false;
	for (i = 0; i < run->nr_folios; i++)
		if (run->ok[i])
			copied += folio_nr_pages(run->src[i]);
	if (err) {
		atomic64_inc(&dsamig_counters.fallbacks[run->cause]);
		trace_dsamig_fallback(run->reason, run->backend, run->cause, run->nr_pages);
	}
	result = err ? DSAMIG_RESULT_FALLBACK : DSAMIG_RESULT_OK;
	if (copied)
		count_run(run, copied);
	trace_dsamig_run(run->reason, run->backend, result, run->nr_folios, run->nr_pages,
			 run->nr_segments, run->nr_channels, run->sg_ns, run->map_ns,
			 run->submit_ns, run->wait_ns, run->unmap_ns);
	return err;
}

static void run_init(struct dsamig_run *run, struct dsamig_task *t, int reason)
{
	memset(run, 0, sizeof(*run));
	run->reason = reason;
	run->backend = READ_ONCE(dsamig_knobs.backend);
	run->src = t->run_src;
	run->dst = t->run_dst;
	run->ok = t->run_ok;
	run->sg_src = t->sg_src;
	run->sg_dst = t->sg_dst;
}

/* The next folio on a batch list, or NULL at its head (on the caller's stack). */
static struct folio *next_on_list(struct folio *f)
{
	struct list_head *next = READ_ONCE(f->lru.next);

	if (object_is_on_stack(next))
		return NULL;
	return list_entry(next, struct folio, lru);
}

/**
 * dsamig_move_entry() - start a run at the first pair of a batch it sees
 * @src: the folio migrate_folio_move() is about to move
 * @dst: its destination
 * @reason: enum migrate_reason of the migration
 *
 * Runs in migrate_pages_batch()'s task, between its moves: the batch lists
 * are its own and stable here.
 */
void dsamig_move_entry(struct folio *src, struct folio *dst, int reason)
{
	struct dsamig_task *t = dsamig_task_find();
	unsigned int max_pages, threshold, pages = 0, n = 0, i;
	struct dsamig_entry *e;
	struct dsamig_run run;
	struct folio *s, *d;
	int backend = READ_ONCE(dsamig_knobs.backend);

	if (!t)
		return;
	t->reason = reason;
	e = dsamig_entry_find(t, dst, NULL);
	if (e) {
		/*
		 * A second move of the same pair is a retry after -EAGAIN: an
		 * unexpected reference appeared, so the early copy is not
		 * trusted any more.
		 */
		if (e->seen || e->src != src)
			e->state = DSAMIG_ENTRY_SKIPPED;
		e->seen = true;
		return;
	}
	if (backend == DSAMIG_BACKEND_OFF || !dsamig_reason_enabled(reason))
		return;

	max_pages = READ_ONCE(dsamig_knobs.max_batch);
	threshold = READ_ONCE(dsamig_knobs.threshold);
	/* Forget pairs of earlier runs that were never consumed. */
	dsamig_table_clear(t);
	run_init(&run, t, reason);
	for (s = src, d = dst; s && d; s = next_on_list(s), d = next_on_list(d)) {
		unsigned int nr = folio_nr_pages(s);

		if (t->nr == DSAMIG_MAX_RUN)
			break;
		if (!pair_eligible(s, d)) {
			dsamig_entry_add(t, s, d, DSAMIG_ENTRY_SKIPPED);
			continue;
		}
		if (n && pages + nr > max_pages)
			break;
		run.src[n] = s;
		run.dst[n] = d;
		run.ok[n] = false;
		n++;
		pages += nr;
		dsamig_entry_add(t, s, d, DSAMIG_ENTRY_SKIPPED);
	}
	t->entries[0].seen = true;	/* the pair being moved now */
	if (!n || pages < threshold)
		return;

	run.nr_folios = n;
	run.nr_pages = pages;
	copy_run(t, &run);
	for (i = 0; i < n; i++) {
		if (!run.ok[i])
			continue;
		e = dsamig_entry_find(t, run.dst[i], run.src[i]);
		if (e)
			e->state = DSAMIG_ENTRY_COPIED;
	}
}

/* One large folio on its own: a run of one pair. */
static bool copy_folio_offloaded(struct dsamig_task *t, struct folio *dst, struct folio *src)
{
	struct dsamig_run run;

	run_init(&run, t, t->reason);
	run.src[0] = src;
	run.dst[0] = dst;
	run.ok[0] = false;
	run.nr_folios = 1;
	run.nr_pages = folio_nr_pages(src);
	return !copy_run(t, &run) && run.ok[0];
}

/**
 * dsamig_copy_folio() - stands in for folio_mc_copy()
 * @dst: destination folio
 * @src: source folio
 *
 * Returns 0 when dst holds src's bytes, -EHWPOISON on a machine check, as
 * folio_mc_copy() does.
 */
int dsamig_copy_folio(struct folio *dst, struct folio *src)
{
	struct dsamig_task *t = dsamig_task_find();
	unsigned int nr = folio_nr_pages(src);
	struct dsamig_entry *e;
	int backend, rc;
	u64 t0;

	if (t) {
		e = dsamig_entry_find(t, dst, src);
		if (e) {
			bool copied = e->state == DSAMIG_ENTRY_COPIED;

			dsamig_entry_remove(t, e);
			if (copied) {
				atomic64_inc(&dsamig_counters.skipped_copies);
				return 0;
			}
		}
		/*
		 * Copying here, at the kernel's own copy point, is always safe:
		 * a folio large enough goes through the backend on its own.
		 */
		backend = READ_ONCE(dsamig_knobs.backend);
		if (backend != DSAMIG_BACKEND_OFF && nr >= READ_ONCE(dsamig_knobs.threshold) &&
		    folio_nr_pages(dst) == nr && dsamig_reason_enabled(t->reason) &&
		    copy_folio_offloaded(t, dst, src))
			return 0;
	}

	t0 = ktime_get_ns();
	rc = dsamig_cpu_copy_folio(dst, src);
	atomic64_add(nr, &dsamig_counters.cpu_path_pages);
	if (t) {
		t->cpu.nr_folios++;
		t->cpu.nr_pages += nr;
		t->cpu.ns += dsamig_elapsed(t0);
		if (!t->live)
			dsamig_cpu_acc_flush(t);
	} else {
		trace_dsamig_cpu_copy(-1, 1, nr, dsamig_elapsed(t0));
	}
	return rc;
}
