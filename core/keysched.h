/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* TLS 1.3 key schedule pieces needed after a hand-off (userspace, libcrypto). */
#ifndef KTLS_CORE_KEYSCHED_H
#define KTLS_CORE_KEYSCHED_H

#include <stddef.h>
#include <stdint.h>

#define KTLS_KS_MAX_SECRET	64	/* SHA-384 is the largest hash here */

/*
 * All functions take the hash by name as libcrypto knows it ("SHA256",
 * "SHA384", "SM3") and return 0 on success or a negative errno:
 * -EINVAL for bad lengths, -ENOSYS when libcrypto lacks the hash.
 */

/* RFC 8446 7.1: HKDF-Expand(secret, HkdfLabel(len, "tls13 " label, ctx)). */
int ktls_ks_expand_label(const char *md, const uint8_t *secret,
			 size_t secret_len, const char *label,
			 const uint8_t *ctx, size_t ctx_len,
			 uint8_t *out, size_t out_len);

/* RFC 8446 7.3: write key and 12-byte IV from a traffic secret. */
int ktls_ks_traffic_keys(const char *md, const uint8_t *secret,
			 size_t secret_len, uint8_t *key, size_t key_len,
			 uint8_t iv[12]);

/* RFC 8446 7.2: application_traffic_secret_N+1 ("traffic upd"), in place. */
int ktls_ks_update_secret(const char *md, uint8_t *secret, size_t secret_len);

/* RFC 5246 6.3: TLS 1.2 key block from the master secret (PRF over md). */
int ktls_ks_tls12_key_block(const char *md, const uint8_t *master,
			    size_t master_len,
			    const uint8_t client_random[32],
			    const uint8_t server_random[32],
			    uint8_t *out, size_t out_len);

/* Digest length in bytes for md, or 0 if unknown. */
size_t ktls_ks_md_len(const char *md);

#endif /* KTLS_CORE_KEYSCHED_H */
