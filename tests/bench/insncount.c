// SPDX-License-Identifier: GPL-2.0
/*
 * insncount.c - a qemu TCG plugin (host side of `make bench`'s insns part):
 * counts the guest instructions executed at each kernel code address, so
 * a benchmark run's cost can be split by function without a tracer in the
 * guest. The inline counters are host code; under -icount the guest's
 * clock does not see them, so the guest runs exactly as it would without
 * the plugin.
 *
 * Counting is per translation block: every execution of a block adds its
 * number of instructions to the counter of the block's first address
 * (blocks end at every jump and call, so a block stays inside one
 * function) and 1 to its executions (those of a function's first block
 * are its calls). User-space blocks go to one counter, address 0.
 *
 * TCG executes a rep-prefixed string instruction (rep movsb, rep stosb:
 * memcpy, memset, clear_page, copies to and from user space) once per
 * iteration, and -icount counts each iteration as an instruction: a 4 KiB
 * clear_page_erms is 4,096 "instructions", where hardware takes about a
 * hundred cycles. Those iterations are counted on their own too, so that
 * a report can show the cost with and without them, and the bytes they
 * move apart by opcode: rep movs (0xa4/0xa5: memcpy, copies to and from
 * user space) as bytes copied, rep stos (0xaa/0xab: memset, clear_page)
 * as bytes cleared (iterations x element size: 1 for movsb/stosb, 2 with
 * the 0x66 prefix, 8 with REX.W, else 4).
 *
 * The guest marks phases by executing tests/bench/insnmark.c's marker
 * instruction (movabs of the 8 bytes "KTLSMARK" into %rax). Each marker
 * appends the counts since the previous one to the output file,
 * "mark N" and then "address instructions executions rep-iterations
 * bytes-copied bytes-cleared" lines (hexadecimal address, decimal counts),
 * and clears them.
 *
 * Usage: qemu-system-x86_64 ... -plugin insncount.so,out=FILE
 *
 * qemu 7.2 has no header package in Debian, so the few declarations of
 * its plugin API (version 1) this uses are written out below.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------- qemu's plugin API, version 1 */
#define PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;	/* not read here */
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *udata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
						enum qemu_plugin_op op,
						void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

PLUGIN_EXPORT int qemu_plugin_version = 1;
PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
				      const qemu_info_t *info, int argc,
				      char **argv);

/* ------------------------------------------------------------ counters */

/* kernel text and modules live in the top 2 GiB on x86-64 */
#define KERNEL_BASE	0xffffffff80000000ULL
#define SLOTS		(1u << 20)	/* open addressing, power of two */

struct slot {
	uint64_t addr;		/* 0: free (user space counts in slot 0) */
	uint64_t count;		/* instructions */
	uint64_t execs;		/* executions of the block */
	uint64_t reps;		/* iterations of its rep string instructions */
	uint64_t movs;		/* bytes its rep movs copied */
	uint64_t stos;		/* bytes its rep stos stored */
};

static struct slot *slots;
static struct slot user;	/* every user-space block */
static unsigned int used;
static unsigned int marks;
static FILE *out;

/* the marker: movabs $"KTLSMARK", %rax */
static const unsigned char marker[10] = { 0x48, 0xb8, 'K', 'T', 'L', 'S',
					  'M', 'A', 'R', 'K' };

static struct slot *slot_of(uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ULL;
	unsigned int i = (unsigned int)(h >> 44) & (SLOTS - 1);

	while (slots[i].addr && slots[i].addr != addr)
		i = (i + 1) & (SLOTS - 1);
	if (!slots[i].addr) {
		if (used >= SLOTS / 2)
			return NULL;	/* full: stop counting new blocks */
		slots[i].addr = addr;
		used++;
	}
	return &slots[i];
}

static void dump(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (!out)
		return;
	fprintf(out, "mark %u\n", ++marks);
	fprintf(out, "0 %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0\n", user.count,
		user.execs, user.reps);
	user.count = user.execs = user.reps = 0;
	for (unsigned int i = 0; i < SLOTS; i++) {
		if (!slots[i].count)
			continue;
		fprintf(out, "%" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			" %" PRIu64 " %" PRIu64 "\n",
			slots[i].addr, slots[i].count, slots[i].execs,
			slots[i].reps, slots[i].movs, slots[i].stos);
		slots[i].count = slots[i].execs = slots[i].reps = 0;
		slots[i].movs = slots[i].stos = 0;
	}
	fflush(out);
}

enum rep_kind { REP_NONE, REP_OTHER, REP_MOVS, REP_STOS };

/*
 * Whether @insn is a string instruction with a rep/repe/repne prefix, and
 * which: movs and stos apart, with the bytes one iteration moves in *@size.
 */
static enum rep_kind rep_string(const struct qemu_plugin_insn *insn,
				unsigned int *size)
{
	const unsigned char *b = qemu_plugin_insn_data(insn);
	size_t n = qemu_plugin_insn_size(insn);
	bool rep = false, opsize = false, rexw = false;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = b[i];

		if (c == 0xf2 || c == 0xf3)
			rep = true;
		else if (c == 0x66)
			opsize = true;
		else if (c >= 0x40 && c <= 0x4f)
			rexw = c & 8;	/* REX comes last of the prefixes */
		else if (!(c == 0x67 || c == 0x2e || c == 0x3e || c == 0x26 ||
			   c == 0x36 || c == 0x64 || c == 0x65))
			break;	/* not a prefix: the opcode */
	}
	if (!rep || i >= n)
		return REP_NONE;
	*size = rexw ? 8 : opsize ? 2 : 4;
	switch (b[i]) {
	case 0xa4:
		*size = 1;
		return REP_MOVS;
	case 0xa5:
		return REP_MOVS;
	case 0xaa:
		*size = 1;
		return REP_STOS;
	case 0xab:
		return REP_STOS;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:	/* ins, outs */
	case 0xa6: case 0xa7:				/* cmps */
	case 0xac: case 0xad:				/* lods */
	case 0xae: case 0xaf:				/* scas */
		return REP_OTHER;
	}
	return REP_NONE;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t addr = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct slot *s = &user;

	(void)id;
	if (addr >= KERNEL_BASE) {
		s = slot_of(addr);
		if (!s)
			return;
		for (size_t i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
			unsigned int size = 0;
			enum rep_kind k = rep_string(insn, &size);

			if (k == REP_NONE)
				continue;
			qemu_plugin_register_vcpu_insn_exec_inline(insn,
				QEMU_PLUGIN_INLINE_ADD_U64, &s->reps, 1);
			if (k == REP_MOVS || k == REP_STOS)
				qemu_plugin_register_vcpu_insn_exec_inline(insn,
					QEMU_PLUGIN_INLINE_ADD_U64,
					k == REP_MOVS ? &s->movs : &s->stos, size);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

			if (qemu_plugin_insn_size(insn) == sizeof(marker) &&
			    !memcmp(qemu_plugin_insn_data(insn), marker,
				    sizeof(marker)))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, dump,
					QEMU_PLUGIN_CB_NO_REGS, NULL);
		}
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &s->count, n);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &s->execs, 1);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (out)
		fclose(out);
	out = NULL;
	free(slots);
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	const char *path = NULL;

	(void)info;
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path) {
		fprintf(stderr, "insncount: usage: -plugin insncount.so,out=FILE\n");
		return -1;
	}
	out = fopen(path, "w");
	slots = calloc(SLOTS, sizeof(*slots));
	if (!out || !slots) {
		fprintf(stderr, "insncount: cannot open `%s' or allocate counters\n",
			path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
