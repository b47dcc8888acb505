// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ARIA on x86-64: byte-sliced, 16 blocks in parallel, AES-NI or GFNI S-boxes. */
#include "aria.h"

#if defined(__x86_64__)

#include "bc_x86.h"

/*
 * Sixteen blocks are transposed so that register j holds byte j of every
 * block.  The substitution layer then applies one S-box to a whole
 * register, and the diffusion layer A is plain XOR of registers.
 *
 * All four S-boxes come from inversion in the AES field (core/aria.c):
 *
 *  - AES-NI: AESENCLAST with a zero key is ShiftRows(SB1(x)) and
 *    AESDECLAST is InvShiftRows(SB3(x)); the row shifts are undone by
 *    permuting the input with PSHUFB.  SB2 is an affine map of SB1's
 *    output, SB4 is SB3 of an affine map of the input; the 8x8 bit
 *    matrices are two 16-entry PSHUFB lookups on the nibbles (register
 *    operands, not memory).
 *  - GFNI: GF2P8AFFINEINVQB gives SB1 and SB2 directly, SB3 and SB4 after
 *    a GF2P8AFFINEQB.
 *
 * Nothing branches on or indexes memory by data or key; the transposition
 * is fixed shuffles.  The maps come from tests/ciphers/gen_sbox.py.
 */

/* AESDECLAST(x, 0) is InvShiftRows(InvSubBytes(x)): PSHUFB by this first */
static const v16u8 aria_shift_rows = {
	0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11
};
/* SB2 = M2(AES S-box output), constant folded into the low table. */
static const v16u8 aria_s2_lo = {
	0x88, 0x0d, 0x37, 0xb2, 0x00, 0x85, 0xbf, 0x3a,
	0xa8, 0x2d, 0x17, 0x92, 0x20, 0xa5, 0x9f, 0x1a
};
static const v16u8 aria_s2_hi = {
	0x00, 0x3e, 0xd4, 0xea, 0x84, 0xba, 0x50, 0x6e,
	0xcd, 0xf3, 0x19, 0x27, 0x49, 0x77, 0x9d, 0xa3
};
/* SB4 = inverse AES S-box of M4(x). */
static const v16u8 aria_s4_lo = {
	0x04, 0x45, 0xee, 0xaf, 0x17, 0x56, 0xfd, 0xbc,
	0x53, 0x12, 0xb9, 0xf8, 0x40, 0x01, 0xaa, 0xeb
};
static const v16u8 aria_s4_hi = {
	0x00, 0xb6, 0x08, 0xbe, 0xd6, 0x60, 0xde, 0x68,
	0x53, 0xe5, 0x5b, 0xed, 0x85, 0x33, 0x8d, 0x3b
};

/* GF2P8AFFINE(INV)QB matrices (bc_x86.h). */
#define ARIA_GFNI_AFF		0xf1e3c78f1f3e7cf8LL	/* AES affine, 0x63 */
#define ARIA_GFNI_AFF_INV	0xa44992254a942952LL	/* its inverse, 0x05 */
#define ARIA_GFNI_BF		0xeafcb7c3c273c66fLL	/* SB2 output, 0xe2 */
#define ARIA_GFNI_BF_INV	0x186450c737d6bdc9LL	/* SB4 input, 0x2c */
#define ARIA_GFNI_IDENT		0x0102040810204080LL
static const v2di aria_gfni_aff = { ARIA_GFNI_AFF, ARIA_GFNI_AFF };
static const v2di aria_gfni_aff_inv = { ARIA_GFNI_AFF_INV, ARIA_GFNI_AFF_INV };
static const v2di aria_gfni_bf = { ARIA_GFNI_BF, ARIA_GFNI_BF };
static const v2di aria_gfni_bf_inv = { ARIA_GFNI_BF_INV, ARIA_GFNI_BF_INV };
static const v2di aria_gfni_ident = { ARIA_GFNI_IDENT, ARIA_GFNI_IDENT };

#define AESENCLAST(x)							\
	((v16u8)__builtin_ia32_aesenclast128((v2di)(x), ktls_x86_zero))
#define AESDECLAST(x)							\
	((v16u8)__builtin_ia32_aesdeclast128((v2di)(x), ktls_x86_zero))

#define SB1_AESNI(x)	AESENCLAST(PSHUFB(x, ktls_x86_inv_shift_rows))
#define SB2_AESNI(x)	AFFINE_NIB(SB1_AESNI(x), aria_s2_lo, aria_s2_hi)
#define SB3_AESNI(x)	AESDECLAST(PSHUFB(x, aria_shift_rows))
#define SB4_AESNI(x)	SB3_AESNI(AFFINE_NIB(x, aria_s4_lo, aria_s4_hi))

#define SB1_GFNI(x)	GF_AFFINV(x, aria_gfni_aff, 0x63)
#define SB2_GFNI(x)	GF_AFFINV(x, aria_gfni_bf, 0xe2)
#define SB3_GFNI(x)							\
	GF_AFFINV(GF_AFF(x, aria_gfni_aff_inv, 0x05), aria_gfni_ident, 0)
#define SB4_GFNI(x)							\
	GF_AFFINV(GF_AFF(x, aria_gfni_bf_inv, 0x2c), aria_gfni_ident, 0)

/* 16x16 byte transpose: four perfect shuffles (also its own inverse). */
static __always_inline
void aria_transpose(v16u8 x[16])
{
	static const v16u8 lo = { 0, 16, 1, 17, 2, 18, 3, 19,
				  4, 20, 5, 21, 6, 22, 7, 23 };
	static const v16u8 hi = { 8, 24, 9, 25, 10, 26, 11, 27,
				  12, 28, 13, 29, 14, 30, 15, 31 };
	v16u8 y[16];
	int s, i;

	for (s = 0; s < 4; s++) {
		for (i = 0; i < 8; i++) {
			y[2 * i] = __builtin_shuffle(x[i], x[i + 8], lo);
			y[2 * i + 1] = __builtin_shuffle(x[i], x[i + 8], hi);
		}
		for (i = 0; i < 16; i++)
			x[i] = y[i];
	}
}

/* Diffusion layer A on byte-sliced registers. */
static __always_inline
void aria_a16(v16u8 x[16])
{
	v16u8 r[16];
	int i;

	KTLS_ARIA_A(v16u8, r, x);
	for (i = 0; i < 16; i++)
		x[i] = r[i];
}

/* Round key k: byte j of k goes to every lane of register j. */
#define ARIA_ADDKEY(x, k) do {						\
	int j_;								\
									\
	for (j_ = 0; j_ < 16; j_++)					\
		(x)[j_] ^= (k)[j_];					\
} while (0)

/* SL1 = (SB1, SB2, SB3, SB4) repeated; SL2 = (SB3, SB4, SB1, SB2). */
#define ARIA_SL(x, sl2, SB1, SB2, SB3, SB4) do {			\
	int j_;								\
									\
	for (j_ = 0; j_ < 16; j_ += 4) {				\
		if (!(sl2)) {						\
			(x)[j_] = SB1((x)[j_]);				\
			(x)[j_ + 1] = SB2((x)[j_ + 1]);			\
			(x)[j_ + 2] = SB3((x)[j_ + 2]);			\
			(x)[j_ + 3] = SB4((x)[j_ + 3]);			\
		} else {						\
			(x)[j_] = SB3((x)[j_]);				\
			(x)[j_ + 1] = SB4((x)[j_ + 1]);			\
			(x)[j_ + 2] = SB1((x)[j_ + 2]);			\
			(x)[j_ + 3] = SB2((x)[j_ + 3]);			\
		}							\
	}								\
} while (0)

#define ARIA_CRYPT16(SB1, SB2, SB3, SB4) do {				\
	v16u8 x[16];							\
	unsigned int i;							\
									\
	for (i = 0; i < 16; i++)					\
		__builtin_memcpy(&x[i], in + 16 * i, 16);		\
	aria_transpose(x);						\
	for (i = 0; i + 1 < n; i++) {					\
		ARIA_ADDKEY(x, rk + 16 * i);				\
		ARIA_SL(x, i & 1, SB1, SB2, SB3, SB4);			\
		aria_a16(x);						\
	}								\
	ARIA_ADDKEY(x, rk + 16 * (n - 1));				\
	ARIA_SL(x, 1, SB1, SB2, SB3, SB4);				\
	ARIA_ADDKEY(x, rk + 16 * n);					\
	aria_transpose(x);						\
	for (i = 0; i < 16; i++)					\
		__builtin_memcpy(out + 16 * i, &x[i], 16);		\
} while (0)

static TGT_AESNI noinline
void aria_crypt16_aesni(const u8 *rk, unsigned int n, u8 *out,
			const u8 *in)
{
	ARIA_CRYPT16(SB1_AESNI, SB2_AESNI, SB3_AESNI, SB4_AESNI);
}

static TGT_GFNI noinline
void aria_crypt16_gfni(const u8 *rk, unsigned int n, u8 *out,
		       const u8 *in)
{
	ARIA_CRYPT16(SB1_GFNI, SB2_GFNI, SB3_GFNI, SB4_GFNI);
}

static void aria_x86_run(enum ktls_bc_impl impl, const u8 *rk,
			 unsigned int n, u8 *out, const u8 *in, size_t nblocks)
{
	u8 buf[256];

	for (; nblocks >= 16; nblocks -= 16, in += 256, out += 256) {
		if (impl == KTLS_BC_GFNI)
			aria_crypt16_gfni(rk, n, out, in);
		else
			aria_crypt16_aesni(rk, n, out, in);
	}
	if (!nblocks)
		return;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, in, nblocks * 16);
	if (impl == KTLS_BC_GFNI)
		aria_crypt16_gfni(rk, n, buf, buf);
	else
		aria_crypt16_aesni(rk, n, buf, buf);
	memcpy(out, buf, nblocks * 16);
	ktls_wipe(buf, sizeof(buf));
}

/**
 * ktls_aria_x86_crypt() - run ARIA on whole blocks with a SIMD path
 * @impl: KTLS_BC_AESNI or KTLS_BC_GFNI (the caller checked the CPU)
 * @rk: n + 1 round keys (encryption or decryption schedule)
 * @n: rounds (12, 14 or 16)
 * @out: output, may equal @in
 * @in: input
 * @nblocks: number of blocks
 *
 * In the kernel the work is bracketed by kernel_fpu_begin()/end() in chunks
 * of KTLS_FPU_CHUNK blocks (bc_x86.h).
 *
 * Return: 0, or -EBUSY when the FPU cannot be used in this context (the
 * caller then uses the generic path).
 */
int ktls_aria_x86_crypt(enum ktls_bc_impl impl, const u8 *rk,
			unsigned int n, u8 *out, const u8 *in, size_t nblocks)
{
	return KTLS_FPU_CHUNKS(nblocks, c, {
		aria_x86_run(impl, rk, n, out, in, c);
		in += 16 * c;
		out += 16 * c;
	});
}

#else /* !__x86_64__ */

int ktls_aria_x86_crypt(enum ktls_bc_impl impl, const u8 *rk,
			unsigned int n, u8 *out, const u8 *in, size_t nblocks)
{
	return -EOPNOTSUPP;
}

#endif /* __x86_64__ */
