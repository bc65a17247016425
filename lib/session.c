// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement session (session.h): open with a one-line error, drain
 * on a tick, intervals, snapshots around an action, signals.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frag.h"
#include "module.h"
#include "session.h"

/*
 * How often the buffers are drained while waiting for the next interval:
 * 2 MiB per CPU hold some 50000 events, plenty for half a second.
 */
#define DRAIN_NS	(500 * 1000000ULL)

volatile sig_atomic_t dsamig_session_stop;

static struct dsamig_session *crash_session;
static void (*crash_restore)(void);

uint64_t dsamig_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void read_knobs(struct dsamig_session *s)
{
	if (dsamig_module_knob_read("threshold", s->threshold, sizeof(s->threshold)))
		snprintf(s->threshold, sizeof(s->threshold), "-");
	if (dsamig_module_knob_read("backend", s->backend, sizeof(s->backend)))
		snprintf(s->backend, sizeof(s->backend), "-");
}

static void open_error(struct dsamig_ctx *ctx, int err)
{
	switch (err) {
	case -ENODEV:
		dsamig_err(ctx, "tracefs is not mounted; mount it on /sys/kernel/tracing");
		break;
	case -ENOENT:
		dsamig_err(ctx, "this kernel has no migrate:mm_migrate_pages tracepoint; "
			   "use a kernel with CONFIG_MIGRATION and tracepoints");
		break;
	case -EACCES:
	case -EPERM:
		dsamig_err(ctx, "not allowed to create a tracefs instance; run it as root");
		break;
	default:
		dsamig_err(ctx, "cannot set up tracing: %s; check /sys/kernel/tracing",
			   strerror(-err));
	}
}

int dsamig_session_open(struct dsamig_ctx *ctx, struct dsamig_session *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	err = dsamig_trace_open(&s->trace);
	if (err) {
		open_error(ctx, err);
		return err;
	}
	s->dec = dsamig_trace_decoder(s->trace);
	s->module = dsamig_trace_module_loaded(s->trace);
	s->start_ns = s->mark_ns = s->reset_ns = dsamig_now_ns();
	read_knobs(s);
	return 0;
}

void dsamig_session_close(struct dsamig_session *s)
{
	crash_session = NULL;
	crash_restore = NULL;
	dsamig_trace_close(s->trace, NULL);
	s->trace = NULL;
}

static void on_stop(int sig)
{
	dsamig_session_stop = sig;
}

static void on_crash(int sig)
{
	if (crash_restore)
		crash_restore();
	if (crash_session)
		dsamig_trace_abort(crash_session->trace);
	signal(sig, SIG_DFL);
	raise(sig);
}

void dsamig_stop_signals(void)
{
	/* SIGPIPE too: a reader that went away (| head) ends the run, not the process. */
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_stop };
	unsigned int i;

	/* No SA_RESTART: a stop signal must end a poll() or a blocking write at once. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
}

void dsamig_session_signals(struct dsamig_session *s, void (*restore)(void))
{
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = on_crash, .sa_flags = SA_RESETHAND };
	unsigned int i;

	crash_session = s;
	crash_restore = restore;
	dsamig_stop_signals();
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		sigaction(crashes[i], &sa, NULL);
}

/* Read the buffers, and follow dsamig.ko when it was loaded, unloaded or reloaded. */
static void session_read(struct dsamig_session *s)
{
	dsamig_trace_read(s->trace, &s->total);
	if (dsamig_trace_follow_module(s->trace, &s->total) > 0) {
		s->dec = dsamig_trace_decoder(s->trace);
		s->module = dsamig_trace_module_loaded(s->trace);
		read_knobs(s);
	}
}

void dsamig_session_drain(struct dsamig_session *s)
{
	int n;

	session_read(s);
	dsamig_trace_count_lost(s->trace, &s->total);
	n = dsamig_frag_read(s->total.frag_score, DSAMIG_STATS_NODES);
	s->total.nr_frag_nodes = n > 0 ? (unsigned int)n : 0;
}

enum dsamig_wake dsamig_session_wait(struct dsamig_session *s, uint64_t deadline_ns, int fd)
{
	for (;;) {
		uint64_t now = dsamig_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t slice;
		int ret;

		if (dsamig_session_stop)
			return DSAMIG_WAKE_SIGNAL;
		if (now >= deadline_ns)
			return DSAMIG_WAKE_DEADLINE;
		slice = deadline_ns - now < DRAIN_NS ? deadline_ns - now : DRAIN_NS;
		ret = poll(&p, fd >= 0, (int)((slice + 999999) / 1000000));
		if (ret > 0 && fd >= 0)
			return DSAMIG_WAKE_FD;
		if (ret < 0 && errno == EINTR && !dsamig_session_stop && fd >= 0)
			/* not a stop: SIGWINCH, which curses answers with a key */
			return DSAMIG_WAKE_SIGNAL;
		if (!dsamig_session_stop)
			session_read(s);
	}
}

void dsamig_session_interval(struct dsamig_session *s)
{
	uint64_t now = dsamig_now_ns();

	dsamig_session_drain(s);
	dsamig_stats_delta(&s->total, &s->mark, &s->delta);
	s->delta_s = (double)(now - s->mark_ns) / 1e9;
	s->mark = s->total;
	s->mark_ns = now;
	read_knobs(s);
}

void dsamig_session_reset(struct dsamig_session *s)
{
	dsamig_stats_reset(&s->total);
	dsamig_stats_reset(&s->mark);
	s->reset_ns = dsamig_now_ns();
}

int dsamig_session_begin(struct dsamig_session *s)
{
	int err = dsamig_vmstat_read(&s->vm_begin);

	if (!err && dsamig_frag_read(s->frag_before, DSAMIG_STATS_NODES) < 0)
		err = -EIO;
	if (err) {
		dsamig_err(s->ctx, "cannot read /proc/buddyinfo, /proc/zoneinfo or /proc/vmstat; "
			   "is /proc mounted?");
		return err;
	}
	memcpy(s->frag_after, s->frag_before, sizeof(s->frag_after));
	s->begin_ns = dsamig_now_ns();
	s->end_ns = 0;
	return 0;
}

void dsamig_session_mark_end(struct dsamig_session *s)
{
	s->end_ns = dsamig_now_ns();
}

void dsamig_session_end(struct dsamig_session *s)
{
	struct dsamig_vmstat now;

	if (!s->end_ns)
		dsamig_session_mark_end(s);
	s->secs = (double)(s->end_ns - s->begin_ns) / 1e9;
	dsamig_session_drain(s);
	dsamig_frag_read(s->frag_after, DSAMIG_STATS_NODES);
	if (!dsamig_vmstat_read(&now))
		dsamig_vmstat_delta(&now, &s->vm_begin, &s->vmstat);
}

void dsamig_session_result(const struct dsamig_session *s, struct dsamig_session_result *r)
{
	unsigned int reason = s->reason;

	r->secs = s->secs;
	r->interrupted = dsamig_session_stop != 0;
	r->signal = dsamig_session_stop;
	r->module = s->module;
	r->reason = reason;
	r->migrated = s->total.migrate[reason].succeeded;
	r->failed = s->total.migrate[reason].failed;
	r->total = s->total;
	r->vmstat = s->vmstat;
	memcpy(r->frag_before, s->frag_before, sizeof(r->frag_before));
	memcpy(r->frag_after, s->frag_after, sizeof(r->frag_after));
}

int dsamig_session_start(struct dsamig_ctx *ctx, struct dsamig_session *s, const char *reason,
			 unsigned int fallback, void (*restore)(void))
{
	int err = dsamig_session_open(ctx, s);

	if (err)
		return err;
	dsamig_session_signals(s, restore);
	s->reason = dsamig_decoder_find_reason(s->dec, reason, fallback);
	err = dsamig_session_begin(s);
	if (err)
		dsamig_session_close(s);
	return err;
}

void dsamig_session_finish(struct dsamig_session *s, struct dsamig_session_result *r)
{
	dsamig_session_end(s);
	dsamig_session_result(s, r);
	dsamig_session_close(s);
}
