// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Micro-benchmark of core/ hot paths: ns per header parse and inner scan. */
#include <stdio.h>
#include <time.h>

#include "../../core/record.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *what, long n, double wall, double cpu)
{
	printf("%-28s %10ld iters  %8.2f ns/op wall  %8.2f ns/op cpu\n",
	       what, n, wall / n, cpu / n);
}

int main(void)
{
	static u8 buf[KTLS_MAX_PLAIN + 1 + 4096];
	struct ktls_prot p;
	u32 sink = 0;
	u8 hdr[KTLS_REC_HDR_LEN], type;
	double w, c;
	long i, n;
	u32 len;

	ktls_prot_init(&p, KTLS_VER_1_2, 4, 8, 16, false, true);
	ktls_hdr_build(&p, hdr, KTLS_CT_APPLICATION_DATA, 1000);
	n = 50000000;
	w = now_ns();
	c = cpu_ns();
	for (i = 0; i < n; i++) {
		hdr[4] = i;
		if (!ktls_hdr_parse(&p, hdr, &type, &len))
			sink += len;
	}
	report("hdr_parse", n, now_ns() - w, cpu_ns() - c);

	buf[KTLS_MAX_PLAIN] = KTLS_CT_APPLICATION_DATA;
	n = 2000000;
	w = now_ns();
	c = cpu_ns();
	for (i = 0; i < n; i++)
		if (!ktls_tls13_inner_parse(buf, KTLS_MAX_PLAIN + 1, &type,
					    &len))
			sink += len;
	report("inner_parse 16K, no pad", n, now_ns() - w, cpu_ns() - c);

	buf[KTLS_MAX_PLAIN] = 0;
	buf[0] = KTLS_CT_APPLICATION_DATA;
	n = 200000;
	w = now_ns();
	c = cpu_ns();
	for (i = 0; i < n; i++)
		if (!ktls_tls13_inner_parse(buf, KTLS_MAX_PLAIN + 1, &type,
					    &len))
			sink += len;
	report("inner_parse 16K, all pad", n, now_ns() - w, cpu_ns() - c);
	printf("(checksum %u)\n", sink);
	return 0;
}
