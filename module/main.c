// SPDX-License-Identifier: GPL-2.0
/* main.c - module init/exit, ULP registration and per-socket attach/close. */

#include <linux/module.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "ktls.h"
#include "blockcipher.h"

#define KTLS_VERSION_STR "0.1.0"

static char ulp_name[TCP_ULP_NAME_MAX] = "tls";
module_param_string(ulp_name, ulp_name, sizeof(ulp_name), 0444);
MODULE_PARM_DESC(ulp_name,
		 "TCP ULP name to register (default \"tls\": replaces the in-tree module; use \"ktls\" to run beside it)");

static bool ktls_ready;	/* set once module init has finished */

static int ktls_init_sk(struct sock *sk)
{
	struct ktls_ctx *ctx;

	/* pairs with the release at the end of module init */
	if (!smp_load_acquire(&ktls_ready))
		return -EAGAIN;

	/* Listening sockets would share the context with their children. */
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (!sk->sk_socket)
		return -EINVAL;

	ctx = kzalloc(sizeof(*ctx), GFP_ATOMIC);
	if (!ctx)
		return -ENOMEM;
	mutex_init(&ctx->tx_lock);
	ctx->ipver = sk->sk_family == AF_INET6 ? KTLSV6 : KTLSV4;
	ctx->sk_proto = READ_ONCE(sk->sk_prot);
	if (ktls_proto_attach(sk, ctx)) {
		kfree(ctx);
		return -ENOMEM;
	}
	ctx->sk_ops = sk->sk_socket->ops;
	ctx->saved_write_space = sk->sk_write_space;
	ctx->tx_conf = KTLS_BASE;
	ctx->rx_conf = KTLS_BASE;

	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, ctx);
	sk->sk_write_space = ktls_write_space;
	ktls_proto_update(sk, ctx);
	return 0;
}

/*
 * The psock of a socket that was in a sockmap before the ULP is going
 * (sk_psock_drop(): sk_callback_lock held for writing, bh off, maybe no
 * lock_sock): @p is the proto it had before the map, our base from now
 * on. sk_prot is not touched: a socket on its own proto (proto.c) stays
 * there, as lockless callers may be inside it, and tcp_bpf's functions
 * fall back to TCP's without a psock; TLS_TX/TLS_RX or close move it off.
 */
static void ktls_update_sk(struct sock *sk, struct proto *p,
			   void (*write_space)(struct sock *sk))
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);

	if (ctx) {
		ctx->saved_write_space = write_space;
		ctx->sk_proto = p;
	} else {
		WRITE_ONCE(sk->sk_prot, p);
		sk->sk_write_space = write_space;
	}
}

/**
 * ktls_write_space() - sk_write_space while the ULP is attached
 * @sk: socket; called from TCP with the socket (bh) locked
 */
void ktls_write_space(struct sock *sk)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);

	if (!ctx)
		return;
	if (ctx->tx_conf == KTLS_SW)
		ktls_tx_write_space(sk, ctx);
	else
		ctx->saved_write_space(sk);
}

static void ktls_ctx_free_rcu(struct rcu_head *head)
{
	struct ktls_ctx *ctx = container_of(head, struct ktls_ctx, rcu);

	kfree(ctx->own_prot);
	memzero_explicit(ctx, sizeof(*ctx));
	kfree(ctx);
}

/**
 * ktls_ctx_free() - free a detached context after an RCU grace period
 * @sk: its socket (unused, for symmetry with the callers)
 * @ctx: context; its tx/rx parts are already released
 */
void ktls_ctx_free(struct sock *sk, struct ktls_ctx *ctx)
{
	memzero_explicit(ctx->tx_info, sizeof(ctx->tx_info));
	memzero_explicit(ctx->rx_info, sizeof(ctx->rx_info));
	call_rcu(&ctx->rcu, ktls_ctx_free_rcu);
}

/**
 * ktls_close() - proto->close: tear down the record layer, then close TCP
 * @sk: socket
 * @timeout: linger time, passed on to TCP
 *
 * Encrypted records already handed to TCP are sent; plaintext held back
 * by MSG_MORE is discarded, as upstream does.
 */
void ktls_close(struct sock *sk, long timeout)
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);
	struct proto *base = ctx->sk_proto;

	if (ctx->tx_conf == KTLS_SW)
		ktls_tx_release(sk, ctx);	/* takes lock_sock itself */

	lock_sock(sk);
	if (ctx->rx_conf == KTLS_SW)
		ktls_rx_release(sk, ctx);
	if (sk->sk_write_space == ktls_write_space)
		sk->sk_write_space = ctx->saved_write_space;
	WRITE_ONCE(sk->sk_prot, base);
	if (sk->sk_socket)
		WRITE_ONCE(sk->sk_socket->ops, ctx->sk_ops);
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, NULL);
	release_sock(sk);

	base->close(sk, timeout);

	if (ctx->tx)
		ktls_tx_free(ctx);
	if (ctx->rx)
		ktls_rx_free(ctx);
	ktls_ctx_free(sk, ctx);
}

struct tcp_ulp_ops ktls_ulp_ops __read_mostly = {
	.init		= ktls_init_sk,
	.update		= ktls_update_sk,
	.get_info	= ktls_get_info,
	.get_info_size	= ktls_get_info_size,
	.owner		= THIS_MODULE,
};

static int __init ktls_module_init(void)
{
	int err;

	if (!ulp_name[0]) {
		pr_err("ulp_name must not be empty\n");
		return -EINVAL;
	}
	err = ktls_proto_init();
	if (err)
		return err;

	/*
	 * Claim the name first: it is the only check that the name is free,
	 * and the stats file is named after it. Sockets can't attach until
	 * ktls_ready is set.
	 */
	strscpy(ktls_ulp_ops.name, ulp_name, sizeof(ktls_ulp_ops.name));
	err = tcp_register_ulp(&ktls_ulp_ops);
	if (err == -EEXIST) {
		pr_err("TCP ULP \"%s\" is already registered (is the in-tree tls module loaded?); load ktls with ulp_name=ktls to run beside it\n",
		       ulp_name);
		return err;
	}
	if (err)
		return err;
	err = ktls_blockciphers_init();
	if (err)
		goto err_ulp;
	err = ktls_stats_init(ulp_name);
	if (err)
		goto err_ciphers;

	/* publish everything above before sockets may attach */
	smp_store_release(&ktls_ready, true);
	pr_info("ktls %s registered as TCP ULP \"%s\"\n", KTLS_VERSION_STR,
		ulp_name);
	return 0;

err_ciphers:
	ktls_blockciphers_exit();
err_ulp:
	tcp_unregister_ulp(&ktls_ulp_ops);
	return err;
}

static void __exit ktls_module_exit(void)
{
	tcp_unregister_ulp(&ktls_ulp_ops);
	rcu_barrier();	/* contexts freed with call_rcu */
	ktls_rx_cache_exit();
	ktls_scratch_exit();
	ktls_stats_exit();
	ktls_blockciphers_exit();
}

module_init(ktls_module_init);
module_exit(ktls_module_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ktls developers");
MODULE_DESCRIPTION("Kernel TLS record layer (drop-in for the tls TCP ULP)");
MODULE_VERSION(KTLS_VERSION_STR);
MODULE_ALIAS_TCP_ULP("ktls");
