# fuzz/fuzz.mk - fuzz harnesses, smoke and long fuzzing, coverage, linear
# time and stack reports. Included by the top-level Makefile; see
# FUZZING.md for what each target measures and the figures.
#
# Every fuzz/fuzz_*.c is a libFuzzer-style harness (LLVMFuzzerTestOneInput)
# built three ways:
#   $(BUILD)/fuzz/replay-NAME  with fuzz/standalone.c and $(CC): replays
#                              files (tests/check_regressions.sh runs it in
#                              build/ and, with ASan+UBSan, in build/asan/)
#   build/fuzz-libfuzzer/fuzz/libfuzzer-NAME
#                              clang -fsanitize=fuzzer,address,undefined
#   build/fuzz-afl/fuzz/afl-NAME
#                              afl-clang-fast (or -lto) + ASan/UBSan, with
#                              fuzz/standalone.c in AFL++ persistent mode
#
# Targets:
#   fuzz-replay      the replay drivers and the linear-time helper for
#                    $(BUILD) (added to every `make check` test build)
#   fuzz-seeds       seed corpora from tests/data into build/fuzz-seeds/
#   fuzz-smoke       a few minutes of every harness under ASan+UBSan
#                    (part of `make check`, via CHECK_EXTRA)
#   fuzz             long run: FUZZ_SECONDS per harness (default 600),
#                    FUZZ_JOBS in parallel (default 2), niced
#   fuzz-afl         the same with AFL++ (FUZZ_SECONDS per harness)
#   coverage         line and branch coverage of src/ over the tests
#   linear-report    the full linear-time slope table (2^10..2^20)
#   stack-report     static worst-case stack of every public entry point

FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ_HDR := $(wildcard fuzz/*.h)
FUZZ_REPLAY := $(patsubst %,$(BUILD)/fuzz/replay-%,$(FUZZ_NAMES))
FUZZ_LIBFUZZER := $(patsubst %,$(BUILD)/fuzz/libfuzzer-%,$(FUZZ_NAMES))
FUZZ_AFL := $(patsubst %,$(BUILD)/fuzz/afl-%,$(FUZZ_NAMES))
LINEAR_HELPER := $(BUILD)/tests/linear_cost

FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 2
export FUZZ_SECONDS FUZZ_JOBS

.PHONY: fuzz-replay fuzz-libfuzzer-bins fuzz-afl-bins fuzz-seeds \
        fuzz-smoke fuzz fuzz-afl coverage linear-report stack-report \
        check-regressions

# Harnesses call internal test hooks (src/scan.h), so they link the static
# library. -Wno-missing-prototypes is not needed: fuzz_common.h declares
# the entry point.
$(BUILD)/fuzz/replay-%: fuzz/fuzz_%.c fuzz/standalone.c $(FUZZ_HDR) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< fuzz/standalone.c $(STATIC_LIB) \
	  $(ALL_LDFLAGS)

# Only meaningful with CC=clang and the library built with
# CFLAGS=-fsanitize=fuzzer-no-link (see fuzz-libfuzzer-bins below).
$(BUILD)/fuzz/libfuzzer-%: fuzz/fuzz_%.c $(FUZZ_HDR) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(STATIC_LIB) \
	  $(ALL_LDFLAGS) -fsanitize=fuzzer

# Only meaningful with CC=afl-clang-fast or afl-clang-lto.
$(BUILD)/fuzz/afl-%: fuzz/fuzz_%.c fuzz/standalone.c $(FUZZ_HDR) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< fuzz/standalone.c $(STATIC_LIB) \
	  $(ALL_LDFLAGS)

$(LINEAR_HELPER): tests/linear_cost.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -pthread -o $@ $< $(STATIC_LIB) $(ALL_LDFLAGS)

fuzz-replay: $(FUZZ_REPLAY) $(LINEAR_HELPER)

# `make check` builds these in build/ and build/asan/ with the tests.
CHECK_BUILD_EXTRA += fuzz-replay

# Engine builds: a sub-make with its own BUILD directory, so that the
# instrumented library never mixes with the release objects.
FUZZ_LIBFUZZER_BUILD := build/fuzz-libfuzzer
FUZZ_AFL_BUILD := build/fuzz-afl
# afl-clang-fast (PCGUARD), not afl-clang-lto: AFL++ 4.04c's LTO pass
# instruments a vector `select` (which clang makes of an OR of byte
# compares, as in scan_avx2.c's cache kernel) with a map index it computes
# wrongly, and the binary crashes in its own map update (a SEGV on a wild
# address that ASan reports "in bits64") on any input reaching the kernel;
# its denylist does not keep the LTO pass out. The same code is clean
# under gcc+ASan, under the libFuzzer build and natively.
AFL_CC ?= afl-clang-fast

fuzz-libfuzzer-bins:
	$(MAKE) --no-print-directory CC=clang SAN=1 \
	  BUILD=$(FUZZ_LIBFUZZER_BUILD) CFLAGS=-fsanitize=fuzzer-no-link \
	  $(patsubst %,$(FUZZ_LIBFUZZER_BUILD)/fuzz/libfuzzer-%,$(FUZZ_NAMES))

fuzz-afl-bins:
	AFL_QUIET=1 $(MAKE) --no-print-directory CC=$(AFL_CC) SAN=1 \
	  BUILD=$(FUZZ_AFL_BUILD) \
	  $(patsubst %,$(FUZZ_AFL_BUILD)/fuzz/afl-%,$(FUZZ_NAMES))

# Seeds come from the project's own copies of the test data (tests/data),
# never from outside the tree.
FUZZ_SEED_DIR := build/fuzz-seeds
FUZZ_SEED_INPUTS := $(wildcard tests/data/*/*.jsonl tests/data/*/*.py \
  tests/data/*/*.eml tests/data/*/*.mbox)
$(FUZZ_SEED_DIR)/%/.stamp: fuzz/make_seeds.py $(FUZZ_SEED_INPUTS)
	@rm -rf $(FUZZ_SEED_DIR)/$* && mkdir -p $(FUZZ_SEED_DIR)
	python3 fuzz/make_seeds.py --data tests/data --out $(FUZZ_SEED_DIR) $*
	@touch $@
fuzz-seeds: $(patsubst %,$(FUZZ_SEED_DIR)/%/.stamp,$(FUZZ_NAMES))

# Regression files replayed on their own (also part of the test suite as
# tests/check_regressions.sh).
check-regressions: fuzz-replay
	BUILD=$(BUILD) sh tests/check_regressions.sh

# Smoke fuzzing: every harness, ASan+UBSan, about 2-3 minutes on 2 cores.
fuzz-smoke: check-deps
	MAKE="$(MAKE)" FUZZ_NAMES="$(FUZZ_NAMES)" nice -n 10 bash fuzz/run.sh smoke

fuzz: fuzz-libfuzzer-bins fuzz-seeds
	MAKE="$(MAKE)" FUZZ_NAMES="$(FUZZ_NAMES)" nice -n 10 bash fuzz/run.sh long

fuzz-afl: fuzz-afl-bins fuzz-seeds
	MAKE="$(MAKE)" FUZZ_NAMES="$(FUZZ_NAMES)" nice -n 10 bash fuzz/run.sh afl

CHECK_EXTRA += fuzz-smoke

coverage: check-deps
	MAKE="$(MAKE)" nice -n 10 bash fuzz/coverage.sh

linear-report: fuzz-replay
	BUILD=$(BUILD) LINEAR_FULL=1 nice -n 10 sh tests/check_linear.sh

stack-report:
	MAKE="$(MAKE)" nice -n 10 bash fuzz/stack_report.sh
