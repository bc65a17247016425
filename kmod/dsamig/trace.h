/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of dsamig.ko: the contract with `dsamig top`. Fields come from
 * the X-macros of kmod/include/dsamig.h, so both sides use one list.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dsamig

#if !defined(_DSAMIG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DSAMIG_TRACE_H

#include <linux/tracepoint.h>
#include <linux/migrate_mode.h>
#include <dsamig.h>

/* Reason names as the kernel's own migrate events print them. */
#define DSAMIG_TP_REASON(e, s)	{ MR_##e, s },
#define DSAMIG_TP_BACKEND(e, s)	{ DSAMIG_BACKEND_##e, s },
#define DSAMIG_TP_RESULT(e, s)	{ DSAMIG_RESULT_##e, s },
#define DSAMIG_TP_CAUSE(e, s)	{ DSAMIG_CAUSE_##e, s },

/* Enum names in the print formats become numbers user space can match. */
#define DSAMIG_TP_DEF_REASON(e, s)	TRACE_DEFINE_ENUM(MR_##e);
#define DSAMIG_TP_DEF_BACKEND(e, s)	TRACE_DEFINE_ENUM(DSAMIG_BACKEND_##e);
#define DSAMIG_TP_DEF_RESULT(e, s)	TRACE_DEFINE_ENUM(DSAMIG_RESULT_##e);
#define DSAMIG_TP_DEF_CAUSE(e, s)	TRACE_DEFINE_ENUM(DSAMIG_CAUSE_##e);
DSAMIG_REASONS(DSAMIG_TP_DEF_REASON)
DSAMIG_BACKENDS(DSAMIG_TP_DEF_BACKEND)
DSAMIG_RESULTS(DSAMIG_TP_DEF_RESULT)
DSAMIG_CAUSES(DSAMIG_TP_DEF_CAUSE)
TRACE_DEFINE_ENUM(MR_TYPES);
TRACE_DEFINE_ENUM(DSAMIG_NR_BACKENDS);
TRACE_DEFINE_ENUM(DSAMIG_NR_RESULTS);
TRACE_DEFINE_ENUM(DSAMIG_NR_CAUSES);

/* Each list ends with its count, printed as "unknown". */
#define DSAMIG_TP_REASONS	DSAMIG_REASONS(DSAMIG_TP_REASON) { MR_TYPES, "unknown" }
#define DSAMIG_TP_BACKENDS	DSAMIG_BACKENDS(DSAMIG_TP_BACKEND) { DSAMIG_NR_BACKENDS, "unknown" }
#define DSAMIG_TP_RESULTS	DSAMIG_RESULTS(DSAMIG_TP_RESULT) { DSAMIG_NR_RESULTS, "unknown" }
#define DSAMIG_TP_CAUSES	DSAMIG_CAUSES(DSAMIG_TP_CAUSE) { DSAMIG_NR_CAUSES, "unknown" }

#define DSAMIG_TP_FIELD(t, n)	__field(t, n)
#define DSAMIG_TP_ASSIGN(t, n)	__entry->n = n;

TRACE_EVENT(dsamig_run,
	TP_PROTO(int reason, int backend, int result, unsigned int nr_folios,
		 unsigned int nr_pages, unsigned int nr_segments, unsigned int nr_channels,
		 u64 sg_ns, u64 map_ns, u64 submit_ns, u64 wait_ns, u64 unmap_ns),
	TP_ARGS(reason, backend, result, nr_folios, nr_pages, nr_segments, nr_channels,
		sg_ns, map_ns, submit_ns, wait_ns, unmap_ns),
	TP_STRUCT__entry(DSAMIG_RUN_FIELDS(DSAMIG_TP_FIELD)),
	TP_fast_assign(DSAMIG_RUN_FIELDS(DSAMIG_TP_ASSIGN)),
	TP_printk("reason=%s backend=%s result=%s folios=%u pages=%u segments=%u channels=%u sg_ns=%llu map_ns=%llu submit_ns=%llu wait_ns=%llu unmap_ns=%llu",
		  __print_symbolic(__entry->reason, DSAMIG_TP_REASONS),
		  __print_symbolic(__entry->backend, DSAMIG_TP_BACKENDS),
		  __print_symbolic(__entry->result, DSAMIG_TP_RESULTS),
		  __entry->nr_folios, __entry->nr_pages, __entry->nr_segments,
		  __entry->nr_channels, __entry->sg_ns, __entry->map_ns,
		  __entry->submit_ns, __entry->wait_ns, __entry->unmap_ns)
);

TRACE_EVENT(dsamig_cpu_copy,
	TP_PROTO(int reason, unsigned int nr_folios, unsigned int nr_pages, u64 copy_ns),
	TP_ARGS(reason, nr_folios, nr_pages, copy_ns),
	TP_STRUCT__entry(DSAMIG_CPU_COPY_FIELDS(DSAMIG_TP_FIELD)),
	TP_fast_assign(DSAMIG_CPU_COPY_FIELDS(DSAMIG_TP_ASSIGN)),
	TP_printk("reason=%s folios=%u pages=%u copy_ns=%llu",
		  __print_symbolic(__entry->reason, DSAMIG_TP_REASONS),
		  __entry->nr_folios, __entry->nr_pages, __entry->copy_ns)
);

TRACE_EVENT(dsamig_fallback,
	TP_PROTO(int reason, int backend, int cause, unsigned int nr_pages),
	TP_ARGS(reason, backend, cause, nr_pages),
	TP_STRUCT__entry(DSAMIG_FALLBACK_FIELDS(DSAMIG_TP_FIELD)),
	TP_fast_assign(DSAMIG_FALLBACK_FIELDS(DSAMIG_TP_ASSIGN)),
	TP_printk("reason=%s backend=%s cause=%s pages=%u",
		  __print_symbolic(__entry->reason, DSAMIG_TP_REASONS),
		  __print_symbolic(__entry->backend, DSAMIG_TP_BACKENDS),
		  __print_symbolic(__entry->cause, DSAMIG_TP_CAUSES),
		  __entry->nr_pages)
);

#endif /* _DSAMIG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
