// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig setup [DEVICE...]: give the kernel one dedicated DSA work queue
 * (dmaengine) per device, planned first, without taking what others use;
 * dsamig setup --reset puts back what setup changed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dsa.h"
#include "dsamig.h"
#include "parse.h"
#include "sysfile.h"

#define MAX_DEVS 16

struct setup_args {
	struct dsa_setup_req req;
	bool dry_run, json, reset;
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
		a->dry_run = true;
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

/* The channel the WQ has now, re-read from the system. */
static bool channel_now(const char *dev, const char *wq, char *buf, size_t size)
{
	struct dsa_dev_desc all[MAX_DEVS];
	int n = dsa_describe_all(all, MAX_DEVS), i, w;

	for (i = 0; i < n; i++)
		for (w = 0; strcmp(all[i].dev, dev) == 0 && w < all[i].nr_wqs; w++)
			if (!strcmp(all[i].wq[w].dev, wq) && all[i].wq[w].channel[0]) {
				snprintf(buf, size, "%s", all[i].wq[w].channel);
				return true;
			}
	return false;
}

static int reset(const char *name, const struct setup_args *a, struct dsa_dev_desc *devs, int n,
		 struct json_object *out)
{
	struct dsa_dev_desc saved;
	struct dsa_error e = { 0 };
	int i, rc, ret = DSAMIG_EXIT_OK;

	for (i = 0; i < n; i++) {
		struct json_object *o;

		if (!chosen(a, devs[i].dev))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "device", json_object_new_string(devs[i].dev));
		rc = dsa_config_load(devs[i].dev, DSAMIG_STATE_DIR, &saved);
		if (rc == -ENOENT) {
			json_object_object_add(o, "action", json_object_new_string("nothing_to_reset"));
			if (!a->json)
				printf("%s: nothing to reset: dsamig setup did not change it\n",
				       devs[i].dev);
		} else if (rc) {
			fprintf(stderr, "%s: %s: %s/%s.json: %s; remove it\n", name, devs[i].dev,
				DSAMIG_STATE_DIR, devs[i].dev, strerror(-rc));
			ret = DSAMIG_EXIT_FAILURE;
		} else if (a->dry_run) {
			json_object_object_add(o, "action", json_object_new_string("reset"));
			if (!a->json)
				printf("%s: plan: restore the configuration saved by dsamig setup\n",
				       devs[i].dev);
		} else {
			rc = dsa_restore(&saved, a->req.force, &e);
			if (rc == -EBUSY) {
				fprintf(stderr, "%s: %s: %s; run 'dsamig unload' first, or "
					"rerun with --force\n", name, devs[i].dev, e.reason);
				ret = DSAMIG_EXIT_FAILURE;
			} else if (rc) {
				fprintf(stderr, "%s: %s: %s: %s; see 'dsamig status'\n", name,
					devs[i].dev, e.what, e.reason);
				ret = DSAMIG_EXIT_FAILURE;
			} else {
				dsa_config_forget(devs[i].dev, DSAMIG_STATE_DIR);
				json_object_object_add(o, "action", json_object_new_string("reset"));
				if (!a->json)
					printf("%s: restored the configuration from before dsamig "
					       "setup\n", devs[i].dev);
			}
		}
		json_object_array_add(out, o);
	}
	return ret;
}

static int setup_one(const char *name, const struct setup_args *a, const struct dsa_dev_desc *d,
		     struct json_object *out)
{
	struct dsa_plan p;
	struct dsa_error e = { 0 };
	struct json_object *o;
	char chan[32];
	bool saved;
	int rc;

	if (dsa_plan_setup(d, &a->req, &p))
		return DSAMIG_EXIT_FAILURE;
	o = plan_json(d, &p);
	json_object_array_add(out, o);
	if (!a->json)
		print_plan(d, &p);
	if (p.action == DSA_PLAN_REFUSE) {
		fprintf(stderr, "%s: %s: %s\n", name, d->dev, p.reason);
		return DSAMIG_EXIT_FAILURE;
	}
	if (p.action == DSA_PLAN_DONE || a->dry_run)
		return DSAMIG_EXIT_OK;

	/* Keep the oldest saved configuration: the one from before any setup. */
	rc = dsa_config_load(d->dev, DSAMIG_STATE_DIR, &(struct dsa_dev_desc){ 0 });
	saved = rc == -ENOENT;
	rc = saved ? dsa_config_save(d, DSAMIG_STATE_DIR) : 0;
	if (rc) {
		fprintf(stderr, "%s: %s: cannot save its configuration in %s: %s; nothing changed\n",
			name, d->dev, DSAMIG_STATE_DIR, strerror(-rc));
		return DSAMIG_EXIT_FAILURE;
	}
	rc = dsa_setup_apply(d, &p, &e);
	if (rc) {
		if (saved)
			dsa_config_forget(d->dev, DSAMIG_STATE_DIR);
		fprintf(stderr, "%s: %s: %s: %s; the device was left as it was (see dmesg)\n",
			name, d->dev, e.what, e.reason);
		json_object_object_add(o, "error", json_object_new_string(e.reason));
		return DSAMIG_EXIT_FAILURE;
	}
	if (!channel_now(d->dev, d->wq[p.wq].dev, chan, sizeof(chan))) {
		dsa_restore(d, true, &e);
		if (saved)
			dsa_config_forget(d->dev, DSAMIG_STATE_DIR);
		fprintf(stderr, "%s: %s: %s: no dmaengine channel appeared; the device was left as "
			"it was (see dmesg)\n", name, d->dev, d->wq[p.wq].dev);
		json_object_object_add(o, "error", json_object_new_string("no channel"));
		return DSAMIG_EXIT_FAILURE;
	}
	json_object_object_add(o, "channel", json_object_new_string(chan));
	if (!a->json)
		printf("%s: set up: %s gives %s\n", d->dev, d->wq[p.wq].dev, chan);
	return DSAMIG_EXIT_OK;
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
	if (!a.dry_run) {
		ret = cli_need_root(argv[0], "configure DSA devices");
		if (ret)
			return ret;
	}
	n = dsa_describe_all(devs, MAX_DEVS);
	if (n < 0) {
		fprintf(stderr, "%s: cannot read the DSA devices: %s; is idxd loaded?\n", argv[0],
			strerror(-n));
		return DSAMIG_EXIT_FAILURE;
	}
	if (!n) {
		fprintf(stderr, "%s: no DSA device; see 'dsamig status' for what is missing\n",
			argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	for (j = 0; j < a.nr_devices; j++) {
		for (i = 0; i < n && strcmp(devs[i].dev, a.devices[j]); i++)
			;
		if (i == n) {
			fprintf(stderr, "%s: %s: no such DSA device; see 'dsamig status'\n", argv[0],
				a.devices[j]);
			return DSAMIG_EXIT_FAILURE;
		}
	}
	out = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(out, "dry_run", json_object_new_boolean(a.dry_run));
	json_object_object_add(out, "devices", list);
	if (a.reset) {
		ret = reset(argv[0], &a, devs, n, list);
	} else {
		for (i = 0; i < n; i++) {
			if (!chosen(&a, devs[i].dev))
				continue;
			rc = setup_one(argv[0], &a, &devs[i], list);
			if (rc)
				ret = rc;
		}
	}
	if (a.json)
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(out);
	return ret;
}
