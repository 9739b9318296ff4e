#!/usr/bin/env bash
# Installs what building and testing sello needs, when it is missing: Debian packages (as root)
# and pytest. `make build`, `make test` and `make demo` call it, so a fresh machine needs nothing
# by hand.
set -euo pipefail

packages=(libcurl4-openssl-dev libssl-dev libxml2-dev pkg-config openssl
          php8.2-cli php8.2-cgi php8.2-xml php8.2-mbstring composer phpunit)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == *"install ok installed"* ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "sello needs these Debian packages: ${missing[*]}" >&2
    echo "run as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# From PyPI, for the tests: pytest; click and rich (the `sello` command, the binding's "cli"
# extra); uvloop (sello.aio is also tested under it); mypy (the binding's typing check).
python_missing=()
for module in pytest click rich uvloop mypy; do
  python3 -c "import $module" 2>/dev/null || python_missing+=("$module")
done
if ((${#python_missing[@]})); then
  echo "installing: ${python_missing[*]}"
  python3 -m pip install -q "${python_missing[@]}"
fi
