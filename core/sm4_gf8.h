/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Constant-time GF(2^8) S-box arithmetic (8 bytes per u64) shared by SM4 and ARIA. */
#ifndef KTLS_CORE_SM4_GF8_H
#define KTLS_CORE_SM4_GF8_H

#include "compat.h"

/*
 * Every S-box of SM4 and ARIA is affine-equivalent to inversion in the AES
 * field GF(2^8) mod x^8 + x^4 + x^3 + x + 1:
 *
 *	S(x) = Mo * inv(Mi * x ^ ci) ^ co
 *
 * The maps were derived by tests/ciphers/gen_sbox.py.  This header computes
 * them on eight bytes at once with shifts, masks and XOR only: no table
 * lookups and no branches on data, so the generic path leaks nothing through
 * the cache or the branch predictor.  It is slow (tens of operations per
 * S-box); the x86 paths do the same algebra with AES-NI or GFNI.
 */

#define KTLS_GF8_LSB	0x0101010101010101ULL

/* A linear map on GF(2)^8, stored as the images of the eight unit vectors. */
struct ktls_gf8_affine {
	u8 col[8];
	u8 c;
};

/* 0xff in every byte of @m whose bit 0 is set; @m holds only 0/1 bytes. */
static inline u64 ktls_gf8_spread(u64 m)
{
	return (m << 8) - m;
}

static inline u64 ktls_gf8_affine64(u64 x, const struct ktls_gf8_affine *a)
{
	u64 y = (u64)a->c * KTLS_GF8_LSB;
	int j;

	for (j = 0; j < 8; j++)
		y ^= ktls_gf8_spread((x >> j) & KTLS_GF8_LSB) &
		     ((u64)a->col[j] * KTLS_GF8_LSB);
	return y;
}

static inline u64 ktls_gf8_xtime64(u64 a)
{
	u64 hi = ktls_gf8_spread((a >> 7) & KTLS_GF8_LSB);

	return ((a & 0x7f7f7f7f7f7f7f7fULL) << 1) ^ (hi & 0x1b1b1b1b1b1b1b1bULL);
}

static inline u64 ktls_gf8_mul64(u64 a, u64 b)
{
	u64 r = 0;
	int i;

	for (i = 0; i < 8; i++) {
		r ^= a & ktls_gf8_spread((b >> i) & KTLS_GF8_LSB);
		a = ktls_gf8_xtime64(a);
	}
	return r;
}

/* Squaring is GF(2)-linear: the images of x^0..x^7 squared mod the AES poly. */
static inline u64 ktls_gf8_sqr64(u64 x)
{
	static const struct ktls_gf8_affine sq = {
		{ 0x01, 0x04, 0x10, 0x40, 0x1b, 0x6c, 0xab, 0x9a }, 0
	};

	return ktls_gf8_affine64(x, &sq);
}

/* x^254 = x^-1 (and 0 -> 0), with a fixed chain of 4 products and 7 squares. */
static inline u64 ktls_gf8_inv64(u64 x)
{
	u64 x2 = ktls_gf8_sqr64(x);
	u64 x3 = ktls_gf8_mul64(x2, x);
	u64 x12 = ktls_gf8_sqr64(ktls_gf8_sqr64(x3));
	u64 x15 = ktls_gf8_mul64(x12, x3);
	u64 x14 = ktls_gf8_mul64(x12, x2);
	u64 t = x15;
	int i;

	for (i = 0; i < 4; i++)
		t = ktls_gf8_sqr64(t);	/* x^240 */
	return ktls_gf8_mul64(t, x14);
}

#endif /* KTLS_CORE_SM4_GF8_H */
