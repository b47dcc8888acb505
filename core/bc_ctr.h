/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* CTR mode over a batched block function, shared by SM4 and ARIA. */
#ifndef KTLS_CORE_BC_CTR_H
#define KTLS_CORE_BC_CTR_H

#include "compat.h"

/* Blocks of keystream per batch: 512 bytes on the stack. */
#define KTLS_CTR_BATCH	32

/* Big-endian 64-bit halves of a counter block (unaligned). */
static inline u64 ktls_ctr_load_be64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void ktls_ctr_store_be64(u8 *p, u64 v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

/*
 * @ctr as a 128-bit big-endian counter: writes @nb consecutive values to
 * @ks and advances @ctr past them.  The counter is public (nonce and block
 * index), so the carry test is no leak.
 */
static inline void ktls_ctr_fill(u8 *ks, u8 ctr[16], size_t nb)
{
	u64 hi = ktls_ctr_load_be64(ctr), lo = ktls_ctr_load_be64(ctr + 8);
	size_t i;

	for (i = 0; i < nb; i++, ks += 16) {
		ktls_ctr_store_be64(ks, hi);
		ktls_ctr_store_be64(ks + 8, lo);
		if (!++lo)
			hi++;
	}
	ktls_ctr_store_be64(ctr, hi);
	ktls_ctr_store_be64(ctr + 8, lo);
}

static inline void ktls_xor_words(u8 *out, const u8 *in, const u8 *ks,
				  size_t n)
{
	size_t i = 0;
	u64 a, b;

	for (; i + 8 <= n; i += 8) {
		memcpy(&a, in + i, 8);
		memcpy(&b, ks + i, 8);
		a ^= b;
		memcpy(out + i, &a, 8);
	}
	for (; i < n; i++)
		out[i] = in[i] ^ ks[i];
}

/*
 * CTR en/decryption of @len bytes with @ecb (whole blocks, in place
 * allowed) on @ctx; @ctr is advanced by the blocks used, a partial final
 * block counting as one.  The keystream is wiped.
 */
#define KTLS_CTR_CRYPT(ecb, ctx, out, in, len, ctr) do {		\
	u8 ks_[KTLS_CTR_BATCH * 16];					\
									\
	while (len) {							\
		size_t nb_ = ((len) + 15) / 16, n_;			\
									\
		if (nb_ > KTLS_CTR_BATCH)				\
			nb_ = KTLS_CTR_BATCH;				\
		ktls_ctr_fill(ks_, ctr, nb_);				\
		ecb(ctx, ks_, ks_, nb_);				\
		n_ = nb_ * 16 < (len) ? nb_ * 16 : (len);		\
		ktls_xor_words(out, in, ks_, n_);			\
		(in) += n_;						\
		(out) += n_;						\
		(len) -= n_;						\
	}								\
	ktls_wipe(ks_, sizeof(ks_));					\
} while (0)

#endif /* KTLS_CORE_BC_CTR_H */
