// SPDX-License-Identifier: GPL-2.0
/*
 * The engines: each group's engines are shared by the WQs of the group, as
 * on the hardware. An idle engine takes the next descriptor of the
 * highest-priority WQ that has one (equal priorities in turn), runs it (the
 * copy and the timing model), and posts its completion to the WQ's irq
 * thread (irq.c) when it asked for an interrupt.
 *
 * The hardware's arbiter weighs WQs by priority; dsasim's is strict
 * priority, which is the extreme of that and easy to observe in a test.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "dma.h"

struct dsasim_engine_work {
	struct work_struct work;
	struct dsasim_sched *sched;
};

/* The timing model: setup latency plus size over one engine's bandwidth. */
static u64 dsasim_model_ns(size_t len)
{
	unsigned int bw = READ_ONCE(dsasim_bw_mbps);
	u64 ns = READ_ONCE(dsasim_setup_ns);

	if (bw)
		ns += div_u64((u64)len * 1000, bw);	/* bytes / (MB/s) = us; * 1000 = ns */
	return ns;
}

static void dsasim_wait_until(ktime_t deadline)
{
	s64 rem;

	while ((rem = ktime_to_ns(ktime_sub(deadline, ktime_get()))) > 0) {
		if (rem > 20 * NSEC_PER_USEC) {
			set_current_state(TASK_IDLE);
			schedule_hrtimeout_range(&deadline, 0, HRTIMER_MODE_ABS);
		} else {
			cpu_relax();
		}
	}
}

/* Put @desc where it ends: the irq thread, or nowhere (stuck, lost). */
static void dsasim_desc_post(struct dsasim_chan *c, struct dsasim_desc *desc,
			     struct list_head *list)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_add_tail(&desc->node, list);
	spin_unlock_irqrestore(&c->lock, flags);
	if (list == &c->done)
		wake_up(&c->irq_wait);
}

static void dsasim_desc_run(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	struct dsasim_device *sd = c->sd;
	struct dsasim_stats *st = &sd->stats;
	ktime_t start = ktime_get();
	u32 fstatus;
	u64 model;

	if (desc->fault == DSASIM_FAULT_STALL) {
		atomic64_inc(&st->stalled);
		dsasim_desc_post(c, desc, &c->stuck);
		return;
	}

	if (desc->fault == DSASIM_FAULT_FAIL) {
		atomic64_inc(&st->failed);
		fstatus = READ_ONCE(sd->faults.fail_status);
		desc->status = fstatus ? fstatus : dsasim_page_fault(c, false);
	} else if (!desc->noop && desc->len > c->max_xfer_bytes) {
		desc->status = DSASIM_COMP_XFER_ERANGE;	/* WQCFG max transfer size */
	} else if (desc->noop) {
		desc->status = DSASIM_COMP_SUCCESS;
	} else {
		desc->status = dsasim_copy(c, desc);
	}

	model = dsasim_model_ns(desc->noop ? 0 : desc->len);
	dsasim_wait_until(ktime_add_ns(start, model));
	atomic64_add(model, &st->busy_ns);

	/* halted meanwhile: the completion is never written */
	if (READ_ONCE(sd->state) == DSASIM_DEV_HALTED) {
		dsasim_desc_post(c, desc, &c->stuck);
		return;
	}
	if (desc->status != DSASIM_COMP_SUCCESS) {
		atomic64_inc(&st->errors);
		atomic64_set(&st->last_status, desc->status);
	}
	/* idxd asks for a completion interrupt only with DMA_PREP_INTERRUPT (RCI) */
	if (!(desc->txd.flags & DMA_PREP_INTERRUPT)) {
		atomic64_inc(&st->leaked);
		dsasim_desc_post(c, desc, &c->lost);
		return;
	}
	dsasim_desc_post(c, desc, &c->done);
}

/* The arbiter: next descriptor of the highest-priority WQ that has one. */
static struct dsasim_desc *dsasim_sched_pick(struct dsasim_sched *s, struct dsasim_chan **cp)
{
	struct dsasim_chan *c, *best = NULL;
	struct dsasim_desc *desc;

	lockdep_assert_held(&s->lock);
	if (READ_ONCE(s->sd->state) != DSASIM_DEV_ENABLED)
		return NULL;
	list_for_each_entry(c, &s->chans, sched_link)
		if (!list_empty(&c->pending) && (!best || c->priority > best->priority))
			best = c;
	if (!best)
		return NULL;
	desc = list_first_entry(&best->pending, struct dsasim_desc, node);
	list_del_init(&desc->node);
	best->inflight++;
	list_move_tail(&best->sched_link, &s->chans);	/* equal priorities in turn */
	*cp = best;
	return desc;
}

static void dsasim_engine_fn(struct work_struct *work)
{
	struct dsasim_sched *s = container_of(work, struct dsasim_engine_work, work)->sched;
	struct dsasim_desc *desc;
	struct dsasim_chan *c;

	for (;;) {
		spin_lock_irq(&s->lock);
		desc = dsasim_sched_pick(s, &c);
		spin_unlock_irq(&s->lock);
		if (!desc)
			break;
		dsasim_desc_run(c, desc);
		spin_lock_irq(&s->lock);
		c->inflight--;
		spin_unlock_irq(&s->lock);
		wake_up_all(&c->drain_wait);
		cond_resched();
	}
}

static void dsasim_sched_kick_one(struct dsasim_sched *s)
{
	struct dsasim_engine_work *ew = s->engines;
	unsigned int i;

	for (i = 0; i < s->nr_engines; i++)
		queue_work(s->sd->engine_wq, &ew[i].work);
}

/* Submit: the descriptor joins its WQ's queue and the group's engines look. */
void dsasim_sched_queue(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	struct dsasim_sched *s = c->sched;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	list_add_tail(&desc->node, &c->pending);
	dsasim_sched_kick_one(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

void dsasim_sched_kick(struct dsasim_device *sd)
{
	int i;

	for (i = 0; sd->scheds && i < sd->max_groups; i++)
		if (sd->scheds[i])
			dsasim_sched_kick_one(sd->scheds[i]);
}

static bool dsasim_drained(struct dsasim_chan *c)
{
	struct dsasim_sched *s = c->sched;
	bool done;

	spin_lock_irq(&s->lock);
	done = !c->inflight &&
	       (list_empty(&c->pending) || READ_ONCE(c->sd->state) != DSASIM_DEV_ENABLED);
	spin_unlock_irq(&s->lock);
	return done;
}

/* idxd_wq_drain(): what was queued runs to its end (unless halted). */
void dsasim_sched_drain(struct dsasim_chan *c)
{
	wait_event(c->drain_wait, dsasim_drained(c));
}

void dsasim_sched_attach(struct dsasim_chan *c)
{
	spin_lock_irq(&c->sched->lock);
	list_add_tail(&c->sched_link, &c->sched->chans);
	spin_unlock_irq(&c->sched->lock);
}

void dsasim_sched_detach(struct dsasim_chan *c)
{
	spin_lock_irq(&c->sched->lock);
	list_del_init(&c->sched_link);
	spin_unlock_irq(&c->sched->lock);
}

/* At device enable: one scheduler per group, one worker per grouped engine. */
int dsasim_sched_init(struct dsasim_device *sd)
{
	struct dsasim_engine_work *ew;
	struct dsasim_sched *s;
	int g, i, n;

	sd->engine_wq = alloc_workqueue("dsasim-%s", WQ_UNBOUND | WQ_MEM_RECLAIM,
					sd->max_engines, dev_name(&sd->dev));
	sd->scheds = kcalloc(sd->max_groups, sizeof(*sd->scheds), GFP_KERNEL);
	if (!sd->engine_wq || !sd->scheds)
		goto err;
	for (g = 0; g < sd->max_groups; g++) {
		for (n = 0, i = 0; i < sd->max_engines; i++)
			n += sd->engines[i]->group == sd->groups[g];
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		ew = kcalloc(max(n, 1), sizeof(*ew), GFP_KERNEL);
		if (!s || !ew) {
			kfree(s);
			kfree(ew);
			goto err;
		}
		s->sd = sd;
		spin_lock_init(&s->lock);
		INIT_LIST_HEAD(&s->chans);
		s->nr_engines = n;
		s->engines = ew;
		for (i = 0; i < n; i++) {
			ew[i].sched = s;
			INIT_WORK(&ew[i].work, dsasim_engine_fn);
		}
		sd->scheds[g] = s;
	}
	return 0;
err:
	dsasim_sched_exit(sd);
	return -ENOMEM;
}

void dsasim_sched_exit(struct dsasim_device *sd)
{
	int g;

	if (sd->engine_wq)
		destroy_workqueue(sd->engine_wq);
	sd->engine_wq = NULL;
	for (g = 0; sd->scheds && g < sd->max_groups; g++) {
		if (sd->scheds[g])
			kfree(sd->scheds[g]->engines);
		kfree(sd->scheds[g]);
	}
	kfree(sd->scheds);
	sd->scheds = NULL;
}
