#!/usr/bin/env bash
# `make memcheck`: valgrind memcheck on the C programs — the C tests (Tests/c/test_*.c), the C
# examples (examples/c/*.c) and the C soak (fuzz/soak.c) — each linked against the release
# libsello.so and run against the sandbox. Fails on any memory error or on any byte
# "definitely lost"; "possibly lost" and "still reachable" are reported (the Swift runtime's
# metadata caches and libcurl/OpenSSL globals live until exit).
#
# valgrind 3.19 (Debian 12) cannot read the DWARF 5 debug info swiftc emits ("unhandled dwarf2
# abbrev form code 0x25 … Possibly corrupted debuginfo file. I can't recover"), even with
# --read-var-info=no: the programs are linked against a copy of the library with its debug info
# stripped (objcopy --strip-debug), which keeps the symbol names for the stacks.
#
#   SELLO_LIB=/path/to/libsello.so scripts/memcheck.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
lib=${SELLO_LIB:-$root/.build/release/libsello.so}
[[ -f $lib ]] || { echo "memcheck: $lib not found (make build)" >&2; exit 1; }

missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v objcopy >/dev/null || missing+=(binutils)
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || { echo "memcheck needs: apt-get install -y ${missing[*]}" >&2; exit 1; }
  echo "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

out="$root/.build-memcheck"
rm -rf "$out"
mkdir -p "$out/lib" "$out/bin" "$out/logs"
objcopy --strip-debug "$lib" "$out/lib/libsello.so"
ln -sf libsello.so "$out/lib/libsello.so.$(python3 scripts/sello_header.py major)"   # the soname
link=(-L "$out/lib" -lsello "-Wl,-rpath,$out/lib" -lpthread)

# A CSD for the CFDI example's cancellation (as scripts/run-examples.sh does).
if python3 Tests/support/make_test_certs.py "$out/certs" >"$out/certs.json" 2>"$out/certs.log"; then
  export SELLO_CSD_CER="$out/certs/other.cer" SELLO_CSD_KEY="$out/certs/other.key" SELLO_CSD_PASSWORD=12345678a
fi
export SOAK_THREADS=${SOAK_THREADS:-4} SOAK_CALLS=${SOAK_CALLS:-40}   # valgrind runs threads one at a time

programs=()
for source in Tests/c/test_*.c examples/c/*.c fuzz/soak.c; do
  [[ -f $source ]] || continue
  name=$(basename "$source" .c)
  if ! cc -std=c11 -g -O1 -I include -I "$(dirname "$source")" -o "$out/bin/$name" "$source" "${link[@]}" \
       2>"$out/logs/cc-$name.log"; then
    cat "$out/logs/cc-$name.log"
    echo "memcheck: $source does not compile" >&2
    exit 1
  fi
  programs+=("$name")
done

failed=()
for name in "${programs[@]}"; do
  log="$out/logs/$name.log"
  mkdir -p "$out/run/$name"
  set +e
  SELLO_EXAMPLES_OUT="$out/run/$name" scripts/with-sandbox.sh \
    valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
             --error-exitcode=99 --num-callers=40 --read-var-info=no --log-file="$log" \
             "$out/bin/$name" >"$out/logs/$name.out" 2>&1
  status=$?
  set -e
  definitely=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | tail -1)
  possibly=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | tail -1)
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tr -d , | tail -1)
  line="$name: exit $status, ${errors:-?} errors, definitely lost ${definitely:-0} bytes, possibly lost ${possibly:-0} bytes"
  if [[ $status -ne 0 || ${errors:-1} -ne 0 || ${definitely:-0} -ne 0 ]]; then
    failed+=("$name")
    line+="  FAILED (valgrind log $log, output $out/logs/$name.out)"
  fi
  echo "$line"
done

if ((${#failed[@]})); then
  echo "memcheck failed: ${failed[*]}" >&2
  exit 1
fi
echo "memcheck: ${#programs[@]} programs, 0 bytes definitely lost, 0 errors"
