#!/usr/bin/env bash
# dist/sello-V-linux-ARCH.tar.gz, for C users and for PHP and Python users who install the
# library themselves; one folder, sello-V-linux-ARCH/, holding:
#
#   lib/libsello.so.V, lib/libsello.so.0 -> .so.V, lib/libsello.so -> .so.0
#   include/sello.h
#   lib/pkgconfig/sello.pc     relocatable: prefix=${pcfiledir}/../.., so it is right wherever the
#                              folder is unpacked (/opt/..., or /usr/local with --strip-components=1)
#   share/doc/sello/README.md  what is where, and how to build with pkg-config (tarball-README.md;
#                              under share/doc so that --strip-components=1 into /usr/local leaves
#                              no README.md in /usr/local itself)
#
# The library is the stripped release build (no RUNPATH); it links the system's libcurl,
# OpenSSL and libxml2.
set -euo pipefail
source "$(dirname "$0")/common.sh"

library=$(stripped_library)
name=sello-$VERSION-$PLATFORM
stage=$WORK/tarball
rm -rf "$stage"
top=$stage/$name
install -d "$top/lib/pkgconfig" "$top/include" "$top/share/doc/sello"
install -m 0755 "$library" "$top/lib/libsello.so.$VERSION"
ln -s "libsello.so.$VERSION" "$top/lib/libsello.so.$MAJOR"
ln -s "libsello.so.$MAJOR" "$top/lib/libsello.so"
install -m 0644 "$HEADER" "$top/include/sello.h"
sed -e 's|@PREFIX@|${pcfiledir}/../..|g' -e "s|@VERSION@|$VERSION|g" "$ROOT/sello.pc.in" > "$top/lib/pkgconfig/sello.pc"
chmod 0644 "$top/lib/pkgconfig/sello.pc"
grep -q '^prefix=${pcfiledir}/../..$' "$top/lib/pkgconfig/sello.pc" || die "sello.pc: the prefix was not made relocatable"
sed -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" -e "s|@PLATFORM@|$PLATFORM|g" \
  "$(dirname "$0")/tarball-README.md" > "$top/share/doc/sello/README.md"
chmod 0644 "$top/share/doc/sello/README.md"

tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$name" \
  | gzip -9n > "$DIST/$name.tar.gz"
echo "$name.tar.gz"
