/* SPDX-License-Identifier: GPL-2.0 */
/* dsamig bench --overhead's run and report (cli/overhead.c). */
#ifndef DSAMIG_CLI_OVERHEAD_H
#define DSAMIG_CLI_OVERHEAD_H

#include <stdbool.h>

#include "ctx.h"

/*
 * Run @pairs ABBA pairs between nodes @src and @dst (DSAMIG_BENCH_ANY_NODE:
 * the first two with memory) and print the report, human or JSON; @quiet:
 * no progress line. An exit status.
 */
int cli_bench_overhead(struct dsamig_ctx *ctx, unsigned int pairs, unsigned int src,
		       unsigned int dst, bool json, bool quiet);

#endif /* DSAMIG_CLI_OVERHEAD_H */
