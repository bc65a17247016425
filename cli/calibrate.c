// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig calibrate: the smallest bench that finds the crossover of the cpu
 * and dsa backends on this machine (dsamig.ko's copy path between two
 * nodes, 1 to 512 pages of 4 KiB, then sizes between the bracketing two),
 * the threshold it gives with its uncertainty, and on request that
 * threshold set on the module (--apply) and saved for the boot-time
 * configuration (--save, DSAMIG_CALIBRATION_FILE). --input analyses a
 * saved 'dsamig bench --json' instead of measuring, and fits the engine
 * model when the data has 2 MiB folios. The action is the library's
 * (lib/calibrate.h); this is its command line and its human report.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "calibrate.h"
#include "dsamig.h"
#include "parse.h"
#include "report.h"

struct calibrate_args {
	struct dsamig_bench_req req;
	bool have_from, have_to, have_repeats, apply, save, json, quiet;
	const char *save_file, *input;
};

enum { OPT_INPUT = 0x100 };

static const struct argp_option options[] = {
	{ "from", 'f', "NODE", 0, "Source node (default: the first node with memory)", 0 },
	{ "to", 't', "NODE", 0, "Destination node (default: the next node with memory, "
	  "else the source)", 0 },
	{ "repeats", 'r', "N", 0, "Repeats per size and backend, 1 to 1000 (default 10)", 0 },
	{ "apply", 'a', NULL, 0, "Set the threshold knob (and backend=cpu when dsa never "
	  "wins) on the loaded dsamig.ko", 0 },
	{ "save", 's', "FILE", OPTION_ARG_OPTIONAL, "Write the calibration to FILE "
	  "(default " DSAMIG_CALIBRATION_FILE ") for the boot-time configuration", 0 },
	{ "input", OPT_INPUT, "FILE", 0, "Analyse the output of 'dsamig bench --json' in FILE "
	  "(- for standard input) instead of measuring", 0 },
	{ "json", 'j', NULL, 0, "Print the result as one JSON object", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct calibrate_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'f':
		a->have_from = true;
		return cli_parse_node(state, "--from", arg, &a->req.src);
	case 't':
		a->have_to = true;
		return cli_parse_node(state, "--to", arg, &a->req.dst);
	case 'r':
		if (dsamig_parse_uint(arg, 1, DSAMIG_BENCH_MAX_REPEATS, &v))
			return cli_usage_error(state, "bad --repeats '%s': a whole number from 1 "
					       "to %u", arg, DSAMIG_BENCH_MAX_REPEATS);
		a->req.repeats = (unsigned int)v;
		a->have_repeats = true;
		return 0;
	case 'a':
		a->apply = true;
		return 0;
	case 's':
		a->save = true;
		if (arg && !*arg)
			return cli_usage_error(state, "empty --save file");
		a->save_file = arg;
		return 0;
	case OPT_INPUT:
		a->input = arg;
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case ARGP_KEY_ARG:
		/* --save FILE: argp's optional arguments only attach as --save=FILE */
		if (a->save && !a->save_file && *arg) {
			a->save_file = arg;
			return 0;
		}
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (a->input && (a->have_from || a->have_to || a->have_repeats))
			return cli_usage_error(state, "--input excludes --from, --to and "
					       "--repeats: the file says what was measured");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp calibrate_argp = {
	.options = options,
	.parser = parser,
	.doc = "Find the batch size from which dsa copies faster than the CPU on this "
	       "machine (dsamig.ko's copy path between two nodes, 1 to 512 pages of 4 KiB, "
	       "refined between the two sizes that bracket it), print it with its "
	       "uncertainty, and with --apply set dsamig.ko's threshold to it, with --save "
	       "write it where the boot-time configuration reads it. Needs dsamig.ko "
	       "loaded with a DSA channel (dsamig setup, dsamig load).",
};

static void progress(void *arg, unsigned int done, unsigned int total)
{
	fprintf(stderr, "\r  %s: %u/%u points ", (const char *)arg, done, total);
}

/* ---- rendering ---- */

static void print_line(const char *name, const struct dsamig_bench_result *r, int b)
{
	struct dsamig_bench_line l;
	char fixed[32], per[32];

	if (dsamig_bench_fit_line(r, b, &l))
		return;
	cli_fmt_ns(fixed, sizeof(fixed), l.fixed_ns);
	cli_fmt_ns(per, sizeof(per), l.per_page_ns);
	printf("  %-10s %s + %s a page (r\xc2\xb2 %.3f, %u sizes)\n", name, fixed, per, l.r2, l.n);
}

static void print_human(const struct dsamig_calibrate_result *o)
{
	const struct dsamig_bench_crossover *c = &o->c;
	const struct dsamig_bench_result *r = &o->r;
	struct dsamig_bench_engine_fit e;
	char a[32], b[32];

	printf("Calibration of dsa against cpu, node %u -> %u, %u repeats%s (%.1f s)\n",
	       r->req.src, r->req.dst, r->req.repeats,
	       r->interrupted ? ", interrupted" : "", r->secs);
	if (!o->compared)
		printf("  threshold  none: no size has both cpu and dsa points of 4 KiB\n");
	else if (c->dsa_always_wins)
		printf("  threshold  %u page%s: dsa is faster at every size measured\n",
		       c->pages, c->pages == 1 ? "" : "s");
	else if (c->found)
		printf("  threshold  %u pages: dsa is faster from %u pages on, slower at %u\n",
		       c->pages, c->hi, c->lo);
	else if (c->dsa_never_wins)
		printf("  threshold  none: dsa is slower than cpu at every size up to 512 "
		       "pages; recommended backend=cpu\n");
	else
		printf("  threshold  none: dsa is faster at some sizes but not at the largest; "
		       "measure again with more --repeats\n");
	if (isfinite(c->model_pages)) {
		snprintf(a, sizeof(a), "%.1f", c->model_lo);
		snprintf(b, sizeof(b), "%.1f", c->model_hi);
		printf("  model      %.1f pages (%s .. %s from the p25..p75 spread)\n",
		       c->model_pages, isfinite(c->model_lo) ? a : "?",
		       isfinite(c->model_hi) ? b : "inf");
	} else if (!isnan(c->model_pages)) {
		printf("  model      the lines do not cross: dsa's cost a page is not lower\n");
	}
	print_line("cpu line", r, DSAMIG_BACKEND_CPU);
	print_line("dsa line", r, DSAMIG_BACKEND_DSA);
	if (!dsamig_bench_fit_engine(r, &e)) {
		cli_fmt_ns(a, sizeof(a), e.desc_ns);
		printf("  engine     %s a descriptor + %.1f MB/s (r\xc2\xb2 %.3f, %u points)\n", a,
		       e.mbps, e.r2, e.n);
	}
	if (o->refined)
		printf("  refined    %u size%s between %u and %u pages\n", o->refined,
		       o->refined == 1 ? "" : "s", o->bracket[0], o->bracket[1]);
	if (o->applied)
		printf("  applied    threshold=%u%s\n", o->cal.threshold,
		       o->cal.backend == DSAMIG_BACKEND_CPU ? " backend=cpu" : "");
	if (o->saved)
		printf("  saved      %s\n", o->saved);
}

int cmd_calibrate(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct dsamig_calibrate_result res;
	struct calibrate_args a = {
		.req = { .src = DSAMIG_BENCH_ANY_NODE, .dst = DSAMIG_BENCH_ANY_NODE,
			 .repeats = 10 },
	};
	struct dsamig_calibrate_req req;
	bool tty;
	int ret, err;

	ret = cli_parse_args(&calibrate_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.input || a.apply) {
		ret = cli_need_root(argv[0], a.input ? "set dsamig.ko's knobs"
						     : "run the bench through dsamig.ko");
		if (ret)
			return ret;
	}
	req = (struct dsamig_calibrate_req){
		.bench = a.req,
		.input = a.input,
		.apply = a.apply,
		.save = a.save ? (a.save_file ? a.save_file : DSAMIG_CALIBRATION_FILE) : NULL,
	};
	tty = !a.input && !a.json && !a.quiet && isatty(STDERR_FILENO);
	err = dsamig_calibrate_run(ctx, &req, tty ? progress : NULL, (void *)"measuring", &res);
	if (tty)
		fputs("\r\033[K", stderr);
	/* nothing measured or read: no report; else the report, and the failure said */
	if (err && !res.r.nr_points)
		return DSAMIG_EXIT_FAILURE;
	ret = err ? DSAMIG_EXIT_FAILURE : DSAMIG_EXIT_OK;
	if (a.json)
		return cli_print_json(ctx, stdout, dsamig_calibrate_result_to_json(&res)) ?: ret;
	print_human(&res);
	return ret;
}
