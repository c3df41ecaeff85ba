# tests/tests.mk - how `make check` builds and runs the tests.
#
# Every tests/test_*.c is a Criterion suite built into its own binary and
# linked with the static library (plus tests/support/*.c). Every
# tests/check_*.sh is a data-driven test script; it gets BUILD (the build
# directory with safeaddr, the libraries and tests) and SAFEADDR_ISA in its
# environment and exits non-zero on failure. tests/run-suite.sh runs all of
# them once per scanner kernel the CPU has.

TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(wildcard tests/support/*.h) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests -Itests/support -o $@ $< \
	  $(TEST_SUPPORT) $(STATIC_LIB) -lcriterion $(ALL_LDFLAGS)

.PHONY: tests check-deps check-unit check-asan check-install
tests: all $(TEST_BIN)

check-deps:
	@sh tests/install-deps.sh

# The suite on the optimised build, once per kernel.
check-unit: check-deps
	$(MAKE) --no-print-directory tests $(CHECK_BUILD_EXTRA)
	sh tests/run-suite.sh $(BUILD)

# The same suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan: check-deps
	$(MAKE) --no-print-directory SAN=1 BUILD=build/asan tests $(CHECK_BUILD_EXTRA)
	sh tests/run-suite.sh build/asan

# make install into a staging tree, then build a consumer with pkg-config.
check-install: all check-deps
	sh tests/install-consumer.sh
	sh tests/abi-check.sh $(BUILD)

# The build must also be warning-free (-Werror) with clang; its Criterion
# suites run once, on the kernel dispatch picks.
.PHONY: check-clang
check-clang: check-deps
	$(MAKE) --no-print-directory CC=clang BUILD=build/clang all tests
	@set -e; for t in build/clang/tests/test_*; do timeout 900 $$t --jobs=2; done
CHECK_EXTRA += check-clang

# The data-driven suites and the fuzz replays built for other machines:
# 32-bit x86, 64-bit ARM and big-endian s390x, the last two under
# qemu-user (tests/portable.sh says what each one proves).
.PHONY: check-portable
check-portable: check-deps
	sh tests/portable.sh
CHECK_EXTRA += check-portable
