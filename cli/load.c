// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig load and dsamig unload: dsamig.ko in and out of the kernel, with
 * its knobs checked before the module sees them, as dsamig set checks them.
 * Both are idempotent; load on a loaded module sets the knobs it was given.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dsamig.h"
#include "knobs.h"
#include "module.h"

#define MAX_LOAD_KNOBS 8

struct load_args {
	const char *module;
	struct dsamig_knob_set set[MAX_LOAD_KNOBS];
	unsigned int n;
	const char *backend;
};

static const struct argp_option load_options[] = {
	{ "backend", 'b', "BACKEND", 0, "Copy backend: dsa (default), mt, cpu or off", 0 },
	{ "threshold", 't', "PAGES", 0, "Runs smaller than this stay on the CPU", 0 },
	{ "reasons", 'r', "LIST", 0, "Migration reasons that offload (comma-separated, all or none)", 0 },
	{ "channels", 'c', "N", 0, "DMA channels a run is spread over (0: all)", 0 },
	{ "module", 'm', "PATH", 0, "Load this dsamig.ko instead of the installed or built one", 0 },
	{ 0 },
};

/* Check KNOB=VALUE as dsamig set does, and add it to the request. */
static int add_param(struct argp_state *state, struct load_args *a, const char *knob,
		     const char *value)
{
	char msg[512];

	if (dsamig_knob_set_add(a->set, &a->n, MAX_LOAD_KNOBS, knob, value, msg, sizeof(msg)))
		return cli_usage_error(state, "%s", msg);
	return 0;
}

static error_t load_parser(int key, char *arg, struct argp_state *state)
{
	struct load_args *a = state->input;

	switch (key) {
	case 'b':
		a->backend = arg;
		return add_param(state, a, "backend", arg);
	case 't':
		return add_param(state, a, "threshold", arg);
	case 'r':
		return add_param(state, a, "reasons", arg);
	case 'c':
		return add_param(state, a, "channels", arg);
	case 'm':
		a->module = arg;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp load_argp = {
	.options = load_options,
	.parser = load_parser,
	.doc = "Load dsamig.ko: from PATH with --module, else the installed module, else "
	       "the one in the build tree next to this program. If it is loaded, the knob "
	       "options are set as 'dsamig set' sets them (all or nothing), and without "
	       "any it does nothing.",
};

/* The module is loaded already: set the knobs asked for, all or nothing, as set does. */
static int set_loaded(const char *name, const char *version, struct load_args *a)
{
	unsigned int i, failed;
	bool reading;
	int err;

	if (!a->n) {
		printf("dsamig.ko %s is already loaded; nothing to do (change knobs with "
		       "'dsamig set')\n", version);
		return DSAMIG_EXIT_OK;
	}
	err = dsamig_module_knobs_apply(a->set, a->n, &failed, &reading);
	if (err) {
		cli_knob_apply_error(name, &a->set[failed], err, reading);
		return DSAMIG_EXIT_FAILURE;
	}
	printf("dsamig.ko %s is already loaded; set", version);
	for (i = 0; i < a->n; i++)
		printf("%s %s=%s (%s%s)", i ? "," : "", a->set[i].knob->name, a->set[i].value,
		       strcmp(a->set[i].old, a->set[i].value) ? "was " : "unchanged",
		       strcmp(a->set[i].old, a->set[i].value) ? a->set[i].old : "");
	putchar('\n');
	return DSAMIG_EXIT_OK;
}

/* "backend=mt threshold=64", the module parameters of the request. */
static int load_params(const struct load_args *a, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i < a->n; i++) {
		n = snprintf(buf + len, size - len, "%s%s=%s", i ? " " : "", a->set[i].knob->name,
			     a->set[i].value);
		if (n < 0 || (size_t)n >= size - len)
			return -E2BIG;
		len += n;
	}
	return 0;
}

int cmd_load(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	static struct load_args a;
	char file[PATH_MAX], version[64], params[1024];
	int ret, err;

	ret = cli_parse_args(&load_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "load a kernel module");
	if (ret)
		return ret;
	if (!dsamig_module_version(version, sizeof(version))) {
		if (strcmp(version, DSAMIG_VERSION)) {
			fprintf(stderr, "%s: dsamig.ko %s is loaded, this dsamig is %s; "
				"run 'dsamig unload' and load again\n", argv[0], version,
				DSAMIG_VERSION);
			return DSAMIG_EXIT_FAILURE;
		}
		return set_loaded(argv[0], version, &a);
	}
	if (load_params(&a, params, sizeof(params))) {
		fprintf(stderr, "%s: the parameters are too long for the module; set some "
			"with 'dsamig set' after loading\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	err = dsamig_module_locate(ctx, a.module, file, sizeof(file));
	if (err) {
		if (a.module)
			fprintf(stderr, "%s: %s: %s; check the path\n", argv[0], a.module,
				strerror(-err));
		else
			fprintf(stderr, "%s: no dsamig.ko installed or built; run 'make' or "
				"pass --module PATH\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	}
	err = dsamig_module_file_version(ctx, file, version, sizeof(version));
	if (err) {
		fprintf(stderr, "%s: %s: not a dsamig module (%s); check the path\n", argv[0],
			file, strerror(-err));
		return DSAMIG_EXIT_FAILURE;
	}
	if (strcmp(version, DSAMIG_VERSION)) {
		fprintf(stderr, "%s: %s is version %s, this dsamig is %s; install matching "
			"versions\n", argv[0], file, version, DSAMIG_VERSION);
		return DSAMIG_EXIT_FAILURE;
	}
	err = dsamig_module_load(ctx, file, params);
	switch (err) {
	case 0:
		printf("loaded dsamig.ko %s from %s%s%s\n", version, file,
		       params[0] ? " with " : "", params);
		return DSAMIG_EXIT_OK;
	case -EEXIST:
		printf("dsamig.ko is already loaded; nothing to do\n");
		return DSAMIG_EXIT_OK;
	case -ENODEV:
		fprintf(stderr, "%s: no DSA DMA channel for backend %s; run 'dsamig setup' first, "
			"or use --backend mt\n", argv[0], a.backend ? a.backend : "dsa");
		return DSAMIG_EXIT_FAILURE;
	case -ENOEXEC:
		fprintf(stderr, "%s: %s was not built for this kernel; rebuild it against the "
			"running kernel's headers\n", argv[0], file);
		return DSAMIG_EXIT_FAILURE;
	default:
		fprintf(stderr, "%s: %s: %s; see dmesg\n", argv[0], file, strerror(-err));
		return DSAMIG_EXIT_FAILURE;
	}
}

static error_t unload_parser(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_ARG)
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

static const struct argp unload_argp = {
	.parser = unload_parser,
	.doc = "Remove dsamig.ko: migrations copy on the CPU again. Does nothing if it "
	       "is not loaded.",
};

int cmd_unload(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	int ret, err;

	ret = cli_parse_args(&unload_argp, argc, argv, 0, NULL);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "unload a kernel module");
	if (ret)
		return ret;
	err = dsamig_module_unload(ctx);
	switch (err) {
	case 0:
		printf("unloaded dsamig.ko\n");
		return DSAMIG_EXIT_OK;
	case -ENOENT:
		printf("dsamig.ko is not loaded; nothing to do\n");
		return DSAMIG_EXIT_OK;
	case -EBUSY:
		fprintf(stderr, "%s: dsamig.ko is in use; retry when it is free\n", argv[0]);
		return DSAMIG_EXIT_FAILURE;
	default:
		fprintf(stderr, "%s: cannot remove dsamig.ko: %s; see dmesg\n", argv[0],
			strerror(-err));
		return DSAMIG_EXIT_FAILURE;
	}
}
