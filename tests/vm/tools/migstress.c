// SPDX-License-Identifier: GPL-2.0
/*
 * migstress: a page-migration workload that checks data integrity.
 *
 * Allocates anonymous memory in 4 KiB pages and in THPs, keeps writer
 * threads stamping every page with a sequence number over its whole length,
 * and moves all pages back and forth between two nodes with move_pages(2).
 * Each writer checks a page still holds its previous stamp before it writes
 * the next one, and the whole region is verified at the end: a copy that was
 * skipped, torn or taken from a stale source shows up as a bad page.
 *
 * With --hold it moves nothing itself: once set up on --from it prints
 * "ready" and keeps its writers running until SIGTERM or SIGINT (or
 * --seconds), for something else to migrate the whole process meanwhile
 * (migratepages(8), which calls migrate_pages(2)); then it verifies as usual.
 *
 * Prints a summary (--json: one object) and exits 0 when every page held
 * its last stamp, 1 on a bad page, 2 on a usage error, 3 when moving failed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "number.h"

#define PAGE		4096UL
#define THP		(2UL << 20)
#define WORDS		(PAGE / sizeof(uint64_t))
#define MPOL_MF_MOVE	(1 << 1)

struct region {
	char *base;
	size_t nr_pages;		/* 4 KiB pages in the region */
	uint64_t *last;			/* the last stamp written, per page */
};

static struct region small, huge;
/* --file: the 4 KiB pages are a shared mapping of this file or block device. */
static const char *file;
/* --mthp: no MADV_NOHUGEPAGE on them, so that anonymous mTHPs can back them. */
static bool mthp;
static unsigned int nr_writers = 2;
static atomic_bool stop;
static atomic_ulong bad_pages, stamps;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The value of word w of page p at stamp s: differs in every word. */
static inline uint64_t pattern(uint64_t p, uint64_t s, uint64_t w)
{
	uint64_t x = (p << 32) ^ (s << 12) ^ w;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void stamp(struct region *r, size_t i, uint64_t s)
{
	uint64_t *words = (uint64_t *)(r->base + i * PAGE);
	uint64_t id = (uint64_t)(uintptr_t)words / PAGE;
	size_t w;

	for (w = 0; w < WORDS; w++)
		words[w] = pattern(id, s, w);
}

static bool holds(struct region *r, size_t i, uint64_t s)
{
	const uint64_t *words = (const uint64_t *)(r->base + i * PAGE);
	uint64_t id = (uint64_t)(uintptr_t)words / PAGE;
	size_t w;

	for (w = 0; w < WORDS; w++)
		if (words[w] != pattern(id, s, w))
			return false;
	return true;
}

static void report_bad(const char *what, struct region *r, size_t i)
{
	if (atomic_fetch_add(&bad_pages, 1) < 10)
		fprintf(stderr, "migstress: %s page %zu does not hold stamp %" PRIu64 "\n",
			what, i, r->last[i]);
}

/* Writer w owns the pages i with i % nr_writers == w, in both regions. */
static void *writer(void *arg)
{
	size_t w = (uintptr_t)arg, i;
	struct region *regions[] = { &small, &huge };

	while (!atomic_load(&stop)) {
		for (int k = 0; k < 2; k++) {
			struct region *r = regions[k];

			for (i = w; i < r->nr_pages && !atomic_load(&stop); i += nr_writers) {
				if (!holds(r, i, r->last[i]))
					report_bad("live", r, i);
				stamp(r, i, ++r->last[i]);
				atomic_fetch_add(&stamps, 1);
			}
		}
	}
	return NULL;
}

/*
 * @len bytes of --file, shared: a regular file is sized to @len first, a
 * block device must hold them. NULL with errno set on failure.
 */
static char *map_file(size_t len)
{
	struct stat st;
	void *p;
	int fd = open(file, O_RDWR | O_CREAT, 0600);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || (S_ISREG(st.st_mode) && ftruncate(fd, len))) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static int region_alloc(struct region *r, size_t nr_pages, bool thp)
{
	size_t len = nr_pages * PAGE, i;
	char *p;

	r->nr_pages = nr_pages;
	if (!nr_pages)
		return 0;
	/* THPs need 2 MiB alignment: over-allocate and trim. */
	if (!thp && file) {
		p = map_file(len);
		if (!p)
			return -errno;
	} else {
		p = mmap(NULL, len + (thp ? THP : 0), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		if (thp)
			p = (char *)(((uintptr_t)p + THP - 1) & ~(THP - 1));
		if ((thp || !mthp) && madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
			return -errno;
	}
	r->base = p;
	r->last = calloc(nr_pages, sizeof(*r->last));
	if (!r->last)
		return -ENOMEM;
	for (i = 0; i < nr_pages; i++)
		stamp(r, i, 0);
	return 0;
}

/* The addresses move_pages() is given: every 4 KiB page, or every THP head. */
static size_t region_addrs(struct region *r, bool thp, void **addrs)
{
	size_t step = thp ? THP / PAGE : 1, n = 0, i;

	for (i = 0; i < r->nr_pages; i += step)
		addrs[n++] = r->base + i * PAGE;
	return n;
}

struct move_stats {
	uint64_t moved;		/* pages now on the target node */
	uint64_t failed;	/* pages with an error status */
	uint64_t ns;
};

static int move_all(void **addrs, size_t n, const size_t *weight, int node,
		    int *nodes, int *status, struct move_stats *st)
{
	uint64_t t0 = now_ns();
	size_t i;
	long rc;

	for (i = 0; i < n; i++)
		nodes[i] = node;
	rc = syscall(SYS_move_pages, 0, n, addrs, nodes, status, MPOL_MF_MOVE);
	st->ns += now_ns() - t0;
	if (rc < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (status[i] == node)
			st->moved += weight[i];
		else
			st->failed += weight[i];
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: migstress [--pages N] [--thp N] [--writers N] [--rounds N | --seconds S]\n"
		"                 [--from NODE] [--to NODE] [--hold] [--file PATH] [--mthp] [--json]\n"
		"Move N 4 KiB pages and N THPs between two nodes while writers stamp them;\n"
		"exit 0 when every page holds its last stamp. --hold: move nothing, print\n"
		"\"ready\" and keep writing until SIGTERM/SIGINT (or S seconds), then verify.\n"
		"--file: the 4 KiB pages are a shared mapping of PATH (a file, sized to them,\n"
		"or a block device); --mthp: anonymous 4 KiB pages may be mTHPs.\n");
}

static long number(const char *opt, const char *s, long min, long max)
{
	return tool_number("migstress", opt, s, min, max);
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "pages", required_argument, NULL, 'p' },
		{ "thp", required_argument, NULL, 'H' },
		{ "writers", required_argument, NULL, 'w' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "hold", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'F' },
		{ "mthp", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	long pages = 2048, thps = 0, rounds = 10, seconds = 0, from = 0, to = 1;
	bool json = false, hold = false;
	sigset_t sigs;
	struct move_stats st = { 0 };
	pthread_t *threads;
	size_t n_small, n, i;
	void **addrs;
	size_t *weight;
	int *nodes, *status, c, err;
	uint64_t t0, elapsed;
	long round = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pages = number("--pages", optarg, 0, 1 << 24); break;
		case 'H': thps = number("--thp", optarg, 0, 1 << 14); break;
		case 'w': nr_writers = number("--writers", optarg, 0, 256); break;
		case 'r': rounds = number("--rounds", optarg, 1, 1 << 30); break;
		case 's': seconds = number("--seconds", optarg, 1, 86400); break;
		case 'f': from = number("--from", optarg, 0, 1023); break;
		case 't': to = number("--to", optarg, 0, 1023); break;
		case 'o': hold = true; break;
		case 'j': json = true; break;
		case 'F': file = optarg; break;
		case 'm': mthp = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || from == to || pages + thps == 0) {
		usage(stderr);
		return 2;
	}

	if ((err = region_alloc(&small, pages, false)) ||
	    (err = region_alloc(&huge, thps * (THP / PAGE), true))) {
		fprintf(stderr, "migstress: cannot allocate: %s\n", strerror(-err));
		return 3;
	}
	n = small.nr_pages + huge.nr_pages / (THP / PAGE);
	addrs = calloc(n, sizeof(*addrs));
	weight = calloc(n, sizeof(*weight));
	nodes = calloc(n, sizeof(*nodes));
	status = calloc(n, sizeof(*status));
	threads = calloc(nr_writers + 1, sizeof(*threads));
	if (!addrs || !weight || !nodes || !status || !threads) {
		fprintf(stderr, "migstress: out of memory\n");
		return 3;
	}
	n_small = region_addrs(&small, false, addrs);
	region_addrs(&huge, true, addrs + n_small);
	for (i = 0; i < n; i++)
		weight[i] = i < n_small ? 1 : THP / PAGE;

	/* Start from the source node, unmeasured. */
	if ((err = move_all(addrs, n, weight, from, nodes, status, &(struct move_stats){ 0 }))) {
		fprintf(stderr, "migstress: move_pages: %s\n", strerror(-err));
		return 3;
	}
	/* --hold: the signals are taken by sigtimedwait() below, in no writer. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (hold)
		pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	for (i = 0; i < nr_writers; i++)
		pthread_create(&threads[i], NULL, writer, (void *)(uintptr_t)i);

	t0 = now_ns();
	if (hold) {
		struct timespec ts = { .tv_sec = seconds ? seconds : 86400 };

		printf("ready\n");
		fflush(stdout);
		while (sigtimedwait(&sigs, NULL, &ts) < 0 && errno == EINTR)
			;
	}
	for (round = 0; !hold; round++) {
		if (seconds ? now_ns() - t0 >= (uint64_t)seconds * 1000000000ULL : round >= rounds)
			break;
		err = move_all(addrs, n, weight, round % 2 ? from : to, nodes, status, &st);
		if (err) {
			fprintf(stderr, "migstress: move_pages: %s\n", strerror(-err));
			break;
		}
	}
	elapsed = now_ns() - t0;
	atomic_store(&stop, true);
	for (i = 0; i < nr_writers; i++)
		pthread_join(threads[i], NULL);

	for (i = 0; i < small.nr_pages; i++)
		if (!holds(&small, i, small.last[i]))
			report_bad("final", &small, i);
	for (i = 0; i < huge.nr_pages; i++)
		if (!holds(&huge, i, huge.last[i]))
			report_bad("final THP", &huge, i);

	if (json)
		printf("{\"pages\": %ld, \"thp\": %ld, \"writers\": %u, \"rounds\": %ld, "
		       "\"moved\": %" PRIu64 ", \"failed\": %" PRIu64 ", \"stamps\": %lu, "
		       "\"seconds\": %.3f, \"move_seconds\": %.3f, \"pages_per_s\": %.0f, "
		       "\"bad_pages\": %lu}\n",
		       pages, thps, nr_writers, round, st.moved, st.failed,
		       atomic_load(&stamps), elapsed / 1e9, st.ns / 1e9,
		       st.ns ? st.moved / (st.ns / 1e9) : 0.0, atomic_load(&bad_pages));
	else
		printf("migstress: %ld rounds, %" PRIu64 " pages moved, %" PRIu64 " failed, "
		       "%.0f pages/s, %lu stamps, %lu bad pages\n",
		       round, st.moved, st.failed, st.ns ? st.moved / (st.ns / 1e9) : 0.0,
		       atomic_load(&stamps), atomic_load(&bad_pages));
	if (atomic_load(&bad_pages))
		return 1;
	return err ? 3 : 0;
}
