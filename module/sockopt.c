// SPDX-License-Identifier: GPL-2.0
/* sockopt.c - SOL_TLS setsockopt/getsockopt and crypto_info validation. */

#include <linux/skmsg.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>

#include "ktls.h"

static u8 *ktls_info_buf(struct ktls_ctx *ctx, bool tx)
{
	return tx ? ctx->tx_info : ctx->rx_info;
}

static bool ktls_conf_set(const struct ktls_ctx *ctx, bool tx)
{
	return (tx ? ctx->tx_conf : ctx->rx_conf) != KTLS_BASE;
}

/*
 * kTLS and sockmap are mutually exclusive, as in Debian's 6.1 and 6.12
 * in-tree module: the record layer has no psock path, so keys on a socket
 * with a psock would send past its sk_msg verdict. The kernel already
 * refuses a socket with a ULP in a map (sk_psock_init()).
 */
/*
 * Checks the header and length of a crypto_info before anything is keyed.
 * @alt is the other direction's crypto_info when that is configured.
 */
static int ktls_info_validate(const struct tls_crypto_info *info,
			      unsigned int optlen,
			      const struct tls_crypto_info *alt)
{
	const struct ktls_cipher *ci;

	if (info->version != TLS_1_2_VERSION &&
	    info->version != TLS_1_3_VERSION)
		return -EINVAL;
	ci = ktls_cipher_find(info->cipher_type);
	if (!ci)
		return -EINVAL;
	if (info->version == TLS_1_2_VERSION ? !ci->tls12 : !ci->tls13)
		return -EINVAL;
	if (optlen != ci->info_len)
		return -EINVAL;
	/* Both directions use one version and one cipher. */
	if (alt && (alt->version != info->version ||
		    alt->cipher_type != info->cipher_type))
		return -EINVAL;
	return 0;
}

/* A configured direction set again: a TLS 1.3 key update (rekey.c). */
static int ktls_set_next_key(struct sock *sk, struct ktls_ctx *ctx,
			     sockptr_t optval, unsigned int optlen, bool tx)
{
	u8 buf[KTLS_MAX_INFO_LEN];
	int err;

	if (optlen > sizeof(buf))
		optlen = sizeof(buf);	/* too long for any cipher: EINVAL */
	if (copy_from_sockptr(buf, optval, optlen))
		err = -EFAULT;
	else
		err = ktls_rekey(sk, ctx, buf, optlen, tx);
	memzero_explicit(buf, sizeof(buf));
	return err;
}

/* Called with lock_sock held, and ctx->tx_lock for TX. */
static int ktls_set_crypto(struct sock *sk, struct ktls_ctx *ctx,
			   sockptr_t optval, unsigned int optlen, bool tx)
{
	u8 *buf = ktls_info_buf(ctx, tx);
	const struct tls_crypto_info *alt = NULL;
	struct tls_crypto_info *info = (struct tls_crypto_info *)buf;
	int err;

	sock_owned_by_me(sk);
	if (tx)
		lockdep_assert_held(&ctx->tx_lock);
	if (ktls_has_psock(sk))
		return -EINVAL;
	if (sockptr_is_null(optval) || optlen < sizeof(*info))
		return -EINVAL;
	if (ktls_conf_set(ctx, tx))
		return ktls_set_next_key(sk, ctx, optval, optlen, tx);
	if (optlen > KTLS_MAX_INFO_LEN)
		return -EINVAL;
	if (ktls_conf_set(ctx, !tx))
		alt = (const void *)ktls_info_buf(ctx, !tx);

	if (copy_from_sockptr(buf, optval, optlen)) {
		err = -EFAULT;
		goto err_wipe;
	}
	err = ktls_info_validate(info, optlen, alt);
	if (err)
		goto err_wipe;

	err = tx ? ktls_tx_init(sk, ctx) : ktls_rx_init(sk, ctx);
	if (err)
		goto err_wipe;

	if (tx) {
		ctx->tx_conf = KTLS_SW;
		ktls_stat_inc(sk, KTLS_STAT_TX_SW);
		ktls_stat_inc(sk, KTLS_STAT_CURR_TX_SW);
	} else {
		ctx->rx_conf = KTLS_SW;
		ktls_stat_inc(sk, KTLS_STAT_RX_SW);
		ktls_stat_inc(sk, KTLS_STAT_CURR_RX_SW);
	}
	ktls_proto_update(sk, ctx);
	return 0;

err_wipe:
	memzero_explicit(buf, KTLS_MAX_INFO_LEN);
	return err;
}

static int ktls_set_bool(sockptr_t optval, unsigned int optlen, bool *out)
{
	unsigned int val;

	if (sockptr_is_null(optval) || optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val > 1)
		return -EINVAL;
	*out = val;
	return 0;
}

/*
 * TLS_TX_MAX_PAYLOAD_LEN (RFC 8449 record_size_limit): a u16 between
 * 64 (63 for TLS 1.3, whose content type byte counts against the limit)
 * and 2^14; EBUSY while plaintext is held back in an open record.
 */
static int ktls_set_max_payload(struct sock *sk, struct ktls_ctx *ctx,
				sockptr_t optval, unsigned int optlen)
{
	const struct tls_crypto_info *info = (const void *)ctx->tx_info;
	u16 val, min = 64;
	int err;

	if (sockptr_is_null(optval) || optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	mutex_lock(&ctx->tx_lock);
	lock_sock(sk);
	if (ctx->tx_conf != KTLS_BASE && info->version == TLS_1_3_VERSION)
		min = 63;
	err = -EINVAL;
	if (val >= min && val <= KTLS_MAX_PLAIN)
		err = ktls_tx_set_max_payload(ctx, val);
	release_sock(sk);
	mutex_unlock(&ctx->tx_lock);
	return err;
}

/**
 * ktls_setsockopt() - proto->setsockopt while the ULP is attached
 * @sk: socket
 * @level: SOL_TLS is ours, everything else goes to TCP
 * @optname: TLS_TX, TLS_RX, TLS_TX_ZEROCOPY_RO, TLS_RX_EXPECT_NO_PAD
 * @optval: value
 * @optlen: its length
 *
 * Return: 0 or a negative errno (EINVAL bad crypto_info, EBUSY already set).
 */
int ktls_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	bool val;
	int err;

	if (level != SOL_TLS)
		return ctx->sk_proto->setsockopt(sk, level, optname, optval,
						 optlen);
	switch (optname) {
	case TLS_TX:
		mutex_lock(&ctx->tx_lock);
		lock_sock(sk);
		err = ktls_set_crypto(sk, ctx, optval, optlen, true);
		release_sock(sk);
		mutex_unlock(&ctx->tx_lock);
		return err;
	case TLS_RX:
		lock_sock(sk);
		err = ktls_set_crypto(sk, ctx, optval, optlen, false);
		release_sock(sk);
		return err;
	case TLS_TX_MAX_PAYLOAD_LEN:
		return ktls_set_max_payload(sk, ctx, optval, optlen);
	case TLS_TX_ZEROCOPY_RO:
		err = ktls_set_bool(optval, optlen, &val);
		if (err)
			return err;
		lock_sock(sk);
		ctx->zc_ro_tx = val;
		release_sock(sk);
		return 0;
	case TLS_RX_EXPECT_NO_PAD:
		err = ktls_set_bool(optval, optlen, &val);
		if (err)
			return err;
		lock_sock(sk);
		err = -EINVAL;
		if (ctx->rx_conf == KTLS_SW &&
		    ((struct tls_crypto_info *)ctx->rx_info)->version ==
		    TLS_1_3_VERSION) {
			ctx->rx_no_pad = val;
			err = 0;
		}
		release_sock(sk);
		return err;
	default:
		return -ENOPROTOOPT;
	}
}

/* Fills the current iv and rec_seq into @out, as upstream reports them. */
static void ktls_info_current(struct ktls_ctx *ctx, bool tx, u8 *out)
{
	const struct ktls_crypto *c = tx ? ktls_tx_crypto(ctx) :
					   ktls_rx_crypto(ctx);
	const struct ktls_cipher *ci = c->cipher;

	memcpy(out, ktls_info_buf(ctx, tx), ci->info_len);
	memcpy(out + ci->iv_off, c->salt_iv + ci->salt_len, ci->iv_len);
	memcpy(out + ci->seq_off, c->seq, KTLS_REC_SEQ_LEN);
}

static int ktls_get_crypto(struct sock *sk, struct ktls_ctx *ctx, bool tx,
			   char __user *optval, int len)
{
	u8 out[KTLS_MAX_INFO_LEN];
	const struct tls_crypto_info *info;
	int err = 0;

	if (len < (int)sizeof(struct tls_crypto_info))
		return -EINVAL;
	lock_sock(sk);
	if (!ktls_conf_set(ctx, tx)) {
		err = -EBUSY;
		goto out;
	}
	info = (const void *)ktls_info_buf(ctx, tx);
	if (len == sizeof(*info)) {
		if (copy_to_user(optval, info, sizeof(*info)))
			err = -EFAULT;
		goto out;
	}
	if (len != ktls_cipher_find(info->cipher_type)->info_len) {
		err = -EINVAL;
		goto out;
	}
	ktls_info_current(ctx, tx, out);
	if (copy_to_user(optval, out, len))
		err = -EFAULT;
	memzero_explicit(out, sizeof(out));
out:
	release_sock(sk);
	return err;
}

static int ktls_get_int(char __user *optval, int __user *optlen, int len,
			int value)
{
	if (len < (int)sizeof(value))
		return -EINVAL;
	if (put_user(sizeof(value), optlen) ||
	    copy_to_user(optval, &value, sizeof(value)))
		return -EFAULT;
	return 0;
}

/**
 * ktls_getsockopt() - proto->getsockopt while the ULP is attached
 * @sk: socket
 * @level: SOL_TLS is ours, everything else goes to TCP
 * @optname: TLS_TX, TLS_RX, TLS_TX_ZEROCOPY_RO, TLS_RX_EXPECT_NO_PAD
 * @optval: user buffer
 * @optlen: in: its size; out: bytes written
 *
 * TLS_TX/TLS_RX return the whole crypto_info, key included, with the
 * current iv and record sequence number (see docs/design.md).
 *
 * Return: 0 or a negative errno.
 */
int ktls_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	int len, value;

	if (level != SOL_TLS)
		return ctx->sk_proto->getsockopt(sk, level, optname, optval,
						 optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	switch (optname) {
	case TLS_TX:
	case TLS_RX:
		return ktls_get_crypto(sk, ctx, optname == TLS_TX, optval,
				       len);
	case TLS_TX_ZEROCOPY_RO:
		if (len != sizeof(value))
			return -EINVAL;
		return ktls_get_int(optval, optlen, len, ctx->zc_ro_tx);
	case TLS_TX_MAX_PAYLOAD_LEN: {
		u16 max = ctx->tx_max_payload ?: KTLS_MAX_PLAIN;

		if (len < (int)sizeof(max))
			return -EINVAL;
		if (put_user(sizeof(max), optlen) ||
		    copy_to_user(optval, &max, sizeof(max)))
			return -EFAULT;
		return 0;
	}
	case TLS_RX_EXPECT_NO_PAD:
		lock_sock(sk);
		value = -EINVAL;
		if (ctx->rx_conf == KTLS_SW &&
		    ((struct tls_crypto_info *)ctx->rx_info)->version ==
		    TLS_1_3_VERSION)
			value = ctx->rx_no_pad;
		release_sock(sk);
		if (value < 0)
			return value;
		return ktls_get_int(optval, optlen, len, value);
	default:
		return -ENOPROTOOPT;
	}
}
