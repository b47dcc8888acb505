// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * `ktls bench`: how fast this machine moves TLS data through libktls.
 *
 * One connection on 127.0.0.1: a real handshake (OpenSSL, a self-signed
 * certificate), the hand-off to kernel TLS where the kernel takes it (the
 * userspace record layer otherwise, or with --userspace), then a client
 * process writes --size bytes at a time for --time seconds and a server
 * process reads them.  Prints the throughput and which path (kernel or
 * userspace) each side's record layer took.  The harness of `make bench`
 * (every mode, CPU accounting, module against module) is
 * tests/bench/harness.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <openssl/ssl.h>

#include <ktls/ktls.h>
#include "fdio.h"
#include "ktls-tool.h"

struct bench_cfg {
	struct tls_opts tls;
	size_t size;
	double seconds;
	bool userspace;
};

/* The receiver's account, sent to the sender through a pipe. */
struct rx_result {
	unsigned long long bytes;
	double t_end;			/* CLOCK_MONOTONIC, system-wide */
	unsigned int kdirs;		/* ktls_conn_kernel_dirs() */
	char status[200];		/* ktls_conn_status() or the error */
	int ok;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s bench [options]\n"
"Measure TLS throughput over 127.0.0.1 through libktls: kernel TLS where\n"
"the kernel takes the connection, OpenSSL's record layer otherwise.\n"
"  --tls V        1.2 or 1.3 (default: 1.3 where the cipher allows it)\n"
"  --cipher C     TLS 1.3 suite or TLS 1.2 cipher list, OpenSSL names\n"
"                 (e.g. TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-CHACHA20-POLY1305)\n"
"  --size N       bytes per write, K/M suffixes (default 16K)\n"
"  --time S       seconds of sending (default 2)\n"
"  --userspace    keep the record layer in OpenSSL (the fallback path)\n"
"Prints bytes per second and the path each side took (kernel or userspace).\n"
"The full harness of `make bench` is tests/bench (docs/performance.md).\n",
		PROG_NAME);
}

static int parse_args(int argc, char *argv[], struct bench_cfg *b)
{
	static const struct option lo[] = {
		{ "tls", required_argument, 0, 'V' },
		{ "cipher", required_argument, 0, 'c' },
		{ "size", required_argument, 0, 's' },
		{ "time", required_argument, 0, 't' },
		{ "userspace", no_argument, 0, 'U' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	int c;

	*b = (struct bench_cfg){ .size = 16384, .seconds = 2 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'V':
			if (parse_tls_version(optarg, &b->tls.version))
				return -1;
			break;
		case 'c':
			b->tls.cipher = optarg;
			break;
		case 's':
			if (parse_size(optarg, &b->size) || b->size > (64 << 20))
				return -1;
			break;
		case 't':
			b->seconds = atof(optarg);
			if (!(b->seconds > 0 && b->seconds <= 3600))
				return -1;
			break;
		case 'U':
			b->userspace = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static SSL_CTX *make_ctx(const struct bench_cfg *b, bool server)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

	if (!ctx || ktls_ctx_prepare(ctx) || apply_tls_opts(ctx, &b->tls, "bench"))
		goto fail;
	SSL_CTX_set_num_tickets(ctx, 0);
	if (server && use_selfsigned_cert(ctx))
		goto fail;
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* A connected loopback pair, Nagle off on the client's end *cl. */
static int tcp_pair(int *cl, int *sv)
{
	int one = 1;

	if (loopback_pair(cl, sv))
		return -1;
	setsockopt(*cl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* The server process: handshake, hand-off, read until close_notify. */
static void receive(const struct bench_cfg *b, SSL_CTX *ctx, int fd,
		    struct rx_result *r)
{
	struct ktls_opts o = { .userspace_only = b->userspace };
	struct ktls_conn *c = NULL;
	SSL *ssl = SSL_new(ctx);
	static char buf[65536];
	ssize_t n;

	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_accept(ssl) != 1) {
		snprintf(r->status, sizeof(r->status), "handshake: %s",
			 ssl_err_string());
		goto out;
	}
	c = ktls_conn_new(ssl, &o);
	if (!c) {
		snprintf(r->status, sizeof(r->status), "%s", strerror(errno));
		goto out;
	}
	r->kdirs = ktls_conn_kernel_dirs(c);
	while ((n = ktls_recv(c, buf, sizeof(buf))) > 0)
		r->bytes += (unsigned long long)n;
	r->t_end = now_sec();
	if (n < 0) {
		snprintf(r->status, sizeof(r->status), "%s", ktls_conn_error(c));
		goto out;
	}
	snprintf(r->status, sizeof(r->status), "%s", ktls_conn_status(c));
	r->ok = 1;
out:
	ktls_conn_free(c);
	SSL_free(ssl);
}

/* The client: handshake, hand-off, write for b->seconds; bytes or -1. */
static long long send_for(const struct bench_cfg *b, SSL_CTX *ctx, int fd,
			  unsigned int *kdirs, char *status, size_t slen,
			  double *t0)
{
	struct ktls_opts o = { .userspace_only = b->userspace };
	struct ktls_conn *c = NULL;
	SSL *ssl = SSL_new(ctx);
	char *buf = malloc(b->size);
	long long sent = -1;
	double deadline;

	if (!buf || !ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) {
		snprintf(status, slen, "handshake: %s", ssl_err_string());
		goto out;
	}
	c = ktls_conn_new(ssl, &o);
	if (!c) {
		snprintf(status, slen, "%s", strerror(errno));
		goto out;
	}
	*kdirs = ktls_conn_kernel_dirs(c);
	memset(buf, 0x5a, b->size);
	sent = 0;
	*t0 = now_sec();
	deadline = *t0 + b->seconds;
	while (now_sec() < deadline) {
		if (ktls_send(c, buf, b->size) != (ssize_t)b->size) {
			snprintf(status, slen, "%s", ktls_conn_error(c));
			sent = -1;
			goto out;
		}
		sent += (long long)b->size;
	}
	ktls_shutdown(c);
	snprintf(status, slen, "%s", ktls_conn_status(c));
out:
	ktls_conn_free(c);
	SSL_free(ssl);
	free(buf);
	return sent;
}

static const char *path_name(unsigned int dirs, unsigned int dir)
{
	return dirs & dir ? "kernel" : "userspace";
}

int bench_main(int argc, char *argv[])
{
	struct bench_cfg b;
	struct rx_result r = { 0 };
	SSL_CTX *sctx = NULL, *cctx = NULL;
	int cl = -1, sv = -1, res[2] = { -1, -1 }, ret = 1, status;
	unsigned int tx_dirs = 0;
	char tx_status[200] = "";
	long long sent;
	double t0 = 0, wall;
	pid_t pid;

	if (parse_args(argc, argv, &b)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	sctx = make_ctx(&b, true);
	cctx = sctx ? make_ctx(&b, false) : NULL;
	if (!cctx) {
		if (b.tls.cipher)	/* apply_tls_opts() said why */
			ret = EXIT_USAGE;
		else
			fprintf(stderr, "%s bench: TLS set-up: %s.\n", PROG_NAME,
				ssl_err_string());
		goto out;
	}
	if (tcp_pair(&cl, &sv) || pipe2(res, O_CLOEXEC)) {
		fprintf(stderr, "%s bench: Loopback connection: %s.\n", PROG_NAME,
			strerror(errno));
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s bench: fork: %s.\n", PROG_NAME, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(cl);
		close(res[0]);
		alarm((unsigned int)b.seconds * 5 + 60);
		receive(&b, sctx, sv, &r);
		_exit(fd_write_all(res[1], &r, sizeof(r)) ? 1 : 0);
	}
	close(sv);
	sv = -1;
	close(res[1]);
	res[1] = -1;
	alarm((unsigned int)b.seconds * 5 + 60);
	sent = send_for(&b, cctx, cl, &tx_dirs, tx_status, sizeof(tx_status), &t0);
	shutdown(cl, SHUT_WR);
	if (fd_read_all(res[0], &r, sizeof(r)) != 1)
		snprintf(r.status, sizeof(r.status), "no result from the receiver");
	waitpid(pid, &status, 0);
	if (sent < 0 || !r.ok) {
		fprintf(stderr, "%s bench: %s: %s.\n", PROG_NAME,
			sent < 0 ? "sender" : "receiver", sent < 0 ? tx_status : r.status);
		goto out;
	}
	wall = r.t_end - t0 > 0 ? r.t_end - t0 : 1e-9;
	printf("%llu bytes in %.3f s = %.1f MB/s, %zu-byte writes\n", r.bytes, wall,
	       r.bytes / wall / 1e6, b.size);
	printf("sender:   %s\nreceiver: %s\n", tx_status, r.status);
	if ((tx_dirs & KTLS_TX) && (r.kdirs & KTLS_RX))
		printf("path:     kernel (kTLS on both sides)\n");
	else if (!(tx_dirs & KTLS_TX) && !(r.kdirs & KTLS_RX))
		printf("path:     userspace (OpenSSL's record layer on both sides)\n");
	else
		printf("path:     mixed (send %s, receive %s)\n",
		       path_name(tx_dirs, KTLS_TX), path_name(r.kdirs, KTLS_RX));
	ret = 0;
out:
	if (cl >= 0)
		close(cl);
	if (sv >= 0)
		close(sv);
	if (res[0] >= 0)
		close(res[0]);
	if (res[1] >= 0)
		close(res[1]);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	return ret;
}
