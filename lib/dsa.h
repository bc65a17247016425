/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DSA devices as plain descriptions: what libaccel-config reports of each
 * device, its groups, engines and work queues, and the dmaengine channels
 * its kernel WQs registered. Plain structs, so that the planning of
 * dsamig setup is a pure function that tests can feed described devices.
 */
#ifndef DSAMIG_DSA_H
#define DSAMIG_DSA_H

#include <stdbool.h>

#define DSA_MAX_WQS		16
#define DSA_MAX_ENGINES		16
#define DSA_MAX_GROUPS		8
#define DSA_NAME_MAX		64

struct dsa_wq_desc {
	char dev[16];			/* wq0.0 */
	int id;
	int group;			/* -1: in no group */
	int size;
	int priority;
	bool shared;			/* mode shared (else dedicated) */
	char type[16];			/* none, kernel, user */
	char name[DSA_NAME_MAX];	/* the name attribute */
	char driver[32];		/* driver_name */
	char state[16];			/* disabled, enabled, ... */
	int clients;
	char channel[32];		/* dmaNchanM of an enabled kernel WQ, or "" */
};

struct dsa_engine_desc {
	char dev[16];			/* engine0.0 */
	int id;
	int group;			/* -1: in no group */
};

struct dsa_dev_desc {
	char dev[16];			/* dsa0 */
	int id;
	char state[16];			/* disabled, enabled, halted, unknown */
	int clients;
	bool configurable;
	int max_groups, max_engines, max_wqs, max_wq_size;
	int nr_wqs, nr_engines;
	struct dsa_wq_desc wq[DSA_MAX_WQS];
	struct dsa_engine_desc engine[DSA_MAX_ENGINES];
};

/*
 * Describe every DSA device into @devs (up to @max). Returns how many, or a
 * negative errno. Without any DSA device (or without the bus) returns 0.
 */
int dsa_describe_all(struct dsa_dev_desc *devs, int max);

/* What dsamig setup asks of each device; 0 means the default. */
struct dsa_setup_req {
	int wq_size;		/* default: 32, or what is left if less */
	int engines;		/* default 1 */
	int priority;		/* default 10 */
	bool force;		/* may disable a device that others use */
};

enum dsa_plan_action {
	DSA_PLAN_DONE,		/* a kernel WQ already gives a channel */
	DSA_PLAN_REUSE,		/* a configured free kernel WQ: enable it */
	DSA_PLAN_CONFIGURE,	/* configure a free WQ, group and engines */
	DSA_PLAN_REFUSE,	/* cannot without touching others: see reason */
};

struct dsa_plan {
	enum dsa_plan_action action;
	int wq;				/* index in dsa_dev_desc.wq[] */
	int group;
	int size, priority;
	int nr_engines;
	int engine[DSA_MAX_ENGINES];	/* indices in .engine[] to put in group */
	bool disable_device;		/* to size the WQ, the device goes down */
	bool enable_device;
	int nr_reenable;
	int reenable[DSA_MAX_WQS];	/* WQs enabled before, enabled again after */
	char reason[192];		/* REFUSE: why, and what to do */
};

#define DSA_DEFAULT_WQ_SIZE	32
#define DSA_DEFAULT_PRIORITY	10
#define DSA_KERNEL_WQ_NAME	"dmaengine"
#define DSA_KERNEL_WQ_DRIVER	"dmaengine"

/*
 * Plan dsamig setup for one described device: a pure function, so that
 * tests can feed it devices in any state. Returns 0 (see @p->action) or
 * -EINVAL for a request out of range.
 */
int dsa_plan_setup(const struct dsa_dev_desc *d, const struct dsa_setup_req *req,
		   struct dsa_plan *p);

/* Why an apply or restore failed: the attribute and the driver's reason. */
struct dsa_error {
	char what[64];		/* "wq0.0 size", "state" ... */
	char reason[160];	/* cmd_status in words, or strerror */
};

/*
 * Carry out @p on the device @d describes. On failure returns a negative
 * errno, fills @e and puts the device back as @d describes it.
 */
int dsa_setup_apply(const struct dsa_dev_desc *d, const struct dsa_plan *p,
		    struct dsa_error *e);

/*
 * Bring the device named in @saved back to that configuration (attributes,
 * groups, engines, enabled state). @force: even if it has clients.
 * -EBUSY if it has clients and !@force.
 */
int dsa_restore(const struct dsa_dev_desc *saved, bool force, struct dsa_error *e);

/* The saved configuration of a device, as dsamig setup keeps it. */
int dsa_config_save(const struct dsa_dev_desc *d, const char *dir);
int dsa_config_load(const char *dev, const char *dir, struct dsa_dev_desc *d);
int dsa_config_forget(const char *dev, const char *dir);

#endif /* DSAMIG_DSA_H */
