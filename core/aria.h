/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* ARIA block cipher (RFC 5794), constant-time, shared by module and native builds. */
#ifndef KTLS_CORE_ARIA_H
#define KTLS_CORE_ARIA_H

#include "bc.h"
#include "sm4_gf8.h"

#define KTLS_ARIA_BLOCK_SIZE	16
#define KTLS_ARIA_MAX_KEY_SIZE	32
#define KTLS_ARIA_MAX_ROUNDS	16

struct ktls_aria_ctx {
	u8 ek[KTLS_ARIA_MAX_ROUNDS + 1][16];
	u8 dk[KTLS_ARIA_MAX_ROUNDS + 1][16];
	unsigned int rounds;	/* 12, 14 or 16 */
};

/*
 * Diffusion layer A (RFC 5794 section 2.4.3, an involution): @r[i] = XOR of
 * seven bytes of @x, with @T the type of one byte - u8 in the generic
 * path, a register of 16 byte-sliced blocks in the SIMD one.
 */
#define KTLS_ARIA_A(T, r, x) do {					\
	T t0_ = (x)[0] ^ (x)[7] ^ (x)[10] ^ (x)[13];			\
	T t1_ = (x)[1] ^ (x)[6] ^ (x)[11] ^ (x)[12];			\
	T t2_ = (x)[2] ^ (x)[5] ^ (x)[8] ^ (x)[15];			\
	T t3_ = (x)[3] ^ (x)[4] ^ (x)[9] ^ (x)[14];			\
									\
	(r)[0] = t3_ ^ (x)[6] ^ (x)[8] ^ (x)[13];			\
	(r)[1] = t2_ ^ (x)[7] ^ (x)[9] ^ (x)[12];			\
	(r)[2] = t1_ ^ (x)[4] ^ (x)[10] ^ (x)[15];			\
	(r)[3] = t0_ ^ (x)[5] ^ (x)[11] ^ (x)[14];			\
	(r)[4] = t2_ ^ (x)[0] ^ (x)[11] ^ (x)[14];			\
	(r)[5] = t3_ ^ (x)[1] ^ (x)[10] ^ (x)[15];			\
	(r)[6] = t0_ ^ (x)[2] ^ (x)[9] ^ (x)[12];			\
	(r)[7] = t1_ ^ (x)[3] ^ (x)[8] ^ (x)[13];			\
	(r)[8] = t0_ ^ (x)[1] ^ (x)[4] ^ (x)[15];			\
	(r)[9] = t1_ ^ (x)[0] ^ (x)[5] ^ (x)[14];			\
	(r)[10] = t2_ ^ (x)[3] ^ (x)[6] ^ (x)[13];			\
	(r)[11] = t3_ ^ (x)[2] ^ (x)[7] ^ (x)[12];			\
	(r)[12] = t1_ ^ (x)[2] ^ (x)[7] ^ (x)[9];			\
	(r)[13] = t0_ ^ (x)[3] ^ (x)[6] ^ (x)[8];			\
	(r)[14] = t3_ ^ (x)[0] ^ (x)[5] ^ (x)[11];			\
	(r)[15] = t2_ ^ (x)[1] ^ (x)[4] ^ (x)[10];			\
} while (0)

/* @keylen: 16, 24 or 32; -EINVAL otherwise. */
int ktls_aria_setkey(struct ktls_aria_ctx *ctx, const u8 *key,
		     unsigned int keylen);
void ktls_aria_clear(struct ktls_aria_ctx *ctx);

void ktls_aria_encrypt(const struct ktls_aria_ctx *ctx, u8 out[16], const u8 in[16]);
void ktls_aria_decrypt(const struct ktls_aria_ctx *ctx, u8 out[16], const u8 in[16]);
void ktls_aria_encrypt_ecb(const struct ktls_aria_ctx *ctx, u8 *out,
			   const u8 *in, size_t nblocks);
void ktls_aria_decrypt_ecb(const struct ktls_aria_ctx *ctx, u8 *out,
			   const u8 *in, size_t nblocks);
/* Same contract as ktls_sm4_ctr(). */
void ktls_aria_ctr(const struct ktls_aria_ctx *ctx, u8 *out, const u8 *in,
		   size_t len, u8 ctr[16]);

/*
 * Internal: x86-64 SIMD path (core/aria_x86.c), 16 blocks at a time; the
 * path is the one ktls_bc_set_impl() chose.  @rk: @rounds + 1 round keys
 * of 16 bytes each, one after the other.
 */
int ktls_aria_x86_crypt(enum ktls_bc_impl impl, const u8 *rk,
			unsigned int rounds, u8 *out, const u8 *in,
			size_t nblocks);

#endif /* KTLS_CORE_ARIA_H */
