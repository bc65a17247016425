// SPDX-License-Identifier: GPL-2.0
/*
 * kcompactd's fragmentation score from /proc/buddyinfo (free blocks per
 * order and zone) and /proc/zoneinfo (present pages per zone).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frag.h"
#include "sysfile.h"

#define MAX_ORDERS	16
#define MAX_ZONES	1024
#define ZONE_NAME	16

struct zone_info {
	unsigned int node;
	char name[ZONE_NAME];
	uint64_t present;
	unsigned int extfrag;
	int has_free;
};

unsigned int dsamig_frag_extfrag(const uint64_t *nr_free, unsigned int nr_orders,
				 unsigned int order)
{
	uint64_t free = 0, suitable = 0;
	unsigned int k;

	for (k = 0; k < nr_orders; k++) {
		free += nr_free[k] << k;
		if (k >= order)
			suitable += nr_free[k] << (k - order);
	}
	return free ? (unsigned int)((free - (suitable << order)) * 100 / free) : 0;
}

static struct zone_info *zone_get(struct zone_info *z, unsigned int *n,
				  unsigned int node, const char *name)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (z[i].node == node && !strcmp(z[i].name, name))
			return &z[i];
	if (*n == MAX_ZONES)
		return NULL;
	z = &z[(*n)++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

/* "Node 0, zone   Normal   1 2 3 ..." */
static int parse_buddyinfo(const char *text, struct zone_info *z, unsigned int *n)
{
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		uint64_t nr_free[MAX_ORDERS] = { 0 };
		char name[ZONE_NAME];
		unsigned int node, orders = 0;
		struct zone_info *zi;
		const char *p;
		int used;

		if (sscanf(line, "Node %u, zone %15s%n", &node, name, &used) != 2)
			return -EINVAL;
		for (p = line + used; orders < MAX_ORDERS; orders++) {
			char *end;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p < '0' || *p > '9')
				break;
			nr_free[orders] = strtoull(p, &end, 10);
			p = end;
		}
		if (!orders)
			return -EINVAL;
		zi = zone_get(z, n, node, name);
		if (!zi)
			return -EINVAL;
		zi->extfrag = dsamig_frag_extfrag(nr_free, orders, DSAMIG_FRAG_ORDER);
		zi->has_free = 1;
	}
	return 0;
}

/* "Node 0, zone   Normal" heads a zone; its "        present  N" follows. */
static int parse_zoneinfo(const char *text, struct zone_info *z, unsigned int *n)
{
	struct zone_info *cur = NULL;
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char name[ZONE_NAME];
		unsigned long long v;
		unsigned int node;

		if (sscanf(line, "Node %u, zone %15s", &node, name) == 2) {
			cur = zone_get(z, n, node, name);
			if (!cur)
				return -EINVAL;
		} else if (cur && sscanf(line, " present %llu", &v) == 1) {
			cur->present = v;
		}
	}
	return cur ? 0 : -EINVAL;
}

int dsamig_frag_scores(const char *buddyinfo, const char *zoneinfo,
		       int *score, unsigned int max_nodes)
{
	struct zone_info *z;
	unsigned int nz = 0, i, nodes = 0, node;
	int err;

	z = calloc(MAX_ZONES, sizeof(*z));
	if (!z)
		return -ENOMEM;
	err = parse_zoneinfo(zoneinfo, z, &nz);
	if (!err)
		err = parse_buddyinfo(buddyinfo, z, &nz);
	if (err)
		goto out;
	for (node = 0; node < max_nodes; node++)
		score[node] = -1;
	for (node = 0; node < max_nodes; node++) {
		uint64_t node_present = 0, sum = 0;
		int seen = 0;

		for (i = 0; i < nz; i++) {
			if (z[i].node != node)
				continue;
			node_present += z[i].present;
			seen = 1;
		}
		if (!seen)
			continue;
		/* fragmentation_score_zone_weighted(), over populated zones */
		for (i = 0; i < nz; i++)
			if (z[i].node == node && z[i].has_free)
				sum += z[i].present * z[i].extfrag / (node_present + 1);
		score[node] = (int)sum;
		nodes = node + 1;
	}
	err = (int)nodes;
out:
	free(z);
	return err;
}

int dsamig_frag_read(int *score, unsigned int max_nodes)
{
	char *buddy = dsamig_slurp("/proc/buddyinfo");
	char *zone = dsamig_slurp("/proc/zoneinfo");
	int err = -EIO;

	if (buddy && zone)
		err = dsamig_frag_scores(buddy, zone, score, max_nodes);
	free(buddy);
	free(zone);
	return err;
}
