// SPDX-License-Identifier: GPL-2.0
/*
 * memhold: hold anonymous memory on one node for the kernel to migrate, and
 * check at the end that every page still holds its bytes.
 *
 *   memhold --mb N [--node K] [--fragment] [--hot] [--seconds S]
 *
 * Allocates N MiB of 4 KiB pages bound to node K, stamps each page over its
 * whole length, then with --fragment frees one page of every pair (so
 * compaction has something to do), with --hot keeps reading the pages (so
 * DAMON sees them accessed). Prints "ready" once set up, then waits for
 * SIGTERM/SIGINT or S seconds, verifies every page it holds, prints one
 * JSON line and exits 0 when all are intact, 1 otherwise. The line also
 * says on which node each held page is at the end (move_pages status query), as
 * "nodes": {"0": pages, ...}, so a test can see that the kernel moved them.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "number.h"

#define PAGE		4096UL
#define WORDS		(PAGE / sizeof(uint64_t))
#define MPOL_BIND	2

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static uint64_t word(uint64_t page, uint64_t w)
{
	uint64_t x = (page << 20) ^ w ^ 0x9e3779b97f4a7c15ULL;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ (x >> 29);
}

/*
 * Count the nodes of the pages at @base + i * PAGE for i = 0, @step, ...
 * below @nr: @count[node] += 1, or ++*@other when the kernel answers with
 * an error for the page (not present, for instance).
 */
static int count_nodes(char *base, unsigned long nr, unsigned long step,
		       unsigned long *count, unsigned long *other)
{
	enum { CHUNK = 1024 };
	void *pages[CHUNK];
	int status[CHUNK];
	unsigned long i, n, k;

	for (i = 0; i < nr; i += n * step) {
		for (n = 0; n < CHUNK && i + n * step < nr; n++)
			pages[n] = base + (i + n * step) * PAGE;
		if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0))
			return -errno;
		for (k = 0; k < n; k++) {
			if (status[k] >= 0 && status[k] < 64)
				count[status[k]]++;
			else
				++*other;
		}
	}
	return 0;
}

/*
 * With --fragment, is page @i still held? Of each pair of pages 2k, 2k + 1
 * one is freed, which one picked by a hash of k (fixed, so every run frees
 * the same pages), and a last odd page is kept. Not simply every odd page:
 * the pages of a pair are mostly neighbours in physical memory too, and a
 * free scanner that finds nothing in a pageblock doubles its stride, up to
 * 32 pages (isolate_freepages() in mm/compaction.c, in sync mode too), so
 * it then looks only at pfns that are multiples of a power of two. When all
 * freed pages sat at odd pfns it saw none of them: it skipped the whole held
 * range and met the migration scanner low in the zone after a few hundred
 * pages, the fragmentation score unchanged.
 */
static bool held_page(unsigned long i, unsigned long nr, bool fragment)
{
	if (!fragment || (i | 1) >= nr)
		return true;
	return (i & 1) == (word(i >> 1, 0) >> 63);
}

static long number(const char *opt, const char *s, long min, long max)
{
	return tool_number("memhold", opt, s, min, max);
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "mb", required_argument, NULL, 'm' },
		{ "node", required_argument, NULL, 'n' },
		{ "fragment", no_argument, NULL, 'f' },
		{ "hot", no_argument, NULL, 'H' },
		{ "seconds", required_argument, NULL, 's' },
		{ 0 },
	};
	long mb = 64, node = 0, seconds = 0;
	bool fragment = false, hot = false;
	unsigned long mask, i, w, nr, held = 0, freed = 0, bad = 0, count[64] = { 0 }, other = 0;
	uint64_t *p, sum = 0;
	time_t end;
	char *base;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mb = number("--mb", optarg, 1, 1 << 20); break;
		case 'n': node = number("--node", optarg, 0, 63); break;
		case 'f': fragment = true; break;
		case 'H': hot = true; break;
		case 's': seconds = number("--seconds", optarg, 1, 86400); break;
		default:
			fprintf(stderr, "usage: memhold --mb N [--node K] [--fragment] [--hot] [--seconds S]\n");
			return 2;
		}
	}
	nr = mb * (1UL << 20) / PAGE;
	base = mmap(NULL, nr * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || madvise(base, nr * PAGE, MADV_NOHUGEPAGE)) {
		perror("memhold: mmap");
		return 3;
	}
	mask = 1UL << node;
	if (syscall(SYS_mbind, base, nr * PAGE, MPOL_BIND, &mask, 64, 0)) {
		perror("memhold: mbind");
		return 3;
	}
	for (i = 0; i < nr; i++) {
		p = (uint64_t *)(base + i * PAGE);
		for (w = 0; w < WORDS; w++)
			p[w] = word(i, w);
	}
	for (i = 0; i < nr; i++) {
		if (held_page(i, nr, fragment))
			continue;
		if (madvise(base + i * PAGE, PAGE, MADV_DONTNEED)) {
			perror("memhold: madvise");
			return 3;
		}
		freed++;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);

	end = seconds ? time(NULL) + seconds : 0;
	while (!stop && (!end || time(NULL) < end)) {
		if (!hot) {
			usleep(100000);
			continue;
		}
		for (i = 0; i < nr && !stop; i++)
			if (held_page(i, nr, fragment))
				sum += *(volatile uint64_t *)(base + i * PAGE);
		usleep(1000);
	}

	for (i = 0; i < nr; i++) {
		if (!held_page(i, nr, fragment))
			continue;
		held++;
		p = (uint64_t *)(base + i * PAGE);
		for (w = 0; w < WORDS; w++) {
			if (p[w] != word(i, w)) {
				if (bad++ < 10)
					fprintf(stderr, "memhold: page %lu word %lu differs\n", i, w);
				break;
			}
		}
	}
	/* The freed pages are not present: the kernel answers -ENOENT for each. */
	if (count_nodes(base, nr, 1, count, &other)) {
		perror("memhold: move_pages");
		return 3;
	}
	other -= other < freed ? other : freed;
	printf("{\"pages\": %lu, \"bad_pages\": %lu, \"checksum\": %llu, \"nodes\": {", held,
	       bad, (unsigned long long)(sum & 1));
	for (i = 0, w = 0; i < 64; i++)
		if (count[i])
			printf("%s\"%lu\": %lu", w++ ? ", " : "", i, count[i]);
	printf("}, \"not_present\": %lu}\n", other);
	return bad ? 1 : 0;
}
