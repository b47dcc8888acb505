/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* SM4 block cipher (GB/T 32907-2016), constant-time, shared by module and native builds. */
#ifndef KTLS_CORE_SM4_H
#define KTLS_CORE_SM4_H

#include "bc.h"
#include "sm4_gf8.h"

#define KTLS_SM4_BLOCK_SIZE	16
#define KTLS_SM4_KEY_SIZE	16
#define KTLS_SM4_ROUNDS		32

struct ktls_sm4_ctx {
	u32 rk_enc[KTLS_SM4_ROUNDS];
	u32 rk_dec[KTLS_SM4_ROUNDS];
};

int ktls_sm4_setkey(struct ktls_sm4_ctx *ctx, const u8 key[KTLS_SM4_KEY_SIZE]);
void ktls_sm4_clear(struct ktls_sm4_ctx *ctx);

void ktls_sm4_encrypt(const struct ktls_sm4_ctx *ctx, u8 out[16], const u8 in[16]);
void ktls_sm4_decrypt(const struct ktls_sm4_ctx *ctx, u8 out[16], const u8 in[16]);

/* @nblocks whole blocks; @out may equal @in. */
void ktls_sm4_encrypt_ecb(const struct ktls_sm4_ctx *ctx, u8 *out,
			  const u8 *in, size_t nblocks);
void ktls_sm4_decrypt_ecb(const struct ktls_sm4_ctx *ctx, u8 *out,
			  const u8 *in, size_t nblocks);

/*
 * CTR mode with a 128-bit big-endian counter (what the kernel's ctr()
 * template and, for fewer than 2^32 blocks from J0 + 1, GCM use).  @ctr is
 * advanced by the number of whole blocks; a partial final block consumes
 * a counter value too, so only the last call may pass a @len that is not a
 * multiple of 16.
 */
void ktls_sm4_ctr(const struct ktls_sm4_ctx *ctx, u8 *out, const u8 *in,
		  size_t len, u8 ctr[16]);

/*
 * CBC-MAC over whole blocks: for each block, mac = E(mac ^ block).  What
 * the kernel's ccm template asks of cbcmac(sm4), without one call (and one
 * FPU section) per block.
 */
void ktls_sm4_cbcmac(const struct ktls_sm4_ctx *ctx, u8 mac[16],
		     const u8 *in, size_t nblocks);

/* Internal: x86-64 SIMD paths (core/sm4_x86.c). */
int ktls_sm4_x86_crypt(enum ktls_bc_impl impl, const u32 *rk, u8 *out,
		       const u8 *in, size_t nblocks);
int ktls_sm4_x86_cbcmac(enum ktls_bc_impl impl, const u32 *rk, u8 mac[16],
			const u8 *in, size_t nblocks);

#endif /* KTLS_CORE_SM4_H */
