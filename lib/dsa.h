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

/*
 * Describe the DSA device @name as it is now, read afresh (a libaccel-config
 * context of its own): 0, -ENODEV without it, or a negative errno.
 */
int dsa_describe(const char *name, struct dsa_dev_desc *d);

/* What dsamig setup asks of each device; 0 means the default. */
struct dsa_setup_req {
	int wq_size;		/* default: 32, or what is left if less */
	int engines;		/* default 1 */
	int priority;		/* default 10 */
	bool force;		/* may disable a device that others use */
	bool dry_run;		/* dsa_setup_run, dsa_reset_run: plan, change nothing */
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

/*
 * The transactions of dsamig setup (lib/dsa_txn.c), each on one device:
 * what happened, the plan it followed, and the channel it gave. Failures
 * return a negative errno with the outcome saying where, and @e (struct
 * dsa_error) the attribute and the driver's reason where there is one.
 */
enum dsa_txn_outcome {
	DSA_TXN_BAD_REQUEST,	/* the request is out of range: no plan */
	DSA_TXN_DONE,		/* already set up: nothing to do */
	DSA_TXN_PLANNED,	/* dry run: the plan (or the reset) only */
	DSA_TXN_SET_UP,		/* applied and verified: .channel */
	DSA_TXN_RESET,		/* the saved configuration is back, and forgotten */
	DSA_TXN_NOTHING_SAVED,	/* reset: dsamig setup did not change the device */
	DSA_TXN_REFUSED,	/* the plan refused (.plan.reason): nothing changed */
	DSA_TXN_SAVE_FAILED,	/* cannot save the configuration: nothing changed */
	DSA_TXN_APPLY_FAILED,	/* a step failed (@e): the device was put back */
	DSA_TXN_NO_CHANNEL,	/* applied, but no channel appeared: put back */
	DSA_TXN_BAD_SAVED,	/* reset: the saved configuration is unreadable */
	DSA_TXN_BUSY,		/* reset: clients use the device (@e), no force */
	DSA_TXN_RESTORE_FAILED,	/* reset: a step failed (@e) */
};

struct dsa_txn_result {
	enum dsa_txn_outcome outcome;
	struct dsa_plan plan;		/* setup, but for BAD_REQUEST: the plan */
	char channel[32];		/* SET_UP: the WQ's dmaengine channel */
};

struct dsamig_ctx;

/*
 * dsamig setup on the device @d describes: plan; unless the plan is done,
 * refused or @req->dry_run, save the device's configuration in the ctx's
 * state directory (keeping the oldest one, from before any setup), apply
 * the plan and check that its WQ gave a channel. On failure the device is
 * put back and a configuration saved by this call forgotten.
 */
int dsa_setup_run(struct dsamig_ctx *ctx, const struct dsa_dev_desc *d,
		  const struct dsa_setup_req *req, struct dsa_txn_result *res,
		  struct dsa_error *e);

/*
 * dsamig setup --reset on device @dev: restore the configuration saved in
 * the ctx's state directory (@req->force: even with clients) and forget
 * it. Of @req only force and dry_run count.
 */
int dsa_reset_run(struct dsamig_ctx *ctx, const char *dev, const struct dsa_setup_req *req,
		  struct dsa_txn_result *res, struct dsa_error *e);

#endif /* DSAMIG_DSA_H */
