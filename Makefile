# safeaddr - GNU make build. See README.md for the targets.
#
# Outputs (contract, DESIGN.md): build/libsafeaddr.a, build/libsafeaddr.so
# (SONAME libsafeaddr.so.0), build/safeaddr (the command),
# build/libsafeaddr-crackaddr.so (the sendmail shim).
#
# Variables honoured: CC CFLAGS CPPFLAGS LDFLAGS AR PREFIX LIBDIR INCLUDEDIR
# BINDIR MANDIR PKGCONFIGDIR DESTDIR, BUILD (output directory), SAN=1
# (AddressSanitizer + UBSan build, normally with BUILD=build/asan), V=1.

VERSION_MAJOR := 0
VERSION_MINOR := 1
VERSION_PATCH := 0
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

CC ?= cc
AR ?= ar
BUILD ?= build
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
exec_prefix ?= $(prefix)
LIBDIR ?= $(exec_prefix)/lib
INCLUDEDIR ?= $(prefix)/include
BINDIR ?= $(exec_prefix)/bin
MANDIR ?= $(prefix)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

OPT ?= -O2
WERROR ?= -Werror
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wpointer-arith -Wundef $(WERROR)
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2
BASE_CFLAGS := -std=c11 $(OPT) -g $(WARNINGS) -fPIC -fvisibility=hidden \
               -Iinclude -Isrc -D_DEFAULT_SOURCE
ifeq ($(SAN),1)
  BASE_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer
  SAN_LDFLAGS := -fsanitize=address,undefined
  HARDEN := -fstack-protector-strong
endif
ALL_CFLAGS = $(BASE_CFLAGS) $(HARDEN) $(CPPFLAGS) $(CFLAGS)
LINK_HARDEN := -Wl,-z,relro,-z,now
ALL_LDFLAGS = $(SAN_LDFLAGS) $(LINK_HARDEN) $(LDFLAGS)

ifeq ($(V),1)
  Q :=
else
  Q := @
endif

# Library sources: every src/*.c. ISA kernels get their own flags below
# (per-file flags, so nothing compiled for AVX2 runs before dispatch).
LIB_SRC := $(sort $(wildcard src/*.c))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
# On other targets the kernel files compile to nothing (#if in each) and
# the -m flags would be rejected, so they are only given for x86.
ifneq ($(filter x86_64-% i386-% i486-% i586-% i686-% amd64-%,$(shell $(CC) -dumpmachine)),)
CFLAGS_scan_sse2 := -msse2
CFLAGS_scan_avx2 := -mavx2 -mbmi -mpopcnt
CFLAGS_scan_avx512 := -mavx512f -mavx512bw -mavx512vl -mbmi -mpopcnt
CFLAGS_scan_avx512vbmi := -mavx512f -mavx512bw -mavx512vl -mavx512vbmi -mbmi -mpopcnt
endif

CLI_SRC := $(sort $(wildcard src/cli/*.c))
CLI_OBJ := $(patsubst src/cli/%.c,$(BUILD)/obj/cli/%.o,$(CLI_SRC))

STATIC_LIB := $(BUILD)/libsafeaddr.a
SHARED_REAL := $(BUILD)/libsafeaddr.so.$(VERSION)
SHARED_SONAME := libsafeaddr.so.$(VERSION_MAJOR)
SHARED_LIB := $(BUILD)/libsafeaddr.so
CLI := $(BUILD)/safeaddr
PC := $(BUILD)/safeaddr.pc

.PHONY: all lib cli clean install uninstall check demo
all: lib cli

lib: $(STATIC_LIB) $(SHARED_LIB) $(PC)
cli: $(CLI)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) include/safeaddr.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -DSAFEADDR_BUILDING $(CFLAGS_$*) -c $< -o $@

$(BUILD)/obj/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) include/safeaddr.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SHARED_REAL): $(LIB_OBJ) src/safeaddr.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -o $@ $(LIB_OBJ) -Wl,-soname,$(SHARED_SONAME) \
	  -Wl,--version-script,src/safeaddr.map -Wl,-z,defs -Wl,--as-needed \
	  $(ALL_LDFLAGS)

$(SHARED_LIB): $(SHARED_REAL)
	$(Q)ln -sf libsafeaddr.so.$(VERSION) $(BUILD)/$(SHARED_SONAME)
	$(Q)ln -sf $(SHARED_SONAME) $@

# The command links the static library: one self-contained binary.
$(CLI): $(CLI_OBJ) $(STATIC_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(ALL_LDFLAGS)

# Regenerated on every run: it holds PREFIX/LIBDIR, which `make install
# PREFIX=/usr` may change after a plain `make` (tests/install-consumer.sh).
.PHONY: $(PC)
$(PC): pkgconfig/safeaddr.pc.in Makefile
	@mkdir -p $(BUILD)
	$(Q)sed -e 's|@PREFIX@|$(prefix)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  $< > $@

# One man3 name per public function, all links to safeaddr.3, which
# documents them together: the names are read off the header's
# SAFEADDR_API declarations (the return type may stand on its own line),
# so a new function gets its page name without a list to keep
# (tests/install-consumer.sh checks it against the exported symbols).
paren := (
MAN3_LINKS := $(sort $(shell awk '/^SAFEADDR_API/ { s = $$0; \
  if (index(s, "$(paren)") == 0) { getline; s = s " " $$0 } \
  if (match(s, /safeaddr_[a-z0-9_]*[$(paren)]/)) \
    print substr(s, RSTART, RLENGTH - 1) }' include/safeaddr.h))

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/safeaddr.h $(DESTDIR)$(INCLUDEDIR)/safeaddr.h
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libsafeaddr.a
	install -m 755 $(SHARED_REAL) $(DESTDIR)$(LIBDIR)/libsafeaddr.so.$(VERSION)
	ln -sf libsafeaddr.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SHARED_SONAME)
	ln -sf $(SHARED_SONAME) $(DESTDIR)$(LIBDIR)/libsafeaddr.so
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/safeaddr
	install -m 644 $(PC) $(DESTDIR)$(PKGCONFIGDIR)/safeaddr.pc
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 src/man/safeaddr.1 $(DESTDIR)$(MANDIR)/man1/safeaddr.1
	install -m 644 src/man/safeaddr.3 $(DESTDIR)$(MANDIR)/man3/safeaddr.3
	for f in $(MAN3_LINKS); do \
	  ln -sf safeaddr.3 $(DESTDIR)$(MANDIR)/man3/$$f.3 || exit 1; done
	$(install_extra)

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/safeaddr.h \
	  $(DESTDIR)$(LIBDIR)/libsafeaddr.a \
	  $(DESTDIR)$(LIBDIR)/libsafeaddr.so.$(VERSION) \
	  $(DESTDIR)$(LIBDIR)/$(SHARED_SONAME) $(DESTDIR)$(LIBDIR)/libsafeaddr.so \
	  $(DESTDIR)$(BINDIR)/safeaddr $(DESTDIR)$(PKGCONFIGDIR)/safeaddr.pc \
	  $(DESTDIR)$(MANDIR)/man1/safeaddr.1 $(DESTDIR)$(MANDIR)/man3/safeaddr.3 \
	  $(patsubst %,$(DESTDIR)$(MANDIR)/man3/%.3,$(MAN3_LINKS))
	$(uninstall_extra)

clean:
	rm -rf build

# The ABI description tests/abi-check.sh compares the library with; rewrite
# it only for a change CHANGELOG.md records (see there).
.PHONY: abi-baseline
abi-baseline: $(SHARED_LIB)
	abidw --headers-dir include --no-corpus-path --out-file src/safeaddr.abi \
	  $(SHARED_LIB)

# Each area keeps its own rules beside its sources.
-include src/shim/shim.mk
-include tests/tests.mk
-include bench/bench.mk
-include fuzz/fuzz.mk

# `make check`: every test, on the optimised build and under ASan+UBSan,
# plus whatever the areas above added to CHECK_EXTRA (smoke fuzzing, the
# sendmail integration test, the install test...).
CHECK_STAGES = check-unit check-asan check-install $(CHECK_EXTRA)
check: $(CHECK_STAGES)
	@echo "make check: all test stages passed ($(CHECK_STAGES))"
	@echo "check: $(words $(CHECK_STAGES)) passed, 0 failed"

demo: all
	sh tests/demo.sh $(BUILD)
