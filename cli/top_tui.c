// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig top's screen, with ncurses: erase, draw, refresh, so that curses
 * sends only the cells that changed. Every line is cut to the width, so a
 * narrow terminal loses columns, not the layout; KEY_RESIZE redraws. The
 * terminal is restored on q, at the end, on SIGINT/SIGTERM and on crashes.
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

#define HIST_ROWS	8	/* log2 buckets shown per histogram */

struct tui {
	struct top_session *s;
	bool paused, totals, help;
	int y;			/* next row */
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

/* One screen row, cut to the width; the last row is the key line's. */
__attribute__((format(printf, 3, 4)))
static void row(struct tui *t, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (t->y >= LINES - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attron(attr);
	mvaddnstr(t->y++, 0, buf, COLS);
	attroff(attr);
}

/* A count as shown: per second in rates mode, as is in totals mode. */
static double shown(const struct tui *t, uint64_t v)
{
	if (t->totals)
		return (double)v;
	return t->s->delta_s > 0 ? (double)v / t->s->delta_s : 0;
}

static const struct dsamig_stats *view(const struct tui *t)
{
	return t->totals ? &t->s->total : &t->s->delta;
}

static void draw_header(struct tui *t)
{
	struct top_session *s = t->s;
	char clock[16], every[16];
	time_t now = time(NULL);

	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	cli_fmt_ns(every, sizeof(every), (double)t->interval_ns);
	row(t, A_BOLD, "dsamig top - %s  every %s  showing %s%s", clock, every,
	    t->totals ? "totals since start/reset" : "rates per second",
	    t->paused ? "  [PAUSED]" : "");
	if (s->module)
		row(t, 0, "dsamig.ko: backend %s, threshold %s pages", s->backend, s->threshold);
	else
		row(t, 0, "dsamig.ko is not loaded: stock tracepoints only (no DSA/CPU copy split)");
	row(t, 0, "tracing: %s, %llu events, lost events %llu%s", dsamig_trace_name(s->trace),
	    (unsigned long long)view(t)->events, (unsigned long long)view(t)->lost_events,
	    view(t)->lost_events ? "  (raise -d or load less)" : "");
	t->y++;
}

static void draw_migrations(struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const char *unit = t->totals ? "" : "/s";
	unsigned int r;
	char buf[32], bytes[32];
	long page = sysconf(_SC_PAGESIZE);

	row(t, A_BOLD | A_REVERSE, "%-22s %12s%-2s %10s%-2s %12s%-2s", "MIGRATIONS by reason",
	    "succeeded", unit, "failed", unit, "bytes", unit);
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		const struct dsamig_migrate_count *m = &v->migrate[r];

		/* Reasons that never migrated since the start would only fill the screen. */
		if (!t->s->total.migrate[r].calls)
			continue;
		cli_fmt_bytes(bytes, sizeof(bytes), shown(t, m->succeeded) * (double)page);
		row(t, 0, "  %-20s %12.1f   %10.1f   %12s", dsamig_reason_name(t->s->dec, r, buf,
		    sizeof(buf)), shown(t, m->succeeded), shown(t, m->failed), bytes);
	}
	cli_fmt_bytes(bytes, sizeof(bytes), shown(t, dsamig_stats_migrated(v)) * (double)page);
	row(t, A_BOLD, "  %-20s %12.1f   %10.1f   %12s", "total", shown(t, dsamig_stats_migrated(v)),
	    shown(t, dsamig_stats_migrate_failed(v)), bytes);
	t->y++;
}

static void draw_copies(struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const struct dsamig_offload *dsa = &v->offload[DSAMIG_BACKEND_DSA];
	const struct dsamig_offload *mt = &v->offload[DSAMIG_BACKEND_MT];
	const char *unit = t->totals ? "" : "/s";
	long page = sysconf(_SC_PAGESIZE);
	char bytes[32], per[32];
	uint64_t fb = 0;
	unsigned int c;

	if (!t->s->module)
		return;
	row(t, A_BOLD | A_REVERSE, "%-22s %10s%-2s %10s%-2s %12s%-2s %12s", "COPIES", "runs", unit,
	    "pages", unit, "bytes", unit, "time/page");
	cli_fmt_bytes(bytes, sizeof(bytes), shown(t, dsa->pages) * (double)page);
	cli_fmt_ns(per, sizeof(per), dsa->pages + dsa->fallback_pages ?
	       (double)(dsamig_offload_setup_ns(dsa) + dsa->phase_ns[DSAMIG_PHASE_WAIT]) /
	       (double)(dsa->pages + dsa->fallback_pages) : 0);
	row(t, 0, "  %-20s %10.1f   %10.1f   %12s   %12s", "DSA", shown(t, dsa->runs),
	    shown(t, dsa->pages), bytes, per);
	if (t->s->total.offload[DSAMIG_BACKEND_MT].runs) {
		cli_fmt_bytes(bytes, sizeof(bytes), shown(t, mt->pages) * (double)page);
		row(t, 0, "  %-20s %10.1f   %10.1f   %12s", "MT (CPU threads)", shown(t, mt->runs),
		    shown(t, mt->pages), bytes);
	}
	cli_fmt_bytes(bytes, sizeof(bytes), shown(t, v->cpu_pages) * (double)page);
	cli_fmt_ns(per, sizeof(per), v->cpu_pages ? (double)v->cpu_copy_ns / (double)v->cpu_pages : 0);
	row(t, 0, "  %-20s %10.1f   %10.1f   %12s   %12s", "CPU", shown(t, v->cpu_copies),
	    shown(t, v->cpu_pages), bytes, per);
	for (c = 0; c < DSAMIG_NR_CAUSES; c++)
		fb += v->fallbacks[c];
	row(t, 0, "  %-20s %10.1f", "fallbacks to CPU", shown(t, fb));
	t->y++;
}

static void draw_bar(struct tui *t, const char *label, double frac)
{
	int width = COLS - 40, fill, i;
	char bar[256];

	if (width > (int)sizeof(bar) - 1)
		width = (int)sizeof(bar) - 1;
	if (width < 4)
		return;
	fill = (int)(frac * width + 0.5);
	for (i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	row(t, 0, "  %-36s %s", label, bar);
}

static void draw_phases(struct tui *t)
{
	static const char *const names[DSAMIG_NR_PHASES] = {
		"sg (scatter-gather build)", "map (DMA mapping)", "submit (prep+submit+issue)",
		"wait (transfer)", "unmap (DMA unmapping)",
	};
	const struct dsamig_offload *dsa = &view(t)->offload[DSAMIG_BACKEND_DSA];
	uint64_t pages = dsa->pages + dsa->fallback_pages;
	uint64_t setup = dsamig_offload_setup_ns(dsa), all = setup + dsa->phase_ns[DSAMIG_PHASE_WAIT];
	unsigned int p;
	char label[64];

	if (!t->s->module)
		return;
	row(t, A_BOLD | A_REVERSE, "%-32s %10s %7s", "DSA SETUP vs TRANSFER", "ns/page", "share");
	for (p = 0; p < DSAMIG_NR_PHASES; p++)
		row(t, 0, "  %-30s %10.0f %6.1f%%", names[p],
		    pages ? (double)dsa->phase_ns[p] / (double)pages : 0,
		    all ? 100.0 * (double)dsa->phase_ns[p] / (double)all : 0);
	snprintf(label, sizeof(label), "setup %.1f%% (#) vs transfer (.)",
		 all ? 100.0 * (double)setup / (double)all : 0);
	draw_bar(t, label, all ? (double)setup / (double)all : 0);
	t->y++;
}

static void hist_cell(char *buf, size_t size, const struct dsamig_hist *h, unsigned int b,
		      uint64_t max, bool ns)
{
	char lo[16], bar[12];
	int n = max ? (int)(10 * h->bucket[b] / max) : 0, i;

	if (ns)
		cli_fmt_ns(lo, sizeof(lo), (double)dsamig_hist_bucket_min(b));
	else
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)dsamig_hist_bucket_min(b));
	for (i = 0; i < 10; i++)
		bar[i] = i < n ? '#' : ' ';
	bar[10] = '\0';
	snprintf(buf, size, ">= %-9s %8llu %s", lo, (unsigned long long)h->bucket[b], bar);
}

static uint64_t hist_max(const struct dsamig_hist *h, unsigned int *lo, unsigned int *hi)
{
	uint64_t max = 0;
	unsigned int b;

	*hi = dsamig_hist_used(h);
	*lo = *hi > HIST_ROWS ? *hi - HIST_ROWS : 0;
	for (b = *lo; b < *hi; b++)
		if (h->bucket[b] > max)
			max = h->bucket[b];
	return max;
}

/* Two log2 histograms side by side: sizes and latencies, the largest buckets. */
static void draw_histograms(struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const struct dsamig_hist *size = t->s->module ? &v->run_pages_hist : &v->migrate_pages_hist;
	const struct dsamig_hist *lat = t->s->module ? &v->run_ns_hist : &v->migrate_ns_hist;
	unsigned int slo, shi, llo, lhi, i;
	uint64_t smax = hist_max(size, &slo, &shi), lmax = hist_max(lat, &llo, &lhi);

	row(t, A_BOLD | A_REVERSE, "%-33s %-33s",
	    t->s->module ? "RUN SIZE (pages), count" : "MIGRATE_PAGES() SIZE (pages)",
	    t->s->module ? "RUN LATENCY, count" : "MIGRATE_PAGES() LATENCY");
	for (i = 0; i < HIST_ROWS && (slo + i < shi || llo + i < lhi); i++) {
		char a[64] = "", b[64] = "";

		if (slo + i < shi)
			hist_cell(a, sizeof(a), size, slo + i, smax, false);
		if (llo + i < lhi)
			hist_cell(b, sizeof(b), lat, llo + i, lmax, true);
		row(t, 0, "  %-31s   %-31s", a, b);
	}
	if (!shi && !lhi)
		row(t, 0, "  (no migrations yet)");
	t->y++;
}

static void draw_compaction(struct tui *t)
{
	const struct dsamig_stats *v = view(t);
	const char *unit = t->totals ? "" : "/s";
	char frag[256] = "", bytes[32];
	size_t len = 0;
	unsigned int n;

	row(t, A_BOLD | A_REVERSE, "%-22s", "COMPACTION and DAMON");
	row(t, 0, "  compaction runs%s %.1f  migrated%s %.1f  failed%s %.1f  kcompactd wakes%s %.1f",
	    unit, shown(t, v->compact_runs), unit, shown(t, v->compact_migrated), unit,
	    shown(t, v->compact_failed), unit, shown(t, v->kcompactd_wakes));
	for (n = 0; n < t->s->total.nr_frag_nodes && len < sizeof(frag) - 32; n++)
		if (t->s->total.frag_score[n] >= 0)
			len += (size_t)snprintf(frag + len, sizeof(frag) - len, "  node%u %d", n,
						t->s->total.frag_score[n]);
	row(t, 0, "  fragmentation score (0-100):%s", len ? frag : " -");
	cli_fmt_bytes(bytes, sizeof(bytes), shown(t, v->damos_bytes));
	row(t, 0, "  DAMON regions applied%s %.1f  bytes applied%s %s", unit,
	    shown(t, v->damos_applies), unit, bytes);
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
	if (t->help) {
		draw_help(t);
	} else {
		draw_header(t);
		draw_migrations(t);
		draw_copies(t);
		draw_phases(t);
		draw_histograms(t);
		draw_compaction(t);
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
			top_reset(t->s);
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

int top_tui_run(struct top_session *s, uint64_t interval_ns, uint64_t duration_ns,
		unsigned long iterations)
{
	struct tui t = { .s = s, .interval_ns = interval_ns };
	uint64_t next = s->start_ns + interval_ns;
	unsigned long n = 0;

	top_signals(s, tui_restore);
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
	while (!top_stop) {
		bool key = top_wait(s, next, STDIN_FILENO);

		if (top_stop)
			break;
		if (key) {
			if (!handle_keys(&t))
				break;
			draw(&t);
			continue;
		}
		top_interval(s);
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
