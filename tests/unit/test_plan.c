// SPDX-License-Identifier: GPL-2.0
/*
 * lib/dsa_plan.c: the plan of dsamig setup on described devices: fresh,
 * partly used by others, fully used, already set up, enabled with clients.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dsa.h"

/* A Sapphire Rapids DSA as the driver shows it after boot: nothing configured. */
static void fresh(struct dsa_dev_desc *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	strcpy(d->dev, "dsa0");
	strcpy(d->state, "disabled");
	d->configurable = true;
	d->max_groups = 4;
	d->max_engines = 4;
	d->max_wqs = 8;
	d->max_wq_size = 128;
	d->nr_wqs = 8;
	d->nr_engines = 4;
	for (i = 0; i < 8; i++) {
		struct dsa_wq_desc *w = &d->wq[i];

		snprintf(w->dev, sizeof(w->dev), "wq0.%d", i);
		w->id = i;
		w->group = -1;
		w->shared = true;
		strcpy(w->type, "none");
		strcpy(w->state, "disabled");
	}
	for (i = 0; i < 4; i++) {
		snprintf(d->engine[i].dev, sizeof(d->engine[i].dev), "engine0.%d", i);
		d->engine[i].id = i;
		d->engine[i].group = -1;
	}
}

/* WQ @i: a user WQ of someone else's, in group @g, enabled, with clients. */
static void user_wq(struct dsa_dev_desc *d, int i, int g, int size)
{
	struct dsa_wq_desc *w = &d->wq[i];

	w->group = g;
	w->size = size;
	w->priority = 10;
	w->shared = false;
	strcpy(w->type, "user");
	strcpy(w->name, "app");
	strcpy(w->driver, "user");
	strcpy(w->state, "enabled");
	w->clients = 1;
	strcpy(d->state, "enabled");
	d->clients += 1;
}

static void kernel_wq(struct dsa_dev_desc *d, int i, int g, const char *state)
{
	struct dsa_wq_desc *w = &d->wq[i];

	w->group = g;
	w->size = 16;
	w->priority = 10;
	w->shared = false;
	strcpy(w->type, "kernel");
	strcpy(w->name, "dmaengine");
	strcpy(w->driver, "dmaengine");
	strcpy(w->state, state);
}

static const struct dsa_setup_req defaults;

static void test_fresh_device(void **state)
{
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_CONFIGURE);
	assert_int_equal(p.wq, 0);
	assert_int_equal(p.group, 0);
	assert_int_equal(p.size, DSA_DEFAULT_WQ_SIZE);
	assert_int_equal(p.priority, DSA_DEFAULT_PRIORITY);
	assert_int_equal(p.nr_engines, 1);
	assert_int_equal(p.engine[0], 0);
	assert_false(p.disable_device);
	assert_true(p.enable_device);
}

static void test_request_honoured(void **state)
{
	struct dsa_setup_req req = { .wq_size = 64, .engines = 3, .priority = 5 };
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	assert_int_equal(dsa_plan_setup(&d, &req, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_CONFIGURE);
	assert_int_equal(p.size, 64);
	assert_int_equal(p.priority, 5);
	assert_int_equal(p.nr_engines, 3);
	req.wq_size = -1;
	assert_int_equal(dsa_plan_setup(&d, &req, &p), -EINVAL);
}

/* Others' user WQ on group 0 and engine 0: take the next of each, keep theirs. */
static void test_partly_used_needs_force(void **state)
{
	struct dsa_setup_req force = { .force = true };
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	user_wq(&d, 0, 0, 100);
	d.engine[0].group = 0;
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "--force"));

	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_CONFIGURE);
	assert_int_equal(p.wq, 1);
	assert_int_equal(p.group, 1);
	assert_int_equal(p.engine[0], 1);
	/* 100 of 128 entries are theirs. */
	assert_int_equal(p.size, 28);
	assert_true(p.disable_device);
	assert_int_equal(p.nr_reenable, 1);
	assert_int_equal(p.reenable[0], 0);
}

/* Enabled, but nobody uses it: it may go down without --force. */
static void test_enabled_idle_device(void **state)
{
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	strcpy(d.state, "enabled");
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_CONFIGURE);
	assert_true(p.disable_device);
	assert_int_equal(p.nr_reenable, 0);
}

static void test_already_set_up(void **state)
{
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	kernel_wq(&d, 2, 0, "enabled");
	strcpy(d.wq[2].channel, "dma0chan0");
	strcpy(d.state, "enabled");
	d.engine[0].group = 0;
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_DONE);
	assert_int_equal(p.wq, 2);
}

/* A configured kernel WQ nobody enabled: enable it rather than make another. */
static void test_reuse_free_kernel_wq(void **state)
{
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	kernel_wq(&d, 3, 2, "disabled");
	d.engine[1].group = 2;
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REUSE);
	assert_int_equal(p.wq, 3);
	assert_true(p.enable_device);
	/* Without an engine in its group it would not work: configure instead. */
	d.engine[1].group = -1;
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_CONFIGURE);
	assert_int_not_equal(p.wq, 3);
	assert_int_not_equal(p.group, 2);
}

static void test_fully_used(void **state)
{
	struct dsa_setup_req force = { .force = true };
	struct dsa_dev_desc d;
	struct dsa_plan p;
	int i;

	/* Every WQ taken. */
	fresh(&d);
	for (i = 0; i < 8; i++)
		user_wq(&d, i, i % 4, 16);
	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "no free work queue"));

	/* Every entry taken. */
	fresh(&d);
	user_wq(&d, 0, 0, 128);
	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "WQ entries"));

	/* Every engine taken. */
	fresh(&d);
	user_wq(&d, 0, 0, 16);
	for (i = 0; i < 4; i++)
		d.engine[i].group = 0;
	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "free engines"));

	/* Every group taken. */
	fresh(&d);
	for (i = 0; i < 4; i++)
		user_wq(&d, i, i, 8);
	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "no free group"));

	/* Too large a request. */
	fresh(&d);
	force.wq_size = 129;
	assert_int_equal(dsa_plan_setup(&d, &force, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
}

static void test_odd_devices(void **state)
{
	struct dsa_dev_desc d;
	struct dsa_plan p;

	fresh(&d);
	strcpy(d.state, "halted");
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "halted"));

	fresh(&d);
	d.configurable = false;
	assert_int_equal(dsa_plan_setup(&d, &defaults, &p), 0);
	assert_int_equal(p.action, DSA_PLAN_REFUSE);
	assert_non_null(strstr(p.reason, "not configurable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_device),
		cmocka_unit_test(test_request_honoured),
		cmocka_unit_test(test_partly_used_needs_force),
		cmocka_unit_test(test_enabled_idle_device),
		cmocka_unit_test(test_already_set_up),
		cmocka_unit_test(test_reuse_free_kernel_wq),
		cmocka_unit_test(test_fully_used),
		cmocka_unit_test(test_odd_devices),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
