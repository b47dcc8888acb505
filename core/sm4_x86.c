// SPDX-License-Identifier: GPL-2.0 OR MIT
/* SM4 on x86-64: AES-NI or GFNI affine-isomorphism S-box, 8 blocks in parallel. */
#include "sm4.h"

#if defined(__x86_64__)

#include "bc_x86.h"

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

#define ROTB(x, m)	((v4u32)PSHUFB(x, m))

#define SBOX_AESNI(x) ({						\
	v16u8 u_ = AFFINE_NIB((v16u8)(x), sm4_in_lo, sm4_in_hi);	\
	u_ = PSHUFB(u_, ktls_x86_inv_shift_rows);				\
	u_ = (v16u8)__builtin_ia32_aesenclast128((v2di)u_, ktls_x86_zero);	\
	(v4u32)AFFINE_NIB(u_, sm4_out_aesni_lo, sm4_out_aesni_hi);	\
})

#define SBOX_GFNI(x)							\
	((v4u32)GF_AFFINV(GF_AFF(x, sm4_gfni_in, SM4_GFNI_IN_C),	\
			  sm4_gfni_out, SM4_GFNI_OUT_C))

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

/*
 * GFNI with AVX2: the same algorithm on 256-bit registers, i.e. two 4-block
 * groups per register (one per 128-bit lane; every shuffle stays within its
 * lane), 16 blocks per call.
 */
typedef u32 v8u32 __attribute__((vector_size(32)));
typedef u8 v32u8 __attribute__((vector_size(32)));
typedef s64 v4di __attribute__((vector_size(32)));

#define TGT_GFNI_AVX2	__attribute__((target("avx2,gfni")))
#define V32QI(x)	((char __attribute__((vector_size(32))))(x))
#define ROTB2(x, m)							\
	((v8u32)__builtin_ia32_pshufb256(V32QI(x), V32QI(m)))
#define LANES2(v)	{ v, v }

static const v4di sm4_gfni_in2 = { SM4_GFNI_IN, SM4_GFNI_IN,
				   SM4_GFNI_IN, SM4_GFNI_IN };
static const v4di sm4_gfni_out2 = { SM4_GFNI_OUT, SM4_GFNI_OUT,
				    SM4_GFNI_OUT, SM4_GFNI_OUT };
static const struct { v16u8 l[2]; } sm4_masks2[4] = {
	{ LANES2(bswap32_mask) }, { LANES2(rol8_mask) },
	{ LANES2(rol16_mask) }, { LANES2(rol24_mask) },
};

#define SBOX_GFNI2(x)							\
	((v8u32)__builtin_ia32_vgf2p8affineinvqb_v32qi(			\
		__builtin_ia32_vgf2p8affineqb_v32qi(V32QI(x),		\
			V32QI(sm4_gfni_in2), SM4_GFNI_IN_C),		\
		V32QI(sm4_gfni_out2), SM4_GFNI_OUT_C))

#define SM4_L2(b, m8, m16, m24) ({					\
	v8u32 b_ = (b);							\
	v8u32 t_ = b_ ^ ROTB2(b_, m8) ^ ROTB2(b_, m16);			\
	b_ ^ ROTB2(b_, m24) ^ (t_ << 2) ^ (t_ >> 30);			\
})

#define TRANSPOSE2(x0, x1, x2, x3) do {					\
	const v8u32 lo_ = { 0, 8, 1, 9, 4, 12, 5, 13 };			\
	const v8u32 hi_ = { 2, 10, 3, 11, 6, 14, 7, 15 };		\
	const v8u32 l2_ = { 0, 1, 8, 9, 4, 5, 12, 13 };			\
	const v8u32 h2_ = { 2, 3, 10, 11, 6, 7, 14, 15 };		\
	v8u32 t0_ = __builtin_shuffle(x0, x1, lo_);			\
	v8u32 t1_ = __builtin_shuffle(x2, x3, lo_);			\
	v8u32 t2_ = __builtin_shuffle(x0, x1, hi_);			\
	v8u32 t3_ = __builtin_shuffle(x2, x3, hi_);			\
	x0 = __builtin_shuffle(t0_, t1_, l2_);				\
	x1 = __builtin_shuffle(t0_, t1_, h2_);				\
	x2 = __builtin_shuffle(t2_, t3_, l2_);				\
	x3 = __builtin_shuffle(t2_, t3_, h2_);				\
} while (0)

/* block i of the group in the low lane of x[i], block i + 4 in the high */
#define LOAD8(p, x, bs) do {						\
	int j_;								\
									\
	for (j_ = 0; j_ < 4; j_++) {					\
		__builtin_memcpy(&x[j_], (p) + 16 * j_, 16);		\
		__builtin_memcpy((u8 *)&x[j_] + 16, (p) + 64 + 16 * j_, 16); \
		x[j_] = ROTB2(x[j_], bs);				\
	}								\
	TRANSPOSE2(x[0], x[1], x[2], x[3]);				\
} while (0)

#define STORE8(p, x, bs) do {						\
	int j_;								\
									\
	TRANSPOSE2(x[3], x[2], x[1], x[0]);				\
	for (j_ = 0; j_ < 4; j_++) {					\
		v8u32 y_ = ROTB2(x[3 - j_], bs);			\
									\
		__builtin_memcpy((p) + 16 * j_, &y_, 16);		\
		__builtin_memcpy((p) + 64 + 16 * j_, (u8 *)&y_ + 16, 16); \
	}								\
} while (0)

static TGT_GFNI_AVX2 noinline
void sm4_crypt16_gfni_avx2(const u32 *rk, u8 *out, const u8 *in)
{
	v8u32 bs, m8, m16, m24, a[4], b[4];
	int i, r;

	__builtin_memcpy(&bs, &sm4_masks2[0], 32);
	__builtin_memcpy(&m8, &sm4_masks2[1], 32);
	__builtin_memcpy(&m16, &sm4_masks2[2], 32);
	__builtin_memcpy(&m24, &sm4_masks2[3], 32);
	LOAD8(in, a, bs);
	LOAD8(in + 128, b, bs);
	for (i = 0; i < 32; i += 4) {
		for (r = 0; r < 4; r++) {
			v8u32 k = { rk[i + r], rk[i + r], rk[i + r], rk[i + r],
				    rk[i + r], rk[i + r], rk[i + r], rk[i + r] };
			v8u32 ta = SBOX_GFNI2(a[(r + 1) & 3] ^ a[(r + 2) & 3] ^
					      a[(r + 3) & 3] ^ k);
			v8u32 tb = SBOX_GFNI2(b[(r + 1) & 3] ^ b[(r + 2) & 3] ^
					      b[(r + 3) & 3] ^ k);

			a[r] ^= SM4_L2(ta, m8, m16, m24);
			b[r] ^= SM4_L2(tb, m8, m16, m24);
		}
	}
	STORE8(out, a, bs);
	STORE8(out + 128, b, bs);
}

/*
 * One block at a time (CBC-MAC is serial, and single-block calls should not
 * pay for an 8-block pass): the four state words stay in general registers,
 * only the 32-bit S-box input goes through the SIMD unit.  With the word in
 * all four lanes, AESENCLAST's ShiftRows brings bytes 0, 5, 10 and 15 -
 * one from each lane, i.e. the word's four bytes in order - to lane 0, so
 * no permutation is needed.
 */
static TGT_AESNI inline u32 sm4_tau1_aesni(u32 x)
{
	v4u32 v = { x, x, x, x };
	v16u8 u = AFFINE_NIB((v16u8)v, sm4_in_lo, sm4_in_hi);

	u = (v16u8)__builtin_ia32_aesenclast128((v2di)u, ktls_x86_zero);
	return ((v4u32)AFFINE_NIB(u, sm4_out_aesni_lo, sm4_out_aesni_hi))[0];
}

static TGT_GFNI inline u32 sm4_tau1_gfni(u32 x)
{
	v4u32 v = { x, 0, 0, 0 };

	return SBOX_GFNI(v)[0];
}

static inline u32 sm4_l1(u32 b)
{
	return b ^ ktls_rol32(b, 2) ^ ktls_rol32(b, 10) ^ ktls_rol32(b, 18) ^
	       ktls_rol32(b, 24);
}

#define SM4_ROUND1(TAU, k, x0, x1, x2, x3)				\
	(x0 ^= sm4_l1(TAU(x1 ^ x2 ^ x3 ^ (k))))

#define SM4_CRYPT1(TAU, rk, x) do {					\
	u32 x0_ = (x)[0], x1_ = (x)[1], x2_ = (x)[2], x3_ = (x)[3];	\
	int i_;								\
									\
	for (i_ = 0; i_ < 32; i_ += 4) {				\
		SM4_ROUND1(TAU, (rk)[i_], x0_, x1_, x2_, x3_);		\
		SM4_ROUND1(TAU, (rk)[i_ + 1], x1_, x2_, x3_, x0_);	\
		SM4_ROUND1(TAU, (rk)[i_ + 2], x2_, x3_, x0_, x1_);	\
		SM4_ROUND1(TAU, (rk)[i_ + 3], x3_, x0_, x1_, x2_);	\
	}								\
	(x)[0] = x3_;							\
	(x)[1] = x2_;							\
	(x)[2] = x1_;							\
	(x)[3] = x0_;							\
} while (0)

/* @nblocks blocks one by one; @mac: CBC chaining (mac = E(mac ^ in)) */
#define SM4_SERIAL(TAU) do {						\
	u32 x_[4];							\
	unsigned int j_;						\
									\
	for (; nblocks; nblocks--, in += 16) {				\
		for (j_ = 0; j_ < 4; j_++)				\
			x_[j_] = ktls_load_be32(in + 4 * j_) ^		\
				 (mac ? ktls_load_be32(mac + 4 * j_) : 0); \
		SM4_CRYPT1(TAU, rk, x_);				\
		for (j_ = 0; j_ < 4; j_++)				\
			ktls_store_be32((mac ? mac : out) + 4 * j_, x_[j_]); \
		if (!mac)						\
			out += 16;					\
	}								\
	x_[0] = x_[1] = x_[2] = x_[3] = 0;				\
} while (0)

static TGT_AESNI noinline
void sm4_serial_aesni(const u32 *rk, u8 *out, u8 *mac, const u8 *in,
		      size_t nblocks)
{
	SM4_SERIAL(sm4_tau1_aesni);
}

static TGT_GFNI noinline
void sm4_serial_gfni(const u32 *rk, u8 *out, u8 *mac, const u8 *in,
		     size_t nblocks)
{
	SM4_SERIAL(sm4_tau1_gfni);
}

static void sm4_serial(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       u8 *mac, const u8 *in, size_t nblocks)
{
	if (impl == KTLS_BC_GFNI)
		sm4_serial_gfni(rk, out, mac, in, nblocks);
	else
		sm4_serial_aesni(rk, out, mac, in, nblocks);
}

static void sm4_x86_run(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
			const u8 *in, size_t nblocks)
{
	u8 buf[128];

	if (impl == KTLS_BC_GFNI && (ktls_x86_bc_features() & KTLS_X86_AVX2))
		for (; nblocks >= 16; nblocks -= 16, in += 256, out += 256)
			sm4_crypt16_gfni_avx2(rk, out, in);
	for (; nblocks >= 8; nblocks -= 8, in += 128, out += 128) {
		if (impl == KTLS_BC_GFNI)
			sm4_crypt8_gfni(rk, out, in);
		else
			sm4_crypt8_aesni(rk, out, in);
	}
	if (nblocks <= 2) {
		sm4_serial(impl, rk, out, NULL, in, nblocks);
		return;
	}
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
 * chunks of KTLS_FPU_CHUNK blocks (bc_x86.h).
 *
 * Return: 0, or -EBUSY when the FPU cannot be used in this context (the
 * caller then uses the generic path).
 */
int ktls_sm4_x86_crypt(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       const u8 *in, size_t nblocks)
{
	return KTLS_FPU_CHUNKS(nblocks, n, {
		sm4_x86_run(impl, rk, out, in, n);
		in += 16 * n;
		out += 16 * n;
	});
}

/**
 * ktls_sm4_x86_cbcmac() - CBC-MAC over whole blocks with a SIMD path
 * @impl: KTLS_BC_AESNI or KTLS_BC_GFNI (the caller checked the CPU)
 * @rk: 32 encryption round keys
 * @mac: running MAC, mac = E(mac ^ block) for each block
 * @in: input
 * @nblocks: number of blocks
 *
 * Return: 0, or -EBUSY when the FPU cannot be used in this context.
 */
int ktls_sm4_x86_cbcmac(enum ktls_bc_impl impl, const u32 *rk, u8 mac[16],
			const u8 *in, size_t nblocks)
{
	return KTLS_FPU_CHUNKS(nblocks, n, {
		sm4_serial(impl, rk, NULL, mac, in, n);
		in += 16 * n;
	});
}

#else /* !__x86_64__ */

int ktls_sm4_x86_crypt(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       const u8 *in, size_t nblocks)
{
	return -EOPNOTSUPP;
}

int ktls_sm4_x86_cbcmac(enum ktls_bc_impl impl, const u32 *rk, u8 mac[16],
			const u8 *in, size_t nblocks)
{
	return -EOPNOTSUPP;
}

#endif /* __x86_64__ */
