// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig: offload the page copies of Linux page migration to Intel DSA, and
 * show where the time goes. main() parses the global options, up to the
 * first word that is not one (the verb), and hands the rest to that verb.
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsamig.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char progname[] = "dsamig";

static int cmd_help(int argc, char *argv[], struct dsamig_ctx *ctx);

/* Every verb, in the order --help lists them. Only verbs that work belong here. */
static const struct dsamig_cmd {
	const char *name;
	int (*cmd)(int argc, char *argv[], struct dsamig_ctx *ctx);
	const char *help;
} cmds[] = {
	{ "help", cmd_help, "Show the help of dsamig or of one command" },
	{ "top", cmd_top, "Show live where page migration time goes" },
	{ "stat", cmd_stat, "Run a command and print the migrations it caused" },
	{ "setup", cmd_setup, "Give the kernel a DSA work queue (dmaengine)" },
	{ "load", cmd_load, "Load dsamig.ko: migrations copy through DSA" },
	{ "unload", cmd_unload, "Remove dsamig.ko" },
	{ "set", cmd_set, "Set knobs of dsamig.ko (KEY=VALUE...)" },
	{ "get", cmd_get, "Print knobs of dsamig.ko" },
	{ "status", cmd_status, "Show DSA devices, dsamig.ko and what is missing" },
	{ "compact", cmd_compact, "Compact nodes now and report what it migrated" },
	{ "promote", cmd_promote, "Move hot pages to a node now with DAMON" },
	{ "demote", cmd_demote, "Move cold pages to a node now with DAMON" },
	{ "bench", cmd_bench, "Measure copy time per batch size, per backend" },
	{ "calibrate", cmd_calibrate, "Find the cpu/dsa crossover and set the threshold" },
};

static const struct dsamig_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int unknown_cmd(const char *name)
{
	fprintf(stderr, "dsamig: '%s' is not a dsamig command; see 'dsamig --help'\n", name);
	return DSAMIG_EXIT_USAGE;
}

static int run_cmd(const struct dsamig_cmd *cmd, int argc, char *argv[],
		   struct dsamig_ctx *ctx)
{
	char name[64];

	/* argp and getopt name the program after argv[0] in usage and errors. */
	snprintf(name, sizeof(name), "dsamig %s", cmd->name);
	argv[0] = name;
	if (dsamig_ctx_set_name(ctx, name)) {
		fprintf(stderr, "dsamig: out of memory\n");
		return DSAMIG_EXIT_FAILURE;
	}
	return cmd->cmd(argc, argv, ctx);
}

static const struct argp_option global_options[] = {
	{ .name = "version", .key = 'V', .doc = "Print the version and exit" },
	{ 0 },
};

static error_t global_parser(int key, char *arg, struct argp_state *state)
{
	int *verb = state->input;

	switch (key) {
	case 'V':
		printf("dsamig %s\n", DSAMIG_VERSION);
		exit(DSAMIG_EXIT_OK);
	case ARGP_KEY_ARGS:
		/* The verb and everything after it belong to the verb. */
		*verb = state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		/* A usage error like an unknown command (status 2), with the way on. */
		argp_state_help(state, stderr, ARGP_HELP_SHORT_USAGE);
		fprintf(stderr, "dsamig: no command given; see 'dsamig --help' for the "
			"commands, or start with 'dsamig status'\n");
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The list of verbs, built from cmds[] so that it cannot go stale. */
static char *global_help_filter(int key, const char *text, void *input)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	f = open_memstream(&buf, &len);
	if (!f)
		return (char *)text;
	fputs("Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-26s %s\n", cmds[i].name, cmds[i].help);
	fputs("\nRun 'dsamig help COMMAND' for the options of one command.", f);
	if (fclose(f)) {
		free(buf);
		return (char *)text;
	}
	return buf;	/* argp frees it */
}

static const struct argp global_argp = {
	.options = global_options,
	.parser = global_parser,
	.args_doc = "COMMAND [ARG...]",
	.doc = "Offload the page copies of Linux page migration to Intel DSA, "
	       "and show where the time goes.",
	.help_filter = global_help_filter,
};

static error_t help_parser(int key, char *arg, struct argp_state *state)
{
	const char **verb = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			return cli_usage_error(state, "one command at a time");
		*verb = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp help_argp = {
	.parser = help_parser,
	.args_doc = "[COMMAND]",
	.doc = "Show the help of dsamig, or of COMMAND (as 'dsamig COMMAND --help').",
};

static int cmd_help(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static char help_opt[] = "--help";
	/* Help is asked of the parser, which alone knows argp's own options. */
	char *help_argv[] = { progname, help_opt, NULL };
	const struct dsamig_cmd *cmd;
	const char *verb = NULL;
	int err, ignored;

	err = cli_parse_args(&help_argp, argc, argv, 0, &verb);
	if (err)
		return err;
	if (!verb)
		return cli_parse_args(&global_argp, 2, help_argv, ARGP_IN_ORDER, &ignored);
	cmd = find_cmd(verb);
	if (!cmd)
		return unknown_cmd(verb);
	return run_cmd(cmd, 2, help_argv, ctx);
}

int main(int argc, char *argv[])
{
	const struct dsamig_cmd *cmd;
	struct dsamig_ctx *ctx;
	int verb = 0, err;

	if (argc < 1)
		return DSAMIG_EXIT_USAGE;
	/* Messages name the program "dsamig", whatever path ran it. */
	argv[0] = progname;
	/* Should argp ever exit on an error itself, it is still a usage error. */
	argp_err_exit_status = DSAMIG_EXIT_USAGE;

	err = cli_parse_args(&global_argp, argc, argv, ARGP_IN_ORDER, &verb);
	if (err)
		return err;
	cmd = find_cmd(argv[verb]);
	if (!cmd)
		return unknown_cmd(argv[verb]);
	/* One context for the verb: its roots, error channel and handles. */
	if (dsamig_ctx_new(&ctx)) {
		fprintf(stderr, "dsamig: out of memory\n");
		return DSAMIG_EXIT_FAILURE;
	}
	err = run_cmd(cmd, argc - verb, argv + verb, ctx);
	dsamig_ctx_free(ctx);
	return err;
}
