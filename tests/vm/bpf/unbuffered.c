// SPDX-License-Identifier: GPL-2.0
/* unbuffered.c - linked into test_sockmap (tests/vm/bpf/build-bpf.sh): stdout
 * unbuffered from the start. test_sockmap forks its senders and receivers;
 * with stdout a file (the VM suite) each child would write the parent's
 * still-buffered result lines again.
 */
#include <stdio.h>

__attribute__((constructor)) static void ktls_unbuffered(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}
