// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Block-cipher plumbing shared by SM4 and ARIA: path choice, x86 features. */
#include "bc.h"

#if defined(__x86_64__)
#ifdef __KERNEL__
#include <asm/cpufeature.h>
#else
#include <cpuid.h>
#endif

/**
 * ktls_x86_bc_features() - CPU features the block cipher paths can use
 *
 * Return: mask of KTLS_X86_*.
 */
unsigned int ktls_x86_bc_features(void)
{
	unsigned int f = 0;
#ifdef __KERNEL__
	if (boot_cpu_has(X86_FEATURE_XMM2) && boot_cpu_has(X86_FEATURE_SSSE3))
		f |= KTLS_X86_SSSE3;
	if (boot_cpu_has(X86_FEATURE_AES))
		f |= KTLS_X86_AESNI;
	if ((f & KTLS_X86_SSSE3) && boot_cpu_has(X86_FEATURE_GFNI))
		f |= KTLS_X86_GFNI;
	if (boot_cpu_has(X86_FEATURE_AVX2) && boot_cpu_has(X86_FEATURE_OSXSAVE))
		f |= KTLS_X86_AVX2;
#else
	static unsigned int cached;
	unsigned int a, b, c, d;

	if (cached)
		return cached & ~0x80000000U;
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		if (c & bit_SSSE3)
			f |= KTLS_X86_SSSE3;
		if (c & bit_AES)
			f |= KTLS_X86_AESNI;
	}
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		if ((c & (1U << 8)) && (f & KTLS_X86_SSSE3))
			f |= KTLS_X86_GFNI;
		if (b & bit_AVX2)
			f |= KTLS_X86_AVX2;
	}
	cached = f | 0x80000000U;
#endif
	return f;
}

#else /* !__x86_64__ */

unsigned int ktls_x86_bc_features(void)
{
	return 0;
}

#endif /* __x86_64__ */

static enum ktls_bc_impl bc_impl;	/* KTLS_BC_AUTO until resolved */

static enum ktls_bc_impl bc_best_impl(void)
{
	unsigned int f = ktls_x86_bc_features();

	if (f & KTLS_X86_GFNI)
		return KTLS_BC_GFNI;
	if ((f & (KTLS_X86_AESNI | KTLS_X86_SSSE3)) ==
	    (KTLS_X86_AESNI | KTLS_X86_SSSE3))
		return KTLS_BC_AESNI;
	return KTLS_BC_GENERIC;
}

/**
 * ktls_bc_set_impl() - choose the SM4 and ARIA code path
 * @impl: KTLS_BC_AUTO for the fastest constant-time path, or a specific one
 *
 * Return: 0, or -EOPNOTSUPP when the CPU lacks what @impl needs.
 */
int ktls_bc_set_impl(enum ktls_bc_impl impl)
{
	unsigned int f = ktls_x86_bc_features();

	switch (impl) {
	case KTLS_BC_AUTO:
		impl = bc_best_impl();
		break;
	case KTLS_BC_GENERIC:
		break;
	case KTLS_BC_AESNI:
		if ((f & (KTLS_X86_AESNI | KTLS_X86_SSSE3)) !=
		    (KTLS_X86_AESNI | KTLS_X86_SSSE3))
			return -EOPNOTSUPP;
		break;
	case KTLS_BC_GFNI:
		if (!(f & KTLS_X86_GFNI))
			return -EOPNOTSUPP;
		break;
	default:
		return -EINVAL;
	}
	bc_impl = impl;
	return 0;
}

/**
 * ktls_bc_get_impl() - the path in use (resolving KTLS_BC_AUTO on first use)
 *
 * Return: KTLS_BC_GENERIC, KTLS_BC_AESNI or KTLS_BC_GFNI.
 */
enum ktls_bc_impl ktls_bc_get_impl(void)
{
	enum ktls_bc_impl impl = bc_impl;

	if (impl == KTLS_BC_AUTO) {
		impl = bc_best_impl();
		bc_impl = impl;
	}
	return impl;
}

/**
 * ktls_bc_impl_name() - printable name of a path
 * @impl: path
 *
 * Return: a static string.
 */
const char *ktls_bc_impl_name(enum ktls_bc_impl impl)
{
	switch (impl) {
	case KTLS_BC_GENERIC:
		return "generic-ct";
	case KTLS_BC_AESNI:
		return "aesni-ssse3";
	case KTLS_BC_GFNI:
		return "gfni-sse";
	default:
		return "auto";
	}
}
