#!/usr/bin/env bash
# Installs libsello for C programs (and for the bindings' "system" lookup):
#
#   scripts/install.sh PREFIX          (make install PREFIX=/usr/local calls it)
#
#   PREFIX/lib/libsello.so.X.Y.Z       the library built at .build/release/libsello.so
#   PREFIX/lib/libsello.so.X           -> libsello.so.X.Y.Z   (the soname)
#   PREFIX/lib/libsello.so             -> libsello.so.X       (for -lsello)
#   PREFIX/include/sello.h
#   PREFIX/lib/pkgconfig/sello.pc      from sello.pc.in, prefix substituted
#
# DESTDIR stages the files under another root (packaging) while sello.pc keeps PREFIX.
# SELLO_LIB_SOURCE overrides the library to install. Runs ldconfig after installing into
# /usr or /usr/local as root.
set -euo pipefail

usage() { echo "usage: $0 PREFIX   (e.g. $0 /usr/local; DESTDIR=/tmp/stage $0 /usr)" >&2; exit 2; }
[[ $# -eq 1 && -n "$1" ]] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$1
[[ "$prefix" == /* ]] || prefix="$(pwd)/$prefix"
prefix=${prefix%/}
[[ -n "$prefix" ]] || prefix=/
destdir=${DESTDIR:-}
library=${SELLO_LIB_SOURCE:-$root/.build/release/libsello.so}
header=$root/include/sello.h
template=$root/sello.pc.in

[[ -f "$library" ]] || { echo "install.sh: $library not found: build it first (make build)" >&2; exit 1; }
[[ -f "$header" && -f "$template" ]] || { echo "install.sh: include/sello.h or sello.pc.in missing" >&2; exit 1; }

# The version comes from the header, the single source of truth.
version_part() { sed -n "s/^#define SELLO_VERSION_$1 \([0-9][0-9]*\).*/\1/p" "$header"; }
major=$(version_part MAJOR); minor=$(version_part MINOR); patch=$(version_part PATCH)
[[ -n "$major" && -n "$minor" && -n "$patch" ]] || { echo "install.sh: cannot read SELLO_VERSION_* from $header" >&2; exit 1; }
version="$major.$minor.$patch"

# The soname the library was linked with, if any (programs record it as their NEEDED entry).
soname=$(readelf -d "$library" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p' || true)
if [[ -n "$soname" && "$soname" != "libsello.so.$major" ]]; then
  echo "install.sh: warning: the library's soname is $soname, expected libsello.so.$major" >&2
fi

libdir="$destdir$prefix/lib"
includedir="$destdir$prefix/include"
pcdir="$libdir/pkgconfig"
install -d "$libdir" "$includedir" "$pcdir"
install -m 0755 "$library" "$libdir/libsello.so.$version"
ln -sfn "libsello.so.$version" "$libdir/libsello.so.$major"
ln -sfn "libsello.so.$major" "$libdir/libsello.so"
if [[ -n "$soname" && "$soname" != "libsello.so.$major" && "$soname" != "libsello.so" && "$soname" != "libsello.so.$version" ]]; then
  ln -sfn "libsello.so.$version" "$libdir/$soname"
fi
install -m 0644 "$header" "$includedir/sello.h"

escaped_prefix=$(printf '%s' "$prefix" | sed 's/[&|\\]/\\&/g')
sed -e "s|@PREFIX@|$escaped_prefix|g" -e "s|@VERSION@|$version|g" "$template" > "$pcdir/sello.pc.tmp"
chmod 0644 "$pcdir/sello.pc.tmp"
mv -f "$pcdir/sello.pc.tmp" "$pcdir/sello.pc"

echo "installed sello $version into $destdir$prefix:"
echo "  $libdir/libsello.so.$version (+ libsello.so.$major, libsello.so)"
echo "  $includedir/sello.h"
echo "  $pcdir/sello.pc"

if [[ -z "$destdir" && $EUID -eq 0 && ( "$prefix" == /usr || "$prefix" == /usr/local ) ]] && command -v ldconfig >/dev/null; then
  ldconfig
  echo "  (ldconfig updated)"
elif [[ -z "$destdir" && "$prefix" != /usr && "$prefix" != /usr/local ]]; then
  echo "  build:  cc prog.c \$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs sello) -Wl,-rpath,$prefix/lib"
fi
