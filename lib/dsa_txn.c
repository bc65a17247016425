// SPDX-License-Identifier: GPL-2.0
/*
 * The transactions of dsamig setup: save a device's configuration in the
 * state directory, apply the plan, check that the kernel WQ gave a
 * dmaengine channel, and put everything back when a step fails; and
 * --reset, which restores the saved configuration and forgets it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "dsa.h"

static void set_reason(struct dsa_error *e, const char *what, int rc)
{
	snprintf(e->what, sizeof(e->what), "%s", what);
	snprintf(e->reason, sizeof(e->reason), "%s", strerror(-rc));
}

/* The channel WQ @wq of device @dev has now, read afresh: 0, or -ENODEV. */
static int channel_now(const char *dev, const char *wq, char *buf, size_t size)
{
	struct dsa_dev_desc now;
	int rc, i;

	rc = dsa_describe(dev, &now);
	if (rc)
		return rc;
	for (i = 0; i < now.nr_wqs; i++)
		if (!strcmp(now.wq[i].dev, wq) && now.wq[i].channel[0]) {
			snprintf(buf, size, "%s", now.wq[i].channel);
			return 0;
		}
	return -ENODEV;
}

int dsa_setup_run(struct dsamig_ctx *ctx, const struct dsa_dev_desc *d,
		  const struct dsa_setup_req *req, struct dsa_txn_result *res,
		  struct dsa_error *e)
{
	const char *dir = dsamig_ctx_state_dir(ctx);
	struct dsa_dev_desc old;
	struct dsa_error ignored;
	const char *wq;
	bool saved = false;
	int rc;

	memset(res, 0, sizeof(*res));
	res->outcome = DSA_TXN_BAD_REQUEST;
	rc = dsa_plan_setup(d, req, &res->plan);
	if (rc)
		return rc;
	if (res->plan.action == DSA_PLAN_REFUSE) {
		res->outcome = DSA_TXN_REFUSED;
		return -EPERM;
	}
	if (res->plan.action == DSA_PLAN_DONE) {
		res->outcome = DSA_TXN_DONE;
		return 0;
	}
	if (req->dry_run) {
		res->outcome = DSA_TXN_PLANNED;
		return 0;
	}
	wq = d->wq[res->plan.wq].dev;

	/* Keep the oldest saved configuration: the one from before any setup. */
	if (dsa_config_load(d->dev, dir, &old) == -ENOENT) {
		rc = dsa_config_save(d, dir);
		if (rc) {
			res->outcome = DSA_TXN_SAVE_FAILED;
			set_reason(e, "configuration", rc);
			return rc;
		}
		saved = true;
	}
	/* on failure it has put the device back itself */
	rc = dsa_setup_apply(d, &res->plan, e);
	if (rc) {
		res->outcome = DSA_TXN_APPLY_FAILED;
		goto forget;
	}
	rc = channel_now(d->dev, wq, res->channel, sizeof(res->channel));
	if (rc) {
		res->outcome = DSA_TXN_NO_CHANNEL;
		set_reason(e, wq, rc);
		goto restore;
	}
	res->outcome = DSA_TXN_SET_UP;
	return 0;

restore:
	dsa_restore(d, true, &ignored);
forget:
	if (saved)
		dsa_config_forget(d->dev, dir);
	return rc;
}

int dsa_reset_run(struct dsamig_ctx *ctx, const char *dev, const struct dsa_setup_req *req,
		  struct dsa_txn_result *res, struct dsa_error *e)
{
	const char *dir = dsamig_ctx_state_dir(ctx);
	struct dsa_dev_desc saved;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = dsa_config_load(dev, dir, &saved);
	if (rc == -ENOENT) {
		res->outcome = DSA_TXN_NOTHING_SAVED;
		return 0;
	}
	if (rc) {
		res->outcome = DSA_TXN_BAD_SAVED;
		set_reason(e, dev, rc);
		return rc;
	}
	if (req->dry_run) {
		res->outcome = DSA_TXN_PLANNED;
		return 0;
	}
	rc = dsa_restore(&saved, req->force, e);
	if (rc) {
		res->outcome = rc == -EBUSY ? DSA_TXN_BUSY : DSA_TXN_RESTORE_FAILED;
		return rc;
	}
	dsa_config_forget(dev, dir);
	res->outcome = DSA_TXN_RESET;
	return 0;
}
