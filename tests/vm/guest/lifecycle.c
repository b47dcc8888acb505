// SPDX-License-Identifier: GPL-2.0
/* lifecycle.c - unload refused while kTLS sockets live; load/use/unload. */
/*
 * The module under test is the "test" line of /etc/ktls-modules (init.sh
 * loaded it from /lib/modules/<that line>). The tests here unload it with
 * delete_module(2) and load it again with finit_module(2) from the same
 * file, with the parameters it had (read from /sys/module/NAME/parameters
 * first: ulp_name for ktls, none for the in-tree tls.ko). The module is
 * loaded again when a test ends, failed or not: init.sh unloads it at the
 * end and the verdict depends on that.
 *
 *   unload_refused_*   a kTLS socket (ULP only, or with keys) holds a
 *                      module reference: delete_module(O_NONBLOCK) is
 *                      EWOULDBLOCK, the module stays, the socket works
 *   cycles             KTLS_LIFECYCLE_CYCLES (default 20) x: gauges 0,
 *                      unload (gone from /proc/modules, ULP and counters
 *                      file gone), load, ULP back, one kTLS transfer each
 *                      way (1.2 and 1.3 alternately), sockets closed
 *   params_kept        the parameters are what they were before
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "stress_util.h"

struct mod {
	char name[128], path[256], params[512], ulp[64];
};

static char g_params0[512];

/* Name and file of the module under test, from /etc/ktls-modules. */
static int mod_find(struct mod *m)
{
	char f[120], req[16], *p;
	FILE *fp = fopen("/etc/ktls-modules", "r");
	int found = 0;

	memset(m, 0, sizeof(*m));
	if (!fp)
		return -1;
	while (!found && fscanf(fp, "%119s %15s", f, req) == 2)
		found = !strcmp(req, "test");
	fclose(fp);
	if (!found)
		return -1;
	snprintf(m->path, sizeof(m->path), "/lib/modules/%s", f);
	p = strrchr(f, '/');
	snprintf(m->name, sizeof(m->name), "%s", p ? p + 1 : f);
	p = strstr(m->name, ".ko");
	if (p)
		*p = 0;
	for (p = m->name; *p; p++)
		if (*p == '-')
			*p = '_';
	return 0;
}

/* "k=v ..." from /sys/module/NAME/parameters (empty when none). */
static void mod_params(const struct mod *m, char *out, size_t len)
{
	char dir[256], path[600], val[256];
	struct dirent *e;
	size_t used = 0;
	DIR *d;
	FILE *f;

	out[0] = 0;
	snprintf(dir, sizeof(dir), "/sys/module/%s/parameters", m->name);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = 0;
			used += snprintf(out + used, len - used, "%s%s=%s",
					 used ? " " : "", e->d_name, val);
		}
		fclose(f);
	}
	closedir(d);
}

static int mod_loaded(const struct mod *m)
{
	char line[512], name[128];
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%127s", name) == 1 &&
			!strcmp(name, m->name);
	if (f)
		fclose(f);
	return found;
}

static int ulp_available(const char *ulp)
{
	char buf[256], *tok, *save;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "r");
	int found = 0;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		for (tok = strtok_r(buf, " \n", &save); tok && !found;
		     tok = strtok_r(NULL, " \n", &save))
			found = !strcmp(tok, ulp);
	fclose(f);
	return found;
}

/* A loopback pair with TLS_TX and TLS_RX on both ends. */
static int ktls_pair(struct srng *r, const char *ulp, uint16_t v, int fd[2])
{
	const struct ref_cipher *c = &guest_ciphers[GC_AES_GCM_128];
	struct ref_dir ab, ba;
	int rc;

	if (loopback_pair(AF_INET, &fd[0], &fd[1]))
		return -1;
	rc = set_timeouts(fd[0], 5) || set_timeouts(fd[1], 5) ||
	     ktls_attach(fd[0], ulp, TLS_TX, r, &ab, v, c) ||
	     ktls_attach_same(fd[1], ulp, TLS_RX, &ab) ||
	     ktls_attach(fd[1], NULL, TLS_TX, r, &ba, v, c) ||
	     ktls_attach_same(fd[0], NULL, TLS_RX, &ba);
	explicit_bzero(&ab, sizeof(ab));
	explicit_bzero(&ba, sizeof(ba));
	if (rc) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	return 0;
}

/* LEN random bytes from FROM to TO, read back whole; 0 or -1. */
static int one_way(struct srng *r, int from, int to, size_t len)
{
	static uint8_t in[40000], out[40000];
	size_t got = 0;
	ssize_t n;

	srng_fill(r, in, len);
	if (send(from, in, len, 0) != (ssize_t)len)
		return -1;
	while (got < len) {
		n = recv(to, out + got, len - got, 0);
		if (n <= 0)
			return -1;
		got += n;
	}
	return memcmp(in, out, len) ? -1 : 0;
}

static int transfer(struct srng *r, const char *ulp, uint16_t v,
		    char *why, size_t wl)
{
	int fd[2], rc;

	if (ktls_pair(r, ulp, v, fd)) {
		snprintf(why, wl, "kTLS pair (ULP `%s'): %s", ulp,
			 strerror(errno));
		return -1;
	}
	rc = one_way(r, fd[0], fd[1], srng_range(r, 1, 40000)) ||
	     one_way(r, fd[1], fd[0], srng_range(r, 1, 40000));
	if (rc)
		snprintf(why, wl, "transfer: %s", strerror(errno));
	close(fd[0]);
	close(fd[1]);
	return rc ? -1 : 0;
}

FIXTURE(lc) {
	struct mod m;
	struct srng r;
};

FIXTURE_SETUP(lc)
{
	uint64_t s;

	ASSERT_EQ(mod_find(&self->m), 0) {
		TH_LOG("no \"test\" module in /etc/ktls-modules");
	}
	ASSERT_TRUE(mod_loaded(&self->m)) {
		TH_LOG("module %s is not loaded", self->m.name);
	}
	mod_params(&self->m, self->m.params, sizeof(self->m.params));
	ulp_name(self->m.ulp, sizeof(self->m.ulp));
	ASSERT_EQ(getrandom(&s, sizeof(s), 0), sizeof(s));
	self->r.s = s;
}

/* Whatever happened: the module is loaded when the test ends. */
FIXTURE_TEARDOWN(lc)
{
	if (self->m.name[0] && !mod_loaded(&self->m) &&
	    kmod_insert(self->m.path, self->m.params))
		fprintf(stderr, "# reloading %s (%s) failed: %s\n",
			self->m.name, self->m.params, strerror(errno));
}

static void refused_with(struct __test_metadata *_metadata,
			 FIXTURE_DATA(lc) *self, int keys)
{
	int fd[2] = { -1, -1 };
	char why[200];

	if (keys) {
		ASSERT_EQ(ktls_pair(&self->r, self->m.ulp, TLS_1_3_VERSION, fd), 0);
	} else {
		ASSERT_EQ(loopback_pair(AF_INET, &fd[0], &fd[1]), 0);
		ASSERT_EQ(setsockopt(fd[0], IPPROTO_TCP, TCP_ULP, self->m.ulp,
				     strlen(self->m.ulp) + 1), 0);
	}
	EXPECT_EQ(syscall(SYS_delete_module, self->m.name, O_NONBLOCK), -1);
	EXPECT_EQ(errno, EWOULDBLOCK);
	EXPECT_TRUE(mod_loaded(&self->m));
	EXPECT_TRUE(ulp_available(self->m.ulp));
	if (keys) {
		EXPECT_EQ(one_way(&self->r, fd[0], fd[1], 30000), 0);
		EXPECT_EQ(one_way(&self->r, fd[1], fd[0], 1), 0);
	}
	close(fd[0]);
	close(fd[1]);
	/* the other suites still need a working module */
	EXPECT_EQ(transfer(&self->r, self->m.ulp, TLS_1_2_VERSION, why,
			   sizeof(why)), 0) {
		TH_LOG("%s", why);
	}
}

TEST_F(lc, unload_refused_with_ulp_only)
{
	refused_with(_metadata, self, 0);
}

TEST_F(lc, unload_refused_with_keys)
{
	refused_with(_metadata, self, 1);
}

TEST_F(lc, cycles)
{
	unsigned long n = env_ul("KTLS_LIFECYCLE_CYCLES", 20), i;
	char stat[128], why[256];
	double start = now_s();
	uint16_t v;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(gauges_settle(10, why, sizeof(why)), 0) {
			TH_LOG("cycle %lu: gauges before unload: %s", i, why);
		}
		ASSERT_EQ(kmod_unload(self->m.name, 10), 0) {
			TH_LOG("cycle %lu: delete_module(%s): %s", i,
			       self->m.name, strerror(errno));
		}
		ASSERT_FALSE(mod_loaded(&self->m));
		ASSERT_FALSE(ulp_available(self->m.ulp));
		snprintf(stat, sizeof(stat), "/proc/net/%s_stat", self->m.ulp);
		ASSERT_NE(access(stat, F_OK), 0) {
			TH_LOG("cycle %lu: %s outlived the module", i, stat);
		}
		ASSERT_EQ(kmod_insert(self->m.path, self->m.params), 0) {
			TH_LOG("cycle %lu: finit_module(%s, \"%s\"): %s", i,
			       self->m.path, self->m.params, strerror(errno));
		}
		ASSERT_TRUE(mod_loaded(&self->m));
		ASSERT_TRUE(ulp_available(self->m.ulp));
		ASSERT_EQ(gauges_sum(why, sizeof(why)), 0) {
			TH_LOG("cycle %lu: fresh module's gauges: %s", i, why);
		}
		v = i % 2 ? TLS_1_3_VERSION : TLS_1_2_VERSION;
		ASSERT_EQ(transfer(&self->r, self->m.ulp, v, why, sizeof(why)), 0) {
			TH_LOG("cycle %lu: %s", i, why);
		}
	}
	fprintf(stderr, "# lifecycle: %lu load/use/unload cycles of %s (params \"%s\") in %.1f s\n",
		n, self->m.name, self->m.params, now_s() - start);
}

TEST_F(lc, params_kept)
{
	char now[512];

	mod_params(&self->m, now, sizeof(now));
	EXPECT_STREQ(now, g_params0);
	EXPECT_TRUE(ulp_available(self->m.ulp));
}

int main(int argc, char **argv)
{
	struct mod m;

	/* before any test: what params_kept compares with */
	if (!mod_find(&m))
		mod_params(&m, g_params0, sizeof(g_params0));
	printf("# lifecycle: module parameters at start: \"%s\"\n", g_params0);
	fflush(stdout);
	harness_set_timeouts(30 + 10 * env_ul("KTLS_LIFECYCLE_CYCLES", 20));
	return test_harness_run(argc, argv);
}
