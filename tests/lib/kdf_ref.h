/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* HKDF-Expand-Label (RFC 8446 7.1) by libcrypto's TLS13-KDF: the reference
 * the key schedule and raw-secret tests check core/keysched.c against. */
#ifndef KTLS_TESTS_KDF_REF_H
#define KTLS_TESTS_KDF_REF_H

#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

/* Expand SEC (SL bytes) with LABEL and an empty context into OL bytes. */
static inline int ref_tls13_expand(const char *md, const unsigned char *sec,
				   size_t sl, const char *label,
				   unsigned char *out, size_t ol)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS13-KDF", NULL);
	EVP_KDF_CTX *kc = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, ok;
	OSSL_PARAM p[7], *q = p;

	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						(char *)md, 0);
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)sec, sl);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PREFIX,
						 "tls13 ", 6);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_LABEL,
						 (void *)label, strlen(label));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_DATA, "", 0);
	*q = OSSL_PARAM_construct_end();
	ok = kc && EVP_KDF_derive(kc, out, ol, p) == 1;
	EVP_KDF_CTX_free(kc);
	EVP_KDF_free(kdf);
	return ok ? 0 : -1;
}

#endif /* KTLS_TESTS_KDF_REF_H */
