/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Shared pieces of the `ktls` CLI: subcommand entry points and helpers. */
#ifndef KTLS_TOOLS_H
#define KTLS_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

extern const char *PROG_NAME;

int serve_main(int argc, char *argv[]);
int get_main(int argc, char *argv[]);
int check_main(int argc, char *argv[]);
int stat_main(int argc, char *argv[]);
int bench_main(int argc, char *argv[]);

/* Exit codes, as wireguard-tools: 0 ok, 1 runtime error, 2 usage error. */
#define EXIT_USAGE 2

/* TLS options shared by serve and get. */
struct tls_opts {
	int version;		/* 0, TLS1_2_VERSION or TLS1_3_VERSION */
	const char *cipher;	/* suite (1.3) or cipher list (1.2) */
};

/* Parse "1.2"/"1.3"; returns 0 or -1. */
int parse_tls_version(const char *s, int *version);
/* Apply version and cipher to ctx; one-sentence error on failure. */
int apply_tls_opts(SSL_CTX *ctx, const struct tls_opts *o, const char *cmd);
/* Self-signed ECDSA P-256 certificate for localhost / 127.0.0.1. */
int use_selfsigned_cert(SSL_CTX *ctx);
/* Parse a port number; returns 0 or -1. */
int parse_port(const char *s, uint16_t *port);
/* Parse a byte count with an optional K or M suffix, 1 B to 1 GiB;
 * returns 0 or -1. */
int parse_size(const char *s, size_t *out);
/* Monotonic seconds. */
double now_sec(void);
/* The kTLS counters file: /proc/net/<KTLS_ULP>_stat, tls_stat or ktls_stat. */
const char *tls_stat_path(void);
/* Last OpenSSL error as text, or fallback. */
const char *ssl_err_string(void);

#endif /* KTLS_TOOLS_H */
