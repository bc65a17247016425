// SPDX-License-Identifier: GPL-2.0
/*
 * struct dsamig_status as the json-c object of dsamig status --json (the
 * keys are documented in dsamig-status(8)). Knobs of kind UINT are numbers,
 * the others strings, as the module's parameter files hold them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "status.h"

#define STATUS_NAME(e, s) s,
static const char *const backend_names[] = { DSAMIG_BACKENDS(STATUS_NAME) };
static const char *const cause_names[] = { DSAMIG_CAUSES(STATUS_NAME) };

/* Adds @v (NULL: a JSON null) to @o; 0, or -ENOMEM with @v freed. */
static int add(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* Adds a new value; a NULL value means json-c had no memory for it. */
static int add_new(struct json_object *o, const char *key, struct json_object *v)
{
	return v ? add(o, key, v) : -ENOMEM;
}

static int add_str(struct json_object *o, const char *key, const char *val)
{
	return add_new(o, key, json_object_new_string(val));
}

static int add_str_or_null(struct json_object *o, const char *key, const char *val)
{
	return val && val[0] ? add_str(o, key, val) : add(o, key, NULL);
}

static int add_int(struct json_object *o, const char *key, int64_t val)
{
	return add_new(o, key, json_object_new_int64(val));
}

static int add_bool(struct json_object *o, const char *key, bool val)
{
	return add_new(o, key, json_object_new_boolean(val));
}

static int append(struct json_object *a, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_array_add(a, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int append_str(struct json_object *a, const char *val)
{
	return append(a, json_object_new_string(val));
}

/*
 * A new object or array, added to @o under @key (@key NULL: appended to the
 * array @o) before it is filled, so that freeing the whole frees it; NULL
 * without memory.
 */
static struct json_object *add_child(struct json_object *o, const char *key,
				     struct json_object *child)
{
	if (!child)
		return NULL;
	if (key ? add(o, key, child) : append(o, child))
		return NULL;
	return child;
}

static struct json_object *add_object(struct json_object *o, const char *key)
{
	return add_child(o, key, json_object_new_object());
}

static struct json_object *add_array(struct json_object *o, const char *key)
{
	return add_child(o, key, json_object_new_array());
}

/* An unread counter has no key. */
static int add_counter(struct json_object *o, const char *key,
		       const struct dsamig_status_counter *c)
{
	return c->read ? add_int(o, key, (int64_t)c->value) : 0;
}

static int wq_json(struct json_object *wqs, const struct dsa_wq_desc *w)
{
	struct json_object *o = add_object(wqs, NULL);

	if (!o || add_str(o, "name", w->dev) || add_int(o, "group", w->group) ||
	    add_str(o, "type", w->type) ||
	    add_str(o, "mode", w->shared ? "shared" : "dedicated") ||
	    add_int(o, "size", w->size) || add_int(o, "priority", w->priority) ||
	    add_str(o, "wq_name", w->name) || add_str(o, "driver", w->driver) ||
	    add_str(o, "state", w->state) || add_int(o, "clients", w->clients) ||
	    add_str_or_null(o, "dma_channel", w->channel))
		return -ENOMEM;
	return 0;
}

static int group_json(struct json_object *groups, const struct dsa_dev_desc *d, int g)
{
	struct json_object *o = add_object(groups, NULL), *eng, *wqs;
	char name[32];
	int i;

	snprintf(name, sizeof(name), "group%d.%d", d->id, g);
	if (!o || add_str(o, "name", name))
		return -ENOMEM;
	eng = add_array(o, "engines");
	if (!eng)
		return -ENOMEM;
	for (i = 0; i < d->nr_engines; i++)
		if (d->engine[i].group == g && append_str(eng, d->engine[i].dev))
			return -ENOMEM;
	wqs = add_array(o, "wqs");
	if (!wqs)
		return -ENOMEM;
	for (i = 0; i < d->nr_wqs; i++)
		if (d->wq[i].group == g && append_str(wqs, d->wq[i].dev))
			return -ENOMEM;
	return 0;
}

static int device_json(struct json_object *devs, const struct dsa_dev_desc *d)
{
	struct json_object *o = add_object(devs, NULL), *groups, *wqs;
	int g, i;

	if (!o || add_str(o, "name", d->dev) || add_str(o, "state", d->state) ||
	    add_int(o, "clients", d->clients) || add_bool(o, "configurable", d->configurable) ||
	    add_int(o, "max_groups", d->max_groups) || add_int(o, "max_engines", d->max_engines) ||
	    add_int(o, "max_wqs", d->max_wqs) || add_int(o, "max_wq_size", d->max_wq_size))
		return -ENOMEM;
	groups = add_array(o, "groups");
	if (!groups)
		return -ENOMEM;
	for (g = 0; g < d->max_groups && g < DSA_MAX_GROUPS; g++)
		if (group_json(groups, d, g))
			return -ENOMEM;
	wqs = add_array(o, "wqs");
	if (!wqs)
		return -ENOMEM;
	for (i = 0; i < d->nr_wqs; i++)
		if (wq_json(wqs, &d->wq[i]))
			return -ENOMEM;
	return 0;
}

/* A UINT knob is a number; any other, or one that does not parse, a string. */
static struct json_object *knob_value_json(const struct dsamig_status_knob *k)
{
	unsigned long long v;
	char *end;

	if (k->knob->kind == DSAMIG_KNOB_UINT && k->value[0] >= '0' && k->value[0] <= '9') {
		errno = 0;
		v = strtoull(k->value, &end, 10);
		if (!errno && !*end && v <= INT64_MAX)
			return json_object_new_int64((int64_t)v);
	}
	return json_object_new_string(k->value);
}

static int knobs_json(struct json_object *mod, const struct dsamig_status_module *m)
{
	struct json_object *o = add_object(mod, "knobs");
	size_t i;

	if (!o)
		return -ENOMEM;
	for (i = 0; i < m->nr_knobs; i++)
		if (m->knobs[i].read &&
		    add_new(o, m->knobs[i].knob->name, knob_value_json(&m->knobs[i])))
			return -ENOMEM;
	return 0;
}

static int counters_json(struct json_object *mod, const struct dsamig_status_module *m)
{
	struct json_object *o = add_object(mod, "counters"), *b, *f;
	size_t i;

	if (!o || add_counter(o, "channels", &m->channels) ||
	    add_counter(o, "cpu_path_pages", &m->cpu_path_pages) ||
	    add_counter(o, "skipped_copies", &m->skipped_copies) ||
	    add_counter(o, "errors", &m->errors))
		return -ENOMEM;
	for (i = 0; i < DSAMIG_NR_BACKENDS; i++) {
		b = add_object(o, backend_names[i]);
		if (!b || add_counter(b, "runs", &m->backend[i].runs) ||
		    add_counter(b, "pages", &m->backend[i].pages) ||
		    add_counter(b, "bytes", &m->backend[i].bytes))
			return -ENOMEM;
	}
	f = add_object(o, "fallbacks");
	if (!f)
		return -ENOMEM;
	for (i = 0; i < DSAMIG_NR_CAUSES; i++)
		if (add_counter(f, cause_names[i], &m->fallbacks[i]))
			return -ENOMEM;
	return 0;
}

static int module_json(struct json_object *st, const struct dsamig_status_module *m)
{
	struct json_object *o = add_object(st, "module");

	if (!o || add_bool(o, "loaded", m->loaded))
		return -ENOMEM;
	if (!m->loaded)
		return add(o, "version", NULL) || add(o, "knobs", NULL) ||
		       add(o, "counters", NULL) ? -ENOMEM : 0;
	/* Loaded, but its version unreadable: no key, as before. */
	if ((m->has_version && add_str(o, "version", m->version)) || knobs_json(o, m) ||
	    counters_json(o, m))
		return -ENOMEM;
	return 0;
}

static const char *const tracefs_states[] = {
	[DSAMIG_TRACEFS_OK] = "ok",
	[DSAMIG_TRACEFS_NOT_READABLE] = "not_readable",
	[DSAMIG_TRACEFS_NOT_MOUNTED] = "not_mounted",
};

static int kernel_json(struct json_object *st, const struct dsamig_status_kernel *k)
{
	struct json_object *o = add_object(st, "kernel"), *missing;
	size_t i;

	if (!o || add_str(o, "release", k->release) ||
	    add_str_or_null(o, "tested_series", k->tested_series) ||
	    add_bool(o, "hooks_armed", k->hooks_armed) ||
	    add_bool(o, "tracefs", k->tracefs == DSAMIG_TRACEFS_OK) ||
	    add_str(o, "tracefs_state", tracefs_states[k->tracefs]) ||
	    add_bool(o, "damon", k->damon) ||
	    add_bool(o, "damon_migrate_hot", k->damon_migrate_hot) ||
	    add_bool(o, "iommu", k->iommu))
		return -ENOMEM;
	/* The required ones: an optional one is missing on every kernel but one. */
	missing = add_array(o, "missing_hook_targets");
	if (!missing)
		return -ENOMEM;
	for (i = 0; i < DSAMIG_NR_HOOKS; i++)
		if (dsamig_hook_required(i) && !k->hook_found[i] &&
		    append_str(missing, dsamig_hook_name(i)))
			return -ENOMEM;
	return 0;
}

static int problems_json(struct json_object *st, const struct dsamig_status *s)
{
	struct json_object *a = add_array(st, "problems"), *o;
	size_t i;

	if (!a)
		return -ENOMEM;
	for (i = 0; i < s->nr_problems; i++) {
		o = add_object(a, NULL);
		if (!o || add_str(o, "id", s->problems[i].id) ||
		    add_str(o, "problem", s->problems[i].problem) ||
		    add_str(o, "remedy", s->problems[i].remedy))
			return -ENOMEM;
	}
	return 0;
}

struct json_object *dsamig_status_to_json(const struct dsamig_status *st)
{
	struct json_object *o = json_object_new_object(), *devs;
	int i;

	if (!o)
		goto fail;
	if (add_str(o, "version", DSAMIG_VERSION))
		goto fail_put;
	devs = add_array(o, "devices");
	if (!devs)
		goto fail_put;
	for (i = 0; i < st->nr_devs; i++)
		if (device_json(devs, &st->devs[i]))
			goto fail_put;
	if (add_int(o, "dma_channels", st->dma_channels) || module_json(o, &st->module) ||
	    kernel_json(o, &st->kernel) || problems_json(o, st) ||
	    add_bool(o, "ready", st->ready) || add_str(o, "readiness", st->readiness))
		goto fail_put;
	return o;
fail_put:
	json_object_put(o);
fail:
	return NULL;
}
