# src/shim/shim.mk - libsafeaddr-crackaddr: sendmail's crackaddr() on top
# of safeaddr_crackaddr(). Included by the top-level Makefile.
#
#   $(BUILD)/libsafeaddr-crackaddr.so  preload shim: exports crackaddr and
#                                      safeaddr_shim_status; its constructor
#                                      patches a known sendmail (README.md)
#   $(BUILD)/libsafeaddr-crackaddr.a   link-time replacement: exports
#                                      crackaddr, reads sendmail's globals
#   check-sendmail                     shim tests with stand-in programs,
#                                      then the real Debian sendmail
#                                      (part of `make check`)
#
# Only the template builder (src/crackaddr.c) goes into the shim: it is all
# crackaddr() needs, and a shim listed in /etc/ld.so.preload is mapped into
# every process, so it carries nothing else (no scanner kernels, no
# dispatch state, nothing that could ever run at load time).

SHIM_SO := $(BUILD)/libsafeaddr-crackaddr.so
SHIM_A := $(BUILD)/libsafeaddr-crackaddr.a
SHIM_HDR := src/shim/shim.h include/safeaddr.h
SHIM_LIB_OBJ := $(BUILD)/obj/crackaddr.o
SHIM_PRELOAD_OBJ := $(BUILD)/obj/shim/shim_crackaddr.o \
                    $(BUILD)/obj/shim/shim_preload.o \
                    $(BUILD)/obj/shim/shim_builds.o
SHIM_LINKTIME_OBJ := $(BUILD)/obj/shim/linktime_shim_crackaddr.o
SHIM_TESTPROG := $(BUILD)/shim-test

# IBT: the patched entry reaches shim_crackaddr through an indirect jump,
# so it must start with endbr64 where CET is enforced.
SHIM_CFLAGS := $(shell $(CC) -fcf-protection=branch -E -x c /dev/null \
                 >/dev/null 2>&1 && echo -fcf-protection=branch)

.PHONY: shim check-sendmail
shim: $(SHIM_SO) $(SHIM_A)

# The shim is a deployment artefact: not built with sanitizers (a
# sanitizer runtime cannot be preloaded into sendmail after libc).
ifneq ($(SAN),1)
all: shim
endif

$(BUILD)/obj/shim/%.o: src/shim/%.c $(SHIM_HDR)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(SHIM_CFLAGS) -c $< -o $@

$(BUILD)/obj/shim/linktime_%.o: src/shim/%.c $(SHIM_HDR)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (link-time)")
	$(Q)$(CC) $(ALL_CFLAGS) $(SHIM_CFLAGS) -DSAFEADDR_SHIM_LINKTIME -c $< -o $@

# -z nodelete: the patched sendmail jumps into this object, so it must
# never be unloaded.
$(SHIM_SO): $(SHIM_PRELOAD_OBJ) $(SHIM_LIB_OBJ) src/shim/shim.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -o $@ $(SHIM_PRELOAD_OBJ) $(SHIM_LIB_OBJ) \
	  -Wl,-soname,libsafeaddr-crackaddr.so \
	  -Wl,--version-script,src/shim/shim.map -Wl,-z,nodelete \
	  $(if $(filter 1,$(SAN)),,-Wl,-z,defs) $(ALL_LDFLAGS)

$(SHIM_A): $(SHIM_LINKTIME_OBJ) $(SHIM_LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Stand-ins for sendmail (src/shim/testprog): unstripped, so the preload
# shim finds them through .symtab; relinked the documented way
# (objcopy --weaken-symbol=crackaddr on the object that defines it).
SHIM_FAKE_SRC := src/shim/testprog/fake_main.c src/shim/testprog/fake_headers.c
SHIM_FAKE_HDR := src/shim/testprog/fake_sendmail.h
# Default visibility, as sendmail is built: a hidden symbol's calls inside
# its own object are resolved by the assembler, and no relink can move
# them (README "Relinking" says how to check a real headers.o).
SHIM_FAKE_CFLAGS = $(ALL_CFLAGS) -fvisibility=default -Isrc/shim/testprog

$(SHIM_TESTPROG)/fake_main.o: src/shim/testprog/fake_main.c $(SHIM_FAKE_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SHIM_FAKE_CFLAGS) -c $< -o $@
$(SHIM_TESTPROG)/fake_headers.o: src/shim/testprog/fake_headers.c $(SHIM_FAKE_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SHIM_FAKE_CFLAGS) -c $< -o $@
$(SHIM_TESTPROG)/fake_headers_818.o: src/shim/testprog/fake_headers.c $(SHIM_FAKE_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SHIM_FAKE_CFLAGS) -DFAKE_VERSION='"8.18.1"' -c $< -o $@
$(SHIM_TESTPROG)/fake_queue_id.o: src/shim/testprog/fake_queue_id.c $(SHIM_FAKE_HDR)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SHIM_FAKE_CFLAGS) -c $< -o $@

# sendmail: found through .symtab
$(SHIM_TESTPROG)/symtab/sendmail: $(SHIM_TESTPROG)/fake_main.o $(SHIM_TESTPROG)/fake_headers.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ $(ALL_LDFLAGS)
# the same, stripped: unknown build-id and no .symtab, must be refused
$(SHIM_TESTPROG)/stripped/sendmail: $(SHIM_TESTPROG)/symtab/sendmail
	@mkdir -p $(dir $@)
	$(Q)strip -o $@ $<
# a sendmail 8.18 by its Version string: must be refused
$(SHIM_TESTPROG)/v818/sendmail: $(SHIM_TESTPROG)/fake_main.o $(SHIM_TESTPROG)/fake_headers_818.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) -o $@ $^ $(ALL_LDFLAGS)
# not named sendmail: the shim must do nothing at all
$(SHIM_TESTPROG)/other/mailer: $(SHIM_TESTPROG)/symtab/sendmail
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
# relinked: headers object with crackaddr weakened, then the archive's
# objects (--whole-archive: a weak definition already satisfies the
# symbol, so a plain archive search would not pull the replacement in)
$(SHIM_TESTPROG)/relinked/sendmail: $(SHIM_TESTPROG)/fake_main.o $(SHIM_TESTPROG)/fake_headers.o $(SHIM_TESTPROG)/fake_queue_id.o $(SHIM_A)
	@mkdir -p $(dir $@)
	$(Q)objcopy --weaken-symbol=crackaddr $(SHIM_TESTPROG)/fake_headers.o \
	  $(SHIM_TESTPROG)/fake_headers_weak.o
	$(Q)$(CC) -o $@ $(SHIM_TESTPROG)/fake_main.o \
	  $(SHIM_TESTPROG)/fake_headers_weak.o $(SHIM_TESTPROG)/fake_queue_id.o \
	  -Wl,--whole-archive $(SHIM_A) -Wl,--no-whole-archive $(ALL_LDFLAGS)

# runs a program under prctl(PR_SET_MDWE): the W^X refusal test
$(SHIM_TESTPROG)/mdwe_exec: src/shim/testprog/mdwe_exec.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SHIM_FAKE_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

SHIM_FAKES := $(SHIM_TESTPROG)/mdwe_exec $(SHIM_TESTPROG)/symtab/sendmail $(SHIM_TESTPROG)/stripped/sendmail \
              $(SHIM_TESTPROG)/v818/sendmail $(SHIM_TESTPROG)/other/mailer \
              $(SHIM_TESTPROG)/relinked/sendmail

check-sendmail: shim $(SHIM_FAKES)
	sh src/shim/check-sendmail.sh $(BUILD)

CHECK_EXTRA += check-sendmail

# One shell line each, ended by ';', so other fragments can append too.
install_extra += install -m 755 $(SHIM_SO) $(DESTDIR)$(LIBDIR)/libsafeaddr-crackaddr.so; \
  install -m 644 $(SHIM_A) $(DESTDIR)$(LIBDIR)/libsafeaddr-crackaddr.a;
uninstall_extra += rm -f $(DESTDIR)$(LIBDIR)/libsafeaddr-crackaddr.so \
  $(DESTDIR)$(LIBDIR)/libsafeaddr-crackaddr.a;
