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
 * the module is removed; writing 1 to forget then makes the removal leave
 * it alone (for a channel freed under the client by a WQ unbind, which a
 * release would touch after free). terminate=1 calls
 * dmaengine_terminate_sync() after the copies. chan=NAME and chan2=NAME
 * pick channels by name; with chan2, count descriptors go to each channel,
 * all of the first's submitted before the second's, and the completion
 * ranks tell which was served first.
 *
 * The DSA device is found as idxd's is: the channel's DMA device itself
 * (dsasim alone), or its parent (the PCI device dsaN sits on). Mappings
 * are made for dmaengine_get_dma_device(); identity_maps counts those
 * whose bus address is the buffer's physical address (dma-direct).
 * unmap_early=1 unmaps each destination before submitting it (a stale
 * IOVA); raw_dst=ADDR gives every descriptor ADDR as destination, never
 * mapped. Either way the copy must fail, and dst_addr tells the last
 * destination address submitted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
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
static bool forget;
module_param(forget, bool, 0644);
static bool terminate;
module_param(terminate, bool, 0444);
static char *want_chan = "";
module_param_named(chan, want_chan, charp, 0444);
static char *want_chan2 = "";
module_param_named(chan2, want_chan2, charp, 0444);
static bool unmap_early;
module_param(unmap_early, bool, 0444);
MODULE_PARM_DESC(unmap_early, "unmap each destination before its submit");
static unsigned long long raw_dst;
module_param(raw_dst, ullong, 0444);
MODULE_PARM_DESC(raw_dst, "submit this never-mapped destination address instead");

/* Results */
static unsigned int copied, errors, mismatches, timeouts, prep_failures, submit_failures;
static unsigned int aborted;
static unsigned long long elapsed_ns;
static char *chan_name = "";
static int terminate_rc = 1, submit_rc;
static unsigned int submit_callbacks, callbacks_in_submit, callbacks, residue_written;
static unsigned int residue, first_rank[2], last_rank[2];
static unsigned long long prep_wait_ns, dst_addr;
static unsigned int identity_maps;
module_param(dst_addr, ullong, 0444);
MODULE_PARM_DESC(dst_addr, "the destination address of the last descriptor submitted");
module_param(identity_maps, uint, 0444);
MODULE_PARM_DESC(identity_maps, "mappings whose bus address was the physical address");
static char cb_comm[TASK_COMM_LEN];
static char *cb_thread = cb_comm;
module_param(terminate_rc, int, 0444);
module_param(submit_rc, int, 0444);
MODULE_PARM_DESC(submit_rc, "the last error cookie dmaengine_submit() returned");
module_param(submit_callbacks, uint, 0444);
MODULE_PARM_DESC(submit_callbacks, "callbacks received for descriptors whose submit failed");
module_param(callbacks_in_submit, uint, 0444);
module_param(callbacks, uint, 0444);
module_param(residue, uint, 0444);
MODULE_PARM_DESC(residue, "the residue of the last callback (dsasim leaves 0xdeadbeef)");
module_param(residue_written, uint, 0444);
MODULE_PARM_DESC(residue_written, "callbacks whose residue was not dsasim's poison");
module_param_array(first_rank, uint, NULL, 0444);
module_param_array(last_rank, uint, NULL, 0444);
module_param(prep_wait_ns, ullong, 0444);
MODULE_PARM_DESC(prep_wait_ns, "the longest a prep call took");
module_param(cb_thread, charp, 0444);
MODULE_PARM_DESC(cb_thread, "the task that ran the first callback");
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
	bool submitting;
	bool called;
	bool dst_mapped;
	int which;		/* channel 0 or 1 */
};

static struct dma_chan *chan, *chan2;
static atomic_t rank = ATOMIC_INIT(0);
static struct slot *slots;
static atomic_t aborted_cb = ATOMIC_INIT(0);

static bool want_dev(struct dma_chan *c, void *param)
{
	const char *name = param;
	struct device *child;

	if (*name)
		return !strcmp(dma_chan_name(c), name);
	if (!strcmp(dev_name(c->device->dev), dev))
		return true;
	/* idxd's layout: dsaN under the PCI device that is the DMA device */
	child = device_find_child_by_name(c->device->dev, dev);
	put_device(child);
	return child;
}

static void done_cb(void *param, const struct dmaengine_result *res)
{
	struct slot *s = param;
	unsigned int r = atomic_inc_return(&rank);

	if (!callbacks++)
		get_task_comm(cb_comm, current);
	residue = res->residue;
	if (res->residue != 0xdeadbeef)
		residue_written++;
	if (s->submitting)
		callbacks_in_submit++;
	if (!first_rank[s->which])
		first_rank[s->which] = r;
	last_rank[s->which] = r;
	s->called = true;
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

static void unmap(struct device *dma_dev, struct slot *s)
{
	dma_unmap_single(dma_dev, s->src_dma, size, DMA_TO_DEVICE);
	if (s->dst_mapped)
		dma_unmap_single(dma_dev, s->dst_dma, size, DMA_FROM_DEVICE);
	s->dst_mapped = false;
}

/* Submit one descriptor from slot @s. Return: true if it went in. */
static bool submit(struct slot *s, unsigned int seed)
{
	struct dma_chan *ch = s->which ? chan2 : chan;
	struct device *dma_dev = dmaengine_get_dma_device(ch);
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;
	u64 t0;

	fill(s->src, seed);
	memset(s->dst, 0xa5, size);
	s->submitted = false;
	s->called = false;
	s->result = DMA_TRANS_NOERROR;
	reinit_completion(&s->done);
	s->src_dma = dma_map_single(dma_dev, s->src, size, DMA_TO_DEVICE);
	s->dst_dma = dma_map_single(dma_dev, s->dst, size, DMA_FROM_DEVICE);
	if (dma_mapping_error(dma_dev, s->src_dma) || dma_mapping_error(dma_dev, s->dst_dma)) {
		prep_failures++;
		return false;
	}
	s->dst_mapped = true;
	identity_maps += (s->src_dma == virt_to_phys(s->src)) + (s->dst_dma == virt_to_phys(s->dst));
	dst_addr = s->dst_dma;
	if (unmap_early) {
		dma_unmap_single(dma_dev, s->dst_dma, size, DMA_FROM_DEVICE);
		s->dst_mapped = false;
	}
	if (raw_dst)
		dst_addr = raw_dst;
	t0 = ktime_get_ns();
	tx = dmaengine_prep_dma_memcpy(ch, dst_addr, s->src_dma, size,
				       interrupt ? DMA_PREP_INTERRUPT : 0);
	prep_wait_ns = max(prep_wait_ns, ktime_get_ns() - t0);
	if (!tx) {
		prep_failures++;
		goto unmap;
	}
	tx->callback_result = done_cb;
	tx->callback_param = s;
	s->submitting = true;
	cookie = dmaengine_submit(tx);
	s->submitting = false;
	if (dma_submit_error(cookie)) {
		submit_failures++;
		submit_rc = cookie;
		if (s->called) {
			submit_callbacks++;
			if (s->result == DMA_TRANS_NOERROR)
				errors++;	/* a failed submit must not succeed */
		}
		goto unmap;
	}
	s->submitted = true;
	return true;
unmap:
	unmap(dma_dev, s);
	return false;
}

static void reap(struct slot *s)
{
	struct device *dma_dev = dmaengine_get_dma_device(s->which ? chan2 : chan);
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	bool ok;

	if (interrupt) {
		ok = wait_for_completion_timeout(&s->done, msecs_to_jiffies(timeout_ms));
	} else {
		/* no callback will come: poll the destination */
		while (!(ok = same(s)) && time_before(jiffies, deadline))
			usleep_range(500, 1000);
	}
	unmap(dma_dev, s);
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
	chan = dma_request_channel(mask, want_dev, want_chan);
	if (!chan) {
		pr_err("no DMA_MEMCPY channel on %s\n", dev);
		return -ENODEV;
	}
	chan_name = kstrdup(dma_chan_name(chan), GFP_KERNEL);
	if (*want_chan2) {
		chan2 = dma_request_channel(mask, want_dev, want_chan2);
		if (!chan2) {
			rc = -ENODEV;
			goto err;
		}
		/* both channels: count each, every descriptor in flight at once */
		depth = 2 * count;
	}

	rc = slots_alloc();
	if (rc)
		goto err;
	for (i = 0; i < depth; i++) {
		init_completion(&slots[i].done);
		slots[i].which = chan2 && i >= count;
	}
	if (chan2)
		count = depth;

	start = ktime_get_ns();
	for (done = 0; done < count; done += n) {
		n = min(depth, count - done);
		for (i = 0; i < n; i++)
			submit(&slots[i], done + i);
		dma_async_issue_pending(chan);
		if (chan2)
			dma_async_issue_pending(chan2);
		for (i = 0; i < n; i++)
			if (slots[i].submitted)
				reap(&slots[i]);
	}
	elapsed_ns = ktime_get_ns() - start;
	if (terminate)
		terminate_rc = dmaengine_terminate_sync(chan);

	if (!hold) {
		/* idxd: stalled descriptors stay outstanding after the release */
		dma_release_channel(chan);
		chan = NULL;
		if (chan2)
			dma_release_channel(chan2);
		chan2 = NULL;
		aborted = atomic_read(&aborted_cb);
		slots_free();
	}
	pr_info("%s: copied %u errors %u mismatches %u timeouts %u prep_failures %u submit_failures %u aborted %u in %llu ns\n",
		chan_name, copied, errors, mismatches, timeouts, prep_failures,
		submit_failures, aborted, elapsed_ns);
	return 0;

err:
	dma_release_channel(chan);
	if (chan2)
		dma_release_channel(chan2);
	slots_free();
	kfree(chan_name);
	return rc;
}

static void __exit client_exit(void)
{
	if (forget) {
		pr_info("leaving %s alone: it was freed under us\n", chan_name);
		kfree(chan_name);
		return;
	}
	if (chan)
		dma_release_channel(chan);
	if (chan2)
		dma_release_channel(chan2);
	slots_free();
	kfree(chan_name);
}

module_init(client_init);
module_exit(client_exit);
MODULE_DESCRIPTION("dsamig test: dmaengine client that copies and verifies through a DSA channel");
MODULE_LICENSE("GPL");
