// SPDX-License-Identifier: GPL-2.0 OR MIT
/* `ktls get`: fetch one https:// URL, body received through kernel TLS RX. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "fdio.h"
#include "ktls-tool.h"
#include "ktls/ktls.h"

#define BODY_BUF (256 * 1024)

struct get_cfg {
	const char *url, *out, *cafile;
	bool insecure, userspace, quiet, bad_record;
	struct tls_opts tls;
	char host[256], port[8], path[2048];
};

static void usage(void)
{
	fprintf(stderr, "Usage: %s get URL [-o FILE] [--insecure | --cafile FILE]\n"
		"                [--tls 1.2|1.3] [--cipher NAME] [--userspace] [--quiet]\n",
		PROG_NAME);
}

/* https://host[:port][/path] and https://[v6]:port/path */
static int parse_url(struct get_cfg *g)
{
	const char *p = g->url, *hend, *pstart;
	size_t hl;

	if (strncasecmp(p, "https://", 8))
		return -1;
	p += 8;
	if (*p == '[') {
		hend = strchr(p, ']');
		if (!hend)
			return -1;
		hl = (size_t)(hend - p - 1);
		memcpy(g->host, p + 1, hl < sizeof(g->host) ? hl : 0);
		p = hend + 1;
	} else {
		hl = strcspn(p, ":/?");
		if (hl >= sizeof(g->host))
			return -1;
		memcpy(g->host, p, hl);
		p += hl;
	}
	g->host[hl < sizeof(g->host) ? hl : 0] = '\0';
	if (!g->host[0])
		return -1;
	strcpy(g->port, "443");
	if (*p == ':') {
		uint16_t port;
		size_t pl = strcspn(p + 1, "/?");
		char tmp[8];

		if (pl == 0 || pl >= sizeof(tmp))
			return -1;
		memcpy(tmp, p + 1, pl);
		tmp[pl] = '\0';
		if (parse_port(tmp, &port) || !port)
			return -1;
		snprintf(g->port, sizeof(g->port), "%u", port);
		p += 1 + pl;
	}
	pstart = *p ? p : "/";
	if (*pstart != '/' || strlen(pstart) >= sizeof(g->path) ||
	    strpbrk(pstart, " \r\n"))
		return -1;
	snprintf(g->path, sizeof(g->path), "%s", pstart);
	return 0;
}

static int connect_to(const struct get_cfg *g)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	int fd = -1, err, saved = 0;

	err = getaddrinfo(g->host, g->port, &hints, &ai);
	if (err && !strcmp(g->host, "localhost"))	/* static build, no NSS */
		err = getaddrinfo("127.0.0.1", g->port, &hints, &ai);
	if (err) {
		fprintf(stderr, "%s get: Unable to resolve `%s': %s.\n", PROG_NAME,
			g->host, gai_strerror(err));
		return -1;
	}
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && !connect(fd, a->ai_addr, a->ai_addrlen))
			break;
		saved = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		fprintf(stderr, "%s get: Unable to connect to `%s' port %s: %s.\n",
			PROG_NAME, g->host, g->port, strerror(saved));
	return fd;
}

static SSL *tls_connect(const struct get_cfg *g, SSL_CTX *ctx, int fd)
{
	struct in6_addr ip;
	bool is_ip = inet_pton(AF_INET, g->host, &ip) == 1 ||
		     inet_pton(AF_INET6, g->host, &ip) == 1;
	SSL *ssl = SSL_new(ctx);

	if (!ssl)
		return NULL;
	SSL_set_fd(ssl, fd);
	if (!is_ip)
		SSL_set_tlsext_host_name(ssl, g->host);
	if (!g->insecure) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

		if (is_ip)
			X509_VERIFY_PARAM_set1_ip_asc(vp, g->host);
		else
			SSL_set1_host(ssl, g->host);
	}
	if (SSL_connect(ssl) != 1) {
		long vr = SSL_get_verify_result(ssl);

		if (vr != X509_V_OK)
			fprintf(stderr, "%s get: The certificate of `%s' was rejected: %s (use --cafile or --insecure).\n",
				PROG_NAME, g->host, X509_verify_cert_error_string(vr));
		else
			fprintf(stderr, "%s get: TLS handshake with `%s' failed: %s.\n",
				PROG_NAME, g->host, ssl_err_string());
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

/* Read the response head; returns its length in buf or -1. */
static ssize_t read_head(struct ktls_conn *c, char *buf, size_t cap,
			 size_t *have)
{
	while (*have < cap) {
		char *end;
		ssize_t n;

		buf[*have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end)
			return end + 4 - buf;
		n = ktls_recv(c, buf + *have, cap - 1 - *have);
		if (n <= 0)
			return -1;
		*have += (size_t)n;
	}
	return -1;
}

static long long header_ll(const char *head, const char *name)
{
	const char *p = head;
	size_t nl = strlen(name);

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':')
			return strtoll(p + nl + 1, NULL, 10);
	}
	return -1;
}

static void progress(unsigned long long got, long long total, double t0)
{
	double dt = now_sec() - t0;
	int pct = total > 0 ? (int)(got * 100 / (unsigned long long)total) : 0;
	char bar[31];

	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3d%% %llu bytes %.1f MB/s", bar, pct, got,
		dt > 0 ? got / dt / 1e6 : 0.0);
}

static int fetch(const struct get_cfg *g, struct ktls_conn *c, int out,
		 double t0, unsigned long long *body)
{
	static char buf[BODY_BUF];
	char req[2600];
	size_t have = 0;
	ssize_t hl;
	long long clen;
	unsigned long long got = 0;
	int status = 0, n;
	bool tty = isatty(STDERR_FILENO) && !g->quiet;
	double last = 0;

	/*
	 * Host is the URL's authority (RFC 9110 7.2): an IPv6 literal keeps
	 * its brackets, and a port other than 443 is named.
	 */
	bool v6 = strchr(g->host, ':') != NULL;
	bool dflt = !strcmp(g->port, "443");

	n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n"
		     "User-Agent: ktls-get\r\nConnection: close\r\n\r\n",
		     g->path, v6 ? "[" : "", g->host, v6 ? "]" : "",
		     dflt ? "" : ":", dflt ? "" : g->port);
	if (ktls_send(c, req, (size_t)n) != n) {
		fprintf(stderr, "%s get: Unable to send the request: %s\n", PROG_NAME,
			ktls_conn_error(c));
		return -1;
	}
	hl = read_head(c, buf, 16384, &have);
	if (hl < 0 || sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
		fprintf(stderr, "%s get: `%s' sent no valid HTTP response: %s\n",
			PROG_NAME, g->url, ktls_conn_error(c));
		return -1;
	}
	if (status != 200 && status != 206) {
		char *eol = strstr(buf, "\r\n");

		*eol = '\0';
		fprintf(stderr, "%s get: The server answered `%s' for `%s'.\n",
			PROG_NAME, buf, g->path);
		return -1;
	}
	clen = header_ll(buf, "Content-Length");
	got = have - (size_t)hl;
	if (got && fd_write_all(out, buf + hl, got))
		goto werr;
	while (clen < 0 || got < (unsigned long long)clen) {
		ssize_t r = ktls_recv(c, buf, sizeof(buf));

		if (r < 0) {
			fprintf(stderr, "%s%s get: Receive failed after %llu bytes: %s\n",
				tty ? "\n" : "", PROG_NAME, got, ktls_conn_error(c));
			return -1;
		}
		if (r == 0)
			break;
		if (fd_write_all(out, buf, (size_t)r))
			goto werr;
		got += (unsigned long long)r;
		if (tty && now_sec() - last > 0.1) {
			progress(got, clen, t0);
			last = now_sec();
		}
	}
	if (tty)
		progress(got, clen, t0), fputc('\n', stderr);
	if (clen >= 0 && got != (unsigned long long)clen) {
		fprintf(stderr, "%s get: The body of `%s' was truncated at %llu of %lld bytes.\n",
			PROG_NAME, g->url, got, clen);
		return -1;
	}
	*body = got;
	return 0;
werr:
	fprintf(stderr, "%s get: Unable to write the body: %s.\n", PROG_NAME,
		strerror(errno));
	return -1;
}

/*
 * Testing aid: put one application-data record with a wrong tag on the wire
 * (bypassing the record layer), so the server's decryption must fail.
 */
static int inject_bad_record(int fd)
{
	unsigned char rec[5 + 64] = { 23, 3, 3, 0, 64 };

	RAND_bytes(rec + 5, 64);
	if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec)) {
		fprintf(stderr, "%s get: Unable to inject a record: %s.\n", PROG_NAME,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char *argv[], struct get_cfg *g)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "cafile", required_argument, NULL, 'c' },
		{ "tls", required_argument, NULL, 't' },
		{ "cipher", required_argument, NULL, 'C' },
		{ "userspace", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "inject-bad-record", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "o:kc:t:C:uqBh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': g->out = optarg; break;
		case 'k': g->insecure = true; break;
		case 'c': g->cafile = optarg; break;
		case 'C': g->tls.cipher = optarg; break;
		case 'u': g->userspace = true; break;
		case 'q': g->quiet = true; break;
		case 'B': g->bad_record = g->userspace = true; break;
		case 't':
			if (parse_tls_version(optarg, &g->tls.version)) {
				fprintf(stderr, "%s get: Invalid TLS version `%s': use 1.2 or 1.3.\n",
					PROG_NAME, optarg);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1 || (g->insecure && g->cafile))
		return -1;
	g->url = argv[optind];
	if (parse_url(g)) {
		fprintf(stderr, "%s get: Invalid URL `%s': expected https://host[:port]/path.\n",
			PROG_NAME, g->url);
		return -1;
	}
	return 0;
}

static SSL_CTX *make_ctx(const struct get_cfg *g)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx || ktls_ctx_prepare(ctx) || apply_tls_opts(ctx, &g->tls, "get"))
		goto fail;
	if (g->insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (g->cafile ? SSL_CTX_load_verify_locations(ctx, g->cafile, NULL) != 1
			      : SSL_CTX_set_default_verify_paths(ctx) != 1) {
			fprintf(stderr, "%s get: Unable to load CA certificates `%s': %s.\n",
				PROG_NAME, g->cafile ? g->cafile : "(system default)",
				ssl_err_string());
			goto fail;
		}
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

int get_main(int argc, char *argv[])
{
	struct get_cfg g = { 0 };
	struct ktls_opts o = { 0 };
	struct ktls_conn *c = NULL;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = -1, out = STDOUT_FILENO, ret = 1;
	unsigned long long body = 0;
	double t0;

	if (parse_args(argc, argv, &g)) {
		usage();
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	if (g.out && (out = open(g.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "%s get: Unable to open `%s': %s.\n", PROG_NAME, g.out,
			strerror(errno));
		return 1;
	}
	t0 = now_sec();
	ctx = make_ctx(&g);
	if (!ctx || (fd = connect_to(&g)) < 0 || !(ssl = tls_connect(&g, ctx, fd)))
		goto out;
	o.userspace_only = g.userspace;
	c = ktls_conn_new(ssl, &o);
	if (!c) {
		fprintf(stderr, "%s get: Out of memory.\n", PROG_NAME);
		goto out;
	}
	if (g.bad_record && inject_bad_record(fd))
		goto out;
	if (fetch(&g, c, out, t0, &body) == 0) {
		double dt = now_sec() - t0;

		struct ktls_conn_stats st;

		ktls_conn_get_stats(c, &st);
		if (!g.quiet)
			fprintf(stderr, "%s get: %llu bytes in %.3f s, %.2f MB/s, path: %s%s\n",
				PROG_NAME, body, dt, dt > 0 ? body / dt / 1e6 : 0.0,
				ktls_conn_status(c), st.tickets ?
				" (session tickets after the hand-off: consumed)" : "");
		ret = 0;
	}
	ktls_shutdown(c);
out:
	ktls_conn_free(c);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	if (g.out && out >= 0 && close(out) && ret == 0) {
		fprintf(stderr, "%s get: Unable to write `%s': %s.\n", PROG_NAME, g.out,
			strerror(errno));
		ret = 1;
	}
	return ret;
}
