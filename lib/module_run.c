// SPDX-License-Identifier: GPL-2.0
/* dsamig load's and dsamig set's actions: see module_run.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "module.h"
#include "module_run.h"

static void apply_error(struct dsamig_ctx *ctx, const struct dsamig_knob_set *s, int err,
			bool reading)
{
	if (reading)
		dsamig_err(ctx, "cannot read %s: %s; nothing was changed", s->knob->name,
			   strerror(-err));
	else
		dsamig_err(ctx, "%s=%s refused: %s; %s", s->knob->name, s->value, strerror(-err),
			   err == -ENODEV ? "run 'dsamig setup' first, or use backend=mt" :
			   "nothing was changed (see dmesg)");
}

static int apply(struct dsamig_ctx *ctx, struct dsamig_knob_set *sets, unsigned int n)
{
	unsigned int failed;
	bool reading;
	int err;

	err = dsamig_module_knobs_apply(sets, n, &failed, &reading);
	if (err)
		apply_error(ctx, &sets[failed], err, reading);
	return err;
}

int dsamig_set_run(struct dsamig_ctx *ctx, struct dsamig_knob_set *sets, unsigned int n)
{
	if (!dsamig_module_loaded()) {
		dsamig_err(ctx, "dsamig.ko is not loaded; run 'dsamig load' first");
		return -ENOENT;
	}
	return apply(ctx, sets, n);
}

/* "backend=mt threshold=64", the module parameters of @sets. */
static int load_params(const struct dsamig_knob_set *sets, unsigned int n, char *buf,
		       size_t size)
{
	size_t len = 0;
	unsigned int i;
	int w;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		w = snprintf(buf + len, size - len, "%s%s=%s", i ? " " : "", sets[i].knob->name,
			     sets[i].value);
		if (w < 0 || (size_t)w >= size - len)
			return -E2BIG;
		len += w;
	}
	return 0;
}

/* Where the module file is, and that it is this dsamig's version. */
static int find_file(struct dsamig_ctx *ctx, const char *path, struct dsamig_load_result *r)
{
	int err = dsamig_module_locate(ctx, path, r->file, sizeof(r->file));

	if (err) {
		if (path)
			dsamig_err(ctx, "%s: %s; check the path", path, strerror(-err));
		else
			dsamig_err(ctx, "no dsamig.ko installed or built; run 'make' or pass "
				   "--module PATH");
		return err;
	}
	err = dsamig_module_file_version(ctx, r->file, r->version, sizeof(r->version));
	if (err) {
		dsamig_err(ctx, "%s: not a dsamig module (%s); check the path", r->file,
			   strerror(-err));
		return err;
	}
	if (strcmp(r->version, DSAMIG_VERSION)) {
		dsamig_err(ctx, "%s is version %s, this dsamig is %s; install matching versions",
			   r->file, r->version, DSAMIG_VERSION);
		return -EPROTO;
	}
	return 0;
}

static int load_error(struct dsamig_ctx *ctx, const struct dsamig_load_result *r,
		      const char *backend, int err)
{
	switch (err) {
	case -ENODEV:
		dsamig_err(ctx, "no DSA DMA channel for backend %s; run 'dsamig setup' first, "
			   "or use --backend mt", backend);
		break;
	case -ENOEXEC:
		dsamig_err(ctx, "%s was not built for this kernel; rebuild it against the "
			   "running kernel's headers", r->file);
		break;
	default:
		dsamig_err(ctx, "%s: %s; see dmesg", r->file, strerror(-err));
	}
	return err;
}

int dsamig_load_run(struct dsamig_ctx *ctx, const char *path, struct dsamig_knob_set *sets,
		    unsigned int n, struct dsamig_load_result *r)
{
	const char *backend = "dsa";
	unsigned int i;
	int err;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		if (!strcmp(sets[i].knob->name, "backend"))
			backend = sets[i].value;
	if (!dsamig_module_version(r->version, sizeof(r->version))) {
		if (strcmp(r->version, DSAMIG_VERSION)) {
			dsamig_err(ctx, "dsamig.ko %s is loaded, this dsamig is %s; run 'dsamig "
				   "unload' and load again", r->version, DSAMIG_VERSION);
			return -EPROTO;
		}
		r->outcome = n ? DSAMIG_LOAD_SET : DSAMIG_LOAD_NOTHING;
		return n ? apply(ctx, sets, n) : 0;
	}
	if (load_params(sets, n, r->params, sizeof(r->params))) {
		dsamig_err(ctx, "the parameters are too long for the module; set some with "
			   "'dsamig set' after loading");
		return -E2BIG;
	}
	err = find_file(ctx, path, r);
	if (err)
		return err;
	err = dsamig_module_load(ctx, r->file, r->params);
	if (err == -EEXIST) {
		/* loaded meanwhile by someone else: as if it had been */
		r->outcome = n ? DSAMIG_LOAD_SET : DSAMIG_LOAD_NOTHING;
		return n ? apply(ctx, sets, n) : 0;
	}
	if (err)
		return load_error(ctx, r, backend, err);
	r->outcome = DSAMIG_LOAD_LOADED;
	return 0;
}
