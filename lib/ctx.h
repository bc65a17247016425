/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library context: made once by main() and handed to every verb and
 * every library call that reaches the kernel. It holds where the kernel's
 * files are (a root prefix, "" for the running system, and dsamig's state
 * directory), the one channel for error lines ("dsamig <verb>: ..."), and
 * the libkmod handle.
 *
 * No libaccel-config handle: an accfg_ctx is a snapshot of the idxd sysfs
 * taken when it is made, so each setup transaction opens its own.
 */
#ifndef DSAMIG_CTX_H
#define DSAMIG_CTX_H

#include <stddef.h>
#include <stdio.h>

struct dsamig_ctx;
struct kmod_ctx;

/* 0, or -ENOMEM. Root "", state directory DSAMIG_STATE_DIR, errors to stderr. */
int dsamig_ctx_new(struct dsamig_ctx **out);
void dsamig_ctx_free(struct dsamig_ctx *ctx);

/* Where paths like "/sys/..." are looked up ("" = this system): for tests. */
int dsamig_ctx_set_root(struct dsamig_ctx *ctx, const char *root);
const char *dsamig_ctx_root(const struct dsamig_ctx *ctx);
int dsamig_ctx_set_state_dir(struct dsamig_ctx *ctx, const char *dir);
const char *dsamig_ctx_state_dir(const struct dsamig_ctx *ctx);

/*
 * @fmt ("/sys/devices/system/node/node%u") under the root, into @buf:
 * 0, or -ENAMETOOLONG.
 */
int dsamig_ctx_path(const struct dsamig_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The name error lines start with: "dsamig", then "dsamig <verb>". */
int dsamig_ctx_set_name(struct dsamig_ctx *ctx, const char *name);
const char *dsamig_ctx_name(const struct dsamig_ctx *ctx);

/* Where error lines go (stderr unless set; tests take them in a memstream). */
void dsamig_ctx_set_err(struct dsamig_ctx *ctx, FILE *f);

/* One line "<name>: <message>\n" on the error channel. */
void dsamig_err(const struct dsamig_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The libkmod handle, made on first use; NULL when out of memory. */
struct kmod_ctx *dsamig_ctx_kmod(struct dsamig_ctx *ctx);

#endif /* DSAMIG_CTX_H */
