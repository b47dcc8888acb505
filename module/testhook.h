/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testhook.h - delays injected into race windows, for tests only.
 *
 * A race between a softirq and a process on another CPU is a few
 * instructions wide; a test cannot hit it, nor show that a fix closed it.
 * Built with KTLS_TEST_HOOKS (the debug kernel's module only, never the
 * one users get), a named window busy-waits for the microseconds in the
 * module parameter hook_<name>_us and counts its passes in
 * hook_<name>_hits, so a test widens exactly that window and proves it
 * was reached. Without KTLS_TEST_HOOKS a hook is nothing.
 */
#ifndef KTLS_TESTHOOK_H
#define KTLS_TESTHOOK_H

#ifdef KTLS_TEST_HOOKS
struct ktls_hook {
	unsigned int us;
	unsigned int hits;
};

/* softirq write_space, after deciding to queue the TX work (tx.c) */
extern struct ktls_hook ktls_hook_write_space;
/* the TX work, before it looks up the socket's context (tx.c) */
extern struct ktls_hook ktls_hook_tx_work;

void ktls_hook_wait(struct ktls_hook *h);
#define KTLS_HOOK(name)	ktls_hook_wait(&ktls_hook_##name)
#else
static inline void ktls_hook_none(const char *name)
{
}

#define KTLS_HOOK(name)	ktls_hook_none(#name)
#endif

#endif /* KTLS_TESTHOOK_H */
