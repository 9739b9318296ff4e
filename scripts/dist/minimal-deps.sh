#!/usr/bin/env bash
# libcurl and libxml2 without what sello never uses, built from Debian's own source packages
# (`apt-get source`, with Debian's patches, security fixes included, and Debian's hardening
# flags), for the wheel and the composer package to vendor instead of Debian's binaries:
#
#   libcurl   HTTP and HTTPS only, OpenSSL, threaded resolver, proxies; no HTTP/2, IDN, PSL, zlib,
#             brotli, zstd, LDAP, RTMP, SSH, Kerberos: 24 MB of vendored libraries become 3 MB
#   libxml2   no ICU (33 MB installed, 13 MB of the wheel: libxml2's Unicode conversions that sello,
#             which parses UTF-8 answers, never needs; glibc's iconv remains), no HTTP/FTP, no lzma
#             or zlib, no legacy or debug parts
#
# The same sonames and symbol versions as Debian's (libcurl.so.4 with CURL_OPENSSL_4,
# libxml2.so.2), so the one release build of libsello links them unchanged. Prints the folder of
# the libraries; results are kept in build/dist-deps/ and reused while the versions are the same.
# The source index is fetched with a private apt configuration (the system's own Debian sources
# as deb-src): the system's apt setup is not changed, and root is not needed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

deps=$ROOT/build/dist-deps
apt_dir=$deps/apt
prefix=$deps/prefix
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" "$deps/src"

# -- the system's Debian sources, as deb-src, in a private apt configuration ---------------------
for file in /etc/apt/sources.list.d/*.sources; do
  [[ -f "$file" ]] && sed 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$file" > "$apt_dir/sources.list.d/$(basename "$file")"
done
if [[ -f /etc/apt/sources.list ]]; then
  sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > "$apt_dir/sources.list.d/system.list"
fi
apt_options=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
             -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root"
             -o "Debug::NoLocking=1" -qq)
if ! apt-get "${apt_options[@]}" update > "$deps/apt-update.log" 2>&1; then
  if [[ -f "$deps/stamp" && -f "$prefix/lib/libcurl.so.4" && -f "$prefix/lib/libxml2.so.2" ]]; then
    echo "make dist: Debian's source index cannot be read; using the libraries built before ($(cat "$deps/stamp"))" >&2
    echo "$prefix/lib"
    exit 0
  fi
  cat "$deps/apt-update.log" >&2
  die "cannot read Debian's source index (or build with SELLO_WHEEL_DEPS=system)"
fi
source_version() { apt-cache "${apt_options[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1; }
curl_version=$(source_version curl)
xml_version=$(source_version libxml2)
[[ -n "$curl_version" && -n "$xml_version" ]] || die "Debian's source index has no curl or libxml2"
stamp="curl=$curl_version libxml2=$xml_version script=$(sha256sum "$0" | cut -c1-16)"

if [[ -f "$deps/stamp" && "$(cat "$deps/stamp")" == "$stamp" && -f "$prefix/lib/libcurl.so.4" && -f "$prefix/lib/libxml2.so.2" ]]; then
  echo "$prefix/lib"
  exit 0
fi
rm -rf "$deps/src" "$prefix" "$deps/stamp"
mkdir -p "$deps/src"
(cd "$deps/src" && apt-get "${apt_options[@]}" source "curl=$curl_version" "libxml2=$xml_version") > "$deps/apt-source.log" 2>&1 \
  || { cat "$deps/apt-source.log" >&2; die "apt-get source curl libxml2 failed"; }

# Debian's compiler and linker flags (hardening), as its own builds use.
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
jobs=$(nproc)

# -- libcurl: the OpenSSL flavour (Debian builds it with its last two patches, for GnuTLS and NSS,
# taken off again)
curl_src=$(ls -d "$deps"/src/curl-*/)
for patch in 99_nss.patch 90_gnutls.patch; do
  if patch -d "$curl_src" -R -p1 --dry-run -s < "$curl_src/debian/patches/$patch" > /dev/null 2>&1; then
    patch -d "$curl_src" -R -p1 -s < "$curl_src/debian/patches/$patch"
  fi
done
(cd "$curl_src" && ./configure --prefix="$prefix" --disable-static --enable-shared --enable-versioned-symbols \
    --with-openssl --without-nghttp2 --without-libidn2 --without-libpsl --without-zlib --without-brotli --without-zstd \
    --without-librtmp --without-libssh2 --without-libssh --without-gssapi --disable-ldap --disable-ldaps \
    --disable-ftp --disable-file --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
    --disable-smtp --disable-gopher --disable-mqtt --disable-rtsp --disable-smb --disable-manual \
    --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
  && make -j"$jobs" -C lib && make -C lib install && make -C include install) > "$deps/curl-build.log" 2>&1 \
  || { tail -n 40 "$deps/curl-build.log" >&2; die "building libcurl failed (log: $deps/curl-build.log)"; }

# -- libxml2 (the generated build files are dated after their sources: nothing to regenerate)
xml_src=$(ls -d "$deps"/src/libxml2-*/)
(cd "$xml_src" && touch aclocal.m4 && sleep 1 && touch configure && find . -name Makefile.in -exec touch {} + \
  && touch config.h.in && ./configure --prefix="$prefix" --disable-static --enable-shared --without-icu \
    --without-python --without-lzma --without-zlib --without-http --without-ftp --without-debug --without-docbook \
    --without-legacy --without-readline --without-history --without-modules \
  && make -j"$jobs" libxml2.la && make install-libLTLIBRARIES) > "$deps/libxml2-build.log" 2>&1 \
  || { tail -n 40 "$deps/libxml2-build.log" >&2; die "building libxml2 failed (log: $deps/libxml2-build.log)"; }

# The same interface as Debian's: sonames and the symbol versions libsello was linked against.
# (Each listing is read whole first: grep -q closing the pipe early would fail it under pipefail.)
curl_symbols=$(objdump -T "$prefix/lib/libcurl.so.4")
[[ "$curl_symbols" == *CURL_OPENSSL_4* ]] || die "the built libcurl lacks the CURL_OPENSSL_4 symbol version"
xml_symbols=$(objdump -T "$prefix/lib/libxml2.so.2")
for needed in $(objdump -T "$LIB" | grep -o 'LIBXML2_[0-9.]*' | sort -u); do
  [[ "$xml_symbols" == *" $needed "* ]] || die "the built libxml2 lacks the symbol version $needed"
done
echo "$stamp" > "$deps/stamp"
echo "$prefix/lib"
