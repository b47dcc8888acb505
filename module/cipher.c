// SPDX-License-Identifier: GPL-2.0
/* cipher.c - the one cipher descriptor table and keyed per-direction state. */

#include <linux/kernel.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "ktls.h"

/*
 * One row per TLS_CIPHER_*: sizes and struct offsets come from the uapi
 * struct itself, and each row's sizes are checked against the uapi
 * constants at build time.
 */
#define KTLS_CIPHER(TYPE, st, alg, is_ccm, expl, v12, v13) {		\
	.type = TLS_CIPHER_##TYPE,					\
	.name = #TYPE,							\
	.aead = alg,							\
	.key_len = TLS_CIPHER_##TYPE##_KEY_SIZE,			\
	.iv_len = TLS_CIPHER_##TYPE##_IV_SIZE,				\
	.salt_len = TLS_CIPHER_##TYPE##_SALT_SIZE,			\
	.tag_len = TLS_CIPHER_##TYPE##_TAG_SIZE,			\
	.info_len = sizeof(struct st),					\
	.iv_off = offsetof(struct st, iv),				\
	.key_off = offsetof(struct st, key),				\
	.salt_off = offsetof(struct st, salt),				\
	.seq_off = offsetof(struct st, rec_seq),			\
	.ccm = is_ccm,							\
	.explicit_iv = expl,						\
	.tls12 = v12,							\
	.tls13 = v13,							\
}

/* The uapi sizes and the struct agree, and fit our fixed buffers. */
#define KTLS_CIPHER_CHECK(TYPE, st)					\
	static_assert(sizeof_field(struct st, key) ==			\
		      TLS_CIPHER_##TYPE##_KEY_SIZE &&			\
		      sizeof_field(struct st, iv) ==			\
		      TLS_CIPHER_##TYPE##_IV_SIZE &&			\
		      sizeof_field(struct st, rec_seq) == KTLS_REC_SEQ_LEN && \
		      sizeof(struct st) <= KTLS_MAX_INFO_LEN &&		\
		      sizeof_field(struct st, salt) ==			\
		      TLS_CIPHER_##TYPE##_SALT_SIZE &&			\
		      sizeof_field(struct st, key) <= KTLS_MAX_KEY &&	\
		      sizeof_field(struct st, salt) +			\
		      sizeof_field(struct st, iv) <= KTLS_MAX_SALT_IV)

KTLS_CIPHER_CHECK(AES_GCM_128, tls12_crypto_info_aes_gcm_128);
KTLS_CIPHER_CHECK(AES_GCM_256, tls12_crypto_info_aes_gcm_256);
KTLS_CIPHER_CHECK(AES_CCM_128, tls12_crypto_info_aes_ccm_128);
KTLS_CIPHER_CHECK(CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305);
KTLS_CIPHER_CHECK(SM4_GCM, tls12_crypto_info_sm4_gcm);
KTLS_CIPHER_CHECK(SM4_CCM, tls12_crypto_info_sm4_ccm);
KTLS_CIPHER_CHECK(ARIA_GCM_128, tls12_crypto_info_aria_gcm_128);
KTLS_CIPHER_CHECK(ARIA_GCM_256, tls12_crypto_info_aria_gcm_256);

static const struct ktls_cipher ktls_ciphers[] = {
	KTLS_CIPHER(AES_GCM_128, tls12_crypto_info_aes_gcm_128,
		    "gcm(aes)", false, true, true, true),
	KTLS_CIPHER(AES_GCM_256, tls12_crypto_info_aes_gcm_256,
		    "gcm(aes)", false, true, true, true),
	KTLS_CIPHER(AES_CCM_128, tls12_crypto_info_aes_ccm_128,
		    "ccm(aes)", true, true, true, true),
	KTLS_CIPHER(CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305,
		    "rfc7539(chacha20,poly1305)", false, false, true, true),
	KTLS_CIPHER(SM4_GCM, tls12_crypto_info_sm4_gcm,
		    "gcm(sm4)", false, true, true, true),
	KTLS_CIPHER(SM4_CCM, tls12_crypto_info_sm4_ccm,
		    "ccm(sm4)", true, true, true, true),
	KTLS_CIPHER(ARIA_GCM_128, tls12_crypto_info_aria_gcm_128,
		    "gcm(aria)", false, true, true, false),
	KTLS_CIPHER(ARIA_GCM_256, tls12_crypto_info_aria_gcm_256,
		    "gcm(aria)", false, true, true, false),
};

/**
 * ktls_cipher_find() - look up a cipher descriptor
 * @type: TLS_CIPHER_* value
 *
 * Return: the row, or NULL for an unknown cipher.
 */
const struct ktls_cipher *ktls_cipher_find(u16 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ktls_ciphers); i++)
		if (ktls_ciphers[i].type == type)
			return &ktls_ciphers[i];
	return NULL;
}

/**
 * ktls_crypto_init() - key one direction from a validated crypto_info
 * @c: state to fill
 * @info: crypto_info whose version and cipher were validated by the caller
 *
 * Return: 0, or a negative errno (nothing to free on error).
 */
int ktls_crypto_init(struct ktls_crypto *c, const struct tls_crypto_info *info)
{
	const struct ktls_cipher *ci = ktls_cipher_find(info->cipher_type);
	const u8 *raw = (const u8 *)info;
	int err;

	if (!ci)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->cipher = ci;
	err = ktls_prot_init(&c->prot, info->version, ci->salt_len, ci->iv_len,
			     ci->tag_len, ci->ccm,
			     ci->explicit_iv && info->version == TLS_1_2_VERSION);
	if (err)
		return err;
	memcpy(c->salt_iv, raw + ci->salt_off, ci->salt_len);
	memcpy(c->salt_iv + ci->salt_len, raw + ci->iv_off, ci->iv_len);
	memcpy(c->seq, raw + ci->seq_off, KTLS_REC_SEQ_LEN);

	c->aead = crypto_alloc_aead(ci->aead, 0, 0);
	if (IS_ERR(c->aead)) {
		err = PTR_ERR(c->aead);
		c->aead = NULL;
		goto err_wipe;
	}
	err = crypto_aead_setkey(c->aead, raw + ci->key_off, ci->key_len);
	if (err)
		goto err_free;
	err = crypto_aead_setauthsize(c->aead, ci->tag_len);
	if (err)
		goto err_free;
	return 0;

err_free:
	crypto_free_aead(c->aead);
	c->aead = NULL;
err_wipe:
	memzero_explicit(c, sizeof(*c));
	return err;
}

/**
 * ktls_crypto_free() - drop the transform and wipe the key material
 * @c: state filled by ktls_crypto_init(), or zeroed
 */
void ktls_crypto_free(struct ktls_crypto *c)
{
	if (c->aead)
		crypto_free_aead(c->aead);
	memzero_explicit(c, sizeof(*c));
}
