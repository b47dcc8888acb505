// SPDX-License-Identifier: GPL-2.0
/* proto.c - proto and proto_ops tables, built once, indexed [ipver][tx][rx]. */

#include <linux/mutex.h>
#include <linux/skmsg.h>
#include <linux/slab.h>
#include <net/inet_common.h>

#include "ktls.h"

static struct proto ktls_prots[KTLS_NUM_PROTS][KTLS_NUM_CONFIG][KTLS_NUM_CONFIG];
static struct proto_ops ktls_ops[KTLS_NUM_PROTS][KTLS_NUM_CONFIG][KTLS_NUM_CONFIG];

static DEFINE_MUTEX(ktls_v6_lock);
static const struct proto *ktls_v6_base;	/* protected by ktls_v6_lock */

/*
 * connect(AF_UNSPEC) would reset TCP under the record layer (its sequence
 * numbers, queues and our context would no longer agree): refused, as
 * upstream does since 7.x, on every series.
 */
static int ktls_disconnect(struct sock *sk, int flags)
{
	return -EOPNOTSUPP;
}

/* The ULP with no direction configured: @base plus our sockopts and close. */
static void ktls_build_base(struct proto *p, const struct proto *base)
{
	*p = *base;
	p->setsockopt = ktls_setsockopt;
	p->getsockopt = ktls_getsockopt;
	p->close = ktls_close;
	p->disconnect = ktls_disconnect;
}

static void ktls_build_prots(struct proto p[KTLS_NUM_CONFIG][KTLS_NUM_CONFIG],
			     const struct proto *base)
{
	ktls_build_base(&p[KTLS_BASE][KTLS_BASE], base);

	p[KTLS_SW][KTLS_BASE] = p[KTLS_BASE][KTLS_BASE];
	p[KTLS_SW][KTLS_BASE].sendmsg = ktls_sendmsg;
#ifdef COMPAT_HAS_SENDPAGE
	p[KTLS_SW][KTLS_BASE].sendpage = ktls_sendpage;
#endif
#ifdef COMPAT_HAS_SPLICE_EOF
	p[KTLS_SW][KTLS_BASE].splice_eof = ktls_splice_eof;
#endif

	p[KTLS_BASE][KTLS_SW] = p[KTLS_BASE][KTLS_BASE];
	p[KTLS_BASE][KTLS_SW].recvmsg = ktls_recvmsg;
	p[KTLS_BASE][KTLS_SW].sock_is_readable = ktls_sock_is_readable;

	p[KTLS_SW][KTLS_SW] = p[KTLS_SW][KTLS_BASE];
	p[KTLS_SW][KTLS_SW].recvmsg = p[KTLS_BASE][KTLS_SW].recvmsg;
	p[KTLS_SW][KTLS_SW].sock_is_readable =
		p[KTLS_BASE][KTLS_SW].sock_is_readable;
}

#ifdef COMPAT_HAS_SENDPAGE
/* In-kernel senders must not bypass the record layer. */
static int ktls_no_sendpage_locked(struct sock *sk, struct page *page,
				   int offset, size_t size, int flags)
{
	return -EOPNOTSUPP;
}
#endif

static void ktls_build_ops(struct proto_ops o[KTLS_NUM_CONFIG][KTLS_NUM_CONFIG],
			   const struct proto_ops *base)
{
	o[KTLS_BASE][KTLS_BASE] = *base;

	o[KTLS_SW][KTLS_BASE] = o[KTLS_BASE][KTLS_BASE];
#ifdef COMPAT_HAS_SENDPAGE
	o[KTLS_SW][KTLS_BASE].sendpage_locked = ktls_no_sendpage_locked;
#endif
#ifdef COMPAT_HAS_SPLICE_EOF
	o[KTLS_SW][KTLS_BASE].splice_eof = ktls_splice_eof;
#endif

	o[KTLS_BASE][KTLS_SW] = o[KTLS_BASE][KTLS_BASE];
	o[KTLS_BASE][KTLS_SW].splice_read = ktls_splice_read;
	o[KTLS_BASE][KTLS_SW].poll = ktls_poll;
	o[KTLS_BASE][KTLS_SW].read_sock = ktls_read_sock;

	o[KTLS_SW][KTLS_SW] = o[KTLS_SW][KTLS_BASE];
	o[KTLS_SW][KTLS_SW].splice_read = ktls_splice_read;
	o[KTLS_SW][KTLS_SW].poll = ktls_poll;
	o[KTLS_SW][KTLS_SW].read_sock = ktls_read_sock;
}

/**
 * ktls_proto_init() - build the IPv4 tables
 *
 * Return: 0.
 */
int ktls_proto_init(void)
{
	ktls_build_prots(ktls_prots[KTLSV4], &tcp_prot);
	ktls_build_ops(ktls_ops[KTLSV4], &inet_stream_ops);
	return 0;
}

/*
 * The proto the socket had before anything replaced it: a socket in a
 * sockmap runs on tcp_bpf's proto, and its psock keeps the one before.
 */
static const struct proto *ktls_plain_proto(struct sock *sk)
{
	const struct proto *base = READ_ONCE(sk->sk_prot);
	struct sk_psock *psock;

	rcu_read_lock();
	psock = sk_psock(sk);
	if (psock)
		base = psock->sk_proto;
	rcu_read_unlock();
	return base;
}

/*
 * The IPv6 tables, built once from the first IPv6 socket (tcpv6_prot and
 * inet6_stream_ops are not usable by modules on every kernel). Never
 * rebuilt: other sockets run on them.
 */
static const struct proto *ktls_proto_build_v6(struct sock *sk)
{
	const struct proto *base;

	/* pairs with the release below: tables are built once seen */
	base = smp_load_acquire(&ktls_v6_base);
	if (likely(base))
		return base;
	mutex_lock(&ktls_v6_lock);
	if (!ktls_v6_base) {
		base = ktls_plain_proto(sk);
		ktls_build_prots(ktls_prots[KTLSV6], base);
		ktls_build_ops(ktls_ops[KTLSV6], sk->sk_socket->ops);
		/* tables complete before other CPUs see the base */
		smp_store_release(&ktls_v6_base, base);
	}
	base = ktls_v6_base;
	mutex_unlock(&ktls_v6_lock);
	return base;
}

/**
 * ktls_proto_shared() - the proto the shared tables of a family are built from
 * @sk: socket being attached, lock_sock held, process context (the IPv6
 *	tables are built from the first IPv6 socket, under a mutex)
 * @ipver: KTLSV4 or KTLSV6
 *
 * A socket whose proto is another one (tcp_bpf's, while the socket is in
 * a sockmap) needs a proto of its own for the unconfigured state
 * (ktls_proto_own()), so that the psock's sk_msg verdict and ingress
 * queue keep working. TLS_TX/TLS_RX are refused while a psock exists, so
 * no other entry is needed.
 *
 * Return: &tcp_prot or the IPv6 base.
 */
const struct proto *ktls_proto_shared(struct sock *sk, u8 ipver)
{
	sock_owned_by_me(sk);
	return ipver == KTLSV6 ? ktls_proto_build_v6(sk) : &tcp_prot;
}

/**
 * ktls_proto_own() - build a socket's own unconfigured proto over @base
 * @p: the socket's proto, allocated by the caller, freed with its context
 * @base: the proto the socket had before the ULP
 *
 * No allocation and no sleep: called under sk_callback_lock.
 */
void ktls_proto_own(struct proto *p, const struct proto *base)
{
	ktls_build_base(p, base);
}

/**
 * ktls_proto_update() - point the socket at the tables for its configuration
 * @sk: socket, lock_sock held
 * @ctx: its context
 */
void ktls_proto_update(struct sock *sk, struct ktls_ctx *ctx)
{
	struct proto *p = &ktls_prots[ctx->ipver][ctx->tx_conf][ctx->rx_conf];

	sock_owned_by_me(sk);
	if (ctx->own_prot && p == &ktls_prots[ctx->ipver][KTLS_BASE][KTLS_BASE])
		p = ctx->own_prot;
	WRITE_ONCE(sk->sk_prot, p);
	if (sk->sk_socket)
		WRITE_ONCE(sk->sk_socket->ops,
			   &ktls_ops[ctx->ipver][ctx->tx_conf][ctx->rx_conf]);
}
