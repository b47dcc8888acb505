/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Type and errno shims so core/ builds both inside the kernel and natively. */
#ifndef KTLS_CORE_COMPAT_H
#define KTLS_CORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>

/* Wipe secrets (key schedules, keystream) so the compiler keeps the stores. */
#define ktls_wipe(p, n)	memzero_explicit(p, n)
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef long long s64;

_Static_assert(sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8,
	       "core/ needs exact-width u16/u32/u64");

#define ktls_wipe(p, n)	explicit_bzero(p, n)
/* the kernel's spellings, from glibc's <sys/cdefs.h> */
#define noinline	__attribute_noinline__
#endif

#endif /* KTLS_CORE_COMPAT_H */
