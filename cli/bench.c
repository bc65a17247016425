// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig bench: the time to copy N pages through each of dsamig.ko's
 * backends, the copy path alone or whole migrations, with medians and
 * spread over repeats. The action is the library's (lib/bench.h); this is
 * its command line, progress line, table and text chart.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"
#include "dsamig.h"
#include "overhead.h"

/* --overhead without --repeats: pairs enough for a few % under emulation */
#define OVERHEAD_PAIRS	200
#define DSAMIG_XSTR(x)	#x
#define DSAMIG_STR(x)	DSAMIG_XSTR(x)
#include "parse.h"
#include "report.h"
#include "stats_json.h"

#define MAX_PAGES	65536
#define CHART_WIDTH	40

struct bench_args {
	struct dsamig_bench_req req;
	bool have_sizes, have_repeats, json, quiet, overhead;
	const char *svg;
};

enum { OPT_SVG = 0x100, OPT_OVERHEAD };

static const struct argp_option options[] = {
	{ "level", 'l', "LEVEL", 0, "copy (the module's copy path alone, the default) or "
	  "migrate (move_pages() between the nodes)", 0 },
	{ "from", 'f', "NODE", 0, "Source node (default: the first node with memory)", 0 },
	{ "to", 't', "NODE", 0, "Destination node (default: the next node with memory, "
	  "else the source)", 0 },
	{ "sizes", 's', "LIST", 0, "Batch sizes: N pages of 4 KiB, or 2M, 4M... in 2 MiB "
	  "folios (default 1,2,4,...,512,2M)", 0 },
	{ "repeats", 'r', "N", 0, "Repeats per size and backend, 1 to 1000 (default 10)", 0 },
	{ "backends", 'b', "LIST", 0, "cpu, mt, dsa (and kernel for --level migrate); "
	  "default: every one available", 0 },
	{ "json", 'j', NULL, 0, "Print the result as one JSON object", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line", 0 },
	{ "svg", OPT_SVG, "FILE", 0, "Also draw the figure (time per batch against pages, "
	  "the crossover marked) as SVG into FILE", 0 },
	{ "overhead", OPT_OVERHEAD, NULL, 0, "Instead: dsamig.ko's own cost, migration with "
	  "backend=cpu against no module, in --repeats ABBA pairs (default "
	  DSAMIG_STR(OVERHEAD_PAIRS) "; see OVERHEAD in the man page)", 0 },
	{ 0 },
};

/* One size: N pages of 4 KiB, or a multiple of 2 MiB with M or G: 2 MiB folios. */
static int parse_size(const char *s, struct dsamig_bench_size *out)
{
	size_t len = strlen(s);
	uint64_t v;

	if (!len)
		return -EINVAL;
	if (strchr("0123456789", s[len - 1])) {
		if (dsamig_parse_uint(s, 1, MAX_PAGES, &v))
			return -EINVAL;
		*out = (struct dsamig_bench_size){ .pages = (unsigned int)v, .order = 0 };
		return 0;
	}
	if (!strpbrk(s, "MmGg") || dsamig_parse_size(s, &v) || !v || v % (2ULL << 20) ||
	    v / 4096 > MAX_PAGES)
		return -EINVAL;
	*out = (struct dsamig_bench_size){ .pages = (unsigned int)(v / 4096), .order = 9 };
	return 0;
}

static int parse_sizes(const struct argp_state *state, char *arg, struct dsamig_bench_req *req)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return ENOMEM;
	req->nr_sizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (req->nr_sizes == DSAMIG_BENCH_MAX_SIZES) {
			err = cli_usage_error(state, "too many --sizes: at most %u",
					      DSAMIG_BENCH_MAX_SIZES);
			break;
		}
		if (parse_size(tok, &req->sizes[req->nr_sizes])) {
			err = cli_usage_error(state, "bad size '%s' in --sizes: pages of 4 KiB "
					      "(1 to %u), or 2M, 4M... (2 MiB folios, up to 256M)",
					      tok, MAX_PAGES);
			break;
		}
		req->nr_sizes++;
	}
	if (!err && !req->nr_sizes)
		err = cli_usage_error(state, "bad --sizes '%s': a list such as 1,8,64,2M", arg);
	free(copy);
	return err;
}

static int parse_backends(const struct argp_state *state, char *arg, unsigned int *mask)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0, b;

	if (!copy)
		return ENOMEM;
	*mask = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		b = dsamig_bench_backend_parse(tok);
		if (b < 0) {
			err = cli_usage_error(state, "bad backend '%s' in --backends: cpu, mt, "
					      "dsa or kernel", tok);
			break;
		}
		*mask |= 1U << b;
	}
	if (!err && !*mask)
		err = cli_usage_error(state, "bad --backends '%s': a list such as cpu,dsa", arg);
	free(copy);
	return err;
}

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct bench_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'l':
		if (!strcmp(arg, "copy"))
			a->req.level = DSAMIG_BENCH_COPY;
		else if (!strcmp(arg, "migrate"))
			a->req.level = DSAMIG_BENCH_MIGRATE;
		else
			return cli_usage_error(state, "bad --level '%s': copy or migrate", arg);
		return 0;
	case 'f':
		return cli_parse_node(state, "--from", arg, &a->req.src);
	case 't':
		return cli_parse_node(state, "--to", arg, &a->req.dst);
	case 's':
		a->have_sizes = true;
		return parse_sizes(state, arg, &a->req);
	case 'r':
		if (dsamig_parse_uint(arg, 1, DSAMIG_BENCH_MAX_REPEATS, &v))
			return cli_usage_error(state, "bad --repeats '%s': a whole number from 1 "
					       "to %u", arg, DSAMIG_BENCH_MAX_REPEATS);
		a->req.repeats = (unsigned int)v;
		a->have_repeats = true;
		return 0;
	case 'b':
		return parse_backends(state, arg, &a->req.backends);
	case 'j':
		a->json = true;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case OPT_SVG:
		a->svg = arg;
		return 0;
	case OPT_OVERHEAD:
		a->overhead = true;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (a->overhead && (a->svg || a->have_sizes || a->req.backends ||
				    a->req.level != DSAMIG_BENCH_COPY))
			return cli_usage_error(state, "--overhead takes only --repeats, --from, "
					       "--to, --json and --quiet");
		if (a->req.level == DSAMIG_BENCH_COPY &&
		    (a->req.backends & 1U << DSAMIG_BENCH_KERNEL))
			return cli_usage_error(state, "backend kernel needs --level migrate");
		if (a->req.level == DSAMIG_BENCH_MIGRATE && a->req.src == a->req.dst &&
		    a->req.src != DSAMIG_BENCH_ANY_NODE)
			return cli_usage_error(state, "--level migrate needs two nodes, and "
					       "--from and --to are both %u", a->req.src);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp bench_argp = {
	.options = options,
	.parser = parser,
	.doc = "Measure the time to copy a batch of N pages through each of dsamig.ko's "
	       "backends (cpu, mt, dsa) on this machine, for N over a range: the copy path "
	       "alone (--level copy, the module's debugfs bench interface), or whole "
	       "migrations (--level migrate, move_pages() between two nodes). Prints per size "
	       "the median and spread (p25-p75) over the repeats, dsa's setup against "
	       "transfer time, and on a terminal a chart. Ctrl-C stops after the current "
	       "repeat and reports the sizes done.",
};

struct progress_state {
	uint64_t t0;
};

static void progress(void *arg, unsigned int done, unsigned int total)
{
	struct progress_state *p = arg;

	fprintf(stderr, "\r  bench: %3u/%u %s  %6.1f s ", done, total,
		dsamig_plural(total, "point", "points"),
		(double)(dsamig_now_ns() - p->t0) / 1e9);
}

/* ---- the table ---- */

static void fmt_size(char *buf, size_t size, const struct dsamig_bench_size *s)
{
	unsigned int folios = s->pages >> s->order;

	if (!s->order)
		snprintf(buf, size, "%u %s", s->pages, dsamig_plural(s->pages, "page", "pages"));
	else if (folios == 1)
		snprintf(buf, size, "2 MiB folio");
	else
		snprintf(buf, size, "%u MiB, %u folios", 2 * folios, folios);
}

/* "1.2 us (1.1-1.3)": the median, and p25-p75 in its unit. */
static void fmt_spread(char *buf, size_t size, const struct dsamig_bench_spread *s)
{
	static const struct { double limit, div; const char *unit; int dec; } u[] = {
		{ 1e3, 1, "ns", 0 }, { 1e6, 1e3, "us", 1 }, { 1e9, 1e6, "ms", 2 },
		{ INFINITY, 1e9, "s", 2 },
	};
	unsigned int i = 0;

	while (s->median >= u[i].limit)
		i++;
	snprintf(buf, size, "%.*f %s (%.*f-%.*f)", u[i].dec, s->median / u[i].div, u[i].unit,
		 u[i].dec, s->p25 / u[i].div, u[i].dec, s->p75 / u[i].div);
}

static const int order[] = {
	DSAMIG_BENCH_KERNEL, DSAMIG_BACKEND_CPU, DSAMIG_BACKEND_MT, DSAMIG_BACKEND_DSA,
};
#define NR_ORDER (sizeof(order) / sizeof(order[0]))

static bool measured(const struct dsamig_bench_result *r, int b)
{
	return r->req.backends & 1U << b;
}

/* Whether dsa has phases to show: measured, and (migrate) traced. */
static bool dsa_phases(const struct dsamig_bench_result *r)
{
	return measured(r, DSAMIG_BACKEND_DSA);
}

static void print_title(const struct dsamig_bench_result *r)
{
	const struct dsamig_bench_req *q = &r->req;

	if (q->level == DSAMIG_BENCH_COPY)
		printf("Copy path of dsamig.ko, node %u -> %u, %u %s per point", q->src, q->dst,
		       q->repeats, dsamig_plural(q->repeats, "repeat", "repeats"));
	else
		printf("Migration with move_pages(), node %u -> %u and back, %u %s per point",
		       q->src, q->dst, 2 * q->repeats, "calls");
	printf("%s (%.2f s)\n", r->interrupted ? ", interrupted" : "", r->secs);
	if (r->interrupted)
		printf("  stopped by %s: %u of %u points measured\n",
		       report_signal_name(r->signal), r->nr_points,
		       q->nr_sizes * (unsigned int)__builtin_popcount(q->backends));
}

/* A table row, printed without trailing blanks. */
struct row {
	char buf[512];
	size_t len;
};

static void __attribute__((format(printf, 2, 3))) row_add(struct row *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, sizeof(w->buf) - w->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->len = w->len + (size_t)n < sizeof(w->buf) ? w->len + (size_t)n :
							    sizeof(w->buf) - 1;
}

static void row_put(struct row *w)
{
	while (w->len && w->buf[w->len - 1] == ' ')
		w->len--;
	printf("%.*s\n", (int)w->len, w->buf);
	w->len = 0;
}

static void print_table(const struct dsamig_bench_result *r)
{
	const struct dsamig_bench_req *q = &r->req;
	char size[48], cell[48], a[24], b[24];
	unsigned int i, k, fallbacks = 0, runs = 0;
	const struct dsamig_bench_point *p;
	struct row w = { .len = 0 };

	print_title(r);
	printf("  time per batch: median (p25-p75)\n");
	row_add(&w, "  %-18s", "SIZE");
	for (k = 0; k < NR_ORDER; k++)
		if (measured(r, order[k]))
			row_add(&w, " %-24s", dsamig_bench_backend_name(order[k]));
	if (dsa_phases(r))
		row_add(&w, " %10s %10s", "dsa setup", "transfer");
	row_put(&w);
	for (i = 0; i < q->nr_sizes; i++) {
		bool any = false;

		for (k = 0; k < NR_ORDER; k++)
			any |= dsamig_bench_find(r, order[k], q->sizes[i]) != NULL;
		if (!any)
			continue;
		fmt_size(size, sizeof(size), &q->sizes[i]);
		row_add(&w, "  %-18s", size);
		for (k = 0; k < NR_ORDER; k++) {
			if (!measured(r, order[k]))
				continue;
			p = dsamig_bench_find(r, order[k], q->sizes[i]);
			if (p) {
				fmt_spread(cell, sizeof(cell), &p->total_ns);
				if (p->fallbacks) {
					strcat(cell, " *");
					fallbacks += p->fallbacks;
					runs += p->samples;
				}
			} else {
				snprintf(cell, sizeof(cell), "-");
			}
			row_add(&w, " %-24s", cell);
		}
		if (dsa_phases(r)) {
			p = dsamig_bench_find(r, DSAMIG_BACKEND_DSA, q->sizes[i]);
			if (p) {
				cli_fmt_ns(a, sizeof(a), p->setup_ns);
				cli_fmt_ns(b, sizeof(b), p->transfer_ns);
			} else {
				snprintf(a, sizeof(a), "-");
				snprintf(b, sizeof(b), "-");
			}
			row_add(&w, " %10s %10s", a, b);
		}
		row_put(&w);
	}
	if (fallbacks)
		printf("  * dsa fell back to the CPU in %u of the %u %s of those points\n",
		       fallbacks, runs, q->level == DSAMIG_BENCH_COPY ? "repeats" : "calls");
}

/* Log-scale bars of the medians, one per backend and size. */
static void print_chart(const struct dsamig_bench_result *r)
{
	const struct dsamig_bench_req *q = &r->req;
	double lo = INFINITY, hi = 0, v;
	unsigned int i, k, n, first;
	const struct dsamig_bench_point *p;
	char size[48], t[24];

	for (i = 0; i < r->nr_points; i++) {
		v = r->points[i].total_ns.median;
		if (v > 0) {
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	}
	if (hi <= 0)
		return;
	cli_fmt_ns(size, sizeof(size), lo);
	cli_fmt_ns(t, sizeof(t), hi);
	printf("\nTime per batch, log scale (%s to %s)\n", size, t);
	for (i = 0; i < q->nr_sizes; i++) {
		first = 1;
		fmt_size(size, sizeof(size), &q->sizes[i]);
		for (k = 0; k < NR_ORDER; k++) {
			p = dsamig_bench_find(r, order[k], q->sizes[i]);
			if (!p)
				continue;
			v = p->total_ns.median;
			n = 1;
			if (hi > lo && v > 0)
				n += (unsigned int)lround((log(v) - log(lo)) / (log(hi) - log(lo)) *
							  (CHART_WIDTH - 1));
			cli_fmt_ns(t, sizeof(t), v);
			printf("  %-16s %-6s %-*.*s %s\n", first ? size : "",
			       dsamig_bench_backend_name(p->backend), CHART_WIDTH, n,
			       "########################################", t);
			first = 0;
		}
	}
}

/* The figure into @f (closed), with the crossover when there is one. */
static int write_svg(struct dsamig_ctx *ctx, FILE *f, const char *path,
		     const struct dsamig_bench_result *r)
{
	struct dsamig_bench_crossover c;
	bool have_c = !dsamig_bench_find_crossover(r, &c);
	int err = dsamig_bench_svg(f, r, have_c ? &c : NULL);

	if (fclose(f) && !err)
		err = -EIO;
	if (!err)
		return DSAMIG_EXIT_OK;
	if (err == -ENODATA)
		dsamig_err(ctx, "no point to draw in %s: nothing was measured", path);
	else
		dsamig_err(ctx, "cannot write %s: %s", path, strerror(-err));
	return DSAMIG_EXIT_FAILURE;
}

int cmd_bench(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct bench_args a = {
		.req = {
			.level = DSAMIG_BENCH_COPY,
			.src = DSAMIG_BENCH_ANY_NODE,
			.dst = DSAMIG_BENCH_ANY_NODE,
			.repeats = 10,
		},
	};
	struct progress_state ps = { 0 };
	struct dsamig_bench_result *r;
	FILE *svg = NULL;
	bool tty;
	int ret;

	ret = cli_parse_args(&bench_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.have_sizes)
		dsamig_bench_default_sizes(&a.req);
	ret = cli_need_root(argv[0], "benchmark dsamig.ko's copies");
	if (ret)
		return ret;
	/* a ratio within a few % needs hundreds of pairs, not a bench's 10 repeats */
	if (a.overhead)
		return cli_bench_overhead(ctx, a.have_repeats ? a.req.repeats : OVERHEAD_PAIRS,
					  a.req.src, a.req.dst, a.json, a.quiet);
	/* before the bench: a FILE that cannot be written stops here */
	if (a.svg) {
		svg = fopen(a.svg, "w");
		if (!svg) {
			dsamig_err(ctx, "cannot write %s: %s", a.svg, strerror(errno));
			return DSAMIG_EXIT_FAILURE;
		}
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		dsamig_err(ctx, "out of memory");
		ret = DSAMIG_EXIT_FAILURE;
		goto out;
	}
	tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
	ps.t0 = dsamig_now_ns();
	ret = dsamig_bench_run(ctx, &a.req, tty ? progress : NULL, &ps, r);
	if (tty)
		fputs("\r\033[K", stderr);
	if (ret) {
		ret = DSAMIG_EXIT_FAILURE;
		goto out;
	}
	if (a.json) {
		ret = cli_print_json(ctx, stdout, dsamig_bench_result_to_json(r));
	} else {
		print_table(r);
		if (isatty(STDOUT_FILENO))
			print_chart(r);
		ret = DSAMIG_EXIT_OK;
	}
	if (svg) {
		ret = write_svg(ctx, svg, a.svg, r) ?: ret;
		svg = NULL;
	}
out:
	if (svg) {
		fclose(svg);
		unlink(a.svg);
	}
	free(r);
	return ret;
}
