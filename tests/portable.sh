#!/bin/sh
# portable.sh TARGET... - build safeaddr for other machines and run the
# data-driven suites on each (make check-portable; part of make check).
#
#   i386     32-bit x86 (gcc -m32): size_t and pointers of 32 bits, where
#            every length check and offset sum is tested at a width the
#            x86-64 build never sees; the SSE2/AVX2/AVX-512 kernels too,
#            each once, as run-suite.sh does
#   aarch64  64-bit ARM under qemu-user: no x86 kernel is built, the
#            scalar reference is the scanner (src/scan_*.c compile to
#            nothing there), and char is unsigned
#   s390x    64-bit big-endian under qemu-user: no byte-order assumption
#            may hide in the masks, the tables or the CLI
#
# For each target: the library, the CLI and the fuzz harnesses' replay
# drivers are built into build/cross-TARGET with -Werror; then
# tests/run-suite.sh runs every tests/check_*.sh against that build once
# per kernel, as on the native build (check_linear.sh stands down under
# qemu: valgrind counts native instructions only; i386 runs it); then the
# replay drivers run over the seed corpora
# (build/fuzz-seeds: the external cases, hostile inputs, crackaddr
# references and regression files), which check the harnesses'
# properties, the fast reading against the reference reading among them.
# The Criterion suites are not run: Debian's Criterion packages for two
# architectures cannot be installed side by side (libcriterion-dev:i386
# removes the amd64 one that make check needs).
#
# The toolchains come from Debian: gcc-N-multilib (N: gcc's major
# version), gcc-aarch64-linux-gnu, gcc-s390x-linux-gnu, qemu-user
# (installed when missing, as root; otherwise the run fails and says what
# is missing).
set -u
[ $# -gt 0 ] || set -- i386 aarch64 s390x
MAKE=${MAKE:-make}
limit=${SUITE_TIMEOUT:-900}

need=""
for t in "$@"; do
    case $t in
    i386) # gcc-N-multilib, not gcc-multilib: that one conflicts with the
          # cross compilers in Debian 12 (installing them removes it)
          printf '#include <errno.h>\nint main(void) { return errno; }\n' |
              ${CC:-gcc} -m32 -idirafter /usr/include/x86_64-linux-gnu \
                  -x c - -o /dev/null >/dev/null 2>&1 ||
              need="$need gcc-$(gcc -dumpversion | cut -d. -f1)-multilib" ;;
    aarch64) command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
                 need="$need gcc-aarch64-linux-gnu"
             command -v qemu-aarch64 >/dev/null 2>&1 || need="$need qemu-user" ;;
    s390x) command -v s390x-linux-gnu-gcc >/dev/null 2>&1 ||
               need="$need gcc-s390x-linux-gnu"
           command -v qemu-s390x >/dev/null 2>&1 || need="$need qemu-user" ;;
    *) echo "portable: unknown target $t (i386 aarch64 s390x)" >&2; exit 2 ;;
    esac
done
need=$(printf '%s\n' $need | sort -u | tr '\n' ' ')
if [ -n "${need% }" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "portable: installing $need"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null 2>&1 || apt-get update
        apt-get install -y -qq $need >/dev/null || apt-get install -y $need
    else
        echo "portable: missing $need(run as root to install)" >&2
        exit 1
    fi
fi

$MAKE --no-print-directory fuzz-seeds >/dev/null || exit 1

passed=0
failed=0
failures=""
record() { # name rc
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $1"
    fi
}

for t in "$@"; do
    build=build/cross-$t
    cppflags="" ar=ar run=""
    case $t in
    i386)
        cc="${CC:-gcc} -m32"
        # Debian's multilib has no 32-bit <asm/*.h> (linux-libc-dev:i386);
        # the x86-64 ones serve, as for every -m32 build there
        cppflags="-idirafter /usr/include/x86_64-linux-gnu" ;;
    aarch64)
        cc=aarch64-linux-gnu-gcc ar=aarch64-linux-gnu-ar
        run="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
    s390x)
        cc=s390x-linux-gnu-gcc ar=s390x-linux-gnu-ar
        run="qemu-s390x -L /usr/s390x-linux-gnu" ;;
    esac
    echo "== portable $t: build into $build"
    mkdir -p build
    # wrappers from an earlier run go, so that make links the real ones
    for f in "$build/safeaddr" "$build"/fuzz/replay-*; do
        [ -f "$f.real" ] && rm -f "$f" "$f.real"
    done
    if ! $MAKE --no-print-directory BUILD=$build CC="$cc" AR="$ar" \
        CPPFLAGS="$cppflags" all fuzz-replay >"$build.log" 2>&1; then
        cat "$build.log"
        record "$t:build" 1
        continue
    fi
    if [ -n "$run" ]; then
        # qemu-user without binfmt_misc: each executable the scripts run
        # becomes a two-line wrapper around the real one
        for f in "$build/safeaddr" "$build"/fuzz/replay-*; do
            case $f in *.real) continue ;; esac
            mv -f "$f" "$f.real"
            printf '#!/bin/sh\nexec %s "$0.real" "$@"\n' "$run" >"$f"
            chmod +x "$f"
        done
    fi
    kernels=$("$build/safeaddr" --list-kernels 2>/dev/null) || kernels=""
    [ -n "$kernels" ] || { record "$t:--list-kernels" 1; continue; }
    echo "== portable $t: $("$build/safeaddr" --version); kernels:" $kernels
    # the data-driven suites once per kernel, as on the native build (no
    # Criterion binaries were built, so run-suite.sh runs only scripts)
    CC="$cc $cppflags" RUNNER="$run" SUITE_TIMEOUT=$limit \
        sh tests/run-suite.sh "$build"
    record "$t:suites" $?
    for k in $kernels; do
        for h in "$build"/fuzz/replay-*; do
            case $h in *.real) continue ;; esac
            seeds=build/fuzz-seeds/${h##*/replay-}
            name="$t:$(basename "$h")[$k]"
            out=$(SAFEADDR_ISA=$k timeout "$limit" "$h" "$seeds" 2>&1)
            rc=$?
            # a replay of nothing proves nothing: no seeds is a failure
            case $out in
            *"replayed 0 input"*|"") rc=1 ;;
            *"replayed "*) ;;
            *) rc=1 ;;
            esac
            [ $rc -ne 0 ] && printf '%s\n' "$out"
            echo "== portable $name: $(printf '%s\n' "$out" | tail -n 1)"
            record "$name" $rc
        done
    done
done
[ -n "$failures" ] && echo "portable: failed:$failures"
echo "portable: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
