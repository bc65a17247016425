// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig setup [DEVICE...]: give the kernel one dedicated DSA work queue
 * (dmaengine) per device, planned first, without taking what others use;
 * dsamig setup --reset puts back what setup changed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dsa.h"
#include "dsamig.h"
#include "parse.h"

#define MAX_DEVS 16

struct setup_args {
	struct dsa_setup_req req;
	bool json, reset;
	char **devices;
	int nr_devices;
};

static const struct argp_option options[] = {
	{ "wq-size", 's', "N", 0, "Entries of the kernel WQ (default 32, or what is free)", 0 },
	{ "engines", 'e', "N", 0, "Engines in its group (default 1)", 0 },
	{ "priority", 'p', "N", 0, "WQ priority, 1 to 15 (default 10)", 0 },
	{ "dry-run", 'n', NULL, 0, "Print the plan and change nothing", 0 },
	{ "force", 'f', NULL, 0, "Disable a device even if others use it", 0 },
	{ "reset", 'r', NULL, 0, "Restore the configuration saved before setup", 0 },
	{ "json", 'j', NULL, 0, "Print the plan and the outcome as JSON", 0 },
	{ 0 },
};

static int uint_opt(struct argp_state *state, const char *name, const char *arg,
		    uint64_t max, int *out)
{
	uint64_t v;

	if (dsamig_parse_uint(arg, 1, max, &v))
		return cli_usage_error(state, "bad %s '%s' (1 to %llu)", name, arg,
				       (unsigned long long)max);
	*out = (int)v;
	return 0;
}

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct setup_args *a = state->input;

	switch (key) {
	case 's':
		return uint_opt(state, "--wq-size", arg, 1024, &a->req.wq_size);
	case 'e':
		return uint_opt(state, "--engines", arg, DSA_MAX_ENGINES, &a->req.engines);
	case 'p':
		return uint_opt(state, "--priority", arg, 15, &a->req.priority);
	case 'n':
		a->req.dry_run = true;
		return 0;
	case 'f':
		a->req.force = true;
		return 0;
	case 'r':
		a->reset = true;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case ARGP_KEY_ARGS:
		a->devices = state->argv + state->next;
		a->nr_devices = state->argc - state->next;
		for (int i = 0; i < a->nr_devices; i++)
			if (strncmp(a->devices[i], "dsa", 3) || !a->devices[i][3])
				return cli_usage_error(state, "'%s' is not a DSA device name (dsa0 ...)",
						       a->devices[i]);
		return 0;
	case ARGP_KEY_END:
		if (a->reset && (a->req.wq_size || a->req.engines || a->req.priority))
			return cli_usage_error(state, "--reset takes no WQ options");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp setup_argp = {
	.options = options,
	.parser = parser,
	.args_doc = "[DEVICE...]",
	.doc = "Give the kernel one dedicated DSA work queue (dmaengine) on each DEVICE "
	       "(default: all), leaving alone what others use. Prints the plan first; "
	       "--dry-run stops there. Running it again changes nothing. "
	       "--reset restores what the device had before.",
};

static bool chosen(const struct setup_args *a, const char *dev)
{
	int i;

	if (!a->nr_devices)
		return true;
	for (i = 0; i < a->nr_devices; i++)
		if (!strcmp(a->devices[i], dev))
			return true;
	return false;
}

static const char *action_name(enum dsa_plan_action a)
{
	static const char *const names[] = { "done", "reuse", "configure", "refuse" };

	return names[a];
}

static void print_plan(const struct dsa_dev_desc *d, const struct dsa_plan *p)
{
	const struct dsa_wq_desc *w = p->wq >= 0 ? &d->wq[p->wq] : NULL;
	int i;

	switch (p->action) {
	case DSA_PLAN_DONE:
		printf("%s: already set up: %s gives %s\n", d->dev, w->dev,
		       w->channel[0] ? w->channel : "a dmaengine channel");
		return;
	case DSA_PLAN_REUSE:
		printf("%s: plan: reuse %s (kernel, size %d, group%d.%d): enable it\n", d->dev,
		       w->dev, p->size, d->id, p->group);
		break;
	case DSA_PLAN_CONFIGURE:
		if (p->disable_device) {
			printf("%s: plan: disable %s first", d->dev, d->dev);
			for (i = 0; i < p->nr_reenable; i++)
				printf("%s%s", i ? " " : ", enable again after: ",
				       d->wq[p->reenable[i]].dev);
			putchar('\n');
		}
		printf("%s: plan: %s as a dedicated kernel WQ '%s', size %d, priority %d, "
		       "in group%d.%d with", d->dev, w->dev, DSA_KERNEL_WQ_NAME, p->size,
		       p->priority, d->id, p->group);
		for (i = 0; i < p->nr_engines; i++)
			printf(" %s", d->engine[p->engine[i]].dev);
		putchar('\n');
		break;
	case DSA_PLAN_REFUSE:
		return;
	}
	printf("%s: plan: %s%s (driver %s)\n", d->dev,
	       p->enable_device ? "enable the device, then " : "enable ", w->dev,
	       DSA_KERNEL_WQ_DRIVER);
}

static struct json_object *plan_json(const struct dsa_dev_desc *d, const struct dsa_plan *p)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_array();
	int i;

	json_object_object_add(o, "device", json_object_new_string(d->dev));
	json_object_object_add(o, "action", json_object_new_string(action_name(p->action)));
	if (p->wq >= 0) {
		json_object_object_add(o, "wq", json_object_new_string(d->wq[p->wq].dev));
		json_object_object_add(o, "group", json_object_new_int(p->group));
		json_object_object_add(o, "size", json_object_new_int(p->size));
		json_object_object_add(o, "priority", json_object_new_int(p->priority));
	}
	for (i = 0; i < p->nr_engines; i++)
		json_object_array_add(e, json_object_new_string(d->engine[p->engine[i]].dev));
	json_object_object_add(o, "engines", e);
	json_object_object_add(o, "disable_device", json_object_new_boolean(p->disable_device));
	if (p->action == DSA_PLAN_REFUSE)
		json_object_object_add(o, "error", json_object_new_string(p->reason));
	return o;
}

/* One device's setup: the plan, then the outcome; its JSON object into @out. */
static int render_setup(struct dsamig_ctx *ctx, const struct setup_args *a,
			const struct dsa_dev_desc *d, const struct dsa_txn_result *r,
			const struct dsa_error *e, struct json_object *out)
{
	struct json_object *o;

	if (r->outcome == DSA_TXN_BAD_REQUEST)
		return DSAMIG_EXIT_FAILURE;
	o = plan_json(d, &r->plan);
	json_object_array_add(out, o);
	if (!a->json)
		print_plan(d, &r->plan);
	switch (r->outcome) {
	case DSA_TXN_REFUSED:
		dsamig_err(ctx, "%s: %s", d->dev, r->plan.reason);
		return DSAMIG_EXIT_FAILURE;
	case DSA_TXN_SAVE_FAILED:
		dsamig_err(ctx, "%s: cannot save its configuration in %s: %s; nothing changed",
			   d->dev, dsamig_ctx_state_dir(ctx), e->reason);
		return DSAMIG_EXIT_FAILURE;
	case DSA_TXN_APPLY_FAILED:
		dsamig_err(ctx, "%s: %s: %s; the device was left as it was (see dmesg)", d->dev,
			   e->what, e->reason);
		json_object_object_add(o, "error", json_object_new_string(e->reason));
		return DSAMIG_EXIT_FAILURE;
	case DSA_TXN_NO_CHANNEL:
		dsamig_err(ctx, "%s: %s: no dmaengine channel appeared; the device was left as it "
			   "was (see dmesg)", d->dev, e->what);
		json_object_object_add(o, "error", json_object_new_string("no channel"));
		return DSAMIG_EXIT_FAILURE;
	case DSA_TXN_SET_UP:
		json_object_object_add(o, "channel", json_object_new_string(r->channel));
		if (!a->json)
			printf("%s: set up: %s gives %s\n", d->dev, d->wq[r->plan.wq].dev,
			       r->channel);
		return DSAMIG_EXIT_OK;
	default:
		return DSAMIG_EXIT_OK;
	}
}

/* One device's --reset: what it did or would do; its JSON object into @out. */
static int render_reset(struct dsamig_ctx *ctx, const struct setup_args *a, const char *dev,
			const struct dsa_txn_result *r, const struct dsa_error *e,
			struct json_object *out)
{
	struct json_object *o = json_object_new_object();
	const char *action = NULL, *line = NULL;
	int ret = DSAMIG_EXIT_OK;

	json_object_object_add(o, "device", json_object_new_string(dev));
	switch (r->outcome) {
	case DSA_TXN_NOTHING_SAVED:
		action = "nothing_to_reset";
		line = "nothing to reset: dsamig setup did not change it";
		break;
	case DSA_TXN_PLANNED:
		action = "reset";
		line = "plan: restore the configuration saved by dsamig setup";
		break;
	case DSA_TXN_RESET:
		action = "reset";
		line = "restored the configuration from before dsamig setup";
		break;
	case DSA_TXN_BAD_SAVED:
		dsamig_err(ctx, "%s: %s/%s.json: %s; remove it", dev, dsamig_ctx_state_dir(ctx),
			   dev, e->reason);
		ret = DSAMIG_EXIT_FAILURE;
		break;
	case DSA_TXN_BUSY:
		dsamig_err(ctx, "%s: %s; run 'dsamig unload' first, or rerun with --force", dev,
			   e->reason);
		ret = DSAMIG_EXIT_FAILURE;
		break;
	case DSA_TXN_RESTORE_FAILED:
	default:
		dsamig_err(ctx, "%s: %s: %s; see 'dsamig status'", dev, e->what, e->reason);
		ret = DSAMIG_EXIT_FAILURE;
		break;
	}
	if (action)
		json_object_object_add(o, "action", json_object_new_string(action));
	if (line && !a->json)
		printf("%s: %s\n", dev, line);
	json_object_array_add(out, o);
	return ret;
}

int cmd_setup(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct dsa_dev_desc devs[MAX_DEVS];
	struct setup_args a = { 0 };
	struct json_object *out, *list;
	int ret, n, i, j, rc;

	ret = cli_parse_args(&setup_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.req.dry_run) {
		ret = cli_need_root(argv[0], "configure DSA devices");
		if (ret)
			return ret;
	}
	n = dsa_describe_all(devs, MAX_DEVS);
	if (n < 0) {
		dsamig_err(ctx, "cannot read the DSA devices: %s; is idxd loaded?", strerror(-n));
		return DSAMIG_EXIT_FAILURE;
	}
	if (!n) {
		dsamig_err(ctx, "no DSA device; see 'dsamig status' for what is missing");
		return DSAMIG_EXIT_FAILURE;
	}
	for (j = 0; j < a.nr_devices; j++) {
		for (i = 0; i < n && strcmp(devs[i].dev, a.devices[j]); i++)
			;
		if (i == n) {
			dsamig_err(ctx, "%s: no such DSA device; see 'dsamig status'", a.devices[j]);
			return DSAMIG_EXIT_FAILURE;
		}
	}
	out = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(out, "dry_run", json_object_new_boolean(a.req.dry_run));
	json_object_object_add(out, "devices", list);
	for (i = 0; i < n; i++) {
		struct dsa_txn_result r;
		struct dsa_error e = { 0 };

		if (!chosen(&a, devs[i].dev))
			continue;
		if (a.reset) {
			dsa_reset_run(ctx, devs[i].dev, &a.req, &r, &e);
			rc = render_reset(ctx, &a, devs[i].dev, &r, &e, list);
		} else {
			dsa_setup_run(ctx, &devs[i], &a.req, &r, &e);
			rc = render_setup(ctx, &a, &devs[i], &r, &e, list);
		}
		if (rc)
			ret = rc;
	}
	if (a.json)
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return ret;
}
