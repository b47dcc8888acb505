/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Type and errno shims so core/ builds both inside the kernel and natively. */
#ifndef KTLS_CORE_COMPAT_H
#define KTLS_CORE_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
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

_Static_assert(sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8,
	       "core/ needs exact-width u16/u32/u64");
#endif

#endif /* KTLS_CORE_COMPAT_H */
