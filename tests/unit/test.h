/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Minimal test macros: count checks, report failures with file:line. */
#ifndef KTLS_TEST_H
#define KTLS_TEST_H

#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern unsigned int test_passed, test_failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		test_passed++;						\
	} else {							\
		test_failed++;						\
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
			__FILE__, __LINE__, __func__, #cond);		\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a == _b) {							\
		test_passed++;						\
	} else {							\
		test_failed++;						\
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, __func__, #a, _a, #b, _b);	\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) do {						\
	size_t _n = (n);						\
	if (!memcmp((a), (b), _n)) {					\
		test_passed++;						\
	} else {							\
		test_failed++;						\
		fprintf(stderr, "%s:%d: %s: %s != %s (%zu bytes)\n",	\
			__FILE__, __LINE__, __func__, #a, #b, _n);	\
	}								\
} while (0)

void test_record(void);
void test_vectors(void);

#endif /* KTLS_TEST_H */
