/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run-time knobs of dsamig.ko as a table built from DSAMIG_KNOBS
 * (kmod/include/dsamig.h), and the checks a value must pass before it is
 * written: the same ones the module makes, so that a bad value is refused
 * before anything changes.
 */
#ifndef DSAMIG_KNOBS_H
#define DSAMIG_KNOBS_H

#include <stddef.h>

enum dsamig_knob_kind {
	DSAMIG_KNOB_UINT,	/* a whole number in [min, max] */
	DSAMIG_KNOB_ENUM,	/* one of names[] */
	DSAMIG_KNOB_LIST,	/* comma-separated names[], or all, or none */
	DSAMIG_KNOB_STRING,	/* dma_match: dsa, any, or channel names */
};

struct dsamig_knob {
	const char *name;
	enum dsamig_knob_kind kind;
	unsigned long min, max;
	const char *def;
	const char *help;
	const char *const *names;	/* ENUM and LIST */
	size_t nr_names;
};

extern const struct dsamig_knob dsamig_knob_table[];
extern const size_t dsamig_nr_knobs;

/* The knob called @name, or NULL. */
const struct dsamig_knob *dsamig_knob_find(const char *name);

/*
 * 0 if the module would accept @value for @k; -EINVAL if it is not a value
 * of this kind (or not one of the names), -ERANGE if it is a number outside
 * [min, max].
 */
int dsamig_knob_validate(const struct dsamig_knob *k, const char *value);

/* What @k accepts, in words: "a whole number from 1 to 65536", "one of: ...". */
const char *dsamig_knob_describe(const struct dsamig_knob *k, char *buf, size_t size);

#define DSAMIG_KNOB_VALUE_MAX	256

/* One KNOB=VALUE of a request, and the value it had before (filled on write). */
struct dsamig_knob_set {
	const struct dsamig_knob *knob;
	const char *value;
	char old[DSAMIG_KNOB_VALUE_MAX];
};

/*
 * Add @name=@value to the request @sets (*@n entries, room for @max): the
 * one check that dsamig set and dsamig load make. 0, or -EINVAL with the
 * reason in @msg: "no knob 'x'", "bad threshold '0': want a whole number
 * from 1 to 65536", "threshold given twice", "too many knobs at once".
 */
int dsamig_knob_set_add(struct dsamig_knob_set *sets, unsigned int *n, unsigned int max,
			const char *name, const char *value, char *msg, size_t size);

#endif /* DSAMIG_KNOBS_H */
