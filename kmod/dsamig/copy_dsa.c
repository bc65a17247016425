// SPDX-License-Identifier: GPL-2.0
/*
 * The dsa backend's runs: a run's pages copied by dmaengine memcpy channels
 * of one DMA device. Both sides go into scatter-gather tables (segments no
 * longer than the device's max segment size or the WQ's max_transfer_size)
 * mapped at once; descriptors follow both mapped lists together, so an
 * IOMMU that merged one side differently costs descriptors, not the run.
 *
 * What idxd does and dsamig must survive (DESIGN.md, "DMA engine"):
 * - it retires only descriptors with DMA_PREP_INTERRUPT and completes out
 *   of order: completions are counted in callback_result, never by cookie,
 *   and residue is never read (idxd leaves it unset);
 * - a failed submit may call the callback too: each descriptor counts once;
 * - callbacks come from the WQ's irq thread, possibly after the submitter
 *   gave up: the context is reference-counted, never on the stack;
 * - prep sleeps while the WQ's pool is empty: a channel never has more than
 *   DSAMIG_CHAN_DEPTH descriptors of a run in flight;
 * - 6.12 has no terminate, a disabled WQ clears outstanding callbacks and a
 *   halted device completes nothing: waits are bounded by timeout_ms, and a
 *   dst that DMA may still write is never given back (see quarantine()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dmaengine.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/refcount.h>
#include <linux/module.h>
#include <linux/wait.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include "internal.h"
#include "dsa.h"

/* Descriptors one run may use: twice the segments, for the zip of two lists. */
#define DSAMIG_MAX_DESC		(2 * DSAMIG_MAX_SEGS)
/*
 * In flight per channel and run: at most half of the 32 entries `dsamig
 * setup` gives a WQ (and all of the 16 the dsasim suites use), so that
 * idxd_alloc_desc() never sleeps for a run's own descriptors.
 */
#define DSAMIG_CHAN_DEPTH	16

struct dsa_ctx {
	refcount_t ref;			/* the run's, and one per uncounted descriptor */
	spinlock_t lock;		/* pending, orphaned */
	unsigned int pending;		/* descriptors not counted yet */
	bool orphaned;			/* the run gave up: release on the last count */
	bool gone;			/* a channel's WQ went away during the run */
	atomic_t errors;
	wait_queue_head_t wq;
	struct device *dev;		/* the DMA device (held) */
	struct list_head node;		/* on live_ctxs */
	unsigned int nr_use, nr_desc;
	struct device *chan_dev[DSAMIG_MAX_CHANS];	/* compared, never used */
	atomic_t chan_pending[DSAMIG_MAX_CHANS];
	/* a quarantined run's leftovers, released once its DMA is over */
	struct work_struct release;
	struct sg_table q_src, q_dst;
	struct folio **q_folios;
	unsigned int nr_q;
	unsigned long counted[BITS_TO_LONGS(DSAMIG_MAX_DESC)];
	u16 idx[DSAMIG_MAX_DESC];	/* callback_param: &idx[i], idx[i] == i */
};

static LIST_HEAD(live_ctxs);
static DEFINE_SPINLOCK(live_lock);
static atomic_t nr_ctxs = ATOMIC_INIT(0);
static struct workqueue_struct *release_wq;

static void ctx_put(struct dsa_ctx *ctx)
{
	unsigned long flags;

	if (!refcount_dec_and_test(&ctx->ref))
		return;
	spin_lock_irqsave(&live_lock, flags);
	list_del(&ctx->node);
	spin_unlock_irqrestore(&live_lock, flags);
	put_device(ctx->dev);
	kfree(ctx);
	atomic_dec(&nr_ctxs);
}

static void release_quarantine(struct work_struct *work)
{
	struct dsa_ctx *ctx = container_of(work, struct dsa_ctx, release);
	unsigned int i;

	if (ctx->q_src.sgl) {
		dma_unmap_sgtable(ctx->dev, &ctx->q_dst, DMA_FROM_DEVICE, 0);
		dma_unmap_sgtable(ctx->dev, &ctx->q_src, DMA_TO_DEVICE, 0);
	}
	for (i = 0; i < ctx->nr_q; i++)
		folio_put(ctx->q_folios[i]);
	pr_info("a quarantined run's DMA is over: %u folio%s released\n", ctx->nr_q,
		ctx->nr_q == 1 ? "" : "s");
	kfree(ctx->q_src.sgl);
	kfree(ctx->q_dst.sgl);
	kfree(ctx->q_folios);
	ctx_put(ctx);
	module_put(THIS_MODULE);
}

/* Count descriptor @i done, once, whoever reports it. */
static void desc_count(struct dsa_ctx *ctx, unsigned int i, bool error)
{
	unsigned long flags;
	bool release;

	if (test_and_set_bit(i, ctx->counted))
		return;
	if (error)
		atomic_inc(&ctx->errors);
	atomic_dec(&ctx->chan_pending[i % ctx->nr_use]);
	spin_lock_irqsave(&ctx->lock, flags);
	release = !--ctx->pending && ctx->orphaned;
	spin_unlock_irqrestore(&ctx->lock, flags);
	wake_up(&ctx->wq);
	if (release)
		queue_work(release_wq, &ctx->release);
	ctx_put(ctx);
}

static void dsa_done(void *param, const struct dmaengine_result *res)
{
	u16 *idx = param;
	struct dsa_ctx *ctx = container_of(idx - *idx, struct dsa_ctx, idx[0]);

	desc_count(ctx, *idx, !res || res->result != DMA_TRANS_NOERROR);
}

/* Count the descriptors of channel @ch (all when -1) that will never call back. */
static void abandon(struct dsa_ctx *ctx, int ch)
{
	unsigned int i;

	for (i = 0; i < ctx->nr_desc; i++)
		if (ch < 0 || i % ctx->nr_use == ch)
			desc_count(ctx, i, true);
}

void dsamig_dsa_channel_gone(struct device *chan_dev)
{
	struct dsa_ctx *ctx, *hit[16];
	unsigned int n = 0, i, c;
	unsigned long flags;

	do {
		n = 0;
		spin_lock_irqsave(&live_lock, flags);
		list_for_each_entry(ctx, &live_ctxs, node) {
			for (c = 0; c < ctx->nr_use && ctx->chan_dev[c] != chan_dev; c++)
				;
			if (c == ctx->nr_use || n == ARRAY_SIZE(hit))
				continue;
			ctx->chan_dev[c] = NULL;	/* once */
			if (refcount_inc_not_zero(&ctx->ref))
				hit[n++] = ctx;
		}
		spin_unlock_irqrestore(&live_lock, flags);
		for (i = 0; i < n; i++) {
			for (c = 0; c < hit[i]->nr_use && hit[i]->chan_dev[c]; c++)
				;
			hit[i]->gone = true;
			abandon(hit[i], c);
			ctx_put(hit[i]);
		}
	} while (n == ARRAY_SIZE(hit));
}

static struct dsa_ctx *ctx_new(struct device *dev, struct dma_chan **use, unsigned int nr_use)
{
	struct dsa_ctx *ctx = kzalloc(sizeof(*ctx), GFP_NOWAIT | __GFP_NOWARN);
	unsigned long flags;
	unsigned int i;

	if (!ctx)
		return NULL;
	refcount_set(&ctx->ref, 1);
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wq);
	INIT_WORK(&ctx->release, release_quarantine);
	ctx->dev = get_device(dev);
	ctx->nr_use = nr_use;
	for (i = 0; i < nr_use; i++)
		ctx->chan_dev[i] = &use[i]->dev->device;
	for (i = 0; i < DSAMIG_MAX_DESC; i++)
		ctx->idx[i] = i;
	atomic_inc(&nr_ctxs);
	spin_lock_irqsave(&live_lock, flags);
	list_add(&ctx->node, &live_ctxs);
	spin_unlock_irqrestore(&live_lock, flags);
	return ctx;
}

/*
 * Wait until at most @limit descriptors of channel @ch (all when -1) are
 * outstanding. False when @deadline passed first.
 */
static bool ctx_wait(struct dsa_ctx *ctx, int ch, unsigned int limit, unsigned long deadline)
{
#define DSAMIG_DONE(ctx, ch, limit)						\
	((ch) < 0 ? READ_ONCE((ctx)->pending) <= (limit) :			\
		    atomic_read(&(ctx)->chan_pending[ch]) <= (int)(limit))
	long left;

	if (READ_ONCE(dsamig_knobs.wait) == DSAMIG_WAIT_POLL) {
		while (!DSAMIG_DONE(ctx, ch, limit)) {
			if (time_after(jiffies, deadline))
				return false;
			cpu_relax();
			cond_resched();
		}
		return true;
	}
	left = (long)(deadline - jiffies);
	if (left <= 0)
		return DSAMIG_DONE(ctx, ch, limit);
	return wait_event_timeout(ctx->wq, DSAMIG_DONE(ctx, ch, limit), left) > 0 ||
	       DSAMIG_DONE(ctx, ch, limit);
#undef DSAMIG_DONE
}

static struct scatterlist *sg_copy(struct scatterlist *sgl, unsigned int n)
{
	return kmemdup(sgl, n * sizeof(*sgl), GFP_NOWAIT | __GFP_NOWARN);
}

/*
 * The engine may still read src and write dst, and nothing can stop it
 * (6.12 idxd has no terminate; a halted device completes nothing). Keep a
 * reference on every dst so that none is freed or reused, keep the mapping,
 * and mark the run so that its pairs fail their migration (the kernel keeps
 * src, which DMA only reads) instead of being copied into a dst DMA may
 * overwrite later. All of it is released when the last descriptor
 * completes or its WQ is disabled; until then the module stays in use.
 * Returns false when the run's DMA ended meanwhile: nothing to keep.
 */
static bool quarantine(struct dsa_ctx *ctx, struct dsamig_run *run, struct sg_table *st_src,
		       struct sg_table *st_dst, unsigned int nr_folios)
{
	unsigned long flags;
	unsigned int i;
	bool done;

	ctx->q_folios = kmalloc_array(nr_folios, sizeof(*ctx->q_folios), GFP_NOWAIT | __GFP_NOWARN);
	ctx->q_src.sgl = sg_copy(st_src->sgl, st_src->orig_nents);
	ctx->q_dst.sgl = sg_copy(st_dst->sgl, st_dst->orig_nents);
	if (ctx->q_src.sgl && ctx->q_dst.sgl) {
		ctx->q_src.orig_nents = st_src->orig_nents;
		ctx->q_src.nents = st_src->nents;
		ctx->q_dst.orig_nents = st_dst->orig_nents;
		ctx->q_dst.nents = st_dst->nents;
	} else {
		/* The IOVAs stay mapped for good: a leak, never a reuse. */
		kfree(ctx->q_src.sgl);
		kfree(ctx->q_dst.sgl);
		ctx->q_src.sgl = ctx->q_dst.sgl = NULL;
	}
	/* Without the array the dst folios are leaked: safe too. */
	for (i = 0; i < nr_folios; i++) {
		folio_get(run->dst[i]);
		if (ctx->q_folios)
			ctx->q_folios[ctx->nr_q++] = run->dst[i];
	}
	__module_get(THIS_MODULE);
	spin_lock_irqsave(&ctx->lock, flags);
	done = !ctx->pending;
	ctx->orphaned = !done;
	spin_unlock_irqrestore(&ctx->lock, flags);
	if (done) {
		/* Completed between the timeout and now: release as usual. */
		for (i = 0; i < nr_folios; i++)
			folio_put(run->dst[i]);
		module_put(THIS_MODULE);
		kfree(ctx->q_src.sgl);
		kfree(ctx->q_dst.sgl);
		kfree(ctx->q_folios);
		ctx->q_src.sgl = ctx->q_dst.sgl = NULL;
		ctx->q_folios = NULL;
		ctx->nr_q = 0;
		return false;
	}
	atomic64_add(run->nr_pages, &dsamig_counters.quarantined_pages);
	pr_warn_ratelimited("a run on %s did not complete in %u ms and cannot be stopped: %u folio%s kept until its DMA is over, their migration fails\n",
			    dev_name(ctx->dev), READ_ONCE(dsamig_knobs.timeout_ms), nr_folios,
			    nr_folios == 1 ? "" : "s");
	return true;
}

/*
 * Fill both tables for the run's first folios, merging neighbours that are
 * contiguous on both sides, every segment at most @seg_max bytes. Returns
 * the number of folios that fit, and the segments in *@nents.
 */
static unsigned int build_tables(struct dsamig_run *run, unsigned int seg_max,
				 unsigned int *nents)
{
	struct scatterlist *s = NULL, *d = NULL;
	phys_addr_t src_end = 0, dst_end = 0;
	unsigned int i, n = 0;

	sg_init_table(run->sg_src, DSAMIG_MAX_SEGS);
	sg_init_table(run->sg_dst, DSAMIG_MAX_SEGS);
	for (i = 0; i < run->nr_folios; i++) {
		size_t size = folio_size(run->src[i]), off = 0;
		phys_addr_t sp = PFN_PHYS(folio_pfn(run->src[i]));
		phys_addr_t dp = PFN_PHYS(folio_pfn(run->dst[i]));
		unsigned int save = n;

		while (off < size) {
			size_t len = min_t(size_t, size - off, seg_max);

			if (s && sp + off == src_end && dp + off == dst_end &&
			    s->length + len <= seg_max) {
				s->length += len;
				d->length += len;
			} else {
				if (n == DSAMIG_MAX_SEGS) {
					/* The folio does not fit: the run ends before it. */
					n = save;
					goto out;
				}
				s = &run->sg_src[n];
				d = &run->sg_dst[n];
				sg_set_page(s, pfn_to_page(PHYS_PFN(sp + off)), len, 0);
				sg_set_page(d, pfn_to_page(PHYS_PFN(dp + off)), len, 0);
				n++;
			}
			off += len;
			src_end = sp + off;
			dst_end = dp + off;
		}
	}
out:
	if (n) {
		sg_mark_end(&run->sg_src[n - 1]);
		sg_mark_end(&run->sg_dst[n - 1]);
	}
	*nents = n;
	return n ? i : 0;
}

/* Descriptor @i: @len bytes on channel i % nr_use. False: stop submitting. */
static bool submit_one(struct dsa_ctx *ctx, struct dma_chan **use, dma_addr_t dst,
		       dma_addr_t src, size_t len, struct dsamig_run *run, unsigned long deadline)
{
	unsigned int i = ctx->nr_desc, ch = i % ctx->nr_use;
	struct dma_async_tx_descriptor *tx;
	unsigned long flags;
	dma_cookie_t cookie;

	if (i == DSAMIG_MAX_DESC) {
		run->cause = DSAMIG_CAUSE_NO_MEMORY;
		return false;
	}
	/* Room on the channel first: prep would sleep on an empty pool. */
	if (atomic_read(&ctx->chan_pending[ch]) >= DSAMIG_CHAN_DEPTH) {
		dma_async_issue_pending(use[ch]);
		if (!ctx_wait(ctx, ch, DSAMIG_CHAN_DEPTH - 1, deadline)) {
			run->cause = DSAMIG_CAUSE_TIMEOUT;
			return false;
		}
	}
	tx = dmaengine_prep_dma_memcpy(use[ch], dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx) {
		run->cause = DSAMIG_CAUSE_DESC_ALLOC;
		return false;
	}
	tx->callback_result = dsa_done;
	tx->callback_param = &ctx->idx[i];
	refcount_inc(&ctx->ref);
	atomic_inc(&ctx->chan_pending[ch]);
	spin_lock_irqsave(&ctx->lock, flags);
	ctx->pending++;
	spin_unlock_irqrestore(&ctx->lock, flags);
	ctx->nr_desc++;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		/* idxd may have called back already (an aborted ENQCMDS). */
		desc_count(ctx, i, true);
		run->cause = DSAMIG_CAUSE_SUBMIT;
		return false;
	}
	run->nr_segments++;
	return true;
}

/*
 * Submit descriptors that follow both mapped lists together: each covers
 * what is left of the current src and dst segments, at most @xfer bytes.
 */
static bool submit_all(struct dsa_ctx *ctx, struct dma_chan **use, struct sg_table *st_src,
		       struct sg_table *st_dst, size_t xfer, struct dsamig_run *run,
		       unsigned long deadline)
{
	struct scatterlist *s = st_src->sgl, *d = st_dst->sgl;
	size_t s_off = 0, d_off = 0;
	unsigned int ns = 0, nd = 0;

	while (ns < st_src->nents && nd < st_dst->nents) {
		size_t len = min3(sg_dma_len(s) - s_off, sg_dma_len(d) - d_off, xfer);

		if (!submit_one(ctx, use, sg_dma_address(d) + d_off, sg_dma_address(s) + s_off,
				len, run, deadline))
			return false;
		s_off += len;
		d_off += len;
		if (s_off == sg_dma_len(s)) {
			s = sg_next(s);
			s_off = 0;
			ns++;
		}
		if (d_off == sg_dma_len(d)) {
			d = sg_next(d);
			d_off = 0;
			nd++;
		}
	}
	return true;
}

int dsamig_dsa_copy_run(struct dsamig_run *run)
{
	struct sg_table st_src = { .sgl = run->sg_src }, st_dst = { .sgl = run->sg_dst };
	unsigned long deadline;
	struct dma_chan *use[DSAMIG_MAX_CHANS];
	unsigned int nr_use, nents, nr_fit, max_xfer, i, seg_max;
	struct dsa_ctx *ctx = NULL;
	struct device *dev;
	size_t xfer, total;
	bool stopped = false;
	int err = 0;
	u64 t0;

	for (i = 0; i < run->nr_folios; i++)
		run->ok[i] = false;
	nr_use = dsamig_dsa_pick(use, &max_xfer);
	if (!nr_use) {
		run->cause = DSAMIG_CAUSE_NO_CHANNEL;
		return -ENODEV;
	}
	dev = dmaengine_get_dma_device(use[0]);
	seg_max = min(dma_get_max_seg_size(dev), max_xfer) & PAGE_MASK;
	if (!seg_max)
		seg_max = PAGE_SIZE;

	t0 = ktime_get_ns();
	nr_fit = build_tables(run, seg_max, &nents);
	st_src.orig_nents = st_dst.orig_nents = nents;
	run->sg_ns = dsamig_elapsed(t0);
	if (!nr_fit) {
		dsamig_dsa_unpick();
		run->cause = DSAMIG_CAUSE_NO_MEMORY;
		return -ENOMEM;
	}

	t0 = ktime_get_ns();
	err = dma_map_sgtable(dev, &st_src, DMA_TO_DEVICE, 0);
	if (err) {
		dsamig_dsa_unpick();
		run->cause = DSAMIG_CAUSE_MAP_ERROR;
		return err;
	}
	err = dma_map_sgtable(dev, &st_dst, DMA_FROM_DEVICE, 0);
	if (err) {
		run->cause = DSAMIG_CAUSE_MAP_ERROR;
		dsamig_dsa_unpick();
		goto unmap_src;
	}
	run->map_ns = dsamig_elapsed(t0);

	t0 = ktime_get_ns();
	ctx = ctx_new(dev, use, nr_use);
	if (!ctx) {
		dsamig_dsa_unpick();
		run->cause = DSAMIG_CAUSE_NO_MEMORY;
		err = -ENOMEM;
		goto unmap;
	}
	/* Few large segments (a THP): pieces spread across the channels. */
	total = 0;
	for (i = 0; i < nr_fit; i++)
		total += folio_size(run->src[i]);
	xfer = max_xfer;
	if (st_src.nents < nr_use)
		xfer = min_t(size_t, xfer, max_t(size_t, PAGE_SIZE,
			     round_up(DIV_ROUND_UP(total, nr_use), PAGE_SIZE)));
	deadline = jiffies + msecs_to_jiffies(READ_ONCE(dsamig_knobs.timeout_ms));
	if (!submit_all(ctx, use, &st_src, &st_dst, xfer, run, deadline))
		err = -EIO;
	for (i = 0; i < min(ctx->nr_desc, nr_use); i++)
		dma_async_issue_pending(use[i]);
	run->nr_channels = min(ctx->nr_desc, nr_use);
	dsamig_dsa_unpick();
	run->submit_ns = dsamig_elapsed(t0);

	t0 = ktime_get_ns();
	if (!ctx_wait(ctx, -1, 0, deadline)) {
		err = -ETIMEDOUT;
		run->cause = DSAMIG_CAUSE_TIMEOUT;
		stopped = dsamig_dsa_terminate(use, run->nr_channels);
		if (stopped)
			abandon(ctx, -1);
		else if (quarantine(ctx, run, &st_src, &st_dst, nr_fit)) {
			run->quarantined = true;
			dsamig_dsa_drop(use, run->nr_channels, "descriptors lost (quarantined run)");
		}
	}
	run->wait_ns = dsamig_elapsed(t0);
	if (run->quarantined)
		return err;	/* the run's reference is the release work's now */
	if (ctx->gone && !err) {
		err = -EIO;
		run->cause = DSAMIG_CAUSE_CHANNEL_GONE;
	}
	if (!err && atomic_read(&ctx->errors)) {
		err = -EIO;
		run->cause = DSAMIG_CAUSE_ENGINE_ERROR;
	}
	ctx_put(ctx);

unmap:
	t0 = ktime_get_ns();
	dma_unmap_sgtable(dev, &st_dst, DMA_FROM_DEVICE, 0);
unmap_src:
	dma_unmap_sgtable(dev, &st_src, DMA_TO_DEVICE, 0);
	run->unmap_ns = dsamig_elapsed(t0);
	for (i = 0; i < nr_fit; i++)
		run->ok[i] = !err;
	return err;
}

int dsamig_dsa_init(void)
{
	release_wq = alloc_workqueue("dsamig_release", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	return release_wq ? 0 : -ENOMEM;
}

/* Runs are over and no quarantine is left (each holds the module). */
void dsamig_dsa_exit(void)
{
	dsamig_dsa_release();
	if (release_wq)
		destroy_workqueue(release_wq);
	release_wq = NULL;
	/* The last callbacks may still be leaving desc_count(). */
	while (atomic_read(&nr_ctxs))
		msleep(1);
}
