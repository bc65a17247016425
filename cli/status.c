// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig status [--json]: DSA devices, dsamig.ko, what the kernel supports
 * and a remedy for each missing piece. The text and --json both render the
 * one struct dsamig_status the library gathers.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dsamig.h"
#include "parse.h"
#include "status.h"

#define STATUS_NAME(e, s) s,

/* Like systemctl is-active's "inactive": the state was read, it is not ready. */
#define STATUS_EXIT_NOT_READY	3

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "Print one JSON object (keys in dsamig-status(8))", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	bool *json = state->input;

	switch (key) {
	case 'j':
		*json = true;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp status_argp = {
	.options = options,
	.parser = parser,
	.doc = "Show the DSA devices and work queues, dsamig.ko with its knobs and "
	       "counters, what the kernel supports, and how to fix what is missing. "
	       "Exit status: 0 ready (dsamig.ko loaded with a backend that copies), "
	       "3 not ready, 1 error, 2 usage error.",
};

/* A counter as text: 0 when it could not be read (its JSON has no key). */
static unsigned long long count(const struct dsamig_status_counter *c)
{
	return c->read ? (unsigned long long)c->value : 0;
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static void print_group(const struct dsa_dev_desc *d, int g)
{
	bool used = false;
	char name[32];
	int i;

	for (i = 0; i < d->nr_engines; i++)
		used |= d->engine[i].group == g;
	for (i = 0; i < d->nr_wqs; i++)
		used |= d->wq[i].group == g;
	if (!used)
		return;
	snprintf(name, sizeof(name), "group%d.%d", d->id, g);
	printf("    %-10s engines", name);
	for (i = 0; i < d->nr_engines; i++)
		if (d->engine[i].group == g)
			printf(" %s", d->engine[i].dev);
	printf("  wqs");
	for (i = 0; i < d->nr_wqs; i++)
		if (d->wq[i].group == g)
			printf(" %s", d->wq[i].dev);
	putchar('\n');
}

static void print_device(const struct dsa_dev_desc *d)
{
	size_t idle = 0;
	int g, i;

	printf("  %-10s %-9s clients %-3d groups %d  engines %d  wqs %d  wq size %d\n",
	       d->dev, d->state, d->clients, d->max_groups, d->max_engines, d->max_wqs,
	       d->max_wq_size);
	for (g = 0; g < d->max_groups && g < DSA_MAX_GROUPS; g++)
		print_group(d, g);
	for (i = 0; i < d->nr_wqs; i++) {
		const struct dsa_wq_desc *w = &d->wq[i];

		if (w->group < 0 && !strcmp(w->state, "disabled")) {
			idle++;
			continue;
		}
		printf("    %-10s %-6s %-9s size %-4d %-9s driver %-9s %-8s clients %-3d %s\n",
		       w->dev, w->type, w->shared ? "shared" : "dedicated", w->size,
		       w->name[0] ? w->name : "-", w->driver[0] ? w->driver : "-", w->state,
		       w->clients, w->channel);
	}
	if (idle)
		printf("    %zu unconfigured %s\n", idle, dsamig_plural(idle, "wq", "wqs"));
}

static void print_module(const struct dsamig_status_module *m)
{
	static const enum dsamig_backend backends[] = {
		DSAMIG_BACKEND_DSA, DSAMIG_BACKEND_MT, DSAMIG_BACKEND_CPU,
	};
	static const char *const backend_names[] = { DSAMIG_BACKENDS(STATUS_NAME) };
	static const char *const cause_names[] = { DSAMIG_CAUSES(STATUS_NAME) };
	size_t i;

	if (!m->loaded) {
		printf("dsamig.ko    not loaded\n");
		return;
	}
	printf("dsamig.ko    %s  ", m->has_version ? m->version : "-");
	for (i = 0; i < m->nr_knobs; i++)
		if (m->knobs[i].read)
			printf(" %s=%s", m->knobs[i].knob->name, m->knobs[i].value);
	printf("\n  counters    channels %llu  cpu_path_pages %llu  skipped_copies %llu  errors %llu\n",
	       count(&m->channels), count(&m->cpu_path_pages), count(&m->skipped_copies),
	       count(&m->errors));
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		const struct dsamig_status_backend *b = &m->backend[backends[i]];
		unsigned long long runs = count(&b->runs), pages = count(&b->pages);
		unsigned long long bytes = count(&b->bytes);

		printf("  %-11s %llu %s  %llu %s  %llu %s\n", backend_names[backends[i]],
		       runs, dsamig_plural(runs, "run", "runs"),
		       pages, dsamig_plural(pages, "page", "pages"),
		       bytes, dsamig_plural(bytes, "byte", "bytes"));
	}
	printf("  fallbacks  ");
	for (i = 0; i < DSAMIG_NR_CAUSES; i++)
		if (m->fallbacks[i].read)
			printf(" %s %llu", cause_names[i], count(&m->fallbacks[i]));
	putchar('\n');
}

static const char *const tracefs_words[] = {
	[DSAMIG_TRACEFS_OK] = "yes",
	[DSAMIG_TRACEFS_NOT_READABLE] = "not readable",
	[DSAMIG_TRACEFS_NOT_MOUNTED] = "not mounted",
};

static void print_text(const struct dsamig_status *st)
{
	const struct dsamig_status_kernel *k = &st->kernel;
	size_t nr_devs = st->nr_devs > 0 ? (size_t)st->nr_devs : 0, i;

	printf("dsamig       %s\n", DSAMIG_VERSION);
	printf("kernel       %s  tested series %s  hooks armed %s  tracefs %s  DAMON %s (migrate_hot %s)  IOMMU %s\n",
	       k->release, k->tested_series ? k->tested_series : "none", yes(k->hooks_armed),
	       tracefs_words[k->tracefs], yes(k->damon), yes(k->damon_migrate_hot),
	       yes(k->iommu));
	printf("DSA          %zu %s, %u DMA %s\n", nr_devs,
	       dsamig_plural(nr_devs, "device", "devices"), st->dma_channels,
	       dsamig_plural(st->dma_channels, "channel", "channels"));
	for (i = 0; i < nr_devs; i++)
		print_device(&st->devs[i]);
	print_module(&st->module);
	printf("%-12s %s\n", st->ready ? "ready" : "not ready", st->readiness);
	for (i = 0; i < st->nr_problems; i++)
		printf("missing      %s: %s\n", st->problems[i].problem, st->problems[i].remedy);
}

static int print_json(const struct dsamig_status *st)
{
	struct json_object *o = dsamig_status_to_json(st);
	const char *text;
	int ret = -ENOMEM;

	if (!o)
		goto out;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		goto out_put;
	printf("%s\n", text);
	ret = 0;
out_put:
	json_object_put(o);
out:
	return ret;
}

int cmd_status(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct dsamig_status *st;
	bool json = false;
	int ret, err;

	ret = cli_parse_args(&status_argp, argc, argv, 0, &json);
	if (ret)
		return ret;
	err = dsamig_status_gather(ctx, &st);
	if (err)
		goto fail;
	if (json) {
		err = print_json(st);
		if (err)
			goto fail_free;
	} else {
		print_text(st);
	}
	ret = st->ready ? DSAMIG_EXIT_OK : STATUS_EXIT_NOT_READY;
	dsamig_status_free(st);
	return ret;
fail_free:
	dsamig_status_free(st);
fail:
	dsamig_err(ctx, "cannot gather the status: %s", strerror(-err));
	return DSAMIG_EXIT_FAILURE;
}
