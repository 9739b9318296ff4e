#!/usr/bin/env bash
# Runs every example (C, Python, PHP; FES, Firma Virtual, CFDI) against the sandbox, with a
# header line per example, and exits non-zero if any fails.
#
#   scripts/with-sandbox.sh scripts/run-examples.sh            (what `make demo` runs)
#   scripts/with-sandbox.sh scripts/run-examples.sh fes        (only the examples whose name matches)
#
# Needs SELLO_SANDBOX_URL (with-sandbox.sh exports it) and the library at .build/release (or
# SELLO_LIB). The C examples are compiled with cc against include/ and that library. Files the
# examples write go to a temporary folder (kept with KEEP_EXAMPLES_OUTPUT=1).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
: "${SELLO_SANDBOX_URL:?run it through scripts/with-sandbox.sh, which starts the sandbox and sets SELLO_SANDBOX_URL}"
export SELLO_SANDBOX_URL
export SELLO_LIB=${SELLO_LIB:-$root/.build/release/libsello.so}
[[ -f "$SELLO_LIB" ]] || { echo "run-examples: $SELLO_LIB not found (make build)" >&2; exit 1; }
lib_dir=$(cd "$(dirname "$SELLO_LIB")" && pwd)
export PYTHONPATH="$root/bindings/python/src${PYTHONPATH:+:$PYTHONPATH}"

out=$(mktemp -d "${TMPDIR:-/tmp}/sello-examples-XXXXXX")
if [[ "${KEEP_EXAMPLES_OUTPUT:-0}" == 1 ]]; then
  trap 'echo "example output kept in $out"' EXIT
else
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out/bin" "$out/lib"

filters=("$@")
wanted() {
  local name=$1 filter
  [[ ${#filters[@]} -eq 0 ]] && return 0
  for filter in "${filters[@]}"; do [[ "$name" == *"$filter"* ]] && return 0; done
  return 1
}

# The library's soname (libsello.so.0): a program linked with -lsello loads that name, so make
# sure a file of that name sits in a directory of the program's rpath.
soname=$(readelf -d "$SELLO_LIB" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
ln -sf "$SELLO_LIB" "$out/lib/libsello.so"
[[ -n "$soname" ]] && ln -sf "$SELLO_LIB" "$out/lib/$soname"
if [[ "$SELLO_LIB" == "$lib_dir/libsello.so" && ( -z "$soname" || -e "$lib_dir/$soname" ) ]]; then
  link=(-L "$lib_dir" -lsello "-Wl,-rpath,$lib_dir")
else
  link=(-L "$out/lib" -lsello "-Wl,-rpath,$out/lib")
fi

# A test CSD made with OpenSSL at run time (never a committed key) for the CFDI examples, which
# have Prodigia seal their CFDI 4.0 with it (CALCULAR_SELLO) and cancel with it: the test
# generator's "other" pair, RFC EKU9003173C9, the examples' emisor. Unless the caller brought one.
if wanted cfdi && [[ -z "${SELLO_CSD_CER:-}" ]]; then
  if python3 "$root/Tests/support/make_test_certs.py" "$out/certs" > "$out/certs.json" 2> "$out/certs.log"; then
    export SELLO_CSD_CER="$out/certs/other.cer" SELLO_CSD_KEY="$out/certs/other.key" SELLO_CSD_PASSWORD=12345678a
  else
    echo "run-examples: could not make a test CSD (the CFDI examples will ask for CERT_DEFAULT, Prodigia's stored one)" >&2
  fi
fi

examples=(fes_obtain firma_virtual_flow cfdi_stamp_query_cancel)
passed=()
failed=()
run() {
  local label=$1; shift
  echo
  echo "=================== $label ==================="
  if (cd "$root" && SELLO_EXAMPLES_OUT="$out/${label//[^A-Za-z0-9_]/_}" "$@"); then
    passed+=("$label")
  else
    echo "--- $label FAILED (exit $?)"
    failed+=("$label")
  fi
}

for example in "${examples[@]}"; do
  wanted "$example" || continue
  if cc -std=c99 -Wall -Wextra -O1 -I "$root/include" -I "$root/examples/c" -o "$out/bin/$example" \
       "$root/examples/c/$example.c" "${link[@]}" 2> "$out/cc-$example.log"; then
    run "C: $example" "$out/bin/$example"
  else
    echo
    echo "=================== C: $example ==================="
    cat "$out/cc-$example.log"
    echo "--- C: $example FAILED (does not compile)"
    failed+=("C: $example")
  fi
done
for example in "${examples[@]}"; do
  wanted "$example" && run "Python: $example" python3 "$root/examples/python/$example.py"
done
for example in "${examples[@]}"; do
  wanted "$example" && run "PHP: $example" php "$root/examples/php/$example.php"
done

# The `sello` command (the console script of bindings/python, `sello = sello.cli:main`; here
# `python3 -m sello.cli` on the source tree), shown once: a local check, two CFDIs stamped through
# the library's batch, and their XML fetched by UUID from a file.
sello_command() {
  echo "\$ sello $*"
  python3 -m sello.cli "$@"
}
sello_demo() {
  if ! python3 -c "import click, rich" 2>/dev/null; then
    echo "the sello command needs click and rich: pip install click rich (make test-deps installs them)"
    return 1
  fi
  local dir=$SELLO_EXAMPLES_OUT fecha folio
  mkdir -p "$dir/cfdi"
  printf 'pade_pass\n' > "$dir/cfdi-password" && chmod 600 "$dir/cfdi-password"
  export SELLO_CFDI_BASE_URL="$SELLO_SANDBOX_URL/servicio/rest" SELLO_CFDI_USUARIO=pade_user \
         SELLO_CFDI_PASSWORD_FILE="$dir/cfdi-password" SELLO_CFDI_CONTRATO=PADE-CONTRATO-01
  echo "(configuration from the environment: SELLO_CFDI_BASE_URL, SELLO_CFDI_USUARIO,"
  echo " SELLO_CFDI_PASSWORD_FILE, SELLO_CFDI_CONTRATO; \`sello config --help\` lists them)"
  echo
  sello_command rut check 12.345.678-5 76.369.187-K || return 1
  echo
  fecha=$(TZ=UTC+6 date -d '-5 minutes' +%Y-%m-%dT%H:%M:%S)   # Mexico City time, 5 minutes ago
  # Two invoices in the CSV's 4.0 layout (PRODIGIA_2026.md §2.5), stamped with the 4.0 plugin and
  # sealed by Prodigia with the account's stored CSD (CALCULAR_SELLO), as a PADE account that has
  # uploaded its certificate would be: the sandbox's account is given one first.
  python3 -c 'import json, sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_sandbox/cfdi/account", method="POST",
    data=json.dumps({"usuario": "pade_user", "has_default_cert": True}).encode(),
    headers={"Content-Type": "application/json"}), timeout=10).read()' "$SELLO_SANDBOX_URL" || return 1
  for folio in 2001 2002; do
    printf '%s\n' "CFDI|4.0|B|$folio|$fecha||03||||500.00||MXN||580.00|I|01|PUE|06000||" \
      "EMIS|EKU9003173C9|ESCUELA KEMPER URGATE|601||" "RECE|XAXX010101000|PUBLICO EN GENERAL|06000|||616|S01|" \
      "CONC|81111500||1|E48||Soporte|500.00|500.00||02|" "CIMT|500.00|002|Tasa|0.160000|80.00|" \
      "IMPU||80.00|" "IMPT|500.00|002|Tasa|0.160000|80.00" > "$dir/factura-B-$folio.csv"
  done
  cd "$dir" || return 1
  sello_command cfdi process-file factura-B-2001.csv factura-B-2002.csv --prueba --save-dir cfdi \
    --opcion PLUGIN_PROCESO:GENERICO_CFDI40:1.0 --opcion CALCULAR_SELLO || return 1
  echo
  # The stamped XML files are named <UUID>.xml: their UUIDs, one per line, for --from-file.
  (cd cfdi && ls -- *.xml | sed 's/\.xml$//') > uuids.txt
  sello_command cfdi get-by-uuid --from-file uuids.txt || return 1
}
if wanted sello; then
  run "sello command" sello_demo
fi

echo
echo "=================== summary ==================="
for label in "${passed[@]}"; do echo "  ok      $label"; done
for label in "${failed[@]}"; do echo "  FAILED  $label"; done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "${#failed[@]} of $(( ${#passed[@]} + ${#failed[@]} )) examples failed"
  exit 1
fi
echo "all ${#passed[@]} examples ran"
