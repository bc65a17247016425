/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and writing the small text files of /proc and /sys: a whole file,
 * its first line, a number, and one write of a value (as `echo v > f`).
 */
#ifndef DSAMIG_SYSFILE_H
#define DSAMIG_SYSFILE_H

#include <stddef.h>
#include <stdint.h>

/* dsamig's state between runs: what setup saved, the kdamond promote runs. */
#define DSAMIG_STATE_DIR	"/run/dsamig"

/* The whole file, NUL-terminated, to free(); NULL with errno set. */
char *dsamig_slurp(const char *path);

/*
 * The first line of @path without its newline into @buf. 0, or a negative
 * errno (-ENOSPC when it does not fit).
 */
int dsamig_read_line(const char *path, char *buf, size_t size);

/* The file holds one number (decimal, or hex with 0x when @base is 16). */
int dsamig_read_u64(const char *path, int base, uint64_t *out);

/* Write @value in one write(); 0 or the negative errno the kernel gave. */
int dsamig_write_str(const char *path, const char *value);
int dsamig_write_u64(const char *path, uint64_t value);

#endif /* DSAMIG_SYSFILE_H */
