/* SPDX-License-Identifier: GPL-2.0 */
/* peer_ref.h - an independent TLS record layer (OpenSSL EVP) for peer.c. */
/*
 * Written from the RFCs only, deliberately sharing nothing with core/ or
 * module/: a bug common to both sides of a kernel<->kernel test (wrong
 * nonce, wrong AAD) would pass there and must fail here.
 *
 *   record header      RFC 5246 6.2.1 / RFC 8446 5.1: type, 0x0303, length
 *   TLS 1.2 GCM/CCM    RFC 5288 3, RFC 6655 3, RFC 6209 (ARIA):
 *                      nonce = salt(4) || explicit(8), explicit sent in clear
 *   TLS 1.2 ChaCha     RFC 7905 2: nonce = iv(12) XOR (0^32 || seq)
 *   TLS 1.2 AAD        RFC 5246 6.2.3.3: seq || type || 0x0303 || length
 *   TLS 1.3            RFC 8446 5.2-5.4: nonce = (salt||iv) XOR (0 || seq),
 *                      AAD = the 5-byte header, inner type + zero padding
 *   SM4-GCM/CCM        RFC 8998; OpenSSL 3.0 has SM4 ECB but no SM4 AEAD,
 *                      so GCM (NIST SP 800-38D) and CCM (SP 800-38C,
 *                      RFC 3610) are built here on EVP SM4-ECB. peer.c
 *                      checks that construction against OpenSSL's own
 *                      AES-GCM/AES-CCM and against the RFC 8998 vectors.
 *
 * Header-only on purpose: tests/vm/Makefile turns every .c in this folder into
 * its own program (ksft_filter.c, the harness wrapper, aside).
 */
#ifndef KTLS_PEER_REF_H
#define KTLS_PEER_REF_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <openssl/evp.h>

#define REF_HDR		5
#define REF_TAG		16
#define REF_MAX_PT	16384		/* 2^14, RFC 8446 5.1 */
#define REF_TYPE_ALERT	21
#define REF_TYPE_HS	22
#define REF_TYPE_DATA	23
#define REF_V12		0x0303
#define REF_V13		0x0304

enum ref_aead {
	REF_EVP_GCM,		/* OpenSSL AEAD, GCM-style ctrls */
	REF_EVP_CCM,		/* OpenSSL AEAD, CCM (length first) */
	REF_EVP_CHACHA,		/* OpenSSL ChaCha20-Poly1305 */
	REF_ECB_GCM,		/* our GCM over an EVP ECB block cipher */
	REF_ECB_CCM,		/* our CCM over an EVP ECB block cipher */
};

/* One cipher: its kernel numbers and how the reference computes it. */
struct ref_cipher {
	uint16_t type;		/* TLS_CIPHER_* */
	uint8_t key_len, salt_len, iv_len;
	enum ref_aead aead;
	const char *evp;	/* EVP name: the AEAD, or the ECB cipher */
};

/* One direction of a connection, as seen by the reference. */
struct ref_dir {
	uint16_t version;
	const struct ref_cipher *c;
	uint8_t key[32], salt[4], iv[12];	/* iv: crypto_info.iv */
	uint64_t seq;				/* next record's number */
	uint64_t explicit_nonce;		/* 1.2 TX: next explicit nonce */
	uint64_t last_explicit;			/* 1.2 RX: last one seen */
};

static inline void ref_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static inline uint64_t ref_get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline int ref_is_12_explicit(const struct ref_dir *d)
{
	return d->version == REF_V12 && d->c->aead != REF_EVP_CHACHA;
}

/* Bytes a record adds around its payload (not counting 1.3 padding). */
static inline size_t ref_overhead(const struct ref_dir *d)
{
	return REF_HDR + REF_TAG + (ref_is_12_explicit(d) ? 8 : 0) +
	       (d->version == REF_V13 ? 1 : 0);
}

/* -------------------------------------------------- block-cipher AEADs */

struct ref_ecb {
	EVP_CIPHER_CTX *x;
};

static inline int ref_ecb_init(struct ref_ecb *e, const char *name,
			       const uint8_t *key)
{
	EVP_CIPHER *ci = EVP_CIPHER_fetch(NULL, name, NULL);
	int ok;

	e->x = EVP_CIPHER_CTX_new();
	ok = ci && e->x && EVP_EncryptInit_ex(e->x, ci, NULL, key, NULL) &&
	     EVP_CIPHER_CTX_set_padding(e->x, 0);
	EVP_CIPHER_free(ci);
	return ok ? 0 : -1;
}

static inline void ref_ecb_block(struct ref_ecb *e, const uint8_t in[16],
				 uint8_t out[16])
{
	int n = 0;

	EVP_EncryptUpdate(e->x, out, &n, in, 16);
}

static inline void ref_ecb_free(struct ref_ecb *e)
{
	EVP_CIPHER_CTX_free(e->x);
}

/* X = X * Y in GF(2^128), bit order and R as in SP 800-38D 6.3. */
static inline void ref_gf_mul(uint8_t x[16], const uint8_t y[16])
{
	uint8_t z[16] = { 0 }, v[16];
	int i, j, carry;

	memcpy(v, y, 16);
	for (i = 0; i < 128; i++) {
		if (x[i / 8] & (0x80 >> (i % 8)))
			for (j = 0; j < 16; j++)
				z[j] ^= v[j];
		carry = v[15] & 1;
		for (j = 15; j > 0; j--)
			v[j] = (v[j] >> 1) | (v[j - 1] << 7);
		v[0] >>= 1;
		if (carry)
			v[0] ^= 0xe1;
	}
	memcpy(x, z, 16);
}

static inline void ref_ghash_update(uint8_t s[16], const uint8_t h[16],
				    const uint8_t *p, size_t len)
{
	size_t i, n;

	while (len) {
		n = len < 16 ? len : 16;
		for (i = 0; i < n; i++)
			s[i] ^= p[i];
		ref_gf_mul(s, h);
		p += n;
		len -= n;
	}
}

static inline void ref_inc32(uint8_t cb[16])
{
	int i;

	for (i = 15; i >= 12; i--)
		if (++cb[i])
			break;
}

/* GCM with a 96-bit IV (SP 800-38D 7.1/7.2); tag computed over the output
 * when encrypting, over the input when decrypting.
 */
static inline void ref_gcm(struct ref_ecb *e, const uint8_t nonce[12],
			   const uint8_t *aad, size_t alen,
			   const uint8_t *in, size_t len, uint8_t *out,
			   uint8_t tag[16], int enc)
{
	uint8_t h[16] = { 0 }, j0[16], cb[16], ks[16], s[16] = { 0 }, l[16];
	size_t i, n, off;

	ref_ecb_block(e, h, h);
	memcpy(j0, nonce, 12);
	j0[12] = j0[13] = j0[14] = 0;
	j0[15] = 1;
	ref_ghash_update(s, h, aad, alen);
	if (!enc)
		ref_ghash_update(s, h, in, len);
	memcpy(cb, j0, 16);
	for (off = 0; off < len; off += n) {
		ref_inc32(cb);
		ref_ecb_block(e, cb, ks);
		n = len - off < 16 ? len - off : 16;
		for (i = 0; i < n; i++)
			out[off + i] = in[off + i] ^ ks[i];
	}
	if (enc)
		ref_ghash_update(s, h, out, len);
	ref_be64(l, (uint64_t)alen * 8);
	ref_be64(l + 8, (uint64_t)len * 8);
	ref_ghash_update(s, h, l, 16);
	ref_ecb_block(e, j0, ks);
	for (i = 0; i < 16; i++)
		tag[i] = s[i] ^ ks[i];
}

/* CBC-MAC step of CCM: y = E(y XOR block), block zero-padded. */
static inline void ref_cbc_mac(struct ref_ecb *e, uint8_t y[16],
			       const uint8_t *p, size_t len)
{
	size_t i, n;

	while (len) {
		n = len < 16 ? len : 16;
		for (i = 0; i < n; i++)
			y[i] ^= p[i];
		ref_ecb_block(e, y, y);
		p += n;
		len -= n;
	}
}

/* CCM, 12-byte nonce (so L = 3), 16-byte tag, AAD < 0xff00 bytes
 * (SP 800-38C A.2, RFC 3610 2.2-2.3).
 */
static inline void ref_ccm(struct ref_ecb *e, const uint8_t nonce[12],
			   const uint8_t *aad, size_t alen,
			   const uint8_t *in, size_t len, uint8_t *out,
			   uint8_t tag[16], int enc)
{
	uint8_t b[16], y[16], ctr[16], ks[16], a2[2];
	size_t i, n, off;
	uint32_t blk = 1;

	b[0] = (alen ? 0x40 : 0) | (((16 - 2) / 2) << 3) | (3 - 1);
	memcpy(b + 1, nonce, 12);
	b[13] = len >> 16;
	b[14] = len >> 8;
	b[15] = len;
	ref_ecb_block(e, b, y);
	if (alen) {
		/* the 2-byte length prefix and the AAD form one padded run */
		uint8_t run[2 + 256];

		a2[0] = alen >> 8;
		a2[1] = alen;
		memcpy(run, a2, 2);
		memcpy(run + 2, aad, alen);
		ref_cbc_mac(e, y, run, 2 + alen);
	}
	ctr[0] = 3 - 1;
	memcpy(ctr + 1, nonce, 12);
	for (off = 0; off < len; off += n, blk++) {
		ctr[13] = blk >> 16;
		ctr[14] = blk >> 8;
		ctr[15] = blk;
		ref_ecb_block(e, ctr, ks);
		n = len - off < 16 ? len - off : 16;
		for (i = 0; i < n; i++)
			out[off + i] = in[off + i] ^ ks[i];
	}
	ref_cbc_mac(e, y, enc ? in : out, len);
	ctr[13] = ctr[14] = ctr[15] = 0;
	ref_ecb_block(e, ctr, ks);
	for (i = 0; i < 16; i++)
		tag[i] = y[i] ^ ks[i];
}

/* ------------------------------------------------------------ one AEAD */

/* Seal (enc=1: tag out) or open (enc=0: tag in, checked). 0 or -1. */
static inline int ref_aead(const struct ref_cipher *c, const uint8_t *key,
			   const uint8_t nonce[12], const uint8_t *aad,
			   size_t alen, const uint8_t *in, size_t len,
			   uint8_t *out, uint8_t tag[16], int enc)
{
	EVP_CIPHER_CTX *x;
	EVP_CIPHER *ci;
	int n = 0, ok;

	if (c->aead == REF_ECB_GCM || c->aead == REF_ECB_CCM) {
		struct ref_ecb e;
		uint8_t t[16];

		if (alen > 256 || ref_ecb_init(&e, c->evp, key))
			return -1;
		if (c->aead == REF_ECB_GCM)
			ref_gcm(&e, nonce, aad, alen, in, len, out, t, enc);
		else
			ref_ccm(&e, nonce, aad, alen, in, len, out, t, enc);
		ref_ecb_free(&e);
		if (enc) {
			memcpy(tag, t, 16);
			return 0;
		}
		return CRYPTO_memcmp(t, tag, 16) ? -1 : 0;
	}

	ci = EVP_CIPHER_fetch(NULL, c->evp, NULL);
	x = EVP_CIPHER_CTX_new();
	ok = ci && x && EVP_CipherInit_ex(x, ci, NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) > 0;
	if (ok && c->aead == REF_EVP_CCM)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16,
					 enc ? NULL : tag) > 0;
	ok = ok && EVP_CipherInit_ex(x, NULL, NULL, key, nonce, enc);
	if (ok && c->aead == REF_EVP_CCM)
		ok = EVP_CipherUpdate(x, NULL, &n, NULL, (int)len);
	ok = ok && (!alen || EVP_CipherUpdate(x, NULL, &n, aad, (int)alen));
	if (ok && !enc && c->aead != REF_EVP_CCM)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_SET_TAG, 16, tag) > 0;
	/* CCM with an empty payload still has to run the one update call */
	ok = ok && EVP_CipherUpdate(x, out, &n, in, (int)len);
	if (ok && c->aead != REF_EVP_CCM)
		ok = EVP_CipherFinal_ex(x, out + n, &n);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, tag) > 0;
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(ci);
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------- records */

static inline void ref_nonce(const struct ref_dir *d, const uint8_t *expl,
			     uint8_t nonce[12])
{
	uint8_t s[8];
	int i;

	if (ref_is_12_explicit(d)) {
		memcpy(nonce, d->salt, 4);
		memcpy(nonce + 4, expl, 8);
		return;
	}
	/* RFC 7905 and RFC 8446: 12-byte static IV XOR padded seq */
	memcpy(nonce, d->salt, d->c->salt_len);
	memcpy(nonce + d->c->salt_len, d->iv, d->c->iv_len);
	ref_be64(s, d->seq);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= s[i];
}

/*
 * Build one record of TYPE around LEN bytes of PT (and, for TLS 1.3, PAD
 * zero bytes after the inner type) into OUT. Returns the record length or
 * -1. OUT needs ref_overhead() + LEN + PAD bytes.
 */
static inline ssize_t ref_seal(struct ref_dir *d, uint8_t type,
			       const void *pt, size_t len, size_t pad,
			       uint8_t *out)
{
	uint8_t nonce[12], aad[13], *body, expl[8];
	size_t inner = len, clen, ex = ref_is_12_explicit(d) ? 8 : 0;
	uint8_t *tmp;
	int rc;

	if (d->version == REF_V13)
		inner = len + 1 + pad;
	clen = ex + inner + REF_TAG;
	if (clen > 0xffff)
		return -1;
	out[0] = d->version == REF_V13 ? REF_TYPE_DATA : type;
	out[1] = 3;
	out[2] = 3;
	out[3] = clen >> 8;
	out[4] = clen;
	body = out + REF_HDR;
	ref_be64(expl, d->explicit_nonce);
	memcpy(body, expl, ex);
	ref_nonce(d, expl, nonce);

	tmp = malloc(inner ? inner : 1);
	if (!tmp)
		return -1;
	memcpy(tmp, pt, len);
	if (d->version == REF_V13) {
		tmp[len] = type;
		memset(tmp + len + 1, 0, pad);
		memcpy(aad, out, REF_HDR);
		rc = ref_aead(d->c, d->key, nonce, aad, REF_HDR, tmp, inner,
			      body, body + inner, 1);
	} else {
		ref_be64(aad, d->seq);
		aad[8] = type;
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = len >> 8;
		aad[12] = len;
		rc = ref_aead(d->c, d->key, nonce, aad, 13, tmp, len,
			      body + ex, body + ex + len, 1);
	}
	free(tmp);
	if (rc)
		return -1;
	d->seq++;
	d->explicit_nonce++;
	return REF_HDR + clen;
}

/*
 * Open the record REC (header included, REC_LEN bytes) into PT (room for
 * REC_LEN bytes). Sets *TYPE (the inner type for TLS 1.3) and *PAD (1.3
 * zero padding seen). Returns the plaintext length, or -1 when the record
 * is malformed or does not authenticate.
 */
static inline ssize_t ref_open(struct ref_dir *d, const uint8_t *rec,
			       size_t rec_len, uint8_t *type, size_t *pad,
			       uint8_t *pt)
{
	size_t ex = ref_is_12_explicit(d) ? 8 : 0, clen, len;
	uint8_t nonce[12], aad[13], tag[16];
	const uint8_t *body = rec + REF_HDR;

	if (rec_len < REF_HDR || rec[1] != 3 || rec[2] != 3)
		return -1;
	clen = (size_t)rec[3] << 8 | rec[4];
	if (clen + REF_HDR != rec_len || clen < ex + REF_TAG)
		return -1;
	len = clen - ex - REF_TAG;
	ref_nonce(d, body, nonce);
	memcpy(tag, body + ex + len, 16);
	*pad = 0;
	if (d->version == REF_V13) {
		if (rec[0] != REF_TYPE_DATA ||
		    ref_aead(d->c, d->key, nonce, rec, REF_HDR, body, len,
			     pt, tag, 0))
			return -1;
		while (len && !pt[len - 1]) {	/* RFC 8446 5.4 */
			len--;
			(*pad)++;
		}
		if (!len)
			return -1;
		*type = pt[--len];
	} else {
		ref_be64(aad, d->seq);
		aad[8] = rec[0];
		aad[9] = 3;
		aad[10] = 3;
		aad[11] = len >> 8;
		aad[12] = len;
		if (ref_aead(d->c, d->key, nonce, aad, 13, body + ex, len,
			     pt, tag, 0))
			return -1;
		*type = rec[0];
		if (ex)
			d->last_explicit = ref_get_be64(body);
	}
	d->seq++;
	return len;
}

#endif /* KTLS_PEER_REF_H */
