# SPDX-License-Identifier: GPL-2.0
# ktls: top-level entry points. `make demo` and `make check` are the two
# commands of the README; both install what they need (scripts/deps.sh).

SERIES ?= 6.1
ALL_SERIES := 6.1 6.12
# ARCH=arm64: Debian's arm64 kernel of SERIES, cross-built and booted under
# qemu-system-aarch64 (series "SERIES-arm64" in build/ and the cache)
ARCH ?= amd64
ifeq ($(ARCH),arm64)
override SERIES := $(SERIES:%-arm64=%)-arm64
endif
MODULE ?= ktls
T ?=
SUITES ?=
# the cache, as scripts/lib.sh has it; exported, so every script agrees
KTLS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/ktls
export KTLS_CACHE

all: modules tools

deps:
	@bash scripts/deps.sh

# A kbuild directory ($(1)) builds out of a copy per series in
# build/$(SERIES)/$(2) (sources only: never objects someone built in the
# source tree for another kernel; files copied only when changed, so
# kbuild's own dependencies hold), one build at a time per series.
define kbuild_series
	@case $(SERIES) in *-debug) bash scripts/debug-kernel.sh ;; \
	*-arm64) test -f $(KTLS_CACHE)/series-$(SERIES).env || \
		bash scripts/deps.sh --no-install --arch arm64 $(SERIES:%-arm64=%) ;; \
	*) test -f $(KTLS_CACHE)/series-$(SERIES).env || bash scripts/deps.sh --no-install $(SERIES) ;; esac
	@mkdir -p build/$(SERIES)
	@. $(KTLS_CACHE)/series-$(SERIES).env && \
	flock build/$(SERIES)/.lock sh -c ' \
	rm -rf build/$(SERIES)/$(2).new && mkdir -p build/$(SERIES)/$(2).new && \
	tar -C $(1) -chf - --exclude="*.o" --exclude="*.ko" --exclude=".*.cmd" \
		--exclude="*.mod*" --exclude="Module.symvers" --exclude="modules.order" \
		--exclude=".tmp*" . | tar -C build/$(SERIES)/$(2).new -xf - && \
	mkdir -p build/$(SERIES)/$(2) && \
	for f in $$(cd build/$(SERIES)/$(2).new && find . -type f); do \
		cmp -s build/$(SERIES)/$(2).new/$$f build/$(SERIES)/$(2)/$$f || \
		{ mkdir -p $$(dirname build/$(SERIES)/$(2)/$$f); \
		  cp build/$(SERIES)/$(2).new/$$f build/$(SERIES)/$(2)/$$f; }; \
	done && rm -rf build/$(SERIES)/$(2).new && \
	bash scripts/kmake.sh $(SERIES) build/$(SERIES)/$(2) -s modules \
		$(if $(filter %-debug,$(SERIES)),KTLS_TEST_HOOKS=y)'
endef

module:
	$(call kbuild_series,module,module)
	@echo "built build/$(SERIES)/module/ktls.ko"

# test-only modules the guest programs load (tests/vm/kmod: read_sock as
# the kernel's own readers call it)
test-kmod:
	$(call kbuild_series,tests/vm/kmod,kmod)

modules:
	@for s in $(ALL_SERIES); do $(MAKE) -s module SERIES=$$s || exit 1; done

tools:
	$(MAKE) -C tools
	$(MAKE) -C tools static

vm-check:
	@bash tests/vm/run.sh --series $(SERIES) --module $(MODULE) \
		$(if $(T),--filter '$(T)') $(if $(SUITES),--suites '$(SUITES)') \
		$(if $(MODARGS),--module-args '$(MODARGS)') \
		$(if $(SELFTEST_FROM),--selftest-from '$(SELFTEST_FROM)')

# The debug kernel (KASAN, UBSAN, lockdep, kmemleak, fault injection; built
# once by scripts/debug-kernel.sh): the CI-sized run of tests/check-all.sh,
# or with T=/SUITES= what they select. docs/reliability.md.
debug-kernel:
	@bash scripts/debug-kernel.sh

vm-debug:
	@bash tests/vm/debug/run-ci.sh $(if $(T),--filter '$(T)') $(if $(SUITES),--suites '$(SUITES)')

# Long-form reliability runs (issue 9, docs/reliability.md); not part of
# `make check`, which runs the same suites CI-sized. DURATION in seconds;
# SERIES/MODULE as for vm-check; SEED replays a fuzz run.
DURATION ?= 300
CYCLES ?= 100
RUN_LONG = bash tests/vm/run.sh --series $(SERIES) --module $(MODULE) \
	$(if $(MODARGS),--module-args '$(MODARGS)') --timeout $$(( $(DURATION) + 900 ))
fuzz-vm:
	@$(RUN_LONG) --suites fuzz --env 'KTLS_FUZZ_SECONDS=$(DURATION)$(if $(SEED), KTLS_FUZZ_SEED=$(SEED))'
soak:
	@$(RUN_LONG) --suites soak --env 'KTLS_SOAK_SECONDS=$(DURATION)$(if $(SEED), KTLS_SOAK_SEED=$(SEED))'
lifecycle:
	@$(RUN_LONG) --suites lifecycle --env 'KTLS_LIFECYCLE_CYCLES=$(CYCLES)'
keyscan:
	@$(RUN_LONG) --suites keyscan

.PHONY: fuzz-vm soak lifecycle keyscan

demo: deps
	@bash scripts/demo.sh

check: deps
	@bash tests/check-all.sh

check-native:
	@bash tests/check-all.sh --native

style:
	@bash scripts/style.sh

clean:
	rm -rf build
	-$(MAKE) -C tests/unit clean
	-$(MAKE) -C tests/ciphers clean
	-$(MAKE) -C tests/fuzz clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C lib clean

.PHONY: all deps module test-kmod modules tools vm-check debug-kernel vm-debug demo check check-native style clean

# Benchmarks (issue 8, docs/performance.md); not part of `make check`.
# `make bench [BENCH_FULL=1] [BENCH_SERIES=6.1]`: VMs with tls.ko and ktls.ko side by side.
bench:
	@bash scripts/bench.sh

bench-core:
	$(MAKE) -C tests/unit bench
	$(MAKE) -C tests/ciphers bench

.PHONY: bench bench-core

# Packaging (issue 10, docs/install.md): .debs into build/deb/, DKMS without
# a package (KREL="..." picks kernels, default the running one), the test.
deb:
	@bash packaging/build-deb.sh
dkms-install:
	@bash packaging/dkms.sh install $(KREL)
dkms-uninstall:
	@bash packaging/dkms.sh uninstall
check-pkg:
	@bash tests/pkg/check.sh
.PHONY: deb dkms-install dkms-uninstall check-pkg
