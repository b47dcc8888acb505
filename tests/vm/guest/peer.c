// SPDX-License-Identifier: GPL-2.0
/* peer.c - kernel kTLS against an independent userspace record layer. */
/*
 * One TCP connection over loopback: the kernel end has the "tls" ULP with
 * TLS_TX and TLS_RX, the other end is a plain socket driven by peer_ref.h
 * (OpenSSL EVP AEADs, written from the RFCs, sharing no code with core/).
 *
 *   tx_*   kernel sends, the reference parses and decrypts the raw bytes
 *   rx_*   the reference encrypts and writes raw bytes, the kernel receives
 *   ref_*  the reference checked on its own (OpenSSL, RFC 8998 vectors)
 *
 * Fixtures: peer (every version x cipher, one IPv6 variant), peer13 (TLS
 * 1.3 only: inner type and padding), peer12 (TLS 1.2 with an explicit
 * nonce). The SM4 (13_sm4_*) and ARIA (12_aria_*) variants need a kTLS that
 * provides those ciphers: Debian's in-tree tls.ko fails them at setup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"

#define REC_BUF	(REF_MAX_PT + 512)

/* Our crypto_info byte layout must be the uapi one for every cipher. */
_Static_assert(sizeof(struct tls12_crypto_info_aes_gcm_128) == 4 + 8 + 16 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_aes_gcm_256) == 4 + 8 + 32 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_aes_ccm_128) == 4 + 8 + 16 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_chacha20_poly1305) == 4 + 12 + 32 + 0 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_sm4_gcm) == 4 + 8 + 16 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_sm4_ccm) == 4 + 8 + 16 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_aria_gcm_128) == 4 + 8 + 16 + 4 + 8, "layout");
_Static_assert(sizeof(struct tls12_crypto_info_aria_gcm_256) == 4 + 8 + 32 + 4 + 8, "layout");

/* The connection under test. */
struct peer {
	int kfd;		/* kernel kTLS end */
	int pfd;		/* plain end, driven by the reference */
	struct ref_dir tx;	/* kernel TX, reference RX */
	struct ref_dir rx;	/* reference TX, kernel RX */
};


/* Random keys for one direction; writes the matching crypto_info into CI. */
static size_t dir_init(struct ref_dir *d, uint16_t version,
		       const struct ref_cipher *c, uint8_t *ci)
{
	uint8_t seq[8];

	memset(d, 0, sizeof(*d));
	d->version = version;
	d->c = c;
	rnd(d->key, c->key_len);
	rnd(d->salt, c->salt_len);
	rnd(d->iv, c->iv_len);
	rnd(seq, 8);
	seq[0] &= 0x7f;		/* far from the 2^64 wrap */
	d->seq = ref_get_be64(seq);
	/* 1.2 TX: the kernel's explicit nonce starts at crypto_info.iv */
	d->explicit_nonce = ref_get_be64(d->iv);
	return ref_dir_crypto_info(d, ci);
}

static void conn_setup(struct __test_metadata *_metadata, struct peer *p,
		       uint16_t version, uint16_t type, int ipv6)
{
	const struct ref_cipher *c = cipher_by_type(type);
	uint8_t ci[64];
	size_t len;

	p->kfd = p->pfd = -1;
	ASSERT_NE(c, NULL);
	ASSERT_EQ(loopback_pair(ipv6 ? AF_INET6 : AF_INET, &p->kfd, &p->pfd),
		  0);
	ASSERT_EQ(set_rcv_timeout(p->kfd, 10), 0);
	ASSERT_EQ(set_rcv_timeout(p->pfd, 10), 0);
	ASSERT_EQ(setsockopt(p->kfd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")), 0);

	len = dir_init(&p->tx, version, c, ci);
	ASSERT_EQ(setsockopt(p->kfd, SOL_TLS, TLS_TX, ci, len), 0) {
		TH_LOG("TLS_TX version %#x cipher %u: %s", version, type,
		       strerror(errno));
	}
	len = dir_init(&p->rx, version, c, ci);
	/* the kernel reads the 1.2 explicit nonce from each record */
	rnd(&p->rx.explicit_nonce, 8);
	ASSERT_EQ(setsockopt(p->kfd, SOL_TLS, TLS_RX, ci, len), 0) {
		TH_LOG("TLS_RX version %#x cipher %u: %s", version, type,
		       strerror(errno));
	}
	explicit_bzero(ci, sizeof(ci));
}

static void conn_teardown(struct peer *p)
{
	if (p->kfd >= 0)
		close(p->kfd);
	if (p->pfd >= 0)
		close(p->pfd);
}

/* ------------------------------------------------------------- helpers */

static void send_all(struct __test_metadata *_metadata, int fd,
		     const void *buf, size_t len)
{
	const uint8_t *b = buf;
	ssize_t n;

	while (len) {
		n = send(fd, b, len, 0);
		ASSERT_GT(n, 0);
		b += n;
		len -= n;
	}
}

/* Read one raw record from the plain end: header, then body. */
static size_t read_record(struct __test_metadata *_metadata, int fd,
			  uint8_t *rec)
{
	size_t len;

	EXPECT_EQ(recv(fd, rec, REF_HDR, MSG_WAITALL), REF_HDR);
	len = (size_t)rec[3] << 8 | rec[4];
	EXPECT_LE(len, REC_BUF - REF_HDR);
	if (len > REC_BUF - REF_HDR)
		return 0;
	if (len) {
		EXPECT_EQ(recv(fd, rec + REF_HDR, len, MSG_WAITALL), len);
	}
	return REF_HDR + len;
}

/* Read and open the next record the kernel sent; returns its payload. */
static ssize_t ref_recv(struct __test_metadata *_metadata, struct peer *p,
			uint8_t *type, uint8_t *pt)
{
	static uint8_t rec[REC_BUF];
	size_t rl, pad;
	ssize_t n;

	rl = read_record(_metadata, p->pfd, rec);
	n = ref_open(&p->tx, rec, rl, type, &pad, pt);
	EXPECT_GE(n, 0) {
		TH_LOG("record %zu bytes did not open (seq %llu)", rl,
		       (unsigned long long)p->tx.seq);
	}
	EXPECT_EQ(pad, 0);
	return n;
}

/* Encrypt one record with the reference and write it to the plain end. */
static void ref_send(struct __test_metadata *_metadata, struct peer *p,
		     uint8_t type, const void *pt, size_t len, size_t pad)
{
	static uint8_t rec[REC_BUF + 1024];
	ssize_t n;

	n = ref_seal(&p->rx, type, pt, len, pad, rec);
	ASSERT_GT(n, 0);
	send_all(_metadata, p->pfd, rec, n);
}

/* Largest record length field the kernel accepts for this direction. */
static size_t max_rec_len(const struct ref_dir *d)
{
	return ref_overhead(d) - REF_HDR + REF_MAX_PT;
}

/* ------------------------------------------------------------ fixtures */

/*
 * A fixture of one connection (conn_setup) per variant: version, cipher,
 * IPv6. Variants are added with V().
 */
#define PEER_FIXTURE(fix)						\
	FIXTURE(fix) {							\
		struct peer p;						\
	};								\
	FIXTURE_VARIANT(fix) {						\
		uint16_t version;					\
		uint16_t cipher;					\
		int ipv6;						\
	};								\
	FIXTURE_SETUP(fix)						\
	{								\
		conn_setup(_metadata, &self->p, variant->version,	\
			   variant->cipher, variant->ipv6);		\
	}								\
	FIXTURE_TEARDOWN(fix)						\
	{								\
		conn_teardown(&self->p);				\
	}

#define V(fix, name, ver, ciph, v6)					\
	FIXTURE_VARIANT_ADD(fix, name) {				\
		.version = ver, .cipher = ciph, .ipv6 = v6,		\
	}

PEER_FIXTURE(peer)
V(peer, 12_aes_gcm, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer, 13_aes_gcm, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer, 12_aes_gcm_256, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256, 0);
V(peer, 13_aes_gcm_256, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256, 0);
V(peer, 12_aes_ccm, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128, 0);
V(peer, 13_aes_ccm, TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128, 0);
V(peer, 12_chacha, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);
V(peer, 13_chacha, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);
V(peer, 13_aes_gcm_ipv6, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 1);
V(peer, 12_aes_gcm_ipv6, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 1);
V(peer, 13_sm4_gcm, TLS_1_3_VERSION, TLS_CIPHER_SM4_GCM, 0);
V(peer, 13_sm4_ccm, TLS_1_3_VERSION, TLS_CIPHER_SM4_CCM, 0);
V(peer, 12_aria_gcm_128, TLS_1_2_VERSION, TLS_CIPHER_ARIA_GCM_128, 0);
V(peer, 12_aria_gcm_256, TLS_1_2_VERSION, TLS_CIPHER_ARIA_GCM_256, 0);

PEER_FIXTURE(peer13)
V(peer13, 13_aes_gcm, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer13, 13_aes_gcm_256, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256, 0);
V(peer13, 13_aes_ccm, TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128, 0);
V(peer13, 13_chacha, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);
V(peer13, 13_sm4_gcm, TLS_1_3_VERSION, TLS_CIPHER_SM4_GCM, 0);
V(peer13, 13_sm4_ccm, TLS_1_3_VERSION, TLS_CIPHER_SM4_CCM, 0);

PEER_FIXTURE(peer12)
V(peer12, 12_aes_gcm, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer12, 12_aes_gcm_256, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_256, 0);
V(peer12, 12_aes_ccm, TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128, 0);
V(peer12, 12_aria_gcm_128, TLS_1_2_VERSION, TLS_CIPHER_ARIA_GCM_128, 0);
V(peer12, 12_aria_gcm_256, TLS_1_2_VERSION, TLS_CIPHER_ARIA_GCM_256, 0);

/* ------------------------------------------- kernel TX -> reference RX */

/* Send LEN random bytes; expect records of the given payload sizes. */
static void tx_expect(struct __test_metadata *_metadata, struct peer *p,
		      size_t len, const size_t *recs, int nrecs)
{
	static uint8_t in[1 << 17], out[REC_BUF];
	uint8_t type;
	size_t off = 0;
	ssize_t n;
	int i;

	rnd(in, len);
	EXPECT_EQ(send(p->kfd, in, len, 0), len);
	for (i = 0; i < nrecs; i++) {
		n = ref_recv(_metadata, p, &type, out);
		ASSERT_EQ(n, recs[i]);
		EXPECT_EQ(type, REF_TYPE_DATA);
		EXPECT_EQ(memcmp(out, in + off, n), 0);
		off += n;
	}
	EXPECT_EQ(off, len);
}

TEST_F(peer, tx_one_byte)
{
	size_t r[] = { 1 };

	tx_expect(_metadata, &self->p, 1, r, 1);
}

TEST_F(peer, tx_max_record)
{
	size_t r[] = { 16384 };

	tx_expect(_metadata, &self->p, 16384, r, 1);
}

TEST_F(peer, tx_max_plus_one_is_two_records)
{
	size_t r[] = { 16384, 1 };

	tx_expect(_metadata, &self->p, 16385, r, 2);
}

TEST_F(peer, tx_64k_four_full_records)
{
	size_t r[] = { 16384, 16384, 16384, 16384 };

	tx_expect(_metadata, &self->p, 65536, r, 4);
}

/* Each send without MSG_MORE closes its record; seq runs on unbroken. */
TEST_F(peer, tx_many_sends_seq_continuity)
{
	static uint8_t in[2000], out[REC_BUF];
	uint16_t l;
	uint8_t type;
	int i;

	for (i = 0; i < 300; i++) {
		rnd(&l, sizeof(l));
		l = 1 + l % sizeof(in);
		rnd(in, l);
		ASSERT_EQ(send(self->p.kfd, in, l, 0), l);
		ASSERT_EQ(ref_recv(_metadata, &self->p, &type, out), l);
		ASSERT_EQ(type, REF_TYPE_DATA);
		ASSERT_EQ(memcmp(in, out, l), 0);
	}
}

TEST_F(peer, tx_msg_more_one_record)
{
	uint8_t in[100], out[REC_BUF], type;

	rnd(in, sizeof(in));
	EXPECT_EQ(send(self->p.kfd, in, 10, MSG_MORE), 10);
	EXPECT_EQ(send(self->p.kfd, in + 10, 20, MSG_MORE), 20);
	EXPECT_EQ(send(self->p.kfd, in + 30, 70, 0), 70);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 100);
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(in, out, 100), 0);
}

/*
 * Upstream: a zero-length send does not close a record held open by
 * MSG_MORE; the next send with data does, as one record.
 */
TEST_F(peer, tx_zero_length_send_keeps_more)
{
	uint8_t in[15], out[REC_BUF], type;
	struct pollfd pfd = { .fd = self->p.pfd, .events = POLLIN };

	rnd(in, sizeof(in));
	EXPECT_EQ(send(self->p.kfd, in, 10, MSG_MORE), 10);
	EXPECT_EQ(send(self->p.kfd, in, 0, 0), 0);
	EXPECT_EQ(poll(&pfd, 1, 300), 0);
	EXPECT_EQ(send(self->p.kfd, in + 10, 5, 0), 5);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), sizeof(in));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* Control records via TLS_SET_RECORD_TYPE, in order with data records. */
TEST_F(peer, tx_control_records)
{
	uint8_t alert[2] = { 1, 0 }, hs[300], data[50], out[REC_BUF], type;

	rnd(hs, sizeof(hs));
	rnd(data, sizeof(data));
	EXPECT_EQ(send(self->p.kfd, data, 10, 0), 10);
	EXPECT_EQ(send_type(self->p.kfd, REF_TYPE_HS, hs, sizeof(hs)), sizeof(hs));
	EXPECT_EQ(send_type(self->p.kfd, REF_TYPE_ALERT, alert, 2), 2);
	EXPECT_EQ(send(self->p.kfd, data + 10, 40, 0), 40);

	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 10);
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(out, data, 10), 0);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), sizeof(hs));
	EXPECT_EQ(type, REF_TYPE_HS);
	EXPECT_EQ(memcmp(out, hs, sizeof(hs)), 0);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 2);
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(out, alert, 2), 0);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 40);
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(out, data + 10, 40), 0);
}

/* Outer header: 0x0303 always; outer type is the real one only in 1.2. */
TEST_F(peer, tx_outer_header)
{
	uint8_t alert[2] = { 2, 40 }, rec[REC_BUF];
	size_t rl;

	EXPECT_EQ(send_type(self->p.kfd, REF_TYPE_ALERT, alert, 2), 2);
	rl = read_record(_metadata, self->p.pfd, rec);
	EXPECT_EQ(rec[1], 3);
	EXPECT_EQ(rec[2], 3);
	EXPECT_EQ(rl, ref_overhead(&self->p.tx) + 2);
	EXPECT_EQ(rec[0], variant->version == TLS_1_3_VERSION ?
			  REF_TYPE_DATA : REF_TYPE_ALERT);
}

TEST_F(peer, tx_sendfile)
{
	static uint8_t in[50000], out[REC_BUF];
	size_t off = 0;
	uint8_t type;
	off_t fo = 0;
	ssize_t n;
	int fd;

	rnd(in, sizeof(in));
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, in, sizeof(in)), sizeof(in));
	EXPECT_EQ(sendfile(self->p.kfd, fd, &fo, sizeof(in)), sizeof(in));
	close(fd);
	while (off < sizeof(in)) {
		n = ref_recv(_metadata, &self->p, &type, out);
		ASSERT_GT(n, 0);
		ASSERT_LE(n, REF_MAX_PT);
		EXPECT_EQ(type, REF_TYPE_DATA);
		ASSERT_LE(off + n, sizeof(in));
		EXPECT_EQ(memcmp(out, in + off, n), 0);
		off += n;
	}
	EXPECT_EQ(off, sizeof(in));
}

/* Reads the plain end into a buffer until EOF; no harness checks here. */
struct drain {
	int fd;
	uint8_t *buf;
	size_t cap, len;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while (d->len < d->cap &&
	       (n = read(d->fd, d->buf + d->len, d->cap - d->len)) > 0)
		d->len += n;
	return NULL;
}

/*
 * A send buffer smaller than a record: a blocking send of many records in
 * one call, a sendfile, and MSG_MORE sends must neither stall nor lose a
 * byte. Records TCP holds back for MSG_MORE make no ACKs: a sender that
 * waited for send-buffer room while they sit unsent would wait forever.
 */
TEST_F(peer, tx_small_sndbuf)
{
	static uint8_t in[3 * 65536], out[REC_BUF];
	struct drain d = { .fd = self->p.pfd, .cap = 2 * sizeof(in) };
	size_t part = 65536, off = 0, pos = 0, rl, pad;
	int sndbuf = 4096, fd;
	uint8_t type;
	pthread_t th;
	off_t fo = 0;
	ssize_t n;

	rnd(in, sizeof(in));
	d.buf = malloc(d.cap);
	ASSERT_NE(d.buf, NULL);
	ASSERT_EQ(setsockopt(self->p.kfd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			     sizeof(sndbuf)), 0);
	ASSERT_EQ(pthread_create(&th, NULL, drain_main, &d), 0);

	send_all(_metadata, self->p.kfd, in, part);
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, in + part, part), part);
	while (fo < (off_t)part) {
		n = sendfile(self->p.kfd, fd, &fo, part - fo);
		ASSERT_GT(n, 0);
	}
	close(fd);
	EXPECT_EQ(send(self->p.kfd, in + 2 * part, part / 2, MSG_MORE),
		  part / 2);
	EXPECT_EQ(send(self->p.kfd, in + 2 * part + part / 2, part / 2, 0),
		  part / 2);
	shutdown(self->p.kfd, SHUT_WR);
	pthread_join(th, NULL);

	while (pos + REF_HDR <= d.len) {
		rl = REF_HDR + ((size_t)d.buf[pos + 3] << 8 | d.buf[pos + 4]);
		ASSERT_LE(pos + rl, d.len);
		ASSERT_LE(rl, REC_BUF);
		n = ref_open(&self->p.tx, d.buf + pos, rl, &type, &pad, out);
		ASSERT_GT(n, 0);
		EXPECT_EQ(type, REF_TYPE_DATA);
		ASSERT_LE(off + n, sizeof(in));
		EXPECT_EQ(memcmp(out, in + off, n), 0);
		off += n;
		pos += rl;
	}
	EXPECT_EQ(pos, d.len);
	EXPECT_EQ(off, sizeof(in));
	free(d.buf);
}

/* ------------------------------------------- reference TX -> kernel RX */

TEST_F(peer, rx_one_byte)
{
	uint8_t in = 0x5a, out[16];
	int type;

	ref_send(_metadata, &self->p, REF_TYPE_DATA, &in, 1, 0);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 1);
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(out[0], in);
}

TEST_F(peer, rx_max_record)
{
	static uint8_t in[REF_MAX_PT], out[REF_MAX_PT + 1];

	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, sizeof(in), 0);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

TEST_F(peer, rx_many_records_one_read)
{
	static uint8_t in[200 * 3000], out[sizeof(in)];
	size_t off = 0;
	uint16_t l;
	ssize_t n;
	int i;

	rnd(in, sizeof(in));
	for (i = 0; i < 200; i++) {
		rnd(&l, sizeof(l));
		l = 1 + l % 3000;
		ref_send(_metadata, &self->p, REF_TYPE_DATA, in + off, l, 0);
		off += l;
	}
	n = recv(self->p.kfd, out, off, MSG_WAITALL);
	EXPECT_EQ(n, off) {
		TH_LOG("MSG_WAITALL over 200 records: %zd of %zu bytes (%s)",
		       n, off, n < 0 ? strerror(errno) : "short");
	}
	if (n > 0)
		EXPECT_EQ(memcmp(in, out, n), 0);
}

/* A writer thread for the plain end (no harness checks off the main thread). */
struct blast {
	int fd;
	const uint8_t *buf;
	size_t len;
	int err;		/* errno of a failed send, EPIPE for 0 */
};

static void *blast_main(void *arg)
{
	struct blast *b = arg;
	size_t off = 0;
	ssize_t n;

	while (off < b->len) {
		n = send(b->fd, b->buf + off, b->len - off, 0);
		if (n <= 0) {
			b->err = n < 0 ? errno : EPIPE;
			break;
		}
		off += n;
	}
	return NULL;
}

/*
 * A sender far ahead of the reader: TCP's receive window closes, and the
 * record layer takes partial records out of TCP early (as upstream's
 * parser does) so that it opens again. Every record still reads whole
 * and in order; with TLS 1.2, or 1.3 with TLS_RX_EXPECT_NO_PAD, such a
 * record is decrypted from there straight into the reader's pages.
 */
static void rx_window_closed(struct __test_metadata *_metadata,
			     struct peer *p)
{
	enum { NREC = 32 };
	static uint8_t in[NREC * REF_MAX_PT], out[4 * REF_MAX_PT];
	static uint8_t wire[NREC * (REC_BUF + 1024)];
	struct blast b = { .fd = p->pfd, .buf = wire };
	size_t off = 0;
	pthread_t th;
	ssize_t n;
	int i;

	rnd(in, sizeof(in));
	for (i = 0; i < NREC; i++) {
		n = ref_seal(&p->rx, REF_TYPE_DATA, in + i * REF_MAX_PT,
			     REF_MAX_PT, 0, wire + b.len);
		ASSERT_GT(n, 0);
		b.len += n;
	}
	ASSERT_EQ(pthread_create(&th, NULL, blast_main, &b), 0);
	usleep(300 * 1000);	/* the window closes meanwhile */
	while (off < sizeof(in)) {
		n = recv(p->kfd, out, sizeof(out), 0);
		ASSERT_GT(n, 0) {
			TH_LOG("recv after %zu of %zu bytes: %s", off,
			       sizeof(in), n < 0 ? strerror(errno) : "EOF");
		}
		ASSERT_LE(off + n, sizeof(in));
		EXPECT_EQ(memcmp(out, in + off, n), 0);
		off += n;
	}
	pthread_join(th, NULL);
	EXPECT_EQ(b.err, 0);
}

TEST_F(peer, rx_window_closed)
{
	rx_window_closed(_metadata, &self->p);
}

/* A record read in pieces smaller than itself. */
TEST_F(peer, rx_small_reads)
{
	uint8_t in[1000], out[1000];
	int i;

	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, sizeof(in), 0);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(recv(self->p.kfd, out + 100 * i, 100, 0), 100);
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* An empty data record is consumed silently: data around it reads whole. */
TEST_F(peer, rx_zero_length_record)
{
	uint8_t in[60], out[100];

	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, 0, 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, 30, 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, 0, 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in + 30, 30, 0);
	EXPECT_EQ(recv(self->p.kfd, out, 60, MSG_WAITALL), 60);
	EXPECT_EQ(memcmp(in, out, 60), 0);
}

/*
 * Upstream: a control record never merges with data; read without a cmsg
 * buffer it fails with EIO and stays queued; with one it returns its type.
 */
TEST_F(peer, rx_control_between_data)
{
	uint8_t a[40], b[40], alert[2] = { 1, 0 }, out[200];
	int type;

	rnd(a, sizeof(a));
	rnd(b, sizeof(b));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, a, 20, 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, a + 20, 20, 0);
	ref_send(_metadata, &self->p, REF_TYPE_ALERT, alert, 2, 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, b, sizeof(b), 0);

	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), MSG_WAITALL), 40);
	EXPECT_EQ(memcmp(out, a, 40), 0);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EIO);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 2);
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(out, alert, 2), 0);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), sizeof(b));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(out, b, sizeof(b)), 0);
}

/* Two control records of one type are still returned one per call. */
TEST_F(peer, rx_handshake_records)
{
	uint8_t hs[300], out[600];
	int type;

	rnd(hs, sizeof(hs));
	/* not KeyUpdate (24): TLS 1.3 RX would pause after it */
	hs[0] = hs[100] = 1;
	ref_send(_metadata, &self->p, REF_TYPE_HS, hs, 100, 0);
	ref_send(_metadata, &self->p, REF_TYPE_HS, hs + 100, 200, 0);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 100);
	EXPECT_EQ(type, REF_TYPE_HS);
	EXPECT_EQ(memcmp(out, hs, 100), 0);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 200);
	EXPECT_EQ(type, REF_TYPE_HS);
	EXPECT_EQ(memcmp(out, hs + 100, 200), 0);
}

/* Records written one byte per TCP segment. */
TEST_F(peer, rx_one_byte_segments)
{
	static uint8_t in[301], rec[2][1024], out[400];
	int one = 1, r;
	ssize_t n[2];
	size_t i;

	rnd(in, sizeof(in));
	ASSERT_EQ(setsockopt(self->p.pfd, IPPROTO_TCP, TCP_NODELAY, &one,
			     sizeof(one)), 0);
	n[0] = ref_seal(&self->p.rx, REF_TYPE_DATA, in, 300, 0, rec[0]);
	n[1] = ref_seal(&self->p.rx, REF_TYPE_DATA, in + 300, 1, 0, rec[1]);
	ASSERT_GT(n[0], 0);
	ASSERT_GT(n[1], 0);
	for (r = 0; r < 2; r++)
		for (i = 0; i < (size_t)n[r]; i++) {
			ASSERT_EQ(send(self->p.pfd, &rec[r][i], 1, 0), 1);
			usleep(100);
		}
	EXPECT_EQ(recv(self->p.kfd, out, 301, MSG_WAITALL), 301);
	EXPECT_EQ(memcmp(in, out, 301), 0);
}

TEST_F(peer, rx_bad_tag_ebadmsg_sticky)
{
	static uint8_t in[100], rec[REC_BUF], out[200];
	ssize_t n;

	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, 50, 0);
	n = ref_seal(&self->p.rx, REF_TYPE_DATA, in + 50, 50, 0, rec);
	ASSERT_GT(n, 0);
	rec[n - 1] ^= 0x01;
	send_all(_metadata, self->p.pfd, rec, n);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), 50);
	EXPECT_EQ(memcmp(out, in, 50), 0);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/* A record sealed for a later seq (one skipped) must not authenticate. */
TEST_F(peer, rx_wrong_seq_ebadmsg)
{
	uint8_t in[64], out[128];

	rnd(in, sizeof(in));
	self->p.rx.seq++;
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, sizeof(in), 0);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/* TlsDecryptError moved as it should since it was DEC. */
static int decrypt_errors_ok(long dec, int auth)
{
	long now = stat_value("TlsDecryptError");

	if (!auth)
		return now == dec;
	if (!access("/sys/module/ktls", F_OK))
		return now == dec + 1;
	return now > dec;
}

/*
 * The outer type byte of a record sealed as data is changed to handshake:
 * EBADMSG in both versions, sticky, TlsDecryptError moves. TLS 1.2 puts the
 * type in the AAD; TLS 1.3 authenticates the header as received (RFC 8446
 * 5.2). Debian's in-tree module authenticates a TLS 1.3 record with type 23
 * whatever arrived and reads it: listed in its known failures (issue 16).
 */
TEST_F(peer, rx_outer_type_changed)
{
	static uint8_t a[40], in[64], rec[REC_BUF], out[128];
	long dec = stat_value("TlsDecryptError");
	int type;
	ssize_t n;

	rnd(a, sizeof(a));
	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, a, sizeof(a), 0);
	n = ref_seal(&self->p.rx, REF_TYPE_DATA, in, sizeof(in), 0, rec);
	ASSERT_GT(n, 0);
	rec[0] = REF_TYPE_HS;
	send_all(_metadata, self->p.pfd, rec, n);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type),
		  sizeof(a));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(out, a, sizeof(a)), 0);
	n = recv_type(self->p.kfd, out, sizeof(out), 0, &type);
	EXPECT_EQ(n, -1) {
		TH_LOG("record with outer type 22 read: %zd bytes of type %d",
		       n, type);
	}
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_TRUE(decrypt_errors_ok(dec, 1));
}

/*
 * One header byte of a record XORed with a mask, on a connection of its
 * own, after a valid record that must still read whole. What ktls answers:
 *
 *   type (byte 0)     EBADMSG by authentication: the type is in the AAD
 *                     (TLS 1.2: seq || type || version || length; TLS 1.3:
 *                     the header as received, RFC 8446 5.2)
 *   version (1, 2)    EINVAL from the header check, before decryption (as
 *                     upstream: core/record.h)
 *   length (3, 4)     EMSGSIZE from the header check above the largest
 *                     record; EBADMSG from the header check below explicit
 *                     nonce + tag; else EBADMSG by authentication: the
 *                     record is framed shorter or longer (random bytes
 *                     after it complete a longer one), so the tag is read
 *                     from elsewhere (TLS 1.2: and the AAD length differs)
 *
 * An authentication failure moves TlsDecryptError and is sticky (EBADMSG
 * again); a header error is reported once (then EAGAIN) and moves nothing.
 * ktls counts a bad record once; Debian's in-tree module decrypts it again
 * on every read and counts each attempt.
 */
enum flip_class { FLIP_AUTH, FLIP_HDR_EBADMSG, FLIP_EMSGSIZE, FLIP_EINVAL,
		  FLIP_CLASSES };

static enum flip_class flip_class(const struct ref_dir *d, const uint8_t *hdr,
				  int byte)
{
	size_t len = (size_t)hdr[3] << 8 | hdr[4];

	if (byte == 1 || byte == 2)
		return FLIP_EINVAL;
	if (len > max_rec_len(d))
		return FLIP_EMSGSIZE;
	if (len < REF_TAG + (ref_is_12_explicit(d) ? 8u : 0u))
		return FLIP_HDR_EBADMSG;
	return FLIP_AUTH;
}

static const int flip_errno[FLIP_CLASSES] = {
	EBADMSG, EBADMSG, EMSGSIZE, EINVAL,
};

static enum flip_class rx_flip(struct __test_metadata *_metadata,
			       const FIXTURE_VARIANT(peer) *variant,
			       size_t pt_len, int byte, uint8_t mask)
{
	static uint8_t a[50], in[REF_MAX_PT], rec[REC_BUF], out[256];
	static uint8_t filler[REC_BUF];
	long dec = stat_value("TlsDecryptError");
	enum flip_class k;
	struct peer q;
	ssize_t n;
	int e;

	conn_setup(_metadata, &q, variant->version, variant->cipher,
		   variant->ipv6);
	rnd(a, sizeof(a));
	rnd(in, pt_len);
	ref_send(_metadata, &q, REF_TYPE_DATA, a, sizeof(a), 0);
	n = ref_seal(&q.rx, REF_TYPE_DATA, in, pt_len, 0, rec);
	ASSERT_GT(n, 0);
	rec[byte] ^= mask;
	k = flip_class(&q.rx, rec, byte);
	send_all(_metadata, q.pfd, rec, n);
	rnd(filler, max_rec_len(&q.rx) + REF_HDR);
	send_all(_metadata, q.pfd, filler, max_rec_len(&q.rx) + REF_HDR);

	n = recv(q.kfd, out, sizeof(out), 0);
	EXPECT_EQ(n, sizeof(a)) {
		TH_LOG("header byte %d ^ %#x: the record before: %zd (%s)",
		       byte, mask, n, n < 0 ? strerror(errno) : "bytes");
	}
	EXPECT_EQ(memcmp(out, a, sizeof(a)), 0);
	n = recv(q.kfd, out, sizeof(out), 0);
	e = errno;
	EXPECT_EQ(n, -1) {
		TH_LOG("header byte %d ^ %#x: record read, %zd bytes", byte,
		       mask, n);
	}
	EXPECT_EQ(e, flip_errno[k]) {
		TH_LOG("header byte %d ^ %#x: %s, want %s", byte, mask,
		       strerror(e), strerror(flip_errno[k]));
	}
	n = recv(q.kfd, out, sizeof(out), MSG_DONTWAIT);
	e = errno;
	EXPECT_EQ(n, -1);
	EXPECT_EQ(e, k == FLIP_AUTH ? EBADMSG : EAGAIN) {
		TH_LOG("header byte %d ^ %#x: then %s", byte, mask,
		       strerror(e));
	}
	EXPECT_TRUE(decrypt_errors_ok(dec, k == FLIP_AUTH)) {
		TH_LOG("header byte %d ^ %#x: TlsDecryptError %ld, was %ld",
		       byte, mask, stat_value("TlsDecryptError"), dec);
	}
	conn_teardown(&q);
	return k;
}

/* Each bit of the outer type: EBADMSG, in TLS 1.3 too. */
TEST_F(peer, rx_hdr_flip_type)
{
	int bit;

	for (bit = 0; bit < 8; bit++)
		rx_flip(_metadata, variant, 64, 0, 1 << bit);
}

/* Each bit of both legacy_record_version bytes: EINVAL. */
TEST_F(peer, rx_hdr_flip_version)
{
	int byte, bit;

	for (byte = 1; byte <= 2; byte++)
		for (bit = 0; bit < 8; bit++)
			rx_flip(_metadata, variant, 64, byte, 1 << bit);
}

/*
 * Each bit of both length bytes, of a 64 and a 2 byte record: every class
 * above is met (bits 6 and 7 of the high byte: too long; bit 4 of the low
 * byte of the short record: below the minimum).
 */
TEST_F(peer, rx_hdr_flip_length)
{
	static const size_t lens[] = { 64, 2 };
	int seen[FLIP_CLASSES] = { 0 };
	int byte, bit, i;

	for (i = 0; i < 2; i++)
		for (byte = 3; byte <= 4; byte++)
			for (bit = 0; bit < 8; bit++)
				seen[rx_flip(_metadata, variant, lens[i], byte,
					     1 << bit)]++;
	EXPECT_GT(seen[FLIP_AUTH], 0);
	EXPECT_GT(seen[FLIP_HDR_EBADMSG], 0);
	EXPECT_GT(seen[FLIP_EMSGSIZE], 0);
	TH_LOG("32 length flips: %d EBADMSG by authentication, %d EBADMSG and %d EMSGSIZE by the header check",
	       seen[FLIP_AUTH], seen[FLIP_HDR_EBADMSG], seen[FLIP_EMSGSIZE]);
}

TEST_F(peer, rx_bad_version_einval)
{
	static uint8_t in[64], rec[REC_BUF], out[128];
	ssize_t n;

	rnd(in, sizeof(in));
	n = ref_seal(&self->p.rx, REF_TYPE_DATA, in, sizeof(in), 0, rec);
	ASSERT_GT(n, 0);
	rec[2] = 1;	/* 0x0301 */
	send_all(_metadata, self->p.pfd, rec, n);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EINVAL);
}

/* One byte over the largest record length the version allows. */
TEST_F(peer, rx_oversized_emsgsize)
{
	static uint8_t rec[REC_BUF + 16], out[128];
	size_t len = max_rec_len(&self->p.rx) + 1;

	rnd(rec, sizeof(rec));
	rec[0] = REF_TYPE_DATA;
	rec[1] = 3;
	rec[2] = 3;
	rec[3] = len >> 8;
	rec[4] = len;
	send_all(_metadata, self->p.pfd, rec, REF_HDR + len);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EMSGSIZE);
}

/* ----------------------------------------------------- TLS 1.3 only */

static void rx13_padded(struct __test_metadata *_metadata, struct peer *p,
			size_t len, size_t pad)
{
	static uint8_t in[REF_MAX_PT], out[REF_MAX_PT + 1];
	uint8_t tail = 0x42;

	rnd(in, len);
	ref_send(_metadata, p, REF_TYPE_DATA, in, len, pad);
	/* a plain record after it shows the padded one ended where it should */
	ref_send(_metadata, p, REF_TYPE_DATA, &tail, 1, 0);
	EXPECT_EQ(recv(p->kfd, out, len + 1, MSG_WAITALL), len + 1);
	EXPECT_EQ(memcmp(in, out, len), 0);
	EXPECT_EQ(out[len], tail);
}

TEST_F(peer13, rx_pad_one)
{
	rx13_padded(_metadata, &self->p, 100, 1);
}

TEST_F(peer13, rx_one_byte_pad_1000)
{
	rx13_padded(_metadata, &self->p, 1, 1000);
}

TEST_F(peer13, rx_empty_pad_10)
{
	rx13_padded(_metadata, &self->p, 0, 10);
}

/* TLSInnerPlaintext at the kernel's limit: 2^14 + 1 bytes, type included. */
TEST_F(peer13, rx_pad_to_max)
{
	rx13_padded(_metadata, &self->p, 16000, 384);
}

/*
 * RFC 8446 lets the inner plaintext reach 2^14 + 256 bytes; upstream kTLS
 * caps the record at 2^14 bytes of payload + type + tag: EMSGSIZE above.
 */
TEST_F(peer13, rx_pad_past_max_emsgsize)
{
	static uint8_t in[REF_MAX_PT], out[64];

	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, REF_MAX_PT, 1);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EMSGSIZE);
}

/* Inner plaintext of zeros only: no content type (RFC 8446 5.4). */
TEST_F(peer13, rx_no_inner_type_ebadmsg)
{
	uint8_t zero[16] = { 0 }, out[64];

	ref_send(_metadata, &self->p, 0, zero, sizeof(zero), 5);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/* Padded control record: the inner type is found behind the zeros. */
TEST_F(peer13, rx_padded_alert)
{
	uint8_t alert[2] = { 2, 20 }, out[64];
	int type;

	ref_send(_metadata, &self->p, REF_TYPE_ALERT, alert, 2, 77);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 2);
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(out, alert, 2), 0);
}

/*
 * TLS_RX_EXPECT_NO_PAD: a data record read into a buffer that holds it is
 * decrypted straight into the reader's pages, the type byte being last.
 * Records that break the promise are decrypted again (TlsDecryptRetry;
 * padding also counts TlsRxNoPadViolation) and read as without it.
 */
static void rx13_no_pad(struct __test_metadata *_metadata, struct peer *p)
{
	int one = 1;

	ASSERT_EQ(setsockopt(p->kfd, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one,
			     sizeof(one)), 0);
}

/* Records of several sizes, each read whole through a split iovec. */
TEST_F(peer13, rx_no_pad_data_iovec)
{
	static uint8_t in[REF_MAX_PT], out[REF_MAX_PT + 7];
	static const size_t lens[] = { REF_MAX_PT, 1, 0, 4097, 1000 };
	long retry = stat_value("TlsDecryptRetry");
	size_t i;

	rx13_no_pad(_metadata, &self->p);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct iovec iov[3] = {
			{ out, 3 }, { out + 3, 4096 },
			{ out + 4099, sizeof(out) - 4099 },
		};
		ssize_t want = lens[i];

		rnd(in, lens[i]);
		ref_send(_metadata, &self->p, REF_TYPE_DATA, in, lens[i], 0);
		if (!lens[i])
			continue;	/* consumed with the next one */
		EXPECT_EQ(readv(self->p.kfd, iov, 3), want);
		EXPECT_EQ(memcmp(in, out, lens[i]), 0);
	}
	EXPECT_EQ(stat_value("TlsDecryptRetry"), retry);
}

/* The same with the zero-copy path: records taken early included. */
TEST_F(peer13, rx_no_pad_window_closed)
{
	long retry = stat_value("TlsDecryptRetry");

	rx13_no_pad(_metadata, &self->p);
	rx_window_closed(_metadata, &self->p);
	EXPECT_EQ(stat_value("TlsDecryptRetry"), retry);
}

/* The buffer holds the record with its padding: decrypted, then retried. */
TEST_F(peer13, rx_no_pad_padded_retried)
{
	static uint8_t in[3000], out[4096];
	long retry = stat_value("TlsDecryptRetry");
	long viol = stat_value("TlsRxNoPadViolation");

	rx13_no_pad(_metadata, &self->p);
	rnd(in, sizeof(in));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, sizeof(in), 20);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, in, 1, 0);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), 1);
	EXPECT_EQ(out[0], in[0]);
	EXPECT_EQ(stat_value("TlsDecryptRetry"), retry + 1);
	EXPECT_EQ(stat_value("TlsRxNoPadViolation"), viol + 1);
}

TEST_F(peer13, rx_no_pad_alert_retried)
{
	uint8_t alert[2] = { 1, 0 }, out[64];
	long retry = stat_value("TlsDecryptRetry");
	long viol = stat_value("TlsRxNoPadViolation");
	int type;

	rx13_no_pad(_metadata, &self->p);
	ref_send(_metadata, &self->p, REF_TYPE_ALERT, alert, 2, 0);
	EXPECT_EQ(recv_type(self->p.kfd, out, sizeof(out), 0, &type), 2);
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(out, alert, 2), 0);
	EXPECT_EQ(stat_value("TlsDecryptRetry"), retry + 1);
	EXPECT_EQ(stat_value("TlsRxNoPadViolation"), viol);
}

TEST_F(peer13, rx_no_pad_bad_tag_ebadmsg)
{
	static uint8_t in[3000], rec[REC_BUF], out[4000];
	ssize_t n;

	rx13_no_pad(_metadata, &self->p);
	rnd(in, sizeof(in));
	n = ref_seal(&self->p.rx, REF_TYPE_DATA, in, sizeof(in), 0, rec);
	ASSERT_GT(n, 0);
	rec[n - 1] ^= 0x01;
	send_all(_metadata, self->p.pfd, rec, n);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/* The kernel sends no padding; its inner type byte is last. */
TEST_F(peer13, tx_inner_type_no_padding)
{
	static uint8_t rec[REC_BUF], pt[REC_BUF];
	uint8_t in[33], type;
	size_t rl, pad;

	rnd(in, sizeof(in));
	in[sizeof(in) - 1] = 0;	/* trailing zero data is not padding */
	EXPECT_EQ(send(self->p.kfd, in, sizeof(in), 0), sizeof(in));
	rl = read_record(_metadata, self->p.pfd, rec);
	EXPECT_EQ(rl, REF_HDR + sizeof(in) + 1 + REF_TAG);
	EXPECT_EQ(ref_open(&self->p.tx, rec, rl, &type, &pad, pt), sizeof(in));
	EXPECT_EQ(pad, 0);
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(in, pt, sizeof(in)), 0);
}

/* ------------------------------------- TLS 1.2 with explicit nonce */

/* The kernel's explicit nonce: crypto_info.iv, plus one per record. */
TEST_F(peer12, tx_explicit_nonce_from_iv)
{
	uint8_t in[20], out[REC_BUF], type;
	uint64_t first = ref_get_be64(self->p.tx.iv);
	int i;

	rnd(in, sizeof(in));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(send(self->p.kfd, in, sizeof(in), 0), sizeof(in));
		EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), sizeof(in));
		EXPECT_EQ(self->p.tx.last_explicit, first + i);
	}
}

/* The receiver takes the explicit nonce from each record, whatever it is. */
TEST_F(peer12, rx_random_explicit_nonces)
{
	uint8_t in[90], out[90];
	int i;

	rnd(in, sizeof(in));
	for (i = 0; i < 3; i++) {
		rnd(&self->p.rx.explicit_nonce, 8);
		ref_send(_metadata, &self->p, REF_TYPE_DATA, in + 30 * i, 30, 0);
	}
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(out)), 0);
}

TEST_F(peer12, rx_explicit_nonce_changed_ebadmsg)
{
	static uint8_t in[64], rec[REC_BUF], out[128];
	ssize_t n;

	rnd(in, sizeof(in));
	n = ref_seal(&self->p.rx, REF_TYPE_DATA, in, sizeof(in), 0, rec);
	ASSERT_GT(n, 0);
	rec[REF_HDR + 7] ^= 0x80;
	send_all(_metadata, self->p.pfd, rec, n);
	EXPECT_EQ(recv(self->p.kfd, out, sizeof(out), 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/* ------------------------------------------ the reference on its own */

/* Our block-cipher GCM/CCM (used for SM4) against OpenSSL's AES AEADs. */
static void ref_cross_check(struct __test_metadata *_metadata,
			    enum ref_aead mine, enum ref_aead ossl,
			    const char *evp)
{
	struct ref_cipher a = { 0, 16, 4, 8, mine, "AES-128-ECB" };
	struct ref_cipher b = { 0, 16, 4, 8, ossl, evp };
	uint8_t key[16], nonce[12], aad[64], pt[600], c1[600], c2[600];
	uint8_t t1[16], t2[16];
	size_t len, alen;
	int i;

	for (i = 0; i < 300; i++) {
		len = i < 40 ? i : (size_t)(i * 7) % sizeof(pt);
		alen = (i % 3 == 0) ? 13 : (i % 3 == 1) ? 5 : (size_t)i % 64;
		rnd(key, 16);
		rnd(nonce, 12);
		rnd(aad, alen);
		rnd(pt, len);
		ASSERT_EQ(ref_aead(&a, key, nonce, aad, alen, pt, len, c1, t1, 1), 0);
		ASSERT_EQ(ref_aead(&b, key, nonce, aad, alen, pt, len, c2, t2, 1), 0);
		ASSERT_EQ(memcmp(c1, c2, len), 0);
		ASSERT_EQ(memcmp(t1, t2, 16), 0) {
			TH_LOG("tag differs: len %zu aad %zu", len, alen);
		}
		ASSERT_EQ(ref_aead(&a, key, nonce, aad, alen, c1, len, c2, t1, 0), 0);
		ASSERT_EQ(memcmp(c2, pt, len), 0);
		ASSERT_EQ(ref_aead(&b, key, nonce, aad, alen, c1, len, c2, t1, 0), 0);
		t1[i % 16] ^= 1;
		ASSERT_EQ(ref_aead(&a, key, nonce, aad, alen, c1, len, c2, t1, 0), -1);
		ASSERT_EQ(ref_aead(&b, key, nonce, aad, alen, c1, len, c2, t1, 0), -1);
	}
}

TEST(ref_gcm_matches_openssl_aes_gcm)
{
	ref_cross_check(_metadata, REF_ECB_GCM, REF_EVP_GCM, "AES-128-GCM");
}

TEST(ref_ccm_matches_openssl_aes_ccm)
{
	ref_cross_check(_metadata, REF_ECB_CCM, REF_EVP_CCM, "AES-128-CCM");
}

static void unhex(uint8_t *out, const char *s)
{
	unsigned int v;

	for (; *s; s += 2) {
		sscanf(s, "%2x", &v);
		*out++ = v;
	}
}

/* RFC 8998 Appendix A.1 (SM4-GCM) and A.2 (SM4-CCM) examples. */
TEST(ref_sm4_rfc8998_vectors)
{
	uint8_t key[16], nonce[12], aad[20], pt[64], ct[64], tag[16];
	uint8_t out[64], t[16];
	const struct ref_cipher *gcm = cipher_by_type(TLS_CIPHER_SM4_GCM);
	const struct ref_cipher *ccm = cipher_by_type(TLS_CIPHER_SM4_CCM);

	unhex(key, "0123456789ABCDEFFEDCBA9876543210");
	unhex(nonce, "00001234567800000000ABCD");
	unhex(aad, "FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
	unhex(pt, "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
		  "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");

	unhex(ct, "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
		  "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D");
	unhex(tag, "83DE3541E4C2B58177E065A9BF7B62EC");
	ASSERT_EQ(ref_aead(gcm, key, nonce, aad, 20, pt, 64, out, t, 1), 0);
	EXPECT_EQ(memcmp(out, ct, 64), 0);
	EXPECT_EQ(memcmp(t, tag, 16), 0);

	unhex(ct, "48AF93501FA62ADBCD414CCE6034D895DDA1BF8F132F042098661572E7483094"
		  "FD12E518CE062C98ACEE28D95DF4416BED31A2F04476C18BB40C84A74B97DC5B");
	unhex(tag, "16842D4FA186F56AB33256971FA110F4");
	ASSERT_EQ(ref_aead(ccm, key, nonce, aad, 20, pt, 64, out, t, 1), 0);
	EXPECT_EQ(memcmp(out, ct, 64), 0);
	EXPECT_EQ(memcmp(t, tag, 16), 0);
}

/* ------------------------------ TLS 1.3 KeyUpdate with the reference */

/* key_update message, update_not_requested (RFC 8446 4.6.3) */
static const uint8_t key_update_msg[] = { 0x18, 0, 0, 1, 0 };

/* A fresh key for D and its crypto_info in CI, record numbers from 0. */
static size_t next_key(struct ref_dir *d, uint8_t *ci)
{
	size_t len = dir_init(d, d->version, d->c, ci);

	memset(ci + len - 8, 0, 8);
	d->seq = 0;
	return len;
}

PEER_FIXTURE(peer_rekey)
V(peer_rekey, 13_aes_gcm, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer_rekey, 13_aes_gcm_256, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_256, 0);
V(peer_rekey, 13_aes_ccm, TLS_1_3_VERSION, TLS_CIPHER_AES_CCM_128, 0);
V(peer_rekey, 13_chacha, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);
V(peer_rekey, 13_sm4_gcm, TLS_1_3_VERSION, TLS_CIPHER_SM4_GCM, 0);

/*
 * The reference sends data, a KeyUpdate and data under its next key: the
 * kernel delivers the first data and the KeyUpdate, then refuses to go on
 * (EKEYEXPIRED for recv, peek and splice; poll not readable) until the
 * next RX key is set, then delivers the rest.
 */
TEST_F(peer_rekey, rx_key_update_midstream)
{
	uint8_t a[3000], b[5000], buf[8192], ci[64];
	long received = stat_value("TlsRxRekeyReceived");
	long ok = stat_value("TlsRxRekeyOk");
	struct pollfd pfd = { .fd = self->p.kfd, .events = POLLIN };
	size_t cil;
	int type, pip[2];

	rnd(a, sizeof(a));
	rnd(b, sizeof(b));
	ref_send(_metadata, &self->p, REF_TYPE_DATA, a, sizeof(a), 0);
	ref_send(_metadata, &self->p, REF_TYPE_HS, key_update_msg,
		 sizeof(key_update_msg), 0);
	cil = next_key(&self->p.rx, ci);
	ref_send(_metadata, &self->p, REF_TYPE_DATA, b, sizeof(b), 0);

	EXPECT_EQ(recv_type(self->p.kfd, buf, sizeof(buf), MSG_WAITALL, &type),
		  sizeof(a));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(buf, a, sizeof(a)), 0);
	EXPECT_EQ(recv_type(self->p.kfd, buf, sizeof(buf), 0, &type),
		  sizeof(key_update_msg));
	EXPECT_EQ(type, REF_TYPE_HS);

	EXPECT_EQ(recv(self->p.kfd, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	EXPECT_EQ(recv(self->p.kfd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	EXPECT_EQ(poll(&pfd, 1, 100), 0);
	ASSERT_EQ(pipe(pip), 0);
	EXPECT_EQ(splice(self->p.kfd, NULL, pip[1], NULL, sizeof(buf),
			 SPLICE_F_NONBLOCK), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	close(pip[0]);
	close(pip[1]);

	ASSERT_EQ(setsockopt(self->p.kfd, SOL_TLS, TLS_RX, ci, cil), 0);
	explicit_bzero(ci, sizeof(ci));
	EXPECT_EQ(poll(&pfd, 1, 5000), 1);
	EXPECT_EQ(recv(self->p.kfd, buf, sizeof(buf), MSG_WAITALL), sizeof(b));
	EXPECT_EQ(memcmp(buf, b, sizeof(b)), 0);
	if (received >= 0) {
		EXPECT_EQ(stat_value("TlsRxRekeyReceived"), received + 1);
		EXPECT_EQ(stat_value("TlsRxRekeyOk"), ok + 1);
	}
}

/*
 * The kernel sends data, a KeyUpdate (cmsg) and switches TX keys: the
 * reference opens the first part with the old key and the rest with the
 * new one. Pending MSG_MORE data after the KeyUpdate goes out under the
 * new key.
 */
TEST_F(peer_rekey, tx_key_update_midstream)
{
	uint8_t a[2000], b[20000], out[REC_BUF], ci[64];
	struct ref_dir next = self->p.tx;
	size_t cil, off = 0;
	uint8_t type;
	ssize_t n;

	rnd(a, sizeof(a));
	rnd(b, sizeof(b));
	EXPECT_EQ(send(self->p.kfd, a, sizeof(a), 0), sizeof(a));
	EXPECT_EQ(send_type(self->p.kfd, REF_TYPE_HS, key_update_msg,
			    sizeof(key_update_msg)), sizeof(key_update_msg));
	EXPECT_EQ(send(self->p.kfd, b, 100, MSG_MORE), 100);
	cil = next_key(&next, ci);
	ASSERT_EQ(setsockopt(self->p.kfd, SOL_TLS, TLS_TX, ci, cil), 0);
	explicit_bzero(ci, sizeof(ci));
	EXPECT_EQ(send(self->p.kfd, b + 100, sizeof(b) - 100, 0),
		  sizeof(b) - 100);

	n = ref_recv(_metadata, &self->p, &type, out);
	EXPECT_EQ(n, sizeof(a));
	EXPECT_EQ(memcmp(out, a, sizeof(a)), 0);
	n = ref_recv(_metadata, &self->p, &type, out);
	EXPECT_EQ(type, REF_TYPE_HS);
	EXPECT_EQ(n, sizeof(key_update_msg));
	self->p.tx = next;
	while (off < sizeof(b)) {
		n = ref_recv(_metadata, &self->p, &type, out);
		ASSERT_GT(n, 0);
		EXPECT_EQ(type, REF_TYPE_DATA);
		EXPECT_EQ(memcmp(out, b + off, n), 0);
		off += n;
	}
}

/*
 * Under load: a child streams 1 MiB in records, a KeyUpdate, and 1 MiB
 * under the next key while the kernel side reads; every byte is checked.
 */
TEST_F(peer_rekey, rx_key_update_under_load)
{
	static uint8_t data[2 << 20], buf[65536];
	size_t cil, off = 0, half = sizeof(data) / 2;
	struct ref_dir next;
	uint8_t ci[64];
	int type, status;
	ssize_t n;
	pid_t pid;

	rnd(data, sizeof(data));
	next = self->p.rx;
	cil = next_key(&next, ci);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t o;

		for (o = 0; o < half; o += 10000)
			ref_send(_metadata, &self->p, REF_TYPE_DATA, data + o,
				 half - o < 10000 ? half - o : 10000, 0);
		ref_send(_metadata, &self->p, REF_TYPE_HS, key_update_msg,
			 sizeof(key_update_msg), 0);
		self->p.rx = next;
		for (o = half; o < sizeof(data); o += 10000)
			ref_send(_metadata, &self->p, REF_TYPE_DATA, data + o,
				 sizeof(data) - o < 10000 ?
				 sizeof(data) - o : 10000, 0);
		_exit(0);
	}
	while (off < half) {
		n = recv(self->p.kfd, buf, sizeof(buf), 0);
		ASSERT_GT(n, 0);
		ASSERT_EQ(memcmp(buf, data + off, n), 0);
		off += n;
	}
	EXPECT_EQ(recv_type(self->p.kfd, buf, sizeof(buf), 0, &type),
		  sizeof(key_update_msg));
	EXPECT_EQ(type, REF_TYPE_HS);
	EXPECT_EQ(recv(self->p.kfd, buf, sizeof(buf), 0), -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	ASSERT_EQ(setsockopt(self->p.kfd, SOL_TLS, TLS_RX, ci, cil), 0);
	while (off < sizeof(data)) {
		n = recv(self->p.kfd, buf, sizeof(buf), 0);
		ASSERT_GT(n, 0);
		ASSERT_EQ(memcmp(buf, data + off, n), 0);
		off += n;
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
}

/*
 * Under load, TX: a child reads with the reference while the kernel
 * sendfile()s 1 MiB, sends a KeyUpdate, switches keys and sendfile()s
 * another 1 MiB; the child switches keys at the KeyUpdate.
 */
TEST_F(peer_rekey, tx_key_update_during_sendfile)
{
	static uint8_t data[2 << 20], out[REC_BUF];
	size_t cil, half = sizeof(data) / 2;
	struct ref_dir next = self->p.tx;
	uint8_t ci[64];
	int fd, status;
	off_t fo = 0;
	pid_t pid;

	rnd(data, sizeof(data));
	cil = next_key(&next, ci);
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, data, sizeof(data)), sizeof(data));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		size_t off = 0;
		uint8_t type;
		ssize_t n;

		while (off < sizeof(data)) {
			n = ref_recv(_metadata, &self->p, &type, out);
			if (n < 0)
				_exit(2);
			if (type == REF_TYPE_HS) {
				if (off != half || n != sizeof(key_update_msg))
					_exit(3);
				self->p.tx = next;
				continue;
			}
			if (memcmp(out, data + off, n))
				_exit(4);
			off += n;
		}
		_exit(0);
	}
	EXPECT_EQ(sendfile(self->p.kfd, fd, &fo, half), half);
	EXPECT_EQ(send_type(self->p.kfd, REF_TYPE_HS, key_update_msg,
			    sizeof(key_update_msg)), sizeof(key_update_msg));
	ASSERT_EQ(setsockopt(self->p.kfd, SOL_TLS, TLS_TX, ci, cil), 0);
	EXPECT_EQ(sendfile(self->p.kfd, fd, &fo, half), half);
	close(fd);
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(WEXITSTATUS(status), 0);
}

/* --------------------------------- TLS_TX_MAX_PAYLOAD_LEN (RFC 8449) */

#ifndef TLS_TX_MAX_PAYLOAD_LEN
#define TLS_TX_MAX_PAYLOAD_LEN 5
#endif

PEER_FIXTURE(peer_maxlen)
V(peer_maxlen, 12_aes_gcm, TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer_maxlen, 13_aes_gcm, TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128, 0);
V(peer_maxlen, 12_chacha, TLS_1_2_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);
V(peer_maxlen, 13_chacha, TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305, 0);

static int set_max(int fd, uint16_t v)
{
	return setsockopt(fd, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, sizeof(v));
}

/* Read records until LEN payload bytes arrived; each at most MAX. */
static void rx_limited(struct __test_metadata *_metadata, struct peer *p,
		       const uint8_t *in, size_t len, size_t max)
{
	static uint8_t out[REC_BUF];
	size_t off = 0;
	uint8_t type;
	ssize_t n;

	while (off < len) {
		n = ref_recv(_metadata, p, &type, out);
		ASSERT_GT(n, 0);
		ASSERT_LE(n, max);
		EXPECT_EQ(type, REF_TYPE_DATA);
		ASSERT_EQ(memcmp(out, in + off, n), 0);
		off += n;
	}
}

TEST_F(peer_maxlen, get_default_and_set)
{
	uint16_t v = 0;
	socklen_t l = sizeof(v);

	EXPECT_EQ(getsockopt(self->p.kfd, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, &l), 0);
	EXPECT_EQ(v, REF_MAX_PT);
	EXPECT_EQ(l, sizeof(v));
	EXPECT_EQ(set_max(self->p.kfd, 128), 0);
	EXPECT_EQ(getsockopt(self->p.kfd, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, &l), 0);
	EXPECT_EQ(v, 128);
}

TEST_F(peer_maxlen, range)
{
	uint16_t min = variant->version == TLS_1_3_VERSION ? 63 : 64;

	EXPECT_EQ(set_max(self->p.kfd, min - 1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(set_max(self->p.kfd, REF_MAX_PT + 1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(set_max(self->p.kfd, min), 0);
	EXPECT_EQ(set_max(self->p.kfd, REF_MAX_PT), 0);
}

TEST_F(peer_maxlen, send_is_split)
{
	uint8_t in[5000];

	rnd(in, sizeof(in));
	ASSERT_EQ(set_max(self->p.kfd, 128), 0);
	EXPECT_EQ(send(self->p.kfd, in, sizeof(in), 0), sizeof(in));
	rx_limited(_metadata, &self->p, in, sizeof(in), 128);
}

/*
 * A non-blocking send or sendfile that the send buffer cuts short: what
 * it reports sent arrives with no further call from the sender. Records
 * handed to TCP while more of the call followed are pushed when the call
 * returns: none may sit unsent in TCP's queue, with nothing in flight to
 * bring an ACK that would send them. Small records, so that TCP's own
 * pushes (a full segment, half a window) don't hide a missing one.
 */
TEST_F(peer_maxlen, nonblocking_short_send_arrives)
{
	static uint8_t in[64 * 16384];
	struct pollfd pfd = { .fd = self->p.kfd, .events = POLLOUT };
	int sndbuf = 4096, fd, round;
	ssize_t sent;
	off_t fo;

	rnd(in, sizeof(in));
	ASSERT_EQ(set_max(self->p.kfd, 1024), 0);
	ASSERT_EQ(setsockopt(self->p.kfd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
			     sizeof(sndbuf)), 0);
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, in, sizeof(in)), sizeof(in));
	ASSERT_EQ(fcntl(self->p.kfd, F_SETFL, O_NONBLOCK), 0);
	for (round = 0; round < 2; round++) {
		/* the last ACKs may still be on their way */
		ASSERT_EQ(poll(&pfd, 1, 10000), 1);
		if (round == 0) {
			sent = send(self->p.kfd, in, sizeof(in), 0);
		} else {
			fo = 0;
			sent = sendfile(self->p.kfd, fd, &fo, sizeof(in));
		}
		ASSERT_GT(sent, 0) {
			TH_LOG("%s: %s", round ? "sendfile" : "send",
			       strerror(errno));
		}
		EXPECT_LT(sent, sizeof(in));
		/* the plain end's 10 s receive timeout catches a stall */
		rx_limited(_metadata, &self->p, in, sent, 1024);
	}
	close(fd);
}

TEST_F(peer_maxlen, msg_more_fills_to_limit)
{
	static uint8_t out[REC_BUF];
	uint8_t in[300], type;

	rnd(in, sizeof(in));
	ASSERT_EQ(set_max(self->p.kfd, 200), 0);
	EXPECT_EQ(send(self->p.kfd, in, 150, MSG_MORE), 150);
	EXPECT_EQ(set_max(self->p.kfd, 100), -1);
	EXPECT_EQ(errno, EBUSY);
	EXPECT_EQ(send(self->p.kfd, in + 150, 150, 0), 150);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 200);
	EXPECT_EQ(memcmp(out, in, 200), 0);
	EXPECT_EQ(ref_recv(_metadata, &self->p, &type, out), 100);
	EXPECT_EQ(memcmp(out, in + 200, 100), 0);
}

TEST_F(peer_maxlen, sendfile_is_split)
{
	static uint8_t in[40000];
	off_t fo = 0;
	int fd;

	rnd(in, sizeof(in));
	ASSERT_EQ(set_max(self->p.kfd, 1000), 0);
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write(fd, in, sizeof(in)), sizeof(in));
	EXPECT_EQ(sendfile(self->p.kfd, fd, &fo, sizeof(in)), sizeof(in));
	close(fd);
	rx_limited(_metadata, &self->p, in, sizeof(in), 1000);
}

TEST_HARNESS_MAIN
