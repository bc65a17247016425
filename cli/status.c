// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig status [--json]: DSA devices, dsamig.ko, what the kernel supports
 * and a remedy for each missing piece. The text is drawn from the same
 * JSON object that --json prints.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "parse.h"
#include "status.h"

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

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v ? json_object_get_string(v) : "-";
}

static long long num(struct json_object *o, const char *key)
{
	return json_object_get_int64(get(o, key));
}

static const char *yes(struct json_object *o, const char *key)
{
	return json_object_get_boolean(get(o, key)) ? "yes" : "no";
}

static void print_device(struct json_object *d)
{
	struct json_object *wqs = get(d, "wqs"), *groups = get(d, "groups");
	size_t i, j, idle = 0;

	printf("  %-10s %-9s clients %-3lld groups %lld  engines %lld  wqs %lld  wq size %lld\n",
	       str(d, "name"), str(d, "state"), num(d, "clients"), num(d, "max_groups"),
	       num(d, "max_engines"), num(d, "max_wqs"), num(d, "max_wq_size"));
	for (i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		struct json_object *e = get(g, "engines"), *w = get(g, "wqs");

		if (!json_object_array_length(e) && !json_object_array_length(w))
			continue;
		printf("    %-10s engines", str(g, "name"));
		for (j = 0; j < json_object_array_length(e); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(e, j)));
		printf("  wqs");
		for (j = 0; j < json_object_array_length(w); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(w, j)));
		putchar('\n');
	}
	for (i = 0; i < json_object_array_length(wqs); i++) {
		struct json_object *w = json_object_array_get_idx(wqs, i);

		if (num(w, "group") < 0 && !strcmp(str(w, "state"), "disabled")) {
			idle++;
			continue;
		}
		printf("    %-10s %-6s %-9s size %-4lld %-9s driver %-9s %-8s clients %-3lld %s\n",
		       str(w, "name"), str(w, "type"), str(w, "mode"), num(w, "size"),
		       str(w, "wq_name")[0] ? str(w, "wq_name") : "-",
		       str(w, "driver")[0] ? str(w, "driver") : "-", str(w, "state"),
		       num(w, "clients"), get(w, "dma_channel") ? str(w, "dma_channel") : "");
	}
	if (idle)
		printf("    %zu unconfigured %s\n", idle, dsamig_plural(idle, "wq", "wqs"));
}

static void print_module(struct json_object *m)
{
	struct json_object *c = get(m, "counters"), *f;
	const char *const backends[] = { "dsa", "mt", "cpu" };
	size_t i;

	if (!json_object_get_boolean(get(m, "loaded"))) {
		printf("dsamig.ko    not loaded\n");
		return;
	}
	printf("dsamig.ko    %s  ", str(m, "version"));
	json_object_object_foreach(get(m, "knobs"), k, v)
		printf(" %s=%s", k, json_object_get_string(v));
	printf("\n  counters    channels %lld  cpu_path_pages %lld  skipped_copies %lld  errors %lld\n",
	       num(c, "channels"), num(c, "cpu_path_pages"), num(c, "skipped_copies"),
	       num(c, "errors"));
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		struct json_object *b = get(c, backends[i]);

		printf("  %-11s %lld %s  %lld %s  %lld %s\n", backends[i],
		       num(b, "runs"), dsamig_plural(num(b, "runs"), "run", "runs"),
		       num(b, "pages"), dsamig_plural(num(b, "pages"), "page", "pages"),
		       num(b, "bytes"), dsamig_plural(num(b, "bytes"), "byte", "bytes"));
	}
	printf("  fallbacks  ");
	f = get(c, "fallbacks");
	json_object_object_foreach(f, cause, n)
		printf(" %s %lld", cause, (long long)json_object_get_int64(n));
	putchar('\n');
}

static void print_text(struct json_object *st)
{
	struct json_object *devs = get(st, "devices"), *k = get(st, "kernel");
	struct json_object *probs = get(st, "problems");
	size_t i, nr_devs = json_object_array_length(devs);
	const char *tracefs = str(k, "tracefs_state");

	printf("dsamig       %s\n", str(st, "version"));
	printf("kernel       %s  tested series %s  hooks armed %s  tracefs %s  DAMON %s (migrate_hot %s)  IOMMU %s\n",
	       str(k, "release"), get(k, "tested_series") ? str(k, "tested_series") : "none",
	       yes(k, "hooks_armed"), !strcmp(tracefs, "ok") ? "yes" :
	       !strcmp(tracefs, "not_readable") ? "not readable" : "not mounted",
	       yes(k, "damon"), yes(k, "damon_migrate_hot"), yes(k, "iommu"));
	printf("DSA          %zu %s, %lld DMA %s\n", nr_devs,
	       dsamig_plural(nr_devs, "device", "devices"), num(st, "dma_channels"),
	       dsamig_plural(num(st, "dma_channels"), "channel", "channels"));
	for (i = 0; i < nr_devs; i++)
		print_device(json_object_array_get_idx(devs, i));
	print_module(get(st, "module"));
	printf("%-12s %s\n", json_object_get_boolean(get(st, "ready")) ? "ready" : "not ready",
	       str(st, "readiness"));
	for (i = 0; i < json_object_array_length(probs); i++) {
		struct json_object *p = json_object_array_get_idx(probs, i);

		printf("missing      %s: %s\n", str(p, "problem"), str(p, "remedy"));
	}
}

int cmd_status(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct json_object *st;
	bool json = false, ready;
	int ret;

	ret = cli_parse_args(&status_argp, argc, argv, 0, &json);
	if (ret)
		return ret;
	st = dsamig_status_json();
	if (!st) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(st, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_text(st);
	ready = json_object_get_boolean(get(st, "ready"));
	json_object_put(st);
	return ready ? DSAMIG_EXIT_OK : STATUS_EXIT_NOT_READY;
}
