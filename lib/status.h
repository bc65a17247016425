/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything dsamig status reports, gathered once into a struct
 * dsamig_status: DSA devices, dsamig.ko (version, knobs, counters), what
 * the kernel supports, each missing piece with its remedy, and whether
 * migrations use dsamig.ko. The text of dsamig status and its --json
 * (dsamig_status_to_json(), keys in dsamig-status(8)) both read it.
 */
#ifndef DSAMIG_STATUS_H
#define DSAMIG_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "dsa.h"
#include "dsamig.h"
#include "dsamig_hooks.h"
#include "knobs.h"

struct dsamig_ctx;
struct json_object;

#define DSAMIG_STATUS_MAX_DEVS	16

/* A counter of dsamig.ko; !read when its file could not be read. */
struct dsamig_status_counter {
	bool read;
	uint64_t value;
};

struct dsamig_status_backend {
	struct dsamig_status_counter runs, pages, bytes;
};

/* One knob of dsamig.ko as read (without the newline); !read if it was not. */
struct dsamig_status_knob {
	const struct dsamig_knob *knob;
	bool read;
	char value[DSAMIG_KNOB_VALUE_MAX];
};

struct dsamig_status_module {
	bool loaded;
	bool has_version;			/* version was read */
	char version[64];
	size_t nr_knobs;			/* dsamig_nr_knobs, in its order */
	struct dsamig_status_knob *knobs;
	struct dsamig_status_counter channels, cpu_path_pages, skipped_copies, errors;
	struct dsamig_status_backend backend[DSAMIG_NR_BACKENDS];
	struct dsamig_status_counter fallbacks[DSAMIG_NR_CAUSES];
};

enum dsamig_tracefs_state {
	DSAMIG_TRACEFS_OK,
	DSAMIG_TRACEFS_NOT_READABLE,		/* mounted, only root may look in */
	DSAMIG_TRACEFS_NOT_MOUNTED,
};

struct dsamig_status_kernel {
	char release[65];			/* uname -r */
	const char *tested_series;		/* "6.12", "7.3", or NULL */
	bool hooks_armed;
	enum dsamig_tracefs_state tracefs;
	bool damon, damon_migrate_hot, iommu;
	bool hook_found[DSAMIG_NR_HOOKS];	/* DSAMIG_HOOKS named in kallsyms */
};

/* One missing piece: a stable id, what is wrong, and what to do. */
struct dsamig_status_problem {
	const char *id;				/* "no_dma_channel" ... */
	char *problem;
	char *remedy;
};

struct dsamig_status {
	int nr_devs;				/* -errno: the devices were unreadable */
	struct dsa_dev_desc *devs;
	unsigned int dma_channels;		/* DSA WQs with a dmaengine channel */
	struct dsamig_status_module module;
	struct dsamig_status_kernel kernel;
	size_t nr_problems;
	struct dsamig_status_problem *problems;
	bool ready;
	char readiness[160];			/* why (not) ready, in a sentence */
};

/* The hooked function @h's name, and whether dsamig.ko cannot load without it. */
const char *dsamig_hook_name(enum dsamig_hook h);
bool dsamig_hook_required(enum dsamig_hook h);

/*
 * Look at the system: 0 and a new *@out (dsamig_status_free() it), or
 * -ENOMEM. What cannot be read is a problem in it, not an error.
 */
int dsamig_status_gather(struct dsamig_ctx *ctx, struct dsamig_status **out);
void dsamig_status_free(struct dsamig_status *st);

/* @st as the object of dsamig status --json; NULL without memory. */
struct json_object *dsamig_status_to_json(const struct dsamig_status *st);

#endif /* DSAMIG_STATUS_H */
