/* SPDX-License-Identifier: GPL-2.0 */
/* bpf_util.h - raw bpf() calls of the guest programs: maps, sk_msg programs. */
/*
 * Header-only on purpose: tests/vm/Makefile turns every .c in this folder into
 * its own program (ksft_filter.c, the harness wrapper, aside). No clang, no libbpf: programs are hand-assembled.
 *
 *   sockmap/sockhash create, update, delete; an sk_msg program returning a
 *   fixed verdict; attach and detach as the map's BPF_SK_MSG_VERDICT.
 */
#ifndef KTLS_BPF_UTIL_H
#define KTLS_BPF_UTIL_H

#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define SK_DROP	0
#define SK_PASS	1

static inline int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static inline int map_create(enum bpf_map_type type)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static inline int prog_load_insns(const struct bpf_insn *insns, unsigned int n)
{
	static char log[4096];
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_MSG;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = n;
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	return sys_bpf(BPF_PROG_LOAD, &a);
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
			    .off = (o), .imm = (i) })

/* An sk_msg program "r0 = VERDICT; exit". */
static inline int prog_load(int verdict)
{
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, verdict),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	return prog_load_insns(insns, 2);
}

static inline int prog_attach_op(int cmd, int prog, int map)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = map;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_SK_MSG_VERDICT;
	return sys_bpf(cmd, &a);
}

static inline int prog_attach(int prog, int map)
{
	return prog_attach_op(BPF_PROG_ATTACH, prog, map);
}

static inline int prog_detach(int prog, int map)
{
	return prog_attach_op(BPF_PROG_DETACH, prog, map);
}

static inline int map_op(int cmd, int map, uint32_t key, int fd)
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

static inline int map_update(int map, uint32_t key, int fd)
{
	return map_op(BPF_MAP_UPDATE_ELEM, map, key, fd);
}

static inline int map_delete(int map, uint32_t key)
{
	return map_op(BPF_MAP_DELETE_ELEM, map, key, 0);
}

#endif /* KTLS_BPF_UTIL_H */
