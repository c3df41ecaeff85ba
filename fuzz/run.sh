#!/bin/bash
# fuzz/run.sh MODE - run the fuzz harnesses (called by fuzz/fuzz.mk)
#
#   smoke  every harness a short while under libFuzzer, then under AFL++,
#          all with ASan+UBSan (part of `make check`; about 2-3 minutes on
#          2 cores). Installs clang, libclang-rt-14-dev and afl++ with
#          apt-get when they are missing (as root); when that is
#          impossible, replays the seeds and regression files through the
#          standalone driver built with gcc and ASan instead, and says so.
#   long   FUZZ_SECONDS per harness under libFuzzer, FUZZ_JOBS at a time,
#          corpus kept in build/fuzz-corpus/NAME between runs
#   afl    FUZZ_SECONDS per harness under AFL++, FUZZ_JOBS at a time
#
# Environment: MAKE, FUZZ_NAMES (harness names), FUZZ_SECONDS, FUZZ_JOBS,
# FUZZ_MAX_LEN (largest generated input, default 8192), SMOKE_SECONDS
# (libFuzzer time per harness in smoke mode, default 15), SMOKE_AFL_SECONDS
# (default 6).
#
# A finding (crash, sanitizer report, property violation, timeout, leak)
# makes the run fail; the input is kept under build/fuzz-artifacts/ and
# the message says how to turn it into a regression file.
set -u
mode=${1:?usage: run.sh smoke|long|afl}
MAKE=${MAKE:-make}
names=${FUZZ_NAMES:?FUZZ_NAMES not set}
jobs=${FUZZ_JOBS:-2}
max_len=${FUZZ_MAX_LEN:-8192}
seeds=build/fuzz-seeds
lf_build=build/fuzz-libfuzzer
afl_build=build/fuzz-afl
artifacts=build/fuzz-artifacts
logs=build/fuzz-logs
mkdir -p "$artifacts" "$logs"

say() { echo "fuzz-$mode: $*"; }

have_libfuzzer() {
    command -v clang >/dev/null 2>&1 || return 1
    # Link a trivial fuzz target: proves the runtime is there and works.
    local t
    t=$(mktemp -d) || return 1
    printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
        '{ (void)d; (void)n; return 0; }' >"$t/t.c"
    clang -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" \
        >/dev/null 2>&1
    local rc=$?
    rm -rf "$t"
    return $rc
}

have_afl() {
    command -v afl-fuzz >/dev/null 2>&1 &&
        command -v afl-clang-fast >/dev/null 2>&1
}

ensure_tools() {
    have_libfuzzer && have_afl && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing clang, libclang-rt-14-dev, afl++"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq clang libclang-rt-14-dev afl++ >/dev/null 2>&1 ||
            { apt-get update -qq >/dev/null 2>&1 &&
              apt-get install -y -qq clang libclang-rt-14-dev afl++ \
                  >/dev/null 2>&1; }
    fi
    have_libfuzzer && have_afl
}

# Counts the regular files of a directory (0 if absent).
count_files() {
    if [ -d "$1" ]; then find "$1" -maxdepth 1 -type f | wc -l; else echo 0; fi
}

# libfuzzer_run NAME SECONDS CORPUS LOG - one libFuzzer process.
libfuzzer_run() {
    local name=$1 secs=$2 corpus=$3 log=$4 dict
    mkdir -p "$corpus"
    dict=$lf_build/fuzz/$name.dict
    cat fuzz/address.dict $(ls fuzz/"$name".dict 2>/dev/null) >"$dict"
    local TIMEFORMAT='%U %S'
    { time "$lf_build/fuzz/libfuzzer-$name" "$corpus" "$seeds/$name" \
        -max_total_time="$secs" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2560 -dict="$dict" -print_final_stats=1 \
        -artifact_prefix="$artifacts/$name-" >"$log" 2>&1; \
        echo "exit $?" >>"$log"; } 2>"$log.cpu"
}

# libfuzzer_summary NAME CORPUS LOG - one table row.
libfuzzer_summary() {
    local name=$1 corpus=$2 log=$3
    local execs eps cov ft cpu rc crashes
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -a -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    cpu=$(awk '{printf "%.0f", $1 + $2}' "$log.cpu" 2>/dev/null)
    rc=$(sed -n 's/^exit //p' "$log" | tail -1)
    crashes=$(ls "$artifacts/$name-"* 2>/dev/null | wc -l)
    printf '| %-9s | %12s | %7s | %6s | %6s | %6s | %7s | %s |\n' "$name" \
        "${execs:-?}" "${eps:-?}" "${cpu:-?}" "${cov:-?}" "${ft:-?}" \
        "$(count_files "$corpus")" \
        "$([ "${rc:-1}" = 0 ] && [ "$crashes" = 0 ] && echo 0 || echo "FOUND ($crashes)")"
}

table_head() {
    echo "| harness   |   executions |  exec/s |  CPU s |  edges | feats  |  corpus | findings |"
    echo "|-----------|--------------|---------|--------|--------|--------|---------|----------|"
}

# run_parallel CMD NAME... - CMD NAME for every name, $jobs at a time.
run_parallel() {
    local cmd=$1
    shift
    local running=0
    for n in "$@"; do
        $cmd "$n" &
        running=$((running + 1))
        if [ "$running" -ge "$jobs" ]; then
            wait -n
            running=$((running - 1))
        fi
    done
    wait
}

finding_help() {
    echo "fuzz-$mode: FINDINGS. Inputs are in $artifacts/ (logs in $logs/)."
    echo "  Reproduce:  build/asan/fuzz/replay-NAME FILE  (make SAN=1 BUILD=build/asan fuzz-replay)"
    echo "  Keep it:    cp FILE tests/regressions/NAME/<what-it-breaks>  (replayed by make check)"
}

lf_smoke_one() {
    libfuzzer_run "$1" "${SMOKE_SECONDS:-15}" "build/fuzz-corpus-smoke/$1" \
        "$logs/smoke-$1.log"
}
lf_long_one() {
    libfuzzer_run "$1" "${FUZZ_SECONDS:-600}" "build/fuzz-corpus/$1" \
        "$logs/long-$1.log"
}

# AFL++ input: small seeds only (afl-fuzz calibrates every one).
afl_inputs() {
    local name=$1 dir=build/fuzz-afl-in/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    find "$seeds/$name" -maxdepth 1 -type f -size -2k ! -name '.*' | sort | \
        awk 'NR % 8 == 1' | head -n 150 | while read -r f; do
        cp "$f" "$dir/"
    done
    [ "$(count_files "$dir")" -gt 0 ] || printf '\0\0a@b.example' >"$dir/min"
    echo "$dir"
}

afl_one() {
    local name=$1 secs=$2 out=build/fuzz-afl-out/$1 in log
    in=$(afl_inputs "$name")
    log=$logs/$mode-afl-$name.log
    rm -rf "$out"
    mkdir -p "$(dirname "$out")"
    local TIMEFORMAT='%U %S'
    { time AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
        AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=0 \
        afl-fuzz -i "$in" -o "$out" -V "$secs" -t 10000 -m none \
        -x fuzz/address.dict -- "$afl_build/fuzz/afl-$name" \
        >"$log" 2>&1; echo "exit $?" >>"$log"; } 2>"$log.cpu"
}
afl_smoke_one() { afl_one "$1" "${SMOKE_AFL_SECONDS:-6}"; }
afl_long_one() { afl_one "$1" "${FUZZ_SECONDS:-600}"; }

afl_summary() {
    local name=$1 st=build/fuzz-afl-out/$1/default/fuzzer_stats
    local log=$logs/$mode-afl-$name.log execs eps cov crashes hangs corpus cpu
    execs=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null)
    eps=$(sed -n 's/^execs_per_sec *: *//p' "$st" 2>/dev/null)
    cov=$(sed -n 's/^bitmap_cvg *: *//p' "$st" 2>/dev/null)
    corpus=$(sed -n 's/^corpus_count *: *//p' "$st" 2>/dev/null)
    crashes=$(count_files "build/fuzz-afl-out/$name/default/crashes")
    hangs=$(count_files "build/fuzz-afl-out/$name/default/hangs")
    cpu=$(awk '{printf "%.0f", $1 + $2}' "$log.cpu" 2>/dev/null)
    # crashes/ holds a README.txt once something was found
    [ "$crashes" -gt 0 ] && crashes=$((crashes - 1))
    printf '| %-9s | %12s | %7s | %6s | %6s | %6s | %7s | %s |\n' "$name" \
        "${execs:-?}" "${eps:-?}" "${cpu:-?}" "${cov:-?}" "-" "${corpus:-?}" \
        "$([ "$crashes" = 0 ] && [ "$hangs" = 0 ] && [ -n "$execs" ] && echo 0 || echo "FOUND (${crashes} crash, ${hangs} hang)")"
}

# Fallback without clang/AFL++: the standalone driver under gcc ASan.
fallback() {
    say "libFuzzer/AFL++ unavailable (no clang or afl++, and apt-get could not install them)"
    say "FALLBACK: replaying seeds and regression files through the standalone driver (gcc, ASan+UBSan)"
    $MAKE --no-print-directory SAN=1 BUILD=build/fuzz-gcc fuzz-replay fuzz-seeds || exit 1
    local status=0
    for n in $names; do
        if build/fuzz-gcc/fuzz/replay-"$n" "$seeds/$n" >"$logs/fallback-$n.log" 2>&1; then
            say "$n: $(tail -1 "$logs/fallback-$n.log")"
        else
            say "$n: FAILED (see $logs/fallback-$n.log)"
            tail -20 "$logs/fallback-$n.log"
            status=1
        fi
    done
    BUILD=build/fuzz-gcc sh tests/check_regressions.sh || status=1
    exit $status
}

case $mode in
smoke)
    ensure_tools || fallback
    $MAKE --no-print-directory fuzz-seeds fuzz-libfuzzer-bins || exit 1
    rm -rf build/fuzz-corpus-smoke "$artifacts"
    mkdir -p "$artifacts"
    say "libFuzzer, ${SMOKE_SECONDS:-15} s per harness, $jobs at a time: $names"
    run_parallel lf_smoke_one $names
    {
        echo "libFuzzer (ASan+UBSan), ${SMOKE_SECONDS:-15} s per harness"
        table_head
        for n in $names; do
            libfuzzer_summary "$n" "build/fuzz-corpus-smoke/$n" "$logs/smoke-$n.log"
        done
    } | tee "$logs/smoke-summary.txt"
    AFL_QUIET=1 $MAKE --no-print-directory fuzz-afl-bins >"$logs/afl-build.log" 2>&1 ||
        { cat "$logs/afl-build.log"; exit 1; }
    say "AFL++, ${SMOKE_AFL_SECONDS:-6} s per harness"
    run_parallel afl_smoke_one $names
    {
        echo "AFL++ persistent mode (ASan+UBSan), ${SMOKE_AFL_SECONDS:-6} s per harness (edges = bitmap coverage)"
        table_head
        for n in $names; do afl_summary "$n"; done
    } | tee -a "$logs/smoke-summary.txt"
    if grep -q FOUND "$logs/smoke-summary.txt"; then
        finding_help
        for f in "$artifacts"/* build/fuzz-afl-out/*/default/crashes/id* \
                 build/fuzz-afl-out/*/default/hangs/id*; do
            [ -f "$f" ] && echo "  $f"
        done
        exit 1
    fi
    say "no findings"
    ;;
long)
    say "libFuzzer, $FUZZ_SECONDS s per harness, $jobs at a time: $names"
    run_parallel lf_long_one $names
    {
        echo "libFuzzer (ASan+UBSan), $FUZZ_SECONDS s per harness, max_len $max_len, $(date -u +%Y-%m-%dT%H:%MZ), commit ${FUZZ_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null)}"
        table_head
        for n in $names; do
            libfuzzer_summary "$n" "build/fuzz-corpus/$n" "$logs/long-$n.log"
        done
    } | tee -a "$logs/long-summary.txt"
    tail -n "$(($(echo $names | wc -w) + 3))" "$logs/long-summary.txt" | grep -q FOUND &&
        { finding_help; exit 1; }
    exit 0
    ;;
afl)
    say "AFL++, $FUZZ_SECONDS s per harness, $jobs at a time: $names"
    run_parallel afl_long_one $names
    {
        echo "AFL++ (ASan+UBSan), $FUZZ_SECONDS s per harness, $(date -u +%Y-%m-%dT%H:%MZ), commit ${FUZZ_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null)}"
        table_head
        for n in $names; do afl_summary "$n"; done
    } | tee -a "$logs/afl-summary.txt"
    tail -n "$(($(echo $names | wc -w) + 3))" "$logs/afl-summary.txt" | grep -q FOUND &&
        { finding_help; exit 1; }
    exit 0
    ;;
*)
    echo "usage: run.sh smoke|long|afl" >&2
    exit 2
    ;;
esac
