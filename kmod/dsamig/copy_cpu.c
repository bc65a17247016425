// SPDX-License-Identifier: GPL-2.0
/*
 * CPU copies with machine-check recovery, as folio_mc_copy() makes them: the
 * cpu backend (the baseline with the same hooks and events) and the copy
 * point of every pair no run copied.
 */
#include <linux/highmem.h>
#include <linux/sched.h>
#include "internal.h"

int dsamig_cpu_copy_folio(struct folio *dst, struct folio *src)
{
	long nr = folio_nr_pages(src), i = 0;

	for (;;) {
		if (copy_mc_highpage(folio_page(dst, i), folio_page(src, i)))
			return -EHWPOISON;
		if (++i == nr)
			break;
		cond_resched();
	}
	return 0;
}

/* A pair that hits a machine check stays not-ok: the kernel's copy reports it. */
int dsamig_cpu_copy_run(struct dsamig_run *run)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < run->nr_folios; i++) {
		run->ok[i] = !dsamig_cpu_copy_folio(run->dst[i], run->src[i]);
		cond_resched();
	}
	run->wait_ns = dsamig_elapsed(t0);
	run->nr_channels = 1;
	return 0;
}
