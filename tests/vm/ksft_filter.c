// SPDX-License-Identifier: GPL-2.0
/*
 * ksft_filter.c - build wrapper for a kselftest-harness test file: runs only
 * the tests selected by $KTLS_FILTER and adapts the 6.1 tls.c to its helper.
 *
 * KTLS_FILTER holds space-separated fnmatch() globs over
 * "fixture.variant.test" ("fixture.test" without variants). A variant is
 * kept if it matches with some test, a test if it matches with some
 * variant; the harness then runs kept variants x kept tests, so its TAP
 * plan stays exact.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdint.h>
#include <string.h>

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

static char **ktls_globs;
static int ktls_nglobs;

static int ktls_match(const char *f, const char *v, const char *t)
{
	char name[512];
	int i;

	snprintf(name, sizeof(name), "%s%s%s.%s", f, v[0] ? "." : "", v, t);
	for (i = 0; i < ktls_nglobs; i++)
		if (!fnmatch(ktls_globs[i], name, 0))
			return 1;
	return 0;
}

/* Unlink from a harness list: head->prev is the tail, tail->next NULL. */
#define KTLS_UNLINK(head, item) do {					\
	if ((head) == (item)) {						\
		(head) = (item)->next;					\
		if (head)						\
			(head)->prev = (item)->prev;			\
	} else {							\
		(item)->prev->next = (item)->next;			\
		if ((item)->next)					\
			(item)->next->prev = (item)->prev;		\
		else							\
			(head)->prev = (item)->prev;			\
	}								\
} while (0)

static int ktls_keep_test(struct __fixture_metadata *f,
			  struct __test_metadata *t)
{
	struct __fixture_variant_metadata *v;

	if (!f->variant)
		return ktls_match(f->name, "", t->name);
	for (v = f->variant; v; v = v->next)
		if (ktls_match(f->name, v->name, t->name))
			return 1;
	return 0;
}

static int ktls_keep_variant(struct __fixture_metadata *f,
			     struct __fixture_variant_metadata *v)
{
	struct __test_metadata *t;

	for (t = f->tests; t; t = t->next)
		if (ktls_match(f->name, v->name, t->name))
			return 1;
	return 0;
}

static void ktls_prune_fixture(struct __fixture_metadata *f)
{
	struct __fixture_variant_metadata *v, *vnext, *vdrop[256];
	struct __test_metadata *t, *tdrop[1024];
	int nv = 0, nt = 0, i;

	/* decide on everything first: each decision looks at both lists */
	for (t = f->tests; t && nt < 1024; t = t->next)
		if (!ktls_keep_test(f, t))
			tdrop[nt++] = t;
	for (v = f->variant; v && nv < 256; v = vnext) {
		vnext = v->next;
		if (!ktls_keep_variant(f, v))
			vdrop[nv++] = v;
	}
	for (i = 0; i < nt; i++) {
		t = tdrop[i];
		KTLS_UNLINK(f->tests, t);
	}
	for (i = 0; i < nv; i++) {
		v = vdrop[i];
		KTLS_UNLINK(f->variant, v);
	}
}

static void ktls_prune(void)
{
	struct __fixture_metadata *f, *fnext;

	for (f = __fixture_list; f; f = fnext) {
		int had_variants = f->variant != NULL;

		fnext = f->next;
		ktls_prune_fixture(f);
		if (!f->tests || (had_variants && !f->variant))
			KTLS_UNLINK(__fixture_list, f);
	}
}

static int ktls_is_known(char **known, int nknown, const char *f,
			 const char *v, const char *t)
{
	char name[512];
	int i;

	snprintf(name, sizeof(name), "%s%s%s.%s", f, v[0] ? "." : "", v, t);
	for (i = 0; i < nknown; i++)
		if (!strcmp(known[i], name))
			return 1;
	return 0;
}

/*
 * Known failures (names in $KTLS_KNOWN_FILE) often fail by hanging until
 * the harness timeout. Tests with a listed variant get $KTLS_KNOWN_TIMEOUT
 * seconds instead of upstream's 30, so the list doesn't cost minutes.
 * All others get at least $KTLS_TEST_TIMEOUT: under TCG emulation the
 * multi-process tests need more than upstream's 30 s on a busy host.
 */
static void ktls_set_timeouts(const char *file, const char *env,
			      const char *slow)
{
	static char *known[4096];
	struct __fixture_variant_metadata no_variant = { .name = "" };
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int limit = env ? atoi(env) : 0;
	int floor = slow ? atoi(slow) : 0;
	char line[512];
	int nknown = 0;
	FILE *fp;

	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			if (t->timeout < floor)
				t->timeout = floor;
	if (limit <= 0 || !file || !(fp = fopen(file, "r")))
		return;
	while (nknown < 4096 && fgets(line, sizeof(line), fp)) {
		line[strcspn(line, " \t\n")] = 0;
		if (line[0] && line[0] != '#')
			known[nknown++] = strdup(line);
	}
	fclose(fp);
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			for (v = f->variant ?: &no_variant; v; v = v->next)
				if (t->timeout > limit &&
				    ktls_is_known(known, nknown, f->name,
						  v->name, t->name))
					t->timeout = limit;
}

int main(int argc, char **argv)
{
	static char *globs[256];
	char *filter = getenv("KTLS_FILTER");
	char *tok, *save = NULL;

	ktls_set_timeouts(getenv("KTLS_KNOWN_FILE"),
			  getenv("KTLS_KNOWN_TIMEOUT"),
			  getenv("KTLS_TEST_TIMEOUT"));
	if (filter) {
		filter = strdup(filter);
		for (tok = strtok_r(filter, " ,\n", &save); tok &&
		     ktls_nglobs < 256; tok = strtok_r(NULL, " ,\n", &save))
			globs[ktls_nglobs++] = tok;
	}
	if (ktls_nglobs) {
		ktls_globs = globs;
		ktls_prune();
	}
	return ktls_ksft_main(argc, argv);
}
