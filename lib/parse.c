// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line value parsers. Digits are read by hand rather than with
 * strtoull(), which would accept leading blanks, a sign and "0x".
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC UINT64_C(1000000000)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Read the decimal digits at *@p into @val and advance *@p past all of them.
 * Returns -EINVAL when there is no digit, -ERANGE (with @val saturated to
 * UINT64_MAX) when the number does not fit: callers finish checking the
 * syntax first, so that "junk" wins over "too big" for text that is both.
 */
static int parse_digits(const char **p, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	bool overflow = false;

	if (!is_digit(*s))
		return -EINVAL;
	for (; is_digit(*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	*p = s;
	*val = overflow ? UINT64_MAX : v;
	return overflow ? -ERANGE : 0;
}

/* The power of 1024 a unit letter stands for, or 0 when it is none. */
static unsigned int size_shift(char unit)
{
	switch (unit) {
	case 'K':
	case 'k':
		return 10;
	case 'M':
	case 'm':
		return 20;
	case 'G':
	case 'g':
		return 30;
	case 'T':
	case 't':
		return 40;
	case 'P':
	case 'p':
		return 50;
	case 'E':
	case 'e':
		return 60;
	default:
		return 0;
	}
}

int dsamig_parse_size(const char *s, uint64_t *bytes)
{
	const char *p = s;
	unsigned int shift = 0;
	uint64_t v;
	int err;

	if (!s)
		return -EINVAL;
	err = parse_digits(&p, &v);
	if (err == -EINVAL)
		return err;
	if (*p && *p != 'B') {
		shift = size_shift(*p++);
		if (!shift)
			return -EINVAL;
		if (p[0] == 'i' && p[1] == 'B')
			p++;
	}
	if (*p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	if (err)
		return err;
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC },
	{ "h", 3600 * NSEC_PER_SEC },
};

int dsamig_parse_duration(const char *s, uint64_t *ns)
{
	const char *p = s, *frac = NULL, *frac_end = NULL;
	uint64_t whole, unit = NSEC_PER_SEC, total, scale, part;
	size_t i;
	int err;

	if (!s)
		return -EINVAL;
	err = parse_digits(&p, &whole);
	if (err == -EINVAL)
		return err;
	if (*p == '.') {
		frac = ++p;
		while (is_digit(*p))
			p++;
		if (p == frac)
			return -EINVAL;
		frac_end = p;
	}
	if (*p) {
		for (i = 0; i < ARRAY_SIZE(duration_units); i++)
			if (!strcmp(p, duration_units[i].name))
				break;
		if (i == ARRAY_SIZE(duration_units))
			return -EINVAL;
		unit = duration_units[i].ns;
	}
	if (err)
		return err;
	if (whole > UINT64_MAX / unit)
		return -ERANGE;
	total = whole * unit;

	/* Each fractional digit is worth a tenth of the previous one, in ns. */
	for (scale = unit; frac && frac < frac_end && scale; frac++) {
		scale /= 10;
		part = (uint64_t)(*frac - '0') * scale;
		if (total > UINT64_MAX - part)
			return -ERANGE;
		total += part;
	}
	*ns = total;
	return 0;
}

int dsamig_parse_nodelist(const char *s, unsigned int max_nodes,
			  struct dsamig_nodemask *mask)
{
	struct dsamig_nodemask m;
	const char *p = s;
	uint64_t first, last, n;
	int err, range_err = 0;

	if (!s || max_nodes == 0 || max_nodes > DSAMIG_MAX_NODES)
		return -EINVAL;
	dsamig_nodemask_zero(&m);
	for (;;) {
		err = parse_digits(&p, &first);
		if (err == -EINVAL)
			return err;
		last = first;
		if (*p == '-') {
			p++;
			err = parse_digits(&p, &last);
			if (err == -EINVAL)
				return err;
			if (last < first)
				return -EINVAL;
		}
		if (last >= max_nodes)
			range_err = -ERANGE;
		else
			for (n = first; n <= last; n++)
				dsamig_nodemask_set(&m, (unsigned int)n);
		if (*p != ',')
			break;
		p++;
	}
	if (*p)
		return -EINVAL;
	if (range_err)
		return range_err;
	*mask = m;
	return 0;
}

int dsamig_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *p = s;
	uint64_t v;
	int err;

	if (!s || min > max)
		return -EINVAL;
	err = parse_digits(&p, &v);
	if (err == -EINVAL)
		return err;
	if (*p)
		return -EINVAL;
	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
