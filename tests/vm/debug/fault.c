// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - kTLS over loopback while failslab and fail_page_alloc make the
 * kernel's allocations fail (debug kernel only: needs CONFIG_FAILSLAB,
 * CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS).
 *
 * Only the threads under test are hit (task-filter plus their own
 * /proc/thread-self/make-it-fail); allocations that may sleep are hit too
 * (ignore-gfp-wait off), user pages are not (ignore-gfp-highmem, and the
 * program locks its memory before any fault is injected).
 *
 *   keys     TCP_ULP, TLS_TX and TLS_RX set under faults: each call returns
 *            0 or ENOMEM and is retried; then data flows both ways.
 *   tx       the sending thread is hit: send() returns a count, or an
 *            error that is retried (ENOMEM, ENOBUFS, EAGAIN, EINTR) or
 *            ends the connection (EBADMSG, EPIPE, ECONNRESET, EIO).
 *   rx       the receiving thread is hit, the same errors for recv().
 *   both     both threads are hit.
 *   stall    every context is hit (task-filter off), atomic allocations of
 *            order 3 and up only, while a reader sleeps on a record larger
 *            than its receive window: the RX buffer the data_ready hook
 *            takes in softirq fails, the window stays closed, and the
 *            reader must still get the record (issue 32).
 *   order0   every allocation of order 3 and up fails, in every context,
 *            sleeping or not, for the whole test: records of 1 B to
 *            16 KiB (TLS 1.2, 1.3 padded, 1.3 with TLS_RX_EXPECT_NO_PAD)
 *            read with recv, MSG_PEEK, splice and read_sock must all
 *            arrive intact, no read stalling: the record buffer falls
 *            back to order-0 pages (module/recbuf.c, issue 32).
 *   rekey    TLS 1.3 KeyUpdates, the thread that sets TLS_TX (then
 *            TLS_RX) again hit: a KeyUpdate that fails (ENOMEM) leaves
 *            the old key in use, so the record sent next is read with
 *            the old key; one that succeeds, with the new one; a failed
 *            TLS_RX one is tried again until it is done. ktls keys its
 *            transform again on a KeyUpdate, and gcm's template (SM4-GCM
 *            here) allocates in its setkey.
 *   closing  no fault: a delay (module/testhook.h, the debug kernel's
 *            ktls.ko only) widens the window in which a softirq
 *            write_space has decided to queue the TX work and not yet
 *            queued it, while the writer closes on the other CPU. Close
 *            must stop that work before the context goes: a work queued
 *            after it runs on freed memory (KASAN, issue 32).
 *
 * The receiver checks every byte against the sender's seeded stream: no
 * byte may be wrong, duplicated or invented. When the sender finished
 * without a connection-ending error, every byte it was told was sent must
 * arrive. Faults injected are read from the "times" counters; the kernel
 * log between "ktls-fault: injection on/off" holds the allocation-failure
 * reports (tests/vm/runner/init.sh ignores those, nothing else).
 *
 * Env: KTLS_FAULT_SECONDS per test (default 3), KTLS_FAULT_PROBABILITY
 * (percent, default 5), KTLS_FAULT_SEED (default fixed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"
#include "tests/vm/kmod/ktls_readsock.h"

#ifndef TLS_RX_EXPECT_NO_PAD
#define TLS_RX_EXPECT_NO_PAD	4
#endif

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

#define DBG "/sys/kernel/debug/"
#define TIMES_START 100000000L
#define CHUNK_MAX 65536

static const char *const fault_dirs[] = { DBG "failslab", DBG "fail_page_alloc" };

/* ------------------------------------------------------- seeded stream */

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Byte at offset off of the stream of seed s: the same on both ends. */
static inline uint8_t stream_byte(uint64_t s, uint64_t off)
{
	return mix64(s + (off >> 3) * 0x9e3779b97f4a7c15ULL) >> ((off & 7) * 8);
}

static void stream_fill(uint64_t s, uint64_t off, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = stream_byte(s, off + i);
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------- fault injection */

static int write_file(const char *path, const char *val)
{
	int fd = -1, ret = -1, tries;

	/*
	 * The open and the write may meet an injected fault (turning the
	 * faults off included): try again.
	 */
	for (tries = 0; tries < 1000 && ret < 0; tries++) {
		if (fd < 0)
			fd = open(path, O_WRONLY);
		if (fd >= 0)
			ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static int fault_attr(const char *dir, const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return write_file(path, val);
}

/* Configure both injectors; returns 0 or -1 (not a debug kernel). */
static int faults_configure(unsigned long prob)
{
	char p[32], t[32];
	unsigned int i;

	snprintf(p, sizeof(p), "%lu", prob);
	snprintf(t, sizeof(t), "%ld", TIMES_START);
	for (i = 0; i < 2; i++) {
		if (fault_attr(fault_dirs[i], "task-filter", "Y") ||
		    fault_attr(fault_dirs[i], "probability", p) ||
		    fault_attr(fault_dirs[i], "interval", "1") ||
		    fault_attr(fault_dirs[i], "times", t) ||
		    fault_attr(fault_dirs[i], "space", "0") ||
		    fault_attr(fault_dirs[i], "verbose", "0") ||
		    fault_attr(fault_dirs[i], "ignore-gfp-wait", "N"))
			return -1;
	}
	return fault_attr(fault_dirs[1], "ignore-gfp-highmem", "Y");
}

/* Faults injected since faults_configure(), per injector. */
static long faults_injected(int i)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/times", fault_dirs[i]);
	return TIMES_START - read_long(path);
}

static void kmsg(const char *s)
{
	write_file("/dev/kmsg", s);
}

/* The calling thread (only) meets injected faults from now on. */
static void faults_self(int on)
{
	write_file("/proc/thread-self/make-it-fail", on ? "1" : "0");
}

/*
 * faults_self() between the kernel-log markers the runner reads: the
 * allocation-failure reports of the calling thread's faults fall inside.
 */
static void faults_self_marked(int on)
{
	if (on)
		kmsg("ktls-fault: injection on");
	faults_self(on);
	if (!on)
		kmsg("ktls-fault: injection off");
}

/* ------------------------------------------------------------ sockets */

struct cipher {
	const char *name;
	uint16_t version, type;
	size_t len;
};

/* A loopback pair; its accepted end gets a receive buffer of @rcvbuf (0: TCP's). */
static int tcp_pair_rcvbuf(int fd[2], int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || (rcvbuf &&
		      setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf))) ||
	    bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &alen))
		return -1;
	fd[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (fd[0] < 0 || connect(fd[0], (void *)&a, sizeof(a)))
		return -1;
	fd[1] = accept(l, NULL, NULL);
	close(l);
	return fd[1] < 0 ? -1 : 0;
}

static int tcp_pair(int fd[2])
{
	return tcp_pair_rcvbuf(fd, 0);
}

/* crypto_info of cipher c with key material from seed s. */
static void crypto_info(const struct cipher *c, uint64_t s, uint8_t *buf)
{
	struct tls_crypto_info *ci = (void *)buf;

	stream_fill(s, 0, buf, c->len);
	ci->version = c->version;
	ci->cipher_type = c->type;
}

static int setsockopt_retry(int fd, int level, int opt, const void *v,
			    socklen_t len, long *enomem)
{
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		if (!setsockopt(fd, level, opt, v, len))
			return 0;
		/*
		 * The crypto API reports a transform it failed to build for
		 * lack of memory as ENOENT (no such algorithm), for the
		 * in-tree module too: with faults on, that is ENOMEM.
		 */
		if (errno != ENOMEM && errno != ENOENT)
			return -errno;
		(*enomem)++;
	}
	return -ENOMEM;
}

/* ULP, TX and RX on fd, keys for direction d from seed s. */
static int ktls_setup(int fd, const struct cipher *c, uint64_t s, int tx_dir,
		      long *enomem)
{
	uint8_t ci[64];
	int ret;

	ret = setsockopt_retry(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls"), enomem);
	if (ret)
		return ret;
	crypto_info(c, s + tx_dir, ci);
	ret = setsockopt_retry(fd, SOL_TLS, TLS_TX, ci, c->len, enomem);
	if (ret)
		return ret;
	crypto_info(c, s + !tx_dir, ci);
	ret = setsockopt_retry(fd, SOL_TLS, TLS_RX, ci, c->len, enomem);
	memset(ci, 0, sizeof(ci));
	return ret;
}

/*
 * After a wrong byte at stream offset off: which stream offset do the
 * received bytes p[0..n) come from (shift = that - off)? 0 = not found
 * within 1 MiB either way.
 */
static long long find_shift(uint64_t seed, uint64_t off, const uint8_t *p,
			    size_t n)
{
	long long d;
	size_t i;

	n = n < 32 ? n : 32;
	for (d = -(1 << 20); d <= (1 << 20); d++) {
		if (d == 0 || (long long)off + d < 0)
			continue;
		for (i = 0; i < n; i++)
			if (p[i] != stream_byte(seed, off + d + i))
				break;
		if (i == n)
			return d;
	}
	return 0;
}

/* ----------------------------------------------------------- transfer */

struct dir {
	int fd;			/* sender's fd (tx) or receiver's (rx) */
	int faulty;		/* this thread meets injected faults */
	uint64_t seed;
	double until;
	uint64_t bytes;		/* sent (reported by send) or received */
	long retried, aborted, eof;
	int bad_errno;		/* unexpected errno, 0 = none */
	int64_t corrupt_at;	/* first wrong byte, -1 = none */
	long long shift;	/* where the wrong bytes come from, see below */
	uint8_t got[4];		/* received bytes at corrupt_at */
	uint8_t want[4];	/* stream bytes at corrupt_at */
	uint8_t buf[CHUNK_MAX];
};

static int retryable(int e)
{
	return e == ENOMEM || e == ENOBUFS || e == EAGAIN || e == EINTR;
}

static int ends_connection(int e)
{
	return e == EBADMSG || e == EPIPE || e == ECONNRESET || e == EIO;
}

static void *sender(void *arg)
{
	struct dir *d = arg;
	uint64_t r = d->seed ^ 0x5eed;
	size_t n;
	ssize_t got;

	if (d->faulty)
		faults_self(1);
	while (now() < d->until) {
		r = mix64(r);
		n = 1 + r % (r & 1 ? 512 : CHUNK_MAX);
		stream_fill(d->seed, d->bytes, d->buf, n);
		got = send(d->fd, d->buf, n, MSG_NOSIGNAL);
		if (got > 0) {
			d->bytes += got;
		} else if (got < 0 && retryable(errno)) {
			d->retried++;
		} else if (got < 0 && ends_connection(errno)) {
			d->aborted++;
			break;
		} else {
			d->bad_errno = got < 0 ? errno : -1;
			break;
		}
	}
	if (d->faulty)
		faults_self(0);
	shutdown(d->fd, SHUT_WR);
	return NULL;
}

static void *receiver(void *arg)
{
	struct dir *d = arg;
	ssize_t got, i;

	if (d->faulty)
		faults_self(1);
	for (;;) {
		got = recv(d->fd, d->buf, sizeof(d->buf), 0);
		if (got > 0) {
			for (i = 0; i < got && d->corrupt_at < 0; i++)
				if (d->buf[i] != stream_byte(d->seed, d->bytes + i))
					d->corrupt_at = d->bytes + i;
			if (d->corrupt_at >= 0) {
				i = d->corrupt_at - d->bytes;
				memcpy(d->got, d->buf + i, got - i < 4 ? got - i : 4);
				stream_fill(d->seed, d->corrupt_at, d->want, 4);
				d->shift = find_shift(d->seed, d->corrupt_at,
						      d->buf + i, got - i);
			}
			d->bytes += got;
			if (d->corrupt_at >= 0)
				break;
		} else if (got == 0) {
			d->eof = 1;
			break;
		} else if (retryable(errno)) {
			d->retried++;
			if (errno == EAGAIN && now() > d->until + 30) {
				d->bad_errno = ETIMEDOUT;
				break;
			}
		} else if (ends_connection(errno)) {
			d->aborted++;
			break;
		} else {
			d->bad_errno = errno;
			break;
		}
	}
	if (d->faulty)
		faults_self(0);
	return NULL;
}

/* ------------------------------------------------------------ harness */

FIXTURE(fault)
{
	int fd[2];
	uint64_t seed;
	double secs;
};

FIXTURE_VARIANT(fault)
{
	struct cipher c;
};

#define CIPHER(v, t, s) { .name = #t, .version = v, .type = t, .len = sizeof(s) }

FIXTURE_VARIANT_ADD(fault, 12_aes_gcm)
{
	.c = CIPHER(TLS_1_2_VERSION, TLS_CIPHER_AES_GCM_128,
		    struct tls12_crypto_info_aes_gcm_128),
};

FIXTURE_VARIANT_ADD(fault, 13_aes_gcm)
{
	.c = CIPHER(TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
		    struct tls12_crypto_info_aes_gcm_128),
};

FIXTURE_VARIANT_ADD(fault, 13_chacha)
{
	.c = CIPHER(TLS_1_3_VERSION, TLS_CIPHER_CHACHA20_POLY1305,
		    struct tls12_crypto_info_chacha20_poly1305),
};

FIXTURE_VARIANT_ADD(fault, 12_aes_ccm)
{
	.c = CIPHER(TLS_1_2_VERSION, TLS_CIPHER_AES_CCM_128,
		    struct tls12_crypto_info_aes_ccm_128),
};

/*
 * What the fault and rekey fixtures set up first: no SIGPIPE, memory
 * locked, the injectors configured, a loopback pair in @fd.
 */
static void faults_pair_setup(struct __test_metadata *_metadata, int fd[2])
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	ASSERT_EQ(faults_configure(env_ul("KTLS_FAULT_PROBABILITY", 5)), 0)
		TH_LOG("no fault injection in debugfs: not a debug kernel?");
	ASSERT_EQ(tcp_pair(fd), 0);
}

FIXTURE_SETUP(fault)
{
	self->seed = env_ul("KTLS_FAULT_SEED", 0x6b746c73) ^
		     (uint64_t)variant->c.type << 32 ^ variant->c.version;
	self->secs = env_ul("KTLS_FAULT_SECONDS", 3);
	faults_pair_setup(_metadata, self->fd);
}

FIXTURE_TEARDOWN(fault)
{
	close(self->fd[0]);
	close(self->fd[1]);
}

/* tx/rx: faults on the sender, the receiver or both, data 0 -> 1. */
static void transfer(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, int tx_faulty, int rx_faulty,
		     uint64_t seed)
{
	struct timeval snd = { .tv_sec = 5 }, rcv = { .tv_sec = 10 };
	static struct dir tx, rx;
	pthread_t t[2];
	long slab, page;

	ASSERT_EQ(setsockopt(self->fd[0], SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)), 0);
	ASSERT_EQ(setsockopt(self->fd[1], SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)), 0);

	memset(&tx, 0, sizeof(tx));
	memset(&rx, 0, sizeof(rx));
	tx.fd = self->fd[0];
	rx.fd = self->fd[1];
	tx.faulty = tx_faulty;
	rx.faulty = rx_faulty;
	tx.seed = rx.seed = seed;
	tx.until = rx.until = now() + self->secs;
	rx.corrupt_at = -1;
	kmsg("ktls-fault: injection on");
	ASSERT_EQ(pthread_create(&t[1], NULL, receiver, &rx), 0);
	ASSERT_EQ(pthread_create(&t[0], NULL, sender, &tx), 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	kmsg("ktls-fault: injection off");
	slab = faults_injected(0);
	page = faults_injected(1);
	printf("# faults injected: failslab %ld, fail_page_alloc %ld; sent %llu B (%ld retried, %ld ended), received %llu B (%ld retried, %ld ended, eof %ld)\n",
	       slab, page, (unsigned long long)tx.bytes, tx.retried, tx.aborted,
	       (unsigned long long)rx.bytes, rx.retried, rx.aborted, rx.eof);
	EXPECT_EQ(tx.bad_errno, 0) TH_LOG("send: %s", strerror(tx.bad_errno));
	EXPECT_EQ(rx.bad_errno, 0) TH_LOG("recv: %s", strerror(rx.bad_errno));
	EXPECT_EQ(rx.corrupt_at, -1)
		TH_LOG("byte %lld differs: got %02x%02x%02x%02x, want %02x%02x%02x%02x; the data there is the stream's at offset %+lld (0: not within 1 MiB)",
		       (long long)rx.corrupt_at, rx.got[0], rx.got[1], rx.got[2],
		       rx.got[3], rx.want[0], rx.want[1], rx.want[2], rx.want[3],
		       rx.shift);
	EXPECT_LE(rx.bytes, tx.bytes);
	if (!tx.aborted && !rx.aborted) {
		EXPECT_EQ(rx.bytes, tx.bytes);
		EXPECT_EQ(rx.eof, 1);
	}
	if (tx_faulty || rx_faulty)
		EXPECT_GT(slab + page, 0) TH_LOG("no fault was injected");
}

static void setup_ktls(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self,
		       const FIXTURE_VARIANT(fault) *variant, int faulty)
{
	long enomem = 0;

	if (faulty)
		faults_self_marked(1);
	ASSERT_EQ(ktls_setup(self->fd[0], &variant->c, self->seed, 0, &enomem), 0);
	ASSERT_EQ(ktls_setup(self->fd[1], &variant->c, self->seed, 1, &enomem), 0);
	if (faulty) {
		faults_self_marked(0);
		printf("# setup: %ld ENOMEM retried, faults injected: failslab %ld, fail_page_alloc %ld\n",
		       enomem, faults_injected(0), faults_injected(1));
	}
}

TEST_F_TIMEOUT(fault, keys, 120)
{
	setup_ktls(_metadata, self, variant, 1);
	/* the sockets work: no faults now, every byte arrives */
	self->secs = 1;
	transfer(_metadata, self, 0, 0, self->seed);
}

TEST_F_TIMEOUT(fault, tx, 120)
{
	setup_ktls(_metadata, self, variant, 0);
	transfer(_metadata, self, 1, 0, self->seed);
}

TEST_F_TIMEOUT(fault, rx, 120)
{
	setup_ktls(_metadata, self, variant, 0);
	transfer(_metadata, self, 0, 1, self->seed);
}

TEST_F_TIMEOUT(fault, both, 120)
{
	setup_ktls(_metadata, self, variant, 0);
	transfer(_metadata, self, 1, 1, self->seed);
}

/* ------------------------------------------------------------- rekey */

FIXTURE(rekey)
{
	int fd[2];
};

FIXTURE_VARIANT(rekey)
{
	struct cipher c;
};

FIXTURE_VARIANT_ADD(rekey, 13_aes_gcm)
{
	.c = CIPHER(TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
		    struct tls12_crypto_info_aes_gcm_128),
};

FIXTURE_VARIANT_ADD(rekey, 13_sm4_gcm)
{
	.c = CIPHER(TLS_1_3_VERSION, TLS_CIPHER_SM4_GCM,
		    struct tls12_crypto_info_sm4_gcm),
};

FIXTURE_SETUP(rekey)
{
	long enomem = 0;

	faults_pair_setup(_metadata, self->fd);
	ASSERT_EQ(ktls_setup(self->fd[0], &variant->c, 1, 0, &enomem), 0);
	ASSERT_EQ(ktls_setup(self->fd[1], &variant->c, 1, 1, &enomem), 0);
}

FIXTURE_TEARDOWN(rekey)
{
	close(self->fd[0]);
	close(self->fd[1]);
}

/* setsockopt(@opt) with the calling thread hit: 0 or the errno */
static int setsockopt_hit(int fd, int opt, const void *v, socklen_t len)
{
	int ret, e;

	faults_self_marked(1);
	ret = setsockopt(fd, SOL_TLS, opt, v, len);
	e = errno;
	faults_self_marked(0);
	return ret ? e : 0;
}

TEST_F_TIMEOUT(rekey, old_key_stays_on_failure, 120)
{
	unsigned long rounds = env_ul("KTLS_REKEY_ROUNDS", 300), r;
	long tx_ok = 0, tx_fail = 0, rx_fail = 0;
	uint8_t ci[64], msg[64], got[64];
	int err;

	for (r = 0; r < rounds; r++) {
		crypto_info(&variant->c, 1000 + r, ci);
		err = setsockopt_hit(self->fd[0], TLS_TX, ci, variant->c.len);
		ASSERT_TRUE(!err || err == ENOMEM)
			TH_LOG("round %lu: TLS_TX KeyUpdate: %s", r, strerror(err));
		err ? tx_fail++ : tx_ok++;
		/* the record after it: old key if it failed, else the new */
		stream_fill(r, 0, msg, sizeof(msg));
		ASSERT_EQ(send(self->fd[0], msg, sizeof(msg), 0), (ssize_t)sizeof(msg))
			TH_LOG("round %lu: send after a KeyUpdate that %s: %s", r,
			       err ? "failed" : "was done", strerror(errno));
		while (!err) {
			int e = setsockopt_hit(self->fd[1], TLS_RX, ci,
					       variant->c.len);

			if (!e)
				break;
			ASSERT_EQ(e, ENOMEM)
				TH_LOG("round %lu: TLS_RX KeyUpdate: %s", r, strerror(e));
			rx_fail++;
		}
		ASSERT_EQ(recv(self->fd[1], got, sizeof(got), MSG_WAITALL),
			  (ssize_t)sizeof(got))
			TH_LOG("round %lu: the record after a TLS_TX KeyUpdate that %s: %s",
			       r, err ? "failed" : "was done", strerror(errno));
		ASSERT_EQ(memcmp(got, msg, sizeof(msg)), 0);
	}
	memset(ci, 0, sizeof(ci));
	printf("# %lu rounds: TLS_TX KeyUpdates %ld done, %ld failed (old key kept); TLS_RX ones failed %ld times before done; faults injected: failslab %ld, fail_page_alloc %ld\n",
	       rounds, tx_ok, tx_fail, rx_fail, faults_injected(0),
	       faults_injected(1));
	EXPECT_GT(tx_ok, 0);
}

/* ------------------------------------- a failed allocation in softirq */

/*
 * fail_page_alloc for every context, softirq included (task-filter off),
 * and only for allocations that cannot sleep of order 3 and up: the RX
 * record buffer (16 KiB and its header) the data_ready hook takes when a
 * record is larger than the receive window. failslab stays off.
 */
static int softirq_faults(int on)
{
	const char *d = fault_dirs[1];
	char t[32];

	if (!on)
		return fault_attr(d, "probability", "0") ||
		       fault_attr(d, "task-filter", "Y") ||
		       fault_attr(d, "min-order", "1");
	snprintf(t, sizeof(t), "%ld", TIMES_START);
	return fault_attr(fault_dirs[0], "probability", "0") ||
	       fault_attr(d, "task-filter", "N") ||
	       fault_attr(d, "min-order", "3") ||
	       fault_attr(d, "ignore-gfp-wait", "Y") ||
	       fault_attr(d, "interval", "1") ||
	       fault_attr(d, "space", "0") ||
	       fault_attr(d, "verbose", "0") ||
	       fault_attr(d, "times", t) ||
	       fault_attr(d, "probability", "100");
}

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

#define STALL_REC	16384
#define STALL_HOLDERS	3	/* per CPU */
#define STALL_CPUS	8

struct stall_reader {
	int fd;
	ssize_t got;
	int err;
	double done;
	uint8_t buf[STALL_REC];
};

static void *stall_read(void *arg)
{
	struct stall_reader *r = arg;

	pin_to(1);
	r->got = recv(r->fd, r->buf, sizeof(r->buf), MSG_WAITALL);
	r->err = r->got < 0 ? errno : 0;
	r->done = now();
	return NULL;
}

/*
 * Sockets that each hold a full-size record not read, STALL_HOLDERS on
 * every CPU: they take the record buffers ktls.ko keeps per CPU, so the
 * next record on that CPU needs an allocation (stall and order0 start
 * from there). holders_take() is below stall_pair().
 */
struct holders {
	int fd[STALL_CPUS][STALL_HOLDERS][2];
};

static void holders_init(struct holders *hs)
{
	memset(hs->fd, -1, sizeof(hs->fd));
}

static void holders_close(struct holders *hs)
{
	int c, h, e;

	for (c = 0; c < STALL_CPUS; c++)
		for (h = 0; h < STALL_HOLDERS; h++)
			for (e = 0; e < 2; e++)
				if (hs->fd[c][h][e] >= 0)
					close(hs->fd[c][h][e]);
}

FIXTURE(stall)
{
	int fd[2];
	struct holders holder;
	int ncpu;
	uint8_t rec[STALL_REC];
};

FIXTURE_SETUP(stall)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	self->ncpu = n < 2 ? 1 : n > STALL_CPUS ? STALL_CPUS : n;
	holders_init(&self->holder);
	self->fd[0] = self->fd[1] = -1;
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	ASSERT_EQ(softirq_faults(0), 0)
		TH_LOG("no fault injection in debugfs: not a debug kernel?");
}

FIXTURE_TEARDOWN(stall)
{
	softirq_faults(0);
	holders_close(&self->holder);
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
}

static const struct cipher stall_cipher =
	CIPHER(TLS_1_3_VERSION, TLS_CIPHER_AES_GCM_128,
	       struct tls12_crypto_info_aes_gcm_128);

/* kTLS 0 -> 1 on a pair whose receiver has a window smaller than a record. */
static int stall_pair(int fd[2], uint64_t seed)
{
	long enomem = 0;

	if (tcp_pair_rcvbuf(fd, 4096) ||
	    ktls_setup(fd[0], &stall_cipher, seed, 0, &enomem) ||
	    ktls_setup(fd[1], &stall_cipher, seed, 1, &enomem))
		return -1;
	return 0;
}

/*
 * Every CPU's holders (struct holders) set up, each with record @rec of
 * @len in; ends on CPU 0. Says which step failed.
 */
static int holders_take(struct holders *hs, int ncpu, const uint8_t *rec,
			size_t len)
{
	int c, h;

	for (c = 0; c < ncpu; c++) {
		if (pin_to(c)) {
			printf("# holders: pin to CPU %d failed\n", c);
			return -1;
		}
		for (h = 0; h < STALL_HOLDERS; h++) {
			if (stall_pair(hs->fd[c][h], c * 16 + h) ||
			    send(hs->fd[c][h][0], rec, len, 0) != (ssize_t)len) {
				printf("# holders: pair %d on CPU %d failed: %s\n",
				       h, c, strerror(errno));
				return -1;
			}
		}
	}
	usleep(200000);		/* the holders' records are all in */
	return pin_to(0);
}

/*
 * A reader sleeps on a 16 KiB record that cannot fit its window while no
 * atomic order-3 allocation succeeds. Before, the records' buffers kept
 * per CPU are taken by sockets that hold them (each with a record it is
 * not read), on every CPU, so the hook has to allocate. The reader must
 * get the whole record, intact, once the injection is off (ktls.ko retries
 * from process context; with nothing to retry, no segment comes through
 * the closed window and the reader sleeps until its timeout).
 */
TEST_F_TIMEOUT(stall, reader_wakes_after_failed_alloc, 120)
{
	struct timeval tmo = { .tv_sec = 20 };
	static struct stall_reader rd;
	double off;
	pthread_t th;
	long page;

	stream_fill(7, 0, self->rec, sizeof(self->rec));
	ASSERT_EQ(holders_take(&self->holder, self->ncpu, self->rec,
			       sizeof(self->rec)), 0);
	ASSERT_EQ(stall_pair(self->fd, 99), 0);
	ASSERT_EQ(setsockopt(self->fd[1], SOL_SOCKET, SO_RCVTIMEO, &tmo,
			     sizeof(tmo)), 0);
	memset(&rd, 0, sizeof(rd));
	rd.fd = self->fd[1];
	ASSERT_EQ(pthread_create(&th, NULL, stall_read, &rd), 0);
	usleep(200000);		/* the reader sleeps in recv() */

	kmsg("ktls-fault: injection on");
	ASSERT_EQ(softirq_faults(1), 0);
	ASSERT_EQ(send(self->fd[0], self->rec, sizeof(self->rec), 0),
		  sizeof(self->rec));
	sleep(2);
	ASSERT_EQ(softirq_faults(0), 0);
	off = now();
	kmsg("ktls-fault: injection off");
	page = faults_injected(1);

	pthread_join(th, NULL);
	printf("# fail_page_alloc injected %ld; recv returned %zd (%s) %.2f s after the injection stopped\n",
	       page, rd.got, rd.err ? strerror(rd.err) : "ok",
	       rd.done - off);
	EXPECT_EQ(rd.got, (ssize_t)sizeof(self->rec))
		TH_LOG("the reader never got the record: %s",
		       strerror(rd.err));
	EXPECT_EQ(memcmp(rd.buf, self->rec, sizeof(self->rec)), 0);
	/* without a failed allocation the test proves nothing */
	EXPECT_GT(page, 0) TH_LOG("no allocation failed: the per-CPU buffers were not all taken");
}

/* ------------------------------- no order-3 allocation, for a long time */

/*
 * fail_page_alloc for every allocation of order 3 and up, in every context
 * and whether it may sleep or not (@sleeping), or only the atomic ones.
 */
static int order3_faults(int on, int sleeping)
{
	const char *d = fault_dirs[1];

	if (!on)
		return softirq_faults(0);
	return softirq_faults(1) ||
	       fault_attr(d, "ignore-gfp-wait", sleeping ? "N" : "Y");
}

#define O0_RECS		160	/* records per pair */
#define O0_BUF		65536

struct o0_sender {
	int fd, go;		/* go: a pipe that says when to start */
	struct ref_dir d;
	uint64_t seed;
	uint64_t plain;		/* plaintext bytes sent */
	int err;
	uint8_t pt[REF_MAX_PT];
	uint8_t rec[REF_HDR + 8 + REF_MAX_PT + 1 + REF_TAG];
};

/*
 * Records of 1 B, 4 KiB, 16 KiB and sizes in between; TLS 1.3 ones with
 * padding (none, one byte, up to the limit) and some empty.
 */
static void *o0_send(void *arg)
{
	struct o0_sender *s = arg;
	uint64_t r = s->seed;
	size_t len, pad;
	ssize_t n;
	char c;
	int i;

	/* created before the faults: no thread can be created while they last */
	if (read(s->go, &c, 1) != 1)
		s->err = EPIPE;
	for (i = 0; i < O0_RECS && !s->err; i++) {
		r = mix64(r + i);
		switch (i % 5) {
		case 0: len = 1; break;
		case 1: len = 4096; break;
		case 2: len = REF_MAX_PT; break;
		case 3: len = r % REF_MAX_PT; break;
		default: len = 1 + r % 64; break;
		}
		if (s->d.version == REF_V13 && i % 23 == 7)
			len = 0;
		/* TLSInnerPlaintext: content and padding 2^14 at most */
		pad = 0;
		if (s->d.version == REF_V13 && i % 3)
			pad = i % 3 == 1 ? 1 : (r >> 32) % (REF_MAX_PT - len + 1);
		if (pad > REF_MAX_PT - len)
			pad = REF_MAX_PT - len;
		stream_fill(s->seed, s->plain, s->pt, len);
		n = ref_seal(&s->d, REF_TYPE_DATA, s->pt, len, pad, s->rec);
		if (n < 0 || send(s->fd, s->rec, n, MSG_NOSIGNAL) != n) {
			s->err = n < 0 ? EINVAL : errno;
			break;
		}
		s->plain += len;
	}
	shutdown(s->fd, SHUT_WR);
	return NULL;
}

#define RS_KMOD	"/lib/modules/ktls_readsock.ko"

/* The readsock suite's module (tests/vm/kmod): -1 when it is not staged. */
static int o0_readsock(void)
{
	if (access(KTLS_RS_PROC, F_OK) && kmod_load_once(RS_KMOD))
		return -1;
	return open(KTLS_RS_PROC, O_RDWR);
}

enum { O0_RECV, O0_PEEK, O0_SPLICE, O0_READSOCK, O0_PARTIAL, O0_MODES };
static const char *const o0_mode[O0_MODES] = {
	"recv", "peek+recv", "splice", "read_sock", "partial recv",
};

struct o0_reader {
	int fd, proc, pipe[2];
	uint64_t seed, got;
	long calls[O0_MODES];
	int err;		/* errno of a failed read, 0 */
	const char *what;	/* what failed */
	int64_t bad_at;		/* first wrong byte, -1 = none */
	uint8_t buf[O0_BUF], peek[O0_BUF];
};

/* One read of at most @want bytes in @mode into r->buf: bytes, 0 EOF, -1. */
static ssize_t o0_read(struct o0_reader *r, int mode, size_t want)
{
	struct ktls_rs_req req = { .fd = r->fd, .buf = (uintptr_t)r->buf };
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	ssize_t n, m;

	switch (mode) {
	case O0_PEEK:
		n = recv(r->fd, r->peek, want, MSG_PEEK);
		if (n <= 0)
			return n;
		m = recv(r->fd, r->buf, n, 0);
		if (m != n || memcmp(r->peek, r->buf, n)) {
			r->what = "recv after MSG_PEEK differs";
			errno = EPROTO;
			return -1;
		}
		return n;
	case O0_SPLICE:
		n = splice(r->fd, NULL, r->pipe[1], NULL, want, 0);
		if (n <= 0)
			return n;
		for (m = 0; m < n;) {
			ssize_t k = read(r->pipe[0], r->buf + m, n - m);

			if (k <= 0)
				return -1;
			m += k;
		}
		return n;
	case O0_READSOCK:
		req.cap = want;
		req.per_call = want > 3000 ? 3000 : 0;
		for (;;) {
			if (ioctl(r->proc, KTLS_RS_READ, &req))
				return -1;
			if (req.got)
				return req.got;
			if (req.ret != -EAGAIN) {
				errno = -req.ret;
				return req.ret ? -1 : 0;
			}
			/* nothing whole yet: wait as poll says, 10 s at most */
			if (poll(&p, 1, 10000) != 1) {
				errno = ETIMEDOUT;
				return -1;
			}
		}
	case O0_PARTIAL:
		return recv(r->fd, r->buf, 1 + want % 700, 0);
	default:
		return recv(r->fd, r->buf, want, 0);
	}
}

/* Read to EOF, mode after mode, checking each byte against the stream. */
static void o0_receive(struct o0_reader *r)
{
	uint64_t x = r->seed;
	ssize_t n, i;
	int mode;

	for (;;) {
		x = mix64(x);
		mode = x % O0_MODES;
		if (mode == O0_READSOCK && r->proc < 0)
			mode = O0_RECV;
		n = o0_read(r, mode, 1 + (x >> 20) % O0_BUF);
		if (n == 0)
			return;
		if (n < 0) {
			r->err = errno;
			if (!r->what)
				r->what = o0_mode[mode];
			return;
		}
		r->calls[mode]++;
		for (i = 0; i < n && r->bad_at < 0; i++)
			if (r->buf[i] != stream_byte(r->seed, r->got + i))
				r->bad_at = r->got + i;
		r->got += n;
		if (r->bad_at >= 0)
			return;
	}
}

FIXTURE(order0)
{
	struct holders holder;
	int ncpu, proc;
	uint8_t rec[STALL_REC];
};

FIXTURE_VARIANT(order0)
{
	uint16_t version;
	int no_pad;		/* TLS_RX_EXPECT_NO_PAD */
};

FIXTURE_VARIANT_ADD(order0, tls12)
{
	.version = REF_V12,
};

FIXTURE_VARIANT_ADD(order0, tls13)
{
	.version = REF_V13,
};

FIXTURE_VARIANT_ADD(order0, tls13_no_pad)
{
	.version = REF_V13,
	.no_pad = 1,
};

FIXTURE_SETUP(order0)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	self->ncpu = n < 2 ? 1 : n > STALL_CPUS ? STALL_CPUS : n;
	holders_init(&self->holder);
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	ASSERT_EQ(softirq_faults(0), 0)
		TH_LOG("no fault injection in debugfs: not a debug kernel?");
	self->proc = o0_readsock();
	if (self->proc < 0)
		printf("# %s not staged (suite readsock not run): no read_sock reads\n",
		       RS_KMOD);
}

FIXTURE_TEARDOWN(order0)
{
	order3_faults(0, 0);
	holders_close(&self->holder);
	if (self->proc >= 0)
		close(self->proc);
}

/* Plain TCP sender fd[0] (records sealed here), kTLS RX on fd[1]. */
static int o0_pair(int fd[2], int rcvbuf, struct ref_dir *d, uint16_t version,
		   int no_pad, uint64_t seed)
{
	struct timeval tmo = { .tv_sec = 10 };
	uint8_t ci[64];
	size_t len;
	int one = 1, rc;

	memset(d, 0, sizeof(*d));
	d->version = version;
	d->c = &guest_ciphers[GC_AES_GCM_128];
	stream_fill(seed, 0, d->key, sizeof(d->key));
	stream_fill(seed, 64, d->salt, sizeof(d->salt));
	stream_fill(seed, 128, d->iv, sizeof(d->iv));
	len = ref_dir_crypto_info(d, ci);
	if (tcp_pair_rcvbuf(fd, rcvbuf) ||
	    setsockopt(fd[1], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) ||
	    setsockopt(fd[1], SOL_TCP, TCP_ULP, "tls", sizeof("tls")))
		return -1;
	rc = setsockopt(fd[1], SOL_TLS, TLS_RX, ci, len);
	memset(ci, 0, sizeof(ci));
	if (!rc && no_pad)
		rc = setsockopt(fd[1], SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one,
				sizeof(one));
	return rc;
}

/*
 * No allocation of order 3 or more succeeds anywhere, sleeping or not,
 * while records of 1 B to 16 KiB (TLS 1.3: padded, some empty) flow over
 * two pairs, one with a receive window smaller than a record (the record
 * is taken out of TCP early, in softirq) and one with TCP's default (it
 * is taken whole, by the reader), and are read with recv (whole records
 * into the reader's pages too, and partial reads), MSG_PEEK, splice and
 * read_sock. The per-CPU blocks are taken first, as in stall's test.
 * Every byte must arrive intact, no read may wait 10 s (SO_RCVTIMEO) or
 * fail: without an order-0 fallback a record cannot be received at all.
 */
TEST_F_TIMEOUT(order0, no_high_order_alloc, 600)
{
	static struct o0_sender tx;
	static struct o0_reader rx;
	struct timeval snd = { .tv_sec = 30 };
	int fd[2], go[2], pass, i;
	long page, total = 0;
	double t0;
	pthread_t th;

	stream_fill(7, 0, self->rec, sizeof(self->rec));
	ASSERT_EQ(holders_take(&self->holder, self->ncpu, self->rec,
			       sizeof(self->rec)), 0);
	for (pass = 0; pass < 2; pass++) {
		memset(&tx, 0, sizeof(tx));
		memset(&rx, 0, sizeof(rx));
		rx.bad_at = -1;
		rx.proc = self->proc;
		tx.seed = rx.seed = 0x6f72646572 + pass * 2 + variant->version;
		ASSERT_EQ(o0_pair(fd, pass ? 0 : 4096, &tx.d, variant->version,
				  variant->no_pad, tx.seed), 0)
			TH_LOG("kTLS RX: %s", strerror(errno));
		ASSERT_EQ(setsockopt(fd[0], SOL_SOCKET, SO_SNDTIMEO, &snd,
				     sizeof(snd)), 0);
		ASSERT_EQ(pipe(rx.pipe), 0);
		ASSERT_EQ(pipe(go), 0);
		tx.fd = fd[0];
		tx.go = go[0];
		rx.fd = fd[1];
		ASSERT_EQ(pthread_create(&th, NULL, o0_send, &tx), 0);

		/*
		 * No ASSERT until the faults are off: nothing can fork while
		 * they last, the harness included.
		 */
		kmsg("ktls-fault: injection on");
		if (order3_faults(1, 1)) {
			rx.what = "fail_page_alloc setup";
			rx.err = EIO;
		}
		t0 = now();
		if (write(go[1], "g", 1) == 1 && !rx.what)
			o0_receive(&rx);
		order3_faults(0, 0);
		kmsg("ktls-fault: injection off");
		page = faults_injected(1);
		total += page;
		if (rx.what)	/* the sender may wait for room: end it */
			shutdown(fd[1], SHUT_RDWR);
		close(go[1]);
		pthread_join(th, NULL);
		close(go[0]);

		printf("# %s window: %d records, %llu B in %.1f s, fail_page_alloc injected %ld; reads:",
		       pass ? "default" : "4 KiB", O0_RECS,
		       (unsigned long long)rx.got, now() - t0, page);
		for (i = 0; i < O0_MODES; i++)
			printf(" %s %ld", o0_mode[i], rx.calls[i]);
		printf("\n");
		EXPECT_EQ(tx.err, 0) TH_LOG("send: %s", strerror(tx.err));
		EXPECT_EQ(rx.err, 0) TH_LOG("%s: %s", rx.what, strerror(rx.err));
		EXPECT_EQ(rx.bad_at, -1) TH_LOG("byte %lld is wrong",
						 (long long)rx.bad_at);
		EXPECT_EQ(rx.got, tx.plain);
		close(fd[0]);
		close(fd[1]);
		close(rx.pipe[0]);
		close(rx.pipe[1]);
	}
	/* without a failed allocation the test proves nothing */
	EXPECT_GT(total, 0);
}

#define HOOK	"/sys/module/ktls/parameters/hook_write_space_"
#define HOOK_WORK "/sys/module/ktls/parameters/hook_tx_work_us"

struct drain {
	int fd;
	long got;
};

/* On CPU 1: read until EOF; each read's ACK runs the writer's write_space. */
static void *drain_read(void *arg)
{
	static __thread uint8_t buf[65536];
	struct drain *d = arg;
	ssize_t n;

	pin_to(1);
	while ((n = recv(d->fd, buf, sizeof(buf), 0)) > 0)
		d->got += n;
	return NULL;
}

FIXTURE(closing)
{
	int fd[2];
};

FIXTURE_SETUP(closing)
{
	self->fd[0] = self->fd[1] = -1;
	signal(SIGPIPE, SIG_IGN);
	ASSERT_GE(read_long(HOOK "hits"), 0)
		TH_LOG("no %shits: ktls.ko built without KTLS_TEST_HOOKS", HOOK);
}

FIXTURE_TEARDOWN(closing)
{
	write_file(HOOK "us", "0");
	write_file(HOOK_WORK, "0");
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
}

/*
 * Each round: TX on fd[0] with a small send buffer, filled without
 * blocking until TCP has taken part of a record (the peer's small window
 * keeps TCP's segments small, so a record spans several and the send
 * buffer runs out inside one); write_space then waits
 * 20 ms in the window each time it queues the TX work; a reader on CPU 1
 * drains fd[1] (its ACKs run write_space in softirq there) and CPU 0
 * closes fd[0] as soon as the hook's hit count shows a softirq in the
 * window. The TX work waits 50 ms before it looks at the socket, as a
 * busy machine's worker may: a work close did not stop then finds the
 * context gone. An oops or KASAN report is the failure (the runner
 * reads the kernel log).
 */
TEST_F_TIMEOUT(closing, write_space_vs_close, 300)
{
	unsigned long rounds = env_ul("KTLS_CLOSE_ROUNDS", 40), r;
	static uint8_t chunk[65536];
	long hits0 = read_long(HOOK "hits"), hits, h;
	double t0;
	int sndbuf = 16384;
	uint8_t ci[64];
	struct drain d;
	pthread_t th;

	stream_fill(11, 0, chunk, sizeof(chunk));
	for (r = 0; r < rounds; r++) {
		ASSERT_EQ(pin_to(0), 0);
		ASSERT_EQ(tcp_pair_rcvbuf(self->fd, 4096), 0);
		ASSERT_EQ(setsockopt(self->fd[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
				     sizeof(sndbuf)), 0);
		ASSERT_EQ(setsockopt(self->fd[0], SOL_TCP, TCP_ULP, "tls",
				     sizeof("tls")), 0);
		crypto_info(&stall_cipher, r, ci);
		ASSERT_EQ(setsockopt(self->fd[0], SOL_TLS, TLS_TX, ci,
				     stall_cipher.len), 0);
		while (send(self->fd[0], chunk, sizeof(chunk), MSG_DONTWAIT) > 0)
			;
		ASSERT_EQ(errno, EAGAIN);
		ASSERT_EQ(write_file(HOOK "us", "20000"), 0);
		ASSERT_EQ(write_file(HOOK_WORK, "50000"), 0);
		memset(&d, 0, sizeof(d));
		d.fd = self->fd[1];
		h = read_long(HOOK "hits");
		ASSERT_EQ(pthread_create(&th, NULL, drain_read, &d), 0);
		for (t0 = now(); now() - t0 < 2;)
			if (read_long(HOOK "hits") != h)
				break;	/* a softirq waits in the window */
		close(self->fd[0]);
		self->fd[0] = -1;
		pthread_join(th, NULL);
		ASSERT_EQ(write_file(HOOK "us", "0"), 0);
		ASSERT_EQ(write_file(HOOK_WORK, "0"), 0);
		close(self->fd[1]);
		self->fd[1] = -1;
		/*
		 * No count to check: close pushes the pending record without
		 * waiting for room and drops what TCP does not take, as the
		 * in-tree module does (tls_sw_release_resources_tx()).
		 */
	}
	hits = read_long(HOOK "hits") - hits0;
	printf("# %lu rounds: write_space waited in the window %ld times\n",
	       rounds, hits);
	/* without a wait in the window the test proves nothing */
	EXPECT_GT(hits, 0);
}

TEST_HARNESS_MAIN
