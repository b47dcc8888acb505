// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_readsock.c - test only: call a socket's proto_ops->read_sock() as the
 * kernel's own readers do (NVMe/TCP host: lock_sock, read_sock with an
 * actor, release_sock), for the guest program readsock.c. Never shipped.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/proc_fs.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "ktls_readsock.h"

struct rs_state {
	u8 *buf;
	u32 cap;
	u32 per_call;
	int fail;
	u32 got;
	u32 calls;
};

static int rs_actor(read_descriptor_t *desc, struct sk_buff *skb,
		    unsigned int offset, size_t len)
{
	struct rs_state *st = desc->arg.data;
	size_t n = min_t(size_t, len, st->cap - st->got);

	st->calls++;
	if (st->fail)
		return st->fail;
	if (st->per_call)
		n = min_t(size_t, n, st->per_call);
	if (skb_copy_bits(skb, offset, st->buf + st->got, n))
		return -EFAULT;
	st->got += n;
	if (st->got == st->cap)
		desc->count = 0;
	return n;
}

static long rs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ktls_rs_req req;
	read_descriptor_t desc = { .count = 1 };
	struct rs_state st = { };
	struct socket *sock;
	int err;

	if (cmd != KTLS_RS_READ)
		return -ENOTTY;
	if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	if (!req.cap || req.cap > (1U << 24) || req.fail > 0)
		return -EINVAL;
	sock = sockfd_lookup(req.fd, &err);
	if (!sock)
		return err;
	st.buf = kvmalloc(req.cap, GFP_KERNEL);
	if (!st.buf) {
		sockfd_put(sock);
		return -ENOMEM;
	}
	st.cap = req.cap;
	st.per_call = req.per_call;
	st.fail = req.fail;
	desc.arg.data = &st;
	if (!sock->ops->read_sock) {
		req.ret = -EOPNOTSUPP;
	} else {
		lock_sock(sock->sk);
		req.ret = sock->ops->read_sock(sock->sk, &desc, rs_actor);
		release_sock(sock->sk);
	}
	sockfd_put(sock);
	req.got = st.got;
	req.calls = st.calls;
	err = 0;
	if (copy_to_user(u64_to_user_ptr(req.buf), st.buf, st.got) ||
	    copy_to_user((void __user *)arg, &req, sizeof(req)))
		err = -EFAULT;
	kvfree(st.buf);
	return err;
}

static const struct proc_ops rs_ops = {
	.proc_ioctl = rs_ioctl,
	.proc_lseek = noop_llseek,
};

static int __init rs_init(void)
{
	return proc_create("ktls_readsock", 0600, NULL, &rs_ops) ? 0 : -ENOMEM;
}

static void __exit rs_exit(void)
{
	remove_proc_entry("ktls_readsock", NULL);
}

module_init(rs_init);
module_exit(rs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktls test: proto_ops->read_sock() as an in-kernel reader calls it");
