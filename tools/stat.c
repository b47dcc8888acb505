// SPDX-License-Identifier: GPL-2.0 OR MIT
/* `ktls stat`: /proc/net/tls_stat counters and per-socket TLS state via
 * sock_diag (INET_DIAG_ULP_INFO), like `ss -tie`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tls.h>

#include "ktls-tool.h"
#include "ktls/ktls.h"

#define MAX_COUNTERS 64

struct counter {
	char name[48];
	unsigned long long v;
};

static int read_counters(struct counter *c, int max)
{
	FILE *f = fopen(tls_stat_path(), "r");
	char line[256];
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%47s %llu", c[n].name, &c[n].v) == 2)
			n++;
	fclose(f);
	return n;
}

struct tls_sock {
	char local[64], remote[64];
	char ulp[16];
	int version, cipher, txconf, rxconf;
	bool zc_ro_tx, rx_no_pad;
};

static const char *conf_name(int c)
{
	switch (c) {
	case TLS_CONF_BASE: return "none";
	case TLS_CONF_SW: return "sw";
	case TLS_CONF_HW: return "hw";
	case TLS_CONF_HW_RECORD: return "hw-record";
	default: return "-";
	}
}

static const char *cipher_name(int type)
{
	const struct ktls_cipher_desc *d = ktls_cipher_by_type((uint16_t)type);

	return d ? d->name : "-";
}

static const char *version_name(int v)
{
	return v == TLS_1_2_VERSION ? "1.2" : v == TLS_1_3_VERSION ? "1.3" : "-";
}

static void addr_str(int family, const __be32 *a, __be16 port, char *out, size_t len)
{
	char h[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family, a, h, sizeof(h));
	snprintf(out, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", h, ntohs(port));
}

/*
 * The TLS_INFO_* attributes are a uapi enum, which #ifdef cannot test:
 * the flags are numbered here (ZC_RO_TX since Linux 5.19's headers,
 * RX_NO_PAD since 6.0's), so older headers build and read them too.
 */
enum {
	INFO_ZC_RO_TX = TLS_INFO_RXCONF + 1,
	INFO_RX_NO_PAD,
};

static void parse_tls_attrs(struct rtattr *ra, int len, struct tls_sock *s)
{
	for (; RTA_OK(ra, len); ra = RTA_NEXT(ra, len)) {
		uint16_t v = RTA_PAYLOAD(ra) >= 2 ? *(uint16_t *)RTA_DATA(ra) : 0;

		switch (ra->rta_type) {
		case TLS_INFO_VERSION: s->version = v; break;
		case TLS_INFO_CIPHER: s->cipher = v; break;
		case TLS_INFO_TXCONF: s->txconf = v; break;
		case TLS_INFO_RXCONF: s->rxconf = v; break;
		case INFO_ZC_RO_TX: s->zc_ro_tx = true; break;
		case INFO_RX_NO_PAD: s->rx_no_pad = true; break;
		}
	}
}

static bool parse_ulp(struct rtattr *ra, int len, struct tls_sock *s)
{
	for (; RTA_OK(ra, len); ra = RTA_NEXT(ra, len)) {
		if (ra->rta_type == INET_ULP_INFO_NAME)
			snprintf(s->ulp, sizeof(s->ulp), "%.*s",
				 (int)RTA_PAYLOAD(ra), (char *)RTA_DATA(ra));
		else if (ra->rta_type == INET_ULP_INFO_TLS)
			parse_tls_attrs(RTA_DATA(ra), (int)RTA_PAYLOAD(ra), s);
	}
	return s->ulp[0] != '\0';
}

static int dump_family(int nl, int family, struct tls_sock *out, int max, int n)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_ext = 1 << (INET_DIAG_INFO - 1),
		       .idiag_states = ~(1u << 10) /* all but LISTEN */ },
	};
	static char buf[65536];

	if (send(nl, &req, sizeof(req), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(nl, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (len < 0)
			return -errno;
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			struct inet_diag_msg *m = NLMSG_DATA(h);
			struct rtattr *ra;
			int alen;
			struct tls_sock s = { 0 };

			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : -EIO;
			}
			ra = (struct rtattr *)(m + 1);
			alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (; RTA_OK(ra, alen); ra = RTA_NEXT(ra, alen))
				if (ra->rta_type == INET_DIAG_ULP_INFO &&
				    parse_ulp(RTA_DATA(ra), (int)RTA_PAYLOAD(ra), &s) &&
				    n < max) {
					addr_str(family, m->id.idiag_src, m->id.idiag_sport,
						 s.local, sizeof(s.local));
					addr_str(family, m->id.idiag_dst, m->id.idiag_dport,
						 s.remote, sizeof(s.remote));
					out[n++] = s;
				}
		}
	}
}

static int read_sockets(struct tls_sock *out, int max)
{
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int n = 0;

	if (nl < 0)
		return -errno;
	n = dump_family(nl, AF_INET, out, max, n);
	if (n >= 0)
		n = dump_family(nl, AF_INET6, out, max, n);
	close(nl);
	return n;
}

/* prev: the previous sample (watch mode) for per-interval deltas, or NULL. */
static void print_text(const struct counter *c, int nc, const struct counter *prev,
		       int nprev, const struct tls_sock *s, int ns)
{
	if (nc < 0)
		printf("counters: /proc/net/tls_stat is absent: load ktls.ko or tls.ko\n");
	for (int i = 0; i < nc; i++) {
		printf("%-28s %llu", c[i].name, c[i].v);
		if (prev && i < nprev && !strcmp(prev[i].name, c[i].name) &&
		    c[i].v != prev[i].v)
			printf("  (%+lld)", (long long)(c[i].v - prev[i].v));
		printf("\n");
	}
	if (ns == -ENOENT || ns == -EOPNOTSUPP)
		printf("sockets: sock_diag has no TCP handler (%s): load it with `modprobe tcp_diag'\n",
		       strerror(-ns));
	else if (ns < 0)
		printf("sockets: sock_diag failed (%s): run as root (CAP_NET_ADMIN)\n",
		       strerror(-ns));
	if (ns < 0)
		return;
	printf("\n%d TLS socket%s\n", ns, ns == 1 ? "" : "s");
	for (int i = 0; i < ns; i++)
		printf("%-24s %-24s ulp %s version %s cipher %s tx %s rx %s%s%s\n",
		       s[i].local, s[i].remote, s[i].ulp, version_name(s[i].version),
		       cipher_name(s[i].cipher), conf_name(s[i].txconf),
		       conf_name(s[i].rxconf), s[i].zc_ro_tx ? " zc-ro-tx" : "",
		       s[i].rx_no_pad ? " rx-no-pad" : "");
}

static void print_json(const struct counter *c, int nc, const struct tls_sock *s, int ns)
{
	printf("{\"counters\":");
	if (nc < 0)
		printf("null");
	else
		for (int i = 0; i < nc; i++)
			printf("%s\"%s\":%llu", i ? "," : "{", c[i].name, c[i].v);
	printf("%s,\"sockets\":[", nc > 0 ? "}" : nc == 0 ? "{}" : "");
	for (int i = 0; i < ns; i++)
		printf("%s{\"local\":\"%s\",\"remote\":\"%s\",\"ulp\":\"%s\",\"version\":\"%s\","
		       "\"cipher\":\"%s\",\"tx\":\"%s\",\"rx\":\"%s\",\"zc_ro_tx\":%s,\"rx_no_pad\":%s}",
		       i ? "," : "", s[i].local, s[i].remote, s[i].ulp,
		       version_name(s[i].version), cipher_name(s[i].cipher),
		       conf_name(s[i].txconf), conf_name(s[i].rxconf),
		       s[i].zc_ro_tx ? "true" : "false", s[i].rx_no_pad ? "true" : "false");
	printf("]}\n");
}

int stat_main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct counter c[MAX_COUNTERS], prev[MAX_COUNTERS];
	int nprev = -1;
	static struct tls_sock s[256];
	bool json = false, watch = false;
	int ch, interval = 1, count = -1;

	while ((ch = getopt_long(argc, argv, "jwi:n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = true; break;
		case 'w': watch = true; break;
		case 'i': interval = atoi(optarg); break;
		case 'n': count = atoi(optarg); break;
		default:
			fprintf(stderr, "Usage: %s stat [--json] [--watch [--interval SEC] [--count N]]\n",
				PROG_NAME);
			return ch == 'h' ? 0 : EXIT_USAGE;
		}
	}
	if (optind != argc || interval < 1) {
		fprintf(stderr, "Usage: %s stat [--json] [--watch [--interval SEC] [--count N]]\n",
			PROG_NAME);
		return EXIT_USAGE;
	}
	if (!watch)
		count = 1;
	for (int i = 0; count < 0 || i < count; i++) {
		int nc, ns;

		if (i)
			sleep((unsigned int)interval);
		nc = read_counters(c, MAX_COUNTERS);
		ns = read_sockets(s, 256);
		if (watch && !json && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		if (json)
			print_json(c, nc, s, ns);
		else
			print_text(c, nc, nprev >= 0 ? prev : NULL, nprev, s, ns);
		fflush(stdout);
		if (nc > 0)
			memcpy(prev, c, sizeof(c[0]) * (size_t)nc);
		nprev = nc;
		if (!watch)
			return nc < 0 && ns <= 0 ? 1 : 0;
	}
	return 0;
}
