// SPDX-License-Identifier: GPL-2.0
/*
 * The dsa backend's channels, and what happens to them behind its back.
 *
 * idxd frees a channel when its WQ leaves the dmaengine driver, even while
 * a client holds it (idxd_unregister_dma_channel() only warns), and the
 * remove path takes wq_lock, which dma_release_channel() needs too. So
 * dsamig watches the dsa bus: before a WQ of a device it uses is unbound
 * (BUS_NOTIFY_UNBIND_DRIVER) it gives back every channel of that device,
 * and after the unbind (BUS_NOTIFY_UNBOUND_DRIVER) the WQ is disabled, its
 * descriptors flushed with their callbacks cleared and its irq freed: the
 * runs that used the removed channel learn that their DMA is over. Which
 * channel went is learnt from the dma class (a class interface), since
 * idxd names channels dmaXchanY, not after their WQ.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dmaengine.h>
#include <linux/device.h>
#include <linux/workqueue.h>
#include "internal.h"
#include "dsa.h"

static struct dma_chan *chans[DSAMIG_MAX_CHANS];
/* The smallest max_transfer_size of the dmaengine WQs of each channel's device. */
static unsigned int chan_xfer[DSAMIG_MAX_CHANS];
static unsigned int nr_chans;
/* Runs hold it shared while they use chans; changing the set, exclusive. */
static DECLARE_RWSEM(chan_sem);
static atomic_t next_device = ATOMIC_INIT(0);

/* Channel devices removed since the last unbind finished (compared, never used). */
static struct device *removed[DSAMIG_MAX_CHANS];
static unsigned int nr_removed;
static DEFINE_MUTEX(event_lock);

static const struct bus_type *dsa_bus;
static struct notifier_block bus_nb;
static struct class_interface chan_intf;
static bool watching;

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

/* dsa: channels of DSA work queues, idxd's (PCI driver idxd) or dsasim's. */
static bool chan_filter(struct dma_chan *chan, void *param)
{
	const char *match = param;
	struct device *dev = chan->device->dev;

	if (!strcmp(match, "any"))
		return true;
	if (!strcmp(match, "dsa"))
		return !strcmp(dev_driver_string(dev), "idxd") ||
		       !strcmp(dev_driver_string(dev), "dsasim") ||
		       !strncmp(dev_name(dev), "dsa", 3);
	return name_in_list(dma_chan_name(chan), match);
}

/* Is @ev (a dsa bus device: wqX.Y or dsaN) the DMA device @dev or under it? */
static bool dsa_dev_under(struct device *ev, struct device *dev)
{
	return ev == dev || ev->parent == dev || (ev->parent && ev->parent->parent == dev);
}

static int find_dsa_child(struct device *child, void *data)
{
	const struct bus_type **bus = data;

	if (child->bus && !strcmp(child->bus->name, "dsa")) {
		*bus = child->bus;
		return 1;
	}
	return 0;
}

/* The dsa bus of a channel's device: the device's own, or a child's (idxd's PCI device). */
static const struct bus_type *chan_dsa_bus(struct dma_chan *chan)
{
	struct device *dev = chan->device->dev;
	const struct bus_type *bus = NULL;

	if (dev->bus && !strcmp(dev->bus->name, "dsa"))
		return dev->bus;
	device_for_each_child(dev, &bus, find_dsa_child);
	return bus;
}

/*
 * A device attribute's value, read through the attribute's own show(), as
 * reading the file would: no file I/O, no knowledge of the driver's structs.
 */
static int read_attr_ul(struct device *dev, const char *name, unsigned long *val)
{
	const struct attribute_group **groups = dev->type ? dev->type->groups : NULL;
	char *buf;
	int g, a, err = -ENOENT;

	buf = (char *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (g = 0; groups && groups[g] && err == -ENOENT; g++) {
		struct attribute **attrs = groups[g]->attrs;

		for (a = 0; attrs && attrs[a]; a++) {
			struct device_attribute *da;

			if (strcmp(attrs[a]->name, name))
				continue;
			da = container_of(attrs[a], struct device_attribute, attr);
			err = -EINVAL;
			if (da->show && da->show(dev, da, buf) > 0)
				err = kstrtoul(strim(buf), 0, val);
			break;
		}
	}
	free_page((unsigned long)buf);
	return err;
}

struct xfer_scan {
	struct device *dma_dev;
	unsigned long min;
};

static int scan_wq(struct device *dev, void *data)
{
	struct xfer_scan *scan = data;
	unsigned long v;

	if (strncmp(dev_name(dev), "wq", 2) || !dsa_dev_under(dev, scan->dma_dev))
		return 0;
	if (!dev->driver || strcmp(dev->driver->name, "dmaengine"))
		return 0;
	if (!read_attr_ul(dev, "max_transfer_size", &v) && v && v < scan->min)
		scan->min = v;
	return 0;
}

/*
 * The hardware fails a descriptor over its WQ's max_transfer_size (idxd's
 * prep checks only the device's): the limit of a channel is the smallest
 * of its device's dmaengine WQs, as idxd does not say which WQ a channel
 * serves. Without a dsa bus: no limit beyond the DMA segment size.
 */
static unsigned int chan_max_xfer(const struct bus_type *bus, struct dma_chan *chan)
{
	struct xfer_scan scan = { .dma_dev = chan->device->dev, .min = UINT_MAX };

	if (bus)
		bus_for_each_dev(bus, NULL, &scan, scan_wq);
	return scan.min > UINT_MAX ? UINT_MAX : scan.min;
}

static void release_all(void)
{
	while (nr_chans)
		dma_release_channel(chans[--nr_chans]);
}

/* Give back the channels of the device @ev belongs to; chan_sem held. */
static void release_under(struct device *ev)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_chans; i++) {
		if (dsa_dev_under(ev, chans[i]->device->dev)) {
			pr_info("%s: %s is going away; channel released\n",
				dma_chan_name(chans[i]), dev_name(ev));
			dma_release_channel(chans[i]);
		} else {
			chan_xfer[n] = chan_xfer[i];
			chans[n++] = chans[i];
		}
	}
	nr_chans = n;
}

static int bus_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device *ev = data;
	unsigned int i;

	switch (action) {
	case BUS_NOTIFY_UNBIND_DRIVER:
		down_write(&chan_sem);
		release_under(ev);
		up_write(&chan_sem);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		mutex_lock(&event_lock);
		for (i = 0; i < nr_removed; i++)
			dsamig_dsa_channel_gone(removed[i]);
		nr_removed = 0;
		mutex_unlock(&event_lock);
		break;
	}
	return NOTIFY_DONE;
}

static void chan_removed(struct device *dev)
{
	mutex_lock(&event_lock);
	if (nr_removed < DSAMIG_MAX_CHANS)
		removed[nr_removed++] = dev;
	mutex_unlock(&event_lock);
}

/* Watch the bus and the dma class once a channel is held; chan_sem held. */
static void watch(struct dma_chan *chan)
{
	const struct bus_type *bus;

	if (watching)
		return;
	bus = chan_dsa_bus(chan);
	if (!bus)
		return;		/* not a DSA channel: nothing tells us */
	bus_nb.notifier_call = bus_event;
	if (bus_register_notifier(bus, &bus_nb))
		return;
	chan_intf.class = chan->dev->device.class;
	chan_intf.remove_dev = chan_removed;
	if (class_interface_register(&chan_intf)) {
		bus_unregister_notifier(bus, &bus_nb);
		return;
	}
	dsa_bus = bus;
	watching = true;
}

/* Stop watching; called without chan_sem (the notifier takes it). */
static void unwatch(void)
{
	if (!watching)
		return;
	class_interface_unregister(&chan_intf);
	bus_unregister_notifier(dsa_bus, &bus_nb);
	dsa_bus = NULL;
	watching = false;
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
		chan_xfer[nr_chans] = chan_max_xfer(chan_dsa_bus(c), c);
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
	if (nr_chans)
		watch(chans[0]);
	up_write(&chan_sem);
	if (!nr_chans)
		unwatch();
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
	unwatch();
}

unsigned int dsamig_dsa_nr_channels(void)
{
	return READ_ONCE(nr_chans);
}

/**
 * dsamig_dsa_pick() - the channels of one DMA device for a run, taken in turn
 * @use: filled with at most DSAMIG_MAX_CHANS channels
 *
 * Returns how many, 0 when none is held. On success chan_sem is held shared
 * until dsamig_dsa_unpick(): the channels stay valid until then.
 */
unsigned int dsamig_dsa_pick(struct dma_chan **use, unsigned int *max_xfer)
{
	unsigned int want = READ_ONCE(dsamig_knobs.channels), n = 0, i, first;
	struct device *dev;

	down_read(&chan_sem);
	if (!nr_chans) {
		up_read(&chan_sem);
		return 0;
	}
	first = (unsigned int)atomic_inc_return(&next_device) % nr_chans;
	dev = dmaengine_get_dma_device(chans[first]);
	*max_xfer = UINT_MAX;
	for (i = 0; i < nr_chans && (!want || n < want); i++) {
		unsigned int k = (first + i) % nr_chans;

		if (dmaengine_get_dma_device(chans[k]) != dev)
			continue;
		use[n++] = chans[k];
		*max_xfer = min(*max_xfer, chan_xfer[k]);
	}
	return n;
}

void dsamig_dsa_unpick(void)
{
	up_read(&chan_sem);
}

static bool held(struct dma_chan *c)
{
	unsigned int i;

	for (i = 0; i < nr_chans; i++)
		if (chans[i] == c)
			return true;
	return false;
}

/**
 * dsamig_dsa_terminate() - stop a run's channels after a timeout
 *
 * Where the driver can terminate (7.x idxd flushes the WQ's descriptors and
 * drains it), the run's DMA is over once this returns true; the channels
 * are then given back, since 7.x idxd also invalidates the interrupt handle
 * (a terminated channel is not used again). False when any channel cannot
 * be stopped (6.12 idxd has no device_terminate_all) or is gone already.
 */
bool dsamig_dsa_terminate(struct dma_chan **use, unsigned int nr_use)
{
	unsigned int i;
	bool ok = true;

	down_read(&chan_sem);
	for (i = 0; i < nr_use && ok; i++)
		ok = held(use[i]) && use[i]->device->device_terminate_all;
	for (i = 0; i < nr_use && ok; i++)
		ok = !dmaengine_terminate_sync(use[i]);
	up_read(&chan_sem);
	if (!ok)
		return false;
	dsamig_dsa_drop(use, nr_use, "terminated after a timeout");
	return true;
}

/*
 * Give back a run's channels: terminated ones (7.x invalidates their
 * interrupt handle), or ones whose WQ pool holds descriptors that will never
 * retire (a quarantined run: prep would sleep on that pool for good).
 */
void dsamig_dsa_drop(struct dma_chan **use, unsigned int nr_use, const char *why)
{
	unsigned int i, k, n = 0;

	down_write(&chan_sem);
	for (i = 0; i < nr_chans; i++) {
		for (k = 0; k < nr_use && chans[i] != use[k]; k++)
			;
		if (k < nr_use) {
			pr_warn("%s: %s; channel released\n", dma_chan_name(chans[i]), why);
			dma_release_channel(chans[i]);
		} else {
			chan_xfer[n] = chan_xfer[i];
			chans[n++] = chans[i];
		}
	}
	nr_chans = n;
	up_write(&chan_sem);
}

