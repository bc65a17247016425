// SPDX-License-Identifier: GPL-2.0
/*
 * One tracing session for top and stat: open with a one-line error, drain
 * on a tick, intervals, signals. The instance is removed on every exit:
 * normal, SIGINT/SIGTERM/SIGHUP (a flag, the loop ends) and crashes (the
 * handler removes it before dying). A closed output pipe (SIGPIPE) stops
 * like a signal: the writes fail with EPIPE and the loop ends.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsamig.h"
#include "frag.h"
#include "top.h"

/*
 * How often the buffers are drained while waiting for the next interval:
 * 2 MiB per CPU hold some 50000 events, plenty for half a second.
 */
#define DRAIN_NS	(500 * 1000000ULL)

volatile sig_atomic_t top_stop;

static struct top_session *crash_session;
static void (*crash_restore)(void);

uint64_t top_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void read_knobs(struct top_session *s)
{
	if (dsamig_knob_read("threshold", s->threshold, sizeof(s->threshold)))
		snprintf(s->threshold, sizeof(s->threshold), "-");
	if (dsamig_knob_read("backend", s->backend, sizeof(s->backend)))
		snprintf(s->backend, sizeof(s->backend), "-");
}

int top_session_open(struct top_session *s, const char *cmd)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = dsamig_trace_open(&s->trace);
	if (err) {
		switch (err) {
		case -ENODEV:
			fprintf(stderr, "%s: tracefs is not mounted; mount it on /sys/kernel/tracing\n", cmd);
			break;
		case -ENOENT:
			fprintf(stderr, "%s: this kernel has no migrate:mm_migrate_pages tracepoint; "
				"use a kernel with CONFIG_MIGRATION and tracepoints\n", cmd);
			break;
		case -EACCES:
		case -EPERM:
			fprintf(stderr, "%s: not allowed to create a tracefs instance; run it as root\n", cmd);
			break;
		default:
			fprintf(stderr, "%s: cannot set up tracing: %s; check /sys/kernel/tracing\n",
				cmd, strerror(-err));
		}
		return DSAMIG_EXIT_FAILURE;
	}
	s->dec = dsamig_trace_decoder(s->trace);
	s->module = dsamig_trace_module_loaded(s->trace);
	s->start_ns = s->mark_ns = s->reset_ns = top_now_ns();
	read_knobs(s);
	s->total.nr_frag_nodes = 0;
	return 0;
}

void top_session_close(struct top_session *s)
{
	crash_session = NULL;
	dsamig_trace_close(s->trace, NULL);
	s->trace = NULL;
}

static void on_stop(int sig)
{
	top_stop = sig;
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

void top_signals(struct top_session *s, void (*restore)(void))
{
	/* SIGPIPE too: a reader that went away (| head) ends the run, not the process. */
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = on_stop };
	unsigned int i;

	crash_session = s;
	crash_restore = restore;
	/* No SA_RESTART: a stop signal must end a poll() at once. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		sigaction(crashes[i], &sa, NULL);
}

/* Read the buffers, and follow dsamig.ko when it was loaded, unloaded or reloaded. */
static void session_read(struct top_session *s)
{
	dsamig_trace_read(s->trace, &s->total);
	if (dsamig_trace_follow_module(s->trace, &s->total) > 0) {
		s->dec = dsamig_trace_decoder(s->trace);
		s->module = dsamig_trace_module_loaded(s->trace);
		read_knobs(s);
	}
}

void top_drain(struct top_session *s)
{
	int n;

	session_read(s);
	dsamig_trace_count_lost(s->trace, &s->total);
	n = dsamig_frag_read(s->total.frag_score, DSAMIG_STATS_NODES);
	s->total.nr_frag_nodes = n > 0 ? (unsigned int)n : 0;
}

bool top_wait(struct top_session *s, uint64_t deadline_ns, int fd)
{
	for (;;) {
		uint64_t now = top_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t slice;
		int ret;

		if (top_stop || now >= deadline_ns)
			return false;
		slice = deadline_ns - now < DRAIN_NS ? deadline_ns - now : DRAIN_NS;
		ret = poll(&p, fd >= 0, (int)((slice + 999999) / 1000000));
		/* A signal (SIGWINCH for curses) may have queued a key too. */
		if (fd >= 0 && (ret > 0 || (ret < 0 && errno == EINTR)))
			return true;
		if (!top_stop)
			session_read(s);
	}
}

void top_interval(struct top_session *s)
{
	uint64_t now = top_now_ns();

	top_drain(s);
	dsamig_stats_delta(&s->total, &s->mark, &s->delta);
	s->delta_s = (double)(now - s->mark_ns) / 1e9;
	s->mark = s->total;
	s->mark_ns = now;
	read_knobs(s);
}

void top_reset(struct top_session *s)
{
	dsamig_stats_reset(&s->total);
	dsamig_stats_reset(&s->mark);
	s->reset_ns = top_now_ns();
}
