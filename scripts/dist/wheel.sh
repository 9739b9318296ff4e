#!/usr/bin/env bash
# The Python wheel and sdist of `libsello` (import name `sello`), into dist/:
#
#   libsello-V-py3-none-manylinux_2_X_x86_64.whl   the binding, the stripped library and, vendored
#                                                  by auditwheel under libsello.libs/, every library
#                                                  it links that the manylinux policy does not allow
#   libsello-V.tar.gz                              the sdist: the binding alone (no library), which
#                                                  finds libsello through SELLO_LIB or the system
#
# The wheel is `py3-none-*` (ctypes: any Python 3, no extension module) and tagged by auditwheel
# with the oldest manylinux policy the binaries satisfy. The libcurl and libxml2 it vendors are
# built by minimal-deps.sh from Debian's source packages without what sello never uses
# (SELLO_WHEEL_DEPS=minimal, the default), or are Debian's own binaries (SELLO_WHEEL_DEPS=system:
# 24 MB instead of 6 MB, ICU and 27 other libraries vendored). It also copies the repaired library and
# its vendored libraries to build/dist/vendored/ for the composer package.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_venv
library=$(stripped_library)
stage=$WORK/python
rm -rf "$stage" "$WORK/wheel-raw" "$WORK/wheel" "$WORK/vendored"
mkdir -p "$stage" "$WORK/wheel-raw" "$WORK/wheel" "$WORK/vendored"

# A copy of the binding without tests, caches or an old build.
tar -C "$ROOT/bindings/python" --exclude=tests --exclude=build --exclude='*.egg-info' --exclude=__pycache__ \
    --exclude='.pytest_cache' --exclude='libsello.so*' -cf - . | tar -C "$stage" -xf -
# The README becomes the package's description (METADATA): its links to ../../docs/ would lead
# nowhere there, so they name the files in sello's source repository instead.
python3 "$(dirname "$0")/doc_links.py" "$stage" README.md=bindings/python/README.md || die "cannot rewrite the README's links"
# pyproject.toml takes the version from src/sello/_abi.py, generated from include/sello.h.
declared=$(sed -n 's/^VERSION = "\(.*\)"/\1/p' "$stage/src/sello/_abi.py")
[[ "$declared" == "$VERSION" ]] || die "bindings/python/src/sello/_abi.py says version $declared, include/sello.h says $VERSION: run make generate"

step "sdist"
"$VENV/bin/pyproject-build" --sdist --no-isolation --outdir "$DIST" "$stage" > "$WORK/sdist.log" 2>&1 \
  || { cat "$WORK/sdist.log"; die "sdist failed"; }

step "wheel (with the library), then auditwheel repair"
cp "$library" "$stage/src/sello/libsello.so"
"$VENV/bin/pip" wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$WORK/wheel-raw" "$stage" \
  > "$WORK/wheel.log" 2>&1 || { cat "$WORK/wheel.log"; die "pip wheel failed"; }
raw=$(ls "$WORK"/wheel-raw/libsello-*.whl)
[[ "$raw" == *-py3-none-linux_*.whl ]] || die "the wheel is not a platform wheel: $raw"
case "${SELLO_WHEEL_DEPS:-minimal}" in
  minimal) AUDITWHEEL_LD_LIBRARY_PATH=$("$(dirname "$0")/minimal-deps.sh"); export AUDITWHEEL_LD_LIBRARY_PATH ;;
  system) unset AUDITWHEEL_LD_LIBRARY_PATH ;;
  *) die "SELLO_WHEEL_DEPS is minimal or system, not ${SELLO_WHEEL_DEPS}" ;;
esac
# --strip: the vendored libraries lose their symbol tables too (libsello.so already has).
PATH="$VENV/bin:$PATH" "$VENV/bin/auditwheel" repair --strip -w "$WORK/wheel" "$raw" > "$WORK/auditwheel.log" 2>&1 \
  || { cat "$WORK/auditwheel.log"; die "auditwheel repair failed"; }
wheel=$(ls "$WORK"/wheel/libsello-*manylinux*.whl)
cp "$wheel" "$DIST/"
"$VENV/bin/auditwheel" show "$wheel" > "$WORK/auditwheel-show.txt" 2>&1 || true

# The repaired library and what it vendors, for the composer package (same files, same RUNPATH
# layout: $ORIGIN/../libsello.libs becomes $ORIGIN/libsello.libs there).
python3 - "$wheel" "$WORK/vendored" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name == "sello/libsello.so" or (name.startswith("libsello.libs/") and not name.endswith("/")):
            target = os.path.join(out, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(name) as source, open(target, "wb") as sink:
                sink.write(source.read())
            os.chmod(target, 0o755)
PY
echo "$(basename "$wheel")"
