// SPDX-License-Identifier: GPL-2.0
/* stats.c - per-network-namespace counters and their /proc/net file. */

#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ktls.h"

struct ktls_net {
	long __percpu *stats;	/* KTLS_STAT_MAX counters per CPU */
};

static unsigned int ktls_net_id __read_mostly;
static char ktls_proc_name[32];

/* Upstream's names, in upstream's order, so tools reading tls_stat work. */
static const char *const ktls_stat_names[KTLS_STAT_MAX] = {
	[KTLS_STAT_CURR_TX_SW]		= "TlsCurrTxSw",
	[KTLS_STAT_CURR_RX_SW]		= "TlsCurrRxSw",
	[KTLS_STAT_CURR_TX_DEVICE]	= "TlsCurrTxDevice",
	[KTLS_STAT_CURR_RX_DEVICE]	= "TlsCurrRxDevice",
	[KTLS_STAT_TX_SW]		= "TlsTxSw",
	[KTLS_STAT_RX_SW]		= "TlsRxSw",
	[KTLS_STAT_TX_DEVICE]		= "TlsTxDevice",
	[KTLS_STAT_RX_DEVICE]		= "TlsRxDevice",
	[KTLS_STAT_DECRYPT_ERROR]	= "TlsDecryptError",
	[KTLS_STAT_RX_DEVICE_RESYNC]	= "TlsRxDeviceResync",
	[KTLS_STAT_DECRYPT_RETRY]	= "TlsDecryptRetry",
	[KTLS_STAT_RX_NO_PAD_VIOLATION]	= "TlsRxNoPadViolation",
	[KTLS_STAT_TX_REKEY_OK]		= "TlsTxRekeyOk",
	[KTLS_STAT_TX_REKEY_ERROR]	= "TlsTxRekeyError",
	[KTLS_STAT_RX_REKEY_OK]		= "TlsRxRekeyOk",
	[KTLS_STAT_RX_REKEY_ERROR]	= "TlsRxRekeyError",
	[KTLS_STAT_RX_REKEY_RECEIVED]	= "TlsRxRekeyReceived",
	/* ours, after upstream's */
	[KTLS_STAT_TX_ASYNC]		= "TlsTxAsyncRecords",
	[KTLS_STAT_TX_ASYNC_MAX]	= "TlsTxAsyncMaxInFlight",
	[KTLS_STAT_RX_ASYNC]		= "TlsRxAsyncRecords",
	[KTLS_STAT_RX_ASYNC_MAX]	= "TlsRxAsyncMaxInFlight",
};

/* high-water marks: shown as the largest per-CPU value, not the sum */
static bool ktls_stat_is_max(int stat)
{
	return stat == KTLS_STAT_TX_ASYNC_MAX ||
	       stat == KTLS_STAT_RX_ASYNC_MAX;
}

/**
 * ktls_stat_add() - add @v to counter @stat of @sk's network namespace
 * @sk: any socket of the namespace
 * @stat: counter
 * @v: amount, negative to decrement a gauge
 *
 * Safe from any context.
 */
void ktls_stat_add(const struct sock *sk, enum ktls_stat stat, long v)
{
	struct ktls_net *kn = net_generic(sock_net(sk), ktls_net_id);

	this_cpu_add(kn->stats[stat], v);
}

/**
 * ktls_stat_max() - raise high-water mark @stat of @sk's namespace to @v
 * @sk: any socket of the namespace
 * @stat: a high-water mark counter
 * @v: value seen
 *
 * Process or softirq context, not both for the same counter.
 */
void ktls_stat_max(const struct sock *sk, enum ktls_stat stat, long v)
{
	struct ktls_net *kn = net_generic(sock_net(sk), ktls_net_id);
	long *p = get_cpu_ptr(&kn->stats[stat]);

	if (*p < v)
		*p = v;
	put_cpu_ptr(&kn->stats[stat]);
}

static int ktls_stats_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	struct ktls_net *kn = net_generic(net, ktls_net_id);
	int i, cpu;

	for (i = 0; i < KTLS_STAT_MAX; i++) {
		long sum = 0;

		for_each_possible_cpu(cpu) {
			long v = *per_cpu_ptr(&kn->stats[i], cpu);

			if (!ktls_stat_is_max(i))
				sum += v;
			else if (v > sum)
				sum = v;
		}
		seq_printf(seq, "%-32s\t%ld\n", ktls_stat_names[i], sum);
	}
	return 0;
}

static int __net_init ktls_net_init(struct net *net)
{
	struct ktls_net *kn = net_generic(net, ktls_net_id);

	kn->stats = __alloc_percpu(sizeof(long) * KTLS_STAT_MAX,
				   __alignof__(long));
	if (!kn->stats)
		return -ENOMEM;
	if (!proc_create_net_single(ktls_proc_name, 0444, net->proc_net,
				    ktls_stats_show, NULL)) {
		free_percpu(kn->stats);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit ktls_net_exit(struct net *net)
{
	struct ktls_net *kn = net_generic(net, ktls_net_id);

	remove_proc_entry(ktls_proc_name, net->proc_net);
	free_percpu(kn->stats);
}

static struct pernet_operations ktls_net_ops = {
	.init = ktls_net_init,
	.exit = ktls_net_exit,
	.id = &ktls_net_id,
	.size = sizeof(struct ktls_net),
};

/**
 * ktls_stats_init() - register the per-namespace counters
 * @ulp_name: the ULP name we register; the proc file is <ulp_name>_stat
 *	      (/proc/net/tls_stat when we stand in for the in-tree module)
 *
 * Return: 0 or a negative errno.
 */
int ktls_stats_init(const char *ulp_name)
{
	snprintf(ktls_proc_name, sizeof(ktls_proc_name), "%s_stat", ulp_name);
	return register_pernet_subsys(&ktls_net_ops);
}

/**
 * ktls_stats_exit() - unregister the per-namespace counters
 */
void ktls_stats_exit(void)
{
	unregister_pernet_subsys(&ktls_net_ops);
}
