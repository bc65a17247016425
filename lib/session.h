/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measurement session every tracing verb runs in (top, stat, compact,
 * promote, demote): a private tracing instance and its decoder, the totals
 * and the last interval, the knobs read from dsamig.ko, /proc/vmstat and
 * fragmentation snapshots around an action, and the stop signals.
 *
 * The instance is removed on every exit: normal, SIGINT/SIGTERM/SIGHUP (a
 * flag, dsamig_session_stop; the verb's loop ends), a closed output pipe
 * (SIGPIPE: the writes fail with EPIPE, the loop ends) and crashes (the
 * handler removes it, and calls the verb's restore, before dying).
 */
#ifndef DSAMIG_SESSION_H
#define DSAMIG_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "compact.h"
#include "ctx.h"
#include "stats.h"
#include "trace.h"

struct dsamig_session {
	struct dsamig_ctx *ctx;
	struct dsamig_trace *trace;
	const struct dsamig_decoder *dec;
	bool module;			/* dsamig.ko's events are traced */
	struct dsamig_stats total;	/* since the start, or the last reset */
	struct dsamig_stats mark;	/* total at the last interval's end */
	struct dsamig_stats delta;	/* the last interval */
	uint64_t start_ns, mark_ns, reset_ns;
	double delta_s;
	char threshold[32], backend[32];	/* dsamig.ko's knobs, or "-" */

	/* An action measured from dsamig_session_begin() to _end(). */
	unsigned int reason;		/* the migrations it makes */
	uint64_t begin_ns, end_ns;	/* end_ns: 0 until marked */
	double secs;
	int frag_before[DSAMIG_STATS_NODES], frag_after[DSAMIG_STATS_NODES];
	struct dsamig_vmstat vm_begin, vmstat;	/* vmstat: the action's deltas */
};

/* The stop signal that came (SIGINT, SIGTERM, SIGHUP, SIGPIPE), or 0. */
extern volatile sig_atomic_t dsamig_session_stop;

/* CLOCK_MONOTONIC in ns. */
uint64_t dsamig_now_ns(void);

/*
 * Open the tracing instance and read the knobs. 0, or a negative errno
 * after one line on @ctx's error channel that says what to do.
 */
int dsamig_session_open(struct dsamig_ctx *ctx, struct dsamig_session *s);
void dsamig_session_close(struct dsamig_session *s);

/* SIGINT/SIGTERM/SIGHUP/SIGPIPE set dsamig_session_stop (no SA_RESTART). */
void dsamig_stop_signals(void);

/*
 * Stop on SIGINT/SIGTERM/SIGHUP/SIGPIPE (dsamig_session_stop); on a crash
 * call @restore (may be NULL), remove the instance and die of the signal.
 */
void dsamig_session_signals(struct dsamig_session *s, void (*restore)(void));

/* Read the trace into the totals; refresh the sampled values. */
void dsamig_session_drain(struct dsamig_session *s);

enum dsamig_wake {
	DSAMIG_WAKE_DEADLINE,		/* @deadline_ns came */
	DSAMIG_WAKE_FD,			/* @fd is readable */
	DSAMIG_WAKE_SIGNAL,		/* a signal came: a stop, or SIGWINCH */
};

/*
 * Drain until @deadline_ns, waking early when @fd (>= 0) is readable or a
 * signal comes (a stop signal also sets dsamig_session_stop).
 */
enum dsamig_wake dsamig_session_wait(struct dsamig_session *s, uint64_t deadline_ns, int fd);

/* End the interval: delta = total - mark. */
void dsamig_session_interval(struct dsamig_session *s);
void dsamig_session_reset(struct dsamig_session *s);

/*
 * Around an action: _begin() takes the vmstat and fragmentation snapshot
 * and the start time (0, or -errno after one error line); _end() drains
 * the trace and fills in secs, frag_after and the vmstat deltas.
 */
int dsamig_session_begin(struct dsamig_session *s);
void dsamig_session_end(struct dsamig_session *s);

/*
 * The action ended now, though its cleanup still runs: secs end here, and
 * _end() still drains what the cleanup traces (a kdamond's last moves).
 */
void dsamig_session_mark_end(struct dsamig_session *s);

/* What an action measured in a session reports, whatever the action. */
struct dsamig_session_result {
	double secs;
	bool interrupted;		/* by a stop signal: */
	int signal;
	bool module;			/* dsamig.ko was traced */
	unsigned int reason;		/* the action's migrations: */
	uint64_t migrated, failed;	/* traced pages of that reason */
	struct dsamig_stats total;
	struct dsamig_vmstat vmstat;	/* deltas */
	int frag_before[DSAMIG_STATS_NODES], frag_after[DSAMIG_STATS_NODES];
};

/* @r from @s after dsamig_session_end(), counting migrations of s->reason. */
void dsamig_session_result(const struct dsamig_session *s, struct dsamig_session_result *r);

/*
 * An action's session from start to finish. _start(): open, stop signals
 * (and @restore on a crash), the reason the kernel names @reason (else
 * @fallback), and _begin(); 0, or -errno after one error line, closed.
 * _finish(): _end(), the result into @r, and close.
 */
int dsamig_session_start(struct dsamig_ctx *ctx, struct dsamig_session *s, const char *reason,
			 unsigned int fallback, void (*restore)(void));
void dsamig_session_finish(struct dsamig_session *s, struct dsamig_session_result *r);

/* Progress while an action runs: @fn every @interval_ns (no @fn: none). */
struct dsamig_progress {
	void (*fn)(void *arg, uint64_t pages, double secs);
	void *arg;
	uint64_t interval_ns;
};

#endif /* DSAMIG_SESSION_H */
