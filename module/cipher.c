// SPDX-License-Identifier: GPL-2.0
/*
 * cipher.c - the one cipher descriptor table, keyed per-direction state,
 * and the one AEAD call both directions make with it.
 */

#include <linux/kernel.h>
#include <linux/build_bug.h>
#include <linux/scatterlist.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <crypto/aead.h>

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

/* @c's cipher, record protection, salt, IV and sequence from @info */
static int ktls_crypto_fill(struct ktls_crypto *c,
			    const struct tls_crypto_info *info)
{
	const struct ktls_cipher *ci = ktls_cipher_find(info->cipher_type);
	const u8 *raw = (const u8 *)info;

	if (!ci)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->cipher = ci;
	memcpy(c->salt_iv, raw + ci->salt_off, ci->salt_len);
	memcpy(c->salt_iv + ci->salt_len, raw + ci->iv_off, ci->iv_len);
	memcpy(c->seq, raw + ci->seq_off, KTLS_REC_SEQ_LEN);
	return ktls_prot_init(&c->prot, info->version, ci->salt_len,
			      ci->iv_len, ci->tag_len, ci->ccm,
			      ci->explicit_iv &&
			      info->version == TLS_1_2_VERSION);
}

/* @info's key into @aead */
static int ktls_crypto_setkey(struct crypto_aead *aead,
			      const struct tls_crypto_info *info)
{
	const struct ktls_cipher *ci = ktls_cipher_find(info->cipher_type);

	return crypto_aead_setkey(aead, (const u8 *)info + ci->key_off,
				  ci->key_len);
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
	int err;

	err = ktls_crypto_fill(c, info);
	if (err)
		goto err_wipe;
	c->aead = crypto_alloc_aead(c->cipher->aead, 0, 0);
	if (IS_ERR(c->aead)) {
		err = PTR_ERR(c->aead);
		c->aead = NULL;
		goto err_wipe;
	}
	err = ktls_crypto_setkey(c->aead, info);
	if (err)
		goto err_free;
	err = crypto_aead_setauthsize(c->aead, c->cipher->tag_len);
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
 * ktls_crypto_rekey() - the next key (TLS 1.3 KeyUpdate) in @cur's transform
 * @next: state to fill
 * @cur: the direction's keyed state; nothing uses its transform meanwhile
 *	(the caller holds the direction's locks and nothing is in flight)
 * @info: the new crypto_info, validated: @cur's version and cipher
 * @old: the crypto_info @cur was keyed from
 * @install: set when @next is to replace @cur, even on error
 *
 * Setting a key is much cheaper than allocating a transform, so a
 * KeyUpdate keys @cur's transform again and @next shares it: the caller
 * installs @next, then wipes the state it replaced without freeing its
 * transform (ktls_crypto_retire()). A transform whose setkey failed is
 * left unkeyed by the crypto API (it fails every request with -ENOKEY),
 * so on failure the old key goes back in (tried three times: a
 * template's setkey, gcm's, may allocate); should that fail too, @next is a
 * new transform with the old key, @cur's running sequence number and
 * *@install set: the old key stays in use either way. Only if that
 * allocation fails as well does the direction stay unkeyed, and its next
 * record fails (EBADMSG) instead of being sealed or opened with a wrong
 * key.
 *
 * Return: 0, or the errno of keying the new key (then @cur's key stays).
 */
int ktls_crypto_rekey(struct ktls_crypto *next, const struct ktls_crypto *cur,
		      const struct tls_crypto_info *info,
		      const struct tls_crypto_info *old, bool *install)
{
	int err, again, tries;

	*install = false;
	err = ktls_crypto_fill(next, info);
	if (err) {
		memzero_explicit(next, sizeof(*next));
		return err;
	}
	err = ktls_crypto_setkey(cur->aead, info);
	if (!err) {
		next->aead = cur->aead;
		next->later = cur->later;
		*install = true;
		return 0;
	}
	memzero_explicit(next, sizeof(*next));
	for (tries = 0; tries < 3; tries++) {
		again = ktls_crypto_setkey(cur->aead, old);
		if (!again)
			return err;
	}
	pr_warn_ratelimited("KeyUpdate failed (%d) and the old key could not be set again (%d): a new transform\n",
			    err, again);
	if (ktls_crypto_init(next, old))
		return err;
	memcpy(next->seq, cur->seq, KTLS_REC_SEQ_LEN);
	*install = true;
	return err;
}

/**
 * ktls_crypto_retire() - wipe state replaced by ktls_crypto_rekey()'s
 * @c: the replaced state
 * @live: the state that replaced it
 *
 * Frees @c's transform unless @live shares it.
 */
void ktls_crypto_retire(struct ktls_crypto *c, const struct ktls_crypto *live)
{
	if (c->aead == live->aead)
		c->aead = NULL;
	ktls_crypto_free(c);
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

/**
 * ktls_crypto_scratch_get() - a call's scratch space, with room for a request
 * @c: keyed state whose transform the request is for
 * @kind: KTLS_SCRATCH_TX or KTLS_SCRATCH_RX
 * @size: bytes of the caller's scratch struct, which ends with its
 *	struct aead_request (the transform's request context follows it)
 * @gfp: allocation flags
 *
 * Any context. Give it back with ktls_crypto_scratch_put() before @c
 * changes: the request context is sized for its transform.
 *
 * Return: the scratch space, uninitialised, or NULL.
 */
void *ktls_crypto_scratch_get(const struct ktls_crypto *c,
			      enum ktls_scratch_kind kind, size_t size,
			      gfp_t gfp)
{
	return ktls_scratch_get(kind, size + crypto_aead_reqsize(c->aead), gfp);
}

/**
 * ktls_crypto_scratch_put() - wipe a call's secrets, give its scratch back
 * @c: keyed state the scratch was taken for
 * @kind: the kind it was taken as
 * @scr: what ktls_crypto_scratch_get() returned
 * @iv: its nonce, KTLS_MAX_NONCE bytes
 * @req: its request, last in @scr
 *
 * Any context. The nonce derives from the key schedule and a request
 * context can hold per-record keys (ChaCha20-Poly1305's one-time Poly1305
 * key): both are wiped with memzero_explicit(); the rest of a scratch
 * (AAD, scatterlists) is no secret.
 */
void ktls_crypto_scratch_put(const struct ktls_crypto *c,
			     enum ktls_scratch_kind kind, void *scr, u8 *iv,
			     struct aead_request *req)
{
	ktls_crypto_scratch_wipe(c, iv, req);
	ktls_scratch_put(kind, scr);
}

/**
 * ktls_crypto_scratch_wipe() - wipe a call's secrets, keep its scratch
 * @c: keyed state the scratch was taken for
 * @iv: its nonce, KTLS_MAX_NONCE bytes
 * @req: its request, done with, last in the scratch
 *
 * Any context. What ktls_crypto_scratch_put() wipes, for a scratch that
 * lives on after its request (a TX record waiting for TCP, txasync.c).
 */
void ktls_crypto_scratch_wipe(const struct ktls_crypto *c, u8 *iv,
			      struct aead_request *req)
{
	memzero_explicit(iv, KTLS_MAX_NONCE);
	memzero_explicit(req, sizeof(*req) + crypto_aead_reqsize(c->aead));
}

static int ktls_crypto_start(const struct ktls_crypto *c,
			     struct aead_request *req, struct scatterlist *src,
			     struct scatterlist *dst, u32 len, u8 *iv,
			     bool encrypt, crypto_completion_t done, void *data)
{
	aead_request_set_tfm(req, c->aead);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP, done, data);
	aead_request_set_ad(req, c->prot.aad_len);
	aead_request_set_crypt(req, src, dst, len, iv);
	return encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

/**
 * ktls_crypto_aead() - seal or open one record with @c's transform
 * @c: keyed state
 * @req: request in the call's scratch (ktls_crypto_scratch_get())
 * @src: input, led by the AAD
 * @dst: output, led by the AAD; may be @src
 * @len: bytes to process after the AAD: plaintext to seal, or
 *	ciphertext and tag to open
 * @iv: the record's nonce
 * @encrypt: seal (true) or open
 *
 * Process context: waits for an asynchronous transform (cryptd), so the
 * buffers stay held until it is done. A request that does complete later
 * sets @c->later (ktls_crypto_later()). Called under the lock of @c's
 * direction.
 *
 * Return: 0, -EBADMSG for a bad tag, or another error from the crypto API.
 */
int ktls_crypto_aead(struct ktls_crypto *c, struct aead_request *req,
		     struct scatterlist *src, struct scatterlist *dst, u32 len,
		     u8 *iv, bool encrypt)
{
	DECLARE_CRYPTO_WAIT(wait);
	int err = ktls_crypto_start(c, req, src, dst, len, iv, encrypt,
				    crypto_req_done, &wait);

	if (err == -EINPROGRESS || err == -EBUSY)
		c->later = true;
	return crypto_wait_req(err, &wait);
}

/**
 * ktls_crypto_later() - whether several records should be kept in flight
 * @c: keyed state
 *
 * An asynchronous implementation (cryptd, pcrypt, a hardware queue) may
 * return -EINPROGRESS; x86's SIMD wrappers are flagged asynchronous too
 * but in a send or recvmsg call practically always complete at once. So
 * the records in flight begin once one request of this transform did
 * complete later (ktls_crypto_aead() saw it): until then, and with a
 * transform that never does, each record is waited for, with one
 * scratch, as with a synchronous AEAD.
 *
 * Return: true once a request of @c's transform completed later.
 */
bool ktls_crypto_later(const struct ktls_crypto *c)
{
	return c->later;
}

/**
 * ktls_crypto_seal_start() - start sealing one record, without waiting
 * @c: keyed state
 * @req: request in the record's own scratch (ktls_crypto_scratch_get())
 * @src: plaintext, led by the AAD
 * @dst: output, led by the AAD; may be @src
 * @len: plaintext bytes after the AAD
 * @iv: the record's nonce
 * @done: called with @data and the result when the request completes
 *	later; also with -EINPROGRESS when a backlogged request starts
 * @data: for @done
 *
 * Process context (the request may sleep or be backlogged). Everything
 * the request uses (scratch, pages) must stay until @done runs.
 *
 * Return: 0 (sealed, @done is not called), -EINPROGRESS or -EBUSY
 * (queued or backlogged: @done will be called), or another error.
 */
int ktls_crypto_seal_start(const struct ktls_crypto *c,
			   struct aead_request *req, struct scatterlist *src,
			   struct scatterlist *dst, u32 len, u8 *iv,
			   crypto_completion_t done, void *data)
{
	return ktls_crypto_start(c, req, src, dst, len, iv, true, done, data);
}

/**
 * ktls_crypto_open_start() - start opening one record, without waiting
 * @c: keyed state
 * @req: request in the record's own scratch (ktls_crypto_scratch_get())
 * @src: ciphertext and tag, led by the AAD
 * @dst: output, led by the AAD
 * @len: bytes of ciphertext and tag after the AAD
 * @iv: the record's nonce
 * @done: as for ktls_crypto_seal_start()
 * @data: for @done
 *
 * As ktls_crypto_seal_start(), the other way.
 *
 * Return: 0 (opened, @done is not called), -EINPROGRESS or -EBUSY
 * (@done will be called), -EBADMSG (bad tag), or another error.
 */
int ktls_crypto_open_start(const struct ktls_crypto *c,
			   struct aead_request *req, struct scatterlist *src,
			   struct scatterlist *dst, u32 len, u8 *iv,
			   crypto_completion_t done, void *data)
{
	return ktls_crypto_start(c, req, src, dst, len, iv, false, done, data);
}
