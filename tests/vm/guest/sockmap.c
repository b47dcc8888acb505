// SPDX-License-Identifier: GPL-2.0
/* sockmap.c - BPF sockmap/sockhash and sk_msg verdicts next to kTLS. */
/*
 * Debian's 6.1 and 6.12 kernels make kTLS and sockmap mutually exclusive:
 * sk_psock_init() refuses a socket with a ULP (a kTLS socket cannot be put
 * into a map: EINVAL), and the in-tree tls.ko refuses TLS_TX/TLS_RX on a
 * socket that has a psock (EINVAL). A module that took TLS_TX there would
 * send its records past the psock's sk_msg verdict: a drop policy would
 * let the data through. These tests pin that contract for the module
 * under test, with a hand-assembled "return SK_DROP" (or SK_PASS) sk_msg
 * program loaded by raw bpf() calls (no clang, no libbpf), and check that
 * the ULP attach, map delete and disconnect still work in any order.
 *
 * The race tests (fixture `race`) put a psock drop on another CPU against
 * the ULP's attach and close, thousands of times: a context left with the
 * proto the drop had already put back makes the kernel WARN (a panic here:
 * panic_on_warn) and leaks the socket. Env: KTLS_RACE_ROUNDS (default
 * 1500), KTLS_RACE_SECONDS (bound per test, default 8), KTLS_RACE_SEED,
 * KTLS_RACE_ONLY (one race test by name, the others skipped: to replay
 * one that panics the kernel by hand).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"
#include "stress_util.h"
#include "bpf_util.h"

/*
 * An sk_msg program that redirects every message into the ingress queue
 * of the socket at key 1: bpf_msg_redirect_map(msg, map, 1, BPF_F_INGRESS),
 * or for a sockhash bpf_msg_redirect_hash(msg, map, &key, BPF_F_INGRESS)
 * with the key on the stack. r1 (the msg) is passed through.
 */
static int prog_load_redirect(int map, int hash)
{
	struct bpf_insn in[8], *p = in;

	if (hash)	/* *(u32 *)(r10 - 4) = 1 */
		*p++ = INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 1);
	*p++ = INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD,
		    0, map);
	*p++ = INSN(0, 0, 0, 0, 0);	/* upper half of the 64-bit load */
	if (hash) {
		*p++ = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10,
			    0, 0);
		*p++ = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -4);
	} else {
		*p++ = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 1);
	}
	*p++ = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0,
		    BPF_F_INGRESS);
	*p++ = INSN(BPF_JMP | BPF_CALL, 0, 0, 0,
		    hash ? BPF_FUNC_msg_redirect_hash :
			   BPF_FUNC_msg_redirect_map);
	*p++ = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return prog_load_insns(in, p - in);
}

FIXTURE(sockmap)
{
	int map, prog;
	int a, b;		/* a loopback pair */
	struct tls12_crypto_info_aes_gcm_128 ci;
};

FIXTURE_VARIANT(sockmap)
{
	enum bpf_map_type type;
	int verdict;
};

FIXTURE_VARIANT_ADD(sockmap, sockmap_drop)
{
	.type = BPF_MAP_TYPE_SOCKMAP,
	.verdict = SK_DROP,
};

FIXTURE_VARIANT_ADD(sockmap, sockhash_drop)
{
	.type = BPF_MAP_TYPE_SOCKHASH,
	.verdict = SK_DROP,
};

FIXTURE_VARIANT_ADD(sockmap, sockhash_pass)
{
	.type = BPF_MAP_TYPE_SOCKHASH,
	.verdict = SK_PASS,
};

FIXTURE_SETUP(sockmap)
{
	self->map = self->prog = self->a = self->b = -1;
	memset(&self->ci, 0, sizeof(self->ci));
	self->ci.info.version = TLS_1_3_VERSION;
	self->ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	ASSERT_EQ(getrandom(self->ci.key, sizeof(self->ci.key), 0),
		  sizeof(self->ci.key));
	self->map = map_create(variant->type);
	ASSERT_GE(self->map, 0) TH_LOG("map create: %s", strerror(errno));
	self->prog = prog_load(variant->verdict);
	ASSERT_GE(self->prog, 0) TH_LOG("prog load: %s", strerror(errno));
	ASSERT_EQ(prog_attach(self->prog, self->map), 0);
	ASSERT_EQ(loopback_pair(AF_INET, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->a, 10), 0);
	ASSERT_EQ(set_timeouts(self->b, 10), 0);
}

FIXTURE_TEARDOWN(sockmap)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
	if (self->prog >= 0)
		close(self->prog);
	if (self->map >= 0)
		close(self->map);
}

static int ulp(int fd)
{
	return setsockopt(fd, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls"));
}

static int tls_set(int fd, int opt, const void *ci, size_t len)
{
	return setsockopt(fd, SOL_TLS, opt, ci, len);
}

/*
 * What a send on `a` gives under the map's verdict, and that the bytes
 * arrive (SK_PASS) or do not (SK_DROP: EACCES from the psock's sendmsg).
 */
static void send_under_verdict(struct __test_metadata *_metadata,
			       FIXTURE_DATA(sockmap) *self, int verdict)
{
	char in[100] = "policy", out[100];

	if (verdict == SK_DROP) {
		EXPECT_EQ(send(self->a, in, sizeof(in), 0), -1);
		EXPECT_EQ(errno, EACCES);
		EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_DONTWAIT), -1);
		EXPECT_EQ(errno, EAGAIN);
	} else {
		EXPECT_EQ(send(self->a, in, sizeof(in), 0), sizeof(in));
		EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL),
			  sizeof(out));
		EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	}
}

/*
 * `a` (the ULP already on) gets TLS_TX, `b` the ULP and TLS_RX: one
 * record of @msg from a to b, as sent.
 */
static void ktls_round_trip(struct __test_metadata *_metadata,
			    FIXTURE_DATA(sockmap) *self, const char *msg)
{
	char in[100] = { 0 }, out[100];

	strncpy(in, msg, sizeof(in) - 1);
	ASSERT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(ulp(self->b), 0);
	ASSERT_EQ(tls_set(self->b, TLS_RX, &self->ci, sizeof(self->ci)), 0);
	EXPECT_EQ(send(self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* The program does what it says on a plain TCP socket in the map. */
TEST_F(sockmap, plain_socket_verdict)
{
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	send_under_verdict(_metadata, self, variant->verdict);
}

/* A socket with the tls ULP cannot go into a map (sk_psock_init). */
TEST_F(sockmap, ulp_socket_insert_einval)
{
	ASSERT_EQ(ulp(self->a), 0);
	EXPECT_EQ(map_update(self->map, 0, self->a), -1);
	EXPECT_EQ(errno, EINVAL);
	ASSERT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), 0);
	EXPECT_EQ(map_update(self->map, 0, self->a), -1);
	EXPECT_EQ(errno, EINVAL);
}

/*
 * In the map first, then the ULP (allowed): the psock's verdict still
 * decides what a send does (the in-tree module builds its tables from
 * the socket's current proto, tcp_bpf's).
 */
TEST_F(sockmap, in_map_then_ulp_verdict)
{
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	send_under_verdict(_metadata, self, variant->verdict);
}

/*
 * Messages a program redirects into the ingress of a socket that got the
 * ULP while in the map are read by recv on it (tcp_bpf's recvmsg and
 * sock_is_readable still in its proto), and poll says so. The second one
 * is left queued: close frees it (the debug kernel's kmemleak checks).
 */
TEST_F(sockmap, in_map_then_ulp_redirect_ingress)
{
	char in[100] = "redirected", out[sizeof(in) + 1];
	struct pollfd pfd = { .events = POLLIN };

	close(self->prog);
	close(self->map);
	self->prog = -1;
	self->map = map_create(variant->type);
	ASSERT_GE(self->map, 0);
	self->prog = prog_load_redirect(self->map,
					variant->type == BPF_MAP_TYPE_SOCKHASH);
	ASSERT_GE(self->prog, 0) TH_LOG("prog load: %s", strerror(errno));
	ASSERT_EQ(prog_attach(self->prog, self->map), 0);
	ASSERT_EQ(map_update(self->map, 0, self->b), 0);	/* sender */
	ASSERT_EQ(map_update(self->map, 1, self->a), 0);	/* target */
	ASSERT_EQ(ulp(self->a), 0);

	EXPECT_EQ(send(self->b, in, sizeof(in), 0), sizeof(in));
	pfd.fd = self->a;
	EXPECT_EQ(poll(&pfd, 1, 2000), 1);
	EXPECT_EQ(recv(self->a, out, sizeof(out), MSG_DONTWAIT), sizeof(in));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	EXPECT_EQ(send(self->b, in, sizeof(in), 0), sizeof(in));
}

/*
 * The program is detached from the map: the socket's psock keeps it, so
 * the verdict still decides until the socket leaves the map; then kTLS
 * can be configured and carries data.
 */
TEST_F(sockmap, prog_detached_then_delete)
{
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(prog_detach(self->prog, self->map), 0)
		TH_LOG("detach: %s", strerror(errno));
	send_under_verdict(_metadata, self, variant->verdict);
	ASSERT_EQ(map_delete(self->map, 0), 0);
	ktls_round_trip(_metadata, self, "after detach");
}

/*
 * In two maps (one psock, two links), then the ULP: a third insert is
 * EBUSY (the proto's close is no longer sockmap's); leaving one map keeps
 * the verdict, leaving the other ends it and kTLS works.
 */
TEST_F(sockmap, two_maps_delete_one_by_one)
{
	int map2 = map_create(variant->type);

	ASSERT_GE(map2, 0);
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(map_update(map2, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	EXPECT_EQ(map_update(map2, 1, self->a), -1);
	EXPECT_EQ(errno, EBUSY);
	ASSERT_EQ(map_delete(self->map, 0), 0);
	send_under_verdict(_metadata, self, variant->verdict);
	EXPECT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), -1);
	EXPECT_EQ(errno, EINVAL);
	ASSERT_EQ(map_delete(map2, 0), 0);
	close(map2);
	ktls_round_trip(_metadata, self, "out of both");
}

/*
 * IPv6: a socket in the map gets the ULP, then a plain IPv6 pair gets
 * kTLS (the module's IPv6 tables are built once, from tcpv6_prot, never
 * from tcp_bpf's proto, and never rebuilt under a socket): the verdict
 * still decides the first socket's sends and the pair carries records.
 */
TEST_F(sockmap, v6_in_map_then_ulp_verdict)
{
	char in[100] = "v6", out[100];
	int c6, d6;

	close(self->a);
	close(self->b);
	ASSERT_EQ(loopback_pair(AF_INET6, &self->a, &self->b), 0);
	ASSERT_EQ(set_timeouts(self->a, 10), 0);
	ASSERT_EQ(set_timeouts(self->b, 10), 0);
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(loopback_pair(AF_INET6, &c6, &d6), 0);
	ASSERT_EQ(set_timeouts(d6, 10), 0);
	ASSERT_EQ(ulp(c6), 0);
	ASSERT_EQ(tls_set(c6, TLS_TX, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(ulp(d6), 0);
	ASSERT_EQ(tls_set(d6, TLS_RX, &self->ci, sizeof(self->ci)), 0);
	send_under_verdict(_metadata, self, variant->verdict);
	EXPECT_EQ(send(c6, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(recv(d6, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
	close(c6);
	close(d6);
}

/* In the map, the ULP, then TLS_TX and TLS_RX: EINVAL. */
TEST_F(sockmap, in_map_then_tls_einval)
{
	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	EXPECT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(tls_set(self->a, TLS_RX, &self->ci, sizeof(self->ci)), -1);
	EXPECT_EQ(errno, EINVAL);
}

/* The receiving end in the map: TLS_RX refused too. */
TEST_F(sockmap, in_map_then_tls_rx_einval)
{
	ASSERT_EQ(map_update(self->map, 0, self->b), 0);
	ASSERT_EQ(ulp(self->b), 0);
	EXPECT_EQ(tls_set(self->b, TLS_RX, &self->ci, sizeof(self->ci)), -1);
	EXPECT_EQ(errno, EINVAL);
}

/*
 * In the map, the ULP, out of the map again: the psock is gone, kTLS can
 * be configured and carries data both ways.
 */
TEST_F(sockmap, delete_then_tls_works)
{

	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(map_delete(self->map, 0), 0) TH_LOG("delete: %s", strerror(errno));
	ktls_round_trip(_metadata, self, "after delete");
}

/*
 * sockmap_ktls's disconnect_after_delete: map, ULP, delete, then
 * connect(AF_UNSPEC) and close. The in-tree module refuses to
 * disconnect a socket with the tls ULP (its proto's disconnect is
 * EOPNOTSUPP: the record state would outlive the connection).
 */
TEST_F(sockmap, disconnect_after_delete)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(map_delete(self->map, 0), 0) TH_LOG("delete: %s", strerror(errno));
	EXPECT_EQ(connect(self->a, &sa, sizeof(sa)), -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
}

/* The same without a map, with TLS_TX set: EOPNOTSUPP, data still flows. */
TEST_F(sockmap, ulp_disconnect_eopnotsupp)
{
	struct sockaddr sa = { .sa_family = AF_UNSPEC };
	char in[100] = "still connected", out[100];
	int ret;

	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(ulp(self->b), 0);
	ASSERT_EQ(tls_set(self->b, TLS_RX, &self->ci, sizeof(self->ci)), 0);
	ret = connect(self->a, &sa, sizeof(sa));
	EXPECT_EQ(ret, -1);
	EXPECT_EQ(errno, EOPNOTSUPP);
	if (!ret)	/* disconnected: no use of the stale record state */
		return;
	EXPECT_EQ(send(self->a, in, sizeof(in), MSG_NOSIGNAL), sizeof(in));
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
}

/* The map goes away while the ULP socket is in it; then close. */
TEST_F(sockmap, map_closed_first)
{
	int i, ret = -1;

	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	close(self->map);
	close(self->prog);
	self->map = self->prog = -1;
	/* the map is freed from a workqueue: its psocks go then */
	for (i = 0; i < 100; i++) {
		ret = tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci));
		if (!ret || errno != EINVAL)
			break;
		usleep(20000);
	}
	EXPECT_EQ(ret, 0) TH_LOG("TLS_TX after the map went: %s",
				 strerror(errno));
}

/*
 * Objects in use in the kmalloc-512 cache (a struct proto's size class).
 * The cache is shrunk first: under KASAN that also empties its quarantine
 * of freed objects, which slabinfo still counts (the debug kernel).
 */
static long kmalloc512(void)
{
	FILE *f = fopen("/sys/kernel/slab/kmalloc-512/shrink", "w");
	char line[512], name[64];
	long act, n = -1;

	if (f) {
		fputs("1", f);
		fclose(f);
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &act) == 2 &&
		    !strcmp(name, "kmalloc-512"))
			n = act;
	fclose(f);
	return n;
}

/*
 * One socket through a map and the ULP, then out again in one of four
 * orders: close while in the map; delete then close; program detached
 * and map closed first (its psocks go from a work item), then close;
 * delete, keys set both ways, close.
 */
static int one_order(int type, int prog, int order,
		     const struct tls12_crypto_info_aes_gcm_128 *ci)
{
	int map = map_create(type), a, b, ret = -1;

	if (map < 0 || prog_attach(prog, map) ||
	    loopback_pair(AF_INET, &a, &b))
		return -1;
	if (map_update(map, 0, a) || ulp(a))
		goto out;
	switch (order) {
	case 1:
		if (map_delete(map, 0))
			goto out;
		break;
	case 2:
		if (prog_detach(prog, map))
			goto out;
		close(map);
		map = -1;
		break;
	case 3:
		if (map_delete(map, 0) ||
		    tls_set(a, TLS_TX, ci, sizeof(*ci)) || ulp(b) ||
		    tls_set(b, TLS_RX, ci, sizeof(*ci)))
			goto out;
		break;
	}
	ret = 0;
out:
	close(a);
	close(b);
	if (map >= 0)
		close(map);
	return ret;
}

/*
 * Map insert, delete, close and program detach in those orders, 400
 * sockets: every socket is freed again (a psock left behind holds its
 * socket), and the kmalloc-512 cache, where a per-socket proto lives,
 * does not keep one object per socket.
 */
TEST_F(sockmap, orders_leave_nothing)
{
	long s0, m0, s1 = -1, m1 = -1;
	int i, n = 400;

	s0 = tcp_alloc();
	m0 = kmalloc512();
	ASSERT_GE(s0, 0);
	ASSERT_GE(m0, 0);
	for (i = 0; i < n; i++)
		ASSERT_EQ(one_order(variant->type, self->prog, i % 4,
				    &self->ci), 0) TH_LOG("order %d", i % 4);
	for (i = 0; i < 250; i++) {	/* psocks and contexts go via RCU */
		s1 = tcp_alloc();
		m1 = kmalloc512();
		if (s1 <= s0 && m1 - m0 < n / 2)
			break;
		usleep(20000);
	}
	EXPECT_LE(s1, s0) TH_LOG("TCP sockets: %ld before, %ld after", s0, s1);
	EXPECT_LT(m1 - m0, n / 2) TH_LOG("kmalloc-512: %ld before, %ld after",
					  m0, m1);
}

/* ------------------------------------------------------------ races */

enum race_op { RACE_DELETE, RACE_MAP_CLOSE };

/*
 * The other CPU's side of a round: when told, spin for a seeded while,
 * then drop the socket's psock by deleting it from the map, or by closing
 * the map's last fd (the map and its psocks then go from a work item).
 */
struct race_side {
	pthread_t th;
	atomic_int go;		/* round to run; -1: exit */
	atomic_int done;	/* last round run */
	int map;
	enum race_op op;
	unsigned int spin;
};

static void spin_for(unsigned int n)
{
	volatile unsigned int i;

	for (i = 0; i < n; i++)
		;
}

static void *race_main(void *arg)
{
	struct race_side *r = arg;
	int round = 0;

	for (;;) {
		int go;

		while ((go = atomic_load(&r->go)) == round)
			;
		if (go < 0)
			return NULL;
		round = go;
		spin_for(r->spin);
		if (r->op == RACE_DELETE)
			map_delete(r->map, 0);
		else
			close(r->map);
		atomic_store(&r->done, round);
	}
}

FIXTURE(race)
{
	struct race_side side;
	struct srng rng;
	int prog;
	unsigned long rounds, seconds;
	struct tls12_crypto_info_aes_gcm_128 ci;
};

FIXTURE_VARIANT(race)
{
	enum bpf_map_type type;
};

FIXTURE_VARIANT_ADD(race, sockmap)
{
	.type = BPF_MAP_TYPE_SOCKMAP,
};

FIXTURE_VARIANT_ADD(race, sockhash)
{
	.type = BPF_MAP_TYPE_SOCKHASH,
};

FIXTURE_SETUP(race)
{
	uint64_t seed = env_seed("KTLS_RACE_SEED");

	printf("# KTLS_RACE_SEED=0x%llx\n", (unsigned long long)seed);
	self->rng.s = seed;
	self->rounds = env_ul("KTLS_RACE_ROUNDS", 1500);
	self->seconds = env_ul("KTLS_RACE_SECONDS", 8);
	memset(&self->ci, 0, sizeof(self->ci));
	self->ci.info.version = TLS_1_3_VERSION;
	self->ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	srng_fill(&self->rng, self->ci.key, sizeof(self->ci.key));
	self->prog = prog_load(SK_PASS);
	ASSERT_GE(self->prog, 0) TH_LOG("prog load: %s", strerror(errno));
	atomic_init(&self->side.go, 0);
	atomic_init(&self->side.done, 0);
	ASSERT_EQ(pthread_create(&self->side.th, NULL, race_main,
				 &self->side), 0);
}

FIXTURE_TEARDOWN(race)
{
	atomic_store(&self->side.go, -1);
	pthread_join(self->side.th, NULL);
	close(self->prog);
}

enum race_mine { MINE_ATTACH, MINE_CLOSE };

/*
 * Rounds of: a fresh loopback pair, `a` into a map (with the ULP already
 * on for MINE_CLOSE), then on this CPU the ULP attach or close of `a`
 * while the other drops its psock, each after a seeded spin. After an
 * attach, TLS_TX must work once the drop is done (the socket is on the
 * ULP's proto, not put back to TCP's under it). At the end every socket
 * is freed again: a close that never reached TCP leaks one.
 */
static void race_rounds(struct __test_metadata *_metadata,
			FIXTURE_DATA(race) *self, enum bpf_map_type type,
			enum race_mine mine, enum race_op op)
{
	double end = now_s() + self->seconds;
	const char *only = getenv("KTLS_RACE_ONLY");
	long s0 = tcp_alloc(), s1 = -1;
	unsigned long i;
	int a, b, map = -1;

	if (only && *only && strcmp(only, _metadata->name))
		SKIP(return, "KTLS_RACE_ONLY=%s", only);
	ASSERT_GE(s0, 0);
	self->side.op = op;
	for (i = 0; i < self->rounds && now_s() < end; i++) {
		if (map < 0) {
			map = map_create(type);
			ASSERT_GE(map, 0);
			ASSERT_EQ(prog_attach(self->prog, map), 0);
		}
		ASSERT_EQ(loopback_pair(AF_INET, &a, &b), 0);
		ASSERT_EQ(map_update(map, 0, a), 0)
			TH_LOG("insert: %s", strerror(errno));
		if (mine == MINE_CLOSE)
			ASSERT_EQ(ulp(a), 0);
		self->side.map = map;
		self->side.spin = srng_below(&self->rng, 20000);
		atomic_store(&self->side.go, (int)i + 1);
		/* a closed map is freed later, from a work item */
		spin_for(srng_below(&self->rng, op == RACE_DELETE ?
					      20000 : 400000));
		if (mine == MINE_ATTACH) {
			ASSERT_EQ(ulp(a), 0) TH_LOG("round %lu: %s", i,
						    strerror(errno));
		} else {
			close(a);
			a = -1;
		}
		while (atomic_load(&self->side.done) != (int)i + 1)
			;
		if (op == RACE_MAP_CLOSE)
			map = -1;	/* closed by the other side */
		if (mine == MINE_ATTACH) {
			int k;

			/* a closed map's psocks go from a work item */
			for (k = 0; k < 200; k++) {
				if (!tls_set(a, TLS_TX, &self->ci,
					     sizeof(self->ci)))
					break;
				ASSERT_EQ(errno, EINVAL)
					TH_LOG("round %lu: TLS_TX: %s", i,
					       strerror(errno));
				usleep(5000);
			}
			ASSERT_LT(k, 200) TH_LOG("round %lu: psock kept", i);
			close(a);
		}
		close(b);
	}
	if (map >= 0)
		close(map);
	TH_LOG("%lu rounds", i);
	for (i = 0; i < 500; i++) {	/* psocks and sockets go via RCU */
		s1 = tcp_alloc();
		if (s1 <= s0)
			break;
		usleep(20000);
	}
	EXPECT_LE(s1, s0) TH_LOG("TCP sockets: %ld before, %ld after", s0, s1);
}

TEST_F(race, attach_vs_delete)
{
	race_rounds(_metadata, self, variant->type, MINE_ATTACH, RACE_DELETE);
}

TEST_F(race, close_vs_delete)
{
	race_rounds(_metadata, self, variant->type, MINE_CLOSE, RACE_DELETE);
}

TEST_F(race, attach_vs_map_free)
{
	race_rounds(_metadata, self, variant->type, MINE_ATTACH,
		    RACE_MAP_CLOSE);
}

TEST_F(race, close_vs_map_free)
{
	race_rounds(_metadata, self, variant->type, MINE_CLOSE,
		    RACE_MAP_CLOSE);
}

TEST_HARNESS_MAIN
