// SPDX-License-Identifier: GPL-2.0 OR MIT
/* `ktls serve`: HTTPS/1.1 static file server, bodies by sendfile over kTLS. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/tls.h>
#include <openssl/err.h>

#include "http.h"
#include "ktls-tool.h"
#include "ktls/ktls.h"

#define HANDSHAKE_TIMEOUT	10
#define IDLE_TIMEOUT		30

struct serve_cfg {
	const char *addr, *cert, *key, *port_file;
	uint16_t port;
	struct tls_opts tls;
	char root[PATH_MAX];
	bool list, userspace, quiet;
	bool zerocopy_ro, rx_no_pad;	/* kernel tunables per connection */
	unsigned int max_clients;
	uint64_t rekey_after;
};

struct client {
	const struct serve_cfg *cfg;
	SSL_CTX *ctx;
	int fd;
	char peer[INET6_ADDRSTRLEN + 8];
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t active_cond = PTHREAD_COND_INITIALIZER;
static unsigned int active;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&log_lock);
	va_start(ap, fmt);
	fprintf(stderr, "%s serve: ", PROG_NAME);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	pthread_mutex_unlock(&log_lock);
}

static void usage(void)
{
	fprintf(stderr, "Usage: %s serve [--addr ADDR] [--port PORT] [--cert FILE --key FILE]\n"
		"                  [--tls 1.2|1.3] [--cipher NAME] [--list] [--userspace]\n"
		"                  [--max-clients N] [--port-file FILE] [--rekey-after RECORDS]\n"
		"                  [--zerocopy-ro] [--rx-no-pad] [--quiet] DIR\n",
		PROG_NAME);
}

static int send_str(struct ktls_conn *c, const char *s, size_t n)
{
	return ktls_send(c, s, n) == (ssize_t)n ? 0 : -1;
}

static int send_status(struct ktls_conn *c, int status, bool keep, bool head)
{
	char buf[512], body[128];
	int bl = snprintf(body, sizeof(body), "%d %s\n", status,
			  http_reason(status));
	int n = snprintf(buf, sizeof(buf),
			 "HTTP/1.1 %d %s\r\nServer: ktls\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %d\r\n%s%s\r\n%s",
			 status, http_reason(status), bl,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "",
			 keep ? "Connection: keep-alive\r\n"
			      : "Connection: close\r\n",
			 head ? "" : body);
	return send_str(c, buf, (size_t)n);
}

/* Resolve a safe request path inside root; 0 with fd, or an HTTP status. */
static int open_target(const struct serve_cfg *cfg, const char *path,
		       char *resolved, int *fd, struct stat *st)
{
	char full[PATH_MAX * 2];
	size_t rl = strlen(cfg->root);

	if (!http_path_safe(path))
		return 400;
	snprintf(full, sizeof(full), "%s%s", cfg->root, path);
	if (!realpath(full, resolved))
		return errno == EACCES ? 403 : 404;
	if (strncmp(resolved, cfg->root, rl) ||
	    (resolved[rl] != '/' && resolved[rl] != '\0'))
		return 403;		/* a symlink out of the root */
	if (stat(resolved, st))
		return 404;
	if (S_ISDIR(st->st_mode)) {
		size_t l = strlen(resolved);

		snprintf(resolved + l, PATH_MAX - l, "/index.html");
		if (stat(resolved, st)) {
			resolved[l] = '\0';
			return cfg->list ? 0 : 403;
		}
	}
	if (!S_ISREG(st->st_mode))
		return 403;
	*fd = open(resolved, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return errno == EACCES ? 403 : 404;
	return 0;
}

static void html_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static int send_listing(struct ktls_conn *c, const char *dir,
			const struct http_req *r)
{
	char *buf = NULL, head[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	DIR *d = opendir(dir);
	struct dirent *e;
	int n, ret;

	if (!f || !d) {
		if (f)
			fclose(f);
		free(buf);
		if (d)
			closedir(d);
		return send_status(c, 403, r->keep_alive, r->head);
	}
	fputs("<!DOCTYPE html>\n<html><body><h1>Index of ", f);
	html_escape(f, r->path);
	fputs("</h1><ul>\n", f);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			fputs("<li><a href=\"", f);
			html_escape(f, e->d_name);
			fputs(e->d_type == DT_DIR ? "/\">" : "\">", f);
			html_escape(f, e->d_name);
			fputs("</a></li>\n", f);
		}
	fputs("</ul></body></html>\n", f);
	closedir(d);
	fclose(f);
	n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nServer: ktls\r\n"
		     "Content-Type: text/html; charset=utf-8\r\n"
		     "Content-Length: %zu\r\nConnection: %s\r\n\r\n", len,
		     r->keep_alive ? "keep-alive" : "close");
	ret = send_str(c, head, (size_t)n);
	if (!ret && !r->head)
		ret = send_str(c, buf, len);
	free(buf);
	return ret;
}

/* Serve one parsed request; returns the status sent or -1 on I/O error. */
static int respond(const struct client *cl, struct ktls_conn *c,
		   const struct http_req *r, uint64_t *sent)
{
	char resolved[PATH_MAX + 16], head[768], range[128] = "";
	uint64_t first, count;
	struct stat st;
	int fd = -1, status, n;
	off_t off;

	status = open_target(cl->cfg, r->path, resolved, &fd, &st);
	if (status)
		return send_status(c, status, r->keep_alive, r->head) ? -1 : status;
	if (fd < 0)
		return send_listing(c, resolved, r) ? -1 : 200;
	status = http_range_resolve(r, (uint64_t)st.st_size, &first, &count);
	if (status == 416) {
		close(fd);
		n = snprintf(head, sizeof(head), "HTTP/1.1 416 %s\r\nServer: ktls\r\n"
			     "Content-Range: bytes */%llu\r\nContent-Length: 0\r\n"
			     "Connection: %s\r\n\r\n", http_reason(416),
			     (unsigned long long)st.st_size,
			     r->keep_alive ? "keep-alive" : "close");
		return send_str(c, head, (size_t)n) ? -1 : 416;
	}
	if (status == 206)
		snprintf(range, sizeof(range), "Content-Range: bytes %llu-%llu/%llu\r\n",
			 (unsigned long long)first,
			 (unsigned long long)(first + count - 1),
			 (unsigned long long)st.st_size);
	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nServer: ktls\r\n"
		     "Content-Type: %s\r\nContent-Length: %llu\r\n"
		     "Accept-Ranges: bytes\r\n%sConnection: %s\r\n\r\n",
		     status, http_reason(status), http_content_type(resolved),
		     (unsigned long long)count, range,
		     r->keep_alive ? "keep-alive" : "close");
	if (ktls_send_ex(c, head, (size_t)n, !r->head && count ?
			 KTLS_SEND_MORE : 0) != n) {
		close(fd);
		return -1;
	}
	off = (off_t)first;
	if (!r->head && count &&
	    ktls_sendfile(c, fd, &off, (size_t)count) != (ssize_t)count) {
		close(fd);
		return -1;
	}
	*sent += r->head ? 0 : count;
	close(fd);
	return status;
}

static void serve_requests(struct client *cl, struct ktls_conn *c)
{
	char buf[HTTP_MAX_HEADER + 1];
	size_t have = 0;
	struct http_req r;
	unsigned int reqs = 0;
	uint64_t sent = 0;

	for (;;) {
		int used = http_parse_request(buf, have, &r), status;
		ssize_t n;

		if (used == 0) {
			if (have >= sizeof(buf) - 1)
				used = -431;
			else if ((n = ktls_recv(c, buf + have,
						sizeof(buf) - 1 - have)) <= 0)
				break;
			else {
				have += (size_t)n;
				continue;
			}
		}
		if (used < 0) {
			send_status(c, -used, false, false);
			logf_("%s: rejected a malformed request with %d %s",
			      cl->peer, -used, http_reason(-used));
			break;
		}
		status = respond(cl, c, &r, &sent);
		reqs++;
		if (!cl->cfg->quiet)
			logf_("%s: %s %s %d", cl->peer, r.head ? "HEAD" : "GET",
			      r.path, status);
		if (status < 0 || !r.keep_alive)
			break;
		memmove(buf, buf + used, have - (size_t)used);
		have -= (size_t)used;
	}
	if (ktls_conn_error(c)[0] && strcmp(ktls_conn_error(c), "no error") &&
	    strncmp(ktls_conn_error(c), "The peer closed TCP", 19))
		logf_("%s: %s", cl->peer, ktls_conn_error(c));
	if (!cl->cfg->quiet)
		logf_("%s: closed after %u requests, %llu body bytes", cl->peer,
		      reqs, (unsigned long long)sent);
}

static void set_timeout(int fd, int sec)
{
	struct timeval tv = { .tv_sec = sec };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* One kernel tunable on a direction in the kernel; a refusal is logged. */
static void set_tunable(const struct client *cl, int opt, const char *name)
{
	int one = 1;

	if (setsockopt(cl->fd, SOL_TLS, opt, &one, sizeof(one)))
		logf_("%s: %s refused: %s", cl->peer, name, strerror(errno));
}

/* --zerocopy-ro, --rx-no-pad: for the directions the kernel has. */
static void set_tunables(const struct client *cl, const struct ktls_conn *c)
{
	unsigned int dirs = ktls_conn_kernel_dirs(c);

	if (cl->cfg->zerocopy_ro && (dirs & KTLS_TX))
		set_tunable(cl, TLS_TX_ZEROCOPY_RO, "TLS_TX_ZEROCOPY_RO");
	if (cl->cfg->rx_no_pad && (dirs & KTLS_RX))
		set_tunable(cl, TLS_RX_EXPECT_NO_PAD, "TLS_RX_EXPECT_NO_PAD");
}

static void *client_thread(void *arg)
{
	struct client *cl = arg;
	struct ktls_opts o = { .userspace_only = cl->cfg->userspace,
			       .tx_rekey_records = cl->cfg->rekey_after };
	SSL *ssl = SSL_new(cl->ctx);
	struct ktls_conn *c = NULL;

	set_timeout(cl->fd, HANDSHAKE_TIMEOUT);
	if (!ssl || !SSL_set_fd(ssl, cl->fd) || SSL_accept(ssl) != 1) {
		logf_("%s: TLS handshake failed: %s", cl->peer, ssl_err_string());
		goto out;
	}
	set_timeout(cl->fd, IDLE_TIMEOUT);
	c = ktls_conn_new(ssl, &o);
	if (!c) {
		logf_("%s: out of memory", cl->peer);
		goto out;
	}
	logf_("%s: %s", cl->peer, ktls_conn_status(c));
	set_tunables(cl, c);
	serve_requests(cl, c);
	ktls_shutdown(c);
out:
	ERR_clear_error();
	ktls_conn_free(c);
	SSL_free(ssl);
	close(cl->fd);
	free(cl);
	pthread_mutex_lock(&active_lock);
	active--;
	pthread_cond_signal(&active_cond);
	pthread_mutex_unlock(&active_lock);
	return NULL;
}

static int parse_args(int argc, char *argv[], struct serve_cfg *cfg)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "tls", required_argument, NULL, 't' },
		{ "cipher", required_argument, NULL, 'C' },
		{ "list", no_argument, NULL, 'l' },
		{ "userspace", no_argument, NULL, 'u' },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rekey-after", required_argument, NULL, 'r' },
		{ "zerocopy-ro", no_argument, NULL, 'Z' },
		{ "rx-no-pad", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "a:p:c:k:t:C:lum:P:qr:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': cfg->addr = optarg; break;
		case 'c': cfg->cert = optarg; break;
		case 'k': cfg->key = optarg; break;
		case 'C': cfg->tls.cipher = optarg; break;
		case 'l': cfg->list = true; break;
		case 'u': cfg->userspace = true; break;
		case 'P': cfg->port_file = optarg; break;
		case 'q': cfg->quiet = true; break;
		case 'Z': cfg->zerocopy_ro = true; break;
		case 'N': cfg->rx_no_pad = true; break;
		case 'r':
			cfg->rekey_after = strtoull(optarg, NULL, 10);
			if (!cfg->rekey_after) {
				fprintf(stderr, "%s serve: Invalid record count `%s'.\n", PROG_NAME, optarg);
				return -1;
			}
			break;
		case 'p':
			if (parse_port(optarg, &cfg->port)) {
				fprintf(stderr, "%s serve: Invalid port `%s'.\n", PROG_NAME, optarg);
				return -1;
			}
			break;
		case 't':
			if (parse_tls_version(optarg, &cfg->tls.version)) {
				fprintf(stderr, "%s serve: Invalid TLS version `%s': use 1.2 or 1.3.\n",
					PROG_NAME, optarg);
				return -1;
			}
			break;
		case 'm':
			cfg->max_clients = (unsigned int)strtoul(optarg, NULL, 10);
			if (!cfg->max_clients) {
				fprintf(stderr, "%s serve: Invalid client limit `%s'.\n", PROG_NAME, optarg);
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1 || !cfg->cert != !cfg->key)
		return -1;
	if (!realpath(argv[optind], cfg->root)) {
		fprintf(stderr, "%s serve: Unable to open `%s': %s.\n", PROG_NAME,
			argv[optind], strerror(errno));
		return -2;
	}
	return 0;
}

static SSL_CTX *make_ctx(const struct serve_cfg *cfg)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx || ktls_ctx_prepare(ctx) || apply_tls_opts(ctx, &cfg->tls, "serve"))
		goto fail;
	if (cfg->cert) {
		if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert) != 1) {
			fprintf(stderr, "%s serve: Unable to load certificate `%s': %s.\n",
				PROG_NAME, cfg->cert, ssl_err_string());
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key, SSL_FILETYPE_PEM) != 1) {
			fprintf(stderr, "%s serve: Unable to load key `%s': %s.\n",
				PROG_NAME, cfg->key, ssl_err_string());
			goto fail;
		}
	} else if (use_selfsigned_cert(ctx)) {
		fprintf(stderr, "%s serve: Unable to generate a self-signed certificate: %s.\n",
			PROG_NAME, ssl_err_string());
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static int listen_on(const struct serve_cfg *cfg, uint16_t *bound)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char port[8];
	int fd, one = 1, err;

	snprintf(port, sizeof(port), "%u", cfg->port);
	err = getaddrinfo(cfg->addr, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "%s serve: Invalid address `%s': %s.\n", PROG_NAME,
			cfg->addr, gai_strerror(err));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
			fprintf(stderr, "%s serve: Unable to listen on `%s' port %s: %s.\n",
				PROG_NAME, cfg->addr, port, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd >= 0 && !getsockname(fd, (struct sockaddr *)&ss, &sl))
		*bound = ntohs(ss.ss_family == AF_INET6 ?
			       ((struct sockaddr_in6 *)&ss)->sin6_port :
			       ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		port = ntohs(s->sin6_port);
	}
	snprintf(out, len, "%s:%u", host, port);
}

static int write_port_file(const char *path, uint16_t port)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "%s serve: Unable to write `%s': %s.\n", PROG_NAME,
			path, strerror(errno));
		return -1;
	}
	return 0;
}

int serve_main(int argc, char *argv[])
{
	struct serve_cfg cfg = { .addr = "0.0.0.0", .port = 8443, .max_clients = 256 };
	SSL_CTX *ctx;
	uint16_t bound = 0;
	pthread_attr_t attr;
	int lfd, ret;

	ret = parse_args(argc, argv, &cfg);
	if (ret) {
		if (ret == -1)
			usage();
		return ret == -1 ? EXIT_USAGE : 1;
	}
	signal(SIGPIPE, SIG_IGN);
	ctx = make_ctx(&cfg);
	if (!ctx)
		return 1;
	lfd = listen_on(&cfg, &bound);
	if (lfd < 0 || (cfg.port_file && write_port_file(cfg.port_file, bound))) {
		SSL_CTX_free(ctx);
		return 1;
	}
	logf_("serving `%s' on %s port %u (%s)", cfg.root, cfg.addr, bound,
	      cfg.userspace ? "kernel TLS disabled by --userspace" :
			      "kernel TLS when available");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct client *cl;
		pthread_t th;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE)
				logf_("accept failed: %s", strerror(errno));
			if (errno == EMFILE)
				usleep(100000);
			continue;
		}
		pthread_mutex_lock(&active_lock);
		while (active >= cfg.max_clients)
			pthread_cond_wait(&active_cond, &active_lock);
		active++;
		pthread_mutex_unlock(&active_lock);
		cl = calloc(1, sizeof(*cl));
		if (cl) {
			cl->cfg = &cfg;
			cl->ctx = ctx;
			cl->fd = fd;
			peer_name(&ss, cl->peer, sizeof(cl->peer));
		}
		if (!cl || pthread_create(&th, &attr, client_thread, cl)) {
			logf_("unable to start a client thread: %s", strerror(errno));
			free(cl);
			close(fd);
			pthread_mutex_lock(&active_lock);
			active--;
			pthread_mutex_unlock(&active_lock);
		}
	}
}
