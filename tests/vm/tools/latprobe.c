// SPDX-License-Identifier: GPL-2.0
/*
 * latprobe: how long each CPU went without letting a real-time task run.
 *
 *   latprobe [--period-us N] [--seconds S] [--prio P]
 *
 * One SCHED_FIFO thread pinned to each online CPU sleeps to an absolute
 * deadline every N microseconds and records how late it woke (cyclictest's
 * measurement). A task woken on a CPU that runs kernel code waits for that
 * code's next resched point (cond_resched(), a sleep, the end of a
 * preempt-off or irq-off section): the largest lateness is the longest such
 * stretch the CPU saw, the one the soft-lockup detector (whose stopper
 * thread must run every watchdog_thresh * 2 s) measures in coarse steps.
 * Prints "ready" once every thread runs, then on SIGTERM/SIGINT (or after S
 * seconds) one JSON line: per CPU the samples, the largest lateness and how
 * many wake-ups were later than 10 ms, 100 ms and 1 s.
 * Exits 0, 2 on a usage error, 3 when a thread cannot be set up.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "number.h"

struct probe {
	pthread_t thread;
	int cpu;
	int err;
	uint64_t samples, max_ns, over_10ms, over_100ms, over_1s;
};

static atomic_bool stop;
static atomic_uint started;
static long period_ns = 10 * 1000000L;
static int prio = 50;

static uint64_t ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000ULL + ts->tv_nsec;
}

static void *probe_fn(void *arg)
{
	struct probe *p = arg;
	struct sched_param sp = { .sched_priority = prio };
	struct timespec next, now;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	if ((p->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) ||
	    (p->err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))) {
		atomic_fetch_add(&started, 1);
		return NULL;
	}
	atomic_fetch_add(&started, 1);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&stop)) {
		uint64_t late;

		next.tv_nsec += period_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = ts_ns(&now) > ts_ns(&next) ? ts_ns(&now) - ts_ns(&next) : 0;
		p->samples++;
		if (late > p->max_ns)
			p->max_ns = late;
		p->over_10ms += late > 10000000ULL;
		p->over_100ms += late > 100000000ULL;
		p->over_1s += late > 1000000000ULL;
		/* Woken very late: start again from now, not with a burst. */
		if (late > (uint64_t)period_ns)
			next = now;
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: latprobe [--period-us N] [--seconds S] [--prio P]\n"
		"Per CPU, the largest wake-up lateness of a SCHED_FIFO thread; prints\n"
		"\"ready\", then one JSON line on SIGTERM/SIGINT or after S seconds.\n");
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "period-us", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 's' },
		{ "prio", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long seconds = 0, ncpu, i;
	struct timespec ts;
	struct probe *probes;
	uint64_t max_ns = 0;
	sigset_t sigs;
	int c, n = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			period_ns = tool_number("latprobe", "--period-us", optarg, 100, 1000000) * 1000L;
			break;
		case 's': seconds = tool_number("latprobe", "--seconds", optarg, 1, 86400); break;
		case 'r': prio = tool_number("latprobe", "--prio", optarg, 1, 99); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	probes = calloc(ncpu, sizeof(*probes));
	if (!probes)
		return 3;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	for (i = 0; i < ncpu; i++) {
		probes[i].cpu = i;
		if ((errno = pthread_create(&probes[i].thread, NULL, probe_fn, &probes[i]))) {
			perror("latprobe: pthread_create");
			return 3;
		}
	}
	while (atomic_load(&started) < ncpu)
		usleep(1000);
	for (i = 0; i < ncpu; i++) {
		if (probes[i].err) {
			fprintf(stderr, "latprobe: CPU %ld: %s\n", i, strerror(probes[i].err));
			return 3;
		}
	}
	printf("ready\n");
	fflush(stdout);
	ts = (struct timespec){ .tv_sec = seconds ? seconds : 86400 };
	while (sigtimedwait(&sigs, NULL, &ts) < 0 && errno == EINTR)
		;
	atomic_store(&stop, true);
	for (i = 0; i < ncpu; i++)
		pthread_join(probes[i].thread, NULL);

	printf("{\"period_us\": %ld, \"cpus\": [", period_ns / 1000);
	for (i = 0; i < ncpu; i++) {
		struct probe *p = &probes[i];

		if (p->max_ns > max_ns)
			max_ns = p->max_ns;
		printf("%s{\"cpu\": %d, \"samples\": %llu, \"max_us\": %llu, \"over_10ms\": %llu, "
		       "\"over_100ms\": %llu, \"over_1s\": %llu}", n++ ? ", " : "", p->cpu,
		       (unsigned long long)p->samples, (unsigned long long)(p->max_ns / 1000),
		       (unsigned long long)p->over_10ms, (unsigned long long)p->over_100ms,
		       (unsigned long long)p->over_1s);
	}
	printf("], \"max_us\": %llu}\n", (unsigned long long)(max_ns / 1000));
	return 0;
}
