// SPDX-License-Identifier: GPL-2.0 OR MIT
/* SM4 on x86-64: AES-NI or GFNI affine-isomorphism S-box, 8 blocks in parallel. */
#include "sm4.h"

#if defined(__x86_64__)

#ifdef __KERNEL__
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#else
#include <cpuid.h>
#define noinline	__attribute__((__noinline__))
#endif

/*
 * SM4's S-box is Mo * inv(Mi * x ^ ci) ^ co over the AES field (see
 * sm4_gf8.h), so a SIMD unit that inverts in that field evaluates it for
 * all 16 bytes of a register at once, with no table lookup:
 *
 *  - GFNI: GF2P8AFFINEQB applies Mi, GF2P8AFFINEINVQB inverts and applies Mo.
 *  - AES-NI: AESENCLAST with a zero key is ShiftRows(SubBytes(x)); the AES
 *    affine map is folded into the output map, ShiftRows is undone by
 *    permuting the input, and the 8x8 bit matrices are applied as two
 *    16-entry PSHUFB lookups indexed by the low and high nibble.  PSHUFB
 *    reads a register, not memory, so its "table" is constant time.
 *
 * Four blocks are transposed so that one register holds the same word of
 * each block; two such groups are interleaved to hide latency.  Nothing in
 * here branches on or indexes memory by data or key.
 */

typedef u8 v16u8 __attribute__((vector_size(16)));
typedef u16 v8u16 __attribute__((vector_size(16)));
typedef u32 v4u32 __attribute__((vector_size(16)));
typedef char v16qi __attribute__((vector_size(16)));
typedef long long v2di __attribute__((vector_size(16)));

#define TGT_AESNI	__attribute__((target("sse2,ssse3,aes")))
#define TGT_GFNI	__attribute__((target("sse2,ssse3,gfni")))

static const v16u8 bswap32_mask = {
	3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12
};
static const v16u8 rol8_mask = {
	3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14
};
static const v16u8 rol16_mask = {
	2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13
};
static const v16u8 rol24_mask = {
	1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12
};
static const v16u8 inv_shift_rows = {
	0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3
};
/* Mi with ci folded into the low-nibble table. */
static const v16u8 sm4_in_lo = {
	0x3e, 0xb2, 0x0e, 0x82, 0xbb, 0x37, 0x8b, 0x07,
	0xa1, 0x2d, 0x91, 0x1d, 0x24, 0xa8, 0x14, 0x98
};
static const v16u8 sm4_in_hi = {
	0x00, 0xdc, 0x2e, 0xf2, 0xc5, 0x19, 0xeb, 0x37,
	0x08, 0xd4, 0x26, 0xfa, 0xcd, 0x11, 0xe3, 0x3f
};
/* Mo * (AES affine)^-1, constants folded, applied after AESENCLAST. */
static const v16u8 sm4_out_aesni_lo = {
	0x6c, 0xd4, 0xa6, 0x1e, 0x52, 0xea, 0x98, 0x20,
	0x0b, 0xb3, 0xc1, 0x79, 0x35, 0x8d, 0xff, 0x47
};
static const v16u8 sm4_out_aesni_hi = {
	0x00, 0xe0, 0x50, 0xb0, 0x9d, 0x7d, 0xcd, 0x2d,
	0xc0, 0x20, 0x90, 0x70, 0x5d, 0xbd, 0x0d, 0xed
};
/* GF2P8AFFINEQB matrices: row i of the bit matrix is byte 7 - i. */
#define SM4_GFNI_IN	0x4c287db91a22505dLL
#define SM4_GFNI_IN_C	0x3e
#define SM4_GFNI_OUT	0xf3ab34a974a6b589LL
#define SM4_GFNI_OUT_C	0xd3
static const v2di sm4_gfni_in = { SM4_GFNI_IN, SM4_GFNI_IN };
static const v2di sm4_gfni_out = { SM4_GFNI_OUT, SM4_GFNI_OUT };
static const v2di zero128 = { 0, 0 };

#define PSHUFB(t, i)	((v16u8)__builtin_ia32_pshufb128((v16qi)(t), (v16qi)(i)))
#define ROTB(x, m)	((v4u32)PSHUFB(x, m))

#define AFFINE_NIB(x, lo, hi)						\
	(PSHUFB(lo, (x) & 0x0f) ^						\
	 PSHUFB(hi, (v16u8)((v8u16)(x) >> 4) & 0x0f))

#define SBOX_AESNI(x) ({						\
	v16u8 u_ = AFFINE_NIB((v16u8)(x), sm4_in_lo, sm4_in_hi);	\
	u_ = PSHUFB(u_, inv_shift_rows);				\
	u_ = (v16u8)__builtin_ia32_aesenclast128((v2di)u_, zero128);	\
	(v4u32)AFFINE_NIB(u_, sm4_out_aesni_lo, sm4_out_aesni_hi);	\
})

#define SBOX_GFNI(x) ({							\
	v16qi u_ = __builtin_ia32_vgf2p8affineqb_v16qi((v16qi)(x),	\
		(v16qi)sm4_gfni_in, SM4_GFNI_IN_C);			\
	(v4u32)__builtin_ia32_vgf2p8affineinvqb_v16qi(u_,		\
		(v16qi)sm4_gfni_out, SM4_GFNI_OUT_C);			\
})

/* L(b) = b ^ (b <<< 2) ^ (b <<< 10) ^ (b <<< 18) ^ (b <<< 24) */
#define SM4_L(b) ({							\
	v4u32 b_ = (b);							\
	v4u32 t_ = b_ ^ ROTB(b_, rol8_mask) ^ ROTB(b_, rol16_mask);	\
	b_ ^ ROTB(b_, rol24_mask) ^ (t_ << 2) ^ (t_ >> 30);		\
})

#define TRANSPOSE(x0, x1, x2, x3) do {					\
	v4u32 t0_ = __builtin_shuffle(x0, x1, (v4u32){ 0, 4, 1, 5 });	\
	v4u32 t1_ = __builtin_shuffle(x2, x3, (v4u32){ 0, 4, 1, 5 });	\
	v4u32 t2_ = __builtin_shuffle(x0, x1, (v4u32){ 2, 6, 3, 7 });	\
	v4u32 t3_ = __builtin_shuffle(x2, x3, (v4u32){ 2, 6, 3, 7 });	\
	x0 = __builtin_shuffle(t0_, t1_, (v4u32){ 0, 1, 4, 5 });	\
	x1 = __builtin_shuffle(t0_, t1_, (v4u32){ 2, 3, 6, 7 });	\
	x2 = __builtin_shuffle(t2_, t3_, (v4u32){ 0, 1, 4, 5 });	\
	x3 = __builtin_shuffle(t2_, t3_, (v4u32){ 2, 3, 6, 7 });	\
} while (0)

#define LOAD4(p, x0, x1, x2, x3) do {					\
	__builtin_memcpy(&x0, (p), 16);					\
	__builtin_memcpy(&x1, (p) + 16, 16);				\
	__builtin_memcpy(&x2, (p) + 32, 16);				\
	__builtin_memcpy(&x3, (p) + 48, 16);				\
	x0 = ROTB(x0, bswap32_mask);					\
	x1 = ROTB(x1, bswap32_mask);					\
	x2 = ROTB(x2, bswap32_mask);					\
	x3 = ROTB(x3, bswap32_mask);					\
	TRANSPOSE(x0, x1, x2, x3);					\
} while (0)

/* Output is (X35, X34, X33, X32): store the words in reverse. */
#define STORE4(p, x0, x1, x2, x3) do {					\
	TRANSPOSE(x3, x2, x1, x0);					\
	x3 = ROTB(x3, bswap32_mask);					\
	x2 = ROTB(x2, bswap32_mask);					\
	x1 = ROTB(x1, bswap32_mask);					\
	x0 = ROTB(x0, bswap32_mask);					\
	__builtin_memcpy((p), &x3, 16);					\
	__builtin_memcpy((p) + 16, &x2, 16);				\
	__builtin_memcpy((p) + 32, &x1, 16);				\
	__builtin_memcpy((p) + 48, &x0, 16);				\
} while (0)

#define SM4_CRYPT8(SBOX) do {						\
	v4u32 a0, a1, a2, a3, b0, b1, b2, b3;				\
	int i;								\
									\
	LOAD4(in, a0, a1, a2, a3);					\
	LOAD4(in + 64, b0, b1, b2, b3);					\
	for (i = 0; i < 32; i += 4) {					\
		SM4_ROUND(SBOX, rk[i], a0, a1, a2, a3, b0, b1, b2, b3); \
		SM4_ROUND(SBOX, rk[i + 1], a1, a2, a3, a0, b1, b2, b3, b0); \
		SM4_ROUND(SBOX, rk[i + 2], a2, a3, a0, a1, b2, b3, b0, b1); \
		SM4_ROUND(SBOX, rk[i + 3], a3, a0, a1, a2, b3, b0, b1, b2); \
	}								\
	STORE4(out, a0, a1, a2, a3);					\
	STORE4(out + 64, b0, b1, b2, b3);				\
} while (0)

#define SM4_ROUND(SBOX, k, a0, a1, a2, a3, b0, b1, b2, b3) do {	\
	v4u32 k_ = { k, k, k, k };					\
	v4u32 ta_ = SBOX(a1 ^ a2 ^ a3 ^ k_);				\
	v4u32 tb_ = SBOX(b1 ^ b2 ^ b3 ^ k_);				\
	a0 ^= SM4_L(ta_);						\
	b0 ^= SM4_L(tb_);						\
} while (0)

static TGT_AESNI noinline
void sm4_crypt8_aesni(const u32 *rk, u8 *out, const u8 *in)
{
	SM4_CRYPT8(SBOX_AESNI);
}

static TGT_GFNI noinline
void sm4_crypt8_gfni(const u32 *rk, u8 *out, const u8 *in)
{
	SM4_CRYPT8(SBOX_GFNI);
}

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

#ifdef __KERNEL__
#define KTLS_FPU_CHUNK	64	/* blocks per kernel_fpu section: 1 KiB */
#else
#define KTLS_FPU_CHUNK	((size_t)-1)
#endif

static void sm4_x86_run(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
			const u8 *in, size_t nblocks)
{
	u8 buf[128];

	for (; nblocks >= 8; nblocks -= 8, in += 128, out += 128) {
		if (impl == KTLS_BC_GFNI)
			sm4_crypt8_gfni(rk, out, in);
		else
			sm4_crypt8_aesni(rk, out, in);
	}
	if (!nblocks)
		return;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, in, nblocks * 16);
	if (impl == KTLS_BC_GFNI)
		sm4_crypt8_gfni(rk, buf, buf);
	else
		sm4_crypt8_aesni(rk, buf, buf);
	memcpy(out, buf, nblocks * 16);
	memset(buf, 0, sizeof(buf));
}

/**
 * ktls_sm4_x86_crypt() - run SM4 on whole blocks with a SIMD path
 * @impl: KTLS_BC_AESNI or KTLS_BC_GFNI (the caller checked the CPU)
 * @rk: 32 round keys (encryption or decryption order)
 * @out: output, may equal @in
 * @in: input
 * @nblocks: number of blocks
 *
 * In the kernel this brackets the work with kernel_fpu_begin()/end() in
 * chunks of KTLS_FPU_CHUNK blocks.
 *
 * Return: 0, or -EBUSY when the FPU cannot be used in this context (the
 * caller then uses the generic path).
 */
int ktls_sm4_x86_crypt(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       const u8 *in, size_t nblocks)
{
#ifdef __KERNEL__
	if (!irq_fpu_usable())
		return -EBUSY;
#endif
	while (nblocks) {
		size_t n = nblocks < KTLS_FPU_CHUNK ? nblocks : KTLS_FPU_CHUNK;

#ifdef __KERNEL__
		kernel_fpu_begin();
#endif
		sm4_x86_run(impl, rk, out, in, n);
#ifdef __KERNEL__
		kernel_fpu_end();
#endif
		in += 16 * n;
		out += 16 * n;
		nblocks -= n;
	}
	return 0;
}

#else /* !__x86_64__ */

unsigned int ktls_x86_bc_features(void)
{
	return 0;
}

int ktls_sm4_x86_crypt(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       const u8 *in, size_t nblocks)
{
	return -EOPNOTSUPP;
}

#endif /* __x86_64__ */
