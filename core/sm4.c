// SPDX-License-Identifier: GPL-2.0 OR MIT
/* SM4 (GB/T 32907-2016): key schedule, constant-time generic path, dispatch. */
#include "sm4.h"
#include "bc_ctr.h"

/*
 * S(x) = Mo * inv(Mi * x ^ ci) ^ co over the AES field.  SM4 defines its
 * S-box over GF(2^8) mod x^8+x^7+x^6+x^5+x^4+x^2+1 as A * inv(A * x ^ 0xd3)
 * ^ 0xd3; Mi and Mo fold in the field isomorphism (tests/ciphers/gen_sbox.py).
 */
static const struct ktls_gf8_affine sm4_in = {
	{ 0x8c, 0x30, 0x85, 0x9f, 0xdc, 0x2e, 0xc5, 0x08 }, 0x3e
};

static const struct ktls_gf8_affine sm4_out = {
	{ 0xcb, 0x23, 0x74, 0x8a, 0x55, 0x7f, 0x11, 0xeb }, 0xd3
};

static const u32 sm4_fk[4] = {
	0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc
};

/* The S-box on all eight bytes of @x. */
static inline u64 sm4_tau64(u64 x)
{
	return ktls_gf8_affine64(ktls_gf8_inv64(ktls_gf8_affine64(x, &sm4_in)),
				 &sm4_out);
}

static inline u32 sm4_l(u32 b)
{
	return b ^ ktls_rol32(b, 2) ^ ktls_rol32(b, 10) ^ ktls_rol32(b, 18) ^ ktls_rol32(b, 24);
}

static inline u32 sm4_l_key(u32 b)
{
	return b ^ ktls_rol32(b, 13) ^ ktls_rol32(b, 23);
}

static u32 sm4_ck(unsigned int i)
{
	u32 ck = 0;
	unsigned int j;

	for (j = 0; j < 4; j++)
		ck = ck << 8 | (((4 * i + j) * 7) & 0xff);
	return ck;
}

/**
 * ktls_sm4_setkey() - expand a 128-bit SM4 key
 * @ctx: context to fill
 * @key: 16-byte key
 *
 * The schedule uses the constant-time S-box too, so it does not leak the key.
 *
 * Return: 0.
 */
int ktls_sm4_setkey(struct ktls_sm4_ctx *ctx, const u8 key[KTLS_SM4_KEY_SIZE])
{
	u32 k[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		k[i] = ktls_load_be32(key + 4 * i) ^ sm4_fk[i];
	for (i = 0; i < KTLS_SM4_ROUNDS; i++) {
		u32 t = k[1] ^ k[2] ^ k[3] ^ sm4_ck(i);

		t = (u32)sm4_tau64(t);
		t = k[0] ^ sm4_l_key(t);
		k[0] = k[1];
		k[1] = k[2];
		k[2] = k[3];
		k[3] = t;
		ctx->rk_enc[i] = t;
		ctx->rk_dec[KTLS_SM4_ROUNDS - 1 - i] = t;
	}
	ktls_wipe(k, sizeof(k));
	return 0;
}

/**
 * ktls_sm4_clear() - wipe an expanded key
 * @ctx: context to wipe
 */
void ktls_sm4_clear(struct ktls_sm4_ctx *ctx)
{
	ktls_wipe(ctx, sizeof(*ctx));
}

/* Two blocks per pass so every S-box evaluation fills a u64. */
static void sm4_crypt2_generic(const u32 *rk, u8 *out, const u8 *in,
			       unsigned int n)
{
	u32 a[4], b[4] = { 0, 0, 0, 0 };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		a[i] = ktls_load_be32(in + 4 * i);
		if (n == 2)
			b[i] = ktls_load_be32(in + 16 + 4 * i);
	}
	for (i = 0; i < KTLS_SM4_ROUNDS; i++) {
		u64 t = (u64)(a[1] ^ a[2] ^ a[3] ^ rk[i]) |
			(u64)(b[1] ^ b[2] ^ b[3] ^ rk[i]) << 32;
		u32 na, nb;

		t = sm4_tau64(t);
		na = a[0] ^ sm4_l((u32)t);
		nb = b[0] ^ sm4_l((u32)(t >> 32));
		a[0] = a[1]; a[1] = a[2]; a[2] = a[3]; a[3] = na;
		b[0] = b[1]; b[1] = b[2]; b[2] = b[3]; b[3] = nb;
	}
	for (i = 0; i < 4; i++) {
		ktls_store_be32(out + 4 * i, a[3 - i]);
		if (n == 2)
			ktls_store_be32(out + 16 + 4 * i, b[3 - i]);
	}
}

static void sm4_crypt_generic(const u32 *rk, u8 *out, const u8 *in,
			      size_t nblocks)
{
	while (nblocks) {
		unsigned int n = nblocks >= 2 ? 2 : 1;

		sm4_crypt2_generic(rk, out, in, n);
		in += 16 * n;
		out += 16 * n;
		nblocks -= n;
	}
}

static void sm4_crypt(const u32 *rk, u8 *out, const u8 *in, size_t nblocks)
{
	enum ktls_bc_impl impl = ktls_bc_get_impl();

	if (impl != KTLS_BC_GENERIC &&
	    ktls_sm4_x86_crypt(impl, rk, out, in, nblocks) == 0)
		return;
	sm4_crypt_generic(rk, out, in, nblocks);
}

/**
 * ktls_sm4_encrypt() - encrypt one block
 * @ctx: expanded key
 * @out: ciphertext (may equal @in)
 * @in: plaintext
 */
void ktls_sm4_encrypt(const struct ktls_sm4_ctx *ctx, u8 out[16], const u8 in[16])
{
	sm4_crypt(ctx->rk_enc, out, in, 1);
}

/**
 * ktls_sm4_decrypt() - decrypt one block
 * @ctx: expanded key
 * @out: plaintext (may equal @in)
 * @in: ciphertext
 */
void ktls_sm4_decrypt(const struct ktls_sm4_ctx *ctx, u8 out[16], const u8 in[16])
{
	sm4_crypt(ctx->rk_dec, out, in, 1);
}

/**
 * ktls_sm4_encrypt_ecb() - encrypt whole blocks
 * @ctx: expanded key
 * @out: ciphertext (may equal @in)
 * @in: plaintext
 * @nblocks: number of 16-byte blocks
 */
void ktls_sm4_encrypt_ecb(const struct ktls_sm4_ctx *ctx, u8 *out,
			  const u8 *in, size_t nblocks)
{
	sm4_crypt(ctx->rk_enc, out, in, nblocks);
}

/**
 * ktls_sm4_decrypt_ecb() - decrypt whole blocks
 * @ctx: expanded key
 * @out: plaintext (may equal @in)
 * @in: ciphertext
 * @nblocks: number of 16-byte blocks
 */
void ktls_sm4_decrypt_ecb(const struct ktls_sm4_ctx *ctx, u8 *out,
			  const u8 *in, size_t nblocks)
{
	sm4_crypt(ctx->rk_dec, out, in, nblocks);
}

/**
 * ktls_sm4_ctr() - CTR-mode en/decryption with a 128-bit counter
 * @ctx: expanded key (encryption schedule is used)
 * @out: output (may equal @in)
 * @in: input
 * @len: bytes
 * @ctr: counter block, advanced past the blocks used
 */
void ktls_sm4_ctr(const struct ktls_sm4_ctx *ctx, u8 *out, const u8 *in,
		  size_t len, u8 ctr[16])
{
	KTLS_CTR_CRYPT(sm4_crypt, ctx->rk_enc, out, in, len, ctr);
}

/**
 * ktls_sm4_cbcmac() - CBC-MAC over whole blocks
 * @ctx: expanded key (encryption schedule is used)
 * @mac: running MAC, updated: mac = E(mac ^ block) for each block
 * @in: input
 * @nblocks: number of 16-byte blocks
 */
void ktls_sm4_cbcmac(const struct ktls_sm4_ctx *ctx, u8 mac[16],
		     const u8 *in, size_t nblocks)
{
	enum ktls_bc_impl impl = ktls_bc_get_impl();
	unsigned int i;

	if (impl != KTLS_BC_GENERIC &&
	    ktls_sm4_x86_cbcmac(impl, ctx->rk_enc, mac, in, nblocks) == 0)
		return;
	for (; nblocks; nblocks--, in += 16) {
		for (i = 0; i < 16; i++)
			mac[i] ^= in[i];
		sm4_crypt2_generic(ctx->rk_enc, mac, mac, 1);
	}
}
