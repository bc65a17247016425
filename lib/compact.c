// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction on demand: /sys/devices/system/node/nodeN/compact and the
 * /proc/vmstat counters around it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compact.h"
#include "parse.h"
#include "sysfile.h"

#define NODE_DIR "/sys/devices/system/node"

static const char *const vmstat_names[DSAMIG_NR_VMSTAT] = {
#define X(name) #name,
	DSAMIG_VMSTAT_COUNTERS(X)
#undef X
};

const char *dsamig_vmstat_name(enum dsamig_vmstat_item item)
{
	return item < DSAMIG_NR_VMSTAT ? vmstat_names[item] : NULL;
}

int dsamig_vmstat_parse(const char *text, struct dsamig_vmstat *out)
{
	const char *line;

	memset(out, 0, sizeof(*out));
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long long v;
		char name[64];
		unsigned int i;

		if (*line == '\n')
			continue;
		if (sscanf(line, "%63s %llu", name, &v) != 2)
			return -EINVAL;
		for (i = 0; i < DSAMIG_NR_VMSTAT; i++)
			if (!strcmp(name, vmstat_names[i]))
				out->v[i] = v;
	}
	return 0;
}

int dsamig_vmstat_read(struct dsamig_vmstat *out)
{
	char *text = dsamig_slurp("/proc/vmstat");
	int err;

	if (!text)
		return -errno;
	err = dsamig_vmstat_parse(text, out);
	free(text);
	return err;
}

void dsamig_vmstat_delta(const struct dsamig_vmstat *now, const struct dsamig_vmstat *then,
			 struct dsamig_vmstat *out)
{
	unsigned int i;

	for (i = 0; i < DSAMIG_NR_VMSTAT; i++)
		out->v[i] = now->v[i] - then->v[i];
}

int dsamig_nodes_parse(const char *text, struct dsamig_nodemask *mask)
{
	char buf[4096];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", text);
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	if (!len) {
		dsamig_nodemask_zero(mask);
		return 0;
	}
	return dsamig_parse_nodelist(buf, DSAMIG_MAX_NODES, mask);
}

int dsamig_nodes_with_memory(struct dsamig_nodemask *mask)
{
	char *text = dsamig_slurp(NODE_DIR "/has_memory");
	int err;

	if (!text)
		return -errno;
	err = dsamig_nodes_parse(text, mask);
	free(text);
	return err;
}

int dsamig_compact_node(unsigned int node)
{
	char path[96];
	int fd, err = 0;

	snprintf(path, sizeof(path), NODE_DIR "/node%u/compact", node);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}
