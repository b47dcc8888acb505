// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ktls-bench: the benchmark harness of `make bench` (scripts/bench.sh
 * stages its static build into the VM; tests/bench/bench-suite.sh runs
 * it), one loopback measurement per invocation.  Built by
 * tests/bench/Makefile with the CLI's helpers (tools/common.c, fdio.c).
 *
 * A sender and a receiver process share a TCP connection on 127.0.0.1.
 * The sender runs the chosen mode for --time seconds and closes; the
 * receiver reads until EOF.  Each side takes getrusage() around its own
 * loop; /proc/stat gives the whole machine's busy time (kernel work items
 * run in neither process).  Implementations:
 *
 *   ktls     kernel TLS through the ULP named by --ulp (default "tls"),
 *            random keys set with TLS_TX / TLS_RX (no handshake needed)
 *   openssl  userspace TLS: SSL_write / SSL_read after a real handshake
 *            (sendfile/splice modes: read() + SSL_write)
 *   tcp      plain TCP, the ceiling
 *   crypto   the kernel AEAD through AF_ALG, no network: the crypto limit
 *
 * In the send, sendfile and splice modes the receiver discards the raw
 * bytes (ciphertext) with recv(MSG_TRUNC), which TCP frees without copying
 * them to user space (--rx-copy: read() them into a buffer instead), so
 * the sender's cost is what differs; in recv mode the sender uses the same
 * implementation (16 KiB sends; --tx-ulp: another kTLS ULP, so that two
 * modules under test decrypt what one sender sealed) and the receiver
 * decrypts (kTLS RX, SSL_read).  --mode pingpong: each end sends --size
 * bytes and waits for them to come back (kTLS on both ends, both ways).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_alg.h>
#include <linux/tls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <ktls/ktls.h>
#include "fdio.h"
#include "ktls-tool.h"

const char *PROG_NAME = "ktls-bench";

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

enum impl { I_KTLS, I_OPENSSL, I_TCP, I_CRYPTO };
enum mode { M_SEND, M_SENDFILE, M_SPLICE, M_RECV, M_INSTALL, M_PINGPONG,
	    M_KEYUPDATE };
#define N_MODES 7
static const char *const impl_names[] = { "ktls", "openssl", "tcp", "crypto" };
static const char *const mode_names[] = { "send", "sendfile", "splice", "recv",
					  "install", "pingpong", "keyupdate" };

struct bench {
	enum impl impl;
	enum mode mode;
	const char *ulp;
	const char *ulp2;	/* --compare: the other ULP, interleaved */
	const char *tx_ulp;	/* --tx-ulp: the sender's ULP in recv mode */
	int rx_copy;		/* --rx-copy: send modes read() the ciphertext */
	int slices;		/* --compare: time slices per ULP */
	size_t size;		/* bytes per send / record */
	int more;		/* MSG_MORE on every send */
	int rx_no_pad;		/* TLS_RX_EXPECT_NO_PAD on the receiver */
	int version;		/* TLS_1_2_VERSION / TLS_1_3_VERSION */
	const struct ktls_cipher_desc *cd;
	double seconds;
	size_t file_size;
	const char *file;
	int json;
	int streams;		/* --streams: connections in parallel */
	int conns;		/* --mode install: loopback pairs */
	int sockbuf;		/* --sockbuf: SO_SNDBUF/SO_RCVBUF, 0 = autotuned */
	char command[1024];
};

/* What each side reports through the result pipe. */
struct side {
	unsigned long long bytes;
	unsigned long long trips;	/* --mode pingpong: round trips */
	double t_start, t_end;	/* CLOCK_MONOTONIC, system-wide */
	double cpu_user, cpu_sys;
	int err;		/* errno of the first failure, 0 if none */
	char what[96];		/* which call failed */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [options]\n"
"  --impl I        ktls (default), openssl, tcp, crypto\n"
"  --mode M        send (default), sendfile, splice, recv, pingpong (each\n"
"                  round trip: --size bytes there, read whole, sent back),\n"
"                  keyupdate (TLS 1.3: TLS_TX set again with a new key,\n"
"                  then a 1-byte record, as fast as it goes: KeyUpdates\n"
"                  per second of the sender)\n"
"  --ulp NAME      TCP ULP for --impl ktls (default tls; ktls for ktls.ko\n"
"                  loaded with ulp_name=ktls beside the in-tree module)\n"
"  --tx-ulp NAME   recv mode: the sending socket's ULP (default: --ulp),\n"
"                  so every module under test decrypts the same sender\n"
"  --rx-copy       send/sendfile/splice: the receiver read()s the ciphertext\n"
"                  into a buffer (default: recv(MSG_TRUNC), which discards\n"
"                  it without a copy to user space)\n"
"  --size N        bytes per send (send/recv) or record (crypto); K/M\n"
"                  suffixes; default 16K\n"
"  --more          MSG_MORE on every send (send mode, kernel sockets)\n"
"  --tls V         1.2 or 1.3 (default 1.3)\n"
"  --rx-no-pad     recv mode, TLS 1.3: TLS_RX_EXPECT_NO_PAD on the receiver\n"
"                  (the sender pads nothing), so records of data can be\n"
"                  decrypted straight into the reader's buffer\n"
"  --cipher C      AES-128-GCM (default), AES-256-GCM, CHACHA20-POLY1305,\n"
"                  AES-128-CCM, and SM4/ARIA where the headers know them\n"
"  --time S        seconds of sending (default 2)\n"
"  --file PATH     file for sendfile/splice (default: a temporary file of\n"
"                  --file-size bytes in $TMPDIR or /tmp, read once so it\n"
"                  is in the page cache)\n"
"  --file-size N   default 8M\n"
"  --json          one JSON object on stdout instead of text\n"
"  --compare A,B   two kTLS ULPs (e.g. tls,ktls) on two connections at\n"
"                  once: one sender alternates between them in time slices\n"
"                  (A B B A A B ...), so both see the same machine load;\n"
"                  --time is per ULP; one report per ULP\n"
"  --slices N      slices per ULP with --compare (default 10)\n"
"  --sockbuf N     fix the sender's SO_SNDBUF and the receiver's SO_RCVBUF\n"
"                  at N bytes (K/M suffixes) instead of TCP's autotuning;\n"
"                  --compare fixes them at 256K unless given, so a single\n"
"                  run with --sockbuf 256K has its stream's shape\n"
"  --streams N     N connections at once, each with its own sender and\n"
"                  receiver process (default 1); one report of the sum\n"
"  --mode install  scale instead of throughput: --conns loopback pairs,\n"
"                  TCP_ULP + TLS_TX + TLS_RX on every socket; reports key\n"
"                  installs per second and the kernel memory per socket\n"
"                  (/proc/meminfo deltas) idle, after traffic and busy\n"
"  --conns N       pairs for --mode install (default 1000)\n"
"Reports bytes/s, CPU seconds (user+sys of both ends, and the machine's\n"
"busy time from /proc/stat) and bytes per CPU-second.\n", PROG_NAME);
}

static void rusage_now(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Busy seconds of the whole machine (all CPUs) from /proc/stat. */
static double machine_busy(void)
{
	unsigned long long v[10] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	long hz = sysconf(_SC_CLK_TCK);
	double busy;

	if (!f)
		return -1;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) {
		fclose(f);
		return -1;
	}
	fclose(f);
	/* user nice system [idle iowait] irq softirq steal */
	busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	return busy / (hz > 0 ? hz : 100);
}

static void fail_side(struct side *sd, const char *what)
{
	if (!sd->err) {
		sd->err = errno ? errno : EIO;
		snprintf(sd->what, sizeof(sd->what), "%s", what);
	}
}

/* ------------------------------------------------------------ kTLS keys */

struct keys {
	unsigned char info[96];
	size_t len;
};

/* Every tls12_crypto_info_* is laid out as: header, iv, key, salt, rec_seq. */
static int make_keys(const struct bench *b, struct keys *k)
{
	const struct ktls_cipher_desc *cd = b->cd;
	struct tls_crypto_info *h = (struct tls_crypto_info *)k->info;
	size_t need = sizeof(*h) + cd->iv_len + cd->key_len + cd->salt_len + 8;

	if (need != cd->info_len || need > sizeof(k->info))
		return -1;
	memset(k->info, 0, sizeof(k->info));
	h->version = b->version;
	h->cipher_type = cd->kernel_type;
	if (getrandom(k->info + sizeof(*h), need - sizeof(*h) - 8, 0) < 0)
		return -1;
	k->len = need;
	return 0;
}

static int ktls_attach(int fd, const char *ulp, int dir, const struct keys *k,
		       const char **what)
{
	int opt = dir;

	*what = "setsockopt(TCP_ULP)";
	if (setsockopt(fd, SOL_TCP, TCP_ULP, ulp, strlen(ulp)) < 0 &&
	    errno != EEXIST)
		return -1;
	*what = opt == TLS_TX ? "setsockopt(TLS_TX)" : "setsockopt(TLS_RX)";
	return setsockopt(fd, SOL_TLS, opt, k->info, k->len);
}

/* --rx-no-pad: the peer promises TLS 1.3 records without padding. */
static int ktls_rx_no_pad(const struct bench *b, int fd, const char **what)
{
	int one = 1;

	if (!b->rx_no_pad)
		return 0;
	*what = "setsockopt(TLS_RX_EXPECT_NO_PAD)";
	return setsockopt(fd, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one, sizeof(one));
}

/*
 * kTLS on a connection, sender @s, receiver @r: TLS_TX on @s (with
 * --tx-ulp's ULP in recv mode), TLS_RX on @r in recv mode; pingpong
 * both ways on both, with a second key.
 */
static int ktls_setup(const struct bench *b, int s, int r, const char *ulp,
		      const char **what)
{
	const char *tx = b->mode == M_RECV && b->tx_ulp ? b->tx_ulp : ulp;
	struct keys k, k2;
	int rc = -1;

	*what = "";
	if (make_keys(b, &k) < 0 || make_keys(b, &k2) < 0)
		goto out;
	if (ktls_attach(s, tx, TLS_TX, &k, what) < 0)
		goto out;
	if ((b->mode == M_RECV || b->mode == M_PINGPONG) &&
	    (ktls_attach(r, ulp, TLS_RX, &k, what) < 0 ||
	     ktls_rx_no_pad(b, r, what) < 0))
		goto out;
	if (b->mode == M_PINGPONG &&
	    (ktls_attach(r, ulp, TLS_TX, &k2, what) < 0 ||
	     ktls_attach(s, ulp, TLS_RX, &k2, what) < 0))
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(&k, sizeof(k));
	OPENSSL_cleanse(&k2, sizeof(k2));
	return rc;
}

/* ------------------------------------------------------------- OpenSSL */

static const struct {
	const char *name, *suite13, *list12;
} ossl_names[] = {
	{ "AES-128-GCM", "TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256" },
	{ "AES-256-GCM", "TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384" },
	{ "CHACHA20-POLY1305", "TLS_CHACHA20_POLY1305_SHA256",
	  "ECDHE-ECDSA-CHACHA20-POLY1305" },
	{ "AES-128-CCM", "TLS_AES_128_CCM_SHA256", "ECDHE-ECDSA-AES128-CCM" },
};

static SSL_CTX *ossl_ctx(const struct bench *b, int server)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	const char *s13 = NULL, *l12 = NULL;

	for (size_t i = 0; i < sizeof(ossl_names) / sizeof(ossl_names[0]); i++)
		if (!strcmp(ossl_names[i].name, b->cd->name)) {
			s13 = ossl_names[i].suite13;
			l12 = ossl_names[i].list12;
		}
	if (!ctx || !s13)
		goto bad;
	SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_KTLS);
	SSL_CTX_set_min_proto_version(ctx, b->version == TLS_1_2_VERSION ?
				      TLS1_2_VERSION : TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(ctx, b->version == TLS_1_2_VERSION ?
				      TLS1_2_VERSION : TLS1_3_VERSION);
	if (b->version == TLS_1_3_VERSION ? !SSL_CTX_set_ciphersuites(ctx, s13) :
	    !SSL_CTX_set_cipher_list(ctx, l12))
		goto bad;
	SSL_CTX_set_num_tickets(ctx, 0);
	if (server && use_selfsigned_cert(ctx) < 0)
		goto bad;
	return ctx;
bad:
	SSL_CTX_free(ctx);
	return NULL;
}

static SSL *ossl_handshake(SSL_CTX *ctx, int fd, int server)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl || !SSL_set_fd(ssl, fd))
		goto bad;
	if ((server ? SSL_accept(ssl) : SSL_connect(ssl)) != 1)
		goto bad;
	return ssl;
bad:
	SSL_free(ssl);
	return NULL;
}

/* ------------------------------------------------------------- sides */

static ssize_t write_all_ssl(SSL *ssl, const void *buf, size_t n)
{
	int r = SSL_write(ssl, buf, (int)n);

	if (r <= 0) {
		errno = EIO;
		return -1;
	}
	return r;
}

static ssize_t send_all(int fd, const void *buf, size_t n, int flags)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = send(fd, (const char *)buf + done, n - done, flags);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += r;
	}
	return done;
}

static void sender(const struct bench *b, int fd, SSL *ssl, int file_fd,
		   struct side *sd)
{
	size_t bufsz = b->size > 65536 ? b->size : 65536;
	char *buf = malloc(bufsz);
	int pfd[2] = { -1, -1 };
	double deadline, u0, s0, u1, s1;
	off_t off = 0;

	if (!buf) {
		fail_side(sd, "malloc");
		return;
	}
	memset(buf, 0x5a, bufsz);
	if (b->mode == M_SPLICE && pipe(pfd) < 0) {
		fail_side(sd, "pipe");
		free(buf);
		return;
	}
	rusage_now(&u0, &s0);
	sd->t_start = now_sec();
	deadline = sd->t_start + b->seconds;
	while (!sd->err && now_sec() < deadline) {
		/* small sends: 16 operations between clock reads */
		for (int i = 0; i < (b->mode == M_SEND && b->size < 16384 ? 16 : 1) &&
				!sd->err; i++) {
			ssize_t r;

			switch (b->mode) {
			case M_SEND:
			case M_RECV:
				r = ssl ? write_all_ssl(ssl, buf, b->size) :
				    send_all(fd, buf, b->size, b->more ? MSG_MORE : 0);
				if (r < 0)
					fail_side(sd, ssl ? "SSL_write" : "send");
				else
					sd->bytes += r;
				break;
			case M_SENDFILE:
				if (ssl) {
					r = pread(file_fd, buf, 16384, off);
					if (r > 0 && write_all_ssl(ssl, buf, r) < 0)
						fail_side(sd, "SSL_write");
					else if (r < 0)
						fail_side(sd, "pread");
					else
						off += r;
				} else {
					/* 64 KiB a call, as splice: the clock is read between calls */
					r = sendfile(fd, file_fd, &off,
						     b->file_size - off < 65536 ?
						     b->file_size - off : 65536);
					if (r < 0 && errno != EINTR)
						fail_side(sd, "sendfile");
				}
				if (r > 0)
					sd->bytes += r;
				if ((size_t)off >= b->file_size)
					off = 0;
				break;
			case M_SPLICE: {
				loff_t lo = off;
				ssize_t in = splice(file_fd, &lo, pfd[1], NULL,
						    b->file_size - off < 65536 ?
						    b->file_size - off : 65536, 0);

				if (in <= 0) {
					fail_side(sd, "splice(file->pipe)");
					break;
				}
				off = lo;
				while (in > 0) {
					r = splice(pfd[0], NULL, fd, NULL, in, 0);
					if (r <= 0) {
						fail_side(sd, "splice(pipe->socket)");
						break;
					}
					in -= r;
					sd->bytes += r;
				}
				if ((size_t)off >= b->file_size)
					off = 0;
				break;
			}
			case M_KEYUPDATE: {
				/* what a TLS 1.3 sender does on a KeyUpdate: new key, go on */
				struct keys k;

				if (make_keys(b, &k) < 0) {
					fail_side(sd, "key material");
					break;
				}
				if (setsockopt(fd, SOL_TLS, TLS_TX, k.info, k.len) < 0) {
					fail_side(sd, "setsockopt(TLS_TX) again (KeyUpdate)");
					OPENSSL_cleanse(&k, sizeof(k));
					break;
				}
				OPENSSL_cleanse(&k, sizeof(k));
				if (send_all(fd, buf, 1, 0) < 0)
					fail_side(sd, "send");
				else {
					sd->bytes++;
					sd->trips++;
				}
				break;
			}
			case M_INSTALL:	/* run_install() */
			case M_PINGPONG:	/* pp_sender() */
				break;
			}
		}
	}
	/* MSG_MORE leaves the last record open: close it as a real sender would */
	if (!sd->err && b->more && !ssl && send(fd, buf, 0, 0) < 0)
		fail_side(sd, "send(flush)");
	rusage_now(&u1, &s1);
	sd->cpu_user = u1 - u0;
	sd->cpu_sys = s1 - s0;
	sd->t_end = now_sec();
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	free(buf);
}

static void receiver(const struct bench *b, int fd, SSL *ssl, struct side *sd)
{
	size_t bufsz = 65536;
	char *buf = malloc(bufsz);
	double u0, s0, u1, s1;

	if (!buf) {
		fail_side(sd, "malloc");
		return;
	}
	rusage_now(&u0, &s0);
	sd->t_start = now_sec();
	for (;;) {
		ssize_t r;

		if (ssl) {
			r = SSL_read(ssl, buf, (int)bufsz);
			if (r <= 0) {
				int e = SSL_get_error(ssl, (int)r);

				/* the sender closes without close_notify */
				if (e != SSL_ERROR_ZERO_RETURN && e != SSL_ERROR_SYSCALL &&
				    !(e == SSL_ERROR_SSL && sd->bytes)) {
					errno = EIO;
					fail_side(sd, "SSL_read");
				}
				ERR_clear_error();
				break;
			}
		} else if (b->mode != M_RECV && !b->rx_copy) {
			/* TCP frees what MSG_TRUNC asks for, copying nothing */
			r = recv(fd, buf, bufsz, MSG_TRUNC);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				fail_side(sd, "recv(MSG_TRUNC)");
				break;
			}
			if (!r)
				break;
		} else {
			/* kTLS RX: a 16 KiB buffer is one record per call */
			r = read(fd, buf, b->impl == I_KTLS && b->mode == M_RECV ?
				 16384 : bufsz);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				fail_side(sd, "read");
				break;
			}
			if (!r)
				break;
		}
		sd->bytes += r;
	}
	sd->t_end = now_sec();
	rusage_now(&u1, &s1);
	sd->cpu_user = u1 - u0;
	sd->cpu_sys = s1 - s0;
	free(buf);
}

/* ----------------------------------------------------- --mode pingpong */

/* Read exactly @n bytes (kTLS: a record per call while n fits one). */
static int read_exact(int fd, char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : 0;
		done += r;
	}
	return 1;
}

/*
 * The initiating end: --size bytes out, the same back, until --time is
 * up.  sd->bytes counts the payload one way, sd->trips the round trips.
 */
static void pp_sender(const struct bench *b, int fd, struct side *sd)
{
	char *buf = malloc(b->size);
	double deadline, u0, s0, u1, s1;

	if (!buf) {
		fail_side(sd, "malloc");
		return;
	}
	memset(buf, 0x5a, b->size);
	rusage_now(&u0, &s0);
	sd->t_start = now_sec();
	deadline = sd->t_start + b->seconds;
	while (!sd->err && now_sec() < deadline) {
		for (int i = 0; i < 8 && !sd->err; i++) {
			if (send_all(fd, buf, b->size, 0) < 0)
				fail_side(sd, "send");
			else if (read_exact(fd, buf, b->size) != 1)
				fail_side(sd, "read (reply)");
			else {
				sd->bytes += b->size;
				sd->trips++;
			}
		}
	}
	rusage_now(&u1, &s1);
	sd->t_end = now_sec();
	sd->cpu_user = u1 - u0;
	sd->cpu_sys = s1 - s0;
	free(buf);
}

/* The echoing end: --size bytes in, the same out, until EOF. */
static void pp_echo(const struct bench *b, int fd, struct side *sd)
{
	char *buf = malloc(b->size);
	double u0, s0, u1, s1;
	int r;

	if (!buf) {
		fail_side(sd, "malloc");
		return;
	}
	rusage_now(&u0, &s0);
	sd->t_start = now_sec();
	while ((r = read_exact(fd, buf, b->size)) == 1) {
		if (send_all(fd, buf, b->size, 0) < 0) {
			fail_side(sd, "send (reply)");
			break;
		}
		sd->bytes += b->size;
		sd->trips++;
	}
	/* EOF is the end; anything else but a reset at close is a failure */
	if (r < 0 && errno != ECONNRESET)
		fail_side(sd, "read");
	sd->t_end = now_sec();
	rusage_now(&u1, &s1);
	sd->cpu_user = u1 - u0;
	sd->cpu_sys = s1 - s0;
	free(buf);
}

/* ------------------------------------------------------- crypto limit */

static const char *alg_name(const struct ktls_cipher_desc *cd)
{
	static const struct { const char *name, *alg; } t[] = {
		{ "AES-128-GCM", "gcm(aes)" }, { "AES-256-GCM", "gcm(aes)" },
		{ "CHACHA20-POLY1305", "rfc7539(chacha20,poly1305)" },
		{ "AES-128-CCM", "ccm(aes)" }, { "SM4-GCM", "gcm(sm4)" },
		{ "SM4-CCM", "ccm(sm4)" }, { "ARIA-128-GCM", "gcm(aria)" },
		{ "ARIA-256-GCM", "gcm(aria)" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, cd->name))
			return t[i].alg;
	return NULL;
}

/* Seal --size byte records (AAD as TLS 1.2 or 1.3) through AF_ALG. */
static void crypto_limit(const struct bench *b, struct side *sd)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "aead" };
	const char *alg = alg_name(b->cd);
	int ccm = strstr(alg ? alg : "", "ccm(") != NULL;
	size_t ivlen = ccm ? 16 : 12;
	size_t aad = b->version == TLS_1_2_VERSION ? 13 : 5;
	size_t in_len = aad + b->size, out_len = aad + b->size + b->cd->tag_len;
	unsigned char key[32] = { 0 };
	char cbuf[CMSG_SPACE(4) + CMSG_SPACE(sizeof(struct af_alg_iv) + 16) +
		  CMSG_SPACE(4)] = { 0 };
	char *in = malloc(in_len), *out = malloc(out_len);
	int tfm = -1, op = -1;
	double deadline, u0, s0, u1, s1;
	unsigned long long seq = 0;

	if (!alg || !in || !out) {
		errno = alg ? ENOMEM : EOPNOTSUPP;
		fail_side(sd, alg ? "malloc" : "no AF_ALG name for this cipher");
		goto out;
	}
	memset(in, 0x5a, in_len);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", alg);
	if (getrandom(key, sizeof(key), 0) < 0) {
		fail_side(sd, "getrandom");
		goto out;
	}
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0) {
		fail_side(sd, "socket(AF_ALG)");
		goto out;
	}
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail_side(sd, "bind(AF_ALG)");
		goto out;
	}
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, b->cd->key_len) < 0) {
		fail_side(sd, "ALG_SET_KEY");
		goto out;
	}
	if (setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL,
		       b->cd->tag_len) < 0) {
		fail_side(sd, "ALG_SET_AEAD_AUTHSIZE");
		goto out;
	}
	op = accept(tfm, NULL, 0);
	if (op < 0) {
		fail_side(sd, "accept(AF_ALG)");
		goto out;
	}
	rusage_now(&u0, &s0);
	sd->t_start = now_sec();
	deadline = sd->t_start + b->seconds;
	while (!sd->err && now_sec() < deadline) {
		for (int i = 0; i < 16 && !sd->err; i++) {
			struct iovec iov = { in, in_len };
			struct msghdr msg = {
				.msg_iov = &iov, .msg_iovlen = 1,
				.msg_control = cbuf,
				.msg_controllen = CMSG_SPACE(4) +
					CMSG_SPACE(sizeof(struct af_alg_iv) + ivlen) +
					CMSG_SPACE(4),
			};
			struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
			struct af_alg_iv *iv;
			ssize_t r;

			c->cmsg_level = SOL_ALG;
			c->cmsg_type = ALG_SET_OP;
			c->cmsg_len = CMSG_LEN(4);
			*(unsigned int *)CMSG_DATA(c) = ALG_OP_ENCRYPT;
			c = CMSG_NXTHDR(&msg, c);
			c->cmsg_level = SOL_ALG;
			c->cmsg_type = ALG_SET_IV;
			c->cmsg_len = CMSG_LEN(sizeof(*iv) + ivlen);
			iv = (struct af_alg_iv *)CMSG_DATA(c);
			iv->ivlen = ivlen;
			memset(iv->iv, 0, ivlen);
			/* nonce = seq in the last 8 bytes (CCM: flags byte L-1 = 2) */
			if (ccm)
				iv->iv[0] = 2;
			memcpy(iv->iv + (ccm ? 5 : 4), &seq, 8);
			c = CMSG_NXTHDR(&msg, c);
			c->cmsg_level = SOL_ALG;
			c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
			c->cmsg_len = CMSG_LEN(4);
			*(unsigned int *)CMSG_DATA(c) = aad;
			seq++;
			if (sendmsg(op, &msg, 0) != (ssize_t)in_len) {
				fail_side(sd, "sendmsg(AF_ALG)");
				break;
			}
			r = read(op, out, out_len);
			if (r != (ssize_t)out_len) {
				fail_side(sd, "read(AF_ALG)");
				break;
			}
			sd->bytes += b->size;
		}
	}
	rusage_now(&u1, &s1);
	sd->t_end = now_sec();
	sd->cpu_user = u1 - u0;
	sd->cpu_sys = s1 - s0;
out:
	if (op >= 0)
		close(op);
	if (tfm >= 0)
		close(tfm);
	free(in);
	free(out);
}

/* ----------------------------------------------------------- plumbing */

/* A connected loopback pair, Nagle off on the sender's end *s. */
static int tcp_pair(int *s, int *r)
{
	int one = 1;

	if (loopback_pair(s, r))
		return -1;
	setsockopt(*s, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* Fix the sender's send buffer and the receiver's receive buffer at @n. */
static void fix_sockbufs(int s, int r, int n)
{
	setsockopt(s, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
	setsockopt(r, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
}

static int make_file(const struct bench *b)
{
	char path[256];
	const char *dir = getenv("TMPDIR");
	char *buf;
	int fd;

	if (b->file)
		return open(b->file, O_RDONLY);
	snprintf(path, sizeof(path), "%s/ktls-bench.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	buf = malloc(65536);
	if (!buf) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < 65536; i++)
		buf[i] = (char)(i * 131 + 7);
	for (size_t done = 0; done < b->file_size;) {
		size_t n = b->file_size - done < 65536 ? b->file_size - done : 65536;

		if (write(fd, buf, n) != (ssize_t)n) {
			free(buf);
			close(fd);
			return -1;
		}
		done += n;
	}
	/* read it back once: in the page cache for certain */
	for (off_t o = 0; pread(fd, buf, 65536, o) > 0; o += 65536)
		;
	free(buf);
	return fd;
}

static void on_alarm(int sig)
{
	static const char m[] = "ktls-bench: time limit reached (a side is stuck)\n";

	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* Which module provides the ULP, e.g. "ktls.ko 0.1.0 (srcversion X)". */
static void describe_module(const struct bench *b, char *out, size_t n)
{
	char name[64] = "", ver[64] = "", src[64] = "", p[128];
	const char *mod = NULL;
	FILE *f;

	snprintf(out, n, "none");
	if (b->impl == I_TCP)
		return;
	if (b->impl == I_OPENSSL) {
		snprintf(out, n, "%s", OpenSSL_version(OPENSSL_VERSION));
		return;
	}
	if (b->impl == I_CRYPTO) {
		snprintf(out, n, "af_alg %s", alg_name(b->cd) ? alg_name(b->cd) : "?");
		return;
	}
	f = fopen("/sys/module/ktls/parameters/ulp_name", "r");
	if (f) {
		if (fscanf(f, "%63s", name) == 1 && !strcmp(name, b->ulp))
			mod = "ktls";
		fclose(f);
	}
	if (!mod && !strcmp(b->ulp, "tls") && !access("/sys/module/tls", F_OK))
		mod = "tls";
	if (!mod) {
		snprintf(out, n, "unknown (ULP %s)", b->ulp);
		return;
	}
	snprintf(p, sizeof(p), "/sys/module/%s/version", mod);
	if ((f = fopen(p, "r"))) {
		if (fscanf(f, "%63s", ver) != 1)
			ver[0] = 0;
		fclose(f);
	}
	snprintf(p, sizeof(p), "/sys/module/%s/srcversion", mod);
	if ((f = fopen(p, "r"))) {
		if (fscanf(f, "%63s", src) != 1)
			src[0] = 0;
		fclose(f);
	}
	snprintf(out, n, "%s.ko%s%s%s%s%s", mod,
		 !strcmp(mod, "tls") ? " (in-tree)" : "", ver[0] ? " " : "", ver,
		 src[0] ? " srcversion " : "", src);
}

static void json_str(const char *k, const char *v, int last)
{
	printf("\"%s\":\"", k);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	}
	printf("\"%s", last ? "" : ",");
}

static void report(const struct bench *b, const struct side *tx,
		   const struct side *rx, double busy, double wall)
{
	struct utsname u;
	char mod[160];
	double cpu_tx = tx->cpu_user + tx->cpu_sys;
	double cpu_rx = rx->cpu_user + rx->cpu_sys;
	double cpu = cpu_tx + cpu_rx;
	/* payload bytes: what the sender handed over (recv mode: decrypted) */
	unsigned long long bytes = b->mode == M_RECV || b->impl == I_CRYPTO ?
				   rx->bytes : tx->bytes;
	char ver[8];

	uname(&u);
	describe_module(b, mod, sizeof(mod));
	snprintf(ver, sizeof(ver), "%s", b->version == TLS_1_2_VERSION ? "1.2" : "1.3");
	if (b->impl == I_TCP)
		snprintf(ver, sizeof(ver), "-");
	if (wall <= 0)
		wall = 1e-9;
	if (b->json) {
		printf("{");
		json_str("impl", impl_names[b->impl], 0);
		json_str("ulp", b->impl == I_KTLS ? b->ulp : "", 0);
		json_str("module", mod, 0);
		json_str("kernel", u.release, 0);
		json_str("mode", b->impl == I_CRYPTO ? "aead" : mode_names[b->mode], 0);
		printf("\"size\":%zu,\"more\":%s,\"rx_no_pad\":%s,\"slices\":%d,"
		       "\"streams\":%d,\"rx_copy\":%s,", b->size, b->more ? "true" : "false",
		       b->rx_no_pad ? "true" : "false", b->ulp2 ? b->slices : 0,
		       b->streams, b->rx_copy ? "true" : "false");
		json_str("tx_ulp", b->impl == I_KTLS && b->mode == M_RECV ?
			 (b->tx_ulp ? b->tx_ulp : b->ulp) : "", 0);
		if (b->mode == M_PINGPONG)
			printf("\"round_trips\":%llu,\"ns_per_round_trip\":%.0f,",
			       tx->trips, tx->trips ? wall * 1e9 / tx->trips : 0);
		if (b->mode == M_KEYUPDATE)
			printf("\"keyupdates\":%llu,\"keyupdates_per_s\":%.1f,"
			       "\"keyupdates_per_tx_cpu_s\":%.1f,", tx->trips,
			       tx->trips / wall, cpu_tx > 0 ? tx->trips / cpu_tx : 0);
		json_str("tls", ver, 0);
		json_str("cipher", b->impl == I_TCP ? "-" : b->cd->name, 0);
		printf("\"wall_s\":%.6f,\"bytes\":%llu,\"bytes_per_s\":%.0f,"
		       "\"cpu_tx_s\":%.4f,\"cpu_rx_s\":%.4f,\"cpu_s\":%.4f,"
		       "\"bytes_per_cpu_s\":%.0f,\"bytes_per_tx_cpu_s\":%.0f,"
		       "\"machine_cpu_s\":%.4f,\"bytes_per_machine_cpu_s\":%.0f,",
		       wall, bytes, bytes / wall, cpu_tx, cpu_rx, cpu,
		       cpu > 0 ? bytes / cpu : 0, cpu_tx > 0 ? bytes / cpu_tx : 0,
		       busy, busy > 0 ? bytes / busy : 0);
		json_str("command", b->command, 1);
		printf("}\n");
	} else {
		printf("command:  %s\nkernel:   %s\nmodule:   %s\n", b->command,
		       u.release, mod);
		printf("run:      %s %s size=%zu%s tls=%s cipher=%s streams=%d\n",
		       impl_names[b->impl],
		       b->impl == I_CRYPTO ? "aead" : mode_names[b->mode], b->size,
		       b->more ? " MSG_MORE" : "", ver,
		       b->impl == I_TCP ? "-" : b->cd->name, b->streams);
		printf("bytes:    %llu in %.3f s = %.1f MB/s\n", bytes, wall,
		       bytes / wall / 1e6);
		if (b->mode == M_PINGPONG)
			printf("trips:    %llu round trips, %.0f ns each\n", tx->trips,
			       tx->trips ? wall * 1e9 / tx->trips : 0);
		printf("cpu:      %.3f s (sender %.3f = %.3f user + %.3f sys, "
		       "receiver %.3f); machine busy %.3f s\n",
		       cpu, cpu_tx, tx->cpu_user, tx->cpu_sys, cpu_rx, busy);
		printf("per cpu:  %.1f MB per CPU-second (both ends), %.1f per "
		       "machine CPU-second\n", cpu > 0 ? bytes / cpu / 1e6 : 0,
		       busy > 0 ? bytes / busy / 1e6 : 0);
	}
}

static int parse_args(struct bench *b, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "impl", required_argument, 0, 'i' },
		{ "mode", required_argument, 0, 'm' },
		{ "ulp", required_argument, 0, 'u' },
		{ "size", required_argument, 0, 's' },
		{ "more", no_argument, 0, 'M' },
		{ "tls", required_argument, 0, 'V' },
		{ "rx-no-pad", no_argument, 0, 'P' },
		{ "cipher", required_argument, 0, 'c' },
		{ "time", required_argument, 0, 't' },
		{ "file", required_argument, 0, 'f' },
		{ "file-size", required_argument, 0, 'F' },
		{ "json", no_argument, 0, 'j' },
		{ "compare", required_argument, 0, 'C' },
		{ "slices", required_argument, 0, 'S' },
		{ "streams", required_argument, 0, 'N' },
		{ "conns", required_argument, 0, 'n' },
		{ "sockbuf", required_argument, 0, 'B' },
		{ "tx-ulp", required_argument, 0, 'T' },
		{ "rx-copy", no_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	const char *cipher = "AES-128-GCM";
	size_t pos = 0;
	int c;

	*b = (struct bench){ .impl = I_KTLS, .mode = M_SEND, .ulp = "tls",
			     .size = 16384, .version = TLS_1_3_VERSION,
			     .seconds = 2, .file_size = 8 << 20, .slices = 10,
			     .streams = 1, .conns = 1000 };
	pos += snprintf(b->command, sizeof(b->command), "%s", PROG_NAME);
	for (int i = 1; i < argc && pos < sizeof(b->command); i++)
		pos += snprintf(b->command + pos, sizeof(b->command) - pos, " %s",
				argv[i]);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			for (c = 0; c < 4 && strcmp(optarg, impl_names[c]); c++)
				;
			if (c == 4)
				goto bad;
			b->impl = c;
			break;
		case 'm':
			for (c = 0; c < N_MODES && strcmp(optarg, mode_names[c]); c++)
				;
			if (c == N_MODES)
				goto bad;
			b->mode = c;
			break;
		case 'u':
			b->ulp = optarg;
			break;
		case 'T':
			b->tx_ulp = optarg;
			break;
		case 'R':
			b->rx_copy = 1;
			break;
		case 's':
			if (parse_size(optarg, &b->size) < 0)
				goto bad;
			break;
		case 'M':
			b->more = 1;
			break;
		case 'V':
			if (!strcmp(optarg, "1.2"))
				b->version = TLS_1_2_VERSION;
			else if (!strcmp(optarg, "1.3"))
				b->version = TLS_1_3_VERSION;
			else
				goto bad;
			break;
		case 'P':
			b->rx_no_pad = 1;
			break;
		case 'c':
			cipher = optarg;
			break;
		case 't':
			b->seconds = atof(optarg);
			if (b->seconds <= 0 || b->seconds > 3600)
				goto bad;
			break;
		case 'f':
			b->file = optarg;
			break;
		case 'F':
			if (parse_size(optarg, &b->file_size) < 0)
				goto bad;
			break;
		case 'j':
			b->json = 1;
			break;
		case 'C': {
			char *comma = strchr(optarg, ',');

			if (!comma || comma == optarg || !comma[1] || strchr(comma + 1, ','))
				goto bad;
			*comma = 0;
			b->ulp = optarg;
			b->ulp2 = comma + 1;
			b->impl = I_KTLS;
			break;
		}
		case 'S':
			b->slices = atoi(optarg);
			if (b->slices < 1 || b->slices > 1000)
				goto bad;
			break;
		case 'N':
			b->streams = atoi(optarg);
			if (b->streams < 1 || b->streams > 1024)
				goto bad;
			break;
		case 'n':
			b->conns = atoi(optarg);
			if (b->conns < 1 || b->conns > 100000)
				goto bad;
			break;
		case 'B': {
			size_t v;

			if (parse_size(optarg, &v) < 0 || v < 4096 || v > (64 << 20))
				goto bad;
			b->sockbuf = (int)v;
			break;
		}
		case 'h':
			usage(stdout);
			exit(0);
		default:
			goto bad_quiet;
		}
	}
	if (optind != argc)
		goto bad_quiet;
	for (size_t i = 0; i < ktls_cipher_count(); i++)
		if (!strcasecmp(ktls_cipher_at(i)->name, cipher))
			b->cd = ktls_cipher_at(i);
	if (!b->cd) {
		fprintf(stderr, "%s: unknown cipher `%s'\n", PROG_NAME, cipher);
		return -1;
	}
	if (b->more && (b->mode != M_SEND || b->impl == I_OPENSSL)) {
		fprintf(stderr, "%s: --more is for --mode send on kernel sockets\n",
			PROG_NAME);
		return -1;
	}
	if (b->rx_no_pad && (b->mode != M_RECV || b->impl != I_KTLS ||
			     b->version != TLS_1_3_VERSION)) {
		fprintf(stderr, "%s: --rx-no-pad is for --mode recv with "
			"--impl ktls and --tls 1.3\n", PROG_NAME);
		return -1;
	}
	if (b->tx_ulp && (b->mode != M_RECV || b->impl != I_KTLS)) {
		fprintf(stderr, "%s: --tx-ulp is for --mode recv with --impl ktls\n",
			PROG_NAME);
		return -1;
	}
	if (b->rx_copy && b->mode != M_SEND && b->mode != M_SENDFILE &&
	    b->mode != M_SPLICE) {
		fprintf(stderr, "%s: --rx-copy is for the send, sendfile and splice "
			"modes\n", PROG_NAME);
		return -1;
	}
	if (b->mode == M_KEYUPDATE && (b->impl != I_KTLS || b->ulp2 ||
					b->streams > 1 || b->version != TLS_1_3_VERSION)) {
		fprintf(stderr, "%s: --mode keyupdate is for --impl ktls, TLS 1.3, "
			"one connection\n", PROG_NAME);
		return -1;
	}
	if (b->mode == M_PINGPONG && (b->impl == I_OPENSSL || b->impl == I_CRYPTO ||
				      b->ulp2 || b->streams > 1 || b->more)) {
		fprintf(stderr, "%s: --mode pingpong is for --impl ktls or tcp, one "
			"connection, no --compare, --streams, --more\n", PROG_NAME);
		return -1;
	}
	if (b->ulp2 && b->impl != I_KTLS) {
		fprintf(stderr, "%s: --compare is for kernel TLS ULPs\n", PROG_NAME);
		return -1;
	}
	if (b->streams > 1 && (b->ulp2 || b->impl == I_CRYPTO)) {
		fprintf(stderr, "%s: --streams is for one implementation's "
			"connections (not --compare, not --impl crypto)\n", PROG_NAME);
		return -1;
	}
	if (b->mode == M_INSTALL && (b->impl != I_KTLS || b->ulp2 || b->streams > 1)) {
		fprintf(stderr, "%s: --mode install is for --impl ktls, one ULP, "
			"no --streams\n", PROG_NAME);
		return -1;
	}
	if (b->impl == I_OPENSSL && b->mode == M_SPLICE) {
		fprintf(stderr, "%s: OpenSSL has no splice; use --mode sendfile "
			"(read + SSL_write)\n", PROG_NAME);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad value `%s'\n", PROG_NAME, optarg);
bad_quiet:
	usage(stderr);
	return -1;
}

/*
 * --compare A,B: one connection per ULP, each with its own receiver
 * process; the sender alternates between them in slices (A B B A A B ...)
 * so that both see the same load of a shared, noisy machine.  Socket
 * buffers are fixed at 256 KiB (or --sockbuf) so little is left in flight
 * at a switch.
 */
static int run_compare(struct bench *b, int file_fd)
{
	struct side acc[2] = { 0 }, rx[2] = { 0 };
	double wall[2] = { 0 }, busy[2] = { 0 }, t_close;
	const char *ulps[2] = { b->ulp, b->ulp2 };
	int s[2] = { -1, -1 }, r[2] = { -1, -1 }, res[2][2], go[2];
	int buf = b->sockbuf ? b->sockbuf : 256 << 10, status;
	struct bench one = *b;
	pid_t pid[2] = { -1, -1 };
	const char *what = "";
	char c;

	one.seconds = b->seconds / b->slices;
	if (pipe(go) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (tcp_pair(&s[i], &r[i]) < 0 || pipe(res[i]) < 0) {
			what = "loopback connection";
			goto fail;
		}
		fix_sockbufs(s[i], r[i], buf);
		if (ktls_setup(b, s[i], r[i], ulps[i], &what) < 0) {
			fprintf(stderr, "%s: %s with ULP `%s': %s\n", PROG_NAME,
				what[0] ? what : "key material", ulps[i], strerror(errno));
			return -1;
		}
	}
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			what = "fork";
			goto fail;
		}
		if (pid[i] == 0) {
			struct side sd = { 0 };

			for (int j = 0; j < 2; j++) {
				close(s[j]);
				close(res[j][0]);
				if (j != i) {
					close(r[j]);
					close(res[j][1]);
				}
			}
			close(go[0]);
			if (write(go[1], "", 1) != 1)
				_exit(1);
			receiver(b, r[i], NULL, &sd);
			if (write(res[i][1], &sd, sizeof(sd)) != sizeof(sd))
				_exit(1);
			_exit(0);
		}
	}
	close(go[1]);
	for (int i = 0; i < 2; i++) {
		close(r[i]);
		close(res[i][1]);
		if (fd_read_all(go[0], &c, 1) != 1) {
			what = "receiver start";
			errno = EPIPE;
			goto fail;
		}
	}
	for (int n = 0; n < 2 * b->slices; n++) {
		/* A B, B A, A B, ... */
		int i = ((n / 2) % 2) ^ (n % 2);
		struct side sd = { 0 };
		double b0 = machine_busy();

		sender(&one, s[i], NULL, file_fd, &sd);
		busy[i] += machine_busy() - b0;
		if (sd.err) {
			fprintf(stderr, "%s: sender (ULP %s): %s: %s\n", PROG_NAME,
				ulps[i], sd.what, strerror(sd.err));
			return -1;
		}
		acc[i].bytes += sd.bytes;
		acc[i].cpu_user += sd.cpu_user;
		acc[i].cpu_sys += sd.cpu_sys;
		wall[i] += sd.t_end - sd.t_start;
	}
	t_close = now_sec();
	for (int i = 0; i < 2; i++) {
		shutdown(s[i], SHUT_WR);
		close(s[i]);
	}
	for (int i = 0; i < 2; i++) {
		if (fd_read_all(res[i][0], &rx[i], sizeof(rx[i])) != 1 && !rx[i].err) {
			rx[i].err = EPIPE;
			snprintf(rx[i].what, sizeof(rx[i].what), "receiver result");
		}
		waitpid(pid[i], &status, 0);
		if (rx[i].err) {
			fprintf(stderr, "%s: receiver (ULP %s): %s: %s\n", PROG_NAME,
				ulps[i], rx[i].what, strerror(rx[i].err));
			return -1;
		}
		/* what was still in flight when the sender stopped */
		if (rx[i].t_end > t_close)
			wall[i] += rx[i].t_end - t_close;
	}
	for (int i = 0; i < 2; i++) {
		one.ulp = ulps[i];
		one.seconds = b->seconds;
		report(&one, &acc[i], &rx[i], busy[i], wall[i]);
	}
	return 0;
fail:
	fprintf(stderr, "%s: %s: %s\n", PROG_NAME, what, strerror(errno));
	return -1;
}

/*
 * One connection: the receiver in a child, the sender here.  With
 * ready >= 0 (--streams) one byte on it says "set up", then the sender
 * waits until gate reads EOF, so that every stream starts at once.
 */
static int run_single(const struct bench *b, SSL_CTX *sctx, int file_fd,
		      int ready, int gate, struct side *tx, struct side *rx,
		      double *busy)
{
	int s = -1, r = -1, go[2], res[2], status;
	double busy0;
	SSL *ssl = NULL;
	const char *what = "";
	pid_t pid;
	char c = 1;

	if (tcp_pair(&s, &r) < 0) {
		fprintf(stderr, "%s: loopback connection: %s\n", PROG_NAME,
			strerror(errno));
		return -1;
	}
	if (b->sockbuf)
		fix_sockbufs(s, r, b->sockbuf);
	if (b->mode == M_PINGPONG) {
		int one = 1;

		setsockopt(r, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (b->impl == I_KTLS && ktls_setup(b, s, r, b->ulp, &what) < 0) {
		fprintf(stderr, "%s: %s with ULP `%s': %s\n", PROG_NAME,
			what[0] ? what : "key material", b->ulp, strerror(errno));
		return -1;
	}
	if (pipe(go) < 0 || pipe(res) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", PROG_NAME, strerror(errno));
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", PROG_NAME, strerror(errno));
		return -1;
	}
	if (pid == 0) {		/* receiver */
		SSL_CTX *cctx = NULL;
		SSL *rssl = NULL;

		close(s);
		close(go[0]);
		close(res[0]);
		if (gate >= 0)
			close(gate);
		if (b->impl == I_OPENSSL) {
			cctx = ossl_ctx(b, 0);
			rssl = cctx ? ossl_handshake(cctx, r, 0) : NULL;
			if (!rssl) {
				errno = EPROTO;
				fail_side(rx, "TLS handshake (client)");
			}
		}
		if (write(go[1], &c, 1) != 1)
			_exit(1);
		if (!rx->err && b->mode == M_PINGPONG)
			pp_echo(b, r, rx);
		else if (!rx->err)
			receiver(b, r, b->mode == M_RECV ? rssl : NULL, rx);
		if (write(res[1], rx, sizeof(*rx)) != sizeof(*rx))
			_exit(1);
		_exit(0);
	}
	close(r);
	close(go[1]);
	close(res[1]);
	if (b->impl == I_OPENSSL) {
		ssl = ossl_handshake(sctx, s, 1);
		if (!ssl) {
			errno = EPROTO;
			fail_side(tx, "TLS handshake (server)");
		}
	}
	if (fd_read_all(go[0], &c, 1) != 1) {
		errno = EPIPE;
		fail_side(tx, "receiver start");
	}
	if (ready >= 0 && write(ready, &c, 1) != 1)
		fail_side(tx, "ready pipe");
	if (gate >= 0)
		while (read(gate, &c, 1) > 0 || errno == EINTR)
			;
	busy0 = machine_busy();
	if (!tx->err && b->mode == M_PINGPONG)
		pp_sender(b, s, tx);
	else if (!tx->err)
		sender(b, s, ssl, file_fd, tx);
	shutdown(s, SHUT_WR);
	close(s);
	if (fd_read_all(res[0], rx, sizeof(*rx)) != 1 && !rx->err) {
		rx->err = EPIPE;
		snprintf(rx->what, sizeof(rx->what), "receiver result");
	}
	*busy = machine_busy() - busy0;
	waitpid(pid, &status, 0);
	close(go[0]);
	close(res[0]);
	SSL_free(ssl);
	if (tx->err || rx->err) {
		const struct side *e = tx->err ? tx : rx;

		fprintf(stderr, "%s: %s %s: %s: %s\n", PROG_NAME,
			tx->err ? "sender" : "receiver", impl_names[b->impl], e->what,
			strerror(e->err));
		return -1;
	}
	return 0;
}

/*
 * --streams N: N connections at once, each a worker process running
 * run_single(); they all start sending together.  Bytes and CPU seconds
 * are summed, the time runs from the first sender's start to the last
 * receiver's EOF.
 */
static int run_streams(struct bench *b, SSL_CTX *sctx, int file_fd)
{
	struct result {
		struct side tx, rx;
		int ok;
	};
	struct side tx = { 0 }, rx = { 0 };
	int gate[2], ready[2], res[2], n = b->streams, got = 0, bad = 0;
	double busy0, busy, t0 = 1e300, t1 = 0;
	pid_t *pids = calloc(n, sizeof(*pids));
	char c;

	if (!pids || pipe(gate) < 0 || pipe(ready) < 0 || pipe(res) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", PROG_NAME, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		fflush(stdout);
		pids[i] = fork();
		if (pids[i] < 0) {
			fprintf(stderr, "%s: fork: %s\n", PROG_NAME, strerror(errno));
			n = i;
			break;
		}
		if (pids[i] == 0) {
			struct result out = { 0 };
			double d;

			close(gate[1]);
			close(ready[0]);
			close(res[0]);
			alarm((unsigned int)(b->seconds * 5) + 60);
			out.ok = run_single(b, sctx, file_fd, ready[1], gate[0],
					    &out.tx, &out.rx, &d) == 0;
			if (!out.ok && write(ready[1], &c, 1) < 0)
				_exit(1);
			/* smaller than PIPE_BUF: one atomic write */
			if (write(res[1], &out, sizeof(out)) != sizeof(out))
				_exit(1);
			_exit(0);
		}
	}
	close(gate[0]);
	close(ready[1]);
	close(res[1]);
	/* every stream connected (or failed): go */
	for (int i = 0; i < n && fd_read_all(ready[0], &c, 1) == 1; i++)
		;
	busy0 = machine_busy();
	close(gate[1]);
	for (int i = 0; i < n; i++) {
		struct result one;

		if (fd_read_all(res[0], &one, sizeof(one)) != 1)
			break;
		got++;
		if (!one.ok) {
			bad++;
			continue;
		}
		tx.bytes += one.tx.bytes;
		tx.cpu_user += one.tx.cpu_user;
		tx.cpu_sys += one.tx.cpu_sys;
		rx.bytes += one.rx.bytes;
		rx.cpu_user += one.rx.cpu_user;
		rx.cpu_sys += one.rx.cpu_sys;
		if (one.tx.t_start < t0)
			t0 = one.tx.t_start;
		if (one.rx.t_end > t1)
			t1 = one.rx.t_end;
	}
	busy = machine_busy() - busy0;
	for (int i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	free(pids);
	close(ready[0]);
	close(res[0]);
	if (bad || got < b->streams) {
		fprintf(stderr, "%s: %d of %d streams failed\n", PROG_NAME,
			b->streams - got + bad, b->streams);
		return -1;
	}
	report(b, &tx, &rx, busy, t1 - t0);
	return 0;
}

/* ------------------------------------------------------ --mode install */

struct meminfo {
	long long free_kb, slab_kb, sunreclaim_kb, percpu_kb;
	long long slabobj;	/* /proc/slabinfo: active objects x size, bytes */
};

/*
 * The bytes of every slab cache's active objects (active_objs x objsize
 * of /proc/slabinfo): what the kernel's objects take, without the free
 * room of their slabs.  SLUB counts the free objects of the per-CPU slabs
 * as active, so a few per-CPU slabs' worth is noise; -1 if unreadable.
 */
static long long slab_objects(void)
{
	char line[512], name[64];
	FILE *f = fopen("/proc/slabinfo", "r");
	long long sum = 0, act, num, size;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld %lld %lld", name, &act, &num, &size) == 4)
			sum += act * size;
	fclose(f);
	return sum;
}

static int read_meminfo(struct meminfo *m)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	memset(m, 0, sizeof(*m));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		long long v;

		if (sscanf(line, "MemFree: %lld", &v) == 1)
			m->free_kb = v;
		else if (sscanf(line, "Slab: %lld", &v) == 1)
			m->slab_kb = v;
		else if (sscanf(line, "SUnreclaim: %lld", &v) == 1)
			m->sunreclaim_kb = v;
		else if (sscanf(line, "Percpu: %lld", &v) == 1)
			m->percpu_kb = v;
	}
	fclose(f);
	m->slabobj = slab_objects();
	return m->free_kb ? 0 : -1;
}

/* Let deferred frees (RCU, work items) finish before a reading. */
static void settle(struct meminfo *m)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	read_meminfo(m);
}

/* Bytes per socket that the kernel took between two readings. */
static double per_sock(const struct meminfo *a, const struct meminfo *b,
		       int which, int socks)
{
	long long d;

	switch (which) {
	case 0:
		d = a->free_kb - b->free_kb;
		break;
	case 1:
		d = b->slab_kb - a->slab_kb;
		break;
	case 3:
		if (a->slabobj < 0 || b->slabobj < 0)
			return -1;
		return (double)(b->slabobj - a->slabobj) / socks;
	default:
		d = b->percpu_kb - a->percpu_kb;
		break;
	}
	return d * 1024.0 / socks;
}

/*
 * --mode install: what a server with many kTLS connections pays.  Opens
 * --conns loopback pairs, then on every socket TCP_ULP + TLS_TX + TLS_RX
 * (timed: key installs per second), and reads /proc/meminfo before and
 * after: the memory the kernel took per socket for kTLS alone (the TCP
 * sockets exist at both readings).  Then every pair exchanges one --size
 * record each way and reads it ("used": what stays allocated once a
 * socket has carried traffic), then 1 KiB on every socket held in a record
 * open by MSG_MORE ("held"), then that record closed at 2 KiB and sent, left
 * unread by the peer ("busy").  Besides /proc/meminfo, /proc/slabinfo gives
 * the bytes of active slab objects (active_objs x objsize) at each step.
 */
static int run_install(struct bench *b)
{
	int n = b->conns, socks = 2 * n, l = -1, rc = -1;
	int *fd = calloc(socks, sizeof(*fd));
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	rlim_t need = socks + 64;
	struct rlimit rl;
	struct meminfo m0, m1, m2, m3, m4;
	struct keys ka, kb;
	double t0, t1, u0, s0, u1, s1, tc;
	const char *what = "";
	char *buf = malloc(b->size);
	char mod[160];
	struct utsname u;

	if (!fd || !buf) {
		fprintf(stderr, "%s: out of memory\n", PROG_NAME);
		goto out;
	}
	memset(buf, 0x5a, b->size);
	for (int i = 0; i < socks; i++)
		fd[i] = -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
		rl.rlim_cur = need;
		if (rl.rlim_max < need)
			rl.rlim_max = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			fprintf(stderr, "%s: RLIMIT_NOFILE %llu for %d sockets: %s\n",
				PROG_NAME, (unsigned long long)need, socks, strerror(errno));
			goto out;
		}
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 128) < 0 || getsockname(l, (struct sockaddr *)&a, &al) < 0) {
		fprintf(stderr, "%s: listener: %s\n", PROG_NAME, strerror(errno));
		goto out;
	}
	for (int i = 0; i < n; i++) {
		fd[2 * i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fd[2 * i] < 0 ||
		    connect(fd[2 * i], (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    (fd[2 * i + 1] = accept(l, NULL, NULL)) < 0) {
			fprintf(stderr, "%s: loopback connection %d of %d: %s\n",
				PROG_NAME, i + 1, n, strerror(errno));
			goto out;
		}
	}
	if (make_keys(b, &ka) < 0 || make_keys(b, &kb) < 0) {
		fprintf(stderr, "%s: key material: %s\n", PROG_NAME, strerror(errno));
		goto out;
	}
	settle(&m0);
	rusage_now(&u0, &s0);
	t0 = now_sec();
	for (int i = 0; i < socks; i++) {
		/* one end sends with ka and receives with kb, the other the reverse */
		const struct keys *txk = i % 2 ? &kb : &ka, *rxk = i % 2 ? &ka : &kb;

		if (ktls_attach(fd[i], b->ulp, TLS_TX, txk, &what) < 0 ||
		    ktls_attach(fd[i], b->ulp, TLS_RX, rxk, &what) < 0) {
			fprintf(stderr, "%s: socket %d of %d: %s with ULP `%s': %s\n",
				PROG_NAME, i + 1, socks, what, b->ulp, strerror(errno));
			goto out;
		}
	}
	t1 = now_sec();
	rusage_now(&u1, &s1);
	OPENSSL_cleanse(&ka, sizeof(ka));
	OPENSSL_cleanse(&kb, sizeof(kb));
	settle(&m1);
	for (int i = 0; i < n; i++)
		if (send_all(fd[2 * i], buf, b->size, 0) < 0 ||
		    fd_read_all(fd[2 * i + 1], buf, b->size) != 1 ||
		    send_all(fd[2 * i + 1], buf, b->size, 0) < 0 ||
		    fd_read_all(fd[2 * i], buf, b->size) != 1) {
			fprintf(stderr, "%s: record on pair %d: %s\n", PROG_NAME,
				i + 1, strerror(errno));
			goto out;
		}
	settle(&m2);
	/* a record held open by MSG_MORE on every socket: nothing sent yet */
	for (int i = 0; i < socks; i++)
		if (send_all(fd[i], buf, 1024, MSG_MORE) < 0) {
			fprintf(stderr, "%s: MSG_MORE send on socket %d: %s\n", PROG_NAME,
				i + 1, strerror(errno));
			goto out;
		}
	settle(&m3);
	/* closed (2 KiB) and sent: every socket holds its peer's record unread */
	for (int i = 0; i < socks; i++)
		if (send_all(fd[i], buf, 1024, 0) < 0) {
			fprintf(stderr, "%s: busy send on socket %d: %s\n", PROG_NAME,
				i + 1, strerror(errno));
			goto out;
		}
	settle(&m4);
	tc = now_sec();
	for (int i = 0; i < socks; i++) {
		close(fd[i]);
		fd[i] = -1;
	}
	tc = now_sec() - tc;
	uname(&u);
	describe_module(b, mod, sizeof(mod));
	if (b->json) {
		printf("{");
		json_str("impl", "ktls", 0);
		json_str("ulp", b->ulp, 0);
		json_str("module", mod, 0);
		json_str("kernel", u.release, 0);
		json_str("mode", "install", 0);
		json_str("tls", b->version == TLS_1_2_VERSION ? "1.2" : "1.3", 0);
		json_str("cipher", b->cd->name, 0);
		printf("\"conns\":%d,\"sockets\":%d,\"size\":%zu,\"install_s\":%.6f,"
		       "\"installs_per_s\":%.1f,\"install_cpu_s\":%.4f,"
		       "\"close_s\":%.6f,"
		       "\"idle_bytes_per_socket\":%.0f,\"idle_slab_bytes_per_socket\":%.0f,"
		       "\"idle_percpu_bytes_per_socket\":%.0f,"
		       "\"used_bytes_per_socket\":%.0f,\"used_slab_bytes_per_socket\":%.0f,"
		       "\"busy_bytes_per_socket\":%.0f,\"busy_slab_bytes_per_socket\":%.0f,"
		       "\"idle_slabobj_bytes_per_socket\":%.0f,"
		       "\"used_slabobj_bytes_per_socket\":%.0f,"
		       "\"held_slabobj_bytes_per_socket\":%.0f,"
		       "\"busy_slabobj_bytes_per_socket\":%.0f,"
		       "\"used_percpu_bytes_per_socket\":%.0f,"
		       "\"memfree_kb\":[%lld,%lld,%lld,%lld,%lld],",
		       n, socks, b->size, t1 - t0, socks / (t1 - t0 > 0 ? t1 - t0 : 1e-9),
		       (u1 - u0) + (s1 - s0), tc,
		       per_sock(&m0, &m1, 0, socks), per_sock(&m0, &m1, 1, socks),
		       per_sock(&m0, &m1, 2, socks),
		       per_sock(&m0, &m2, 0, socks), per_sock(&m0, &m2, 1, socks),
		       per_sock(&m0, &m4, 0, socks), per_sock(&m0, &m4, 1, socks),
		       per_sock(&m0, &m1, 3, socks), per_sock(&m0, &m2, 3, socks),
		       per_sock(&m0, &m3, 3, socks), per_sock(&m0, &m4, 3, socks),
		       per_sock(&m0, &m2, 2, socks),
		       m0.free_kb, m1.free_kb, m2.free_kb, m3.free_kb, m4.free_kb);
		json_str("command", b->command, 1);
		printf("}\n");
	} else {
		printf("command:  %s\nkernel:   %s\nmodule:   %s\n", b->command,
		       u.release, mod);
		printf("install:  %d sockets (%d pairs) in %.3f s = %.0f per second "
		       "(TCP_ULP + TLS_TX + TLS_RX; %.3f CPU-s)\n", socks, n, t1 - t0,
		       socks / (t1 - t0 > 0 ? t1 - t0 : 1e-9), (u1 - u0) + (s1 - s0));
		printf("memory per socket (MemFree delta; Slab part): idle %.0f B (%.0f), "
		       "after one %zu B record each way %.0f B (%.0f), with 1 KiB unread "
		       "each way %.0f B (%.0f)\n",
		       per_sock(&m0, &m1, 0, socks), per_sock(&m0, &m1, 1, socks), b->size,
		       per_sock(&m0, &m2, 0, socks), per_sock(&m0, &m2, 1, socks),
		       per_sock(&m0, &m4, 0, socks), per_sock(&m0, &m4, 1, socks));
		printf("slab objects per socket (active x size): idle %.0f B, after "
		       "traffic %.0f B, MSG_MORE record held %.0f B, record unread "
		       "%.0f B\n", per_sock(&m0, &m1, 3, socks),
		       per_sock(&m0, &m2, 3, socks), per_sock(&m0, &m3, 3, socks),
		       per_sock(&m0, &m4, 3, socks));
	}
	rc = 0;
out:
	for (int i = 0; fd && i < socks; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	if (l >= 0)
		close(l);
	free(fd);
	free(buf);
	return rc;
}

int main(int argc, char *argv[])
{
	struct side tx = { 0 }, rx = { 0 };
	struct bench b;
	int file_fd = -1, rc;
	double busy0, busy;
	SSL_CTX *sctx = NULL;

	if (parse_args(&b, argc, argv) < 0)
		return EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm((unsigned int)(b.seconds * 5) + 60 +
	      (b.mode == M_INSTALL ? b.conns / 10 : 0));

	if (b.mode == M_INSTALL)
		return run_install(&b) < 0 ? 1 : 0;
	if (b.impl == I_CRYPTO) {
		busy0 = machine_busy();
		crypto_limit(&b, &tx);
		busy = machine_busy() - busy0;
		if (tx.err) {
			fprintf(stderr, "%s: %s: %s\n", PROG_NAME, tx.what,
				strerror(tx.err));
			return 1;
		}
		rx.bytes = tx.bytes;
		rx.t_end = tx.t_end;
		report(&b, &tx, &rx, busy, tx.t_end - tx.t_start);
		return 0;
	}
	if (b.mode == M_SENDFILE || b.mode == M_SPLICE) {
		file_fd = make_file(&b);
		if (file_fd < 0) {
			fprintf(stderr, "%s: file: %s\n", PROG_NAME, strerror(errno));
			return 1;
		}
		if (b.file) {
			off_t end = lseek(file_fd, 0, SEEK_END);

			if (end <= 0) {
				fprintf(stderr, "%s: %s is empty\n", PROG_NAME, b.file);
				return 1;
			}
			b.file_size = end;
		}
	}
	if (b.ulp2)
		return run_compare(&b, file_fd) < 0 ? 1 : 0;
	if (b.impl == I_OPENSSL) {
		sctx = ossl_ctx(&b, 1);
		if (!sctx) {
			fprintf(stderr, "%s: OpenSSL set-up: %s\n", PROG_NAME,
				ssl_err_string());
			return 1;
		}
	}
	if (b.streams > 1)
		rc = run_streams(&b, sctx, file_fd);
	else if ((rc = run_single(&b, sctx, file_fd, -1, -1, &tx, &rx, &busy)) == 0)
		report(&b, &tx, &rx, busy, rx.t_end - tx.t_start);
	SSL_CTX_free(sctx);
	if (file_fd >= 0)
		close(file_fd);
	return rc < 0 ? 1 : 0;
}
