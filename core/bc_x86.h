/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* x86-64 SIMD helpers shared by the SM4 and ARIA paths (sm4_x86.c, aria_x86.c). */
#ifndef KTLS_CORE_BC_X86_H
#define KTLS_CORE_BC_X86_H

#include "compat.h"

#ifdef __KERNEL__
#include <asm/fpu/api.h>
#endif

typedef u8 v16u8 __attribute__((vector_size(16)));
typedef u16 v8u16 __attribute__((vector_size(16)));
typedef u32 v4u32 __attribute__((vector_size(16)));
typedef s64 v2di __attribute__((vector_size(16)));

#define TGT_AESNI	__attribute__((target("sse2,ssse3,aes")))
#define TGT_GFNI	__attribute__((target("sse2,ssse3,gfni")))

/* GCC's byte builtins take vectors of plain char (neither u8 nor s8) */
#define V16QI(x)	((char __attribute__((vector_size(16))))(x))

#define PSHUFB(t, i)	((v16u8)__builtin_ia32_pshufb128(V16QI(t), V16QI(i)))

/*
 * An 8x8 bit matrix (plus constant, folded into @lo) on every byte: two
 * 16-entry PSHUFB lookups, on the low and the high nibble.  PSHUFB reads a
 * register, not memory, so this "table" is constant time.
 */
#define AFFINE_NIB(x, lo, hi)						\
	(PSHUFB(lo, (x) & 0x0f) ^						\
	 PSHUFB(hi, (v16u8)((v8u16)(x) >> 4) & 0x0f))

/*
 * AESENCLAST(x, 0) is ShiftRows(SubBytes(x)): PSHUFB by this first and the
 * bytes come out where they went in.
 */
static const v16u8 ktls_x86_inv_shift_rows = {
	0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3
};
static const v2di ktls_x86_zero = { 0, 0 };

/* GF2P8AFFINEQB / GF2P8AFFINEINVQB: row i of the bit matrix is byte 7 - i. */
#define GF_AFF(x, m, c)							\
	((v16u8)__builtin_ia32_vgf2p8affineqb_v16qi(V16QI(x), V16QI(m), c))
#define GF_AFFINV(x, m, c)						\
	((v16u8)__builtin_ia32_vgf2p8affineinvqb_v16qi(V16QI(x), V16QI(m), c))

/*
 * In the kernel SIMD runs inside kernel_fpu_begin()/end(), at most
 * KTLS_FPU_CHUNK blocks (1 KiB) per section to bound preemption latency.
 */
#ifdef __KERNEL__
#define KTLS_FPU_CHUNK	64
#define ktls_fpu_usable()	irq_fpu_usable()
#define ktls_fpu_begin()	kernel_fpu_begin()
#define ktls_fpu_end()		kernel_fpu_end()
#else
#define KTLS_FPU_CHUNK	((size_t)-1)
#define ktls_fpu_usable()	true
#define ktls_fpu_begin()	do { } while (0)
#define ktls_fpu_end()		do { } while (0)
#endif

/*
 * Run @body for chunks of @nblocks (an lvalue, consumed), @n blocks each,
 * one FPU section per chunk; @body advances its own pointers by @n blocks.
 * Evaluates to 0, or -EBUSY (nothing done) when the FPU is unusable here.
 */
#define KTLS_FPU_CHUNKS(nblocks, n, body) ({				\
	int ret_ = ktls_fpu_usable() ? 0 : -EBUSY;			\
									\
	while (!ret_ && (nblocks)) {					\
		size_t n = (nblocks) < KTLS_FPU_CHUNK ? (nblocks) :	\
			   KTLS_FPU_CHUNK;				\
									\
		ktls_fpu_begin();					\
		body;							\
		ktls_fpu_end();						\
		(nblocks) -= n;						\
	}								\
	ret_;								\
})

#endif /* KTLS_CORE_BC_X86_H */
