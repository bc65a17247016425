// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig top's screen, with ncurses: erase, draw, refresh, so that curses
 * sends only the cells that changed. plan() fits the panes to the size:
 * blank lines between them when all fit, else compact, else panes hidden
 * whole; table cells and pieces of text are shown whole or not at all, and
 * a line says how much is hidden. KEY_RESIZE redraws. The terminal is
 * restored on q, at the end, on SIGINT/SIGTERM and on crashes.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsamig.h"
#include "stats_json.h"
#include "top.h"

#define HIST_ROWS	8	/* log2 buckets shown per histogram, at most */
#define SIDE_COLS	80	/* copies and phases side by side from this width */
#define PHASE_COLS	30	/* the phases' width beside the copies */

/*
 * The panes, in the order they are drawn; a pane that does not fit is
 * hidden whole, the lowest in keep[] first, and counted in a notice line.
 */
enum pane { P_HEADER, P_MIGR, P_COPIES, P_PHASES, P_HIST, P_COMPACT, NR_PANES };

struct layout {
	bool compact;		/* no blank lines, 2 header rows */
	bool side;		/* copies and phases side by side */
	bool show[NR_PANES];
	unsigned int hist_rows;
	unsigned int hidden;	/* panes hidden */
};

struct tui {
	struct dsamig_session *s;
	bool paused, totals, help;
	int y;			/* next row */
	int x, w;		/* the columns drawn into */
	unsigned int cut;	/* columns hidden for want of width */
	struct layout l;
	uint64_t interval_ns;
};

static bool curses_on;

static void tui_restore(void)
{
	if (curses_on) {
		curses_on = false;
		curs_set(1);
		endwin();
	}
}

/* Short-lived strings for table cells: the last 32 stay valid. */
__attribute__((format(printf, 1, 2)))
static const char *str(const char *fmt, ...)
{
	static char ring[32][48];
	static unsigned int next;
	char *buf = ring[next++ % 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return buf;
}

static void put_line(struct tui *t, int attr, const char *text)
{
	if (t->y >= LINES - 1)
		return;
	attron(attr);
	mvaddnstr(t->y++, t->x, text, t->w);
	attroff(attr);
}

/* One screen row, cut to the width: for text that is not a table. */
__attribute__((format(printf, 3, 4)))
static void row(struct tui *t, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_line(t, attr, buf);
}

/*
 * A table row: @label left in @lw columns, then @n cells right-aligned in
 * @width[i] columns each. A cell is shown whole or not at all, so that no
 * number loses its unit; a header row (@head) counts the columns cut.
 */
static void table_row(struct tui *t, int attr, bool head, int lw, const char *label,
		      const int *width, const char *const *cell, unsigned int n)
{
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "%-*s", lw, label);
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (len + 1 + width[i] > t->w)
			break;
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, " %*s", width[i], cell[i]);
	}
	if (head)
		t->cut += n - i;
	put_line(t, attr, buf);
}

/*
 * @lead, then the pieces that fit whole, two spaces apart; the others are
 * counted as cut columns when @count.
 */
static void pieces_row(struct tui *t, int attr, bool count, const char *lead,
		       const char *const *piece, unsigned int n)
{
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "%s", lead);
	unsigned int i;

	for (i = 0; i < n; i++) {
		int add = (int)strlen(piece[i]) + (len ? 2 : 0);

		if (len + add > t->w || len + add >= (int)sizeof(buf))
			break;
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%s", len ? "  " : "",
				piece[i]);
	}
	if (count)
		t->cut += n - i;
	put_line(t, attr, buf);
}

static void gap(struct tui *t)
{
	if (!t->l.compact)
		t->y++;
}

/* A count as shown: per second in rates mode, as is in totals mode. */
static double shown(const struct tui *t, uint64_t v)
{
	if (t->totals)
		return (double)v;
	return t->s->delta_s > 0 ? (double)v / t->s->delta_s : 0;
}

static const char *unit(const struct tui *t)
{
	return t->totals ? "" : "/s";
}

static const struct dsamig_stats *view(const struct tui *t)
{
	return t->totals ? &t->s->total : &t->s->delta;
}

static const char *bytes_str(double b)
{
	char buf[32];

	cli_fmt_bytes(buf, sizeof(buf), b);
	return str("%s", buf);
}

static const char *ns_str(double ns)
{
	char buf[32];

	cli_fmt_ns(buf, sizeof(buf), ns);
	return str("%s", buf);
}

static void draw_header(struct tui *t)
{
	struct dsamig_session *s = t->s;
	const struct dsamig_stats *v = view(t);
	char clock[16], every[16];
	time_t now = time(NULL);
	const char *trace[2];

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	cli_fmt_ns(every, sizeof(every), (double)t->interval_ns);
	pieces_row(t, A_BOLD, false, str("dsamig top - %s", clock), (const char *[]){
		str("every %s", every),
		t->totals ? "showing totals since start/reset" : "showing rates per second",
		"[PAUSED]" }, t->paused ? 3 : 2);
	trace[0] = str("tracing: %s, %llu events, lost events %llu", dsamig_trace_name(s->trace),
		       (unsigned long long)v->events, (unsigned long long)v->lost_events);
	trace[1] = "(raise -d or load less)";
	if (!t->l.compact) {
		if (s->module)
			row(t, 0, "dsamig.ko: backend %s, threshold %s pages", s->backend,
			    s->threshold);
		else
			row(t, 0, "dsamig.ko is not loaded: stock tracepoints only "
			    "(no DSA/CPU copy split)");
		pieces_row(t, 0, true, "", trace, v->lost_events ? 2 : 1);
		t->y++;
		return;
	}
	/* Compact: the module and the tracing on one line. */
	trace[0] = str("%s: %llu events, %llu lost", dsamig_trace_name(s->trace),
		       (unsigned long long)v->events, (unsigned long long)v->lost_events);
	if (s->module)
		pieces_row(t, 0, true, "dsamig.ko:", (const char *[]){
			str("backend %s", s->backend), str("threshold %s pages", s->threshold),
			trace[0], trace[1] }, v->lost_events ? 4 : 3);
	else
		pieces_row(t, 0, true, "dsamig.ko is not loaded", (const char *[]){
			"(stock tracepoints)", trace[0], trace[1] }, v->lost_events ? 3 : 2);
}

static void draw_migrations(struct tui *t)
{
	static const int width[] = { 12, 10, 11 };
	const struct dsamig_stats *v = view(t);
	long page = sysconf(_SC_PAGESIZE);
	unsigned int r;
	char buf[32];

	table_row(t, A_BOLD | A_REVERSE, true, 22, "MIGRATIONS by reason", width,
		  (const char *[]){ str("succeeded%s", unit(t)), str("failed%s", unit(t)),
				    str("bytes%s", unit(t)) }, 3);
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		const struct dsamig_migrate_count *m = &v->migrate[r];

		/* Reasons that never migrated since the start would only fill the screen. */
		if (!t->s->total.migrate[r].calls)
			continue;
		table_row(t, 0, false, 22, str("  %s", dsamig_reason_name(t->s->dec, r, buf,
								   sizeof(buf))), width,
			  (const char *[]){ str("%.1f", shown(t, m->succeeded)),
					    str("%.1f", shown(t, m->failed)),
					    bytes_str(shown(t, m->succeeded) * (double)page) }, 3);
	}
	table_row(t, A_BOLD, false, 22, "  total", width,
		  (const char *[]){ str("%.1f", shown(t, dsamig_stats_migrated(v))),
				    str("%.1f", shown(t, dsamig_stats_migrate_failed(v))),
				    bytes_str(shown(t, dsamig_stats_migrated(v)) * (double)page) },
		  3);
	gap(t);
}

static unsigned int migrations_rows(const struct tui *t)
{
	unsigned int r, n = 2;

	for (r = 0; r < DSAMIG_MAX_REASONS; r++)
		n += t->s->total.migrate[r].calls != 0;
	return n;
}

static bool mt_used(const struct tui *t)
{
	return t->s->total.offload[DSAMIG_BACKEND_MT].runs != 0;
}

static void draw_copies(struct tui *t)
{
	static const int width[] = { 8, 8, 9, 8 };
	const struct dsamig_stats *v = view(t);
	const struct dsamig_offload *dsa = &v->offload[DSAMIG_BACKEND_DSA];
	const struct dsamig_offload *mt = &v->offload[DSAMIG_BACKEND_MT];
	uint64_t dsa_pages = dsa->pages + dsa->fallback_pages, fb = 0;
	long page = sysconf(_SC_PAGESIZE);
	unsigned int c;

	table_row(t, A_BOLD | A_REVERSE, true, 12, "COPIES", width,
		  (const char *[]){ str("runs%s", unit(t)), str("pages%s", unit(t)),
				    str("bytes%s", unit(t)), "time/pg" }, 4);
	table_row(t, 0, false, 12, "  DSA", width,
		  (const char *[]){ str("%.1f", shown(t, dsa->runs)), str("%.1f", shown(t, dsa->pages)),
				    bytes_str(shown(t, dsa->pages) * (double)page),
				    dsa_pages ? ns_str((double)(dsamig_offload_setup_ns(dsa) +
						dsa->phase_ns[DSAMIG_PHASE_WAIT]) /
						(double)dsa_pages) : "-" }, 4);
	if (mt_used(t))
		table_row(t, 0, false, 12, "  MT threads", width,
			  (const char *[]){ str("%.1f", shown(t, mt->runs)),
					    str("%.1f", shown(t, mt->pages)),
					    bytes_str(shown(t, mt->pages) * (double)page), "" }, 4);
	table_row(t, 0, false, 12, "  CPU", width,
		  (const char *[]){ str("%.1f", shown(t, v->cpu_copies)),
				    str("%.1f", shown(t, v->cpu_pages)),
				    bytes_str(shown(t, v->cpu_pages) * (double)page),
				    v->cpu_pages ? ns_str((double)v->cpu_copy_ns /
							  (double)v->cpu_pages) : "-" }, 4);
	for (c = 0; c < DSAMIG_NR_CAUSES; c++)
		fb += v->fallbacks[c];
	table_row(t, 0, false, 12, "  fallbacks", width,
		  (const char *[]){ str("%.1f", shown(t, fb)) }, 1);
}

static unsigned int copies_rows(const struct tui *t)
{
	return 4 + mt_used(t);
}

static void draw_bar(struct tui *t, int lw, const char *label, double frac)
{
	int width = t->w - lw - 1, fill, i;
	char bar[256];

	if (width > 40)
		width = 40;
	if (width < 4) {
		row(t, 0, "%s", label);
		return;
	}
	fill = (int)(frac * width + 0.5);
	for (i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	row(t, 0, "%-*s %s", lw, label, bar);
}

static void draw_phases(struct tui *t)
{
	static const char *const names[DSAMIG_NR_PHASES] = {
		"sg (scatter-gather build)", "map (DMA mapping)", "submit (prep+submit+issue)",
		"wait (transfer)", "unmap (DMA unmapping)",
	};
	static const char *const short_names[DSAMIG_NR_PHASES] = {
		"sg", "map", "submit", "wait=xfer", "unmap",
	};
	static const int width[] = { 7, 6 };
	const struct dsamig_offload *dsa = &view(t)->offload[DSAMIG_BACKEND_DSA];
	uint64_t pages = dsa->pages + dsa->fallback_pages;
	uint64_t setup = dsamig_offload_setup_ns(dsa), all = setup + dsa->phase_ns[DSAMIG_PHASE_WAIT];
	bool wide = t->w >= 48;
	int lw = wide ? 32 : 14;
	double share = all ? 100.0 * (double)setup / (double)all : 0;
	unsigned int p;

	table_row(t, A_BOLD | A_REVERSE, true, lw, wide ? "DSA SETUP vs TRANSFER" : "DSA PHASES",
		  width, (const char *[]){ "ns/pg", "share" }, 2);
	for (p = 0; p < DSAMIG_NR_PHASES; p++)
		table_row(t, 0, false, lw, str("  %s", wide ? names[p] : short_names[p]), width,
			  (const char *[]){
				str("%.0f", pages ? (double)dsa->phase_ns[p] / (double)pages : 0),
				str("%.1f%%", all ? 100.0 * (double)dsa->phase_ns[p] /
					       (double)all : 0) }, 2);
	if (wide)
		draw_bar(t, 36, str("  setup %.1f%% (#) vs transfer (.)", share),
			 all ? (double)setup / (double)all : 0);
	else
		draw_bar(t, 13, str("  setup %.1f%%", share), all ? (double)setup / (double)all : 0);
}

#define PHASES_ROWS	(2 + DSAMIG_NR_PHASES)

/* The largest bucket + 1 and the smallest non-empty bucket of @h; 0, 0 when empty. */
static unsigned int hist_range(const struct dsamig_hist *h, unsigned int *first)
{
	unsigned int hi = dsamig_hist_used(h), b;

	for (b = 0; b < hi && !h->bucket[b]; b++)
		;
	*first = b;
	return hi;
}

static void hist_cell(char *buf, size_t size, const struct dsamig_hist *h, unsigned int b,
		      uint64_t max, bool ns, int bar_len)
{
	char lo[16], bar[16];
	int n = max ? (int)((uint64_t)bar_len * h->bucket[b] / max) : 0, i;

	if (ns)
		cli_fmt_ns(lo, sizeof(lo), (double)dsamig_hist_bucket_min(b));
	else
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)dsamig_hist_bucket_min(b));
	for (i = 0; i < bar_len; i++)
		bar[i] = i < n ? '#' : ' ';
	bar[bar_len] = '\0';
	snprintf(buf, size, ">= %-9s %8llu %s", lo, (unsigned long long)h->bucket[b], bar);
}

struct hist_view {
	const struct dsamig_hist *h;
	const char *title, *short_title;
	bool ns;
	unsigned int lo, hi, first;
	uint64_t max;
};

/* The top @rows buckets of @v->h, and the title marked when lower ones are cut. */
static const char *hist_view(struct hist_view *v, unsigned int rows, int width)
{
	const char *title;
	unsigned int b;

	v->hi = hist_range(v->h, &v->first);
	v->lo = v->hi > v->first + rows ? v->hi - rows : v->first;
	v->max = 0;
	for (b = v->lo; b < v->hi; b++)
		if (v->h->bucket[b] > v->max)
			v->max = v->h->bucket[b];
	if (v->lo == v->first)
		return v->title;
	title = str("%s top %u/%u", v->title, v->hi - v->lo, v->hi - v->first);
	if ((int)strlen(title) > width)
		title = str("%s top %u/%u", v->short_title, v->hi - v->lo, v->hi - v->first);
	return title;
}

/* The rows the histograms want: their used bucket ranges, at most HIST_ROWS. */
static unsigned int hist_rows(const struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const struct dsamig_hist *h[2] = {
		t->s->module ? &v->run_pages_hist : &v->migrate_pages_hist,
		t->s->module ? &v->run_ns_hist : &v->migrate_ns_hist,
	};
	unsigned int i, first, n = 1;

	for (i = 0; i < 2; i++) {
		unsigned int hi = hist_range(h[i], &first);

		if (hi - first > n)
			n = hi - first;
	}
	return n < HIST_ROWS ? n : HIST_ROWS;
}

/* Two log2 histograms side by side: sizes and latencies, the largest buckets. */
static void draw_histograms(struct tui *t)
{
	const struct dsamig_stats *st = view(t);
	bool m = t->s->module;
	/* ">= 123.4 us   12345 " and a bar of 5 to 10 */
	int cw = (t->w - 6) / 2 < 32 ? (t->w - 6) / 2 : 32, bar = cw - 22, width[1];
	struct hist_view v[2] = {
		{ .h = m ? &st->run_pages_hist : &st->migrate_pages_hist,
		  .title = m ? "RUN SIZE (pages)" : "MIGRATE_PAGES() SIZE",
		  .short_title = "SIZE", .ns = false },
		{ .h = m ? &st->run_ns_hist : &st->migrate_ns_hist,
		  .title = m ? "RUN LATENCY" : "MIGRATE_PAGES() LATENCY",
		  .short_title = "LATENCY", .ns = true },
	};
	const char *title[2];
	unsigned int i;

	if (bar < 5) {
		/* Too narrow for two: the sizes only, the latencies counted as cut. */
		cw = t->w - 2 < 32 ? t->w - 2 : 32;
		bar = cw - 22;
	}
	if (bar < 0)
		bar = 0;
	width[0] = cw + 2;
	for (i = 0; i < 2; i++)
		title[i] = hist_view(&v[i], t->l.hist_rows, cw);
	table_row(t, A_BOLD | A_REVERSE, true, cw + 2, title[0], width,
		  (const char *[]){ str("%-*s", cw, title[1]) }, 1);
	for (i = 0; i < t->l.hist_rows; i++) {
		char a[64] = "", b[64] = "";

		if (v[0].lo + i < v[0].hi)
			hist_cell(a, sizeof(a), v[0].h, v[0].lo + i, v[0].max, false, bar);
		if (v[1].lo + i < v[1].hi)
			hist_cell(b, sizeof(b), v[1].h, v[1].lo + i, v[1].max, true, bar);
		if (!a[0] && !b[0])
			break;
		table_row(t, 0, false, cw + 2, str("  %s", a), width,
			  (const char *[]){ str("%-*s", cw, b) }, 1);
	}
	if (!v[0].hi && !v[1].hi)
		row(t, 0, "  (no migrations yet)");
	gap(t);
}

static void draw_compaction(struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const char *p[DSAMIG_STATS_NODES];
	unsigned int n, nr = 0;

	row(t, A_BOLD | A_REVERSE, "%-22s", "COMPACTION and DAMON");
	pieces_row(t, 0, true, "  compaction", (const char *[]){
		str("runs%s %.1f", unit(t), shown(t, v->compact_runs)),
		str("migrated%s %.1f", unit(t), shown(t, v->compact_migrated)),
		str("failed%s %.1f", unit(t), shown(t, v->compact_failed)),
		str("kcompactd wakes%s %.1f", unit(t), shown(t, v->kcompactd_wakes)) }, 4);
	for (n = 0; n < t->s->total.nr_frag_nodes && nr < 24; n++)
		if (t->s->total.frag_score[n] >= 0)
			p[nr++] = str("node%u %d", n, t->s->total.frag_score[n]);
	if (!nr)
		p[nr++] = "-";
	pieces_row(t, 0, true, "  fragmentation score (0-100):", p, nr);
	pieces_row(t, 0, true, "  DAMON", (const char *[]){
		str("regions applied%s %.1f", unit(t), shown(t, v->damos_applies)),
		str("bytes applied%s %s", unit(t), bytes_str(shown(t, v->damos_bytes))) }, 2);
}

#define COMPACT_ROWS	4

/* The rows of pane @p in layout @l, its blank line included. */
static unsigned int pane_rows(const struct tui *t, const struct layout *l, enum pane p)
{
	unsigned int blank = !l->compact;

	switch (p) {
	case P_HEADER:
		return l->compact ? 2 : 4;
	case P_MIGR:
		return migrations_rows(t) + blank;
	case P_COPIES:
		if (!t->s->module)
			return 0;
		if (l->side)	/* with the phases beside */
			return PHASES_ROWS > copies_rows(t) ? PHASES_ROWS : copies_rows(t);
		return copies_rows(t) + blank;
	case P_PHASES:
		return t->s->module && !l->side ? PHASES_ROWS + blank : 0;
	case P_HIST:
		return 1 + l->hist_rows + blank;
	case P_COMPACT:
		return COMPACT_ROWS;
	default:
		return 0;
	}
}

static unsigned int layout_rows(const struct tui *t, const struct layout *l)
{
	unsigned int p, n = 0;

	for (p = 0; p < NR_PANES; p++)
		if (l->show[p])
			n += pane_rows(t, l, p);
	return n;
}

/*
 * Everything with blank lines when it fits; else compact, the histograms
 * shortened to fit; else panes hidden from the least needed up, with a
 * notice line saying so.
 */
static void plan(struct tui *t, bool notice)
{
	static const enum pane keep[] = { P_HEADER, P_MIGR, P_COPIES, P_PHASES, P_COMPACT, P_HIST };
	struct layout *l = &t->l;
	unsigned int avail = LINES > 1 + notice ? (unsigned int)LINES - 1 - notice : 0;
	unsigned int want = hist_rows(t), i;
	unsigned int least = want < 2 ? want : 2;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < NR_PANES; i++)
		l->show[i] = (i != P_COPIES && i != P_PHASES) || t->s->module;
	l->hist_rows = want;
	/* Below 80 columns the blank lines' layout would cut its lines. */
	if (COLS >= 80 && layout_rows(t, l) <= avail)
		return;
	l->compact = true;
	l->side = t->s->module && COLS >= SIDE_COLS;
	l->show[P_PHASES] = t->s->module && !l->side;
	for (l->hist_rows = want; l->hist_rows >= least; l->hist_rows--) {
		if (layout_rows(t, l) <= avail)
			return;
		if (l->hist_rows == least)
			break;
	}
	/* One row for the notice; the histograms take what is left, two rows at least. */
	if (!notice)
		avail = avail ? avail - 1 : 0;
	for (i = 0; i < NR_PANES; i++)
		l->show[i] = false;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		enum pane p = keep[i];
		unsigned int n;

		if (p == P_HIST) {
			unsigned int left = avail - layout_rows(t, l);

			l->hist_rows = left > 1 ? left - 1 : 0;
			if (l->hist_rows > want)
				l->hist_rows = want;
		}
		n = pane_rows(t, l, p);
		if (!n && p != P_HIST)
			continue;	/* the module's panes without the module */
		if ((p == P_HIST && l->hist_rows < least) ||
		    layout_rows(t, l) + n > avail) {
			/* side by side, copies and phases go together */
			l->hidden += p == P_COPIES && l->side ? 2 : 1;
			continue;
		}
		l->show[p] = true;
	}
}

static void draw_panes(struct tui *t)
{
	struct layout *l = &t->l;

	if (l->show[P_HEADER])
		draw_header(t);
	if (l->show[P_MIGR])
		draw_migrations(t);
	if (l->show[P_COPIES] && l->side) {
		int y = t->y, rows = (int)pane_rows(t, l, P_COPIES);

		t->w = COLS - PHASE_COLS - 1;
		draw_copies(t);
		t->y = y;
		t->x = COLS - PHASE_COLS;
		t->w = PHASE_COLS;
		draw_phases(t);
		t->x = 0;
		t->w = COLS;
		t->y = y + rows;
	} else {
		if (l->show[P_COPIES]) {
			draw_copies(t);
			gap(t);
		}
		if (l->show[P_PHASES]) {
			draw_phases(t);
			gap(t);
		}
	}
	if (l->show[P_HIST])
		draw_histograms(t);
	if (l->show[P_COMPACT])
		draw_compaction(t);
	if ((l->hidden || t->cut) && t->y <= LINES - 2) {
		const char *what;

		if (l->hidden && t->cut)
			what = str("%u pane%s, %u column%s hidden:", l->hidden,
				   l->hidden > 1 ? "s" : "", t->cut, t->cut > 1 ? "s" : "");
		else if (l->hidden)
			what = str("%u pane%s hidden:", l->hidden, l->hidden > 1 ? "s" : "");
		else
			what = str("%u column%s hidden:", t->cut, t->cut > 1 ? "s" : "");
		t->y = LINES - 2;
		pieces_row(t, A_BOLD, false, "", (const char *[]){ str("... %s", what),
							    "enlarge the terminal" }, 2);
	}
}

static void draw_help(struct tui *t)
{
	static const char *const lines[] = {
		"dsamig top keys",
		"",
		"  q      quit (Ctrl-C too)",
		"  p      pause the display; tracing goes on",
		"  r      reset the totals",
		"  t      toggle totals since start/reset and rates per second",
		"  ?      this help; any key closes it",
		"",
		"setup = sg + map + submit + unmap; transfer = wait for the engine",
	};
	unsigned int i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		row(t, i ? 0 : A_BOLD, "%s", lines[i]);
}

static void draw(struct tui *t)
{
	erase();
	t->y = 0;
	t->x = 0;
	t->w = COLS;
	t->cut = 0;
	if (t->help) {
		draw_help(t);
	} else {
		plan(t, false);
		draw_panes(t);
		if ((t->l.hidden || t->cut) && t->y > LINES - 2) {
			/* Cut columns, and no row left to say so: again with one. */
			erase();
			t->y = 0;
			t->cut = 0;
			plan(t, true);
			draw_panes(t);
		}
	}
	attron(A_REVERSE);
	mvaddnstr(LINES - 1, 0, "q quit  p pause  r reset  t totals/rates  ? help", COLS);
	attroff(A_REVERSE);
	refresh();
}

/* Returns false when the user asked to quit. */
static bool handle_keys(struct tui *t)
{
	int ch;

	while ((ch = getch()) != ERR) {
		if (t->help && ch != KEY_RESIZE) {
			t->help = false;
			continue;
		}
		switch (ch) {
		case 'q':
		case 'Q':
			return false;
		case 'p':
		case ' ':
			t->paused = !t->paused;
			break;
		case 'r':
			dsamig_session_reset(t->s);
			break;
		case 't':
			t->totals = !t->totals;
			break;
		case '?':
		case 'h':
			t->help = true;
			break;
		default:
			break;
		}
	}
	return true;
}

int top_tui_run(struct dsamig_session *s, uint64_t interval_ns, uint64_t duration_ns,
		unsigned long iterations)
{
	struct tui t = { .s = s, .interval_ns = interval_ns };
	uint64_t next = s->start_ns + interval_ns;
	unsigned long n = 0;

	dsamig_session_signals(s, tui_restore);
	if (!initscr())
		return DSAMIG_EXIT_FAILURE;
	curses_on = true;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	draw(&t);
	while (!dsamig_session_stop) {
		/* a key, or SIGWINCH (curses queues KEY_RESIZE) */
		bool key = dsamig_session_wait(s, next, STDIN_FILENO) != DSAMIG_WAKE_DEADLINE;

		if (dsamig_session_stop)
			break;
		if (key) {
			if (!handle_keys(&t))
				break;
			draw(&t);
			continue;
		}
		dsamig_session_interval(s);
		n++;
		next += interval_ns;
		if (!t.paused)
			draw(&t);
		if ((iterations && n >= iterations) ||
		    (duration_ns && next - interval_ns >= s->start_ns + duration_ns))
			break;
	}
	tui_restore();
	return DSAMIG_EXIT_OK;
}
