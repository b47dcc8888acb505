// SPDX-License-Identifier: GPL-2.0
/* rekey.c - TLS 1.3 KeyUpdate: install the next TX or RX key. */

#include "ktls.h"

static void ktls_rekey_stat(struct sock *sk, bool tx, bool ok)
{
	if (tx)
		ktls_stat_inc(sk, ok ? KTLS_STAT_TX_REKEY_OK :
				       KTLS_STAT_TX_REKEY_ERROR);
	else
		ktls_stat_inc(sk, ok ? KTLS_STAT_RX_REKEY_OK :
				       KTLS_STAT_RX_REKEY_ERROR);
}

/**
 * ktls_rekey() - TLS_TX/TLS_RX set again on a configured direction
 * @sk: socket; lock_sock held, and ctx->tx_lock for TX
 * @ctx: its context
 * @info: the new crypto_info (a kernel copy)
 * @optlen: its length
 * @tx: direction
 *
 * Only TLS 1.3 has key updates; the version and cipher stay. The
 * direction's transform is keyed again, not allocated again
 * (ktls_crypto_rekey()). On failure the old key stays in use, so
 * userspace may retry or close.
 *
 * Return: 0; -EBUSY on TLS 1.2; -EINVAL for another version, cipher or
 * length; or the errno of keying the new transform.
 */
int ktls_rekey(struct sock *sk, struct ktls_ctx *ctx, const u8 *info,
	       unsigned int optlen, bool tx)
{
	u8 *cur_buf = tx ? ctx->tx_info : ctx->rx_info;
	const struct tls_crypto_info *cur = (const void *)cur_buf;
	const struct tls_crypto_info *next = (const void *)info;
	struct ktls_crypto *live;
	struct ktls_crypto c;
	bool install;
	int err;

	sock_owned_by_me(sk);
	if (tx)
		lockdep_assert_held(&ctx->tx_lock);
	if (cur->version != TLS_1_3_VERSION)
		return -EBUSY;
	if (next->version != cur->version ||
	    next->cipher_type != cur->cipher_type ||
	    optlen != ktls_cipher_find(cur->cipher_type)->info_len)
		return -EINVAL;

	live = tx ? ktls_tx_crypto(ctx) : ktls_rx_crypto(ctx);
	err = ktls_crypto_rekey(&c, live, next, cur, &install);
	if (install) {
		/* the new key, or (err) the old one in a new transform */
		if (tx)
			ktls_tx_swap_crypto(ctx, &c);
		else
			ktls_rx_swap_crypto(sk, ctx, &c, !err);
		ktls_crypto_retire(&c, live);
	}
	if (err) {
		ktls_rekey_stat(sk, tx, false);
		return err;
	}
	memcpy(cur_buf, info, optlen);
	ktls_rekey_stat(sk, tx, true);
	return 0;
}
