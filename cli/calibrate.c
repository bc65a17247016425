// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig calibrate: the smallest bench that finds the crossover of the cpu
 * and dsa backends on this machine (dsamig.ko's copy path between two
 * nodes, 1 to 512 pages of 4 KiB, then sizes between the bracketing two),
 * the threshold it gives with its uncertainty, and on request that
 * threshold set on the module (--apply) and saved for the boot-time
 * configuration (--save, DSAMIG_CALIBRATION_FILE). --input analyses a
 * saved 'dsamig bench --json' instead of measuring, and fits the engine
 * model when the data has 2 MiB folios. The measuring and the fits are the
 * library's (lib/bench.h); this is the command line, the knobs and the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"
#include "dsa.h"
#include "dsamig.h"
#include "knobs.h"
#include "module.h"
#include "parse.h"
#include "report.h"
#include "stats_json.h"

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

/* ---- measuring ---- */

static void merge(struct dsamig_bench_result *r, const struct dsamig_bench_result *more)
{
	unsigned int i;

	for (i = 0; i < more->nr_points && r->nr_points < DSAMIG_BENCH_MAX_POINTS; i++)
		r->points[r->nr_points++] = more->points[i];
	for (i = 0; i < more->req.nr_sizes && r->req.nr_sizes < DSAMIG_BENCH_MAX_SIZES; i++)
		r->req.sizes[r->req.nr_sizes++] = more->req.sizes[i];
	r->secs += more->secs;
	r->interrupted = more->interrupted;
	r->signal = more->signal;
}

/*
 * cpu and dsa at 1 .. 512 pages, then, when the bracket is wider than one
 * page, at up to three sizes inside it: @refined of them.
 */
static int measure(struct dsamig_ctx *ctx, const struct calibrate_args *a, bool tty,
		   struct dsamig_bench_result *r, struct dsamig_bench_crossover *c,
		   unsigned int *refined, unsigned int bracket[2])
{
	static struct dsamig_bench_result more;
	struct dsamig_bench_req req = a->req;
	unsigned int pages;
	int err;

	req.level = DSAMIG_BENCH_COPY;
	req.backends = 1U << DSAMIG_BACKEND_CPU | 1U << DSAMIG_BACKEND_DSA;
	req.nr_sizes = 0;
	for (pages = 1; pages <= 512; pages *= 2)
		req.sizes[req.nr_sizes++] = (struct dsamig_bench_size){ .pages = pages };
	*refined = 0;
	err = dsamig_bench_run(ctx, &req, tty ? progress : NULL, (void *)"measuring", r);
	if (err)
		return err;
	err = dsamig_bench_find_crossover(r, c);
	if (err || r->interrupted)
		return 0;
	/* the nodes the bench chose, for the refinement to measure the same */
	req.src = r->req.src;
	req.dst = r->req.dst;
	req.nr_sizes = dsamig_bench_refine_sizes(c, req.sizes, DSAMIG_BENCH_MAX_SIZES);
	if (!req.nr_sizes)
		return 0;
	err = dsamig_bench_run(ctx, &req, tty ? progress : NULL, (void *)"refining", &more);
	if (err)
		return err;
	*refined = req.nr_sizes;
	bracket[0] = c->lo;
	bracket[1] = c->hi;
	merge(r, &more);
	return 0;
}

/* ---- --input: a result of dsamig bench --json ---- */

static double jnum(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

/* The keys of a point's "phases", in enum dsamig_phase's order (dsamig-bench(8)). */
static const char *const phase_keys[DSAMIG_NR_PHASES] = {
	"sg_ns", "map_ns", "submit_ns", "wait_ns", "unmap_ns",
};

static int point_from_json(struct json_object *o, struct dsamig_bench_point *p)
{
	struct json_object *t;
	const char *name;
	unsigned int i;
	int b;

	if (!json_object_object_get_ex(o, "backend", &t) ||
	    !(name = json_object_get_string(t)))
		return -EINVAL;
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		if (!strcmp(dsamig_bench_backend_name(b), name))
			break;
	if (b == DSAMIG_NR_BACKENDS || jnum(o, "pages") < 1)
		return -EINVAL;
	*p = (struct dsamig_bench_point){
		.backend = b,
		.size = { .pages = (unsigned int)jnum(o, "pages"),
			  .order = (unsigned int)jnum(o, "order") },
		.samples = (unsigned int)jnum(o, "samples"),
		.fallbacks = (unsigned int)jnum(o, "fallbacks"),
		.segments = (unsigned int)jnum(o, "segments"),
		.setup_ns = jnum(o, "setup_ns"),
		.transfer_ns = jnum(o, "transfer_ns"),
		.copy_ns = jnum(o, "copy_ns"),
	};
	if (json_object_object_get_ex(o, "phases", &t))
		for (i = 0; i < DSAMIG_NR_PHASES; i++)
			p->phase_ns[i] = jnum(t, phase_keys[i]);
	if (json_object_object_get_ex(o, "total_ns", &t))
		p->total_ns = (struct dsamig_bench_spread){
			.median = jnum(t, "median"), .p25 = jnum(t, "p25"), .p75 = jnum(t, "p75"),
			.min = jnum(t, "min"), .max = jnum(t, "max"),
		};
	return 0;
}

static int load_input(struct dsamig_ctx *ctx, const char *file, struct dsamig_bench_result *r)
{
	struct json_object *j, *points, *v;
	size_t i, n;
	int err = 0;

	if (!strcmp(file, "-")) {
		j = json_object_from_fd(STDIN_FILENO);
		file = "standard input";
	} else {
		j = json_object_from_file(file);
	}
	if (!j) {
		dsamig_err(ctx, "cannot read %s as JSON: %s", file, json_util_get_last_err());
		return -EINVAL;
	}
	memset(r, 0, sizeof(*r));
	if (!json_object_object_get_ex(j, "points", &points) ||
	    !json_object_is_type(points, json_type_array)) {
		dsamig_err(ctx, "%s: no points: not the output of 'dsamig bench --json'", file);
		err = -EINVAL;
		goto out;
	}
	r->req.level = json_object_object_get_ex(j, "level", &v) &&
		       !strcmp(json_object_get_string(v), "migrate") ? DSAMIG_BENCH_MIGRATE
								       : DSAMIG_BENCH_COPY;
	r->req.src = (unsigned int)jnum(j, "from");
	r->req.dst = (unsigned int)jnum(j, "to");
	r->req.repeats = (unsigned int)jnum(j, "repeats");
	r->secs = jnum(j, "duration_s");
	r->interrupted = json_object_object_get_ex(j, "interrupted", &v) &&
			 json_object_get_boolean(v);
	n = json_object_array_length(points);
	for (i = 0; i < n; i++) {
		if (r->nr_points == DSAMIG_BENCH_MAX_POINTS) {
			dsamig_err(ctx, "%s: more than %u points", file, DSAMIG_BENCH_MAX_POINTS);
			err = -E2BIG;
			goto out;
		}
		if (point_from_json(json_object_array_get_idx(points, i),
				    &r->points[r->nr_points])) {
			dsamig_err(ctx, "%s: point %zu is not a bench point", file, i + 1);
			err = -EINVAL;
			goto out;
		}
		r->nr_points++;
	}
out:
	json_object_put(j);
	return err;
}

/* ---- --apply and --save ---- */

/* The DSA WQs with a dmaengine channel, "dsa0/wq0.0,..."; "" when none is seen. */
static void describe_device(char *buf, size_t size)
{
	static struct dsa_dev_desc devs[16];
	size_t len = 0;
	int n, i, w;

	buf[0] = '\0';
	n = dsa_describe_all(devs, 16);
	for (i = 0; i < n; i++)
		for (w = 0; w < devs[i].nr_wqs && w < DSA_MAX_WQS; w++) {
			int k;

			if (!devs[i].wq[w].channel[0])
				continue;
			k = snprintf(buf + len, size - len, "%s%s/%s", len ? "," : "",
				     devs[i].dev, devs[i].wq[w].dev);
			if (k < 0 || (size_t)k >= size - len) {
				buf[len] = '\0';
				return;
			}
			len += (size_t)k;
		}
}

static int apply(struct dsamig_ctx *ctx, const struct dsamig_calibration *cal)
{
	struct dsamig_knob_set sets[2];
	unsigned int n = 0, failed = 0;
	char threshold[16], msg[256];
	bool reading = false;
	int err;

	if (!dsamig_module_loaded()) {
		dsamig_err(ctx, "dsamig.ko is not loaded: nothing to --apply to");
		return -ENOENT;
	}
	snprintf(threshold, sizeof(threshold), "%u", cal->threshold);
	err = dsamig_knob_set_add(sets, &n, 2, "threshold", threshold, msg, sizeof(msg));
	if (!err && cal->backend == DSAMIG_BACKEND_CPU)
		err = dsamig_knob_set_add(sets, &n, 2, "backend", "cpu", msg, sizeof(msg));
	if (err) {
		dsamig_err(ctx, "%s", msg);
		return err;
	}
	err = dsamig_module_knobs_apply(sets, n, &failed, &reading);
	if (err) {
		dsamig_err(ctx, "cannot %s %s: %s; nothing changed",
			   reading ? "read" : "set", sets[failed].knob->name, strerror(-err));
		return err;
	}
	return 0;
}

/* Write @text to @file atomically: a temporary file beside it, renamed over it. */
static int save(struct dsamig_ctx *ctx, const char *file, const char *text)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	size_t len = strlen(text);
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >= (int)sizeof(tmp)) {
		dsamig_err(ctx, "%s: name too long", file);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", file);
	/* its directory, made if missing (/etc/dsamig on a fresh system) */
	if (mkdir(dirname(dir), 0755) && errno != EEXIST) {
		err = -errno;
		dsamig_err(ctx, "cannot make %s: %s", dir, strerror(errno));
		return err;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		dsamig_err(ctx, "cannot write %s: %s", file, strerror(errno));
		return err;
	}
	if (fchmod(fd, 0644) || write(fd, text, len) != (ssize_t)len || fsync(fd))
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, file))
		err = -errno;
	if (err) {
		unlink(tmp);
		dsamig_err(ctx, "cannot write %s: %s", file, strerror(-err));
	}
	return err;
}

/* ---- rendering ---- */

static void json_pages(struct json_object *o, const char *key, double v)
{
	if (isfinite(v))
		dsamig_json_double(o, key, v, 1);
	else
		json_object_object_add(o, key, NULL);
}

static struct json_object *line_to_json(const struct dsamig_bench_result *r, int b)
{
	struct dsamig_bench_line l;
	struct json_object *o;

	if (dsamig_bench_fit_line(r, b, &l))
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	dsamig_json_double(o, "fixed_ns", l.fixed_ns, 0);
	dsamig_json_double(o, "per_page_ns", l.per_page_ns, 1);
	dsamig_json_double(o, "r2", l.r2, 4);
	json_object_object_add(o, "points", json_object_new_int((int)l.n));
	return o;
}

struct outcome {
	const struct dsamig_bench_result *r;
	const struct dsamig_bench_crossover *c;
	const struct dsamig_calibration *cal;	/* NULL: no recommendation */
	unsigned int refined, bracket[2];	/* sizes measured inside the first bracket */
	bool compared;				/* cpu and dsa at a size in common */
	bool applied;
	const char *saved;
};

static int print_json(struct dsamig_ctx *ctx, const struct outcome *o)
{
	const struct dsamig_bench_crossover *c = o->c;
	struct dsamig_bench_engine_fit e;
	struct json_object *j = json_object_new_object(), *x;

	if (!j)
		goto oom;
	json_object_object_add(j, "from", json_object_new_int((int)o->r->req.src));
	json_object_object_add(j, "to", json_object_new_int((int)o->r->req.dst));
	json_object_object_add(j, "repeats", json_object_new_int((int)o->r->req.repeats));
	json_object_object_add(j, "interrupted", json_object_new_boolean(o->r->interrupted));
	json_object_object_add(j, "compared", json_object_new_boolean(o->compared));
	json_object_object_add(j, "found", json_object_new_boolean(c->found));
	json_object_object_add(j, "dsa_never_wins", json_object_new_boolean(c->dsa_never_wins));
	json_object_object_add(j, "dsa_always_wins",
			       json_object_new_boolean(c->dsa_always_wins));
	json_object_object_add(j, "threshold",
			       o->cal ? json_object_new_int((int)o->cal->threshold) : NULL);
	json_object_object_add(j, "backend", o->cal ? json_object_new_string(
		dsamig_bench_backend_name(o->cal->backend)) : NULL);
	x = json_object_new_object();
	json_object_object_add(x, "lo", json_object_new_int((int)c->lo));
	json_object_object_add(x, "hi", json_object_new_int((int)c->hi));
	json_object_object_add(j, "bracket", x);
	json_pages(j, "model_pages", c->model_pages);
	json_pages(j, "model_lo", c->model_lo);
	json_pages(j, "model_hi", c->model_hi);
	json_object_object_add(j, "refined_sizes", json_object_new_int((int)o->refined));
	x = json_object_new_object();
	json_object_object_add(x, "cpu", line_to_json(o->r, DSAMIG_BACKEND_CPU));
	json_object_object_add(x, "dsa", line_to_json(o->r, DSAMIG_BACKEND_DSA));
	json_object_object_add(j, "lines", x);
	x = NULL;
	if (!dsamig_bench_fit_engine(o->r, &e)) {
		x = json_object_new_object();
		dsamig_json_double(x, "desc_ns", e.desc_ns, 0);
		dsamig_json_double(x, "mbps", e.mbps, 1);
		dsamig_json_double(x, "r2", e.r2, 4);
		json_object_object_add(x, "points", json_object_new_int((int)e.n));
	}
	json_object_object_add(j, "engine", x);
	json_object_object_add(j, "applied", json_object_new_boolean(o->applied));
	json_object_object_add(j, "saved", o->saved ? json_object_new_string(o->saved) : NULL);
	x = dsamig_bench_result_to_json(o->r);
	if (!x) {
		json_object_put(j);
		goto oom;
	}
	json_object_object_add(j, "bench", x);
	return cli_print_json(ctx, stdout, j);
oom:
	dsamig_err(ctx, "out of memory");
	return DSAMIG_EXIT_FAILURE;
}

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

static void print_human(const struct outcome *o)
{
	const struct dsamig_bench_crossover *c = o->c;
	struct dsamig_bench_engine_fit e;
	char a[32], b[32];

	printf("Calibration of dsa against cpu, node %u -> %u, %u repeats%s (%.1f s)\n",
	       o->r->req.src, o->r->req.dst, o->r->req.repeats,
	       o->r->interrupted ? ", interrupted" : "", o->r->secs);
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
	print_line("cpu line", o->r, DSAMIG_BACKEND_CPU);
	print_line("dsa line", o->r, DSAMIG_BACKEND_DSA);
	if (!dsamig_bench_fit_engine(o->r, &e)) {
		cli_fmt_ns(a, sizeof(a), e.desc_ns);
		printf("  engine     %s a descriptor + %.1f MB/s (r\xc2\xb2 %.3f, %u points)\n", a,
		       e.mbps, e.r2, e.n);
	}
	if (o->refined)
		printf("  refined    %u size%s between %u and %u pages\n", o->refined,
		       o->refined == 1 ? "" : "s", o->bracket[0], o->bracket[1]);
	if (o->applied)
		printf("  applied    threshold=%u%s\n", o->cal->threshold,
		       o->cal->backend == DSAMIG_BACKEND_CPU ? " backend=cpu" : "");
	if (o->saved)
		printf("  saved      %s\n", o->saved);
}

int cmd_calibrate(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct dsamig_bench_result r;
	struct calibrate_args a = {
		.req = { .src = DSAMIG_BENCH_ANY_NODE, .dst = DSAMIG_BENCH_ANY_NODE,
			 .repeats = 10 },
	};
	struct dsamig_bench_crossover c;
	struct dsamig_calibration cal;
	struct outcome o = { .r = &r, .c = &c };
	char text[2048];
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
	if (a.input) {
		if (load_input(ctx, a.input, &r))
			return DSAMIG_EXIT_FAILURE;
	} else {
		tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
		err = measure(ctx, &a, tty, &r, &c, &o.refined, o.bracket);
		if (tty)
			fputs("\r\033[K", stderr);
		if (err)
			return DSAMIG_EXIT_FAILURE;
	}
	/* without sizes both measured (an --input of dsa alone): the fits only */
	o.compared = !dsamig_bench_find_crossover(&r, &c);
	if (o.compared && !dsamig_calibration_make(&r, &c, &cal))
		o.cal = &cal;
	ret = DSAMIG_EXIT_OK;
	if ((a.apply || a.save) && (!o.cal || r.interrupted)) {
		dsamig_err(ctx, "%s: nothing %s", r.interrupted ? "interrupted" :
			   !o.compared ? "no size has both cpu and dsa points" :
			   "no threshold (dsa is not faster at the largest size)",
			   a.apply && a.save ? "applied or saved" : a.apply ? "applied" : "saved");
		ret = DSAMIG_EXIT_FAILURE;
	} else {
		if (a.apply) {
			if (apply(ctx, &cal))
				ret = DSAMIG_EXIT_FAILURE;
			else
				o.applied = true;
		}
		if (a.save && ret == DSAMIG_EXIT_OK) {
			const char *file = a.save_file ? a.save_file : DSAMIG_CALIBRATION_FILE;

			/* measured now; an --input's device is not known */
			cal.measured = (int64_t)time(NULL);
			if (!a.input)
				describe_device(cal.device, sizeof(cal.device));
			err = dsamig_calibration_format(&cal, text, sizeof(text));
			if (err < 0 || save(ctx, file, text))
				ret = DSAMIG_EXIT_FAILURE;
			else
				o.saved = file;
		}
	}
	if (a.json) {
		err = print_json(ctx, &o);
		return ret ? ret : err;
	}
	print_human(&o);
	return ret;
}
