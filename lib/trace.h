/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live tracing for dsamig: a private tracefs instance named after the
 * program and its pid ("dsamig-1234"), with only dsamig's events enabled in
 * it, and one raw reader per CPU (memory-mapped where libtracefs >= 1.8 and
 * the kernel allow, read(2) of trace_pipe_raw otherwise).
 *
 * The instance exists from dsamig_trace_open() to dsamig_trace_close();
 * dsamig_trace_abort() removes it from a signal handler. Instances left by
 * dead dsamig processes are removed when the next one opens.
 */
#ifndef DSAMIG_TRACE_H
#define DSAMIG_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "decode.h"
#include "stats.h"

struct dsamig_trace;

/*
 * Create the instance, enable the events this kernel has, open the readers
 * and start tracing. Needs root. Errors: -EACCES/-EPERM (not allowed),
 * -ENODEV (no tracefs), -ENOENT (no migrate:mm_migrate_pages), other errno.
 */
int dsamig_trace_open(struct dsamig_trace **out);

/*
 * Drain every CPU's buffer into @s: all events recorded so far. Returns the
 * number of events decoded, or a negative errno.
 */
int dsamig_trace_read(struct dsamig_trace *t, struct dsamig_stats *s);

/*
 * Follow dsamig.ko: when it was loaded, unloaded or reloaded since the
 * decoder was made (its events appeared, went, or came back disabled in
 * the instance), drain what the old decoder can read into @s, read the
 * formats again and enable the new events. Returns 1 when the decoder
 * changed (dsamig_trace_decoder() gives the new one), 0 when not, or a
 * negative errno (the old decoder stays).
 */
int dsamig_trace_follow_module(struct dsamig_trace *t, struct dsamig_stats *s);

/* Add the kernel's count of events lost since the last call to @s. */
void dsamig_trace_count_lost(struct dsamig_trace *t, struct dsamig_stats *s);

/* Stop tracing, read what is left into @s (may be NULL), remove the instance. */
void dsamig_trace_close(struct dsamig_trace *t, struct dsamig_stats *s);

/*
 * Async-signal-safe: close the readers and remove the instance, for a
 * handler of a fatal signal. @t is unusable afterwards.
 */
void dsamig_trace_abort(struct dsamig_trace *t);

/* The instance's name, for messages and tests. */
const char *dsamig_trace_name(const struct dsamig_trace *t);
const struct dsamig_decoder *dsamig_trace_decoder(const struct dsamig_trace *t);
/* Whether dsamig.ko's events were found (the module is loaded). */
bool dsamig_trace_module_loaded(const struct dsamig_trace *t);
/* How many CPUs use the memory-mapped reader. */
unsigned int dsamig_trace_mapped_cpus(const struct dsamig_trace *t);

#endif /* DSAMIG_TRACE_H */
