// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_flakyaead.c - a test-only "gcm(aes)" that completes every request
 * later, from a workqueue, and fails the one its parameters say.
 *
 * Registered above every other gcm(aes) while loaded, so a kTLS socket
 * keyed meanwhile gets it. The AEAD itself is the kernel's best
 * synchronous gcm(aes), run on a subrequest; only the completion is
 * deferred (or the result replaced by -EIO). Parameters (/sys/module/ktls_flakyaead/parameters/):
 *   fail_after   encryptions that still succeed before one fails; -1
 *                (default) never fails. Counts down; the failing request
 *                sets it back to -1.
 *   fail_sync    1: the failing request returns its error at once instead
 *                of completing with it later.
 *   dec_fail_after  decryptions that still succeed before one fails with
 *                dec_fail_err; -1 (default) never. Counts down as
 *                fail_after does.
 *   dec_fail_err the errno that decryption fails with (default 5, EIO;
 *                74, EBADMSG, passes for a bad tag).
 *   setkey_fail  setkeys that fail with -ENOMEM from now on, each after
 *                keying the inner AEAD with what it was given (as gcm's
 *                template, which sets its CTR key before it allocates);
 *                counts down to 0 (default).
 *   requests     encryptions and decryptions seen (read only).
 * The guest program tests/vm/guest/asyncfail.c loads it.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>
#include <crypto/internal/aead.h>

static int fail_after = -1;
module_param(fail_after, int, 0644);
MODULE_PARM_DESC(fail_after, "encryptions before one fails (-1: never)");
static bool fail_sync;
module_param(fail_sync, bool, 0644);
MODULE_PARM_DESC(fail_sync, "fail at once instead of on completion");
static int dec_fail_after = -1;
module_param(dec_fail_after, int, 0644);
MODULE_PARM_DESC(dec_fail_after, "decryptions before one fails (-1: never)");
static int dec_fail_err = EIO;
module_param(dec_fail_err, int, 0644);
MODULE_PARM_DESC(dec_fail_err, "errno a failing decryption returns");
static atomic_t setkey_fail = ATOMIC_INIT(0);
module_param_named(setkey_fail, setkey_fail.counter, int, 0644);
MODULE_PARM_DESC(setkey_fail, "setkeys that fail with -ENOMEM from now on");
static atomic_t requests = ATOMIC_INIT(0);
module_param_named(requests, requests.counter, int, 0444);
MODULE_PARM_DESC(requests, "requests seen");

static DEFINE_SPINLOCK(flaky_lock);

struct flaky_ctx {
	struct crypto_aead *inner;
};

struct flaky_req {
	struct work_struct work;
	struct aead_request *req;	/* whose context this is */
	int err;
	struct aead_request sub;	/* last: the inner's context follows */
};

static int flaky_init(struct crypto_aead *tfm)
{
	struct flaky_ctx *ctx = crypto_aead_ctx(tfm);

	/* the best synchronous gcm(aes): never this one */
	ctx->inner = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(ctx->inner))
		return PTR_ERR(ctx->inner);
	crypto_aead_set_reqsize(tfm, sizeof(struct flaky_req) +
				crypto_aead_reqsize(ctx->inner));
	return 0;
}

static void flaky_exit(struct crypto_aead *tfm)
{
	struct flaky_ctx *ctx = crypto_aead_ctx(tfm);

	crypto_free_aead(ctx->inner);
}

static int flaky_setkey(struct crypto_aead *tfm, const u8 *key,
			unsigned int len)
{
	struct flaky_ctx *ctx = crypto_aead_ctx(tfm);
	int err = crypto_aead_setkey(ctx->inner, key, len);

	if (!err && atomic_add_unless(&setkey_fail, -1, 0))
		err = -ENOMEM;
	return err;
}

static int flaky_setauthsize(struct crypto_aead *tfm, unsigned int size)
{
	struct flaky_ctx *ctx = crypto_aead_ctx(tfm);

	return crypto_aead_setauthsize(ctx->inner, size);
}

static void flaky_done(struct work_struct *work)
{
	struct flaky_req *r = container_of(work, struct flaky_req, work);

	local_bh_disable();	/* as the crypto API's own completions run */
	aead_request_complete(r->req, r->err);
	local_bh_enable();
}

/* whether this request is the one to fail: the error, or 0 */
static int flaky_fails(bool enc)
{
	int *after = enc ? &fail_after : &dec_fail_after;
	int fail = 0;

	spin_lock(&flaky_lock);
	if (*after == 0) {
		fail = enc ? -EIO : -abs(dec_fail_err);
		*after = -1;
	} else if (*after > 0) {
		(*after)--;
	}
	spin_unlock(&flaky_lock);
	return fail;
}

static int flaky_crypt(struct aead_request *req, bool enc)
{
	struct flaky_ctx *ctx = crypto_aead_ctx(crypto_aead_reqtfm(req));
	struct flaky_req *r = aead_request_ctx(req);
	struct aead_request *sub = &r->sub;

	atomic_inc(&requests);
	r->req = req;
	r->err = flaky_fails(enc);
	if (r->err) {
		if (fail_sync)
			return r->err;
	} else {
		aead_request_set_tfm(sub, ctx->inner);
		aead_request_set_callback(sub, 0, NULL, NULL);
		aead_request_set_crypt(sub, req->src, req->dst, req->cryptlen,
				       req->iv);
		aead_request_set_ad(sub, req->assoclen);
		r->err = enc ? crypto_aead_encrypt(sub) :
			       crypto_aead_decrypt(sub);
	}
	INIT_WORK(&r->work, flaky_done);
	queue_work(system_unbound_wq, &r->work);
	return -EINPROGRESS;
}

static int flaky_encrypt(struct aead_request *req)
{
	return flaky_crypt(req, true);
}

static int flaky_decrypt(struct aead_request *req)
{
	return flaky_crypt(req, false);
}

static struct aead_alg flaky_alg = {
	.init = flaky_init,
	.exit = flaky_exit,
	.setkey = flaky_setkey,
	.setauthsize = flaky_setauthsize,
	.encrypt = flaky_encrypt,
	.decrypt = flaky_decrypt,
	.ivsize = 12,
	.maxauthsize = 16,
	.base = {
		.cra_name = "gcm(aes)",
		.cra_driver_name = "ktls-test-flaky-gcm-aes",
		.cra_priority = 30000,
		.cra_flags = CRYPTO_ALG_ASYNC,
		.cra_blocksize = 1,
		.cra_ctxsize = sizeof(struct flaky_ctx),
		.cra_module = THIS_MODULE,
	},
};

static int __init flaky_mod_init(void)
{
	return crypto_register_aead(&flaky_alg);
}

static void __exit flaky_mod_exit(void)
{
	crypto_unregister_aead(&flaky_alg);
}

module_init(flaky_mod_init);
module_exit(flaky_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktls tests: an asynchronous gcm(aes) that fails on request");
