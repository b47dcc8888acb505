// SPDX-License-Identifier: GPL-2.0
/* test_progs_shim.c - runs the upstream prog_tests/sockmap_ktls.c on its
 * own and prints one TAP line per subtest (tests/vm/suites/bpf.sh).
 *
 * test_sockmap_ktls() runs its subtests for AF_INET/SOCKMAP, AF_INET/
 * SOCKHASH, AF_INET6/SOCKMAP, AF_INET6/SOCKHASH in that order, two each,
 * but names every run "IPv4 SOCKMAP" (its fmt_test_name() tests constants,
 * not the arguments). The TAP names here carry the real family and map
 * type, taken from that order; SHIM_PLAN is the subtest count of 6.1's and
 * 6.12's file: a file with more or fewer subtests makes the run red.
 */
#include <stdarg.h>
#include "test_progs.h"

#define SHIM_PLAN 8
#define SUBTESTS_PER_RUN 2

void test_sockmap_ktls(void);

static const char *const runs[] = {
	"inet_sockmap", "inet_sockhash", "inet6_sockmap", "inet6_sockhash",
};

static int started;	/* subtests begun */
static bool failed;	/* the current subtest failed a check */
static char cur[128];	/* its TAP name */

void shim_check_failed(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("# %s: %s: ", cur[0] ? cur : "(setup)", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed = true;
}

static void end_subtest(void)
{
	if (!started)
		return;
	printf("%s %d - %s\n", failed ? "not ok" : "ok", started, cur);
	fflush(stdout);
}

bool test__start_subtest(const char *name)
{
	const char *sub = name;
	int run;

	end_subtest();
	/* "sockmap_ktls <subtest> IPv4 SOCKMAP": keep <subtest> */
	if (!strncmp(sub, "sockmap_ktls ", 13))
		sub += 13;
	run = started / SUBTESTS_PER_RUN;
	snprintf(cur, sizeof(cur), "sockmap_ktls.%s.%.*s",
		 run < 4 ? runs[run] : "extra",
		 (int)strcspn(sub, " "), sub);
	started++;
	failed = false;
	return true;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", SHIM_PLAN);
	test_sockmap_ktls();
	end_subtest();
	if (started != SHIM_PLAN) {
		printf("# %d subtests for a plan of %d\n", started, SHIM_PLAN);
		return 1;
	}
	return 0;
}
