// SPDX-License-Identifier: GPL-2.0
/* testhook.c - the race-window delays of testhook.h (KTLS_TEST_HOOKS only). */

#include <linux/delay.h>
#include <linux/module.h>

#include "testhook.h"

/* hook_NAME_us (the wait) and hook_NAME_hits (passes while it was set) */
#define KTLS_HOOK_DEFINE(name, where)					\
	struct ktls_hook ktls_hook_##name;				\
	module_param_named(hook_##name##_us, ktls_hook_##name.us, uint, 0644); \
	MODULE_PARM_DESC(hook_##name##_us, "test only: busy-wait " where); \
	module_param_named(hook_##name##_hits, ktls_hook_##name.hits, uint, 0444)

KTLS_HOOK_DEFINE(write_space, "in write_space before queueing the TX work");
KTLS_HOOK_DEFINE(tx_work, "at the start of the TX work");

/* Any context, softirq included: busy-waits, never sleeps. */
void ktls_hook_wait(struct ktls_hook *h)
{
	unsigned int us = READ_ONCE(h->us);

	if (!us)
		return;
	WRITE_ONCE(h->hits, READ_ONCE(h->hits) + 1);
	for (; us >= 1000; us -= 1000)
		mdelay(1);
	udelay(us);
}
