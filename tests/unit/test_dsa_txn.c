// SPDX-License-Identifier: GPL-2.0
/*
 * lib/dsa_txn.c: the setup and reset transactions keep the saved
 * configuration in the ctx's state directory (a temporary one here), change
 * nothing on a dry run or a refusal, and forget on failure only what they
 * saved themselves. Nothing here reaches a device: plans that would apply
 * run only where there is no DSA bus, and the apply fails at its start.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctx.h"
#include "dsa.h"

struct fixture {
	char tmp[64];
	char state[96];		/* <tmp>/state, made by dsa_config_save */
	char saved[128];	/* <state>/dsa0.json */
	struct dsamig_ctx *ctx;
	struct dsa_dev_desc d;
	struct dsa_setup_req req;
	struct dsa_txn_result r;
	struct dsa_error e;
};

/* A DSA device as the driver shows it after boot: nothing configured. */
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
		snprintf(d->wq[i].dev, sizeof(d->wq[i].dev), "wq0.%d", i);
		d->wq[i].id = i;
		d->wq[i].group = -1;
		d->wq[i].shared = true;
		strcpy(d->wq[i].type, "none");
		strcpy(d->wq[i].state, "disabled");
	}
	for (i = 0; i < 4; i++) {
		snprintf(d->engine[i].dev, sizeof(d->engine[i].dev), "engine0.%d", i);
		d->engine[i].id = i;
		d->engine[i].group = -1;
	}
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/dsamig-unit-XXXXXX");
	if (!mkdtemp(f->tmp) || dsamig_ctx_new(&f->ctx))
		return -1;
	snprintf(f->state, sizeof(f->state), "%s/state", f->tmp);
	snprintf(f->saved, sizeof(f->saved), "%s/dsa0.json", f->state);
	if (dsamig_ctx_set_state_dir(f->ctx, f->state))
		return -1;
	fresh(&f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	if (system(cmd))
		return -1;
	dsamig_ctx_free(f->ctx);
	free(f);
	return 0;
}

static bool exists(const char *path)
{
	return !access(path, F_OK);
}

static void test_setup_dry_run_saves_nothing(void **state)
{
	struct fixture *f = *state;

	f->req.dry_run = true;
	assert_int_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_PLANNED);
	assert_int_equal(f->r.plan.action, DSA_PLAN_CONFIGURE);
	assert_false(exists(f->state));
}

static void test_setup_refused_or_done_saves_nothing(void **state)
{
	struct fixture *f = *state;

	f->req.wq_size = 200;
	assert_int_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), -EPERM);
	assert_int_equal(f->r.outcome, DSA_TXN_REFUSED);
	assert_non_null(strstr(f->r.plan.reason, "200"));

	f->req.wq_size = 0;
	strcpy(f->d.wq[2].type, "kernel");
	strcpy(f->d.wq[2].state, "enabled");
	strcpy(f->d.wq[2].channel, "dma0chan0");
	assert_int_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_DONE);
	assert_int_equal(f->r.plan.wq, 2);
	assert_false(exists(f->state));

	f->req.engines = -1;
	assert_int_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), -EINVAL);
	assert_int_equal(f->r.outcome, DSA_TXN_BAD_REQUEST);
}

/* The state directory is the ctx's: where it cannot be made, nothing is applied. */
static void test_setup_saves_in_ctx_state_dir(void **state)
{
	struct fixture *f = *state;
	char file[96], dir[128];
	FILE *fp;

	snprintf(file, sizeof(file), "%s/file", f->tmp);
	snprintf(dir, sizeof(dir), "%s/state", file);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(dsamig_ctx_set_state_dir(f->ctx, dir), 0);
	assert_int_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), -ENOTDIR);
	assert_int_equal(f->r.outcome, DSA_TXN_SAVE_FAILED);
	assert_string_equal(f->e.reason, strerror(ENOTDIR));
}

/*
 * A failed apply rolls back: the configuration this run saved is forgotten,
 * one an earlier setup saved (the oldest, from before any setup) is kept.
 */
static void test_setup_failure_forgets_only_its_own(void **state)
{
	struct fixture *f = *state;
	struct dsa_dev_desc before;

	if (exists("/sys/bus/dsa"))
		skip();
	assert_int_not_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_APPLY_FAILED);
	assert_true(exists(f->state));
	assert_false(exists(f->saved));

	fresh(&before);
	strcpy(before.wq[5].name, "before");
	assert_int_equal(dsa_config_save(&before, f->state), 0);
	assert_int_not_equal(dsa_setup_run(f->ctx, &f->d, &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_APPLY_FAILED);
	assert_int_equal(dsa_config_load("dsa0", f->state, &before), 0);
	assert_string_equal(before.wq[5].name, "before");
}

static void test_reset_reads_ctx_state_dir(void **state)
{
	struct fixture *f = *state;
	FILE *fp;

	assert_int_equal(dsa_reset_run(f->ctx, "dsa0", &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_NOTHING_SAVED);

	assert_int_equal(dsa_config_save(&f->d, f->state), 0);
	f->req.dry_run = true;
	assert_int_equal(dsa_reset_run(f->ctx, "dsa0", &f->req, &f->r, &f->e), 0);
	assert_int_equal(f->r.outcome, DSA_TXN_PLANNED);
	assert_true(exists(f->saved));

	fp = fopen(f->saved, "w");
	assert_non_null(fp);
	fputs("{", fp);
	fclose(fp);
	assert_int_equal(dsa_reset_run(f->ctx, "dsa0", &f->req, &f->r, &f->e), -EINVAL);
	assert_int_equal(f->r.outcome, DSA_TXN_BAD_SAVED);
	assert_string_equal(f->e.reason, strerror(EINVAL));
	assert_true(exists(f->saved));
}

/* A restore that fails keeps the saved configuration for the next try. */
static void test_reset_failure_keeps_saved(void **state)
{
	struct fixture *f = *state;

	if (exists("/sys/bus/dsa"))
		skip();
	assert_int_equal(dsa_config_save(&f->d, f->state), 0);
	assert_int_equal(dsa_reset_run(f->ctx, "dsa0", &f->req, &f->r, &f->e), -ENODEV);
	assert_int_equal(f->r.outcome, DSA_TXN_RESTORE_FAILED);
	assert_true(exists(f->saved));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_setup_dry_run_saves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_refused_or_done_saves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_setup_saves_in_ctx_state_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_failure_forgets_only_its_own, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_reads_ctx_state_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_failure_keeps_saved, setup, teardown),
	};

	return cmocka_run_group_tests_name("dsa_txn", tests, NULL, NULL);
}
