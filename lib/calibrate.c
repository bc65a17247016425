// SPDX-License-Identifier: GPL-2.0
/* dsamig calibrate's action: see calibrate.h. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calibrate.h"
#include "dsa.h"
#include "knobs.h"
#include "module_run.h"
#include "stats_json.h"

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
static int measure(struct dsamig_ctx *ctx, const struct dsamig_bench_req *base,
		   void (*progress)(void *, unsigned int, unsigned int), void *arg,
		   struct dsamig_bench_result *r, struct dsamig_bench_crossover *c,
		   unsigned int *refined, unsigned int bracket[2])
{
	static struct dsamig_bench_result more;
	struct dsamig_bench_req req = *base;
	unsigned int pages;
	int err;

	req.level = DSAMIG_BENCH_COPY;
	req.backends = 1U << DSAMIG_BACKEND_CPU | 1U << DSAMIG_BACKEND_DSA;
	req.nr_sizes = 0;
	for (pages = 1; pages <= 512; pages *= 2)
		req.sizes[req.nr_sizes++] = (struct dsamig_bench_size){ .pages = pages };
	*refined = 0;
	err = dsamig_bench_run(ctx, &req, progress, arg, r);
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
	err = dsamig_bench_run(ctx, &req, progress, arg, &more);
	if (err)
		return err;
	*refined = req.nr_sizes;
	bracket[0] = c->lo;
	bracket[1] = c->hi;
	merge(r, &more);
	return 0;
}

/* ---- the input: a result of dsamig bench --json ---- */

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

/* ---- apply and save ---- */

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
	char threshold[16], msg[256];
	unsigned int n = 0;
	int err;

	snprintf(threshold, sizeof(threshold), "%u", cal->threshold);
	err = dsamig_knob_set_add(sets, &n, 2, "threshold", threshold, msg, sizeof(msg));
	if (!err && cal->backend == DSAMIG_BACKEND_CPU)
		err = dsamig_knob_set_add(sets, &n, 2, "backend", "cpu", msg, sizeof(msg));
	if (err) {
		dsamig_err(ctx, "%s", msg);
		return err;
	}
	/* all or nothing, with set's messages (not loaded: 'run dsamig load first') */
	return dsamig_set_run(ctx, sets, n);
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


int dsamig_calibrate_run(struct dsamig_ctx *ctx, const struct dsamig_calibrate_req *req,
			 void (*progress)(void *arg, unsigned int done, unsigned int total),
			 void *arg, struct dsamig_calibrate_result *res)
{
	struct dsamig_bench_result *r = &res->r;
	char text[2048];
	int err;

	memset(res, 0, sizeof(*res));
	if (req->input)
		err = load_input(ctx, req->input, r);
	else
		err = measure(ctx, &req->bench, progress, arg, r, &res->c, &res->refined,
			      res->bracket);
	if (err)
		return err;
	/* without sizes both measured (an input of dsa alone): the fits only */
	res->compared = !dsamig_bench_find_crossover(r, &res->c);
	res->have_cal = res->compared && !dsamig_calibration_make(r, &res->c, &res->cal);
	if (!req->apply && !req->save)
		return 0;
	if (!res->have_cal || r->interrupted) {
		dsamig_err(ctx, "%s: nothing %s", r->interrupted ? "interrupted" :
			   !res->compared ? "no size has both cpu and dsa points" :
			   "no threshold (dsa is not faster at the largest size)",
			   req->apply && req->save ? "applied or saved" :
			   req->apply ? "applied" : "saved");
		return -ENODATA;
	}
	if (req->apply) {
		err = apply(ctx, &res->cal);
		if (err)
			return err;
		res->applied = true;
	}
	if (req->save) {
		/* measured now; an input's device is not known */
		res->cal.measured = (int64_t)time(NULL);
		if (!req->input)
			describe_device(res->cal.device, sizeof(res->cal.device));
		err = dsamig_calibration_format(&res->cal, text, sizeof(text));
		if (err < 0)
			return err;
		err = save(ctx, req->save, text);
		if (err)
			return err;
		res->saved = req->save;
	}
	return 0;
}

/* ---- JSON ---- */

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

struct json_object *dsamig_calibrate_result_to_json(const struct dsamig_calibrate_result *o)
{
	const struct dsamig_bench_crossover *c = &o->c;
	const struct dsamig_bench_result *r = &o->r;
	struct dsamig_bench_engine_fit e;
	struct json_object *j = json_object_new_object(), *x;

	if (!j)
		return NULL;
	json_object_object_add(j, "from", json_object_new_int((int)r->req.src));
	json_object_object_add(j, "to", json_object_new_int((int)r->req.dst));
	json_object_object_add(j, "repeats", json_object_new_int((int)r->req.repeats));
	json_object_object_add(j, "interrupted", json_object_new_boolean(r->interrupted));
	json_object_object_add(j, "compared", json_object_new_boolean(o->compared));
	json_object_object_add(j, "found", json_object_new_boolean(c->found));
	json_object_object_add(j, "dsa_never_wins", json_object_new_boolean(c->dsa_never_wins));
	json_object_object_add(j, "dsa_always_wins",
			       json_object_new_boolean(c->dsa_always_wins));
	json_object_object_add(j, "threshold",
			       o->have_cal ? json_object_new_int((int)o->cal.threshold) : NULL);
	json_object_object_add(j, "backend", o->have_cal ? json_object_new_string(
		dsamig_bench_backend_name(o->cal.backend)) : NULL);
	x = json_object_new_object();
	json_object_object_add(x, "lo", json_object_new_int((int)c->lo));
	json_object_object_add(x, "hi", json_object_new_int((int)c->hi));
	json_object_object_add(j, "bracket", x);
	json_pages(j, "model_pages", c->model_pages);
	json_pages(j, "model_lo", c->model_lo);
	json_pages(j, "model_hi", c->model_hi);
	json_object_object_add(j, "refined_sizes", json_object_new_int((int)o->refined));
	x = json_object_new_object();
	json_object_object_add(x, "cpu", line_to_json(r, DSAMIG_BACKEND_CPU));
	json_object_object_add(x, "dsa", line_to_json(r, DSAMIG_BACKEND_DSA));
	json_object_object_add(j, "lines", x);
	x = NULL;
	if (!dsamig_bench_fit_engine(r, &e)) {
		x = json_object_new_object();
		dsamig_json_double(x, "desc_ns", e.desc_ns, 0);
		dsamig_json_double(x, "mbps", e.mbps, 1);
		dsamig_json_double(x, "r2", e.r2, 4);
		json_object_object_add(x, "points", json_object_new_int((int)e.n));
	}
	json_object_object_add(j, "engine", x);
	json_object_object_add(j, "applied", json_object_new_boolean(o->applied));
	json_object_object_add(j, "saved", o->saved ? json_object_new_string(o->saved) : NULL);
	x = dsamig_bench_result_to_json(r);
	if (!x) {
		json_object_put(j);
		return NULL;
	}
	json_object_object_add(j, "bench", x);
	return j;
}
