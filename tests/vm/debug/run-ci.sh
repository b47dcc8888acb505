#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-ci.sh [run.sh options] - the CI-sized run on the debug kernel
# (scripts/debug-kernel.sh): the upstream selftest for AES-GCM in TLS 1.2
# and 1.3 and one variant of each cipher ktls brings itself (SM4-CCM 1.3
# with our cbcmac(sm4), ARIA 1.2; ChaCha20 in the step with every AEAD
# asynchronous; AES-CCM and the peer suite, which covers every version x
# cipher, by hand: CI time) plus its
# fixtures without variants, our suites with short, seeded settings
# (sockmap and stress too: the kernel has BPF sockmap, bpf.config), and
# the fault-injection suite, asyncfail (a failing asynchronous AEAD under
# records in flight) and `consumers` (NVMe/TCP and NFS over TLS
# through tlshd: consumers.config). Options given here override these (e.g.
# --filter, --suites). tests/check-all.sh step vm-6.12-debug,
# `make vm-debug`.
set -euo pipefail
VM=$(cd "$(dirname "$0")/.." && pwd)

VARIANTS="12_aes_gcm 13_aes_gcm 13_sm4_ccm 12_aria_gcm"
FILTER="tls_basic.*,tls_err.*,global.*"
for v in $VARIANTS; do FILTER="$FILTER,tls.$v.*"; done
# peer is left to the stock 6.1 step and `make vm-debug SUITES=peer` (CI
# time: about 7 min here on a slower machine)
SUITES=selftest,fuzz,soak,lifecycle,fault,sockmap,stress,readsock,asyncfail,consumers
ENV="KTLS_FUZZ_SEED=0x660ec6e21861a KTLS_FUZZ_CASES=60 KTLS_SOAK_SECONDS=10"
ENV="$ENV KTLS_LIFECYCLE_CYCLES=5 KTLS_FAULT_SECONDS=3 KTLS_STRESS_SECONDS=10"
ENV="$ENV KTLS_RACE_SECONDS=4"
# consumers: 2 MiB each way over NVMe and 1 MiB over NFS (8 and 4 on the
# stock kernels): still 128 records a direction, at a third of the time
# with KASAN and lockdep
ENV="$ENV CONSUMERS_MB=2 CONSUMERS_NFS_MB=1"

exec bash "$VM/runner/run.sh" --series 6.12-debug --module ktls --timeout 2700 \
	--filter "$FILTER" --suites "$SUITES" --env "$ENV" "$@"
