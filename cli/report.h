/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report output of dsamig compact, promote, demote and stat: JSON, and
 * the human lines compact, promote and demote print alike:
 * the time in migrate_pages(), and how dsamig.ko copied the pages (per
 * backend, setup against transfer time, and the CPU copies). Their JSON is
 * the library's (dsamig_result_to_json in lib/stats_json.h).
 */
#ifndef DSAMIG_CLI_REPORT_H
#define DSAMIG_CLI_REPORT_H

#include <stdio.h>

#include <json-c/json.h>

#include "ctx.h"
#include "session.h"

/*
 * Print @j (which it puts; NULL: out of memory) on @f with the library's
 * printer: DSAMIG_EXIT_OK, also when the reader went away (EPIPE), else an
 * error line and DSAMIG_EXIT_FAILURE.
 */
int cli_print_json(struct dsamig_ctx *ctx, FILE *f, struct json_object *j);

/* "in migrate_pages()": the time inside its calls and the pages/s of it. */
void report_migrate_human(const struct dsamig_session_result *m);

/* The copy breakdown as indented lines, or that dsamig.ko is not loaded. */
void report_copy_human(const struct dsamig_session_result *m);

/* "interrupted" and the line naming the stop signal. */
const char *report_signal_name(int sig);

#endif /* DSAMIG_CLI_REPORT_H */
