/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A set of NUMA node ids, sized for the largest kernel configuration
 * (CONFIG_NODES_SHIFT=10, as Debian builds it) so that no machine's node
 * numbering is refused for being too big.
 */
#ifndef DSAMIG_NODEMASK_H
#define DSAMIG_NODEMASK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define DSAMIG_MAX_NODES 1024
#define DSAMIG_NODEMASK_WORDS (DSAMIG_MAX_NODES / 64)

struct dsamig_nodemask {
	uint64_t bits[DSAMIG_NODEMASK_WORDS];
};

static inline void dsamig_nodemask_zero(struct dsamig_nodemask *mask)
{
	memset(mask, 0, sizeof(*mask));
}

static inline void dsamig_nodemask_set(struct dsamig_nodemask *mask, unsigned int node)
{
	if (node < DSAMIG_MAX_NODES)
		mask->bits[node / 64] |= UINT64_C(1) << (node % 64);
}

static inline bool dsamig_nodemask_test(const struct dsamig_nodemask *mask, unsigned int node)
{
	if (node >= DSAMIG_MAX_NODES)
		return false;
	return mask->bits[node / 64] & (UINT64_C(1) << (node % 64));
}

static inline unsigned int dsamig_nodemask_weight(const struct dsamig_nodemask *mask)
{
	unsigned int i, n = 0;

	for (i = 0; i < DSAMIG_NODEMASK_WORDS; i++)
		n += (unsigned int)__builtin_popcountll(mask->bits[i]);
	return n;
}

#endif /* DSAMIG_NODEMASK_H */
