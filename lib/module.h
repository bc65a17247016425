/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig.ko from user space: load and unload it with libkmod, read and
 * write its knobs, read its counters and version. Negative errno on error.
 */
#ifndef DSAMIG_MODULE_H
#define DSAMIG_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsamig_ctx;

/* Whether dsamig.ko is loaded (/sys/module/dsamig exists). */
bool dsamig_module_loaded(void);

/* The loaded module's version into @buf; -ENOENT when it is not loaded. */
int dsamig_module_version(char *buf, size_t size);

/*
 * The module file to load: @path if given; else the installed module that
 * modprobe would find by name; else the build tree's, relative to the
 * running executable (build/dsamig → build/kmod/$(uname -r)/dsamig.ko,
 * else kmod/dsamig/dsamig.ko). -ENOENT if none exists.
 */
int dsamig_module_locate(struct dsamig_ctx *ctx, const char *path, char *buf, size_t size);

/* The "version" a module file carries (modinfo) into @buf. */
int dsamig_module_file_version(struct dsamig_ctx *ctx, const char *file, char *buf,
			       size_t size);

/*
 * Insert @file with the parameters @params ("a=1 b=2", may be NULL).
 * -EEXIST: already loaded; -ENODEV: backend dsa and no DMA channel;
 * -EPERM: not allowed; -ENOEXEC: not a module for this kernel.
 */
int dsamig_module_load(struct dsamig_ctx *ctx, const char *file, const char *params);

/* Remove the module. -ENOENT: not loaded; -EBUSY: in use. */
int dsamig_module_unload(struct dsamig_ctx *ctx);

/* Knob @name of the loaded module, without the newline. */
int dsamig_module_knob_read(const char *name, char *buf, size_t size);

/* One write of @value to knob @name; the module's errno on refusal. */
int dsamig_module_knob_write(const char *name, const char *value);

struct dsamig_knob_set;

/*
 * Write the knobs of @sets in order, all or nothing: each one's value is
 * read into ->old first, and if the module refuses one, those written
 * before it get their old values back. 0; else the negative errno, with
 * *@failed the index of the knob, and *@reading whether it was its read.
 */
int dsamig_module_knobs_apply(struct dsamig_knob_set *sets, unsigned int n,
			      unsigned int *failed, bool *reading);

/* A counter under DSAMIG_COUNTERS_DIR, e.g. "dsa/runs". */
int dsamig_counter_read(const char *path, uint64_t *value);

#endif /* DSAMIG_MODULE_H */
