/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * dsamig: the contract between dsamig.ko and user space (libdsamig, the
 * dsamig program, tests). Knob names and ranges, counter files, tracepoint
 * names and fields, enum values: defined here once, used from both sides.
 *
 * Lists are X-macros so that each side expands them into what it needs
 * (enums, string tables, TRACE_EVENT fields, sysfs files, validators).
 * Only macros and enums live here: no types that differ between kernel and
 * user space.
 */
#ifndef DSAMIG_SHARED_H
#define DSAMIG_SHARED_H

#define DSAMIG_MODULE			"dsamig"
#define DSAMIG_PARAMS_DIR		"/sys/module/dsamig/parameters"
#define DSAMIG_COUNTERS_DIR		"/sys/kernel/dsamig"
#define DSAMIG_TRACE_SYSTEM		"dsamig"

/* Copy backends: X(ENUM_SUFFIX, "name") */
#define DSAMIG_BACKENDS(X)						\
	X(OFF, "off")		/* hooks pass every copy to the kernel */	\
	X(DSA, "dsa")		/* dmaengine memcpy channels (DSA WQs) */	\
	X(MT, "mt")		/* CPU copies spread over worker threads */	\
	X(CPU, "cpu")		/* hooks armed, plain CPU copy: baseline */

/* How the dsa backend waits for its descriptors. */
#define DSAMIG_WAITS(X)							\
	X(POLL, "poll")		/* busy-wait, as the paper */			\
	X(IRQ, "irq")		/* sleep on a completion */

/* Outcome of one offload run (dsamig_run.result). */
#define DSAMIG_RESULTS(X)						\
	X(OK, "ok")		/* every pair copied by the backend */		\
	X(FALLBACK, "fallback")	/* the run went back to the CPU */		\
	X(ERROR, "error")	/* the CPU copy after a fallback failed too */

/* Why a run went back to the CPU (dsamig_fallback.cause). */
#define DSAMIG_CAUSES(X)						\
	X(ENGINE_ERROR, "engine_error")	/* a descriptor completed with an error */ \
	X(TIMEOUT, "timeout")		/* not all completions within timeout_ms */ \
	X(MAP_MISMATCH, "map_mismatch")	/* src/dst mapped to different segments */ \
	X(MAP_ERROR, "map_error")	/* dma_map_sgtable() failed */		\
	X(NO_CHANNEL, "no_channel")	/* no channel could be had */		\
	X(DESC_ALLOC, "desc_alloc")	/* prep returned no descriptor */	\
	X(NO_MEMORY, "no_memory")	/* tables or bookkeeping allocation */	\
	X(SUBMIT, "submit")		/* tx_submit returned an error cookie */ \
	X(CHANNEL_GONE, "channel_gone")	/* its WQ was disabled or unbound meanwhile */

/*
 * Why a pair was not copied ahead of the kernel's copy point (counters
 * kept/<name>): it is copied there instead, by the CPU or, for a large
 * folio, through the backend on its own.
 */
#define DSAMIG_KEEPS(X)							\
	X(BUFFERS, "buffers")	/* page cache with buffer heads */	\
	X(MAPPING, "mapping")	/* its mapping migrates another way */	\
	X(STATE, "state")	/* unlocked, mapped, hugetlb, movable_ops, size */ \
	X(REFS, "refs")		/* references beyond migration's own */

#define DSAMIG_ENUM_BACKEND(e, s)	DSAMIG_BACKEND_##e,
#define DSAMIG_ENUM_WAIT(e, s)		DSAMIG_WAIT_##e,
#define DSAMIG_ENUM_RESULT(e, s)	DSAMIG_RESULT_##e,
#define DSAMIG_ENUM_CAUSE(e, s)		DSAMIG_CAUSE_##e,
#define DSAMIG_ENUM_KEEP(e, s)		DSAMIG_KEEP_##e,

enum dsamig_backend { DSAMIG_BACKENDS(DSAMIG_ENUM_BACKEND) DSAMIG_NR_BACKENDS };
enum dsamig_wait { DSAMIG_WAITS(DSAMIG_ENUM_WAIT) DSAMIG_NR_WAITS };
enum dsamig_result { DSAMIG_RESULTS(DSAMIG_ENUM_RESULT) DSAMIG_NR_RESULTS };
enum dsamig_cause { DSAMIG_CAUSES(DSAMIG_ENUM_CAUSE) DSAMIG_NR_CAUSES };
enum dsamig_keep { DSAMIG_KEEPS(DSAMIG_ENUM_KEEP) DSAMIG_NR_KEEPS };

/*
 * Migration reasons, as enum migrate_reason of Linux 6.12 names them in its
 * own tracepoint format (include/trace/events/migrate.h). The reasons knob
 * takes these names; user space decoding events reads them from the
 * kernel's print format instead, so a newer kernel's reasons still show.
 */
#define DSAMIG_REASONS(X)						\
	X(COMPACTION, "compaction")					\
	X(MEMORY_FAILURE, "memory_failure")				\
	X(MEMORY_HOTPLUG, "memory_hotplug")				\
	X(SYSCALL, "syscall_or_cpuset")					\
	X(MEMPOLICY_MBIND, "mempolicy_mbind")				\
	X(NUMA_MISPLACED, "numa_misplaced")				\
	X(CONTIG_RANGE, "contig_range")					\
	X(LONGTERM_PIN, "longterm_pin")					\
	X(DEMOTION, "demotion")						\
	X(DAMON, "damon")

#define DSAMIG_ENUM_REASON(e, s)	DSAMIG_REASON_##e,
enum dsamig_reason { DSAMIG_REASONS(DSAMIG_ENUM_REASON) DSAMIG_NR_REASONS };

/*
 * Run-time knobs, module parameters under DSAMIG_PARAMS_DIR:
 * X(name, kind, min, max, default, "help"). kind is UINT (a whole number
 * in [min, max]), ENUM (one name of the list named after the knob:
 * backend of DSAMIG_BACKENDS), LIST (comma-separated names of the list
 * named after the knob, or "all", or "none") or STRING. A write that does
 * not validate is refused with -EINVAL and changes nothing.
 *
 * default is written here only: each side makes its value and its name
 * from it at compile time (kmod/dsamig/knobs.c, lib/knobs.c). It is, by
 * kind:
 *   UINT    a number literal: 32
 *   ENUM    the enum suffix of one entry of the knob's list: DSA, the
 *           list's DSAMIG_BACKEND_DSA, named "dsa"
 *   LIST    ALL or NONE: every name of the list, or none
 *   STRING  a string literal: "dsa"
 *
 * wait defaults to IRQ: idxd interrupts once per descriptor either way,
 * and a run may wait in async compaction, a NUMA fault or kswapd, where
 * polling burns the CPU the workload needs (tests/bench/wait-mode.sh: the
 * wait phase is the same, moves under load 0.85x the time of poll's).
 */
#define DSAMIG_KNOBS(X)							\
	X(backend, ENUM, 0, 0, DSA,					\
	  "copy backend: dsa, mt, cpu or off")				\
	X(threshold, UINT, 1, 65536, 32,				\
	  "pages: smaller runs and folios stay on the CPU")		\
	X(max_batch, UINT, 1, 65536, 512,				\
	  "pages: larger runs are split into batches of at most this")	\
	X(reasons, LIST, 0, 0, ALL,					\
	  "migration reasons that offload: comma-separated names, all or none") \
	X(channels, UINT, 0, 64, 0,					\
	  "DMA channels a run is spread over (0: all that match)")	\
	X(dma_match, STRING, 0, 0, "dsa",				\
	  "dsa (DSA work queues), any (any memcpy channel) or channel names") \
	X(wait, ENUM, 0, 0, IRQ,					\
	  "how the dsa backend waits: poll or irq")			\
	X(timeout_ms, UINT, 1, 60000, 1000,				\
	  "ms a run may take on the engine before it falls back to the CPU") \
	X(mt_threads, UINT, 1, 16, 4,					\
	  "worker threads of the mt backend")

/*
 * Tracepoints of system DSAMIG_TRACE_SYSTEM and their fields:
 * X(type, name). Decoders locate fields by these names.
 *   setup time = sg_ns + map_ns + submit_ns + unmap_ns, transfer = wait_ns
 */
#define DSAMIG_EV_RUN			"dsamig_run"
#define DSAMIG_EV_CPU_COPY		"dsamig_cpu_copy"
#define DSAMIG_EV_FALLBACK		"dsamig_fallback"

#define DSAMIG_RUN_FIELDS(X)						\
	X(int, reason)		/* enum migrate_reason */		\
	X(int, backend)		/* enum dsamig_backend */		\
	X(int, result)		/* enum dsamig_result */		\
	X(unsigned int, nr_folios)					\
	X(unsigned int, nr_pages)					\
	X(unsigned int, nr_segments)	/* DMA descriptors */		\
	X(unsigned int, nr_channels)					\
	X(u64, sg_ns)		/* building the scatter-gather tables */	\
	X(u64, map_ns)		/* dma_map_sgtable() of src and dst */	\
	X(u64, submit_ns)	/* prep + submit + issue_pending */	\
	X(u64, wait_ns)		/* until the last completion */		\
	X(u64, unmap_ns)	/* dma_unmap_sgtable() */

#define DSAMIG_CPU_COPY_FIELDS(X)					\
	X(int, reason)							\
	X(unsigned int, nr_folios)					\
	X(unsigned int, nr_pages)					\
	X(u64, copy_ns)

#define DSAMIG_FALLBACK_FIELDS(X)					\
	X(int, reason)							\
	X(int, backend)							\
	X(int, cause)		/* enum dsamig_cause */			\
	X(unsigned int, nr_pages)

#endif /* DSAMIG_SHARED_H */
