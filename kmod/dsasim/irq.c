// SPDX-License-Identifier: GPL-2.0
/*
 * Completions, after idxd's irq.c and idxd_dma_complete_txd(): each WQ has
 * its own thread (idxd: the WQ's MSI-X vector with a threaded handler,
 * idxd_wq_thread()) that retires what the engines completed, calling the
 * clients' callbacks one after another in that thread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>

#include "dma.h"

/**
 * dsasim_complete_txd - idxd_dma_complete_txd()
 * @c: channel
 * @desc: the descriptor, off every list
 * @type: normal completion, or abort (submit rejected, WQ flushed)
 * @free_desc: give it back to the pool
 *
 * The result follows the completion status only: success is
 * DMA_TRANS_NOERROR, any other status DMA_TRANS_WRITE_FAILED, no status on
 * an abort DMA_TRANS_ABORTED. The residue is never set (see
 * DSASIM_RESIDUE_POISON). The cookie completes, the unmap data is released
 * and the callback runs, unless cleared by the caller.
 */
void dsasim_complete_txd(struct dsasim_chan *c, struct dsasim_desc *desc,
			 enum dsasim_complete_type type, bool free_desc)
{
	struct dma_async_tx_descriptor *tx = &desc->txd;
	struct dmaengine_result res = { .residue = DSASIM_RESIDUE_POISON };
	bool complete = true;

	if (desc->status == DSASIM_COMP_SUCCESS)
		res.result = DMA_TRANS_NOERROR;
	else if (desc->status)
		res.result = DMA_TRANS_WRITE_FAILED;
	else if (type == DSASIM_COMPLETE_ABORT)
		res.result = DMA_TRANS_ABORTED;
	else
		complete = false;

	if (complete && tx->cookie) {
		/* dma_cookie_complete() */
		c->chan.completed_cookie = tx->cookie;
		tx->cookie = 0;
		dma_descriptor_unmap(tx);
		if (tx->callback_result)
			tx->callback_result(tx->callback_param, &res);
		else if (tx->callback)
			tx->callback(tx->callback_param);
		tx->callback = NULL;
		tx->callback_result = NULL;
		if (type == DSASIM_COMPLETE_ABORT)
			atomic64_inc(&c->sd->stats.aborted);
	}
	if (free_desc)
		dsasim_desc_free(c, desc);
}

static bool dsasim_irq_pending(struct dsasim_chan *c)
{
	bool pending;

	spin_lock_irq(&c->lock);
	pending = !list_empty(&c->done);
	spin_unlock_irq(&c->lock);
	return pending;
}

/* idxd_wq_thread(): retire the completions, in the order they arrived */
static int dsasim_irq_thread(void *data)
{
	struct dsasim_chan *c = data;
	struct dsasim_desc *desc, *next;
	LIST_HEAD(batch);

	for (;;) {
		wait_event_idle(c->irq_wait, dsasim_irq_pending(c) || kthread_should_stop());
		spin_lock_irq(&c->lock);
		list_splice_init(&c->done, &batch);
		spin_unlock_irq(&c->lock);
		if (list_empty(&batch) && kthread_should_stop())
			break;
		list_for_each_entry_safe(desc, next, &batch, node) {
			list_del_init(&desc->node);
			atomic64_inc(&c->sd->stats.completed);
			dsasim_complete_txd(c, desc, DSASIM_COMPLETE_NORMAL, true);
		}
		cond_resched();
	}
	return 0;
}

/* idxd_wq_request_irq() */
int dsasim_irq_start(struct dsasim_chan *c)
{
	struct task_struct *t;

	t = kthread_run(dsasim_irq_thread, c, "irq/%s-wq%d.%d", dev_name(&c->sd->dev), c->sd->id,
			c->wq_id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	c->irq_thread = t;
	return 0;
}

/* free_irq(): waits for the thread, which first retires what has completed */
void dsasim_irq_stop(struct dsasim_chan *c)
{
	if (!c->irq_thread)
		return;
	kthread_stop(c->irq_thread);
	c->irq_thread = NULL;
}

/**
 * dsasim_flush_descs - idxd_flush_pending_descs()
 * @c: channel
 * @disabling: the WQ is being disabled (else: 7.x terminate_all)
 *
 * Every descriptor that asked for a completion and did not get it is
 * dropped: callbacks cleared ("callback could point to code that is no
 * longer accessible"), cookie completed, unmap released, back to the pool;
 * also those queued but not yet on an engine (on a halted device when
 * disabling; for terminate, idxd's hardware would still run them).
 * Those without DMA_PREP_INTERRUPT were never tracked by idxd; on disable
 * they go back to the pool too (idxd_wq_free_resources() frees the pool).
 *
 * Return: how many were dropped.
 */
unsigned int dsasim_flush_descs(struct dsasim_chan *c, bool disabling)
{
	struct dsasim_desc *desc, *next;
	unsigned int n = 0;
	LIST_HEAD(flist);

	spin_lock_irq(&c->sched->lock);
	list_splice_init(&c->pending, &flist);
	spin_unlock_irq(&c->sched->lock);
	spin_lock_irq(&c->lock);
	list_splice_init(&c->done, &flist);
	list_splice_init(&c->stuck, &flist);
	if (disabling)
		list_splice_init(&c->lost, &flist);
	spin_unlock_irq(&c->lock);

	list_for_each_entry_safe(desc, next, &flist, node) {
		struct dma_async_tx_descriptor *tx = &desc->txd;

		list_del_init(&desc->node);
		if (!(tx->flags & DMA_PREP_INTERRUPT)) {
			dsasim_desc_free(c, desc);
			continue;
		}
		tx->callback = NULL;
		tx->callback_result = NULL;
		atomic64_inc(&c->sd->stats.flushed);
		n++;
		dsasim_complete_txd(c, desc, desc->status ? DSASIM_COMPLETE_NORMAL :
				    DSASIM_COMPLETE_ABORT, true);
	}
	return n;
}
