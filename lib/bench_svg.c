// SPDX-License-Identifier: GPL-2.0
/*
 * The paper's figure from a bench result, as an SVG document: time per
 * batch against pages of 4 KiB, both axes logarithmic, one line with its
 * points per backend, dsa's time stacked as setup (sg, map, submit, unmap)
 * and transfer (wait), 2 MiB folios as hollow marks, the crossover a
 * vertical line with its model's uncertainty shaded, a legend and a title
 * naming the level and the nodes.
 *
 * Written by hand, as perf's timechart writes its SVG: the figure is a few
 * dozen elements of fixed layout, SVG is text, and a plotting library
 * (cairo, plplot, gnuplot piped) would be a new build and run-time
 * dependency of a system tool for what is ~300 lines of fprintf. The file
 * opens in any browser and converts with rsvg-convert or inkscape.
 * Element ids (series-cpu, series-mt, series-dsa, dsa-setup, dsa-transfer,
 * crossover, crossover-band, legend) are kept stable for tests and styling.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define W		860.0
#define H		520.0
#define LEFT		80.0
#define RIGHT		210.0	/* the legend */
#define TOP		56.0
#define BOTTOM		64.0
#define PW		(W - LEFT - RIGHT)
#define PH		(H - TOP - BOTTOM)

#define BACKEND_NAME(e, s)	s,
static const char *const backend_names[] = { DSAMIG_BACKENDS(BACKEND_NAME) };

static const char *backend_color(int b)
{
	switch (b) {
	case DSAMIG_BACKEND_CPU:
		return "#1f5fa8";
	case DSAMIG_BACKEND_MT:
		return "#2a9d3f";
	case DSAMIG_BACKEND_DSA:
		return "#c62828";
	default:
		return "#555555";
	}
}

#define SETUP_FILL	"#f6b26b"
#define TRANSFER_FILL	"#e06666"

struct axes {
	double xmin, xmax;	/* pages, powers of two */
	double ymin, ymax;	/* ns, powers of ten */
};

static double px(const struct axes *a, double pages)
{
	return LEFT + (log2(pages) - log2(a->xmin)) / (log2(a->xmax) - log2(a->xmin)) * PW;
}

static double py(const struct axes *a, double ns)
{
	if (ns < a->ymin)
		ns = a->ymin;
	return TOP + PH - (log10(ns) - log10(a->ymin)) / (log10(a->ymax) - log10(a->ymin)) * PH;
}

/* @s with XML's five special characters escaped. */
static void put_text(FILE *f, const char *s)
{
	static const char specials[] = "&<>\"'";
	static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	const char *e;

	for (; *s; s++) {
		e = strchr(specials, *s);
		if (e)
			fputs(entities[e - specials], f);
		else
			fputc(*s, f);
	}
}

/* <text x y attrs>escaped</text> */
static void text(FILE *f, double x, double y, const char *attrs, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	put_text(f, s);
	fputs("</text>\n", f);
}

static bool drawable(const struct dsamig_bench_point *p)
{
	return p->samples > 0 && p->size.pages > 0 && p->total_ns.median > 0 &&
	       p->backend >= 0 && p->backend < DSAMIG_NR_BACKENDS;
}

/* The 4 KiB points of @backend by pages, into @out; their count. */
static unsigned int series(const struct dsamig_bench_result *r, int backend,
			   const struct dsamig_bench_point **out)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];

		if (p->backend != backend || p->size.order || !drawable(p))
			continue;
		for (j = n; j > 0 && out[j - 1]->size.pages > p->size.pages; j--)
			out[j] = out[j - 1];
		out[j] = p;
		n++;
	}
	return n;
}

static void fmt_ns(char *buf, size_t size, double ns)
{
	static const char *const units[] = { "ns", "\xc2\xb5s", "ms", "s" };
	unsigned int u = 0;

	while (ns >= 1000 && u < 3) {
		ns /= 1000;
		u++;
	}
	snprintf(buf, size, "%g %s", ns, units[u]);
}

static bool axes_fit(const struct dsamig_bench_result *r, struct axes *a)
{
	double lo = INFINITY, hi = 0, pmax = 0;
	unsigned int i;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double v[3] = { p->total_ns.median, p->setup_ns, p->setup_ns + p->transfer_ns };
		unsigned int k;

		if (!drawable(p))
			continue;
		for (k = 0; k < 3; k++) {
			if (k && p->backend != DSAMIG_BACKEND_DSA)
				break;
			if (v[k] > 0 && v[k] < lo)
				lo = v[k];
			if (v[k] > hi)
				hi = v[k];
		}
		if (p->size.pages > pmax)
			pmax = p->size.pages;
	}
	if (!(hi > 0))
		return false;
	a->xmin = 1;
	a->xmax = exp2(ceil(log2(pmax)));
	if (a->xmax < 2)
		a->xmax = 2;
	a->ymin = pow(10, floor(log10(lo)));
	a->ymax = pow(10, ceil(log10(hi)));
	if (a->ymax <= a->ymin)
		a->ymax = a->ymin * 10;
	return true;
}

static void draw_axes(FILE *f, const struct axes *a)
{
	char buf[32];
	double d, m;

	fputs("<g id=\"axes\" font-size=\"12\" fill=\"#222\">\n", f);
	for (d = a->ymin; d <= a->ymax * 1.001; d *= 10) {
		for (m = 2; m < 10 && d * 10 <= a->ymax * 1.001; m++)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"#eee\"/>\n", LEFT, py(a, d * m), LEFT + PW, py(a, d * m));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>\n",
			LEFT, py(a, d), LEFT + PW, py(a, d));
		fmt_ns(buf, sizeof(buf), d);
		text(f, LEFT - 6, py(a, d) + 4, "text-anchor=\"end\"", buf);
	}
	for (d = a->xmin; d <= a->xmax; d *= 2) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>\n",
			px(a, d), TOP, px(a, d), TOP + PH);
		snprintf(buf, sizeof(buf), "%.0f", d);
		text(f, px(a, d), TOP + PH + 16, "text-anchor=\"middle\"", buf);
	}
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		"stroke=\"#222\"/>\n", LEFT, TOP, PW, PH);
	text(f, LEFT + PW / 2, H - 22, "text-anchor=\"middle\" font-size=\"13\"",
	     "pages of 4 KiB per batch (log scale)");
	fprintf(f, "<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\" "
		"font-size=\"13\">time per batch (log scale)</text>\n", TOP + PH / 2);
	fputs("</g>\n", f);
}

/* dsa's stack: setup from the floor up, transfer on top of it. */
static void draw_stack(FILE *f, const struct axes *a, const struct dsamig_bench_point **s,
		       unsigned int n)
{
	unsigned int i;

	if (!n)
		return;
	fputs("<path id=\"dsa-setup\" fill=\"" SETUP_FILL "\" fill-opacity=\"0.55\" "
	      "stroke=\"none\" d=\"", f);
	fprintf(f, "M%.1f %.1f", px(a, s[0]->size.pages), TOP + PH);
	for (i = 0; i < n; i++)
		fprintf(f, " L%.1f %.1f", px(a, s[i]->size.pages), py(a, s[i]->setup_ns));
	fprintf(f, " L%.1f %.1f Z\"/>\n", px(a, s[n - 1]->size.pages), TOP + PH);

	fputs("<path id=\"dsa-transfer\" fill=\"" TRANSFER_FILL "\" fill-opacity=\"0.45\" "
	      "stroke=\"none\" d=\"", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%.1f %.1f", i ? " L" : "M", px(a, s[i]->size.pages),
			py(a, s[i]->setup_ns + s[i]->transfer_ns));
	for (i = n; i-- > 0;)
		fprintf(f, " L%.1f %.1f", px(a, s[i]->size.pages), py(a, s[i]->setup_ns));
	fputs(" Z\"/>\n", f);
}

static void draw_series(FILE *f, const struct axes *a, int b,
			const struct dsamig_bench_point **s, unsigned int n)
{
	const char *color = backend_color(b);
	unsigned int i;

	fprintf(f, "<g id=\"series-%s\" class=\"series\">\n", backend_names[b]);
	/* the spread: p25 .. p75 as a bar at each point */
	for (i = 0; i < n; i++)
		if (s[i]->total_ns.p75 > s[i]->total_ns.p25 && s[i]->total_ns.p25 > 0)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\" stroke-width=\"1\"/>\n", px(a, s[i]->size.pages),
				py(a, s[i]->total_ns.p25), px(a, s[i]->size.pages),
				py(a, s[i]->total_ns.p75), color);
	fprintf(f, "<path id=\"line-%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
		backend_names[b], color);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%.1f %.1f", i ? " L" : "M", px(a, s[i]->size.pages),
			py(a, s[i]->total_ns.median));
	fputs("\"/>\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">"
			"<title>%s %u pages: %.0f ns</title></circle>\n",
			px(a, s[i]->size.pages), py(a, s[i]->total_ns.median), color,
			backend_names[b], s[i]->size.pages, s[i]->total_ns.median);
	fputs("</g>\n", f);
}

/* Folios of 2 MiB: a hollow diamond per backend at their pages. */
static bool draw_huge(FILE *f, const struct axes *a, const struct dsamig_bench_result *r)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double x, y;

		if (!p->size.order || !drawable(p))
			continue;
		if (!any)
			fputs("<g id=\"huge\">\n", f);
		any = true;
		x = px(a, p->size.pages);
		y = py(a, p->total_ns.median);
		fprintf(f, "<path id=\"huge-%s-%u\" d=\"M%.1f %.1f l6 6 l-6 6 l-6 -6 Z\" "
			"fill=\"white\" stroke=\"%s\" stroke-width=\"2\">"
			"<title>%s %u pages in 2 MiB folios: %.0f ns</title></path>\n",
			backend_names[p->backend], p->size.pages, x, y - 6,
			backend_color(p->backend), backend_names[p->backend], p->size.pages,
			p->total_ns.median);
	}
	if (any)
		fputs("</g>\n", f);
	return any;
}

static void draw_crossover(FILE *f, const struct axes *a, const struct dsamig_bench_crossover *c)
{
	char buf[160];
	double lo, hi, x;

	if (!c)
		return;
	if (isfinite(c->model_lo) && isfinite(c->model_hi) && c->model_hi >= a->xmin &&
	    c->model_lo <= a->xmax) {
		lo = fmax(c->model_lo, a->xmin);
		hi = fmin(c->model_hi, a->xmax);
		fprintf(f, "<rect id=\"crossover-band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"#888\" fill-opacity=\"0.15\"/>\n",
			px(a, lo), TOP, fmax(px(a, hi) - px(a, lo), 1), PH);
	}
	if (!c->found) {
		text(f, LEFT + PW / 2, TOP + 18, "id=\"no-crossover\" text-anchor=\"middle\" "
		     "font-size=\"13\" fill=\"#222\"",
		     c->dsa_never_wins ? "dsa is slower at every size: no crossover"
				       : "no crossover: dsa is not faster at the largest size");
		return;
	}
	x = px(a, fmax(fmin(c->pages, a->xmax), a->xmin));
	fprintf(f, "<line id=\"crossover\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
		x, TOP, x, TOP + PH);
	if (c->dsa_always_wins)
		snprintf(buf, sizeof(buf), "dsa faster from %u page%s", c->pages,
			 c->pages == 1 ? "" : "s");
	else if (isfinite(c->model_pages))
		snprintf(buf, sizeof(buf), "crossover %u pages (%u..%u; model %.0f)", c->pages,
			 c->lo, c->hi, c->model_pages);
	else
		snprintf(buf, sizeof(buf), "crossover %u pages (%u..%u)", c->pages, c->lo, c->hi);
	text(f, x + (x > LEFT + PW * 0.6 ? -6 : 6), TOP + 16,
	     x > LEFT + PW * 0.6 ? "id=\"crossover-label\" text-anchor=\"end\" font-size=\"12\""
				 : "id=\"crossover-label\" font-size=\"12\"", buf);
}

static void legend_line(FILE *f, double y, const char *color, const char *label)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"2\"/>\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
		W - RIGHT + 20, y, W - RIGHT + 48, y, color, W - RIGHT + 34, y, color);
	text(f, W - RIGHT + 56, y + 4, "", label);
}

static void legend_box(FILE *f, double y, const char *fill, double opacity, const char *label)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"12\" fill=\"%s\" "
		"fill-opacity=\"%.2f\"/>\n", W - RIGHT + 20, y - 6, fill, opacity);
	text(f, W - RIGHT + 56, y + 4, "", label);
}

int dsamig_bench_svg(FILE *f, const struct dsamig_bench_result *r,
		     const struct dsamig_bench_crossover *c)
{
	const struct dsamig_bench_point *s[DSAMIG_NR_BACKENDS][DSAMIG_BENCH_MAX_POINTS];
	unsigned int n[DSAMIG_NR_BACKENDS], b;
	static const int order[] = { DSAMIG_BACKEND_CPU, DSAMIG_BACKEND_MT, DSAMIG_BACKEND_DSA };
	char title[200];
	struct axes a;
	bool huge;
	double y;

	if (!axes_fit(r, &a))
		return -ENODATA;
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		n[b] = series(r, b, s[b]);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n",
		W, H, W, H);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", W, H);
	snprintf(title, sizeof(title), "dsamig bench: %s, node %u \xe2\x86\x92 node %u%s",
		 r->req.level == DSAMIG_BENCH_MIGRATE ? "whole migrations (move_pages)"
						      : "copy path (dsamig.ko)",
		 r->req.src, r->req.dst, r->interrupted ? " (interrupted)" : "");
	fputs("<title>", f);
	put_text(f, title);
	fputs("</title>\n", f);
	text(f, LEFT, 24, "id=\"title\" font-size=\"16\" font-weight=\"bold\"", title);
	snprintf(title, sizeof(title), "time per batch: median of %u repeats, bars p25..p75; "
		 "dsa setup = sg + map + submit + unmap, transfer = wait",
		 r->req.repeats);
	text(f, LEFT, 42, "font-size=\"12\" fill=\"#444\"", title);

	draw_axes(f, &a);
	draw_stack(f, &a, s[DSAMIG_BACKEND_DSA], n[DSAMIG_BACKEND_DSA]);
	draw_crossover(f, &a, c);
	for (b = 0; b < sizeof(order) / sizeof(order[0]); b++)
		if (n[order[b]])
			draw_series(f, &a, order[b], s[order[b]], n[order[b]]);
	huge = draw_huge(f, &a, r);

	fputs("<g id=\"legend\" font-size=\"12\" fill=\"#222\">\n", f);
	y = TOP + 10;
	for (b = 0; b < sizeof(order) / sizeof(order[0]); b++) {
		if (!n[order[b]])
			continue;
		legend_line(f, y, backend_color(order[b]), backend_names[order[b]]);
		y += 22;
	}
	if (n[DSAMIG_BACKEND_DSA]) {
		legend_box(f, y, SETUP_FILL, 0.55, "dsa setup");
		y += 22;
		legend_box(f, y, TRANSFER_FILL, 0.45, "dsa transfer");
		y += 22;
	}
	if (huge) {
		fprintf(f, "<path d=\"M%.1f %.1f l6 6 l-6 6 l-6 -6 Z\" fill=\"white\" "
			"stroke=\"#222\" stroke-width=\"2\"/>\n", W - RIGHT + 34, y - 6);
		text(f, W - RIGHT + 56, y + 4, "", "2 MiB folios");
		y += 22;
	}
	if (c && c->found) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" "
			"stroke-dasharray=\"6 4\"/>\n", W - RIGHT + 20, y, W - RIGHT + 48, y);
		text(f, W - RIGHT + 56, y + 4, "", "crossover (threshold)");
		y += 22;
	}
	if (c && isfinite(c->model_lo) && isfinite(c->model_hi))
		legend_box(f, y, "#888", 0.15, "model crossing p25..p75");
	fputs("</g>\n</svg>\n", f);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
