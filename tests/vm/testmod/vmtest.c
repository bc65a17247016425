// SPDX-License-Identifier: GPL-2.0
/*
 * vmtest.ko: proves that modules built against the guest's headers load in
 * the test guest, and lets the harness's own tests make the kernel warn.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/bug.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "emit a WARNING while loading (tests the guest's kernel-log check)");

static int __init vmtest_init(void)
{
	pr_info("loaded\n");
	WARN(warn, "vmtest: warning on request\n");
	return 0;
}

static void __exit vmtest_exit(void)
{
	pr_info("unloaded\n");
}

module_init(vmtest_init);
module_exit(vmtest_exit);
MODULE_DESCRIPTION("dsamig test-guest probe module");
MODULE_LICENSE("GPL");
