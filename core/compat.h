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

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif /* KTLS_CORE_COMPAT_H */
