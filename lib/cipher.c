// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* The one cipher map: library suite <-> kernel cipher type and layout. */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <linux/tls.h>
#include <openssl/obj_mac.h>

#include "internal.h"

#define ROW(NAME, TYPE, ST, SUITE, HASH, EVP, NID)			\
	{								\
		.d = {							\
			.name = NAME,					\
			.kernel_type = TYPE,				\
			.tls13_suite = SUITE,				\
			.tls13_hash = HASH,				\
			.key_len = TYPE##_KEY_SIZE,			\
			.salt_len = TYPE##_SALT_SIZE,			\
			.iv_len = TYPE##_IV_SIZE,			\
			.tag_len = TYPE##_TAG_SIZE,			\
			.info_len = sizeof(struct ST),			\
			.evp_name = EVP,				\
		},							\
		.nid = NID,						\
		.off_key = offsetof(struct ST, key),			\
		.off_iv = offsetof(struct ST, iv),			\
		.off_salt = offsetof(struct ST, salt),			\
		.off_seq = offsetof(struct ST, rec_seq),		\
	}

#define CHECK_ROW(TYPE, ST)						\
	static_assert(sizeof(((struct ST *)0)->key) == TYPE##_KEY_SIZE,	\
		      #ST " key");					\
	static_assert(sizeof(((struct ST *)0)->iv) == TYPE##_IV_SIZE,	\
		      #ST " iv");					\
	static_assert(sizeof(((struct ST *)0)->rec_seq) ==		\
		      TYPE##_REC_SEQ_SIZE, #ST " seq");			\
	static_assert(sizeof(struct ST) <= KTLS_MAX_INFO, #ST " size");	\
	static_assert(TYPE##_SALT_SIZE + TYPE##_IV_SIZE == 12, #ST " nonce")

CHECK_ROW(TLS_CIPHER_AES_GCM_128, tls12_crypto_info_aes_gcm_128);
CHECK_ROW(TLS_CIPHER_AES_GCM_256, tls12_crypto_info_aes_gcm_256);
CHECK_ROW(TLS_CIPHER_AES_CCM_128, tls12_crypto_info_aes_ccm_128);
CHECK_ROW(TLS_CIPHER_CHACHA20_POLY1305, tls12_crypto_info_chacha20_poly1305);
#ifdef TLS_CIPHER_SM4_GCM
CHECK_ROW(TLS_CIPHER_SM4_GCM, tls12_crypto_info_sm4_gcm);
CHECK_ROW(TLS_CIPHER_SM4_CCM, tls12_crypto_info_sm4_ccm);
#endif
#ifdef TLS_CIPHER_ARIA_GCM_128
CHECK_ROW(TLS_CIPHER_ARIA_GCM_128, tls12_crypto_info_aria_gcm_128);
CHECK_ROW(TLS_CIPHER_ARIA_GCM_256, tls12_crypto_info_aria_gcm_256);
#endif

/* RFC 8998 suites (not in OpenSSL 3.0; raw-secret entry only). */
#define SUITE_SM4_GCM_SM3	0x00C6
#define SUITE_SM4_CCM_SM3	0x00C7

static const struct ktls_cipher_row rows[] = {
	ROW("AES-128-GCM", TLS_CIPHER_AES_GCM_128,
	    tls12_crypto_info_aes_gcm_128, 0x1301, "SHA256", "AES-128-GCM",
	    NID_aes_128_gcm),
	ROW("AES-256-GCM", TLS_CIPHER_AES_GCM_256,
	    tls12_crypto_info_aes_gcm_256, 0x1302, "SHA384", "AES-256-GCM",
	    NID_aes_256_gcm),
	ROW("CHACHA20-POLY1305", TLS_CIPHER_CHACHA20_POLY1305,
	    tls12_crypto_info_chacha20_poly1305, 0x1303, "SHA256",
	    "ChaCha20-Poly1305", NID_chacha20_poly1305),
	ROW("AES-128-CCM", TLS_CIPHER_AES_CCM_128,
	    tls12_crypto_info_aes_ccm_128, 0x1304, "SHA256", "AES-128-CCM",
	    NID_aes_128_ccm),
#ifdef TLS_CIPHER_SM4_GCM
	ROW("SM4-GCM", TLS_CIPHER_SM4_GCM, tls12_crypto_info_sm4_gcm,
	    SUITE_SM4_GCM_SM3, "SM3", NULL, NID_undef),
	ROW("SM4-CCM", TLS_CIPHER_SM4_CCM, tls12_crypto_info_sm4_ccm,
	    SUITE_SM4_CCM_SM3, "SM3", NULL, NID_undef),
#endif
#ifdef TLS_CIPHER_ARIA_GCM_128
	ROW("ARIA-128-GCM", TLS_CIPHER_ARIA_GCM_128,
	    tls12_crypto_info_aria_gcm_128, 0, NULL, "ARIA-128-GCM",
	    NID_aria_128_gcm),
	ROW("ARIA-256-GCM", TLS_CIPHER_ARIA_GCM_256,
	    tls12_crypto_info_aria_gcm_256, 0, NULL, "ARIA-256-GCM",
	    NID_aria_256_gcm),
#endif
};

size_t ktls_cipher_count(void)
{
	return sizeof(rows) / sizeof(rows[0]);
}

const struct ktls_cipher_desc *ktls_cipher_at(size_t i)
{
	return i < ktls_cipher_count() ? &rows[i].d : NULL;
}

const struct ktls_cipher_row *ktls_row_by_type(uint16_t type)
{
	for (size_t i = 0; i < ktls_cipher_count(); i++)
		if (rows[i].d.kernel_type == type)
			return &rows[i];
	return NULL;
}

const struct ktls_cipher_row *ktls_row_by_suite(uint16_t suite)
{
	for (size_t i = 0; suite && i < ktls_cipher_count(); i++)
		if (rows[i].d.tls13_suite == suite)
			return &rows[i];
	return NULL;
}

const struct ktls_cipher_row *ktls_row_by_nid(int nid)
{
	for (size_t i = 0; nid != NID_undef && i < ktls_cipher_count(); i++)
		if (rows[i].nid == nid)
			return &rows[i];
	return NULL;
}

const struct ktls_cipher_desc *ktls_cipher_by_type(uint16_t type)
{
	const struct ktls_cipher_row *r = ktls_row_by_type(type);

	return r ? &r->d : NULL;
}

const struct ktls_cipher_desc *ktls_cipher_by_suite(uint16_t suite)
{
	const struct ktls_cipher_row *r = ktls_row_by_suite(suite);

	return r ? &r->d : NULL;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

int ktls_info_build(const struct ktls_cipher_row *r, uint16_t version,
		    const uint8_t *key, size_t key_len,
		    const uint8_t *fixed_iv, size_t fixed_iv_len,
		    uint64_t seq, uint8_t info[KTLS_MAX_INFO])
{
	struct tls_crypto_info *ci = (struct tls_crypto_info *)info;
	size_t salt = r->d.salt_len, ivl = r->d.iv_len;
	bool whole = fixed_iv_len == salt + ivl;

	if (key_len != r->d.key_len ||
	    (version != TLS_1_2_VERSION && version != TLS_1_3_VERSION))
		return -EINVAL;
	/* TLS 1.3 and ChaCha20 use a 12-byte static IV; TLS 1.2 GCM/CCM a
	 * 4-byte salt plus an explicit nonce we start at the record seq. */
	if (!whole && (version == TLS_1_3_VERSION || fixed_iv_len != salt))
		return -EINVAL;
	memset(info, 0, KTLS_MAX_INFO);
	ci->version = version;
	ci->cipher_type = r->d.kernel_type;
	memcpy(info + r->off_key, key, key_len);
	memcpy(info + r->off_salt, fixed_iv, salt);
	if (whole)
		memcpy(info + r->off_iv, fixed_iv + salt, ivl);
	else
		put_be64(info + r->off_iv, seq);
	put_be64(info + r->off_seq, seq);
	return 0;
}
