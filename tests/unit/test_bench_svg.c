// SPDX-License-Identifier: GPL-2.0
/*
 * lib/bench_svg.c: the figure parses as XML (xmllint, libxml2-utils), has a
 * series per backend measured with a point per size, dsa's setup and
 * transfer stack, and the crossover line when one was found (a note when
 * not). Set DSAMIG_SVG_KEEP=FILE to keep the sample figure.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench.h"

static struct dsamig_bench_result res;

static void add(int backend, unsigned int pages, unsigned int order, double ns)
{
	struct dsamig_bench_point *p = &res.points[res.nr_points++];

	*p = (struct dsamig_bench_point){
		.backend = backend,
		.size = { .pages = pages, .order = order },
		.samples = 10,
		.segments = order ? pages >> order : pages,
		.total_ns = { .median = ns, .p25 = ns * 0.92, .p75 = ns * 1.1,
			      .min = ns * 0.8, .max = ns * 1.3 },
	};
	if (backend == DSAMIG_BACKEND_DSA) {
		p->setup_ns = 15000 + 250.0 * pages;
		p->transfer_ns = ns - p->setup_ns;
	}
}

/* The paper's shape: cpu 1 us a page, dsa 20 us + 0.3 us a page; mt between. */
static void sample(double dsa_fixed)
{
	unsigned int pages;

	memset(&res, 0, sizeof(res));
	res.req = (struct dsamig_bench_req){ .level = DSAMIG_BENCH_COPY, .src = 0, .dst = 1,
					     .repeats = 10 };
	for (pages = 1; pages <= 512; pages *= 2) {
		add(DSAMIG_BACKEND_CPU, pages, 0, 300 + 1000.0 * pages);
		add(DSAMIG_BACKEND_MT, pages, 0, 8000 + 500.0 * pages);
		add(DSAMIG_BACKEND_DSA, pages, 0, dsa_fixed + 300.0 * pages);
	}
	add(DSAMIG_BACKEND_CPU, 512, 9, 380000);
	add(DSAMIG_BACKEND_DSA, 512, 9, 120000);
}

/* The figure of @c into a string; the caller frees it. */
static char *draw(const struct dsamig_bench_crossover *c, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(dsamig_bench_svg(f, &res, c), 0);
	assert_int_equal(fclose(f), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(buf, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The output of xmllint --xpath @expr on @path, as a number. */
static double xpath_number(const char *path, const char *expr)
{
	char cmd[512], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "xmllint --xpath '%s' '%s' 2>&1", expr, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof(out), p))
		out[0] = 0;
	pclose(p);
	return atof(out);
}

static void valid_xml(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* A new empty file for the figure, its name in @path ("/tmp/...XXXXXX"). */
static void tmp_file(char *path)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
}

#define ID(id) "count(//*[@id=\"" id "\"])"

static void test_figure_with_crossover(void **state)
{
	char path[] = "/tmp/test_bench_svg.XXXXXX";
	const char *keep = getenv("DSAMIG_SVG_KEEP");
	struct dsamig_bench_crossover c;
	char *svg;

	tmp_file(path);
	sample(20000);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.found);
	svg = draw(&c, path);
	valid_xml(path);
	if (keep) {
		FILE *f = fopen(keep, "w");

		assert_non_null(f);
		fputs(svg, f);
		assert_int_equal(fclose(f), 0);
	}
	assert_float_equal(xpath_number(path, ID("series-cpu")), 1, 0);
	assert_float_equal(xpath_number(path, ID("series-mt")), 1, 0);
	assert_float_equal(xpath_number(path, ID("series-dsa")), 1, 0);
	assert_float_equal(xpath_number(path, ID("line-dsa")), 1, 0);
	assert_float_equal(xpath_number(path, ID("dsa-setup")), 1, 0);
	assert_float_equal(xpath_number(path, ID("dsa-transfer")), 1, 0);
	assert_float_equal(xpath_number(path, ID("crossover")), 1, 0);
	assert_float_equal(xpath_number(path, ID("crossover-band")), 1, 0);
	assert_float_equal(xpath_number(path, ID("legend")), 1, 0);
	/* a point per size of each series, and both 2 MiB marks */
	assert_float_equal(xpath_number(path, "count(//*[@id=\"series-cpu\"]/*[local-name()=\"circle\"])"),
			   10, 0);
	assert_float_equal(xpath_number(path, ID("huge-dsa-512")), 1, 0);
	assert_float_equal(xpath_number(path, ID("huge-cpu-512")), 1, 0);
	/* log axes: ticks 1 .. 512 and decades; the title names level and nodes */
	assert_non_null(strstr(svg, ">512</text>"));
	assert_non_null(strstr(svg, ">1 ms</text>"));
	assert_non_null(strstr(svg, "copy path (dsamig.ko), node 0 \xe2\x86\x92 node 1"));
	assert_non_null(strstr(svg, "crossover 32 pages (16..32; model 28)"));
	free(svg);
	unlink(path);
}

static void test_figure_without_crossover(void **state)
{
	char path[] = "/tmp/test_bench_svg.XXXXXX";
	struct dsamig_bench_crossover c;
	char *svg;

	tmp_file(path);
	sample(20000);
	res.req.level = DSAMIG_BENCH_MIGRATE;
	res.interrupted = true;
	for (unsigned int i = 0; i < res.nr_points; i++)
		if (res.points[i].backend == DSAMIG_BACKEND_DSA)
			res.points[i].total_ns.median *= 10;
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.dsa_never_wins);
	svg = draw(&c, path);
	valid_xml(path);
	assert_float_equal(xpath_number(path, ID("crossover")), 0, 0);
	assert_float_equal(xpath_number(path, ID("no-crossover")), 1, 0);
	assert_float_equal(xpath_number(path, ID("series-dsa")), 1, 0);
	assert_non_null(strstr(svg, "whole migrations (move_pages), node 0 \xe2\x86\x92 node 1 "
				    "(interrupted)"));
	free(svg);

	/* no crossover asked for; only cpu measured */
	memset(&res, 0, sizeof(res));
	add(DSAMIG_BACKEND_CPU, 1, 0, 1000);
	add(DSAMIG_BACKEND_CPU, 4, 0, 4000);
	svg = draw(NULL, path);
	valid_xml(path);
	assert_float_equal(xpath_number(path, ID("series-cpu")), 1, 0);
	assert_float_equal(xpath_number(path, ID("series-dsa")), 0, 0);
	assert_float_equal(xpath_number(path, ID("crossover")), 0, 0);
	free(svg);
	unlink(path);
}

static void test_nothing_to_draw(void **state)
{
	FILE *f = fopen("/dev/null", "w");

	memset(&res, 0, sizeof(res));
	assert_int_equal(dsamig_bench_svg(f, &res, NULL), -ENODATA);
	fclose(f);
	/* a write error is reported */
	sample(20000);
	f = fopen("/dev/full", "w");
	assert_non_null(f);
	assert_int_equal(dsamig_bench_svg(f, &res, NULL), -EIO);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figure_with_crossover),
		cmocka_unit_test(test_figure_without_crossover),
		cmocka_unit_test(test_nothing_to_draw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
