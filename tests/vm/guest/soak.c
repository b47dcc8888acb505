// SPDX-License-Identifier: GPL-2.0
/* soak.c - many processes on many kTLS pairs, every byte verified. */
/*
 * KTLS_SOAK_PROCS processes (default 4) x KTLS_SOAK_PAIRS loopback TCP
 * pairs each (default 2); both ends of a pair have TLS_TX and TLS_RX, with
 * a version and cipher drawn per pair (1.2/1.3 x AES-GCM-128/256,
 * AES-CCM-128, ChaCha20-Poly1305). Each direction of a pair has a writer
 * and a reader thread, so every socket sends and receives at once.
 *
 *   writer  send (1 B .. 64 KiB, MSG_MORE now and then), sendfile from a
 *           tmpfs file, splice from a pipe; the last send has no MSG_MORE,
 *           then shutdown(SHUT_WR)
 *   reader  recv (any size, MSG_WAITALL now and then), MSG_PEEK followed
 *           by the read of what was peeked, splice to a pipe
 *
 * TLS 1.3 pairs also rekey when the module has KeyUpdate (ktls.ko; the
 * in-tree module before 6.14 has none): now and then the writer sends a
 * KeyUpdate handshake record and sets its next TX key; the reader, on
 * reading that record, sets the same next key for RX (both derive it from
 * the direction's seed and the update's number). Every read takes a cmsg,
 * so a control record cannot hide behind a data read; a splice that meets
 * it (EINVAL) is followed by a recvmsg.
 *
 * Both ends draw the bytes of a direction from one seeded generator, so
 * the reader compares every byte where it lands; both also keep a running
 * SHA-256 of the direction, compared at the end, with the byte counts.
 * Runs KTLS_SOAK_SECONDS (default 20), then the writers stop; afterwards
 * the module's TlsCurr* gauges must be back to 0. Seed: KTLS_SOAK_SEED
 * (printed). Blocking calls time out after 10 s: no hang.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/tls.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "stress_util.h"

#define CHUNK_MAX	65536
#define FILE_SPAN	(1 << 20)	/* sendfile source, reused in turn */

/* One process's result, in shared memory. */
struct proc_res {
	unsigned long long bytes;	/* verified by the readers */
	unsigned long ops[7];		/* send sendfile splice | recv peek splice | rekey */
	int failed;
	char why[200];
};

enum { OP_SEND, OP_SENDFILE, OP_SPLICE, OP_RECV, OP_PEEK, OP_RSPLICE,
       OP_REKEY, NOPS };

/* key_update message, update_not_requested (RFC 8446 4.6.3) */
static const uint8_t key_update_msg[] = { 0x18, 0, 0, 1, 0 };
#define REC_HS		22
#define REC_DATA	23

/* The byte stream of one direction, the same on both sides. */
struct stream {
	struct srng r;
	uint8_t blk[8];
	int left;
};

static void stream_bytes(struct stream *s, uint8_t *p, size_t len)
{
	uint64_t v;

	while (len) {
		if (!s->left) {
			v = srng_next(&s->r);
			memcpy(s->blk, &v, 8);
			s->left = 8;
		}
		*p++ = s->blk[8 - s->left--];
		len--;
	}
}

/* One direction: a writer on one end, a reader on the other. */
struct dir {
	int wfd, rfd;
	uint64_t seed;
	double end;
	unsigned long long sent, got;
	uint8_t wsum[32], rsum[32];
	unsigned long ops[NOPS];
	int rekey;			/* TLS 1.3 and the module rekeys */
	struct ref_dir wkey, rkey;	/* the writer's and reader's copy */
	unsigned int wgen, rgen;	/* KeyUpdates sent / received */
	int failed;
	char why[200];
};

static void dir_fail(struct dir *d, const char *fmt, ...)
{
	va_list ap;

	if (d->failed)
		return;
	d->failed = 1;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

static int send_all(int fd, const uint8_t *p, size_t len, int flags)
{
	ssize_t n;

	while (len) {
		n = send(fd, p, len, flags | MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Key number GEN of direction SEED into K (cipher and version stay; a new
 * key and IV, sequence numbers from 0 as after a TLS 1.3 KeyUpdate), and
 * set it on FD as OPT. Writer and reader get the same key independently.
 */
static int set_next_key(int fd, int opt, struct ref_dir *k, uint64_t seed,
			unsigned int gen)
{
	struct srng r = { seed ^ (0x4b45595550ULL * (gen + 1)) };
	uint8_t ci[64];
	int rc;

	srng_fill(&r, k->key, k->c->key_len);
	srng_fill(&r, k->salt, k->c->salt_len);
	srng_fill(&r, k->iv, k->c->iv_len);
	k->seq = 0;
	rc = setsockopt(fd, SOL_TLS, opt, ci, ref_dir_crypto_info(k, ci));
	explicit_bzero(ci, sizeof(ci));
	return rc;
}

/* From offset START of FILE: every chunk gets file pages of its own. */
static int sendfile_all(int sock, int file, off_t start, size_t len)
{
	off_t off = start;
	ssize_t n;

	while ((size_t)(off - start) < len) {
		n = sendfile(sock, file, &off, len - (off - start));
		if (n <= 0)
			return -1;
	}
	return 0;
}

static int splice_all(int sock, int pfd[2], const uint8_t *p, size_t len)
{
	ssize_t n;

	if (write(pfd[1], p, len) != (ssize_t)len)
		return -1;
	while (len) {
		n = splice(pfd[0], NULL, sock, NULL, len, SPLICE_F_MOVE);
		if (n <= 0)
			return -1;
		len -= n;
	}
	return 0;
}

static size_t pick_size(struct srng *r)
{
	switch (srng_below(r, 4)) {
	case 0: return srng_range(r, 1, 100);
	case 1: return srng_range(r, 101, 4096);
	case 2: return srng_range(r, 16380, 16390);
	default: return srng_range(r, 1, CHUNK_MAX);
	}
}

static void *writer_main(void *arg)
{
	struct dir *d = arg;
	struct stream s = { { d->seed } };
	struct srng r = { d->seed ^ 0x5752495445ULL };
	static __thread uint8_t buf[CHUNK_MAX];
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	int file = open("/tmp", O_TMPFILE | O_RDWR, 0600), pfd[2] = { -1, -1 };
	size_t len;
	off_t foff = 0;
	int op, rc = 0, last;

	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	if (file < 0 || pipe(pfd) ||
	    fcntl(pfd[1], F_SETPIPE_SZ, CHUNK_MAX) < CHUNK_MAX) {
		dir_fail(d, "writer setup: %s", strerror(errno));
		goto out;
	}
	do {
		last = now_s() >= d->end;
		len = pick_size(&r);
		stream_bytes(&s, buf, len);
		op = last ? OP_SEND : (int)srng_below(&r, 3);
		if (d->rekey && !last && !srng_below(&r, 50)) {
			if (send_type(d->wfd, REC_HS, key_update_msg,
				      sizeof(key_update_msg)) !=
			    sizeof(key_update_msg) ||
			    set_next_key(d->wfd, TLS_TX, &d->wkey, d->seed,
					 d->wgen)) {
				dir_fail(d, "writer KeyUpdate %u at %llu: %s",
					 d->wgen, d->sent, strerror(errno));
				break;
			}
			d->wgen++;
			d->ops[OP_REKEY]++;
		}
		if (op == OP_SEND) {
			int more = !last && srng_below(&r, 5) == 0;

			rc = send_all(d->wfd, buf, len, more ? MSG_MORE : 0);
		} else if (op == OP_SENDFILE) {
			if (foff + len > FILE_SPAN)
				foff = 0;
			rc = pwrite(file, buf, len, foff) == (ssize_t)len ?
			     sendfile_all(d->wfd, file, foff, len) : -1;
			foff += len;
		} else {
			rc = splice_all(d->wfd, pfd, buf, len);
		}
		if (rc) {
			dir_fail(d, "writer op %d, %zu B at %llu: %s", op, len,
				 d->sent, strerror(errno));
			break;
		}
		d->ops[op]++;
		EVP_DigestUpdate(h, buf, len);
		d->sent += len;
	} while (!last);
	shutdown(d->wfd, SHUT_WR);
out:
	EVP_DigestFinal_ex(h, d->wsum, NULL);
	EVP_MD_CTX_free(h);
	if (file >= 0)
		close(file);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	return NULL;
}

/* Check N received bytes against the stream; 0 or -1. */
static int verify(struct dir *d, struct stream *s, EVP_MD_CTX *h,
		  const uint8_t *p, size_t n, const char *how)
{
	static __thread uint8_t want[CHUNK_MAX];
	size_t i;

	stream_bytes(s, want, n);
	if (memcmp(p, want, n)) {
		for (i = 0; p[i] == want[i]; i++)
			;
		dir_fail(d, "%s: byte %llu differs (%#x, want %#x)", how,
			 d->got + i, p[i], want[i]);
		return -1;
	}
	EVP_DigestUpdate(h, p, n);
	d->got += n;
	return 0;
}

/*
 * A control record read whole at BUF (N bytes of TYPE): a KeyUpdate when
 * the direction rekeys, and then the reader takes the next key. 0 or -1.
 */
static int reader_control(struct dir *d, const uint8_t *buf, ssize_t n,
			  int type)
{
	if (!d->rekey || type != REC_HS || n != sizeof(key_update_msg) ||
	    memcmp(buf, key_update_msg, n)) {
		dir_fail(d, "record of type %d, %zd B at byte %llu", type, n,
			 d->got);
		return -1;
	}
	if (set_next_key(d->rfd, TLS_RX, &d->rkey, d->seed, d->rgen)) {
		dir_fail(d, "reader KeyUpdate %u: %s", d->rgen,
			 strerror(errno));
		return -1;
	}
	d->rgen++;
	return 0;
}

#define READ_CONTROL	(-2)

/*
 * recvmsg with a cmsg into BUF (room for CHUNK_MAX); data, or READ_CONTROL
 * after a handled KeyUpdate. A control record is read whole: after a peek
 * by a read for real, after a read shorter than the record by more reads
 * (what a short buffer leaves of a record is read next).
 */
static ssize_t read_typed(struct dir *d, uint8_t *buf, size_t len, int flags)
{
	ssize_t n, m;
	int type, t2;

	n = recv_type(d->rfd, buf, len, flags, &type);
	if (n < 0 || type == REC_DATA || (n == 0 && type < 0))
		return n;
	if (flags & MSG_PEEK) {
		n = recv_type(d->rfd, buf, CHUNK_MAX, 0, &type);
		if (n < 0)
			return n;
	}
	while (n > 0 && n < (ssize_t)sizeof(key_update_msg)) {
		m = recv_type(d->rfd, buf + n, sizeof(key_update_msg) - n, 0,
			      &t2);
		if (m <= 0 || t2 != type)
			break;
		n += m;
	}
	return reader_control(d, buf, n, type) ? -1 : READ_CONTROL;
}

/*
 * One read step; returns bytes read, 0 at EOF, READ_CONTROL after a
 * KeyUpdate, -1 on failure.
 */
static ssize_t read_step(struct dir *d, struct srng *r, int pfd[2],
			 uint8_t *buf, uint8_t *peek, int *op)
{
	size_t len = pick_size(r);
	ssize_t n, m;

	*op = OP_RECV + srng_below(r, 3);
	if (*op == OP_PEEK) {
		n = read_typed(d, peek, len, MSG_PEEK);
		if (n <= 0)
			return n;
		m = read_typed(d, buf, n, 0);
		if (m != n || memcmp(buf, peek, n)) {
			dir_fail(d, "read after MSG_PEEK of %zd B: %zd B%s", n,
				 m, m == n ? ", other bytes" : "");
			return -1;
		}
		return n;
	}
	if (*op == OP_RSPLICE) {
		n = splice(d->rfd, NULL, pfd[1], NULL, len, 0);
		if (n < 0 && errno == EINVAL && d->rekey)	/* a control record */
			return read_typed(d, buf, CHUNK_MAX, 0);
		if (n <= 0)
			return n;
		m = read(pfd[0], buf, n);
		if (m != n) {
			dir_fail(d, "pipe after splice of %zd B: %zd", n, m);
			return -1;
		}
		return n;
	}
	return read_typed(d, buf, len, srng_below(r, 4) ? 0 : MSG_WAITALL);
}

static void *reader_main(void *arg)
{
	struct dir *d = arg;
	struct stream s = { { d->seed } };
	struct srng r = { d->seed ^ 0x52454144ULL };
	uint8_t *buf = malloc(CHUNK_MAX), *peek = malloc(CHUNK_MAX);
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	int pfd[2] = { -1, -1 }, op;
	ssize_t n;

	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	if (!buf || !peek || pipe(pfd) ||
	    fcntl(pfd[1], F_SETPIPE_SZ, CHUNK_MAX) < CHUNK_MAX) {
		dir_fail(d, "reader setup: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		n = read_step(d, &r, pfd, buf, peek, &op);
		if (n == 0)
			break;
		if (n == READ_CONTROL)
			continue;
		if (n < 0) {
			if (!d->failed)
				dir_fail(d, "reader op %d at byte %llu: %s", op,
					 d->got, strerror(errno));
			break;
		}
		d->ops[op]++;
		if (verify(d, &s, h, buf, n, "reader"))
			break;
	}
out:
	EVP_DigestFinal_ex(h, d->rsum, NULL);
	EVP_MD_CTX_free(h);
	free(buf);
	free(peek);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	return NULL;
}

/* Both ends TX+RX, one version and cipher; 0 or -1 with R->why set. */
static int pair_setup(struct srng *r, const char *ulp, int *a, int *b,
		      struct proc_res *res, struct dir *d)
{
	const struct ref_cipher *c = &guest_ciphers[srng_below(r, GC_STOCK)];
	uint16_t v = srng_below(r, 2) ? TLS_1_3_VERSION : TLS_1_2_VERSION;
	struct ref_dir ab, ba;
	int rekey = v == TLS_1_3_VERSION && !access("/sys/module/ktls", F_OK);

	if (loopback_pair(AF_INET, a, b) || set_timeouts(*a, 10) || set_timeouts(*b, 10) ||
	    ktls_attach(*a, ulp, TLS_TX, r, &ab, v, c) ||
	    ktls_attach_same(*b, ulp, TLS_RX, &ab) ||
	    ktls_attach(*b, NULL, TLS_TX, r, &ba, v, c) ||
	    ktls_attach_same(*a, NULL, TLS_RX, &ba)) {
		snprintf(res->why, sizeof(res->why), "pair setup (%s, %#x): %s",
			 c->evp, v, strerror(errno));
		explicit_bzero(&ab, sizeof(ab));
		explicit_bzero(&ba, sizeof(ba));
		return -1;
	}
	d[0].wkey = d[0].rkey = ab;
	d[1].wkey = d[1].rkey = ba;
	d[0].rekey = d[1].rekey = rekey;
	explicit_bzero(&ab, sizeof(ab));
	explicit_bzero(&ba, sizeof(ba));
	return 0;
}

static void proc_main(uint64_t seed, int npairs, double end,
		      struct proc_res *res)
{
	struct srng r = { seed };
	struct dir *d = calloc(2 * npairs, sizeof(*d));
	pthread_t *th = calloc(4 * npairs, sizeof(*th));
	int *fds = calloc(2 * npairs, sizeof(int));
	char ulp[64];
	int i, j;

	ulp_name(ulp, sizeof(ulp));
	for (i = 0; i < npairs; i++) {
		if (pair_setup(&r, ulp, &fds[2 * i], &fds[2 * i + 1], res,
			       &d[2 * i])) {
			res->failed = 1;
			return;
		}
		for (j = 0; j < 2; j++) {
			struct dir *x = &d[2 * i + j];

			x->wfd = fds[2 * i + j];
			x->rfd = fds[2 * i + !j];
			x->seed = srng_next(&r);
			x->end = end;
		}
	}
	for (i = 0; i < 2 * npairs; i++) {
		pthread_create(&th[2 * i], NULL, writer_main, &d[i]);
		pthread_create(&th[2 * i + 1], NULL, reader_main, &d[i]);
	}
	for (i = 0; i < 4 * npairs; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2 * npairs; i++) {
		struct dir *x = &d[i];

		if (!x->failed && (x->sent != x->got ||
				   memcmp(x->wsum, x->rsum, 32)))
			dir_fail(x, "sent %llu B, received %llu B, SHA-256 %s",
				 x->sent, x->got, memcmp(x->wsum, x->rsum, 32) ?
				 "differs" : "equal");
		if (!x->failed && x->wgen != x->rgen)
			dir_fail(x, "%u KeyUpdates sent, %u received", x->wgen,
				 x->rgen);
		explicit_bzero(&x->wkey, sizeof(x->wkey));
		explicit_bzero(&x->rkey, sizeof(x->rkey));
		if (x->failed && !res->failed) {
			res->failed = 1;
			snprintf(res->why, sizeof(res->why), "pair %d dir %d: %s",
				 i / 2, i % 2, x->why);
		}
		res->bytes += x->got;
		for (j = 0; j < NOPS; j++)
			res->ops[j] += x->ops[j];
	}
	for (i = 0; i < 2 * npairs; i++)
		close(fds[i]);
}

TEST(mixed_traffic_every_byte_verified)
{
	unsigned long secs = env_ul("KTLS_SOAK_SECONDS", 20);
	int nproc = env_ul("KTLS_SOAK_PROCS", 4);
	int npairs = env_ul("KTLS_SOAK_PAIRS", 2);
	uint64_t seed = env_seed("KTLS_SOAK_SEED");
	struct proc_res *res, sum = { 0 };
	double start = now_s(), end = start + secs;
	char why[256];
	long g;
	int i, j, st, bad = 0;
	pid_t pid;

	fprintf(stderr, "# soak: KTLS_SOAK_SEED=%#llx %d processes x %d pairs, %lu s\n",
		(unsigned long long)seed, nproc, npairs, secs);
	res = mmap(NULL, nproc * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(res, MAP_FAILED);
	memset(res, 0, nproc * sizeof(*res));
	for (i = 0; i < nproc; i++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			proc_main(seed + i * 0x100000001ULL, npairs, end,
				  &res[i]);
			_exit(0);
		}
	}
	for (i = 0; i < nproc; i++) {
		ASSERT_GT(wait(&st), 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	for (i = 0; i < nproc; i++) {
		sum.bytes += res[i].bytes;
		for (j = 0; j < NOPS; j++)
			sum.ops[j] += res[i].ops[j];
		EXPECT_FALSE(res[i].failed) {
			TH_LOG("process %d: %s", i, res[i].why);
		}
	}
	fprintf(stderr, "# soak: %llu bytes verified in %.1f s; writes: send %lu, sendfile %lu, splice %lu; reads: recv %lu, peek+recv %lu, splice %lu; TLS 1.3 KeyUpdates %lu\n",
		sum.bytes, now_s() - start, sum.ops[OP_SEND],
		sum.ops[OP_SENDFILE], sum.ops[OP_SPLICE], sum.ops[OP_RECV],
		sum.ops[OP_PEEK], sum.ops[OP_RSPLICE], sum.ops[OP_REKEY]);
	EXPECT_EQ(bad, 0);
	EXPECT_GT(sum.bytes, 0);
	g = gauges_settle(10, why, sizeof(why));
	EXPECT_EQ(g, 0) {
		TH_LOG("gauges not back to 0 after the soak: %s", why);
	}
	munmap(res, nproc * sizeof(*res));
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	harness_set_timeouts(env_ul("KTLS_SOAK_SECONDS", 20) + 90);
	return test_harness_run(argc, argv);
}
