#!/usr/bin/env bash
# Installs libsello into a temporary prefix with scripts/install.sh, checks the files, the
# symlinks and sello.pc, builds examples/c/fes_obtain.c with `pkg-config --cflags --libs sello`
# and runs it against the sandbox; then checks that the Python and PHP bindings find the
# installed library through the system library path.
#
#   bindings/tests/test_install.sh          (exit 0 when everything passed)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sello-install-test-XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
checks=0
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
fail() { echo "not ok - $*" >&2; exit 1; }

# 1. Install.
"$root/scripts/install.sh" "$prefix" > "$work/install.log" || { cat "$work/install.log"; fail "install.sh failed"; }
ok "scripts/install.sh \"$prefix\""

version=$(sed -n 's/^#define SELLO_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' "$root/include/sello.h" | paste -sd.)
major=${version%%.*}
lib="$prefix/lib"
[[ -f "$lib/libsello.so.$version" && ! -L "$lib/libsello.so.$version" ]] || fail "libsello.so.$version is not a file"
[[ "$(readlink "$lib/libsello.so.$major")" == "libsello.so.$version" ]] || fail "libsello.so.$major -> $(readlink "$lib/libsello.so.$major")"
[[ "$(readlink -f "$lib/libsello.so")" == "$(readlink -f "$lib/libsello.so.$version")" ]] || fail "libsello.so does not lead to the library"
ok "lib/libsello.so.$version with libsello.so.$major and libsello.so"
cmp -s "$root/include/sello.h" "$prefix/include/sello.h" || fail "include/sello.h differs"
ok "include/sello.h"
cmp -s "$(readlink -f "${SELLO_LIB:-$root/.build/release/libsello.so}")" "$lib/libsello.so.$version" || fail "the installed library is not the built one"
ok "the installed library is the built one"

# 2. pkg-config.
export PKG_CONFIG_PATH="$lib/pkgconfig"
[[ "$(pkg-config --modversion sello)" == "$version" ]] || fail "pkg-config --modversion: $(pkg-config --modversion sello)"
cflags=$(pkg-config --cflags sello)
libs=$(pkg-config --libs sello)
[[ "$(pkg-config --variable=prefix sello)" == "$prefix" ]] || fail "prefix=$(pkg-config --variable=prefix sello)"
[[ "$libs" == *"-lsello"* && "$libs" == *"-L"* && "$cflags" == *"-I"* ]] || fail "pkg-config gave '$cflags' '$libs'"
ok "pkg-config: $cflags $libs"

# 3. Build the FES example exactly as a user would.
cc -std=c99 -Wall -Wextra -Werror -I "$root/examples/c" -o "$work/fes_obtain" "$root/examples/c/fes_obtain.c" \
   $(pkg-config --cflags --libs sello) -Wl,-rpath,"$(pkg-config --variable=libdir sello)" \
   || fail "cc ... \$(pkg-config --cflags --libs sello) failed"
ok "examples/c/fes_obtain.c builds with pkg-config --cflags --libs sello"
needed=$(readelf -d "$work/fes_obtain" | sed -n 's/.*(NEEDED).*\[\(libsello[^]]*\)\].*/\1/p')
soname=$(readelf -d "$lib/libsello.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[[ -n "$needed" ]] || fail "the program does not need libsello"
[[ -z "$soname" || "$needed" == "$soname" ]] || fail "the program needs $needed, the library's soname is $soname"
ok "the program records ${needed} (library soname: ${soname:-none})"
resolved=$(ldd "$work/fes_obtain" | sed -n 's/.*libsello[^ ]* => \([^ ]*\).*/\1/p')
[[ "$(readlink -f "$resolved")" == "$(readlink -f "$lib/libsello.so.$version")" ]] || fail "ldd resolves libsello to '$resolved'"
ok "ldd resolves it to the installed library"

# 4. Run it against the sandbox.
env -u SELLO_LIB -u LD_LIBRARY_PATH "$root/scripts/with-sandbox.sh" "$work/fes_obtain" "$work/out" > "$work/run.log" 2>&1 \
  || { cat "$work/run.log"; fail "fes_obtain failed against the sandbox"; }
grep -q "estado            OK" "$work/run.log" || { cat "$work/run.log"; fail "no certificate in the output"; }
[[ -s "$work/out/certificado-19371037-9.p12" ]] || fail "the certificate file was not saved"
ok "fes_obtain ran against the sandbox and saved $(stat -c %s "$work/out/certificado-19371037-9.p12") bytes of PKCS#12"

# 5. The bindings find the installed library on the system library path.
found=$(cd "$work" && env -u SELLO_LIB LD_LIBRARY_PATH="$lib" PYTHONPATH="$root/bindings/python/src" \
        python3 -c 'import sello; print(sello.library_path())')
[[ "$(readlink -f "$found")" == "$(readlink -f "$lib/libsello.so.$version")" ]] || fail "Python loaded $found"
ok "Python (no SELLO_LIB) loads $found"
found=$(cd "$work" && BINDING="$root/bindings/php" env -u SELLO_LIB LD_LIBRARY_PATH="$lib" php -r '
  spl_autoload_register(function ($c) { $f = getenv("BINDING") . "/src/" . str_replace("\\", "/", substr($c, 6)) . ".php"; if (is_file($f)) require $f; });
  echo Sello\Library::path();')
[[ "$(readlink -f "$found")" == "$(readlink -f "$lib/libsello.so.$version")" ]] || fail "PHP loaded $found"
ok "PHP (no SELLO_LIB) loads $found"

# 6. DESTDIR staging keeps PREFIX in sello.pc.
DESTDIR="$work/stage" "$root/scripts/install.sh" /usr/local > /dev/null
[[ -f "$work/stage/usr/local/lib/libsello.so.$version" ]] || fail "DESTDIR: library not staged"
grep -qx 'prefix=/usr/local' "$work/stage/usr/local/lib/pkgconfig/sello.pc" || fail "DESTDIR: sello.pc prefix"
ok "DESTDIR=… install.sh /usr/local stages the files, sello.pc says prefix=/usr/local"

# 7. `make install` installs the existing build as it is: no rebuild, no Swift toolchain needed.
before=$(stat -c %Y "$root/.build/release/libsello.so")
env -u SELLO_LIB PATH=/usr/sbin:/usr/bin:/sbin:/bin make -s -C "$root" install PREFIX="$work/make-prefix" > "$work/make-install.log" 2>&1 \
  || { cat "$work/make-install.log"; fail "make install (no swift on PATH) failed"; }
[[ "$(stat -c %Y "$root/.build/release/libsello.so")" == "$before" ]] || fail "make install rebuilt the library"
cmp -s "$root/.build/release/libsello.so" "$work/make-prefix/lib/libsello.so.$version" || fail "make install installed another library"
ok "make install with no Swift toolchain on PATH installs the existing build unchanged"

echo "all $checks install checks passed"
