/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/* Minimal test harness: CHECK() counts, summary line for tools/Makefile. */
#ifndef KTLS_TESTS_CHECK_H
#define KTLS_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			t_pass++;					\
		} else {						\
			t_fail++;					\
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__,	\
			       #cond);					\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

/* Last line, parsed by tests/lib/run-native.sh. */
#define CHECK_DONE(name)						\
	(printf("%s: %d passed, %d failed\n", name, t_pass, t_fail),	\
	 t_fail ? 1 : 0)

static inline size_t t_unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned int v;

	while (*s && n < max) {
		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n;
}

#endif /* KTLS_TESTS_CHECK_H */
