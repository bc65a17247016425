// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig.ko through libkmod and sysfs: /sys/module/dsamig for its state,
 * version and knobs, /sys/kernel/dsamig for its counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ctx.h"
#include "dsamig.h"
#include "knobs.h"
#include "module.h"
#include "parse.h"
#include "sysfile.h"

#define SYS_MODULE "/sys/module/" DSAMIG_MODULE

bool dsamig_module_loaded(void)
{
	return access(SYS_MODULE, F_OK) == 0;
}

int dsamig_module_version(char *buf, size_t size)
{
	if (!dsamig_module_loaded())
		return -ENOENT;
	return dsamig_read_line(SYS_MODULE "/version", buf, size);
}

static int copy_path(char *buf, size_t size, const char *path)
{
	if (snprintf(buf, size, "%s", path) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* The installed module by name, as modprobe finds it in modules.dep. */
static int installed_path(struct dsamig_ctx *dctx, char *buf, size_t size)
{
	struct kmod_ctx *ctx = dsamig_ctx_kmod(dctx);
	struct kmod_list *list = NULL;
	const char *path;
	int err = -ENOENT;

	if (!ctx)
		return -ENOMEM;
	if (!kmod_module_new_from_lookup(ctx, DSAMIG_MODULE, &list) && list) {
		path = kmod_module_get_path(kmod_module_get_module(list));
		if (path && !access(path, R_OK))
			err = copy_path(buf, size, path);
		kmod_module_unref_list(list);
	}
	return err;
}

int dsamig_module_locate(struct dsamig_ctx *dctx, const char *path, char *buf, size_t size)
{
	char exe[PATH_MAX], tree[PATH_MAX + 128];
	struct utsname u;
	const char *dir;
	ssize_t n;

	if (path)
		return access(path, R_OK) ? -errno : copy_path(buf, size, path);
	if (!installed_path(dctx, buf, size))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -ENOENT;
	exe[n] = '\0';
	/*
	 * build/dsamig: the build tree's module for the running kernel is
	 * build/kmod/RELEASE/dsamig.ko; one built in place with KDIR= is
	 * ../kmod/dsamig/dsamig.ko.
	 */
	if (uname(&u))
		return -errno;
	dir = dirname(exe);
	snprintf(tree, sizeof(tree), "%s/kmod/%s/" DSAMIG_MODULE ".ko", dir, u.release);
	if (access(tree, R_OK))
		snprintf(tree, sizeof(tree), "%s/../kmod/dsamig/" DSAMIG_MODULE ".ko", dir);
	if (access(tree, R_OK))
		return -ENOENT;
	if (!realpath(tree, exe))
		return -errno;
	return copy_path(buf, size, exe);
}

int dsamig_module_file_version(struct dsamig_ctx *dctx, const char *file, char *buf,
			       size_t size)
{
	struct kmod_ctx *ctx = dsamig_ctx_kmod(dctx);
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod = NULL;
	int err;

	if (!ctx)
		return -ENOMEM;
	err = kmod_module_new_from_path(ctx, file, &mod);
	if (err)
		goto out;
	err = kmod_module_get_info(mod, &info);
	if (err < 0)
		goto out;
	err = -ENODATA;
	kmod_list_foreach(l, info) {
		if (!strcmp(kmod_module_info_get_key(l), "version")) {
			err = copy_path(buf, size, kmod_module_info_get_value(l));
			break;
		}
	}
	kmod_module_info_free_list(info);
out:
	if (mod)
		kmod_module_unref(mod);
	return err;
}

int dsamig_module_load(struct dsamig_ctx *dctx, const char *file, const char *params)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	int err;

	if (dsamig_module_loaded())
		return -EEXIST;
	ctx = dsamig_ctx_kmod(dctx);
	if (!ctx)
		return -ENOMEM;
	err = kmod_module_new_from_path(ctx, file, &mod);
	if (!err)
		err = kmod_module_insert_module(mod, 0, params ? params : "");
	if (mod)
		kmod_module_unref(mod);
	return err;
}

int dsamig_module_unload(struct dsamig_ctx *dctx)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	int err;

	if (!dsamig_module_loaded())
		return -ENOENT;
	ctx = dsamig_ctx_kmod(dctx);
	if (!ctx)
		return -ENOMEM;
	err = kmod_module_new_from_name(ctx, DSAMIG_MODULE, &mod);
	if (!err)
		err = kmod_module_remove_module(mod, 0);
	if (mod)
		kmod_module_unref(mod);
	return err;
}

int dsamig_module_knob_read(const char *name, char *buf, size_t size)
{
	char path[256];

	if (!dsamig_module_loaded())
		return -ENOENT;
	snprintf(path, sizeof(path), DSAMIG_PARAMS_DIR "/%s", name);
	return dsamig_read_line(path, buf, size);
}

int dsamig_module_knob_write(const char *name, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), DSAMIG_PARAMS_DIR "/%s", name);
	return dsamig_write_str(path, value);
}

int dsamig_module_knobs_apply(struct dsamig_knob_set *sets, unsigned int n,
			      unsigned int *failed, bool *reading)
{
	unsigned int i, j;
	int err;

	*reading = true;
	for (i = 0; i < n; i++) {
		err = dsamig_module_knob_read(sets[i].knob->name, sets[i].old,
					      sizeof(sets[i].old));
		if (err)
			goto fail;
	}
	*reading = false;
	for (i = 0; i < n; i++) {
		err = dsamig_module_knob_write(sets[i].knob->name, sets[i].value);
		if (err)
			goto restore;
	}
	return 0;

restore:
	for (j = i; j-- > 0;)
		dsamig_module_knob_write(sets[j].knob->name, sets[j].old);
fail:
	*failed = i;
	return err;
}

int dsamig_counter_read(const char *path, uint64_t *value)
{
	char file[256], buf[32];
	int err;

	snprintf(file, sizeof(file), DSAMIG_COUNTERS_DIR "/%s", path);
	err = dsamig_read_line(file, buf, sizeof(buf));
	if (err)
		return err;
	return dsamig_parse_uint(buf, 0, UINT64_MAX, value);
}
