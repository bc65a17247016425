// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig bench: the copy level through dsamig.ko's debugfs bench interface,
 * the migrate level through move_pages(2) in a measurement session; the
 * spread of the samples and the JSON (see bench.h and dsamig-bench(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"
#include "knobs.h"
#include "module.h"
#include "node_check.h"
#include "parse.h"
#include "stats_json.h"
#include "sysfile.h"

#define BENCH_FILE	"/sys/kernel/debug/dsamig/bench"
#define DEBUGFS_DIR	"/sys/kernel/debug"
#define DEBUGFS_MAGIC	0x64626720
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define PAGE_4K		4096UL
#define PMD_SIZE_2M	(2UL << 20)

/* mbind(2) and move_pages(2): numaif.h is libnuma's, the calls are the kernel's. */
#define BENCH_MPOL_BIND		2
#define BENCH_MPOL_MF_MOVE	(1 << 1)

#define BACKEND_NAME(e, s) [DSAMIG_BACKEND_##e] = s,
static const char *const backend_names[] = { DSAMIG_BACKENDS(BACKEND_NAME) };
static const char *const phase_keys[DSAMIG_NR_PHASES] = {
	"sg_ns", "map_ns", "submit_ns", "wait_ns", "unmap_ns",
};

/* Measured in this order: the baseline first. */
static const int backend_order[] = {
	DSAMIG_BENCH_KERNEL, DSAMIG_BACKEND_CPU, DSAMIG_BACKEND_MT, DSAMIG_BACKEND_DSA,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *dsamig_bench_backend_name(int backend)
{
	if (backend == DSAMIG_BENCH_KERNEL)
		return "kernel";
	if (backend < 0 || backend >= DSAMIG_NR_BACKENDS)
		return "?";
	return backend_names[backend];
}

const char *dsamig_bench_level_name(enum dsamig_bench_level level)
{
	return level == DSAMIG_BENCH_MIGRATE ? "migrate" : "copy";
}

int dsamig_bench_backend_parse(const char *name)
{
	int b;

	if (!strcmp(name, "kernel"))
		return DSAMIG_BENCH_KERNEL;
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		if (b != DSAMIG_BACKEND_OFF && !strcmp(name, backend_names[b]))
			return b;
	return -EINVAL;
}

void dsamig_bench_default_sizes(struct dsamig_bench_req *req)
{
	unsigned int n = 0, pages;

	for (pages = 1; pages <= 512; pages *= 2)
		req->sizes[n++] = (struct dsamig_bench_size){ .pages = pages, .order = 0 };
	req->sizes[n++] = (struct dsamig_bench_size){ .pages = 512, .order = 9 };
	req->nr_sizes = n;
}

const struct dsamig_bench_point *dsamig_bench_find(const struct dsamig_bench_result *r,
						   int backend, struct dsamig_bench_size size)
{
	unsigned int i;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];

		if (p->backend == backend && p->size.pages == size.pages &&
		    p->size.order == size.order)
			return p;
	}
	return NULL;
}

/* ---- samples and their spread ---- */

enum { S_TOTAL, S_SETUP, S_WAIT, S_COPY, S_PHASE, S_NR = S_PHASE + DSAMIG_NR_PHASES };

struct samples {
	double *v[S_NR];
	unsigned int *segments;
	unsigned int n, cap, fallbacks;
};

static int samples_init(struct samples *sm, unsigned int cap)
{
	unsigned int i;

	memset(sm, 0, sizeof(*sm));
	sm->cap = cap;
	for (i = 0; i < S_NR; i++) {
		sm->v[i] = calloc(cap, sizeof(double));
		if (!sm->v[i])
			return -ENOMEM;
	}
	sm->segments = calloc(cap, sizeof(unsigned int));
	return sm->segments ? 0 : -ENOMEM;
}

static void samples_free(struct samples *sm)
{
	unsigned int i;

	for (i = 0; i < S_NR; i++)
		free(sm->v[i]);
	free(sm->segments);
}

/* One sample: total, the phases (dsa) and the copy time (cpu, mt). */
static void samples_add(struct samples *sm, double total, const double phase[DSAMIG_NR_PHASES],
			double copy, unsigned int segments, bool fallback)
{
	unsigned int i = sm->n, p;

	if (i == sm->cap)
		return;
	sm->v[S_TOTAL][i] = total;
	sm->v[S_COPY][i] = copy;
	sm->v[S_WAIT][i] = phase[DSAMIG_PHASE_WAIT];
	sm->v[S_SETUP][i] = 0;
	for (p = 0; p < DSAMIG_NR_PHASES; p++) {
		sm->v[S_PHASE + p][i] = phase[p];
		if (p != DSAMIG_PHASE_WAIT)
			sm->v[S_SETUP][i] += phase[p];
	}
	sm->segments[i] = segments;
	sm->fallbacks += fallback;
	sm->n++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The @q quantile of sorted @v[n], interpolated between the closest ranks. */
static double quantile(const double *v, unsigned int n, double q)
{
	double pos = q * (n - 1), frac;
	unsigned int lo;

	if (!n)
		return 0;
	lo = (unsigned int)pos;
	if (lo + 1 >= n)
		return v[n - 1];
	frac = pos - lo;
	return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

static double median_of(double *v, unsigned int n, double *sorted)
{
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	return quantile(sorted, n, 0.5);
}

/* @pt's spread and medians from @sm; @sorted has room for sm->n. */
static void samples_reduce(struct samples *sm, struct dsamig_bench_point *pt, double *sorted)
{
	struct dsamig_bench_spread *t = &pt->total_ns;
	unsigned int n = sm->n, i, p, best = 0;
	double med;

	pt->samples = n;
	pt->fallbacks = sm->fallbacks;
	if (!n)
		return;
	memcpy(sorted, sm->v[S_TOTAL], n * sizeof(double));
	qsort(sorted, n, sizeof(double), cmp_double);
	t->median = quantile(sorted, n, 0.5);
	t->p25 = quantile(sorted, n, 0.25);
	t->p75 = quantile(sorted, n, 0.75);
	t->min = sorted[0];
	t->max = sorted[n - 1];
	/* the segments of the repeat closest to the median */
	med = t->median;
	for (i = 1; i < n; i++)
		if (fabs(sm->v[S_TOTAL][i] - med) < fabs(sm->v[S_TOTAL][best] - med))
			best = i;
	pt->segments = sm->segments[best];
	for (p = 0; p < DSAMIG_NR_PHASES; p++)
		pt->phase_ns[p] = median_of(sm->v[S_PHASE + p], n, sorted);
	pt->setup_ns = median_of(sm->v[S_SETUP], n, sorted);
	pt->transfer_ns = median_of(sm->v[S_WAIT], n, sorted);
	pt->copy_ns = median_of(sm->v[S_COPY], n, sorted);
}

/* ---- checks ---- */

static bool ctx_exists(struct dsamig_ctx *ctx, const char *path)
{
	char buf[PATH_MAX];

	return !dsamig_ctx_path(ctx, buf, sizeof(buf), "%s", path) && !access(buf, F_OK);
}

static bool module_loaded(struct dsamig_ctx *ctx)
{
	return ctx_exists(ctx, "/sys/module/" DSAMIG_MODULE);
}

/* The DMA channels dsamig.ko holds (its counter "channels"), 0 if unreadable. */
static uint64_t module_channels(struct dsamig_ctx *ctx)
{
	char path[PATH_MAX];
	uint64_t n = 0;

	if (dsamig_ctx_path(ctx, path, sizeof(path), DSAMIG_COUNTERS_DIR "/channels") ||
	    dsamig_read_u64(path, 10, &n))
		return 0;
	return n;
}

static int need_module(struct dsamig_ctx *ctx, const char *why)
{
	if (module_loaded(ctx))
		return 0;
	dsamig_err(ctx, "dsamig.ko is not loaded (%s); load it with 'dsamig load'", why);
	return -ENODEV;
}

static int no_channel(struct dsamig_ctx *ctx)
{
	dsamig_err(ctx, "backend dsa: dsamig.ko holds no DMA channel; give the kernel a DSA "
		   "work queue with 'dsamig setup' (then 'dsamig unload; dsamig load'), "
		   "or leave dsa out of --backends");
	return -ENODEV;
}

/* The backends to measure: those asked (checked), or every one available. */
static int pick_backends(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req,
			 unsigned int *out)
{
	bool loaded = module_loaded(ctx), chan = loaded && module_channels(ctx) > 0;
	unsigned int b = req->backends, kernel = 1U << DSAMIG_BENCH_KERNEL;

	if (!b) {
		if (req->level == DSAMIG_BENCH_MIGRATE && !loaded)
			b = kernel;
		else
			b = 1U << DSAMIG_BACKEND_CPU | 1U << DSAMIG_BACKEND_MT |
			    (chan ? 1U << DSAMIG_BACKEND_DSA : 0);
	}
	if (req->level == DSAMIG_BENCH_COPY && (b & kernel)) {
		dsamig_err(ctx, "backend kernel is measured by --level migrate only");
		return -EINVAL;
	}
	if (b & ~kernel) {
		int err = need_module(ctx, req->level == DSAMIG_BENCH_COPY ?
				      "the copy level measures its backends" :
				      "backends cpu, mt and dsa are its; without it only "
				      "--backends kernel");

		if (err)
			return err;
	}
	if ((b & 1U << DSAMIG_BACKEND_DSA) && !chan)
		return no_channel(ctx);
	*out = b;
	return 0;
}

/* The first node of @mem from @from on, or DSAMIG_BENCH_ANY_NODE. */
static unsigned int next_node(const struct dsamig_nodemask *mem, unsigned int from)
{
	unsigned int n;

	for (n = from; n < DSAMIG_MAX_NODES; n++)
		if (dsamig_nodemask_test(mem, n))
			return n;
	return DSAMIG_BENCH_ANY_NODE;
}

/* The nodes, defaults filled in, checked. */
static int check_nodes(struct dsamig_ctx *ctx, struct dsamig_bench_req *req)
{
	struct dsamig_nodemask mem;
	unsigned int n;
	int err;

	err = dsamig_memory_nodes(ctx, &mem);
	if (err)
		return err;
	if (req->src == DSAMIG_BENCH_ANY_NODE) {
		req->src = next_node(&mem, 0);
		if (req->src == DSAMIG_BENCH_ANY_NODE) {
			dsamig_err(ctx, "no node has memory; see /sys/devices/system/node/has_memory");
			return -ENOENT;
		}
	}
	if (req->dst == DSAMIG_BENCH_ANY_NODE) {
		n = req->src + 1 < DSAMIG_MAX_NODES ? next_node(&mem, req->src + 1) :
						     DSAMIG_BENCH_ANY_NODE;
		if (n == DSAMIG_BENCH_ANY_NODE)
			n = next_node(&mem, 0);
		req->dst = n == DSAMIG_BENCH_ANY_NODE ? req->src : n;
	}
	err = dsamig_node_usable(ctx, "source ", req->src, &mem) ?:
	      dsamig_node_usable(ctx, "source ", req->src, &mem) ?:
	      dsamig_node_usable(ctx, "destination ", req->dst, &mem);
	if (err)
		return err;
	if (req->level == DSAMIG_BENCH_MIGRATE && req->src == req->dst) {
		dsamig_err(ctx, "--level migrate moves pages between two nodes, and both are "
			   "node %u; give --to another node with memory", req->src);
		return -EINVAL;
	}
	return 0;
}

static int check_req(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req)
{
	unsigned int i;

	if (!req->nr_sizes || req->nr_sizes > DSAMIG_BENCH_MAX_SIZES ||
	    !req->repeats || req->repeats > DSAMIG_BENCH_MAX_REPEATS) {
		dsamig_err(ctx, "a bench needs 1 to %u sizes and 1 to %u repeats",
			   DSAMIG_BENCH_MAX_SIZES, DSAMIG_BENCH_MAX_REPEATS);
		return -EINVAL;
	}
	for (i = 0; i < req->nr_sizes; i++) {
		const struct dsamig_bench_size *s = &req->sizes[i];

		if ((s->order != 0 && s->order != 9) || !s->pages || s->pages > 65536 ||
		    s->pages % (1U << s->order)) {
			dsamig_err(ctx, "bad size: %u pages in folios of order %u", s->pages,
				   s->order);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the copy level ---- */

static int open_bench(struct dsamig_ctx *ctx, char *path, size_t size)
{
	struct statfs sf;
	char dir[PATH_MAX];
	int fd, err;

	if (dsamig_ctx_path(ctx, path, size, BENCH_FILE) ||
	    dsamig_ctx_path(ctx, dir, sizeof(dir), DEBUGFS_DIR)) {
		dsamig_err(ctx, "the root path is too long");
		return -ENAMETOOLONG;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EACCES || err == -EPERM)
		dsamig_err(ctx, "cannot open %s: %s; run it as root", BENCH_FILE, strerror(-err));
	else if (err != -ENOENT)
		dsamig_err(ctx, "cannot open %s: %s", BENCH_FILE, strerror(-err));
	else if (!ctx_exists(ctx, DEBUGFS_DIR "/" DSAMIG_MODULE) &&
		 (statfs(dir, &sf) || sf.f_type != DEBUGFS_MAGIC))
		dsamig_err(ctx, "debugfs is not mounted on %s, where dsamig.ko's bench interface "
			   "is; mount it with 'mount -t debugfs none %s'", DEBUGFS_DIR,
			   DEBUGFS_DIR);
	else
		dsamig_err(ctx, "dsamig.ko has no bench interface (%s): it is older than this "
			   "dsamig; load the module of this version", BENCH_FILE);
	return err;
}

static int request_error(struct dsamig_ctx *ctx, const char *line, int backend,
			 const struct dsamig_bench_size *s, unsigned int src, unsigned int dst,
			 int err)
{
	const char *b = dsamig_bench_backend_name(backend);

	switch (err) {
	case -ENODEV:
		return no_channel(ctx);
	case -ENOMEM:
		dsamig_err(ctx, "dsamig.ko cannot have %u pages in folios of order %u on nodes "
			   "%u and %u%s", s->pages, s->order, src, dst, s->order ?
			   " (2 MiB folios need free 2 MiB blocks: try 'dsamig compact')" : "");
		break;
	case -EIO:
		dsamig_err(ctx, "backend %s: a copy of %u pages left the destination different "
			   "from the source (or it was quarantined); see dmesg", b, s->pages);
		break;
	case -EBUSY:
		dsamig_err(ctx, "another bench is running in dsamig.ko; wait for it to end");
		break;
	case -EINVAL:
		dsamig_err(ctx, "dsamig.ko refused the request '%.*s' (EINVAL): it does not take "
			   "this size or backend", (int)strcspn(line, "\n"), line);
		break;
	default:
		dsamig_err(ctx, "the bench request '%.*s' failed: %s", (int)strcspn(line, "\n"),
			   line, strerror(-err));
	}
	return err;
}

/* A line "key=value key=value ...": the number of @key, or false. */
static bool line_u64(const char *line, const char *key, uint64_t *v)
{
	size_t len = strlen(key);
	const char *p = line;
	char *end;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[len] == '=') {
			errno = 0;
			*v = strtoull(p + len + 1, &end, 10);
			return !errno && end != p + len + 1;
		}
		p += len;
	}
	return false;
}

/* The repeats the module reports into @sm: 0, or -EPROTO for a line it cannot read. */
static int parse_results(char *text, int backend, struct samples *sm)
{
	char *save = NULL, *line;
	unsigned int p;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t total, copy, seg, fb, v;
		double phase[DSAMIG_NR_PHASES];

		if (!*line)
			continue;
		if (!line_u64(line, "total_ns", &total) || !line_u64(line, "copy_ns", &copy) ||
		    !line_u64(line, "segments", &seg) || !line_u64(line, "fallback", &fb))
			return -EPROTO;
		for (p = 0; p < DSAMIG_NR_PHASES; p++) {
			if (!line_u64(line, phase_keys[p], &v))
				return -EPROTO;
			phase[p] = (double)v;
		}
		(void)backend;
		samples_add(sm, (double)total, phase, (double)copy, (unsigned int)seg, fb != 0);
	}
	return 0;
}

/* One point: the request, then its repeats. *@stopped when a stop signal ended it. */
static int copy_point(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req, int backend,
		      const struct dsamig_bench_size *s, struct samples *sm, bool *stopped)
{
	char path[PATH_MAX], line[160];
	char *text;
	ssize_t n;
	int fd, len, err = 0;

	fd = open_bench(ctx, path, sizeof(path));
	if (fd < 0)
		return fd;
	len = snprintf(line, sizeof(line), "backend=%s pages=%u order=%u src=%u dst=%u "
		       "repeats=%u\n", dsamig_bench_backend_name(backend), s->pages, s->order,
		       req->src, req->dst, req->repeats);
	n = write(fd, line, (size_t)len);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err == -EINTR) {
		/* the repeats done are kept; a stop signal is the user's Ctrl-C */
		*stopped = dsamig_session_stop != 0;
		err = 0;
	} else if (err) {
		return request_error(ctx, line, backend, s, req->src, req->dst, err);
	} else if (n != len) {
		dsamig_err(ctx, "dsamig.ko took %zd of the %d bytes of the request '%.*s'", n,
			   len, len - 1, line);
		return -EIO;
	}
	text = dsamig_slurp(path);
	if (!text) {
		err = -errno;
		dsamig_err(ctx, "cannot read %s: %s", BENCH_FILE, strerror(-err));
		return err;
	}
	err = parse_results(text, backend, sm);
	free(text);
	if (err)
		dsamig_err(ctx, "cannot read the results in %s: a line without total_ns, the "
			   "phases, copy_ns, segments or fallback", BENCH_FILE);
	return err;
}

/* ---- the migrate level ---- */

/* The knobs the migrate level sets, their old values, for every exit and a crash. */
enum { K_BACKEND, K_THRESHOLD, K_REASONS, K_NR };
static struct dsamig_knob_set knobs[K_NR];
static unsigned int nr_knobs;
static bool knobs_set;

static void restore_knobs(void)
{
	unsigned int i;

	if (!knobs_set)
		return;
	for (i = nr_knobs; i-- > 0;)
		dsamig_module_knob_write(knobs[i].knob->name, knobs[i].old);
	knobs_set = false;
}

/* reasons with syscall_or_cpuset (move_pages' reason) in @buf, or NULL: it has it. */
static const char *reasons_with_syscall(char *buf, size_t size)
{
	char cur[DSAMIG_KNOB_VALUE_MAX - 32], *tok, *save = NULL;
	const char *name = "syscall_or_cpuset";

	if (dsamig_module_knob_read("reasons", cur, sizeof(cur)))
		return NULL;
	if (!strcmp(cur, "all"))
		return NULL;
	snprintf(buf, size, "%s", cur);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, name))
			return NULL;
	if (!strcmp(cur, "none") || !*cur)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s,%s", cur, name);
	return buf;
}

/* The module's backend @b (kernel: off) with threshold=1: the first time, the old values kept. */
static int set_backend(struct dsamig_ctx *ctx, int b)
{
	static char reasons[DSAMIG_KNOB_VALUE_MAX];
	const char *name = b == DSAMIG_BENCH_KERNEL ? "off" : dsamig_bench_backend_name(b);
	unsigned int failed = 0;
	bool reading;
	int err;

	if (knobs_set) {
		err = dsamig_module_knob_write("backend", name);
		if (err)
			dsamig_err(ctx, "cannot set dsamig.ko's backend to %s: %s", name,
				   strerror(-err));
		return err;
	}
	nr_knobs = 0;
	knobs[nr_knobs++] = (struct dsamig_knob_set){ dsamig_knob_find("backend"), name, "" };
	knobs[nr_knobs++] = (struct dsamig_knob_set){ dsamig_knob_find("threshold"), "1", "" };
	if (reasons_with_syscall(reasons, sizeof(reasons)))
		knobs[nr_knobs++] = (struct dsamig_knob_set){ dsamig_knob_find("reasons"),
							     reasons, "" };
	err = dsamig_module_knobs_apply(knobs, nr_knobs, &failed, &reading);
	if (err) {
		dsamig_err(ctx, "cannot %s dsamig.ko's knob %s: %s", reading ? "read" : "set",
			   knobs[failed].knob->name, strerror(-err));
		return err;
	}
	knobs_set = true;
	return 0;
}

static int thp_check(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req)
{
	char path[PATH_MAX], buf[128];
	unsigned int i;

	for (i = 0; i < req->nr_sizes && !req->sizes[i].order; i++)
		;
	if (i == req->nr_sizes)
		return 0;
	if (dsamig_ctx_path(ctx, path, sizeof(path), THP_ENABLED) ||
	    dsamig_read_line(path, buf, sizeof(buf)) || strstr(buf, "[never]")) {
		dsamig_err(ctx, "2 MiB folios need transparent huge pages; allow them with "
			   "'echo madvise > %s', or give --sizes without M", THP_ENABLED);
		return -EOPNOTSUPP;
	}
	return 0;
}

struct buffer {
	char *map, *base;
	size_t map_len, len;
	unsigned long nr;
	void **addr;
	int *nodes, *status;
};

static void buffer_free(struct buffer *b)
{
	if (b->map)
		munmap(b->map, b->map_len);
	free(b->addr);
	free(b->nodes);
	free(b->status);
	memset(b, 0, sizeof(*b));
}

/* @s's pages on node @src: bound there, touched, checked; of order 9 in 2 MiB folios. */
static int buffer_make(struct dsamig_ctx *ctx, struct buffer *b, const struct dsamig_bench_size *s,
		       unsigned int src)
{
	unsigned long mask[DSAMIG_NODEMASK_WORDS] = { 0 }, i, off = 0;
	int err;

	memset(b, 0, sizeof(*b));
	/* one address per folio: move_pages() moves a folio whole */
	b->nr = s->pages >> s->order;
	b->len = s->pages * PAGE_4K;
	b->map_len = b->len + (s->order ? PMD_SIZE_2M : 0);
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		err = -errno;
		goto fail;
	}
	if (s->order)
		off = (PMD_SIZE_2M - ((unsigned long)b->map & (PMD_SIZE_2M - 1))) &
		      (PMD_SIZE_2M - 1);
	b->base = b->map + off;
	madvise(b->base, b->len, s->order ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	mask[src / 64] |= 1UL << (src % 64);
	if (syscall(SYS_mbind, b->base, b->len, BENCH_MPOL_BIND, mask,
		    (unsigned long)DSAMIG_MAX_NODES + 1, 0)) {
		err = -errno;
		goto fail;
	}
	b->addr = calloc(b->nr, sizeof(*b->addr));
	b->nodes = calloc(b->nr, sizeof(*b->nodes));
	b->status = calloc(b->nr, sizeof(*b->status));
	if (!b->addr || !b->nodes || !b->status) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < b->nr; i++)
		b->addr[i] = b->base + i * (PAGE_4K << s->order);
	for (i = 0; i < s->pages; i++)
		memset(b->base + i * PAGE_4K, (int)(i & 0xff) | 1, PAGE_4K);
	return 0;

fail:
	dsamig_err(ctx, "cannot allocate %u pages on node %u to move: %s", s->pages, src,
		   strerror(-err));
	buffer_free(b);
	return err;
}

/* Move @b's pages to @node; the time in ns, or a negative errno after an error line. */
static int buffer_move(struct dsamig_ctx *ctx, struct buffer *b, unsigned int node,
		       double *ns)
{
	unsigned long i, moved = 0;
	uint64_t t0, t1;
	long ret;

	for (i = 0; i < b->nr; i++)
		b->nodes[i] = (int)node;
	t0 = dsamig_now_ns();
	ret = syscall(SYS_move_pages, 0, b->nr, b->addr, b->nodes, b->status, BENCH_MPOL_MF_MOVE);
	t1 = dsamig_now_ns();
	if (ret < 0) {
		ret = -errno;
		dsamig_err(ctx, "move_pages() of %lu folios to node %u failed: %s", b->nr, node,
			   strerror((int)-ret));
		return (int)ret;
	}
	for (i = 0; i < b->nr; i++)
		moved += b->status[i] == (int)node;
	if (moved != b->nr) {
		for (i = 0; i < b->nr && b->status[i] == (int)node; i++)
			;
		dsamig_err(ctx, "move_pages() moved %lu of %lu folios to node %u (a folio's "
			   "status: %s)", moved, b->nr, node, b->status[i] < 0 ?
			   strerror(-b->status[i]) : "on another node");
		return -EAGAIN;
	}
	*ns = (double)(t1 - t0);
	return 0;
}

/* One sample from the call's events: the backend's phases, or the CPU copies. */
static void migrate_sample(struct dsamig_session *s, const struct dsamig_stats *before,
			   int backend, double ns, struct samples *sm)
{
	double phase[DSAMIG_NR_PHASES] = { 0 }, copy = 0;
	const struct dsamig_offload *o, *o0;
	unsigned int p;
	uint64_t segs = 0, fb = 0;

	dsamig_session_drain(s);
	if (backend != DSAMIG_BENCH_KERNEL) {
		o = &s->total.offload[backend];
		o0 = &before->offload[backend];
		for (p = 0; p < DSAMIG_NR_PHASES; p++)
			phase[p] = (double)(o->phase_ns[p] - o0->phase_ns[p]);
		segs = o->segments - o0->segments;
		fb = o->fallback_runs - o0->fallback_runs;
		copy = (double)(s->total.cpu_copy_ns - before->cpu_copy_ns);
		if (backend != DSAMIG_BACKEND_DSA) {
			/* cpu and mt time their copy as phases: one copy time */
			for (p = 0; p < DSAMIG_NR_PHASES; p++) {
				copy += phase[p];
				phase[p] = 0;
			}
		}
	}
	samples_add(sm, ns, phase, copy, (unsigned int)segs, fb != 0);
}

/* One point of the migrate level: @repeats round trips, two samples each. */
static int migrate_point(struct dsamig_ctx *ctx, struct dsamig_session *s,
			 const struct dsamig_bench_req *req, int backend,
			 const struct dsamig_bench_size *size, struct samples *sm)
{
	static struct dsamig_stats before;
	struct buffer b;
	unsigned int i, leg;
	double ns = 0;
	int err;

	if (module_loaded(ctx)) {
		err = set_backend(ctx, backend);
		if (err)
			return err;
	}
	err = buffer_make(ctx, &b, size, req->src);
	if (err)
		return err;
	for (i = 0; i < req->repeats && !dsamig_session_stop; i++) {
		for (leg = 0; leg < 2 && !dsamig_session_stop; leg++) {
			dsamig_session_drain(s);
			before = s->total;
			err = buffer_move(ctx, &b, leg ? req->src : req->dst, &ns);
			if (err)
				goto out;
			migrate_sample(s, &before, backend, ns, sm);
		}
	}
out:
	buffer_free(&b);
	return err;
}

/* ---- the run ---- */

static unsigned int nr_backends(unsigned int mask)
{
	return (unsigned int)__builtin_popcount(mask);
}

int dsamig_bench_run(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req,
		     void (*progress)(void *arg, unsigned int done, unsigned int total),
		     void *arg, struct dsamig_bench_result *r)
{
	unsigned int total, done = 0, i, k, cap;
	struct dsamig_session s;
	struct samples sm;
	double *sorted = NULL;
	uint64_t t0;
	bool stopped = false, session = false;
	int err;

	memset(r, 0, sizeof(*r));
	r->req = *req;
	/* from here on the request with its defaults filled in */
	req = &r->req;
	err = check_req(ctx, req) ?: check_nodes(ctx, &r->req) ?:
	      pick_backends(ctx, req, &r->req.backends);
	if (err)
		return err;
	if (req->level == DSAMIG_BENCH_COPY) {
		char path[PATH_MAX];
		int fd = open_bench(ctx, path, sizeof(path));

		if (fd < 0)
			return fd;
		close(fd);
	} else {
		err = thp_check(ctx, req);
		if (err)
			return err;
	}
	cap = req->repeats * (req->level == DSAMIG_BENCH_MIGRATE ? 2 : 1);
	sorted = calloc(cap, sizeof(*sorted));
	err = samples_init(&sm, cap);
	if (err || !sorted) {
		dsamig_err(ctx, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	if (req->level == DSAMIG_BENCH_MIGRATE) {
		err = dsamig_session_start(ctx, &s, "syscall_or_cpuset", DSAMIG_REASON_SYSCALL,
					   restore_knobs);
		if (err)
			goto out;
		session = true;
	} else {
		/* the module's write ends between repeats with -EINTR */
		dsamig_stop_signals();
	}

	total = req->nr_sizes * nr_backends(r->req.backends);
	t0 = dsamig_now_ns();
	if (progress)
		progress(arg, 0, total);
	for (i = 0; i < req->nr_sizes && !stopped; i++) {
		for (k = 0; k < ARRAY_SIZE(backend_order) && !stopped; k++) {
			int b = backend_order[k];
			struct dsamig_bench_point *pt;

			if (!(r->req.backends & 1U << b))
				continue;
			sm.n = sm.fallbacks = 0;
			if (req->level == DSAMIG_BENCH_COPY)
				err = copy_point(ctx, req, b, &req->sizes[i], &sm, &stopped);
			else
				err = migrate_point(ctx, &s, req, b, &req->sizes[i], &sm);
			if (err)
				goto out;
			if (dsamig_session_stop)
				stopped = true;
			if (sm.n) {
				pt = &r->points[r->nr_points++];
				pt->backend = b;
				pt->size = req->sizes[i];
				samples_reduce(&sm, pt, sorted);
			}
			if (progress)
				progress(arg, ++done, total);
		}
	}
	r->secs = (double)(dsamig_now_ns() - t0) / 1e9;
	r->interrupted = stopped;
	r->signal = dsamig_session_stop;
out:
	restore_knobs();
	if (session)
		dsamig_session_close(&s);
	samples_free(&sm);
	free(sorted);
	return err;
}

/* ---- JSON ---- */

static struct json_object *point_to_json(const struct dsamig_bench_point *p)
{
	struct json_object *o = json_object_new_object(), *t, *ph;
	unsigned int i;

	if (!o)
		return NULL;
	json_object_object_add(o, "backend",
			       json_object_new_string(dsamig_bench_backend_name(p->backend)));
	json_object_object_add(o, "pages", json_object_new_int((int)p->size.pages));
	json_object_object_add(o, "order", json_object_new_int((int)p->size.order));
	dsamig_json_u64(o, "bytes", (uint64_t)p->size.pages * PAGE_4K);
	json_object_object_add(o, "folios",
			       json_object_new_int((int)(p->size.pages >> p->size.order)));
	json_object_object_add(o, "samples", json_object_new_int((int)p->samples));
	json_object_object_add(o, "fallbacks", json_object_new_int((int)p->fallbacks));
	json_object_object_add(o, "segments", json_object_new_int((int)p->segments));
	t = json_object_new_object();
	dsamig_json_double(t, "median", p->total_ns.median, 0);
	dsamig_json_double(t, "p25", p->total_ns.p25, 0);
	dsamig_json_double(t, "p75", p->total_ns.p75, 0);
	dsamig_json_double(t, "min", p->total_ns.min, 0);
	dsamig_json_double(t, "max", p->total_ns.max, 0);
	json_object_object_add(o, "total_ns", t);
	ph = json_object_new_object();
	for (i = 0; i < DSAMIG_NR_PHASES; i++)
		dsamig_json_double(ph, phase_keys[i], p->phase_ns[i], 0);
	json_object_object_add(o, "phases", ph);
	dsamig_json_double(o, "setup_ns", p->setup_ns, 0);
	dsamig_json_double(o, "transfer_ns", p->transfer_ns, 0);
	dsamig_json_double(o, "copy_ns", p->copy_ns, 0);
	dsamig_json_double(o, "ns_per_page", p->size.pages ? p->total_ns.median / p->size.pages
							   : 0, 1);
	return o;
}

struct json_object *dsamig_bench_result_to_json(const struct dsamig_bench_result *r)
{
	const struct dsamig_bench_req *req = &r->req;
	struct json_object *j = json_object_new_object(), *a, *o;
	unsigned int i, k;

	if (!j)
		return NULL;
	json_object_object_add(j, "level",
			       json_object_new_string(dsamig_bench_level_name(req->level)));
	json_object_object_add(j, "from", json_object_new_int((int)req->src));
	json_object_object_add(j, "to", json_object_new_int((int)req->dst));
	json_object_object_add(j, "repeats", json_object_new_int((int)req->repeats));
	a = json_object_new_array();
	for (k = 0; k < ARRAY_SIZE(backend_order); k++)
		if (req->backends & 1U << backend_order[k])
			json_object_array_add(a, json_object_new_string(
				dsamig_bench_backend_name(backend_order[k])));
	json_object_object_add(j, "backends", a);
	a = json_object_new_array();
	for (i = 0; i < req->nr_sizes; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "pages", json_object_new_int((int)req->sizes[i].pages));
		json_object_object_add(o, "order", json_object_new_int((int)req->sizes[i].order));
		json_object_array_add(a, o);
	}
	json_object_object_add(j, "sizes", a);
	dsamig_json_double(j, "duration_s", r->secs, 3);
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	if (r->interrupted)
		json_object_object_add(j, "signal", json_object_new_string(
			r->signal == SIGTERM ? "SIGTERM" : r->signal == SIGHUP ? "SIGHUP" :
			r->signal == SIGPIPE ? "SIGPIPE" : "SIGINT"));
	a = json_object_new_array();
	for (i = 0; i < r->nr_points; i++) {
		o = point_to_json(&r->points[i]);
		if (!o) {
			json_object_put(a);
			json_object_put(j);
			return NULL;
		}
		json_object_array_add(a, o);
	}
	json_object_object_add(j, "points", a);
	return j;
}
