#!/usr/bin/env bash
# `make sanitize`: the Swift tests under AddressSanitizer and under ThreadSanitizer, each build in
# its own scratch path (.build-asan, .build-tsan), then the C soak (fuzz/soak.c: threads × mixed
# calls on shared FES, Firma Virtual and CFDI clients, callbacks replaced meanwhile) against a
# sanitized libsello.so and the sandbox, under each sanitizer too. Any report fails the run.
#
#   SANITIZERS="thread" scripts/sanitize.sh     # only one of address, thread
#   SOAK_THREADS=16 SOAK_CALLS=500 scripts/sanitize.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sanitizers=(${SANITIZERS:-address thread})
export SOAK_THREADS=${SOAK_THREADS:-8} SOAK_CALLS=${SOAK_CALLS:-150}

scripts/install-deps.sh
scripts/clear-stale-modules.sh   # an in-place update may have added a shim header
toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")
clang="$toolchain/clang"          # the toolchain's clang: its sanitizer runtimes match swiftc's
[[ -x $clang ]] || clang=clang
swiftlib="$toolchain/../lib/swift/linux"
bin="$root/.build-sanitize"
mkdir -p "$bin"

# LeakSanitizer runs with ASan; the Swift runtime's own one-time allocations (metadata caches,
# the libcurl/OpenSSL/libxml2 globals) are not leaks of ours.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp:print_suppressions=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$root/fuzz/tsan.supp:print_suppressions=0}

failed=()
run() {  # run NAME COMMAND...: logs to .build-sanitize/NAME.log, records a failure
  local name=$1; shift
  local log="$bin/$name.log"
  echo "== $name"
  if "$@" >"$log" 2>&1 && ! grep -qE "^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (Address|Leak)Sanitizer)" "$log"; then
    grep -E "Test run with|passed|failed|tests? passed|Executed" "$log" | tail -3 | sed 's/^/   /'
  else
    grep -E "WARNING: ThreadSanitizer|ERROR: (Address|Leak)Sanitizer|SUMMARY|error:|FAIL|✘" "$log" | head -20 | sed 's/^/   /'
    echo "   FAILED (log: $log)"
    failed+=("$name")
  fi
}

for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    address) scratch="$root/.build-asan"; flag=-fsanitize=address ;;
    thread)  scratch="$root/.build-tsan"; flag=-fsanitize=thread ;;
    *) echo "unknown sanitizer $sanitizer (address, thread)" >&2; exit 2 ;;
  esac

  # 1. The Swift unit tests (swift-testing), instrumented.
  run "swift-test-$sanitizer" swift test --sanitize="$sanitizer" --scratch-path "$scratch"

  # 2. The C soak against an instrumented libsello.so, through the C interface as a C program
  #    uses it. The executable carries the sanitizer runtime; the toolchain's TSan/ASan runtimes
  #    intercept libdispatch, hence -ldispatch -lBlocksRuntime.
  echo "== building libsello.so with -sanitize=$sanitizer"
  if ! swift build --sanitize="$sanitizer" --scratch-path "$scratch" --product sello >"$bin/build-$sanitizer.log" 2>&1; then
    grep -v "Cannot export local symbol" "$bin/build-$sanitizer.log" | tail -30
    failed+=("build-$sanitizer")
    continue
  fi
  ln -sf libsello.so "$scratch/debug/libsello.so.$(python3 scripts/sello_header.py major)"   # the soname
  "$clang" -std=c11 -g -O1 "$flag" -fuse-ld=lld -I"$root/include" -o "$bin/soak-$sanitizer" fuzz/soak.c \
    -L"$scratch/debug" -lsello -Wl,-rpath,"$scratch/debug" \
    -L"$swiftlib" -ldispatch -lBlocksRuntime -Wl,-rpath,"$swiftlib" -lpthread
  run "c-soak-$sanitizer" scripts/with-sandbox.sh "$bin/soak-$sanitizer"
done

echo "== sanitize summary"
if ((${#failed[@]})); then
  echo "failed: ${failed[*]} (logs in $bin)" >&2
  exit 1
fi
echo "clean: ${sanitizers[*]} (Swift tests and the C soak, $SOAK_THREADS threads × $SOAK_CALLS calls)"
