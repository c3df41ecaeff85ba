# bench/bench.mk - `make bench`: throughput of safeaddr against peer parsers,
# instructions per byte and the linear-time table. Included by the top-level
# Makefile; not part of `make check`. See bench/README.md.
#
# Targets:
#   bench            install missing Debian packages, then everything below
#                    (about 10 minutes on 2 cores; BENCH_QUICK=1: about 1)
#   bench-deps       only the package installation (bench/install-deps.sh)
#   bench-harness    $(BUILD)/bench/bench: the C harness with every peer
#                    adapter whose library is installed
#   bench-corpora    the generated corpora (bench/gen_corpus.py)
#   bench-time       interleaved timing rounds: C harness, then Python
#   bench-callgrind  instructions per byte and the linear-time table
#   bench-report     tables from the above into results/report.md
#   bench-profile    callgrind_annotate of safeaddr (best kernel valgrind
#                    runs) on the realistic corpora
#                    (where the instructions go; for the parser's authors)
#
# Variables: BENCH_QUICK=1 (smaller corpora, fewer and shorter samples,
# linear table up to 2^17), BENCH_ROUNDS, BENCH_SAMPLE_MS,
# BENCH_PROBE_LIMIT (seconds one pass of a parser over one corpus may take
# before it is reported "too slow"), BENCH_PY_MAX_BYTES (Python is timed on
# at most this much of each corpus), BENCH_LINEAR_MAX.
# Everything runs under `nice`, one job at a time (the machine is shared).

BENCH_DIR := $(BUILD)/bench
ifeq ($(BENCH_QUICK),1)
  BENCH_SET := quick
  BENCH_GEN_FLAGS := --quick
  BENCH_ROUNDS ?= 5
  BENCH_SAMPLE_MS ?= 8
  BENCH_PROBE_LIMIT ?= 2
  BENCH_PY_MAX_BYTES ?= 65536
  BENCH_LINEAR_MAX ?= 131072
else
  BENCH_SET := full
  BENCH_GEN_FLAGS :=
  BENCH_ROUNDS ?= 7
  BENCH_SAMPLE_MS ?= 30
  BENCH_PROBE_LIMIT ?= 3
  BENCH_PY_MAX_BYTES ?= 262144
  BENCH_LINEAR_MAX ?= 1048576
endif
BENCH_CORPORA := $(BENCH_DIR)/corpora-$(BENCH_SET)
BENCH_RESULTS := $(BENCH_DIR)/results-$(BENCH_SET)
BENCH_BIN := $(BENCH_DIR)/bench
BENCH_NICE := nice -n 10

# Peer adapters: built only when the library's headers are installed (the
# detection runs when a bench target is made, after bench-deps, because
# `make bench` re-invokes make once the packages are in).
BENCH_PEER_CFLAGS := -std=gnu11 $(OPT) -g -Wall -Wextra $(WERROR) -Ibench -Iinclude
bench_have = $(if $(wildcard $(1)),$(2))
BENCH_PEERS = $(strip \
  $(call bench_have,/usr/include/dovecot/message-address.h,$(call bench_have,/usr/lib/dovecot/libdovecot.so,dovecot)) \
  $(if $(shell pkg-config --exists gmime-3.0 2>/dev/null && echo y),gmime) \
  $(call bench_have,/usr/include/mimetic/rfc822/addresslist.h,$(if $(shell command -v g++),mimetic)) \
  $(call bench_have,/usr/include/libetpan/libetpan.h,etpan) \
  $(call bench_have,/usr/include/mailutils/address.h,mailutils))
BENCH_CFLAGS_dovecot = -I/usr/include/dovecot -include config.h
BENCH_LIBS_dovecot = -L/usr/lib/dovecot -Wl,-rpath,/usr/lib/dovecot -ldovecot
BENCH_CFLAGS_gmime = $(shell pkg-config --cflags gmime-3.0 2>/dev/null)
BENCH_LIBS_gmime = $(shell pkg-config --libs gmime-3.0 2>/dev/null)
BENCH_LIBS_mimetic = -lmimetic -lstdc++
BENCH_LIBS_etpan = -letpan
BENCH_CFLAGS_mailutils = $(shell mailutils-config --compile 2>/dev/null)
BENCH_LIBS_mailutils = $(shell mailutils-config --link 2>/dev/null)
BENCH_PEER_OBJ = $(patsubst %,$(BENCH_DIR)/obj/peer_%.o,$(BENCH_PEERS))
BENCH_PEER_LIBS = $(foreach p,$(BENCH_PEERS),$(BENCH_LIBS_$(p)))

.PHONY: bench bench-deps bench-all bench-harness bench-corpora bench-time \
        bench-callgrind bench-report bench-profile

bench:
	@mkdir -p $(BENCH_RESULTS) && date +%s > $(BENCH_RESULTS)/started
	@sh bench/install-deps.sh $(BENCH_DIR)/deps.txt
	$(MAKE) --no-print-directory bench-all

bench-deps:
	@mkdir -p $(BENCH_DIR)
	sh bench/install-deps.sh $(BENCH_DIR)/deps.txt

bench-all: bench-time bench-callgrind
	$(MAKE) --no-print-directory bench-report

$(BENCH_DIR)/obj/peer_%.o: bench/peer_%.c bench/bench.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BENCH_PEER_CFLAGS) $(BENCH_CFLAGS_$*) -c $< -o $@

$(BENCH_DIR)/obj/peer_mimetic.o: bench/peer_mimetic.cc bench/bench.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) -std=c++17 $(OPT) -g -Wall -Wextra $(WERROR) -Ibench -c $< -o $@

# The harness links the static library: it keeps the internal symbols
# (safeaddr__select_kernel, safeaddr__classifier) that the shared one hides.
$(BENCH_BIN): bench/bench.c bench/bench.h src/scan.h include/safeaddr.h \
              $(STATIC_LIB) $(BENCH_PEER_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@ (peers: $(or $(BENCH_PEERS),none))")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ bench/bench.c $(BENCH_PEER_OBJ) \
	  $(STATIC_LIB) $(BENCH_PEER_LIBS) $(ALL_LDFLAGS)

bench-harness: $(BENCH_BIN)

$(BENCH_CORPORA)/index.tsv: bench/gen_corpus.py
	@mkdir -p $(BENCH_CORPORA)
	$(BENCH_NICE) python3 bench/gen_corpus.py $(BENCH_CORPORA) $(BENCH_GEN_FLAGS)

bench-corpora: $(BENCH_CORPORA)/index.tsv

# corpus files of one role, in index order (linear ones up to
# BENCH_LINEAR_MAX bytes: 2^17 in the quick run, 2^20 in the full one)
bench_role = $(shell awk -F'\t' '$$2 == "$(1)" && $$5 <= $(BENCH_LINEAR_MAX) {print "$(BENCH_CORPORA)/" $$1 ".corpus"}' $(BENCH_CORPORA)/index.tsv 2>/dev/null)

bench-time: bench-harness bench-corpora
	@mkdir -p $(BENCH_RESULTS)
	@git describe --always --dirty > $(BENCH_RESULTS)/version 2>/dev/null || true
	$(BENCH_NICE) $(BENCH_BIN) --rounds $(BENCH_ROUNDS) \
	  --sample-ms $(BENCH_SAMPLE_MS) --probe-limit $(BENCH_PROBE_LIMIT) \
	  --out $(BENCH_RESULTS)/time.tsv $(call bench_role,time)
	@if command -v python3 >/dev/null; then \
	  $(BENCH_NICE) python3 bench/ref_python.py --rounds $(BENCH_ROUNDS) \
	    --sample-ms $(BENCH_SAMPLE_MS) --probe-limit $(BENCH_PROBE_LIMIT) \
	    --max-bytes $(BENCH_PY_MAX_BYTES) \
	    --out $(BENCH_RESULTS)/python.tsv $(call bench_role,time); \
	else echo "bench: python3 unavailable, no reference timings"; fi

# One valgrind process per set; each (parser, corpus) is a labelled dump.
# A pair that crashed or hung natively is skipped under valgrind (--skip)
# instead of timing out there fifty times slower: the timing corpora use
# the probes of bench-time (time.tsv) or, without them, a probe-only run
# (--rounds 0); the linear corpora get a probe-only run of the two kernels.
BENCH_CG = valgrind --tool=callgrind --collect-atstart=no --dump-instr=no
BENCH_CG_OUT = $(BENCH_RESULTS)/callgrind
bench-callgrind: bench-harness bench-corpora
	@rm -rf $(BENCH_CG_OUT) && mkdir -p $(BENCH_CG_OUT)
	@if ! command -v valgrind >/dev/null; then \
	  echo "bench: valgrind unavailable, no instruction counts"; exit 0; fi; \
	skip=$(BENCH_RESULTS)/time.tsv; \
	if [ ! -s $$skip ]; then skip=$(BENCH_RESULTS)/probe-time.tsv; \
	  $(BENCH_NICE) $(BENCH_BIN) --rounds 0 --probe-limit $(BENCH_PROBE_LIMIT) \
	    --out $$skip $(call bench_role,time) 2>/dev/null || exit 1; fi; \
	$(BENCH_NICE) $(BENCH_BIN) --rounds 0 --probe-limit 1 \
	  --only safeaddr/scalar,safeaddr/best \
	  --out $(BENCH_RESULTS)/probe-linear.tsv $(call bench_role,linear) \
	  2>/dev/null || exit 1; \
	echo "bench: callgrind over the timing corpora"; \
	$(BENCH_NICE) $(BENCH_CG) -q --callgrind-out-file=$(BENCH_CG_OUT)/time.%p \
	  $(BENCH_BIN) --callgrind --skip $$skip $(call bench_role,time) || exit 1; \
	echo "bench: callgrind over the peers (realistic corpora only)"; \
	$(BENCH_NICE) $(BENCH_CG) -q --callgrind-out-file=$(BENCH_CG_OUT)/peers.%p \
	  $(BENCH_BIN) --callgrind --skip $$skip \
	  --only dovecot,gmime,mimetic,libetpan,mailutils \
	  $(filter-out $(BENCH_CORPORA)/hostile-%,$(call bench_role,time)) || exit 1; \
	echo "bench: callgrind over the linear-time families"; \
	$(BENCH_NICE) $(BENCH_CG) -q --callgrind-out-file=$(BENCH_CG_OUT)/linear.%p \
	  $(BENCH_BIN) --callgrind --only safeaddr/scalar,safeaddr/best \
	  --skip $(BENCH_RESULTS)/probe-linear.tsv $(call bench_role,linear)

bench-report:
	python3 bench/report.py --results $(BENCH_RESULTS) \
	  --corpora $(BENCH_CORPORA) --deps $(BENCH_DIR)/deps.txt \
	  --set $(BENCH_SET) \
	  > $(BENCH_RESULTS)/report.md
	@cat $(BENCH_RESULTS)/report.md
	@echo "bench: tables written to $(BENCH_RESULTS)/report.md"

bench-profile: bench-harness bench-corpora
	@mkdir -p $(BENCH_RESULTS)/profile
	$(BENCH_NICE) $(BENCH_CG) -q \
	  --callgrind-out-file=$(BENCH_RESULTS)/profile/cg.out \
	  $(BENCH_BIN) --callgrind --no-dump --only safeaddr/best \
	  $(BENCH_CORPORA)/typical.corpus $(BENCH_CORPORA)/realworld.corpus \
	  $(BENCH_CORPORA)/list-10k.corpus
	callgrind_annotate --inclusive=no $(BENCH_RESULTS)/profile/cg.out | head -40
