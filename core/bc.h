/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Block-cipher plumbing shared by SM4 and ARIA (core/bc.c): which code path
 * runs, the x86 features the SIMD paths need, byte order and rotation.
 */
#ifndef KTLS_CORE_BC_H
#define KTLS_CORE_BC_H

#include "compat.h"

/* Code path of SM4 and ARIA, one choice for both. */
enum ktls_bc_impl {
	KTLS_BC_AUTO = 0,	/* fastest constant-time path the CPU has */
	KTLS_BC_GENERIC,	/* portable C, constant time */
	KTLS_BC_AESNI,		/* x86-64 SSSE3 + AES-NI, constant time */
	KTLS_BC_GFNI,		/* x86-64 GFNI (+ AVX2 when present), constant time */
};

/* Pick a path (KTLS_BC_AUTO: the best the CPU has); -EOPNOTSUPP if absent. */
int ktls_bc_set_impl(enum ktls_bc_impl impl);
/* The path in use, resolving KTLS_BC_AUTO on first use. */
enum ktls_bc_impl ktls_bc_get_impl(void);
const char *ktls_bc_impl_name(enum ktls_bc_impl impl);

/* x86-64 CPU features of the SIMD paths (0 elsewhere). */
#define KTLS_X86_SSSE3	(1U << 0)
#define KTLS_X86_AESNI	(1U << 1)
#define KTLS_X86_GFNI	(1U << 2)
#define KTLS_X86_AVX2	(1U << 3)
unsigned int ktls_x86_bc_features(void);

static inline u32 ktls_rol32(u32 x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

static inline u32 ktls_load_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void ktls_store_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

#endif /* KTLS_CORE_BC_H */
