/* SPDX-License-Identifier: GPL-2.0 */
/* test_progs.h - the few test_progs checks prog_tests/sockmap_ktls.c uses,
 * so the upstream file builds on its own (tests/vm/bpf/build-bpf.sh); written
 * for ktls, not taken from the kernel's test_progs framework. A failed
 * check marks the current subtest failed; test_progs_shim.c reports each
 * subtest as one TAP line.
 */
#ifndef KTLS_TEST_PROGS_SHIM_H
#define KTLS_TEST_PROGS_SHIM_H
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

bool test__start_subtest(const char *name);
void shim_check_failed(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define PRINT_FAIL(fmt, ...) \
	shim_check_failed("PRINT_FAIL", fmt, ##__VA_ARGS__)

#define ASSERT_OK(res, name) ({ \
	long long ___r = (res); \
	bool ___ok = ___r == 0; \
	if (!___ok) \
		shim_check_failed(name, "%s: %lld, errno %d (%s)", #res, \
				  ___r, errno, strerror(errno)); \
	___ok; })

#define ASSERT_ERR(res, name) ({ \
	long long ___r = (res); \
	bool ___ok = ___r < 0; \
	if (!___ok) \
		shim_check_failed(name, "%s: %lld, expected an error", \
				  #res, ___r); \
	___ok; })

#define ASSERT_GE(a, b, name) ({ \
	long long ___a = (a), ___b = (b); \
	bool ___ok = ___a >= ___b; \
	if (!___ok) \
		shim_check_failed(name, "%s: %lld < %lld, errno %d (%s)", \
				  #a, ___a, ___b, errno, strerror(errno)); \
	___ok; })

#endif
