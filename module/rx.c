// SPDX-License-Identifier: GPL-2.0
/* rx.c - RX record layer (not yet implemented: TLS_RX returns EOPNOTSUPP). */

#include "ktls.h"

struct ktls_rx {
	struct ktls_crypto c;
};

struct ktls_crypto *ktls_rx_crypto(struct ktls_ctx *ctx)
{
	return &ctx->rx->c;
}

int ktls_rx_init(struct sock *sk, struct ktls_ctx *ctx)
{
	return -EOPNOTSUPP;
}

void ktls_rx_release(struct sock *sk, struct ktls_ctx *ctx)
{
}

void ktls_rx_free(struct ktls_ctx *ctx)
{
}

int ktls_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		 int flags, int *addr_len)
{
	return -EOPNOTSUPP;
}

bool ktls_sock_is_readable(struct sock *sk)
{
	return false;
}

__poll_t ktls_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait)
{
	return 0;
}

ssize_t ktls_splice_read(struct socket *sock, loff_t *ppos,
			 struct pipe_inode_info *pipe, size_t len,
			 unsigned int flags)
{
	return -EOPNOTSUPP;
}
