// SPDX-License-Identifier: GPL-2.0
/*
 * lib/noderange.c and lib/damon.c on sample trees: System RAM from
 * /proc/iomem text, a node's ranges from its memory blocks, the detection
 * of kernels without DAMON sysfs, paddr or migrate_hot, and the refusal to
 * add a kdamond next to existing ones (nothing written).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "damon.h"
#include "noderange.h"
#include "sysfile.h"

static const char iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000f0000-000fffff : System ROM\n"
	"00100000-7ffdffff : System RAM\n"
	"  01000000-01ffffff : Kernel code\n"
	"7ffe0000-7fffffff : Reserved\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"fffc0000-ffffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"180000000-1bfffffff : System RAM\n";

static void test_iomem_ram(void **state)
{
	struct dsamig_range r[8];

	assert_int_equal(dsamig_iomem_ram(iomem, r, 8), 3);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[0].end, 0x9fc00);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].end, 0x7ffe0000);
	/* adjacent ranges merge */
	assert_int_equal(r[2].start, 0x100000000ULL);
	assert_int_equal(r[2].end, 0x1c0000000ULL);
	assert_int_equal(dsamig_iomem_ram(iomem, r, 2), -ENOSPC);
}

static void test_iomem_bad(void **state)
{
	struct dsamig_range r[8];

	/* what a process without CAP_SYS_ADMIN reads */
	assert_int_equal(dsamig_iomem_ram("00000000-00000000 : System RAM\n"
					  "00000000-00000000 : Reserved\n", r, 8), -EPERM);
	assert_int_equal(dsamig_iomem_ram("", r, 8), -EINVAL);
	assert_int_equal(dsamig_iomem_ram("MemTotal: 1 kB\n", r, 8), -EINVAL);
	/* no System RAM at all is not an error here: zero ranges */
	assert_int_equal(dsamig_iomem_ram("00000000-00000fff : Reserved\n", r, 8), 0);
}

/* A sample tree under a fresh temporary directory. */
static char root[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (!text) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *rel)
{
	static char buf[256];
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (dsamig_read_line(path, buf, sizeof(buf)))
		return NULL;
	return buf;
}

static int setup_root(void **state)
{
	snprintf(root, sizeof(root), "/tmp/dsamig-unit-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown_root(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

/*
 * Two nodes of 128 MiB blocks: node 0 blocks 0-15 (2 GiB, the low RAM with
 * its holes), node 1 blocks 32-39 (4-5 GiB) and 16 (a block without RAM).
 */
static void sample_nodes(void)
{
	char rel[128];
	int b;

	put("sys/devices/system/memory/block_size_bytes", "8000000\n");
	put("proc/iomem", iomem);
	for (b = 0; b < 16; b++) {
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node0/memory%d", b);
		put(rel, NULL);
	}
	for (b = 32; b < 40; b++) {
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node1/memory%d", b);
		put(rel, NULL);
	}
	put("sys/devices/system/node/node1/memory16", NULL);
	put("sys/devices/system/node/node1/memory_failure", NULL);
	put("sys/devices/system/node/node2/cpulist", "0-1\n");
}

static void test_node_ranges(void **state)
{
	struct dsamig_range r[8];

	sample_nodes();
	assert_int_equal(dsamig_node_ranges(root, 0, r, 8), 2);
	assert_int_equal(r[0].start, 0x1000);
	assert_int_equal(r[0].end, 0x9fc00);
	assert_int_equal(r[1].start, 0x100000);
	assert_int_equal(r[1].end, 0x7ffe0000);
	/* block 16 (2 GiB) is in the PCI hole: only blocks 32-39 count */
	assert_int_equal(dsamig_node_ranges(root, 1, r, 8), 1);
	assert_int_equal(r[0].start, 0x100000000ULL);
	assert_int_equal(r[0].end, 0x140000000ULL);
	assert_int_equal(dsamig_node_ranges(root, 0, r, 1), -ENOSPC);
	/* a node without memory blocks, a node that does not exist */
	assert_int_equal(dsamig_node_ranges(root, 2, r, 8), -ENOENT);
	assert_int_equal(dsamig_node_ranges(root, 3, r, 8), -ENOENT);
}

static void test_node_ranges_no_ram(void **state)
{
	struct dsamig_range r[8];

	sample_nodes();
	put("sys/devices/system/node/node2/memory20", NULL);
	assert_int_equal(dsamig_node_ranges(root, 2, r, 8), -ERANGE);
	put("proc/iomem", "00000000-00000000 : System RAM\n");
	assert_int_equal(dsamig_node_ranges(root, 0, r, 8), -EPERM);
}

static void test_node_ranges_no_hotplug(void **state)
{
	struct dsamig_range r[8];

	put("sys/devices/system/node/node0/cpulist", "0\n");
	put("proc/iomem", iomem);
	assert_int_equal(dsamig_node_ranges(root, 0, r, 8), -ENOTSUP);
}

static char admin[PATH_MAX + 64];

static const char *admin_dir(void)
{
	snprintf(admin, sizeof(admin), "%s%s", root, DSAMIG_DAMON_ADMIN);
	return admin;
}

static void test_gap_no_sysfs(void **state)
{
	struct dsamig_damon d;
	struct dsamig_damon_scheme s = { .hot = true };

	/* a kernel with DAMON but no sysfs interface: only the module params */
	put("sys/kernel/mm/damon/dummy", NULL);
	assert_int_equal(dsamig_damon_check_admin(admin_dir()), DSAMIG_DAMON_NO_SYSFS);
	assert_int_equal(dsamig_damon_create(&d, admin_dir(), &s), -ENOENT);
	assert_int_equal(d.gap, DSAMIG_DAMON_NO_SYSFS);
	assert_non_null(strstr(dsamig_damon_gap_str(d.gap), "CONFIG_DAMON_SYSFS"));
}

static void test_gap_paddr_and_migrate(void **state)
{
	const char *k = "sys/kernel/mm/damon/admin/kdamonds/0/contexts/0";
	char ctx[PATH_MAX * 2], scheme[PATH_MAX * 2 + 16];

	put("sys/kernel/mm/damon/admin/kdamonds/nr_kdamonds", "1\n");
	assert_int_equal(dsamig_damon_check_admin(admin_dir()), DSAMIG_DAMON_OK);
	snprintf(ctx, sizeof(ctx), "%s/%s", root, k);
	snprintf(scheme, sizeof(scheme), "%s/schemes/0", ctx);

	/* CONFIG_DAMON_PADDR=n: vaddr only; one name per line as 6.12 prints */
	put("sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/avail_operations",
	    "vaddr\nfvaddr\n");
	assert_int_equal(dsamig_damon_check_context(ctx), DSAMIG_DAMON_NO_PADDR);
	put("sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/avail_operations",
	    "vaddr\nfvaddr\npaddr\n");
	assert_int_equal(dsamig_damon_check_context(ctx), DSAMIG_DAMON_OK);

	/* a 6.10 scheme: no target_nid */
	put("sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/action", "stat\n");
	put("sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/apply_interval_us", "0\n");
	assert_int_equal(dsamig_damon_check_scheme(scheme), DSAMIG_DAMON_NO_MIGRATE);
	assert_non_null(strstr(dsamig_damon_gap_str(DSAMIG_DAMON_NO_MIGRATE), "6.11"));
	put("sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/schemes/0/target_nid", "-1\n");
	assert_int_equal(dsamig_damon_check_scheme(scheme), DSAMIG_DAMON_OK);
}

static void test_refuses_existing_kdamonds(void **state)
{
	struct dsamig_damon d;
	struct dsamig_damon_scheme s = { .hot = true };

	put("sys/kernel/mm/damon/admin/kdamonds/nr_kdamonds", "2\n");
	put("sys/kernel/mm/damon/admin/kdamonds/0/state", "on\n");
	put("sys/kernel/mm/damon/admin/kdamonds/1/state", "off\n");
	assert_int_equal(dsamig_damon_create(&d, admin_dir(), &s), -EBUSY);
	assert_int_equal(d.others, 2);
	assert_int_equal(d.others_on, 1);
	assert_false(d.created);
	/* nothing written */
	assert_string_equal(get("sys/kernel/mm/damon/admin/kdamonds/nr_kdamonds"), "2");
	assert_string_equal(get("sys/kernel/mm/damon/admin/kdamonds/0/state"), "on");
	/* and destroying what was not created writes nothing either */
	assert_int_equal(dsamig_damon_destroy(&d), 0);
	assert_string_equal(get("sys/kernel/mm/damon/admin/kdamonds/nr_kdamonds"), "2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iomem_ram),
		cmocka_unit_test(test_iomem_bad),
		cmocka_unit_test_setup_teardown(test_node_ranges, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_node_ranges_no_ram, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_node_ranges_no_hotplug, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_gap_no_sysfs, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_gap_paddr_and_migrate, setup_root,
						teardown_root),
		cmocka_unit_test_setup_teardown(test_refuses_existing_kdamonds, setup_root,
						teardown_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
