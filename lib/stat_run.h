/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig stat's action: run a command in a measurement session, as perf
 * stat does for counters, and take the migrations of that period.
 *
 * SIGINT and SIGQUIT go to the command alone (the terminal sends them to
 * both; dsamig ignores them and reports what it saw); SIGTERM and SIGHUP
 * to dsamig are passed on to the command. The buffers are drained every
 * 200 ms while it runs, so that they never fill.
 */
#ifndef DSAMIG_STAT_RUN_H
#define DSAMIG_STAT_RUN_H

#include "session.h"

/* As the shell, when the command cannot run. */
#define DSAMIG_EXIT_NOT_FOUND	127

struct dsamig_stat_result {
	int wait_status;		/* waitpid()'s */
	int exit_status;		/* the shell's: the code, or 128 + signal */
	double secs;			/* the command's run */
	double end_unix;		/* when it ended: the Unix time */
};

/*
 * Run @argv (argv[0] is looked up in PATH) in @s, which is open, and fill
 * in @r; @s->total then holds the migrations of the run. 0, or a negative
 * errno after one error line: -ENOEXEC when the command could not be run
 * (r->exit_status is 127 then), another when it could not be started.
 */
int dsamig_stat_run(struct dsamig_session *s, char *const argv[], struct dsamig_stat_result *r);

/*
 * The session's totals as 'dsamig stat --json' prints them: the stats
 * object of dsamig-top(8), with time, command, argv and exit_status.
 */
struct json_object *dsamig_stat_result_to_json(const struct dsamig_session *s,
					       char *const argv[],
					       const struct dsamig_stat_result *r);

#endif /* DSAMIG_STAT_RUN_H */
