// SPDX-License-Identifier: GPL-2.0
/*
 * The knob table, expanded from DSAMIG_KNOBS so that names, kinds, ranges
 * and defaults are never retyped, and the validators matching
 * kmod/dsamig/knobs.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dsamig.h"
#include "knobs.h"
#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Each name is its own array, so that an ENUM knob's default (a suffix
 * such as DSA, see DSAMIG_KNOBS) names it as a constant: backend_name_DSA.
 */
#define BACKEND_NAME(e, s)	static const char backend_name_##e[] = s;
#define WAIT_NAME(e, s)		static const char wait_name_##e[] = s;
#define REASON_NAME(e, s)	static const char reasons_name_##e[] = s;
DSAMIG_BACKENDS(BACKEND_NAME)
DSAMIG_WAITS(WAIT_NAME)
DSAMIG_REASONS(REASON_NAME)

#define BACKEND_PTR(e, s)	backend_name_##e,
#define WAIT_PTR(e, s)		wait_name_##e,
#define REASON_PTR(e, s)	reasons_name_##e,
static const char *const backend_names[] = { DSAMIG_BACKENDS(BACKEND_PTR) };
static const char *const wait_names[] = { DSAMIG_WAITS(WAIT_PTR) };
static const char *const reasons_names[] = { DSAMIG_REASONS(REASON_PTR) };

/* ENUM and LIST knobs take the names of the list named after them. */
#define KNOB_NAMES_UINT(n)	NULL
#define KNOB_NAMES_STRING(n)	NULL
#define KNOB_NAMES_ENUM(n)	n##_names
#define KNOB_NAMES_LIST(n)	n##_names
#define KNOB_NR_UINT(n)		0
#define KNOB_NR_STRING(n)	0
#define KNOB_NR_ENUM(n)		ARRAY_SIZE(n##_names)
#define KNOB_NR_LIST(n)		ARRAY_SIZE(n##_names)

/* The default's text, from the header's default column (DSAMIG_KNOBS). */
#define KNOB_DEF_UINT(n, d)	#d
#define KNOB_DEF_ENUM(n, d)	n##_name_##d
#define KNOB_DEF_LIST(n, d)	KNOB_DEF_LIST_##d
#define KNOB_DEF_LIST_ALL	"all"
#define KNOB_DEF_LIST_NONE	"none"
#define KNOB_DEF_STRING(n, d)	d

#define KNOB_ENTRY(n, k, lo, hi, dflt, hlp) {				\
	.name = #n, .kind = DSAMIG_KNOB_##k, .min = lo, .max = hi,	\
	.def = KNOB_DEF_##k(n, dflt), .help = hlp,			\
	.names = KNOB_NAMES_##k(n), .nr_names = KNOB_NR_##k(n) },

const struct dsamig_knob dsamig_knob_table[] = { DSAMIG_KNOBS(KNOB_ENTRY) };
const size_t dsamig_nr_knobs = ARRAY_SIZE(dsamig_knob_table);

_Static_assert(ARRAY_SIZE(reasons_names) == DSAMIG_NR_REASONS, "reason names");

/* A UINT default outside its range does not build (the module checks too). */
#define KNOB_CHECK_UINT(n, lo, hi, d)	\
	_Static_assert((d) >= (lo) && (d) <= (hi), #n " default " #d " in [" #lo ", " #hi "]");
#define KNOB_CHECK_ENUM(n, lo, hi, d)
#define KNOB_CHECK_LIST(n, lo, hi, d)
#define KNOB_CHECK_STRING(n, lo, hi, d)
#define KNOB_CHECK(n, k, lo, hi, d, h)	KNOB_CHECK_##k(n, lo, hi, d)
DSAMIG_KNOBS(KNOB_CHECK)

const struct dsamig_knob *dsamig_knob_find(const char *name)
{
	size_t i;

	for (i = 0; i < dsamig_nr_knobs; i++)
		if (!strcmp(dsamig_knob_table[i].name, name))
			return &dsamig_knob_table[i];
	return NULL;
}

static int find_name(const struct dsamig_knob *k, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < k->nr_names; i++)
		if (strlen(k->names[i]) == len && !strncmp(k->names[i], s, len))
			return 0;
	return -EINVAL;
}

/* Comma-separated non-empty items, each checked by @item. */
static int check_list(const struct dsamig_knob *k, const char *v,
		      int (*item)(const struct dsamig_knob *k, const char *s, size_t len))
{
	const char *p = v, *c;

	if (!*v)
		return -EINVAL;
	for (;;) {
		c = strchr(p, ',');
		if ((c ? (size_t)(c - p) : strlen(p)) == 0)
			return -EINVAL;
		if (item(k, p, c ? (size_t)(c - p) : strlen(p)))
			return -EINVAL;
		if (!c)
			return 0;
		p = c + 1;
	}
}

static int channel_name(const struct dsamig_knob *k, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return -EINVAL;
	return 0;
}

int dsamig_knob_validate(const struct dsamig_knob *k, const char *v)
{
	uint64_t n;
	int err;

	switch (k->kind) {
	case DSAMIG_KNOB_UINT:
		err = dsamig_parse_uint(v, 0, UINT64_MAX, &n);
		if (err)
			return err;
		return n < k->min || n > k->max ? -ERANGE : 0;
	case DSAMIG_KNOB_ENUM:
		return find_name(k, v, strlen(v));
	case DSAMIG_KNOB_LIST:
		if (!strcmp(v, "all") || !strcmp(v, "none"))
			return 0;
		/* The module parses the list in a 256-byte buffer. */
		if (strlen(v) >= 256)
			return -EINVAL;
		return check_list(k, v, find_name);
	case DSAMIG_KNOB_STRING:
		/* The module keeps dma_match in 128 bytes. */
		if (strlen(v) >= 128)
			return -EINVAL;
		return check_list(k, v, channel_name);
	}
	return -EINVAL;
}

const char *dsamig_knob_describe(const struct dsamig_knob *k, char *buf, size_t size)
{
	size_t i, len;

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

int dsamig_knob_set_add(struct dsamig_knob_set *sets, unsigned int *n, unsigned int max,
			const char *name, const char *value, char *msg, size_t size)
{
	const struct dsamig_knob *k = dsamig_knob_find(name);
	char want[256];
	unsigned int i;

	if (!k) {
		snprintf(msg, size, "no knob '%s'", name);
		return -EINVAL;
	}
	if (dsamig_knob_validate(k, value)) {
		snprintf(msg, size, "bad %s '%s': want %s", name, value,
			 dsamig_knob_describe(k, want, sizeof(want)));
		return -EINVAL;
	}
	/* Two values for one knob: which one was meant is a guess, so neither. */
	for (i = 0; i < *n; i++)
		if (sets[i].knob == k) {
			snprintf(msg, size, "%s given twice", name);
			return -EINVAL;
		}
	if (*n >= max) {
		snprintf(msg, size, "too many knobs at once");
		return -EINVAL;
	}
	sets[*n].knob = k;
	sets[*n].value = value;
	sets[*n].old[0] = '\0';
	(*n)++;
	return 0;
}
