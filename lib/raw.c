// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/* Library-agnostic entry: install from raw TLS 1.3 secrets or TLS 1.2 keys. */
#include <errno.h>
#include <string.h>
#include <linux/tls.h>
#include <openssl/crypto.h>

#include "../core/keysched.h"
#include "internal.h"

static int install(const struct ktls_sys *sys, int fd, unsigned int dir,
		   const struct ktls_cipher_row *r, uint16_t version,
		   const uint8_t *key, const uint8_t *iv, size_t iv_len,
		   uint64_t seq)
{
	uint8_t info[KTLS_MAX_INFO];
	int ret;

	if (dir != KTLS_TX && dir != KTLS_RX)
		return -EINVAL;
	ret = ktls_info_build(r, version, key, r->d.key_len, iv, iv_len, seq,
			      info);
	if (ret)
		return ret;
	ret = ktls_ulp_attach(sys, fd);
	if (ret) {
		OPENSSL_cleanse(info, sizeof(info));
		return ret;
	}
	return ktls_info_install(sys, fd, dir, info, r->d.info_len);
}

int ktls_install_tls13(const struct ktls_sys *sys, int fd, unsigned int dir,
		       uint16_t suite, const uint8_t *secret,
		       size_t secret_len, uint64_t seq)
{
	const struct ktls_cipher_row *r = ktls_row_by_suite(suite);
	uint8_t key[KTLS_MAX_KEY], iv[12];
	int ret;

	if (!r || !secret || secret_len != ktls_ks_md_len(r->d.tls13_hash))
		return r && ktls_ks_md_len(r->d.tls13_hash) == 0 ? -ENOSYS
								 : -EINVAL;
	ret = ktls_ks_traffic_keys(r->d.tls13_hash, secret, secret_len, key,
				   r->d.key_len, iv);
	if (!ret)
		ret = install(sys, fd, dir, r, TLS_1_3_VERSION, key, iv, 12,
			      seq);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(iv, sizeof(iv));
	return ret;
}

int ktls_install_keys(const struct ktls_sys *sys, int fd, unsigned int dir,
		      uint16_t version, uint16_t cipher_type,
		      const uint8_t *key, size_t key_len, const uint8_t *iv,
		      size_t iv_len, uint64_t seq)
{
	const struct ktls_cipher_row *r = ktls_row_by_type(cipher_type);

	if (!r || !key || !iv || key_len != r->d.key_len)
		return -EINVAL;
	return install(sys, fd, dir, r, version, key, iv, iv_len, seq);
}

int ktls_install_tls12(const struct ktls_sys *sys, int fd, unsigned int dir,
		       uint16_t cipher_type, const uint8_t *key,
		       size_t key_len, const uint8_t *iv, size_t iv_len,
		       uint64_t seq)
{
	return ktls_install_keys(sys, fd, dir, TLS_1_2_VERSION, cipher_type,
				 key, key_len, iv, iv_len, seq);
}
