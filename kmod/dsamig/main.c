// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig.ko: offload the page copies of migrate_pages() to DSA (or worker
 * threads) in batches, on a stock 6.12 kernel. See DESIGN.md, "The kernel
 * module", for the hooks and their safety invariants.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "internal.h"

void dsamig_knobs_go_live(void);

static int __init dsamig_init(void)
{
	int err;

	err = dsamig_table_init();
	if (err)
		return err;
	err = dsamig_mt_init();
	if (err)
		goto fail_table;
	err = dsamig_dsa_init();
	if (err)
		goto fail_mt;
	if (dsamig_knobs.backend == DSAMIG_BACKEND_DSA) {
		err = dsamig_dsa_acquire(dsamig_dma_match, dsamig_knobs.channels);
		if (err) {
			pr_err("backend=dsa but no DMA channel matches '%s': run `dsamig setup` first, or load with backend=mt\n",
			       dsamig_dma_match);
			goto fail_dsa;
		}
	}
	err = dsamig_counters_init();
	if (err)
		goto fail_dsa;
	err = dsamig_hooks_arm();
	if (err)
		goto fail_counters;
	dsamig_knobs_go_live();
	dsamig_bench_init();
	pr_info("armed: backend=%s threshold=%u pages\n",
		dsamig_backend_names[dsamig_knobs.backend], dsamig_knobs.threshold);
	return 0;

fail_counters:
	dsamig_counters_exit();
fail_dsa:
	dsamig_dsa_exit();
fail_mt:
	dsamig_mt_exit();
fail_table:
	dsamig_table_exit();
	return err;
}

static void __exit dsamig_exit(void)
{
	dsamig_bench_exit();
	dsamig_hooks_disarm();
	dsamig_counters_exit();
	dsamig_dsa_exit();
	dsamig_mt_exit();
	dsamig_table_exit();
	pr_info("disarmed\n");
}

module_init(dsamig_init);
module_exit(dsamig_exit);
MODULE_DESCRIPTION("Batched page-migration copy offload to Intel DSA");
MODULE_VERSION(DSAMIG_VERSION);
MODULE_LICENSE("GPL");
