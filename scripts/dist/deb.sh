#!/usr/bin/env bash
# The Debian packages, built with dpkg-deb, into dist/:
#
#   libsello0_V-R_ARCH.deb     /usr/lib/MULTIARCH/libsello.so.V and the soname link libsello.so.0;
#                              Depends from dpkg-shlibdeps, and ca-certificates; shlibs; the
#                              ldconfig trigger
#   libsello-dev_V-R_ARCH.deb  /usr/include/sello.h, /usr/lib/MULTIARCH/libsello.so (-> .so.0),
#                              /usr/lib/MULTIARCH/pkgconfig/sello.pc; Depends: libsello0 (= V-R)
#
# The library is the stripped release build, with no RUNPATH (checked).
set -euo pipefail
source "$(dirname "$0")/common.sh"

library=$(stripped_library)
full_version=$VERSION-$DEB_REVISION
work=$WORK/deb
rm -rf "$work"
runtime=$work/libsello$MAJOR
dev=$work/libsello-dev
libdir=usr/lib/$MULTIARCH

# -- files --------------------------------------------------------------------------------------
install -d "$runtime/$libdir" "$runtime/DEBIAN" "$runtime/usr/share/doc/libsello$MAJOR"
install -m 0644 "$library" "$runtime/$libdir/libsello.so.$VERSION"
ln -s "libsello.so.$VERSION" "$runtime/$libdir/libsello.so.$MAJOR"

install -d "$dev/$libdir/pkgconfig" "$dev/usr/include" "$dev/DEBIAN" "$dev/usr/share/doc/libsello-dev"
install -m 0644 "$HEADER" "$dev/usr/include/sello.h"
ln -s "libsello.so.$MAJOR" "$dev/$libdir/libsello.so"
sed -e "s|@PREFIX@|/usr|g" -e "s|@VERSION@|$VERSION|g" -e "s|^libdir=.*|libdir=\${prefix}/lib/$MULTIARCH|" \
    "$ROOT/sello.pc.in" > "$dev/$libdir/pkgconfig/sello.pc"
chmod 0644 "$dev/$libdir/pkgconfig/sello.pc"

for package in "$runtime" "$dev"; do
  cat > "$package/usr/share/doc/$(basename "$package")/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: sello

Files: *
Copyright: the sello maintainers
License: LicenseRef-Proprietary
 Proprietary software: use and distribution only under the terms agreed with its owners.
COPYRIGHT
  chmod 0644 "$package/usr/share/doc/$(basename "$package")/copyright"
done

# -- dependencies: dpkg-shlibdeps reads the library's NEEDED entries ----------------------------
mkdir -p "$work/source/debian"
printf 'Source: sello\nMaintainer: %s\n\nPackage: libsello%s\nArchitecture: any\n' "$MAINTAINER" "$MAJOR" \
  > "$work/source/debian/control"
depends=$(cd "$work/source" && dpkg-shlibdeps -O "$runtime/$libdir/libsello.so.$VERSION" 2>"$work/shlibdeps.log" \
          | sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log"; die "dpkg-shlibdeps failed"; }
[[ -n "$depends" ]] || { cat "$work/shlibdeps.log"; die "dpkg-shlibdeps found no dependencies"; }

description() {
  cat <<TEXT
Description: $1
 One C interface to FES (Chilean certificates), Firma Virtual (Chilean
 contracts and signatures) and Prodigia/PADE (Mexican CFDI invoices): JSON
 requests in, JSON envelopes out, on libcurl.
TEXT
}
installed_size() { du -sk --exclude=DEBIAN "$1" | cut -f1; }

{
  echo "Package: libsello$MAJOR"
  echo "Source: sello"
  echo "Version: $full_version"
  echo "Architecture: $DEB_ARCH"
  echo "Maintainer: $MAINTAINER"
  echo "Installed-Size: $(installed_size "$runtime")"
  # ca-certificates: every service's default URL is public HTTPS, and without the system's CA
  # bundle each call fails (TLS_FAILED, "no CA bundle"). Depends, not Recommends: libcurl4 already
  # recommends it, so a Recommends here would change nothing where it is missing — images built
  # with --no-install-recommends, or dpkg -i, as the audit's debian slim was. A client with its own
  # ca_file does not need it; it costs such a machine a few MB.
  echo "Depends: $depends, ca-certificates"
  echo "Section: libs"
  echo "Priority: optional"
  echo "Multi-Arch: same"
  description "e-signature and e-invoicing services through one C library"
} > "$runtime/DEBIAN/control"
echo "libsello $MAJOR libsello$MAJOR (>= $VERSION)" > "$runtime/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$runtime/DEBIAN/triggers"

{
  echo "Package: libsello-dev"
  echo "Source: sello"
  echo "Version: $full_version"
  echo "Architecture: $DEB_ARCH"
  echo "Maintainer: $MAINTAINER"
  echo "Installed-Size: $(installed_size "$dev")"
  echo "Depends: libsello$MAJOR (= $full_version)"
  echo "Section: libdevel"
  echo "Priority: optional"
  echo "Multi-Arch: same"
  description "e-signature and e-invoicing services through one C library (development files)"
} > "$dev/DEBIAN/control"

for package in "$runtime" "$dev"; do
  (cd "$package" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  chmod 0644 "$package"/DEBIAN/*
  find "$package" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  name=$(basename "$package")_${full_version}_$DEB_ARCH.deb
  dpkg-deb --root-owner-group -Zxz --build "$package" "$DIST/$name" > /dev/null
  echo "$name"
done
