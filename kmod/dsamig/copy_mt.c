// SPDX-License-Identifier: GPL-2.0
/*
 * The mt backend: a run's pages copied by several kernel workers at once
 * (Nimble's multi-threaded copy), the submitting task waiting for them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include "internal.h"

#define DSAMIG_MT_MAX	16

static struct workqueue_struct *mt_wq;

struct mt_part {
	struct work_struct work;
	struct dsamig_run *run;
	unsigned int first, step;	/* pages first, first + step, ... */
	atomic_t *left;
	struct completion *done;
};

/* A part copies the run's pages [first, first + step), counted across folios. */
static void mt_copy(struct work_struct *work)
{
	struct mt_part *p = container_of(work, struct mt_part, work);
	struct dsamig_run *run = p->run;
	unsigned int i, k, base = 0, end = p->first + p->step, nr;

	for (i = 0; i < run->nr_folios && base < end; i++, base += nr) {
		nr = folio_nr_pages(run->src[i]);
		for (k = max(base, p->first); k < min(base + nr, end); k++) {
			if (copy_mc_highpage(folio_page(run->dst[i], k - base),
					     folio_page(run->src[i], k - base)))
				WRITE_ONCE(run->ok[i], false);
			cond_resched();
		}
	}
	if (atomic_dec_and_test(p->left))
		complete(p->done);
}

int dsamig_mt_copy_run(struct dsamig_run *run)
{
	unsigned int threads = READ_ONCE(dsamig_knobs.mt_threads), chunk, i, nr;
	struct mt_part parts[DSAMIG_MT_MAX];
	DECLARE_COMPLETION_ONSTACK(done);
	atomic_t left;
	u64 t0;

	if (!mt_wq) {
		run->cause = DSAMIG_CAUSE_NO_CHANNEL;
		return -ENODEV;
	}
	threads = clamp(threads, 1U, (unsigned int)DSAMIG_MT_MAX);
	chunk = DIV_ROUND_UP(run->nr_pages, threads);
	nr = DIV_ROUND_UP(run->nr_pages, chunk);
	for (i = 0; i < run->nr_folios; i++)
		run->ok[i] = true;

	t0 = ktime_get_ns();
	atomic_set(&left, nr);
	for (i = 0; i < nr; i++) {
		parts[i].run = run;
		parts[i].first = i * chunk;
		parts[i].step = chunk;
		parts[i].left = &left;
		parts[i].done = &done;
		INIT_WORK_ONSTACK(&parts[i].work, mt_copy);
		queue_work(mt_wq, &parts[i].work);
	}
	run->submit_ns = dsamig_elapsed(t0);
	t0 = ktime_get_ns();
	wait_for_completion(&done);
	run->wait_ns = dsamig_elapsed(t0);
	for (i = 0; i < nr; i++)
		destroy_work_on_stack(&parts[i].work);
	run->nr_channels = nr;
	run->nr_segments = nr;
	return 0;
}

int dsamig_mt_set_threads(unsigned int nr)
{
	/* The workqueue's concurrency follows the knob. */
	if (mt_wq)
		workqueue_set_max_active(mt_wq, nr);
	return 0;
}

int dsamig_mt_init(void)
{
	/* Demotion migrates from reclaim: the workers must make progress then. */
	mt_wq = alloc_workqueue("dsamig_mt", WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM,
				READ_ONCE(dsamig_knobs.mt_threads));
	return mt_wq ? 0 : -ENOMEM;
}

void dsamig_mt_exit(void)
{
	if (mt_wq)
		destroy_workqueue(mt_wq);
	mt_wq = NULL;
}
