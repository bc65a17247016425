// SPDX-License-Identifier: GPL-2.0
/*
 * The plan of dsamig setup for one DSA device: give the kernel one
 * dedicated WQ bound to dmaengine, without taking anything others use.
 * Pure: it reads a struct dsa_dev_desc and writes a struct dsa_plan.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dsa.h"
#include "parse.h"

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

static bool group_has_engine(const struct dsa_dev_desc *d, int g)
{
	int i;

	for (i = 0; i < d->nr_engines; i++)
		if (d->engine[i].group == g)
			return true;
	return false;
}

static bool group_has_wq(const struct dsa_dev_desc *d, int g)
{
	int i;

	for (i = 0; i < d->nr_wqs; i++)
		if (d->wq[i].group == g)
			return true;
	return false;
}

/* A WQ set up for the kernel by someone, disabled, that would work as is. */
static bool reusable(const struct dsa_dev_desc *d, const struct dsa_wq_desc *w)
{
	return is(w->type, "kernel") && is(w->state, "disabled") && w->group >= 0 &&
	       w->size > 0 && w->priority > 0 && w->name[0] && !w->shared &&
	       (!w->driver[0] || is(w->driver, DSA_KERNEL_WQ_DRIVER)) &&
	       group_has_engine(d, w->group);
}

static __attribute__((format(printf, 2, 3)))
int refuse(struct dsa_plan *p, const char *fmt, ...)
{
	va_list ap;

	p->action = DSA_PLAN_REFUSE;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
	return 0;
}

int dsa_plan_setup(const struct dsa_dev_desc *d, const struct dsa_setup_req *req,
		   struct dsa_plan *p)
{
	bool enabled = is(d->state, "enabled");
	int i, used = 0, left, want_engines, g, free_engines = 0, others = 0;

	memset(p, 0, sizeof(*p));
	p->wq = -1;
	p->group = -1;
	if (req->wq_size < 0 || req->engines < 0 || req->priority < 0)
		return -EINVAL;

	for (i = 0; i < d->nr_wqs; i++) {
		const struct dsa_wq_desc *w = &d->wq[i];

		if (is(w->type, "kernel") && is(w->state, "enabled") &&
		    (w->channel[0] || is(w->driver, DSA_KERNEL_WQ_DRIVER))) {
			p->action = DSA_PLAN_DONE;
			p->wq = i;
			p->group = w->group;
			p->size = w->size;
			p->priority = w->priority;
			return 0;
		}
	}
	if (!enabled && !is(d->state, "disabled"))
		return refuse(p, "the device is %s; reset it (reload idxd)", d->state);

	for (i = 0; i < d->nr_wqs; i++) {
		if (reusable(d, &d->wq[i])) {
			p->action = DSA_PLAN_REUSE;
			p->wq = i;
			p->group = d->wq[i].group;
			p->size = d->wq[i].size;
			p->priority = d->wq[i].priority;
			p->enable_device = !enabled;
			return 0;
		}
	}
	if (!d->configurable)
		return refuse(p, "the device is not configurable and has no free kernel WQ; "
			      "configure one in its firmware");

	for (i = 0; i < d->nr_wqs; i++) {
		const struct dsa_wq_desc *w = &d->wq[i];

		if (p->wq < 0 && w->group < 0 && is(w->state, "disabled") &&
		    !is(w->type, "user") && !is(w->type, "kernel"))
			p->wq = i;
	}
	if (p->wq < 0 && d->nr_wqs == 1)
		return refuse(p, "no free work queue: its only one is in use; free it, or use "
			      "--backend mt");
	if (p->wq < 0)
		return refuse(p, "no free work queue: all %d are in use; free one, or use "
			      "--backend mt", d->nr_wqs);
	for (i = 0; i < d->nr_wqs; i++)
		if (i != p->wq)
			used += d->wq[i].size;
	left = d->max_wq_size - used;
	p->size = req->wq_size ? req->wq_size :
		  (left < DSA_DEFAULT_WQ_SIZE ? left : DSA_DEFAULT_WQ_SIZE);
	if (left <= 0)
		return refuse(p, "all %d WQ entries are held by other WQs; shrink one, or "
			      "use --backend mt", d->max_wq_size);
	if (p->size > left && left == d->max_wq_size)
		return refuse(p, "--wq-size %d is more than the device's %d WQ entries; ask for "
			      "at most %d", p->size, d->max_wq_size, left);
	if (p->size > left)
		return refuse(p, "--wq-size %d is more than the %d free WQ %s (other WQs hold "
			      "%d of %d); ask for at most %d", p->size, left,
			      dsamig_plural(left, "entry", "entries"), used, d->max_wq_size, left);

	for (g = 0; g < d->max_groups && g < DSA_MAX_GROUPS; g++)
		if (!group_has_wq(d, g) && !group_has_engine(d, g))
			break;
	if (g >= d->max_groups || g >= DSA_MAX_GROUPS)
		return d->max_groups == 1 ?
		       refuse(p, "no free group: its only one has WQs or engines of others") :
		       refuse(p, "no free group: all %d have WQs or engines of others",
			      d->max_groups);
	p->group = g;

	want_engines = req->engines ? req->engines : 1;
	for (i = 0; i < d->nr_engines; i++)
		if (d->engine[i].group < 0) {
			if (p->nr_engines < want_engines)
				p->engine[p->nr_engines++] = i;
			free_engines++;
		}
	if (free_engines < want_engines)
		return refuse(p, "%s%d free %s, %d wanted; ask for fewer with --engines",
			      free_engines ? "only " : "", free_engines,
			      dsamig_plural(free_engines, "engine", "engines"), want_engines);

	p->priority = req->priority ? req->priority : DSA_DEFAULT_PRIORITY;
	if (enabled) {
		for (i = 0; i < d->nr_wqs; i++)
			if (!is(d->wq[i].state, "disabled"))
				p->reenable[p->nr_reenable++] = i;
		others = p->nr_reenable;
		if ((d->clients > 0 || others) && !req->force) {
			p->nr_reenable = 0;
			return refuse(p, "the device is enabled with %d %s and %d enabled %s, "
				      "and a new WQ needs it disabled; rerun with --force",
				      d->clients, dsamig_plural(d->clients, "client", "clients"),
				      others, dsamig_plural(others, "WQ", "WQs"));
		}
		p->disable_device = true;
	}
	p->enable_device = true;
	p->action = DSA_PLAN_CONFIGURE;
	return 0;
}
