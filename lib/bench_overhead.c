// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig bench --overhead: see bench_overhead.h.
 *
 * Why a t-interval on the logs and not a bootstrap: a pair's ratio is the
 * quotient of two sums of 4 * rounds * pages page migrations each, so its
 * logarithm is close to normal (and the log makes module/no-module and
 * no-module/module symmetric); with tens of pairs the t-interval then has
 * its stated coverage, it is a closed formula that two runs on the same
 * data agree on to the last digit, and a bootstrap of the mean would give
 * the same width less a factor sqrt((n-1)/n) and plus resampling noise.
 * One disturbed pair widens the interval rather than hiding in it: an
 * honest failure to resolve, never a false claim.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_overhead.h"
#include "knobs.h"
#include "module.h"
#include "node_check.h"
#include "session.h"
#include "stats_json.h"

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

#define PAGE		4096UL
#define LOADED_PARAMS	"backend=cpu"

void dsamig_overhead_default_req(struct dsamig_overhead_req *req)
{
	memset(req, 0, sizeof(*req));
	req->pairs = 40;
	req->pages = 256;
	req->rounds = 4;
	req->src = -1;
	req->dst = -1;
}

/* ---- statistics ---- */

double dsamig_t975(unsigned int df)
{
	static const double table[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};
	const double z = 1.959964, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
	double d = df;

	if (df == 0)
		return NAN;
	if (df <= sizeof(table) / sizeof(table[0]))
		return table[df - 1];
	/* Cornish-Fisher expansion: within 1e-4 of the exact value from 30 on */
	return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @q quantile of sorted @v[@n], linearly interpolated. */
static double quantile(const double *v, unsigned int n, double q)
{
	double pos = q * (n - 1);
	unsigned int i = (unsigned int)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static void spread(double *v, unsigned int n, struct dsamig_overhead_spread *s)
{
	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	s->min = v[0];
	s->max = v[n - 1];
	s->median = quantile(v, n, 0.5);
	s->p25 = quantile(v, n, 0.25);
	s->p75 = quantile(v, n, 0.75);
}

void dsamig_overhead_ratio_stat(const double *x, unsigned int n, struct dsamig_overhead_stat *st)
{
	double mean = 0, ss = 0, half, *l;
	unsigned int i;

	st->ratio = st->lo = st->hi = st->median_ratio = NAN;
	st->log_sd = NAN;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		mean += log(x[i]);
	mean /= n;
	st->ratio = st->lo = st->hi = exp(mean);
	l = malloc(n * sizeof(*l));
	if (l) {
		memcpy(l, x, n * sizeof(*l));
		qsort(l, n, sizeof(*l), cmp_double);
		st->median_ratio = quantile(l, n, 0.5);
		free(l);
	}
	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		ss += (log(x[i]) - mean) * (log(x[i]) - mean);
	st->log_sd = sqrt(ss / (n - 1));
	half = dsamig_t975(n - 1) * st->log_sd / sqrt(n);
	st->lo = exp(mean - half);
	st->hi = exp(mean + half);
}

/* ---- the run ---- */

struct run {
	struct dsamig_ctx *ctx;
	struct dsamig_overhead_result *r;
	void **addrs;
	int *nodes, *status;
	char *buf;
	size_t len;
	bool loaded;			/* dsamig.ko is loaded now */
	bool touched;			/* we loaded or unloaded it */
	/* this pair's calls per side ([0] no module, [1] module), 4 * rounds each */
	uint64_t *call_cpu[2], *call_wall[2];
	unsigned int nr_calls[2];
	struct sigaction old[3];
};

static const int stops[] = { SIGINT, SIGTERM, SIGHUP };

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void on_stop(int sig)
{
	dsamig_session_stop = sig;
}

static void signals_catch(struct run *b)
{
	struct sigaction sa = { .sa_handler = on_stop };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaction(stops[i], &sa, &b->old[i]);
}

static void signals_restore(struct run *b)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		sigaction(stops[i], &b->old[i], NULL);
}

/* Stop signals held while the module changes (no half-done load), the old mask in @old. */
static void signals_hold(sigset_t *old)
{
	sigset_t set;
	unsigned int i;

	sigemptyset(&set);
	for (i = 0; i < 3; i++)
		sigaddset(&set, stops[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Move every page to @node; the time in this thread and on the clock added. */
static int move_to(struct run *b, int node, uint64_t *cpu, uint64_t *wall)
{
	unsigned int n = b->r->req.pages, i;
	uint64_t c0, w0;
	long rc;

	for (i = 0; i < n; i++)
		b->nodes[i] = node;
	w0 = clock_ns(CLOCK_MONOTONIC);
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	rc = syscall(SYS_move_pages, 0, (unsigned long)n, b->addrs, b->nodes, b->status,
		     MPOL_MF_MOVE);
	*cpu += clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	*wall += clock_ns(CLOCK_MONOTONIC) - w0;
	if (rc < 0) {
		rc = -errno;
		dsamig_err(b->ctx, "move_pages to node %d failed: %s", node, strerror(-rc));
		return (int)rc;
	}
	for (i = 0; i < n; i++)
		if (b->status[i] != node)
			b->r->pages_failed++;
	return 0;
}

/*
 * One measurement of side @k: a round unmeasured, then @rounds there and
 * back, each call's times appended to the side's samples of this pair.
 */
static int measure(struct run *b, unsigned int k)
{
	const struct dsamig_overhead_req *q = &b->r->req;
	uint64_t c = 0, w = 0;
	unsigned int i, j;
	int err;

	err = move_to(b, q->dst, &c, &w);
	if (!err)
		err = move_to(b, q->src, &c, &w);
	for (i = 0; !err && i < 2 * q->rounds; i++) {
		j = b->nr_calls[k]++;
		b->call_cpu[k][j] = 0;
		b->call_wall[k][j] = 0;
		err = move_to(b, i % 2 ? q->src : q->dst, &b->call_cpu[k][j], &b->call_wall[k][j]);
	}
	return err;
}

/* The pair's sides from their calls: the sums of their times, the fastest call. */
static void pair_done(struct run *b, struct dsamig_overhead_pair *p)
{
	unsigned int k, i;

	for (k = 0; k < 2; k++) {
		p->cpu_ns[k] = p->wall_ns[k] = 0;
		p->cpu_min_ns[k] = UINT64_MAX;
		for (i = 0; i < b->nr_calls[k]; i++) {
			p->cpu_ns[k] += b->call_cpu[k][i];
			p->wall_ns[k] += b->call_wall[k][i];
			if (b->call_cpu[k][i] < p->cpu_min_ns[k])
				p->cpu_min_ns[k] = b->call_cpu[k][i];
		}
		b->nr_calls[k] = 0;
	}
}

static int set_loaded(struct run *b, bool load)
{
	sigset_t old;
	int err;

	if (b->loaded == load)
		return 0;
	signals_hold(&old);
	err = load ? dsamig_module_load(b->ctx, b->r->module_file, LOADED_PARAMS)
		   : dsamig_module_unload(b->ctx);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err) {
		dsamig_err(b->ctx, "cannot %s %s: %s%s", load ? "load" : "unload",
			   load ? b->r->module_file : "dsamig.ko", strerror(-err),
			   err == -EBUSY ? "; it is in use" : "; see dmesg");
		return err;
	}
	b->loaded = load;
	b->touched = true;
	return 0;
}

/* The loaded module's knobs as module parameters, into r->knobs. */
static int read_knobs(struct run *b)
{
	char val[DSAMIG_KNOB_VALUE_MAX];
	size_t len = 0, i;
	int err, n;

	for (i = 0; i < dsamig_nr_knobs; i++) {
		const char *name = dsamig_knob_table[i].name;

		err = dsamig_module_knob_read(name, val, sizeof(val));
		if (err) {
			dsamig_err(b->ctx, "cannot read dsamig.ko's knob %s: %s", name,
				   strerror(-err));
			return err;
		}
		if (strpbrk(val, " \t\"")) {
			dsamig_err(b->ctx, "dsamig.ko's knob %s is '%s': it could not be "
				   "given back at a reload; nothing changed", name, val);
			return -EINVAL;
		}
		n = snprintf(b->r->knobs + len, sizeof(b->r->knobs) - len, "%s%s=%s",
			     len ? " " : "", name, val);
		if (n < 0 || (size_t)n >= sizeof(b->r->knobs) - len) {
			dsamig_err(b->ctx, "dsamig.ko's knobs are too long to keep");
			return -ENAMETOOLONG;
		}
		len += (size_t)n;
	}
	return 0;
}

static int check(struct run *b, const struct dsamig_overhead_req *req)
{
	struct dsamig_overhead_result *r = b->r;
	struct dsamig_nodemask mem;
	char lv[64], fv[64];
	unsigned int n;
	int err;

	if (req->pairs < 2 || req->pairs > DSAMIG_OVERHEAD_MAX_PAIRS || !req->pages ||
	    req->pages > DSAMIG_OVERHEAD_MAX_PAGES || !req->rounds ||
	    req->rounds > DSAMIG_OVERHEAD_MAX_ROUNDS) {
		dsamig_err(b->ctx, "bad request: pairs 2 to %u, pages 1 to %u, rounds 1 to %u",
			   DSAMIG_OVERHEAD_MAX_PAIRS, DSAMIG_OVERHEAD_MAX_PAGES,
			   DSAMIG_OVERHEAD_MAX_ROUNDS);
		return -EINVAL;
	}
	if (geteuid()) {
		dsamig_err(b->ctx, "must be root: the overhead bench loads and unloads dsamig.ko");
		return -EPERM;
	}
	err = dsamig_memory_nodes(b->ctx, &mem);
	if (err)
		return err;
	if (dsamig_nodemask_weight(&mem) < 2) {
		for (n = 0; n < DSAMIG_MAX_NODES && !dsamig_nodemask_test(&mem, n); n++)
			;
		dsamig_err(b->ctx, "only node %u has memory: the overhead bench migrates pages "
			   "between two nodes (move_pages), and this machine has one", n);
		return -ENODEV;
	}
	for (n = 0; n < DSAMIG_MAX_NODES && (r->req.src < 0 || r->req.dst < 0); n++) {
		if (!dsamig_nodemask_test(&mem, n))
			continue;
		if (r->req.src < 0 && (int)n != r->req.dst)
			r->req.src = (int)n;
		else if (r->req.dst < 0 && (int)n != r->req.src)
			r->req.dst = (int)n;
	}
	if (r->req.src == r->req.dst) {
		dsamig_err(b->ctx, "the source and destination are both node %d: want two nodes",
			   r->req.src);
		return -EINVAL;
	}
	err = dsamig_node_usable(b->ctx, "source ", (unsigned int)r->req.src, &mem);
	if (!err)
		err = dsamig_node_usable(b->ctx, "destination ", (unsigned int)r->req.dst, &mem);
	if (err)
		return err;
	err = dsamig_module_locate(b->ctx, req->module, r->module_file, sizeof(r->module_file));
	if (err) {
		if (req->module)
			dsamig_err(b->ctx, "%s: %s; check the path", req->module, strerror(-err));
		else
			dsamig_err(b->ctx, "no dsamig.ko found (installed or in the build tree); "
				   "build it with 'make modules'");
		return err;
	}
	r->was_loaded = dsamig_module_loaded();
	if (!r->was_loaded)
		return 0;
	/* loaded: it is given back from this file, so it must be the same module */
	err = dsamig_module_version(lv, sizeof(lv));
	if (!err)
		err = dsamig_module_file_version(b->ctx, r->module_file, fv, sizeof(fv));
	if (err) {
		dsamig_err(b->ctx, "cannot read the version of dsamig.ko: %s", strerror(-err));
		return err;
	}
	if (strcmp(lv, fv)) {
		dsamig_err(b->ctx, "the loaded dsamig.ko is version %s and %s is %s: it could "
			   "not be given back after the bench; unload it first", lv,
			   r->module_file, fv);
		return -EINVAL;
	}
	return read_knobs(b);
}

static int buffer_open(struct run *b)
{
	const struct dsamig_overhead_req *q = &b->r->req;
	uint64_t c = 0, w = 0;
	unsigned int i;

	b->len = (size_t)q->pages * PAGE;
	b->buf = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->buf == MAP_FAILED) {
		b->buf = NULL;
		dsamig_err(b->ctx, "cannot map %u pages: %s", q->pages, strerror(errno));
		return -ENOMEM;
	}
	/* 4 KiB folios: the work is the same page migrations on both sides */
	madvise(b->buf, b->len, MADV_NOHUGEPAGE);
	b->addrs = calloc(q->pages, sizeof(*b->addrs));
	b->nodes = calloc(q->pages, sizeof(*b->nodes));
	b->status = calloc(q->pages, sizeof(*b->status));
	for (i = 0; i < 2; i++) {
		b->call_cpu[i] = calloc(4 * q->rounds, sizeof(uint64_t));
		b->call_wall[i] = calloc(4 * q->rounds, sizeof(uint64_t));
		if (!b->call_cpu[i] || !b->call_wall[i])
			b->status = (free(b->status), NULL);
	}
	if (!b->addrs || !b->nodes || !b->status) {
		dsamig_err(b->ctx, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < q->pages; i++) {
		b->buf[(size_t)i * PAGE] = (char)i;
		b->addrs[i] = b->buf + (size_t)i * PAGE;
	}
	return move_to(b, q->src, &c, &w);
}

static void buffer_close(struct run *b)
{
	if (b->buf)
		munmap(b->buf, b->len);
	free(b->addrs);
	free(b->nodes);
	free(b->status);
	free(b->call_cpu[0]);
	free(b->call_cpu[1]);
	free(b->call_wall[0]);
	free(b->call_wall[1]);
}

/* The module as it was: loaded from the same file with its knobs, or not. */
static int restore(struct run *b)
{
	struct dsamig_overhead_result *r = b->r;
	sigset_t old;
	int err;

	if (!b->touched)
		return 0;
	signals_hold(&old);
	err = set_loaded(b, false);
	if (!err && r->was_loaded) {
		err = dsamig_module_load(b->ctx, r->module_file, r->knobs);
		if (err)
			dsamig_err(b->ctx, "cannot load %s back with %s: %s; load it again with "
				   "'dsamig load'", r->module_file, r->knobs, strerror(-err));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

static void stats(struct dsamig_overhead_result *r)
{
	double per = 4.0 * r->req.rounds * r->req.pages;	/* a side's pages */
	double *x = calloc(r->pairs ? r->pairs : 1, sizeof(*x));
	unsigned int i, k;

	if (!x)
		return;
	for (i = 0; i < r->pairs; i++)
		x[i] = (double)r->pair[i].cpu_min_ns[1] / (double)r->pair[i].cpu_min_ns[0];
	dsamig_overhead_ratio_stat(x, r->pairs, &r->cpu_min);
	for (k = 0; k < 2; k++) {
		struct dsamig_overhead_stat *st = k ? &r->wall : &r->cpu;

		for (i = 0; i < r->pairs; i++) {
			const uint64_t *v = k ? r->pair[i].wall_ns : r->pair[i].cpu_ns;

			x[i] = v[0] ? (double)v[1] / (double)v[0] : NAN;
		}
		dsamig_overhead_ratio_stat(x, r->pairs, st);
		for (i = 0; i < r->pairs; i++)
			x[i] = (double)(k ? r->pair[i].wall_ns : r->pair[i].cpu_ns)[1] / per;
		spread(x, r->pairs, &st->module);
		for (i = 0; i < r->pairs; i++)
			x[i] = (double)(k ? r->pair[i].wall_ns : r->pair[i].cpu_ns)[0] / per;
		spread(x, r->pairs, &st->no_module);
	}
	free(x);
}

int dsamig_bench_overhead(struct dsamig_ctx *ctx, const struct dsamig_overhead_req *req,
			  void (*progress)(void *arg, unsigned int done, unsigned int total),
			  void *arg, struct dsamig_overhead_result *r)
{
	/* A B B A: no module, module, module, no module */
	static const unsigned int order[4] = { 0, 1, 1, 0 };
	struct run b = { .ctx = ctx, .r = r };
	uint64_t start = dsamig_now_ns();
	unsigned int i, j;
	int err, rerr;

	memset(r, 0, sizeof(*r));
	r->req = *req;
	r->req.module = NULL;
	err = check(&b, req);
	if (err)
		return err;
	r->pair = calloc(req->pairs, sizeof(*r->pair));
	if (!r->pair) {
		dsamig_err(ctx, "out of memory");
		return -ENOMEM;
	}
	dsamig_session_stop = 0;
	signals_catch(&b);
	b.loaded = r->was_loaded;
	err = set_loaded(&b, false);
	if (err)
		goto out;
	err = buffer_open(&b);
	/* warm up: page tables, caches, the first migrations' allocations */
	for (j = 0; !err && j < 2; j++) {
		err = measure(&b, 0);
		b.nr_calls[0] = 0;
	}
	for (i = 0; !err && i < req->pairs && !dsamig_session_stop; i++) {
		struct dsamig_overhead_pair *p = &r->pair[i];

		for (j = 0; !err && j < 4 && !dsamig_session_stop; j++) {
			err = set_loaded(&b, order[j]);
			if (!err)
				err = measure(&b, order[j]);
		}
		if (err || j < 4)
			break;
		pair_done(&b, p);
		r->pairs++;
		if (progress)
			progress(arg, r->pairs, req->pairs);
	}
	r->interrupted = dsamig_session_stop != 0;
	r->signal = dsamig_session_stop;
out:
	buffer_close(&b);
	rerr = restore(&b);
	signals_restore(&b);
	if (!err)
		err = rerr;
	r->secs = (double)(dsamig_now_ns() - start) / 1e9;
	stats(r);
	return err;
}

void dsamig_overhead_result_free(struct dsamig_overhead_result *r)
{
	free(r->pair);
	r->pair = NULL;
}

/* ---- JSON ---- */

static void json_num(struct json_object *o, const char *key, double v, int decimals)
{
	if (isfinite(v))
		dsamig_json_double(o, key, v, decimals);
	else
		json_object_object_add(o, key, NULL);
}

static struct json_object *spread_json(const struct dsamig_overhead_spread *s)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_num(o, "median", s->median, 1);
	json_num(o, "p25", s->p25, 1);
	json_num(o, "p75", s->p75, 1);
	json_num(o, "min", s->min, 1);
	json_num(o, "max", s->max, 1);
	return o;
}

static struct json_object *stat_json(const struct dsamig_overhead_stat *st, bool ci,
				     bool spreads)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_num(o, "ratio", st->ratio, 4);
	json_num(o, "lo", ci ? st->lo : NAN, 4);
	json_num(o, "hi", ci ? st->hi : NAN, 4);
	json_num(o, "width", ci ? st->hi - st->lo : NAN, 4);
	json_num(o, "median_ratio", st->median_ratio, 4);
	json_num(o, "log_sd", ci ? st->log_sd : NAN, 4);
	if (!spreads)
		return o;
	json_object_object_add(o, "module_ns_per_page", spread_json(&st->module));
	json_object_object_add(o, "no_module_ns_per_page", spread_json(&st->no_module));
	return o;
}

struct json_object *dsamig_overhead_result_to_json(const struct dsamig_overhead_result *r)
{
	struct json_object *j = json_object_new_object();
	bool ci = r->pairs >= 2;

	if (!j)
		return NULL;
	json_object_object_add(j, "pairs", json_object_new_int((int)r->pairs));
	json_object_object_add(j, "pairs_requested", json_object_new_int((int)r->req.pairs));
	json_object_object_add(j, "pages", json_object_new_int((int)r->req.pages));
	json_object_object_add(j, "rounds", json_object_new_int((int)r->req.rounds));
	json_object_object_add(j, "src", json_object_new_int(r->req.src));
	json_object_object_add(j, "dst", json_object_new_int(r->req.dst));
	json_object_object_add(j, "order", json_object_new_string("ABBA"));
	json_object_object_add(j, "interval", json_object_new_string("t"));
	dsamig_json_double(j, "confidence", 0.95, 2);
	json_num(j, "ratio", r->cpu.ratio, 4);
	json_num(j, "lo", ci ? r->cpu.lo : NAN, 4);
	json_num(j, "hi", ci ? r->cpu.hi : NAN, 4);
	json_object_object_add(j, "resolves_2pct",
			       json_object_new_boolean(ci && r->cpu.hi - r->cpu.lo < 0.02));
	json_object_object_add(j, "cpu", stat_json(&r->cpu, ci, true));
	json_object_object_add(j, "wall", stat_json(&r->wall, ci, true));
	json_object_object_add(j, "cpu_min", stat_json(&r->cpu_min, ci, false));
	dsamig_json_u64(j, "pages_failed", r->pages_failed);
	json_object_object_add(j, "module_file", json_object_new_string(r->module_file));
	json_object_object_add(j, "module_loaded_before", json_object_new_boolean(r->was_loaded));
	json_object_object_add(j, "module_knobs_before",
			       r->was_loaded ? json_object_new_string(r->knobs) : NULL);
	json_object_object_add(j, "loaded_with", json_object_new_string(LOADED_PARAMS));
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	dsamig_json_double(j, "duration_s", r->secs, 2);
	return j;
}
