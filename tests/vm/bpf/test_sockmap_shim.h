/* SPDX-License-Identifier: GPL-2.0 */
/* test_sockmap_shim.h - included ahead of the upstream test_sockmap.c in its
 * standalone build (tests/vm/bpf/build-bpf.sh): min()/max(), which it takes
 * from the kernel's tools/include.
 */
#ifndef KTLS_TEST_SOCKMAP_SHIM_H
#define KTLS_TEST_SOCKMAP_SHIM_H
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
