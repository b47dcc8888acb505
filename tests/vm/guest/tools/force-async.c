// SPDX-License-Identifier: GPL-2.0
/*
 * force-async.c - make every AEAD a kTLS socket can ask for asynchronous.
 *
 * Usage: tool-force-async pcrypt|cryptd [off|on]
 *
 * A NETLINK_CRYPTO request (crypto_user: CRYPTO_MSG_NEWALG) for an AEAD
 * makes the crypto manager build it and register it; a wrapper registers
 * under the NAME of what it wraps, so crypto_alloc_aead(NAME) - what
 * ktls.ko and the in-tree tls.ko call when a key is installed - gets the
 * wrapper once it is the best (highest priority) NAME there is, and each
 * record's AEAD completes later.
 *
 * pcrypt (padata: the work on another CPU, the completion from padata's
 * serial callback with BHs off): build NAME, read its best driver D from
 * /proc/crypto, build pcrypt(D). pcrypt registers 100 above D.
 *
 * cryptd (a kworker, the completion in process context): cryptd wraps
 * only synchronous drivers, and the best x86 drivers are asynchronous
 * (the SIMD wrappers) - so D is the best synchronous NAME, built from
 * generic parts when there is none (SYNC below), and cryptd(D), 50 above
 * D, is then raised above the best NAME through NETLINK_CRYPTO
 * (crypto_user: CRYPTO_MSG_UPDATEALG).
 *
 * (Build MODE(NAME) instead and the manager, which waits for an algorithm
 * of that very name, wraps its own wrapper again and again until the name
 * is too long.) The check reads /proc/crypto again and fails unless, for
 * every NAME the kernel has, the best is MODE(D).
 *
 * "off" and "on", after that: one boot measures the synchronous and the
 * asynchronous path in turn (make bench's parallel part). "off" lowers
 * every MODE(...) driver of each NAME to priority 0, so the best is
 * again what it wrapped; "on" raises it back to 100 above the best other
 * one. A transform allocated afterwards - a key installed afterwards -
 * gets what is best then; one already allocated keeps its driver.
 *
 * A NAME the kernel can't build (gcm(sm4) with the in-tree module on a
 * kernel without SM4) is reported and left out: the tests of that cipher
 * fail on their own. Exit: 0 when every NAME there is was forced, 1 when
 * one was not, 2 on a usage or system error.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/cryptouser.h>
#include <linux/netlink.h>

/* the kernel's algorithm type bits (include/linux/crypto.h, not uapi) */
#define CRYPTO_ALG_TYPE_AEAD	0x00000003
#define CRYPTO_ALG_TYPE_MASK	0x0000000f

/*
 * The AEADs of the TLS_CIPHER_* a kTLS socket can be given, and
 * synchronous builds of each from generic parts (cryptd's), tried in
 * turn. Their parts are named by driver: a template instance registers
 * under its parts' driver names, and a request by any other name makes the
 * manager build it twice (EEXIST). sm4-ktls, aria-ktls: ktls.ko's own
 * block ciphers, on kernels without SM4 or ARIA.
 */
static const struct {
	const char *name;
	const char *sync[3];
} names[] = {
	{ "gcm(aes)", { "gcm_base(ctr(aes-generic),ghash-generic)" } },
	{ "ccm(aes)", { "ccm_base(ctr(aes-generic),cbcmac(aes-generic))" } },
	{ "rfc7539(chacha20,poly1305)",
	  { "rfc7539(chacha20-generic,poly1305-generic)" } },
	{ "gcm(sm4)", { "gcm_base(ctr(sm4-generic),ghash-generic)",
			"gcm_base(ctr(sm4-ktls),ghash-generic)" } },
	{ "ccm(sm4)", { "ccm_base(ctr(sm4-generic),cbcmac(sm4-generic))",
			"ccm_base(ctr(sm4-ktls),cbcmac(sm4-ktls))" } },
	{ "gcm(aria)", { "gcm_base(ctr(aria-generic),ghash-generic)",
			 "gcm_base(ctr(aria-ktls),ghash-generic)" } },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

struct alg {
	char name[128];
	char driver[128];
	char type[32];
	long prio;
	int async;
};

/* filters of best(): @arg is the mode for the wrapper ones */
static int any(const struct alg *a, const char *arg)
{
	(void)a;
	(void)arg;
	return 1;
}

static int sync_only(const struct alg *a, const char *arg)
{
	(void)arg;
	return !a->async;
}

/* whether @a is a MODE(...) driver, MODE being @mode */
static int wrapper(const struct alg *a, const char *mode)
{
	size_t n = strlen(mode);

	return !strncmp(a->driver, mode, n) && a->driver[n] == '(';
}

static int not_wrapper(const struct alg *a, const char *mode)
{
	return !wrapper(a, mode);
}

/*
 * The highest-priority AEAD named @name in /proc/crypto that @keep(alg,
 * @arg) keeps; 0 when there is none.
 */
static int best(const char *name, int (*keep)(const struct alg *, const char *),
		const char *arg, struct alg *top)
{
	FILE *f = fopen("/proc/crypto", "r");
	struct alg cur = { 0 };
	char line[256];
	int found = 0;

	if (!f) {
		fprintf(stderr, "force-async: /proc/crypto: %s\n", strerror(errno));
		exit(2);
	}
	for (;;) {
		char *ok = fgets(line, sizeof(line), f);
		char *colon = ok ? strchr(line, ':') : NULL;
		char *val;

		if (!ok || line[0] == '\n') {	/* end of one algorithm */
			if (cur.name[0] && !strcmp(cur.name, name) &&
			    !strcmp(cur.type, "aead") && keep(&cur, arg) &&
			    (!found || cur.prio > top->prio)) {
				*top = cur;
				found = 1;
			}
			memset(&cur, 0, sizeof(cur));
			if (!ok)
				break;
			continue;
		}
		if (!colon)
			continue;
		val = colon + 1 + strspn(colon + 1, " ");
		val[strcspn(val, "\n")] = '\0';
		if (!strncmp(line, "name ", 5))
			snprintf(cur.name, sizeof(cur.name), "%s", val);
		else if (!strncmp(line, "driver ", 7))
			snprintf(cur.driver, sizeof(cur.driver), "%s", val);
		else if (!strncmp(line, "type ", 5))
			snprintf(cur.type, sizeof(cur.type), "%s", val);
		else if (!strncmp(line, "priority ", 9))
			cur.prio = strtol(val, NULL, 10);
		else if (!strncmp(line, "async ", 6))
			cur.async = !strcmp(val, "yes");
	}
	fclose(f);
	return found;
}

/*
 * One NETLINK_CRYPTO request about an AEAD: @type CRYPTO_MSG_NEWALG builds
 * @alg (a driver name when @exact, else a cra_name) and registers it;
 * CRYPTO_MSG_UPDATEALG sets driver @alg's priority to @prio. 0, or the
 * errno. (Not AF_ALG: newer kernels let an AF_ALG socket bind only a few
 * synchronous algorithms, so a bind can't build pcrypt(D) there.)
 */
static int crypto_request(__u16 type, const char *alg, int exact,
			  unsigned int prio)
{
	struct {
		struct nlmsghdr nh;
		struct crypto_user_alg alg;
		struct nlattr at;
		__u32 prio;
	} req = {
		.nh.nlmsg_type = type,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.alg.cru_type = CRYPTO_ALG_TYPE_AEAD,
		.alg.cru_mask = CRYPTO_ALG_TYPE_MASK,
		.at.nla_len = NLA_HDRLEN + sizeof(__u32),
		.at.nla_type = CRYPTOCFGA_PRIORITY_VAL,
		.prio = prio,
	};
	size_t len = type == CRYPTO_MSG_UPDATEALG ? sizeof(req) :
		     offsetof(typeof(req), at);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	char buf[512];
	struct nlmsghdr *ack = (struct nlmsghdr *)buf;
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_CRYPTO);
	int err = 0;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "force-async: NETLINK_CRYPTO socket: %s\n",
			strerror(errno));
		exit(2);
	}
	req.nh.nlmsg_len = len;
	snprintf(exact ? req.alg.cru_driver_name : req.alg.cru_name,
		 sizeof(req.alg.cru_name), "%s", alg);
	if (sendto(fd, &req, len, 0, (struct sockaddr *)&nl, sizeof(nl)) !=
	    (ssize_t)len)
		err = errno;
	else if ((n = recv(fd, buf, sizeof(buf), 0)) < (ssize_t)sizeof(*ack))
		err = n < 0 ? errno : EPROTO;
	else if (ack->nlmsg_type == NLMSG_ERROR)
		err = -((struct nlmsgerr *)NLMSG_DATA(ack))->error;
	close(fd);
	return err;
}

/* build and register AEAD @alg (a driver name when @exact): 0 or the errno */
static int build(const char *alg, int exact)
{
	int err = crypto_request(CRYPTO_MSG_NEWALG, alg, exact, 0);

	return err == EEXIST ? 0 : err;
}

/* set driver @driver's priority: 0, or the errno */
static int set_priority(const char *driver, unsigned int prio)
{
	return crypto_request(CRYPTO_MSG_UPDATEALG, driver, 1, prio);
}

/* put MODE(D) above every other @name: its driver name in @want */
static void wrap(const char *mode, unsigned int i, char *want, size_t size)
{
	struct alg d, top;
	unsigned int j;
	int err;

	if (!strcmp(mode, "pcrypt")) {
		if (!best(names[i].name, any, NULL, &d))
			return;
		snprintf(want, size, "pcrypt(%s)", d.driver);
		err = build(want, 1);
		if (err)
			printf("force-async: build %s: %s\n", want, strerror(err));
		return;
	}
	/* cryptd: the best synchronous one, else one from generic parts */
	for (j = 0; !best(names[i].name, sync_only, NULL, &d); j++) {
		const char *s = j < 3 ? names[i].sync[j] : NULL;

		if (!s) {
			printf("force-async: %s: no synchronous driver\n",
			       names[i].name);
			return;
		}
		err = build(s, 1);
		if (err)
			printf("force-async: build %s: %s\n", s, strerror(err));
	}
	snprintf(want, size, "cryptd(%s)", d.driver);
	err = build(want, 1);
	if (err)
		printf("force-async: build %s: %s\n", want, strerror(err));
	if (!best(names[i].name, any, NULL, &top) || !strcmp(top.driver, want))
		return;
	err = set_priority(want, top.prio + 1);
	if (err)
		printf("force-async: raising %s to %ld: %s\n", want,
		       top.prio + 1, strerror(err));
}

/*
 * "off": every NAME's MODE(...) driver below what it wraps; "on": back
 * above the rest. Return: 0 when every NAME that has one is as asked.
 */
static int toggle(const char *mode, int on)
{
	unsigned int i, done = 0, bad = 0;

	for (i = 0; i < NNAMES; i++) {
		const char *name = names[i].name;
		struct alg other, w;
		int err;

		if (!best(name, wrapper, mode, &w) ||
		    !best(name, not_wrapper, mode, &other))
			continue;	/* not forced at boot: left out then */
		err = set_priority(w.driver, on ? other.prio + 100 : 0);
		if (err)
			printf("force-async: %s %s: %s\n",
			       on ? "raising" : "lowering", w.driver,
			       strerror(err));
		if (!best(name, wrapper, mode, &w) ||
		    (on ? w.prio <= other.prio : w.prio >= other.prio)) {
			printf("force-async: %s: FAILED: %s is %s\n", name,
			       w.driver, on ? "not the best" : "still the best");
			bad++;
			continue;
		}
		printf("force-async: %s -> %s (priority %ld)\n", name,
		       on ? w.driver : other.driver, on ? w.prio : other.prio);
		done++;
	}
	printf("force-async: %s %s for %u, %u failed\n", mode,
	       on ? "on" : "off", done, bad);
	return bad || !done;
}

int main(int argc, char **argv)
{
	const char *mode = argc >= 2 ? argv[1] : "";
	const char *sw = argc == 3 ? argv[2] : NULL;
	unsigned int i, forced = 0, bad = 0;

	if ((strcmp(mode, "pcrypt") && strcmp(mode, "cryptd")) || argc > 3 ||
	    (sw && strcmp(sw, "on") && strcmp(sw, "off"))) {
		fprintf(stderr, "usage: %s pcrypt|cryptd [off|on]\n", argv[0]);
		return 2;
	}
	if (sw)
		return toggle(mode, !strcmp(sw, "on"));
	for (i = 0; i < NNAMES; i++) {
		struct alg top;
		char want[sizeof(top.driver) + 16] = "";

		build(names[i].name, 0);
		if (!best(names[i].name, any, NULL, &top)) {
			printf("force-async: %s: not in this kernel, left out\n",
			       names[i].name);
			continue;
		}
		wrap(mode, i, want, sizeof(want));
		if (!best(names[i].name, any, NULL, &top) || strcmp(top.driver, want) ||
		    !top.async) {
			printf("force-async: %s: FAILED: the best is %s (priority %ld, async %s), not %s(...)\n",
			       names[i].name, top.driver, top.prio,
			       top.async ? "yes" : "no", mode);
			bad++;
			continue;
		}
		printf("force-async: %s -> %s (priority %ld, async)\n",
		       names[i].name, top.driver, top.prio);
		forced++;
	}
	printf("force-async: %u of %zu forced to %s, %u failed\n", forced,
	       NNAMES, mode, bad);
	return bad || !forced;
}
