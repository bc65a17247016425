/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The kernel functions dsamig.ko hooks (kmod/dsamig/hooks.c), listed once:
 * the module hooks them, dsamig status looks each up in /proc/kallsyms.
 *
 * X(symbol, need, kind):
 *   need  REQUIRED: the load fails without it;
 *         OPTIONAL: without it, its migrations are copied at the copy point;
 *   kind  COPY: the copy point, redirected (ftrace) to dsamig's copy; one;
 *         ALLOC: a get_new_folio callback of migrate_pages(), whose return
 *         probe records the batch's src -> dst pairs.
 * Each must be exported or address-taken (so a real function: hooks.c
 * checks its ENDBR64 on IBT kernels).
 */
#ifndef DSAMIG_HOOKS_H
#define DSAMIG_HOOKS_H

#define DSAMIG_HOOKS(X)							\
	X(folio_mc_copy, REQUIRED, COPY)	/* every migration's copy */	\
	X(compaction_alloc, REQUIRED, ALLOC)	/* compaction */		\
	X(alloc_migration_target, REQUIRED, ALLOC) /* syscalls, hotplug, CMA, pins; 7.x DAMON */ \
	X(alloc_misplaced_dst_folio, OPTIONAL, ALLOC) /* NUMA balancing */	\
	X(alloc_migrate_folio, OPTIONAL, ALLOC)	/* 6.12: demotion, DAMON */	\
	X(alloc_demote_folio, OPTIONAL, ALLOC)	/* 7.x: demotion */		\
	X(alloc_migration_target_by_mpol, OPTIONAL, ALLOC) /* mbind */

#define DSAMIG_HOOK_REQUIRED	1
#define DSAMIG_HOOK_OPTIONAL	0

#define DSAMIG_ENUM_HOOK(sym, need, kind)	DSAMIG_HOOK_##sym,
enum dsamig_hook { DSAMIG_HOOKS(DSAMIG_ENUM_HOOK) DSAMIG_NR_HOOKS };

#endif /* DSAMIG_HOOKS_H */
