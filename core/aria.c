// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ARIA (RFC 5794): key schedule and constant-time generic path. */
#include "aria.h"
#include "bc.h"
#include "bc_ctr.h"

/*
 * ARIA's S-boxes over the AES field (tests/ciphers/gen_sbox.py):
 *   SB1(x) = Aff(inv(x)) ^ 0x63             (the AES S-box)
 *   SB2(x) = B * x^247 ^ 0xe2 = BF(inv(x)) ^ 0xe2, BF = B * Frobenius^3
 *   SB3 = SB1^-1: inv(Aff^-1 x ^ 0x05);  SB4 = SB2^-1: inv(BF^-1 x ^ 0x2c)
 * A substitution layer is then: per-byte input map, one inversion, per-byte
 * output map, the per-byte choice made with constant masks.
 */
static const struct ktls_gf8_affine aria_aff = {
	{ 0x1f, 0x3e, 0x7c, 0xf8, 0xf1, 0xe3, 0xc7, 0x8f }, 0x63
};

static const struct ktls_gf8_affine aria_aff_inv = {
	{ 0x4a, 0x94, 0x29, 0x52, 0xa4, 0x49, 0x92, 0x25 }, 0x05
};

static const struct ktls_gf8_affine aria_bf = {
	{ 0xac, 0xfd, 0xc6, 0x83, 0x26, 0xa7, 0xfb, 0x5f }, 0xe2
};

static const struct ktls_gf8_affine aria_bf_inv = {
	{ 0xd8, 0x38, 0x7a, 0xc1, 0x75, 0x52, 0xae, 0xe8 }, 0x2c
};

/* Byte positions i with i % 4 == t, in a little-endian u64. */
#define ARIA_POS(t)	(0x000000ff000000ffULL << (8 * (t)))

static const u8 aria_c[3][16] = {
	{ 0x51, 0x7c, 0xc1, 0xb7, 0x27, 0x22, 0x0a, 0x94,
	  0xfe, 0x13, 0xab, 0xe8, 0xfa, 0x9a, 0x6e, 0xe0 },
	{ 0x6d, 0xb1, 0x4a, 0xcc, 0x9e, 0x21, 0xc8, 0x20,
	  0xff, 0x28, 0xb1, 0xd5, 0xef, 0x5d, 0xe2, 0xb0 },
	{ 0xdb, 0x92, 0x37, 0x1d, 0x21, 0x26, 0xe9, 0x70,
	  0x03, 0x24, 0x97, 0x75, 0x04, 0xe8, 0xc9, 0x0e },
};

static inline u64 load_le64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline void store_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (u8)v;
}

/*
 * One substitution layer on eight bytes.  @t1 is the position (mod 4) that
 * takes SB1; SB2, SB3, SB4 follow it: SL1 has t1 = 0, SL2 has t1 = 2.
 */
static u64 aria_sl64(u64 x, unsigned int t1)
{
	u64 m1 = ARIA_POS(t1), m2 = ARIA_POS(t1 + 1);
	u64 m3 = ARIA_POS((t1 + 2) & 3), m4 = ARIA_POS((t1 + 3) & 3);
	u64 u, v;

	u = (x & (m1 | m2)) |
	    (ktls_gf8_affine64(x, &aria_aff_inv) & m3) |
	    (ktls_gf8_affine64(x, &aria_bf_inv) & m4);
	v = ktls_gf8_inv64(u);
	return (ktls_gf8_affine64(v, &aria_aff) & m1) |
	       (ktls_gf8_affine64(v, &aria_bf) & m2) |
	       (v & (m3 | m4));
}

static void aria_sl(u8 s[16], unsigned int t1)
{
	store_le64(s, aria_sl64(load_le64(s), t1));
	store_le64(s + 8, aria_sl64(load_le64(s + 8), t1));
}

/* Diffusion layer A (an involution), RFC 5794 section 2.4.3. */
static void aria_a(u8 y[16], const u8 x[16])
{
	u8 r[16];

	KTLS_ARIA_A(u8, r, x);
	memcpy(y, r, 16);
}

static void xor16(u8 *d, const u8 *a, const u8 *b)
{
	int i;

	for (i = 0; i < 16; i++)
		d[i] = a[i] ^ b[i];
}

/* FO (t1 = 0) or FE (t1 = 2): A(SL(d ^ rk)). */
static void aria_f(u8 out[16], const u8 d[16], const u8 rk[16], unsigned int t1)
{
	u8 s[16];

	xor16(s, d, rk);
	aria_sl(s, t1);
	aria_a(out, s);
}

/* out = a ^ (b rotated right by n bits), 128-bit big-endian values. */
static void xor_ror128(u8 out[16], const u8 a[16], const u8 b[16],
		       unsigned int n)
{
	unsigned int q = n / 8, r = n % 8, i;

	for (i = 0; i < 16; i++) {
		u8 hi = b[(i + 16 - q) % 16], lo = b[(i + 15 - q) % 16];
		u8 v = r ? (u8)((hi >> r) | (lo << (8 - r))) : hi;

		out[i] = a[i] ^ v;
	}
}

static void aria_expand(struct ktls_aria_ctx *ctx, u8 w[4][16])
{
	/* (index of the plain word, index of the rotated one, right shift) */
	static const u8 sched[17][3] = {
		{ 0, 1, 19 }, { 1, 2, 19 }, { 2, 3, 19 }, { 3, 0, 19 },
		{ 0, 1, 31 }, { 1, 2, 31 }, { 2, 3, 31 }, { 3, 0, 31 },
		{ 0, 1, 67 }, { 1, 2, 67 }, { 2, 3, 67 }, { 3, 0, 67 },
		{ 0, 1, 97 }, { 1, 2, 97 }, { 2, 3, 97 }, { 3, 0, 97 },
		{ 0, 1, 109 },
	};
	unsigned int i, n = ctx->rounds;

	for (i = 0; i <= n; i++)
		xor_ror128(ctx->ek[i], w[sched[i][0]], w[sched[i][1]],
			   sched[i][2]);
	memcpy(ctx->dk[0], ctx->ek[n], 16);
	for (i = 1; i < n; i++)
		aria_a(ctx->dk[i], ctx->ek[n - i]);
	memcpy(ctx->dk[n], ctx->ek[0], 16);
}

/**
 * ktls_aria_setkey() - expand an ARIA key
 * @ctx: context to fill
 * @key: 16, 24 or 32 bytes
 * @keylen: key length in bytes
 *
 * Return: 0, or -EINVAL for another length.
 */
int ktls_aria_setkey(struct ktls_aria_ctx *ctx, const u8 *key,
		     unsigned int keylen)
{
	u8 kr[16] = { 0 }, w[4][16], t[16];
	unsigned int ck;

	if (keylen != 16 && keylen != 24 && keylen != 32)
		return -EINVAL;
	ctx->rounds = 12 + (keylen - 16) / 4;
	ck = (keylen - 16) / 8;		/* CK1 = C1, C2 or C3 */
	memcpy(kr, key + 16, keylen - 16);
	memcpy(w[0], key, 16);
	aria_f(t, w[0], aria_c[ck], 0);
	xor16(w[1], t, kr);
	aria_f(t, w[1], aria_c[(ck + 1) % 3], 2);
	xor16(w[2], t, w[0]);
	aria_f(t, w[2], aria_c[(ck + 2) % 3], 0);
	xor16(w[3], t, w[1]);
	aria_expand(ctx, w);
	ktls_wipe(kr, sizeof(kr));
	ktls_wipe(w, sizeof(w));
	ktls_wipe(t, sizeof(t));
	return 0;
}

/**
 * ktls_aria_clear() - wipe an expanded key
 * @ctx: context to wipe
 */
void ktls_aria_clear(struct ktls_aria_ctx *ctx)
{
	ktls_wipe(ctx, sizeof(*ctx));
}

static void aria_crypt1(const u8 (*rk)[16], unsigned int n, u8 out[16],
			const u8 in[16])
{
	u8 s[16];
	unsigned int i;

	memcpy(s, in, 16);
	for (i = 0; i + 1 < n; i++)
		aria_f(s, s, rk[i], (i & 1) ? 2 : 0);
	xor16(s, s, rk[n - 1]);
	aria_sl(s, 2);
	xor16(out, s, rk[n]);
	ktls_wipe(s, sizeof(s));
}

static void aria_crypt(const u8 (*rk)[16], unsigned int n, u8 *out,
		       const u8 *in, size_t nblocks)
{
	enum ktls_bc_impl impl = ktls_bc_get_impl();

	if (impl != KTLS_BC_GENERIC &&
	    ktls_aria_x86_crypt(impl, rk[0], n, out, in, nblocks) == 0)
		return;
	for (; nblocks; nblocks--, in += 16, out += 16)
		aria_crypt1(rk, n, out, in);
}

/**
 * ktls_aria_encrypt() - encrypt one block
 * @ctx: expanded key
 * @out: ciphertext (may equal @in)
 * @in: plaintext
 */
void ktls_aria_encrypt(const struct ktls_aria_ctx *ctx, u8 out[16], const u8 in[16])
{
	aria_crypt(ctx->ek, ctx->rounds, out, in, 1);
}

/**
 * ktls_aria_decrypt() - decrypt one block
 * @ctx: expanded key
 * @out: plaintext (may equal @in)
 * @in: ciphertext
 */
void ktls_aria_decrypt(const struct ktls_aria_ctx *ctx, u8 out[16], const u8 in[16])
{
	aria_crypt(ctx->dk, ctx->rounds, out, in, 1);
}

/**
 * ktls_aria_encrypt_ecb() - encrypt whole blocks
 * @ctx: expanded key
 * @out: ciphertext (may equal @in)
 * @in: plaintext
 * @nblocks: number of blocks
 */
void ktls_aria_encrypt_ecb(const struct ktls_aria_ctx *ctx, u8 *out,
			   const u8 *in, size_t nblocks)
{
	aria_crypt(ctx->ek, ctx->rounds, out, in, nblocks);
}

/**
 * ktls_aria_decrypt_ecb() - decrypt whole blocks
 * @ctx: expanded key
 * @out: plaintext (may equal @in)
 * @in: ciphertext
 * @nblocks: number of blocks
 */
void ktls_aria_decrypt_ecb(const struct ktls_aria_ctx *ctx, u8 *out,
			   const u8 *in, size_t nblocks)
{
	aria_crypt(ctx->dk, ctx->rounds, out, in, nblocks);
}

static void aria_ecb_enc(const struct ktls_aria_ctx *ctx, u8 *out,
			 const u8 *in, size_t nblocks)
{
	aria_crypt(ctx->ek, ctx->rounds, out, in, nblocks);
}

/**
 * ktls_aria_ctr() - CTR-mode en/decryption with a 128-bit counter
 * @ctx: expanded key
 * @out: output (may equal @in)
 * @in: input
 * @len: bytes; only the last call may pass a non-multiple of 16
 * @ctr: counter block, advanced past the blocks used
 */
void ktls_aria_ctr(const struct ktls_aria_ctx *ctx, u8 *out, const u8 *in,
		   size_t len, u8 ctr[16])
{
	KTLS_CTR_CRYPT(aria_ecb_enc, ctx, out, in, len, ctr);
}
