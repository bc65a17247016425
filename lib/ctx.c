// SPDX-License-Identifier: GPL-2.0
/*
 * The library context (ctx.h): roots, the error channel, libkmod.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "sysfile.h"

struct dsamig_ctx {
	char *root;
	char *state_dir;
	char *name;
	FILE *err;
	struct kmod_ctx *kmod;
};

static int replace(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

int dsamig_ctx_new(struct dsamig_ctx **out)
{
	struct dsamig_ctx *ctx = calloc(1, sizeof(*ctx));
	int err;

	*out = NULL;
	if (!ctx)
		return -ENOMEM;
	err = replace(&ctx->root, "");
	if (err)
		goto fail;
	err = replace(&ctx->state_dir, DSAMIG_STATE_DIR);
	if (err)
		goto fail;
	err = replace(&ctx->name, "dsamig");
	if (err)
		goto fail;
	*out = ctx;
	return 0;

fail:
	dsamig_ctx_free(ctx);
	return err;
}

void dsamig_ctx_free(struct dsamig_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->kmod)
		kmod_unref(ctx->kmod);
	free(ctx->root);
	free(ctx->state_dir);
	free(ctx->name);
	free(ctx);
}

int dsamig_ctx_set_root(struct dsamig_ctx *ctx, const char *root)
{
	return replace(&ctx->root, root);
}

const char *dsamig_ctx_root(const struct dsamig_ctx *ctx)
{
	return ctx->root;
}

int dsamig_ctx_set_state_dir(struct dsamig_ctx *ctx, const char *dir)
{
	return replace(&ctx->state_dir, dir);
}

const char *dsamig_ctx_state_dir(const struct dsamig_ctx *ctx)
{
	return ctx->state_dir;
}

int dsamig_ctx_path(const struct dsamig_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(ctx->root);
	va_list ap;
	int n;

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, ctx->root, len);
	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size - len ? -ENAMETOOLONG : 0;
}

int dsamig_ctx_set_name(struct dsamig_ctx *ctx, const char *name)
{
	return replace(&ctx->name, name);
}

const char *dsamig_ctx_name(const struct dsamig_ctx *ctx)
{
	return ctx->name;
}

void dsamig_ctx_set_err(struct dsamig_ctx *ctx, FILE *f)
{
	ctx->err = f;
}

void dsamig_err(const struct dsamig_ctx *ctx, const char *fmt, ...)
{
	FILE *f = ctx->err ? ctx->err : stderr;
	va_list ap;

	fprintf(f, "%s: ", ctx->name);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

struct kmod_ctx *dsamig_ctx_kmod(struct dsamig_ctx *ctx)
{
	if (!ctx->kmod)
		ctx->kmod = kmod_new(NULL, NULL);
	return ctx->kmod;
}
