// SPDX-License-Identifier: GPL-2.0
/*
 * The dmaengine side, after idxd's dma.c and submit.c (Linux 6.12; 7.x
 * differences behind LINUX_VERSION_CODE): one dma_device per enabled dsaN
 * and one channel per kernel WQ bound to "dmaengine", DMA_MEMCPY |
 * DMA_INTERRUPT | DMA_PRIVATE | DMA_COMPLETION_NO_ORDER, a descriptor pool
 * the size of the WQ, preps that sleep while the pool is empty, submit that
 * starts the work, completion only through callbacks from the WQ's own
 * thread (irq.c), and the channel freed when the WQ leaves the driver, even
 * under a client, as idxd_unregister_dma_channel() does.
 *
 * Locking: the data path takes c->lock and sched->lock (spinlocks), never
 * the device mutex: dmaengine calls alloc/free_chan_resources with its
 * dma_list_mutex held while WQ bind/unbind takes the device mutex first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/version.h>

#include "dma.h"

/*
 * Channels come from a cache with slab poisoning and red zones, so that a
 * client that touches its channel after the WQ was unbound under it (a use
 * after free on idxd too) reads 0x6b..., and a write is reported by SLUB.
 */
static struct kmem_cache *dsasim_chan_cache;

/* dma_cookie_assign() lives in a private header (drivers/dma/dmaengine.h). */
static dma_cookie_t dsasim_cookie_assign(struct dma_async_tx_descriptor *tx)
{
	struct dma_chan *chan = tx->chan;
	dma_cookie_t cookie = chan->cookie + 1;

	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	tx->cookie = chan->cookie = cookie;
	return cookie;
}

static bool dsasim_every(u32 every, atomic64_t *seq)
{
	return every && !(atomic64_inc_return(seq) % every);
}

/* idxd_free_desc(): back to the pool, waking a sleeping prep. */
void dsasim_desc_free(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_add(&desc->node, &c->free);
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up(&c->free_wait);
}

static bool dsasim_desc_wait_done(struct dsasim_chan *c)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&c->lock, flags);
	done = !list_empty(&c->free) || c->dead;
	spin_unlock_irqrestore(&c->lock, flags);
	return done;
}

/**
 * dsasim_desc_alloc - idxd_alloc_desc(wq, IDXD_OP_BLOCK)
 * @c: channel
 *
 * Fails at once if the device is not enabled (halted), as idxd's -EIO.
 * Otherwise sleeps, interruptibly, until a descriptor is freed: nothing else
 * wakes it, not a WQ disable (idxd's waiter sleeps on the WQ's sbitmap
 * queue; only idxd_free_desc() wakes it), nor a halt.
 *
 * Return: a descriptor, or NULL on a signal, a halted device, or when the
 * channel is being freed under the sleeper (idxd would hand out a
 * descriptor that is freed right after; see README.md).
 */
static struct dsasim_desc *dsasim_desc_alloc(struct dsasim_chan *c)
{
	struct dsasim_desc *desc = NULL;
	unsigned long flags;
	int rc = 0;

	if (READ_ONCE(c->sd->state) != DSASIM_DEV_ENABLED)
		return NULL;

	spin_lock_irqsave(&c->lock, flags);
	c->sleepers++;
	while (!c->dead && list_empty(&c->free) && !rc) {
		spin_unlock_irqrestore(&c->lock, flags);
		rc = wait_event_interruptible(c->free_wait, dsasim_desc_wait_done(c));
		spin_lock_irqsave(&c->lock, flags);
	}
	if (!c->dead && !list_empty(&c->free)) {
		desc = list_first_entry(&c->free, struct dsasim_desc, node);
		list_del_init(&desc->node);
	}
	if (!--c->sleepers && c->dead)
		wake_up_all(&c->free_wait);
	spin_unlock_irqrestore(&c->lock, flags);
	return desc;
}

/* The common part of the preps: idxd_dma_submit_memcpy() and _prep_interrupt(). */
static struct dsasim_desc *dsasim_prep(struct dsasim_chan *c, size_t len, bool noop,
				       unsigned long flags)
{
	struct dsasim_device *sd = c->sd;
	struct dsasim_desc *desc;
	u32 every;

	if (!READ_ONCE(c->live))
		return NULL;
	/* the device's limit only: the WQ's is the hardware's business */
	if (!noop && len > sd->max_xfer_bytes) {
		atomic64_inc(&sd->stats.rejected);
		return NULL;
	}

	every = READ_ONCE(sd->faults.alloc_fail_every) ?: READ_ONCE(dsasim_alloc_fail_every);
	if (dsasim_every(every, &sd->stats.prep_seq)) {
		atomic64_inc(&sd->stats.alloc_failed);
		return NULL;
	}

	desc = dsasim_desc_alloc(c);
	if (!desc)
		return NULL;
	desc->len = len;
	desc->noop = noop;
	desc->status = DSASIM_COMP_NONE;
	desc->txd.flags = flags;
	/* __get_desc() leaves the txd's callback fields as the last user left them */
	return desc;
}

static struct dma_async_tx_descriptor *
dsasim_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src, size_t len,
		   unsigned long flags)
{
	struct dsasim_desc *desc = dsasim_prep(to_dsasim_chan(chan), len, false, flags);

	if (!desc)
		return NULL;
	desc->src = src;
	desc->dst = dst;
	return &desc->txd;
}

static struct dma_async_tx_descriptor *
dsasim_prep_interrupt(struct dma_chan *chan, unsigned long flags)
{
	struct dsasim_desc *desc = dsasim_prep(to_dsasim_chan(chan), 0, true, flags);

	if (!desc)
		return NULL;
	desc->src = 0;
	desc->dst = 0;
	return &desc->txd;
}

/*
 * idxd_dma_tx_submit() + idxd_submit_desc(): the cookie is assigned first;
 * a halted device gives -EIO and a WQ being disabled -ENXIO, the descriptor
 * freed without a callback; a rejected ENQCMDS (injected) aborts the
 * descriptor as llist_abort_desc() does: with DMA_PREP_INTERRUPT its
 * callback runs here, in the submitter's context, with
 * DMA_TRANS_WRITE_FAILED (status IDXD_COMP_DESC_ABORT), then submit
 * returns -EAGAIN (enqcmds()).
 */
static dma_cookie_t dsasim_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct dsasim_chan *c = to_dsasim_chan(tx->chan);
	struct dsasim_desc *desc = to_dsasim_desc(tx);
	struct dsasim_device *sd = c->sd;
	struct dsasim_faults *f = &sd->faults;
	dma_cookie_t cookie;
	unsigned long flags;
	u32 fail, stall;
	int rc = 0;
	u64 n;

	spin_lock_irqsave(&c->lock, flags);
	cookie = dsasim_cookie_assign(tx);
	if (READ_ONCE(sd->state) != DSASIM_DEV_ENABLED)
		rc = -EIO;
	else if (!c->live)
		rc = -ENXIO;
	spin_unlock_irqrestore(&c->lock, flags);
	if (rc) {
		atomic64_inc(&sd->stats.rejected);
		dsasim_desc_free(c, desc);
		return rc;
	}

	if (dsasim_every(READ_ONCE(f->submit_fail_every), &sd->stats.submit_seq)) {
		atomic64_inc(&sd->stats.submit_failed);
		if (tx->flags & DMA_PREP_INTERRUPT) {
			desc->status = DSASIM_COMP_DESC_ABORT;
			dsasim_complete_txd(c, desc, DSASIM_COMPLETE_ABORT, false);
		}
		dsasim_desc_free(c, desc);
		return -EAGAIN;
	}

	fail = READ_ONCE(f->fail_every) ?: READ_ONCE(dsasim_fail_every);
	stall = READ_ONCE(f->stall_every) ?: READ_ONCE(dsasim_stall_every);
	n = atomic64_inc_return(&sd->stats.descs);
	if (fail && !(n % fail))
		desc->fault = DSASIM_FAULT_FAIL;
	else if (stall && !(n % stall))
		desc->fault = DSASIM_FAULT_STALL;
	else
		desc->fault = DSASIM_FAULT_NONE;
	dsasim_sched_queue(c, desc);
	return cookie;
}

static enum dma_status dsasim_tx_status(struct dma_chan *chan, dma_cookie_t cookie,
					struct dma_tx_state *txstate)
{
	return DMA_OUT_OF_ORDER;
}

/* tx_submit already started the work, as in idxd */
static void dsasim_issue_pending(struct dma_chan *chan)
{
}

/* idxd_dma_alloc_chan_resources(): a client reference on the WQ, nothing else */
static int dsasim_alloc_chan_resources(struct dma_chan *chan)
{
	atomic_inc(&to_dsasim_chan(chan)->wq->clients);
	return 0;
}

/*
 * idxd_dma_free_chan_resources(): drops the reference only. Descriptors
 * still outstanding (stalled) stay so until the WQ is disabled.
 */
static void dsasim_free_chan_resources(struct dma_chan *chan)
{
	atomic_dec(&to_dsasim_chan(chan)->wq->clients);
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
/*
 * 7.x idxd_dma_terminate_all() -> idxd_wq_flush_descs(): every descriptor
 * awaiting its completion is dropped as on WQ disable (callbacks cleared,
 * cookie completed, back to the pool); the hardware is not stopped.
 */
static int dsasim_terminate_all(struct dma_chan *chan)
{
	dsasim_flush_descs(to_dsasim_chan(chan), false);
	return 0;
}

/* 7.x idxd_dma_synchronize() -> idxd_wq_drain(): wait for the engines */
static void dsasim_synchronize(struct dma_chan *chan)
{
	dsasim_sched_drain(to_dsasim_chan(chan));
}
#endif

/* idxd_dma_release(): the last reference, possibly long after unregister */
static void dsasim_dma_release(struct dma_device *device)
{
	kfree(container_of(device, struct dsasim_dma, dma));
}

int dsasim_dma_register(struct dsasim_device *sd)
{
	struct dsasim_dma *dma;
	struct dma_device *dd;
	int rc;

	rc = dsasim_sched_init(sd);
	if (rc)
		return rc;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL);
	if (!dma) {
		rc = -ENOMEM;
		goto err_sched;
	}
	dma->sd = sd;

	dd = &dma->dma;
	INIT_LIST_HEAD(&dd->channels);
	dd->dev = sd->dma_dev;	/* the PCI device, as idxd's, or dsaN */
	dma_cap_set(DMA_INTERRUPT, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dma_cap_set(DMA_COMPLETION_NO_ORDER, dd->cap_mask);
	dd->device_release = dsasim_dma_release;
	dd->device_prep_dma_interrupt = dsasim_prep_interrupt;
	if (test_bit(3, sd->opcap)) {	/* MEMMOVE */
		dma_cap_set(DMA_MEMCPY, dd->cap_mask);
		dd->device_prep_dma_memcpy = dsasim_prep_memcpy;
	}
	dd->device_tx_status = dsasim_tx_status;
	dd->device_issue_pending = dsasim_issue_pending;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
	dd->device_terminate_all = dsasim_terminate_all;
	dd->device_synchronize = dsasim_synchronize;
#endif
	dd->device_alloc_chan_resources = dsasim_alloc_chan_resources;
	dd->device_free_chan_resources = dsasim_free_chan_resources;

	rc = dma_async_device_register(dd);
	if (rc < 0) {
		kfree(dma);
		goto err_sched;
	}
	sd->dma = dma;
	return 0;

err_sched:
	dsasim_sched_exit(sd);
	return rc;
}

/* idxd_unregister_dma_device(); the memory goes on the last reference */
void dsasim_dma_unregister(struct dsasim_device *sd)
{
	struct dsasim_dma *dma = sd->dma;

	if (!dma)
		return;
	sd->dma = NULL;
	dma_async_device_unregister(&dma->dma);
	dsasim_sched_exit(sd);
}

int dsasim_dma_init(void)
{
	/*
	 * Poisoned and red-zoned, so that a client touching a freed channel
	 * is caught. No SLAB_STORE_USER: its first user initialises the stack
	 * depot (a large zeroed allocation without a resched point), which
	 * under TCG held insmod for 26 s and tripped the soft-lockup detector.
	 */
	dsasim_chan_cache = kmem_cache_create("dsasim_chan", sizeof(struct dsasim_chan), 0,
					      SLAB_POISON | SLAB_RED_ZONE, NULL);
	return dsasim_chan_cache ? 0 : -ENOMEM;
}

void dsasim_dma_exit(void)
{
	kmem_cache_destroy(dsasim_chan_cache);
}

static void dsasim_chan_free(struct dsasim_chan *c)
{
	kfree(c->descs);
	kmem_cache_free(dsasim_chan_cache, c);
}

/**
 * dsasim_chan_create - idxd_dmaengine_drv_probe(): the channel of a kernel WQ
 * @wq: the WQ, sd->lock held, device enabled, WQ just enabled
 *
 * Return: 0 or -errno.
 */
int dsasim_chan_create(struct dsasim_wq *wq)
{
	struct dsasim_device *sd = wq->sd;
	struct dsasim_dma *dma = sd->dma;
	struct dsasim_chan *c;
	unsigned int i;
	int rc = -ENOMEM;

	c = kmem_cache_zalloc(dsasim_chan_cache, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->sd = sd;
	c->wq = wq;
	c->wq_id = wq->id;
	c->sched = sd->scheds[wq->group->id];
	c->priority = wq->priority;
	c->block_on_fault = test_bit(DSASIM_WQ_BLOCK_ON_FAULT, &wq->flags);
	c->max_xfer_bytes = wq->max_xfer_bytes;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->sched_link);
	INIT_LIST_HEAD(&c->pending);
	INIT_LIST_HEAD(&c->free);
	INIT_LIST_HEAD(&c->done);
	INIT_LIST_HEAD(&c->stuck);
	INIT_LIST_HEAD(&c->lost);
	init_waitqueue_head(&c->free_wait);
	init_waitqueue_head(&c->drain_wait);
	init_waitqueue_head(&c->irq_wait);

	/* dedicated kernel WQs only: the pool is the WQ size (idxd_wq_alloc_resources()) */
	c->nr_descs = wq->size;
	c->descs = kcalloc(c->nr_descs, sizeof(*c->descs), GFP_KERNEL);
	if (!c->descs)
		goto err_free;
	for (i = 0; i < c->nr_descs; i++) {
		struct dsasim_desc *desc = &c->descs[i];

		dma_async_tx_descriptor_init(&desc->txd, &c->chan);
		desc->txd.tx_submit = dsasim_tx_submit;
		list_add_tail(&desc->node, &c->free);
	}

	rc = dsasim_irq_start(c);
	if (rc)
		goto err_free;

	c->chan.device = &dma->dma;
	list_add_tail(&c->chan.device_node, &dma->dma.channels);
	rc = dma_async_device_channel_register(&dma->dma, &c->chan, NULL);
	if (rc < 0)
		goto err_irq;

	c->live = true;
	dsasim_sched_attach(c);
	wq->chan = c;
	return 0;

err_irq:
	list_del(&c->chan.device_node);
	dsasim_irq_stop(c);
err_free:
	dsasim_chan_free(c);
	return rc;
}

/**
 * dsasim_chan_destroy - idxd_dmaengine_drv_remove(): the WQ leaves dmaengine
 * @wq: the WQ, sd->lock held
 *
 * As idxd: quiesce (new submits get -ENXIO), unregister and free the
 * channel even if a client holds it (with idxd's warning), drain (the
 * engines finish what was queued; their completions are called back by the
 * WQ's thread), stop the thread, and flush what never completed (stalled
 * descriptors, or everything on a halted device) with the callbacks
 * cleared (idxd_flush_pending_descs()).
 */
void dsasim_chan_destroy(struct dsasim_wq *wq)
{
	struct dsasim_chan *c = wq->chan;
	int clients;

	if (!c)
		return;

	spin_lock_irq(&c->lock);
	c->live = false;
	spin_unlock_irq(&c->lock);

	dma_async_device_channel_unregister(&wq->sd->dma->dma, &c->chan);
	list_del(&c->chan.device_node);

	clients = atomic_read(&wq->clients);
	if (clients)
		dev_warn(&wq->sd->dev, "Clients has claim on wq %d: %d\n", wq->id, clients);

	dsasim_sched_drain(c);
	dsasim_sched_detach(c);
	dsasim_irq_stop(c);
	dsasim_flush_descs(c, true);

	/* preps asleep on the pool must leave before it goes */
	spin_lock_irq(&c->lock);
	c->dead = true;
	spin_unlock_irq(&c->lock);
	wake_up_all(&c->free_wait);
	wait_event(c->free_wait, !READ_ONCE(c->sleepers));
	spin_lock_irq(&c->lock);	/* the last sleeper has let go of it */
	spin_unlock_irq(&c->lock);

	atomic_set(&wq->clients, 0);
	wq->chan = NULL;
	dsasim_chan_free(c);
}
