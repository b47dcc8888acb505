// SPDX-License-Identifier: GPL-2.0
/* stress.c - threads racing on one kTLS socket pair: every call at once. */
/*
 * Rounds of a fresh loopback pair with kTLS both ways (TLS 1.3,
 * AES-GCM-128, seeded keys) on which threads call, in a seeded random
 * order, for a random few hundred milliseconds:
 *
 *   send (MSG_MORE or not), recv (MSG_PEEK or not), sendfile, splice from
 *   the socket and into it, poll, getsockopt of the keys, setsockopt of
 *   TLS_TX/TLS_RX (a KeyUpdate once set), TLS_TX_MAX_PAYLOAD_LEN and
 *   TLS_RX_EXPECT_NO_PAD, shutdown, close, and sockmap insert/delete.
 *
 * Every socket is non-blocking, so no call can hold a round up. A close is
 * a dup2() of /dev/null over the fd: the socket goes when the calls in
 * flight on it return, and no thread reaches a reused fd number. Errors
 * are expected (a KeyUpdate the peer did not see ends the stream, a closed
 * end gives EBADF or ENOTSOCK): what fails the test is the kernel's state.
 * A WARN, BUG, KASAN or lockdep report or a hang fails the run (the
 * runner); a socket left allocated after the rounds fails here, and a kTLS
 * context left behind fails the run's gauge check.
 *
 *   mixed                    all of the above; one round in four puts an
 *                            end in a sockhash before the ULP, so the map
 *                            delete races TLS_TX/TLS_RX and close; one in
 *                            four shrinks the send buffers
 *   close_under_write_space  a sender whose 4 KiB send buffer leaves
 *                            records half taken by TCP, a reader draining
 *                            the other end (its window updates run the
 *                            sender's write_space in softirq), and a close
 *                            of the sender at a seeded moment (issue 32)
 *
 * Env: KTLS_STRESS_SECONDS (per test, default 20), KTLS_STRESS_THREADS
 * (mixed, default 4), KTLS_STRESS_SEED (printed; replays every round's
 * choices, not the interleaving).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"
#include "stress_util.h"
#include "bpf_util.h"

#ifndef TLS_TX_MAX_PAYLOAD_LEN
#define TLS_TX_MAX_PAYLOAD_LEN	5
#endif

#define MAX_THREADS	8
#define CHUNK		65536

enum op {
	OP_SEND, OP_RECV, OP_SENDFILE, OP_SPLICE_IN, OP_SPLICE_OUT, OP_POLL,
	OP_GETKEYS, OP_SETKEYS, OP_MAXLEN, OP_NOPAD, OP_SHUTDOWN, OP_CLOSE,
	OP_MAP, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"send", "recv", "sendfile", "splice-in", "splice-out", "poll",
	"getkeys", "setkeys", "maxlen", "nopad", "shutdown", "close", "map",
};

/* One pair and what its threads share. */
struct round {
	int fd[2];		/* fd numbers: a closed end is /dev/null */
	int null;		/* /dev/null, dup2()ed over a closed end */
	int file;		/* sendfile's source */
	int map;		/* sockhash */
	struct ref_dir dir[2];	/* keys of 0 -> 1 and 1 -> 0 */
	double until;
};

struct worker {
	pthread_t th;
	struct round *r;
	struct srng rng;
	int pipe[2];
	unsigned long ops[OP_COUNT];
	uint8_t buf[CHUNK];
};

static char ulp[32];

static void set_keys(struct round *r, int end, int opt)
{
	/* end 0 sends with dir[0] and receives with dir[1]; end 1 mirrors */
	const struct ref_dir *d = &r->dir[(opt == TLS_TX) == (end == 0) ? 0 : 1];
	uint8_t ci[64];

	setsockopt(r->fd[end], SOL_TLS, opt, ci, ref_dir_crypto_info(d, ci));
	explicit_bzero(ci, sizeof(ci));
}

static void drain_pipe(struct worker *w)
{
	while (read(w->pipe[0], w->buf, sizeof(w->buf)) > 0)
		;
}

static void one_op(struct worker *w, enum op op)
{
	struct round *r = w->r;
	int end = srng_below(&w->rng, 2);
	int fd = r->fd[end];
	size_t n = srng_range(&w->rng, 1, CHUNK);
	socklen_t len;
	off_t off;

	switch (op) {
	case OP_SEND:
		send(fd, w->buf, n, MSG_DONTWAIT | MSG_NOSIGNAL |
		     (srng_below(&w->rng, 4) ? 0 : MSG_MORE));
		break;
	case OP_RECV:
		recv(fd, w->buf, n, MSG_DONTWAIT |
		     (srng_below(&w->rng, 4) ? 0 : MSG_PEEK));
		break;
	case OP_SENDFILE:
		off = srng_below(&w->rng, CHUNK);
		sendfile(fd, r->file, &off, n);
		break;
	case OP_SPLICE_IN:
		splice(fd, NULL, w->pipe[1], NULL, n, SPLICE_F_NONBLOCK);
		drain_pipe(w);
		break;
	case OP_SPLICE_OUT:
		if (write(w->pipe[1], w->buf, n % 16384 + 1) > 0)
			splice(w->pipe[0], NULL, fd, NULL, n % 16384 + 1,
			       SPLICE_F_NONBLOCK | (n & 1 ? SPLICE_F_MORE : 0));
		drain_pipe(w);
		break;
	case OP_POLL: {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		poll(&p, 1, 0);
		break;
	}
	case OP_GETKEYS:
		len = sizeof(w->buf);
		getsockopt(fd, SOL_TLS, n & 1 ? TLS_TX : TLS_RX, w->buf, &len);
		break;
	case OP_SETKEYS:
		set_keys(r, end, n & 1 ? TLS_TX : TLS_RX);
		break;
	case OP_MAXLEN: {
		uint16_t v = 64 + n % 16321;

		setsockopt(fd, SOL_TLS, TLS_TX_MAX_PAYLOAD_LEN, &v, sizeof(v));
		break;
	}
	case OP_NOPAD: {
		int v = n & 1;

		setsockopt(fd, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &v, sizeof(v));
		break;
	}
	case OP_SHUTDOWN:
		if (!srng_below(&w->rng, 64))
			shutdown(fd, n & 1 ? SHUT_WR : SHUT_RD);
		break;
	case OP_CLOSE:
		if (!srng_below(&w->rng, 256))
			dup2(r->null, fd);
		break;
	case OP_MAP:
		if (n & 1)
			map_update(r->map, end, fd);
		else
			map_delete(r->map, end);
		break;
	default:
		break;
	}
	w->ops[op]++;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (now_s() < w->r->until)
		one_op(w, srng_below(&w->rng, OP_COUNT));
	return NULL;
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

FIXTURE(stress)
{
	struct round r;
	struct worker w[MAX_THREADS];
	struct srng rng;
	unsigned long seconds, threads;
	long sockets0;
};

FIXTURE_SETUP(stress)
{
	uint64_t seed = env_seed("KTLS_STRESS_SEED");
	char path[] = "/tmp/stress.XXXXXX";
	static uint8_t data[CHUNK * 2];
	unsigned long i;

	printf("# KTLS_STRESS_SEED=0x%llx\n", (unsigned long long)seed);
	signal(SIGPIPE, SIG_IGN);	/* sendfile and splice on a shut end */
	self->rng.s = seed;
	self->seconds = env_ul("KTLS_STRESS_SECONDS", 20);
	self->threads = env_ul("KTLS_STRESS_THREADS", 4);
	if (self->threads < 2 || self->threads > MAX_THREADS)
		self->threads = 4;
	ulp_name(ulp, sizeof(ulp));
	self->sockets0 = tcp_alloc();
	ASSERT_GE(self->sockets0, 0);
	self->r.null = open("/dev/null", O_RDWR);
	ASSERT_GE(self->r.null, 0);
	self->r.file = mkstemp(path);
	ASSERT_GE(self->r.file, 0);
	unlink(path);
	srng_fill(&self->rng, data, sizeof(data));
	ASSERT_EQ(write(self->r.file, data, sizeof(data)), sizeof(data));
	self->r.map = map_create(BPF_MAP_TYPE_SOCKHASH);
	ASSERT_GE(self->r.map, 0) TH_LOG("sockhash: %s", strerror(errno));
	for (i = 0; i < MAX_THREADS; i++) {
		self->w[i].r = &self->r;
		ASSERT_EQ(pipe2(self->w[i].pipe, O_NONBLOCK), 0);
	}
}

FIXTURE_TEARDOWN(stress)
{
	unsigned long i;

	for (i = 0; i < MAX_THREADS; i++) {
		close(self->w[i].pipe[0]);
		close(self->w[i].pipe[1]);
	}
	close(self->r.map);
	close(self->r.file);
	close(self->r.null);
}

/*
 * A fresh pair with the ULP and kTLS both ways; @in_map: end 0 goes into
 * the sockhash first (its TLS_TX/TLS_RX are then refused until a map
 * delete), @sndbuf: both send buffers that small (0: TCP's).
 */
static int round_open(struct round *r, struct srng *rng, int in_map,
		      int sndbuf)
{
	uint8_t ci[64];
	int i;

	if (loopback_pair(AF_INET, &r->fd[0], &r->fd[1]))
		return -1;
	for (i = 0; i < 2; i++) {
		stress_dir_init(rng, &r->dir[i], TLS_1_3_VERSION,
				&guest_ciphers[GC_AES_GCM_128], ci);
		explicit_bzero(ci, sizeof(ci));
		if (sndbuf && setsockopt(r->fd[i], SOL_SOCKET, SO_SNDBUF,
					 &sndbuf, sizeof(sndbuf)))
			return -1;
	}
	if (in_map && map_update(r->map, 0, r->fd[0]))
		return -1;
	for (i = 0; i < 2; i++) {
		if (setsockopt(r->fd[i], IPPROTO_TCP, TCP_ULP, ulp,
			       strlen(ulp) + 1))
			return -1;
		set_keys(r, i, TLS_TX);
		set_keys(r, i, TLS_RX);
		if (nonblock(r->fd[i]))
			return -1;
	}
	return 0;
}

static void round_close(struct round *r)
{
	map_delete(r->map, 0);
	map_delete(r->map, 1);
	close(r->fd[0]);
	close(r->fd[1]);
}

/* Every socket of the rounds freed again (contexts go after RCU). */
static void sockets_back(struct __test_metadata *_metadata,
			 FIXTURE_DATA(stress) *self)
{
	long s = -1;
	int i;

	for (i = 0; i < 500; i++) {
		s = tcp_alloc();
		if (s <= self->sockets0)
			break;
		usleep(20000);
	}
	EXPECT_LE(s, self->sockets0)
		TH_LOG("TCP sockets: %ld before, %ld after", self->sockets0, s);
}

TEST_F_TIMEOUT(stress, mixed, 600)
{
	double end = now_s() + self->seconds;
	unsigned long rounds = 0, i, k, total[OP_COUNT] = { 0 };

	while (now_s() < end) {
		int in_map = !srng_below(&self->rng, 4);
		int sndbuf = srng_below(&self->rng, 4) ? 0 : 4096;

		ASSERT_EQ(round_open(&self->r, &self->rng, in_map, sndbuf), 0)
			TH_LOG("round %lu: %s", rounds, strerror(errno));
		self->r.until = now_s() + srng_range(&self->rng, 50, 400) / 1e3;
		for (i = 0; i < self->threads; i++) {
			self->w[i].rng.s = srng_next(&self->rng);
			ASSERT_EQ(pthread_create(&self->w[i].th, NULL,
						 worker_main, &self->w[i]), 0);
		}
		for (i = 0; i < self->threads; i++)
			pthread_join(self->w[i].th, NULL);
		round_close(&self->r);
		rounds++;
	}
	for (i = 0; i < self->threads; i++)
		for (k = 0; k < OP_COUNT; k++)
			total[k] += self->w[i].ops[k];
	printf("# %lu rounds, %lu threads; calls:", rounds, self->threads);
	for (k = 0; k < OP_COUNT; k++)
		printf(" %s %lu", op_names[k], total[k]);
	printf("\n");
	sockets_back(_metadata, self);
}

/* close_under_write_space: the reader drains end 1 until its round ends. */
static void *drain_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd p = { .fd = w->r->fd[1], .events = POLLIN };

	while (now_s() < w->r->until) {
		poll(&p, 1, 5);
		while (recv(p.fd, w->buf, sizeof(w->buf), MSG_DONTWAIT) > 0)
			;
	}
	return NULL;
}

/* ... while the sender keeps its small send buffer full */
static void *fill_main(void *arg)
{
	struct worker *w = arg;
	struct pollfd p = { .fd = w->r->fd[0], .events = POLLOUT };

	while (now_s() < w->r->until) {
		if (send(p.fd, w->buf, sizeof(w->buf),
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno == EAGAIN)
			poll(&p, 1, 5);
	}
	return NULL;
}

TEST_F_TIMEOUT(stress, close_under_write_space, 600)
{
	double end = now_s() + self->seconds;
	unsigned long rounds = 0;

	while (now_s() < end) {
		ASSERT_EQ(round_open(&self->r, &self->rng, 0, 4096), 0)
			TH_LOG("round %lu: %s", rounds, strerror(errno));
		self->r.until = now_s() + 0.3;
		ASSERT_EQ(pthread_create(&self->w[0].th, NULL, fill_main,
					 &self->w[0]), 0);
		ASSERT_EQ(pthread_create(&self->w[1].th, NULL, drain_main,
					 &self->w[1]), 0);
		usleep(srng_range(&self->rng, 1000, 200000));
		dup2(self->r.null, self->r.fd[0]);	/* close the sender */
		pthread_join(self->w[0].th, NULL);
		pthread_join(self->w[1].th, NULL);
		round_close(&self->r);
		rounds++;
	}
	printf("# %lu rounds\n", rounds);
	sockets_back(_metadata, self);
}

int main(int argc, char **argv)
{
	harness_set_timeouts(env_ul("KTLS_STRESS_SECONDS", 20) + 120);
	return test_harness_run(argc, argv);
}
