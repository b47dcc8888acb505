// SPDX-License-Identifier: GPL-2.0
/*
 * ksft_filter.c - build wrapper for a kselftest-harness test file: runs only
 * the tests selected by $KTLS_FILTER and adapts the 6.1 tls.c to its helper.
 *
 * KTLS_FILTER holds space-separated fnmatch() globs over
 * "fixture.variant.test" ("fixture.test" without variants); names or globs
 * listed in $KTLS_EXCLUDE_FILE are not run. Each fixture is split into one copy
 * per variant holding copies of just its selected tests, so selection and
 * time limits are exact per fixture.variant.test and the harness's TAP
 * plan stays right.
 *
 * Shards (tests/vm/runner/shard.sh): KTLS_SHARD="i/n" keeps the selected tests
 * whose position in the selected list, modulo n, is i; KTLS_COUNT=1 prints
 * the number of selected tests (all shards together) and exits.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#ifdef KTLS_KSFT_INIT3
/*
 * Debian's 6.1 tls.c: the helper takes 3 arguments but the rekey tests
 * pass a 4th, the byte the key material is filled with. Route 3-argument
 * calls (and the definition) to the original and 4-argument calls to an
 * adapter with upstream's meaning.
 */
struct tls_crypto_info_keys;
#define KTLS_SEL(_1, _2, _3, _4, NAME, ...) NAME
#define tls_crypto_info_init(...) \
	KTLS_SEL(__VA_ARGS__, ktls_ksft_init4, ktls_ksft_init3, x)(__VA_ARGS__)
static void ktls_ksft_init3(uint16_t version, uint16_t cipher,
			    struct tls_crypto_info_keys *keys);
static void ktls_ksft_init4(uint16_t version, uint16_t cipher,
			    struct tls_crypto_info_keys *keys, char gen);
#endif

#ifdef KTLS_KSFT_NO_TEST_PASSED
/* 6.1's harness predates this accessor that Debian's 6.1 tls.c uses. */
#define __test_passed(m) ((m)->passed)
#endif

#define main ktls_ksft_main
#include KSFT_SOURCE
#undef main

#ifdef KTLS_KSFT_INIT3
static void ktls_ksft_init4(uint16_t version, uint16_t cipher,
			    struct tls_crypto_info_keys *keys, char gen)
{
	size_t hdr = sizeof(struct tls_crypto_info);

	ktls_ksft_init3(version, cipher, keys);
	memset((char *)keys + hdr, gen, keys->len - hdr);
}
#endif

struct ktls_names {
	char **v;
	int n;
};

static struct ktls_names ktls_globs, ktls_excl, ktls_known;

static void ktls_names_add(struct ktls_names *out, const char *name)
{
	out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = strdup(name);
}

/* Names from FILE, first word of each line, # comments skipped. */
static void ktls_read_names(const char *file, struct ktls_names *out)
{
	char line[512];
	FILE *fp;

	if (!file || !(fp = fopen(file, "r")))
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, " \t\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		ktls_names_add(out, line);
	}
	fclose(fp);
}

/* Is @name matched by one of the fnmatch() globs in @l? */
static int ktls_matched(const struct ktls_names *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!fnmatch(l->v[i], name, 0))
			return 1;
	return 0;
}

static int ktls_selected(const char *name)
{
	return (!ktls_globs.n || ktls_matched(&ktls_globs, name)) &&
	       !ktls_matched(&ktls_excl, name);
}

/* Append to a harness list: head->prev is the tail, tail->next NULL. */
#define KTLS_APPEND(head, item) do {					\
	(item)->next = NULL;						\
	if (!(head)) {							\
		(head) = (item);					\
		(item)->prev = (item);					\
	} else {							\
		(item)->prev = (head)->prev;				\
		(head)->prev->next = (item);				\
		(head)->prev = (item);					\
	}								\
} while (0)

static int ktls_known_limit, ktls_floor;
static int ktls_shard, ktls_nshards = 1, ktls_seen;

/*
 * A copy of test @t where the harness keeps its own. Since 6.9 (whose
 * harness has FIXTURE_TEARDOWN_PARENT) the harness runs setup and body in
 * a grandchild that reports an ASSERT/EXPECT failure only by writing the
 * metadata, which it keeps in shared memory, and exiting 0: a private copy
 * (malloc) there turns every such failure into "ok". Older harnesses
 * (6.1) keep it private and do `t->pid = fork()`, so the child writes 0
 * there too: in shared memory that write can land after the parent's,
 * which then waits for no child and reads an unset status ("terminated
 * unexpectedly by signal 125" under load).
 */
static struct __test_metadata *ktls_test_copy(const struct __test_metadata *t)
{
	struct __test_metadata *nt;

#ifdef FIXTURE_TEARDOWN_PARENT
	nt = mmap(NULL, sizeof(*nt), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (nt == MAP_FAILED) {
		perror("ksft_filter: mmap");
		exit(2);
	}
#else
	nt = malloc(sizeof(*nt));
	if (!nt) {
		perror("ksft_filter: malloc");
		exit(2);
	}
#endif
	*nt = *t;
	return nt;
}

/* A copy of @f with variant @v (or none) and its selected tests. */
static struct __fixture_metadata *
ktls_fixture_copy(struct __fixture_metadata *f,
		  struct __fixture_variant_metadata *v)
{
	struct __fixture_metadata *nf = malloc(sizeof(*nf));
	struct __test_metadata *t, *nt;
	char name[512];

	*nf = *f;
	nf->tests = NULL;
	if (v) {
		struct __fixture_variant_metadata *nv = malloc(sizeof(*nv));

		*nv = *v;
		nv->prev = nv;
		nv->next = NULL;
		nf->variant = nv;
	}
	for (t = f->tests; t; t = t->next) {
		snprintf(name, sizeof(name), "%s%s%s.%s", f->name,
			 v ? "." : "", v ? v->name : "", t->name);
		if (!ktls_selected(name))
			continue;
		if (ktls_seen++ % ktls_nshards != ktls_shard)
			continue;
		nt = ktls_test_copy(t);
		if (nt->timeout < ktls_floor)
			nt->timeout = ktls_floor;
		if (ktls_known_limit > 0 && nt->timeout > ktls_known_limit &&
		    ktls_matched(&ktls_known, name))
			nt->timeout = ktls_known_limit;
		KTLS_APPEND(nf->tests, nt);
	}
	return nf;
}

/*
 * Known failures (globs of $KTLS_KNOWN_FILE, the entries of the list that
 * are neither FLAKY nor SLOW) often fail by hanging until the harness
 * timeout: they get $KTLS_KNOWN_TIMEOUT seconds instead of
 * upstream's 30. All others get at least $KTLS_TEST_TIMEOUT: under TCG
 * the multi-process tests need more than 30 s on a busy host.
 */
static void ktls_split(void)
{
	struct __fixture_metadata *f, *nf, *list = NULL;
	struct __fixture_variant_metadata *v;

	for (f = __fixture_list; f; f = f->next) {
		if (!f->variant) {
			nf = ktls_fixture_copy(f, NULL);
			if (nf->tests)
				KTLS_APPEND(list, nf);
			continue;
		}
		for (v = f->variant; v; v = v->next) {
			nf = ktls_fixture_copy(f, v);
			if (nf->tests)
				KTLS_APPEND(list, nf);
		}
	}
	__fixture_list = list;
}

int main(int argc, char **argv)
{
	char *filter = getenv("KTLS_FILTER");
	char *tok, *save = NULL;
	char *env;

	if (filter) {
		filter = strdup(filter);
		for (tok = strtok_r(filter, " ,\n", &save); tok;
		     tok = strtok_r(NULL, " ,\n", &save))
			ktls_names_add(&ktls_globs, tok);
	}
	ktls_read_names(getenv("KTLS_EXCLUDE_FILE"), &ktls_excl);
	ktls_read_names(getenv("KTLS_KNOWN_FILE"), &ktls_known);
	env = getenv("KTLS_KNOWN_TIMEOUT");
	ktls_known_limit = env ? atoi(env) : 0;
	env = getenv("KTLS_TEST_TIMEOUT");
	ktls_floor = env ? atoi(env) : 0;
	env = getenv("KTLS_SHARD");
	if (env && (sscanf(env, "%d/%d", &ktls_shard, &ktls_nshards) != 2 ||
		    ktls_nshards < 1 || ktls_shard < 0 ||
		    ktls_shard >= ktls_nshards)) {
		fprintf(stderr, "bad KTLS_SHARD \"%s\" (want i/n, 0 <= i < n)\n", env);
		return 2;
	}
	ktls_split();
	if (getenv("KTLS_COUNT")) {
		printf("%d\n", ktls_seen);
		return 0;
	}
	/* whole lines, also into a pipe (shard.sh), before each fork */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return ktls_ksft_main(argc, argv);
}
