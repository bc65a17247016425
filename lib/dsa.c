// SPDX-License-Identifier: GPL-2.0
/*
 * Reading DSA devices through libaccel-config into struct dsa_dev_desc,
 * and finding the dmaengine channels their kernel WQs registered.
 */
#include <accel-config/libaccel_config.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsa.h"

#define DMA_CLASS "/sys/class/dma"
#define DSA_DEVICES "/sys/bus/dsa/devices"

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t len = src ? strnlen(src, size - 1) : 0;

	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

static const char *wq_state_name(enum accfg_wq_state s)
{
	switch (s) {
	case ACCFG_WQ_DISABLED:
		return "disabled";
	case ACCFG_WQ_ENABLED:
		return "enabled";
	case ACCFG_WQ_QUIESCING:
		return "quiescing";
	case ACCFG_WQ_LOCKED:
		return "locked";
	default:
		return "unknown";
	}
}

static const char *wq_type_name(enum accfg_wq_type t)
{
	switch (t) {
	case ACCFG_WQT_KERNEL:
		return "kernel";
	case ACCFG_WQT_USER:
		return "user";
	default:
		return "none";
	}
}

static void describe_wq(struct accfg_wq *wq, struct dsa_wq_desc *w)
{
	copy_str(w->dev, sizeof(w->dev), accfg_wq_get_devname(wq));
	w->id = accfg_wq_get_id(wq);
	w->group = accfg_wq_get_group_id(wq);
	w->size = accfg_wq_get_size(wq);
	w->priority = accfg_wq_get_priority(wq);
	w->shared = accfg_wq_get_mode(wq) == ACCFG_WQ_SHARED;
	copy_str(w->type, sizeof(w->type), wq_type_name(accfg_wq_get_type(wq)));
	copy_str(w->name, sizeof(w->name), accfg_wq_get_type_name(wq));
	copy_str(w->driver, sizeof(w->driver), accfg_wq_get_driver_name(wq));
	copy_str(w->state, sizeof(w->state), wq_state_name(accfg_wq_get_state(wq)));
	w->clients = accfg_wq_get_clients(wq);
	if (w->clients < 0)
		w->clients = 0;
	w->channel[0] = '\0';
}

/* Whether the channel's device is the DSA device at @devdir or its parent. */
static bool channel_of(const char *chan, const char *devdir)
{
	char link[PATH_MAX], real[PATH_MAX];
	size_t len;

	snprintf(link, sizeof(link), DMA_CLASS "/%s/device", chan);
	if (!realpath(link, real))
		return false;
	if (!strcmp(real, devdir))
		return true;
	len = strlen(real);
	return !strncmp(devdir, real, len) && devdir[len] == '/' && !strchr(devdir + len + 1, '/');
}

static int chan_cmp(const struct dirent **a, const struct dirent **b)
{
	unsigned int da, ca, db, cb;

	if (sscanf((*a)->d_name, "dma%uchan%u", &da, &ca) != 2 ||
	    sscanf((*b)->d_name, "dma%uchan%u", &db, &cb) != 2)
		return strcmp((*a)->d_name, (*b)->d_name);
	return da != db ? (da > db) - (da < db) : (ca > cb) - (ca < cb);
}

static int is_chan(const struct dirent *d)
{
	return !strncmp(d->d_name, "dma", 3) && strstr(d->d_name, "chan");
}

/*
 * Give each enabled kernel WQ of @d one channel of the device, in order:
 * a dmaengine WQ registers exactly one channel.
 */
static void find_channels(struct dsa_dev_desc *d)
{
	char link[PATH_MAX], devdir[PATH_MAX];
	struct dirent **chans;
	int n, i, w = 0;

	snprintf(link, sizeof(link), DSA_DEVICES "/%s", d->dev);
	if (!realpath(link, devdir))
		return;
	n = scandir(DMA_CLASS, &chans, is_chan, chan_cmp);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		if (channel_of(chans[i]->d_name, devdir)) {
			while (w < d->nr_wqs && (strcmp(d->wq[w].type, "kernel") ||
						 strcmp(d->wq[w].state, "enabled")))
				w++;
			if (w < d->nr_wqs)
				copy_str(d->wq[w++].channel, sizeof(d->wq[0].channel),
					 chans[i]->d_name);
		}
		free(chans[i]);
	}
	free(chans);
}

static const char *dev_state_name(enum accfg_device_state s)
{
	switch (s) {
	case ACCFG_DEVICE_DISABLED:
		return "disabled";
	case ACCFG_DEVICE_ENABLED:
		return "enabled";
	default:
		return "unknown";
	}
}

static void describe_dev(struct accfg_device *dev, struct dsa_dev_desc *d)
{
	struct accfg_wq *wq;
	struct accfg_engine *e;

	memset(d, 0, sizeof(*d));
	copy_str(d->dev, sizeof(d->dev), accfg_device_get_devname(dev));
	d->id = accfg_device_get_id(dev);
	copy_str(d->state, sizeof(d->state), dev_state_name(accfg_device_get_state(dev)));
	d->clients = accfg_device_get_clients(dev);
	if (d->clients < 0)
		d->clients = 0;
	d->configurable = accfg_device_get_configurable(dev) > 0;
	d->max_groups = accfg_device_get_max_groups(dev);
	d->max_engines = accfg_device_get_max_engines(dev);
	d->max_wqs = accfg_device_get_max_work_queues(dev);
	d->max_wq_size = accfg_device_get_max_work_queues_size(dev);
	accfg_wq_foreach(dev, wq) {
		if (d->nr_wqs < DSA_MAX_WQS)
			describe_wq(wq, &d->wq[d->nr_wqs++]);
	}
	accfg_engine_foreach(dev, e) {
		struct dsa_engine_desc *en;

		if (d->nr_engines >= DSA_MAX_ENGINES)
			break;
		en = &d->engine[d->nr_engines++];
		copy_str(en->dev, sizeof(en->dev), accfg_engine_get_devname(e));
		en->id = accfg_engine_get_id(e);
		en->group = accfg_engine_get_group_id(e);
	}
	find_channels(d);
}

int dsa_describe(const char *name, struct dsa_dev_desc *d)
{
	struct accfg_ctx *ctx;
	struct accfg_device *dev;
	int err;

	if (access(DSA_DEVICES, F_OK))
		return -ENODEV;
	err = accfg_new(&ctx);
	if (err)
		return err < 0 ? err : -err;
	dev = accfg_ctx_device_get_by_name(ctx, name);
	if (!dev || accfg_device_get_type(dev) != ACCFG_DEVICE_DSA) {
		err = -ENODEV;
		goto out;
	}
	describe_dev(dev, d);
out:
	accfg_unref(ctx);
	return err;
}

int dsa_describe_all(struct dsa_dev_desc *devs, int max)
{
	struct accfg_ctx *ctx;
	struct accfg_device *dev;
	int n = 0, err;

	if (access(DSA_DEVICES, F_OK))
		return 0;
	err = accfg_new(&ctx);
	if (err)
		return err < 0 ? err : -err;
	accfg_device_foreach(ctx, dev) {
		if (accfg_device_get_type(dev) != ACCFG_DEVICE_DSA)
			continue;
		if (n < max)
			describe_dev(dev, &devs[n++]);
	}
	accfg_unref(ctx);
	return n;
}
