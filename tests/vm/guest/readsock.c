// SPDX-License-Identifier: GPL-2.0
/* readsock.c - proto_ops->read_sock() of a kTLS socket, as the kernel reads it. */
/*
 * The kernel's own kTLS users (the NVMe/TCP host after tlshd's handshake)
 * read the socket with lock_sock held through proto_ops->read_sock() and an
 * actor, not with recvmsg. The test module ktls_readsock.ko
 * (tests/vm/kmod) makes that call on a socket of this process; records
 * come from an independent sender (peer_ref.h, over plain TCP), so empty,
 * control and tampered records can be sent as they are on the wire.
 *
 * The contract (Debian's in-tree tls.ko of 6.12 and 7.x, tls_sw_read_sock):
 * data records reach the actor in order; an actor that takes part of a
 * record gets the rest on the next call; an empty data record is skipped;
 * a non-data record stops the read (-EINVAL when it is first) and stays
 * for recvmsg with its record-type cmsg; nothing whole there is -EAGAIN,
 * EOF 0; a record that fails authentication is -EBADMSG, and so is every
 * later call; the actor's error is returned when nothing was read; a
 * reader sleeping in recvmsg owns the stream (-EAGAIN); after a TLS 1.3
 * KeyUpdate, -EKEYEXPIRED until the new key is set. 6.1's in-tree module
 * has no read_sock at all (a NULL, which the test module reports as
 * EOPNOTSUPP).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"
#include "stress_util.h"
#include "tests/vm/kmod/ktls_readsock.h"

#define KMOD	"/lib/modules/ktls_readsock.ko"
#define BIG	(3 * REF_MAX_PT)

/* Load the test module once (it may be there from an earlier test). */
static int kmod_load(void)
{
	return access(KTLS_RS_PROC, F_OK) ? kmod_load_once(KMOD) : 0;
}

FIXTURE(rs)
{
	int a, b;		/* a: plain TCP, the sender; b: kTLS RX */
	int proc;
	struct ref_dir tx;	/* a's records */
	uint8_t rec[REF_HDR + 8 + REF_MAX_PT + 256 + REF_TAG];
	uint8_t in[BIG], out[BIG];
};

FIXTURE_VARIANT(rs)
{
	uint16_t version;
};

FIXTURE_VARIANT_ADD(rs, tls12)
{
	.version = REF_V12,
};

FIXTURE_VARIANT_ADD(rs, tls13)
{
	.version = REF_V13,
};

FIXTURE_SETUP(rs)
{
	struct srng r = { .s = 0x7265616473 ^ variant->version };
	char ulp[32];

	ASSERT_EQ(kmod_load(), 0) TH_LOG("%s: %s", KMOD, strerror(errno));
	self->proc = open(KTLS_RS_PROC, O_RDWR);
	ASSERT_GE(self->proc, 0);
	ASSERT_EQ(loopback_pair(AF_INET, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->b, 10), 0);
	ulp_name(ulp, sizeof(ulp));
	ASSERT_EQ(ktls_attach(self->b, ulp, TLS_RX, &r, &self->tx,
			      variant->version,
			      &guest_ciphers[GC_AES_GCM_128]), 0)
		TH_LOG("TLS_RX: %s", strerror(errno));
	srng_fill(&r, self->in, sizeof(self->in));
}

FIXTURE_TEARDOWN(rs)
{
	close(self->a);
	close(self->b);
	close(self->proc);
}

/* One record of @type around @len bytes of @p, from the plain sender. */
static int send_rec(FIXTURE_DATA(rs) *self, uint8_t type, const void *p,
		    size_t len)
{
	ssize_t n = ref_seal(&self->tx, type, p, len, 0, self->rec);

	return n > 0 && send(self->a, self->rec, n, 0) == n ? 0 : -1;
}

/*
 * read_sock() calls as @q asks (cap, per_call, fail, buf) on the kTLS end:
 * one, or with @wait until one stops saying -EAGAIN (records on their
 * way). Its return; @q holds the last call's got and calls.
 */
static long rs_req(FIXTURE_DATA(rs) *self, struct ktls_rs_req *q, int wait)
{
	int i;

	q->fd = self->b;
	for (i = 0; i < 500; i++) {
		if (ioctl(self->proc, KTLS_RS_READ, q))
			return -1000 - errno;	/* the test module's own */
		if (!wait || q->ret != -EAGAIN)
			break;
		usleep(10000);
	}
	return q->ret;
}

/* One read_sock() call: its return; *got bytes landed at @buf. */
static long rs_read(FIXTURE_DATA(rs) *self, void *buf, uint32_t cap,
		    uint32_t per_call, int fail, uint32_t *got)
{
	struct ktls_rs_req q = {
		.cap = cap, .per_call = per_call, .fail = fail,
		.buf = (uintptr_t)buf,
	};
	long ret = rs_req(self, &q, 0);

	if (got)
		*got = q.got;
	return ret;
}

/* rs_read() with a plain actor until it stops saying -EAGAIN. */
static long rs_wait(FIXTURE_DATA(rs) *self, void *buf, uint32_t cap,
		    uint32_t *got)
{
	struct ktls_rs_req q = { .cap = cap, .buf = (uintptr_t)buf };
	long ret = rs_req(self, &q, 1);

	if (got)
		*got = q.got;
	return ret;
}

/* Records of 1000, 16384 and 5 bytes: in order, intact, in one call. */
TEST_F(rs, data_in_order)
{
	size_t lens[] = { 1000, REF_MAX_PT, 5 }, total = 0, i;
	uint32_t got = 0, sum = 0;
	long ret;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in + total,
				   lens[i]), 0);
		total += lens[i];
	}
	while (sum < total) {
		ret = rs_wait(self, self->out + sum, total - sum, &got);
		ASSERT_GT(ret, 0) TH_LOG("read_sock: %ld", ret);
		ASSERT_EQ(ret, got);
		sum += got;
	}
	EXPECT_EQ(sum, total);
	EXPECT_EQ(memcmp(self->in, self->out, total), 0);
}

/*
 * An actor that takes part of a record: the next call resumes where it
 * stopped, and recvmsg reads on from there too (one stream position).
 */
TEST_F(rs, partial_then_recvmsg)
{
	uint32_t got;

	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 3000), 0);
	EXPECT_EQ(rs_wait(self, self->out, 1000, &got), 1000);
	EXPECT_EQ(rs_read(self, self->out + 1000, 1000, 0, 0, &got), 1000);
	EXPECT_EQ(recv(self->b, self->out + 2000, 1000, MSG_WAITALL), 1000);
	EXPECT_EQ(memcmp(self->in, self->out, 3000), 0);
}

/* An actor taking 100 bytes a call is offered the rest until it is done. */
TEST_F(rs, small_actor_bites)
{
	struct ktls_rs_req q = { .cap = 5000, .per_call = 100 };

	q.buf = (uintptr_t)self->out;
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 5000), 0);
	EXPECT_EQ(rs_req(self, &q, 1), 5000);
	EXPECT_EQ(q.got, 5000);
	EXPECT_GE(q.calls, 50);
	EXPECT_EQ(memcmp(self->in, self->out, 5000), 0);
}

/*
 * A control record stops the read and waits for recvmsg, with its type;
 * data after it is read_sock's again.
 */
TEST_F(rs, control_record_stops)
{
	uint8_t alert[2] = { 1, 0 }, buf[64];
	uint32_t got;
	int type;

	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 100), 0);
	ASSERT_EQ(send_rec(self, REF_TYPE_ALERT, alert, 2), 0);
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in + 100, 50), 0);
	usleep(100000);
	EXPECT_EQ(rs_wait(self, self->out, 1000, &got), 100);
	EXPECT_EQ(rs_read(self, self->out, 1000, 0, 0, &got), -EINVAL);
	EXPECT_EQ(got, 0);
	EXPECT_EQ(recv_type(self->b, buf, sizeof(buf), 0, &type), 2);
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(buf, alert, 2), 0);
	EXPECT_EQ(rs_wait(self, self->out + 100, 1000, &got), 50);
	EXPECT_EQ(memcmp(self->in, self->out, 150), 0);
}

/* An empty data record is skipped: the reader gets what follows it. */
TEST_F(rs, empty_record_skipped)
{
	uint32_t got;

	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 0), 0);
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 10), 0);
	usleep(100000);
	EXPECT_EQ(rs_wait(self, self->out, 1000, &got), 10);
	EXPECT_EQ(memcmp(self->in, self->out, 10), 0);
}

/* Nothing there: -EAGAIN, no actor call; after the peer's FIN: 0. */
TEST_F(rs, eagain_then_eof)
{
	struct ktls_rs_req q = { .cap = 100 };

	q.buf = (uintptr_t)self->out;
	EXPECT_EQ(rs_req(self, &q, 0), -EAGAIN);
	EXPECT_EQ(q.calls, 0);
	ASSERT_EQ(shutdown(self->a, SHUT_WR), 0);
	EXPECT_EQ(rs_wait(self, self->out, 100, NULL), 0);
}

/* A tampered record: -EBADMSG, and on every later call (sticky). */
TEST_F(rs, bad_record_sticky)
{
	ssize_t n = ref_seal(&self->tx, REF_TYPE_DATA, self->in, 100, 0,
			     self->rec);

	ASSERT_GT(n, 0);
	self->rec[n - 1] ^= 1;		/* the tag */
	ASSERT_EQ(send(self->a, self->rec, n, 0), n);
	EXPECT_EQ(rs_wait(self, self->out, 100, NULL), -EBADMSG);
	EXPECT_EQ(rs_read(self, self->out, 100, 0, 0, NULL), -EBADMSG);
}

/* The actor's error comes back when nothing was read; the data stays. */
TEST_F(rs, actor_error_keeps_data)
{
	struct ktls_rs_req q = { .cap = 200, .fail = -EIO };
	uint32_t got;

	q.buf = (uintptr_t)self->out;
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 200), 0);
	EXPECT_EQ(rs_req(self, &q, 1), -EIO);
	EXPECT_EQ(rs_read(self, self->out, 200, 0, 0, &got), 200);
	EXPECT_EQ(memcmp(self->in, self->out, 200), 0);
}

static void *blocked_recv(void *arg)
{
	FIXTURE_DATA(rs) *self = arg;
	ssize_t n = recv(self->b, self->out, 100, 0);

	return (void *)n;
}

/* A reader sleeping in recvmsg owns the stream: read_sock is -EAGAIN. */
TEST_F(rs, sleeping_reader_owns_stream)
{
	void *n;
	pthread_t th;

	ASSERT_EQ(pthread_create(&th, NULL, blocked_recv, self), 0);
	usleep(300000);
	EXPECT_EQ(rs_read(self, self->out, 100, 0, 0, NULL), -EAGAIN);
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 100), 0);
	pthread_join(th, &n);
	EXPECT_EQ((long)n, 100);
	EXPECT_EQ(memcmp(self->in, self->out, 100), 0);
}

/*
 * A handshake record stops the read and goes to recvmsg. In TLS 1.3 a
 * KeyUpdate (RFC 8446 4.6.3) then pauses the stream: -EKEYEXPIRED until
 * TLS_RX gets the next key, and records under it are read after. TLS 1.2
 * has no KeyUpdate: the same record is just handshake data, and data
 * goes on under the same key.
 */
TEST_F(rs, key_update)
{
	uint8_t ku[5] = { 24, 0, 0, 1, 0 }, buf[16], ci[64];
	struct srng r = { .s = 0x6b6579 };
	uint32_t got;
	int type;

	ASSERT_EQ(send_rec(self, REF_TYPE_HS, ku, sizeof(ku)), 0);
	usleep(100000);
	EXPECT_EQ(rs_wait(self, self->out, 100, &got), -EINVAL);
	EXPECT_EQ(recv_type(self->b, buf, sizeof(buf), 0, &type), 5);
	EXPECT_EQ(type, REF_TYPE_HS);
	if (variant->version == REF_V12) {
		ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 300), 0);
		EXPECT_EQ(rs_wait(self, self->out, 300, &got), 300);
		EXPECT_EQ(memcmp(self->in, self->out, 300), 0);
		return;
	}
	EXPECT_EQ(rs_read(self, self->out, 100, 0, 0, NULL), -EKEYEXPIRED);
	/* the sender's next traffic key, and its record under it */
	srng_fill(&r, self->tx.key, self->tx.c->key_len);
	srng_fill(&r, self->tx.iv, self->tx.c->iv_len);
	self->tx.seq = 0;
	ASSERT_EQ(setsockopt(self->b, SOL_TLS, TLS_RX, ci,
			     ref_dir_crypto_info(&self->tx, ci)), 0)
		TH_LOG("TLS_RX rekey: %s", strerror(errno));
	ASSERT_EQ(send_rec(self, REF_TYPE_DATA, self->in, 300), 0);
	EXPECT_EQ(rs_wait(self, self->out, 300, &got), 300);
	EXPECT_EQ(memcmp(self->in, self->out, 300), 0);
}

TEST_HARNESS_MAIN
