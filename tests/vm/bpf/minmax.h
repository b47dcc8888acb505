/* SPDX-License-Identifier: GPL-2.0 */
/* minmax.h - min()/max() for the upstream test_sockmap.c, which takes them
 * from the kernel's tools/include (not used in its standalone build here).
 */
#ifndef KTLS_BPF_MINMAX_H
#define KTLS_BPF_MINMAX_H
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
