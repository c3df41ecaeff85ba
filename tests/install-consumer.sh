#!/bin/sh
# install-consumer.sh - `make check-install`: install into a staging tree the
# way a Debian package build does (make install DESTDIR=... PREFIX=/usr),
# then build and run a small consumer through pkg-config, shared and
# --static; check that the installed .so exports only safeaddr_* and has
# SONAME libsafeaddr.so.0 (reference/C-LIBRARY-CONVENTIONS.md); that the
# manual pages are installed, one name per exported function, pass
# mandoc's lint and declare each function as the header does; and that make
# uninstall removes every installed file.
set -u
make=${MAKE:-make}
cc=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
stage=$tmp/stage
fail=0
say() { echo "install-consumer: $*"; }
# a hung consumer is a failure, not a stuck `make check`
run() { if command -v timeout >/dev/null 2>&1; then timeout 60 "$@"; else "$@"; fi; }
bad() { echo "install-consumer: FAIL: $*"; fail=1; }

if ! $make --no-print-directory -s install DESTDIR="$stage" PREFIX=/usr >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    bad "make install DESTDIR=$stage PREFIX=/usr failed"
    exit 1
fi
# everything lands under the staging tree's /usr, nowhere else
( cd "$stage" && find . \( -type f -o -type l \) | sort ) >"$tmp/installed"
say "installed $(wc -l <"$tmp/installed") files:"
sed 's/^/    /' "$tmp/installed"
if grep -v '^\./usr/' "$tmp/installed"; then
    bad "files installed outside PREFIX=/usr"
fi

libdir=$stage/usr/lib
pcdir=$libdir/pkgconfig
[ -f "$pcdir/safeaddr.pc" ] || bad "no $pcdir/safeaddr.pc"
# only the staging tree's .pc files, paths re-rooted into it
PKG_CONFIG_SYSROOT_DIR=$stage
PKG_CONFIG_PATH=$pcdir
PKG_CONFIG_LIBDIR=$pcdir
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH PKG_CONFIG_LIBDIR

cat >"$tmp/consumer.c" <<'EOF'
/* A consumer that knows only <safeaddr.h> and pkg-config. */
#include <safeaddr.h>
#include <stdio.h>
#include <string.h>

static int expect_text(safeaddr_span s, int mode, const char *want)
{
    char buf[128];
    size_t len = 0;
    if (safeaddr_text(s, mode, buf, sizeof buf, &len) != SAFEADDR_OK ||
        len != strlen(want) || memcmp(buf, want, len) != 0) {
        fprintf(stderr, "consumer: got '%.*s', want '%s'\n", (int)len, buf, want);
        return 1;
    }
    return 0;
}

int main(void)
{
    static const char field[] = "\"Doe, Jane\" <jane@example.com>, Team: bob@example.org;";
    safeaddr_item items[8];
    size_t count = 0;
    safeaddr_error err;
    int bad = 0;
    if (safeaddr_version() != SAFEADDR_VERSION_NUMBER) {
        fprintf(stderr, "consumer: header %s, library %s\n",
                SAFEADDR_VERSION_STRING, safeaddr_version_string());
        return 1;
    }
    if (safeaddr_parse(field, sizeof field - 1, SAFEADDR_ADDRESS_LIST, NULL,
                       items, 8, &count, NULL, &err) != SAFEADDR_OK) {
        fprintf(stderr, "consumer: %s at %zu\n", safeaddr_strerror(err.code),
                err.offset);
        return 1;
    }
    /* mailbox, group start, member, group end */
    if (count != 4 || items[0].kind != SAFEADDR_ITEM_MAILBOX ||
        items[1].kind != SAFEADDR_ITEM_GROUP_START ||
        items[2].kind != SAFEADDR_ITEM_MAILBOX ||
        items[3].kind != SAFEADDR_ITEM_GROUP_END) {
        fprintf(stderr, "consumer: unexpected items (%zu)\n", count);
        return 1;
    }
    bad |= expect_text(items[0].display, SAFEADDR_TEXT_PHRASE, "Doe, Jane");
    bad |= expect_text(items[0].local, SAFEADDR_TEXT_ADDR, "jane");
    bad |= expect_text(items[1].display, SAFEADDR_TEXT_PHRASE, "Team");
    bad |= expect_text(items[2].domain, SAFEADDR_TEXT_ADDR, "example.org");
    /* and a rejection names its offset */
    if (safeaddr_parse("a@b.c, (", 8, SAFEADDR_ADDRESS_LIST, NULL, items, 8,
                       &count, NULL, &err) != SAFEADDR_E_UNTERMINATED_COMMENT ||
        err.offset != 8) {
        fprintf(stderr, "consumer: unterminated comment not reported at 8\n");
        bad = 1;
    }
    if (!bad)
        printf("consumer OK: libsafeaddr %s, kernel %s\n",
               safeaddr_version_string(), safeaddr_kernel_name());
    return bad;
}
EOF

cflags=$(pkg-config --cflags safeaddr) || bad "pkg-config --cflags safeaddr failed"
libs=$(pkg-config --libs safeaddr) || bad "pkg-config --libs safeaddr failed"
say "pkg-config --cflags --libs safeaddr: $cflags $libs"
case "$cflags $libs" in
*"$stage"*) ;;
*) bad "pkg-config flags do not point into the staging tree" ;;
esac

# shared: the consumer must load the staged libsafeaddr.so.0
if $cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$tmp/consumer.c" $cflags $libs; then
    needed=$(readelf -d "$tmp/consumer" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    echo "$needed" | grep -qx 'libsafeaddr.so.0' ||
        bad "shared consumer does not need libsafeaddr.so.0 (needs: $needed)"
    LD_LIBRARY_PATH=$libdir run "$tmp/consumer" || bad "shared consumer failed"
else
    bad "building the shared consumer failed"
fi

# static: pkg-config --static, linked against libsafeaddr.a only
slibs=$(pkg-config --static --libs safeaddr) || bad "pkg-config --static --libs failed"
if $cc -std=c11 -Wall -Wextra -Werror -static -o "$tmp/consumer-static" \
    "$tmp/consumer.c" $cflags $slibs 2>"$tmp/static.log" ||
    $cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer-static" \
    "$tmp/consumer.c" $cflags -Wl,-Bstatic $slibs -Wl,-Bdynamic; then
    if readelf -d "$tmp/consumer-static" 2>/dev/null | grep -q 'libsafeaddr'; then
        bad "static consumer still needs libsafeaddr.so"
    fi
    run "$tmp/consumer-static" || bad "static consumer failed"
else
    cat "$tmp/static.log"
    bad "building the static consumer failed"
fi

# the installed shared library: SONAME and exported symbols
so=$libdir/libsafeaddr.so
if [ -e "$so" ]; then
    soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = libsafeaddr.so.0 ] || bad "SONAME is '$soname', not libsafeaddr.so.0"
    # version nodes (SAFEADDR_0.1) show up as absolute symbols: not exports
    nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' \
        >"$tmp/exports"
    n=$(wc -l <"$tmp/exports")
    [ "$n" -gt 0 ] || bad "no symbols exported by $so"
    if grep -v '^safeaddr_' "$tmp/exports" >"$tmp/foreign"; then
        bad "exports other than safeaddr_*: $(tr '\n' ' ' <"$tmp/foreign")"
    fi
    say "$so: SONAME $soname, $n exported symbols, all safeaddr_*"
else
    bad "no $so installed"
fi

# the manual: safeaddr(1), safeaddr(3) and a man3 name for every exported
# function, each one the page that documents it (its NAME section), and
# every page clean under mandoc's lint
mandir=$stage/usr/share/man
for page in man1/safeaddr.1 man3/safeaddr.3; do
    if [ -f "$mandir/$page" ]; then
        lint=$(mandoc -Tlint -W warning "$mandir/$page" 2>&1)
        [ -z "$lint" ] || bad "mandoc -Tlint $page: $lint"
    else
        bad "no $mandir/$page installed"
    fi
done
if [ -s "$tmp/exports" ] && [ -f "$mandir/man3/safeaddr.3" ]; then
    pages=0
    while read -r sym; do
        [ -f "$mandir/man3/$sym.3" ] || bad "no man3 page for $sym"
        grep -qxE "\\.Nm $sym( ,)?" "$mandir/man3/safeaddr.3" ||
            bad "safeaddr(3) does not name $sym"
        pages=$((pages + 1))
    done <"$tmp/exports"
    say "manual: safeaddr(1), safeaddr(3) and $pages function names, lint clean"
fi
# and its SYNOPSIS declares each function as the header does
python3 tests/manual_check.py synopsis include/safeaddr.h src/man/safeaddr.3 ||
    bad "safeaddr(3)'s SYNOPSIS differs from include/safeaddr.h"
# and safeaddr(1)'s the options the installed command's --help lists
python3 tests/manual_check.py options "$stage/usr/bin/safeaddr" src/man/safeaddr.1 ||
    bad "safeaddr(1)'s SYNOPSIS differs from safeaddr --help"

# uninstall leaves no file behind
if ! $make --no-print-directory -s uninstall DESTDIR="$stage" PREFIX=/usr >"$tmp/uninstall.log" 2>&1; then
    cat "$tmp/uninstall.log"
    bad "make uninstall failed"
fi
left=$(cd "$stage" && find . \( -type f -o -type l \) | sort)
if [ -n "$left" ]; then
    bad "make uninstall left files: $left"
fi

if [ "$fail" -ne 0 ]; then
    say "FAILED"
    exit 1
fi
say "OK"
