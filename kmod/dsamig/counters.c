// SPDX-License-Identifier: GPL-2.0
/*
 * Counters under /sys/kernel/dsamig/, one value per file:
 *   <backend>/{runs,pages,bytes}   what each backend copied in runs
 *   reasons/<reason>/{runs,pages}  the same per migration reason
 *   fallbacks/<cause>              runs sent back to the CPU, by cause
 *   cpu_path_pages                 pages copied at the kernel's copy point
 *   skipped_copies                 kernel copies skipped: a run had done them
 *   errors                         copies that failed on the CPU as well
 *   channels                       DMA channels held now
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/slab.h>
#include "internal.h"

struct dsamig_counters dsamig_counters;

struct counter_attr {
	struct kobj_attribute attr;
	atomic64_t *value;
	unsigned int (*read)(void);
};

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct counter_attr *ca = container_of(attr, struct counter_attr, attr);

	if (ca->read)
		return sysfs_emit(buf, "%u\n", ca->read());
	return sysfs_emit(buf, "%lld\n", atomic64_read(ca->value));
}

static struct kobject *root;
/* Every directory and file, freed together. */
static struct kobject *dirs[DSAMIG_NR_BACKENDS + DSAMIG_NR_REASONS + 3];
static unsigned int nr_dirs;
static struct counter_attr *attrs;
static unsigned int nr_attrs, max_attrs;

static int add_file(struct kobject *dir, const char *name, atomic64_t *value,
		    unsigned int (*read)(void))
{
	struct counter_attr *ca;
	int err;

	if (nr_attrs == max_attrs)
		return -ENOSPC;
	ca = &attrs[nr_attrs];
	sysfs_attr_init(&ca->attr.attr);
	ca->attr.attr.name = name;
	ca->attr.attr.mode = 0444;
	ca->attr.show = counter_show;
	ca->value = value;
	ca->read = read;
	err = sysfs_create_file(dir, &ca->attr.attr);
	if (!err)
		nr_attrs++;
	return err;
}

static struct kobject *add_dir(const char *name, struct kobject *parent)
{
	struct kobject *k = kobject_create_and_add(name, parent);

	if (k)
		dirs[nr_dirs++] = k;
	return k;
}

#define DSAMIG_COUNTER_NAME(e, s) s,
static const char * const cause_names[] = { DSAMIG_CAUSES(DSAMIG_COUNTER_NAME) };
static const char * const keep_names[] = { DSAMIG_KEEPS(DSAMIG_COUNTER_NAME) };

int dsamig_counters_init(void)
{
	struct dsamig_counters *c = &dsamig_counters;
	struct kobject *dir, *reasons, *fallbacks, *kept;
	int i, err = -ENOMEM;

	max_attrs = 3 * DSAMIG_NR_BACKENDS + 2 * DSAMIG_NR_REASONS + DSAMIG_NR_CAUSES +
		    DSAMIG_NR_KEEPS + 5;
	attrs = kcalloc(max_attrs, sizeof(*attrs), GFP_KERNEL);
	root = kobject_create_and_add("dsamig", kernel_kobj);
	if (!attrs || !root)
		goto fail;
	for (i = 0; i < DSAMIG_NR_BACKENDS; i++) {
		dir = add_dir(dsamig_backend_names[i], root);
		if (!dir || add_file(dir, "runs", &c->runs[i], NULL) ||
		    add_file(dir, "pages", &c->pages[i], NULL) ||
		    add_file(dir, "bytes", &c->bytes[i], NULL))
			goto fail;
	}
	reasons = add_dir("reasons", root);
	if (!reasons)
		goto fail;
	for (i = 0; i < DSAMIG_NR_REASONS; i++) {
		dir = add_dir(dsamig_reason_names[i], reasons);
		if (!dir || add_file(dir, "runs", &c->reason_runs[i], NULL) ||
		    add_file(dir, "pages", &c->reason_pages[i], NULL))
			goto fail;
	}
	fallbacks = add_dir("fallbacks", root);
	if (!fallbacks)
		goto fail;
	for (i = 0; i < DSAMIG_NR_CAUSES; i++)
		if (add_file(fallbacks, cause_names[i], &c->fallbacks[i], NULL))
			goto fail;
	kept = add_dir("kept", root);
	if (!kept)
		goto fail;
	for (i = 0; i < DSAMIG_NR_KEEPS; i++)
		if (add_file(kept, keep_names[i], &c->kept_pages[i], NULL))
			goto fail;
	if (add_file(root, "cpu_path_pages", &c->cpu_path_pages, NULL) ||
	    add_file(root, "quarantined_pages", &c->quarantined_pages, NULL) ||
	    add_file(root, "skipped_copies", &c->skipped_copies, NULL) ||
	    add_file(root, "errors", &c->errors, NULL) ||
	    add_file(root, "channels", NULL, dsamig_dsa_nr_channels))
		goto fail;
	return 0;
fail:
	dsamig_counters_exit();
	return err;
}

void dsamig_counters_exit(void)
{
	/* Children before parents: directories were added parents first. */
	while (nr_dirs)
		kobject_put(dirs[--nr_dirs]);
	kobject_put(root);
	root = NULL;
	kfree(attrs);
	attrs = NULL;
	nr_attrs = 0;
}
