#!/usr/bin/env bash
# make lint: every formatter and linter, each reporting on its own, exit 1 if any failed.
#   swift format lint (.swift-format: 4 spaces, 120 columns), ruff check and ruff format --check
#   (ruff.toml), PHP_CodeSniffer (bindings/php/phpcs.xml.dist: PSR-12, 120 columns), the size
#   rule (scripts/check_sizes.py) and the 120-column rule for Swift (swift format keeps a long
#   string literal whole). `scripts/lint.sh --fix` (make format) applies the formatters first.
# ruff and phpcs are installed when missing (scripts/install-deps.sh lint).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh lint >/dev/null || exit 1
ruff=build/lint/venv/bin/ruff
swift_paths=(Package.swift Sources Tests fuzz)
failed=()

if [[ ${1:-} == --fix ]]; then
  swift format format --in-place --recursive --configuration .swift-format "${swift_paths[@]}"
  "$ruff" check --fix --quiet . || true
  "$ruff" format --quiet .
  make -s -C bindings/php lint-fix >/dev/null || true
fi

run() {
  local name=$1; shift
  if "$@"; then echo "lint: $name ok"; else failed+=("$name"); fi
}
run "swift format" swift format lint --strict --recursive --configuration .swift-format "${swift_paths[@]}"
run "swift lines" bash -c 'git ls-files -z "*.swift" | xargs -0 python3 scripts/check_sizes.py --columns'
run "ruff check" "$ruff" check --quiet .
run "ruff format" "$ruff" format --check --quiet .
run "phpcs" make -s -C bindings/php lint
run "sizes" python3 scripts/check_sizes.py
if ((${#failed[@]})); then echo "lint: failed: ${failed[*]}" >&2; exit 1; fi
