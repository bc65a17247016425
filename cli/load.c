// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig load and dsamig unload: dsamig.ko in and out of the kernel, with
 * its knobs checked before the module sees them, as dsamig set checks them.
 * Both are idempotent; load on a loaded module sets the knobs it was given.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dsamig.h"
#include "knobs.h"
#include "module.h"
#include "module_run.h"

#define MAX_LOAD_KNOBS 8

struct load_args {
	const char *module;
	struct dsamig_knob_set set[MAX_LOAD_KNOBS];
	unsigned int n;
};

static const struct argp_option load_options[] = {
	{ "backend", 'b', "BACKEND", 0, "Copy backend: dsa (default), mt, cpu or off", 0 },
	{ "threshold", 't', "PAGES", 0, "Runs smaller than this stay on the CPU", 0 },
	{ "reasons", 'r', "LIST", 0, "Migration reasons that offload (comma-separated, all or none)", 0 },
	{ "channels", 'c', "N", 0, "DMA channels a run is spread over (0: all)", 0 },
	{ "module", 'm', "PATH", 0, "Load this dsamig.ko instead of the installed or built one", 0 },
	{ 0 },
};

/* Check KNOB=VALUE as dsamig set does, and add it to the request. */
static int add_param(struct argp_state *state, struct load_args *a, const char *knob,
		     const char *value)
{
	char msg[512];

	if (dsamig_knob_set_add(a->set, &a->n, MAX_LOAD_KNOBS, knob, value, msg, sizeof(msg)))
		return cli_usage_error(state, "%s", msg);
	return 0;
}

static error_t load_parser(int key, char *arg, struct argp_state *state)
{
	struct load_args *a = state->input;

	switch (key) {
	case 'b':
		return add_param(state, a, "backend", arg);
	case 't':
		return add_param(state, a, "threshold", arg);
	case 'r':
		return add_param(state, a, "reasons", arg);
	case 'c':
		return add_param(state, a, "channels", arg);
	case 'm':
		a->module = arg;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp load_argp = {
	.options = load_options,
	.parser = load_parser,
	.doc = "Load dsamig.ko: from PATH with --module, else the installed module, else "
	       "the one in the build tree next to this program. If it is loaded, the knob "
	       "options are set as 'dsamig set' sets them (all or nothing), and without "
	       "any it does nothing.",
};

/* What load did, as one line. */
static void print_outcome(const struct load_args *a, const struct dsamig_load_result *r)
{
	unsigned int i;

	switch (r->outcome) {
	case DSAMIG_LOAD_LOADED:
		printf("loaded dsamig.ko %s from %s%s%s\n", r->version, r->file,
		       r->params[0] ? " with " : "", r->params);
		break;
	case DSAMIG_LOAD_NOTHING:
		printf("dsamig.ko %s is already loaded; nothing to do (change knobs with "
		       "'dsamig set')\n", r->version);
		break;
	case DSAMIG_LOAD_SET:
		printf("dsamig.ko %s is already loaded; set", r->version);
		for (i = 0; i < a->n; i++)
			printf("%s %s=%s (%s%s)", i ? "," : "", a->set[i].knob->name,
			       a->set[i].value,
			       strcmp(a->set[i].old, a->set[i].value) ? "was " : "unchanged",
			       strcmp(a->set[i].old, a->set[i].value) ? a->set[i].old : "");
		putchar('\n');
		break;
	}
}

int cmd_load(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct load_args a;
	struct dsamig_load_result r;
	int ret;

	ret = cli_parse_args(&load_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "load a kernel module");
	if (ret)
		return ret;
	if (dsamig_load_run(ctx, a.module, a.set, a.n, &r))
		return DSAMIG_EXIT_FAILURE;
	print_outcome(&a, &r);
	return DSAMIG_EXIT_OK;
}

static error_t unload_parser(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_ARG)
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

static const struct argp unload_argp = {
	.parser = unload_parser,
	.doc = "Remove dsamig.ko: migrations copy on the CPU again. Does nothing if it "
	       "is not loaded.",
};

int cmd_unload(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	int ret, err;

	ret = cli_parse_args(&unload_argp, argc, argv, 0, NULL);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "unload a kernel module");
	if (ret)
		return ret;
	err = dsamig_module_unload(ctx);
	switch (err) {
	case 0:
		printf("unloaded dsamig.ko\n");
		return DSAMIG_EXIT_OK;
	case -ENOENT:
		printf("dsamig.ko is not loaded; nothing to do\n");
		return DSAMIG_EXIT_OK;
	case -EBUSY:
		dsamig_err(ctx, "dsamig.ko is in use; retry when it is free");
		return DSAMIG_EXIT_FAILURE;
	default:
		dsamig_err(ctx, "cannot remove dsamig.ko: %s; see dmesg", strerror(-err));
		return DSAMIG_EXIT_FAILURE;
	}
}
