// SPDX-License-Identifier: GPL-2.0
/*
 * asyncfail.c - TX records in flight over an asynchronous AEAD, and the
 * one that fails (issue 30).
 *
 * tests/vm/kmod/ktls_flakyaead.c registers a "gcm(aes)" above every other
 * one that completes each request later, from a workqueue, and fails the
 * encryption its fail_after parameter names (at once with fail_sync).
 * The kTLS end sends; the other end is plain TCP and opens the records
 * with the independent reference (peer_ref.h), so what reached the wire
 * is checked record by record:
 *   - one send call of several records, the third failing: the two
 *     before it reach the wire, in order, nothing after them; the call
 *     returns their bytes; the socket is done (EBADMSG);
 *   - the first failing: nothing on the wire, EBADMSG;
 *   - no failure: a long send (more records than may fly at once, the
 *     send buffer full) and non-blocking sends TCP takes part of, all in
 *     order, with several records in flight (TlsTxAsyncMaxInFlight);
 *   - a TLS 1.3 KeyUpdate (TLS_TX set again) whose setkey fails, as a
 *     template's may for lack of memory (ktls_flakyaead's setkey_fail):
 *     ENOMEM, and the old key and sequence go on - once (ktls.ko sets
 *     the old key again in the transform), four times (setting it again
 *     fails three times: a new transform), five times (that one fails
 *     too: the direction has no key, its next record fails with EBADMSG
 *     and nothing reaches the wire); TLS 1.2: EBUSY, no setkey.
 * RX (fixture ar): records the reference sealed, several queued before
 * one recv, decrypted at once (ktls.ko: TLS 1.2, TLS 1.3 with
 * TLS_RX_EXPECT_NO_PAD): exact data and order; a bad tag amid them (the
 * recv returns the records before it, then EBADMSG); the AEAD failing one
 * (-EIO: nothing lost or read twice); an alert amid them (returned alone,
 * with its type); a KeyUpdate amid them (the records under the next key
 * read intact once TLS_RX is set again).
 * The module is unloaded when the program ends (later suites get the
 * kernel's own gcm(aes) again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"
#include "stress_util.h"

#define KMOD	"/lib/modules/ktls_flakyaead.ko"
#define PARAM	"/sys/module/ktls_flakyaead/parameters/"
#define NREC	6
#define LONG	(48 * REF_MAX_PT)

static int param_write(const char *name, const char *val)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), PARAM "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	rc = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return rc;
}

static long param_read(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PARAM "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	if (fd >= 0)
		close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/*
 * Whether the crypto manager is done testing the flaky driver: until then
 * its self-test's requests run through it (counted, and a failure armed
 * meanwhile would fail the self-test, a WARN), and no lookup returns it.
 */
static int kmod_tested(void)
{
	FILE *f = fopen("/proc/crypto", "r");
	char line[256];
	int mine = 0, done = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "driver ", 7))
			mine = !!strstr(line, "ktls-test-flaky-gcm-aes");
		else if (mine && !strncmp(line, "selftest ", 9))
			done = !strstr(line, "unknown");
	}
	if (f)
		fclose(f);
	return done;
}

static int kmod_load(void)
{
	int i;

	if (access(PARAM "fail_after", F_OK) && kmod_load_once(KMOD))
		return -1;
	for (i = 0; i < 100 && !kmod_tested(); i++)
		usleep(50 * 1000);
	return 0;
}

/* Unload when the harness is done: sockets free their transforms late. */
__attribute__((destructor)) static void flaky_unload(void)
{
	if (!access(PARAM "fail_after", F_OK) &&
	    kmod_unload("ktls_flakyaead", 10))
		fprintf(stderr, "# asyncfail: ktls_flakyaead stays loaded: %s\n",
			strerror(errno));
}

FIXTURE(af)
{
	int a, b;		/* a: kTLS TX; b: plain TCP, the reference */
	struct ref_dir rx;	/* a's records, as b opens them */
	uint8_t data[LONG];
	uint8_t rec[REF_HDR + 8 + REF_MAX_PT + 256 + REF_TAG];
	uint8_t pt[REF_MAX_PT + 256 + REF_TAG];
};

FIXTURE_VARIANT(af)
{
	uint16_t version;
	const char *fail_sync;	/* the failing request: "1" at once */
};

FIXTURE_VARIANT_ADD(af, tls12_later)
{
	.version = REF_V12, .fail_sync = "0",
};

FIXTURE_VARIANT_ADD(af, tls12_at_once)
{
	.version = REF_V12, .fail_sync = "1",
};

FIXTURE_VARIANT_ADD(af, tls13_later)
{
	.version = REF_V13, .fail_sync = "0",
};

FIXTURE_VARIANT_ADD(af, tls13_at_once)
{
	.version = REF_V13, .fail_sync = "1",
};

FIXTURE_SETUP(af)
{
	struct srng r = { .s = 0x6173796e63 ^ variant->version };
	long before;
	char ulp[32];

	ASSERT_EQ(kmod_load(), 0) TH_LOG("%s: %s", KMOD, strerror(errno));
	ASSERT_EQ(param_write("fail_after", "-1"), 0);
	ASSERT_EQ(param_write("fail_sync", variant->fail_sync), 0);
	ASSERT_EQ(loopback_pair(AF_INET, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->a, 20), 0);
	ASSERT_EQ(set_timeouts(self->b, 20), 0);
	ulp_name(ulp, sizeof(ulp));
	before = param_read("requests");
	ASSERT_EQ(ktls_attach(self->a, ulp, TLS_TX, &r, &self->rx,
			      variant->version,
			      &guest_ciphers[GC_AES_GCM_128]), 0)
		TH_LOG("TLS_TX: %s", strerror(errno));
	srng_fill(&r, self->data, sizeof(self->data));
	/* the key went to the flaky AEAD: one record goes through it */
	ASSERT_EQ(send(self->a, self->data, 1, 0), 1);
	ASSERT_EQ(param_read("requests"), before + 1)
		TH_LOG("the socket's gcm(aes) is not ktls_flakyaead");
}

FIXTURE_TEARDOWN(af)
{
	param_write("fail_after", "-1");
	param_write("setkey_fail", "0");
	close(self->a);
	close(self->b);
}

/*
 * The next record on b, opened: its plaintext length, or -1 (nothing
 * within the timeout, or a record that does not open).
 */
static ssize_t next_rec(FIXTURE_DATA(af) *self)
{
	size_t len, got = 0;
	uint8_t type;
	size_t pad;

	while (got < REF_HDR) {
		ssize_t n = recv(self->b, self->rec + got, REF_HDR - got, 0);

		if (n <= 0)
			return -1;
		got += n;
	}
	len = REF_HDR + ((size_t)self->rec[3] << 8 | self->rec[4]);
	if (len > sizeof(self->rec))
		return -1;
	while (got < len) {
		ssize_t n = recv(self->b, self->rec + got, len - got, 0);

		if (n <= 0)
			return -1;
		got += n;
	}
	return ref_open(&self->rx, self->rec, len, &type, &pad, self->pt);
}

/* Read @len plaintext bytes in records from b and compare with @want. */
static int expect_stream(FIXTURE_DATA(af) *self, const uint8_t *want,
			 size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = next_rec(self);

		if (n <= 0 || off + n > len || memcmp(self->pt, want + off, n))
			return -1;
		off += n;
	}
	return 0;
}

/* Whether b gets more bytes within @ms. */
static int more_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

TEST_F(af, third_record_fails)
{
	ssize_t n;

	ASSERT_EQ(expect_stream(self, self->data, 1), 0);
	ASSERT_EQ(param_write("fail_after", "2"), 0);
	n = send(self->a, self->data, NREC * REF_MAX_PT, 0);
	EXPECT_EQ(n, 2 * REF_MAX_PT) TH_LOG("send: %s", strerror(errno));
	/* the two before it, whole and in order, and nothing after them */
	EXPECT_EQ(expect_stream(self, self->data, 2 * REF_MAX_PT), 0);
	EXPECT_FALSE(more_within(self->b, 300));
	/* the socket is done */
	EXPECT_EQ(send(self->a, self->data, 1, 0), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_FALSE(more_within(self->b, 100));
}

TEST_F(af, first_record_fails)
{
	ASSERT_EQ(expect_stream(self, self->data, 1), 0);
	ASSERT_EQ(param_write("fail_after", "0"), 0);
	EXPECT_EQ(send(self->a, self->data, 3 * REF_MAX_PT, 0), -1);
	EXPECT_EQ(errno, EBADMSG);
	EXPECT_FALSE(more_within(self->b, 300));
	EXPECT_EQ(send(self->a, self->data, 1, 0), -1);
	EXPECT_EQ(errno, EBADMSG);
}

/*
 * No failure: LONG bytes in one blocking call (more records than fly at
 * once, and more than the send buffer), then in non-blocking calls TCP
 * takes part of; a child reads and checks the stream meanwhile.
 */
static void long_send(struct __test_metadata *_metadata,
		      FIXTURE_DATA(af) *self, int dontwait)
{
	int small = 8 * REF_MAX_PT, status;
	size_t off = 0;
	long max;
	pid_t pid;

	ASSERT_EQ(expect_stream(self, self->data, 1), 0);
	if (dontwait)
		ASSERT_EQ(setsockopt(self->a, SOL_SOCKET, SO_SNDBUF, &small,
				     sizeof(small)), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		usleep(100 * 1000);	/* let the sender fill the buffer */
		_exit(expect_stream(self, self->data, LONG) ? 1 : 0);
	}
	while (off < LONG) {
		ssize_t n = send(self->a, self->data + off, LONG - off,
				 dontwait ? MSG_DONTWAIT : 0);

		if (n < 0 && dontwait && errno == EAGAIN) {
			struct pollfd p = { .fd = self->a, .events = POLLOUT };

			poll(&p, 1, 1000);
			continue;
		}
		ASSERT_GT(n, 0) TH_LOG("send at %zu: %s", off, strerror(errno));
		off += n;
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the reference read a different stream");
	EXPECT_FALSE(more_within(self->b, 100));
	/* ktls.ko's high-water mark (the in-tree module has none) */
	max = stat_value("TlsTxAsyncMaxInFlight");
	if (max != -1)
		EXPECT_GE(max, 2);
}

TEST_F(af, long_send_in_order)
{
	long_send(_metadata, self, 0);
}

TEST_F(af, dontwait_partial_in_order)
{
	long_send(_metadata, self, 1);
}

/*
 * TLS_TX set again (a TLS 1.3 KeyUpdate) while the flaky AEAD fails its
 * next @fails setkeys with ENOMEM; @unkeyed: the failures leave the
 * direction without a key (see the top of this file).
 */
static void key_update_fails(struct __test_metadata *_metadata,
			     FIXTURE_DATA(af) *self,
			     const FIXTURE_VARIANT(af) *variant, int fails,
			     int unkeyed)
{
	struct srng r = { .s = 0x6b6579 };
	struct ref_dir next = self->rx;
	uint8_t ci[64];
	char v[16];
	size_t len;
	int rc, e;

	ASSERT_EQ(expect_stream(self, self->data, 1), 0);
	srng_fill(&r, next.key, next.c->key_len);
	srng_fill(&r, next.iv, next.c->iv_len);
	next.seq = 0;
	len = ref_dir_crypto_info(&next, ci);
	snprintf(v, sizeof(v), "%d", fails);
	ASSERT_EQ(param_write("setkey_fail", v), 0);
	rc = setsockopt(self->a, SOL_TLS, TLS_TX, ci, len);
	e = errno;
	if (variant->version == REF_V12) {
		/* no KeyUpdate in TLS 1.2: refused before any setkey */
		EXPECT_EQ(rc, -1);
		EXPECT_EQ(e, EBUSY);
		EXPECT_EQ(param_read("setkey_fail"), fails);
		unkeyed = 0;
	} else {
		EXPECT_EQ(rc, -1);
		EXPECT_EQ(e, ENOMEM) TH_LOG("TLS_TX again: %s", strerror(e));
		EXPECT_EQ(param_read("setkey_fail"), 0)
			TH_LOG("fewer setkeys than planned failures");
	}
	ASSERT_EQ(param_write("setkey_fail", "0"), 0);
	if (unkeyed) {
		EXPECT_EQ(send(self->a, self->data, 100, 0), -1);
		EXPECT_EQ(errno, EBADMSG);
		EXPECT_FALSE(more_within(self->b, 300));
		explicit_bzero(ci, sizeof(ci));
		return;
	}
	/* the old key and sequence go on */
	EXPECT_EQ(send(self->a, self->data, 100, 0), 100)
		TH_LOG("send after the failed KeyUpdate: %s", strerror(errno));
	EXPECT_EQ(expect_stream(self, self->data, 100), 0)
		TH_LOG("the record after the failed KeyUpdate is not the old key's next");
	if (variant->version == REF_V13) {
		/* and the KeyUpdate goes through when tried again */
		EXPECT_EQ(setsockopt(self->a, SOL_TLS, TLS_TX, ci, len), 0)
			TH_LOG("TLS_TX again, no failure: %s", strerror(errno));
		self->rx = next;
		EXPECT_EQ(send(self->a, self->data, 100, 0), 100);
		EXPECT_EQ(expect_stream(self, self->data, 100), 0)
			TH_LOG("the record after the KeyUpdate is not the new key's first");
	}
	explicit_bzero(ci, sizeof(ci));
	explicit_bzero(&next, sizeof(next));
}

TEST_F(af, key_update_setkey_fails)
{
	key_update_fails(_metadata, self, variant, 1, 0);
}

TEST_F(af, key_update_setkey_fails_4)
{
	key_update_fails(_metadata, self, variant, 4, 0);
}

TEST_F(af, key_update_setkey_fails_5)
{
	key_update_fails(_metadata, self, variant, 5, 1);
}

/* ------------------------------------------------------------ RX side */

/*
 * RX records in flight (issue 30 part 2): the kTLS end a receives, b is
 * plain TCP and sends records the reference sealed, several queued in TCP
 * before one large recv. ktls.ko decrypts them at once
 * (TlsRxAsyncRecords): into the reader's pages (TLS 1.2, TLS 1.3 with
 * TLS_RX_EXPECT_NO_PAD), or into record buffers (TLS 1.3 without it, and
 * MSG_PEEK and splice for every variant).
 */
#define RREC	8		/* records queued before a recv */
#define RMAX	4000		/* their largest content */
#define RBUF	(RREC * (RMAX + 64))

FIXTURE(ar)
{
	int a, b;		/* a: kTLS RX; b: plain TCP, the reference */
	struct ref_dir tx;	/* b's records, as the reference seals them */
	uint8_t data[RREC * RMAX];
	uint8_t wire[RBUF];
	uint8_t buf[RBUF];
	size_t wlen;		/* bytes in @wire */
	size_t plen;		/* content bytes sealed into @wire */
};

FIXTURE_VARIANT(ar)
{
	uint16_t version;
	int no_pad;		/* TLS_RX_EXPECT_NO_PAD */
	int batch;		/* ktls.ko decrypts several at once */
	const char *fail_sync;
};

FIXTURE_VARIANT_ADD(ar, tls12_later)
{
	.version = REF_V12, .batch = 1, .fail_sync = "0",
};

FIXTURE_VARIANT_ADD(ar, tls12_at_once)
{
	.version = REF_V12, .batch = 1, .fail_sync = "1",
};

FIXTURE_VARIANT_ADD(ar, tls13_later)
{
	/*
	 * ktls.ko batches here too (record buffers), but the recv tests
	 * assert only the one-record answers, which the in-tree module
	 * gives as well; peek_ and splice_batch_in_order count the batch
	 */
	.version = REF_V13, .fail_sync = "0",
};

FIXTURE_VARIANT_ADD(ar, tls13_no_pad_later)
{
	.version = REF_V13, .no_pad = 1, .batch = 1, .fail_sync = "0",
};

FIXTURE_VARIANT_ADD(ar, tls13_no_pad_at_once)
{
	.version = REF_V13, .no_pad = 1, .batch = 1, .fail_sync = "1",
};

/* Seal @len bytes of @type from @pt as one record onto @wire. */
static void rx_seal(struct __test_metadata *_metadata, FIXTURE_DATA(ar) *self,
		    uint8_t type, const void *pt, size_t len)
{
	ssize_t n;

	ASSERT_LE(self->wlen + len + 64, sizeof(self->wire));
	n = ref_seal(&self->tx, type, pt, len, 0, self->wire + self->wlen);
	ASSERT_GT(n, 0);
	self->wlen += n;
}

/* Seal @n data records of the stream's next bytes, sizes varying. */
static void rx_seal_data(struct __test_metadata *_metadata,
			 FIXTURE_DATA(ar) *self, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		size_t len = 1000 + (i * 777 + self->plen) % (RMAX - 999);

		ASSERT_LE(self->plen + len, sizeof(self->data));
		rx_seal(_metadata, self, REF_TYPE_DATA,
			self->data + self->plen, len);
		self->plen += len;
	}
}

/* Send @wire in one write and wait until a has all of it queued. */
static void rx_flush(struct __test_metadata *_metadata,
		     FIXTURE_DATA(ar) *self)
{
	int i, inq = 0;

	ASSERT_EQ(send(self->b, self->wire, self->wlen, 0),
		  (ssize_t)self->wlen);
	for (i = 0; i < 200; i++) {
		if (!ioctl(self->a, SIOCINQ, &inq) &&
		    inq >= (int)self->wlen)
			break;
		usleep(10 * 1000);
	}
	self->wlen = 0;
}

FIXTURE_SETUP(ar)
{
	struct srng r = { .s = 0x72786173 ^ variant->version };
	struct ref_dir rx;
	int one = 1, type;
	long before;
	char ulp[32];

	ASSERT_EQ(kmod_load(), 0) TH_LOG("%s: %s", KMOD, strerror(errno));
	ASSERT_EQ(param_write("fail_after", "-1"), 0);
	ASSERT_EQ(param_write("dec_fail_after", "-1"), 0)
		TH_LOG("ktls_flakyaead without dec_fail_after");
	ASSERT_EQ(param_write("dec_fail_err", "5"), 0);
	ASSERT_EQ(param_write("fail_sync", variant->fail_sync), 0);
	ASSERT_EQ(loopback_pair(AF_INET, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->a, 20), 0);
	ASSERT_EQ(set_timeouts(self->b, 20), 0);
	ulp_name(ulp, sizeof(ulp));
	before = param_read("requests");
	ASSERT_EQ(ktls_attach(self->a, ulp, TLS_RX, &r, &rx, variant->version,
			      &guest_ciphers[GC_AES_GCM_128]), 0)
		TH_LOG("TLS_RX: %s", strerror(errno));
	self->tx = rx;
	if (variant->no_pad)
		ASSERT_EQ(setsockopt(self->a, SOL_TLS, TLS_RX_EXPECT_NO_PAD,
				     &one, sizeof(one)), 0);
	srng_fill(&r, self->data, sizeof(self->data));
	self->wlen = 0;
	self->plen = 0;
	/* the key went to the flaky AEAD: one record goes through it */
	rx_seal(_metadata, self, REF_TYPE_DATA, "x", 1);
	rx_flush(_metadata, self);
	ASSERT_EQ(recv_type(self->a, self->buf, sizeof(self->buf), 0, &type),
		  1);
	ASSERT_EQ(param_read("requests"), before + 1)
		TH_LOG("the socket's gcm(aes) is not ktls_flakyaead");
}

FIXTURE_TEARDOWN(ar)
{
	param_write("dec_fail_after", "-1");
	close(self->a);
	close(self->b);
}

/* Counter @name now, or -1 (the in-tree module has none of ours). */
static long rx_async_seen(long before)
{
	long now = stat_value("TlsRxAsyncRecords");

	return now == -1 || before == -1 ? -1 : now - before;
}

/*
 * Read from a until @want bytes or an error; the bytes read so far in
 * @got. Return: 0, or the errno that ended it.
 */
static int rx_read(FIXTURE_DATA(ar) *self, size_t want, size_t *got)
{
	int type;

	*got = 0;
	while (*got < want) {
		ssize_t n = recv_type(self->a, self->buf + *got,
				      sizeof(self->buf) - *got, 0, &type);

		if (n < 0)
			return errno;
		if (!n || type != REF_TYPE_DATA)
			return -1;
		*got += n;
	}
	return 0;
}

TEST_F(ar, batch_in_order)
{
	long before = stat_value("TlsRxAsyncRecords");
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, RREC);
	rx_flush(_metadata, self);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)self->plen) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(self->buf, self->data, self->plen), 0);
	/*
	 * the first record of a socket is waited for: records fly once its
	 * AEAD was seen completing later (ktls_crypto_later())
	 */
	if (variant->batch && rx_async_seen(before) != -1) {
		EXPECT_GE(rx_async_seen(before), RREC - 1);
		EXPECT_GE(stat_value("TlsRxAsyncMaxInFlight"), 2);
	}
	/* and the stream goes on */
	rx_seal_data(_metadata, self, 3);
	rx_flush(_metadata, self);
	before = self->plen - (size_t)n;
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, before);
	EXPECT_EQ(memcmp(self->buf, self->data + self->plen - before, before),
		  0);
}

/*
 * The record-buffer path: MSG_PEEK, then splice_read, see the queued
 * records at once, in order; then recv reads them (peek) as they were.
 */
TEST_F(ar, peek_batch_in_order)
{
	long before = stat_value("TlsRxAsyncRecords");
	size_t got = 0;
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, RREC);
	rx_flush(_metadata, self);
	while (got < self->plen) {
		n = recv_type(self->a, self->buf + got, self->plen - got,
			      MSG_PEEK, &type);
		ASSERT_GT(n, (ssize_t)got) TH_LOG("peek: %s", strerror(errno));
		EXPECT_EQ(type, REF_TYPE_DATA);
		got = n;	/* a peek starts again at the first byte */
	}
	EXPECT_EQ(memcmp(self->buf, self->data, self->plen), 0);
	if (rx_async_seen(before) != -1)
		EXPECT_GE(rx_async_seen(before), RREC - 1);
	memset(self->buf, 0, self->plen);
	ASSERT_EQ(rx_read(self, self->plen, &got), 0);
	EXPECT_EQ(memcmp(self->buf, self->data, self->plen), 0);
}

TEST_F(ar, splice_batch_in_order)
{
	long before = stat_value("TlsRxAsyncRecords");
	size_t got = 0;
	int p[2];
	ssize_t n;

	ASSERT_EQ(pipe(p), 0);
	ASSERT_GE(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), (int)RBUF);
	rx_seal_data(_metadata, self, RREC);
	rx_flush(_metadata, self);
	while (got < self->plen) {
		n = splice(self->a, NULL, p[1], NULL, self->plen - got, 0);
		ASSERT_GT(n, 0) TH_LOG("splice: %s", strerror(errno));
		ASSERT_EQ(read(p[0], self->buf + got, n), n);
		got += n;
	}
	EXPECT_EQ(memcmp(self->buf, self->data, self->plen), 0);
	if (rx_async_seen(before) != -1)
		EXPECT_GE(rx_async_seen(before), RREC - 1);
	close(p[0]);
	close(p[1]);
}

/*
 * The fourth record's tag is broken: the recv returns exactly the three
 * before it, the next one EBADMSG, once TlsDecryptError.
 */
TEST_F(ar, bad_tag_mid_batch)
{
	long before = stat_value("TlsRxAsyncRecords");
	long errs = stat_value("TlsDecryptError");
	size_t good;
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, 3);
	good = self->plen;
	rx_seal_data(_metadata, self, 1);
	self->wire[self->wlen - 1] ^= 0x40;
	rx_seal_data(_metadata, self, RREC - 4);
	rx_flush(_metadata, self);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)good) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(memcmp(self->buf, self->data, good), 0);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EBADMSG);
	if (errs != -1)
		EXPECT_EQ(stat_value("TlsDecryptError"), errs + 1);
	if (variant->batch && rx_async_seen(before) != -1)
		EXPECT_GE(rx_async_seen(before), 4);
}

/* The same, the first record of the batch: EBADMSG, nothing read. */
TEST_F(ar, bad_tag_first)
{
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, 1);
	self->wire[self->wlen - 1] ^= 0x40;
	rx_seal_data(_metadata, self, RREC - 1);
	rx_flush(_metadata, self);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EBADMSG);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EBADMSG);
}

/*
 * The AEAD itself fails the third decryption (-EIO, not a bad tag): what
 * is read is an exact prefix of the stream, nothing lost before it or
 * read twice; records in flight are read whole, the failed one again.
 */
TEST_F(ar, driver_error_mid_batch)
{
	long before = stat_value("TlsRxAsyncRecords");
	size_t got;
	int err;

	rx_seal_data(_metadata, self, RREC);
	ASSERT_EQ(param_write("dec_fail_after", "2"), 0);
	rx_flush(_metadata, self);
	err = rx_read(self, self->plen, &got);
	EXPECT_EQ(memcmp(self->buf, self->data, got), 0);
	EXPECT_EQ(param_read("dec_fail_after"), -1)
		TH_LOG("no decryption failed");
	if (variant->batch) {
		EXPECT_EQ(err, 0) TH_LOG("recv: %s", strerror(err));
		EXPECT_EQ(got, self->plen);
		if (rx_async_seen(before) != -1)
			EXPECT_GE(rx_async_seen(before), 3);
	} else {
		/* one record at a time: the socket fails there, as upstream */
		EXPECT_TRUE(got == self->plen || err == EBADMSG)
			TH_LOG("got %zu of %zu: %s", got, self->plen,
			       strerror(err));
	}
}

/*
 * A control record (an alert) amid data records: the first recv returns
 * the data before it, the next the alert alone with its type, the next
 * the data after it.
 */
TEST_F(ar, control_mid_batch)
{
	static const uint8_t alert[2] = { 1, 0 };
	size_t first;
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, 3);
	first = self->plen;
	rx_seal(_metadata, self, REF_TYPE_ALERT, alert, sizeof(alert));
	rx_seal_data(_metadata, self, 3);
	rx_flush(_metadata, self);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)first) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(self->buf, self->data, first), 0);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)sizeof(alert)) TH_LOG("recv: %s",
						    strerror(errno));
	EXPECT_EQ(type, REF_TYPE_ALERT);
	EXPECT_EQ(memcmp(self->buf, alert, sizeof(alert)), 0);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)(self->plen - first));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(self->buf, self->data + first, self->plen - first),
		  0);
}

/*
 * TLS 1.3 KeyUpdate amid data records, the ones after it under the next
 * key: the data before it, the KeyUpdate, EKEYEXPIRED until TLS_RX is
 * set again, then the data after it, intact (records opened in flight
 * with the old key were not taken). TLS 1.2: the same handshake record
 * is returned alone and the data after it follows, same key.
 */
TEST_F(ar, key_update_mid_batch)
{
	static const uint8_t ku[] = { 0x18, 0, 0, 1, 0 };
	struct srng r = { .s = 0x6b7570 };
	uint8_t ci[64];
	size_t first, len;
	int type;
	ssize_t n;

	rx_seal_data(_metadata, self, 3);
	first = self->plen;
	rx_seal(_metadata, self, REF_TYPE_HS, ku, sizeof(ku));
	if (variant->version == REF_V12) {
		/* no KeyUpdate in 1.2: a handshake record like any other */
		rx_seal_data(_metadata, self, 3);
		rx_flush(_metadata, self);
		n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
		ASSERT_EQ(n, (ssize_t)first);
		n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
		ASSERT_EQ(n, (ssize_t)sizeof(ku));
		EXPECT_EQ(type, REF_TYPE_HS);
		n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
		ASSERT_EQ(n, (ssize_t)(self->plen - first));
		EXPECT_EQ(memcmp(self->buf, self->data + first,
				 self->plen - first), 0);
		return;
	}
	srng_fill(&r, self->tx.key, self->tx.c->key_len);
	srng_fill(&r, self->tx.iv, self->tx.c->iv_len);
	self->tx.seq = 0;
	len = ref_dir_crypto_info(&self->tx, ci);	/* before it seals */
	rx_seal_data(_metadata, self, 3);
	rx_flush(_metadata, self);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)first) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(memcmp(self->buf, self->data, first), 0);
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)sizeof(ku)) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(type, REF_TYPE_HS);
	n = recv_type(self->a, self->buf, sizeof(self->buf), MSG_DONTWAIT,
		      &type);
	EXPECT_EQ(n, -1);
	EXPECT_EQ(errno, EKEYEXPIRED);
	n = setsockopt(self->a, SOL_TLS, TLS_RX, ci, len);
	explicit_bzero(ci, sizeof(ci));
	ASSERT_EQ(n, 0) TH_LOG("TLS_RX again: %s", strerror(errno));
	n = recv_type(self->a, self->buf, sizeof(self->buf), 0, &type);
	ASSERT_EQ(n, (ssize_t)(self->plen - first))
		TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(type, REF_TYPE_DATA);
	EXPECT_EQ(memcmp(self->buf, self->data + first, self->plen - first),
		  0);
}

TEST_HARNESS_MAIN
