// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig set KEY=VALUE... and dsamig get [KEY...]: the run-time knobs of
 * dsamig.ko. Every value is checked against DSAMIG_KNOBS before the first
 * write, a knob given twice is refused, and if the module refuses one,
 * those already written are put back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "knobs.h"
#include "module.h"
#include "module_run.h"

#define MAX_SETS 32

struct set_args {
	struct dsamig_knob_set set[MAX_SETS];
	unsigned int n;
};

static error_t set_parser(int key, char *arg, struct argp_state *state)
{
	struct set_args *a = state->input;
	char msg[512], *eq;

	switch (key) {
	case ARGP_KEY_ARG:
		eq = strchr(arg, '=');
		if (!eq)
			return cli_usage_error(state, "'%s' is not KEY=VALUE", arg);
		*eq = '\0';
		if (dsamig_knob_set_add(a->set, &a->n, MAX_SETS, arg, eq + 1, msg, sizeof(msg)))
			return cli_usage_error(state, "%s", msg);
		return 0;
	case ARGP_KEY_NO_ARGS:
		return cli_usage_error(state, "no KEY=VALUE to set");
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp set_argp = {
	.parser = set_parser,
	.args_doc = "KEY=VALUE...",
	.doc = "Set knobs of the loaded dsamig.ko. Every value is checked first; "
	       "if one is refused, nothing changes. 'dsamig get' lists the knobs.",
};

int cmd_set(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct set_args a;
	unsigned int i;
	int ret;

	ret = cli_parse_args(&set_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "change dsamig.ko's knobs");
	if (ret)
		return ret;
	if (dsamig_set_run(ctx, a.set, a.n))
		return DSAMIG_EXIT_FAILURE;
	for (i = 0; i < a.n; i++)
		printf("%s=%s\n", a.set[i].knob->name, a.set[i].value);
	return DSAMIG_EXIT_OK;
}

struct get_args {
	const struct dsamig_knob *knob[MAX_SETS];
	unsigned int n;
};

static error_t get_parser(int key, char *arg, struct argp_state *state)
{
	struct get_args *a = state->input;
	const struct dsamig_knob *k;

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	k = dsamig_knob_find(arg);
	if (!k)
		return cli_usage_error(state, "no knob '%s'", arg);
	if (a->n == MAX_SETS)
		return cli_usage_error(state, "too many knobs at once");
	a->knob[a->n++] = k;
	return 0;
}

static const struct argp get_argp = {
	.parser = get_parser,
	.args_doc = "[KEY...]",
	.doc = "Print knobs of the loaded dsamig.ko as KEY=VALUE lines: the KEYs given, "
	       "or all of them.",
};

int cmd_get(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct get_args a = { 0 };
	char value[DSAMIG_KNOB_VALUE_MAX];
	unsigned int i;
	int ret, err;

	ret = cli_parse_args(&get_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.n)
		for (; a.n < dsamig_nr_knobs && a.n < MAX_SETS; a.n++)
			a.knob[a.n] = &dsamig_knob_table[a.n];
	if (!dsamig_module_loaded()) {
		dsamig_err(ctx, "dsamig.ko is not loaded; run 'dsamig load' first");
		return DSAMIG_EXIT_FAILURE;
	}
	for (i = 0; i < a.n; i++) {
		err = dsamig_module_knob_read(a.knob[i]->name, value, sizeof(value));
		if (err) {
			dsamig_err(ctx, "cannot read %s: %s", a.knob[i]->name, strerror(-err));
			return DSAMIG_EXIT_FAILURE;
		}
		printf("%s=%s\n", a.knob[i]->name, value);
	}
	return DSAMIG_EXIT_OK;
}
