// SPDX-License-Identifier: GPL-2.0 OR MIT
/* struct bc adapters over core/ SM4 and ARIA, shared by tests and benchmark. */
#include <string.h>
#include "bc.h"

static void sm4_ecb_cb(const void *c, uint8_t *o, const uint8_t *i, size_t n)
{
	ktls_sm4_encrypt_ecb(c, o, i, n);
}

static void sm4_ctr_cb(const void *c, uint8_t *o, const uint8_t *i, size_t l,
		       uint8_t ctr[16])
{
	ktls_sm4_ctr(c, o, i, l, ctr);
}

static void sm4_cbcmac_cb(const void *c, uint8_t mac[16], const uint8_t *i,
			  size_t n)
{
	ktls_sm4_cbcmac(c, mac, i, n);
}

static void aria_ecb_cb(const void *c, uint8_t *o, const uint8_t *i, size_t n)
{
	ktls_aria_encrypt_ecb(c, o, i, n);
}

static void aria_ctr_cb(const void *c, uint8_t *o, const uint8_t *i, size_t l,
			uint8_t ctr[16])
{
	ktls_aria_ctr(c, o, i, l, ctr);
}

struct bc bc_sm4(struct ktls_sm4_ctx *c)
{
	struct bc bc = { c, sm4_ecb_cb, sm4_ctr_cb, sm4_cbcmac_cb };

	return bc;
}

struct bc bc_aria(struct ktls_aria_ctx *c)
{
	struct bc bc = { c, aria_ecb_cb, aria_ctr_cb, NULL };

	return bc;
}

void bc_ghash_init(const struct bc *bc, struct ghash *g)
{
	uint8_t h[16] = { 0 };

	bc->ecb(bc->ctx, h, h, 1);
	ghash_init(g, h);
}
