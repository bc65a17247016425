// SPDX-License-Identifier: GPL-2.0
/* Small /proc and /sys text files: see sysfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfile.h"

char *dsamig_slurp(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *bigger;
	ssize_t r;
	int fd, e;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (cap - len >= 2)
			continue;
		bigger = realloc(buf, cap * 2);
		if (!bigger) {
			errno = ENOMEM;
			r = -1;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	e = errno;
	close(fd);
	errno = e;
	if (r < 0)
		goto fail;
	buf[len] = '\0';
	return buf;
fail:
	e = errno;
	free(buf);
	errno = e;
	return NULL;
}

int dsamig_read_line(const char *path, char *buf, size_t size)
{
	ssize_t r;
	char *nl;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, size - 1);
	e = errno;
	close(fd);
	if (r < 0)
		return -e;
	buf[r] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	else if ((size_t)r == size - 1)
		return -ENOSPC;
	return 0;
}

int dsamig_read_u64(const char *path, int base, uint64_t *out)
{
	char buf[64], *end;
	unsigned long long v;
	int err;

	err = dsamig_read_line(path, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	v = strtoull(buf, &end, base);
	if (errno || end == buf || *end || buf[0] == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

int dsamig_write_str(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t w;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, value, len);
	e = errno;
	if (close(fd) && w >= 0) {
		w = -1;
		e = errno;
	}
	if (w < 0)
		return -e;
	return (size_t)w == len ? 0 : -EIO;
}

int dsamig_write_u64(const char *path, uint64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	return dsamig_write_str(path, buf);
}
