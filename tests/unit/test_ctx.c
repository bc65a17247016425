// SPDX-License-Identifier: GPL-2.0
/*
 * lib/ctx.c and what the verbs' actions build on it: paths under the
 * context's root, error lines on its channel naming the verb, the node
 * checks against a copy of /sys, and the JSON objects every verb shares
 * (rounded numbers, vmstat with every counter, copy with top's keys).
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
#include "node_check.h"
#include "stats_json.h"

struct fixture {
	struct dsamig_ctx *ctx;
	char *err;
	size_t len;
	FILE *errf;
	char root[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(dsamig_ctx_new(&f->ctx), 0);
	f->errf = open_memstream(&f->err, &f->len);
	assert_non_null(f->errf);
	dsamig_ctx_set_err(f->ctx, f->errf);
	assert_int_equal(dsamig_ctx_set_name(f->ctx, "dsamig compact"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	fclose(f->errf);
	free(f->err);
	dsamig_ctx_free(f->ctx);
	if (f->root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
		assert_int_equal(system(cmd), 0);
	}
	free(f);
	return 0;
}

static const char *errors(struct fixture *f)
{
	fflush(f->errf);
	return f->err ? f->err : "";
}

static void test_defaults_and_paths(void **state)
{
	struct fixture *f = *state;
	char buf[32];

	assert_string_equal(dsamig_ctx_root(f->ctx), "");
	assert_string_equal(dsamig_ctx_state_dir(f->ctx), "/run/dsamig");
	assert_int_equal(dsamig_ctx_path(f->ctx, buf, sizeof(buf), "/sys/node%u", 3), 0);
	assert_string_equal(buf, "/sys/node3");
	assert_int_equal(dsamig_ctx_set_root(f->ctx, "/tmp/r"), 0);
	assert_int_equal(dsamig_ctx_path(f->ctx, buf, sizeof(buf), "/sys/node%u", 3), 0);
	assert_string_equal(buf, "/tmp/r/sys/node3");
	/* a path that does not fit is an error, not a cut path */
	assert_int_equal(dsamig_ctx_path(f->ctx, buf, 12, "/sys/node%u", 3), -ENAMETOOLONG);
	assert_int_equal(dsamig_ctx_path(f->ctx, buf, 4, "/x"), -ENAMETOOLONG);
}

static void test_error_line_names_the_verb(void **state)
{
	struct fixture *f = *state;

	dsamig_err(f->ctx, "cannot %s", "compact");
	assert_string_equal(errors(f), "dsamig compact: cannot compact\n");
}

static void test_node_checks_under_root(void **state)
{
	struct fixture *f = *state;
	struct dsamig_nodemask mem = { 0 };
	char cmd[256];

	snprintf(f->root, sizeof(f->root), "/tmp/dsamig-ctx-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/sys/devices/system/node/node1'", f->root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(dsamig_ctx_set_root(f->ctx, f->root), 0);
	dsamig_nodemask_set(&mem, 0);
	assert_int_equal(dsamig_node_usable(f->ctx, "", 0, &mem), 0);
	/* node1 exists under the root, without memory; node2 does not exist */
	assert_int_equal(dsamig_node_usable(f->ctx, "target ", 1, &mem), -ENOENT);
	assert_int_equal(dsamig_node_usable(f->ctx, "", 2, &mem), -ENOENT);
	assert_string_equal(errors(f),
		"dsamig compact: target node 1 has no memory; see /sys/devices/system/node/has_memory\n"
		"dsamig compact: node 2 does not exist; see /sys/devices/system/node/online\n");
}

static void test_shared_json_objects(void **state)
{
	struct dsamig_vmstat vm = { 0 };
	struct dsamig_stats st;
	struct json_object *j = json_object_new_object(), *o;
	unsigned int n;

	(void)state;
	dsamig_json_double(j, "s", 2.0 / 3.0, 3);
	dsamig_json_double(j, "one", 0.99999999999999989, 3);
	assert_string_equal(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
			    "{\"s\":0.667,\"one\":1.000}");
	json_object_put(j);

	vm.v[DSAMIG_VMSTAT_compact_isolated] = 7;
	o = dsamig_vmstat_to_json(&vm);
	assert_int_equal(json_object_object_length(o), DSAMIG_NR_VMSTAT);
	for (n = 0; n < DSAMIG_NR_VMSTAT; n++)
		assert_true(json_object_object_get_ex(o, dsamig_vmstat_name(n), NULL));
	assert_int_equal(json_object_get_int(json_object_object_get(o, "compact_isolated")), 7);
	json_object_put(o);

	dsamig_stats_reset(&st);
	st.cpu_pages = 3;
	st.offload[DSAMIG_BACKEND_CPU].pages = 5;
	o = dsamig_copy_to_json(&st);
	/* the same keys as top's: cpu is the CPU path with the cpu backend's runs */
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(o, "cpu"), "pages")), 3);
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(o, "cpu"), "backend_pages")), 5);
	assert_true(json_object_object_get_ex(json_object_object_get(o, "dsa"), "sg_ns", NULL));
	assert_false(json_object_object_get_ex(o, "cpu_copy", NULL));
	assert_false(json_object_object_get_ex(o, "off", NULL));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_and_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_line_names_the_verb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_checks_under_root, setup, teardown),
		cmocka_unit_test(test_shared_json_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
