// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig set KEY=VALUE... and dsamig get [KEY...]: the run-time knobs of
 * dsamig.ko. Every value is checked against DSAMIG_KNOBS before the first
 * write; if the module refuses one, those already written are put back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "knobs.h"
#include "module.h"

#define MAX_SETS 32
#define VALUE_MAX 256

struct set_args {
	const struct dsamig_knob *knob[MAX_SETS];
	const char *value[MAX_SETS];
	unsigned int n;
};

static const char *kind_hint(const struct dsamig_knob *k, char *buf, size_t size)
{
	size_t i, len = 0;

	switch (k->kind) {
	case DSAMIG_KNOB_UINT:
		snprintf(buf, size, "a whole number from %lu to %lu", k->min, k->max);
		break;
	case DSAMIG_KNOB_ENUM:
	case DSAMIG_KNOB_LIST:
		len = snprintf(buf, size, "%s", k->kind == DSAMIG_KNOB_LIST ?
			       "all, none or a comma-separated list of: " : "one of: ");
		for (i = 0; i < k->nr_names && len < size; i++)
			len += snprintf(buf + len, size - len, "%s%s", i ? " " : "", k->names[i]);
		break;
	case DSAMIG_KNOB_STRING:
		snprintf(buf, size, "dsa, any or comma-separated channel names");
		break;
	}
	return buf;
}

static error_t set_parser(int key, char *arg, struct argp_state *state)
{
	struct set_args *a = state->input;
	const struct dsamig_knob *k;
	char hint[256], *eq;

	switch (key) {
	case ARGP_KEY_ARG:
		eq = strchr(arg, '=');
		if (!eq)
			return cli_usage_error(state, "'%s' is not KEY=VALUE", arg);
		*eq = '\0';
		k = dsamig_knob_find(arg);
		if (!k)
			return cli_usage_error(state, "no knob '%s'", arg);
		if (dsamig_knob_validate(k, eq + 1))
			return cli_usage_error(state, "bad %s '%s': want %s", arg, eq + 1,
					       kind_hint(k, hint, sizeof(hint)));
		if (a->n == MAX_SETS)
			return cli_usage_error(state, "too many knobs at once");
		a->knob[a->n] = k;
		a->value[a->n++] = eq + 1;
		return 0;
	case ARGP_KEY_NO_ARGS:
		return cli_usage_error(state, "no KEY=VALUE to set");
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp set_argp = {
	.parser = set_parser,
	.args_doc = "KEY=VALUE...",
	.doc = "Set knobs of the loaded dsamig.ko. Every value is checked first; "
	       "if one is refused, nothing changes. 'dsamig get' lists the knobs.",
};

static int not_loaded(const char *name)
{
	fprintf(stderr, "%s: dsamig.ko is not loaded; run 'dsamig load' first\n", name);
	return DSAMIG_EXIT_FAILURE;
}

int cmd_set(int argc, char *argv[])
{
	static char old[MAX_SETS][VALUE_MAX];
	struct set_args a = { 0 };
	unsigned int i, j;
	int ret, err;

	ret = cli_parse_args(&set_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "change dsamig.ko's knobs");
	if (ret)
		return ret;
	if (!dsamig_module_loaded())
		return not_loaded(argv[0]);
	for (i = 0; i < a.n; i++) {
		err = dsamig_module_knob_read(a.knob[i]->name, old[i], VALUE_MAX);
		if (err) {
			fprintf(stderr, "%s: cannot read %s: %s\n", argv[0], a.knob[i]->name,
				strerror(-err));
			return DSAMIG_EXIT_FAILURE;
		}
	}
	for (i = 0; i < a.n; i++) {
		err = dsamig_module_knob_write(a.knob[i]->name, a.value[i]);
		if (!err)
			continue;
		fprintf(stderr, "%s: %s=%s refused: %s; %s\n", argv[0], a.knob[i]->name,
			a.value[i], strerror(-err),
			err == -ENODEV ? "run 'dsamig setup' first, or use backend=mt" :
			"nothing was changed (see dmesg)");
		for (j = i; j-- > 0;)
			dsamig_module_knob_write(a.knob[j]->name, old[j]);
		return DSAMIG_EXIT_FAILURE;
	}
	for (i = 0; i < a.n; i++)
		printf("%s=%s\n", a.knob[i]->name, a.value[i]);
	return DSAMIG_EXIT_OK;
}

struct get_args {
	const struct dsamig_knob *knob[MAX_SETS];
	unsigned int n;
};

static error_t get_parser(int key, char *arg, struct argp_state *state)
{
	struct get_args *a = state->input;
	const struct dsamig_knob *k;

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	k = dsamig_knob_find(arg);
	if (!k)
		return cli_usage_error(state, "no knob '%s'", arg);
	if (a->n == MAX_SETS)
		return cli_usage_error(state, "too many knobs at once");
	a->knob[a->n++] = k;
	return 0;
}

static const struct argp get_argp = {
	.parser = get_parser,
	.args_doc = "[KEY...]",
	.doc = "Print knobs of the loaded dsamig.ko as KEY=VALUE lines: the KEYs given, "
	       "or all of them.",
};

int cmd_get(int argc, char *argv[])
{
	struct get_args a = { 0 };
	char value[VALUE_MAX];
	unsigned int i;
	int ret, err;

	ret = cli_parse_args(&get_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	if (!a.n)
		for (; a.n < dsamig_nr_knobs && a.n < MAX_SETS; a.n++)
			a.knob[a.n] = &dsamig_knob_table[a.n];
	if (!dsamig_module_loaded())
		return not_loaded(argv[0]);
	for (i = 0; i < a.n; i++) {
		err = dsamig_module_knob_read(a.knob[i]->name, value, sizeof(value));
		if (err) {
			fprintf(stderr, "%s: cannot read %s: %s\n", argv[0], a.knob[i]->name,
				strerror(-err));
			return DSAMIG_EXIT_FAILURE;
		}
		printf("%s=%s\n", a.knob[i]->name, value);
	}
	return DSAMIG_EXIT_OK;
}
