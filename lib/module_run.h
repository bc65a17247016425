/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig load's and dsamig set's actions on dsamig.ko: load it with knobs
 * checked before the module sees them, or, when it is loaded, set them as
 * set does, all or nothing. Errors are one line on the context's channel.
 */
#ifndef DSAMIG_MODULE_RUN_H
#define DSAMIG_MODULE_RUN_H

#include <limits.h>

#include "ctx.h"
#include "knobs.h"

enum dsamig_load_outcome {
	DSAMIG_LOAD_LOADED,		/* inserted, with r->params */
	DSAMIG_LOAD_NOTHING,		/* loaded already, no knobs given */
	DSAMIG_LOAD_SET,		/* loaded already: the knobs were set */
};

struct dsamig_load_result {
	enum dsamig_load_outcome outcome;
	char version[64];		/* the module's */
	char file[PATH_MAX];		/* LOADED: the file inserted */
	char params[1024];		/* LOADED: "backend=mt threshold=64" */
};

/*
 * Load dsamig.ko from @path (NULL: the installed one, else the build
 * tree's) with @sets as its parameters; if it is loaded (same version),
 * apply @sets as dsamig_set_run() does (->old then holds what they were).
 * 0, or a negative errno after one error line.
 */
int dsamig_load_run(struct dsamig_ctx *ctx, const char *path, struct dsamig_knob_set *sets,
		    unsigned int n, struct dsamig_load_result *r);

/*
 * Set @sets on the loaded module, all or nothing. 0, or a negative errno
 * after one error line (not loaded: -ENOENT; the knob that failed).
 */
int dsamig_set_run(struct dsamig_ctx *ctx, struct dsamig_knob_set *sets, unsigned int n);

#endif /* DSAMIG_MODULE_RUN_H */
