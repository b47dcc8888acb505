/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Test-harness GCM and CCM built on our block ciphers (reference use only). */
#ifndef KTLS_TESTS_AEAD_H
#define KTLS_TESTS_AEAD_H

#include <stddef.h>
#include <stdint.h>

/*
 * A block cipher as the harness sees it: batch ECB encryption, CTR and
 * optionally a batched CBC-MAC (mac = E(mac ^ block) per block; NULL: the
 * harness chains ecb() itself).
 */
struct bc {
	const void *ctx;
	void (*ecb)(const void *ctx, uint8_t *out, const uint8_t *in, size_t n);
	void (*ctr)(const void *ctx, uint8_t *out, const uint8_t *in,
		    size_t len, uint8_t ctr[16]);
	void (*cbcmac)(const void *ctx, uint8_t mac[16], const uint8_t *in,
		       size_t nblocks);
};

/*
 * GHASH keyed by H with a 32 x 16 table: H times each nibble value at each
 * nibble position.  Table-driven, so NOT constant time: harness only (the
 * kernel uses its own ghash).
 */
struct ghash {
	uint64_t t[32][16][2];
};

void ghash_init(struct ghash *g, const uint8_t h[16]);
void ghash_update(const struct ghash *g, uint8_t y[16], const uint8_t *p,
		  size_t len);

/* 12-byte IV, 16-byte tag. */
void gcm_seal(const struct bc *bc, const struct ghash *g, const uint8_t iv[12],
	      const uint8_t *aad, size_t alen, const uint8_t *pt, size_t len,
	      uint8_t *ct, uint8_t tag[16]);
int gcm_open(const struct bc *bc, const struct ghash *g, const uint8_t iv[12],
	     const uint8_t *aad, size_t alen, const uint8_t *ct, size_t len,
	     uint8_t *pt, const uint8_t tag[16]);

/* CCM with a @nlen-byte nonce (7..13) and @tlen-byte tag. */
void ccm_seal(const struct bc *bc, const uint8_t *nonce, size_t nlen,
	      const uint8_t *aad, size_t alen, const uint8_t *pt, size_t len,
	      uint8_t *ct, uint8_t *tag, size_t tlen);

#endif
