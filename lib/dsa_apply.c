// SPDX-License-Identifier: GPL-2.0
/*
 * Carrying out a dsamig setup plan through libaccel-config, saving a
 * device's configuration first, and restoring it (on failure, and for
 * dsamig setup --reset). Only attributes that differ are written.
 */
#include <accel-config/libaccel_config.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "dsa.h"
#include "parse.h"

static void set_error(struct dsa_error *e, struct accfg_device *dev, const char *what, int rc)
{
	unsigned int status = dev ? accfg_device_get_cmd_status(dev) : 0;
	const char *s = status ? accfg_device_get_cmd_status_str(dev) : NULL;

	snprintf(e->what, sizeof(e->what), "%s", what);
	if (s && *s)
		snprintf(e->reason, sizeof(e->reason), "%s (cmd_status %#x)", s, status);
	else
		snprintf(e->reason, sizeof(e->reason), "%s", strerror(rc < 0 ? -rc : rc));
}

static int neg(int rc)
{
	return rc < 0 ? rc : rc > 0 ? -rc : 0;
}

/* rc of one step; on failure fill @e with "<obj> <attr>" and the reason. */
static int step(int rc, struct dsa_error *e, struct accfg_device *dev, const char *obj,
		const char *attr)
{
	char what[64];

	if (!rc)
		return 0;
	snprintf(what, sizeof(what), "%s%s%s", obj, attr[0] ? " " : "", attr);
	set_error(e, dev, what, rc);
	return neg(rc) ? neg(rc) : -EIO;
}

static int open_device(const char *name, struct accfg_ctx **ctx, struct accfg_device **dev)
{
	int rc = accfg_new(ctx);

	if (rc)
		return neg(rc) ? neg(rc) : -ENOMEM;
	*dev = accfg_ctx_device_get_by_name(*ctx, name);
	if (!*dev) {
		rc = -ENODEV;
		goto unref;
	}
	return 0;

unref:
	accfg_unref(*ctx);
	return rc;
}

/* Bind @wq to its driver; 3.5.3 binds to "" when driver_name is unset. */
static int enable_wq(struct accfg_device *dev, struct accfg_wq *wq, const struct dsa_wq_desc *w,
		     struct dsa_error *e)
{
	int rc;

	if (!w->driver[0] && strcmp(w->type, "none")) {
		rc = accfg_wq_set_str_driver_name(wq, strcmp(w->type, "user") ? "dmaengine" : "user");
		if (rc)
			return step(rc, e, dev, w->dev, "driver_name");
	}
	return step(accfg_wq_enable(wq), e, dev, w->dev, "enable");
}

static int device_disable(struct accfg_device *dev, const struct dsa_dev_desc *d,
			  struct dsa_error *e)
{
	if (accfg_device_get_state(dev) != ACCFG_DEVICE_ENABLED)
		return 0;
	return step(accfg_device_disable(dev, true), e, dev, "device", "disable");
}

static int write_attrs(struct accfg_device *dev, const struct dsa_dev_desc *saved, int skip_wq,
		       struct dsa_error *e);

int dsa_setup_apply(const struct dsa_dev_desc *d, const struct dsa_plan *p,
		    struct dsa_error *e)
{
	const struct dsa_wq_desc *w = &d->wq[p->wq];
	struct accfg_ctx *ctx;
	struct accfg_device *dev;
	struct accfg_wq *wq;
	struct dsa_error ignored;
	int rc, i;

	if (p->action != DSA_PLAN_CONFIGURE && p->action != DSA_PLAN_REUSE)
		return 0;
	rc = open_device(d->dev, &ctx, &dev);
	if (rc) {
		set_error(e, NULL, "open", rc);
		return rc;
	}
	wq = accfg_device_wq_get_by_id(dev, w->id);
	if (!wq) {
		rc = step(-ENODEV, e, NULL, w->dev, "");
		goto close;
	}
	if (p->disable_device) {
		rc = device_disable(dev, d, e);
		if (!rc)
			rc = write_attrs(dev, d, p->wq, e);
		if (rc)
			goto undo;
	}
	if (p->action == DSA_PLAN_CONFIGURE) {
		for (i = 0; i < p->nr_engines; i++) {
			const struct dsa_engine_desc *en = &d->engine[p->engine[i]];
			struct accfg_engine *eng = accfg_device_engine_get_by_id(dev, en->id);

			rc = step(eng ? accfg_engine_set_group_id(eng, p->group) : -ENODEV, e,
				  dev, en->dev, "group_id");
			if (rc)
				goto undo;
		}
		/* type before name: the driver clears the name when the type changes */
		if ((rc = step(accfg_wq_set_str_mode(wq, "dedicated"), e, dev, w->dev, "mode")) ||
		    (rc = step(accfg_wq_set_str_type(wq, "kernel"), e, dev, w->dev, "type")) ||
		    (rc = step(accfg_wq_set_str_name(wq, DSA_KERNEL_WQ_NAME), e, dev, w->dev,
			       "name")) ||
		    (rc = step(accfg_wq_set_str_driver_name(wq, DSA_KERNEL_WQ_DRIVER), e, dev,
			       w->dev, "driver_name")) ||
		    (rc = step(accfg_wq_set_size(wq, p->size), e, dev, w->dev, "size")) ||
		    (rc = step(accfg_wq_set_group_id(wq, p->group), e, dev, w->dev, "group_id")) ||
		    (rc = step(accfg_wq_set_priority(wq, p->priority), e, dev, w->dev,
			       "priority")))
			goto undo;
	} else if (!w->driver[0]) {
		rc = step(accfg_wq_set_str_driver_name(wq, DSA_KERNEL_WQ_DRIVER), e, dev, w->dev,
			  "driver_name");
		if (rc)
			goto undo;
	}
	if (accfg_device_get_state(dev) != ACCFG_DEVICE_ENABLED) {
		rc = step(accfg_device_enable(dev), e, dev, "device", "enable");
		if (rc)
			goto undo;
	}
	rc = step(accfg_wq_enable(wq), e, dev, w->dev, "enable");
	if (rc)
		goto undo;
	for (i = 0; i < p->nr_reenable; i++) {
		const struct dsa_wq_desc *o = &d->wq[p->reenable[i]];
		struct accfg_wq *owq = accfg_device_wq_get_by_id(dev, o->id);

		rc = owq ? enable_wq(dev, owq, o, e) : step(-ENODEV, e, NULL, o->dev, "");
		if (rc)
			goto undo;
	}
	accfg_unref(ctx);
	return 0;

undo:
	/* dsa_restore reads the device afresh, through a context of its own */
	accfg_unref(ctx);
	dsa_restore(d, true, &ignored);
	return rc;
close:
	accfg_unref(ctx);
	return rc;
}

/*
 * Write the attributes of @saved's WQs (but @skip_wq) and engines that
 * differ from the device's now; the device must be disabled. Disabling a
 * configurable device clears its WQs and engines, so this also puts back
 * others' configuration after setup had to disable it.
 */
static int write_attrs(struct accfg_device *dev, const struct dsa_dev_desc *saved, int skip_wq,
		       struct dsa_error *e)
{
	struct dsa_dev_desc now;
	int rc, i;

	rc = dsa_describe(saved->dev, &now);
	if (rc)
		return step(rc, e, NULL, saved->dev, "");
	for (i = 0; i < saved->nr_wqs && i < now.nr_wqs; i++) {
		const struct dsa_wq_desc *s = &saved->wq[i], *c = &now.wq[i];
		struct accfg_wq *wq = accfg_device_wq_get_by_id(dev, s->id);

		if (!wq || i == skip_wq)
			continue;
		if (strcmp(s->type, c->type) &&
		    (rc = step(accfg_wq_set_str_type(wq, s->type), e, dev, s->dev, "type")))
			return rc;
		if (s->shared != c->shared &&
		    (rc = step(accfg_wq_set_str_mode(wq, s->shared ? "shared" : "dedicated"), e,
			       dev, s->dev, "mode")))
			return rc;
		if (s->name[0] && (strcmp(s->name, c->name) || strcmp(s->type, c->type)) &&
		    (rc = step(accfg_wq_set_str_name(wq, s->name), e, dev, s->dev, "name")))
			return rc;
		/* "\n": the driver strips it, which is how an unset name is written */
		if (strcmp(s->driver, c->driver) &&
		    (rc = step(accfg_wq_set_str_driver_name(wq, s->driver[0] ? s->driver : "\n"),
			       e, dev, s->dev, "driver_name")))
			return rc;
		if (s->size != c->size &&
		    (rc = step(accfg_wq_set_size(wq, s->size), e, dev, s->dev, "size")))
			return rc;
		if (s->group != c->group &&
		    (rc = step(accfg_wq_set_group_id(wq, s->group), e, dev, s->dev, "group_id")))
			return rc;
		if (s->priority != c->priority &&
		    (rc = step(accfg_wq_set_priority(wq, s->priority), e, dev, s->dev, "priority")))
			return rc;
	}
	for (i = 0; i < saved->nr_engines && i < now.nr_engines; i++) {
		const struct dsa_engine_desc *s = &saved->engine[i];
		struct accfg_engine *eng = accfg_device_engine_get_by_id(dev, s->id);

		if (eng && s->group != now.engine[i].group &&
		    (rc = step(accfg_engine_set_group_id(eng, s->group), e, dev, s->dev, "group_id")))
			return rc;
	}
	return 0;
}

int dsa_restore(const struct dsa_dev_desc *saved, bool force, struct dsa_error *e)
{
	struct dsa_dev_desc now;
	struct accfg_ctx *ctx;
	struct accfg_device *dev;
	int rc, i;

	rc = dsa_describe(saved->dev, &now);
	if (rc) {
		set_error(e, NULL, "device", rc);
		return rc;
	}
	if (now.clients > 0 && !force) {
		snprintf(e->what, sizeof(e->what), "%s", "clients");
		snprintf(e->reason, sizeof(e->reason), "%d %s it", now.clients,
			 dsamig_plural(now.clients, "client uses", "clients use"));
		return -EBUSY;
	}
	rc = open_device(saved->dev, &ctx, &dev);
	if (rc) {
		set_error(e, NULL, "open", rc);
		return rc;
	}
	rc = device_disable(dev, saved, e);
	if (!rc)
		rc = write_attrs(dev, saved, -1, e);
	if (rc || strcmp(saved->state, "enabled"))
		goto out;
	rc = step(accfg_device_enable(dev), e, dev, "device", "enable");
	for (i = 0; !rc && i < saved->nr_wqs; i++) {
		struct accfg_wq *wq = accfg_device_wq_get_by_id(dev, saved->wq[i].id);

		if (wq && !strcmp(saved->wq[i].state, "enabled"))
			rc = enable_wq(dev, wq, &saved->wq[i], e);
	}
out:
	accfg_unref(ctx);
	return rc;
}

/* ---- saved configurations: <dir>/<dev>.json ---- */

static void config_path(char *buf, size_t size, const char *dir, const char *dev)
{
	snprintf(buf, size, "%s/%s.json", dir, dev);
}

int dsa_config_save(const struct dsa_dev_desc *d, const char *dir)
{
	struct json_object *o = json_object_new_object(), *wqs, *engs;
	char path[512];
	int i, rc = 0;

	if (!o)
		return -ENOMEM;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		rc = -errno;
		goto put;
	}
	json_object_object_add(o, "dev", json_object_new_string(d->dev));
	json_object_object_add(o, "state", json_object_new_string(d->state));
	wqs = json_object_new_array();
	for (i = 0; i < d->nr_wqs; i++) {
		const struct dsa_wq_desc *w = &d->wq[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "dev", json_object_new_string(w->dev));
		json_object_object_add(j, "id", json_object_new_int(w->id));
		json_object_object_add(j, "group_id", json_object_new_int(w->group));
		json_object_object_add(j, "size", json_object_new_int(w->size));
		json_object_object_add(j, "priority", json_object_new_int(w->priority));
		json_object_object_add(j, "mode",
				       json_object_new_string(w->shared ? "shared" : "dedicated"));
		json_object_object_add(j, "type", json_object_new_string(w->type));
		json_object_object_add(j, "name", json_object_new_string(w->name));
		json_object_object_add(j, "driver_name", json_object_new_string(w->driver));
		json_object_object_add(j, "state", json_object_new_string(w->state));
		json_object_array_add(wqs, j);
	}
	json_object_object_add(o, "wqs", wqs);
	engs = json_object_new_array();
	for (i = 0; i < d->nr_engines; i++) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "dev", json_object_new_string(d->engine[i].dev));
		json_object_object_add(j, "id", json_object_new_int(d->engine[i].id));
		json_object_object_add(j, "group_id", json_object_new_int(d->engine[i].group));
		json_object_array_add(engs, j);
	}
	json_object_object_add(o, "engines", engs);
	config_path(path, sizeof(path), dir, d->dev);
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY))
		rc = -EIO;
put:
	json_object_put(o);
	return rc;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static int jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : -1;
}

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", src)

int dsa_config_load(const char *dev, const char *dir, struct dsa_dev_desc *d)
{
	struct json_object *o, *a;
	char path[512];
	size_t i;

	config_path(path, sizeof(path), dir, dev);
	if (access(path, F_OK))
		return -ENOENT;
	o = json_object_from_file(path);
	if (!o)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	COPY(d->dev, jstr(o, "dev"));
	COPY(d->state, jstr(o, "state"));
	if (json_object_object_get_ex(o, "wqs", &a))
		for (i = 0; i < json_object_array_length(a) && i < DSA_MAX_WQS; i++) {
			struct json_object *j = json_object_array_get_idx(a, i);
			struct dsa_wq_desc *w = &d->wq[d->nr_wqs++];

			COPY(w->dev, jstr(j, "dev"));
			w->id = jint(j, "id");
			w->group = jint(j, "group_id");
			w->size = jint(j, "size");
			w->priority = jint(j, "priority");
			w->shared = !strcmp(jstr(j, "mode"), "shared");
			COPY(w->type, jstr(j, "type"));
			COPY(w->name, jstr(j, "name"));
			COPY(w->driver, jstr(j, "driver_name"));
			COPY(w->state, jstr(j, "state"));
		}
	if (json_object_object_get_ex(o, "engines", &a))
		for (i = 0; i < json_object_array_length(a) && i < DSA_MAX_ENGINES; i++) {
			struct json_object *j = json_object_array_get_idx(a, i);
			struct dsa_engine_desc *en = &d->engine[d->nr_engines++];

			COPY(en->dev, jstr(j, "dev"));
			en->id = jint(j, "id");
			en->group = jint(j, "group_id");
		}
	json_object_put(o);
	return strcmp(d->dev, dev) ? -EINVAL : 0;
}

int dsa_config_forget(const char *dev, const char *dir)
{
	char path[512];

	config_path(path, sizeof(path), dir, dev);
	return unlink(path) ? -errno : 0;
}
