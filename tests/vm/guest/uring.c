// SPDX-License-Identifier: GPL-2.0
/* uring.c - io_uring operations on kTLS sockets (liburing). */
/*
 * One loopback TCP pair per test: `a` has TLS_TX, `b` has TLS_RX, both with
 * the same random AES-GCM-128 crypto_info, TLS 1.2 and 1.3 variants. Every
 * operation goes through io_uring (the kernel's send/recv paths then see
 * MSG_DONTWAIT first tries, poll-driven retries, io-wq punts, provided
 * buffers and zero-copy notifications) and every test checks the exact
 * bytes and the exact CQE result. The expected results are the ones of
 * Debian's in-tree tls.ko on the same kernel; ktls.ko must give the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/tls.h>
#include <liburing.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"

#define TLS_DATA	23
#define TLS_HANDSHAKE	22


/* Submit what is queued; wait for one CQE (10 s), copy it out, consume it. */
static int cqe_wait(struct io_uring *r, struct io_uring_cqe *out)
{
	struct __kernel_timespec ts = { .tv_sec = 10 };
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_submit_and_wait_timeout(r, &cqe, 1, &ts, NULL);
	if (ret < 0)
		return ret;
	*out = *cqe;
	io_uring_cqe_seen(r, cqe);
	return 0;
}

/* Submit the one queued SQE and return its CQE's res (or -ETIME). */
static int run1(struct io_uring *r)
{
	struct io_uring_cqe c;
	int ret = cqe_wait(r, &c);

	return ret ? ret : c.res;
}

FIXTURE(uring)
{
	int a, b;		/* a: TLS_TX, b: TLS_RX */
	struct io_uring ring;
	struct tls12_crypto_info_aes_gcm_128 ci;
};

FIXTURE_VARIANT(uring)
{
	uint16_t version;
};

FIXTURE_VARIANT_ADD(uring, 12_aes_gcm)
{
	.version = TLS_1_2_VERSION,
};

FIXTURE_VARIANT_ADD(uring, 13_aes_gcm)
{
	.version = TLS_1_3_VERSION,
};

/* TLS_TX (tx != 0) or TLS_RX on FD with CI; 0 or -1. */
static int ktls_on(int fd, int tx, const void *ci, size_t len)
{
	if (setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) &&
	    errno != EEXIST)
		return -1;
	return setsockopt(fd, SOL_TLS, tx ? TLS_TX : TLS_RX, ci, len);
}

FIXTURE_SETUP(uring)
{
	self->a = self->b = -1;
	memset(&self->ci, 0, sizeof(self->ci));
	self->ci.info.version = variant->version;
	self->ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	rnd(self->ci.iv, sizeof(self->ci.iv));
	rnd(self->ci.key, sizeof(self->ci.key));
	rnd(self->ci.salt, sizeof(self->ci.salt));
	ASSERT_EQ(loopback_pair(AF_INET, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->a, 10), 0);
	ASSERT_EQ(set_timeouts(self->b, 10), 0);
	ASSERT_EQ(ktls_on(self->a, 1, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(ktls_on(self->b, 0, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(io_uring_queue_init(16, &self->ring, 0), 0);
}

FIXTURE_TEARDOWN(uring)
{
	io_uring_queue_exit(&self->ring);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

static struct io_uring_sqe *sqe_get(struct io_uring *r, uint64_t ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(r);

	if (!sqe)
		abort();
	sqe->user_data = ud;
	return sqe;
}

/* IORING_OP_SEND of LEN bytes; returns the CQE res. */
static int u_send(struct io_uring *r, int fd, const void *buf, size_t len,
		  int flags)
{
	io_uring_prep_send(sqe_get(r, 1), fd, buf, len, flags);
	return run1(r);
}

static int u_recv(struct io_uring *r, int fd, void *buf, size_t len,
		  int flags)
{
	io_uring_prep_recv(sqe_get(r, 1), fd, buf, len, flags);
	return run1(r);
}

/* IORING_OP_SENDMSG of one record; TYPE < 0: no cmsg. */
static int u_send_type(struct io_uring *r, int fd, int type, const void *buf,
		       size_t len)
{
	char cbuf[CMSG_SPACE(1)] = { 0 };
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (type >= 0) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_TLS;
		cm->cmsg_type = TLS_SET_RECORD_TYPE;
		cm->cmsg_len = CMSG_LEN(1);
		*CMSG_DATA(cm) = type;
		m.msg_controllen = cm->cmsg_len;
	}
	io_uring_prep_sendmsg(sqe_get(r, 1), fd, &m, 0);
	return run1(r);
}

/* IORING_OP_RECVMSG; CMSG: room for the record type; *type -1 if none. */
static int u_recv_type(struct io_uring *r, int fd, void *buf, size_t len,
		       int cmsg, int *type)
{
	char cbuf[CMSG_SPACE(1)];
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int res;

	if (cmsg) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof(cbuf);
	}
	io_uring_prep_recvmsg(sqe_get(r, 1), fd, &m, 0);
	res = run1(r);
	*type = -1;
	if (res < 0 || !cmsg)
		return res;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_TLS &&
		    cm->cmsg_type == TLS_GET_RECORD_TYPE)
			*type = *CMSG_DATA(cm);
	return res;
}

static int u_splice(struct io_uring *r, int in, int64_t off_in, int out,
		    int64_t off_out, size_t len)
{
	io_uring_prep_splice(sqe_get(r, 1), in, off_in, out, off_out, len, 0);
	return run1(r);
}

/* ------------------------------------------------------ send and recv */

TEST_F(uring, send_recv)
{
	char in[1000], out[1200];

	rnd(in, sizeof(in));
	EXPECT_EQ(u_send(&self->ring, self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(u_recv(&self->ring, self->b, out, sizeof(out), 0),
		  sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* A record read in pieces: 100, then the rest, then a second record. */
TEST_F(uring, recv_partial_record)
{
	char in[3000], out[3000];

	rnd(in, sizeof(in));
	ASSERT_EQ(u_send(&self->ring, self->a, in, 2000, 0), 2000);
	ASSERT_EQ(u_send(&self->ring, self->a, in + 2000, 1000, 0), 1000);
	EXPECT_EQ(u_recv(&self->ring, self->b, out, 100, 0), 100);
	EXPECT_EQ(u_recv(&self->ring, self->b, out + 100, 2900, MSG_WAITALL),
		  2900);
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* tls_sw_sendmsg's flag check sees the MSG_WAITALL io_uring passes on. */
TEST_F(uring, send_waitall)
{
	char in[100];

	rnd(in, sizeof(in));
	EXPECT_EQ(u_send(&self->ring, self->a, in, sizeof(in), MSG_WAITALL),
		  -EOPNOTSUPP);
}

/*
 * 1 MiB by IORING_OP_SEND (partial sends resubmitted) while a MSG_WAITALL
 * IORING_OP_RECV of all of it is in flight on the same ring.
 */
TEST_F(uring, send_recv_1m_waitall)
{
	const size_t len = 1 << 20;
	char *in = malloc(len), *out = malloc(len);
	struct io_uring_cqe c;
	size_t sent = 0;
	int recv_res = 0, done = 0;

	ASSERT_NE(in, NULL);
	ASSERT_NE(out, NULL);
	rnd(in, len);
	io_uring_prep_recv(sqe_get(&self->ring, 2), self->b, out, len,
			   MSG_WAITALL);
	io_uring_prep_send(sqe_get(&self->ring, 1), self->a, in, len, 0);
	while (!done || sent < len) {
		ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
		if (c.user_data == 2) {
			recv_res = c.res;
			done = 1;
			continue;
		}
		ASSERT_GT(c.res, 0);
		sent += c.res;
		if (sent < len)
			io_uring_prep_send(sqe_get(&self->ring, 1), self->a,
					   in + sent, len - sent, 0);
	}
	EXPECT_EQ(sent, len);
	EXPECT_EQ(recv_res, len);
	EXPECT_EQ(memcmp(in, out, len), 0);
	free(in);
	free(out);
}

/* ------------------------------------------------ record-type cmsgs */

TEST_F(uring, sendmsg_recvmsg_record_type)
{
	char hs[] = "handshake", data[] = "data!", out[64];
	int type;

	EXPECT_EQ(u_send_type(&self->ring, self->a, TLS_HANDSHAKE, hs,
			      sizeof(hs)), sizeof(hs));
	EXPECT_EQ(u_send_type(&self->ring, self->a, -1, data, sizeof(data)),
		  sizeof(data));
	EXPECT_EQ(u_recv_type(&self->ring, self->b, out, sizeof(out), 1,
			      &type), sizeof(hs));
	EXPECT_EQ(type, TLS_HANDSHAKE);
	EXPECT_EQ(memcmp(out, hs, sizeof(hs)), 0);
	EXPECT_EQ(u_recv_type(&self->ring, self->b, out, sizeof(out), 1,
			      &type), sizeof(data));
	EXPECT_EQ(type, TLS_DATA);
	EXPECT_EQ(memcmp(out, data, sizeof(data)), 0);
}

/* A control record and no room for its type: EIO, the record stays. */
TEST_F(uring, recvmsg_control_without_cmsg_eio)
{
	char hs[] = "handshake", out[64];
	int type;

	EXPECT_EQ(u_send_type(&self->ring, self->a, TLS_HANDSHAKE, hs,
			      sizeof(hs)), sizeof(hs));
	EXPECT_EQ(u_recv_type(&self->ring, self->b, out, sizeof(out), 0,
			      &type), -EIO);
	EXPECT_EQ(u_recv(&self->ring, self->b, out, sizeof(out), 0), -EIO);
	EXPECT_EQ(u_recv_type(&self->ring, self->b, out, sizeof(out), 1,
			      &type), sizeof(hs));
	EXPECT_EQ(type, TLS_HANDSHAKE);
	EXPECT_EQ(memcmp(out, hs, sizeof(hs)), 0);
}

/* ------------------------------------------------------------- splice */

TEST_F(uring, splice_file_to_socket)
{
	static char in[20000], out[20000];
	int fd, p[2];

	rnd(in, sizeof(in));
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, in, sizeof(in)), sizeof(in));
	ASSERT_EQ(pipe(p), 0);
	EXPECT_EQ(u_splice(&self->ring, fd, 0, p[1], -1, sizeof(in)),
		  sizeof(in));
	EXPECT_EQ(u_splice(&self->ring, p[0], -1, self->a, -1, sizeof(in)),
		  sizeof(in));
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	close(fd);
	close(p[0]);
	close(p[1]);
}

TEST_F(uring, splice_socket_to_pipe)
{
	char in[5000], out[5000];
	int p[2];

	rnd(in, sizeof(in));
	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(send(self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(u_splice(&self->ring, self->b, -1, p[1], -1, sizeof(in)),
		  sizeof(in));
	EXPECT_EQ(read(p[0], out, sizeof(out)), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	close(p[0]);
	close(p[1]);
}

/* splice_read does not deliver control records: EINVAL, record kept. */
TEST_F(uring, splice_control_record_einval)
{
	char hs[] = "handshake", out[64];
	int p[2], type;

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(send_type(self->a, TLS_HANDSHAKE, hs, sizeof(hs)),
		  sizeof(hs));
	EXPECT_EQ(u_splice(&self->ring, self->b, -1, p[1], -1, 64), -EINVAL);
	EXPECT_EQ(recv_type(self->b, out, sizeof(out), 0, &type), sizeof(hs));
	EXPECT_EQ(type, TLS_HANDSHAKE);
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------------ send_zc */

/*
 * IORING_OP_SEND_ZC: the result CQE (F_MORE), then the notification CQE
 * (F_NOTIF). Debian's in-tree tls.ko refuses the MSG_ZEROCOPY send
 * (EOPNOTSUPP from tls_sw_sendmsg's flag check) and still posts the
 * notification; nothing reaches the peer and the socket stays usable.
 */
TEST_F(uring, send_zc_eopnotsupp)
{
	char in[1000], out[1000];
	struct io_uring_cqe c;
	int res, more, notif = 0;

	rnd(in, sizeof(in));
	io_uring_prep_send_zc(sqe_get(&self->ring, 1), self->a, in,
			      sizeof(in), 0, 0);
	ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
	res = c.res;
	more = !!(c.flags & IORING_CQE_F_MORE);
	if (more) {
		ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
		notif = !!(c.flags & IORING_CQE_F_NOTIF);
	}
	EXPECT_EQ(res, -EOPNOTSUPP);
	EXPECT_EQ(more, 1);
	EXPECT_EQ(notif, 1);
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EAGAIN);
	EXPECT_EQ(u_send(&self->ring, self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* ------------------------------------------- multishot, provided bufs */

#define BR_ENTRIES	8
#define BR_SIZE		64
#define BR_GROUP	7

/*
 * A multishot recv over a buffer ring of 64-byte buffers: 300 bytes in
 * two records come back in order across buffers, every CQE with
 * F_BUFFER and F_MORE; then a third record; then cancel: -ECANCELED, no
 * F_MORE.
 */
TEST_F(uring, recv_multishot_buf_ring)
{
	struct io_uring_buf_reg reg = { 0 };
	struct io_uring_buf_ring *br;
	struct io_uring_sqe *sqe;
	char in[400], out[400];
	static char bufs[BR_ENTRIES][BR_SIZE];
	struct io_uring_cqe c;
	size_t got = 0;
	int i, cancelled = 0, cancel_res = 1;

	br = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(br, MAP_FAILED);
	reg.ring_addr = (unsigned long)br;
	reg.ring_entries = BR_ENTRIES;
	reg.bgid = BR_GROUP;
	ASSERT_EQ(io_uring_register_buf_ring(&self->ring, &reg, 0), 0);
	io_uring_buf_ring_init(br);
	for (i = 0; i < BR_ENTRIES; i++)
		io_uring_buf_ring_add(br, bufs[i], BR_SIZE, i,
				      io_uring_buf_ring_mask(BR_ENTRIES), i);
	io_uring_buf_ring_advance(br, BR_ENTRIES);

	rnd(in, sizeof(in));
	ASSERT_EQ(send(self->a, in, 200, 0), 200);
	ASSERT_EQ(send(self->a, in + 200, 100, 0), 100);
	sqe = sqe_get(&self->ring, 1);
	io_uring_prep_recv_multishot(sqe, self->b, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BR_GROUP;
	while (got < 400) {
		if (got == 300)
			ASSERT_EQ(send(self->a, in + 300, 100, 0), 100);
		ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
		ASSERT_GT(c.res, 0) {
			TH_LOG("after %zu bytes: res %d flags %#x", got, c.res,
			       c.flags);
		}
		ASSERT_LE(got + c.res, sizeof(out));
		EXPECT_NE(c.flags & IORING_CQE_F_BUFFER, 0);
		EXPECT_NE(c.flags & IORING_CQE_F_MORE, 0);
		i = c.flags >> IORING_CQE_BUFFER_SHIFT;
		ASSERT_LT(i, BR_ENTRIES);
		ASSERT_LE(c.res, BR_SIZE);
		memcpy(out + got, bufs[i], c.res);
		got += c.res;
		/* give the buffer back */
		io_uring_buf_ring_add(br, bufs[i], BR_SIZE, i,
				      io_uring_buf_ring_mask(BR_ENTRIES), 0);
		io_uring_buf_ring_advance(br, 1);
	}
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);

	io_uring_prep_cancel64(sqe_get(&self->ring, 2), 1, 0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
		if (c.user_data == 2) {
			cancel_res = c.res;
		} else {
			EXPECT_EQ(c.res, -ECANCELED);
			EXPECT_EQ(c.flags & IORING_CQE_F_MORE, 0);
			cancelled = 1;
		}
	}
	EXPECT_EQ(cancel_res, 0);
	EXPECT_EQ(cancelled, 1);
	EXPECT_EQ(io_uring_unregister_buf_ring(&self->ring, BR_GROUP), 0);
	munmap(br, 4096);
}

/* --------------------------------------------------------- cancellation */

/* A recv waiting for data is cancelled; the socket then works as before. */
TEST_F(uring, cancel_pending_recv)
{
	char in[10] = "0123456789", out[64];
	struct io_uring_cqe c;
	int i, recv_res = 1, cancel_res = 1;

	io_uring_prep_recv(sqe_get(&self->ring, 1), self->b, out, sizeof(out),
			   0);
	ASSERT_EQ(io_uring_submit(&self->ring), 1);
	usleep(50000);
	io_uring_prep_cancel64(sqe_get(&self->ring, 2), 1, 0);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(cqe_wait(&self->ring, &c), 0);
		if (c.user_data == 1)
			recv_res = c.res;
		else
			cancel_res = c.res;
	}
	EXPECT_EQ(recv_res, -ECANCELED);
	EXPECT_EQ(cancel_res, 0);
	ASSERT_EQ(send(self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(u_recv(&self->ring, self->b, out, sizeof(out), 0),
		  sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* ------------------------------------------------- peer closes mid-record */

/*
 * Raw records: `a` sends two records of 100 bytes to a plain socket; a
 * fresh pair whose receiving end has TLS_RX with the same crypto_info
 * gets the first record whole and CUT bytes of the second, then the
 * sender closes. Returns the receiving kTLS socket.
 */
static int cut_stream(struct __test_metadata *_metadata,
		      FIXTURE_DATA(uring) *self, const char *in, size_t cut)
{
	uint8_t raw[512];
	size_t rec, n = 0;
	int tx, plain, w, k;
	ssize_t r;

	if (loopback_pair(AF_INET, &tx, &plain))
		return -1;
	if (ktls_on(tx, 1, &self->ci, sizeof(self->ci)) ||
	    send(tx, in, 100, 0) != 100 || send(tx, in + 100, 100, 0) != 100)
		return -1;
	close(tx);
	set_rcv_timeout(plain, 10);
	while ((r = recv(plain, raw + n, sizeof(raw) - n, 0)) > 0)
		n += r;
	close(plain);
	rec = n / 2;
	EXPECT_EQ(n, 2 * rec);
	EXPECT_EQ(rec, (self->ci.info.version == TLS_1_2_VERSION ? 29 : 22) +
		  100);
	if (loopback_pair(AF_INET, &w, &k))
		return -1;
	set_timeouts(k, 10);
	if (ktls_on(k, 0, &self->ci, sizeof(self->ci)) ||
	    send(w, raw, rec + cut, 0) != (ssize_t)(rec + cut))
		return -1;
	close(w);
	return k;
}

static void close_mid_record(struct __test_metadata *_metadata,
			     FIXTURE_DATA(uring) *self, size_t cut)
{
	char in[200], out[300];
	int k;

	rnd(in, sizeof(in));
	k = cut_stream(_metadata, self, in, cut);
	ASSERT_GE(k, 0);
	EXPECT_EQ(u_recv(&self->ring, k, out, sizeof(out), 0), 100);
	EXPECT_EQ(memcmp(in, out, 100), 0);
	EXPECT_EQ(u_recv(&self->ring, k, out, sizeof(out), 0), 0);
	EXPECT_EQ(u_recv(&self->ring, k, out, sizeof(out), 0), 0);
	close(k);
}

TEST_F(uring, peer_close_mid_header)
{
	close_mid_record(_metadata, self, 3);
}

TEST_F(uring, peer_close_mid_body)
{
	close_mid_record(_metadata, self, 50);
}

/* A whole first record and EOF: MSG_WAITALL returns the short count. */
TEST_F(uring, peer_close_waitall_short)
{
	char in[200], out[300];
	int k;

	rnd(in, sizeof(in));
	k = cut_stream(_metadata, self, in, 50);
	ASSERT_GE(k, 0);
	EXPECT_EQ(u_recv(&self->ring, k, out, sizeof(out), MSG_WAITALL), 100);
	EXPECT_EQ(memcmp(in, out, 100), 0);
	close(k);
}

TEST_HARNESS_MAIN
