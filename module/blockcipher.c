// SPDX-License-Identifier: GPL-2.0
/* SM4/ARIA registration with the crypto API when the running kernel has none. */

#include <linux/crypto.h>
#include <linux/module.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <crypto/internal/hash.h>
#include <crypto/internal/skcipher.h>

#include "blockcipher.h"
#include "core/aria.h"
#include "core/sm4.h"

/*
 * Debian's stock kernels leave CONFIG_CRYPTO_SM4 and CONFIG_CRYPTO_ARIA
 * unset, so gcm(sm4), ccm(sm4) and gcm(aria) cannot be instantiated.  We
 * offer single-block "sm4" and "aria" ciphers built on core/sm4.c and
 * core/aria.c; the kernel's own ctr/gcm/ccm templates do the rest.  A
 * native implementation always wins: we register only when the kernel has
 * none, and at a priority below the generic C drivers (100).
 */
#define KTLS_BC_PRIORITY	50

static bool ktls_sm4_registered;
static bool ktls_aria_registered;

static int ktls_sm4_cia_setkey(struct crypto_tfm *tfm, const u8 *key,
			       unsigned int keylen)
{
	if (keylen != KTLS_SM4_KEY_SIZE)
		return -EINVAL;
	return ktls_sm4_setkey(crypto_tfm_ctx(tfm), key);
}

static void ktls_sm4_cia_encrypt(struct crypto_tfm *tfm, u8 *out, const u8 *in)
{
	ktls_sm4_encrypt(crypto_tfm_ctx(tfm), out, in);
}

static void ktls_sm4_cia_decrypt(struct crypto_tfm *tfm, u8 *out, const u8 *in)
{
	ktls_sm4_decrypt(crypto_tfm_ctx(tfm), out, in);
}

static int ktls_aria_cia_setkey(struct crypto_tfm *tfm, const u8 *key,
				unsigned int keylen)
{
	return ktls_aria_setkey(crypto_tfm_ctx(tfm), key, keylen);
}

static void ktls_aria_cia_encrypt(struct crypto_tfm *tfm, u8 *out, const u8 *in)
{
	ktls_aria_encrypt(crypto_tfm_ctx(tfm), out, in);
}

static void ktls_aria_cia_decrypt(struct crypto_tfm *tfm, u8 *out, const u8 *in)
{
	ktls_aria_decrypt(crypto_tfm_ctx(tfm), out, in);
}

/* Key schedules are wiped when the transform goes away. */
static void ktls_sm4_exit_tfm(struct crypto_tfm *tfm)
{
	ktls_sm4_clear(crypto_tfm_ctx(tfm));
}

static void ktls_aria_exit_tfm(struct crypto_tfm *tfm)
{
	ktls_aria_clear(crypto_tfm_ctx(tfm));
}

static struct crypto_alg ktls_sm4_alg = {
	.cra_name		= "sm4",
	.cra_driver_name	= "sm4-ktls",
	.cra_priority		= KTLS_BC_PRIORITY,
	.cra_flags		= CRYPTO_ALG_TYPE_CIPHER,
	.cra_blocksize		= KTLS_SM4_BLOCK_SIZE,
	.cra_ctxsize		= sizeof(struct ktls_sm4_ctx),
	.cra_module		= THIS_MODULE,
	.cra_exit		= ktls_sm4_exit_tfm,
	.cra_u.cipher = {
		.cia_min_keysize	= KTLS_SM4_KEY_SIZE,
		.cia_max_keysize	= KTLS_SM4_KEY_SIZE,
		.cia_setkey		= ktls_sm4_cia_setkey,
		.cia_encrypt		= ktls_sm4_cia_encrypt,
		.cia_decrypt		= ktls_sm4_cia_decrypt,
	},
};

static struct crypto_alg ktls_aria_alg = {
	.cra_name		= "aria",
	.cra_driver_name	= "aria-ktls",
	.cra_priority		= KTLS_BC_PRIORITY,
	.cra_flags		= CRYPTO_ALG_TYPE_CIPHER,
	.cra_blocksize		= KTLS_ARIA_BLOCK_SIZE,
	.cra_ctxsize		= sizeof(struct ktls_aria_ctx),
	.cra_module		= THIS_MODULE,
	.cra_exit		= ktls_aria_exit_tfm,
	.cra_u.cipher = {
		.cia_min_keysize	= 16,
		.cia_max_keysize	= KTLS_ARIA_MAX_KEY_SIZE,
		.cia_setkey		= ktls_aria_cia_setkey,
		.cia_encrypt		= ktls_aria_cia_encrypt,
		.cia_decrypt		= ktls_aria_cia_decrypt,
	},
};

/*
 * ctr(sm4) and ctr(aria) as multi-block skciphers: the ctr template would
 * call the single-block cipher (and the SIMD path's FPU section) once per
 * 16 bytes; these hand whole walk chunks to the batched core CTR, so
 * gcm(...) and ccm(...)'s CTR half pick them (priority above the template
 * instance). Registered only together with our single-block cipher.
 */
#define KTLS_BC_CTR_PRIORITY	200

/* crypto_alg fields shared by our ctr() skciphers and cbcmac() shash */
#define KTLS_BC_MODE_BASE(name, driver, ctx) {				\
	.cra_name		= name,					\
	.cra_driver_name	= driver,				\
	.cra_priority		= KTLS_BC_CTR_PRIORITY,			\
	.cra_blocksize		= 1,					\
	.cra_ctxsize		= sizeof(ctx),				\
	.cra_module		= THIS_MODULE,				\
}

typedef void (*ktls_bc_ctr_fn)(const void *ctx, u8 *out, const u8 *in,
			       size_t len, u8 ctr[16]);

static int ktls_bc_ctr_walk(struct skcipher_request *req, ktls_bc_ctr_fn fn)
{
	const void *ctx = crypto_skcipher_ctx(crypto_skcipher_reqtfm(req));
	struct skcipher_walk walk;
	int err = skcipher_walk_virt(&walk, req, false);

	while (walk.nbytes) {
		unsigned int n = walk.nbytes;

		/* a partial block only at the very end */
		if (n < walk.total)
			n = round_down(n, 16);
		fn(ctx, walk.dst.virt.addr, walk.src.virt.addr, n, walk.iv);
		err = skcipher_walk_done(&walk, walk.nbytes - n);
	}
	return err;
}

static void ktls_sm4_ctr_fn(const void *ctx, u8 *out, const u8 *in,
			    size_t len, u8 ctr[16])
{
	ktls_sm4_ctr(ctx, out, in, len, ctr);
}

static void ktls_aria_ctr_fn(const void *ctx, u8 *out, const u8 *in,
			     size_t len, u8 ctr[16])
{
	ktls_aria_ctr(ctx, out, in, len, ctr);
}

static int ktls_sm4_ctr_crypt(struct skcipher_request *req)
{
	return ktls_bc_ctr_walk(req, ktls_sm4_ctr_fn);
}

static int ktls_aria_ctr_crypt(struct skcipher_request *req)
{
	return ktls_bc_ctr_walk(req, ktls_aria_ctr_fn);
}

static int ktls_sm4_ctr_setkey(struct crypto_skcipher *tfm, const u8 *key,
			       unsigned int len)
{
	if (len != KTLS_SM4_KEY_SIZE)
		return -EINVAL;
	return ktls_sm4_setkey(crypto_skcipher_ctx(tfm), key);
}

static int ktls_aria_ctr_setkey(struct crypto_skcipher *tfm, const u8 *key,
				unsigned int len)
{
	return ktls_aria_setkey(crypto_skcipher_ctx(tfm), key, len);
}

static void ktls_sm4_ctr_exit(struct crypto_skcipher *tfm)
{
	ktls_sm4_clear(crypto_skcipher_ctx(tfm));
}

static void ktls_aria_ctr_exit(struct crypto_skcipher *tfm)
{
	ktls_aria_clear(crypto_skcipher_ctx(tfm));
}

static struct skcipher_alg ktls_sm4_ctr_alg = {
	.base = KTLS_BC_MODE_BASE("ctr(sm4)", "ctr-sm4-ktls",
				  struct ktls_sm4_ctx),
	.min_keysize		= KTLS_SM4_KEY_SIZE,
	.max_keysize		= KTLS_SM4_KEY_SIZE,
	.ivsize			= 16,
	.chunksize		= 16,
	.setkey			= ktls_sm4_ctr_setkey,
	.encrypt		= ktls_sm4_ctr_crypt,
	.decrypt		= ktls_sm4_ctr_crypt,
	.exit			= ktls_sm4_ctr_exit,
};

static struct skcipher_alg ktls_aria_ctr_alg = {
	.base = KTLS_BC_MODE_BASE("ctr(aria)", "ctr-aria-ktls",
				  struct ktls_aria_ctx),
	.min_keysize		= 16,
	.max_keysize		= KTLS_ARIA_MAX_KEY_SIZE,
	.ivsize			= 16,
	.chunksize		= 16,
	.setkey			= ktls_aria_ctr_setkey,
	.encrypt		= ktls_aria_ctr_crypt,
	.decrypt		= ktls_aria_ctr_crypt,
	.exit			= ktls_aria_ctr_exit,
};

static bool ktls_sm4_ctr_registered;
static bool ktls_aria_ctr_registered;

/*
 * cbcmac(sm4) as an shash: the ccm template asks for "cbcmac(sm4)", and
 * the cbcmac template over our single-block cipher would run one block
 * (and one FPU section) per call.  Same contract as the template: the
 * running MAC absorbs bytes, a block is encrypted as soon as it is full,
 * final() encrypts a pending partial block.
 */
struct ktls_cbcmac_desc {
	u8 dg[KTLS_SM4_BLOCK_SIZE];
	unsigned int len;	/* bytes absorbed into dg since the last block */
};

static int ktls_sm4_cbcmac_setkey(struct crypto_shash *tfm, const u8 *key,
				  unsigned int len)
{
	if (len != KTLS_SM4_KEY_SIZE)
		return -EINVAL;
	return ktls_sm4_setkey(crypto_shash_ctx(tfm), key);
}

static int ktls_sm4_cbcmac_init(struct shash_desc *desc)
{
	struct ktls_cbcmac_desc *d = shash_desc_ctx(desc);

	memset(d, 0, sizeof(*d));
	return 0;
}

static int ktls_sm4_cbcmac_update(struct shash_desc *desc, const u8 *p,
				  unsigned int len)
{
	const struct ktls_sm4_ctx *ctx = crypto_shash_ctx(desc->tfm);
	struct ktls_cbcmac_desc *d = shash_desc_ctx(desc);
	unsigned int n;

	if (d->len) {
		n = min(len, KTLS_SM4_BLOCK_SIZE - d->len);
		crypto_xor(d->dg + d->len, p, n);
		d->len += n;
		p += n;
		len -= n;
		if (d->len < KTLS_SM4_BLOCK_SIZE)
			return 0;
		ktls_sm4_encrypt(ctx, d->dg, d->dg);
		d->len = 0;
	}
	n = len / KTLS_SM4_BLOCK_SIZE;
	if (n)
		ktls_sm4_cbcmac(ctx, d->dg, p, n);
	p += n * KTLS_SM4_BLOCK_SIZE;
	len -= n * KTLS_SM4_BLOCK_SIZE;
	if (len) {
		crypto_xor(d->dg, p, len);
		d->len = len;
	}
	return 0;
}

static int ktls_sm4_cbcmac_final(struct shash_desc *desc, u8 *out)
{
	const struct ktls_sm4_ctx *ctx = crypto_shash_ctx(desc->tfm);
	struct ktls_cbcmac_desc *d = shash_desc_ctx(desc);

	if (d->len)
		ktls_sm4_encrypt(ctx, d->dg, d->dg);
	memcpy(out, d->dg, KTLS_SM4_BLOCK_SIZE);
	memzero_explicit(d, sizeof(*d));
	return 0;
}

static void ktls_sm4_cbcmac_exit(struct crypto_shash *tfm)
{
	ktls_sm4_clear(crypto_shash_ctx(tfm));
}

static struct shash_alg ktls_sm4_cbcmac_alg = {
	.base = KTLS_BC_MODE_BASE("cbcmac(sm4)", "cbcmac-sm4-ktls",
				  struct ktls_sm4_ctx),
	.digestsize		= KTLS_SM4_BLOCK_SIZE,
	.descsize		= sizeof(struct ktls_cbcmac_desc),
	.setkey			= ktls_sm4_cbcmac_setkey,
	.init			= ktls_sm4_cbcmac_init,
	.update			= ktls_sm4_cbcmac_update,
	.final			= ktls_sm4_cbcmac_final,
	.exit_tfm		= ktls_sm4_cbcmac_exit,
};

static bool ktls_sm4_cbcmac_registered;

/*
 * A mode (ctr, cbcmac) next to a single-block cipher we registered: on
 * failure the kernel's template over our cipher still works, so warn only.
 */
static void ktls_bc_mode_registered(int err, const struct crypto_alg *base,
				    bool *registered)
{
	if (err)
		pr_warn("cannot register %s: %d\n", base->cra_driver_name, err);
	else
		*registered = true;
}

/* Register @alg unless the kernel (or a module it can load) provides @name. */
static int ktls_bc_register(struct crypto_alg *alg, bool *registered)
{
	int err;

	if (crypto_has_alg(alg->cra_name, CRYPTO_ALG_TYPE_CIPHER,
			   CRYPTO_ALG_TYPE_MASK)) {
		pr_info("kernel has %s; not registering %s\n",
			alg->cra_name, alg->cra_driver_name);
		return 0;
	}
	err = crypto_register_alg(alg);
	if (err) {
		pr_err("cannot register %s: %d\n", alg->cra_driver_name, err);
		return err;
	}
	*registered = true;
	return 0;
}

/**
 * ktls_blockciphers_init() - register SM4 and ARIA where the kernel has none
 *
 * Picks the fastest constant-time core path (GFNI, AES-NI or generic C)
 * and registers "sm4" and "aria" single-block ciphers only when
 * crypto_has_alg() finds no native single-block cipher of that name.
 *
 * Context: process context (module init).
 * Return: 0 or a negative errno; nothing stays registered on error.
 */
int ktls_blockciphers_init(void)
{
	int err;

	ktls_bc_set_impl(KTLS_BC_AUTO);
	err = ktls_bc_register(&ktls_sm4_alg, &ktls_sm4_registered);
	if (err)
		return err;
	err = ktls_bc_register(&ktls_aria_alg, &ktls_aria_registered);
	if (err)
		goto err_sm4;
	if (ktls_sm4_registered) {
		ktls_bc_mode_registered(crypto_register_skcipher(&ktls_sm4_ctr_alg),
					&ktls_sm4_ctr_alg.base,
					&ktls_sm4_ctr_registered);
		ktls_bc_mode_registered(crypto_register_shash(&ktls_sm4_cbcmac_alg),
					&ktls_sm4_cbcmac_alg.base,
					&ktls_sm4_cbcmac_registered);
	}
	if (ktls_aria_registered)
		ktls_bc_mode_registered(crypto_register_skcipher(&ktls_aria_ctr_alg),
					&ktls_aria_ctr_alg.base,
					&ktls_aria_ctr_registered);
	if (ktls_sm4_registered || ktls_aria_registered)
		pr_info("block ciphers: %s%s(%s path)\n",
			ktls_sm4_registered ? "sm4 " : "",
			ktls_aria_registered ? "aria " : "",
			ktls_bc_impl_name(ktls_bc_get_impl()));
	return 0;

err_sm4:
	if (ktls_sm4_registered)
		crypto_unregister_alg(&ktls_sm4_alg);
	ktls_sm4_registered = false;
	return err;
}

/**
 * ktls_blockciphers_exit() - unregister what ktls_blockciphers_init() did
 *
 * Transforms hold a reference on this module (cra_module), so module unload
 * is refused while any gcm(sm4)/ccm(sm4)/gcm(aria) instance still uses us.
 *
 * Context: process context (module exit or init unwinding).
 */
void ktls_blockciphers_exit(void)
{
	if (ktls_sm4_cbcmac_registered)
		crypto_unregister_shash(&ktls_sm4_cbcmac_alg);
	ktls_sm4_cbcmac_registered = false;
	if (ktls_aria_ctr_registered)
		crypto_unregister_skcipher(&ktls_aria_ctr_alg);
	if (ktls_sm4_ctr_registered)
		crypto_unregister_skcipher(&ktls_sm4_ctr_alg);
	ktls_aria_ctr_registered = false;
	ktls_sm4_ctr_registered = false;
	if (ktls_aria_registered)
		crypto_unregister_alg(&ktls_aria_alg);
	if (ktls_sm4_registered)
		crypto_unregister_alg(&ktls_sm4_alg);
	ktls_aria_registered = false;
	ktls_sm4_registered = false;
}
