// SPDX-License-Identifier: GPL-2.0
/*
 * The dsa backend: a run's pages copied by dmaengine memcpy channels (DSA
 * work queues, or any memcpy channel). All pages go into src and dst
 * scatter-gather tables mapped at once, physically contiguous neighbours
 * merged, one descriptor per segment piece, each with DMA_PREP_INTERRUPT:
 * idxd retires only those, and completes out of order, so completions are
 * counted in the callbacks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dmaengine.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include "internal.h"

#define DSAMIG_MAX_CHANS	64
/* The WQ default max_transfer_size of idxd (WQ_DEFAULT_MAX_XFER). */
#define DSAMIG_SEG_MAX		SZ_2M

static struct dma_chan *chans[DSAMIG_MAX_CHANS];
static unsigned int nr_chans;
/* Runs hold it shared; changing the channel set holds it exclusive. */
static DECLARE_RWSEM(chan_sem);
static atomic_t next_device = ATOMIC_INIT(0);

static bool name_in_list(const char *name, const char *list)
{
	size_t len = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

/* dsa: channels of DSA work queues, idxd's (PCI driver idxd) or dsasim's (dsaN). */
static bool chan_filter(struct dma_chan *chan, void *param)
{
	const char *match = param;
	struct device *dev = chan->device->dev;

	if (!strcmp(match, "any"))
		return true;
	if (!strcmp(match, "dsa"))
		return !strcmp(dev_driver_string(dev), "idxd") ||
		       !strncmp(dev_name(dev), "dsa", 3);
	return name_in_list(dma_chan_name(chan), match);
}

static void release_all(void)
{
	while (nr_chans)
		dma_release_channel(chans[--nr_chans]);
}

static void request_all(const char *match, unsigned int nr)
{
	dma_cap_mask_t mask;
	struct dma_chan *c;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	if (!nr || nr > DSAMIG_MAX_CHANS)
		nr = DSAMIG_MAX_CHANS;
	while (nr_chans < nr) {
		c = dma_request_channel(mask, chan_filter, (void *)match);
		if (!c)
			break;
		chans[nr_chans++] = c;
	}
}

/**
 * dsamig_dsa_acquire() - take the channels that match, replacing the current set
 * @match: dsa, any, or a comma list of channel names
 * @nr: how many at most, 0 for all
 *
 * Returns -ENODEV, with the previous set restored as far as possible, when no
 * channel matches. Called with the knob lock held.
 */
int dsamig_dsa_acquire(const char *match, unsigned int nr)
{
	static char cur_match[sizeof(dsamig_dma_match)];
	static unsigned int cur_nr;
	unsigned int found;

	down_write(&chan_sem);
	release_all();
	request_all(match, nr);
	found = nr_chans;
	if (!found && cur_match[0])
		request_all(cur_match, cur_nr);
	up_write(&chan_sem);
	if (!found)
		return -ENODEV;
	strscpy(cur_match, match, sizeof(cur_match));
	cur_nr = nr;
	pr_info("%u DMA channel%s for '%s'\n", found, found == 1 ? "" : "s", match);
	return 0;
}

void dsamig_dsa_release(void)
{
	down_write(&chan_sem);
	release_all();
	up_write(&chan_sem);
}

unsigned int dsamig_dsa_nr_channels(void)
{
	return READ_ONCE(nr_chans);
}

int dsamig_dsa_init(void)
{
	return 0;
}

void dsamig_dsa_exit(void)
{
	dsamig_dsa_release();
}

struct dsa_wait {
	atomic_t pending;
	atomic_t errors;
	struct completion done;
};

static void dsa_done(void *param, const struct dmaengine_result *res)
{
	struct dsa_wait *w = param;

	if (res && (res->result != DMA_TRANS_NOERROR || res->residue))
		atomic_inc(&w->errors);
	if (atomic_dec_and_test(&w->pending))
		complete(&w->done);
}

/* Fill both tables, merging neighbours contiguous on both sides. */
static unsigned int build_tables(struct dsamig_run *run)
{
	unsigned long src_end = 0, dst_end = 0;
	struct scatterlist *s = NULL, *d = NULL;
	unsigned int i, n = 0, len;

	sg_init_table(run->sg_src, run->nr_folios);
	sg_init_table(run->sg_dst, run->nr_folios);
	for (i = 0; i < run->nr_folios; i++) {
		unsigned long sp = folio_pfn(run->src[i]), dp = folio_pfn(run->dst[i]);

		len = folio_size(run->src[i]);
		if (s && sp == src_end && dp == dst_end && s->length + len <= DSAMIG_SEG_MAX) {
			s->length += len;
			d->length += len;
		} else {
			s = &run->sg_src[n];
			d = &run->sg_dst[n];
			sg_set_page(s, folio_page(run->src[i], 0), len, 0);
			sg_set_page(d, folio_page(run->dst[i], 0), len, 0);
			n++;
		}
		src_end = sp + folio_nr_pages(run->src[i]);
		dst_end = dp + folio_nr_pages(run->dst[i]);
	}
	sg_mark_end(&run->sg_src[n - 1]);
	sg_mark_end(&run->sg_dst[n - 1]);
	return n;
}

/* Wait for the submitted descriptors; stop the engine if they do not come. */
static int wait_run(struct dsa_wait *w, struct dma_chan **use, unsigned int nr_use)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(READ_ONCE(dsamig_knobs.timeout_ms));
	bool timed_out = false;
	unsigned int i;

	if (READ_ONCE(dsamig_knobs.wait) == DSAMIG_WAIT_IRQ) {
		timed_out = !wait_for_completion_timeout(&w->done,
				max_t(long, deadline - jiffies, 1));
	} else {
		while (atomic_read(&w->pending) > 0) {
			if (time_after(jiffies, deadline)) {
				timed_out = true;
				break;
			}
			cpu_relax();
			cond_resched();
		}
	}
	if (!timed_out || !atomic_read(&w->pending))
		return 0;

	/*
	 * The engine may still write dst and read src: nothing may be unmapped
	 * or copied again until it provably stopped. Terminate where the
	 * driver can; otherwise (idxd has no terminate) wait it out.
	 */
	for (i = 0; i < nr_use; i++) {
		if (dmaengine_terminate_sync(use[i])) {
			pr_warn_ratelimited("%s cannot be stopped; waiting for its descriptors\n",
					    dma_chan_name(use[i]));
			wait_for_completion(&w->done);
			break;
		}
	}
	return -ETIMEDOUT;
}

static int submit_piece(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src, size_t len,
			struct dsa_wait *w, struct dsamig_run *run)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	tx = dmaengine_prep_dma_memcpy(chan, dst, src, len, DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx) {
		run->cause = DSAMIG_CAUSE_DESC_ALLOC;
		return -ENOMEM;
	}
	tx->callback_result = dsa_done;
	tx->callback_param = w;
	atomic_inc(&w->pending);
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		atomic_dec(&w->pending);
		run->cause = DSAMIG_CAUSE_SUBMIT;
		return -EIO;
	}
	run->nr_segments++;
	return 0;
}

/* The channels of one DMA device, taken in turn per run. */
static unsigned int pick_channels(struct dma_chan **use)
{
	unsigned int want = READ_ONCE(dsamig_knobs.channels), n = 0, i, first;
	struct device *dev;

	first = (unsigned int)atomic_inc_return(&next_device) % nr_chans;
	dev = dmaengine_get_dma_device(chans[first]);
	for (i = 0; i < nr_chans && (!want || n < want); i++) {
		struct dma_chan *c = chans[(first + i) % nr_chans];

		if (dmaengine_get_dma_device(c) == dev)
			use[n++] = c;
	}
	return n;
}

int dsamig_dsa_copy_run(struct dsamig_run *run)
{
	struct dma_chan *use[DSAMIG_MAX_CHANS];
	struct sg_table st_src = { .sgl = run->sg_src }, st_dst = { .sgl = run->sg_dst };
	struct scatterlist *s, *d;
	unsigned int nr_use, i, c = 0;
	struct dsa_wait w;
	struct device *dev;
	int err = 0;
	u64 t0;

	down_read(&chan_sem);
	if (!nr_chans) {
		up_read(&chan_sem);
		run->cause = DSAMIG_CAUSE_NO_CHANNEL;
		return -ENODEV;
	}
	nr_use = pick_channels(use);
	dev = dmaengine_get_dma_device(use[0]);

	t0 = ktime_get_ns();
	st_src.orig_nents = st_dst.orig_nents = build_tables(run);
	run->sg_ns = dsamig_elapsed(t0);

	t0 = ktime_get_ns();
	err = dma_map_sgtable(dev, &st_src, DMA_TO_DEVICE, 0);
	if (err) {
		run->cause = DSAMIG_CAUSE_MAP_ERROR;
		goto out;
	}
	err = dma_map_sgtable(dev, &st_dst, DMA_FROM_DEVICE, 0);
	if (err) {
		run->cause = DSAMIG_CAUSE_MAP_ERROR;
		goto unmap_src;
	}
	run->map_ns = dsamig_elapsed(t0);
	/* An IOMMU may merge one side and not the other: segments must pair up. */
	if (st_src.nents != st_dst.nents) {
		err = -EINVAL;
		run->cause = DSAMIG_CAUSE_MAP_MISMATCH;
		goto unmap;
	}
	for (s = st_src.sgl, d = st_dst.sgl, i = 0; i < st_src.nents;
	     i++, s = sg_next(s), d = sg_next(d)) {
		if (sg_dma_len(s) != sg_dma_len(d)) {
			err = -EINVAL;
			run->cause = DSAMIG_CAUSE_MAP_MISMATCH;
			goto unmap;
		}
	}

	t0 = ktime_get_ns();
	atomic_set(&w.pending, 0);
	atomic_set(&w.errors, 0);
	init_completion(&w.done);
	/* Held so that the count cannot reach zero before all are submitted. */
	atomic_inc(&w.pending);
	for (s = st_src.sgl, d = st_dst.sgl, i = 0; i < st_src.nents && !err;
	     i++, s = sg_next(s), d = sg_next(d)) {
		size_t len = sg_dma_len(s), off = 0, piece;

		/* Few large segments (a THP) are split across the channels. */
		piece = len;
		if (st_src.nents < nr_use)
			piece = max_t(size_t, PAGE_SIZE,
				      round_up(DIV_ROUND_UP(len, nr_use), PAGE_SIZE));
		piece = min_t(size_t, piece, DSAMIG_SEG_MAX);
		while (off < len && !err) {
			size_t n = min(piece, len - off);

			err = submit_piece(use[c++ % nr_use], sg_dma_address(d) + off,
					   sg_dma_address(s) + off, n, &w, run);
			off += n;
		}
	}
	for (i = 0; i < min(c, nr_use); i++)
		dma_async_issue_pending(use[i]);
	run->nr_channels = min(c, nr_use);
	if (atomic_dec_and_test(&w.pending))
		complete(&w.done);
	run->submit_ns = dsamig_elapsed(t0);

	t0 = ktime_get_ns();
	/* A timeout names the run even when it also ran out of descriptors:
	 * descriptors that never complete are what exhausts the pool. */
	if (wait_run(&w, use, run->nr_channels)) {
		err = -ETIMEDOUT;
		run->cause = DSAMIG_CAUSE_TIMEOUT;
	}
	run->wait_ns = dsamig_elapsed(t0);
	if (!err && atomic_read(&w.errors)) {
		err = -EIO;
		run->cause = DSAMIG_CAUSE_ENGINE_ERROR;
	}

unmap:
	t0 = ktime_get_ns();
	dma_unmap_sgtable(dev, &st_dst, DMA_FROM_DEVICE, 0);
	dma_unmap_sgtable(dev, &st_src, DMA_TO_DEVICE, 0);
	run->unmap_ns = dsamig_elapsed(t0);
	goto out;
unmap_src:
	dma_unmap_sgtable(dev, &st_src, DMA_TO_DEVICE, 0);
out:
	up_read(&chan_sem);
	for (i = 0; i < run->nr_folios; i++)
		run->ok[i] = !err;
	return err;
}
