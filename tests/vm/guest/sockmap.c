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
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/tls.h>

#include "kselftest_harness.h"
#include "peer_ref.h"
#include "net_util.h"

#define SK_DROP	0
#define SK_PASS	1

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int map_create(enum bpf_map_type type)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

/* An sk_msg program "r0 = VERDICT; exit". */
static int prog_load(int verdict)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[4096];
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_MSG;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	return sys_bpf(BPF_PROG_LOAD, &a);
}

static int prog_attach(int prog, int map)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = map;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_SK_MSG_VERDICT;
	return sys_bpf(BPF_PROG_ATTACH, &a);
}

static int map_op(int cmd, int map, uint32_t key, int fd)
{
	uint32_t val = fd;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = map;
	a.key = (uintptr_t)&key;
	if (cmd == BPF_MAP_UPDATE_ELEM)	/* delete: nothing after key */
		a.value = (uintptr_t)&val;
	return sys_bpf(cmd, &a);
}

static int map_update(int map, uint32_t key, int fd)
{
	return map_op(BPF_MAP_UPDATE_ELEM, map, key, fd);
}

static int map_delete(int map, uint32_t key)
{
	return map_op(BPF_MAP_DELETE_ELEM, map, key, 0);
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
	char in[100] = "after delete", out[100];

	ASSERT_EQ(map_update(self->map, 0, self->a), 0);
	ASSERT_EQ(ulp(self->a), 0);
	ASSERT_EQ(map_delete(self->map, 0), 0) TH_LOG("delete: %s", strerror(errno));
	ASSERT_EQ(tls_set(self->a, TLS_TX, &self->ci, sizeof(self->ci)), 0);
	ASSERT_EQ(ulp(self->b), 0);
	ASSERT_EQ(tls_set(self->b, TLS_RX, &self->ci, sizeof(self->ci)), 0);
	EXPECT_EQ(send(self->a, in, sizeof(in), 0), sizeof(in));
	EXPECT_EQ(recv(self->b, out, sizeof(out), MSG_WAITALL), sizeof(out));
	EXPECT_EQ(memcmp(in, out, sizeof(in)), 0);
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

TEST_HARNESS_MAIN
