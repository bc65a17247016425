// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: one dmaengine device per enabled dsaN and one channel per
 * kernel WQ bound to "dmaengine", with idxd's capabilities and quirks:
 * DMA_MEMCPY | DMA_INTERRUPT | DMA_PRIVATE | DMA_COMPLETION_NO_ORDER, a
 * descriptor pool the size of the WQ, completion only through callbacks
 * (tx_status says DMA_OUT_OF_ORDER), and a descriptor submitted without
 * DMA_PREP_INTERRUPT is never retired.
 *
 * Copies really move the bytes. Each engine in the WQ's group is one worker;
 * a descriptor takes the modelled time (setup + size / bandwidth) or the
 * real copy time, whichever is longer. Faults are injected by count.
 *
 * Locking: the data path takes only chan->lock (a spinlock) and never the
 * device mutex, because dmaengine calls alloc/free_chan_resources with its
 * dma_list_mutex held while WQ bind/unbind takes the device mutex first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "dsasim.h"

enum dsasim_fault {
	DSASIM_FAULT_NONE,
	DSASIM_FAULT_FAIL,
	DSASIM_FAULT_STALL,
};

struct dsasim_desc {
	struct dma_async_tx_descriptor txd;
	struct list_head node;
	dma_addr_t src;
	dma_addr_t dst;
	size_t len;
	enum dsasim_fault fault;
};

struct dsasim_worker {
	struct work_struct work;
	struct dsasim_chan *c;
};

struct dsasim_chan {
	struct dma_chan chan;
	struct list_head link;		/* in dsasim_dma.chans */
	struct dsasim_device *sd;

	spinlock_t lock;		/* everything below but the workqueue */
	bool enabled;
	struct dsasim_wq *wq;		/* NULL once the WQ is disabled */
	u64 max_xfer_bytes;
	unsigned int nr_descs;
	unsigned int nr_lost;		/* leaked or stalled: out of the pool */
	struct dsasim_desc *descs;
	struct list_head free;
	struct list_head pending;
	struct list_head stalled;
	wait_queue_head_t free_wait;

	struct mutex wq_mutex;		/* engine_wq against flush vs destroy */
	struct workqueue_struct *engine_wq;
	unsigned int nr_workers;
	struct dsasim_worker *workers;
};

/* dmaengine devices released while a client still held a channel: freed at exit */
static LIST_HEAD(dsasim_graveyard);
static DEFINE_SPINLOCK(dsasim_graveyard_lock);

static struct dsasim_chan *to_dsasim_chan(struct dma_chan *chan)
{
	return container_of(chan, struct dsasim_chan, chan);
}

static struct dsasim_desc *to_dsasim_desc(struct dma_async_tx_descriptor *txd)
{
	return container_of(txd, struct dsasim_desc, txd);
}

/* dma_cookie_assign() and dma_cookie_complete() live in a private header. */
static dma_cookie_t dsasim_cookie_assign(struct dma_async_tx_descriptor *tx)
{
	struct dma_chan *chan = tx->chan;
	dma_cookie_t cookie = chan->cookie + 1;

	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	tx->cookie = chan->cookie = cookie;
	return cookie;
}

static bool dsasim_free_available(struct dsasim_chan *c)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&c->lock, flags);
	ok = !list_empty(&c->free) || !c->enabled || c->nr_lost >= c->nr_descs;
	spin_unlock_irqrestore(&c->lock, flags);
	return ok;
}

/**
 * dsasim_desc_get - take a descriptor from the pool
 * @c: channel
 *
 * Waits for a free one like idxd's IDXD_OP_BLOCK allocation, except when
 * every descriptor is leaked or stalled: then none will ever come back and
 * NULL is returned instead of a hang.
 *
 * Return: the descriptor or NULL.
 */
static struct dsasim_desc *dsasim_desc_get(struct dsasim_chan *c)
{
	struct dsasim_desc *desc;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	while (list_empty(&c->free)) {
		if (!c->enabled || c->nr_lost >= c->nr_descs) {
			spin_unlock_irqrestore(&c->lock, flags);
			pr_warn_ratelimited("%s: descriptor pool exhausted by %u leaked or stalled descriptors\n",
					    dma_chan_name(&c->chan), c->nr_lost);
			return NULL;
		}
		spin_unlock_irqrestore(&c->lock, flags);
		if (wait_event_interruptible(c->free_wait, dsasim_free_available(c)))
			return NULL;
		spin_lock_irqsave(&c->lock, flags);
	}
	desc = list_first_entry(&c->free, struct dsasim_desc, node);
	list_del_init(&desc->node);
	spin_unlock_irqrestore(&c->lock, flags);
	return desc;
}

static void dsasim_desc_put(struct dsasim_chan *c, struct dsasim_desc *desc, bool was_lost)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_add(&desc->node, &c->free);
	if (was_lost)
		c->nr_lost--;
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up(&c->free_wait);
}

/* Retire a descriptor: complete its cookie and call back with @result. */
static void dsasim_desc_complete(struct dsasim_chan *c, struct dsasim_desc *desc,
				 enum dmaengine_tx_result result, bool was_lost)
{
	struct dma_async_tx_descriptor *tx = &desc->txd;
	struct dmaengine_result res = {
		.result = result,
		.residue = result == DMA_TRANS_NOERROR ? 0 : desc->len,
	};
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->chan.completed_cookie = tx->cookie;
	tx->cookie = 0;
	spin_unlock_irqrestore(&c->lock, flags);

	dma_descriptor_unmap(tx);
	if (tx->callback_result)
		tx->callback_result(tx->callback_param, &res);
	else if (tx->callback)
		tx->callback(tx->callback_param);
	tx->callback = NULL;
	tx->callback_result = NULL;

	atomic64_inc(&c->sd->stats.completed);
	dsasim_desc_put(c, desc, was_lost);
}

/* Is [addr, addr + len) memory the kernel maps directly? */
static bool dsasim_phys_ok(phys_addr_t addr, size_t len)
{
	unsigned long pfn, last;

	if (!len)
		return true;
	last = PHYS_PFN(addr + len - 1);
	for (pfn = PHYS_PFN(addr); pfn <= last; pfn++)
		if (!pfn_valid(pfn))
			return false;
	return true;
}

/* The copy itself: DSA's MEMMOVE, overlap-safe. */
static enum dmaengine_tx_result dsasim_copy(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	phys_addr_t src = dma_to_phys(&c->sd->dev, desc->src);
	phys_addr_t dst = dma_to_phys(&c->sd->dev, desc->dst);
	size_t off, n;

	if (!dsasim_phys_ok(src, desc->len))
		return DMA_TRANS_READ_FAILED;
	if (!dsasim_phys_ok(dst, desc->len))
		return DMA_TRANS_WRITE_FAILED;

	if (src < dst + desc->len && dst < src + desc->len) {
		memmove(phys_to_virt(dst), phys_to_virt(src), desc->len);
	} else {
		for (off = 0; off < desc->len; off += n) {
			n = min_t(size_t, desc->len - off, SZ_1M);
			memcpy(phys_to_virt(dst + off), phys_to_virt(src + off), n);
			cond_resched();
		}
	}
	atomic64_add(desc->len, &c->sd->stats.bytes);
	return DMA_TRANS_NOERROR;
}

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

static void dsasim_desc_run(struct dsasim_chan *c, struct dsasim_desc *desc)
{
	struct dsasim_stats *st = &c->sd->stats;
	enum dmaengine_tx_result result;
	ktime_t start = ktime_get();
	unsigned long flags;
	u64 model;

	if (desc->fault == DSASIM_FAULT_STALL) {
		atomic64_inc(&st->stalled);
		spin_lock_irqsave(&c->lock, flags);
		list_add_tail(&desc->node, &c->stalled);
		c->nr_lost++;
		spin_unlock_irqrestore(&c->lock, flags);
		/* A waiting prep must see when the whole pool is lost. */
		wake_up(&c->free_wait);
		return;
	}

	if (desc->fault == DSASIM_FAULT_FAIL) {
		atomic64_inc(&st->failed);
		result = DMA_TRANS_WRITE_FAILED;	/* idxd reports every error so */
	} else {
		result = dsasim_copy(c, desc);
		if (result != DMA_TRANS_NOERROR)
			result = DMA_TRANS_WRITE_FAILED;
	}

	model = dsasim_model_ns(desc->len);
	dsasim_wait_until(ktime_add_ns(start, model));
	atomic64_add(model, &st->busy_ns);

	/* idxd asks for a completion interrupt only with DMA_PREP_INTERRUPT */
	if (!(desc->txd.flags & DMA_PREP_INTERRUPT)) {
		atomic64_inc(&st->leaked);
		spin_lock_irqsave(&c->lock, flags);
		c->nr_lost++;
		spin_unlock_irqrestore(&c->lock, flags);
		wake_up(&c->free_wait);
		return;
	}

	dsasim_desc_complete(c, desc, result, false);
}

/* One engine: run pending descriptors until there are none. */
static void dsasim_engine_work(struct work_struct *work)
{
	struct dsasim_chan *c = container_of(work, struct dsasim_worker, work)->c;
	struct dsasim_desc *desc;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		desc = list_first_entry_or_null(&c->pending, struct dsasim_desc, node);
		if (desc)
			list_del_init(&desc->node);
		spin_unlock_irqrestore(&c->lock, flags);
		if (!desc)
			break;
		dsasim_desc_run(c, desc);
		cond_resched();
	}
}

static dma_cookie_t dsasim_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct dsasim_chan *c = to_dsasim_chan(tx->chan);
	struct dsasim_desc *desc = to_dsasim_desc(tx);
	unsigned int fail = READ_ONCE(dsasim_fail_every);
	unsigned int stall = READ_ONCE(dsasim_stall_every);
	dma_cookie_t cookie;
	unsigned long flags;
	unsigned int i;
	u64 n;

	spin_lock_irqsave(&c->lock, flags);
	if (!c->enabled) {
		list_add(&desc->node, &c->free);
		spin_unlock_irqrestore(&c->lock, flags);
		wake_up(&c->free_wait);
		atomic64_inc(&c->sd->stats.rejected);
		return -EIO;
	}
	cookie = dsasim_cookie_assign(tx);
	n = atomic64_inc_return(&c->sd->stats.descs);
	if (fail && !(n % fail))
		desc->fault = DSASIM_FAULT_FAIL;
	else if (stall && !(n % stall))
		desc->fault = DSASIM_FAULT_STALL;
	else
		desc->fault = DSASIM_FAULT_NONE;
	list_add_tail(&desc->node, &c->pending);
	/* under the lock: the WQ's disable path destroys engine_wq after !enabled */
	for (i = 0; i < c->nr_workers; i++)
		queue_work(c->engine_wq, &c->workers[i].work);
	spin_unlock_irqrestore(&c->lock, flags);
	return cookie;
}

/* Common part of the preps. Return: a descriptor or NULL. */
static struct dsasim_desc *dsasim_prep(struct dsasim_chan *c, size_t len, unsigned long flags)
{
	struct dsasim_stats *st = &c->sd->stats;
	unsigned int every = READ_ONCE(dsasim_alloc_fail_every);
	struct dsasim_desc *desc;
	unsigned long irqflags;
	bool ok;

	spin_lock_irqsave(&c->lock, irqflags);
	ok = c->enabled && len <= c->max_xfer_bytes;
	spin_unlock_irqrestore(&c->lock, irqflags);
	if (!ok) {
		atomic64_inc(&st->rejected);
		return NULL;
	}

	if (every && !(atomic64_inc_return(&st->prep_seq) % every)) {
		atomic64_inc(&st->alloc_failed);
		return NULL;
	}

	desc = dsasim_desc_get(c);
	if (!desc)
		return NULL;
	desc->len = len;
	desc->txd.flags = flags;
	desc->txd.cookie = -EBUSY;
	desc->txd.callback = NULL;
	desc->txd.callback_result = NULL;
	desc->txd.callback_param = NULL;
	desc->txd.unmap = NULL;
	return desc;
}

static struct dma_async_tx_descriptor *
dsasim_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src, size_t len,
		   unsigned long flags)
{
	struct dsasim_desc *desc = dsasim_prep(to_dsasim_chan(chan), len, flags);

	if (!desc)
		return NULL;
	desc->src = src;
	desc->dst = dst;
	return &desc->txd;
}

static struct dma_async_tx_descriptor *
dsasim_prep_interrupt(struct dma_chan *chan, unsigned long flags)
{
	struct dsasim_desc *desc = dsasim_prep(to_dsasim_chan(chan), 0, flags);

	if (!desc)
		return NULL;
	desc->src = 0;
	desc->dst = 0;
	return &desc->txd;
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

static int dsasim_alloc_chan_resources(struct dma_chan *chan)
{
	struct dsasim_chan *c = to_dsasim_chan(chan);

	spin_lock_irq(&c->lock);
	if (c->wq)
		atomic_inc(&c->wq->clients);
	spin_unlock_irq(&c->lock);
	return 0;
}

/* Stalled descriptors are given back, with DMA_TRANS_ABORTED, when the client lets go. */
static void dsasim_abort_stalled(struct dsasim_chan *c)
{
	struct dsasim_desc *desc, *next;
	LIST_HEAD(stalled);

	spin_lock_irq(&c->lock);
	list_splice_init(&c->stalled, &stalled);
	spin_unlock_irq(&c->lock);

	list_for_each_entry_safe(desc, next, &stalled, node) {
		list_del_init(&desc->node);
		atomic64_inc(&c->sd->stats.aborted);
		if (desc->txd.flags & DMA_PREP_INTERRUPT) {
			dsasim_desc_complete(c, desc, DMA_TRANS_ABORTED, true);
		} else {
			dsasim_desc_put(c, desc, true);
		}
	}
}

static void dsasim_chan_quiesce(struct dsasim_chan *c)
{
	mutex_lock(&c->wq_mutex);
	if (c->engine_wq)
		flush_workqueue(c->engine_wq);
	mutex_unlock(&c->wq_mutex);
	dsasim_abort_stalled(c);
}

/*
 * dmaengine_terminate_*(): descriptors not yet started and stalled ones are
 * aborted (called back with DMA_TRANS_ABORTED, their bytes never copied);
 * one an engine is copying now finishes, and device_synchronize waits for
 * it. idxd has no terminate; dsasim offers it so that a client can recover
 * from the stalls it injects without giving up its channel.
 */
static int dsasim_terminate_all(struct dma_chan *chan)
{
	struct dsasim_chan *c = to_dsasim_chan(chan);
	struct dsasim_desc *desc, *next;
	LIST_HEAD(pending);

	spin_lock_irq(&c->lock);
	list_splice_init(&c->pending, &pending);
	spin_unlock_irq(&c->lock);
	list_for_each_entry_safe(desc, next, &pending, node) {
		list_del_init(&desc->node);
		atomic64_inc(&c->sd->stats.aborted);
		if (desc->txd.flags & DMA_PREP_INTERRUPT)
			dsasim_desc_complete(c, desc, DMA_TRANS_ABORTED, false);
		else
			dsasim_desc_put(c, desc, false);
	}
	dsasim_abort_stalled(c);
	return 0;
}

static void dsasim_synchronize(struct dma_chan *chan)
{
	struct dsasim_chan *c = to_dsasim_chan(chan);

	mutex_lock(&c->wq_mutex);
	if (c->engine_wq)
		flush_workqueue(c->engine_wq);
	mutex_unlock(&c->wq_mutex);
	/* An engine may have parked a stall after terminate_all looked. */
	dsasim_abort_stalled(c);
}

static void dsasim_free_chan_resources(struct dma_chan *chan)
{
	struct dsasim_chan *c = to_dsasim_chan(chan);

	dsasim_chan_quiesce(c);
	spin_lock_irq(&c->lock);
	if (c->wq)
		atomic_dec(&c->wq->clients);
	spin_unlock_irq(&c->lock);
}

static void dsasim_chan_free(struct dsasim_chan *c)
{
	kfree(c->workers);
	kfree(c->descs);
	kfree(c);
}

static void dsasim_dma_free(struct dsasim_dma *dma)
{
	struct dsasim_chan *c, *next;

	list_for_each_entry_safe(c, next, &dma->chans, link)
		dsasim_chan_free(c);
	kfree(dma);
}

/*
 * Called by dmaengine on the last reference, with its dma_list_mutex held,
 * possibly inside dma_release_channel() which still touches the channel
 * afterwards: so nothing is freed here.
 */
static void dsasim_dma_release(struct dma_device *device)
{
	struct dsasim_dma *dma = container_of(device, struct dsasim_dma, dma);

	spin_lock(&dsasim_graveyard_lock);
	dma->released = true;
	list_add_tail(&dma->graveyard, &dsasim_graveyard);
	spin_unlock(&dsasim_graveyard_lock);
}

int dsasim_dma_register(struct dsasim_device *sd)
{
	struct dsasim_dma *dma;
	struct dma_device *dd;
	int rc;

	dma = kzalloc(sizeof(*dma), GFP_KERNEL);
	if (!dma)
		return -ENOMEM;
	dma->sd = sd;
	INIT_LIST_HEAD(&dma->chans);

	dd = &dma->dma;
	INIT_LIST_HEAD(&dd->channels);
	dd->dev = &sd->dev;
	dma_cap_set(DMA_INTERRUPT, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dma_cap_set(DMA_COMPLETION_NO_ORDER, dd->cap_mask);
	dd->device_prep_dma_interrupt = dsasim_prep_interrupt;
	if (test_bit(3, sd->opcap)) {	/* MEMMOVE */
		dma_cap_set(DMA_MEMCPY, dd->cap_mask);
		dd->device_prep_dma_memcpy = dsasim_prep_memcpy;
	}
	dd->device_release = dsasim_dma_release;
	dd->device_tx_status = dsasim_tx_status;
	dd->device_issue_pending = dsasim_issue_pending;
	dd->device_terminate_all = dsasim_terminate_all;
	dd->device_synchronize = dsasim_synchronize;
	dd->device_alloc_chan_resources = dsasim_alloc_chan_resources;
	dd->device_free_chan_resources = dsasim_free_chan_resources;

	rc = dma_async_device_register(dd);
	if (rc < 0) {
		kfree(dma);
		return rc;
	}
	sd->dma = dma;
	return 0;
}

void dsasim_dma_unregister(struct dsasim_device *sd)
{
	struct dsasim_dma *dma = sd->dma;

	if (!dma)
		return;
	sd->dma = NULL;
	dma_async_device_unregister(&dma->dma);
	/* Released during our own put: nobody else holds it, free it now. */
	spin_lock(&dsasim_graveyard_lock);
	if (dma->released) {
		list_del(&dma->graveyard);
		spin_unlock(&dsasim_graveyard_lock);
		dsasim_dma_free(dma);
		return;
	}
	spin_unlock(&dsasim_graveyard_lock);
}

static bool dsasim_filter_none(struct dma_chan *chan, void *param)
{
	return false;
}

/* At module exit: free the devices clients released last. */
void dsasim_dma_exit(void)
{
	struct dsasim_dma *dma, *next;
	dma_cap_mask_t mask;

	/*
	 * A channel request takes and drops dma_list_mutex: any
	 * dma_release_channel() that released one of these has returned.
	 */
	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	dma_request_channel(mask, dsasim_filter_none, NULL);

	list_for_each_entry_safe(dma, next, &dsasim_graveyard, graveyard) {
		list_del(&dma->graveyard);
		dsasim_dma_free(dma);
	}
}

/**
 * dsasim_chan_create - register the channel of a kernel WQ being enabled
 * @wq: the WQ, sd->lock held, device enabled
 *
 * Return: 0 or -errno.
 */
int dsasim_chan_create(struct dsasim_wq *wq)
{
	struct dsasim_device *sd = wq->sd;
	struct dsasim_dma *dma = sd->dma;
	struct dsasim_chan *c;
	unsigned int i, engines = 0;
	int rc = -ENOMEM;

	for (i = 0; i < sd->max_engines; i++)
		if (sd->engines[i]->group == wq->group)
			engines++;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->sd = sd;
	spin_lock_init(&c->lock);
	mutex_init(&c->wq_mutex);
	INIT_LIST_HEAD(&c->free);
	INIT_LIST_HEAD(&c->pending);
	INIT_LIST_HEAD(&c->stalled);
	init_waitqueue_head(&c->free_wait);
	c->max_xfer_bytes = wq->max_xfer_bytes;
	c->nr_descs = wq->size;
	c->nr_workers = max(engines, 1U);

	c->descs = kcalloc(c->nr_descs, sizeof(*c->descs), GFP_KERNEL);
	c->workers = kcalloc(c->nr_workers, sizeof(*c->workers), GFP_KERNEL);
	if (!c->descs || !c->workers)
		goto err_free;
	for (i = 0; i < c->nr_descs; i++) {
		struct dsasim_desc *desc = &c->descs[i];

		dma_async_tx_descriptor_init(&desc->txd, &c->chan);
		desc->txd.tx_submit = dsasim_tx_submit;
		list_add_tail(&desc->node, &c->free);
	}
	for (i = 0; i < c->nr_workers; i++) {
		c->workers[i].c = c;
		INIT_WORK(&c->workers[i].work, dsasim_engine_work);
	}

	c->engine_wq = alloc_workqueue("dsasim-wq%d.%d", WQ_UNBOUND | WQ_MEM_RECLAIM,
				       c->nr_workers, sd->id, wq->id);
	if (!c->engine_wq)
		goto err_free;

	c->chan.device = &dma->dma;
	list_add_tail(&c->chan.device_node, &dma->dma.channels);
	rc = dma_async_device_channel_register(&dma->dma, &c->chan, NULL);
	if (rc < 0)
		goto err_wq;

	c->wq = wq;
	c->enabled = true;
	list_add_tail(&c->link, &dma->chans);
	wq->chan = c;
	return 0;

err_wq:
	list_del(&c->chan.device_node);
	destroy_workqueue(c->engine_wq);
err_free:
	dsasim_chan_free(c);
	return rc;
}

/**
 * dsasim_chan_destroy - unregister the channel of a WQ being disabled
 * @wq: the WQ, sd->lock held
 *
 * Stops new work, lets the engines finish what was submitted, aborts the
 * stalled descriptors, and unregisters the channel. A client that still
 * holds it gets NULL from every prep until it releases it.
 */
void dsasim_chan_destroy(struct dsasim_wq *wq)
{
	struct dsasim_chan *c = wq->chan;

	if (!c)
		return;

	spin_lock_irq(&c->lock);
	c->enabled = false;
	spin_unlock_irq(&c->lock);
	wake_up_all(&c->free_wait);

	dsasim_chan_quiesce(c);
	dma_async_device_channel_unregister(&wq->sd->dma->dma, &c->chan);
	list_del(&c->chan.device_node);

	spin_lock_irq(&c->lock);
	c->wq = NULL;
	spin_unlock_irq(&c->lock);

	mutex_lock(&c->wq_mutex);
	destroy_workqueue(c->engine_wq);
	c->engine_wq = NULL;
	mutex_unlock(&c->wq_mutex);
	wq->chan = NULL;
}
