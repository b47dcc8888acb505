// SPDX-License-Identifier: GPL-2.0 OR MIT
/* `ktls check`: one screen on what kernel TLS this machine can do, and fixes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/tls.h>
#include <openssl/rand.h>

#include "fdio.h"
#include "ktls-tool.h"
#include "ktls/ktls.h"

struct pair {
	int a, b;
};

static int pair_open(struct pair *p)
{
	return loopback_pair(&p->a, &p->b);
}

static void pair_close(struct pair *p)
{
	if (p->a >= 0)
		close(p->a);
	if (p->b >= 0)
		close(p->b);
}

/* Random key material for one direction; the same bytes on both ends. */
struct probe_keys {
	uint8_t key[32], iv[12], secret[48];
};

/* Install for one direction; TLS 1.3 rows with a suite go through the
 * raw-secret entry (HKDF over the suite's hash, SM3 for SM4).  0 or -errno. */
static int probe_one(int fd, unsigned int dir, uint16_t version,
		     const struct ktls_cipher_desc *d, const struct probe_keys *k)
{
	size_t ivl = version == TLS_1_3_VERSION || d->salt_len == 0 ?
		     12 : d->salt_len;
	size_t sl = d->tls13_hash && !strcmp(d->tls13_hash, "SHA384") ? 48 : 32;

	if (version == TLS_1_3_VERSION && d->tls13_suite)
		return ktls_install_tls13(NULL, fd, dir, d->tls13_suite,
					  k->secret, sl, 0);
	return ktls_install_keys(NULL, fd, dir, version, d->kernel_type,
				 k->key, d->key_len, k->iv, ivl, 0);
}

static const char rt_msg[] = "ktls check round trip";

/* Read one record through kernel RX; 0 when it is rt_msg, else -errno. */
static int rt_receive(int b)
{
	struct timeval tv = { .tv_sec = 3 };
	char buf[64];
	ssize_t n;

	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(b, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(rt_msg) && !memcmp(buf, rt_msg, sizeof(rt_msg)) ?
	       0 : -EPROTO;
}

static char *read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

static bool module_loaded(const char *name)
{
	char line[512];
	size_t nl = strlen(name);
	FILE *f = fopen("/proc/modules", "r");
	bool found = false;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, nl) && line[nl] == ' ')
			found = true;
	if (f)
		fclose(f);
	return found;
}

/* Returns true when a TLS ULP is registered; prints who provides it. */
static bool report_ulp(void)
{
	const char *want = getenv("KTLS_ULP") ? getenv("KTLS_ULP") : "tls";
	char ulps[256];
	bool listed = false, other = false;

	if (read_small("/proc/sys/net/ipv4/tcp_available_ulp", ulps, sizeof(ulps))) {
		for (char *t = strtok(ulps, " "); t; t = strtok(NULL, " ")) {
			listed |= !strcmp(t, want);
			other |= !strcmp(t, "ktls") && strcmp(want, "ktls");
		}
	}
	if (module_loaded("ktls") || !access("/sys/module/ktls", F_OK))
		printf("TLS ULP:      %s, provided by ktls.ko\n", listed ? "registered" : "not registered");
	else if (module_loaded("tls"))
		printf("TLS ULP:      %s, provided by the in-tree tls.ko\n", listed ? "registered" : "not registered");
	else if (listed)
		printf("TLS ULP:      registered, built into the kernel (CONFIG_TLS=y)\n");
	else
		printf("TLS ULP:      none: the kernel has no TLS ULP: load ktls.ko (insmod ktls.ko) or the in-tree module (modprobe tls)\n");
	if (other)
		printf("              ktls.ko is registered as ULP \"ktls\": set KTLS_ULP=ktls to use it\n");
	return listed;
}

#define NOT_APPLICABLE 1	/* positive: never an errno here */

struct probe_result {
	int tx[2], rx[2], rt[2];	/* [0] TLS 1.2, [1] TLS 1.3 */
};

/*
 * One version x cipher: a child process installs RX on its end and reads,
 * the parent installs TX and sends, with the same key material: the
 * kernel's record layer end to end, between two processes.
 */
static void probe_cell(const struct ktls_cipher_desc *d, uint16_t version,
		       int *tx, int *rx, int *rt)
{
	struct probe_keys k;
	struct pair p;
	int res[2] = { -EIO, -EIO }, fds[2];
	pid_t pid;

	*tx = *rx = *rt = pair_open(&p);
	if (*tx)
		return;
	RAND_bytes((unsigned char *)&k, sizeof(k));
	if (pipe(fds)) {
		*tx = *rx = *rt = -errno;
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		res[0] = probe_one(p.b, KTLS_RX, version, d, &k);
		res[1] = res[0] ? res[0] : rt_receive(p.b);
		_exit(write(fds[1], res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	*tx = probe_one(p.a, KTLS_TX, version, d, &k);
	if (!*tx && send(p.a, rt_msg, sizeof(rt_msg), 0) != (ssize_t)sizeof(rt_msg))
		*tx = -errno;
	if (*tx)
		shutdown(p.a, SHUT_WR);	/* the child's read ends now */
	if (pid < 0 || read(fds[0], res, sizeof(res)) != sizeof(res))
		res[0] = res[1] = -EIO;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	*rx = res[0];
	*rt = *tx ? *tx : res[1];
out:
	explicit_bzero(&k, sizeof(k));
	pair_close(&p);
}

static const char *yes_no(int e)
{
	return e ? "no" : "yes";
}

static int probe_matrix(struct probe_result *res, size_t n)
{
	static const uint16_t versions[2] = { TLS_1_2_VERSION, TLS_1_3_VERSION };
	int usable = 0;

	printf("\n%-18s %-15s %s\n", "Cipher", "TLS 1.2", "TLS 1.3");
	printf("%-18s %-15s %s\n", "", "TX  RX  data", "TX  RX  data");
	for (size_t i = 0; i < n; i++) {
		const struct ktls_cipher_desc *d = ktls_cipher_at(i);

		printf("%-18s", d->name);
		for (int v = 0; v < 2; v++) {
			if (v == 1 && !d->tls13_suite) {
				/* no TLS 1.3 suite uses this cipher (ARIA) */
				res[i].tx[v] = res[i].rx[v] = res[i].rt[v] = NOT_APPLICABLE;
				printf(" %-3s %-3s %-4s\n", "n/a", "n/a", "-");
				continue;
			}
			probe_cell(d, versions[v], &res[i].tx[v], &res[i].rx[v],
				   &res[i].rt[v]);
			printf(" %-3s %-3s %-4s%s", yes_no(res[i].tx[v]), yes_no(res[i].rx[v]),
			       res[i].tx[v] || res[i].rx[v] ? "-" :
			       res[i].rt[v] ? "FAIL" : "ok", v ? "\n" : "   ");
			usable += !res[i].rt[v];
		}
	}
	return usable;
}

static bool any_failure(const struct probe_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int v = 0; v < 2; v++)
			if (res[i].rt[v] && res[i].rt[v] != NOT_APPLICABLE)
				return true;
	return false;
}

/* Can a loopback socket take the ULP at all?  Returns 0 or -errno. */
static int probe_ulp(void)
{
	const char *name = getenv("KTLS_ULP") ? getenv("KTLS_ULP") : "tls";
	struct pair p;
	int err = pair_open(&p);

	if (!err && setsockopt(p.a, IPPROTO_TCP, TCP_ULP, name, strlen(name) + 1))
		err = -errno;
	pair_close(&p);
	return err;
}

static void explain_failures(const struct probe_result *res, size_t n)
{
	int last = 0, ulp_err = probe_ulp();

	if (ulp_err) {
		printf("  every cipher: %s (%s).\n", ktls_explain_errno(ulp_err, true),
		       strerror(-ulp_err));
		return;
	}

	for (size_t i = 0; i < n; i++)
		for (int v = 0; v < 2; v++) {
			int e = res[i].tx[v] ? res[i].tx[v] : res[i].rx[v];

			if (e == NOT_APPLICABLE)
				continue;
			if (!e && res[i].rt[v]) {
				printf("  %s TLS 1.%d: keys installed but a record did not survive kernel TX -> kernel RX (%s): the module's record layer is broken for this cipher.\n",
				       ktls_cipher_at(i)->name, 2 + v, strerror(-res[i].rt[v]));
				continue;
			}
			if (!e || e == last)
				continue;
			last = e;
			printf("  %s TLS 1.%d: %s (%s).\n", ktls_cipher_at(i)->name, 2 + v,
			       ktls_explain_errno(e, false), strerror(-e));
		}
}

static void probe_extras(void)
{
	const struct ktls_cipher_desc *d = ktls_cipher_at(0);
	struct probe_keys k;
	struct pair p;
	int one = 1, tx, rx, np;

	RAND_bytes((unsigned char *)&k, sizeof(k));
	if (pair_open(&p))
		return;
	tx = probe_one(p.a, KTLS_TX, TLS_1_3_VERSION, d, &k);
	rx = probe_one(p.a, KTLS_RX, TLS_1_3_VERSION, d, &k);
	if (tx || rx) {
		pair_close(&p);
		return;
	}
	tx = probe_one(p.a, KTLS_TX, TLS_1_3_VERSION, d, &k);
	rx = probe_one(p.a, KTLS_RX, TLS_1_3_VERSION, d, &k);
	printf("\nKeyUpdate:    TX rekey %s, RX rekey %s%s\n", tx ? "no" : "yes",
	       rx ? "no" : "yes", tx || rx ?
	       ": a TLS 1.3 KeyUpdate will end connections; it needs Linux 6.14+ or ktls.ko with rekey" : "");
#ifdef TLS_RX_EXPECT_NO_PAD
	np = probe_one(p.b, KTLS_RX, TLS_1_3_VERSION, d, &k);
	if (!np)
		np = setsockopt(p.b, SOL_TLS, TLS_RX_EXPECT_NO_PAD, &one,
				sizeof(one)) ? errno : 0;
	printf("No-pad RX:    %s\n", np ? "no: TLS_RX_EXPECT_NO_PAD needs Linux 6.0+ or ktls.ko" : "yes");
#else
	(void)one;
	(void)np;
	printf("No-pad RX:    unknown: built against headers without TLS_RX_EXPECT_NO_PAD\n");
#endif
	pair_close(&p);
}

static void print_tls_stat(void)
{
	char line[256];
	FILE *f = fopen(tls_stat_path(), "r");
	int n = 0;

	printf("\n%s:", tls_stat_path());
	if (!f) {
		printf(" absent: it appears once ktls.ko or tls.ko is loaded\n");
		return;
	}
	printf("\n");
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned long long v;

		if (sscanf(line, "%63s %llu", name, &v) == 2 && v)
			printf("  %-28s %llu\n", name, v), n++;
	}
	if (!n)
		printf("  (all counters zero)\n");
	fclose(f);
}

int check_main(int argc, char *argv[])
{
	struct probe_result res[16];
	size_t n = ktls_cipher_count();
	struct utsname u;
	bool ulp;
	int usable;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s check\n", PROG_NAME);
		return !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ? 0 : EXIT_USAGE;
	}
	if (n > 16)
		n = 16;
	uname(&u);
	printf("Kernel:       %s %s (%s)\n", u.sysname, u.release, u.machine);
	ulp = report_ulp();
	usable = probe_matrix(res, n);
	if (any_failure(res, n)) {
		printf("\nNot available:\n");
		explain_failures(res, n);
	}
	if (usable)
		probe_extras();
	print_tls_stat();
	printf("\nVerdict:      %s\n", usable ?
	       "kernel TLS works: `ktls serve' and `ktls get' will use it" :
	       ulp ? "the TLS ULP is present but refused every cipher: see the reasons above" :
		     "no kernel TLS: `ktls serve' and `ktls get' fall back to OpenSSL's userspace record layer; load ktls.ko");
	return usable ? 0 : 1;
}
