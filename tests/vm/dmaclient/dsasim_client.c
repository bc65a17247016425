// SPDX-License-Identifier: GPL-2.0
/*
 * dsasim_client.ko: a test-only dmaengine client. Loading it requests a
 * DMA_MEMCPY channel of the named DSA device, copies `count` buffers of
 * `size` bytes through it, `depth` at a time, verifies every byte, and
 * publishes what happened in read-only parameters under
 * /sys/module/dsasim_client/parameters. The load fails only when no
 * channel or memory could be had; a copy that went wrong is a result.
 *
 * interrupt=0 omits DMA_PREP_INTERRUPT (a careless client): completion is
 * then detected by polling the destination. hold=1 keeps the channel until
 * the module is removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>

static char *dev = "dsa0";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "DSA device whose channel to use (default dsa0)");
static unsigned int count = 64;
module_param(count, uint, 0444);
static unsigned int size = 4096;
module_param(size, uint, 0444);
static unsigned int depth = 1;
module_param(depth, uint, 0444);
MODULE_PARM_DESC(depth, "descriptors in flight at once");
static bool interrupt = true;
module_param(interrupt, bool, 0444);
static unsigned int timeout_ms = 3000;
module_param(timeout_ms, uint, 0444);
static bool hold;
module_param(hold, bool, 0444);

/* Results */
static unsigned int copied, errors, mismatches, timeouts, prep_failures, submit_failures;
static unsigned int aborted;
static unsigned long long elapsed_ns;
static char *chan_name = "";
module_param(copied, uint, 0444);
module_param(errors, uint, 0444);
module_param(mismatches, uint, 0444);
module_param(timeouts, uint, 0444);
module_param(prep_failures, uint, 0444);
module_param(submit_failures, uint, 0444);
module_param(aborted, uint, 0444);
module_param(elapsed_ns, ullong, 0444);
module_param(chan_name, charp, 0444);

struct slot {
	struct completion done;
	enum dmaengine_tx_result result;
	void *src, *dst;
	dma_addr_t src_dma, dst_dma;
	bool submitted;
};

static struct dma_chan *chan;
static struct slot *slots;
static atomic_t aborted_cb = ATOMIC_INIT(0);

static bool want_dev(struct dma_chan *c, void *param)
{
	return !strcmp(dev_name(c->device->dev), dev);
}

static void done_cb(void *param, const struct dmaengine_result *res)
{
	struct slot *s = param;

	s->result = res->result;
	if (res->result == DMA_TRANS_ABORTED)
		atomic_inc(&aborted_cb);
	complete(&s->done);
}

static void fill(u32 *p, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < size / 4; i++)
		p[i] = (seed << 20) ^ (i * 2654435761u);
}

static bool same(struct slot *s)
{
	return !memcmp(s->src, s->dst, size);
}

static void slots_free(void)
{
	unsigned int i;

	for (i = 0; slots && i < depth; i++) {
		if (slots[i].src)
			free_pages_exact(slots[i].src, size);
		if (slots[i].dst)
			free_pages_exact(slots[i].dst, size);
	}
	kfree(slots);
	slots = NULL;
}

static int slots_alloc(void)
{
	unsigned int i;

	slots = kcalloc(depth, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < depth; i++) {
		slots[i].src = alloc_pages_exact(size, GFP_KERNEL);
		slots[i].dst = alloc_pages_exact(size, GFP_KERNEL);
		if (!slots[i].src || !slots[i].dst)
			return -ENOMEM;
	}
	return 0;
}

/* Submit one descriptor from slot @s. Return: true if it went in. */
static bool submit(struct slot *s, unsigned int seed)
{
	struct device *dma_dev = dmaengine_get_dma_device(chan);
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	fill(s->src, seed);
	memset(s->dst, 0xa5, size);
	s->submitted = false;
	s->result = DMA_TRANS_NOERROR;
	reinit_completion(&s->done);
	s->src_dma = dma_map_single(dma_dev, s->src, size, DMA_TO_DEVICE);
	s->dst_dma = dma_map_single(dma_dev, s->dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(dma_dev, s->src_dma) || dma_mapping_error(dma_dev, s->dst_dma)) {
		prep_failures++;
		return false;
	}
	tx = dmaengine_prep_dma_memcpy(chan, s->dst_dma, s->src_dma, size,
				       interrupt ? DMA_PREP_INTERRUPT : 0);
	if (!tx) {
		prep_failures++;
		goto unmap;
	}
	tx->callback_result = done_cb;
	tx->callback_param = s;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		submit_failures++;
		goto unmap;
	}
	s->submitted = true;
	return true;
unmap:
	dma_unmap_single(dma_dev, s->src_dma, size, DMA_TO_DEVICE);
	dma_unmap_single(dma_dev, s->dst_dma, size, DMA_FROM_DEVICE);
	return false;
}

static void reap(struct slot *s)
{
	struct device *dma_dev = dmaengine_get_dma_device(chan);
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	bool ok;

	if (interrupt) {
		ok = wait_for_completion_timeout(&s->done, msecs_to_jiffies(timeout_ms));
	} else {
		/* no callback will come: poll the destination */
		while (!(ok = same(s)) && time_before(jiffies, deadline))
			usleep_range(500, 1000);
	}
	dma_unmap_single(dma_dev, s->src_dma, size, DMA_TO_DEVICE);
	dma_unmap_single(dma_dev, s->dst_dma, size, DMA_FROM_DEVICE);
	if (!ok)
		timeouts++;
	else if (s->result != DMA_TRANS_NOERROR)
		errors++;
	else if (!same(s))
		mismatches++;
	else
		copied++;
}

static int __init client_init(void)
{
	dma_cap_mask_t mask;
	unsigned int done, i, n;
	u64 start;
	int rc;

	if (!count || !size || size % 4 || !depth)
		return -EINVAL;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_channel(mask, want_dev, NULL);
	if (!chan) {
		pr_err("no DMA_MEMCPY channel on %s\n", dev);
		return -ENODEV;
	}
	chan_name = kstrdup(dma_chan_name(chan), GFP_KERNEL);

	rc = slots_alloc();
	if (rc)
		goto err;
	for (i = 0; i < depth; i++)
		init_completion(&slots[i].done);

	start = ktime_get_ns();
	for (done = 0; done < count; done += n) {
		n = min(depth, count - done);
		for (i = 0; i < n; i++)
			submit(&slots[i], done + i);
		dma_async_issue_pending(chan);
		for (i = 0; i < n; i++)
			if (slots[i].submitted)
				reap(&slots[i]);
	}
	elapsed_ns = ktime_get_ns() - start;

	if (!hold) {
		/* stalled descriptors are aborted (called back) on release */
		dma_release_channel(chan);
		chan = NULL;
		aborted = atomic_read(&aborted_cb);
		slots_free();
	}
	pr_info("%s: copied %u errors %u mismatches %u timeouts %u prep_failures %u submit_failures %u aborted %u in %llu ns\n",
		chan_name, copied, errors, mismatches, timeouts, prep_failures,
		submit_failures, aborted, elapsed_ns);
	return 0;

err:
	dma_release_channel(chan);
	slots_free();
	kfree(chan_name);
	return rc;
}

static void __exit client_exit(void)
{
	if (chan)
		dma_release_channel(chan);
	slots_free();
	kfree(chan_name);
}

module_init(client_init);
module_exit(client_exit);
MODULE_DESCRIPTION("dsamig test: dmaengine client that copies and verifies through a DSA channel");
MODULE_LICENSE("GPL");
