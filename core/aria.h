/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* ARIA block cipher (RFC 5794), constant-time, shared by module and native builds. */
#ifndef KTLS_CORE_ARIA_H
#define KTLS_CORE_ARIA_H

#include "compat.h"
#include "sm4_gf8.h"

#define KTLS_ARIA_BLOCK_SIZE	16
#define KTLS_ARIA_MAX_KEY_SIZE	32
#define KTLS_ARIA_MAX_ROUNDS	16

struct ktls_aria_ctx {
	u8 ek[KTLS_ARIA_MAX_ROUNDS + 1][16];
	u8 dk[KTLS_ARIA_MAX_ROUNDS + 1][16];
	unsigned int rounds;	/* 12, 14 or 16 */
};

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

#endif /* KTLS_CORE_ARIA_H */
