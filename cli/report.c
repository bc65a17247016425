// SPDX-License-Identifier: GPL-2.0
/* The report output shared by compact, promote, demote and stat: see report.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "parse.h"
#include "report.h"
#include "stats_json.h"

static const char *const backend_names[DSAMIG_NR_BACKENDS] = {
#define NAME(e, s) s,
	DSAMIG_BACKENDS(NAME)
#undef NAME
};

static double per_s(uint64_t pages, uint64_t ns)
{
	return ns ? (double)pages * 1e9 / (double)ns : 0;
}

void report_migrate_human(const struct dsamig_session_result *m)
{
	const struct dsamig_stats *st = &m->total;

	if (st->migrate_ns)
		printf("  %-20s %12.3f s %10.0f pages/s\n", "in migrate_pages()",
		       (double)st->migrate_ns / 1e9, per_s(m->migrated, st->migrate_ns));
}

static void print_ns(const char *what, uint64_t ns, uint64_t pages)
{
	printf("    %-18s %12.3f ms %10.0f ns/page\n", what, (double)ns / 1e6,
	       pages ? (double)ns / (double)pages : 0);
}

void report_copy_human(const struct dsamig_session_result *m)
{
	const struct dsamig_stats *st = &m->total;
	unsigned int b;

	if (!m->module) {
		printf("  dsamig.ko is not loaded: the kernel copied every page on the CPU\n");
		return;
	}
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++) {
		const struct dsamig_offload *off = &st->offload[b];
		uint64_t pages = off->pages + off->fallback_pages;

		if (b == DSAMIG_BACKEND_OFF || !off->runs)
			continue;
		printf("  %-20s %12llu %s %8llu %s %6llu fallback %s\n", backend_names[b],
		       (unsigned long long)off->pages, dsamig_plural(off->pages, "page ", "pages"),
		       (unsigned long long)off->runs, dsamig_plural(off->runs, "run ", "runs"),
		       (unsigned long long)off->fallback_pages,
		       dsamig_plural(off->fallback_pages, "page", "pages"));
		print_ns("setup", dsamig_offload_setup_ns(off), pages);
		print_ns("transfer", off->phase_ns[DSAMIG_PHASE_WAIT], pages);
	}
	printf("  %-20s %12llu %s\n", "cpu copies", (unsigned long long)st->cpu_pages,
	       dsamig_plural(st->cpu_pages, "page", "pages"));
	if (st->cpu_pages)
		print_ns("copying", st->cpu_copy_ns, st->cpu_pages);
}

const char *report_signal_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGINT (Ctrl-C)";
}

int cli_print_json(struct dsamig_ctx *ctx, FILE *f, struct json_object *j)
{
	int err = j ? dsamig_json_print(f, j) : -ENOMEM;

	json_object_put(j);
	/* a reader that went away (| head) took what it wanted */
	if (!err || err == -EPIPE)
		return DSAMIG_EXIT_OK;
	dsamig_err(ctx, "cannot print the report: %s", strerror(-err));
	return DSAMIG_EXIT_FAILURE;
}
