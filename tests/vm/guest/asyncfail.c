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
 *     order, with several records in flight (TlsTxAsyncMaxInFlight).
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
#include <netinet/tcp.h>
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

TEST_HARNESS_MAIN
