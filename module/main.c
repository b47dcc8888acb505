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

/*
 * Called by tcp_set_ulp() with lock_sock held, process context. The
 * socket may be in a sockmap whose psock is dropped on another CPU at any
 * time (map delete or free: sk_psock_drop() under sk_callback_lock, no
 * lock_sock), which puts the proto back through our update hook once the
 * socket has a ULP, or directly before. So the proto is read, the context
 * published and the socket switched over under sk_callback_lock, and the
 * ULP is marked as attached there too: a drop sees either the socket as
 * it was or the ULP in place, never a context holding a proto already
 * put back. What may sleep or allocate is done before.
 */
static int ktls_init_sk(struct sock *sk)
{
	const struct proto *shared;
	struct proto *own = NULL;
	struct ktls_ctx *ctx;
	int err = 0;

	sock_owned_by_me(sk);
	/* pairs with the release at the end of module init */
	if (!smp_load_acquire(&ktls_ready))
		return -EAGAIN;

	/* Listening sockets would share the context with their children. */
	if (sk->sk_state != TCP_ESTABLISHED)
		return -ENOTCONN;
	if (!sk->sk_socket)
		return -EINVAL;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	mutex_init(&ctx->tx_lock);
	ctx->ipver = sk->sk_family == AF_INET6 ? KTLSV6 : KTLSV4;
	shared = ktls_proto_shared(sk, ctx->ipver);
	/*
	 * Only a psock drop can change the proto from here on (a new psock
	 * needs lock_sock, which we hold): it can only go back to @shared.
	 */
	if (READ_ONCE(sk->sk_prot) != shared) {
		own = kmalloc(sizeof(*own), GFP_KERNEL);
		if (!own) {
			kfree(ctx);
			return -ENOMEM;
		}
	}

	write_lock_bh(&sk->sk_callback_lock);
	ctx->sk_proto = READ_ONCE(sk->sk_prot);
	if (ctx->sk_proto != shared) {
		if (WARN_ON_ONCE(!own)) {
			err = -EBUSY;
			goto out_unlock;
		}
		ktls_proto_own(own, ctx->sk_proto);
		ctx->own_prot = own;
		own = NULL;
	}
	ctx->sk_ops = sk->sk_socket->ops;
	ctx->saved_write_space = sk->sk_write_space;
	ctx->tx_conf = KTLS_BASE;
	ctx->rx_conf = KTLS_BASE;

	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, ctx);
	sk->sk_write_space = ktls_write_space;
	ktls_proto_update(sk, ctx);
	/*
	 * tcp_set_ulp() sets the same when we return; a drop between our
	 * unlock and that would see no ULP and put its proto straight into
	 * sk_prot, leaving the record layer (and ktls_close()) behind.
	 */
	inet_csk(sk)->icsk_ulp_ops = &ktls_ulp_ops;
	ctx = NULL;
out_unlock:
	write_unlock_bh(&sk->sk_callback_lock);
	kfree(own);
	kfree(ctx);
	return err;
}

/*
 * The psock of a socket that was in a sockmap before the ULP is going
 * (sk_psock_drop(): sk_callback_lock held for writing, bh off, maybe no
 * lock_sock, so ktls_init_sk() and ktls_close() take it too): @p is the proto it had before the map, our base from now
 * on. sk_prot is not touched: a socket on its own proto (proto.c) stays
 * there, as lockless callers may be inside it, and tcp_bpf's functions
 * fall back to TCP's without a psock; TLS_TX/TLS_RX or close move it off.
 */
static void ktls_update_sk(struct sock *sk, struct proto *p,
			   void (*write_space)(struct sock *sk))
{
	struct ktls_ctx *ctx = ktls_get_ctx(sk);

	lockdep_assert_held_write(&sk->sk_callback_lock);
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
	struct proto *base;

	if (ctx->tx_conf == KTLS_SW)
		ktls_tx_release(sk, ctx);	/* takes lock_sock itself */
	if (ctx->rx_conf == KTLS_SW)
		ktls_rx_stop(sk, ctx);		/* takes lock_sock itself */

	lock_sock(sk);
	if (ctx->rx_conf == KTLS_SW)
		ktls_rx_release(sk, ctx);
	/*
	 * A psock dropped on another CPU updates ctx->sk_proto under
	 * sk_callback_lock (ktls_update_sk()) until the context is
	 * unpublished here; after that it writes sk_prot itself. Reading
	 * ctx->sk_proto before this point could put back a proto the drop
	 * already replaced: tcp_bpf's close with no psock left, which never
	 * closes TCP.
	 */
	write_lock_bh(&sk->sk_callback_lock);
	base = ctx->sk_proto;
	if (sk->sk_write_space == ktls_write_space)
		sk->sk_write_space = ctx->saved_write_space;
	WRITE_ONCE(sk->sk_prot, base);
	if (sk->sk_socket)
		WRITE_ONCE(sk->sk_socket->ops, ctx->sk_ops);
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);

	/*
	 * @base may be tcp_bpf's and its psock gone by now: its close then
	 * finds no psock and calls sk_prot's, which the drop set to TCP's.
	 */
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
