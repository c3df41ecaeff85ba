#!/bin/sh
# install-deps.sh - install what `make bench` needs from Debian, one package
# at a time so that one package that cannot be installed (renamed, missing
# from the mirror, no network) leaves the others in place. Never fails: the
# bench reports a peer whose package is missing as "unavailable".
#
# Usage: install-deps.sh STATUSFILE
# STATUSFILE receives one line per package: "<package> <installed|missing>".
set -u
status=${1:-/dev/null}
: > "$status"

# peers: dovecot-dev has the headers, dovecot-core ships libdovecot.so;
# tools: valgrind (instruction counts), python3 (generator, reference,
# report), g++ (mimetic is C++), pkg-config.
packages="dovecot-dev dovecot-core libgmime-3.0-dev libmimetic-dev
libetpan-dev libmailutils-dev valgrind python3 g++ pkg-config"

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

updated=no
for p in $packages; do
    if installed "$p"; then
        echo "$p installed" >> "$status"
        continue
    fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "bench: $p missing (run as root to install it)" >&2
        echo "$p missing" >> "$status"
        continue
    fi
    if ! apt-cache show "$p" >/dev/null 2>&1 && [ $updated = no ]; then
        apt-get update -qq >/dev/null 2>&1
        updated=yes
    fi
    echo "bench: installing $p"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "$p" >/dev/null 2>&1 && installed "$p"; then
        echo "$p installed" >> "$status"
    else
        echo "bench: could not install $p; continuing without it" >&2
        echo "$p missing" >> "$status"
    fi
done
exit 0
