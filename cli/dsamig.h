/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dsamig program: exit statuses and the argument-parsing helpers that
 * every verb uses, so that all of them report usage errors the same way.
 *
 * A verb is int cmd_<verb>(int argc, char *argv[], struct dsamig_ctx *ctx)
 * in cli/<verb>.c, listed in the cmds[] table of cli/main.c. It gets the
 * command line from the verb on, with argv[0] and the context's name set to
 * "dsamig <verb>", and the library context main() made (lib/ctx.h): the
 * verb parses, makes one library call, and renders what it returns. It
 * returns an exit status.
 */
#ifndef DSAMIG_CLI_H
#define DSAMIG_CLI_H

#include <argp.h>
#include <stdbool.h>

#include "ctx.h"

#define DSAMIG_EXIT_OK		0	/* done */
#define DSAMIG_EXIT_FAILURE	1	/* the request was valid, doing it failed */
#define DSAMIG_EXIT_USAGE	2	/* the command line was wrong */

/*
 * argp_parse() with dsamig's conventions: a usage error is one line on stderr
 * and DSAMIG_EXIT_USAGE; --help and --usage print and exit 0. Returns an exit
 * status (DSAMIG_EXIT_OK when the verb should go on).
 *
 * Parsers must report their own errors with cli_usage_error(): argp_error()
 * and argp_failure() print nothing here.
 */
int cli_parse_args(const struct argp *argp, int argc, char *argv[],
		   unsigned int flags, void *input);

/*
 * Print "dsamig <verb>: <message>; see 'dsamig <verb> --help'" on stderr and
 * return EINVAL, for a parser to return:
 *	return cli_usage_error(state, "bad size '%s'", arg);
 */
int cli_usage_error(const struct argp_state *state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A node number for option @opt ("--from") into @node, or the usage error
 * "bad node 'x' for --from: a node number" (returns EINVAL).
 */
int cli_parse_node(const struct argp_state *state, const char *opt, const char *arg,
		   unsigned int *node);

/*
 * DSAMIG_EXIT_OK as root; else "<name>: must be run as root to <what>" on
 * stderr and DSAMIG_EXIT_FAILURE, for verbs that change or trace the system.
 */
int cli_need_root(const char *name, const char *what);

/* Human units, "12.5 us", "3.2 MiB", in cli/units.c. */
void cli_fmt_ns(char *buf, size_t size, double ns);
void cli_fmt_bytes(char *buf, size_t size, double bytes);

/* The verbs */
int cmd_bench(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_calibrate(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_compact(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_demote(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_get(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_load(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_promote(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_set(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_setup(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_unload(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_stat(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_status(int argc, char *argv[], struct dsamig_ctx *ctx);
int cmd_top(int argc, char *argv[], struct dsamig_ctx *ctx);

#endif /* DSAMIG_CLI_H */
