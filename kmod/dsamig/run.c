// SPDX-License-Identifier: GPL-2.0
/*
 * Runs: at the first copy point (folio_mc_copy) of a batch, collect that
 * pair and the rest of the batch (the src list, with the dst each src was
 * given by the allocator), pre-copy the eligible ones in one run through
 * the backend, and mark which pairs the run copied. At each pair's own copy
 * point, skip exactly those, once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/buffer_head.h>
#include <linux/migrate.h>
#include <linux/sched/task_stack.h>
#include <linux/highmem.h>
#include <linux/version.h>
#include "internal.h"
#include "trace.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define dsamig_movable_ops(f)	page_has_movable_ops(&(f)->page)
#else
#define dsamig_movable_ops(f)	__folio_test_movable(f)
#endif

/*
 * Whose contents only the folio lock protects (DESIGN.md, "Safety
 * invariants"): anonymous and swap-cache folios, shmem, and page-cache
 * folios without buffer heads whose mapping migrates with migrate_folio or
 * filemap_migrate_folio. buffer_migrate_folio*() copies only after locking
 * every buffer, and buffer users reach buffers without the folio lock.
 */
static int content_keep(struct folio *src)
{
	struct address_space *mapping = folio_mapping(src);
	int (*mf)(struct address_space *, struct folio *, struct folio *, enum migrate_mode);

	if (!mapping)
		return folio_test_anon(src) ? -1 : DSAMIG_KEEP_MAPPING;
	if (folio_buffers(src))
		return DSAMIG_KEEP_BUFFERS;
	mf = mapping->a_ops->migrate_folio;
	if (mf == migrate_folio || mf == filemap_migrate_folio)
		return -1;
	return DSAMIG_KEEP_MAPPING;
}

/*
 * A pair may be copied early only when nobody can write src before the
 * kernel's own copy point: src locked and unmapped, dst locked, neither
 * movable_ops nor hugetlb, the same size, no reference beyond those
 * migration expects (the check __migrate_folio() makes), and contents that
 * only the folio lock protects. -1 if so, else why not (enum dsamig_keep).
 */
static int pair_keep(struct folio *src, struct folio *dst)
{
	if (!folio_test_locked(src) || folio_mapped(src) || !folio_test_locked(dst) ||
	    folio_mapped(dst))
		return DSAMIG_KEEP_STATE;
	if (dsamig_movable_ops(src) || folio_test_hugetlb(src) ||
	    folio_nr_pages(src) != folio_nr_pages(dst))
		return DSAMIG_KEEP_STATE;
	if (folio_ref_count(src) != folio_expected_ref_count(src) + 1)
		return DSAMIG_KEEP_REFS;
	return content_keep(src);
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

static void run_init(struct dsamig_run *run, struct dsamig_task *t)
{
	memset(run, 0, sizeof(*run));
	run->reason = t->reason;
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

/* Mark the run's pairs with what the run did with them. */
static void run_mark(struct dsamig_task *t, struct dsamig_run *run, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u8 state = DSAMIG_PAIR_CPU;

		if (run->quarantined)
			state = DSAMIG_PAIR_QUARANTINED;
		else if (run->ok[i])
			state = DSAMIG_PAIR_COPIED;
		t->run_pair[i]->state = state;
	}
}

static bool batch_trusted(struct dsamig_task *t)
{
	return !t->untrusted && dsamig_hooks_missed() == t->missed;
}

/**
 * start_run() - pre-copy the rest of the batch, from @src on
 * @t: the task's slot
 * @src: the folio at its copy point, first on the batch's unmapped list of
 *	 those not moved yet; its pair is NEW
 *
 * Runs in migrate_pages_batch()'s task at a copy point: the batch list is
 * its own and stable, every src on it locked and unmapped.
 */
static void start_run(struct dsamig_task *t, struct folio *src)
{
	unsigned int max_pages = READ_ONCE(dsamig_knobs.max_batch);
	unsigned int threshold = READ_ONCE(dsamig_knobs.threshold);
	unsigned int pages = 0, n = 0, steps = 0, i;
	struct dsamig_run run;
	struct folio *s;

	run_init(&run, t);
	for (s = src; s && steps < 2 * DSAMIG_MAX_RUN; s = next_on_list(s), steps++) {
		struct dsamig_pair *p = dsamig_pair_find(t, s);
		unsigned int nr;
		int keep;

		if (!p || p->state != DSAMIG_PAIR_NEW)
			continue;
		nr = folio_nr_pages(s);
		keep = pair_keep(s, p->dst);
		if (keep >= 0) {
			p->state = DSAMIG_PAIR_CPU;
			atomic64_add(nr, &dsamig_counters.kept_pages[keep]);
			continue;
		}
		if (n == DSAMIG_MAX_RUN || (n && pages + nr > max_pages))
			break;		/* left NEW: a later copy point starts the next run */
		run.src[n] = s;
		run.dst[n] = p->dst;
		t->run_pair[n] = p;
		n++;
		pages += nr;
		cond_resched();
	}
	if (!n)
		return;
	for (i = 0; i < n; i++)
		run.ok[i] = false;
	if (pages < threshold) {
		run_mark(t, &run, n);	/* all to the CPU */
		return;
	}
	run.nr_folios = n;
	run.nr_pages = pages;
	copy_run(t, &run);
	run_mark(t, &run, n);
}

/* One large folio on its own: a run of one pair. */
static int copy_folio_offloaded(struct dsamig_task *t, struct folio *dst, struct folio *src)
{
	struct dsamig_run run;

	run_init(&run, t);
	run.src[0] = src;
	run.dst[0] = dst;
	run.nr_folios = 1;
	run.nr_pages = folio_nr_pages(src);
	if (!copy_run(t, &run) && run.ok[0])
		return 0;
	return run.quarantined ? -EBUSY : -EAGAIN;
}

static bool offload_enabled(struct dsamig_task *t)
{
	return READ_ONCE(dsamig_knobs.backend) != DSAMIG_BACKEND_OFF &&
	       dsamig_reason_enabled(t->reason);
}

/**
 * dsamig_copy_folio() - stands in for folio_mc_copy()
 * @dst: destination folio
 * @src: source folio
 *
 * Returns 0 when dst holds src's bytes, -EHWPOISON on a machine check, as
 * folio_mc_copy() does, and -EBUSY when DMA may still write dst (the run
 * was quarantined): the folio's migration then fails and src stays.
 */
int dsamig_copy_folio(struct folio *dst, struct folio *src)
{
	struct dsamig_task *t = dsamig_task_find();
	unsigned int nr = folio_nr_pages(src);
	struct dsamig_pair *p;
	int rc;
	u64 t0;

	if (t) {
		t->moving = true;
		p = dsamig_pair_find(t, src);
		if (p && p->dst != dst)
			p = NULL;
		if (p && p->state == DSAMIG_PAIR_NEW) {
			if (offload_enabled(t) && batch_trusted(t)) {
				int keep = pair_keep(src, dst);

				if (keep < 0)
					start_run(t, src);
				else
					atomic64_add(nr, &dsamig_counters.kept_pages[keep]);
			}
			if (p->state == DSAMIG_PAIR_NEW)
				p->state = DSAMIG_PAIR_CPU;
		}
		if (p) {
			switch (p->state) {
			case DSAMIG_PAIR_COPIED:
				/* Once: a retry after -EAGAIN copies again. */
				p->state = DSAMIG_PAIR_USED;
				atomic64_inc(&dsamig_counters.skipped_copies);
				return 0;
			case DSAMIG_PAIR_QUARANTINED:
				return -EBUSY;
			default:
				p->state = DSAMIG_PAIR_USED;
			}
		}
		/*
		 * Copying here, at the kernel's own copy point, is always safe:
		 * a folio large enough goes through the backend on its own.
		 */
		if (nr >= READ_ONCE(dsamig_knobs.threshold) && folio_nr_pages(dst) == nr &&
		    offload_enabled(t)) {
			rc = copy_folio_offloaded(t, dst, src);
			if (rc != -EAGAIN)
				return rc;
		}
	}

	t0 = ktime_get_ns();
	rc = dsamig_cpu_copy_folio(dst, src);
	atomic64_add(nr, &dsamig_counters.cpu_path_pages);
	if (t) {
		t->cpu.nr_folios++;
		t->cpu.nr_pages += nr;
		t->cpu.ns += dsamig_elapsed(t0);
	} else {
		trace_dsamig_cpu_copy(-1, 1, nr, dsamig_elapsed(t0));
	}
	return rc;
}
