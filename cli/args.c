// SPDX-License-Identifier: GPL-2.0
/*
 * argp with dsamig's error conventions. Left alone, argp follows getopt's
 * one-line message with a "Try ... --help" line and exits with status 64;
 * dsamig wants one line and status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dsamig.h"
#include "nodemask.h"
#include "parse.h"

static error_t quiet_parser(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	/*
	 * getopt has printed its own line on stderr; without an error stream
	 * argp neither adds its hint nor exits, and argp_parse() returns EINVAL.
	 */
	state->err_stream = NULL;
	state->child_inputs[0] = state->input;
	return 0;
}

int cli_parse_args(const struct argp *argp, int argc, char *argv[],
		   unsigned int flags, void *input)
{
	/* The verb's argp rides as the only child, so its help reads as its own. */
	const struct argp_child children[] = {
		{ .argp = argp },
		{ 0 },
	};
	const struct argp wrapper = {
		.parser = quiet_parser,
		.children = children,
	};
	error_t err;

	err = argp_parse(&wrapper, argc, argv, flags, NULL, input);
	if (!err)
		return DSAMIG_EXIT_OK;
	if (err == ENOMEM) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	return DSAMIG_EXIT_USAGE;
}

int cli_need_root(const char *name, const char *what)
{
	if (geteuid() == 0)
		return DSAMIG_EXIT_OK;
	fprintf(stderr, "%s: must be run as root to %s; try 'sudo %s'\n", name, what, name);
	return DSAMIG_EXIT_FAILURE;
}

int cli_usage_error(const struct argp_state *state, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", state->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see '%s --help'\n", state->name);
	return EINVAL;
}

int cli_parse_node(const struct argp_state *state, const char *opt, const char *arg,
		   unsigned int *node)
{
	uint64_t v;

	if (dsamig_parse_uint(arg, 0, DSAMIG_MAX_NODES - 1, &v))
		return cli_usage_error(state, "bad node '%s' for %s: a node number", arg, opt);
	*node = (unsigned int)v;
	return 0;
}
