// SPDX-License-Identifier: GPL-2.0
/* diag.c - sock_diag ULP info (what `ss -tie` shows for a kTLS socket). */

#include <linux/inet_diag.h>
#include <net/netlink.h>

#include "ktls.h"

static u16 ktls_user_conf(u8 conf)
{
	return conf == KTLS_SW ? TLS_CONF_SW : TLS_CONF_BASE;
}

/**
 * ktls_get_info() - tcp_ulp_ops->get_info
 * @sk: socket
 * @skb: netlink message being built
 *
 * Return: 0 or -EMSGSIZE.
 */
#ifdef COMPAT_ULP_GET_INFO_NET_ADMIN
int ktls_get_info(struct sock *sk, struct sk_buff *skb, bool net_admin)
#else
int ktls_get_info(struct sock *sk, struct sk_buff *skb)
#endif
{
	const struct tls_crypto_info *info = NULL;
	struct ktls_ctx *ctx;
	struct nlattr *start;
	int err = 0;

	start = nla_nest_start_noflag(skb, INET_ULP_INFO_TLS);
	if (!start)
		return -EMSGSIZE;

	rcu_read_lock();
	ctx = rcu_dereference(inet_csk(sk)->icsk_ulp_data);
	if (!ctx)
		goto out;
	if (ctx->tx_conf != KTLS_BASE)
		info = (const void *)ctx->tx_info;
	else if (ctx->rx_conf != KTLS_BASE)
		info = (const void *)ctx->rx_info;
	if (info) {
		err = nla_put_u16(skb, TLS_INFO_VERSION, info->version);
		if (err)
			goto out;
		err = nla_put_u16(skb, TLS_INFO_CIPHER, info->cipher_type);
		if (err)
			goto out;
	}
	err = nla_put_u16(skb, TLS_INFO_TXCONF, ktls_user_conf(ctx->tx_conf));
	if (err)
		goto out;
	err = nla_put_u16(skb, TLS_INFO_RXCONF, ktls_user_conf(ctx->rx_conf));
	if (err)
		goto out;
	if (ctx->zc_ro_tx) {
		err = nla_put_flag(skb, TLS_INFO_ZC_RO_TX);
		if (err)
			goto out;
	}
	if (ctx->rx_no_pad) {
		err = nla_put_flag(skb, TLS_INFO_RX_NO_PAD);
		if (err)
			goto out;
	}
	if (ctx->tx_max_payload)
		err = nla_put_u16(skb, TLS_INFO_TX_MAX_PAYLOAD_LEN,
				  ctx->tx_max_payload);
out:
	rcu_read_unlock();
	if (err) {
		nla_nest_cancel(skb, start);
		return err;
	}
	nla_nest_end(skb, start);
	return 0;
}

/**
 * ktls_get_info_size() - tcp_ulp_ops->get_info_size
 * @sk: socket
 *
 * Return: upper bound of what ktls_get_info() adds.
 */
#ifdef COMPAT_ULP_GET_INFO_SIZE_NET_ADMIN
size_t ktls_get_info_size(const struct sock *sk, bool net_admin)
#else
size_t ktls_get_info_size(const struct sock *sk)
#endif
{
	return nla_total_size(0) +		/* INET_ULP_INFO_TLS */
		nla_total_size(sizeof(u16)) +	/* TLS_INFO_VERSION */
		nla_total_size(sizeof(u16)) +	/* TLS_INFO_CIPHER */
		nla_total_size(sizeof(u16)) +	/* TLS_INFO_RXCONF */
		nla_total_size(sizeof(u16)) +	/* TLS_INFO_TXCONF */
		nla_total_size(0) +		/* TLS_INFO_ZC_RO_TX */
		nla_total_size(0) +		/* TLS_INFO_RX_NO_PAD */
		nla_total_size(sizeof(u16));	/* TLS_INFO_TX_MAX_PAYLOAD_LEN */
}
