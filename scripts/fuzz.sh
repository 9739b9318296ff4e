#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of fuzz/ (the Swift code itself instrumented for
# coverage, -sanitize=fuzzer, and AddressSanitizer) in .build-fuzz, then runs each target for
# FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/<target>. Fails on any crash,
# leak, timeout or out-of-memory; the input that did it is kept in .build-fuzz/artifacts/.
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh            # longer
#   FUZZ_TARGETS="fuzz_json fuzz_xml" scripts/fuzz.sh
#   FUZZ_SECONDS=0 scripts/fuzz.sh               # only replay the corpora (a quick regression check)
#   scripts/fuzz.sh .build-fuzz/artifacts/crash-…  # reproduce: runs the matching target on that file
#
# New inputs found are written to .build-fuzz/corpus/<target> (not to the repository); merge the
# interesting ones into fuzz/corpus/<target> with `-merge=1` by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scratch="$root/.build-fuzz"
seconds=${FUZZ_SECONDS:-60}
targets=(${FUZZ_TARGETS:-fuzz_requests fuzz_json fuzz_xml fuzz_fes_answer fuzz_jwt fuzz_redactor})
declare -A dict=([fuzz_requests]=requests [fuzz_json]=json [fuzz_xml]=xml [fuzz_fes_answer]=json [fuzz_jwt]=json [fuzz_redactor]=json)

# What the build needs (a fresh CI machine): the C libraries, and the Swift toolchain's own
# libFuzzer and ASan runtimes (checked, not installed: they come with the toolchain).
scripts/install-deps.sh
scripts/clear-stale-modules.sh   # an in-place update may have added a shim header
toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")/..
if ! find "$toolchain/lib" -name 'libclang_rt.fuzzer-x86_64.a' 2>/dev/null | grep -q .; then
  echo "this Swift toolchain has no libFuzzer runtime (libclang_rt.fuzzer); use the swift.org Linux toolchain" >&2
  exit 1
fi

# fuzz_requests' entry points: every function of include/sello.h that takes text, each at a
# selector fixed by its name (scripts/generate.py --fuzz writes Targets/fuzz_requests/Entries.swift).
python3 scripts/generate.py --fuzz >/dev/null

echo "== building the fuzz targets in $scratch"
log="$scratch/build.log"
mkdir -p "$scratch"
# ld.gold warns once per ASan symbol it cannot export: keep that out of sight, show errors.
if ! swift build --package-path fuzz --scratch-path "$scratch" -c debug >"$log" 2>&1; then
  grep -v "Cannot export local symbol" "$log" | tail -40
  echo "fuzz build failed (full log: $log)" >&2
  exit 1
fi
bin="$scratch/debug"

# Reproducing one artifact.
if [[ $# -gt 0 ]]; then
  for input in "$@"; do
    for target in "${targets[@]}"; do
      echo "== $target $input"
      "$bin/$target" -runs=1 "$input" || true
    done
  done
  exit 0
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:handle_abort=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/fuzz/lsan.supp:print_suppressions=0}
# Swift's own crash backtracer reads the stack after a fatalError and trips ASan: let libFuzzer
# and ASan report instead.
export SWIFT_BACKTRACE=enable=no
mkdir -p "$scratch/artifacts"
work=$(mktemp -d)          # the targets run from an empty folder
trap 'rm -rf "$work"' EXIT
failed=()
summary=()
for target in "${targets[@]}"; do
  corpus="$scratch/corpus/$target"
  mkdir -p "$corpus"
  args=(-dict="$root/fuzz/dicts/${dict[$target]}.dict" -timeout=20 -rss_limit_mb=4096 -max_len=65536
        -artifact_prefix="$scratch/artifacts/$target-" -print_final_stats=1)
  if [[ $seconds -gt 0 ]]; then
    args+=(-max_total_time="$seconds" "$corpus" "$root/fuzz/corpus/$target")
    echo "== $target: $seconds s"
  else
    args+=(-runs=0 "$root/fuzz/corpus/$target" "$corpus")
    echo "== $target: replaying the corpus"
  fi
  output="$scratch/$target.log"
  started=$(date +%s)
  set +e
  (cd "$work" && "$bin/$target" "${args[@]}") >"$output" 2>&1
  status=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$output" | awk '{print $2}' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$output" | tail -1 | awk '{print $2}')
  line="$target: ${elapsed}s, ${runs:-?} runs, coverage ${cov:-?} edges"
  if [[ $status -ne 0 ]]; then
    failed+=("$target")
    line+=", FAILED (exit $status)"
    grep -E "ERROR|SUMMARY|Fatal error|==[0-9]+==|artifact|panic|precondition" "$output" | head -20
  fi
  echo "$line"
  summary+=("$line")
done

echo "== fuzz summary"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "crashes in: ${failed[*]} (inputs in $scratch/artifacts, logs in $scratch/<target>.log)" >&2
  exit 1
fi
