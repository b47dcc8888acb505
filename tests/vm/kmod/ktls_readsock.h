/* SPDX-License-Identifier: GPL-2.0 */
/* ktls_readsock.h - the ioctl of the test module ktls_readsock.ko. */
#ifndef KTLS_READSOCK_H
#define KTLS_READSOCK_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * One proto_ops->read_sock() call on the socket @fd of the calling
 * process, with lock_sock held as the kernel's own readers do (the NVMe/TCP
 * host). The actor copies into @buf: at most @per_call bytes of each call
 * it gets (0: no limit; it returns what it took, so the reader offers the
 * rest again), and clears desc->count once @cap bytes are in @buf; with
 * @fail set it returns that (negative) errno at its first call instead.
 */
struct ktls_rs_req {
	__s32 fd;
	__u32 cap;		/* room in buf */
	__u32 per_call;		/* the actor takes at most this per call */
	__s32 fail;		/* 0, or the actor's errno at its first call */
	__u64 buf;		/* user pointer */
	__s64 ret;		/* out: read_sock()'s return */
	__u32 got;		/* out: bytes in buf */
	__u32 calls;		/* out: actor calls */
};

#define KTLS_RS_READ	_IOWR('k', 1, struct ktls_rs_req)
#define KTLS_RS_PROC	"/proc/ktls_readsock"

#endif /* KTLS_READSOCK_H */
