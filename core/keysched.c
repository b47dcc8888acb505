// SPDX-License-Identifier: GPL-2.0 OR MIT
/* TLS 1.3 HKDF-Expand-Label, traffic key/IV, KeyUpdate and TLS 1.2 PRF. */
#include "keysched.h"

#include <errno.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#define KS_LABEL_PREFIX	"tls13 "
#define KS_MAX_INFO	(2 + 1 + 255 + 1 + 255)

size_t ktls_ks_md_len(const char *md)
{
	EVP_MD *m = EVP_MD_fetch(NULL, md, NULL);
	int len;

	if (!m)
		return 0;
	len = EVP_MD_get_size(m);
	EVP_MD_free(m);
	return len > 0 ? (size_t)len : 0;
}

static int ks_kdf(const char *kdf_name, OSSL_PARAM *params,
		  uint8_t *out, size_t out_len)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, kdf_name, NULL);
	EVP_KDF_CTX *kctx;
	int ret = -ENOSYS;

	if (!kdf)
		return ret;
	kctx = EVP_KDF_CTX_new(kdf);
	if (kctx && EVP_KDF_derive(kctx, out, out_len, params) == 1)
		ret = 0;
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return ret;
}

/* HkdfLabel = uint16 length || opaque label<7..255> || opaque context<0..255> */
static size_t ks_build_info(uint8_t *info, size_t out_len, const char *label,
			    const uint8_t *ctx, size_t ctx_len)
{
	size_t plen = strlen(KS_LABEL_PREFIX), llen = strlen(label), n = 0;

	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(plen + llen);
	memcpy(info + n, KS_LABEL_PREFIX, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = (uint8_t)ctx_len;
	if (ctx_len)
		memcpy(info + n, ctx, ctx_len);
	return n + ctx_len;
}

int ktls_ks_expand_label(const char *md, const uint8_t *secret,
			 size_t secret_len, const char *label,
			 const uint8_t *ctx, size_t ctx_len,
			 uint8_t *out, size_t out_len)
{
	uint8_t info[KS_MAX_INFO];
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM params[5];
	size_t info_len;
	int ret;

	if (!md || !secret || !label || !out || out_len == 0 ||
	    out_len > 0xffff || ctx_len > 255 ||
	    strlen(label) + strlen(KS_LABEL_PREFIX) > 255)
		return -EINVAL;
	info_len = ks_build_info(info, out_len, label, ctx, ctx_len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)md, 0);
	params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)secret,
						      secret_len);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      info, info_len);
	params[4] = OSSL_PARAM_construct_end();
	ret = ks_kdf("HKDF", params, out, out_len);
	if (ret && ktls_ks_md_len(md) == 0)
		ret = -ENOSYS;
	else if (ret)
		ret = -EINVAL;
	return ret;
}

int ktls_ks_traffic_keys(const char *md, const uint8_t *secret,
			 size_t secret_len, uint8_t *key, size_t key_len,
			 uint8_t iv[12])
{
	int ret;

	ret = ktls_ks_expand_label(md, secret, secret_len, "key", NULL, 0,
				   key, key_len);
	if (!ret)
		ret = ktls_ks_expand_label(md, secret, secret_len, "iv", NULL,
					   0, iv, 12);
	return ret;
}

int ktls_ks_update_secret(const char *md, uint8_t *secret, size_t secret_len)
{
	uint8_t next[KTLS_KS_MAX_SECRET];
	int ret;

	if (secret_len > sizeof(next) || secret_len != ktls_ks_md_len(md))
		return -EINVAL;
	ret = ktls_ks_expand_label(md, secret, secret_len, "traffic upd",
				   NULL, 0, next, secret_len);
	if (!ret)
		memcpy(secret, next, secret_len);
	OPENSSL_cleanse(next, sizeof(next));
	return ret;
}

int ktls_ks_tls12_key_block(const char *md, const uint8_t *master,
			    size_t master_len,
			    const uint8_t client_random[32],
			    const uint8_t server_random[32],
			    uint8_t *out, size_t out_len)
{
	static const char label[] = "key expansion";
	uint8_t seed[sizeof(label) - 1 + 64];
	OSSL_PARAM params[4];
	int ret;

	if (!md || !master || !master_len || !out || !out_len)
		return -EINVAL;
	/* key_block = PRF(master, "key expansion", server_random + client_random) */
	memcpy(seed, label, sizeof(label) - 1);
	memcpy(seed + sizeof(label) - 1, server_random, 32);
	memcpy(seed + sizeof(label) - 1 + 32, client_random, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)md, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET,
						      (void *)master,
						      master_len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED,
						      seed, sizeof(seed));
	params[3] = OSSL_PARAM_construct_end();
	ret = ks_kdf("TLS1-PRF", params, out, out_len);
	return ret ? -EINVAL : 0;
}
