// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Test-harness GCM (SP 800-38D) and CCM (SP 800-38C) over struct bc. */
#include <string.h>
#include "aead.h"

static void be_load(const uint8_t *p, uint64_t v[2])
{
	int i;

	v[0] = v[1] = 0;
	for (i = 0; i < 8; i++) {
		v[0] = v[0] << 8 | p[i];
		v[1] = v[1] << 8 | p[8 + i];
	}
}

static void be_store(uint8_t *p, const uint64_t v[2])
{
	int i;

	for (i = 0; i < 8; i++) {
		p[i] = v[0] >> (56 - 8 * i);
		p[8 + i] = v[1] >> (56 - 8 * i);
	}
}

/* Bitwise GF(2^128) multiply in GCM's reflected bit order. */
static void gf128_mul(uint64_t z[2], const uint64_t x[2], const uint64_t y[2])
{
	uint64_t v0 = y[0], v1 = y[1], r0 = 0, r1 = 0;
	int i;

	for (i = 0; i < 128; i++) {
		uint64_t bit = (i < 64 ? x[0] >> (63 - i) : x[1] >> (127 - i)) & 1;
		uint64_t lsb = v1 & 1;

		if (bit) {
			r0 ^= v0;
			r1 ^= v1;
		}
		v1 = v1 >> 1 | v0 << 63;
		v0 >>= 1;
		if (lsb)
			v0 ^= 0xe100000000000000ULL;
	}
	z[0] = r0;
	z[1] = r1;
}

void ghash_init(struct ghash *g, const uint8_t h[16])
{
	uint64_t hv[2], x[2];
	int p, n;

	be_load(h, hv);
	for (p = 0; p < 32; p++) {
		for (n = 0; n < 16; n++) {
			int shift = 124 - 4 * p;	/* nibble p from the left */

			x[0] = shift >= 64 ? (uint64_t)n << (shift - 64) : 0;
			x[1] = shift < 64 ? (uint64_t)n << shift : 0;
			gf128_mul(g->t[p][n], x, hv);
		}
	}
}

static void ghash_block(const struct ghash *g, uint8_t y[16])
{
	uint64_t r0 = 0, r1 = 0;
	int i;

	for (i = 0; i < 16; i++) {
		const uint64_t *a = g->t[2 * i][y[i] >> 4];
		const uint64_t *b = g->t[2 * i + 1][y[i] & 15];

		r0 ^= a[0] ^ b[0];
		r1 ^= a[1] ^ b[1];
	}
	be_store(y, (uint64_t[2]){ r0, r1 });
}

void ghash_update(const struct ghash *g, uint8_t y[16], const uint8_t *p,
		  size_t len)
{
	size_t i;

	while (len) {
		size_t n = len < 16 ? len : 16;

		for (i = 0; i < n; i++)
			y[i] ^= p[i];
		ghash_block(g, y);
		p += n;
		len -= n;
	}
}

static void gcm_tag(const struct bc *bc, const struct ghash *g,
		    const uint8_t iv[12], const uint8_t *aad, size_t alen,
		    const uint8_t *ct, size_t len, uint8_t tag[16])
{
	uint8_t y[16] = { 0 }, lens[16], j0[16];
	uint64_t l[2] = { (uint64_t)alen * 8, (uint64_t)len * 8 };
	int i;

	ghash_update(g, y, aad, alen);
	ghash_update(g, y, ct, len);
	be_store(lens, l);
	ghash_update(g, y, lens, 16);
	memcpy(j0, iv, 12);
	memset(j0 + 12, 0, 3);
	j0[15] = 1;
	bc->ecb(bc->ctx, j0, j0, 1);
	for (i = 0; i < 16; i++)
		tag[i] = y[i] ^ j0[i];
}

static void gcm_ctr(const struct bc *bc, const uint8_t iv[12],
		    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t ctr[16];

	memcpy(ctr, iv, 12);
	memset(ctr + 12, 0, 3);
	ctr[15] = 2;
	if (len)
		bc->ctr(bc->ctx, out, in, len, ctr);
}

void gcm_seal(const struct bc *bc, const struct ghash *g, const uint8_t iv[12],
	      const uint8_t *aad, size_t alen, const uint8_t *pt, size_t len,
	      uint8_t *ct, uint8_t tag[16])
{
	gcm_ctr(bc, iv, pt, len, ct);
	gcm_tag(bc, g, iv, aad, alen, ct, len, tag);
}

int gcm_open(const struct bc *bc, const struct ghash *g, const uint8_t iv[12],
	     const uint8_t *aad, size_t alen, const uint8_t *ct, size_t len,
	     uint8_t *pt, const uint8_t tag[16])
{
	uint8_t t[16], d = 0;
	int i;

	gcm_tag(bc, g, iv, aad, alen, ct, len, t);
	for (i = 0; i < 16; i++)
		d |= t[i] ^ tag[i];
	if (d)
		return -1;
	gcm_ctr(bc, iv, ct, len, pt);
	return 0;
}

static void cbc_mac(const struct bc *bc, uint8_t x[16], const uint8_t *p,
		    size_t len)
{
	size_t i;

	if (bc->cbcmac && len >= 16) {
		bc->cbcmac(bc->ctx, x, p, len / 16);
		p += len / 16 * 16;
		len %= 16;
	}
	while (len) {
		size_t n = len < 16 ? len : 16;

		for (i = 0; i < n; i++)
			x[i] ^= p[i];
		bc->ecb(bc->ctx, x, x, 1);
		p += n;
		len -= n;
	}
}

void ccm_seal(const struct bc *bc, const uint8_t *nonce, size_t nlen,
	      const uint8_t *aad, size_t alen, const uint8_t *pt, size_t len,
	      uint8_t *ct, uint8_t *tag, size_t tlen)
{
	size_t q = 15 - nlen, i, hl;
	uint8_t x[16] = { 0 }, ctr[16] = { 0 }, hdr[16];

	x[0] = (alen ? 0x40 : 0) | ((tlen - 2) / 2) << 3 | (q - 1);
	memcpy(x + 1, nonce, nlen);
	for (i = 0; i < q; i++)
		x[15 - i] = (uint8_t)(len >> (8 * i));
	bc->ecb(bc->ctx, x, x, 1);
	if (alen) {
		/* alen < 0xff00 here: two-byte length, then pad with zeros */
		size_t first = alen < 14 ? alen : 14;

		hdr[0] = alen >> 8;
		hdr[1] = alen;
		memcpy(hdr + 2, aad, first);
		hl = 2 + first;
		if (hl < 16)
			memset(hdr + hl, 0, 16 - hl);
		cbc_mac(bc, x, hdr, 16);
		if (alen > first) {
			size_t rest = alen - first, full = rest / 16 * 16;
			uint8_t pad[16] = { 0 };

			cbc_mac(bc, x, aad + first, full);
			if (rest > full) {
				memcpy(pad, aad + first + full, rest - full);
				cbc_mac(bc, x, pad, 16);
			}
		}
	}
	cbc_mac(bc, x, pt, len);
	ctr[0] = q - 1;
	memcpy(ctr + 1, nonce, nlen);
	ctr[15] = 1;
	if (len)
		bc->ctr(bc->ctx, ct, pt, len, ctr);
	memset(ctr + 1 + nlen, 0, q);
	bc->ecb(bc->ctx, ctr, ctr, 1);
	for (i = 0; i < tlen; i++)
		tag[i] = x[i] ^ ctr[i];
}
