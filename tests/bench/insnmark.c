// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark.c - guest side of `make bench`'s insns part: executes the
 * marker instruction that tests/bench/insncount.c (a qemu plugin on the
 * host) answers by writing out the instruction counts since the last
 * marker. Without the plugin it does nothing.
 */
int main(void)
{
	/* movabs $"KTLSMARK", %rax: the 10 bytes the plugin looks for */
	__asm__ volatile(".byte 0x48, 0xb8, 'K', 'T', 'L', 'S', 'M', 'A', 'R', 'K'"
			 ::: "rax");
	return 0;
}
