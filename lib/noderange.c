// SPDX-License-Identifier: GPL-2.0
/* A node's physical memory ranges: see noderange.h. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noderange.h"
#include "sysfile.h"

static int cmp_range(const void *a, const void *b)
{
	const struct dsamig_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort @r and merge the ranges that touch or overlap; returns the count. */
static unsigned int merge(struct dsamig_range *r, unsigned int n)
{
	unsigned int i, out = 0;

	if (!n)
		return 0;
	qsort(r, n, sizeof(*r), cmp_range);
	for (i = 1; i < n; i++) {
		if (r[i].start <= r[out].end) {
			if (r[i].end > r[out].end)
				r[out].end = r[i].end;
		} else {
			r[++out] = r[i];
		}
	}
	return out + 1;
}

int dsamig_iomem_ram(const char *text, struct dsamig_range *out, unsigned int max)
{
	unsigned int n = 0;
	bool any_line = false, any_address = false;
	const char *line = text;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		unsigned long long a, b;
		char name[64];
		int used;

		if (len && sscanf(line, " %llx-%llx : %n", &a, &b, &used) == 2 &&
		    (size_t)used <= len) {
			size_t nl = len - (size_t)used;

			any_line = true;
			if (a || b)
				any_address = true;
			if (nl < sizeof(name)) {
				memcpy(name, line + used, nl);
				name[nl] = '\0';
				if (!strcmp(name, "System RAM") && b >= a && (a || b)) {
					if (n == max)
						return -ENOSPC;
					out[n].start = a;
					out[n].end = b + 1;	/* iomem ends are inclusive */
					n++;
				}
			}
		} else if (len) {
			return -EINVAL;
		}
		line += len + (eol ? 1 : 0);
	}
	if (!any_line)
		return -EINVAL;
	if (!any_address)
		return -EPERM;
	return (int)merge(out, n);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The memory block ids of @node, sorted, into a malloc()ed array. */
static int node_blocks(const char *root, unsigned int node, uint64_t **ids)
{
	char path[PATH_MAX];
	size_t n = 0, cap = 64;
	struct dirent *de;
	uint64_t *v, *bigger;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/sys/devices/system/node/node%u", root, node);
	dir = opendir(path);
	if (!dir)
		return errno == ENOTDIR ? -ENOENT : -errno;
	v = malloc(cap * sizeof(*v));
	if (!v) {
		closedir(dir);
		return -ENOMEM;
	}
	while ((de = readdir(dir))) {
		char *end;
		unsigned long long id;

		if (strncmp(de->d_name, "memory", 6) || de->d_name[6] < '0' ||
		    de->d_name[6] > '9')
			continue;
		id = strtoull(de->d_name + 6, &end, 10);
		if (*end)
			continue;
		if (n == cap) {
			bigger = realloc(v, 2 * cap * sizeof(*v));
			if (!bigger) {
				free(v);
				closedir(dir);
				return -ENOMEM;
			}
			v = bigger;
			cap *= 2;
		}
		v[n++] = id;
	}
	closedir(dir);
	qsort(v, n, sizeof(*v), cmp_u64);
	*ids = v;
	return (int)n;
}

int dsamig_node_ranges(const char *root, unsigned int node, struct dsamig_range *out,
		       unsigned int max)
{
	struct dsamig_range ram[DSAMIG_MAX_RANGES * 4], span;
	char path[PATH_MAX], *iomem;
	uint64_t bs, *ids = NULL;
	int nr_ram, nr_ids, i, k, err;
	unsigned int n = 0;

	snprintf(path, sizeof(path), "%s/sys/devices/system/memory/block_size_bytes", root);
	err = dsamig_read_u64(path, 16, &bs);
	if (err == -ENOENT)
		return -ENOTSUP;
	if (err)
		return err;
	if (!bs)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/proc/iomem", root);
	iomem = dsamig_slurp(path);
	if (!iomem)
		return -errno;
	nr_ram = dsamig_iomem_ram(iomem, ram, sizeof(ram) / sizeof(ram[0]));
	free(iomem);
	if (nr_ram < 0)
		return nr_ram;
	nr_ids = node_blocks(root, node, &ids);
	if (nr_ids < 0)
		return nr_ids;
	if (!nr_ids) {
		free(ids);
		return -ENOENT;
	}
	/* runs of consecutive blocks, each intersected with every RAM range */
	for (i = 0; i < nr_ids; i = k) {
		for (k = i + 1; k < nr_ids && ids[k] == ids[k - 1] + 1; k++)
			;
		span.start = ids[i] * bs;
		span.end = (ids[k - 1] + 1) * bs;
		for (int r = 0; r < nr_ram; r++) {
			uint64_t s = ram[r].start > span.start ? ram[r].start : span.start;
			uint64_t e = ram[r].end < span.end ? ram[r].end : span.end;

			if (s >= e)
				continue;
			if (n == max) {
				free(ids);
				return -ENOSPC;
			}
			out[n].start = s;
			out[n].end = e;
			n++;
		}
	}
	free(ids);
	if (!n)
		return -ERANGE;
	return (int)merge(out, n);
}
