#!/usr/bin/env bash
# `make dist`: every artifact from the one release build (.build/release/libsello.so), into dist/,
# then a table of what was made: file, size, platform.
#
#   wheel.sh     libsello-V-py3-none-manylinux_*.whl (library and dependencies vendored; libcurl and
#                libxml2 built lean from Debian's sources by minimal-deps.sh) + sdist
#   composer.sh  sello-php-V.zip (FFI header inside, lib/linux-x86_64/ with the library)
#   deb.sh       libsello0_V-R_ARCH.deb, libsello-dev_V-R_ARCH.deb
#   tarball.sh   sello-V-linux-ARCH.tar.gz
#
# dist/SHA256SUMS lists the checksums. Scratch files go to build/dist/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

[[ -f "$LIB" ]] || die "$LIB not found: run make build"
python3 "$ROOT/scripts/generate.py" --check || die "the bindings' tables are older than include/sello.h"
rm -rf "$DIST"
mkdir -p "$DIST" "$WORK"
step "sello $VERSION from $LIB ($(human_size "$LIB") as built)"
"$here/wheel.sh"
"$here/composer.sh"
"$here/deb.sh"
"$here/tarball.sh"
(cd "$DIST" && sha256sum -- * > SHA256SUMS)

floor=$(glibc_floor "$(stripped_library)")
wheel=$(cd "$DIST" && ls libsello-*.whl)
wheel_tag=${wheel#libsello-"$VERSION"-}; wheel_tag=${wheel_tag%.whl}
vendored=$(ls "$WORK/vendored/libsello.libs" | sed 's/-[0-9a-f]\{8\}\././' | sort)
vendored_floor=$(for f in "$WORK"/vendored/sello/libsello.so "$WORK"/vendored/libsello.libs/*; do glibc_floor "$f"; done | sort -V | tail -n 1)

platform_of() {
  case "$1" in
    *.whl) echo "$wheel_tag ($(echo "$vendored" | wc -l) libraries vendored; glibc >= $vendored_floor)" ;;
    libsello-"$VERSION".tar.gz) echo "sdist: source, any platform (the binding; the library comes from SELLO_LIB or the system)" ;;
    sello-php-*.zip) echo "PHP >= 8.1 with FFI; lib/$PLATFORM/ (glibc >= $vendored_floor, libraries vendored as in the wheel)" ;;
    *.deb) echo "$(dpkg-deb -f "$DIST/$1" Architecture), /usr/lib/$MULTIARCH; Depends: $(dpkg-deb -f "$DIST/$1" Depends)" ;;
    sello-*-linux-*.tar.gz) echo "$PLATFORM, glibc >= $floor; links the system's libcurl 4, OpenSSL 3, libxml2 2" ;;
    *) echo "" ;;
  esac
}

echo
echo "dist/ (sello $VERSION):"
for file in $(cd "$DIST" && ls | grep -v SHA256SUMS); do
  printf '  %-52s %9s  %s\n' "$file" "$(human_size "$DIST/$file")" "$(platform_of "$file")"
done
echo "  wheel vendors: $(echo "$vendored" | tr '\n' ' ')"
if [[ "${SELLO_WHEEL_DEPS:-minimal}" == minimal ]]; then
  echo "    libcurl and libxml2 built without unused parts from Debian's sources ($(cut -d' ' -f1-2 "$ROOT/build/dist-deps/stamp"))"
else
  echo "    Debian's own binaries (SELLO_WHEEL_DEPS=system)"
fi
echo "  checksums: dist/SHA256SUMS"
