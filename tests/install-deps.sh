#!/bin/sh
# install-deps.sh - install what `make check` needs on a fresh Debian machine
# (as root; otherwise say what is missing and go on).
set -u
need=""
[ -f /usr/include/criterion/criterion.h ] || need="$need libcriterion-dev"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
command -v pkg-config >/dev/null 2>&1 || need="$need pkgconf"
command -v clang >/dev/null 2>&1 || need="$need clang"
[ -n "$(ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] || need="$need libclang-rt-14-dev"
command -v mandoc >/dev/null 2>&1 || need="$need mandoc"
command -v abidiff >/dev/null 2>&1 || need="$need abigail-tools"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: installing$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || apt-get update
    apt-get install -y -qq $need >/dev/null || apt-get install -y $need
else
    echo "install-deps: missing$need (run as root to install)" >&2
    exit 1
fi
